#include "faults/crash.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/rng.h"

static int push(struct crash_point **v, uint32_t *n, uint32_t *cap, const struct crash_point *p)
{
	if (*n == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 16;
		struct crash_point *nv = realloc(*v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = *p;
	return 0;
}

/* Order by when the point happens: request points by the arrival time of
 * their request, so mixed kinds sort sensibly. */
struct keyed {
	uint64_t when;
	struct crash_point p;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return (x->p.value > y->p.value) - (x->p.value < y->p.value);
}

int crash_plan(const struct sc_crash *c, const struct csum_wl_req *rq, const uint64_t *t_ns,
	       size_t n, uint64_t end_ns, uint64_t span_ns, uint64_t seed,
	       struct crash_point **out, uint32_t *n_out, struct cs_err *err)
{
	struct crash_point *v = NULL;
	uint32_t nv = 0, cap = 0;
	struct crash_point p;
	uint64_t flushes = 0;

	*out = NULL;
	*n_out = 0;
	switch (c->kind) {
	case SC_CRASH_NONE:
		return 0;
	case SC_CRASH_AT_TIME:
		for (uint32_t i = 0; i < c->n_at; i++) {
			p.kind = CRASH_AT_TIME;
			p.value = c->at[i];
			snprintf(p.label, sizeof(p.label), "time %.6f s", (double)c->at[i] / 1e9);
			if (push(&v, &nv, &cap, &p) != 0)
				goto oom;
		}
		break;
	case SC_CRASH_AT_REQUEST:
		for (uint32_t i = 0; i < c->n_at; i++) {
			if (c->at[i] >= n) {
				free(v);
				return cs_err_set(err, "crash: request %" PRIu64 " is past the "
						  "workload's %zu requests", c->at[i], n);
			}
			p.kind = CRASH_BEFORE_REQUEST;
			p.value = c->at[i];
			snprintf(p.label, sizeof(p.label), "request %" PRIu64, c->at[i]);
			if (push(&v, &nv, &cap, &p) != 0)
				goto oom;
		}
		break;
	case SC_CRASH_EVERY_FLUSH:
		for (size_t i = 0; i < n; i++) {
			if (rq[i].op != CSUM_OP_FLUSH && !(rq[i].flags & CSUM_RQ_PREFLUSH))
				continue;
			p.kind = CRASH_BEFORE_REQUEST;
			p.value = i;
			snprintf(p.label, sizeof(p.label), "flush #%" PRIu64 " (request %zu)",
				 flushes, i);
			flushes++;
			if (push(&v, &nv, &cap, &p) != 0)
				goto oom;
		}
		break;
	case SC_CRASH_RANDOM: {
		struct cs_rng r;

		if (cs_rng_init(&r, seed, "crash-random") != 0)
			goto oom;
		for (uint32_t i = 0; i < c->random_count; i++) {
			p.kind = CRASH_AT_TIME;
			p.value = span_ns ? cs_rng_below(&r, span_ns) : 0;
			snprintf(p.label, sizeof(p.label), "random %u: time %.6f s", i,
				 (double)p.value / 1e9);
			if (push(&v, &nv, &cap, &p) != 0) {
				cs_rng_free(&r);
				goto oom;
			}
		}
		cs_rng_free(&r);
		break;
	}
	case SC_CRASH_END:
		/* after the last event of the uncrashed run: all work done */
		p.kind = CRASH_AT_TIME;
		p.value = end_ns;
		snprintf(p.label, sizeof(p.label), "end: time %.6f s", (double)end_ns / 1e9);
		if (push(&v, &nv, &cap, &p) != 0)
			goto oom;
		break;
	default:
		return cs_err_set(err, "crash: unknown crash kind %u", c->kind);
	}

	if (nv > 1) {
		struct keyed *k = malloc(nv * sizeof(*k));

		if (k == NULL)
			goto oom;
		for (uint32_t i = 0; i < nv; i++) {
			k[i].p = v[i];
			k[i].when = v[i].kind == CRASH_AT_TIME ? v[i].value
				  : (v[i].value < n ? t_ns[v[i].value] : UINT64_MAX);
		}
		qsort(k, nv, sizeof(*k), cmp_keyed);
		for (uint32_t i = 0; i < nv; i++)
			v[i] = k[i].p;
		free(k);
	}
	if (c->max_crashes > 0 && nv > c->max_crashes) {
		/* evenly spaced, always keeping the first and the last */
		uint32_t m = c->max_crashes;

		for (uint32_t i = 0; i < m; i++) {
			uint64_t j = m == 1 ? 0 : (uint64_t)i * (nv - 1) / (m - 1);

			v[i] = v[j];
		}
		nv = m;
	}
	*out = v;
	*n_out = nv;
	return 0;
oom:
	free(v);
	return cs_err_set(err, "crash: out of memory planning crash points");
}
