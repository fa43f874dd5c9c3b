/* The carried judgement's parts (sim/verify_carry.h), each in a file of its
 * own: the recorder of a read-back (carry_record.c), the groups, their
 * links and totals (carry_groups.c), the update from the logs
 * (verify_carry.c), the runs a crash state touches (carry_touch.c), the
 * judgement over a pipe (carry_pipe.c). Private to those files. */
#ifndef CSUMSIM_SIM_CARRY_PRIV_H
#define CSUMSIM_SIM_CARRY_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "reports/metrics.h"
#include "sim/oracle.h"
#include "sim/verify_carry.h"
#include "sim/world.h"
#include "util/err.h"

/* ---- a read-back as it was recorded, request by request (carry_record.c) */

struct flat_run {
	uint64_t sector;
	uint32_t count;
	uint8_t failed;       /* its sectors were judged alone */
	uint64_t cls;         /* verdicts at cls[cls..], oracle keys at okey[cls..] */
	uint64_t dep, n_dep;  /* media keys at deps[dep..] */
};

struct flat {
	struct flat_run *runs;
	uint64_t n_runs, cap_runs;
	uint8_t *cls;
	uint64_t *okey;
	uint64_t *tag;        /* as carry_group's (CSUM_TAG_NONE: not known) */
	uint64_t n_cls, cap_cls;
	uint64_t *deps;
	uint64_t n_deps, cap_deps;
	/* okey[] is unset for the clean requests: an update keeps the
	 * group's keys, which mark_oracle keeps current */
	bool no_okeys;
};

void carry_flat_free(struct flat *f);
/* Room for one more run of count sectors and n_dep keys: 0, or -1. */
int carry_flat_reserve(struct flat *f, uint32_t count, uint64_t n_dep);
/* Reads back the runs given (all of them when sector is NULL) into out.
 * 0 done, 1 a request hung, -1 with err set. */
int carry_record(struct world *w, struct flat *out, const uint64_t *sector,
		 const uint32_t *count, uint64_t n, struct cs_err *err);

static inline bool carry_unreadable_class(int c)
{
	return c == ORC_FALSE_POS || c == ORC_DETECTED;
}

/* The n keys at base[at..] (base may be NULL when n is 0). */
static inline const uint64_t *carry_keys_at(const uint64_t *base, uint64_t at, uint64_t n)
{
	return n > 0 ? base + at : NULL;
}

int carry_cmp_u64(const void *a, const void *b); /* for qsort and bsearch */

/* ---- the judgement by group (carry_groups.c) ---------------------------- */

/* One request's verdicts added to (sign +1) or taken from (-1) cr, as
 * recover() counts them (a failed one: each sector as a request of its
 * own, read alone); returns its worst. */
int carry_count_run(struct crash_report *cr, const uint8_t *cls, uint32_t count, bool failed,
		    int sign);
/* Every run of g added to (+1) or taken from (-1) c's totals. */
void carry_count_group(struct carry *c, const struct carry_group *g, int sign);
/* The group holding sector, or (create) a new empty one; NULL when absent
 * and not created, or out of memory (*oom set). */
struct carry_group *carry_group_of(struct carry *c, uint64_t sector, bool create, bool *oom);
/* Notes that group gi reads key, unless its chain names it already. */
int carry_link_add(struct carry *c, uint64_t key, uint32_t gi);
/* Whether run r of g reads key. */
bool carry_run_reads(const struct carry_group *g, const struct carry_run *r, uint64_t key);
/* Appends deps (n keys) to group gi as run r's, and (link) indexes them. */
int carry_take_deps(struct carry *c, uint32_t gi, struct carry_run *r, const uint64_t *deps,
		    uint64_t n, bool link);
/* A judgement of every run of f, from nothing. 0, 1 (shape), -1 (memory). */
int carry_install_all(struct carry *c, const struct flat *f);
/* Group gi to be read again in full by the next judgement: 0, or -1. */
int carry_stale_add(struct carry *c, uint32_t gi);

#endif
