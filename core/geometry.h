/* Where dm-csum puts data and imd sectors: the RFC's mapping functions, with
 * sector_t's unsigned 64-bit arithmetic (wraparound included), and the device
 * areas csum_ctr() validates next to the ones the mappings really touch. */
#ifndef CSUMSIM_CORE_GEOMETRY_H
#define CSUMSIM_CORE_GEOMETRY_H

#include <stdint.h>

#include "core/csum.h"

#define GEO_SECTORS_PER_IMD 62u
#define GEO_RESERVED_D 1u /* RESERVED_INITIAL_SECTORS_D */
#define GEO_RESERVED_M 1u /* RESERVED_INITIAL_SECTORS_M */

/* imd_sectors_needed(): dm_sector_div_up(n, 62) * 2. */
uint64_t geo_imd_sectors_needed(uint64_t n);
/* Groups of 62 data sectors: ceil(len / 62). */
uint64_t geo_groups(uint64_t len);

uint64_t geo_map_data_same(const struct csum_table *t, uint64_t sector);
uint64_t geo_map_data_diff(const struct csum_table *t, uint64_t sector);
/* M1's sector; M2 is the result + 1. Neither uses data_start nor imd_start. */
uint64_t geo_imd_sector_same(const struct csum_table *t, uint64_t sector);
uint64_t geo_imd_sector_diff(const struct csum_table *t, uint64_t sector);

/* The pair csum_ctr() installs for t->placement. */
uint64_t geo_map_data(const struct csum_table *t, uint64_t sector);
uint64_t geo_imd_sector(const struct csum_table *t, uint64_t sector);
/* Device the imd I/O goes to: CSUM_DEV_DATA for same, CSUM_DEV_IMD otherwise. */
unsigned geo_imd_dev(const struct csum_table *t);

/* M1 of imd group g (g = (sector - begin) / 62), closed form of
 * geo_imd_sector(): same 1 + 64g, separate 3 + 2g. */
uint64_t geo_group_imd(const struct csum_table *t, uint64_t g);

/* Half-open sector ranges [lo, hi) on each backing device. For the same
 * placement the imd fields describe CSUM_DEV_DATA too. Valid for len >= 1
 * and no overflow (rfc's init refuses tables where these would wrap). */
struct geo_extents {
	uint64_t data_valid_lo, data_valid_hi; /* dm_get_device(data dev) */
	uint64_t imd_valid_lo, imd_valid_hi;   /* dm_get_device(imd dev); same: = data */
	uint64_t data_used_lo, data_used_hi;   /* data sectors the mapping reaches */
	uint64_t imd_used_lo, imd_used_hi;     /* M1 and M2 sectors reached */
};

void geo_extents(const struct csum_table *t, struct geo_extents *out);

/* 0 if every extent above is computable without wrapping u64; -1 with a
 * static reason otherwise (also for len 0 or a bad placement). */
int geo_check(const struct csum_table *t, const char **why);

#endif
