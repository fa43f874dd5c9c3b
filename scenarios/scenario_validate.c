/* scenario_validate: rules that span fields, or that --set could break after
 * the loader's own checks. Errors name the file (no line: the value may have
 * come from --set) and the field. */
#include "scenarios/scenario.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/csum.h"

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

	if (c->kind > SC_CRASH_RANDOM)
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
	if (c->cache_loss != 0)
		return BAD("crash.cache_loss", "only 'all' is implemented");
	return 0;
}

int scenario_validate(const struct scenario *s, struct cs_err *err)
{
	const char *where = s->file[0] ? s->file : "scenario";

	if (s->variant[0] == '\0')
		return BAD("variant", "must not be empty");
	if (s->device.sector_size != 512)
		return BAD("device.sector_size", "%u: only 512 is supported (as in the RFC)",
			   s->device.sector_size);
	if (s->device.sectors < 1)
		return BAD("device.sectors", "must be >= 1");
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
	return 0;
}
