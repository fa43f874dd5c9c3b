/* The fault ledger's attribution, checked against a case worked out on paper
 * from the RFC's read path, and the ledger's own rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/crc_ccitt.h"
#include "core/imd.h"
#include "faults/ledger.h"
#include "tests/core/harness.h"

static struct fault_outcomes outcomes(const struct fault_ledger *l)
{
	struct fault_outcomes o;

	memset(&o, 0, sizeof(o));
	ledger_outcomes(l, &o);
	return o;
}

/* injected == unread + every resolved outcome, for every type */
static void assert_counts_add_up(const struct fault_ledger *l)
{
	struct fault_outcomes o = outcomes(l);

	for (int t = 0; t < FT_COUNT; t++) {
		uint64_t sum = 0;

		for (int k = 0; k < FO_COUNT; k++)
			sum += o.n[t][k];
		assert_int_equal(sum, l->injected[t]);
	}
}

static uint64_t add(struct fault_ledger *l, uint8_t type, uint64_t first, uint64_t count)
{
	struct dm_ranges rs = { 0 };
	uint64_t id = UINT64_MAX;

	assert_int_equal(dm_ranges_add(&rs, first, count), 0);
	dm_ranges_normalise(&rs, 0);
	assert_int_equal(ledger_add(l, type, 0, &rs, &id), 0);
	dm_ranges_free(&rs);
	return id;
}

static void observe1(struct fault_ledger *l, uint64_t s, uint8_t cls)
{
	assert_int_equal(ledger_observe(l, s, 1, &cls), 0);
}

/*
 * The paper case (issue 10): one bit of rot in one imd copy, one read.
 *
 * rfc, separate placement, 130 sectors; group 0 holds dm sectors 0..61,
 * its copies M1 and M2 start with counters 0 and 1 and zero tuples.
 *  1. write A to sectors 0..3. older_imd(0, 1) = M1: M1's tuples 0..3 get
 *     crc(A0..A3), its counter becomes 2. M2 untouched.
 *  2. write B to sector 2. older_imd(2, 1) = M2: M2 is read, its tuple 2
 *     set to crc(B), counter 3, written back in place (D1). M1 keeps
 *     crc(A2) in tuple 2. Now sector 2's current crc is only in M2, and
 *     sectors 0, 1, 3's only in M1.
 *  3. rot: bit 0 of M2's tuple 2 crc flips (byte 8 + 8*2 = 24).
 *  4. read 0..3. M2 is newer (3 > 2). Sectors 0, 1, 3: M2's tuple is 0,
 *     not crc(Ai), the fallback finds crc(Ai) in M1: they pass. Sector 2:
 *     M2 holds crc(B) ^ 1, M1 holds crc(A2) != crc(B): no match, -EIO, and
 *     the whole read fails. The data on disk are exactly what was written:
 *     good data refused.
 * The fault touched M2, which serves dm sectors 0..61. Its outcome is how
 * the next read of those sectors turned out: sector 2 refused, the others
 * fine, so **false_positive**.
 *
 * The simulator reports that read to the ledger the way sim/host.c and the
 * recovery read-back (sim/run.c) do: a failed read of several sectors is
 * not a verdict on each sector, so it is not reported; the recovery then
 * re-reads 0, 1, 2, 3 one at a time, and each single read is reported.
 * Before this fix the first single read (sector 0, fine) settled the fault
 * as masked and sector 2's refusal was never attributed: rfc showed 0
 * false-positive events in media-rot-imd.yaml (builds before f69ebe9
 * showed 21/194 because they judged the failed 4-sector read as a whole).
 */
static void paper_case_rot_on_one_copy(void **state)
{
	struct csum_table t = { .len = 130, .placement = CSUM_PLACE_SEPARATE };
	struct harness h;
	struct csum_location loc;
	struct csum_sector_info si;
	uint8_t a[4 * CSUM_SECTOR], b[CSUM_SECTOR], out[4 * CSUM_SECTOR];
	uint8_t *m1, *m2, single[4];
	struct h_result r;
	struct fault_ledger l;
	uint64_t id;

	(void)state;
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	h.ops->locate(h.ctx, 2, &loc);
	assert_int_equal(loc.n_meta, 2);
	m1 = h_sector(&h, loc.meta_dev[0], loc.meta_sector[0]);
	m2 = h_sector(&h, loc.meta_dev[1], loc.meta_sector[1]);
	assert_int_equal(imd_last_updated(m1), 0);
	assert_int_equal(imd_last_updated(m2), 1);

	h_fill(a, 4, 1);
	h_request(&h, CSUM_OP_WRITE, 0, 4, 0, a, &r); /* step 1 */
	assert_int_equal(r.result, 0);
	h_fill(b, 1, 2);
	h_request(&h, CSUM_OP_WRITE, 2, 1, 0, b, &r); /* step 2 */
	assert_int_equal(r.result, 0);
	assert_int_equal(imd_last_updated(m1), 2);
	assert_int_equal(imd_last_updated(m2), 3);
	assert_int_equal(imd_tuple_get(m2, 2).crc, crc_ccitt(0, b, CSUM_SECTOR));
	assert_int_equal(imd_tuple_get(m1, 2).crc, crc_ccitt(0, a + 2 * CSUM_SECTOR, CSUM_SECTOR));
	assert_int_not_equal(imd_tuple_get(m1, 2).crc, imd_tuple_get(m2, 2).crc);
	for (size_t i = 0; i < 4; i++)
		assert_int_not_equal(crc_ccitt(0, a + i * CSUM_SECTOR, CSUM_SECTOR), 0);

	m2[imd_tuple_offset(2)] ^= 1; /* step 3 */

	h_request(&h, CSUM_OP_READ, 0, 4, 0, out, &r); /* step 4 */
	assert_int_not_equal(r.result, 0);
	/* one sector at a time, as the recovery re-reads a failed run */
	for (uint64_t s = 0; s < 4; s++) {
		h_request(&h, CSUM_OP_READ, s, 1, 0, out, &r);
		assert_int_equal(r.result == 0, s != 2);
		/* the disk holds what was written: a refusal is a false positive */
		single[s] = r.result == 0 ? ORC_CORRECT : ORC_FALSE_POS;
	}

	/* the fault's dm sectors, as faults/fault_set.c finds them */
	h.ops->sector_info(h.ctx, loc.meta_dev[1], loc.meta_sector[1], &si);
	assert_int_equal(si.kind, CSUM_SK_IMD);
	assert_int_equal(si.first, 0);
	assert_int_equal(si.count, 62);

	ledger_init(&l);
	id = add(&l, FT_BITROT, si.first, si.count);
	for (uint64_t s = 0; s < 4; s++)
		observe1(&l, s, single[s]);
	assert_int_equal(l.f[id].outcome, FO_FALSE_POS);
	assert_int_equal(outcomes(&l).n[FT_BITROT][FO_FALSE_POS], 1);
	assert_int_equal(outcomes(&l).n[FT_BITROT][FO_MASKED], 0);
	assert_counts_add_up(&l);
	ledger_free(&l);

	/* the same verdicts reported as one read of 0..3: the same outcome */
	ledger_init(&l);
	id = add(&l, FT_BITROT, si.first, si.count);
	assert_int_equal(ledger_observe(&l, 0, 4, single), 0);
	assert_int_equal(l.f[id].outcome, FO_FALSE_POS);
	ledger_free(&l);
	h_free(&h);
}

/* A group read in two runs (an unwritten sector between them): the part that
 * reads fine first does not settle the fault. */
static void judged_by_every_sector(void **state)
{
	struct fault_ledger l;
	uint8_t ok[62], bad[62], refused[30];
	uint64_t id;

	(void)state;
	memset(ok, ORC_CORRECT, sizeof(ok));
	memset(refused, ORC_FALSE_POS, sizeof(refused));
	memset(bad, ORC_CORRECT, sizeof(bad));
	bad[40] = ORC_FALSE_POS;
	ledger_init(&l);
	id = add(&l, FT_BITROT, 0, 62);
	assert_int_equal(ledger_observe(&l, 0, 30, ok), 0);
	/* read fine so far: masked, and still waiting for 30..61 */
	assert_int_equal(l.f[id].outcome, FO_MASKED);
	assert_int_equal(l.f[id].waiting, 32);
	assert_int_equal(l.n_open, 1);
	assert_int_equal(ledger_observe(&l, 31, 31, bad + 31), 0);
	assert_int_equal(l.f[id].outcome, FO_FALSE_POS);
	assert_int_equal(outcomes(&l).n[FT_BITROT][FO_MASKED], 0);
	assert_int_equal(outcomes(&l).n[FT_BITROT][FO_FALSE_POS], 1);
	assert_int_equal(l.f[id].waiting, 1); /* sector 30 */
	/* a sector already judged is not judged again */
	assert_int_equal(ledger_observe(&l, 0, 30, refused), 0);
	assert_int_equal(l.f[id].outcome, FO_FALSE_POS);
	observe1(&l, 30, ORC_CORRECT);
	assert_int_equal(l.n_open, 0);
	assert_null(l.f[id].ranges);
	/* closed: nothing reads it any more */
	observe1(&l, 40, ORC_SILENT);
	assert_int_equal(l.f[id].outcome, FO_FALSE_POS);
	assert_counts_add_up(&l);
	ledger_free(&l);
}

/* Silent is the worst: the fault closes at once; other faults on the same
 * sectors are judged independently. */
static void silent_closes_and_faults_are_separate(void **state)
{
	struct fault_ledger l;
	uint8_t cls[4] = { ORC_CORRECT, ORC_SILENT, ORC_CORRECT, ORC_DETECTED };
	uint64_t a, b, c;

	(void)state;
	ledger_init(&l);
	a = add(&l, FT_MISDIRECT, 0, 8);
	b = add(&l, FT_BITROT, 3, 1);
	c = add(&l, FT_TORN, 2, 1);
	assert_int_equal(ledger_observe(&l, 0, 4, cls), 0);
	assert_int_equal(l.f[a].outcome, FO_SILENT);
	assert_null(l.f[a].ranges);
	assert_int_equal(l.f[b].outcome, FO_DETECTED);
	assert_int_equal(l.f[c].outcome, FO_MASKED);
	assert_int_equal(l.n_open, 0);
	assert_counts_add_up(&l);
	ledger_free(&l);
}

/* A crash state's copy: a fault judged before the crash keeps that outcome
 * (the replay counted it), one never read stays open in the copy. */
static void clone_closes_judged_faults(void **state)
{
	struct fault_ledger l, c;
	uint64_t judged, unread;

	(void)state;
	ledger_init(&l);
	judged = add(&l, FT_BITROT, 0, 62);
	unread = add(&l, FT_BITROT, 62, 62);
	observe1(&l, 5, ORC_CORRECT);
	assert_int_equal(l.n_open, 2);
	assert_int_equal(ledger_clone(&c, &l), 0);
	assert_int_equal(c.n_open, 1);
	observe1(&c, 6, ORC_FALSE_POS);
	observe1(&c, 70, ORC_FALSE_POS);
	assert_int_equal(c.f[judged].outcome, FO_MASKED);
	assert_int_equal(c.f[unread].outcome, FO_FALSE_POS);
	assert_counts_add_up(&c);
	/* the original is untouched and still open */
	observe1(&l, 6, ORC_FALSE_POS);
	assert_int_equal(l.f[judged].outcome, FO_FALSE_POS);
	assert_int_equal(l.f[unread].outcome, FO_UNREAD);
	assert_counts_add_up(&l);
	ledger_free(&c);
	ledger_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paper_case_rot_on_one_copy),
		cmocka_unit_test(judged_by_every_sector),
		cmocka_unit_test(silent_closes_and_faults_are_separate),
		cmocka_unit_test(clone_closes_judged_faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
