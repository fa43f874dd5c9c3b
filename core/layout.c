#include "core/layout.h"

#include <assert.h>
#include <string.h>

#include "core/geometry.h"

/* Is x one of the M1/M2 sectors of the imd device? */
static int is_imd(const struct csum_table *t, uint64_t x)
{
	uint64_t first = geo_group_imd(t, 0);
	uint64_t stride = t->placement == CSUM_PLACE_SAME ? GEO_SECTORS_PER_IMD + 2u : 2u;

	return x >= first && (x - first) % stride < 2 && (x - first) / stride < geo_groups(t->len);
}

/* Is x the home of some data sector (same placement: data and imd share)? */
static int is_data(const struct csum_table *t, uint64_t x)
{
	uint64_t base = t->data_start + GEO_RESERVED_D + 2u, off, j;

	if (t->placement != CSUM_PLACE_SAME) {
		base = t->data_start + GEO_RESERVED_D;
		return x >= base && x - base < t->len;
	}
	if (x < base)
		return 0;
	off = x - base;
	j = off % (GEO_SECTORS_PER_IMD + 2u);
	return j < GEO_SECTORS_PER_IMD &&
	       (off / (GEO_SECTORS_PER_IMD + 2u)) * GEO_SECTORS_PER_IMD + j < t->len;
}

static int outside(uint64_t x, uint64_t lo, uint64_t hi)
{
	return x < lo || x >= hi;
}

void layout_row(const struct csum_table *t, uint64_t dm_sector, struct layout_row *r)
{
	struct geo_extents e;
	uint64_t d = dm_sector - t->begin;
	uint64_t imd_reserved = t->placement == CSUM_PLACE_SAME ? t->data_start : t->imd_start;
	int same = t->placement == CSUM_PLACE_SAME;

	assert(dm_sector >= t->begin && d < t->len); /* a sector of the table */
	geo_extents(t, &e);
	r->dm_sector = dm_sector;
	r->data_dev = CSUM_DEV_DATA;
	r->imd_dev = geo_imd_dev(t);
	r->data = geo_map_data(t, dm_sector);
	r->m1 = geo_imd_sector(t, dm_sector);
	r->group = d / GEO_SECTORS_PER_IMD;
	r->tuple = dm_sector % GEO_SECTORS_PER_IMD;
	r->flags = 0;
	if (outside(r->data, e.data_valid_lo, e.data_valid_hi) ||
	    outside(r->m1, e.imd_valid_lo, e.imd_valid_hi) ||
	    outside(r->m1 + 1, e.imd_valid_lo, e.imd_valid_hi))
		r->flags |= LAYOUT_OUTSIDE;
	if (same && (is_imd(t, r->data) || is_data(t, r->m1) || is_data(t, r->m1 + 1)))
		r->flags |= LAYOUT_OVERLAP;
	if (r->data == t->data_start || r->m1 == imd_reserved || r->m1 + 1 == imd_reserved)
		r->flags |= LAYOUT_RESERVED;
	if (r->tuple != d % GEO_SECTORS_PER_IMD)
		r->flags |= LAYOUT_SHIFTED;
	/* a tuple index names one of an imd sector's 62 tuples */
	assert(r->tuple < GEO_SECTORS_PER_IMD && r->group < geo_groups(t->len));
	/* SHIFTED exactly when begin is not a multiple of 62 */
	assert(!(r->flags & LAYOUT_SHIFTED) == (t->begin % GEO_SECTORS_PER_IMD == 0));
	/* M1 of the group, by the mapping and by its closed form */
	assert(r->m1 == geo_group_imd(t, r->group));
}

const char *layout_flags_str(unsigned flags, char *out)
{
	static const char *const names[] = { "OUTSIDE", "OVERLAP", "RESERVED", "SHIFTED" };

	assert(flags < (1u << 4)); /* the LAYOUT_* bits only */
	out[0] = '\0';
	for (unsigned i = 0; i < 4; i++) {
		if (!(flags & (1u << i)))
			continue;
		if (out[0] != '\0')
			strcat(out, ",");
		strcat(out, names[i]);
	}
	if (out[0] == '\0')
		strcpy(out, "-");
	return out;
}
