#include "sim/explore_budget.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/crash_pass.h"
#include "sim/explore_slice.h"
#include "sim/explore_state.h"

void budget_quota(const uint64_t *space, uint32_t ncp, uint64_t n, uint64_t *q)
{
	uint64_t lo = 0, hi = 0, used = 0;

	for (uint32_t i = 0; i < ncp; i++)
		hi = space[i] > hi ? space[i] : hi;
	/* the deepest round L whose rounds before it fit whole: sum min(space, L) <= n */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2, sum = 0;

		for (uint32_t i = 0; i < ncp && sum <= n; i++)
			sum += space[i] < mid ? space[i] : mid;
		if (sum <= n)
			lo = mid;
		else
			hi = mid - 1;
	}
	for (uint32_t i = 0; i < ncp; i++) {
		q[i] = space[i] < lo ? space[i] : lo;
		used += q[i];
	}
	assert(used <= n);
	/* round L, in plan order, as far as it goes */
	for (uint32_t i = 0; i < ncp && used < n; i++)
		if (space[i] > lo) {
			q[i]++;
			used++;
		}
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A later run of states of the same point folded into what it has: sums
 * add, the worst stays the first of the worst, violations in state order. */
static int fold(struct xs_point *p, struct point_result *seg)
{
	struct point_result *a = &p->acc;
	struct crash_report *c = &a->cr;
	const struct crash_report *s = &seg->cr;

	assert(seg->space == p->space); /* the same point, the same states */
	if (seg->n_fresh > 0) {
		if (a->n_fresh + seg->n_fresh > p->cap_fresh) {
			uint64_t ncap = (a->n_fresh + seg->n_fresh) * 2;
			struct state_hash *nf = realloc(a->fresh, ncap * sizeof(*nf));

			if (nf == NULL)
				return -1;
			a->fresh = nf;
			p->cap_fresh = ncap;
		}
		memcpy(&a->fresh[a->n_fresh], seg->fresh, seg->n_fresh * sizeof(*seg->fresh));
		a->n_fresh += seg->n_fresh;
	}
	if (c->states == 0) {
		/* the first states of the point: its report as they left it */
		c->lost_sectors = s->lost_sectors;
		memcpy(c->worst_state, s->worst_state, sizeof(c->worst_state));
		a->worst_badness = seg->worst_badness;
	} else if (seg->cr.states > 0 && seg->worst_badness > a->worst_badness) {
		c->lost_sectors = s->lost_sectors;
		memcpy(c->worst_state, s->worst_state, sizeof(c->worst_state));
		a->worst_badness = seg->worst_badness;
	}
	/* crashes during recovery: in state order, as one pass sums them */
	recovery_crashes_add(&c->recovery, &s->recovery);
	c->states += s->states;
	c->distinct_states += s->distinct_states;
	c->violating_states += s->violating_states;
	c->sectors_checked += s->sectors_checked;
	c->unreadable_sectors += s->unreadable_sectors;
	c->probed_groups += s->probed_groups;
	c->unwritable_groups += s->unwritable_groups;
	c->failed_mounts += s->failed_mounts;
	c->counts.not_completed += s->counts.not_completed;
	for (int k = 0; k < ORC_CLASS_COUNT; k++) {
		c->counts.sectors[k] += s->counts.sectors[k];
		c->counts.requests[k] += s->counts.requests[k];
	}
	for (int t = 0; t < FT_COUNT; t++)
		for (int k = 0; k < FO_COUNT; k++)
			a->crash_faults.n[t][k] += seg->crash_faults.n[t][k];
	a->crash_states += seg->crash_states;
	for (uint32_t v = 0; v < seg->n_viol && a->n_viol < VIOLATIONS_KEPT; v++)
		a->viol[a->n_viol++] = seg->viol[v];
	a->violations += seg->violations;
	p->done += s->states;
	assert(a->crash_states == c->states && p->done == c->states && p->done <= p->space);
	return 0;
}

/* One pass: every wanted point's states [done, q) explored and folded. */
static int run_pass(const struct scenario *sc, const struct csum_variant_ops *ops,
		    const struct sim_workload *wl, const struct sim_options *opt,
		    const struct crash_point *cps, struct explore_state *xs, const uint64_t *q,
		    bool count_only, struct sim_counts *counts, struct cs_err *err)
{
	uint32_t ncp = xs->ncp;
	uint64_t *lo = calloc(ncp ? ncp : 1, sizeof(*lo));
	struct hash_set *prior = calloc(ncp ? ncp : 1, sizeof(*prior));
	struct point_result *out = calloc(ncp ? ncp : 1, sizeof(*out));
	struct explore_slice sl = { .count_only = count_only, .lo = lo, .hi = q, .prior = prior,
				    .out = out };
	struct sim_options o = *opt;
	struct run_metrics unused;
	int rc = -1;

	run_metrics_init(&unused, ops->name, 0);
	if (lo == NULL || prior == NULL || out == NULL) {
		cs_err_set(err, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < ncp; i++) {
		out[i].rc = -1;
		lo[i] = count_only ? 0 : xs->pt[i].done;
		for (uint64_t h = 0; !count_only && lo[i] < q[i] && h < xs->pt[i].acc.n_fresh; h++)
			if (hash_set_add(&prior[i], xs->pt[i].acc.fresh[h]) < 0) {
				cs_err_set(err, "out of memory");
				goto out;
			}
	}
	o.slice = &sl;
	if (crash_pass(sc, ops, wl, &o, cps, ncp, &unused, counts, err) != 0)
		goto out;
	for (uint32_t i = 0; i < ncp; i++) {
		struct xs_point *p = &xs->pt[i];

		if (out[i].rc != 0)
			continue; /* not in this pass */
		if (count_only) {
			if (xs->loaded && (!p->wanted || p->space != out[i].space)) {
				cs_err_set(err, "the saved exploration does not match this run: crash "
					   "point %u has %llu states, the state file says %llu", i,
					   (unsigned long long)out[i].space,
					   (unsigned long long)p->space);
				goto out;
			}
			if (!xs->loaded) {
				p->acc = out[i];
				p->acc.fresh = NULL;
				p->space = out[i].space;
			}
			p->wanted = true;
			continue;
		}
		assert(lo[i] < q[i] && out[i].cr.states == q[i] - lo[i]);
		if (fold(p, &out[i]) != 0) {
			cs_err_set(err, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	for (uint32_t i = 0; out != NULL && i < ncp; i++)
		free(out[i].fresh);
	for (uint32_t i = 0; prior != NULL && i < ncp; i++)
		hash_set_free(&prior[i]);
	free(out);
	free(prior);
	free(lo);
	run_metrics_free(&unused);
	return rc;
}

/* Explores up to `target` states of the order (each point to its quota). */
static int explore_to(const struct scenario *sc, const struct csum_variant_ops *ops,
		      const struct sim_workload *wl, const struct sim_options *opt,
		      const struct crash_point *cps, struct explore_state *xs,
		      const uint64_t *space, uint64_t target, struct sim_counts *counts,
		      struct cs_err *err)
{
	uint64_t *q = calloc(xs->ncp ? xs->ncp : 1, sizeof(*q));
	int rc;

	if (q == NULL)
		return cs_err_set(err, "out of memory");
	budget_quota(space, xs->ncp, target, q);
	for (uint32_t i = 0; i < xs->ncp; i++)
		assert(q[i] >= xs->pt[i].done); /* the order only ever grows */
	rc = run_pass(sc, ops, wl, opt, cps, xs, q, false, counts, err);
	if (rc == 0)
		xs->explored = target;
	free(q);
	return rc;
}

int explore_budget(const struct scenario *sc, const struct csum_variant_ops *ops,
		   const struct sim_workload *wl, const struct sim_options *opt,
		   const struct crash_point *cps, uint32_t ncp, struct run_metrics *m,
		   struct sim_counts *counts, struct cs_err *err)
{
	struct explore_state own = { 0 }, *xs = opt->explore != NULL ? opt->explore : &own;
	uint64_t *space = NULL, total = 0, start;
	int rc = -1;

	if (xs->loaded && xs->ncp != ncp)
		return cs_err_set(err, "the saved exploration does not match this run: it has "
				  "%u crash points, the run %u", xs->ncp, ncp);
	if (!xs->loaded) {
		xs->ncp = ncp;
		xs->explored = 0;
		xs->pt = calloc(ncp ? ncp : 1, sizeof(*xs->pt));
		if (xs->pt == NULL)
			return cs_err_set(err, "out of memory");
	}
	space = calloc(ncp ? ncp : 1, sizeof(*space));
	if (space == NULL) {
		cs_err_set(err, "out of memory");
		goto out;
	}
	/* the space: one pass that only counts each point's states */
	if (run_pass(sc, ops, wl, opt, cps, xs, NULL, true, counts, err) != 0)
		goto out;
	for (uint32_t i = 0; i < ncp; i++) {
		space[i] = xs->pt[i].wanted ? xs->pt[i].space : 0;
		total += space[i];
	}
	start = xs->explored;
	if (start > total) {
		cs_err_set(err, "the saved exploration does not match this run: %llu states "
			   "done of %llu", (unsigned long long)start, (unsigned long long)total);
		goto out;
	}
	if (sc->crash.budget_kind == SC_BUDGET_STATES) {
		uint64_t target = total - start < sc->crash.budget_limit ? total
							 : start + sc->crash.budget_limit;

		if (target > start && explore_to(sc, ops, wl, opt, cps, xs, space, target, counts,
						 err) != 0)
			goto out;
	} else {
		/* a wall time: passes, each sized from the rate so far to fill half
		 * of what is left, until it is spent or nothing is left */
		double t0 = mono_s(), limit = (double)sc->crash.budget_limit / 1000.0;
		uint64_t chunk = ncp < total - start ? ncp : total - start;

		while (xs->explored < total && chunk > 0) {
			double spent, rate;

			if (explore_to(sc, ops, wl, opt, cps, xs, space, xs->explored + chunk, counts,
				       err) != 0)
				goto out;
			spent = mono_s() - t0;
			if (spent >= limit)
				break;
			rate = (double)(xs->explored - start) / (spent > 1e-6 ? spent : 1e-6);
			chunk = (uint64_t)(rate * (limit - spent) * 0.5);
			if (chunk > total - xs->explored)
				chunk = total - xs->explored;
		}
	}
	/* the report: every wanted point in plan order */
	for (uint32_t i = 0; i < ncp; i++) {
		struct point_result *a = &xs->pt[i].acc;

		if (!xs->pt[i].wanted)
			continue;
		for (int t = 0; t < FT_COUNT; t++)
			for (int k = 0; k < FO_COUNT; k++)
				m->crash_faults.n[t][k] += a->crash_faults.n[t][k];
		m->crash_states += a->crash_states;
		m->crash_distinct += a->cr.distinct_states;
		for (uint32_t v = 0; v < a->n_viol; v++)
			if (run_metrics_add_violation(m, &a->viol[v]) != 0) {
				cs_err_set(err, "out of memory");
				goto out;
			}
		m->violations += a->violations - a->n_viol;
		if (run_metrics_add_crash(m, &a->cr) != 0) {
			cs_err_set(err, "out of memory");
			goto out;
		}
	}
	/* as a budget of states: a time budget, or a run continued, gives the
	 * report of the count it reached (its reproduce line says so) */
	m->budget.kind = BUDGET_STATES;
	m->budget.limit = sc->crash.budget_kind == SC_BUDGET_STATES
				  ? (xs->loaded ? xs->limit : 0) + sc->crash.budget_limit
				  : xs->explored;
	/* a budget past the space is still that budget: a run continued from it
	 * adds to it, not to the states it found (as one run of the sum does) */
	xs->limit = m->budget.limit;
	m->budget.explored = m->crash_states;
	m->budget.space = total;
	assert(m->crash_states == xs->explored); /* the states counted add up */
	rc = 0;
out:
	free(space);
	if (xs == &own)
		explore_state_free(&own);
	return rc;
}
