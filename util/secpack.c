#include "util/secpack.h"

#include <string.h>

#define WORDS (SECPACK_SECTOR / 8u)

_Static_assert(WORDS == 64, "one bit a word in a 64-bit mask");

/* The packed form after its 2-byte length: little-endian word mask, then
 * per nonzero word its byte mask and nonzero bytes. Length SECPACK_SECTOR
 * means the raw sector follows. */
size_t secpack_pack(const uint8_t in[SECPACK_SECTOR], uint8_t out[SECPACK_MAX])
{
	uint8_t *p = out + 2 + 8;
	uint64_t words = 0;
	size_t len;

	for (unsigned w = 0; w < WORDS; w++) {
		const uint8_t *b = in + 8 * w;
		uint64_t x;
		uint8_t mask = 0, *mp;

		memcpy(&x, b, 8);
		if (x == 0)
			continue;
		if ((size_t)(p - out) + 9 > SECPACK_MAX)
			goto raw; /* no room for another word: no smaller than raw */
		words |= UINT64_C(1) << w;
		mp = p++;
		for (unsigned i = 0; i < 8; i++)
			if (b[i] != 0) {
				mask |= (uint8_t)(1u << i);
				*p++ = b[i];
			}
		*mp = mask;
	}
	len = (size_t)(p - out) - 2;
	if (len >= SECPACK_SECTOR)
		goto raw;
	for (unsigned i = 0; i < 8; i++)
		out[2 + i] = (uint8_t)(words >> (8 * i));
	out[0] = (uint8_t)len;
	out[1] = (uint8_t)(len >> 8);
	return len + 2;
raw:
	out[0] = (uint8_t)SECPACK_SECTOR;
	out[1] = (uint8_t)(SECPACK_SECTOR >> 8);
	memcpy(out + 2, in, SECPACK_SECTOR);
	return SECPACK_MAX;
}

size_t secpack_size(const uint8_t *packed)
{
	return 2 + ((size_t)packed[0] | (size_t)packed[1] << 8);
}

void secpack_unpack(const uint8_t *packed, uint8_t out[SECPACK_SECTOR])
{
	const uint8_t *p = packed + 2 + 8;
	uint64_t words = 0;

	if (secpack_size(packed) == SECPACK_MAX) {
		memcpy(out, packed + 2, SECPACK_SECTOR);
		return;
	}
	memset(out, 0, SECPACK_SECTOR);
	for (unsigned i = 0; i < 8; i++)
		words |= (uint64_t)packed[2 + i] << (8 * i);
	while (words != 0) {
		unsigned w = (unsigned)__builtin_ctzll(words);
		uint8_t mask = *p++;

		words &= words - 1;
		for (unsigned i = 0; i < 8; i++)
			if (mask & (1u << i))
				out[8 * w + i] = *p++;
	}
}
