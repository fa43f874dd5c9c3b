#include "sim/recover_crash.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faults/crash_contract.h"
#include "faults/crash_states.h"
#include "sim/media_if.h"
#include "sim/recover.h"
#include "util/fdio.h"

/* What a child sends back over its pipe. */
struct rc_msg {
	int rc;
	struct cs_err err;
	struct recovery_crashes sum;
};

uint64_t recovery_badness(const struct oracle_counts *c)
{
	return c->sectors[ORC_SILENT] * 1000000000ULL + c->sectors[ORC_STALE] * 1000000ULL +
	       c->sectors[ORC_FALSE_POS] * 1000ULL + c->not_completed;
}

/* Runs body(arg, msg) in a forked child, which reports msg and exits (body
 * never returns to the caller's world); fills *got from it. 0, or -1 with
 * err set (the child failed, died, or said so). */
static int in_child(void (*body)(void *arg, struct rc_msg *msg), void *arg, struct rc_msg *got,
		    struct cs_err *err)
{
	int fds[2], status;
	pid_t pid;
	int rr;
	size_t n = 0;

	if (pipe(fds) != 0)
		return cs_err_set(err, "crash during recovery: cannot make a pipe: %s",
				  strerror(errno));
	fflush(NULL); /* nothing buffered gets written twice */
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return cs_err_set(err, "crash during recovery: cannot fork: %s", strerror(errno));
	}
	if (pid == 0) {
		struct rc_msg *msg = calloc(1, sizeof(*msg));

		close(fds[0]);
		if (msg == NULL)
			_exit(3);
		body(arg, msg);
		if (msg->rc != 0 && msg->err.msg[0] == '\0')
			cs_err_set(&msg->err, "out of memory exploring a crash during recovery");
		_exit(fd_write_all(fds[1], msg, sizeof(*msg)) == 0 ? 0 : 3);
	}
	close(fds[1]);
	memset(got, 0, sizeof(*got));
	rr = fd_read_all(fds[0], got, sizeof(*got), &n) != 0 || n != sizeof(*got) ? -1 : 0;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rr != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFSIGNALED(status))
			return cs_err_set(err, "crash during recovery: the process exploring it was "
					  "killed by signal %d", WTERMSIG(status));
		return cs_err_set(err, "crash during recovery: the process exploring it ended "
				  "without its report");
	}
	if (got->rc != 0) {
		if (err != NULL)
			*err = got->err;
		return -1;
	}
	return 0;
}

/* The power is off: nothing in flight, nothing cached. The caller's disks
 * may still cache what an earlier state's recovery wrote (its probes, a
 * mount that ends unflushed): none of it belongs to this state. */
static void power_off(struct world *w)
{
	engine_clear(&w->engine);
	for (unsigned i = 0; i < w->n_devs; i++)
		disk_crash(w->disk[i]);
}

/* ---- one point: the power fails as a mount write or flush completes ---- */

struct rc_pass {
	struct world *w;
	const struct recover_crash_where *at;
	struct recovery_crashes sum;   /* over the points so far */
	uint64_t calls;                /* writes and flushes the mount completed */
	uint64_t total;                /* of the whole mount (counted first), or 0: all kept */
	uint32_t keep_i;               /* crash.recovery_points: the next kept is pick(keep_i) */
	bool failed;
	struct cs_err err;
	/* the point being explored (in the grandchild) */
	const struct csum_io *io;
	struct crash_writes cw;
	struct media_snapshot *snap;
	struct fault_set *fs0;
	struct recovery_crashes *one; /* the grandchild's tally */
	struct cs_err *perr;
	int rc;
};

static int cmp_crash_write(const void *a, const void *b)
{
	const struct crash_write *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* One second-level state: applied to the media as the point left it,
 * recovered from the start, judged. */
static int point_state(void *arg, const struct crash_state *st)
{
	struct rc_pass *p = arg;
	struct world *w = p->w;
	struct crash_report one;
	struct fault_set *fs;
	uint64_t b;

	memset(&one, 0, sizeof(one));
	power_off(w); /* the last state's recovery left its probes in the caches */
	if (p->snap != NULL && media_restore(w->media, p->snap) != 0) {
		p->rc = cs_err_set(p->perr, "out of memory restoring the media");
		return 1;
	}
	assert(p->snap != NULL || p->one->states == 0); /* no snapshot: one state only */
	fs = fault_set_clone(p->fs0);
	if (fs == NULL) {
		p->rc = cs_err_set(p->perr, "out of memory copying the faults");
		return 1;
	}
	w->fs = fs;
	const struct fault_media fm = media_fault_if(w->media);

	if (crash_state_apply(&fm, &p->cw, st, fs, w->engine.now) != 0 ||
	    recover(w, &one, p->perr) != 0) {
		w->fs = p->fs0;
		fault_set_free(fs);
		p->rc = -1;
		return 1;
	}
	w->fs = p->fs0;
	fault_set_free(fs);
	p->one->states++;
	p->one->sectors_checked += one.sectors_checked;
	for (int c = 0; c < ORC_CLASS_COUNT; c++) {
		p->one->counts.sectors[c] += one.counts.sectors[c];
		p->one->counts.requests[c] += one.counts.requests[c];
	}
	p->one->counts.not_completed += one.counts.not_completed;
	b = recovery_badness(&one.counts);
	if (b > 0) {
		p->one->violating++;
		if (p->one->n_kept < RECOVERY_KEPT) {
			/* what a reproducer needs to re-run it alone */
			struct recovery_violation *v = &p->one->kept[p->one->n_kept++];

			memset(v, 0, sizeof(*v));
			v->crash = p->at->crash;
			v->state = p->at->state;
			v->mount_io = p->calls;
			v->rstate = st->index;
			v->crash_kind = p->at->kind;
			v->crash_value = p->at->value;
			v->record_limit = p->at->record_limit;
			snprintf(v->label, sizeof(v->label), "%s", st->label);
			v->counts = one.counts;
		}
	}
	if (b > p->one->worst_badness) {
		p->one->worst_badness = b;
		snprintf(p->one->worst, sizeof(p->one->worst),
			 "state %" PRIu32 ", mount %s %" PRIu64 " (%s %" PRIu64 "+%" PRIu32 "): %s",
			 p->at->state, p->io->kind == CSUM_IO_FLUSH ? "flush" : "write", p->calls,
			 csum_role_name(p->io->role), p->io->sector, p->io->count, st->label);
	}
	return 0;
}

/* The grandchild: the power fails now, inside the mount. */
static void point_body(void *arg, struct rc_msg *msg)
{
	struct rc_pass *p = arg;
	struct world *w = p->w;
	struct scenario *sc2;
	struct cs_rng rng;
	char label[96];
	uint64_t n;

	p->one = &msg->sum;
	p->perr = &msg->err;
	msg->sum.points = 1;
	msg->sum.flushes = p->io->kind == CSUM_IO_FLUSH;
	msg->sum.writes = p->io->kind != CSUM_IO_FLUSH;
	memset(&p->cw, 0, sizeof(p->cw));
	for (unsigned i = 0; i < w->n_devs; i++) {
		const struct fault_cached_write *vw;
		uint32_t k = disk_volatile_writes(w->disk[i], &vw);

		if (crash_writes_add(&p->cw, vw, k, w->ops, w->ctx) != 0) {
			msg->rc = -1;
			return;
		}
	}
	if (p->cw.n > 1)
		qsort(p->cw.w, p->cw.n, sizeof(*p->cw.w), cmp_crash_write);
	power_off(w);
	/* every second-level state, whatever crash.state picks at the first */
	sc2 = malloc(sizeof(*sc2));
	if (sc2 == NULL) {
		msg->rc = -1;
		return;
	}
	memcpy(sc2, w->sc, sizeof(*sc2));
	/* every second-level state, or the one a reproducer names */
	sc2->crash.only_state = w->sc->crash.recovery_state;
	n = crash_states_count_of(sc2, &p->cw);
	if (n > 1 && (p->snap = media_snapshot(w->media)) == NULL) {
		msg->rc = -1;
		return;
	}
	p->fs0 = w->fs;
	snprintf(label, sizeof(label), "recovery-states:%u:%" PRIu64 ":%" PRIu32 ":%" PRIu64,
		 p->at->kind, p->at->value, p->at->state, p->calls);
	if (cs_rng_init(&rng, sc2->seed, label) != 0) {
		msg->rc = -1;
		return;
	}
	(void)crash_states_of(sc2, &p->cw, &rng, point_state, p);
	msg->rc = p->rc;
	/* every state counted once, as many as the rules allow (a reproducer's
	 * one state, when the mount made it) */
	assert(msg->rc != 0 || msg->sum.states == (sc2->crash.only_state == UINT32_MAX ? n
						   : sc2->crash.only_state < n));
	assert(msg->sum.violating <= msg->sum.states);
	cs_rng_free(&rng);
}

/* The i-th kept of n writes and flushes when at most m are: evenly spaced,
 * first and last kept (as crash.max_crashes keeps crash points). */
static uint64_t pick(uint64_t i, uint64_t n, uint32_t m)
{
	return m == 1 ? 0 : i * (n - 1) / (m - 1);
}

static int count_io(void *arg, const struct csum_io *io, int error)
{
	(void)io;
	(void)error;
	((struct rc_pass *)arg)->calls++;
	return 0;
}

/* The child that only counts the mount's writes and flushes. */
static void count_body(void *arg, struct rc_msg *msg)
{
	struct rc_pass *p = arg;
	struct mount_tap tap = { .on_io = count_io, .arg = p };

	power_off(p->w);
	if (recover_mount(p->w, &tap, &msg->err) < 0) {
		msg->rc = -1;
		return;
	}
	msg->sum.mount_ios = p->calls;
}

/* In the mount pass (the child): each write or flush the mount completes
 * is a crash point (or the ones crash.recovery_points keeps), explored in a
 * grandchild; the mount goes on. */
static int at_mount_io(void *arg, const struct csum_io *io, int error)
{
	struct rc_pass *p = arg;
	uint32_t m = p->w->sc->crash.recovery_points;
	struct rc_msg got;

	(void)error;
	p->calls++;
	p->io = io;
	if (p->w->sc->crash.recovery_at != 0 && p->calls != p->w->sc->crash.recovery_at)
		return 0; /* a reproducer: that one point alone */
	if (p->total > 0) {
		/* the mount runs as it did when counted: never past its count */
		assert(p->calls <= p->total);
		if (p->keep_i >= m || p->calls - 1 != pick(p->keep_i, p->total, m))
			return 0;
		p->keep_i++;
	}
	if (in_child(point_body, p, &got, &p->err) != 0) {
		p->failed = true;
		return 1; /* stop the mount: the pass has failed */
	}
	/* each point explored once, in mount order */
	assert(got.sum.points == 1 && got.sum.writes + got.sum.flushes == 1);
	recovery_crashes_add(&p->sum, &got.sum);
	/* every point so far, unless some are left out (recovery_points, or a
	 * reproducer's recovery_at: then this one alone) */
	assert(p->total > 0 || p->w->sc->crash.recovery_at != 0 || p->sum.points == p->calls);
	assert(p->w->sc->crash.recovery_at == 0 || p->sum.points == 1);
	return 0;
}

/* The child: the first-level state's mount, crashed at each write. */
static void pass_body(void *arg, struct rc_msg *msg)
{
	struct rc_pass *p = arg;
	struct mount_tap tap = { .on_io = at_mount_io, .arg = p };
	int r;

	power_off(p->w);
	r = recover_mount(p->w, &tap, &msg->err);
	if (r < 0) {
		msg->rc = -1;
		return;
	}
	if (p->failed) {
		msg->rc = -1;
		msg->err = p->err;
		return;
	}
	assert(r != 1); /* only a failure stops the mount */
	/* counted: as many as it made again, each point once */
	assert(p->total == 0 || (p->calls == p->total && p->sum.points == p->keep_i));
	msg->sum = p->sum;
	msg->sum.states_run = 1;
	msg->sum.mount_ios = p->calls;
}

int recover_crash_explore(struct world *w, const struct recover_crash_where *at,
			  struct recovery_crashes *sum, struct cs_err *err)
{
	struct rc_pass p;
	struct rc_msg got;

	if (w->ops->recover_start == NULL)
		return 0; /* no recovery step: nothing is written at mount */
	memset(&p, 0, sizeof(p));
	p.w = w;
	p.at = at;
	if (w->sc->crash.recovery_points > 0) {
		/* how many writes and flushes the mount makes, to space the kept ones */
		if (in_child(count_body, &p, &got, err) != 0)
			return -1;
		if (got.sum.mount_ios > w->sc->crash.recovery_points)
			p.total = got.sum.mount_ios;
	}
	if (in_child(pass_body, &p, &got, err) != 0)
		return -1;
	assert(got.sum.states_run == 1 && got.sum.points == got.sum.writes + got.sum.flushes);
	assert(got.sum.points <= got.sum.mount_ios);
	assert(p.total == 0 || got.sum.mount_ios == p.total);
	assert(got.sum.violating <= got.sum.states);
	recovery_crashes_add(sum, &got.sum);
	return 0;
}
