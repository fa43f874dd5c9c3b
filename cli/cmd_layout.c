/* `csumsim layout`: where rfc puts each data sector and its M1/M2 pair, and
 * which of those places are wrong. Format in docs/PROTOCOL.md. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/dmi_format.h"
#include "core/geometry.h"
#include "core/layout.h"

#define LAYOUT_MAX_LINES 1000000u

static const char usage[] =
	"usage: csumsim layout --variant rfc --placement same|separate --data-sectors N\n"
	"                      [--sector S ...] [--data-offset O] [--imd-offset O] [--begin B]\n"
	"       csumsim layout --variant dmi-journal|dmi-bitmap|dmi-direct --data-sectors N\n"
	"                      [--sector S ...] [--data-offset O] [--begin B]\n"
	"                      [--interleave-sectors N] [--journal-sectors N]\n";

static int bad(const char *opt, const char *msg, const char *val)
{
	if (val != NULL)
		fprintf(stderr, "csumsim layout: %s: %s: '%s'\n", opt, msg, val);
	else
		fprintf(stderr, "csumsim layout: %s: %s\n", opt, msg);
	return EXIT_USAGE;
}

/* A decimal u64, nothing else (no sign, no spaces, no overflow). */
static int parse_u64(const char *s, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static const char *dev_name(unsigned dev)
{
	return dev == CSUM_DEV_DATA ? "data" : "imd";
}

static void header(const struct csum_table *t, uint64_t lines)
{
	struct geo_extents e;
	int same = t->placement == CSUM_PLACE_SAME;

	geo_extents(t, &e);
	printf("# csumsim layout: variant rfc, placement %s\n", same ? "same" : "separate");
	if (same)
		printf("# table: %" PRIu64 " %" PRIu64 " csum <data> %" PRIu64 "\n", t->begin, t->len,
		       t->data_start);
	else
		printf("# table: %" PRIu64 " %" PRIu64 " csum <data> %" PRIu64 " <imd> %" PRIu64 "\n",
		       t->begin, t->len, t->data_start, t->imd_start);
	printf("# groups: %" PRIu64 " of 62 data sectors, 2 imd sectors each\n", geo_groups(t->len));
	printf("# data device: validated [%" PRIu64 ", %" PRIu64 "), data touched [%" PRIu64
	       ", %" PRIu64 ")",
	       e.data_valid_lo, e.data_valid_hi, e.data_used_lo, e.data_used_hi);
	if (same)
		printf(", imd touched [%" PRIu64 ", %" PRIu64 ")\n", e.imd_used_lo, e.imd_used_hi);
	else
		printf("\n# imd device: validated [%" PRIu64 ", %" PRIu64 "), imd touched [%" PRIu64
		       ", %" PRIu64 ")\n",
		       e.imd_valid_lo, e.imd_valid_hi, e.imd_used_lo, e.imd_used_hi);
	printf("# lines: %" PRIu64 "\n", lines);
	printf("# dm_sector data_dev data_sector imd_dev m1 m2 group tuple flags\n");
}

static void row(const struct csum_table *t, uint64_t s)
{
	struct layout_row r;
	char fl[40];

	layout_row(t, s, &r);
	printf("%" PRIu64 " %s %" PRIu64 " %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %s\n",
	       r.dm_sector, dev_name(r.data_dev), r.data, dev_name(r.imd_dev), r.m1, r.m1 + 1,
	       r.group, r.tuple, layout_flags_str(r.flags, fl));
}

/* dm-integrity (docs/DMINTEGRITY.md): the tag of every data sector has a
 * fixed place; its journal slot has not (a write takes the next free entry),
 * so the header gives the journal's sections and the rows the tag. */
static int dmi_layout(const char *variant, const struct csum_table *t, const struct csum_options *o,
		      const uint64_t *sectors, size_t n_sectors)
{
	struct dmi_geo g;
	const char *why = NULL;
	uint8_t mode = strcmp(variant, "dmi-journal") == 0  ? DMI_MODE_J
		       : strcmp(variant, "dmi-bitmap") == 0 ? DMI_MODE_B
							    : DMI_MODE_D;
	uint64_t lines = n_sectors ? n_sectors : t->len;

	if (dmi_geo_init(&g, mode, t, o, &why) != 0)
		return bad("--data-sectors", why, NULL);
	printf("# csumsim layout: variant %s\n", variant);
	printf("# table: %" PRIu64 " %" PRIu64 " integrity <dev> %" PRIu64 " 4 %c 2"
	       " interleave_sectors:%u journal_sectors:%u\n",
	       t->begin, t->len, t->data_start, mode, 1u << g.log2_interleave,
	       g.sections * DMI_SECTION_SECTORS);
	printf("# device: %" PRIu64 " sectors; superblock [%" PRIu64 ", %" PRIu64 ")\n",
	       g.dev_sectors, g.start, g.start + DMI_SB_SECTORS);
	printf("# journal: [%" PRIu64 ", %" PRIu64 "), %u sections of 176 sectors: section i at %"
	       PRIu64 " + 176 i, entry sectors +0..7, data slots +8..175 (168 entries)\n",
	       g.start + DMI_SB_SECTORS, g.start + g.initial, g.sections,
	       g.start + DMI_SB_SECTORS);
	if (mode == DMI_MODE_B)
		printf("# bitmap: [%" PRIu64 ", %" PRIu64 "), %u sectors per bit\n",
		       g.start + DMI_SB_SECTORS,
		       g.start + DMI_SB_SECTORS + (uint64_t)g.bitmap_blocks * DMI_BITMAP_BLOCK_SECTORS,
		       1u << g.log2_sector_per_bit);
	printf("# areas: %u data sectors each after a %" PRIu64 "-sector tag area (4-byte crc32c"
	       " tags)\n",
	       1u << g.log2_interleave, g.metadata_run);
	printf("# journal slot: %s\n",
	       mode == DMI_MODE_J ? "not fixed: each write takes the next free entry (any section)"
				  : "none (mode writes no journal entries)");
	printf("# lines: %" PRIu64 "\n", lines);
	printf("# dm_sector data_sector area tag_sector tag_byte\n");
	for (uint64_t k = 0; k < lines; k++) {
		uint64_t s = n_sectors ? sectors[k] : t->begin + k, rel = s - t->begin;

		printf("%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %u\n", s,
		       dmi_data_sector(&g, rel), rel >> g.log2_interleave, dmi_tag_sector(&g, rel),
		       dmi_tag_offset(rel));
	}
	return EXIT_OK;
}

int cmd_layout(int argc, char **argv)
{
	struct csum_options dopt = { 0 };
	struct csum_table t = { 0 };
	const char *variant = NULL, *placement = NULL, *why = NULL;
	int have_len = 0, have_imd_off = 0;
	uint64_t *sectors = NULL;
	size_t n_sectors = 0;
	int rc = EXIT_OK;

	sectors = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*sectors));
	if (sectors == NULL) {
		fprintf(stderr, "csumsim layout: out of memory\n");
		return EXIT_RUNTIME;
	}
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t v = 0;

		if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
			fputs(usage, stdout);
			goto out;
		}
		if (strcmp(opt, "--variant") != 0 && strcmp(opt, "--placement") != 0 &&
		    strcmp(opt, "--data-sectors") != 0 && strcmp(opt, "--sector") != 0 &&
		    strcmp(opt, "--data-offset") != 0 && strcmp(opt, "--imd-offset") != 0 &&
		    strcmp(opt, "--begin") != 0 && strcmp(opt, "--interleave-sectors") != 0 &&
		    strcmp(opt, "--journal-sectors") != 0) {
			rc = bad(opt, "unknown option (see csumsim layout --help)", NULL);
			goto out;
		}
		if (val == NULL) {
			rc = bad(opt, "needs a value", NULL);
			goto out;
		}
		i++;
		if (strcmp(opt, "--variant") == 0) {
			variant = val;
			continue;
		}
		if (strcmp(opt, "--placement") == 0) {
			placement = val;
			continue;
		}
		if (parse_u64(val, &v) != 0) {
			rc = bad(opt, "not a sector number (decimal, 0 to 2^64-1)", val);
			goto out;
		}
		if (strcmp(opt, "--data-sectors") == 0) {
			t.len = v;
			have_len = 1;
		} else if (strcmp(opt, "--sector") == 0) {
			sectors[n_sectors++] = v;
		} else if (strcmp(opt, "--data-offset") == 0) {
			t.data_start = v;
		} else if (strcmp(opt, "--interleave-sectors") == 0 ||
			   strcmp(opt, "--journal-sectors") == 0) {
			if (v > UINT32_MAX) {
				rc = bad(opt, "at most 4294967295", val);
				goto out;
			}
			if (opt[2] == 'i')
				dopt.dmi_interleave_sectors = (uint32_t)v;
			else
				dopt.journal_sectors = (uint32_t)v;
		} else if (strcmp(opt, "--imd-offset") == 0) {
			t.imd_start = v;
			have_imd_off = 1;
		} else {
			t.begin = v;
		}
	}
	if (variant != NULL && strncmp(variant, "dmi-", 4) == 0 &&
	    (strcmp(variant, "dmi-journal") == 0 || strcmp(variant, "dmi-bitmap") == 0 ||
	     strcmp(variant, "dmi-direct") == 0)) {
		if (placement != NULL && strcmp(placement, "same") != 0) {
			rc = bad("--placement", "dm-integrity models use one device: same", placement);
			goto out;
		}
		if (have_imd_off) {
			rc = bad("--imd-offset", "not with dm-integrity (tags interleave with data)",
				 NULL);
			goto out;
		}
		if (!have_len) {
			rc = bad("--data-sectors", "missing", NULL);
			goto out;
		}
		t.placement = CSUM_PLACE_SAME;
		for (size_t k = 0; k < n_sectors; k++) {
			if (sectors[k] < t.begin || sectors[k] - t.begin >= t.len) {
				rc = bad("--sector", "outside the target's dm sectors", NULL);
				goto out;
			}
		}
		if (n_sectors == 0 && t.len > LAYOUT_MAX_LINES) {
			rc = bad("--data-sectors", "too many lines; pick sectors with --sector", NULL);
			goto out;
		}
		rc = dmi_layout(variant, &t, &dopt, sectors, n_sectors);
		if (rc == EXIT_OK && (fflush(stdout) != 0 || ferror(stdout))) {
			fprintf(stderr, "csumsim layout: writing stdout: %s\n", strerror(errno));
			rc = EXIT_RUNTIME;
		}
		goto out;
	}
	if (dopt.dmi_interleave_sectors || dopt.journal_sectors) {
		rc = bad("--interleave-sectors", "only with a dmi-* variant", NULL);
		goto out;
	}
	if (variant == NULL || strcmp(variant, "rfc") != 0) {
		rc = variant == NULL
			     ? bad("--variant", "missing (layout knows: rfc, dmi-journal, dmi-bitmap, dmi-direct)",
				   NULL)
			     : bad("--variant", "layout knows rfc, dmi-journal, dmi-bitmap, dmi-direct",
				   variant);
		goto out;
	}
	if (placement == NULL) {
		rc = bad("--placement", "missing (same or separate)", NULL);
		goto out;
	}
	if (strcmp(placement, "same") == 0) {
		t.placement = CSUM_PLACE_SAME;
	} else if (strcmp(placement, "separate") == 0) {
		t.placement = CSUM_PLACE_SEPARATE;
	} else {
		rc = bad("--placement", "must be same or separate", placement);
		goto out;
	}
	if (!have_len) {
		rc = bad("--data-sectors", "missing", NULL);
		goto out;
	}
	if (have_imd_off && t.placement == CSUM_PLACE_SAME) {
		rc = bad("--imd-offset", "only with --placement separate", NULL);
		goto out;
	}
	if (geo_check(&t, &why) != 0) {
		rc = bad("--data-sectors", why, NULL);
		goto out;
	}
	for (size_t k = 0; k < n_sectors; k++) {
		if (sectors[k] < t.begin || sectors[k] - t.begin >= t.len) {
			char msg[120];

			snprintf(msg, sizeof(msg), "outside the target's dm sectors [%" PRIu64
				 ", %" PRIu64 ")", t.begin, t.begin + t.len);
			fprintf(stderr, "csumsim layout: --sector: %s: '%" PRIu64 "'\n", msg,
				sectors[k]);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (n_sectors == 0 && t.len > LAYOUT_MAX_LINES) {
		fprintf(stderr,
			"csumsim layout: --data-sectors: %" PRIu64 " lines exceed the limit of %u; "
			"pick sectors with --sector\n",
			t.len, LAYOUT_MAX_LINES);
		rc = EXIT_USAGE;
		goto out;
	}

	header(&t, n_sectors ? n_sectors : t.len);
	if (n_sectors)
		for (size_t k = 0; k < n_sectors; k++)
			row(&t, sectors[k]);
	else
		for (uint64_t d = 0; d < t.len; d++)
			row(&t, t.begin + d);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "csumsim layout: writing stdout: %s\n", strerror(errno));
		rc = EXIT_RUNTIME;
	}
out:
	free(sectors);
	return rc;
}
