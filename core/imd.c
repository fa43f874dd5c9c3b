#include "core/imd.h"

#include <assert.h>
#include <string.h>

#include "core/crc_ccitt.h"

enum imd_older imd_older(uint8_t l1, uint8_t l2)
{
	/* Signed ints, as the RFC subtracts them. */
	int a = l1, b = l2;
	int diff = a - b;

	if (diff > 1 || diff < -1) {
		/* "wrap-around": only a counter at exactly 0 is believed new */
		if (a == 0)
			return IMD_OLDER_M2;
		if (b == 0)
			return IMD_OLDER_M1;
		return IMD_OLDER_NONE;
	}
	if (a > b)
		return IMD_OLDER_M2;
	if (a < b)
		return IMD_OLDER_M1;
	return IMD_OLDER_NONE;
}

size_t imd_tuple_offset(size_t idx)
{
	return IMD_HEADER_SIZE + idx * IMD_TUPLE_SIZE;
}

uint16_t imd_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

void imd_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v & 0xffu);
	p[1] = (uint8_t)(v >> 8);
}

uint8_t imd_last_updated(const uint8_t *sec)
{
	return sec[0];
}

uint16_t imd_header_crc(const uint8_t *sec)
{
	return imd_get_le16(sec + 2);
}

uint16_t imd_header_crc_compute(const uint8_t *sec)
{
	return crc_ccitt(0, sec + IMD_HEADER_SIZE, CSUM_SECTOR - IMD_HEADER_SIZE);
}

struct imd_tuple imd_tuple_get(const uint8_t *sec, size_t idx)
{
	const uint8_t *p = sec + imd_tuple_offset(idx);
	struct imd_tuple t;

	t.crc = imd_get_le16(p);
	t.flags = (uint16_t)((p[2] << 8) | p[3]);
	t.tag = ((uint32_t)p[4] << 24) | ((uint32_t)p[5] << 16) | ((uint32_t)p[6] << 8) |
		(uint32_t)p[7];
	return t;
}

void imd_tuple_put(uint8_t *sec, size_t idx, const struct imd_tuple *t)
{
	uint8_t *p = sec + imd_tuple_offset(idx);

	imd_put_le16(p, t->crc);
	p[2] = (uint8_t)(t->flags >> 8);
	p[3] = (uint8_t)(t->flags & 0xffu);
	p[4] = (uint8_t)(t->tag >> 24);
	p[5] = (uint8_t)((t->tag >> 16) & 0xffu);
	p[6] = (uint8_t)((t->tag >> 8) & 0xffu);
	p[7] = (uint8_t)(t->tag & 0xffu);
}

void imd_format(uint8_t sec[CSUM_SECTOR], uint8_t last_updated)
{
	memset(sec, 0, CSUM_SECTOR);
	sec[0] = last_updated;
	/* every tuple zero: crc_ccitt of a zero area is 0, so is the header's */
	imd_put_le16(sec + 2, imd_header_crc_compute(sec));
	assert(imd_header_crc(sec) == 0);
}

uint32_t imd_gen32(const uint8_t *sec)
{
	return ((uint32_t)sec[4] << 24) | ((uint32_t)sec[5] << 16) | ((uint32_t)sec[6] << 8) |
	       (uint32_t)sec[7];
}

void imd_set_gen32(uint8_t *sec, uint32_t gen)
{
	sec[4] = (uint8_t)(gen >> 24);
	sec[5] = (uint8_t)(gen >> 16);
	sec[6] = (uint8_t)(gen >> 8);
	sec[7] = (uint8_t)gen;
}

enum imd_older imd_older32(uint32_t g1, uint32_t g2)
{
	/* serial-number order: g1 is not ahead of g2 when g1 - g2 (mod 2^32)
	 * is 0 or at least 2^31 */
	uint32_t ahead = g1 - g2;

	return ahead == 0 || ahead >= UINT32_C(0x80000000) ? IMD_OLDER_M1 : IMD_OLDER_M2;
}

uint16_t imd_header_crc_from(const uint8_t *sec, size_t from)
{
	return crc_ccitt(0, sec + from, CSUM_SECTOR - from);
}
