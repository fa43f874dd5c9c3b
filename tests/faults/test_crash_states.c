/* Crash states: each loss mode's enumeration, tearing and shearing shapes,
 * applying a state to the media (checked against an independent brute force
 * over subsets), only_state and determinism. Layout: fake_variant.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_variant.h"
#include "faults/crash_states.h"
#include "sim/content.h"
#include "util/rng.h"

#define MAXW 256
#define MAXC 128

/* ---- building writes ---------------------------------------------------- */

struct wbuild {
	struct fault_cached_write w[MAXW];
	uint64_t *tags[MAXW];
	uint8_t *bytes[MAXW];
	uint32_t n;
};

static void wb_add(struct wbuild *b, uint64_t sector, uint32_t count, bool explicit_bytes,
		   struct cs_rng *r)
{
	uint32_t i = b->n++;

	assert_true(i < MAXW && count <= MAXC);
	b->bytes[i] = malloc((size_t)count * CSUM_SECTOR);
	b->tags[i] = malloc(count * sizeof(uint64_t));
	assert_non_null(b->bytes[i]);
	assert_non_null(b->tags[i]);
	for (uint32_t s = 0; s < count; s++) {
		uint8_t *p = b->bytes[i] + (size_t)s * CSUM_SECTOR;

		if (explicit_bytes) {
			b->tags[i][s] = CSUM_TAG_NONE;
			for (unsigned k = 0; k < CSUM_SECTOR; k++)
				p[k] = (uint8_t)cs_rng_below(r, 256);
		} else {
			b->tags[i][s] = UINT64_C(0x100000) + (uint64_t)i * MAXC + s;
			content_fill(42, b->tags[i][s], p); /* the fixture's content seed */
		}
	}
	b->w[i].dev = 0;
	b->w[i].sector = sector;
	b->w[i].count = count;
	b->w[i].seq = 100 + i;
	b->w[i].tags = b->tags[i];
	b->w[i].bytes = b->bytes[i];
	b->w[i].in_service = false;
}

static void wb_free(struct wbuild *b)
{
	for (uint32_t i = 0; i < b->n; i++) {
		free(b->bytes[i]);
		free(b->tags[i]);
	}
	b->n = 0;
}

static void to_crash_writes(const struct wbuild *b, struct crash_writes *cw)
{
	memset(cw, 0, sizeof(*cw));
	assert_int_equal(crash_writes_add(cw, b->w, b->n, &fake_ops, NULL), 0);
	assert_int_equal(cw->n, b->n);
}

/* n random writes, overlapping: data sectors 0..17 with tags, or metadata
 * sectors 100..103 with explicit bytes. */
static void random_writes(struct wbuild *b, uint32_t n, struct cs_rng *r)
{
	memset(b, 0, sizeof(*b));
	for (uint32_t i = 0; i < n; i++) {
		if (cs_rng_below(r, 4) == 0) {
			uint64_t s = 100 + cs_rng_below(r, 4);

			wb_add(b, s, 1 + (uint32_t)cs_rng_below(r, 104 - s), true, r);
		} else {
			wb_add(b, cs_rng_below(r, 15), 1 + (uint32_t)cs_rng_below(r, 4), false, r);
		}
	}
}

static struct sc_crash crash_cfg(uint8_t loss)
{
	struct sc_crash c;

	memset(&c, 0, sizeof(c));
	c.cache_loss = loss;
	c.keep_probability = 0.5;
	c.samples = 1;
	c.exhaustive_max = 10;
	c.tear = SC_TEAR_NONE;
	c.only_state = UINT32_MAX;
	return c;
}

/* A base media: sectors 0..19 and 100..103 hold the fixture's tags. */
static void base_media(struct fixture *f)
{
	fixture_init(f);
	fixture_write(f, 0, 20);
	fixture_write(f, 100, 4);
}

/* ---- saved states ------------------------------------------------------- */

struct saved {
	uint32_t index, n;
	struct crash_choice ch[MAXW];
	uint32_t order[MAXW];
	char label[64];
};

struct collect {
	struct saved *s;
	uint32_t n, cap;
	int stop_at; /* return 7 from the call with this ordinal, or -1 */
};

static int collect_fn(void *arg, const struct crash_state *st)
{
	struct collect *c = arg;
	struct saved *s;

	assert_true(st->n <= MAXW);
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->s = realloc(c->s, c->cap * sizeof(*c->s));
		assert_non_null(c->s);
	}
	s = &c->s[c->n++];
	memset(s, 0, sizeof(*s));
	s->index = st->index;
	s->n = st->n;
	memcpy(s->ch, st->choice, st->n * sizeof(*st->choice));
	memcpy(s->order, st->order, st->n * sizeof(*st->order));
	memcpy(s->label, st->label, sizeof(s->label));
	if (c->stop_at >= 0 && (uint32_t)c->stop_at + 1 == c->n)
		return 7;
	return 0;
}

static struct collect run_states(const struct sc_crash *cfg, const struct crash_writes *cw,
				 uint64_t seed, uint64_t *next_draw)
{
	struct collect c = { .stop_at = -1 };
	struct cs_rng r;

	assert_int_equal(cs_rng_init(&r, seed, "crash-states-test"), 0);
	assert_int_equal(crash_states_each(cfg, cw, &r, collect_fn, &c), 0);
	if (next_draw != NULL)
		*next_draw = cs_rng_u64(&r);
	cs_rng_free(&r);
	return c;
}

static uint32_t kept_count(const struct saved *s)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < s->n; i++)
		k += s->ch[i].keep;
	return k;
}

/* The test's own reading of a mask: sectors past 64 follow bit 63. */
static bool persisted(uint64_t mask, uint32_t i)
{
	return ((mask >> (i < 64 ? i : 63)) & 1) != 0;
}

static bool same_state(const struct saved *a, const struct saved *b)
{
	if (a->index != b->index || a->n != b->n || strcmp(a->label, b->label) != 0)
		return false;
	for (uint32_t i = 0; i < a->n; i++) {
		const struct crash_choice *x = &a->ch[i], *y = &b->ch[i];

		if (x->keep != y->keep || x->mask != y->mask || x->shear_sector != y->shear_sector ||
		    x->shear_bytes != y->shear_bytes || a->order[i] != b->order[i])
			return false;
	}
	return true;
}

/* ---- exhaustive against a brute force ------------------------------------ */

struct brute {
	struct fixture *f;
	struct media_snapshot *snap;
	const struct wbuild *b;
	const struct crash_writes *cw;
	uint64_t expect_index;
	uint8_t *expect; /* FAKE_DEV_SECTORS sectors */
	uint8_t *base;
};

static int brute_fn(void *arg, const struct crash_state *st)
{
	struct brute *br = arg;
	uint64_t mask = br->expect_index++;
	uint8_t got[CSUM_SECTOR];

	/* the state index is the subset: bit i = write i kept */
	assert_int_equal(st->index, mask);
	/* what the test expects, by its own loop over the writes */
	memcpy(br->expect, br->base, (size_t)FAKE_DEV_SECTORS * CSUM_SECTOR);
	for (uint32_t i = 0; i < br->b->n; i++) {
		if (!((mask >> i) & 1))
			continue;
		for (uint32_t s = 0; s < br->b->w[i].count; s++)
			memcpy(br->expect + (br->b->w[i].sector + s) * CSUM_SECTOR,
			       br->b->w[i].bytes + (size_t)s * CSUM_SECTOR, CSUM_SECTOR);
	}
	assert_int_equal(media_restore(br->f->m, br->snap), 0);
	assert_int_equal(crash_state_apply(&br->f->env.media, br->cw, st, NULL, 0), 0);
	for (uint64_t s = 0; s < FAKE_DEV_SECTORS; s++) {
		media_read(br->f->m, 0, s, got);
		assert_memory_equal(got, br->expect + s * CSUM_SECTOR, CSUM_SECTOR);
	}
	return 0;
}

static void test_exhaustive_matches_brute_force(void **state)
{
	struct cs_rng r;

	(void)state;
	assert_int_equal(cs_rng_init(&r, 1, "writes"), 0);
	for (uint32_t n = 0; n <= 6; n++) {
		for (int rep = 0; rep < 3; rep++) {
			struct fixture f;
			struct wbuild b;
			struct crash_writes cw;
			struct sc_crash cfg = crash_cfg(SC_LOSS_EXHAUSTIVE);
			struct brute br;
			struct cs_rng sr;

			base_media(&f);
			random_writes(&b, n, &r);
			to_crash_writes(&b, &cw);
			memset(&br, 0, sizeof(br));
			br.f = &f;
			br.b = &b;
			br.cw = &cw;
			br.snap = media_snapshot(f.m);
			assert_non_null(br.snap);
			br.expect = malloc((size_t)FAKE_DEV_SECTORS * CSUM_SECTOR);
			br.base = malloc((size_t)FAKE_DEV_SECTORS * CSUM_SECTOR);
			assert_true(br.expect && br.base);
			for (uint64_t s = 0; s < FAKE_DEV_SECTORS; s++)
				media_read(f.m, 0, s, br.base + s * CSUM_SECTOR);
			assert_int_equal(cs_rng_init(&sr, 3, "states"), 0);
			assert_int_equal(crash_states_each(&cfg, &cw, &sr, brute_fn, &br), 0);
			assert_int_equal(br.expect_index, UINT64_C(1) << n);
			assert_int_equal(crash_states_count(&cfg, &cw), UINT64_C(1) << n);
			cs_rng_free(&sr);
			free(br.expect);
			free(br.base);
			media_snapshot_free(br.snap);
			crash_writes_free(&cw);
			wb_free(&b);
			fixture_free(&f);
		}
	}
	cs_rng_free(&r);
}

static void test_exhaustive_labels_and_fallback(void **state)
{
	struct cs_rng r;
	struct wbuild b;
	struct crash_writes cw;
	struct sc_crash cfg = crash_cfg(SC_LOSS_EXHAUSTIVE);
	struct collect c;

	(void)state;
	assert_int_equal(cs_rng_init(&r, 2, "writes"), 0);
	random_writes(&b, 4, &r);
	to_crash_writes(&b, &cw);
	c = run_states(&cfg, &cw, 1, NULL);
	assert_int_equal(c.n, 16);
	assert_string_equal(c.s[11].label, "subset 0b1011");
	assert_true(c.s[11].ch[0].keep && c.s[11].ch[1].keep && !c.s[11].ch[2].keep &&
		    c.s[11].ch[3].keep);
	/* kept writes in acceptance order */
	assert_int_equal(c.s[11].order[0], 0);
	assert_int_equal(c.s[11].order[1], 1);
	assert_int_equal(c.s[11].order[2], 3);
	free(c.s);
	/* above the bound: the adversarial list, and the label says so */
	cfg.exhaustive_max = 3;
	c = run_states(&cfg, &cw, 1, NULL);
	assert_int_equal(c.n, crash_states_count(&cfg, &cw));
	assert_true(c.n < 16);
	for (uint32_t i = 0; i < c.n; i++)
		assert_memory_equal(c.s[i].label, "adv (n>max): ", 13);
	assert_string_equal(c.s[0].label, "adv (n>max): all lost");
	free(c.s);
	crash_writes_free(&cw);
	wb_free(&b);
	cs_rng_free(&r);
}

/* ---- counts ------------------------------------------------------------- */

static void test_counts_match(void **state)
{
	static const uint8_t modes[] = { SC_LOSS_ALL, SC_LOSS_PROBABILITY, SC_LOSS_ADVERSARIAL,
					 SC_LOSS_EXHAUSTIVE, SC_LOSS_KEEP };
	static const uint32_t ns[] = { 0, 1, 2, 5, 11, 20, 70, 200 };
	struct cs_rng r;

	(void)state;
	assert_int_equal(cs_rng_init(&r, 3, "writes"), 0);
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		struct wbuild b;
		struct crash_writes cw;

		random_writes(&b, ns[i], &r);
		to_crash_writes(&b, &cw);
		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			for (uint8_t tear = SC_TEAR_NONE; tear <= SC_TEAR_SUBSET; tear++) {
				struct sc_crash cfg = crash_cfg(modes[m]);
				struct collect c;

				cfg.samples = 7;
				cfg.tear = tear;
				cfg.shear_bytes = tear == SC_TEAR_SUBSET ? 64 : 0;
				cfg.n_keep = 2;
				cfg.keep[0] = 1;
				cfg.keep[1] = 4;
				c = run_states(&cfg, &cw, 9, NULL);
				assert_int_equal(c.n, crash_states_count(&cfg, &cw));
				for (uint32_t k = 0; k < c.n; k++)
					assert_int_equal(c.s[k].index, k);
				if (modes[m] == SC_LOSS_ALL || modes[m] == SC_LOSS_KEEP)
					assert_int_equal(c.n, 1);
				if (modes[m] == SC_LOSS_PROBABILITY)
					assert_int_equal(c.n, 7);
				if (modes[m] == SC_LOSS_ALL)
					assert_int_equal(kept_count(&c.s[0]), 0);
				free(c.s);
			}
		}
		crash_writes_free(&cw);
		wb_free(&b);
	}
	cs_rng_free(&r);
}

/* ---- probability -------------------------------------------------------- */

static void test_probability_kept_fraction_and_order(void **state)
{
	struct cs_rng r;
	struct wbuild b;
	struct crash_writes cw;
	struct sc_crash cfg = crash_cfg(SC_LOSS_PROBABILITY);
	struct collect c;
	uint64_t kept = 0;
	bool shuffled = false;

	(void)state;
	assert_int_equal(cs_rng_init(&r, 4, "writes"), 0);
	memset(&b, 0, sizeof(b));
	for (int i = 0; i < 200; i++)
		wb_add(&b, (uint64_t)(i % 90), 1, false, &r);
	to_crash_writes(&b, &cw);
	cfg.keep_probability = 0.3;
	cfg.samples = 50;
	c = run_states(&cfg, &cw, 5, NULL);
	assert_int_equal(c.n, 50);
	for (uint32_t s = 0; s < c.n; s++) {
		uint32_t k = kept_count(&c.s[s]);
		bool seen[200] = { false };

		kept += k;
		/* order: the kept writes first (each once), then the others */
		for (uint32_t j = 0; j < 200; j++) {
			uint32_t w = c.s[s].order[j];

			assert_true(w < 200 && !seen[w]);
			seen[w] = true;
			assert_int_equal(c.s[s].ch[w].keep, j < k);
			if (j > 0 && j < k && c.s[s].order[j] < c.s[s].order[j - 1])
				shuffled = true;
		}
	}
	/* 10000 trials at 0.3: sd ~ 0.0046 */
	assert_true(kept > 2800 && kept < 3200);
	assert_true(shuffled);
	free(c.s);
	cfg.keep_probability = 0;
	c = run_states(&cfg, &cw, 5, NULL);
	for (uint32_t s = 0; s < c.n; s++)
		assert_int_equal(kept_count(&c.s[s]), 0);
	free(c.s);
	cfg.keep_probability = 1;
	c = run_states(&cfg, &cw, 5, NULL);
	for (uint32_t s = 0; s < c.n; s++)
		assert_int_equal(kept_count(&c.s[s]), 200);
	free(c.s);
	crash_writes_free(&cw);
	wb_free(&b);
	cs_rng_free(&r);
}

/* ---- adversarial -------------------------------------------------------- */

static void test_adversarial_list_dedup(void **state)
{
	/* kinds: data, imd, data, imd, data */
	static const uint64_t sectors[5] = { 0, 100, 1, 101, 2 };
	static const struct {
		const char *label;
		uint32_t k;
		uint32_t kept[5];
	} want[] = {
		{ "all lost", 0, { 0 } },
		{ "all kept", 5, { 0, 1, 2, 3, 4 } },
		{ "all kept, reversed", 5, { 4, 3, 2, 1, 0 } },
		{ "metadata only", 2, { 1, 3 } },
		{ "data only", 3, { 0, 2, 4 } },
		{ "newest lost", 4, { 0, 1, 2, 3 } },
		{ "oldest only", 1, { 0 } },
		/* "only write 0" is "oldest only" */
		{ "only write 1", 1, { 1 } },
		{ "only write 2", 1, { 2 } },
		{ "only write 3", 1, { 3 } },
		{ "only write 4", 1, { 4 } },
		/* "first 1 kept" = oldest only; "first 4 kept" = newest lost */
		{ "first 2 kept", 2, { 0, 1 } },
		{ "first 3 kept", 3, { 0, 1, 2 } },
	};
	struct cs_rng r;
	struct wbuild b;
	struct crash_writes cw;
	struct sc_crash cfg = crash_cfg(SC_LOSS_ADVERSARIAL);
	struct collect c;

	(void)state;
	assert_int_equal(cs_rng_init(&r, 6, "writes"), 0);
	memset(&b, 0, sizeof(b));
	for (int i = 0; i < 5; i++)
		wb_add(&b, sectors[i], 1, sectors[i] >= 100, &r);
	to_crash_writes(&b, &cw);
	assert_int_equal(cw.w[0].kind, CSUM_SK_DATA);
	assert_int_equal(cw.w[1].kind, CSUM_SK_IMD);
	c = run_states(&cfg, &cw, 1, NULL);
	assert_int_equal(c.n, sizeof(want) / sizeof(want[0]));
	assert_int_equal(crash_states_count(&cfg, &cw), c.n);
	for (uint32_t i = 0; i < c.n; i++) {
		assert_string_equal(c.s[i].label, want[i].label);
		assert_int_equal(kept_count(&c.s[i]), want[i].k);
		for (uint32_t j = 0; j < want[i].k; j++)
			assert_int_equal(c.s[i].order[j], want[i].kept[j]);
	}
	free(c.s);

	/* one write: "all lost" and "all kept", everything else repeats them */
	wb_free(&b);
	crash_writes_free(&cw);
	memset(&b, 0, sizeof(b));
	wb_add(&b, 3, 2, false, &r);
	to_crash_writes(&b, &cw);
	c = run_states(&cfg, &cw, 1, NULL);
	assert_int_equal(c.n, 2);
	free(c.s);

	/* many writes: bounded, and no two states alike */
	wb_free(&b);
	crash_writes_free(&cw);
	random_writes(&b, 150, &r);
	to_crash_writes(&b, &cw);
	c = run_states(&cfg, &cw, 1, NULL);
	assert_true(c.n <= 7 + 16 + 64 && c.n > 64);
	for (uint32_t i = 0; i < c.n; i++) {
		for (uint32_t j = i + 1; j < c.n; j++) {
			uint32_t ki = kept_count(&c.s[i]), kj = kept_count(&c.s[j]);

			assert_false(ki == kj && memcmp(c.s[i].order, c.s[j].order,
							ki * sizeof(uint32_t)) == 0);
		}
	}
	free(c.s);
	crash_writes_free(&cw);
	wb_free(&b);
	cs_rng_free(&r);
}

/* ---- keep ---------------------------------------------------------------- */

static void test_keep_mode(void **state)
{
	struct cs_rng r;
	struct wbuild b;
	struct crash_writes cw;
	struct sc_crash cfg = crash_cfg(SC_LOSS_KEEP);
	struct collect c;
	struct fixture f;
	struct fault_set *fs;
	struct sc_faults fc = faults_off();
	struct cs_err err;
	struct fault_outcomes o;
	struct crash_state st;
	uint8_t got[CSUM_SECTOR], want[CSUM_SECTOR];

	(void)state;
	assert_int_equal(cs_rng_init(&r, 7, "writes"), 0);
	memset(&b, 0, sizeof(b));
	for (int i = 0; i < 5; i++)
		wb_add(&b, (uint64_t)(10 * i), 2, false, &r);
	to_crash_writes(&b, &cw);
	cfg.n_keep = 4;
	cfg.keep[0] = 3;
	cfg.keep[1] = 1;
	cfg.keep[2] = 9; /* no such write */
	cfg.keep[3] = 1;
	c = run_states(&cfg, &cw, 1, NULL);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.s[0].label, "keep 1,3");
	assert_int_equal(kept_count(&c.s[0]), 2);
	assert_int_equal(c.s[0].order[0], 1);
	assert_int_equal(c.s[0].order[1], 3);
	assert_true(c.s[0].ch[1].keep && c.s[0].ch[3].keep);

	/* applied: writes 1 and 3 land, the others are recorded lost */
	base_media(&f);
	fs = fault_set_new(&fc, 1, &f.env, &err);
	assert_non_null(fs);
	st.index = 0;
	st.n = c.s[0].n;
	st.choice = c.s[0].ch;
	st.order = c.s[0].order;
	assert_int_equal(crash_state_apply(&f.env.media, &cw, &st, fs, 5), 0);
	for (uint32_t i = 0; i < 5; i++) {
		for (uint32_t s = 0; s < 2; s++) {
			uint64_t sec = 10 * i + s;

			media_read(f.m, 0, sec, got);
			if (i == 1 || i == 3)
				content_fill(42, b.tags[i][s], want);
			else if (sec < 20)
				content_fill(42, fixture_tag(sec), want);
			else
				memset(want, 0, sizeof(want)); /* never written */
			assert_memory_equal(got, want, CSUM_SECTOR);
		}
	}
	assert_int_equal(fault_set_injected(fs, FT_CACHE_LOSS), 3);
	assert_int_equal(fault_set_injected(fs, FT_TORN), 0);
	memset(&o, 0, sizeof(o));
	fault_set_outcomes(fs, &o);
	assert_int_equal(o.n[FT_CACHE_LOSS][FO_UNREAD], 3);
	fault_set_free(fs);
	fixture_free(&f);
	free(c.s);
	crash_writes_free(&cw);
	wb_free(&b);
	cs_rng_free(&r);
}

static void test_apply_clears_latent_error(void **state)
{
	(void)state;
	for (int keep = 0; keep < 2; keep++) {
		struct cs_rng r, sr;
		struct wbuild b;
		struct crash_writes cw;
		struct sc_crash cfg = crash_cfg(keep ? SC_LOSS_KEEP : SC_LOSS_ALL);
		struct fixture f;
		struct fault_set *fs;
		struct sc_faults fc = faults_off();
		struct cs_err err;
		const struct fault_hooks *h;
		struct collect c = { .stop_at = -1 };
		struct crash_state st;

		fixture_init(&f);
		fixture_write(&f, 5, 1); /* the only written sector gets the error */
		fc.lse_at_ns = 0;
		fs = fault_set_new(&fc, 1, &f.env, &err);
		assert_non_null(fs);
		h = fault_set_hooks(fs);
		assert_int_equal(fault_set_start(fs), 0);
		while (engine_step(&f.e))
			;
		assert_int_not_equal(h->on_read(h->ctx, 0, 5), 0);
		assert_int_equal(cs_rng_init(&r, 13, "writes"), 0);
		memset(&b, 0, sizeof(b));
		wb_add(&b, 4, 3, false, &r);
		to_crash_writes(&b, &cw);
		cfg.n_keep = 1;
		assert_int_equal(cs_rng_init(&sr, 1, "s"), 0);
		assert_int_equal(crash_states_each(&cfg, &cw, &sr, collect_fn, &c), 0);
		st.index = 0;
		st.n = c.s[0].n;
		st.choice = c.s[0].ch;
		st.order = c.s[0].order;
		assert_int_equal(crash_state_apply(&f.env.media, &cw, &st, fs, 0), 0);
		assert_int_equal(h->on_read(h->ctx, 0, 5) != 0, !keep);
		fault_set_free(fs);
		fixture_free(&f);
		free(c.s);
		crash_writes_free(&cw);
		wb_free(&b);
		cs_rng_free(&sr);
		cs_rng_free(&r);
	}
}

/* ---- tearing ------------------------------------------------------------- */

/* The persisted sectors of write 0 in a keep-everything state, over seeds. */
static void tear_shapes(uint8_t tear, uint32_t count, unsigned *seen_k, bool *noncontig,
			int seeds)
{
	struct cs_rng r;
	struct wbuild b;
	struct crash_writes cw;
	struct sc_crash cfg = crash_cfg(SC_LOSS_KEEP);

	assert_int_equal(cs_rng_init(&r, 8, "writes"), 0);
	memset(&b, 0, sizeof(b));
	wb_add(&b, 0, count, false, &r);
	to_crash_writes(&b, &cw);
	cfg.tear = tear;
	cfg.n_keep = 1;
	cfg.keep[0] = 0;
	for (int seed = 0; seed < seeds; seed++) {
		struct collect c = run_states(&cfg, &cw, (uint64_t)seed, NULL);
		uint64_t m = c.s[0].ch[0].mask;
		uint32_t k = 0, first = count, last = 0;

		assert_true(c.s[0].ch[0].keep);
		assert_int_equal(c.s[0].ch[0].shear_sector, -1);
		for (uint32_t i = 0; i < count; i++) {
			if (!persisted(m, i))
				continue;
			k++;
			if (i < first)
				first = i;
			last = i;
		}
		assert_true(k >= 1 && k < count);
		if (tear == SC_TEAR_PREFIX) {
			assert_int_equal(first, 0);
			assert_int_equal(last, k - 1);
		} else if (tear == SC_TEAR_SUFFIX) {
			assert_int_equal(last, count - 1);
			assert_int_equal(first, count - k);
		}
		if (last - first + 1 != k)
			*noncontig = true;
		seen_k[k < 128 ? k : 127]++;
		assert_non_null(strstr(c.s[0].label, "+torn"));
		free(c.s);
	}
	crash_writes_free(&cw);
	wb_free(&b);
	cs_rng_free(&r);
}

static void test_tear_shapes(void **state)
{
	unsigned seen[128];
	bool nc;

	(void)state;
	for (uint8_t tear = SC_TEAR_PREFIX; tear <= SC_TEAR_SUBSET; tear++) {
		memset(seen, 0, sizeof(seen));
		nc = false;
		tear_shapes(tear, 8, seen, &nc, 300);
		for (unsigned k = 1; k <= 7; k++)
			assert_true(seen[k] > 0); /* every size occurs */
		assert_true(nc == (tear == SC_TEAR_SUBSET));
	}
	/* long writes are cut within the mask's reach */
	memset(seen, 0, sizeof(seen));
	nc = false;
	tear_shapes(SC_TEAR_PREFIX, 100, seen, &nc, 200);
	for (unsigned k = 64; k < 128; k++)
		assert_int_equal(seen[k], 0);
	memset(seen, 0, sizeof(seen));
	tear_shapes(SC_TEAR_SUFFIX, 100, seen, &nc, 200);
	for (unsigned k = 1; k < 37; k++)
		assert_int_equal(seen[k], 0);
	assert_false(nc);
	memset(seen, 0, sizeof(seen));
	tear_shapes(SC_TEAR_SUBSET, 100, seen, &nc, 50);

	/* single-sector writes are never torn */
	{
		struct cs_rng r;
		struct wbuild b;
		struct crash_writes cw;
		struct sc_crash cfg = crash_cfg(SC_LOSS_ADVERSARIAL);
		struct collect c;

		assert_int_equal(cs_rng_init(&r, 8, "writes"), 0);
		memset(&b, 0, sizeof(b));
		for (int i = 0; i < 4; i++)
			wb_add(&b, (uint64_t)i * 3, 1, false, &r);
		to_crash_writes(&b, &cw);
		cfg.tear = SC_TEAR_SUBSET;
		c = run_states(&cfg, &cw, 1, NULL);
		for (uint32_t s = 0; s < c.n; s++)
			for (uint32_t i = 0; i < 4; i++)
				if (c.s[s].ch[i].keep)
					assert_true(persisted(c.s[s].ch[i].mask, 0));
		free(c.s);
		crash_writes_free(&cw);
		wb_free(&b);
		cs_rng_free(&r);
	}
}

static void test_tear_applied(void **state)
{
	struct cs_rng r, sr;
	struct wbuild b;
	struct crash_writes cw;
	struct sc_crash cfg = crash_cfg(SC_LOSS_KEEP);
	struct fixture f;
	struct fault_set *fs;
	struct sc_faults fc = faults_off();
	struct cs_err err;
	uint8_t got[CSUM_SECTOR], want[CSUM_SECTOR];
	struct saved *sv;
	struct collect c = { .stop_at = -1 };
	struct crash_state st;
	uint8_t cls[FAKE_DM_SECTORS];
	struct fault_outcomes o;

	(void)state;
	assert_int_equal(cs_rng_init(&r, 9, "writes"), 0);
	memset(&b, 0, sizeof(b));
	wb_add(&b, 5, 80, false, &r); /* longer than the mask */
	to_crash_writes(&b, &cw);
	cfg.tear = SC_TEAR_SUFFIX;
	cfg.n_keep = 1;
	assert_int_equal(cs_rng_init(&sr, 1, "s"), 0);
	assert_int_equal(crash_states_each(&cfg, &cw, &sr, collect_fn, &c), 0);
	sv = &c.s[0];
	base_media(&f);
	fs = fault_set_new(&fc, 1, &f.env, &err);
	assert_non_null(fs);
	st.index = 0;
	st.n = sv->n;
	st.choice = sv->ch;
	st.order = sv->order;
	assert_int_equal(crash_state_apply(&f.env.media, &cw, &st, fs, 0), 0);
	for (uint32_t i = 0; i < 80; i++) {
		media_read(f.m, 0, 5 + i, got);
		if (persisted(sv->ch[0].mask, i))
			content_fill(42, b.tags[0][i], want);
		else if (5 + i < 20)
			content_fill(42, fixture_tag(5 + i), want);
		else
			memset(want, 0, sizeof(want));
		assert_memory_equal(got, want, CSUM_SECTOR);
	}
	assert_int_equal(fault_set_injected(fs, FT_TORN), 1);
	assert_int_equal(fault_set_injected(fs, FT_CACHE_LOSS), 0);
	/* attributed to the write's dm sectors 5..84 */
	memset(cls, ORC_CORRECT, sizeof(cls));
	cls[84] = ORC_SILENT;
	fault_set_observe_read(fs, 84, 1, cls + 84);
	memset(&o, 0, sizeof(o));
	fault_set_outcomes(fs, &o);
	assert_int_equal(o.n[FT_TORN][FO_SILENT], 1);
	fault_set_free(fs);
	fixture_free(&f);
	free(c.s);
	crash_writes_free(&cw);
	wb_free(&b);
	cs_rng_free(&sr);
	cs_rng_free(&r);
}

/* ---- shearing ------------------------------------------------------------ */

static void test_shear_exact_bytes(void **state)
{
	struct cs_rng r;
	struct wbuild b;
	struct crash_writes cw;
	struct sc_crash cfg = crash_cfg(SC_LOSS_KEEP);
	bool seen[4] = { false };

	(void)state;
	assert_int_equal(cs_rng_init(&r, 10, "writes"), 0);
	memset(&b, 0, sizeof(b));
	wb_add(&b, 10, 3, false, &r);     /* tags */
	wb_add(&b, 102, 1, true, &r);     /* explicit bytes */
	to_crash_writes(&b, &cw);
	cfg.n_keep = 2;
	cfg.keep[0] = 0;
	cfg.keep[1] = 1;
	cfg.shear_bytes = 128;
	for (uint64_t seed = 0; seed < 40; seed++) {
		struct collect c = run_states(&cfg, &cw, seed, NULL);
		struct fixture f;
		struct fault_set *fs;
		struct sc_faults fc = faults_off();
		struct cs_err err;
		struct crash_state st;
		uint8_t got[CSUM_SECTOR], nw[CSUM_SECTOR], old[CSUM_SECTOR];
		uint16_t j0 = c.s[0].ch[0].shear_bytes, j1 = c.s[0].ch[1].shear_bytes;

		assert_int_equal(c.s[0].ch[0].shear_sector, 2); /* the last sector */
		assert_int_equal(c.s[0].ch[1].shear_sector, 0);
		assert_true(j0 == 128 || j0 == 256 || j0 == 384);
		assert_true(j1 == 128 || j1 == 256 || j1 == 384);
		seen[j0 / 128] = true;
		assert_non_null(strstr(c.s[0].label, "+shorn"));

		base_media(&f);
		fs = fault_set_new(&fc, 1, &f.env, &err);
		assert_non_null(fs);
		st.index = 0;
		st.n = c.s[0].n;
		st.choice = c.s[0].ch;
		st.order = c.s[0].order;
		assert_int_equal(crash_state_apply(&f.env.media, &cw, &st, fs, 0), 0);
		/* whole sectors before the cut are new */
		for (uint32_t i = 0; i < 2; i++) {
			assert_int_equal(media_read(f.m, 0, 10 + i, got), b.tags[0][i]);
		}
		/* the cut sector: new bytes up to the cut, old ones after */
		content_fill(42, b.tags[0][2], nw);
		content_fill(42, fixture_tag(12), old);
		assert_true(media_read(f.m, 0, 12, got) == CSUM_TAG_NONE);
		assert_memory_equal(got, nw, j0);
		assert_memory_equal(got + j0, old + j0, CSUM_SECTOR - j0);
		/* the same with explicit bytes */
		content_fill(42, fixture_tag(102), old);
		media_read(f.m, 0, 102, got);
		assert_memory_equal(got, b.bytes[1], j1);
		assert_memory_equal(got + j1, old + j1, CSUM_SECTOR - j1);
		assert_int_equal(fault_set_injected(fs, FT_SHORN), 2);
		assert_int_equal(fault_set_injected(fs, FT_TORN), 0);
		fault_set_free(fs);
		fixture_free(&f);
		free(c.s);
	}
	assert_true(seen[1] && seen[2] && seen[3]);
	/* 512 and 0 disable it; 300 allows one cut */
	{
		static const uint32_t sb[3] = { 0, 512, 300 };

		for (int k = 0; k < 3; k++) {
			struct collect c;

			cfg.shear_bytes = sb[k];
			c = run_states(&cfg, &cw, 1, NULL);
			assert_int_equal(c.s[0].ch[0].shear_sector, sb[k] == 300 ? 2 : -1);
			assert_int_equal(c.s[0].ch[0].shear_bytes, sb[k] == 300 ? 300 : 0);
			free(c.s);
		}
	}
	crash_writes_free(&cw);
	wb_free(&b);
	cs_rng_free(&r);
}

/* ---- only_state, determinism, early stop -------------------------------- */

static void test_only_state_and_determinism(void **state)
{
	static const uint8_t modes[] = { SC_LOSS_PROBABILITY, SC_LOSS_EXHAUSTIVE,
					 SC_LOSS_ADVERSARIAL };
	struct cs_rng r;
	struct wbuild b;
	struct crash_writes cw;

	(void)state;
	assert_int_equal(cs_rng_init(&r, 11, "writes"), 0);
	random_writes(&b, 6, &r);
	to_crash_writes(&b, &cw);
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct sc_crash cfg = crash_cfg(modes[m]);
		struct collect full, again, other;
		uint64_t next_full, next_again, next_one;
		bool differs = false;

		cfg.samples = 12;
		cfg.tear = SC_TEAR_SUBSET;
		cfg.shear_bytes = 64;
		full = run_states(&cfg, &cw, 99, &next_full);
		again = run_states(&cfg, &cw, 99, &next_again);
		/* same seed, same states, same rng afterwards */
		assert_int_equal(full.n, again.n);
		for (uint32_t i = 0; i < full.n; i++)
			assert_true(same_state(&full.s[i], &again.s[i]));
		assert_true(next_full == next_again);
		/* another seed, other tears */
		other = run_states(&cfg, &cw, 100, NULL);
		for (uint32_t i = 0; i < full.n && i < other.n; i++)
			differs |= !same_state(&full.s[i], &other.s[i]);
		assert_true(differs);
		/* each state alone is the same state */
		for (uint32_t j = 0; j < full.n; j += 5) {
			struct collect one;

			cfg.only_state = j;
			one = run_states(&cfg, &cw, 99, &next_one);
			assert_int_equal(one.n, 1);
			assert_int_equal(one.s[0].index, j);
			assert_true(same_state(&one.s[0], &full.s[j]));
			assert_true(next_one == next_full);
			free(one.s);
		}
		cfg.only_state = full.n + 3; /* past the end: nothing */
		{
			struct collect none = run_states(&cfg, &cw, 99, NULL);

			assert_int_equal(none.n, 0);
			free(none.s);
		}
		free(full.s);
		free(again.s);
		free(other.s);
	}
	crash_writes_free(&cw);
	wb_free(&b);
	cs_rng_free(&r);
}

static void test_callback_stops(void **state)
{
	struct cs_rng r, sr;
	struct wbuild b;
	struct crash_writes cw;
	struct sc_crash cfg = crash_cfg(SC_LOSS_EXHAUSTIVE);
	struct collect c = { .stop_at = 2 };

	(void)state;
	assert_int_equal(cs_rng_init(&r, 12, "writes"), 0);
	random_writes(&b, 4, &r);
	to_crash_writes(&b, &cw);
	assert_int_equal(cs_rng_init(&sr, 1, "s"), 0);
	assert_int_equal(crash_states_each(&cfg, &cw, &sr, collect_fn, &c), 7);
	assert_int_equal(c.n, 3);
	/* the copies are the writer's own */
	assert_true(cw.w[0].tags != b.w[0].tags && cw.w[0].bytes != b.w[0].bytes);
	assert_memory_equal(cw.w[0].bytes, b.w[0].bytes, (size_t)b.w[0].count * CSUM_SECTOR);
	assert_int_equal(cw.w[3].seq, 103);
	free(c.s);
	crash_writes_free(&cw);
	wb_free(&b);
	cs_rng_free(&sr);
	cs_rng_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exhaustive_matches_brute_force),
		cmocka_unit_test(test_exhaustive_labels_and_fallback),
		cmocka_unit_test(test_counts_match),
		cmocka_unit_test(test_probability_kept_fraction_and_order),
		cmocka_unit_test(test_adversarial_list_dedup),
		cmocka_unit_test(test_keep_mode),
		cmocka_unit_test(test_apply_clears_latent_error),
		cmocka_unit_test(test_tear_shapes),
		cmocka_unit_test(test_tear_applied),
		cmocka_unit_test(test_shear_exact_bytes),
		cmocka_unit_test(test_only_state_and_determinism),
		cmocka_unit_test(test_callback_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
