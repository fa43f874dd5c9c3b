/* The dm-integrity variants against the real kernel (docs/DMINTEGRITY.md,
 * "Checked against the kernel"): bench/dm-integrity/run.sh ran
 * bench/dm-integrity/workload.txt through Linux 6.1's dm-integrity in a qemu
 * guest over dm-log-writes and committed the capture (captures/MODE.*): the
 * device image when the workload began ("start": formatted by the kernel and
 * closed), when it ended ("end", after its last flush) and after dmsetup
 * remove ("closed"), and every write the target issued, with its flags, per
 * request. This test replays the same requests, with the same bytes
 * (bench/dm-integrity/pattern.h), through the model from the "start" image
 * and compares the bytes and the stream region by region; each difference it
 * pins is explained in the docs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lzma.h>

#include "bench/dm-integrity/pattern.h"
#include "core/dmi_format.h"
#include "core/dmi_variants.h"
#include "tests/core/test_baselines_util.h"

#define CAP "bench/dm-integrity/captures/"
#define KSECTORS 65536u    /* the guest's 32 MiB disk */
#define PROVIDED 64312u    /* dmsetup status: provided_data_sectors */
#define MAX_RQ 512u

enum region { R_SB, R_JOURNAL, R_TAGS, R_DATA, R_COUNT };
static const char *const region_name[R_COUNT] = { "superblock", "journal/bitmap", "tags",
						  "data" };

struct stream {
	uint32_t writes, sectors, flushes, fua;
};

/* Journal sections written with FUA, in order, as request << 8 | section:
 * mode J's commits (the kernel writes a whole section, the model its 8
 * entry sectors). */
struct commits {
	uint32_t n;
	uint32_t at[4096];
};

static void commit_add(struct commits *c, uint32_t rq, uint64_t sector, uint64_t count)
{
	if (sector < DMI_SB_SECTORS || sector >= DMI_SB_SECTORS + 704u)
		return;
	for (uint64_t k = (sector - DMI_SB_SECTORS) / DMI_SECTION_SECTORS;
	     k <= (sector + count - 1u - DMI_SB_SECTORS) / DMI_SECTION_SECTORS; k++) {
		assert_true(c->n < 4096u);
		c->at[c->n++] = rq << 8 | (uint32_t)k;
	}
}

struct cmp {
	uint32_t sectors[R_COUNT], differ[R_COUNT];
};

static uint8_t *xz_load(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *in, *out;
	size_t in_len, in_pos = 0, out_pos = 0;
	uint64_t memlimit = UINT64_MAX;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	in = malloc((size_t)len);
	out = calloc(KSECTORS, CSUM_SECTOR);
	assert_non_null(in);
	assert_non_null(out);
	in_len = fread(in, 1, (size_t)len, f);
	fclose(f);
	assert_int_equal(in_len, (size_t)len);
	assert_int_equal(lzma_stream_buffer_decode(&memlimit, 0, NULL, in, &in_pos, in_len, out,
						   &out_pos, (size_t)KSECTORS * CSUM_SECTOR),
			 LZMA_OK);
	assert_int_equal(out_pos, (size_t)KSECTORS * CSUM_SECTOR);
	free(in);
	return out;
}

/* The kernel's writes per request: the lines between "M rN" and the next
 * mark of captures/MODE.ios.txt. Returns the number of requests seen. */
static uint32_t kernel_stream(const char *path, struct stream *rq, struct commits *cm)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int cur = -1;
	uint32_t n = 0;

	assert_non_null(f);
	memset(rq, 0, MAX_RQ * sizeof(*rq));
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, c;
		char fl[8] = "";

		if (line[0] == 'M') {
			int k;

			cur = sscanf(line, "M r%d", &k) == 1 ? k : -1;
			if (cur >= 0)
				n = (uint32_t)cur + 1;
			assert_true(cur < (int)MAX_RQ);
			continue;
		}
		if (cur < 0)
			continue;
		if (line[0] == 'F') {
			rq[cur].flushes++;
		} else if (sscanf(line, "W %llu %llu %7s", &s, &c, fl) == 3) {
			rq[cur].writes++;
			rq[cur].sectors += (uint32_t)c;
			if (strchr(fl, 'P'))
				rq[cur].flushes++;
			if (strchr(fl, 'U')) {
				rq[cur].fua++;
				commit_add(cm, (uint32_t)cur, s, c);
			}
		}
	}
	fclose(f);
	return n;
}

static void model_stream(const struct bt *b, struct stream *s, struct commits *cm, uint32_t rq)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < b->n_log; i++) {
		const struct csum_io *io = &b->log[i];

		if (getenv("DMI_KERNEL_VERBOSE") && io->kind != CSUM_IO_READ)
			printf("#   model %c %llu %u %s%s\n", io->kind == CSUM_IO_FLUSH ? 'F' : 'W',
			       (unsigned long long)io->sector, io->count,
			       io->flags & CSUM_IOF_PREFLUSH ? "P" : "",
			       io->flags & CSUM_IOF_FUA ? "U" : "");

		if (io->kind == CSUM_IO_FLUSH) {
			s->flushes++;
			continue;
		}
		if (io->kind != CSUM_IO_WRITE)
			continue;
		s->writes++;
		s->sectors += io->count;
		if (io->flags & CSUM_IOF_PREFLUSH)
			s->flushes++;
		if (io->flags & CSUM_IOF_FUA) {
			s->fua++;
			commit_add(cm, rq, io->sector, io->count);
		}
	}
}

static enum region region_of(const struct dmi_geo *g, uint64_t s)
{
	uint64_t a;

	if (s < DMI_SB_SECTORS)
		return R_SB;
	if (s < g->initial)
		return R_JOURNAL;
	a = (s - g->initial) % (g->metadata_run + (UINT64_C(1) << g->log2_interleave));
	return a < g->metadata_run ? R_TAGS : R_DATA;
}

static void compare(const struct dmi_geo *g, const uint8_t *model, const uint8_t *kernel,
		    uint64_t n, struct cmp *c, const char *what)
{
	memset(c, 0, sizeof(*c));
	for (uint64_t s = 0; s < n; s++) {
		enum region r = region_of(g, s);

		c->sectors[r]++;
		if (memcmp(model + s * CSUM_SECTOR, kernel + s * CSUM_SECTOR, CSUM_SECTOR) != 0)
			c->differ[r]++;
	}
	for (int r = 0; r < R_COUNT; r++)
		printf("# %s: %-15s %6u sectors, %6u differ\n", what, region_name[r], c->sectors[r],
		       c->differ[r]);
}

struct expect {
	const struct csum_variant_ops *ops;
	char mode;
	/* kernel stream totals over the workload (from the capture) */
	struct stream k;
	/* the model's, pinned: docs/DMINTEGRITY.md explains the gap */
	struct stream m;
	/* sectors that differ at "end" per region (docs: which and why) */
	uint32_t end_differ[R_COUNT];
	/* requests after which both issued a FUA write (J: the commits) */
	uint32_t fua_rq_both, fua_rq_kernel_only, fua_rq_model_only;
	/* journal sections committed at the same request, from the first on */
	uint32_t same_commits, kernel_commits;
};

static void run_mode(const struct expect *x)
{
	char path[256];
	struct stream *krq = calloc(MAX_RQ, sizeof(*krq));
	struct commits *kc = calloc(1, sizeof(*kc)), *mc = calloc(1, sizeof(*mc));
	struct stream kt = { 0 }, mt = { 0 };
	uint8_t *start, *end, *buf = malloc(2048u * CSUM_SECTOR);
	struct csum_table t = { .begin = 0, .len = PROVIDED, .data_start = 0 };
	struct csum_options o = { .journal_sectors = 704, .dmi_commit_time_ms = 600000,
				  .dmi_bitmap_flush_ms = 600000 };
	struct bt b;
	struct cmp c;
	FILE *wl;
	char line[128];
	uint32_t n = 0, nk, both = 0, konly = 0, monly = 0, same = 0;
	const struct dmi_geo *g;

	assert_non_null(krq);
	assert_non_null(kc);
	assert_non_null(mc);
	assert_non_null(buf);
	snprintf(path, sizeof(path), CAP "%c.ios.txt", x->mode);
	nk = kernel_stream(path, krq, kc);
	snprintf(path, sizeof(path), CAP "%c.start.img.xz", x->mode);
	start = xz_load(path);
	snprintf(path, sizeof(path), CAP "%c.end.img.xz", x->mode);
	end = xz_load(path);

	bt_init(&b, x->ops, &t, &o);
	b.cache_on = true;
	g = b.ctx;
	printf("# mode %c: model device %llu sectors (kernel %u), initial %llu, run %llu\n",
	       x->mode, (unsigned long long)b.n, KSECTORS, (unsigned long long)g->initial,
	       (unsigned long long)g->metadata_run);
	assert_true(b.n <= KSECTORS);
	/* the model's own freshly formatted device against the kernel's */
	compare(g, b.media, start, b.n, &c, "fresh");
	/* from here on the model runs on the kernel's bytes: activation is its
	 * set-up path (replay_journal() / the bitmap's), as the kernel's */
	memcpy(b.media, start, b.n * CSUM_SECTOR);
	assert_int_equal(bt_crash(&b, NULL, NULL), 0);
	g = b.ctx; /* a fresh instance */

	wl = fopen("bench/dm-integrity/workload.txt", "r");
	assert_non_null(wl);
	while (fgets(line, sizeof(line), wl)) {
		char op;
		unsigned long long s = 0, cnt = 0;
		struct stream m;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		assert_true(sscanf(line, "%c %llu %llu", &op, &s, &cnt) >= 1);
		assert_true(n < nk);
		if (op == 'f') {
			assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, CSUM_RQ_PREFLUSH, NULL), 0);
			model_stream(&b, &m, mc, n);
		} else {
			dmi_pattern(buf, s, (uint32_t)cnt, n + 1);
			assert_int_equal(bt_rq(&b, CSUM_OP_WRITE, s, (uint32_t)cnt,
					       op == 'W' ? CSUM_RQ_FUA : 0, buf),
					 0);
			model_stream(&b, &m, mc, n);
			if (op == 'W') {
				/* an O_DSYNC write: the block layer sends the bio with
				 * REQ_FUA, then generic_write_sync() -> blkdev_fsync()
				 * an empty flush */
				struct stream m2;

				assert_int_equal(
					bt_rq(&b, CSUM_OP_FLUSH, 0, 0, CSUM_RQ_PREFLUSH, NULL), 0);
				model_stream(&b, &m2, mc, n);
				m.writes += m2.writes;
				m.sectors += m2.sectors;
				m.flushes += m2.flushes;
				m.fua += m2.fua;
			}
		}
		if (getenv("DMI_KERNEL_VERBOSE")) /* side by side, per request */
			printf("# %c r%u %c %llu %llu | kernel %u w %u s %u f %u u | model %u w %u s "
			       "%u f %u u\n",
			       x->mode, n, op, s, cnt, krq[n].writes, krq[n].sectors, krq[n].flushes,
			       krq[n].fua, m.writes, m.sectors, m.flushes, m.fua);
		mt.writes += m.writes;
		mt.sectors += m.sectors;
		mt.flushes += m.flushes;
		mt.fua += m.fua;
		kt.writes += krq[n].writes;
		kt.sectors += krq[n].sectors;
		kt.flushes += krq[n].flushes;
		kt.fua += krq[n].fua;
		both += m.fua && krq[n].fua;
		konly += !m.fua && krq[n].fua;
		monly += m.fua && !krq[n].fua;
		n++;
	}
	fclose(wl);
	assert_int_equal(n, nk);
	printf("# mode %c, %u requests: kernel %u writes, %u sectors, %u flushes, %u FUA; "
	       "model %u writes, %u sectors, %u flushes, %u FUA\n",
	       x->mode, n, kt.writes, kt.sectors, kt.flushes, kt.fua, mt.writes, mt.sectors,
	       mt.flushes, mt.fua);
	printf("# mode %c: requests with a FUA write: both %u, kernel only %u, model only %u\n",
	       x->mode, both, konly, monly);
	{
		while (same < kc->n && same < mc->n && kc->at[same] == mc->at[same])
			same++;
		printf("# mode %c: journal sections committed: kernel %u, model %u, the first %u at "
		       "the same requests",
		       x->mode, kc->n, mc->n, same);
		if (same < kc->n && same < mc->n)
			printf(" (then kernel r%u section %u, model r%u section %u)", kc->at[same] >> 8,
			       kc->at[same] & 255u, mc->at[same] >> 8, mc->at[same] & 255u);
		printf("\n");
	}
	/* the workload ends with a flush: nothing is left in the cache */
	assert_int_equal(b.n_cache, 0);
	compare(g, b.media, end, b.n, &c, "end");
	if (getenv("DMI_KERNEL_DUMP")) { /* the model's image, to study by hand */
		FILE *d;

		snprintf(path, sizeof(path), "%s/%c.model.img", getenv("DMI_KERNEL_DUMP"), x->mode);
		d = fopen(path, "wb");
		assert_non_null(d);
		assert_int_equal(fwrite(b.media, CSUM_SECTOR, b.n, d), b.n);
		fclose(d);
	}

	assert_memory_equal(&kt, &x->k, sizeof(kt));
	assert_memory_equal(&mt, &x->m, sizeof(mt));
	for (int r = 0; r < R_COUNT; r++)
		assert_int_equal(c.differ[r], x->end_differ[r]);
	assert_int_equal(same, x->same_commits);
	assert_int_equal(kc->n, x->kernel_commits);
	assert_int_equal(both, x->fua_rq_both);
	assert_int_equal(konly, x->fua_rq_kernel_only);
	assert_int_equal(monly, x->fua_rq_model_only);
	bt_free(&b);
	free(start);
	free(end);
	free(krq);
	free(kc);
	free(mc);
	free(buf);
}

static const struct expect modes[] = {
	{
		.ops = &csum_variant_dmi_journal,
		.mode = 'J',
		.k = { .writes = 436, .sectors = 24484, .flushes = 49, .fua = 80 },
		/* a tag sector per write, the data into the journal slots at
		 * once, 8 entry sectors per section (docs: differences 5, 10) */
		.m = { .writes = 1014, .sectors = 12862, .flushes = 101, .fua = 85 },
		/* the journal: data slots without commit ids, and
		 * the sections placed differently from r16 on (the writer runs
		 * inside the request in the model, in the background in the
		 * kernel) */
		.end_differ = { [R_JOURNAL] = 704 },
		.fua_rq_both = 58,
		.fua_rq_kernel_only = 8,
		.fua_rq_model_only = 6,
		.same_commits = 3,
		.kernel_commits = 93,
	},
	{
		.ops = &csum_variant_dmi_bitmap,
		.mode = 'B',
		.k = { .writes = 358, .sectors = 8112, .flushes = 92, .fua = 2 },
		.m = { .writes = 596, .sectors = 6305, .flushes = 94, .fua = 2 },
		.fua_rq_both = 2, /* bits 0 and 1 set */
		.same_commits = 2,
		.kernel_commits = 2,
	},
	{
		.ops = &csum_variant_dmi_direct,
		.mode = 'D',
		.k = { .writes = 356, .sectors = 8096, .flushes = 92 },
		/* two FUA writes cross a tag sector: two pieces, two flushes */
		.m = { .writes = 594, .sectors = 6289, .flushes = 94 },
	},
};

static void kernel_mode(void **state)
{
	run_mode(*state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		{ "journal_mode", kernel_mode, NULL, NULL, (void *)&modes[0] },
		{ "bitmap_mode", kernel_mode, NULL, NULL, (void *)&modes[1] },
		{ "direct_mode", kernel_mode, NULL, NULL, (void *)&modes[2] },
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
