/* The carried judgement's index from a media key (media_log_key()) to the
 * first link of its readers (sim/verify_carry.c): a u32 per key, 0 when
 * none. Keys come in runs (a request reads neighbouring sectors), so they
 * live in pages of 64 consecutive keys found through a small hash map of
 * page numbers: a lookup touches a map that stays in cache and one page,
 * where a map of every key (70 000 on the demo) missed the cache at each
 * put and get. Internal to sim/. */
#ifndef CSUMSIM_SIM_CARRY_INDEX_H
#define CSUMSIM_SIM_CARRY_INDEX_H

#include <stdint.h>

#include "util/u64map.h"

#define CIDX_PAGE 64u

struct cidx_page {
	uint64_t present; /* bit i: key page * 64 + i was put */
	uint32_t head[CIDX_PAGE];
};

struct carry_index {
	struct u64map at;         /* key / 64 -> uint32_t index in pages */
	struct cidx_page *pages;
	uint64_t n_pages, cap_pages;
	uint64_t len;             /* keys put */
};

void cidx_init(struct carry_index *x);
void cidx_free(struct carry_index *x); /* empty again, ready for use */
/* The value of key, or NULL when it was never put. Valid until the next put. */
uint32_t *cidx_get(const struct carry_index *x, uint64_t key);
/* The value of key, 0 when new; NULL out of memory. Valid until the next put. */
uint32_t *cidx_put(struct carry_index *x, uint64_t key);

#endif
