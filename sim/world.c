#include "sim/world.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fiu-control.h>
#include <fiu.h>

#include "core/geometry.h"
#include "core/points.h"
#include "core/rfc.h"
#include "sim/engine_if.h"
#include "sim/media_if.h"
#include "sim/run.h"

/* ---- fault points ------------------------------------------------------ */



static void fiu_record(struct world *w, uint8_t type)
{
	uint64_t sector;
	uint32_t count;

	if (w->host == NULL || w->fs == NULL || host_current(w->host, &sector, &count) != 0)
		return;
	assert(count >= 1);
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
	assert(st != NULL && st->w != NULL);
	assert(st->probability >= 0.0 && st->probability <= 1.0);
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
	assert(!w->fiu_enabled); /* enabled once per world, or twice a decide */
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

void world_fiu_off(struct world *w)
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

	assert(dev < w->n_devs);
	if (w->read_tap != NULL)
		w->read_tap(w->read_tap_arg, dev, sector);
	return h->on_read != NULL ? h->on_read(h->ctx, dev, sector) : 0;
}

static void hook_crash(void *ctx, const struct fault_cached_write *cw, uint32_t n, bool *keep,
		       uint32_t *order)
{
	struct world *w = ctx;
	const struct fault_hooks *h = fault_set_hooks(w->fs);

	assert(n == 0 || (cw != NULL && keep != NULL));
	if (h->on_crash != NULL)
		h->on_crash(h->ctx, cw, n, keep, order);
}

int world_variant_init(struct world *w, struct cs_err *err)
{
	const char *why = "unknown reason";

	assert(w->ctx != NULL && w->ops != NULL && w->ops->init != NULL);
	memset(w->ctx, 0, w->ops->ctx_size ? w->ops->ctx_size : 1);
	if (w->ops->init(w->ctx, &w->table, &w->opts, &why) != 0)
		return cs_err_set(err, "%s: variant '%s' refuses the device: %s",
				  w->sc->file, w->ops->name, why);
	return 0;
}

int world_power_back(struct world *w, struct cs_err *err)
{
	/* a crash state's recovery must not read what an earlier state's
	 * recovery wrote; its probes can still sit in a write cache */
	engine_clear(&w->engine);
	for (unsigned i = 0; i < w->n_devs; i++)
		disk_crash(w->disk[i]);
	if (w->fiu_enabled)
		world_fiu_off(w);
	w->fiu_enabled = false;
	return world_variant_init(w, err);
}

void world_free(struct world *w)
{
	host_free(w->host);
	w->host = NULL;
	if (w->fiu_enabled)
		world_fiu_off(w);
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

/* The RFC's own mappings (not a clean layout): they reach past what the
 * table validates (D4-D6), so exact and grown lengths differ. */
static bool rfc_mappings(const struct world *w)
{
	return w->ops->dev_sectors == rfc_dev_sectors &&
	       !((const struct rfc_ctx *)w->ctx)->pl.clean;
}

uint64_t world_dev_sectors(const struct world *w, unsigned dev)
{
	struct geo_extents e;

	/* every other variant's constructor validates the layout it uses */
	if (w->sc->device.size == SC_DEVSIZE_GROW || !rfc_mappings(w))
		return w->ops->dev_sectors(w->ctx, dev);
	/* csum_ctr's dm_get_device(): the device is as long as it checks */
	assert(dev < CSUM_MAX_DEVS);
	geo_extents(&w->table, &e);
	if (dev == CSUM_DEV_DATA)
		return e.data_valid_hi;
	return w->table.placement == CSUM_PLACE_SEPARATE ? e.imd_valid_hi : 0;
}

static void fault_env_of(struct world *w, struct fault_env *env)
{
	memset(env, 0, sizeof(*env));
	env->clock = engine_fault_if(&w->engine);
	env->media = media_fault_if(w->media);
	env->ops = w->ops;
	env->ctx = w->ctx;
	env->n_devs = w->n_devs;
	for (unsigned i = 0; i < w->n_devs; i++)
		env->dev_sectors[i] = world_dev_sectors(w, i);
	env->dm_sectors = w->sc->device.sectors;
}

int world_new(struct world *w, const struct scenario *sc,
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
	w->opts.dmi_interleave_sectors = sc->vopts.dmi_interleave_sectors;
	w->opts.dmi_sectors_per_bit = sc->vopts.dmi_sectors_per_bit;
	w->opts.dmi_commit_time_ms = sc->vopts.dmi_commit_time_ms;
	w->opts.dmi_bitmap_flush_ms = sc->vopts.dmi_bitmap_flush_ms;
	w->opts.dmi_journal_watermark = sc->vopts.dmi_journal_watermark;
	w->opts.dmi_allow_discards = sc->vopts.dmi_allow_discards;
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
	if (world_variant_init(w, err) != 0)
		goto fail;
	/* format none: unwritten sectors read as zeroes (media's NULL init) */
	w->media = media_new(w->content_seed,
			     sc->device.format == SC_DEVFMT_NONE ? NULL : ops->initial_sector, w->ctx);
	if (w->media == NULL)
		goto oom;
	w->n_devs = sc->device.placement == CSUM_PLACE_SEPARATE ? 2 : 1;
	if (ops->n_devs < w->n_devs)
		w->n_devs = ops->n_devs;
	assert(w->n_devs >= 1 && w->n_devs <= CSUM_MAX_DEVS);
	fault_env_of(w, &env);
	w->fs = fault_set_new(&sc->faults, sc->seed, &env, err);
	if (w->fs == NULL)
		goto fail;
	for (unsigned i = 0; i < w->n_devs; i++) {
		struct sc_disk p = (i == CSUM_DEV_IMD && sc->imd_disk_set) ? sc->imd_disk
									    : sc->disk;

		/* the data disk's contract holds for every device (flush, FUA) */
		p.contract = sc->disk.contract;
		w->disk[i] = disk_new(&w->engine, &p, w->media, i, env.dev_sectors[i], &w->hooks,
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

static void observe_read(void *arg, uint64_t sector, uint32_t count, const uint8_t *classes)
{
	struct world *w = arg;

	assert(count >= 1 && classes != NULL);
	fault_set_observe_read(w->fs, sector, count, classes);
}

struct host *world_make_host(struct world *w, struct run_metrics *m, bool recovery,
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
		.md_split = w->sc->device.second_target,
		.barrier = w->sc->host.barrier == SC_BARRIER_DEFAULT ? w->ops->dm_barrier
			 : w->sc->host.barrier == SC_BARRIER_DRAIN ? CSUM_BARRIER_DRAIN
								    : CSUM_BARRIER_PASS,
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

int world_media_tap(const struct world *w, const struct sim_options *opt, uint32_t crash,
		    uint32_t state, struct cs_err *err)
{
	struct sim_media_view v;

	if (opt == NULL || opt->media_tap == NULL)
		return 0;
	memset(&v, 0, sizeof(v));
	v.media = w->media;
	v.table = &w->table;
	v.variant = w->ops->name;
	v.n_devs = w->n_devs;
	for (unsigned i = 0; i < w->n_devs; i++)
		v.dev_sectors[i] = world_dev_sectors(w, i);
	v.crash = crash;
	v.state = state;
	if (opt->media_tap(opt->media_tap_arg, &v) != 0)
		return cs_err_set(err, "the media dump failed (%s)",
				  crash == UINT32_MAX ? "end of the run" : "a crash state");
	return 0;
}
