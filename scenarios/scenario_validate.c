/* scenario_validate: rules that span fields, or that --set could break after
 * the loader's own checks. Errors name the file (no line: the value may have
 * come from --set) and the field. */
#include "scenarios/scenario.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/csum.h"
#include "scenarios/sc_expect.h"
#include "scenarios/sc_schema.h"

#define BAD(field, ...) cs_err_at(err, where, 0, field, __VA_ARGS__)

static int check_disk(const struct sc_disk *d, const char *p, const char *where,
		      struct cs_err *err)
{
	char f[64];

	if (d->hdd.seek_full_ms < d->hdd.seek_track_ms) {
		snprintf(f, sizeof(f), "%s.hdd.seek_full_ms", p);
		return BAD(f, "%g is below seek_track_ms %g", d->hdd.seek_full_ms,
			   d->hdd.seek_track_ms);
	}
	if (d->hdd.queue_depth < 1) {
		snprintf(f, sizeof(f), "%s.hdd.queue_depth", p);
		return BAD(f, "must be >= 1");
	}
	if (d->ssd.channels < 1) {
		snprintf(f, sizeof(f), "%s.ssd.channels", p);
		return BAD(f, "must be >= 1");
	}
	if (d->hdd.rpm <= 0 || d->hdd.sectors_per_track < 1) {
		snprintf(f, sizeof(f), "%s.hdd", p);
		return BAD(f, "rpm and sectors_per_track must be > 0");
	}
	/* A positive rate below 0.01 MiB/s would make one request outlast the
	 * simulator's clock; 0 means "derived from rpm". */
	if (d->hdd.transfer_mib_s != 0 && !(d->hdd.transfer_mib_s >= 0.01)) {
		snprintf(f, sizeof(f), "%s.hdd.transfer_mib_s", p);
		return BAD(f, "%g: must be 0 (derived from rpm) or at least 0.01",
			   d->hdd.transfer_mib_s);
	}
	if (d->cache.enabled && d->cache.sectors < 1) {
		snprintf(f, sizeof(f), "%s.cache.sectors", p);
		return BAD(f, "an enabled cache needs at least 1 sector");
	}
	return 0;
}

static int check_trace(const struct scenario *s, const char *where, struct cs_err *err)
{
	const struct sc_trace *t = &s->trace;
	const struct sc_generator *g = &t->gen;

	if (t->kind == SC_TRACE_FILE) {
		if (t->path[0] == '\0')
			return BAD("trace", "missing: give trace.file or trace.generator");
		return 0;
	}
	if (g->n_sizes < 1 || g->n_sizes > SC_MAX_SIZES)
		return BAD("trace.generator.sizes", "needs 1 to %d sizes", SC_MAX_SIZES);
	for (uint32_t i = 0; i < g->n_sizes; i++)
		if (g->sizes[i] < 1 || g->sizes[i] > 8192)
			return BAD("trace.generator.sizes",
				   "size %u out of range (must be between 1 and 8192 sectors)",
				   g->sizes[i]);
	if (g->span > s->device.sectors)
		return BAD("trace.generator.span", "%llu is beyond device.sectors %llu",
			   (unsigned long long)g->span, (unsigned long long)s->device.sectors);
	for (uint32_t i = 0; i < g->n_sizes; i++) {
		uint64_t room = g->span ? g->span : s->device.sectors;

		if (g->sizes[i] > room)
			return BAD("trace.generator.sizes", "size %u does not fit in %llu sectors",
				   g->sizes[i], (unsigned long long)room);
	}
	if (g->align < 1)
		return BAD("trace.generator.align", "must be >= 1");
	if (!(g->read_fraction >= 0 && g->read_fraction <= 1))
		return BAD("trace.generator.read_fraction", "must be between 0 and 1");
	if (g->requests < 1)
		return BAD("trace.generator.requests", "must be >= 1");
	return 0;
}

static int check_crash(const struct sc_crash *c, const char *where, struct cs_err *err)
{
	bool points = c->kind == SC_CRASH_AT_TIME || c->kind == SC_CRASH_AT_REQUEST;

	if (c->kind > SC_CRASH_END)
		return BAD("crash.mode", "unknown mode %u", c->kind);
	if (points && c->n_at == 0)
		return BAD("crash.at", "this crash.mode needs at least one point");
	if (!points && c->n_at != 0)
		return BAD("crash.at", "only with crash.mode time or request");
	if (c->n_at > SC_MAX_CRASH_POINTS)
		return BAD("crash.at", "at most %d points", SC_MAX_CRASH_POINTS);
	for (uint32_t i = 1; i < c->n_at; i++)
		if (c->at[i] <= c->at[i - 1])
			return BAD("crash.at", "points must increase (point %u)", i);
	if (c->kind == SC_CRASH_RANDOM && c->random_count < 1)
		return BAD("crash.count", "mode random needs count >= 1");
	if (c->kind != SC_CRASH_RANDOM && c->random_count != 0)
		return BAD("crash.count", "only with crash.mode random");
	if (c->cache_loss > SC_LOSS_KEEP)
		return BAD("crash.cache_loss", "unknown cache loss %u", c->cache_loss);
	if (c->cache_loss == SC_LOSS_KEEP && c->n_keep == 0)
		return BAD("crash.keep", "cache_loss keep needs the list of writes to keep");
	if (c->cache_loss != SC_LOSS_KEEP && c->n_keep != 0)
		return BAD("crash.keep", "only with crash.cache_loss keep");
	if (c->n_keep > SC_MAX_KEEP)
		return BAD("crash.keep", "at most %d writes", SC_MAX_KEEP);
	for (uint32_t i = 1; i < c->n_keep; i++)
		for (uint32_t j = 0; j < i; j++)
			if (c->keep[i] == c->keep[j])
				return BAD("crash.keep", "write %u is listed twice", c->keep[i]);
	if (!(c->keep_probability >= 0 && c->keep_probability <= 1))
		return BAD("crash.keep_probability", "must be between 0 and 1");
	if (c->samples < 1 || c->samples > 100000)
		return BAD("crash.samples", "must be between 1 and 100000");
	if (c->exhaustive_max > 20)
		return BAD("crash.exhaustive_max", "must be at most 20 (2^20 states per crash)");
	if (c->tear > SC_TEAR_SUBSET)
		return BAD("crash.tear", "unknown tear %u", c->tear);
	if (c->shear_bytes != 0 && (c->shear_bytes >= 512 || 512 % c->shear_bytes != 0))
		return BAD("crash.shear_bytes",
			   "%u: must be 0 (off) or a divisor of 512 below 512 (1, 2, 4, ..., 256)",
			   c->shear_bytes);
	if (!(c->idle_hours >= 0) || !isfinite(c->idle_hours))
		return BAD("crash.idle_hours", "must be a finite number >= 0");
	if ((c->recovery_at != 0 || c->recovery_state != UINT32_MAX) &&
	    c->recovery != SC_RECOVERY_EACH_WRITE)
		return BAD(c->recovery_at != 0 ? "crash.recovery_at" : "crash.recovery_state",
			   "picks a crash during recovery: only with crash.recovery: each_write");
	if (c->recovery_at != 0 && c->recovery_points != 0)
		return BAD("crash.recovery_at", "picks one point of the mount: not with "
			   "crash.recovery_points %u", c->recovery_points);
	if (c->recovery_state != UINT32_MAX && c->recovery_at == 0)
		return BAD("crash.recovery_state", "a state of one mount write's crash: give "
			   "crash.recovery_at too");
	if (c->budget_kind != SC_BUDGET_NONE && c->only_state != UINT32_MAX)
		return BAD("crash.budget", "a budget spreads over every state: not with "
			   "crash.state %u (one state)", c->only_state);
	if (c->budget_kind > SC_BUDGET_TIME ||
	    (c->budget_kind == SC_BUDGET_STATES &&
	     (c->budget_limit < 1 || c->budget_limit > SC_BUDGET_MAX_STATES)) ||
	    (c->budget_kind == SC_BUDGET_TIME &&
	     (c->budget_limit < 1 || c->budget_limit > SC_BUDGET_MAX_MS)))
		return BAD("crash.budget", "out of range (1 to 10^12 states, or 1ms to 168h)");
	return 0;
}

bool sc_plain_name(const char *name)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789_-.";

	if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	return strspn(name, ok) == strlen(name);
}

/* One `at` + `count` pair of a one-shot fault event. */
/* A contract replaces the crash section's own choice of states: the two
 * together would leave one of them silently unused. */
/* Any contract key but atomic away from its default. */
static bool contract_extras(const struct sc_contract *k)
{
	return k->shorn || k->reorder != SC_REORDER_ANY || k->flush != SC_HONOURED ||
	       k->fua != SC_HONOURED || k->safe_append;
}

static int check_contract(const struct scenario *s, const char *where, struct cs_err *err)
{
	const struct sc_contract *k = &s->disk.contract;
	const struct sc_contract *ik = &s->imd_disk.contract;

	if (s->imd_disk_set && (ik->atomic != SC_ATOMIC_OFF || contract_extras(ik)))
		return BAD("imd_disk.contract", "set disk.contract: it governs the crash states "
				      "of every device");
	if (k->atomic == SC_ATOMIC_OFF) {
		if (contract_extras(k))
			return BAD("disk.contract.atomic", "the contract needs atomic "
					     "(write, 4k or sector) when shorn, reorder, flush, fua "
					     "or safe_append is set");
		return 0;
	}
	if (k->atomic > SC_ATOMIC_SECTOR || k->reorder > SC_REORDER_WITHIN_EPOCH ||
	    k->flush > SC_IGNORED || k->fua > SC_IGNORED)
		return BAD("disk.contract", "unknown atomic, reorder, flush or fua value");
	if (s->crash.cache_loss != SC_LOSS_ALL && s->crash.cache_loss != SC_LOSS_EXHAUSTIVE)
		return BAD("crash.cache_loss", "%s: with disk.contract the contract decides the "
				     "crash states (cache_loss all or exhaustive)",
			   sc_cache_loss_names[s->crash.cache_loss]);
	if (s->crash.tear != SC_TEAR_NONE || s->crash.shear_bytes != 0)
		return BAD(s->crash.tear != SC_TEAR_NONE ? "crash.tear" : "crash.shear_bytes",
			   "with disk.contract tearing and shearing come from contract.atomic "
			   "and contract.shorn");
	return 0;
}

static int check_one_shot(uint64_t at_ns, uint32_t count, const char *count_field,
			  const char *where, struct cs_err *err)
{
	if (at_ns == UINT64_MAX && count != 0)
		return BAD(count_field, "only with a time in the `at` beside it (it is none)");
	if (at_ns != UINT64_MAX && count == 0)
		return BAD(count_field, "a one-shot event needs count >= 1");
	return 0;
}

/* A power-off period draws its at-rest events one by one: bounded so the
 * run can finish (the written sectors are at most the device's). */
#define MAX_IDLE_EVENTS 1e7

static int check_idle_events(const struct scenario *s, const char *where, struct cs_err *err)
{
	double hours = s->crash.idle_hours, dev = (double)s->device.sectors;

	if (s->faults.rot_rate * dev * hours > MAX_IDLE_EVENTS)
		return BAD("faults.rot.rate", "%g per sector-hour x %.0f sectors x %g idle hours "
			   "is over %.0f expected events: the run could not finish",
			   s->faults.rot_rate, dev, hours, MAX_IDLE_EVENTS);
	if (s->faults.lse_rate * dev * hours > MAX_IDLE_EVENTS)
		return BAD("faults.lse.rate", "%g per sector-hour x %.0f sectors x %g idle hours "
			   "is over %.0f expected events: the run could not finish",
			   s->faults.lse_rate, dev, hours, MAX_IDLE_EVENTS);
	return 0;
}

static int check_faults(const struct sc_faults *f, const char *where, struct cs_err *err)
{
	if (!(f->rot_rate >= 0) || !isfinite(f->rot_rate))
		return BAD("faults.rot.rate", "must be a finite number >= 0");
	if (f->rot_burst < 1 || f->rot_burst > 1024)
		return BAD("faults.rot.burst", "must be between 1 and 1024");
	if (f->rot_bits < 1 || f->rot_bits > 4096)
		return BAD("faults.rot.bits", "must be between 1 and 4096");
	if (f->rot_target > SC_TARGET_HEADERS)
		return BAD("faults.rot.target", "unknown target %u", f->rot_target);
	if (check_one_shot(f->rot_at_ns, f->rot_at_count, "faults.rot.count", where, err) < 0)
		return -1;
	if (!(f->lse_rate >= 0) || !isfinite(f->lse_rate))
		return BAD("faults.lse.rate", "must be a finite number >= 0");
	if (f->lse_target > SC_TARGET_HEADERS)
		return BAD("faults.lse.target", "unknown target %u", f->lse_target);
	if (check_one_shot(f->lse_at_ns, f->lse_at_count, "faults.lse.count", where, err) < 0)
		return -1;
	if (!(f->lost_write_p >= 0 && f->lost_write_p <= 1))
		return BAD("faults.lost_write.probability", "must be between 0 and 1");
	if (!(f->misdirect_p >= 0 && f->misdirect_p <= 1))
		return BAD("faults.misdirect.probability", "must be between 0 and 1");
	return 0;
}

static int check_compare(const struct sc_compare *c, const char *where, struct cs_err *err)
{
	char f[48];

	if (c->n_variants > SC_MAX_COMPARE_VARIANTS)
		return BAD("compare.variants", "at most %d variants", SC_MAX_COMPARE_VARIANTS);
	if (c->n_profiles > SC_MAX_COMPARE_PROFILES)
		return BAD("compare.profiles", "at most %d profiles", SC_MAX_COMPARE_PROFILES);
	for (uint32_t i = 0; i < c->n_variants; i++) {
		snprintf(f, sizeof(f), "compare.variants[%u]", i);
		if (memchr(c->variants[i], '\0', SC_NAME_MAX) == NULL)
			return BAD(f, "longer than %d bytes", SC_NAME_MAX - 1);
		if (c->variants[i][0] == '\0')
			return BAD(f, "must not be empty");
		if (!sc_plain_name(c->variants[i]))
			return BAD(f, "'%s': only letters, digits, '_', '-' and '.' (it names files "
				      "of the comparison)",
				   c->variants[i]);
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(c->variants[i], c->variants[j]) == 0)
				return BAD(f, "'%s' is listed twice", c->variants[i]);
	}
	for (uint32_t i = 0; i < c->n_profiles; i++) {
		snprintf(f, sizeof(f), "compare.profiles[%u]", i);
		if (c->profiles[i] > SC_DISK_RAM)
			return BAD(f, "unknown profile %u", c->profiles[i]);
		for (uint32_t j = 0; j < i; j++)
			if (c->profiles[i] == c->profiles[j])
				return BAD(f, "'%s' is listed twice",
					   sc_profile_names[c->profiles[i]]);
	}
	return 0;
}

static int check_expect(const struct scenario *s, const char *where, struct cs_err *err)
{
	char f[48];

	if (s->n_expect > SC_MAX_EXPECT)
		return BAD("expect", "at most %d expectations", SC_MAX_EXPECT);
	for (uint32_t i = 0; i < s->n_expect; i++) {
		snprintf(f, sizeof(f), "expect[%u]", i);
		if (s->expect[i].metric >= SCM_COUNT)
			return BAD(f, "unknown metric %u", s->expect[i].metric);
		if (s->expect[i].op > SC_OP_GT)
			return BAD(f, "unknown operator %u", s->expect[i].op);
		if (!isfinite(s->expect[i].value))
			return BAD(f, "the value must be a finite number");
	}
	if (s->n_quick > SC_MAX_QUICK)
		return BAD("quick", "at most %d overrides", SC_MAX_QUICK);
	for (uint32_t i = 0; i < s->n_quick; i++) {
		snprintf(f, sizeof(f), "quick[%u]", i);
		if (s->quick[i].key[0] == '\0' || s->quick[i].value[0] == '\0')
			return BAD(f, "needs a key and a value");
	}
	return 0;
}

static int check_sweep(const struct scenario *s, const char *where, struct cs_err *err)
{
	const struct sc_sweep *w = &s->sweep;
	uint64_t points = w->replicas;

	if (w->replicas < 1 || w->replicas > 10000)
		return BAD("sweep.replicas", "must be in 1..10000");
	if (w->n_params > SC_MAX_SWEEP_PARAMS)
		return BAD("sweep.params", "at most %d parameters", SC_MAX_SWEEP_PARAMS);
	for (uint32_t i = 0; i < w->n_params; i++) {
		const struct sc_sweep_param *p = &w->params[i];
		char f[SC_QUICK_KEY_MAX + 16];

		snprintf(f, sizeof(f), "sweep.params.%s", p->key);
		if (p->key[0] == '\0' || p->n_values < 1 || p->n_values > SC_MAX_SWEEP_VALUES)
			return BAD(f, "needs a key and 1..%d values", SC_MAX_SWEEP_VALUES);
		/* Listed seeds are the replicas: two ways of saying it would clash. */
		if (strcmp(p->key, "seed") == 0 && w->replicas > 1)
			return BAD(f, "sweeping the seed and sweep.replicas > 1 say the same "
				      "thing twice; use one of them");
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(w->params[j].key, p->key) == 0)
				return BAD(f, "swept twice");
		points *= p->n_values;
		if (points > SWEEP_MAX_POINTS)
			return BAD("sweep", "more than %u runs", SWEEP_MAX_POINTS);
	}
	if (w->knee_p99_ms > 0) {
		bool scaled = false;

		for (uint32_t i = 0; i < w->n_params; i++)
			scaled = scaled || strcmp(w->params[i].key, "host.time_scale") == 0;
		if (!scaled)
			return BAD("sweep.knee_p99_ms", "the knee needs host.time_scale among "
							"sweep.params");
	}
	return 0;
}

int scenario_validate(const struct scenario *s, struct cs_err *err)
{
	const char *where = s->file[0] ? s->file : "scenario";

	if (s->variant[0] == '\0')
		return BAD("variant", "must not be empty");
	if (check_sweep(s, where, err) != 0)
		return -1;
	if ((s->trace.flush_policy == SC_FLUSHGEN_EVERY_WRITES ||
	     s->trace.flush_policy == SC_FLUSHGEN_EVERY_MS) && !(s->trace.flush_every > 0))
		return BAD("trace.flush_every", "flush_policy %s needs flush_every > 0 (%s)",
			   s->trace.flush_policy == SC_FLUSHGEN_EVERY_MS ? "every_ms" : "every_writes",
			   s->trace.flush_policy == SC_FLUSHGEN_EVERY_MS ? "milliseconds" : "writes");
	if (s->trace.flush_policy == SC_FLUSHGEN_EVERY_MS && s->trace.flush_every < 0.001)
		return BAD("trace.flush_every", "%g ms: every_ms takes at least 0.001 ms (1 us)",
			   s->trace.flush_every);
	if (s->trace.flush_policy == SC_FLUSHGEN_EVERY_WRITES &&
	    s->trace.flush_every != floor(s->trace.flush_every))
		return BAD("trace.flush_every", "%g: every_writes takes a whole number of writes",
			   s->trace.flush_every);
	if (s->device.sector_size != 512)
		return BAD("device.sector_size", "%u: only 512 is supported (as in the RFC)",
			   s->device.sector_size);
	if (s->device.sectors < 1)
		return BAD("device.sectors", "must be >= 1");
	if (s->device.format != SC_DEVFMT_RFC && s->device.format != SC_DEVFMT_NONE)
		return BAD("device.format", "unknown format %u", s->device.format);
	if (s->device.size != SC_DEVSIZE_EXACT && s->device.size != SC_DEVSIZE_GROW)
		return BAD("device.size", "unknown size %u", s->device.size);
	if (s->device.second_target != 0 &&
	    (s->device.second_target % 62 != 0 || s->device.second_target >= s->device.sectors ||
	     s->device.begin != 0))
		return BAD("device.second_target",
			   "must be 0 or a multiple of 62 below device.sectors, with begin 0 (%" PRIu64 ")",
			   s->device.second_target);
	if (s->host.barrier > SC_BARRIER_PASS)
		return BAD("host.barrier", "unknown barrier handling %u", s->host.barrier);
	if (s->device.placement != CSUM_PLACE_SAME && s->device.placement != CSUM_PLACE_SEPARATE)
		return BAD("device.placement", "unknown placement %u", s->device.placement);
	if (s->imd_disk_set && s->device.placement != CSUM_PLACE_SEPARATE)
		return BAD("imd_disk", "only with device.placement: separate "
				       "(with 'same' the imd shares the data disk)");
	if (s->device.placement != CSUM_PLACE_SEPARATE && s->device.imd_offset != 0)
		return BAD("device.imd_offset", "only with device.placement: separate");
	if (check_disk(&s->disk, "disk", where, err) < 0)
		return -1;
	if (s->imd_disk_set && check_disk(&s->imd_disk, "imd_disk", where, err) < 0)
		return -1;
	if (check_trace(s, where, err) < 0)
		return -1;
	if (s->host.queue_depth < 1)
		return BAD("host.queue_depth", "must be >= 1");
	if (!(s->host.time_scale > 0) || !isfinite(s->host.time_scale))
		return BAD("host.time_scale", "must be > 0");
	if (check_crash(&s->crash, where, err) < 0)
		return -1;
	if (check_contract(s, where, err) < 0)
		return -1;
	if (s->n_fiu > SC_MAX_FIU)
		return BAD("faults.fiu", "at most %d points", SC_MAX_FIU);
	for (uint32_t i = 0; i < s->n_fiu; i++) {
		char f[48];

		snprintf(f, sizeof(f), "faults.fiu[%u].point", i);
		if (s->fiu[i].name[0] == '\0')
			return BAD(f, "must not be empty");
		if (s->fiu[i].nth == 0 && !(s->fiu[i].probability >= 0 && s->fiu[i].probability <= 1))
			return BAD(f, "probability must be between 0 and 1");
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(s->fiu[i].name, s->fiu[j].name) == 0)
				return BAD(f, "'%s' is listed twice", s->fiu[i].name);
	}
	if (check_faults(&s->faults, where, err) < 0)
		return -1;
	if (check_idle_events(s, where, err) < 0)
		return -1;
	if (check_compare(&s->compare, where, err) < 0)
		return -1;
	return check_expect(s, where, err);
}
