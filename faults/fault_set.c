/* The fault set: configuration, random streams, the hooks that act as writes
 * reach the media and as sectors are read, the latent-error set, and the
 * ledger's public face. At-rest models live in at_rest.c. */
#include "faults/fault_set_priv.h"
#include "faults/field_priv.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fault_die_oom(const char *what)
{
	/* a run cannot continue consistently without its fault state */
	fprintf(stderr, "csumsim: %s\n", what);
	abort();
}

/* ---- configuration ---------------------------------------------------- */

static int check_cfg(const struct sc_faults *c, const struct fault_env *env, struct cs_err *err)
{
	bool at_rest = c->rot_rate > 0 || c->lse_rate > 0 || c->rot_at_ns != UINT64_MAX ||
		       c->lse_at_ns != UINT64_MAX;

	if (!isfinite(c->rot_rate) || c->rot_rate < 0)
		return cs_err_set(err, "faults.rot.rate: must be a finite rate >= 0");
	if (!isfinite(c->lse_rate) || c->lse_rate < 0)
		return cs_err_set(err, "faults.lse.rate: must be a finite rate >= 0");
	if (!(c->lost_write_p >= 0 && c->lost_write_p <= 1))
		return cs_err_set(err, "faults.lost_write.probability: must be in [0, 1]");
	if (!(c->misdirect_p >= 0 && c->misdirect_p <= 1))
		return cs_err_set(err, "faults.misdirect.probability: must be in [0, 1]");
	if (c->rot_bits < 1 || c->rot_bits > CSUM_SECTOR * 8)
		return cs_err_set(err, "faults.rot.bits: must be in [1, 4096]");
	if (c->rot_burst < 1)
		return cs_err_set(err, "faults.rot.burst: must be >= 1");
	if (c->rot_target > SC_TARGET_HEADERS)
		return cs_err_set(err, "faults.rot.target: unknown target %u", c->rot_target);
	if (c->lse_target > SC_TARGET_HEADERS)
		return cs_err_set(err, "faults.lse.target: unknown target %u", c->lse_target);
	{
		struct field_params fp;

		field_resolve(&c->field, &fp);
		if (c->field.preset > SC_FIELD_CONSUMER_SSD)
			return cs_err_set(err, "faults.field.preset: unknown preset %u",
					  c->field.preset);
		if (field_active(&fp) && (!(fp.drive_tb > 0) || !(fp.accel >= 1) || !(fp.lse_sectors >= 1) ||
		    !(fp.cm_sectors >= 1) || !(fp.repeat >= 0 && fp.repeat < 1) ||
		    !(fp.after_write >= 0 && fp.after_write <= 1) ||
		    !(fp.correlate >= 0 && fp.correlate <= 1) || !isfinite(fp.lse_per_drive_year) ||
		    !isfinite(fp.cm_per_drive_year) || fp.lse_per_drive_year < 0 ||
		    fp.cm_per_drive_year < 0 || !(fp.repeat_hours >= 0)))
			return cs_err_set(err, "faults.field: a parameter is out of range "
					  "(docs/FAULTS.md, field models)");
		at_rest = at_rest || field_active(&fp);
	}
	if (env == NULL || env->n_devs < 1 || env->n_devs > CSUM_MAX_DEVS)
		return cs_err_set(err, "faults: the run has no backing device to act on");
	if (at_rest && (env->media.ops == NULL || env->clock.ops == NULL))
		return cs_err_set(err, "faults: at-rest faults need the run's media and engine");
	if ((c->rot_rate > 0 || c->rot_at_ns != UINT64_MAX) && c->rot_target != SC_TARGET_ANY &&
	    (env->ops == NULL || env->ops->sector_info == NULL))
		return cs_err_set(err, "faults.rot.target: the variant cannot tell its sectors "
				  "apart (no sector_info); use target any");
	if ((c->lse_rate > 0 || c->lse_at_ns != UINT64_MAX) && c->lse_target != SC_TARGET_ANY &&
	    (env->ops == NULL || env->ops->sector_info == NULL))
		return cs_err_set(err, "faults.lse.target: the variant cannot tell its sectors "
				  "apart (no sector_info); use target any");
	return 0;
}

static void on_persist(void *ctx, struct fault_persist *p);
static int on_read(void *ctx, unsigned dev, uint64_t sector);

static void free_streams(struct fault_set *fs)
{
	cs_rng_free(&fs->r_rot);
	cs_rng_free(&fs->r_lse);
	cs_rng_free(&fs->r_lost);
	cs_rng_free(&fs->r_misdirect);
	cs_rng_free(&fs->r_rot_at);
	cs_rng_free(&fs->r_lse_at);
}

struct fault_set *fault_set_new(const struct sc_faults *cfg, uint64_t seed,
				const struct fault_env *env, struct cs_err *err)
{
	struct fault_set *fs;

	if (cfg == NULL) {
		cs_err_set(err, "faults: no configuration");
		return NULL;
	}
	if (check_cfg(cfg, env, err) != 0)
		return NULL;
	fs = calloc(1, sizeof(*fs));
	if (fs == NULL) {
		cs_err_set(err, "faults: out of memory");
		return NULL;
	}
	fs->cfg = *cfg;
	if (fs->cfg.rot_at_count == 0)
		fs->cfg.rot_at_count = 1;
	if (fs->cfg.lse_at_count == 0)
		fs->cfg.lse_at_count = 1;
	fs->seed = seed;
	fs->env = *env;
	fs->hooks.ctx = fs;
	fs->hooks.on_crash = NULL; /* crash states are applied by crash_state_apply */
	fs->hooks.on_persist = on_persist;
	fs->hooks.on_read = on_read;
	u64map_init(&fs->bad, 1);
	ledger_init(&fs->led);
	if (cs_rng_init(&fs->r_rot, seed, "fault:rot") != 0 ||
	    cs_rng_init(&fs->r_lse, seed, "fault:lse") != 0 ||
	    cs_rng_init(&fs->r_lost, seed, "fault:lost") != 0 ||
	    cs_rng_init(&fs->r_misdirect, seed, "fault:misdirect") != 0 ||
	    cs_rng_init(&fs->r_rot_at, seed, "fault:rot_at") != 0 ||
	    cs_rng_init(&fs->r_lse_at, seed, "fault:lse_at") != 0) {
		cs_err_set(err, "faults: out of memory");
		fault_set_free(fs);
		return NULL;
	}
	{
		struct field_params fp;

		field_resolve(&cfg->field, &fp);
		if (field_active(&fp) && (fs->field = field_model_new(&cfg->field, seed)) == NULL) {
			cs_err_set(err, "faults: out of memory");
			fault_set_free(fs);
			return NULL;
		}
	}
	return fs;
}

void fault_set_free(struct fault_set *fs)
{
	if (fs == NULL)
		return;
	free_streams(fs);
	field_model_free(fs->field);
	u64map_free(&fs->bad);
	ledger_free(&fs->led);
	free(fs->idle.keys);
	free(fs);
}

static int clone_rng(struct cs_rng *dst, const struct cs_rng *src)
{
	dst->g = src->g != NULL ? gsl_rng_clone(src->g) : NULL;
	return src->g != NULL && dst->g == NULL ? -1 : 0;
}

struct fault_set *fault_set_clone(const struct fault_set *fs)
{
	struct fault_set *c = calloc(1, sizeof(*c));
	bool ok;

	if (c == NULL)
		return NULL;
	*c = *fs;
	c->hooks.ctx = c;
	c->r_rot.g = c->r_lse.g = c->r_lost.g = c->r_misdirect.g = NULL;
	c->r_rot_at.g = c->r_lse_at.g = NULL;
	c->field = NULL;
	memset(&c->idle, 0, sizeof(c->idle));
	u64map_init(&c->bad, 1);
	ledger_init(&c->led);
	ok = clone_rng(&c->r_rot, &fs->r_rot) == 0 && clone_rng(&c->r_lse, &fs->r_lse) == 0 &&
	     clone_rng(&c->r_lost, &fs->r_lost) == 0 &&
	     clone_rng(&c->r_misdirect, &fs->r_misdirect) == 0 &&
	     clone_rng(&c->r_rot_at, &fs->r_rot_at) == 0 &&
	     clone_rng(&c->r_lse_at, &fs->r_lse_at) == 0 && u64map_clone(&c->bad, &fs->bad) == 0;
	if (ok) {
		ledger_free(&c->led);
		ok = ledger_clone(&c->led, &fs->led) == 0;
		if (!ok)
			ledger_init(&c->led);
	}
	if (ok && fs->field != NULL)
		ok = (c->field = field_model_clone(fs->field)) != NULL;
	if (!ok) {
		fault_set_free(c);
		return NULL;
	}
	/* events armed by the original belong to it */
	c->gen = fs->gen + 1;
	c->armed = 0;
	return c;
}

void fault_set_rebind(struct fault_set *fs, const struct fault_env *env)
{
	fs->env = *env;
}

const struct fault_hooks *fault_set_hooks(struct fault_set *fs)
{
	return &fs->hooks;
}

uint64_t fault_set_injected(const struct fault_set *fs, int type)
{
	if (type < 0 || type >= FT_COUNT)
		return 0;
	return fs->led.injected[type];
}

uint64_t fault_set_target_misses(const struct fault_set *fs)
{
	return fs->target_misses;
}

/* ---- latent errors ---------------------------------------------------- */

int fault_lse_mark(struct fault_set *fs, unsigned dev, uint64_t sector)
{
	uint8_t *v;

	/* fault_key() packs dev and sector: both must fit their bits */
	assert(dev < fs->env.n_devs && sector < (UINT64_C(1) << 60));
	assert(fs->env.dev_sectors[dev] == 0 || sector < fs->env.dev_sectors[dev]);
	v = u64map_put(&fs->bad, fault_key(dev, sector), NULL);

	if (v == NULL)
		return -1;
	if (*v == 0)
		fs->n_bad++;
	*v = 1;
	return 0;
}

void fault_lse_clear(struct fault_set *fs, unsigned dev, uint64_t sector)
{
	uint8_t *v;

	if (fs->n_bad == 0)
		return;
	v = u64map_get(&fs->bad, fault_key(dev, sector));
	if (v != NULL && *v != 0) {
		assert(fs->n_bad > 0); /* n_bad counts the entries that are 1 */
		*v = 0;
		fs->n_bad--;
	}
}

uint64_t fault_set_latent_errors(const struct fault_set *fs)
{
	return fs->n_bad;
}

static int on_read(void *ctx, unsigned dev, uint64_t sector)
{
	const struct fault_set *fs = ctx;
	const uint8_t *v;

	if (fs->n_bad == 0)
		return 0;
	v = u64map_get(&fs->bad, fault_key(dev, sector));
	return v != NULL && *v != 0;
}

/* ---- recording -------------------------------------------------------- */

int fault_dm_of_backing(const struct fault_set *fs, struct dm_ranges *rs, unsigned dev,
			uint64_t sector, uint64_t count)
{
	const struct csum_variant_ops *ops = fs->env.ops;

	if (ops == NULL || ops->sector_info == NULL)
		return 0;
	for (uint64_t i = 0; i < count; i++) {
		struct csum_sector_info si;

		memset(&si, 0, sizeof(si));
		ops->sector_info(fs->env.ctx, dev, sector + i, &si);
		if (si.kind == CSUM_SK_DATA) {
			if (dm_ranges_add(rs, si.first, 1) != 0)
				return -1;
		} else if (si.kind == CSUM_SK_IMD) {
			if (dm_ranges_add(rs, si.first, si.count) != 0)
				return -1;
		}
		/* reserved, journal, bitmap, unused: no user sector directly */
	}
	return 0;
}

int fault_record_ranges(struct fault_set *fs, uint8_t type, struct dm_ranges *rs,
			uint64_t time_ns)
{
	assert(type < FT_COUNT);
	dm_ranges_normalise(rs, fs->env.dm_sectors);
	return ledger_add(&fs->led, type, time_ns, rs, NULL);
}

int fault_set_record(struct fault_set *fs, uint8_t type, unsigned dev, uint64_t sector,
		     uint32_t count, uint64_t time_ns)
{
	struct dm_ranges rs = { 0 };
	int rc = fault_dm_of_backing(fs, &rs, dev, sector, count);

	if (rc == 0)
		rc = fault_record_ranges(fs, type, &rs, time_ns);
	dm_ranges_free(&rs);
	return rc;
}

int fault_set_record_dm(struct fault_set *fs, uint8_t type, uint64_t dm_sector, uint32_t count,
			uint64_t time_ns)
{
	struct dm_ranges rs = { 0 };
	int rc = dm_ranges_add(&rs, dm_sector, count);

	if (rc == 0)
		rc = fault_record_ranges(fs, type, &rs, time_ns);
	dm_ranges_free(&rs);
	return rc;
}

void fault_set_observe_read(struct fault_set *fs, uint64_t dm_sector, uint32_t count,
			    const uint8_t *classes)
{
	if (ledger_observe(&fs->led, dm_sector, count, classes) != 0)
		fault_die_oom("faults: out of memory resolving fault outcomes");
}

int fault_set_waiting(const struct fault_set *fs, uint64_t **out, uint64_t *n)
{
	return ledger_waiting(&fs->led, out, n);
}

void fault_set_outcomes(const struct fault_set *fs, struct fault_outcomes *out)
{
	ledger_outcomes(&fs->led, out);
}

/* ---- writes reaching the media ---------------------------------------- */

/* A start sector for a misdirected write of `count` sectors intended at s on
 * a device of `size` sectors: uniform over the allowed window (the whole
 * device, or within +-distance), the write kept inside the device, never s
 * itself. false when no other place exists. */
static bool misdirect_target(struct cs_rng *r, uint64_t s, uint32_t count, uint64_t size,
			     uint64_t distance, uint64_t *out)
{
	uint64_t lo = 0, hi, n, x;

	assert(count >= 1);
	if (size < count)
		return false;
	hi = size - count; /* last start that keeps the write inside */
	if (distance != 0) {
		lo = s > distance ? s - distance : 0;
		if (s <= hi && hi - s > distance)
			hi = s + distance;
	}
	if (hi < lo)
		return false;
	n = hi - lo + 1;
	if (s >= lo && s <= hi) {
		if (n < 2)
			return false;
		x = lo + cs_rng_below(r, n - 1);
		if (x >= s)
			x++;
	} else {
		x = lo + cs_rng_below(r, n);
	}
	/* inside the device, never the intended place, within the distance */
	assert(x != s && x <= size - count);
	assert(distance == 0 || (x >= s ? x - s : s - x) <= distance);
	*out = x;
	return true;
}

static void on_persist(void *ctx, struct fault_persist *p)
{
	struct fault_set *fs = ctx;
	bool lost = false, misdirect = false;
	uint64_t now = fault_now(fs), target = p->sector;

	if (p->dev >= fs->env.n_devs)
		return;
	/* draw both whatever the other decides: each stream sees every write */
	if (fs->cfg.lost_write_p > 0)
		lost = cs_rng_unit(&fs->r_lost) < fs->cfg.lost_write_p;
	if (fs->cfg.misdirect_p > 0 && cs_rng_unit(&fs->r_misdirect) < fs->cfg.misdirect_p)
		misdirect = misdirect_target(&fs->r_misdirect, p->sector, p->count,
					     fs->env.dev_sectors[p->dev],
					     fs->cfg.misdirect_distance, &target);
	if (lost) {
		p->skip = true;
		if (fault_set_record(fs, FT_LOST_WRITE, p->dev, p->sector, p->count, now) != 0)
			fault_die_oom("faults: out of memory recording a lost write");
		return;
	}
	if (misdirect) {
		struct dm_ranges rs = { 0 };

		if (fault_dm_of_backing(fs, &rs, p->dev, p->sector, p->count) != 0 ||
		    fault_dm_of_backing(fs, &rs, p->dev, target, p->count) != 0 ||
		    fault_record_ranges(fs, FT_MISDIRECT, &rs, now) != 0)
			fault_die_oom("faults: out of memory recording a misdirected write");
		dm_ranges_free(&rs);
		assert(target + p->count <= fs->env.dev_sectors[p->dev]);
		p->sector = target;
	}
	if (fs->field != NULL && !p->skip)
		field_on_persist(fs->field, p->dev, p->sector, p->count);
	/* a sector rewritten is remapped by the drive: its latent error is gone */
	if (fs->n_bad > 0 && !p->skip) {
		for (uint32_t i = 0; i < p->count; i++) {
			if (i < 64 && !((p->persist_mask >> i) & 1))
				continue;
			fault_lse_clear(fs, p->dev, p->sector + i);
		}
	}
}

/* ---- at rest: scheduling ---------------------------------------------- */

int fault_set_start(struct fault_set *fs)
{
	const struct fault_clock *c = &fs->env.clock;

	fs->gen++;
	fs->armed = 0; /* events of an earlier start no longer count */
	if (c->ops == NULL)
		return 0;
	for (int m = 0; m < AR_COUNT; m++)
		if (fault_at_rest_arm(fs, m) != 0)
			return -1;
	if (fs->field != NULL && field_start(fs, fs->field) != 0)
		return -1;
	if (fs->cfg.rot_at_ns != UINT64_MAX && !fs->rot_at_done &&
	    fault_clock_at(c, fs->cfg.rot_at_ns, fault_at_rest_event, fs,
			   fault_event_arg(fs, EV_ROT_AT)) != 0)
		return -1;
	if (fs->cfg.lse_at_ns != UINT64_MAX && !fs->lse_at_done &&
	    fault_clock_at(c, fs->cfg.lse_at_ns, fault_at_rest_event, fs,
			   fault_event_arg(fs, EV_LSE_AT)) != 0)
		return -1;
	return 0;
}

bool fault_set_field(const struct fault_set *fs, struct field_params *p, struct field_stats *st)
{
	if (fs->field == NULL)
		return false;
	if (p != NULL)
		*p = fs->field->p;
	if (st != NULL)
		field_model_stats(fs->field, st);
	return true;
}

void field_exposure_of(const struct fault_set *fs, struct field_exposure *out)
{
	const struct field_model *m = fs->field;

	memset(out, 0, sizeof(*out));
	if (m == NULL)
		return;
	out->on = true;
	snprintf(out->preset, sizeof(out->preset), "%s", field_preset_name(m->p.preset));
	out->tb_years = m->st.tb_ns / FIELD_NS_PER_YEAR * m->p.accel;
	out->lse_per_tb_year = field_lse_episodes_per_tb_year(&m->p);
	out->cm_per_tb_year = field_cm_episodes_per_tb_year(&m->p);
	out->cm_sectors = m->p.cm_sectors;
	for (int k = 0; k < 2; k++) {
		out->episodes[k] = m->st.episodes[k];
		out->followups[k] = m->st.followups[k];
	}
	out->correlated = m->st.correlated;
}
