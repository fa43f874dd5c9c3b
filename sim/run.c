#include "sim/run.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fiu-control.h>
#include <fiu.h>

#include "core/points.h"
#include "faults/crash.h"
#include "faults/crash_states.h"
#include "faults/faults.h"
#include "sim/disk.h"
#include "sim/engine.h"
#include "sim/host.h"
#include "sim/media.h"
#include "sim/oracle.h"
#include "traces/trace.h"
#include "util/rng.h"

/* ---- workload ---------------------------------------------------------- */

static int wl_push(struct sim_workload *w, size_t *cap, uint64_t t, const struct csum_request *rq)
{
	if (w->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 1024;
		uint64_t *nt = realloc(w->t_ns, ncap * sizeof(*nt));
		uint64_t *nrec;
		struct csum_request *nr;

		if (nt == NULL)
			return -1;
		w->t_ns = nt;
		nr = realloc(w->rq, ncap * sizeof(*nr));
		if (nr == NULL)
			return -1;
		w->rq = nr;
		nrec = realloc(w->rec, ncap * sizeof(*nrec));
		if (nrec == NULL)
			return -1;
		w->rec = nrec;
		*cap = ncap;
	}
	w->t_ns[w->n] = t;
	w->rq[w->n] = *rq;
	w->rec[w->n] = w->trace_requests;
	w->n++;
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
		struct csum_request rq = {
			.sector = tr.sector, .count = tr.count, .op = tr.op, .flags = tr.flags,
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
		w->trace_requests++;
		if (rq.op == CSUM_OP_FLUSH)
			rq.sector = 0;
		else if (rq.sector + rq.count > max_end)
			max_end = rq.sector + rq.count;
		if (wl_push(w, &cap, (uint64_t)t, &rq) != 0) {
			trace_close(r);
			sim_workload_free(w);
			return cs_err_set(err, "out of memory loading the trace");
		}
	}
	trace_close(r);
	if (rc < 0) {
		sim_workload_free(w);
		return -1;
	}

	/* the address rule */
	{
		size_t keep = 0;

		for (size_t i = 0; i < w->n; i++) {
			struct csum_request *q = &w->rq[i];

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
			w->rec[keep] = w->rec[i];
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

/* ---- fault points ------------------------------------------------------ */

struct world;

/* Each enabled point decides from its own seeded stream, so a run and its
 * crash re-runs see the same failures at the same calls. */
struct fiu_state {
	struct cs_rng rng;
	double probability;
	uint64_t nth;
	uint64_t calls;
	uint8_t type;       /* FT_ALLOC or FT_IO_ERROR */
	struct world *w;    /* to attribute a failure to what it hit */
};

/* ---- a world: engine, media, disks, variant, faults, oracle ------------- */

struct world {
	const struct scenario *sc;
	const struct csum_variant_ops *ops;
	void *ctx;
	struct csum_table table;
	struct csum_options opts;
	struct engine engine;
	struct media *media;
	struct disk *disk[CSUM_MAX_DEVS];
	unsigned n_devs;
	struct oracle oracle;
	struct host *host;
	struct fault_set *fs;        /* the faults acting now */
	struct fault_hooks hooks;    /* forward to fs, whichever it is */
	struct fiu_state fiu[SC_MAX_FIU];
	bool fiu_enabled;
	uint64_t content_seed;
};

static void fiu_record(struct world *w, uint8_t type)
{
	uint64_t sector;
	uint32_t count;

	if (w->host == NULL || w->fs == NULL || host_current(w->host, &sector, &count) != 0)
		return;
	/* a failure counted once; its outcome is the next read of what it hit */
	(void)fault_set_record_dm(w->fs, type, sector, count, w->engine.now);
}

static int fiu_decide(const char *name, int *failnum, void **failinfo, unsigned int *flags)
{
	struct fiu_state *st = *failinfo;
	bool fail;

	(void)name;
	(void)failnum;
	(void)flags;
	st->calls++;
	if (st->nth)
		fail = st->calls == st->nth;
	else
		fail = cs_rng_unit(&st->rng) < st->probability;
	if (fail)
		fiu_record(st->w, st->type);
	return fail;
}

static int fiu_on(struct world *w, struct cs_err *err)
{
	static const char pfx[] = "fiu:";
	const struct scenario *sc = w->sc;

	fiu_init(0);
	for (uint32_t i = 0; i < sc->n_fiu; i++) {
		struct fiu_state *st = &w->fiu[i];
		char label[sizeof(pfx) + sizeof(sc->fiu[i].name)];

		snprintf(label, sizeof(label), "%s%s", pfx, sc->fiu[i].name);
		if (cs_rng_init(&st->rng, sc->seed, label) != 0)
			return cs_err_set(err, "out of memory");
		st->probability = sc->fiu[i].probability;
		st->nth = sc->fiu[i].nth;
		st->calls = 0;
		st->w = w;
		st->type = strncmp(sc->fiu[i].name, "sim/", 4) == 0 ? FT_IO_ERROR : FT_ALLOC;
		if (fiu_enable_external(sc->fiu[i].name, 1, st, 0, fiu_decide) != 0)
			return cs_err_set(err, "faults.fiu: cannot enable point '%s'", sc->fiu[i].name);
	}
	return 0;
}

static void fiu_off(struct world *w)
{
	for (uint32_t i = 0; i < w->sc->n_fiu; i++) {
		fiu_disable(w->sc->fiu[i].name);
		cs_rng_free(&w->fiu[i].rng);
	}
}

/* Every point a scenario may name: the protocol's and the disk's. */
static const char *const all_points[] = {
	P_QUEUE_NICE_KMALLOC, P_EVIL_KMALLOC, P_PREPARE_NICE_CLONE, P_READ_NICE_KMALLOC,
	P_DATA_READ_CLONE, P_IMD_READ_PAGE, P_IMD_READ_BIO, P_WRITE_NICE_KMALLOC,
	P_UPDATE_IMD_KMALLOC, P_WRITE_STAGE1_CLONE, P_VERIFY_CRC_KMALLOC,
	"sim/disk/read_error", "sim/disk/write_error", "sim/disk/flush_error",
	NULL,
};

const char *const *sim_fault_points(void)
{
	return all_points;
}

/* The disks call these; they act through whichever fault set is current,
 * so a crash state can run on its own copy of the faults. */
static void hook_persist(void *ctx, struct fault_persist *p)
{
	struct world *w = ctx;
	const struct fault_hooks *h = fault_set_hooks(w->fs);

	if (h->on_persist != NULL)
		h->on_persist(h->ctx, p);
}

static int hook_read(void *ctx, unsigned dev, uint64_t sector)
{
	struct world *w = ctx;
	const struct fault_hooks *h = fault_set_hooks(w->fs);

	return h->on_read != NULL ? h->on_read(h->ctx, dev, sector) : 0;
}

static void hook_crash(void *ctx, const struct fault_cached_write *cw, uint32_t n, bool *keep,
		       uint32_t *order)
{
	struct world *w = ctx;
	const struct fault_hooks *h = fault_set_hooks(w->fs);

	if (h->on_crash != NULL)
		h->on_crash(h->ctx, cw, n, keep, order);
}

static int variant_init(struct world *w, struct cs_err *err)
{
	const char *why = "unknown reason";

	memset(w->ctx, 0, w->ops->ctx_size ? w->ops->ctx_size : 1);
	if (w->ops->init(w->ctx, &w->table, &w->opts, &why) != 0)
		return cs_err_set(err, "%s: variant '%s' refuses the device: %s",
				  w->sc->file, w->ops->name, why);
	return 0;
}

static void world_free(struct world *w)
{
	host_free(w->host);
	w->host = NULL;
	if (w->fiu_enabled)
		fiu_off(w);
	w->fiu_enabled = false;
	for (unsigned i = 0; i < CSUM_MAX_DEVS; i++) {
		disk_free(w->disk[i]);
		w->disk[i] = NULL;
	}
	fault_set_free(w->fs);
	w->fs = NULL;
	media_free(w->media);
	w->media = NULL;
	oracle_free(&w->oracle);
	engine_free(&w->engine);
	free(w->ctx);
	w->ctx = NULL;
}

static void fault_env_of(struct world *w, struct fault_env *env)
{
	memset(env, 0, sizeof(*env));
	env->engine = &w->engine;
	env->media = w->media;
	env->ops = w->ops;
	env->ctx = w->ctx;
	env->n_devs = w->n_devs;
	for (unsigned i = 0; i < w->n_devs; i++)
		env->dev_sectors[i] = w->ops->dev_sectors(w->ctx, i);
	env->dm_sectors = w->sc->device.sectors;
}

static int world_new(struct world *w, const struct scenario *sc,
		     const struct csum_variant_ops *ops, struct cs_err *err)
{
	struct fault_env env;

	memset(w, 0, sizeof(*w));
	w->sc = sc;
	w->ops = ops;
	w->table.begin = sc->device.begin;
	w->table.len = sc->device.sectors;
	w->table.data_start = sc->device.data_offset;
	w->table.imd_start = sc->device.imd_offset;
	w->table.placement = sc->device.placement;
	w->opts.flush_policy = sc->flush_policy;
	w->opts.apart_sectors = sc->vopts.apart_sectors;
	w->opts.journal_sectors = sc->vopts.journal_sectors;
	w->opts.commit_interval_writes = sc->vopts.commit_interval_writes;
	w->opts.bitmap_region_sectors = sc->vopts.bitmap_region_sectors;
	/* nothing enabled: fiu_fail would answer 0 everywhere, skip asking */
	w->opts.no_fault_points = sc->n_fiu == 0;
	w->content_seed = cs_rng_stream_seed(sc->seed, "content");
	w->hooks.ctx = w;
	w->hooks.on_persist = hook_persist;
	w->hooks.on_read = hook_read;
	w->hooks.on_crash = hook_crash;
	engine_init(&w->engine);
	oracle_init(&w->oracle, w->content_seed);
	w->ctx = calloc(1, ops->ctx_size ? ops->ctx_size : 1);
	if (w->ctx == NULL)
		goto oom;
	if (variant_init(w, err) != 0)
		goto fail;
	w->media = media_new(w->content_seed, ops->initial_sector, w->ctx);
	if (w->media == NULL)
		goto oom;
	w->n_devs = sc->device.placement == CSUM_PLACE_SEPARATE ? 2 : 1;
	if (ops->n_devs < w->n_devs)
		w->n_devs = ops->n_devs;
	fault_env_of(w, &env);
	w->fs = fault_set_new(&sc->faults, sc->seed, &env, err);
	if (w->fs == NULL)
		goto fail;
	for (unsigned i = 0; i < w->n_devs; i++) {
		const struct sc_disk *p = (i == CSUM_DEV_IMD && sc->imd_disk_set) ? &sc->imd_disk
										 : &sc->disk;

		w->disk[i] = disk_new(&w->engine, p, w->media, i, env.dev_sectors[i], &w->hooks,
				      err);
		if (w->disk[i] == NULL)
			goto fail;
		if (sc->n_fiu == 0)
			disk_no_fault_points(w->disk[i]);
	}
	if (fault_set_start(w->fs) != 0)
		goto oom;
	if (fiu_on(w, err) != 0)
		goto fail;
	w->fiu_enabled = true;
	return 0;
oom:
	cs_err_set(err, "out of memory creating the simulated devices");
fail:
	world_free(w);
	return -1;
}

/* ---- replay ------------------------------------------------------------ */

struct replay {
	struct world *w;
	const struct sim_workload *wl;
	const struct sim_options *opt;
	size_t next;         /* next request to submit */
	size_t stop_before;  /* crash before submitting this one (SIZE_MAX: never) */
	bool stop;           /* the crash point was reached */
	bool failed;
	bool closed;
	struct timespec last_progress;
	const char *phase;
};

static void progress(struct replay *rp, bool force)
{
	struct timespec now;

	if (!rp->opt->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && now.tv_sec == rp->last_progress.tv_sec)
		return;
	rp->last_progress = now;
	fprintf(stderr, "\r%-40s requests %zu/%zu   ", rp->phase, rp->next, rp->wl->n);
	fflush(stderr);
}

static void submit_next(struct replay *rp)
{
	size_t i = rp->next;

	if (i >= rp->wl->n)
		return;
	if (i == rp->stop_before) {
		rp->stop = true;
		return;
	}
	rp->next++;
	if (host_submit(rp->w->host, &rp->wl->rq[i], i) != 0)
		rp->failed = true;
	progress(rp, false);
}

static void arrival_ev(void *arg, uint64_t a)
{
	struct replay *rp = arg;

	(void)a;
	submit_next(rp);
	if (rp->stop || rp->next >= rp->wl->n)
		return;
	if (engine_at(&rp->w->engine, rp->wl->t_ns[rp->next], arrival_ev, rp, 0) != 0)
		rp->failed = true;
}

static void replay_done(void *arg, const struct host_done_info *info)
{
	struct replay *rp = arg;

	(void)info;
	if (rp->closed && !rp->stop)
		submit_next(rp);
}

static void observe_read(void *arg, uint64_t sector, uint32_t count, const uint8_t *classes)
{
	struct world *w = arg;

	fault_set_observe_read(w->fs, sector, count, classes);
}

static struct host *make_host(struct world *w, struct run_metrics *m, bool recovery,
			      bool records, host_done_fn done, void *done_arg)
{
	struct host_cfg cfg = {
		.ops = w->ops,
		.ctx = w->ctx,
		.engine = &w->engine,
		.oracle = &w->oracle,
		.metrics = m,
		.content_seed = w->content_seed,
		.stage_ns = (uint64_t)(w->sc->host.stage_us * 1000.0),
		.crc_ns_per_byte = w->sc->host.crc_ns_per_byte,
		.crash_floor = recovery,
		.keep_records = records,
		.done = done,
		.done_arg = done_arg,
		.observe_read = observe_read,
		.observe_arg = w,
	};

	for (unsigned i = 0; i < CSUM_MAX_DEVS; i++)
		cfg.disk[i] = w->disk[i];
	return host_new(&cfg);
}

/* Replays until the end of the workload or the crash point; with at_time set,
 * stops at that simulated time. */
static int replay(struct replay *rp, struct run_metrics *m, bool at_time, uint64_t t_stop,
		  struct cs_err *err)
{
	struct world *w = rp->w;

	w->host = make_host(w, m, false, rp->opt->records, replay_done, rp);
	if (w->host == NULL)
		return cs_err_set(err, "out of memory");
	if (rp->closed) {
		uint32_t qd = w->sc->host.queue_depth ? w->sc->host.queue_depth : 1;

		for (uint32_t i = 0; i < qd && !rp->stop; i++)
			submit_next(rp);
	} else if (rp->wl->n > 0) {
		if (engine_at(&w->engine, rp->wl->t_ns[0], arrival_ev, rp, 0) != 0)
			return cs_err_set(err, "out of memory");
	}
	for (;;) {
		if (rp->stop || rp->failed || host_failed(w->host))
			break;
		if (at_time) {
			if (engine_pending(&w->engine) == 0)
				break;
			if (w->engine.heap[0].time > t_stop)
				break;
		}
		if (!engine_step(&w->engine))
			break;
	}
	if (at_time && w->engine.now < t_stop && !rp->stop)
		w->engine.now = t_stop; /* the crash happens at T even if all is idle */
	if (rp->failed || host_failed(w->host))
		return cs_err_set(err, "simulation ran out of memory or past an oracle limit "
				  "(%" PRIu64 " sectors, %u versions per sector)",
				  (uint64_t)ORACLE_MAX_SECTORS, ORACLE_MAX_VERSIONS);
	return 0;
}

/* ---- recovery ---------------------------------------------------------- */

struct recovery {
	struct world *w;
	uint64_t *sectors;    /* ever written, ascending */
	uint64_t n_sectors;
	uint64_t pos;         /* next sector index to read as a run */
	uint64_t *single;     /* sectors to re-read alone */
	uint64_t n_single, cap_single, single_pos;
	struct crash_report *cr;
	bool failed;
	/* availability: sectors read back with an error, then one write
	 * tried in each 62-sector group that holds one */
	uint64_t *bad;
	uint64_t n_bad, cap_bad;
	bool probing;
	uint64_t probe_pos, probes_done;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static uint64_t run_length(const struct recovery *rc, uint64_t i)
{
	uint64_t begin = rc->w->sc->device.begin;
	uint64_t first = rc->sectors[i];
	uint64_t len = 1;

	/* contiguous, inside one 62-sector group both by absolute sector and
	 * relative to the target's begin, so no variant ever splits the read */
	while (i + len < rc->n_sectors && rc->sectors[i + len] == first + len && len < 62) {
		uint64_t s = first + len;

		if (s % 62 == 0 || (s - begin) % 62 == 0)
			break;
		len++;
	}
	return len;
}

static void recovery_next(struct recovery *rc);

static int push_bad(struct recovery *rc, uint64_t sector)
{
	if (rc->n_bad == rc->cap_bad) {
		uint64_t ncap = rc->cap_bad ? rc->cap_bad * 2 : 64;
		uint64_t *p = realloc(rc->bad, ncap * sizeof(*p));

		if (p == NULL)
			return -1;
		rc->bad = p;
		rc->cap_bad = ncap;
	}
	rc->bad[rc->n_bad++] = sector;
	return 0;
}

static void recovery_done(void *arg, const struct host_done_info *info)
{
	struct recovery *rc = arg;

	if (rc->probing) {
		rc->probes_done++;
		if (info->result != 0)
			rc->cr->unwritable_groups++;
		recovery_next(rc);
		return;
	}
	if (info->result != 0 && info->count > 1) {
		/* judge each sector of a failed run on its own */
		for (uint32_t i = 0; i < info->count; i++) {
			if (rc->n_single == rc->cap_single) {
				uint64_t ncap = rc->cap_single ? rc->cap_single * 2 : 64;
				uint64_t *p = realloc(rc->single, ncap * sizeof(*p));

				if (p == NULL) {
					rc->failed = true;
					return;
				}
				rc->single = p;
				rc->cap_single = ncap;
			}
			rc->single[rc->n_single++] = info->sector + i;
		}
	} else {
		int worst = ORC_CORRECT;

		for (uint32_t i = 0; i < info->count; i++) {
			int c = info->classes[i];

			rc->cr->counts.sectors[c]++;
			rc->cr->sectors_checked++;
			worst = oracle_class_worst(worst, c);
			if (c == ORC_FALSE_POS || c == ORC_DETECTED) {
				rc->cr->unreadable_sectors++;
				if (push_bad(rc, info->sector + i) != 0)
					rc->failed = true;
			}
		}
		rc->cr->counts.requests[worst]++;
	}
	recovery_next(rc);
}

/* The next group to probe with a write: the first unreadable sector of each
 * group not probed yet (bad[] is ascending). */
static bool next_probe(struct recovery *rc, uint64_t *sector)
{
	uint64_t begin = rc->w->sc->device.begin;

	while (rc->probe_pos < rc->n_bad) {
		uint64_t s = rc->bad[rc->probe_pos++];

		if (rc->probe_pos >= 2 &&
		    (rc->bad[rc->probe_pos - 2] - begin) / 62 == (s - begin) / 62)
			continue;
		*sector = s;
		return true;
	}
	return false;
}

static void recovery_next(struct recovery *rc)
{
	struct csum_request rq = { .op = CSUM_OP_READ };

	if (rc->probing) {
		rq.op = CSUM_OP_WRITE;
		rq.count = 1;
		if (!next_probe(rc, &rq.sector))
			return;
		rc->cr->probed_groups++;
		if (host_submit(rc->w->host, &rq, UINT64_MAX) != 0)
			rc->failed = true;
		return;
	}
	if (rc->single_pos < rc->n_single) {
		rq.sector = rc->single[rc->single_pos++];
		rq.count = 1;
	} else if (rc->pos < rc->n_sectors) {
		uint64_t len = run_length(rc, rc->pos);

		rq.sector = rc->sectors[rc->pos];
		rq.count = (uint32_t)len;
		rc->pos += len;
	} else {
		/* read-back done: can the groups that failed still be written? */
		if (rc->n_bad > 1)
			qsort(rc->bad, rc->n_bad, sizeof(*rc->bad), cmp_u64);
		rc->probing = true;
		recovery_next(rc);
		return;
	}
	if (host_submit(rc->w->host, &rq, UINT64_MAX) != 0)
		rc->failed = true;
}

/* Runs the variant's own recovery procedure (journal replay, ...) as a
 * piece of its own; 0, or -1 when it failed or hung (counted in cr). */
struct mount {
	struct world *w;
	void *job;
	struct csum_step step;
	unsigned outstanding;
	struct disk_req dreq[CSUM_STEP_MAX_IO];
	bool done;
	int result;
};

static void mount_step(struct mount *mt);

static void mount_resume_ev(void *arg, uint64_t a)
{
	struct mount *mt = arg;

	(void)a;
	memset(&mt->step, 0, sizeof(mt->step));
	mt->w->ops->resume(mt->w->ctx, mt->job, &mt->step);
	mount_step(mt);
}

static void mount_io_done(void *arg, struct disk_req *r)
{
	struct mount *mt = arg;
	size_t i = (size_t)(r - mt->dreq);

	mt->step.io[i]->error = r->error;
	if (--mt->outstanding == 0 &&
	    engine_after(&mt->w->engine, 0, mount_resume_ev, mt, 0) != 0)
		mt->done = true, mt->result = -CSUM_ENOMEM;
}

static void mount_step(struct mount *mt)
{
	if (mt->step.kind == CSUM_STEP_DONE) {
		mt->done = true;
		mt->result = mt->step.result;
		return;
	}
	mt->outstanding = mt->step.n_io;
	for (unsigned i = 0; i < mt->step.n_io; i++) {
		struct csum_io *io = mt->step.io[i];
		struct disk_req *r = &mt->dreq[i];

		disk_req_from_io(r, io, mount_io_done, mt);
		disk_submit(mt->w->disk[io->dev], r);
	}
}

static int mount_variant(struct world *w, struct cs_err *err)
{
	struct mount mt = { .w = w };

	if (w->ops->recover_start == NULL)
		return 0;
	mt.job = calloc(1, w->ops->job_size ? w->ops->job_size : 1);
	if (mt.job == NULL)
		return cs_err_set(err, "out of memory");
	w->ops->recover_start(w->ctx, mt.job, &mt.step);
	mount_step(&mt);
	while (!mt.done && engine_step(&w->engine))
		;
	free(mt.job);
	return mt.done && mt.result == 0 ? 0 : -1;
}

static int recover(struct world *w, struct crash_report *cr, struct cs_err *err)
{
	struct recovery rc = { .w = w, .cr = cr };
	uint64_t hung_sectors;

	/* a fresh module load: new instance, nothing in flight, no injection */
	if (w->fiu_enabled)
		fiu_off(w);
	w->fiu_enabled = false;
	if (variant_init(w, err) != 0)
		return -1;
	rc.sectors = oracle_written_sectors(&w->oracle, &rc.n_sectors);
	if (rc.sectors == NULL && rc.n_sectors > 0)
		return cs_err_set(err, "out of memory");
	if (mount_variant(w, err) != 0) {
		/* the device cannot be set up again: nothing is readable */
		cr->counts.not_completed += 1;
		free(rc.sectors);
		return err != NULL && err->msg[0] ? -1 : 0;
	}
	w->host = make_host(w, NULL, true, false, recovery_done, &rc);
	if (w->host == NULL) {
		free(rc.sectors);
		return cs_err_set(err, "out of memory");
	}
	recovery_next(&rc);
	while (!rc.failed && !host_failed(w->host) && engine_step(&w->engine))
		;
	/* whatever was never read back: a hung recovery */
	hung_sectors = (rc.n_sectors - rc.pos) + (rc.n_single - rc.single_pos);
	if (!rc.probing) {
		cr->counts.not_completed += host_inflight(w->host) + (hung_sectors ? 1 : 0);
	} else {
		/* a probe that never completed, and the ones after it that could
		 * never be tried: those groups cannot be written */
		uint64_t left = 0, s;

		while (next_probe(&rc, &s))
			left++;
		cr->unwritable_groups += host_inflight(w->host) + left;
		cr->probed_groups += left;
	}
	host_free(w->host);
	w->host = NULL;
	free(rc.sectors);
	free(rc.single);
	free(rc.bad);
	if (rc.failed)
		return cs_err_set(err, "out of memory in the recovery pass");
	return 0;
}

/* ---- runs -------------------------------------------------------------- */

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int main_run(const struct scenario *sc, const struct csum_variant_ops *ops,
		    const struct sim_workload *wl, const struct sim_options *opt,
		    struct run_metrics *m, struct sim_counts *counts, struct cs_err *err)
{
	struct world w;
	struct replay rp = { .wl = wl, .opt = opt, .stop_before = SIZE_MAX,
			     .closed = sc->host.mode == SC_HOST_CLOSED, .phase = ops->name };
	int rc;

	if (world_new(&w, sc, ops, err) != 0)
		return -1;
	rp.w = &w;
	rc = replay(&rp, m, false, 0, err);
	if (counts != NULL)
		counts->replay_events = w.engine.executed;
	if (rc == 0) {
		m->sim_time_ns = w.engine.now;
		m->n_devs = w.n_devs;
		for (unsigned i = 0; i < w.n_devs; i++) {
			const struct disk_stats *ds = disk_stats(w.disk[i]);
			struct dev_metrics *dm = &m->dev[i];

			dm->reads = ds->reads;
			dm->writes = ds->writes;
			dm->flushes = ds->cache_flushes; /* incl. a barrier's own flushes */
			dm->read_sectors = ds->read_sectors;
			dm->write_sectors = ds->write_sectors;
			dm->fua_writes = ds->fua_writes;
			dm->barrier_writes = ds->barrier_writes;
			dm->preflushes = ds->preflushes;
			dm->media_write_sectors = ds->media_write_sectors;
			dm->busy_ns = ds->busy_ns;
		}
		host_count_live(w.host, m->user_hung);
		m->reads.not_completed += m->user_hung[CSUM_OP_READ];
		if (host_record_live(w.host) != 0)
			rc = cs_err_set(err, "out of memory");
		m->user_not_submitted = wl->n - rp.next;
		m->media_sectors = media_sectors(w.media);
		m->media_bytes = media_bytes(w.media);
		m->oracle_bytes = oracle_bytes(&w.oracle);
		fault_set_outcomes(w.fs, &m->faults);
	}
	world_free(&w);
	progress(&rp, true);
	return rc;
}

/* One crash point: replay to it once, then every crash state from a
 * snapshot of the media. */
struct explore {
	struct world *w;
	const struct scenario *sc;
	const struct sim_workload *wl;
	const struct crash_point *cp;
	struct crash_writes cw;
	struct media_snapshot *snap;
	struct fault_set *fs0;      /* the faults as they stood at the crash */
	struct fault_outcomes before; /* faults already judged by then (not counted again) */
	uint64_t t_crash;
	uint64_t requests_before;
	struct crash_report *cr;    /* sums over the states */
	struct run_metrics *m;
	uint64_t worst;             /* badness of the worst state so far */
	struct cs_err *err;
	int rc;
};

/* How bad a recovery was, for picking the worst state: silent, then stale,
 * then false positives, then hangs. */
static uint64_t badness(const struct oracle_counts *c)
{
	return c->sectors[ORC_SILENT] * 1000000000ULL + c->sectors[ORC_STALE] * 1000000ULL +
	       c->sectors[ORC_FALSE_POS] * 1000ULL + c->not_completed;
}

static uint64_t state_lost_sectors(const struct crash_writes *cw, const struct crash_state *st)
{
	uint64_t lost = 0;

	for (uint32_t i = 0; i < cw->n; i++) {
		const struct crash_choice *c = &st->choice[i];

		if (!c->keep) {
			lost += cw->w[i].count;
			continue;
		}
		for (uint32_t j = 0; j < cw->w[i].count; j++)
			if (!(c->mask & (1ULL << (j < 64 ? j : 63))))
				lost++;
	}
	return lost;
}

static int explore_state(void *arg, const struct crash_state *st)
{
	struct explore *x = arg;
	struct world *w = x->w;
	struct crash_report one;
	struct fault_set *fs;
	uint64_t b;

	memset(&one, 0, sizeof(one));
	if (media_restore(w->media, x->snap) != 0) {
		x->rc = cs_err_set(x->err, "out of memory restoring the media");
		return 1;
	}
	fs = fault_set_clone(x->fs0);
	if (fs == NULL) {
		x->rc = cs_err_set(x->err, "out of memory copying the faults");
		return 1;
	}
	w->fs = fs;
	if (crash_state_apply(w->media, &x->cw, st, fs, x->t_crash) != 0 ||
	    fault_set_idle(fs, (uint64_t)(x->sc->crash.idle_hours * 3600e9)) != 0 ||
	    recover(w, &one, x->err) != 0) {
		w->fs = x->fs0;
		fault_set_free(fs);
		x->rc = -1;
		if (x->err != NULL && x->err->msg[0] == '\0')
			cs_err_set(x->err, "out of memory exploring a crash state");
		return 1;
	}
	{
		/* only what this state settles: pending at the crash, or made by it */
		struct fault_outcomes o;

		memset(&o, 0, sizeof(o));
		fault_set_outcomes(fs, &o);
		for (int t = 0; t < FT_COUNT; t++)
			for (int k = 0; k < FO_COUNT; k++)
				x->m->crash_faults.n[t][k] += o.n[t][k] - x->before.n[t][k];
	}
	w->fs = x->fs0;
	fault_set_free(fs);

	x->cr->states++;
	x->m->crash_states++;
	x->cr->sectors_checked += one.sectors_checked;
	x->cr->counts.not_completed += one.counts.not_completed;
	x->cr->unreadable_sectors += one.unreadable_sectors;
	x->cr->probed_groups += one.probed_groups;
	x->cr->unwritable_groups += one.unwritable_groups;
	for (int c = 0; c < ORC_CLASS_COUNT; c++) {
		x->cr->counts.sectors[c] += one.counts.sectors[c];
		x->cr->counts.requests[c] += one.counts.requests[c];
	}
	b = badness(&one.counts);
	if (b > 0) {
		struct violation v;

		memset(&v, 0, sizeof(v));
		x->cr->violating_states++;
		v.crash = x->cr->index;
		v.state = st->index;
		snprintf(v.trigger, sizeof(v.trigger), "%s", x->cp->label);
		snprintf(v.label, sizeof(v.label), "%s", st->label);
		v.crash_kind = x->cp->kind;
		v.crash_value = x->cp->value;
		/* the requests up to the crash, and the one it stops before */
		v.record_limit = x->requests_before < x->wl->n ? x->wl->rec[x->requests_before]
							       : x->wl->trace_requests;
		v.counts = one.counts;
		if (run_metrics_add_violation(x->m, &v) != 0) {
			x->rc = cs_err_set(x->err, "out of memory");
			return 1;
		}
	}
	if (b > x->worst || x->cr->states == 1) {
		x->worst = b;
		x->cr->lost_sectors = state_lost_sectors(&x->cw, st);
		snprintf(x->cr->worst_state, sizeof(x->cr->worst_state), "%s",
			 b > 0 ? st->label : "");
	}
	return 0;
}

static int cmp_crash_write(const void *a, const void *b)
{
	const struct crash_write *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int crash_run(const struct scenario *sc, const struct csum_variant_ops *ops,
		     const struct sim_workload *wl, const struct sim_options *opt,
		     const struct crash_point *cp, uint32_t index, struct crash_report *cr,
		     struct run_metrics *m, struct sim_counts *counts, struct cs_err *err)
{
	struct world w;
	char phase[64], label[48];
	struct replay rp = { .wl = wl, .opt = opt, .stop_before = SIZE_MAX,
			     .closed = sc->host.mode == SC_HOST_CLOSED };
	bool at_time = cp->kind == CRASH_AT_TIME;
	struct explore x;
	struct cs_rng rng;
	int rc;

	snprintf(phase, sizeof(phase), "%s crash %u", ops->name, index);
	rp.phase = phase;
	if (!at_time)
		rp.stop_before = cp->value;
	if (world_new(&w, sc, ops, err) != 0)
		return -1;
	rp.w = &w;
	rc = replay(&rp, NULL, at_time, at_time ? cp->value : 0, err);
	if (counts != NULL)
		counts->crash_events += w.engine.executed;
	memset(&x, 0, sizeof(x));
	memset(cr, 0, sizeof(*cr));
	if (rc != 0)
		goto out;
	cr->index = index;
	cr->time_ns = w.engine.now;
	cr->requests_before = rp.next;
	snprintf(cr->trigger, sizeof(cr->trigger), "%s", cp->label);
	cr->inflight_requests = host_inflight(w.host);

	/* power fails: copy what was not durable, then nothing in flight
	 * completes and the caches go; the crash states decide what of it lands */
	x.w = &w;
	x.sc = sc;
	x.wl = wl;
	x.cp = cp;
	x.cr = cr;
	x.m = m;
	x.err = err;
	x.t_crash = w.engine.now;
	x.requests_before = rp.next;
	for (unsigned i = 0; i < w.n_devs; i++) {
		const struct fault_cached_write *vw;
		uint32_t n = disk_volatile_writes(w.disk[i], &vw);

		if (crash_writes_add(&x.cw, vw, n, ops, w.ctx) != 0) {
			rc = cs_err_set(err, "out of memory");
			goto out;
		}
	}
	/* acceptance order per device: an older write in service on the media
	 * must never land after a newer cached one to the same sectors */
	if (x.cw.n > 1)
		qsort(x.cw.w, x.cw.n, sizeof(*x.cw.w), cmp_crash_write);
	for (uint32_t i = 0; i < x.cw.n; i++)
		cr->cached_sectors += x.cw.w[i].count;
	cr->volatile_writes = x.cw.n;
	engine_clear(&w.engine);
	for (unsigned i = 0; i < w.n_devs; i++)
		disk_crash(w.disk[i]);
	host_free(w.host);
	w.host = NULL;
	x.snap = media_snapshot(w.media);
	if (x.snap == NULL) {
		rc = cs_err_set(err, "out of memory taking a media snapshot");
		goto out;
	}
	x.fs0 = w.fs;
	fault_set_outcomes(x.fs0, &x.before);
	for (int t = 0; t < FT_COUNT; t++)
		x.before.n[t][FO_UNREAD] = 0; /* pending ones are judged by each state */
	/* named by the point itself, not its place in the plan, so a reproducer
	 * that keeps only this point draws the same states */
	snprintf(label, sizeof(label), "crash-states:%u:%" PRIu64, cp->kind, cp->value);
	if (cs_rng_init(&rng, sc->seed, label) != 0) {
		rc = cs_err_set(err, "out of memory");
		goto out;
	}
	{
		uint64_t ev0 = w.engine.executed;
		double t0 = counts != NULL ? mono_s() : 0;

		(void)crash_states_each(&sc->crash, &x.cw, &rng, explore_state, &x);
		if (counts != NULL) {
			counts->states_s += mono_s() - t0;
			counts->state_events += w.engine.executed - ev0;
			counts->states += cr->states;
		}
	}
	cs_rng_free(&rng);
	rc = x.rc;
out:
	crash_writes_free(&x.cw);
	media_snapshot_free(x.snap);
	world_free(&w);
	return rc;
}

int sim_run(const struct scenario *sc, const char *variant, const struct sim_workload *w,
	    const struct sim_options *opt, struct run_metrics *m, struct cs_err *err)
{
	return sim_run_counted(sc, variant, w, opt, m, NULL, err);
}

int sim_run_counted(const struct scenario *sc, const char *variant,
		    const struct sim_workload *w, const struct sim_options *opt,
		    struct run_metrics *m, struct sim_counts *counts, struct cs_err *err)
{
	const struct csum_variant_ops *ops = csum_variant_find(variant ? variant : sc->variant);
	struct crash_point *cps = NULL;
	uint32_t ncp = 0;
	uint64_t span;

	if (ops == NULL)
		return cs_err_set(err, "%s: field 'variant': unknown variant '%s'", sc->file,
				  variant ? variant : sc->variant);
	if (counts != NULL)
		memset(counts, 0, sizeof(*counts));
	if (main_run(sc, ops, w, opt, m, counts, err) != 0)
		return -1;
	if (!opt->crashes)
		return 0;
	/* random crashes over the workload's arrivals (open loop), so every
	 * variant of a comparison crashes at the same times; a closed loop has
	 * no arrival times of its own and uses the run's length */
	span = m->sim_time_ns;
	if (sc->host.mode == SC_HOST_OPEN && w->n > 0 && w->t_ns[w->n - 1] > 0)
		span = w->t_ns[w->n - 1];
	if (crash_plan(&sc->crash, w->rq, w->t_ns, w->n, m->sim_time_ns, span, sc->seed, &cps,
		       &ncp, err) != 0)
		return -1;
	if (opt->only_crash != UINT32_MAX && opt->only_crash >= ncp) {
		free(cps);
		cs_err_set(err, "option '--crash %" PRIu32 "': the run has %" PRIu32
			   " crash points (0 to %" PRIu32 ")", opt->only_crash, ncp,
			   ncp ? ncp - 1 : 0);
		if (ncp == 0)
			cs_err_set(err, "option '--crash %" PRIu32 "': the run has no crash points",
				   opt->only_crash);
		return SIM_BAD_OPTION;
	}
	for (uint32_t i = 0; i < ncp; i++) {
		struct crash_report cr;

		if (opt->only_crash != UINT32_MAX && i != opt->only_crash)
			continue;
		if (crash_run(sc, ops, w, opt, &cps[i], i, &cr, m, counts, err) != 0 ||
		    run_metrics_add_crash(m, &cr) != 0) {
			free(cps);
			if (err != NULL && err->msg[0] == '\0')
				cs_err_set(err, "out of memory");
			return -1;
		}
	}
	free(cps);
	if (opt->progress)
		fprintf(stderr, "\n");
	return 0;
}
