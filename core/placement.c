#include "core/placement.h"

#include <assert.h>
#include <string.h>

#include "core/geometry.h"
#include "core/imd.h"

#define SPI GEO_SECTORS_PER_IMD

void place_init(struct place *p, const struct csum_table *t, bool clean, uint64_t k)
{
	p->t = *t;
	p->clean = clean;
	p->k = clean ? k : 0;
	p->unit = t->placement == CSUM_PLACE_SAME ? SPI + 2u : 2u;
	p->groups = geo_groups(t->len);
	/* t passed geo_check(): at least one group, no sum near 2^64 */
	assert(t->len >= 1 && p->groups >= 1 && p->groups * SPI >= t->len);
}

uint64_t place_units_for(uint8_t placement, uint64_t apart)
{
	uint64_t unit = placement == CSUM_PLACE_SAME ? SPI + 2u : 2u;

	if (apart <= 1)
		return 0;
	return (apart - 1 + unit - 1) / unit;
}

unsigned place_imd_dev(const struct place *p)
{
	return geo_imd_dev(&p->t);
}

uint64_t place_group(const struct place *p, uint64_t dm)
{
	return (dm - p->t.begin) / SPI;
}

/* First sector of unit 0 of the clean layout on the imd device. */
static uint64_t clean_base(const struct place *p)
{
	return (p->t.placement == CSUM_PLACE_SAME ? p->t.data_start : p->t.imd_start) + 1u;
}

uint64_t place_data(const struct place *p, uint64_t dm)
{
	uint64_t d = dm - p->t.begin;

	if (!p->clean)
		return geo_map_data(&p->t, dm);
	if (p->t.placement == CSUM_PLACE_SEPARATE)
		return p->t.data_start + 1u + d;
	return clean_base(p) + p->unit * (d / SPI) + 2u + d % SPI;
}

uint64_t place_imd(const struct place *p, uint64_t g, unsigned copy)
{
	assert(copy <= 1 && g < p->groups); /* M1 or M2 of a group of the table */
	if (!p->clean)
		return geo_group_imd(&p->t, g) + (copy != 0);
	if (copy == 0)
		return clean_base(p) + p->unit * g;
	return clean_base(p) + p->unit * (g + p->k) + 1u;
}

static uint64_t max2(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

uint64_t place_dev_sectors(const struct place *p, unsigned dev)
{
	uint64_t last_g = p->groups - 1;

	if (!p->clean) {
		struct geo_extents e;

		geo_extents(&p->t, &e);
		if (p->t.placement == CSUM_PLACE_SAME)
			return dev == CSUM_DEV_DATA
				       ? max2(max2(e.data_valid_hi, e.data_used_hi), e.imd_used_hi)
				       : 0;
		if (dev == CSUM_DEV_DATA)
			return max2(e.data_valid_hi, e.data_used_hi);
		return max2(e.imd_valid_hi, e.imd_used_hi);
	}
	if (p->t.placement == CSUM_PLACE_SAME) {
		if (dev != CSUM_DEV_DATA)
			return 0;
		return max2(place_data(p, p->t.begin + p->t.len - 1) + 1u,
			    place_imd(p, last_g, 1) + 1u);
	}
	if (dev == CSUM_DEV_DATA)
		return p->t.data_start + 1u + p->t.len;
	return place_imd(p, last_g, 1) + 1u;
}

static void set_imd(const struct place *p, uint64_t g, unsigned copy,
		    struct csum_sector_info *out)
{
	uint64_t first = g * SPI;
	uint64_t left = p->t.len - first;

	assert(g < p->groups && copy <= 1);
	out->kind = CSUM_SK_IMD;
	out->copy = (uint8_t)copy;
	out->header_bytes = IMD_HEADER_SIZE;
	out->first = p->t.begin + first;
	out->count = (uint32_t)(left < SPI ? left : SPI);
}

static void set_data(const struct place *p, uint64_t d, struct csum_sector_info *out)
{
	assert(d < p->t.len); /* a data home of the table */
	out->kind = CSUM_SK_DATA;
	out->first = p->t.begin + d;
	out->count = 1;
}

/* The RFC's layout: the imd mapping ignores the offsets, so metadata may sit
 * on data homes (D4); the reserved sectors are the offsets' and the ones the
 * imd mapping skips from sector 0. */
static void info_rfc(const struct place *p, unsigned dev, uint64_t s,
		     struct csum_sector_info *out)
{
	const struct csum_table *t = &p->t;
	uint64_t first_imd = geo_group_imd(t, 0), stride = t->placement == CSUM_PLACE_SAME ? p->unit : 2u;

	if (dev == place_imd_dev(p) && s >= first_imd && (s - first_imd) % stride < 2 &&
	    (s - first_imd) / stride < p->groups) {
		set_imd(p, (s - first_imd) / stride, (unsigned)((s - first_imd) % stride), out);
		return;
	}
	if (dev == CSUM_DEV_DATA) {
		if (t->placement == CSUM_PLACE_SAME) {
			/* data of slot j in group u at data_start + 3 + 64u + j */
			uint64_t lo = t->data_start + GEO_RESERVED_D + 2u;

			if (s >= lo && (s - lo) % p->unit < SPI &&
			    ((s - lo) / p->unit) * SPI + (s - lo) % p->unit < t->len) {
				set_data(p, ((s - lo) / p->unit) * SPI + (s - lo) % p->unit, out);
				return;
			}
		} else if (s > t->data_start && s - t->data_start - 1u < t->len) {
			set_data(p, s - t->data_start - 1u, out);
			return;
		}
	}
	if (dev == CSUM_DEV_DATA && (s == t->data_start || (t->placement == CSUM_PLACE_SAME && s == 0)))
		out->kind = CSUM_SK_RESERVED;
	else if (dev == CSUM_DEV_IMD && t->placement == CSUM_PLACE_SEPARATE &&
		 (s == t->imd_start || s == 0))
		out->kind = CSUM_SK_RESERVED;
}

static void info_clean(const struct place *p, unsigned dev, uint64_t s,
		       struct csum_sector_info *out)
{
	const struct csum_table *t = &p->t;
	uint64_t base, u, r;

	if (t->placement == CSUM_PLACE_SEPARATE && dev == CSUM_DEV_DATA) {
		if (s == t->data_start)
			out->kind = CSUM_SK_RESERVED;
		else if (s > t->data_start && s - t->data_start - 1u < t->len)
			set_data(p, s - t->data_start - 1u, out);
		return;
	}
	if (dev != place_imd_dev(p))
		return;
	base = clean_base(p);
	if (s < base) {
		if (s == base - 1u)
			out->kind = CSUM_SK_RESERVED;
		return;
	}
	u = (s - base) / p->unit;
	r = (s - base) % p->unit;
	if (r == 0 && u < p->groups)
		set_imd(p, u, 0, out);
	else if (r == 1 && u >= p->k && u - p->k < p->groups)
		set_imd(p, u - p->k, 1, out);
	else if (r >= 2 && u < p->groups && u * SPI + (r - 2u) < t->len)
		set_data(p, u * SPI + (r - 2u), out);
}

void place_sector_info(const struct place *p, unsigned dev, uint64_t s,
		       struct csum_sector_info *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = CSUM_SK_NONE;
	if (dev >= CSUM_MAX_DEVS || (p->t.placement == CSUM_PLACE_SAME && dev != CSUM_DEV_DATA))
		return;
	if (p->clean)
		info_clean(p, dev, s, out);
	else
		info_rfc(p, dev, s, out);
	/* what a sector serves lies in the table: one group at most */
	assert(out->count <= SPI);
	assert(out->count == 0 || (out->first >= p->t.begin &&
				   out->first - p->t.begin + out->count <= p->t.len));
}

void place_locate(const struct place *p, uint64_t dm, struct csum_location *out)
{
	uint64_t g = place_group(p, dm);

	assert(dm >= p->t.begin && dm - p->t.begin < p->t.len);
	memset(out, 0, sizeof(*out));
	out->data_dev = CSUM_DEV_DATA;
	out->data_sector = place_data(p, dm);
	out->n_meta = 2;
	for (unsigned c = 0; c < 2; c++) {
		out->meta_dev[c] = (uint8_t)place_imd_dev(p);
		out->meta_sector[c] = place_imd(p, g, c);
	}
	/* clean layouts keep M2 - M1 = unit * k + 1 for every group */
	assert(!p->clean || out->meta_sector[1] - out->meta_sector[0] == p->unit * p->k + 1u);
	/* the backing devices hold every sector the layout names */
	assert(out->data_sector < place_dev_sectors(p, CSUM_DEV_DATA));
	assert(out->meta_sector[1] < place_dev_sectors(p, place_imd_dev(p)));
}
