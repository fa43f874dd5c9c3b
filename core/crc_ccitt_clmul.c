/* CRC-CCITT (reflected 0x8408) by carry-less multiplication.
 *
 * Why it works. Let G = x^16 + x^12 + x^5 + 1. A reflected CRC reads each
 * byte least significant bit first, so 16 bytes loaded little-endian into a
 * 128-bit register hold a polynomial with bit t = the coefficient of
 * x^(127 - t): the first message bit is the highest power. The CRC of a
 * message M (from 0) is M * x^16 mod G, bit-reversed; it depends on M only
 * modulo G. So the message can be shortened, 16 bytes at a time, to any
 * 128-bit X congruent to it: with X = H x^64 + L (H in the low 64 bits of
 * the register, L in the high), X x^d + next = H (x^(d+64) mod G)
 * + L (x^d mod G) + next (mod G), and both products have degree < 80.
 * PCLMULQDQ multiplies two reflected 64-bit words into a 127-bit product
 * that sits one bit low in a reflected 128-bit register (it stands for the
 * product times x), hence the constants x^(d+63) and x^(d-1) mod G, each
 * bit-reversed into a 64-bit word (x^i at bit 63 - i). tests/core/test_crc.c
 * derives them again from G and checks this table.
 *
 * The end, without the table: a tail of 8 bytes folds in as 64 bits (H
 * times x^127 mod G). Then X x^16 = H x^80 + L x^16 = H (x^79 mod G) x
 * + L x^16 has degree < 80; its top 16 coefficients C fold once more
 * (C (x^63 mod G) x), leaving Z of degree < 64; Barrett's reduction gives
 * Z mod G: q = floor(floor(Z / x^16) mu / x^48) with mu = floor(x^64 / G)
 * is floor(Z / G) exactly (the dropped parts have negative degree), and
 * the low 16 coefficients of Z + q G = Z + q (x^12 + x^5 + 1) are the CRC.
 * The table takes what is left under 8 bytes. */
#include "core/crc_ccitt.h"

#include <assert.h>

/* { for H (low word), for L (high word) }, folding 128 * (i + 1) bits */
const uint64_t crc_ccitt_fold_k[8][2] = {
	{ UINT64_C(0xa95d000000000000), UINT64_C(0x7eea000000000000) },
	{ UINT64_C(0xaac8000000000000), UINT64_C(0x20f3000000000000) },
	{ UINT64_C(0x5159000000000000), UINT64_C(0x8f66000000000000) },
	{ UINT64_C(0x9822000000000000), UINT64_C(0x7f90000000000000) },
	{ UINT64_C(0x93d3000000000000), UINT64_C(0x50a7000000000000) },
	{ UINT64_C(0xcc51000000000000), UINT64_C(0xe401000000000000) },
	{ UINT64_C(0x6496000000000000), UINT64_C(0x4fb7000000000000) },
	{ UINT64_C(0x471c000000000000), UINT64_C(0x46d8000000000000) },
};

/* x^79 mod G, x^63 mod G and mu = floor(x^64 / G), bit-reflected (x^i at
 * bit 63 - i): the final reduction */
const uint64_t crc_ccitt_reduce_k[3] = {
	UINT64_C(0x81bf000000000000),
	UINT64_C(0x042b000000000000),
	UINT64_C(0x82058e2c0c888000),
};

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define CLMUL_TARGET __attribute__((target("pclmul,sse2")))

int crc_ccitt_clmul_supported(void)
{
	/* libgcc's cpu model, filled before main: no state of our own */
	return __builtin_cpu_supports("pclmul") ? 1 : 0;
}

static CLMUL_TARGET __m128i fold(__m128i x, __m128i k)
{
	return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

static CLMUL_TARGET __m128i fold_k(unsigned i)
{
	/* lane 0 multiplies the low word (H), lane 1 the high word (L) */
	return _mm_set_epi64x((long long)crc_ccitt_fold_k[i][1], (long long)crc_ccitt_fold_k[i][0]);
}

static CLMUL_TARGET __m128i load(const uint8_t *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}

static CLMUL_TARGET uint64_t high_word(__m128i x)
{
	return (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(x, x));
}

/* The CRC of the 128-bit remainder x (see the top of the file). */
static CLMUL_TARGET uint16_t reduce(__m128i x)
{
	const __m128i k = _mm_set_epi64x((long long)crc_ccitt_reduce_k[1], (long long)crc_ccitt_reduce_k[0]);
	const __m128i mu = _mm_cvtsi64_si128((long long)crc_ccitt_reduce_k[2]);
	__m128i l16 = _mm_srli_si128(_mm_slli_si128(_mm_srli_si128(x, 8), 8), 2); /* L x^16 */
	__m128i y = _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), l16);    /* deg < 80 */
	__m128i p;
	uint64_t z, q, r;

	/* C sits in the low word's top 16 bits; the product has degree < 32 */
	z = high_word(_mm_xor_si128(_mm_clmulepi64_si128(y, k, 0x10), y));
	p = _mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)(z << 16)), mu, 0x00);
	q = ((uint64_t)_mm_cvtsi128_si64(p) >> 15) | (high_word(p) << 49);
	r = z ^ q ^ (q >> 5) ^ (q >> 12);
	return (uint16_t)(r >> 48);
}

#define WIDE_TARGET __attribute__((target("avx512f,vpclmulqdq,pclmul,sse2")))

static int wide_supported(void)
{
	return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("vpclmulqdq");
}

static WIDE_TARGET __m512i fold4(__m512i x, __m512i k)
{
	/* four 128-bit remainders at once, each as fold() does */
	return _mm512_xor_si512(_mm512_clmulepi64_epi128(x, k, 0x00), _mm512_clmulepi64_epi128(x, k, 0x11));
}

/* Lane i of the result: fold_k[d[i]], or zero where d[i] < 0. */
static WIDE_TARGET __m512i lanes_k(const int d[4])
{
	uint64_t k[8];

	for (unsigned i = 0; i < 4; i++) {
		k[2 * i] = d[i] < 0 ? 0 : crc_ccitt_fold_k[d[i]][0];
		k[2 * i + 1] = d[i] < 0 ? 0 : crc_ccitt_fold_k[d[i]][1];
	}
	return _mm512_loadu_si512((const void *)k);
}

/* The first 128 * m bytes (m >= 2) of buf, the initial value xored in,
 * folded into one 128-bit remainder by eight chains of 16 bytes in two
 * 512-bit registers (VPCLMULQDQ), 128 bytes a step; *buf and *len move
 * past them. Lane i (i = 0..7, 16 bytes each) joins at the end folded by
 * 128 * (7 - i) bits. */
static WIDE_TARGET __m128i fold_wide(uint16_t crc, const uint8_t **bufp, size_t *lenp)
{
	static const int da[4] = { 6, 5, 4, 3 }, db[4] = { 2, 1, 0, -1 };
	const uint8_t *buf = *bufp;
	size_t len = *lenp;
	const __m512i k1024 = _mm512_broadcast_i32x4(fold_k(7));
	__m512i a = _mm512_xor_si512(_mm512_loadu_si512((const void *)buf),
				     _mm512_castsi128_si512(_mm_cvtsi32_si128(crc)));
	__m512i b = _mm512_loadu_si512((const void *)(buf + 64)), t;
	__m128i x;

	buf += 128;
	len -= 128;
	while (len >= 128) {
		a = _mm512_xor_si512(fold4(a, k1024), _mm512_loadu_si512((const void *)buf));
		b = _mm512_xor_si512(fold4(b, k1024), _mm512_loadu_si512((const void *)(buf + 64)));
		buf += 128;
		len -= 128;
	}
	/* the last lane as it is, the other seven folded to meet it */
	t = _mm512_xor_si512(_mm512_xor_si512(fold4(a, lanes_k(da)), fold4(b, lanes_k(db))),
			     _mm512_maskz_mov_epi64(0xc0, b));
	x = _mm_xor_si128(_mm_xor_si128(_mm512_extracti32x4_epi32(t, 0), _mm512_extracti32x4_epi32(t, 1)),
			  _mm_xor_si128(_mm512_extracti32x4_epi32(t, 2), _mm512_extracti32x4_epi32(t, 3)));
	*bufp = buf;
	*lenp = len;
	return x;
}

CLMUL_TARGET uint16_t crc_ccitt_clmul(uint16_t crc, const uint8_t *buf, size_t len)
{
	__m128i x;

	assert(crc_ccitt_clmul_supported());
	if (len < 16)
		return crc_ccitt_table(crc, buf, len);
	if (len >= 256 && wide_supported()) {
		/* x then stands for everything before buf, as after the first
		 * load below */
		x = fold_wide(crc, &buf, &len);
	} else {
		/* the initial value is xored into the first 16 message bits */
		x = _mm_xor_si128(load(buf), _mm_cvtsi32_si128(crc));
		buf += 16;
		len -= 16;
	}
	if (len >= 112) {
		/* four independent chains 64 bytes apart hide the multiply's
		 * latency; they join into one remainder at the end */
		__m128i x1 = load(buf), x2 = load(buf + 16), x3 = load(buf + 32);
		const __m128i k512 = fold_k(3);

		buf += 48;
		len -= 48;
		while (len >= 64) {
			x = _mm_xor_si128(fold(x, k512), load(buf));
			x1 = _mm_xor_si128(fold(x1, k512), load(buf + 16));
			x2 = _mm_xor_si128(fold(x2, k512), load(buf + 32));
			x3 = _mm_xor_si128(fold(x3, k512), load(buf + 48));
			buf += 64;
			len -= 64;
		}
		x = _mm_xor_si128(_mm_xor_si128(fold(x, fold_k(2)), fold(x1, fold_k(1))),
				  _mm_xor_si128(fold(x2, fold_k(0)), x3));
	}
	while (len >= 16) {
		x = _mm_xor_si128(fold(x, fold_k(0)), load(buf));
		buf += 16;
		len -= 16;
	}
	if (len >= 8) {
		/* X x^64 + T = H x^128 + (L x^64 + T) */
		__m128i lt = _mm_unpacklo_epi64(_mm_srli_si128(x, 8),
						_mm_loadl_epi64((const __m128i *)(const void *)buf));

		x = _mm_xor_si128(_mm_clmulepi64_si128(x, fold_k(0), 0x10), lt);
		buf += 8;
		len -= 8;
	}
	return crc_ccitt_table(reduce(x), buf, len);
}

#else

int crc_ccitt_clmul_supported(void)
{
	return 0;
}

uint16_t crc_ccitt_clmul(uint16_t crc, const uint8_t *buf, size_t len)
{
	/* never called: crc_ccitt_clmul_supported() says 0 */
	assert(0);
	return crc_ccitt_table(crc, buf, len);
}

#endif
