#include "sim/content.h"

#include <string.h>

#include "util/rng.h"

/* splitmix64 stream: one multiply-xorshift mix per 8 output bytes, seeded by
 * both the run's content seed and the tag so that runs with other seeds
 * never share sector contents. */
void content_fill(uint64_t seed, uint64_t tag, uint8_t out[CSUM_SECTOR])
{
	uint64_t s;

	if (tag == 0) {
		memset(out, 0, CSUM_SECTOR);
		return;
	}
	s = cs_mix64(seed ^ cs_mix64(tag ^ 0x5851f42d4c957f2dULL));
	for (unsigned i = 0; i < CSUM_SECTOR; i += 8) {
		uint64_t z;

		s += 0x9e3779b97f4a7c15ULL;
		z = s;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		memcpy(out + i, &z, 8);
#else
		/* little-endian bytes everywhere, so outputs match across hosts */
		for (unsigned b = 0; b < 8; b++)
			out[i + b] = (uint8_t)(z >> (8 * b));
#endif
	}
}
