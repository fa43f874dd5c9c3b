/* Baseline "journal": records committed by a flush, copied home, replayed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/baseline_util.h"
#include "core/baselines.h"
#include "tests/core/test_baselines_util.h"

#define LEN 300u
#define JBASE 4u

static void setup(struct bt *b, uint32_t jsize, uint32_t interval)
{
	struct csum_table t = { .begin = 0, .len = LEN, .data_start = JBASE };
	struct csum_options o = { .journal_sectors = jsize, .commit_interval_writes = interval };

	bt_init(b, &csum_variant_journal, &t, &o);
}

static uint64_t home(uint32_t jsize)
{
	return JBASE + jsize;
}

static uint64_t sb_seq(struct bt *b)
{
	return bu_get_le64(bt_sec(b, JBASE) + 8);
}

static void read_after_write(void **state)
{
	struct bt b;
	struct csum_location l;
	struct csum_sector_info si;

	(void)state;
	setup(&b, 0, 0); /* defaults: 8192 sectors, every write commits */
	assert_int_equal(csum_variant_journal.lock_scope, CSUM_LOCK_GLOBAL);
	assert_int_equal(b.n, home(8192) + 4 * 63 + 53);
	assert_int_equal(sb_seq(&b), 1);
	assert_int_equal(bt_read_is(&b, 0, LEN, 0), 1);

	assert_int_equal(bt_write(&b, 30, 10, 1, 0), 0);
	/* record + checksum read | commit flush | home copy */
	assert_int_equal(b.steps, 3);
	assert_int_equal(b.n_log, 6);
	assert_int_equal(b.log[0].role, CSUM_ROLE_JOURNAL_WRITE);
	assert_int_equal(b.log[0].sector, JBASE + 1);
	assert_int_equal(b.log[1].role, CSUM_ROLE_JOURNAL_WRITE);
	assert_int_equal(b.log[1].sector, JBASE + 2);
	assert_int_equal(b.log[1].count, 10);
	assert_int_equal(b.log[2].role, CSUM_ROLE_IMD_READ);
	assert_int_equal(b.log[3].kind, CSUM_IO_FLUSH);
	assert_int_equal(b.log[4].role, CSUM_ROLE_IMD_WRITE);
	assert_int_equal(b.log[5].role, CSUM_ROLE_DATA_WRITE);
	assert_int_equal(b.crc_bytes, 10 * 512);
	csum_variant_journal.sector_info(b.ctx, 0, JBASE + 1, &si);
	assert_int_equal(si.kind, CSUM_SK_JOURNAL);
	csum_variant_journal.locate(b.ctx, 30, &l);
	assert_int_equal(l.data_sector, b.log[5].sector);
	assert_int_equal(l.meta_sector[0], b.log[4].sector);
	assert_int_equal(bt_read_is(&b, 30, 10, 1), 1);
	assert_int_equal(b.verdict[9], CSUM_V_NEWER);
	/* a write across groups: one record per piece */
	assert_int_equal(bt_write(&b, 50, 100, 2, 0), 0);
	assert_int_equal(bt_count_role(&b, CSUM_IO_FLUSH, CSUM_ROLE_FLUSH), 3);
	assert_int_equal(bt_read_is(&b, 30, 10, 1), 1);
	assert_int_equal(bt_read_is(&b, 40, 10, 0), 1);
	assert_int_equal(bt_read_is(&b, 50, 100, 2), 1);
	/* rot at home is detected */
	bt_sec(&b, l.data_sector)[3] ^= 4;
	assert_int_equal(bt_read_is(&b, 30, 10, 1), -CSUM_EIO);
	assert_int_equal(b.verdict[0], CSUM_V_MISMATCH);
	bt_free(&b);
}

struct keep_rule {
	unsigned mode; /* 0 none, 1 all, 2 data role only, 3 imd role only, 4 pseudo-random */
	uint32_t seed;
};

static bool keep(void *arg, size_t i, const struct bt_cached *c)
{
	struct keep_rule *k = arg;
	uint32_t x;

	switch (k->mode) {
	case 0:
		return false;
	case 1:
		return true;
	case 2:
		return c->role == CSUM_ROLE_DATA_WRITE;
	case 3:
		return c->role == CSUM_ROLE_IMD_WRITE;
	default:
		x = (uint32_t)(i * 2654435761u) ^ k->seed;
		x ^= x >> 15;
		x *= 0x2c1b3c6du;
		x ^= x >> 12;
		return (x & 1u) != 0;
	}
}

/* Every committed write survives any crash, and nothing good is rejected. */
static void crash_replay_restores(void **state)
{
	(void)state;
	for (unsigned mode = 0; mode < 5; mode++) {
		struct bt b;
		struct keep_rule k = { .mode = mode, .seed = 77 };

		setup(&b, 0, 1);
		b.cache_on = true;
		assert_int_equal(bt_write(&b, 100, 8, 1, 0), 0);
		assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
		assert_int_equal(bt_write(&b, 100, 8, 2, 0), 0);
		assert_int_equal(bt_write(&b, 140, 30, 3, 0), 0);
		assert_true(b.n_cache > 0); /* the home copies are not durable */
		assert_int_equal(bt_crash(&b, keep, &k), 0);
		assert_true(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE) >= 2);
		assert_int_equal(bt_read_is(&b, 100, 8, 2), 1);
		assert_int_equal(bt_read_is(&b, 140, 30, 3), 1);
		assert_int_equal(bt_read_is(&b, 170, 10, 0), 1);
		/* the device goes on: new records after the restarted journal */
		assert_int_equal(bt_write(&b, 100, 4, 4, 0), 0);
		assert_int_equal(b.log[0].sector, JBASE + 1);
		assert_int_equal(bt_read_is(&b, 100, 4, 4), 1);
		assert_int_equal(bt_read_is(&b, 104, 4, 2), 1);
		bt_free(&b);
	}
}

/* Random writes and flushes over a small journal that wraps often, then a
 * crash keeping a random part of the cache. With one record per commit every
 * completed write is durable: each sector must read its last version. With
 * batches, each must read a version no older than its last flush. */
static void random_crashes(void **state)
{
	enum { N = 120, OPS = 60 };

	(void)state;
	for (uint32_t interval = 1; interval <= 4; interval += 3) {
		for (uint32_t seed = 1; seed <= 12; seed++) {
			struct bt b;
			struct keep_rule k = { .mode = 4, .seed = seed * 7919u };
			uint8_t last[N], floor[N];
			uint64_t seen[N];
			uint32_t x = seed;

			memset(last, 0, sizeof(last));
			memset(floor, 0, sizeof(floor));
			for (unsigned s = 0; s < N; s++)
				seen[s] = 1; /* version 0 */
			setup(&b, 64, interval);
			b.cache_on = true;
			for (uint32_t v = 1; v <= OPS; v++) {
				uint32_t s, n;

				x = x * 1103515245u + 12345u;
				s = (x >> 8) % N;
				n = 1 + (x >> 20) % 40;
				if (s + n > N)
					n = N - s;
				if ((x >> 4) % 7 == 0) {
					assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
					memcpy(floor, last, sizeof(last));
					continue;
				}
				assert_int_equal(bt_write(&b, s, n, v, 0), 0);
				for (uint32_t i = s; i < s + n; i++) {
					last[i] = (uint8_t)v;
					seen[i] |= UINT64_C(1) << v;
					if (interval == 1)
						floor[i] = (uint8_t)v;
				}
			}
			assert_int_equal(bt_crash(&b, keep, &k), 0);
			for (uint32_t s = 0; s < N; s++) {
				uint8_t buf[512], want[512];
				bool match = false;

				assert_int_equal(bt_rq(&b, CSUM_OP_READ, s, 1, 0, buf), 0);
				for (uint32_t v = floor[s]; v <= OPS && !match; v++) {
					if (!(seen[s] >> v & 1u))
						continue;
					bt_content(want, s, 1, v);
					match = memcmp(buf, want, 512) == 0;
				}
				assert_true(match);
				if (interval == 1) {
					bt_content(want, s, 1, last[s]);
					assert_memory_equal(buf, want, 512);
				}
			}
			bt_free(&b);
		}
	}
}

static void wraparound(void **state)
{
	struct bt b;

	(void)state;
	setup(&b, 64, 1);
	/* 11 journal sectors a record: 5 fit in slots 1..63 */
	for (uint32_t w = 0; w < 5; w++) {
		assert_int_equal(bt_write(&b, 10 * w, 10, w + 1, 0), 0);
		assert_int_equal(b.log[0].sector, JBASE + 1 + 11 * w);
	}
	assert_int_equal(sb_seq(&b), 1);
	assert_int_equal(bt_write(&b, 50, 10, 6, 0), 0);
	/* home copies made durable, superblock restarts the journal, record at 1 */
	assert_int_equal(b.log[0].kind, CSUM_IO_FLUSH);
	assert_int_equal(b.log[1].role, CSUM_ROLE_JOURNAL_WRITE);
	assert_int_equal(b.log[1].sector, JBASE);
	assert_true(b.log[1].flags & CSUM_IOF_FUA);
	assert_int_equal(b.log[2].sector, JBASE + 1);
	assert_int_equal(sb_seq(&b), 6);
	assert_int_equal(bu_get_le64(bt_sec(&b, JBASE + 1) + 8), 6);
	for (uint32_t w = 0; w < 6; w++)
		assert_int_equal(bt_read_is(&b, 10 * w, 10, w + 1), 1);
	/* the old lap's records past the new one are never replayed */
	b.drop_roles = (1u << CSUM_ROLE_DATA_WRITE) | (1u << CSUM_ROLE_IMD_WRITE);
	assert_int_equal(bt_write(&b, 200, 5, 9, 0), 0);
	b.drop_roles = 0;
	assert_int_equal(bt_read_is(&b, 200, 5, 0), 1); /* the home copy was lost */
	assert_int_equal(bt_crash(&b, NULL, NULL), 0);
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE), 2);
	assert_int_equal(bt_read_is(&b, 200, 5, 9), 1);
	for (uint32_t w = 0; w < 6; w++)
		assert_int_equal(bt_read_is(&b, 10 * w, 10, w + 1), 1);
	assert_int_equal(sb_seq(&b), 8 + 64);
	bt_free(&b);
}

/* A crash of a copy of b, keeping none (mode 0) or all (1) of the cache. */
static void batch_crash(const struct bt *b, unsigned mode)
{
	struct bt *c = malloc(sizeof(*c));
	struct keep_rule k = { .mode = mode };

	assert_non_null(c);
	*c = *b;
	c->media = malloc(b->n * 512);
	c->cache = malloc(b->cap_cache * sizeof(*b->cache));
	c->ctx = c->job = NULL;
	assert_non_null(c->media);
	assert_non_null(c->cache);
	memcpy(c->media, b->media, b->n * 512);
	memcpy(c->cache, b->cache, b->n_cache * sizeof(*b->cache));
	assert_int_equal(bt_crash(c, keep, &k), 0);
	if (mode == 0) {
		assert_int_equal(bt_read_is(c, 10, 15, 1), 1);
	} else {
		assert_int_equal(bt_read_is(c, 10, 5, 2), 1);
		assert_int_equal(bt_read_is(c, 15, 10, 3), 1);
	}
	bt_free(c);
	free(c);
}

static void commit_batching(void **state)
{
	struct bt b;
	uint8_t buf[25 * 512], want[25 * 512];
	bool from_journal = false;

	(void)state;
	setup(&b, 0, 4);
	b.cache_on = true;
	assert_int_equal(bt_write(&b, 10, 15, 1, 0), 0);
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	/* batched: one step, no flush, home untouched */
	assert_int_equal(bt_write(&b, 10, 10, 2, 0), 0);
	assert_int_equal(b.steps, 1);
	assert_int_equal(b.n_log, 2);
	assert_int_equal(bt_count_role(&b, CSUM_IO_FLUSH, CSUM_ROLE_FLUSH), 0);
	assert_int_equal(bt_write(&b, 15, 10, 3, 0), 0);
	assert_int_equal(b.n_log, 2);
	/* reads see the newest copy, from the journal where it is newer */
	assert_int_equal(bt_rq(&b, CSUM_OP_READ, 10, 25, 0, buf), 0);
	bt_content(want, 10, 5, 2);
	bt_content(want + 5 * 512, 15, 10, 3);
	bt_content(want + 15 * 512, 25, 10, 0);
	assert_memory_equal(buf, want, sizeof(want));
	for (size_t i = 0; i < b.n_log; i++)
		if (b.log[i].kind == CSUM_IO_READ && b.log[i].sector > JBASE &&
		    b.log[i].sector < home(8192))
			from_journal = true;
	assert_true(from_journal);
	for (unsigned i = 0; i < 25; i++)
		assert_int_equal(b.verdict[i], CSUM_V_NEWER);

	/* a crash now: the batch is lost or replayed, never judged bad */
	batch_crash(&b, 0);
	batch_crash(&b, 1);
	/* the fourth record of the batch commits it: flush, four copies home,
	 * three of them read back from the journal */
	assert_int_equal(bt_write(&b, 200, 3, 4, 0), 0);
	assert_int_equal(b.n_log, 2);
	assert_int_equal(bt_write(&b, 210, 2, 5, 0), 0);
	assert_int_equal(b.steps, 2 * 4 + 2); /* record, flush, 4 x (read, write) */
	assert_int_equal(bt_count_role(&b, CSUM_IO_FLUSH, CSUM_ROLE_FLUSH), 1);
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE), 4);
	assert_int_equal(bt_count_role(&b, CSUM_IO_READ, CSUM_ROLE_DATA_READ), 3);
	assert_true(b.n_cache > 0);
	assert_int_equal(bt_crash(&b, NULL, NULL), 0); /* committed: all survive */
	assert_int_equal(bt_read_is(&b, 10, 5, 2), 1);
	assert_int_equal(bt_read_is(&b, 15, 10, 3), 1);
	assert_int_equal(bt_read_is(&b, 200, 3, 4), 1);
	assert_int_equal(bt_read_is(&b, 210, 2, 5), 1);

	/* a user flush and a FUA write commit too */
	assert_int_equal(bt_write(&b, 40, 2, 6, 0), 0);
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE), 1);
	assert_int_equal(bt_write(&b, 42, 2, 7, CSUM_RQ_FUA), 0);
	assert_int_equal(bt_count_role(&b, CSUM_IO_FLUSH, CSUM_ROLE_FLUSH), 1);
	assert_int_equal(bt_crash(&b, NULL, NULL), 0);
	assert_int_equal(bt_read_is(&b, 40, 2, 6), 1);
	assert_int_equal(bt_read_is(&b, 42, 2, 7), 1);
	bt_free(&b);
}

/* Replay stops at the first record that does not verify. */
static void replay_stops_at_invalid(void **state)
{
	struct bt b;
	uint64_t seq1;

	(void)state;
	setup(&b, 64, 1);
	b.drop_roles = (1u << CSUM_ROLE_DATA_WRITE) | (1u << CSUM_ROLE_IMD_WRITE);
	assert_int_equal(bt_write(&b, 0, 5, 1, 0), 0);  /* slots 1..6 */
	assert_int_equal(bt_write(&b, 70, 5, 2, 0), 0); /* slots 7..12 */
	assert_int_equal(bt_write(&b, 140, 5, 3, 0), 0);
	b.drop_roles = 0;
	bt_sec(&b, JBASE + 9)[100] ^= 1; /* a data sector of the second record */
	assert_int_equal(bt_crash(&b, NULL, NULL), 0);
	assert_int_equal(bt_read_is(&b, 0, 5, 1), 1);
	assert_int_equal(bt_read_is(&b, 70, 5, 0), 1);
	assert_int_equal(bt_read_is(&b, 140, 5, 0), 1);
	seq1 = sb_seq(&b); /* checked last: behaviour first */
	/* The third record is still on disk (slots 13..18, seq 3). A new record
	 * of 11 sectors ends right before it: had the journal restarted at seq 2,
	 * the next replay would take the old record for its successor. */
	b.drop_roles = (1u << CSUM_ROLE_DATA_WRITE) | (1u << CSUM_ROLE_IMD_WRITE);
	assert_int_equal(bt_write(&b, 200, 11, 4, 0), 0);
	b.drop_roles = 0;
	assert_int_equal(b.log[0].sector, JBASE + 1);
	assert_int_equal(bt_crash(&b, NULL, NULL), 0);
	assert_int_equal(bt_read_is(&b, 200, 11, 4), 1);
	assert_int_equal(bt_read_is(&b, 140, 5, 0), 1); /* not resurrected */
	assert_int_equal(seq1, 2 + 64); /* past any record left behind */
	assert_int_equal(sb_seq(&b), 67 + 64);

	/* a superblock that does not verify: the device cannot be set up */
	bt_sec(&b, JBASE)[9] ^= 1;
	assert_int_equal(bt_crash(&b, NULL, NULL), -CSUM_EIO);
	bt_free(&b);
}

static void failures_and_options(void **state)
{
	struct bt b;
	struct csum_table t = { .len = 100 };
	struct csum_options o = { .journal_sectors = 63 };
	const char *why = NULL;
	void *ctx = calloc(1, csum_variant_journal.ctx_size);

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(csum_variant_journal.init(ctx, &t, &o, &why), -1);
	assert_non_null(strstr(why, "journal_sectors"));
	o = (struct csum_options){ .commit_interval_writes = 33 };
	assert_int_equal(csum_variant_journal.init(ctx, &t, &o, &why), -1);
	assert_non_null(strstr(why, "commit_interval_writes"));
	t.placement = CSUM_PLACE_SEPARATE;
	o = (struct csum_options){ 0 };
	assert_int_equal(csum_variant_journal.init(ctx, &t, &o, &why), -1);
	assert_non_null(strstr(why, "placement"));
	free(ctx);

	setup(&b, 64, 1);
	b.fail_roles = 1u << CSUM_ROLE_JOURNAL_WRITE;
	assert_int_equal(bt_write(&b, 5, 5, 1, 0), -CSUM_EIO);
	assert_false(b.lock_stuck);
	b.fail_roles = 0;
	assert_int_equal(bt_write(&b, 7, 5, 2, 0), 0);
	assert_int_equal(b.log[0].sector, JBASE + 1); /* the slot is reused: no hole */
	b.drop_roles = (1u << CSUM_ROLE_DATA_WRITE) | (1u << CSUM_ROLE_IMD_WRITE);
	assert_int_equal(bt_write(&b, 20, 5, 3, 0), 0);
	b.drop_roles = 0;
	assert_int_equal(bt_crash(&b, NULL, NULL), 0);
	assert_int_equal(bt_read_is(&b, 7, 5, 2), 1);
	assert_int_equal(bt_read_is(&b, 20, 5, 3), 1);
	/* a failed copy home keeps the record in the index: reads stay right */
	{
		struct bt c;

		setup(&c, 0, 2);
		assert_int_equal(bt_write(&c, 30, 4, 1, 0), 0); /* pending */
		c.fail_roles = 1u << CSUM_ROLE_IMD_READ;
		assert_int_equal(bt_rq(&c, CSUM_OP_FLUSH, 0, 0, 0, NULL), -CSUM_EIO);
		c.fail_roles = 0;
		assert_int_equal(bt_read_is(&c, 30, 4, 1), 1);
		assert_int_equal(bt_rq(&c, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
		assert_int_equal(bt_count_role(&c, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE), 1);
		assert_int_equal(bt_read_is(&c, 30, 4, 1), 1);
		bt_free(&c);
	}
	bt_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_after_write),
		cmocka_unit_test(crash_replay_restores),
		cmocka_unit_test(random_crashes),
		cmocka_unit_test(wraparound),
		cmocka_unit_test(commit_batching),
		cmocka_unit_test(replay_stops_at_invalid),
		cmocka_unit_test(failures_and_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
