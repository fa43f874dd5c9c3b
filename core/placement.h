/* Where the rfc family of variants puts data and imd sectors, and what each
 * backing sector is. Two layouts:
 *
 *  - the RFC's (clean = false): the mapping functions of core/geometry.h,
 *    offsets ignored where the RFC ignores them (defects D4-D6), M2 = M1 + 1;
 *  - the clean one (offsets honoured, docs/PROTOCOL.md "Variants"): a
 *    reserved sector at each device's offset, then units of `unit` sectors
 *    (64 on one device: M1, M2 slot, 62 data; 2 on the imd device: M1, M2
 *    slot). M1 of group g opens unit g; M2 of group g sits in the M2 slot of
 *    unit g + k, so M2 - M1 = unit * k + 1 for every group (k = 0: adjacent,
 *    k > 0: "apart"). The last k M2 slots lie in a tail past the groups.
 */
#ifndef CSUMSIM_CORE_PLACEMENT_H
#define CSUMSIM_CORE_PLACEMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/csum.h"

struct place {
	struct csum_table t;
	bool clean;      /* offsets honoured; false: the RFC's mappings */
	uint64_t k;      /* clean only: M2 of group g is in unit g + k */
	uint64_t unit;   /* clean only: 64 (same) or 2 (separate) */
	uint64_t groups; /* ceil(len / 62) */
};

/* t must pass geo_check(); k is 0 unless clean. */
void place_init(struct place *p, const struct csum_table *t, bool clean, uint64_t k);
/* Units of M1-M2 distance needed so that M2 - M1 >= apart (0 or 1: adjacent). */
uint64_t place_units_for(uint8_t placement, uint64_t apart);

unsigned place_imd_dev(const struct place *p);
/* Group of dm sector s: (s - begin) / 62. */
uint64_t place_group(const struct place *p, uint64_t dm);
uint64_t place_data(const struct place *p, uint64_t dm);
/* Sector of copy (0 = M1, 1 = M2) of group g on the imd device. */
uint64_t place_imd(const struct place *p, uint64_t g, unsigned copy);
/* Backing device size that holds every sector the layout uses and, for the
 * RFC's layout, every area csum_ctr() validates. */
uint64_t place_dev_sectors(const struct place *p, unsigned dev);
/* What backing sector (dev, s) is; metadata wins over data over reserved. */
void place_sector_info(const struct place *p, unsigned dev, uint64_t s,
		       struct csum_sector_info *out);
/* dm sector in [begin, begin + len): its data sector and its M1 and M2. */
void place_locate(const struct place *p, uint64_t dm, struct csum_location *out);

#endif
