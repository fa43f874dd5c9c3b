/* Shared helpers of the variant tests. */
#ifndef CSUMSIM_TESTS_CORE_VT_H
#define CSUMSIM_TESTS_CORE_VT_H

#include "tests/core/harness.h"

struct csum_table vt_table(uint8_t placement, uint64_t len, uint64_t begin, uint64_t off);
/* Writes count sectors of h_fill(seed) (into buf if not NULL); returns the result. */
int vt_write(struct harness *h, uint64_t s, uint32_t count, uint32_t seed, uint8_t *buf);
/* Reads into out (count sectors); returns the result, verdicts in *r if not NULL. */
int vt_read(struct harness *h, uint64_t s, uint32_t count, uint8_t *out, struct h_result *r);
/* The backing sector of dm s's copy c (0 = M1, 1 = M2), and of its data. */
uint8_t *vt_imd(struct harness *h, uint64_t dm, unsigned c);
uint8_t *vt_data(struct harness *h, uint64_t dm);

#endif
