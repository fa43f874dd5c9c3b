/* Expanding a sweep into runs (scenarios/sweep.h). */
#include "scenarios/sweep.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fnv.h"

uint64_t sweep_count(const struct scenario *s)
{
	uint64_t n = s->sweep.replicas ? s->sweep.replicas : 1;

	for (uint32_t i = 0; i < s->sweep.n_params; i++)
		n *= s->sweep.params[i].n_values;
	return n;
}

void sweep_coord_of(const struct scenario *s, uint64_t k, struct sweep_coord *co)
{
	uint32_t r = s->sweep.replicas ? s->sweep.replicas : 1;

	memset(co, 0, sizeof(*co));
	co->replica = (uint32_t)(k % r);
	k /= r;
	for (uint32_t i = s->sweep.n_params; i-- > 0;) {
		co->value[i] = (uint32_t)(k % s->sweep.params[i].n_values);
		k /= s->sweep.params[i].n_values;
	}
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	return cs_fnv_bytes(h, s, strlen(s));
}

/* splitmix64's finaliser: every input bit moves every output bit. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

/* The run's seed depends on the sweep seed and on the run's values (by
 * name, not by position), so adding a value to a list leaves the seeds of
 * the other runs as they were. */
static uint64_t derive_seed(const struct scenario *s, const struct sweep_coord *co)
{
	uint64_t h = CS_FNV_OFFSET;
	char rep[32];

	for (uint32_t i = 0; i < s->sweep.n_params; i++) {
		h = fnv1a(h, s->sweep.params[i].key);
		h = fnv1a(h, "=");
		h = fnv1a(h, s->sweep.params[i].values[co->value[i]]);
		h = fnv1a(h, "\n");
	}
	snprintf(rep, sizeof(rep), "replica=%" PRIu32 "\n", co->replica);
	h = fnv1a(h, rep);
	return mix(s->seed ^ mix(h));
}

static int swept(const struct scenario *s, const char *key)
{
	for (uint32_t i = 0; i < s->sweep.n_params; i++)
		if (strcmp(s->sweep.params[i].key, key) == 0)
			return 1;
	return 0;
}

void sweep_label(const struct scenario *s, const struct sweep_coord *co, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < s->sweep.n_params && len < n; i++) {
		char v[SC_SWEEP_VALUE_MAX];

		sweep_value_text(s->sweep.params[i].values[co->value[i]], v, sizeof(v));
		len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", i ? " " : "",
					s->sweep.params[i].key, v);
	}
	if (len < n && s->sweep.replicas > 1)
		snprintf(buf + len, n - len, "%sreplica=%" PRIu32, len ? " " : "", co->replica);
}

void sweep_value_text(const char *yaml, char *buf, size_t n)
{
	size_t len = strlen(yaml), o = 0;

	if (n == 0)
		return;
	if (len < 2 || yaml[0] != '"' || yaml[len - 1] != '"') {
		snprintf(buf, n, "%s", yaml);
		return;
	}
	/* a double-quoted scalar written by scenario.c: \" \\ and \xHH only */
	for (size_t i = 1; i + 1 < len && o + 1 < n; i++) {
		if (yaml[i] == '\\' && yaml[i + 1] == 'x' && i + 3 < len) {
			unsigned v = 0;

			sscanf(yaml + i + 2, "%2x", &v);
			buf[o++] = (char)v;
			i += 3;
		} else if (yaml[i] == '\\' && i + 2 < len) {
			buf[o++] = yaml[++i];
		} else {
			buf[o++] = yaml[i];
		}
	}
	buf[o] = '\0';
}

int sweep_point(const struct scenario *base, uint64_t k, struct scenario *out,
		struct sweep_coord *co, struct cs_err *err)
{
	uint64_t n = sweep_count(base);
	const char *file = base->file[0] ? base->file : "scenario";
	char label[1024];

	if (k >= n)
		return cs_err_set(err, "%s: no run %" PRIu64 " in this sweep (it has %" PRIu64
				       ": 0..%" PRIu64 ")",
				  file, k, n, n - 1);
	sweep_coord_of(base, k, co);
	sweep_label(base, co, label, sizeof(label));
	*out = *base;
	memset(&out->sweep, 0, sizeof(out->sweep));
	out->sweep.replicas = 1;
	for (uint32_t i = 0; i < base->sweep.n_params; i++) {
		const struct sc_sweep_param *p = &base->sweep.params[i];
		char assign[SC_QUICK_KEY_MAX + SC_SWEEP_VALUE_MAX + 2];

		snprintf(assign, sizeof(assign), "%s=%s", p->key, p->values[co->value[i]]);
		if (scenario_set(out, assign, err) != 0) {
			char msg[sizeof(err->msg)];

			snprintf(msg, sizeof(msg), "%s", err->msg);
			return cs_err_set(err, "%s: sweep run %" PRIu64 " (%s): %s", file, k, label,
					  msg);
		}
	}
	co->seed = swept(base, "seed") ? out->seed : derive_seed(base, co);
	out->seed = co->seed;
	/* NAME.k, the name cut to fit */
	snprintf(out->name, sizeof(out->name), "%.40s.%" PRIu64,
		 base->name[0] ? base->name : "sweep", k);
	if (scenario_validate(out, err) != 0) {
		char msg[sizeof(err->msg)];

		snprintf(msg, sizeof(msg), "%s", err->msg);
		return cs_err_set(err, "sweep run %" PRIu64 " (%s): %s", k, label, msg);
	}
	return 0;
}

uint64_t sweep_fingerprint(const char *scenario_yaml)
{
	return mix(fnv1a(CS_FNV_OFFSET, scenario_yaml));
}
