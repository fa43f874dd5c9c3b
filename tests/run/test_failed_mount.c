/* A recovery step that fails: one 8-sector write at sector 0, its data
 * sectors made unreadable (a latent error) after it, then a crash at the
 * end. bitmap and dmi-bitmap must read the dirty region back at mount to
 * recompute its checksums; the read fails, so the mount fails, and the
 * device comes up failed (dm-integrity's ic->failed): every read-back
 * request is refused, judged by the data it refused. Before, such a state read nothing and counted one
 * hung request, so the risk tables showed no refused data at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/metrics.h"
#include "scenarios/scenario.h"
#include "one_write.h"

static struct scenario *one_write(const char *variant, bool lse)
{
	struct scenario *sc = one_write_scenario(variant);

	if (lse) {
		sc->faults.lse_at_ns = 1000000; /* 1 ms: after the write, before the crash */
		sc->faults.lse_at_count = 8;
		sc->faults.lse_target = SC_TARGET_DATA;
	}
	return sc;
}

static void run(const struct scenario *sc, struct run_metrics *m)
{
	one_write_run(sc, m);
	assert_int_equal(m->n_crashes, 1);
	assert_int_equal(m->crashes[0].states, 1);
}

/* The mount fails: 8 sectors refused one by one (the run of 8 fails, then
 * each alone), the one group probed and unwritable, nothing hung. */
static void failed(const char *variant)
{
	struct scenario *sc = one_write(variant, true);
	struct run_metrics m;
	const struct crash_report *c;

	run(sc, &m);
	c = &m.crashes[0];
	assert_int_equal(c->failed_mounts, 1);
	assert_int_equal(c->counts.not_completed, 0);
	assert_int_equal(c->sectors_checked, 8);
	/* the 8 latent-error picks are drawn with repeats: the sectors hit are
	 * bad data refused (detected), the others good data refused; nothing
	 * reads correct */
	assert_true(c->counts.sectors[ORC_DETECTED] >= 1);
	assert_true(c->counts.sectors[ORC_FALSE_POS] >= 1);
	assert_int_equal(c->counts.sectors[ORC_DETECTED] + c->counts.sectors[ORC_FALSE_POS], 8);
	assert_int_equal(c->counts.requests[ORC_DETECTED], c->counts.sectors[ORC_DETECTED]);
	assert_int_equal(c->counts.requests[ORC_FALSE_POS], c->counts.sectors[ORC_FALSE_POS]);
	assert_int_equal(c->counts.sectors[ORC_CORRECT], 0);
	assert_int_equal(c->unreadable_sectors, 8);
	assert_int_equal(c->probed_groups, 1);
	assert_int_equal(c->unwritable_groups, 1);
	assert_int_equal(c->violating_states, 1);
	run_metrics_free(&m);
	free(sc);
}

static void test_bitmap_mount_fails(void **state)
{
	(void)state;
	failed("bitmap");
}

static void test_dmi_bitmap_mount_fails(void **state)
{
	(void)state;
	failed("dmi-bitmap");
}

/* The same run without the latent error: the mount succeeds, all 8 read back
 * correct; and rfc (no recovery step) with it: the device comes up, the
 * sectors hit fail as a disk read error (detected), not as a failed device. */
static void test_controls(void **state)
{
	struct scenario *sc = one_write("bitmap", false);
	struct run_metrics m;

	(void)state;
	run(sc, &m);
	assert_int_equal(m.crashes[0].failed_mounts, 0);
	assert_int_equal(m.crashes[0].counts.sectors[ORC_CORRECT], 8);
	assert_int_equal(m.crashes[0].violating_states, 0);
	run_metrics_free(&m);
	free(sc);

	sc = one_write("rfc", true);
	run(sc, &m);
	assert_int_equal(m.crashes[0].failed_mounts, 0);
	/* the picks fall on some of the 8 (drawn with repeats) */
	assert_true(m.crashes[0].counts.sectors[ORC_DETECTED] >= 1);
	assert_int_equal(m.crashes[0].counts.sectors[ORC_DETECTED] +
			 m.crashes[0].counts.sectors[ORC_CORRECT], 8);
	assert_int_equal(m.crashes[0].counts.sectors[ORC_FALSE_POS], 0);
	assert_int_equal(m.crashes[0].counts.not_completed, 0);
	run_metrics_free(&m);
	free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bitmap_mount_fails),
		cmocka_unit_test(test_dmi_bitmap_mount_fails),
		cmocka_unit_test(test_controls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
