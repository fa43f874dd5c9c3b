/* A bounded log of 64-bit keys, in the order they were noted, repeats
 * kept: what changed between two crash points (the media's writes, the
 * oracle's sectors). Past KEYLOG_MAX keys between two clears, or out of
 * memory, it gives up and says so; its reader then judges afresh. */
#ifndef CSUMSIM_UTIL_KEYLOG_H
#define CSUMSIM_UTIL_KEYLOG_H

#include <stdbool.h>
#include <stdint.h>

#define KEYLOG_MAX (UINT64_C(1) << 20) /* 8 MiB of keys */

struct keylog {
	bool failed;    /* incomplete since the last clear */
	uint64_t *keys;
	uint64_t n, cap;
};

/* An empty log is all zeros. */
void keylog_add(struct keylog *l, uint64_t key);
void keylog_clear(struct keylog *l);
void keylog_free(struct keylog *l);

#endif
