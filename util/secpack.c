#include "util/secpack.h"

#include <string.h>

#define WORDS (SECPACK_SECTOR / 8u)
#define LOW7 UINT64_C(0x7f7f7f7f7f7f7f7f)
#define HIGH1 UINT64_C(0x8080808080808080)

_Static_assert(WORDS == 64, "one bit a word in a 64-bit mask");

/* The 8 bytes at b as a little-endian word (one load where that is the
 * host's order): byte i of the word is b[i] everywhere. */
static inline uint64_t load_le64(const uint8_t *b)
{
	uint64_t x = 0;

	for (unsigned i = 0; i < 8; i++)
		x |= (uint64_t)b[i] << (8 * i);
	return x;
}

/* The high bit of each nonzero byte of the little-endian word x. */
static inline uint64_t nonzero_bytes(uint64_t x)
{
	return (((x & LOW7) + LOW7) | x) & HIGH1;
}

/* The byte mask of nonzero_bytes' result (bit i: byte i). */
static inline uint8_t byte_mask(uint64_t hi)
{
	return (uint8_t)(((hi >> 7) * UINT64_C(0x0102040810204080)) >> 56);
}

/* Word w's mask and nonzero bytes at p, portable: a loop over the set bits
 * only. Returns the new p. */
static inline uint8_t *put_word(uint8_t *p, const uint8_t *b, uint64_t x)
{
	uint8_t mask = byte_mask(nonzero_bytes(x));

	*p++ = mask;
	for (unsigned m = mask; m != 0; m &= m - 1)
		*p++ = b[__builtin_ctz(m)];
	return p;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SECPACK_BMI2 1

/* The same with BMI2: the nonzero bytes gathered by one pext and stored as
 * a word (the caller leaves room for 8). */
__attribute__((target("bmi2,popcnt"))) static uint8_t *put_word_bmi2(uint8_t *p, uint64_t x)
{
	uint64_t hi = nonzero_bytes(x), bytes = _pext_u64(x, (hi >> 7) * 0xffu);
	unsigned mask = (unsigned)_pext_u64(hi, HIGH1);

	*p++ = (uint8_t)mask;
	memcpy(p, &bytes, 8);
	return p + __builtin_popcount(mask);
}

static int have_bmi2(void)
{
	/* libgcc's cpu model, filled before main: no state of our own */
	return __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
}
#endif

/* The packed form after its 2-byte length: little-endian word mask, then
 * per nonzero word its byte mask and nonzero bytes. Length SECPACK_SECTOR
 * means the raw sector follows. */
/* bmi2: use put_word_bmi2 (only where have_bmi2()) */
static size_t pack(const uint8_t in[SECPACK_SECTOR], uint8_t out[SECPACK_MAX], int bmi2)
{
	uint8_t *p = out + 2 + 8;
	uint64_t words = 0;
	size_t len;

	for (unsigned w = 0; w < WORDS; w++) {
		const uint8_t *b = in + 8 * w;
		uint64_t x;

		x = load_le64(b);
		if (x == 0)
			continue;
		if ((size_t)(p - out) + 9 > SECPACK_MAX)
			goto raw; /* no room for another word: no smaller than raw */
		words |= UINT64_C(1) << w;
#ifdef SECPACK_BMI2
		if (bmi2) {
			p = put_word_bmi2(p, x);
			continue;
		}
#else
		(void)bmi2;
#endif
		p = put_word(p, b, x);
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


size_t secpack_pack(const uint8_t in[SECPACK_SECTOR], uint8_t out[SECPACK_MAX])
{
#ifdef SECPACK_BMI2
	return pack(in, out, have_bmi2());
#else
	return pack(in, out, 0);
#endif
}

size_t secpack_pack_portable(const uint8_t in[SECPACK_SECTOR], uint8_t out[SECPACK_MAX])
{
	return pack(in, out, 0);
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
	/* a loop over the set bits of each mask (imd sectors hold a 2-byte
	 * crc a tuple: one or two bytes a word); a pdep per word measured
	 * slower, its loads chained on the popcount */
	while (words != 0) {
		unsigned w = (unsigned)__builtin_ctzll(words);
		unsigned mask = *p++;

		words &= words - 1;
		for (; mask != 0; mask &= mask - 1)
			out[8 * w + (unsigned)__builtin_ctz(mask)] = *p++;
	}
}

