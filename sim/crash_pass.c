#include "sim/crash_pass.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/crash_point.h"
#include "sim/explore_slice.h"
#include "sim/media.h"
#include "sim/replay.h"
#include "sim/verify_carry.h"
#include "sim/world.h"
#include "util/fdio.h"

/* What a child that explored one crash point sends back (struct
 * point_result, then its n_fresh hashes): everything the exploration adds to
 * the run's metrics, merged in crash-point order. */
#define crash_msg point_result

struct pass_point {
	uint64_t value;  /* request index or time (ns) */
	uint32_t index;  /* in the plan */
};

/* The replay forks at each crash point it meets: the child takes the crash
 * and its states (exactly as a replay stopped there would) and reports back
 * over a pipe; the parent goes on as if nothing happened. */
struct crash_pass {
	const struct crash_point *cps;
	uint32_t ncp;
	struct pass_point *req, *tim; /* by value, then plan index */
	uint32_t n_req, n_tim, next_req, next_tim;
	struct crash_msg **got;       /* by plan index */
	uint64_t last_now;            /* the parent's clock at the last point */
	bool failed;                  /* a child failed: err says why */
	struct cs_err *err;
	bool child;                   /* this process explores child_index, then exits */
	uint32_t child_index;
	int fd;                       /* the child's end of its pipe */
	bool want_counts;
	struct replay *rp;            /* for progress: points explored */
	const struct explore_slice *slice; /* NULL: every state, merged here */
	struct carry carry;           /* the last point's durable judgement */
	bool fork_only;               /* every point in a child (sim_options.crash_fork) */
	char phase[64];               /* its progress, when the replay is its own */
	bool riding;                  /* on the main run's replay: never stop it */
	/* the crash fields a point fills (crash_point.c), reused from point to
	 * point: the whole run_metrics is about 160 KiB, zeroed once instead
	 * of at every point */
	struct run_metrics *cm;
};

/* After a point failed: a replay of the pass's own stops, one it rides on
 * goes on without the pass. */
static void pass_failed_stop(struct crash_pass *ps, struct replay *rp)
{
	if (!ps->riding) {
		rp->stop = true;
		return;
	}
	rp->at_request = NULL;
	rp->at_step = NULL;
}

static int cmp_pass_point(const void *a, const void *b)
{
	const struct pass_point *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/* Files point idx's report (or marks the pass failed by it). */
static void pass_file(struct crash_pass *ps, uint32_t idx, struct crash_msg *msg)
{
	if (msg->rc != 0) {
		if (ps->err != NULL)
			*ps->err = msg->err;
		free(msg->fresh);
		free(msg);
		ps->failed = true;
		return;
	}
	ps->got[idx] = msg;
	ps->rp->points_done++;
	{
		struct sim_progress more = { .point_index = idx,
					     .point_states = msg->crash_states,
					     .point_violations = msg->violations };

		replay_progress(ps->rp, SIM_PROGRESS_POINT, &more);
	}
}

static struct crash_msg *pass_explore(struct crash_pass *ps, struct world *w,
				      const struct replay *rp, uint32_t i, bool here, uint64_t now,
				      int replay_rc, const struct cs_err *replay_err,
				      struct point_extra *px);

/* Whether point idx can be explored in this process (no fork): libfiu's
 * points are process-wide, and a closed loop meets a request point inside a
 * completion, whose event a forked child finishes before it crashes (and
 * the parent goes on differently). */
static bool pass_can_stay(const struct crash_pass *ps, const struct world *w,
			  const struct crash_point *cp, bool in_event)
{
	return !ps->fork_only && w->sc->n_fiu == 0 && !(in_event && cp->kind != CRASH_AT_TIME);
}

/* Explores point idx here, at time now (>= the clock), leaving w as it was
 * for the replay to go on; files the report like a child's. */
static void pass_here(struct crash_pass *ps, struct world *w, uint32_t idx, uint64_t now)
{
	struct point_extra px = { .lo = 0, .hi = UINT64_MAX };
	struct crash_msg *msg;
	struct cs_err rerr;
	int rrc;

	assert(w->engine.now >= ps->last_now); /* time never runs back */
	ps->last_now = w->engine.now;
	assert(ps->got[idx] == NULL); /* every point explored once */
	if (ps->failed)
		return;
	memset(&rerr, 0, sizeof(rerr));
	rrc = replay_status(ps->rp, &rerr);
	msg = pass_explore(ps, w, ps->rp, idx, true, now, rrc, &rerr, &px);
	/* the next point's writes start here, as after a fork */
	media_log_clear(w->media);
	oracle_chlog_clear(&w->oracle);
	if (msg == NULL) {
		free(px.fresh);
		cs_err_set(ps->err, "crash point %u (%s): out of memory", idx, ps->cps[idx].label);
		ps->failed = true;
		return;
	}
	msg->fresh = px.fresh; /* owned by the report now */
	pass_file(ps, idx, msg);
}

/* Forks for point idx. true in the child; in the parent, waits for the
 * child's report and files it (or marks the pass failed). */
static bool pass_fork(struct crash_pass *ps, struct world *w, uint32_t idx)
{
	const struct crash_point *cp = &ps->cps[idx];
	struct crash_msg *msg;
	int fds[2], status;
	size_t got = 0;
	pid_t pid;

	assert(w->engine.now >= ps->last_now); /* time never runs back */
	ps->last_now = w->engine.now;
	assert(ps->got[idx] == NULL); /* every point explored once */
	if (ps->failed)
		return false;
	msg = calloc(1, sizeof(*msg));
	if (msg == NULL || pipe(fds) != 0) {
		free(msg);
		ps->failed = true;
		cs_err_set(ps->err, "crash point %u (%s): cannot make a pipe: %s", idx, cp->label,
			   strerror(errno));
		return false;
	}
	fflush(NULL); /* nothing buffered gets written twice */
	pid = fork();
	if (pid < 0) {
		cs_err_set(ps->err, "crash point %u (%s): cannot fork: %s", idx, cp->label,
			   strerror(errno));
		close(fds[0]);
		close(fds[1]);
		free(msg);
		ps->failed = true;
		return false;
	}
	if (pid == 0) {
		close(fds[0]);
		free(msg);
		ps->child = true;
		ps->child_index = idx;
		ps->fd = fds[1];
		return true;
	}
	close(fds[1]);
	/* the child has the writes since the last point: the next one's start
	 * here */
	media_log_clear(w->media);
	oracle_chlog_clear(&w->oracle);
	(void)fd_read_all(fds[0], msg, sizeof(*msg), &got);
	msg->fresh = NULL;
	if (got == sizeof(*msg) && msg->n_fresh > 0) {
		size_t want = msg->n_fresh * sizeof(*msg->fresh), hgot = 0;

		msg->fresh = malloc(want);
		if (msg->fresh != NULL)
			(void)fd_read_all(fds[0], msg->fresh, want, &hgot);
		if (hgot != want)
			got = 0; /* the report is incomplete */
	}
	if (got == sizeof(*msg) && msg->rc == 0 && carry_recv(fds[0], &ps->carry) != 0)
		got = 0;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got != sizeof(*msg) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFSIGNALED(status))
			cs_err_set(ps->err, "crash point %u (%s): the process exploring it was "
				   "killed by signal %d", idx, cp->label, WTERMSIG(status));
		else
			cs_err_set(ps->err, "crash point %u (%s): the process exploring it ended "
				   "without its report (exit %d, %zu bytes)", idx, cp->label,
				   WIFEXITED(status) ? WEXITSTATUS(status) : -1, got);
		free(msg->fresh);
		free(msg);
		ps->failed = true;
		return false;
	}
	pass_file(ps, idx, msg);
	return false;
}

static void pass_at_request(void *arg, struct replay *rp, size_t i)
{
	struct crash_pass *ps = arg;

	while (ps->next_req < ps->n_req && ps->req[ps->next_req].value == i) {
		uint32_t idx = ps->req[ps->next_req++].index;

		/* a closed loop submits from inside a completion */
		if (pass_can_stay(ps, rp->w, &ps->cps[idx], rp->closed)) {
			pass_here(ps, rp->w, idx, rp->w->engine.now);
			continue;
		}
		if (pass_fork(ps, rp->w, idx)) {
			/* the child: a replay told to stop before request i */
			rp->stop_before = i;
			rp->at_request = NULL;
			rp->at_step = NULL;
			return;
		}
	}
	/* requests are submitted in order: no point is ever skipped */
	assert(ps->next_req == ps->n_req || ps->req[ps->next_req].value > i);
	if (ps->failed)
		pass_failed_stop(ps, rp);
}

static void pass_at_time(void *arg, struct replay *rp)
{
	struct crash_pass *ps = arg;
	struct engine *e = &rp->w->engine;

	while (ps->next_tim < ps->n_tim &&
	       (engine_pending(e) == 0 || e->heap[0].time > ps->tim[ps->next_tim].value)) {
		uint64_t t = ps->tim[ps->next_tim].value;
		uint32_t idx = ps->tim[ps->next_tim++].index;

		if (pass_can_stay(ps, rp->w, &ps->cps[idx], false)) {
			/* the crash happens at t even if all is idle */
			pass_here(ps, rp->w, idx, e->now < t ? t : e->now);
			continue;
		}
		if (pass_fork(ps, rp->w, idx)) {
			/* the crash happens at t even if all is idle */
			if (e->now < t)
				e->now = t;
			rp->stop = true;
			rp->at_request = NULL;
			rp->at_step = NULL;
			return;
		}
	}
	if (ps->failed)
		pass_failed_stop(ps, rp);
}

/* ps's metrics for the next point: its crash fields zero, the rest as
 * run_metrics_init left it (no point writes there); NULL out of memory. */
static struct run_metrics *pass_metrics(struct crash_pass *ps, const char *variant)
{
	struct run_metrics *cm = ps->cm;

	if (cm == NULL) {
		cm = malloc(sizeof(*cm));
		if (cm == NULL)
			return NULL;
		run_metrics_init(cm, variant, 0);
		ps->cm = cm;
		return cm;
	}
	/* a point adds to these alone */
	assert(cm->n_crashes == 0 && cm->n_records == 0 && cm->reads.requests[0] == 0);
	memset(&cm->crash_faults, 0, sizeof(cm->crash_faults));
	cm->crash_states = 0;
	cm->sampled_states = 0;
	cm->violations = 0;
	cm->n_viol = 0; /* its array kept */
	return cm;
}

/* Point i explored on w (a forked child's crashed world, or here: in this
 * process at time now, w left as it was) into a new report; NULL out of
 * memory. px gets the point's extra (its fresh hashes stay in px). */
static struct crash_msg *pass_explore(struct crash_pass *ps, struct world *w,
				      const struct replay *rp, uint32_t i, bool here, uint64_t now,
				      int replay_rc, const struct cs_err *replay_err,
				      struct point_extra *px)
{
	struct crash_msg *mp = calloc(1, sizeof(*mp));
	struct sim_counts sc_counts = { 0 };
	const struct explore_slice *sl = ps->slice;
	struct run_metrics *cm = mp != NULL ? pass_metrics(ps, w->ops->name) : NULL;

	if (cm == NULL) {
		free(mp);
		return NULL;
	}
	if (sl != NULL) {
		px->count_only = sl->count_only;
		px->lo = sl->count_only ? 0 : sl->lo[i];
		px->hi = sl->count_only ? 0 : sl->hi[i];
		px->prior = sl->prior != NULL ? &sl->prior[i] : NULL;
		px->collect = true;
	}
	mp->rc = replay_rc;
	if (replay_rc != 0 && replay_err != NULL)
		mp->err = *replay_err;
	if (replay_rc == 0)
		mp->rc = here ? crash_point_explore_here(w, now, rp, &ps->cps[i], i, &mp->cr, cm,
							 ps->want_counts ? &sc_counts : NULL, px,
							 &mp->err)
			      : crash_point_explore(w, rp, &ps->cps[i], i, &mp->cr, cm,
						    ps->want_counts ? &sc_counts : NULL, px,
						    &mp->err);
	mp->counts = sc_counts;
	mp->space = px->space;
	mp->worst_badness = px->worst_badness;
	mp->n_fresh = px->n_fresh;
	mp->crash_faults = cm->crash_faults;
	mp->crash_states = cm->crash_states;
	mp->violations = cm->violations;
	mp->n_viol = cm->n_viol;
	if (cm->n_viol > 0)
		memcpy(mp->viol, cm->viol, cm->n_viol * sizeof(*cm->viol));
	if (mp->rc != 0 && mp->err.msg[0] == '\0')
		cs_err_set(&mp->err, "out of memory exploring a crash point");
	return mp;
}

/* The child's whole life after the fork: explore, report, exit. */
_Noreturn static void pass_child(struct crash_pass *ps, struct world *w, const struct replay *rp,
		       int replay_rc, const struct cs_err *replay_err)
{
	struct point_extra px = { .lo = 0, .hi = UINT64_MAX };
	struct crash_msg *mp = pass_explore(ps, w, rp, ps->child_index, false, w->engine.now,
					    replay_rc, replay_err, &px);

	if (mp == NULL)
		_exit(3); /* the parent says the report is missing */
	/* the report, its fresh hashes, then the judgement the next point carries */
	_exit(fd_write_all(ps->fd, mp, sizeof(*mp)) == 0 &&
		      (px.n_fresh == 0 ||
		       fd_write_all(ps->fd, px.fresh, px.n_fresh * sizeof(*px.fresh)) == 0) &&
		      (mp->rc != 0 || carry_send(ps->fd, &ps->carry) == 0) ? 0 : 3);
}

void sim_counts_add(struct sim_counts *into, const struct sim_counts *c)
{
	into->states_s += c->states_s;
	into->states_cpu_ns += c->states_cpu_ns;
	into->points_cpu_ns += c->points_cpu_ns;
	into->state_events += c->state_events;
	into->states += c->states;
	into->incr_states += c->incr_states;
	into->incr_distinct += c->incr_distinct;
	into->carry_kept += c->carry_kept;
	into->carry_read += c->carry_read;
}

/* Whether this pass explores point i: --crash, and the slice's range. */
static bool pass_wants(const struct crash_pass *ps, const struct sim_options *opt, uint32_t i)
{
	if (opt->only_crash != UINT32_MAX && i != opt->only_crash)
		return false;
	return ps->slice == NULL || ps->slice->count_only || ps->slice->lo[i] < ps->slice->hi[i];
}

static int pass_merge(const struct crash_msg *msg, struct run_metrics *m,
		      struct sim_counts *counts)
{
	for (int t = 0; t < FT_COUNT; t++)
		for (int k = 0; k < FO_COUNT; k++)
			m->crash_faults.n[t][k] += msg->crash_faults.n[t][k];
	m->crash_states += msg->crash_states;
	m->crash_distinct += msg->cr.distinct_states;
	m->sampled_states += msg->cr.sampled_states;
	assert(msg->n_viol <= msg->violations && msg->n_viol <= VIOLATIONS_KEPT);
	for (uint32_t v = 0; v < msg->n_viol; v++)
		if (run_metrics_add_violation(m, &msg->viol[v]) != 0)
			return -1;
	m->violations += msg->violations - msg->n_viol;
	/* the states counted add up */
	assert(msg->cr.states == msg->crash_states);
	if (counts != NULL)
		sim_counts_add(counts, &msg->counts);
	return run_metrics_add_crash(m, &msg->cr);
}

/* The points of cps this pass explores, sorted by where the replay meets
 * them; NULL out of memory (err set) or when it explores none (*none). */
struct crash_pass *crash_pass_new(const struct scenario *sc, const struct csum_variant_ops *ops,
				  const struct sim_options *opt, const struct crash_point *cps,
				  uint32_t ncp, bool want_counts, bool *none, struct cs_err *err)
{
	struct crash_pass *ps = calloc(1, sizeof(*ps));

	*none = false;
	if (ps == NULL) {
		cs_err_set(err, "out of memory");
		return NULL;
	}
	ps->cps = cps;
	ps->ncp = ncp;
	ps->err = err;
	ps->want_counts = want_counts;
	ps->slice = opt->slice;
	ps->fork_only = opt->crash_fork;
	ps->req = calloc(ncp ? ncp : 1, sizeof(*ps->req));
	ps->tim = calloc(ncp ? ncp : 1, sizeof(*ps->tim));
	ps->got = calloc(ncp ? ncp : 1, sizeof(*ps->got));
	if (ps->req == NULL || ps->tim == NULL || ps->got == NULL) {
		cs_err_set(err, "out of memory");
		crash_pass_free(ps);
		return NULL;
	}
	for (uint32_t i = 0; i < ncp; i++) {
		struct pass_point pp = { .value = cps[i].value, .index = i };

		if (!pass_wants(ps, opt, i))
			continue;
		if (cps[i].kind == CRASH_AT_TIME)
			ps->tim[ps->n_tim++] = pp;
		else
			ps->req[ps->n_req++] = pp;
	}
	if (ps->n_req + ps->n_tim == 0) {
		*none = true;
		crash_pass_free(ps);
		return NULL;
	}
	qsort(ps->req, ps->n_req, sizeof(*ps->req), cmp_pass_point);
	qsort(ps->tim, ps->n_tim, sizeof(*ps->tim), cmp_pass_point);
	snprintf(ps->phase, sizeof(ps->phase), "%s crashes%s", ops->name,
		 ps->slice == NULL ? "" : ps->slice->count_only ? " (crash.budget: counting states)"
								: " (crash.budget: a pass)");
	(void)sc;
	return ps;
}

void crash_pass_free(struct crash_pass *ps)
{
	if (ps == NULL)
		return;
	for (uint32_t i = 0; ps->got != NULL && i < ps->ncp; i++) {
		if (ps->got[i] != NULL)
			free(ps->got[i]->fresh);
		free(ps->got[i]);
	}
	free(ps->got);
	free(ps->req);
	free(ps->tim);
	carry_free(&ps->carry);
	if (ps->cm != NULL)
		run_metrics_free(ps->cm);
	free(ps->cm);
	free(ps);
}

uint32_t crash_pass_points(const struct crash_pass *ps)
{
	return ps->n_req + ps->n_tim;
}

int crash_pass_attach(struct crash_pass *ps, struct world *w, struct replay *rp, bool riding)
{
	ps->riding = riding;
	if (w->sc->crash.verify == SC_VERIFY_INCREMENTAL && ps->n_req + ps->n_tim > 1) {
		/* each point judges the durable image from the last one's */
		w->carry = &ps->carry;
		media_log_on(w->media, true);
		if (oracle_chlog_on(&w->oracle) != 0)
			return cs_err_set(ps->err, "out of memory");
	}
	rp->points = ps->n_req + ps->n_tim;
	ps->rp = rp;
	rp->at_request = pass_at_request;
	rp->at_step = pass_at_time;
	rp->hook_arg = ps;
	return 0;
}

void crash_pass_after_replay(struct crash_pass *ps, struct world *w, struct replay *rp, int rc,
			     const struct cs_err *replay_err)
{
	assert(ps->rp == rp);
	if (ps->child)
		pass_child(ps, w, rp, rc, replay_err);
	rp->at_request = NULL;
	rp->at_step = NULL;
}

int crash_pass_end(struct crash_pass *ps, struct world *w, const struct sim_options *opt,
		   struct run_metrics *m, struct sim_counts *counts)
{
	struct replay *rp = ps->rp;
	int rc = 0;

	if (!ps->failed) {
		/* the points the replay never reached: where it ended */
		pass_at_time(ps, rp);
		if (ps->child)
			pass_child(ps, w, rp, 0, NULL);
		while (ps->next_req < ps->n_req && !ps->failed) {
			uint32_t idx = ps->req[ps->next_req++].index;

			if (pass_can_stay(ps, w, &ps->cps[idx], false))
				pass_here(ps, w, idx, w->engine.now);
			else if (pass_fork(ps, w, idx))
				pass_child(ps, w, rp, 0, NULL);
		}
	}
	rp->at_request = NULL;
	rp->at_step = NULL;
	w->carry = NULL;
	carry_free(&ps->carry);
	if (ps->failed)
		rc = -1;
	for (uint32_t i = 0; rc == 0 && i < ps->ncp; i++) {
		if (!pass_wants(ps, opt, i))
			continue;
		assert(ps->got[i] != NULL); /* every point explored */
		if (ps->slice != NULL) {
			/* the caller's to merge */
			ps->slice->out[i] = *ps->got[i];
			ps->got[i]->fresh = NULL;
			if (counts != NULL)
				sim_counts_add(counts, &ps->got[i]->counts);
		} else if (pass_merge(ps->got[i], m, counts) != 0) {
			rc = cs_err_set(ps->err, "out of memory");
		}
	}
	return rc;
}

/* One replay of its own meeting every crash point of the plan (only
 * opt->only_crash when set), each explored in a child; results merged in
 * plan order. */
int crash_pass(const struct scenario *sc, const struct csum_variant_ops *ops,
		      const struct sim_workload *wl, const struct sim_options *opt,
		      const struct crash_point *cps, uint32_t ncp, struct run_metrics *m,
		      struct sim_counts *counts, struct cs_err *err)
{
	struct world w;
	struct replay rp = { .wl = wl, .opt = opt, .stop_before = SIZE_MAX,
			     .closed = sc->host.mode == SC_HOST_CLOSED };
	bool none;
	struct crash_pass *ps = crash_pass_new(sc, ops, opt, cps, ncp, counts != NULL, &none, err);
	int rc;

	if (ps == NULL)
		return none ? 0 : -1;
	rp.phase = ps->phase;
	if (world_new(&w, sc, ops, err) != 0) {
		crash_pass_free(ps);
		return -1;
	}
	rp.w = &w;
	if (crash_pass_attach(ps, &w, &rp, false) != 0) {
		world_free(&w);
		crash_pass_free(ps);
		return -1;
	}
	rc = replay(&rp, NULL, false, 0, err);
	crash_pass_after_replay(ps, &w, &rp, rc, err);
	if (rc == 0)
		rc = crash_pass_end(ps, &w, opt, m, counts);
	if (counts != NULL)
		counts->crash_events += w.engine.executed;
	world_free(&w);
	if (rc == 0)
		replay_progress(&rp, SIM_PROGRESS_DONE, NULL);
	crash_pass_free(ps);
	return rc;
}
