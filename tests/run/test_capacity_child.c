/* The capacity replays in a child process (sim/capacity_child.c) give what
 * sim_capacity gives in this process: the same numbers, the same error,
 * also when the child dies before it delivers; and no child is left. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "core/csum.h"
#include "scenarios/scenario.h"
#include "sim/capacity.h"

#define MS 1000000ULL

static struct sim_workload *workload(void)
{
	struct sim_workload *w = calloc(1, sizeof(*w));
	size_t n = 400;

	assert_non_null(w);
	w->t_ns = calloc(n, sizeof(*w->t_ns));
	w->rq = calloc(n, sizeof(*w->rq));
	assert_non_null(w->t_ns);
	assert_non_null(w->rq);
	for (size_t i = 0; i < n; i++) {
		uint8_t op = i % 50 == 49 ? CSUM_OP_FLUSH : i % 3 ? CSUM_OP_WRITE : CSUM_OP_READ;

		w->t_ns[i] = i * MS;
		w->rq[i] = (struct csum_wl_req){ .sector = op == CSUM_OP_FLUSH ? 0 : (i * 7919) % 4000,
						 .count = op == CSUM_OP_FLUSH ? 0 : 8, .op = op };
	}
	w->n = n;
	return w;
}

static struct scenario *scenario(const char *variant)
{
	struct scenario *sc = malloc(sizeof(*sc));

	assert_non_null(sc);
	scenario_defaults(sc);
	snprintf(sc->file, sizeof(sc->file), "test");
	snprintf(sc->variant, sizeof(sc->variant), "%s", variant);
	sc->device.sectors = 4096;
	sc->disk.profile = SC_DISK_SSD;
	sc->disk.cache.enabled = true;
	sc->host.mode = SC_HOST_OPEN;
	sc->output.progress = false;
	sc->output.capacity_depth = 8;
	return sc;
}

static void free_workload(struct sim_workload *w)
{
	free(w->t_ns);
	free(w->rq);
	free(w);
}

/* no child of ours is left: reaped, not a zombie */
static void assert_no_child(int pid)
{
	errno = 0;
	assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void assert_same(const struct capacity_info *a, const struct capacity_info *b)
{
	assert_true(a->measured && b->measured);
	assert_int_equal(a->stalled, b->stalled);
	assert_int_equal(a->queue_depth, b->queue_depth);
	assert_int_equal(a->time_ns, b->time_ns);
	assert_int_equal(a->requests_done, b->requests_done);
	assert_int_equal(a->bytes_done, b->bytes_done);
	assert_memory_equal(&a->iops, &b->iops, sizeof(a->iops));
	assert_memory_equal(&a->mib_s, &b->mib_s, sizeof(a->mib_s));
}

static void test_same_as_in_process(void **state)
{
	struct sim_workload *w = workload();
	struct scenario *sc = scenario("rfc");
	struct capacity_info want[2], got[2];
	struct cs_err err = { { 0 } };
	struct cap_child c;
	int pid;

	(void)state;
	assert_int_equal(sim_capacity(sc, NULL, w, 8, &want[0], &err), 0);
	assert_int_equal(sim_capacity(sc, "none", w, 8, &want[1], &err), 0);
	/* rfc adds metadata writes: the two differ, so the order is checked */
	assert_true(want[0].time_ns != want[1].time_ns);
	cap_child_start(&c, sc, w, 2);
	pid = c.pid;
	assert_true(pid > 0);
	assert_int_equal(cap_child_result(&c, sc, w, &got[0], &err), 0);
	assert_int_equal(cap_child_result(&c, sc, w, &got[1], &err), 0);
	assert_same(&got[0], &want[0]);
	assert_same(&got[1], &want[1]);
	assert_int_equal(c.pid, 0); /* all delivered: reaped */
	assert_no_child(pid);
	cap_child_end(&c);
	/* one replay only (no baseline) */
	cap_child_start(&c, sc, w, 1);
	assert_int_equal(cap_child_result(&c, sc, w, &got[0], &err), 0);
	assert_same(&got[0], &want[0]);
	cap_child_end(&c);
	free(sc);
	free_workload(w);
}

/* A child killed before it delivers: the parent replays itself. */
static void test_dead_child_replayed_here(void **state)
{
	struct sim_workload *w = workload();
	struct scenario *sc = scenario("rfc");
	struct capacity_info want, got;
	struct cs_err err = { { 0 } };
	struct cap_child c;
	int pid;

	(void)state;
	assert_int_equal(sim_capacity(sc, "none", w, 8, &want, &err), 0);
	cap_child_start(&c, sc, w, 2);
	pid = c.pid;
	assert_true(pid > 0);
	assert_int_equal(cap_child_result(&c, sc, w, &got, &err), 0);
	kill(pid, SIGKILL); /* it may have sent the second result already: either way */
	assert_int_equal(cap_child_result(&c, sc, w, &got, &err), 0);
	assert_same(&got, &want);
	cap_child_end(&c);
	assert_no_child(pid);
	/* killed at once: both replayed here */
	cap_child_start(&c, sc, w, 2);
	pid = c.pid;
	kill(pid, SIGKILL);
	assert_int_equal(cap_child_result(&c, sc, w, &got, &err), 0);
	assert_int_equal(cap_child_result(&c, sc, w, &got, &err), 0);
	assert_same(&got, &want);
	assert_no_child(pid);
	free(sc);
	free_workload(w);
}

/* The child's error is the in-process one; a run that ends early (its own
 * replay failed) stops the child. */
static void test_error_and_early_end(void **state)
{
	struct sim_workload *w = workload();
	struct scenario *sc = scenario("no-such-variant");
	struct capacity_info got;
	struct cs_err want = { { 0 } }, err = { { 0 } };
	struct cap_child c;
	int pid;

	(void)state;
	assert_int_equal(sim_capacity(sc, NULL, w, 8, &got, &want), -1);
	assert_true(want.msg[0] != '\0');
	cap_child_start(&c, sc, w, 2);
	pid = c.pid;
	assert_int_equal(cap_child_result(&c, sc, w, &got, &err), -1);
	assert_string_equal(err.msg, want.msg);
	cap_child_end(&c);
	assert_no_child(pid);
	free(sc);
	sc = scenario("rfc");
	cap_child_start(&c, sc, w, 2);
	pid = c.pid;
	cap_child_end(&c); /* nothing read */
	assert_int_equal(c.pid, 0);
	assert_int_equal(c.fd, -1);
	assert_no_child(pid);
	free(sc);
	free_workload(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_in_process),
		cmocka_unit_test(test_dead_child_replayed_here),
		cmocka_unit_test(test_error_and_early_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
