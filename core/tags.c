#include "core/tags.h"

#include <assert.h>
#include <isa-l/crc.h>
#include <xxhash.h>

#include "core/crc_ccitt.h"
#include "core/imd.h"

/* isa-l's crc32_iscsi(buf, len, init) takes the raw register and returns it
 * without the final inversion; the library wants a non-const buffer. */
static uint32_t crc32c_raw(uint32_t reg, const uint8_t *buf, size_t len)
{
	return crc32_iscsi((unsigned char *)(uintptr_t)buf, (int)len, reg);
}

uint32_t tag_crc32c(const uint8_t *buf, size_t len)
{
	return ~crc32c_raw(0xffffffffu, buf, len);
}

struct tag_val tag_compute(uint8_t kind, bool seeded, uint64_t dm_sector,
			   const uint8_t data[CSUM_SECTOR])
{
	struct tag_val v = { 0, 0 };

	assert(kind <= TAG_XXH64); /* enum tag_kind */
	if (kind == TAG_CRC32C) {
		uint32_t reg = 0xffffffffu;

		if (seeded) {
			uint8_t le[8];

			for (unsigned i = 0; i < 8; i++)
				le[i] = (uint8_t)(dm_sector >> (8 * i));
			reg = crc32c_raw(reg, le, sizeof(le));
		}
		v.tag = ~crc32c_raw(reg, data, CSUM_SECTOR);
	} else if (kind == TAG_XXH64) {
		uint64_t h = XXH64(data, CSUM_SECTOR, seeded ? dm_sector : 0);

		v.tag = (uint32_t)(h >> 32);
		v.crc = (uint16_t)(h >> 16);
	} else {
		v.crc = crc_ccitt(0, data, CSUM_SECTOR);
	}
	/* CCITT fills only the 16-bit crc field, crc32c only the 32-bit tag */
	assert(kind != TAG_CCITT || v.tag == 0);
	assert(kind != TAG_CRC32C || v.crc == 0);
	return v;
}

static void put_be32(uint8_t *p, uint32_t x)
{
	p[0] = (uint8_t)(x >> 24);
	p[1] = (uint8_t)(x >> 16);
	p[2] = (uint8_t)(x >> 8);
	p[3] = (uint8_t)x;
}

static uint32_t get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

void tag_put(uint8_t kind, uint8_t *p, struct tag_val v)
{
	assert(kind <= TAG_XXH64);
	imd_put_le16(p, v.crc);
	if (kind != TAG_CCITT)
		put_be32(p + 4, v.tag);
}

bool tag_match(uint8_t kind, const uint8_t *p, struct tag_val v)
{
	assert(kind <= TAG_XXH64);
	switch (kind) {
	case TAG_CRC32C:
		return get_be32(p + 4) == v.tag;
	case TAG_XXH64:
		return get_be32(p + 4) == v.tag && imd_get_le16(p) == v.crc;
	default:
		return imd_get_le16(p) == v.crc;
	}
}
