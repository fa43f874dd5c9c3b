#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/run.h"
#include "traces/trace.h"

_Static_assert(CSUM_RQ_BARRIER < CSUM_WL_FLAGS_MAX, "a request flag does not fit csum_wl_req");
_Static_assert(sizeof(struct csum_wl_req) == 16, "csum_wl_req is 16 bytes");

static int wl_push(struct sim_workload *w, size_t *cap, uint64_t t, const struct csum_wl_req *rq)
{
	if (w->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 1024;
		uint64_t *nt = realloc(w->t_ns, ncap * sizeof(*nt));
		struct csum_wl_req *nr;

		if (nt == NULL)
			return -1;
		w->t_ns = nt;
		nr = realloc(w->rq, ncap * sizeof(*nr));
		if (nr == NULL)
			return -1;
		w->rq = nr;
		*cap = ncap;
	}
	w->t_ns[w->n] = t;
	w->rq[w->n] = *rq;
	w->n++;
	/* every record read is pushed (the limit stops before): request i is
	 * record i + 1 until the address rule drops one (w->rec stays NULL) */
	assert(w->trace_requests == w->n);
	return 0;
}

/* The address rule dropped a request: from now on the record numbers are
 * kept, the n requests kept so far being records 1..n. */
static int rec_start(struct sim_workload *w, size_t n)
{
	w->rec = malloc((w->n ? w->n : 1) * sizeof(*w->rec));
	if (w->rec == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		w->rec[i] = (uint64_t)i + 1;
	return 0;
}

static void dir_of(const char *path, char *out, size_t n)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(out, n, ".");
	else
		snprintf(out, n, "%.*s", (int)(slash - path), path);
	if (out[0] == '\0')
		snprintf(out, n, "/");
}

/* A trace file that records no FLUSH, FUA or barrier (cloud and MSR traces
 * never do) makes no durability promise: crashing it would judge the scheme
 * against promises the trace never asked for. Unless trace.flush_policy
 * says what to do, such a crash scenario is refused. */
static int refuse_flushless(const struct sim_workload *w, const struct scenario *sc,
			    struct cs_err *err)
{
	const uint32_t durable = CSUM_RQ_PREFLUSH | CSUM_RQ_FUA | CSUM_RQ_BARRIER;

	if (sc->trace.kind != SC_TRACE_FILE || sc->crash.kind == SC_CRASH_NONE ||
	    sc->trace.flush_policy != SC_FLUSHGEN_REFUSE)
		return 0;
	for (size_t i = 0; i < w->n; i++)
		if (w->rq[i].op == CSUM_OP_FLUSH || (w->rq[i].flags & durable) != 0)
			return 0;
	return cs_err_at(err, sc->file, 0, "trace.flush_policy",
			 "%s records no FLUSH, FUA or barrier, so crashing it would invent "
			 "durability it never asked for; set trace.flush_policy to none (crash it "
			 "as it is), every_writes or every_ms (with trace.flush_every), or "
			 "after_sync_writes, or crash.mode: none (docs/TRACES.md)",
			 sc->trace.path);
}

int sim_workload_load(struct sim_workload *w, const struct scenario *sc, struct cs_err *err)
{
	struct trace_reader *r;
	struct trace_req tr;
	char base[SC_PATH_MAX];
	uint64_t dev = sc->device.sectors;
	uint64_t max_end = 0;
	size_t cap = 0;
	int rc;

	memset(w, 0, sizeof(*w));
	dir_of(sc->file[0] ? sc->file : "./x", base, sizeof(base));
	if (scenario_check_trace_file(sc, err) < 0)
		return -1;
	r = trace_open(&sc->trace, base, dev, sc->seed, err);
	if (r == NULL)
		return -1;
	while ((rc = trace_next(r, &tr, err)) == 1) {
		struct csum_wl_req rq = {
			.sector = tr.sector, .count = tr.count, .op = tr.op,
			.flags = (uint16_t)tr.flags,
		};
		double t = (double)tr.time_ns * sc->host.time_scale;

		if (sc->trace.limit && w->trace_requests >= sc->trace.limit)
			break;
		/* the uint64 ns clock ends at 2^64: a later time cannot be cast */
		if (!(t < 0x1p64)) {
			trace_close(r);
			sim_workload_free(w);
			return cs_err_at(err, sc->file, 0, "host.time_scale",
					 "the trace's line %" PRIu64 " at %" PRIu64 " ns x %g is past "
					 "the simulator's clock (2^64 ns)", tr.line, tr.time_ns,
					 sc->host.time_scale);
		}
		assert(tr.flags < CSUM_WL_FLAGS_MAX);
		w->trace_requests++;
		if (rq.op == CSUM_OP_FLUSH)
			rq.sector = 0;
		else if (rq.sector + rq.count > max_end)
			max_end = rq.sector + rq.count;
		if (wl_push(w, &cap, (uint64_t)t, &rq) != 0) {
			trace_close(r);
			sim_workload_free(w);
			return cs_err_set(err, "loading the trace: out of memory");
		}
	}
	trace_close(r);
	if (rc < 0) {
		sim_workload_free(w);
		return -1;
	}
	if (refuse_flushless(w, sc, err) != 0) {
		sim_workload_free(w);
		return -1;
	}

	/* the address rule */
	{
		size_t keep = 0;

		for (size_t i = 0; i < w->n; i++) {
			struct csum_wl_req *q = &w->rq[i];

			if (q->op != CSUM_OP_FLUSH && q->count > dev) {
				/* the message first: q points into what is freed */
				cs_err_set(err, "%s: request %zu of %" PRIu32 " sectors is larger "
					   "than the device (%" PRIu64 " sectors)",
					   sc->file, i, q->count, dev);
				sim_workload_free(w);
				return -1;
			}
			if (q->op != CSUM_OP_FLUSH && q->sector + q->count > dev) {
				switch (sc->host.map_rule) {
				case SC_MAP_WRAP:
					q->sector %= dev;
					if (q->sector + q->count > dev)
						q->sector = dev - q->count;
					w->remapped++;
					break;
				case SC_MAP_SCALE: {
					/* whole trace scaled onto the device */
					unsigned __int128 s = (unsigned __int128)q->sector * dev / max_end;

					q->sector = (uint64_t)s;
					if (q->sector + q->count > dev)
						q->sector = dev - q->count;
					w->remapped++;
					break;
				}
				case SC_MAP_DROP:
					if (w->rec == NULL && rec_start(w, keep) != 0) {
						sim_workload_free(w);
						return cs_err_set(err, "loading the trace: out of memory");
					}
					w->dropped++;
					continue;
				default:
					cs_err_set(err, "%s: field 'host.map': request %zu (sector %"
						   PRIu64 " + %" PRIu32 ") is past the device's %"
						   PRIu64 " sectors", sc->file, i, q->sector,
						   q->count, dev);
					sim_workload_free(w);
					return -1;
				}
			} else if (sc->host.map_rule == SC_MAP_SCALE && max_end > dev &&
				   q->op != CSUM_OP_FLUSH) {
				unsigned __int128 s = (unsigned __int128)q->sector * dev / max_end;

				q->sector = (uint64_t)s;
				if (q->sector + q->count > dev)
					q->sector = dev - q->count;
				w->remapped++;
			}
			w->t_ns[keep] = w->t_ns[i];
			w->rq[keep] = *q;
			if (w->rec != NULL)
				w->rec[keep] = (uint64_t)i + 1; /* request i is record i + 1 */
			keep++;
		}
		w->n = keep;
	}
	/* the target owns dm sectors [begin, begin + len): the trace addresses it */
	for (size_t i = 0; i < w->n; i++)
		if (w->rq[i].op != CSUM_OP_FLUSH)
			w->rq[i].sector += sc->device.begin;
	return 0;
}

void sim_workload_free(struct sim_workload *w)
{
	free(w->t_ns);
	free(w->rq);
	free(w->rec);
	memset(w, 0, sizeof(*w));
}
