#include "sim/explore_state.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "reports/jsonb.h"
#include "version.h"

#define XS_FORMAT "csumsim-explore-state"
#define XS_VERSION 1

void explore_state_free(struct explore_state *xs)
{
	for (uint32_t i = 0; xs->pt != NULL && i < xs->ncp; i++)
		free(xs->pt[i].acc.fresh);
	free(xs->pt);
	memset(xs, 0, sizeof(*xs));
}

/* ---- writing ---- */

static json_t *counts_arr(struct jb *b, const struct oracle_counts *c)
{
	json_t *a = jb_arr(b);

	for (int k = 0; k < ORC_CLASS_COUNT; k++)
		jb_push(b, a, jb_u64(b, c->sectors[k]));
	for (int k = 0; k < ORC_CLASS_COUNT; k++)
		jb_push(b, a, jb_u64(b, c->requests[k]));
	jb_push(b, a, jb_u64(b, c->not_completed));
	return a;
}

static json_t *cr_obj(struct jb *b, const struct crash_report *c)
{
	json_t *o = jb_obj(b);

	jb_put(b, o, "index", jb_u64(b, c->index));
	jb_put(b, o, "time_ns", jb_u64(b, c->time_ns));
	jb_put(b, o, "requests_before", jb_u64(b, c->requests_before));
	jb_put(b, o, "cached_sectors", jb_u64(b, c->cached_sectors));
	jb_put(b, o, "lost_sectors", jb_u64(b, c->lost_sectors));
	jb_put(b, o, "inflight_requests", jb_u64(b, c->inflight_requests));
	jb_put(b, o, "sectors_checked", jb_u64(b, c->sectors_checked));
	jb_put(b, o, "counts", counts_arr(b, &c->counts));
	jb_put(b, o, "trigger", jb_str(b, c->trigger));
	jb_put(b, o, "states", jb_u64(b, c->states));
	jb_put(b, o, "distinct_states", jb_u64(b, c->distinct_states));
	jb_put(b, o, "violating_states", jb_u64(b, c->violating_states));
	jb_put(b, o, "volatile_writes", jb_u64(b, c->volatile_writes));
	jb_put(b, o, "worst_state", jb_str(b, c->worst_state));
	jb_put(b, o, "unreadable_sectors", jb_u64(b, c->unreadable_sectors));
	jb_put(b, o, "probed_groups", jb_u64(b, c->probed_groups));
	jb_put(b, o, "unwritable_groups", jb_u64(b, c->unwritable_groups));
	return o;
}

static json_t *viol_obj(struct jb *b, const struct violation *v)
{
	json_t *o = jb_obj(b);

	jb_put(b, o, "crash", jb_u64(b, v->crash));
	jb_put(b, o, "state", jb_u64(b, v->state));
	jb_put(b, o, "trigger", jb_str(b, v->trigger));
	jb_put(b, o, "label", jb_str(b, v->label));
	jb_put(b, o, "crash_kind", jb_u64(b, v->crash_kind));
	jb_put(b, o, "crash_value", jb_u64(b, v->crash_value));
	jb_put(b, o, "record_limit", jb_u64(b, v->record_limit));
	jb_put(b, o, "counts", counts_arr(b, &v->counts));
	return o;
}

static json_t *point_obj(struct jb *b, const struct xs_point *p)
{
	const struct point_result *a = &p->acc;
	json_t *o = jb_obj(b), *f = jb_arr(b), *vl = jb_arr(b), *hl = jb_arr(b);

	jb_put(b, o, "space", jb_u64(b, p->space));
	jb_put(b, o, "done", jb_u64(b, p->done));
	jb_put(b, o, "crash", cr_obj(b, &a->cr));
	for (int t = 0; t < FT_COUNT; t++)
		for (int k = 0; k < FO_COUNT; k++)
			jb_push(b, f, jb_u64(b, a->crash_faults.n[t][k]));
	jb_put(b, o, "faults", f);
	jb_put(b, o, "violations", jb_u64(b, a->violations));
	jb_put(b, o, "worst_badness", jb_u64(b, a->worst_badness));
	for (uint32_t v = 0; v < a->n_viol; v++)
		jb_push(b, vl, viol_obj(b, &a->viol[v]));
	jb_put(b, o, "kept", vl);
	for (uint64_t h = 0; h < a->n_fresh; h++) {
		char hex[40];

		snprintf(hex, sizeof(hex), "%016" PRIx64 "%016" PRIx64, a->fresh[h].a,
			 a->fresh[h].b);
		jb_push(b, hl, jb_str(b, hex));
	}
	jb_put(b, o, "hashes", hl);
	return o;
}

char *explore_state_text(const struct explore_state *xs)
{
	struct jb b = { 0 };
	json_t *root = jb_obj(&b), *pts = jb_arr(&b);
	char *text, *nl;

	jb_put(&b, root, "format", jb_str(&b, XS_FORMAT));
	jb_put(&b, root, "version", jb_u64(&b, XS_VERSION));
	jb_put(&b, root, "csumsim_version", jb_str(&b, CSUMSIM_VERSION));
	jb_put(&b, root, "fingerprint", jb_str(&b, xs->fingerprint));
	jb_put(&b, root, "variant", jb_str(&b, xs->variant));
	jb_put(&b, root, "seed", jb_u64(&b, xs->seed));
	jb_put(&b, root, "explored", jb_u64(&b, xs->explored));
	for (uint32_t i = 0; i < xs->ncp; i++)
		jb_push(&b, pts, xs->pt[i].wanted ? point_obj(&b, &xs->pt[i]) : jb_null(&b));
	jb_put(&b, root, "points", pts);
	text = jb_dumps(&b, root);
	if (text == NULL)
		return NULL;
	nl = realloc(text, strlen(text) + 2);
	if (nl == NULL) {
		free(text);
		return NULL;
	}
	strcat(nl, "\n");
	return nl;
}

/* FNV-1a, two lanes of different offsets, over the text. */
void explore_fingerprint(const struct scenario *sc, uint32_t only_crash, char out[40])
{
	struct scenario *c = malloc(sizeof(*c));
	uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
	char tail[32];
	char *yaml;

	out[0] = '\0';
	if (c == NULL)
		return;
	*c = *sc;
	/* the budget says how far to go, not what is explored */
	c->crash.budget_kind = SC_BUDGET_NONE;
	c->crash.budget_limit = 0;
	yaml = scenario_to_yaml(c);
	free(c);
	if (yaml == NULL)
		return;
	snprintf(tail, sizeof(tail), "\n--crash %u\n", only_crash);
	for (const char *t[2] = { yaml, tail }, **p = t; p < t + 2; p++)
		for (const unsigned char *q = (const unsigned char *)*p; *q; q++) {
			a = (a ^ *q) * 0x100000001b3ULL;
			b = (b ^ *q) * 0x100000001b3ULL;
			b ^= b >> 29;
		}
	free(yaml);
	snprintf(out, 40, "%016" PRIx64 "%016" PRIx64, a, b);
}

/* ---- reading: every field checked, the file named in each message ---- */

struct rd {
	const char *path;
	struct cs_err *err;
	int bad;
};

static int rd_fail(struct rd *r, const char *field, const char *why)
{
	if (!r->bad)
		cs_err_set(r->err, "%s: field '%s': %s (not a state file of this csumsim? run "
			   "without --resume to start over)", r->path, field, why);
	r->bad = 1;
	return -1;
}

static uint64_t get_u(struct rd *r, const json_t *o, const char *key, uint64_t max)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max) {
		rd_fail(r, key, "missing or out of range");
		return 0;
	}
	return (uint64_t)json_integer_value(v);
}

static void get_s(struct rd *r, const json_t *o, const char *key, char *out, size_t n)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_string(v) || strlen(json_string_value(v)) >= n) {
		rd_fail(r, key, "missing or too long");
		out[0] = '\0';
		return;
	}
	memcpy(out, json_string_value(v), strlen(json_string_value(v)) + 1);
}

static void get_counts(struct rd *r, const json_t *o, const char *key, struct oracle_counts *c)
{
	const json_t *a = json_object_get(o, key);

	if (!json_is_array(a) || json_array_size(a) != 2 * ORC_CLASS_COUNT + 1) {
		rd_fail(r, key, "expected an array of 11 counts");
		return;
	}
	for (size_t k = 0; k < json_array_size(a); k++) {
		const json_t *v = json_array_get(a, k);
		uint64_t x = json_is_integer(v) && json_integer_value(v) >= 0
				     ? (uint64_t)json_integer_value(v) : 0;

		if (!json_is_integer(v) || json_integer_value(v) < 0)
			rd_fail(r, key, "expected counts");
		if (k < ORC_CLASS_COUNT)
			c->sectors[k] = x;
		else if (k < 2 * ORC_CLASS_COUNT)
			c->requests[k - ORC_CLASS_COUNT] = x;
		else
			c->not_completed = x;
	}
}

static void get_cr(struct rd *r, const json_t *o, struct crash_report *c)
{
	if (!json_is_object(o)) {
		rd_fail(r, "crash", "expected an object");
		return;
	}
	c->index = (uint32_t)get_u(r, o, "index", UINT32_MAX);
	c->time_ns = get_u(r, o, "time_ns", INT64_MAX);
	c->requests_before = get_u(r, o, "requests_before", INT64_MAX);
	c->cached_sectors = get_u(r, o, "cached_sectors", INT64_MAX);
	c->lost_sectors = get_u(r, o, "lost_sectors", INT64_MAX);
	c->inflight_requests = get_u(r, o, "inflight_requests", INT64_MAX);
	c->sectors_checked = get_u(r, o, "sectors_checked", INT64_MAX);
	get_counts(r, o, "counts", &c->counts);
	get_s(r, o, "trigger", c->trigger, sizeof(c->trigger));
	c->states = (uint32_t)get_u(r, o, "states", UINT32_MAX);
	c->distinct_states = (uint32_t)get_u(r, o, "distinct_states", UINT32_MAX);
	c->violating_states = (uint32_t)get_u(r, o, "violating_states", UINT32_MAX);
	c->volatile_writes = (uint32_t)get_u(r, o, "volatile_writes", UINT32_MAX);
	get_s(r, o, "worst_state", c->worst_state, sizeof(c->worst_state));
	c->unreadable_sectors = get_u(r, o, "unreadable_sectors", INT64_MAX);
	c->probed_groups = get_u(r, o, "probed_groups", INT64_MAX);
	c->unwritable_groups = get_u(r, o, "unwritable_groups", INT64_MAX);
}

static int get_hex(const char *s, uint64_t *a, uint64_t *b)
{
	uint64_t v[2] = { 0, 0 };

	if (strlen(s) != 32)
		return -1;
	for (int i = 0; i < 32; i++) {
		int c = s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return -1;
		v[i / 16] = v[i / 16] << 4 | (uint64_t)d;
	}
	*a = v[0];
	*b = v[1];
	return 0;
}

static void get_point(struct rd *r, const json_t *o, struct xs_point *p)
{
	struct point_result *a = &p->acc;
	const json_t *f = json_object_get(o, "faults"), *vl = json_object_get(o, "kept"),
		     *hl = json_object_get(o, "hashes");

	p->wanted = true;
	p->space = get_u(r, o, "space", INT64_MAX);
	p->done = get_u(r, o, "done", p->space);
	get_cr(r, json_object_get(o, "crash"), &a->cr);
	if (!json_is_array(f) || json_array_size(f) != FT_COUNT * FO_COUNT) {
		rd_fail(r, "faults", "expected an array of fault outcomes");
		return;
	}
	for (int t = 0; t < FT_COUNT; t++)
		for (int k = 0; k < FO_COUNT; k++) {
			const json_t *v = json_array_get(f, (size_t)(t * FO_COUNT + k));

			if (!json_is_integer(v) || json_integer_value(v) < 0)
				rd_fail(r, "faults", "expected counts");
			else
				a->crash_faults.n[t][k] = (uint64_t)json_integer_value(v);
		}
	a->violations = get_u(r, o, "violations", INT64_MAX);
	a->worst_badness = get_u(r, o, "worst_badness", UINT64_MAX);
	a->crash_states = a->cr.states;
	a->space = p->space;
	if (!json_is_array(vl) || json_array_size(vl) > VIOLATIONS_KEPT ||
	    json_array_size(vl) > a->violations) {
		rd_fail(r, "kept", "expected at most 32 violations");
		return;
	}
	a->n_viol = (uint32_t)json_array_size(vl);
	for (uint32_t v = 0; v < a->n_viol; v++) {
		const json_t *vo = json_array_get(vl, v);
		struct violation *x = &a->viol[v];

		if (!json_is_object(vo)) {
			rd_fail(r, "kept", "expected violations");
			return;
		}
		x->crash = (uint32_t)get_u(r, vo, "crash", UINT32_MAX);
		x->state = (uint32_t)get_u(r, vo, "state", UINT32_MAX);
		get_s(r, vo, "trigger", x->trigger, sizeof(x->trigger));
		get_s(r, vo, "label", x->label, sizeof(x->label));
		x->crash_kind = (uint8_t)get_u(r, vo, "crash_kind", UINT8_MAX);
		x->crash_value = get_u(r, vo, "crash_value", INT64_MAX);
		x->record_limit = get_u(r, vo, "record_limit", INT64_MAX);
		get_counts(r, vo, "counts", &x->counts);
	}
	if (!json_is_array(hl) || json_array_size(hl) != a->cr.distinct_states ||
	    p->done != a->cr.states || a->cr.distinct_states > a->cr.states) {
		rd_fail(r, "hashes", "expected one hash per distinct state");
		return;
	}
	a->n_fresh = json_array_size(hl);
	a->fresh = malloc((a->n_fresh ? a->n_fresh : 1) * sizeof(*a->fresh));
	p->cap_fresh = a->n_fresh;
	if (a->fresh == NULL) {
		rd_fail(r, "hashes", "out of memory");
		return;
	}
	for (uint64_t h = 0; h < a->n_fresh; h++) {
		const json_t *v = json_array_get(hl, h);

		if (!json_is_string(v) ||
		    get_hex(json_string_value(v), &a->fresh[h].a, &a->fresh[h].b) != 0) {
			rd_fail(r, "hashes", "expected 32 hex digits each");
			return;
		}
	}
}

int explore_state_read(struct explore_state *xs, const char *path, struct cs_err *err)
{
	struct rd r = { .path = path, .err = err };
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je), *pts;
	char fmt[32], ver[64];
	uint64_t sum = 0;

	memset(xs, 0, sizeof(*xs));
	if (root == NULL)
		return cs_err_set(err, "%s:%d:%d: cannot read the exploration state: %s", path,
				  je.line, je.column, je.text);
	get_s(&r, root, "format", fmt, sizeof(fmt));
	if (!r.bad && strcmp(fmt, XS_FORMAT) != 0)
		rd_fail(&r, "format", "not " XS_FORMAT);
	if (!r.bad && get_u(&r, root, "version", UINT32_MAX) != XS_VERSION)
		rd_fail(&r, "version", "a state file of another format version");
	get_s(&r, root, "csumsim_version", ver, sizeof(ver));
	if (!r.bad && strcmp(ver, CSUMSIM_VERSION) != 0) {
		cs_err_set(err, "%s: field 'csumsim_version': saved by csumsim %s, this is %s: "
			   "results may differ, run without --resume to start over", path, ver,
			   CSUMSIM_VERSION);
		r.bad = 1;
	}
	get_s(&r, root, "fingerprint", xs->fingerprint, sizeof(xs->fingerprint));
	get_s(&r, root, "variant", xs->variant, sizeof(xs->variant));
	xs->seed = get_u(&r, root, "seed", UINT64_MAX);
	xs->explored = get_u(&r, root, "explored", INT64_MAX);
	pts = json_object_get(root, "points");
	if (!r.bad && (!json_is_array(pts) || json_array_size(pts) >= UINT32_MAX))
		rd_fail(&r, "points", "expected an array");
	if (!r.bad) {
		xs->ncp = (uint32_t)json_array_size(pts);
		xs->pt = calloc(xs->ncp ? xs->ncp : 1, sizeof(*xs->pt));
		if (xs->pt == NULL)
			rd_fail(&r, "points", "out of memory");
	}
	for (uint32_t i = 0; !r.bad && i < xs->ncp; i++) {
		const json_t *o = json_array_get(pts, i);

		if (json_is_null(o))
			continue;
		if (!json_is_object(o)) {
			rd_fail(&r, "points", "expected objects");
			break;
		}
		get_point(&r, o, &xs->pt[i]);
		sum += xs->pt[i].done;
	}
	if (!r.bad && sum != xs->explored)
		rd_fail(&r, "explored", "not the sum of the points' states");
	json_decref(root);
	if (r.bad) {
		explore_state_free(xs);
		return -1;
	}
	xs->loaded = true;
	return 0;
}
