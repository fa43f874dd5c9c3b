/* FNV-1a, 64-bit: the one hash the digests, fingerprints, shapes and seed
 * labels fold their words and bytes with (not for hash tables). A word is
 * folded whole, as one step, not byte by byte. */
#ifndef CSUMSIM_UTIL_FNV_H
#define CSUMSIM_UTIL_FNV_H

#include <stddef.h>
#include <stdint.h>

#define CS_FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define CS_FNV_PRIME UINT64_C(0x100000001b3)

static inline uint64_t cs_fnv_word(uint64_t h, uint64_t w)
{
	return (h ^ w) * CS_FNV_PRIME;
}

static inline uint64_t cs_fnv_words(uint64_t h, const uint64_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = cs_fnv_word(h, w[i]);
	return h;
}

static inline uint64_t cs_fnv_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = cs_fnv_word(h, b[i]);
	return h;
}

#endif
