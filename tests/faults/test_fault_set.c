/* The fault set: hooks (lost, misdirected writes, latent errors), at-rest
 * models (bit rot, LSE: targets, bursts, bits, Poisson rates), the ledger's
 * outcome rules, clone and rebind. Layout: fake_variant.h. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_variant.h"
#include "faults/faults.h"

/* ---- helpers ------------------------------------------------------------ */

static struct fault_set *new_set(struct fixture *f, const struct sc_faults *c, uint64_t seed)
{
	struct cs_err err;
	struct fault_set *fs = fault_set_new(c, seed, &f->env, &err);

	if (fs == NULL)
		fail_msg("fault_set_new: %s", err.msg);
	return fs;
}

static void run_engine(struct fixture *f)
{
	while (engine_step(&f->e))
		;
}

/* Contents of every backing sector of the fake device. */
static uint8_t *snap_all(const struct fixture *f)
{
	uint8_t *b = malloc((size_t)FAKE_DEV_SECTORS * CSUM_SECTOR);

	assert_non_null(b);
	for (uint64_t s = 0; s < FAKE_DEV_SECTORS; s++)
		media_read(f->m, 0, s, b + s * CSUM_SECTOR);
	return b;
}

/* Per sector: bits that changed between two snapshots. */
static void changed_bits(const uint8_t *a, const uint8_t *b, unsigned out[FAKE_DEV_SECTORS])
{
	for (uint64_t s = 0; s < FAKE_DEV_SECTORS; s++)
		out[s] = bits_differ(a + s * CSUM_SECTOR, b + s * CSUM_SECTOR);
}

static struct fault_outcomes outcomes(const struct fault_set *fs)
{
	struct fault_outcomes o;

	memset(&o, 0, sizeof(o));
	fault_set_outcomes(fs, &o);
	return o;
}

static struct fault_persist persist_req(uint64_t sector, uint32_t count)
{
	struct fault_persist p = {
		.dev = 0, .sector = sector, .count = count, .skip = false,
		.persist_mask = UINT64_MAX,
	};
	return p;
}

/* ---- configuration ------------------------------------------------------ */

static void test_bad_config_rejected(void **state)
{
	struct fixture f;
	struct sc_faults c;
	struct cs_err err;

	(void)state;
	fixture_init(&f);
	c = faults_off();
	c.lost_write_p = 1.5;
	assert_null(fault_set_new(&c, 1, &f.env, &err));
	assert_non_null(strstr(err.msg, "lost_write"));
	c = faults_off();
	c.rot_bits = 0;
	assert_null(fault_set_new(&c, 1, &f.env, &err));
	assert_non_null(strstr(err.msg, "rot.bits"));
	c = faults_off();
	c.rot_rate = -1;
	assert_null(fault_set_new(&c, 1, &f.env, &err));
	c = faults_off();
	c.rot_rate = 1;
	c.rot_target = SC_TARGET_DATA;
	f.env.ops = NULL; /* no sector_info: targets cannot work */
	assert_null(fault_set_new(&c, 1, &f.env, &err));
	assert_non_null(strstr(err.msg, "rot.target"));
	fixture_free(&f);
}

static void test_hooks_shape(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;
	const struct fault_hooks *h;
	struct fault_persist p = persist_req(5, 3);

	(void)state;
	fixture_init(&f);
	fs = new_set(&f, &c, 1);
	h = fault_set_hooks(fs);
	assert_ptr_equal(h->ctx, fs);
	assert_null(h->on_crash);
	assert_non_null(h->on_persist);
	assert_non_null(h->on_read);
	/* everything off: a write persists whole where it was sent */
	h->on_persist(h->ctx, &p);
	assert_false(p.skip);
	assert_int_equal(p.sector, 5);
	assert_true(p.persist_mask == UINT64_MAX);
	assert_int_equal(h->on_read(h->ctx, 0, 5), 0);
	for (int t = 0; t < FT_COUNT; t++)
		assert_int_equal(fault_set_injected(fs, t), 0);
	fault_set_free(fs);
	fixture_free(&f);
}

/* ---- lost writes -------------------------------------------------------- */

static void test_lost_write_skips_and_records(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;
	const struct fault_hooks *h;
	struct fault_persist p = persist_req(5, 3);
	struct fault_outcomes o;
	const uint8_t cls[3] = { ORC_CORRECT, ORC_STALE, ORC_CORRECT };

	(void)state;
	fixture_init(&f);
	c.lost_write_p = 1.0;
	fs = new_set(&f, &c, 1);
	h = fault_set_hooks(fs);
	f.e.now = 777;
	h->on_persist(h->ctx, &p);
	assert_true(p.skip);
	assert_int_equal(fault_set_injected(fs, FT_LOST_WRITE), 1);
	o = outcomes(fs);
	assert_int_equal(o.n[FT_LOST_WRITE][FO_UNREAD], 1);
	/* a read of other sectors leaves it pending */
	fault_set_observe_read(fs, 8, 1, cls);
	assert_int_equal(outcomes(fs).n[FT_LOST_WRITE][FO_UNREAD], 1);
	/* the read of its sectors returns an old version: stale */
	fault_set_observe_read(fs, 5, 3, cls);
	o = outcomes(fs);
	assert_int_equal(o.n[FT_LOST_WRITE][FO_UNREAD], 0);
	assert_int_equal(o.n[FT_LOST_WRITE][FO_STALE], 1);
	fault_set_free(fs);
	fixture_free(&f);
}

static void test_lost_write_probability(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;
	const struct fault_hooks *h;
	unsigned lost = 0, n = 20000;

	(void)state;
	fixture_init(&f);
	c.lost_write_p = 0.3;
	fs = new_set(&f, &c, 9);
	h = fault_set_hooks(fs);
	for (unsigned i = 0; i < n; i++) {
		struct fault_persist p = persist_req(i % 90, 1);

		h->on_persist(h->ctx, &p);
		lost += p.skip;
	}
	/* binomial sd = sqrt(n p q) ~ 65 */
	assert_in_range(lost, 6000 - 330, 6000 + 330);
	assert_int_equal(fault_set_injected(fs, FT_LOST_WRITE), lost);
	fault_set_free(fs);
	fixture_free(&f);
}

/* ---- misdirected writes ------------------------------------------------- */

static void test_misdirect_within_distance(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;
	const struct fault_hooks *h;
	bool seen[FAKE_DEV_SECTORS] = { false };
	static const struct {
		uint64_t s;
		uint32_t count;
		uint64_t lo, hi; /* allowed start sectors */
	} cases[] = {
		{ 50, 2, 47, 53 },
		{ 0, 1, 0, 3 },      /* clamped at the start */
		{ 108, 2, 105, 108 },/* clamped at the end: the write stays inside */
	};

	(void)state;
	fixture_init(&f);
	c.misdirect_p = 1.0;
	c.misdirect_distance = 3;
	fs = new_set(&f, &c, 3);
	h = fault_set_hooks(fs);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		memset(seen, 0, sizeof(seen));
		for (int i = 0; i < 400; i++) {
			struct fault_persist p = persist_req(cases[k].s, cases[k].count);

			h->on_persist(h->ctx, &p);
			assert_false(p.skip);
			assert_true(p.sector != cases[k].s);
			assert_in_range(p.sector, cases[k].lo, cases[k].hi);
			seen[p.sector] = true;
		}
		/* every allowed place is reached */
		for (uint64_t s = cases[k].lo; s <= cases[k].hi; s++)
			assert_true(seen[s] == (s != cases[k].s));
	}
	assert_int_equal(fault_set_injected(fs, FT_MISDIRECT), 1200);
	fault_set_free(fs);
	fixture_free(&f);
}

static void test_misdirect_anywhere_and_attribution(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;
	const struct fault_hooks *h;
	bool low = false, high = false;
	struct fault_persist p;
	struct fault_outcomes o;
	uint8_t cls = ORC_SILENT;

	(void)state;
	fixture_init(&f);
	c.misdirect_p = 1.0;
	fs = new_set(&f, &c, 4);
	h = fault_set_hooks(fs);
	for (int i = 0; i < 2000; i++) {
		p = persist_req(50, 4);
		h->on_persist(h->ctx, &p);
		assert_true(p.sector != 50);
		assert_true(p.sector <= FAKE_DEV_SECTORS - 4);
		low |= p.sector < 10;
		high |= p.sector > 96;
	}
	assert_true(low && high);
	fault_set_free(fs);

	/* both the intended and the hit sectors are affected */
	fs = new_set(&f, &c, 5);
	h = fault_set_hooks(fs);
	p = persist_req(10, 1);
	h->on_persist(h->ctx, &p);
	assert_true(p.sector != 10);
	if (p.sector < FAKE_DM_SECTORS) {
		fault_set_observe_read(fs, p.sector, 1, &cls);
		o = outcomes(fs);
		assert_int_equal(o.n[FT_MISDIRECT][FO_SILENT], 1);
	}
	fault_set_free(fs);
	fs = new_set(&f, &c, 5);
	h = fault_set_hooks(fs);
	p = persist_req(10, 1);
	h->on_persist(h->ctx, &p);
	cls = ORC_STALE;
	fault_set_observe_read(fs, 10, 1, &cls);
	o = outcomes(fs);
	assert_int_equal(o.n[FT_MISDIRECT][FO_STALE], 1);
	assert_int_equal(o.n[FT_MISDIRECT][FO_UNREAD], 0);
	fault_set_free(fs);

	/* nowhere else to go: the write persists where it was sent */
	f.env.dev_sectors[0] = 1;
	fs = new_set(&f, &c, 6);
	h = fault_set_hooks(fs);
	p = persist_req(0, 1);
	h->on_persist(h->ctx, &p);
	assert_int_equal(p.sector, 0);
	assert_int_equal(fault_set_injected(fs, FT_MISDIRECT), 0);
	fault_set_free(fs);
	fixture_free(&f);
}

/* ---- latent sector errors ------------------------------------------------ */

static void test_lse_fails_reads_until_rewritten(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;
	const struct fault_hooks *h;
	struct fault_persist p;
	uint8_t cls = ORC_DETECTED;

	(void)state;
	fixture_init(&f);
	fixture_write(&f, 7, 1);  /* the only data sector written */
	fixture_write(&f, 100, 4);
	c.lse_at_ns = 1000;
	c.lse_at_count = 1;
	c.lse_target = SC_TARGET_DATA;
	fs = new_set(&f, &c, 11);
	h = fault_set_hooks(fs);
	assert_int_equal(fault_set_start(fs), 0);
	assert_int_equal(h->on_read(h->ctx, 0, 7), 0); /* not yet */
	run_engine(&f);
	assert_int_equal(f.e.now, 1000);
	assert_int_equal(fault_set_latent_errors(fs), 1);
	assert_int_equal(fault_set_injected(fs, FT_LSE), 1);
	for (int i = 0; i < 3; i++)
		assert_int_not_equal(h->on_read(h->ctx, 0, 7), 0);
	for (uint64_t s = 0; s < FAKE_DEV_SECTORS; s++)
		if (s != 7)
			assert_int_equal(h->on_read(h->ctx, 0, s), 0);
	/* a write elsewhere does not help */
	p = persist_req(8, 1);
	h->on_persist(h->ctx, &p);
	assert_int_not_equal(h->on_read(h->ctx, 0, 7), 0);
	/* a write that persists over it does */
	p = persist_req(6, 2);
	h->on_persist(h->ctx, &p);
	assert_int_equal(h->on_read(h->ctx, 0, 7), 0);
	assert_int_equal(fault_set_latent_errors(fs), 0);
	/* its outcome was decided by the read of dm 7 */
	fault_set_observe_read(fs, 7, 1, &cls);
	assert_int_equal(outcomes(fs).n[FT_LSE][FO_DETECTED], 1);
	fault_set_free(fs);
	fixture_free(&f);
}

static void test_lse_masked_write_does_not_clear(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;
	const struct fault_hooks *h;
	struct fault_persist p;

	(void)state;
	fixture_init(&f);
	fixture_write(&f, 7, 1);
	c.lse_at_ns = 0;
	fs = new_set(&f, &c, 12);
	h = fault_set_hooks(fs);
	assert_int_equal(fault_set_start(fs), 0);
	run_engine(&f);
	assert_int_not_equal(h->on_read(h->ctx, 0, 7), 0);
	/* sector 7 is sector 1 of the write, and its mask bit is off */
	p = persist_req(6, 3);
	p.persist_mask = ~UINT64_C(2);
	h->on_persist(h->ctx, &p);
	assert_int_not_equal(h->on_read(h->ctx, 0, 7), 0);
	fault_set_free(fs);
	fixture_free(&f);
}

static void test_lse_both_copies(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct fixture f;
		struct sc_faults c = faults_off();
		struct fault_set *fs;
		const struct fault_hooks *h;
		unsigned bad = 0;

		fixture_init(&f);
		fixture_write(&f, 0, 104);
		c.lse_at_ns = 5;
		c.lse_target = SC_TARGET_BOTH_COPIES;
		fs = new_set(&f, &c, seed);
		h = fault_set_hooks(fs);
		assert_int_equal(fault_set_start(fs), 0);
		run_engine(&f);
		for (uint64_t s = 0; s < FAKE_DEV_SECTORS; s++)
			bad += h->on_read(h->ctx, 0, s) != 0;
		assert_int_equal(bad, 2);
		assert_true((h->on_read(h->ctx, 0, 100) && h->on_read(h->ctx, 0, 101)) ||
			    (h->on_read(h->ctx, 0, 102) && h->on_read(h->ctx, 0, 103)));
		fault_set_free(fs);
		fixture_free(&f);
	}
}

/* ---- bit rot ------------------------------------------------------------ */

/* One rot event with the given target, burst and bits, on a device with data
 * 0..99, imd 100..103, reserved 104 and journal 105 written. Returns the
 * bits changed per sector. */
static void one_rot(uint64_t seed, uint8_t target, uint32_t burst, uint32_t bits,
		    unsigned changed[FAKE_DEV_SECTORS], uint64_t *misses)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;
	uint8_t *before, *after;

	fixture_init(&f);
	fixture_write(&f, 0, 106);
	c.rot_at_ns = 10;
	c.rot_at_count = 1;
	c.rot_target = target;
	c.rot_burst = burst;
	c.rot_bits = bits;
	fs = new_set(&f, &c, seed);
	before = snap_all(&f);
	assert_int_equal(fault_set_start(fs), 0);
	run_engine(&f);
	after = snap_all(&f);
	changed_bits(before, after, changed);
	if (misses != NULL)
		*misses = fault_set_target_misses(fs);
	assert_int_equal(fault_set_injected(fs, FT_BITROT), misses && *misses ? 0 : 1);
	free(before);
	free(after);
	fault_set_free(fs);
	fixture_free(&f);
}

static void test_rot_flips_exact_bits(void **state)
{
	static const uint32_t bits[] = { 1, 2, 5, 64, 4096 };

	(void)state;
	for (size_t b = 0; b < sizeof(bits) / sizeof(bits[0]); b++) {
		for (uint64_t seed = 1; seed <= 10; seed++) {
			unsigned ch[FAKE_DEV_SECTORS], hit = 0;

			one_rot(seed, SC_TARGET_ANY, 1, bits[b], ch, NULL);
			for (unsigned s = 0; s < FAKE_DEV_SECTORS; s++) {
				if (ch[s] == 0)
					continue;
				hit++;
				assert_int_equal(ch[s], bits[b]);
			}
			assert_int_equal(hit, 1);
		}
	}
}

static void test_rot_targets(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 40; seed++) {
		unsigned ch[FAKE_DEV_SECTORS];

		/* data only, with bursts that run into the metadata */
		one_rot(seed, SC_TARGET_DATA, 4, 3, ch, NULL);
		for (unsigned s = 100; s < FAKE_DEV_SECTORS; s++)
			assert_int_equal(ch[s], 0);
		/* metadata only: never data */
		one_rot(seed, SC_TARGET_IMD, 1, 3, ch, NULL);
		for (unsigned s = 0; s < 100; s++)
			assert_int_equal(ch[s], 0);
		assert_int_equal(ch[104], 0);
		assert_true(ch[100] + ch[101] + ch[102] + ch[103] + ch[105] == 3);
		/* one copy, even with a burst: never its brother */
		one_rot(seed, SC_TARGET_ONE_COPY, 2, 2, ch, NULL);
		{
			unsigned hit = 0;

			for (unsigned s = 0; s < FAKE_DEV_SECTORS; s++) {
				if (s < 100 || s > 103)
					assert_int_equal(ch[s], 0);
				hit += ch[s] != 0;
			}
			assert_int_equal(hit, 1);
		}
		/* both copies of one group */
		one_rot(seed, SC_TARGET_BOTH_COPIES, 1, 2, ch, NULL);
		assert_true((ch[100] == 2 && ch[101] == 2 && ch[102] == 0 && ch[103] == 0) ||
			    (ch[102] == 2 && ch[103] == 2 && ch[100] == 0 && ch[101] == 0));
		for (unsigned s = 0; s < 100; s++)
			assert_int_equal(ch[s], 0);
	}
}

static void test_rot_headers_only(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 40; seed++) {
		struct fixture f;
		struct sc_faults c = faults_off();
		struct fault_set *fs;
		uint8_t *before, *after;
		unsigned total = 0;

		fixture_init(&f);
		fixture_write(&f, 0, 106);
		c.rot_at_ns = 1;
		c.rot_target = SC_TARGET_HEADERS;
		c.rot_bits = 4096; /* capped at the header's 64 bits */
		fs = new_set(&f, &c, seed);
		before = snap_all(&f);
		assert_int_equal(fault_set_start(fs), 0);
		run_engine(&f);
		after = snap_all(&f);
		for (uint64_t s = 0; s < FAKE_DEV_SECTORS; s++) {
			const uint8_t *a = before + s * CSUM_SECTOR, *b = after + s * CSUM_SECTOR;
			unsigned d = bits_differ(a, b);

			total += d;
			if (d == 0)
				continue;
			assert_in_range(s, 100, 103);
			assert_int_equal(d, 64);
			assert_memory_equal(a + 8, b + 8, CSUM_SECTOR - 8);
		}
		assert_int_equal(total, 64);
		free(before);
		free(after);
		fault_set_free(fs);
		fixture_free(&f);
	}
}

static void test_rot_burst_adjacent(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 10; seed++) {
		struct fixture f;
		struct sc_faults c = faults_off();
		struct fault_set *fs;
		uint8_t *before, *after;
		unsigned ch[FAKE_DEV_SECTORS];

		fixture_init(&f);
		fixture_write(&f, 40, 1); /* the only written sector: the seed */
		c.rot_at_ns = 1;
		c.rot_burst = 3;
		c.rot_bits = 7;
		fs = new_set(&f, &c, seed);
		before = snap_all(&f);
		assert_int_equal(fault_set_start(fs), 0);
		run_engine(&f);
		after = snap_all(&f);
		changed_bits(before, after, ch);
		for (unsigned s = 0; s < FAKE_DEV_SECTORS; s++)
			assert_int_equal(ch[s], (s >= 40 && s <= 42) ? 7 : 0);
		free(before);
		free(after);
		fault_set_free(fs);
		fixture_free(&f);
	}
	/* a burst stops at the end of the device */
	{
		struct fixture f;
		struct sc_faults c = faults_off();
		struct fault_set *fs;

		fixture_init(&f);
		fixture_write(&f, FAKE_DEV_SECTORS - 1, 1);
		c.rot_at_ns = 1;
		c.rot_burst = 5;
		fs = new_set(&f, &c, 1);
		assert_int_equal(fault_set_start(fs), 0);
		run_engine(&f);
		assert_int_equal(media_sectors(f.m), 1);
		fault_set_free(fs);
		fixture_free(&f);
	}
}

static void test_rot_target_miss_counted(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;

	(void)state;
	fixture_init(&f);
	fixture_write(&f, 100, 4); /* metadata only: no data sector to hit */
	c.rot_at_ns = 1;
	c.rot_at_count = 3;
	c.rot_target = SC_TARGET_DATA;
	fs = new_set(&f, &c, 1);
	assert_int_equal(fault_set_start(fs), 0);
	run_engine(&f);
	assert_int_equal(fault_set_injected(fs, FT_BITROT), 0);
	assert_int_equal(fault_set_target_misses(fs), 3);
	fault_set_free(fs);
	fixture_free(&f);
}

/* rot_bits = 1 on data: the fault is attributed to the data sector's dm
 * sector, and a rewrite before the read masks it. */
static void test_rot_attribution(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;
	uint8_t cls[FAKE_DM_SECTORS];
	struct fault_outcomes o;

	(void)state;
	fixture_init(&f);
	fixture_write(&f, 30, 1);
	fixture_write(&f, 102, 1);
	c.rot_at_ns = 1;
	c.rot_at_count = 1;
	c.rot_target = SC_TARGET_DATA;
	fs = new_set(&f, &c, 2);
	assert_int_equal(fault_set_start(fs), 0);
	run_engine(&f);
	memset(cls, ORC_CORRECT, sizeof(cls));
	cls[30] = ORC_DETECTED;
	fault_set_observe_read(fs, 0, 30, cls); /* not its sector */
	assert_int_equal(outcomes(fs).n[FT_BITROT][FO_UNREAD], 1);
	fault_set_observe_read(fs, 0, FAKE_DM_SECTORS, cls);
	o = outcomes(fs);
	assert_int_equal(o.n[FT_BITROT][FO_DETECTED], 1);
	assert_int_equal(o.n[FT_BITROT][FO_UNREAD], 0);
	fault_set_free(fs);

	/* imd rot: affects every dm sector the imd sector covers (62..99) */
	c.rot_target = SC_TARGET_IMD;
	fs = new_set(&f, &c, 2);
	assert_int_equal(fault_set_start(fs), 0);
	run_engine(&f);
	memset(cls, ORC_CORRECT, sizeof(cls));
	cls[99] = ORC_FALSE_POS;
	fault_set_observe_read(fs, 0, 62, cls);
	assert_int_equal(outcomes(fs).n[FT_BITROT][FO_UNREAD], 1);
	fault_set_observe_read(fs, 90, 10, cls + 90);
	assert_int_equal(outcomes(fs).n[FT_BITROT][FO_FALSE_POS], 1);
	fault_set_free(fs);
	fixture_free(&f);
}

/* ---- rates -------------------------------------------------------------- */

/* 100 written data sectors on f, and a fault set with rot (model 0) or
 * latent errors (1) at rest at 0.01 per sector-hour. */
static struct fault_set *at_rest_set(struct fixture *f, int model, uint64_t seed)
{
	struct sc_faults c = faults_off();

	fixture_init(f);
	fixture_write(f, 0, 100);
	if (model == 0)
		c.rot_rate = 0.01;
	else
		c.lse_rate = 0.01;
	c.rot_target = SC_TARGET_DATA; /* written data: the count stays 100 */
	return new_set(f, &c, seed);
}

static void test_idle_poisson_mean(void **state)
{
	(void)state;
	for (int model = 0; model < 2; model++) {
		struct fixture f;
		struct fault_set *fs = at_rest_set(&f, model, 77);
		uint64_t n;
		/* 100 written sectors, 0.01 per sector-hour, 1000 hours: mean 1000 */
		const double mean = 1000.0;

		assert_int_equal(fault_set_idle(fs, (uint64_t)(1000 * 3.6e12)), 0);
		n = fault_set_injected(fs, model == 0 ? FT_BITROT : FT_LSE);
		/* 4 standard deviations of a Poisson(1000) */
		assert_true(fabs((double)n - mean) < 4 * sqrt(mean));
		assert_int_equal(fault_set_injected(fs, model == 0 ? FT_LSE : FT_BITROT), 0);
		assert_int_equal(engine_pending(&f.e), 0); /* idle schedules nothing */
		/* no time, no faults */
		assert_int_equal(fault_set_idle(fs, 0), 0);
		assert_int_equal(fault_set_injected(fs, model == 0 ? FT_BITROT : FT_LSE), n);
		fault_set_free(fs);
		fixture_free(&f);
	}
}

/* fault_set_idle_changes names exactly the sectors the last power-off
 * period changed (rot: the bits flipped; latent errors: the sectors marked),
 * in (dev << 60 | sector) keys; a new period starts a new list, a clone
 * starts with none. */
static void test_idle_changes(void **state)
{
	(void)state;
	for (int model = 0; model < 2; model++) {
		struct fixture f;
		struct fault_set *fs = at_rest_set(&f, model, 78), *cl;
		const struct fault_hooks *h = fault_set_hooks(fs);
		const uint64_t *keys;
		size_t n;
		uint8_t *before, *after;
		unsigned diff[FAKE_DEV_SECTORS];
		bool named[FAKE_DEV_SECTORS] = { false };

		fault_set_idle_changes(fs, &keys, &n);
		assert_int_equal(n, 0);
		before = snap_all(&f);
		assert_int_equal(fault_set_idle(fs, (uint64_t)(10 * 3.6e12)), 0); /* mean 10 */
		after = snap_all(&f);
		changed_bits(before, after, diff);
		fault_set_idle_changes(fs, &keys, &n);
		assert_true(n > 0);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(keys[i] >> 60, 0); /* device 0 */
			assert_true((keys[i] & ((UINT64_C(1) << 60) - 1)) < FAKE_DEV_SECTORS);
			named[keys[i] & ((UINT64_C(1) << 60) - 1)] = true;
		}
		for (uint64_t s = 0; s < FAKE_DEV_SECTORS; s++) {
			bool changed = model == 0 ? diff[s] != 0 : h->on_read(h->ctx, 0, s) != 0;

			/* rot: a sector flipped twice may be back as it was */
			if (model == 0)
				assert_true(!changed || named[s]);
			else
				assert_int_equal(changed, named[s]);
		}
		cl = fault_set_clone(fs);
		assert_non_null(cl);
		fault_set_idle_changes(cl, &keys, &n);
		assert_int_equal(n, 0);
		assert_int_equal(fault_set_idle(fs, 0), 0); /* a new period: nothing */
		fault_set_idle_changes(fs, &keys, &n);
		assert_int_equal(n, 0);
		free(before);
		free(after);
		fault_set_free(cl);
		fault_set_free(fs);
		fixture_free(&f);
	}
}

static void busy(void *arg, uint64_t until)
{
	struct engine *e = arg;

	if (e->now + 1000000 <= until)
		engine_after(e, 1000000, busy, e, until);
}

static void test_running_poisson_mean_and_stop(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;
	const uint64_t T = UINT64_C(10000000000); /* 10 s of busy simulated time */
	uint64_t n;
	double mean;

	(void)state;
	fixture_init(&f);
	fixture_write(&f, 0, 100);
	/* 400 expected events: rate * 100 sectors * T hours */
	c.rot_rate = 400.0 / (100.0 * 10.0 / 3600.0);
	c.rot_target = SC_TARGET_DATA;
	fs = new_set(&f, &c, 5);
	mean = 400.0;
	assert_int_equal(engine_at(&f.e, 0, busy, &f.e, T), 0);
	assert_int_equal(fault_set_start(fs), 0);
	/* ends: the at-rest chain stops once nothing else is pending (bounded,
	 * so a chain that never stops fails instead of hanging) */
	for (int i = 0; i < 1000000 && engine_step(&f.e); i++)
		;
	assert_int_equal(engine_pending(&f.e), 0);
	n = fault_set_injected(fs, FT_BITROT);
	assert_true(fabs((double)n - mean) < 4 * sqrt(mean));
	/* at most one re-evaluation window past the last busy event */
	assert_true(f.e.now <= T + 1000000);
	fault_set_free(fs);
	fixture_free(&f);
}

static void test_restart_drops_old_chain(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;

	(void)state;
	fixture_init(&f);
	fixture_write(&f, 0, 100);
	c.rot_at_ns = 50;
	fs = new_set(&f, &c, 5);
	assert_int_equal(fault_set_start(fs), 0);
	assert_int_equal(fault_set_start(fs), 0); /* the first chain is now stale */
	run_engine(&f);
	assert_int_equal(fault_set_injected(fs, FT_BITROT), 1);
	/* a one-shot fires once */
	assert_int_equal(fault_set_start(fs), 0);
	run_engine(&f);
	assert_int_equal(fault_set_injected(fs, FT_BITROT), 1);
	fault_set_free(fs);
	fixture_free(&f);
}

static void test_idle_one_shot(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;
	const struct fault_hooks *h;

	(void)state;
	fixture_init(&f);
	fixture_write(&f, 0, 100);
	c.lse_at_ns = 5000;
	c.lse_at_count = 3;
	c.lse_target = SC_TARGET_DATA;
	fs = new_set(&f, &c, 5);
	h = fault_set_hooks(fs);
	assert_int_equal(fault_set_start(fs), 0);
	engine_run_until(&f.e, 100);
	engine_clear(&f.e); /* a crash at 100 ns: the scheduled event is gone */
	assert_int_equal(fault_set_idle(fs, 1000), 0); /* [100, 1100): not yet */
	assert_int_equal(fault_set_injected(fs, FT_LSE), 0);
	assert_int_equal(fault_set_idle(fs, 4901), 0); /* [100, 5001) holds 5000 */
	assert_int_equal(fault_set_injected(fs, FT_LSE), 3);
	{
		unsigned bad = 0;

		/* three picks; two may land on one sector */
		for (uint64_t s = 0; s < FAKE_DEV_SECTORS; s++)
			bad += h->on_read(h->ctx, 0, s) != 0;
		assert_in_range(bad, 1, 3);
		assert_int_equal(fault_set_latent_errors(fs), bad);
	}
	/* it happened once */
	assert_int_equal(fault_set_idle(fs, 100000), 0);
	assert_int_equal(fault_set_start(fs), 0);
	run_engine(&f);
	assert_int_equal(fault_set_injected(fs, FT_LSE), 3);
	fault_set_free(fs);
	fixture_free(&f);
}

/* ---- outcomes ----------------------------------------------------------- */

static void test_observe_worst_of_own_sectors(void **state)
{
	struct fixture f;
	struct sc_faults c = faults_off();
	struct fault_set *fs;
	struct fault_outcomes o;
	const uint8_t cls[3] = { ORC_CORRECT, ORC_FALSE_POS, ORC_DETECTED };

	(void)state;
	fixture_init(&f);
	fs = new_set(&f, &c, 1);
	assert_int_equal(fault_set_record_dm(fs, FT_IO_ERROR, 10, 2, 0), 0); /* 10, 11 */
	assert_int_equal(fault_set_record_dm(fs, FT_ALLOC, 11, 3, 0), 0);    /* 11..13 */
	assert_int_equal(fault_set_record_dm(fs, FT_LOST_WRITE, 50, 1, 0), 0);
	fault_set_observe_read(fs, 10, 3, cls);
	o = outcomes(fs);
	assert_int_equal(o.n[FT_IO_ERROR][FO_FALSE_POS], 1);  /* 10, 11 */
	assert_int_equal(o.n[FT_ALLOC][FO_DETECTED], 1);      /* 11, 12 */
	assert_int_equal(o.n[FT_LOST_WRITE][FO_UNREAD], 1);
	/* resolved once: reading again changes nothing */
	fault_set_observe_read(fs, 10, 3, cls);
	{
		struct fault_outcomes o2 = outcomes(fs);

		assert_memory_equal(&o, &o2, sizeof(o));
	}
	/* metadata with no user sector, reserved: masked at once */
	assert_int_equal(fault_set_record(fs, FT_IO_ERROR, 0, 104, 1, 0), 0);
	o = outcomes(fs);
	assert_int_equal(o.n[FT_IO_ERROR][FO_MASKED], 1);
	assert_int_equal(o.n[FT_IO_ERROR][FO_UNREAD], 0);
	/* beyond the exported device: no user sector either */
	assert_int_equal(fault_set_record_dm(fs, FT_ALLOC, FAKE_DM_SECTORS, 5, 0), 0);
	assert_int_equal(outcomes(fs).n[FT_ALLOC][FO_MASKED], 1);
	fault_set_free(fs);
	fixture_free(&f);
}

static int expected_worse(int a, int b)
{
	/* silent > stale > detected > false_pos > correct, as the brief orders them */
	static const int order[] = { ORC_SILENT, ORC_STALE, ORC_DETECTED, ORC_FALSE_POS,
				     ORC_CORRECT };
	for (int i = 0; i < 5; i++)
		if (order[i] == a || order[i] == b)
			return order[i];
	return -1;
}

static void test_observe_outcome_table(void **state)
{
	static const int map[ORC_CLASS_COUNT] = {
		[ORC_CORRECT] = FO_MASKED, [ORC_STALE] = FO_STALE, [ORC_FALSE_POS] = FO_FALSE_POS,
		[ORC_DETECTED] = FO_DETECTED, [ORC_SILENT] = FO_SILENT,
	};
	struct fixture f;
	struct sc_faults c = faults_off();

	(void)state;
	fixture_init(&f);
	for (int a = 0; a < ORC_CLASS_COUNT; a++) {
		for (int b = 0; b < ORC_CLASS_COUNT; b++) {
			struct fault_set *fs = new_set(&f, &c, 1);
			uint8_t cls[2] = { (uint8_t)a, (uint8_t)b };
			struct fault_outcomes o;

			assert_int_equal(fault_set_record_dm(fs, FT_TORN, 20, 2, 0), 0);
			fault_set_observe_read(fs, 20, 2, cls);
			o = outcomes(fs);
			assert_int_equal(o.n[FT_TORN][map[expected_worse(a, b)]], 1);
			fault_set_free(fs);
		}
	}
	fixture_free(&f);
}

/* ---- clone and rebind --------------------------------------------------- */

static void test_clone_independent(void **state)
{
	struct fixture f, g;
	struct sc_faults c = faults_off();
	struct fault_set *fs, *cl;
	const struct fault_hooks *h, *hc;
	uint8_t det = ORC_DETECTED;
	uint8_t *before, *after;
	unsigned ch[FAKE_DEV_SECTORS], sum = 0;

	(void)state;
	fixture_init(&f);
	fixture_write(&f, 7, 1);
	c.lost_write_p = 0.5;
	c.lse_at_ns = 1;
	fs = new_set(&f, &c, 21);
	h = fault_set_hooks(fs);
	assert_int_equal(fault_set_start(fs), 0);
	run_engine(&f); /* the LSE lands on sector 7, the only one written */
	assert_int_not_equal(h->on_read(h->ctx, 0, 7), 0);
	assert_int_equal(fault_set_record_dm(fs, FT_IO_ERROR, 40, 1, 0), 0);

	cl = fault_set_clone(fs);
	assert_non_null(cl);
	hc = fault_set_hooks(cl);
	assert_ptr_equal(hc->ctx, cl);
	/* same random streams: the same decisions for the same writes */
	for (int i = 0; i < 64; i++) {
		struct fault_persist a = persist_req(60 + (uint64_t)(i % 5), 1);
		struct fault_persist b = a;

		h->on_persist(h->ctx, &a);
		hc->on_persist(hc->ctx, &b);
		assert_int_equal(a.skip, b.skip);
	}
	assert_int_equal(fault_set_injected(fs, FT_LOST_WRITE),
			 fault_set_injected(cl, FT_LOST_WRITE));
	/* the clone's latent-error set and ledger are its own */
	{
		/* persist in the clone until one is not lost */
		for (int i = 0; i < 64 && hc->on_read(hc->ctx, 0, 7); i++) {
			struct fault_persist p = persist_req(7, 1);

			hc->on_persist(hc->ctx, &p);
		}
		assert_int_equal(hc->on_read(hc->ctx, 0, 7), 0);
		assert_int_not_equal(h->on_read(h->ctx, 0, 7), 0);
	}
	fault_set_observe_read(cl, 40, 1, &det);
	assert_int_equal(outcomes(cl).n[FT_IO_ERROR][FO_DETECTED], 1);
	assert_int_equal(outcomes(fs).n[FT_IO_ERROR][FO_DETECTED], 0);
	assert_int_equal(outcomes(fs).n[FT_IO_ERROR][FO_UNREAD], 1);

	fault_set_free(fs);
	fault_set_free(cl);

	/* rebind: a clone acts on another media and engine */
	fixture_init(&g);
	fixture_write(&g, 0, 100);
	before = snap_all(&g);
	c = faults_off();
	c.rot_at_ns = 3;
	fs = new_set(&f, &c, 1);
	cl = fault_set_clone(fs);
	assert_non_null(cl);
	fault_set_rebind(cl, &g.env);
	assert_int_equal(fault_set_start(cl), 0);
	run_engine(&g);
	run_engine(&f);
	after = snap_all(&g);
	changed_bits(before, after, ch);
	for (unsigned s = 0; s < FAKE_DEV_SECTORS; s++)
		sum += ch[s];
	assert_int_equal(sum, 1);
	assert_int_equal(fault_set_injected(cl, FT_BITROT), 1);
	assert_int_equal(fault_set_injected(fs, FT_BITROT), 0);
	free(before);
	free(after);
	fault_set_free(fs);
	fault_set_free(cl);
	fixture_free(&g);
	fixture_free(&f);
}

static void test_streams_independent(void **state)
{
	/* turning misdirection on does not change which writes are lost */
	struct fixture f;
	struct sc_faults a = faults_off(), b;
	struct fault_set *fa, *fb;
	const struct fault_hooks *ha, *hb;

	(void)state;
	fixture_init(&f);
	a.lost_write_p = 0.4;
	b = a;
	b.misdirect_p = 0.5;
	fa = new_set(&f, &a, 8);
	fb = new_set(&f, &b, 8);
	ha = fault_set_hooks(fa);
	hb = fault_set_hooks(fb);
	for (int i = 0; i < 500; i++) {
		struct fault_persist p = persist_req(20, 2), q = p;

		ha->on_persist(ha->ctx, &p);
		hb->on_persist(hb->ctx, &q);
		assert_int_equal(p.skip, q.skip);
	}
	fault_set_free(fa);
	fault_set_free(fb);
	fixture_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_config_rejected),
		cmocka_unit_test(test_hooks_shape),
		cmocka_unit_test(test_lost_write_skips_and_records),
		cmocka_unit_test(test_lost_write_probability),
		cmocka_unit_test(test_misdirect_within_distance),
		cmocka_unit_test(test_misdirect_anywhere_and_attribution),
		cmocka_unit_test(test_lse_fails_reads_until_rewritten),
		cmocka_unit_test(test_lse_masked_write_does_not_clear),
		cmocka_unit_test(test_lse_both_copies),
		cmocka_unit_test(test_rot_flips_exact_bits),
		cmocka_unit_test(test_rot_targets),
		cmocka_unit_test(test_rot_headers_only),
		cmocka_unit_test(test_rot_burst_adjacent),
		cmocka_unit_test(test_rot_target_miss_counted),
		cmocka_unit_test(test_rot_attribution),
		cmocka_unit_test(test_idle_poisson_mean),
		cmocka_unit_test(test_idle_changes),
		cmocka_unit_test(test_running_poisson_mean_and_stop),
		cmocka_unit_test(test_restart_drops_old_chain),
		cmocka_unit_test(test_idle_one_shot),
		cmocka_unit_test(test_observe_worst_of_own_sectors),
		cmocka_unit_test(test_observe_outcome_table),
		cmocka_unit_test(test_clone_independent),
		cmocka_unit_test(test_streams_independent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
