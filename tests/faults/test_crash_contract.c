/* Crash states under a device contract: for a small set of volatile writes,
 * every property set's states counted and listed by hand (units, masks,
 * shorn cuts, order, flush epochs, safe appends), the fallback above the
 * unit limit and its flag, only_state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_variant.h"
#include "faults/crash_contract.h"
#include "sim/content.h"

#define MAXS 64

struct saved {
	uint32_t index;
	bool keep[4];
	uint64_t mask[4];
	int32_t shear[4];
	uint32_t order[4];
	char label[64];
	bool sampled;
};

struct collect {
	struct saved s[MAXS];
	uint32_t n;
};

static int collect_fn(void *arg, const struct crash_state *st)
{
	struct collect *c = arg;
	struct saved *s;

	assert_true(c->n < MAXS && st->n <= 4);
	s = &c->s[c->n++];
	memset(s, 0, sizeof(*s));
	s->index = st->index;
	for (uint32_t i = 0; i < st->n; i++) {
		s->keep[i] = st->choice[i].keep;
		s->mask[i] = st->choice[i].mask;
		s->shear[i] = st->choice[i].shear_sector;
		s->order[i] = st->order[i];
		if (st->choice[i].shear_sector >= 0)
			assert_int_equal(st->choice[i].shear_bytes, CONTRACT_SHORN_BYTES);
	}
	snprintf(s->label, sizeof(s->label), "%s", st->label);
	s->sampled = st->sampled;
	return 0;
}

/* Counts only, for lists too long to keep. */
static int count_fn(void *arg, const struct crash_state *st)
{
	uint64_t *c = arg;

	c[0]++;
	c[1] += st->sampled;
	return 0;
}

/* The hand-checked writes: w0 = sectors 6..9 (aligned 4 KiB pieces 6,7 and
 * 8,9), w1 = sector 20. Units: write 2, 4k 3, sector 5. */
struct two {
	struct fault_cached_write w[2];
	uint64_t tags[2][4];
	uint8_t bytes[2][4 * CSUM_SECTOR];
	struct crash_writes cw;
};

static void two_writes(struct two *t)
{
	static const uint64_t at[2] = {6, 20};
	static const uint32_t count[2] = {4, 1};

	memset(t, 0, sizeof(*t));
	for (uint32_t i = 0; i < 2; i++) {
		for (uint32_t s = 0; s < count[i]; s++) {
			t->tags[i][s] = 0x1000 + i * 8 + s;
			content_fill(42, t->tags[i][s], t->bytes[i] + (size_t)s * CSUM_SECTOR);
		}
		t->w[i].sector = at[i];
		t->w[i].count = count[i];
		t->w[i].seq = 10 + i;
		t->w[i].tags = t->tags[i];
		t->w[i].bytes = t->bytes[i];
	}
	assert_int_equal(crash_writes_add(&t->cw, t->w, 2, &fake_ops, NULL), 0);
}

static struct sc_contract k_of(uint8_t atomic, bool shorn, uint8_t reorder)
{
	struct sc_contract k = {.atomic = atomic, .shorn = shorn, .reorder = reorder};

	return k;
}

static uint32_t run(const struct sc_contract *k, uint32_t max, const struct crash_writes *cw,
		    struct collect *c)
{
	memset(c, 0, sizeof(*c));
	assert_int_equal(crash_contract_each(k, max, UINT32_MAX, cw, collect_fn, c), 0);
	assert_int_equal(crash_contract_count(k, max, cw), c->n);
	for (uint32_t i = 0; i < c->n; i++)
		assert_int_equal(c->s[i].index, i);
	return c->n;
}

#define ALL UINT64_MAX

static void test_units(void **state)
{
	struct two t;
	struct sc_contract k;

	(void)state;
	two_writes(&t);
	k = k_of(SC_ATOMIC_WRITE, false, SC_REORDER_ANY);
	assert_int_equal(crash_contract_units(&k, &t.cw), 2);
	k.atomic = SC_ATOMIC_4K;
	assert_int_equal(crash_contract_units(&k, &t.cw), 3);
	k.atomic = SC_ATOMIC_SECTOR;
	assert_int_equal(crash_contract_units(&k, &t.cw), 5);
	crash_writes_free(&t.cw);
}

/* In order, whole writes: nothing, w0, w0+w1 (3); shorn adds w0 cut in its
 * last sector (3) and w0 + w1 cut in its only sector (0): 5. */
static void test_in_order_writes(void **state)
{
	struct two t;
	struct collect c;
	struct sc_contract k = k_of(SC_ATOMIC_WRITE, false, SC_REORDER_NEVER);

	(void)state;
	two_writes(&t);
	assert_int_equal(run(&k, 10, &t.cw, &c), 3);
	assert_false(c.s[0].keep[0] || c.s[0].keep[1]);
	assert_true(c.s[1].keep[0] && !c.s[1].keep[1]);
	assert_true(c.s[2].keep[0] && c.s[2].keep[1]);
	assert_string_equal(c.s[1].label, "in order: first 1 of 2 units");
	k.shorn = true;
	assert_int_equal(run(&k, 10, &t.cw, &c), 5);
	/* 0: none; 1: w0 shorn; 2: w0; 3: w0 + w1 shorn; 4: both */
	assert_false(c.s[0].keep[0]);
	assert_true(c.s[1].keep[0] && !c.s[1].keep[1] && c.s[1].shear[0] == 3);
	assert_true(c.s[2].keep[0] && c.s[2].shear[0] == -1);
	assert_true(c.s[3].keep[1] && c.s[3].shear[1] == 0 && c.s[3].shear[0] == -1);
	assert_true(c.s[4].keep[0] && c.s[4].keep[1] && c.s[4].shear[1] == -1);
	assert_string_equal(c.s[3].label, "in order: first 1 of 2 units, unit 1 shorn");
	crash_writes_free(&t.cw);
}

/* In order, 4 KiB atomic: w0's first half persists alone (sectors 6, 7:
 * mask 0b11), never its second half without the first. */
static void test_in_order_4k(void **state)
{
	struct two t;
	struct collect c;
	struct sc_contract k = k_of(SC_ATOMIC_4K, false, SC_REORDER_NEVER);

	(void)state;
	two_writes(&t);
	assert_int_equal(run(&k, 10, &t.cw, &c), 4);
	assert_true(c.s[1].keep[0] && c.s[1].mask[0] == 0x3);
	assert_true(c.s[2].keep[0] && c.s[2].mask[0] == ALL && !c.s[2].keep[1]);
	assert_true(c.s[3].keep[1] && c.s[3].mask[1] == ALL);
	k.atomic = SC_ATOMIC_SECTOR;
	assert_int_equal(run(&k, 10, &t.cw, &c), 6);
	assert_int_equal(c.s[1].mask[0], 0x1);
	assert_int_equal(c.s[3].mask[0], 0x7);
	assert_int_equal(c.s[4].mask[0], ALL);
	k.shorn = true; /* 6 prefixes + 5 cut ones */
	assert_int_equal(run(&k, 10, &t.cw, &c), 11);
	/* first 2 sectors, sector 2 (the third) cut */
	assert_int_equal(c.s[5].mask[0], 0x7);
	assert_int_equal(c.s[5].shear[0], 2);
	crash_writes_free(&t.cw);
}

/* Any order, whole writes: the 4 subsets, w1 without w0 among them;
 * applied in acceptance order. Shorn: 4 + each kept write cut (2*2) = 8. */
static void test_any_order(void **state)
{
	struct two t;
	struct collect c;
	struct sc_contract k = k_of(SC_ATOMIC_WRITE, false, SC_REORDER_ANY);

	(void)state;
	two_writes(&t);
	assert_int_equal(run(&k, 10, &t.cw, &c), 4);
	assert_true(!c.s[2].keep[0] && c.s[2].keep[1]);
	assert_string_equal(c.s[2].label, "units 0b10");
	assert_int_equal(c.s[2].order[0], 1);
	assert_int_equal(c.s[3].order[0], 0);
	assert_int_equal(c.s[3].order[1], 1);
	k.shorn = true;
	assert_int_equal(run(&k, 10, &t.cw, &c), 8);
	/* 0b00; 0b01, 0b01 w0 cut; 0b10, 0b10 w1 cut; 0b11, w0 cut, w1 cut */
	assert_int_equal(c.s[2].shear[0], 3);
	assert_int_equal(c.s[4].shear[1], 0);
	assert_true(c.s[6].shear[0] == 3 && c.s[6].shear[1] == -1);
	assert_true(c.s[7].shear[0] == -1 && c.s[7].shear[1] == 0);
	/* 4k: 2^3 = 8; with shorn 8 + 3 * 2^2 = 20; sector: 2^5 = 32 */
	k = k_of(SC_ATOMIC_4K, false, SC_REORDER_ANY);
	assert_int_equal(run(&k, 10, &t.cw, &c), 8);
	/* 0b010: only w0's second half (sectors 8, 9) */
	assert_true(c.s[2].keep[0] && c.s[2].mask[0] == (ALL & ~UINT64_C(3)) && !c.s[2].keep[1]);
	k.shorn = true;
	assert_int_equal(crash_contract_count(&k, 10, &t.cw), 20);
	k = k_of(SC_ATOMIC_SECTOR, false, SC_REORDER_ANY);
	assert_int_equal(crash_contract_count(&k, 10, &t.cw), 32);
	crash_writes_free(&t.cw);
}

/* Above the unit limit: every prefix (6) and each unit but the last lost
 * alone (4); with shorn also each prefix's next unit cut (5). */
static void test_sampled(void **state)
{
	struct two t;
	struct collect c;
	struct sc_contract k = k_of(SC_ATOMIC_SECTOR, false, SC_REORDER_ANY);

	(void)state;
	two_writes(&t);
	assert_int_equal(run(&k, 4, &t.cw, &c), 10);
	assert_string_equal(c.s[0].label, "sampled: first 0 of 5 units");
	assert_string_equal(c.s[6].label, "sampled: all units but 0");
	assert_true(c.s[0].sampled && c.s[9].sampled);
	assert_int_equal(c.s[6].mask[0], ALL & ~UINT64_C(1));
	k.shorn = true;
	assert_int_equal(crash_contract_count(&k, 4, &t.cw), 15);
	crash_writes_free(&t.cw);
}

/* w1 after a flush (epoch 1): within the epoch, never w1 without w0.
 * Whole writes: 0b00, 0b01, 0b11 (3); shorn: + w0 cut in 0b01, each cut in
 * 0b11 (6). Sector units (w0: 4 in epoch 0, w1: 1 in epoch 1): every w0
 * subset but the full one without w1 (15), the full one with or without
 * w1 (2): 17 = (2^4 - 1) + (2^1 - 1) + 1. */
static void test_within_epoch(void **state)
{
	struct two t;
	struct collect c;
	struct sc_contract k = k_of(SC_ATOMIC_WRITE, false, SC_REORDER_WITHIN_EPOCH);

	(void)state;
	two_writes(&t);
	t.cw.w[1].flush_epoch = 1;
	assert_int_equal(run(&k, 10, &t.cw, &c), 3);
	assert_string_equal(c.s[0].label, "units 0b00");
	assert_string_equal(c.s[1].label, "units 0b01");
	assert_string_equal(c.s[2].label, "units 0b11");
	assert_false(c.s[2].sampled);
	k.shorn = true;
	assert_int_equal(run(&k, 10, &t.cw, &c), 6);
	k = k_of(SC_ATOMIC_SECTOR, false, SC_REORDER_WITHIN_EPOCH);
	assert_int_equal(crash_contract_count(&k, 10, &t.cw), 17);
	/* the same epoch: as any order */
	t.cw.w[1].flush_epoch = 0;
	assert_int_equal(crash_contract_count(&k, 10, &t.cw), 32);
	/* an epoch listed out of order is sorted first: w0 after w1 now */
	t.cw.w[0].flush_epoch = 2;
	k = k_of(SC_ATOMIC_WRITE, false, SC_REORDER_WITHIN_EPOCH);
	assert_int_equal(run(&k, 10, &t.cw, &c), 3);
	assert_true(!c.s[1].keep[0] && c.s[1].keep[1]);
	crash_writes_free(&t.cw);
}

/* w0 an append under safe_append: one unit whatever the atomic unit, never
 * cut, and w1 (after it) never without it: 0b00, 0b01, 0b11 (3); shorn adds
 * only w1 cut in 0b11 (4). Without the promise: 2^5 sector units. */
static void test_safe_append(void **state)
{
	struct two t;
	struct collect c;
	struct sc_contract k = k_of(SC_ATOMIC_SECTOR, false, SC_REORDER_ANY);

	(void)state;
	two_writes(&t);
	t.cw.w[0].append = true;
	assert_int_equal(crash_contract_count(&k, 10, &t.cw), 32);
	k.safe_append = true;
	assert_int_equal(crash_contract_units(&k, &t.cw), 2);
	assert_int_equal(run(&k, 10, &t.cw, &c), 3);
	assert_true(c.s[1].keep[0] && c.s[1].mask[0] == ALL && !c.s[1].keep[1]);
	k.shorn = true;
	assert_int_equal(run(&k, 10, &t.cw, &c), 4);
	assert_int_equal(c.s[3].shear[0], -1);
	assert_int_equal(c.s[3].shear[1], 0);
	/* in order: prefixes 0, 1, 2 and w1 cut after w0 (w0 is never cut) */
	k.reorder = SC_REORDER_NEVER;
	assert_int_equal(run(&k, 10, &t.cw, &c), 4);
	crash_writes_free(&t.cw);
}

/* Five 64-sector writes, sector atomic: 320 units, above
 * CONTRACT_SAMPLE_UNITS: 65 evenly spaced prefixes in order; any order adds
 * 64 single losses (129) and, shorn, 64 cuts (193); all flagged sampled. */
static void test_spread(void **state)
{
	struct fault_cached_write w[5];
	static uint64_t tags[64];
	static uint8_t bytes[64 * CSUM_SECTOR];
	struct crash_writes cw;
	struct sc_contract k = k_of(SC_ATOMIC_SECTOR, false, SC_REORDER_NEVER);
	uint64_t c[2] = {0, 0};

	(void)state;
	memset(w, 0, sizeof(w));
	memset(&cw, 0, sizeof(cw));
	for (uint32_t s = 0; s < 64; s++)
		tags[s] = 0x3000 + s;
	for (uint32_t i = 0; i < 5; i++) {
		w[i].sector = 1000 * i;
		w[i].count = 64;
		w[i].tags = tags;
		w[i].bytes = bytes;
	}
	assert_int_equal(crash_writes_add(&cw, w, 5, &fake_ops, NULL), 0);
	assert_int_equal(crash_contract_units(&k, &cw), 320);
	assert_int_equal(crash_contract_each(&k, 10, UINT32_MAX, &cw, count_fn, c), 0);
	assert_int_equal(c[0], 65);
	assert_int_equal(c[1], 65);
	k.reorder = SC_REORDER_ANY;
	assert_int_equal(crash_contract_count(&k, 10, &cw), 129);
	k.shorn = true;
	assert_int_equal(crash_contract_count(&k, 10, &cw), 193);
	crash_writes_free(&cw);
}

/* A write past 64 sectors: units stop at sector 63, whose bit holds the rest. */
static void test_long_write(void **state)
{
	struct fault_cached_write w;
	static uint64_t tags[70];
	static uint8_t bytes[70 * CSUM_SECTOR];
	struct crash_writes cw;
	struct sc_contract k = k_of(SC_ATOMIC_SECTOR, false, SC_REORDER_NEVER);

	(void)state;
	memset(&w, 0, sizeof(w));
	memset(&cw, 0, sizeof(cw));
	for (uint32_t s = 0; s < 70; s++)
		tags[s] = 0x2000 + s;
	w.sector = 0;
	w.count = 70;
	w.tags = tags;
	w.bytes = bytes;
	assert_int_equal(crash_writes_add(&cw, &w, 1, &fake_ops, NULL), 0);
	assert_int_equal(crash_contract_units(&k, &cw), 64);
	assert_int_equal(crash_contract_count(&k, 10, &cw), 65);
	k.atomic = SC_ATOMIC_4K;
	assert_int_equal(crash_contract_units(&k, &cw), 8);
	crash_writes_free(&cw);
}

/* only_state reports that state alone, the same as in the full list. */
static void test_only_state(void **state)
{
	struct two t;
	struct collect all, one;
	struct sc_contract k = k_of(SC_ATOMIC_4K, true, SC_REORDER_ANY);

	(void)state;
	two_writes(&t);
	run(&k, 10, &t.cw, &all);
	memset(&one, 0, sizeof(one));
	assert_int_equal(crash_contract_each(&k, 10, 13, &t.cw, collect_fn, &one), 0);
	assert_int_equal(one.n, 1);
	assert_memory_equal(&one.s[0], &all.s[13], sizeof(one.s[0]));
	crash_writes_free(&t.cw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_in_order_writes),
		cmocka_unit_test(test_in_order_4k),
		cmocka_unit_test(test_any_order),
		cmocka_unit_test(test_sampled),
		cmocka_unit_test(test_within_epoch),
		cmocka_unit_test(test_safe_append),
		cmocka_unit_test(test_spread),
		cmocka_unit_test(test_long_write),
		cmocka_unit_test(test_only_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
