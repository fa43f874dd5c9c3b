#include "sim/dump.h"

#include <inttypes.h>

#include "core/crc_ccitt.h"
#include "core/geometry.h"
#include "core/imd.h"
#include "core/layout.h"
#include "sim/media.h"

#define DUMP_LINE 16u

const char *dump_dev_name(unsigned dev)
{
	return dev == CSUM_DEV_DATA ? "data" : "imd";
}

static int done(FILE *o)
{
	return ferror(o) ? -1 : 0;
}

int dump_header(FILE *o, const struct sim_media_view *v)
{
	fprintf(o, "# csumsim dump: variant %s, ", v->variant);
	if (v->crash == UINT32_MAX)
		fprintf(o, "the end of the run\n");
	else
		fprintf(o, "crash point %" PRIu32 ", state %" PRIu32 " (before recovery)\n",
			v->crash, v->state);
	fprintf(o, "# devices:");
	for (unsigned i = 0; i < v->n_devs; i++)
		fprintf(o, " %s %" PRIu64 " sectors%s", dump_dev_name(i), v->dev_sectors[i],
			i + 1 < v->n_devs ? "," : "\n");
	return done(o);
}

int dump_sectors(FILE *o, const struct sim_media_view *v, unsigned dev, uint64_t lo,
		 uint64_t n, int written_only)
{
	uint8_t buf[CSUM_SECTOR];

	for (uint64_t s = lo; s - lo < n; s++) {
		int written = media_written(v->media, dev, s);

		if (written_only && !written)
			continue;
		(void)media_read(v->media, dev, s, buf);
		fprintf(o, "sector %s %" PRIu64 " %s\n", dump_dev_name(dev), s,
			written ? "written" : "as formatted");
		for (unsigned off = 0; off < CSUM_SECTOR; off += DUMP_LINE) {
			fprintf(o, "  %03x:", off);
			for (unsigned b = 0; b < DUMP_LINE; b++)
				fprintf(o, " %02x", buf[off + b]);
			fputc('\n', o);
		}
		if (ferror(o))
			return -1;
	}
	return done(o);
}

/* One imd sector: its header, then each tuple with what it covers. */
static void imd_one(FILE *o, const struct sim_media_view *v, const char *name, unsigned imd_dev,
		    uint64_t sector, const uint64_t dm_of[IMD_TUPLES])
{
	uint8_t sec[CSUM_SECTOR], data[CSUM_SECTOR];
	uint16_t stored, computed;

	(void)media_read(v->media, imd_dev, sector, sec);
	stored = imd_header_crc(sec);
	computed = imd_header_crc_compute(sec);
	fprintf(o, "%s %s %" PRIu64 " %s: last_updated %u unused1 %u header_crc 0x%04x "
		   "(bytes 8..511: 0x%04x %s) unused3 0x%02x%02x%02x%02x\n",
		name, dump_dev_name(imd_dev), sector,
		media_written(v->media, imd_dev, sector) ? "written" : "as formatted",
		imd_last_updated(sec), sec[1], stored, computed, stored == computed ? "ok" : "BAD",
		sec[4], sec[5], sec[6], sec[7]);
	fprintf(o, "  tuple crc flags tag dm_sector data_dev data_sector data_crc match\n");
	for (unsigned i = 0; i < IMD_TUPLES; i++) {
		struct imd_tuple t = imd_tuple_get(sec, i);
		struct layout_row r;
		uint16_t dcrc;

		fprintf(o, "  %u 0x%04x 0x%04x 0x%08" PRIx32, i, t.crc, t.flags, t.tag);
		if (dm_of[i] == UINT64_MAX) {
			fprintf(o, " - - - - -\n");
			continue;
		}
		layout_row(v->table, dm_of[i], &r);
		(void)media_read(v->media, r.data_dev, r.data, data);
		dcrc = crc_ccitt(0, data, CSUM_SECTOR);
		fprintf(o, " %" PRIu64 " %s %" PRIu64 " 0x%04x %s\n", r.dm_sector,
			dump_dev_name(r.data_dev), r.data, dcrc, dcrc == t.crc ? "yes" : "no");
	}
	fprintf(o, "  trailer 504..511:");
	for (unsigned b = IMD_TRAILER_OFFSET; b < CSUM_SECTOR; b++)
		fprintf(o, " %02x", sec[b]);
	fputc('\n', o);
}

int dump_group(FILE *o, const struct sim_media_view *v, uint64_t g)
{
	const struct csum_table *t = v->table;
	uint64_t dm_of[IMD_TUPLES], lo = t->begin + g * GEO_SECTORS_PER_IMD, hi;
	uint64_t m1 = geo_group_imd(t, g);
	unsigned imd_dev = geo_imd_dev(t);
	uint8_t s1[CSUM_SECTOR], s2[CSUM_SECTOR];
	enum imd_older older;
	static const char *const older_name[] = { "none (undecidable)", "M1", "M2" };

	/* the tuple each dm sector of the group uses: dm_sector % 62, which is
	 * not its slot in the group when begin is not a multiple of 62 */
	for (unsigned i = 0; i < IMD_TUPLES; i++)
		dm_of[i] = UINT64_MAX;
	hi = t->begin + t->len - lo < GEO_SECTORS_PER_IMD ? t->begin + t->len
							   : lo + GEO_SECTORS_PER_IMD;
	for (uint64_t s = lo; s < hi; s++) {
		struct layout_row r;

		layout_row(t, s, &r);
		if (r.tuple < IMD_TUPLES)
			dm_of[r.tuple] = s;
	}
	(void)media_read(v->media, imd_dev, m1, s1);
	(void)media_read(v->media, imd_dev, m1 + 1, s2);
	older = imd_older(imd_last_updated(s1), imd_last_updated(s2));
	fprintf(o, "group %" PRIu64 ": dm sectors [%" PRIu64 ", %" PRIu64 "), imd on %s: M1 %"
		   PRIu64 ", M2 %" PRIu64 "; older_imd: %s\n",
		g, lo, hi, dump_dev_name(imd_dev), m1, m1 + 1, older_name[older]);
	imd_one(o, v, "M1", imd_dev, m1, dm_of);
	imd_one(o, v, "M2", imd_dev, m1 + 1, dm_of);
	return done(o);
}
