/* Deterministic sector contents: tag 0 is the zero sector a fresh device
 * holds; any other tag expands to 512 pseudo-random bytes from (seed, tag). */
#ifndef CSUMSIM_SIM_CONTENT_H
#define CSUMSIM_SIM_CONTENT_H

#include <stdint.h>

#include "core/csum.h"

void content_fill(uint64_t seed, uint64_t tag, uint8_t out[CSUM_SECTOR]);
/* The same bytes without vector instructions: what content_fill runs on
 * CPUs without AVX-512, and what the test compares it with. */
void content_fill_portable(uint64_t seed, uint64_t tag, uint8_t out[CSUM_SECTOR]);

#endif
