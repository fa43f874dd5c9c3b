#include "sim/explore_state.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "faults/crash.h"
#include "reports/jsonb.h"
#include "version.h"

#define XS_FORMAT "csumsim-explore-state"
#define XS_VERSION 2 /* 2: binary, limit, scenario, recovery */

void explore_state_free(struct explore_state *xs)
{
	for (uint32_t i = 0; xs->pt != NULL && i < xs->ncp; i++)
		free(xs->pt[i].acc.fresh);
	free(xs->pt);
	free(xs->scenario);
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

/* The fields of a crash report and of a violation, for writing and reading
 * alike (counts: the oracle counts as one array). */
enum fkind { F_U8, F_U32, F_U64, F_STR, F_COUNTS };
struct field {
	const char *name;
	size_t off, size;
	uint8_t kind;
};
#define FLD(T, m, k) { #m, offsetof(T, m), sizeof(((T *)0)->m), k }
static const struct field cr_fields[] = {
	FLD(struct crash_report, index, F_U32),
	FLD(struct crash_report, time_ns, F_U64),
	FLD(struct crash_report, requests_before, F_U64),
	FLD(struct crash_report, cached_sectors, F_U64),
	FLD(struct crash_report, lost_sectors, F_U64),
	FLD(struct crash_report, inflight_requests, F_U64),
	FLD(struct crash_report, sectors_checked, F_U64),
	FLD(struct crash_report, counts, F_COUNTS),
	FLD(struct crash_report, trigger, F_STR),
	FLD(struct crash_report, states, F_U32),
	FLD(struct crash_report, distinct_states, F_U32),
	FLD(struct crash_report, violating_states, F_U32),
	FLD(struct crash_report, volatile_writes, F_U32),
	FLD(struct crash_report, worst_state, F_STR),
	FLD(struct crash_report, unreadable_sectors, F_U64),
	FLD(struct crash_report, probed_groups, F_U64),
	FLD(struct crash_report, unwritable_groups, F_U64),
	FLD(struct crash_report, failed_mounts, F_U32),
};
static const struct field viol_fields[] = {
	FLD(struct violation, crash, F_U32),
	FLD(struct violation, state, F_U32),
	FLD(struct violation, trigger, F_STR),
	FLD(struct violation, label, F_STR),
	FLD(struct violation, crash_kind, F_U8),
	FLD(struct violation, crash_value, F_U64),
	FLD(struct violation, record_limit, F_U64),
	FLD(struct violation, counts, F_COUNTS),
};
/* crash.recovery: each_write's sums per point, and the violating
 * second-level states kept */
static const struct field rec_fields[] = {
	FLD(struct recovery_crashes, states_run, F_U64),
	FLD(struct recovery_crashes, mount_ios, F_U64),
	FLD(struct recovery_crashes, points, F_U64),
	FLD(struct recovery_crashes, writes, F_U64),
	FLD(struct recovery_crashes, flushes, F_U64),
	FLD(struct recovery_crashes, states, F_U64),
	FLD(struct recovery_crashes, violating, F_U64),
	FLD(struct recovery_crashes, sectors_checked, F_U64),
	FLD(struct recovery_crashes, counts, F_COUNTS),
	FLD(struct recovery_crashes, worst, F_STR),
	FLD(struct recovery_crashes, worst_badness, F_U64),
};
static const struct field rviol_fields[] = {
	FLD(struct recovery_violation, crash, F_U32),
	FLD(struct recovery_violation, state, F_U32),
	FLD(struct recovery_violation, mount_io, F_U64),
	FLD(struct recovery_violation, rstate, F_U32),
	FLD(struct recovery_violation, crash_kind, F_U8),
	FLD(struct recovery_violation, crash_value, F_U64),
	FLD(struct recovery_violation, record_limit, F_U64),
	FLD(struct recovery_violation, label, F_STR),
	FLD(struct recovery_violation, counts, F_COUNTS),
};
#define NF(a) (sizeof(a) / sizeof((a)[0]))

static json_t *fields_obj(struct jb *b, const void *base, const struct field *f, size_t n)
{
	json_t *o = jb_obj(b);

	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = (const unsigned char *)base + f[i].off;
		uint64_t v = 0;

		switch (f[i].kind) {
		case F_STR:
			jb_put(b, o, f[i].name, jb_str(b, (const char *)p));
			continue;
		case F_COUNTS:
			jb_put(b, o, f[i].name, counts_arr(b, (const struct oracle_counts *)(const void *)p));
			continue;
		case F_U8:
			v = *p;
			break;
		case F_U32:
			v = *(const uint32_t *)(const void *)p;
			break;
		default:
			v = *(const uint64_t *)(const void *)p;
			break;
		}
		jb_put(b, o, f[i].name, jb_u64(b, v));
	}
	return o;
}

static json_t *point_obj(struct jb *b, const struct xs_point *p)
{
	const struct point_result *a = &p->acc;
	json_t *o = jb_obj(b), *f = jb_arr(b), *vl = jb_arr(b), *hl = jb_arr(b);

	/* what explore_state_read demands: a state written is a state read */
	assert(p->done == a->cr.states && p->done <= p->space);
	assert(a->cr.distinct_states <= a->cr.states && a->n_fresh == a->cr.distinct_states);
	assert(a->n_viol <= VIOLATIONS_KEPT && a->n_viol <= a->violations);
	assert(a->cr.recovery.n_kept <= RECOVERY_KEPT &&
	       a->cr.recovery.n_kept <= a->cr.recovery.violating);
	jb_put(b, o, "space", jb_u64(b, p->space));
	jb_put(b, o, "done", jb_u64(b, p->done));
	jb_put(b, o, "crash", fields_obj(b, &a->cr, cr_fields, NF(cr_fields)));
	{
		const struct recovery_crashes *r = &a->cr.recovery;
		json_t *rk = jb_arr(b);

		jb_put(b, o, "recovery", fields_obj(b, r, rec_fields, NF(rec_fields)));
		for (uint32_t k = 0; k < r->n_kept; k++)
			jb_push(b, rk, fields_obj(b, &r->kept[k], rviol_fields, NF(rviol_fields)));
		jb_put(b, o, "recovery_kept", rk);
	}
	for (int t = 0; t < FT_COUNT; t++)
		for (int k = 0; k < FO_COUNT; k++)
			jb_push(b, f, jb_u64(b, a->crash_faults.n[t][k]));
	jb_put(b, o, "faults", f);
	jb_put(b, o, "violations", jb_u64(b, a->violations));
	jb_put(b, o, "worst_badness", jb_u64(b, a->worst_badness));
	for (uint32_t v = 0; v < a->n_viol; v++)
		jb_push(b, vl, fields_obj(b, &a->viol[v], viol_fields, NF(viol_fields)));
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
	uint64_t sum = 0;

	for (uint32_t i = 0; i < xs->ncp; i++)
		sum += xs->pt[i].wanted ? xs->pt[i].done : 0;
	assert(sum == xs->explored && xs->explored <= xs->limit);

	jb_put(&b, root, "format", jb_str(&b, XS_FORMAT));
	jb_put(&b, root, "version", jb_u64(&b, XS_VERSION));
	jb_put(&b, root, "csumsim_version", jb_str(&b, CSUMSIM_VERSION));
	jb_put(&b, root, "binary", jb_str(&b, xs->binary));
	jb_put(&b, root, "fingerprint", jb_str(&b, xs->fingerprint));
	jb_put(&b, root, "variant", jb_str(&b, xs->variant));
	{
		/* as text: a seed above 2^63 is no JSON integer jansson reads back */
		char seed[24];

		snprintf(seed, sizeof(seed), "%" PRIu64, xs->seed);
		jb_put(&b, root, "seed", jb_str(&b, seed));
	}
	jb_put(&b, root, "explored", jb_u64(&b, xs->explored));
	jb_put(&b, root, "limit", jb_u64(&b, xs->limit));
	jb_put(&b, root, "scenario", jb_str(&b, xs->scenario != NULL ? xs->scenario : ""));
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

char *explore_scenario_text(const struct scenario *sc, uint32_t only_crash)
{
	struct scenario *c = malloc(sizeof(*c));
	char *yaml, *text;
	size_t n;

	if (c == NULL)
		return NULL;
	*c = *sc;
	/* the budget says how far to go, not what is explored */
	c->crash.budget_kind = SC_BUDGET_NONE;
	c->crash.budget_limit = 0;
	yaml = scenario_to_yaml(c);
	free(c);
	if (yaml == NULL)
		return NULL;
	n = strlen(yaml);
	text = realloc(yaml, n + 32);
	if (text == NULL) {
		free(yaml);
		return NULL;
	}
	if (only_crash == UINT32_MAX)
		snprintf(text + n, 32, "--crash: all\n");
	else
		snprintf(text + n, 32, "--crash: %u\n", only_crash);
	return text;
}

/* FNV-1a, two lanes of different offsets, over the text. */
void explore_fingerprint(const char *text, char out[40])
{
	uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;

	for (const unsigned char *q = (const unsigned char *)text; *q; q++) {
		a = (a ^ *q) * 0x100000001b3ULL;
		b = (b ^ *q) * 0x100000001b3ULL;
		b ^= b >> 29;
	}
	snprintf(out, 40, "%016" PRIx64 "%016" PRIx64, a, b);
}

/* Line `line` (0-based) of a canonical YAML text as a dotted key path
 * (`crash.samples`, `faults.fiu[].point`) and its value: the parents are
 * the last lines of smaller indentation before it. */
static void key_at(const char *text, size_t line, char *path, size_t np, char *val, size_t nv)
{
	char keys[16][64];
	int indent[16], depth = 0;
	size_t l = 0;

	path[0] = val[0] = '\0';
	for (const char *p = text; *p && l <= line; l++) {
		const char *e = strchr(p, '\n'), *k = p, *colon;
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
		int ind;
		bool item = false;

		while (*k == ' ')
			k++;
		if (k[0] == '-' && k[1] == ' ') { /* a list item: its keys sit deeper */
			k += 2;
			item = true;
		}
		ind = (int)(k - p);
		colon = memchr(k, ':', len - (size_t)(k - p));
		if (*k != '#' && colon != NULL && k < p + len) {
			while (depth > 0 && indent[depth - 1] >= ind)
				depth--;
			if (depth < 16) {
				snprintf(keys[depth], sizeof(keys[depth]), "%s%.*s",
					 item && depth > 0 ? "[]." : "", (int)(colon - k), k);
				indent[depth++] = ind;
			}
			if (l == line) {
				const char *v = colon + 1;

				while (*v == ' ')
					v++;
				snprintf(val, nv, "%.*s", (int)(p + len - v), v);
				if (val[0] == '\0') /* its value is the lines below */
					snprintf(val, nv, "(a block)");
			}
		} else if (l == line) {
			snprintf(val, nv, "%.*s", (int)(p + len - k), k);
		}
		p = e != NULL ? e + 1 : p + len;
	}
	for (int d = 0, n = 0; d < depth && (size_t)n < np; d++)
		n += snprintf(path + n, np - (size_t)n, "%s%s",
			      d > 0 && keys[d][0] != '[' ? "." : "", keys[d]);
}

int explore_state_match(const struct explore_state *xs, const char *path,
			const char *scenario_text, const char *binary, struct cs_err *err)
{
	const char *a = xs->scenario != NULL ? xs->scenario : "", *b = scenario_text;
	char key[256], was[96], now[96];
	size_t line = 0;

	if (strcmp(xs->binary, binary) != 0)
		return cs_err_set(err, "--resume: %s was saved by another csumsim binary (%s; this "
				  "one is %s): its results may differ, run without --resume to "
				  "start over", path, xs->binary, binary);
	if (strcmp(a, b) == 0)
		return 0;
	/* the first line that differs, named by its key */
	for (; *a && *a == *b; a++, b++)
		if (*a == '\n')
			line++;
	key_at(xs->scenario, line, key, sizeof(key), was, sizeof(was));
	key_at(scenario_text, line, key, sizeof(key), now, sizeof(now));
	if (strcmp(key, "--trace-contents") == 0)
		return cs_err_set(err, "--resume: %s was saved by a run of another trace: the "
				  "trace file's contents changed since (digest was %s, is %s "
				  "now): run without --resume to start over, or with the trace "
				  "it was made with", path, was[0] ? was : "(none)",
				  now[0] ? now : "(none)");
	return cs_err_set(err, "--resume: %s was saved by a run of another scenario: field '%s' "
			  "was %s, is %s now (the scenario after --set, --seed and --variant; "
			  "only crash.budget may change): run without --resume to start over, "
			  "or with the scenario and options it was made with", path,
			  key[0] ? key : "?", was[0] ? was : "(nothing)", now[0] ? now : "(nothing)");
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

static void get_fields(struct rd *r, const json_t *o, const char *what, void *base,
		       const struct field *f, size_t n)
{
	if (!json_is_object(o)) {
		rd_fail(r, what, "expected an object");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char *p = (unsigned char *)base + f[i].off;

		switch (f[i].kind) {
		case F_STR:
			get_s(r, o, f[i].name, (char *)p, f[i].size);
			break;
		case F_COUNTS:
			get_counts(r, o, f[i].name, (struct oracle_counts *)(void *)p);
			break;
		case F_U8:
			*p = (uint8_t)get_u(r, o, f[i].name, UINT8_MAX);
			break;
		case F_U32:
			*(uint32_t *)(void *)p = (uint32_t)get_u(r, o, f[i].name, UINT32_MAX);
			break;
		default:
			*(uint64_t *)(void *)p = get_u(r, o, f[i].name, INT64_MAX);
			break;
		}
	}
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
	get_fields(r, json_object_get(o, "crash"), "crash", &a->cr, cr_fields, NF(cr_fields));
	{
		struct recovery_crashes *rc = &a->cr.recovery;
		const json_t *rk = json_object_get(o, "recovery_kept");

		get_fields(r, json_object_get(o, "recovery"), "recovery", rc, rec_fields,
			   NF(rec_fields));
		if (!json_is_array(rk) || json_array_size(rk) > RECOVERY_KEPT ||
		    json_array_size(rk) > rc->violating) {
			rd_fail(r, "recovery_kept", "expected at most 16 violations");
			return;
		}
		rc->n_kept = (uint32_t)json_array_size(rk);
		for (uint32_t k = 0; k < rc->n_kept; k++) {
			get_fields(r, json_array_get(rk, k), "recovery_kept", &rc->kept[k],
				   rviol_fields, NF(rviol_fields));
			if (rc->kept[k].crash_kind > CRASH_AT_TIME ||
			    rc->kept[k].mount_io > UINT32_MAX)
				rd_fail(r, "recovery_kept", "crash_kind or mount_io out of range");
		}
	}
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
		get_fields(r, json_array_get(vl, v), "kept", &a->viol[v], viol_fields,
			   NF(viol_fields));
		if (a->viol[v].crash_kind > CRASH_AT_TIME)
			rd_fail(r, "kept", "crash_kind out of range");
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
	get_s(&r, root, "binary", xs->binary, sizeof(xs->binary));
	get_s(&r, root, "fingerprint", xs->fingerprint, sizeof(xs->fingerprint));
	get_s(&r, root, "variant", xs->variant, sizeof(xs->variant));
	{
		char seed[24], *end;

		get_s(&r, root, "seed", seed, sizeof(seed));
		errno = 0;
		xs->seed = strtoull(seed, &end, 10);
		if (!r.bad && (seed[0] < '0' || seed[0] > '9' || *end != '\0' || errno != 0))
			rd_fail(&r, "seed", "expected a decimal seed");
	}
	xs->explored = get_u(&r, root, "explored", INT64_MAX);
	xs->limit = get_u(&r, root, "limit", INT64_MAX);
	if (!r.bad && xs->limit < xs->explored)
		rd_fail(&r, "limit", "below the states explored");
	if (!r.bad) {
		const json_t *t = json_object_get(root, "scenario");
		char fp[40];

		if (!json_is_string(t))
			rd_fail(&r, "scenario", "missing");
		else if ((xs->scenario = strdup(json_string_value(t))) == NULL)
			rd_fail(&r, "scenario", "out of memory");
		else if (explore_fingerprint(xs->scenario, fp), strcmp(fp, xs->fingerprint) != 0)
			rd_fail(&r, "fingerprint", "not that of the scenario saved with it");
	}
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
