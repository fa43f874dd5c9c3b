/* Where one data sector and its imd pair land under rfc, and what is wrong
 * with those places: the rows of `csumsim layout`. */
#ifndef CSUMSIM_CORE_LAYOUT_H
#define CSUMSIM_CORE_LAYOUT_H

#include <stdint.h>

#include "core/csum.h"

enum {
	LAYOUT_OUTSIDE = 1u << 0,  /* data, M1 or M2 outside the area dm_get_device() validated */
	LAYOUT_OVERLAP = 1u << 1,  /* a location is also used as the other kind (data vs imd) */
	LAYOUT_RESERVED = 1u << 2, /* a location is a reserved sector (data_start / imd_start) */
	LAYOUT_SHIFTED = 1u << 3,  /* tuple index (absolute % 62) != slot in the group */
};

struct layout_row {
	uint64_t dm_sector;
	unsigned data_dev, imd_dev; /* CSUM_DEV_* */
	uint64_t data;              /* data-device sector */
	uint64_t m1;                /* M2 is m1 + 1 */
	uint64_t group;             /* (dm_sector - begin) / 62 */
	uint64_t tuple;             /* dm_sector % 62, the index the RFC uses */
	unsigned flags;             /* LAYOUT_* */
};

/* t must pass geo_check(); dm_sector in [begin, begin + len). */
void layout_row(const struct csum_table *t, uint64_t dm_sector, struct layout_row *r);

/* Flag names, comma-separated, or "-": out holds at least 40 bytes. */
const char *layout_flags_str(unsigned flags, char *out);

#endif
