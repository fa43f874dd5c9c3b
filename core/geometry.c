#include "core/geometry.h"

#include <assert.h>

uint64_t geo_imd_sectors_needed(uint64_t n)
{
	/* dm_sector_div_up: (n + 61) / 62 in sector_t, so it wraps near 2^64 */
	return ((n + (GEO_SECTORS_PER_IMD - 1)) / GEO_SECTORS_PER_IMD) * 2u;
}

uint64_t geo_groups(uint64_t len)
{
	/* ceil(len / 62), without the wrap of len + 61 */
	return len / GEO_SECTORS_PER_IMD + (len % GEO_SECTORS_PER_IMD != 0);
}

uint64_t geo_map_data_same(const struct csum_table *t, uint64_t sector)
{
	uint64_t d = sector - t->begin;

	return t->data_start + GEO_RESERVED_D + d + geo_imd_sectors_needed(d + 1);
}

uint64_t geo_map_data_diff(const struct csum_table *t, uint64_t sector)
{
	return t->data_start + GEO_RESERVED_D + (sector - t->begin);
}

uint64_t geo_imd_sector_same(const struct csum_table *t, uint64_t sector)
{
	uint64_t isn = geo_imd_sectors_needed(sector - t->begin + 1);

	return GEO_RESERVED_D + GEO_SECTORS_PER_IMD * ((isn - 2) / 2) + (isn - 2);
}

uint64_t geo_imd_sector_diff(const struct csum_table *t, uint64_t sector)
{
	return GEO_RESERVED_M + geo_imd_sectors_needed(sector - t->begin + 1);
}

uint64_t geo_map_data(const struct csum_table *t, uint64_t sector)
{
	return t->placement == CSUM_PLACE_SAME ? geo_map_data_same(t, sector)
					       : geo_map_data_diff(t, sector);
}

uint64_t geo_imd_sector(const struct csum_table *t, uint64_t sector)
{
	return t->placement == CSUM_PLACE_SAME ? geo_imd_sector_same(t, sector)
					       : geo_imd_sector_diff(t, sector);
}

unsigned geo_imd_dev(const struct csum_table *t)
{
	return t->placement == CSUM_PLACE_SAME ? CSUM_DEV_DATA : CSUM_DEV_IMD;
}

uint64_t geo_group_imd(const struct csum_table *t, uint64_t g)
{
	if (t->placement == CSUM_PLACE_SAME)
		return GEO_RESERVED_D + (GEO_SECTORS_PER_IMD + 2u) * g;
	return GEO_RESERVED_M + 2u + 2u * g;
}

void geo_extents(const struct csum_table *t, struct geo_extents *out)
{
	uint64_t groups = geo_groups(t->len);
	uint64_t needed = geo_imd_sectors_needed(t->len);
	uint64_t last = t->begin + t->len - 1;

	/* "Valid for len >= 1 and no overflow": what geo_check() lets through */
	assert(t->len >= 1 && groups >= 1 && needed == 2u * groups);
	assert(t->placement == CSUM_PLACE_SAME || t->placement == CSUM_PLACE_SEPARATE);

	if (t->placement == CSUM_PLACE_SAME) {
		/* csum_ctr: data_dev_len = len + imd_sectors_needed(len) */
		out->data_valid_lo = t->data_start;
		out->data_valid_hi = t->data_start + t->len + needed;
		out->imd_valid_lo = out->data_valid_lo;
		out->imd_valid_hi = out->data_valid_hi;
	} else {
		out->data_valid_lo = t->data_start;
		out->data_valid_hi = t->data_start + t->len;
		out->imd_valid_lo = t->imd_start;
		out->imd_valid_hi = t->imd_start + needed;
	}
	/* Both mappings increase with the sector, so the ends are the extremes. */
	out->data_used_lo = geo_map_data(t, t->begin);
	out->data_used_hi = geo_map_data(t, last) + 1;
	out->imd_used_lo = geo_group_imd(t, 0);
	out->imd_used_hi = geo_group_imd(t, groups - 1) + 2;
	/* every range holds something: no sum wrapped */
	assert(out->data_valid_lo < out->data_valid_hi && out->imd_valid_lo < out->imd_valid_hi);
	assert(out->data_used_lo < out->data_used_hi && out->imd_used_lo < out->imd_used_hi);
	/* the mapping is one to one: len data homes at least */
	assert(out->data_used_hi - out->data_used_lo >= t->len);
}

int geo_check(const struct csum_table *t, const char **why)
{
	/* Far below 2^64 so that every sum in geo_extents() is exact. */
	const uint64_t lim = UINT64_C(1) << 56;

	if (t->placement != CSUM_PLACE_SAME && t->placement != CSUM_PLACE_SEPARATE) {
		*why = "placement must be same or separate";
		return -1;
	}
	if (t->len == 0) {
		*why = "the table has no data sectors (len 0)";
		return -1;
	}
	if (t->len >= lim || t->begin >= lim || t->data_start >= lim || t->imd_start >= lim) {
		*why = "begin, len and offsets must be below 2^56 sectors";
		return -1;
	}
	assert(geo_groups(t->len) * GEO_SECTORS_PER_IMD >= t->len);
	return 0;
}
