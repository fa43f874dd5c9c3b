/* Setters of the scenario keys the schema gives a kind of their own:
 * each reads its node (a list, a mapping or a scalar of its own syntax) and
 * checks it whole. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/csum.h"
#include "scenarios/sc_expect.h"
#include "scenarios/sc_load.h"
#include "scenarios/sc_schema.h"
#include "scenarios/sc_value.h"

int ld_set_flush_policy(struct ld *c, const char *path, const yaml_node_t *n)
{
	static const char *const names[] = {"drop", "forward", "default", NULL};
	char why[SC_WHY_MAX];
	int e;

	if (ld_need_scalar(c, n, path) < 0)
		return -1;
	e = sc_parse_enum(ld_scalar(n), names, why);
	if (e < 0)
		return ld_fail(c, n, path, "%s", why);
	_Static_assert(CSUM_FLUSH_DROP == 0 && CSUM_FLUSH_FORWARD == 1, "flush names");
	c->s->flush_policy_set = e != 2;
	c->s->flush_policy = e == 2 ? CSUM_FLUSH_DROP : (uint8_t)e;
	return 0;
}

int ld_set_sizes(struct ld *c, const char *path, yaml_node_t *n)
{
	yaml_node_t *it[SC_MAX_SIZES];
	struct sc_generator *g = &c->s->trace.gen;
	char ipath[SC_ITEM_PATH_LEN], why[SC_WHY_MAX];
	size_t count;
	uint64_t v;

	if (ld_items(c, n, path, it, SC_MAX_SIZES, &count) < 0)
		return -1;
	if (count == 0)
		return ld_fail(c, n, path, "needs at least one size");
	memset(g->sizes, 0, sizeof(g->sizes));
	for (size_t i = 0; i < count; i++) {
		if (ld_item_scalar(c, it[i], path, i, ipath) < 0)
			return -1;
		if (sc_parse_u64(ld_scalar(it[i]), &v, why) < 0)
			return ld_fail(c, it[i], ipath, "%s", why);
		if (v < 1 || v > 8192)
			return ld_fail(c, it[i], ipath, "out of range: %s (must be between 1 and 8192 sectors)",
				    ld_scalar(it[i]));
		g->sizes[i] = (uint32_t)v;
	}
	g->n_sizes = (uint32_t)count;
	return 0;
}

int ld_set_crash_at(struct ld *c, const char *path, yaml_node_t *n)
{
	yaml_node_t *it[SC_MAX_CRASH_POINTS];
	struct sc_crash *cr = &c->s->crash;
	char ipath[SC_ITEM_PATH_LEN], why[SC_WHY_MAX];
	size_t count;
	uint64_t v;

	if (cr->kind != SC_CRASH_AT_TIME && cr->kind != SC_CRASH_AT_REQUEST)
		return ld_fail(c, n, path, "only with crash.mode time or request (mode is %s)",
			    sc_crash_names[cr->kind]);
	if (ld_items(c, n, path, it, SC_MAX_CRASH_POINTS, &count) < 0)
		return -1;
	memset(cr->at, 0, sizeof(cr->at));
	for (size_t i = 0; i < count; i++) {
		if (ld_item_scalar(c, it[i], path, i, ipath) < 0)
			return -1;
		if ((cr->kind == SC_CRASH_AT_TIME ? sc_parse_time_ns(ld_scalar(it[i]), &v, why)
						  : sc_parse_u64(ld_scalar(it[i]), &v, why)) < 0)
			return ld_fail(c, it[i], ipath, "%s", why);
		if (i > 0 && v <= cr->at[i - 1])
			return ld_fail(c, it[i], ipath, "%s is not after the previous point",
				    ld_scalar(it[i]));
		cr->at[i] = v;
	}
	cr->n_at = (uint32_t)count;
	return 0;
}

static int set_fiu_item(struct ld *c, const char *path, yaml_node_t *m, struct sc_fiu_point *fp)
{
	static const struct sc_field prob = {"probability", SCK_F64, 0, 0, NULL, 0, 1, 0};
	static const struct sc_field nth = {"nth", SCK_U64, 0, 0, NULL, 1, HUGE_VAL, 0};
	char kpath[SC_PATH_LEN + 32];
	const yaml_node_t *got_prob = NULL, *got_nth = NULL;
	bool got_point = false;

	if (m->type != YAML_MAPPING_NODE)
		return ld_fail(c, m, path, "expected a mapping {point, probability | nth}, got %s",
			    ld_type_name(m));
	memset(fp, 0, sizeof(*fp));
	for (size_t i = 0; i < ld_n_pairs(m); i++) {
		yaml_node_pair_t *pr = &m->data.mapping.pairs.start[i];
		yaml_node_t *k = ld_node(c, pr->key), *v = ld_node(c, pr->value);
		size_t off;

		if (ld_check_key(c, m, i, path) < 0)
			return -1;
		snprintf(kpath, sizeof(kpath), "%s.%s", path, ld_scalar(k));
		if (strcmp(ld_scalar(k), "point") == 0) {
			if (ld_set_string(c, v, kpath, fp->name, sizeof(fp->name)) < 0)
				return -1;
			if (fp->name[0] == '\0')
				return ld_fail(c, v, kpath, "must not be empty");
			got_point = true;
		} else if (strcmp(ld_scalar(k), "probability") == 0 || strcmp(ld_scalar(k), "nth") == 0) {
			bool is_p = ld_scalar(k)[0] == 'p';

			if (got_prob || got_nth)
				return ld_fail(c, k, kpath, "give probability or nth, not both");
			off = is_p ? (size_t)((unsigned char *)&fp->probability - (unsigned char *)c->s)
				   : (size_t)((unsigned char *)&fp->nth - (unsigned char *)c->s);
			if (ld_set_leaf(c, is_p ? &prob : &nth, off, kpath, v) < 0)
				return -1;
			if (is_p)
				got_prob = v;
			else
				got_nth = v;
		} else {
			return ld_fail(c, k, kpath, "unknown key (accepted: point, probability, nth)");
		}
	}
	if (!got_point)
		return ld_fail(c, m, path, "needs a point name");
	if (!got_prob && !got_nth)
		return ld_fail(c, m, path, "needs probability or nth");
	return 0;
}

int ld_set_fiu(struct ld *c, const char *path, yaml_node_t *n)
{
	yaml_node_t *it[SC_MAX_FIU];
	char ipath[SC_ITEM_PATH_LEN];
	size_t count;

	if (n->type != YAML_SEQUENCE_NODE)
		return ld_fail(c, n, path, "expected a sequence of {point, probability | nth}, got %s",
			    ld_is_null(n) ? "an empty value" : ld_type_name(n));
	if (ld_items(c, n, path, it, SC_MAX_FIU, &count) < 0)
		return -1;
	memset(c->s->fiu, 0, sizeof(c->s->fiu));
	for (size_t i = 0; i < count; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (set_fiu_item(c, ipath, it[i], &c->s->fiu[i]) < 0)
			return -1;
	}
	c->s->n_fiu = (uint32_t)count;
	return 0;
}

/* crash.keep: the indices of the writes that persist, none twice. */
int ld_set_keep(struct ld *c, const char *path, yaml_node_t *n)
{
	yaml_node_t *it[SC_MAX_KEEP];
	struct sc_crash *cr = &c->s->crash;
	char ipath[SC_ITEM_PATH_LEN], why[SC_WHY_MAX];
	size_t count;
	uint64_t v;

	if (cr->cache_loss != SC_LOSS_KEEP)
		return ld_fail(c, n, path, "only with crash.cache_loss keep (cache_loss is %s)",
			    sc_cache_loss_names[cr->cache_loss]);
	if (ld_items(c, n, path, it, SC_MAX_KEEP, &count) < 0)
		return -1;
	if (count == 0)
		return ld_fail(c, n, path,
			    "needs at least one write index (to keep none, use cache_loss all)");
	memset(cr->keep, 0, sizeof(cr->keep));
	for (size_t i = 0; i < count; i++) {
		if (ld_item_scalar(c, it[i], path, i, ipath) < 0)
			return -1;
		if (sc_parse_u64(ld_scalar(it[i]), &v, why) < 0)
			return ld_fail(c, it[i], ipath, "%s", why);
		if (v > UINT32_MAX)
			return ld_fail(c, it[i], ipath, "out of range: %s (max %lu)", ld_scalar(it[i]),
				    (unsigned long)UINT32_MAX);
		for (size_t j = 0; j < i; j++)
			if (cr->keep[j] == v)
				return ld_fail(c, it[i], ipath, "%s is listed twice", ld_scalar(it[i]));
		cr->keep[i] = (uint32_t)v;
	}
	/* A set: kept writes persist in their own order, so one sorted form. */
	for (size_t i = 1; i < count; i++) {
		uint32_t x = cr->keep[i];
		size_t j = i;

		for (; j > 0 && cr->keep[j - 1] > x; j--)
			cr->keep[j] = cr->keep[j - 1];
		cr->keep[j] = x;
	}
	cr->n_keep = (uint32_t)count;
	return 0;
}

/* crash.state: `all`, or the one crash state to run (a reproducer). */
int ld_set_state(struct ld *c, const char *path, const yaml_node_t *n)
{
	char why[SC_WHY_MAX];
	uint64_t v;

	if (ld_need_scalar(c, n, path) < 0)
		return -1;
	if (strcmp(ld_scalar(n), "all") == 0) {
		c->s->crash.only_state = UINT32_MAX;
		return 0;
	}
	if (sc_parse_u64(ld_scalar(n), &v, why) < 0)
		return ld_fail(c, n, path, "expected all or a state number (0-based), got '%s'",
			    ld_scalar(n));
	if (v >= UINT32_MAX)
		return ld_fail(c, n, path, "out of range: %s (must be all or at most %lu)", ld_scalar(n),
			    (unsigned long)UINT32_MAX - 1);
	c->s->crash.only_state = (uint32_t)v;
	return 0;
}

/* crash.budget: none; N or "N states"; or a wall time N followed by ms, s,
 * m or h. Bounded: 1 to 10^12 states, 1 ms to a week. */
int ld_set_budget(struct ld *c, const char *path, const yaml_node_t *n)
{
	static const struct { const char *suffix; uint64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
	};
	char num[32], why[SC_WHY_MAX];
	const char *v, *end;
	uint64_t x;
	size_t len;

	if (ld_need_scalar(c, n, path) < 0)
		return -1;
	v = ld_scalar(n);
	if (strcmp(v, "none") == 0) {
		c->s->crash.budget_kind = SC_BUDGET_NONE;
		c->s->crash.budget_limit = 0;
		return 0;
	}
	for (len = 0; v[len] >= '0' && v[len] <= '9'; len++)
		;
	end = v + len;
	while (*end == ' ')
		end++;
	if (len == 0 || len >= sizeof(num))
		goto bad;
	memcpy(num, v, len);
	num[len] = '\0';
	if (sc_parse_u64(num, &x, why) < 0)
		goto bad;
	if (*end == '\0' || strcmp(end, "states") == 0) {
		if (x < 1 || x > SC_BUDGET_MAX_STATES)
			return ld_fail(c, n, path, "out of range: %s (a count of states from 1 to "
				    "%llu)", v, (unsigned long long)SC_BUDGET_MAX_STATES);
		c->s->crash.budget_kind = SC_BUDGET_STATES;
		c->s->crash.budget_limit = x;
		return 0;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix) != 0)
			continue;
		if (x < 1 || x > SC_BUDGET_MAX_MS / units[i].ms)
			return ld_fail(c, n, path, "out of range: %s (a wall time from 1ms to 168h, "
				    "a week)", v);
		c->s->crash.budget_kind = SC_BUDGET_TIME;
		c->s->crash.budget_limit = x * units[i].ms;
		return 0;
	}
bad:
	return ld_fail(c, n, path, "expected none, a count of states (5000 or '5000 states') or "
		    "a wall time (90s, 10m, 2h, 500ms), got '%s'", v);
}

/* The key `name` beside the key at `path` (faults.rot.at, count ->
 * faults.rot.count) in the scenario; NULL if the schema has no such key. */
void *ld_sibling(struct ld *c, const char *path, const char *name, char *full)
{
	const char *dot = strrchr(path, '.');
	int stem = dot ? (int)(dot - path + 1) : 0;
	size_t off;

	snprintf(full, SC_PATH_LEN, "%.*s%s", stem, path, name);
	if (sc_schema_find(full, &off) == NULL)
		return NULL;
	return (unsigned char *)c->s + off;
}

/* faults.*.at: the time of a one-shot event, or none. Giving a time makes
 * the count 1 unless one is set; none clears it. */
int ld_set_at_opt(struct ld *c, size_t off, const char *path, const yaml_node_t *n)
{
	uint64_t *at = (uint64_t *)(void *)((unsigned char *)c->s + off);
	char why[SC_WHY_MAX], cpath[SC_PATH_LEN];
	uint32_t *count = ld_sibling(c, path, "count", cpath);
	uint64_t v;

	if (ld_need_scalar(c, n, path) < 0)
		return -1;
	if (strcmp(ld_scalar(n), "none") == 0)
		v = UINT64_MAX;
	else if (sc_parse_time_ns(ld_scalar(n), &v, why) < 0)
		return strncmp(why, "not a time", 10) == 0
			       ? ld_fail(c, n, path,
				      "expected none or a time (ns, or a number with ns, us, ms, s, "
				      "min, h, d), got '%s'",
				      ld_scalar(n))
			       : ld_fail(c, n, path, "%s", why);
	*at = v;
	if (count != NULL) {
		if (v == UINT64_MAX)
			*count = 0;
		else if (*count == 0)
			*count = 1;
	}
	return 0;
}

/* compare.variants: names, none empty or repeated, each usable as a file name. */
int ld_set_names(struct ld *c, const char *path, yaml_node_t *n)
{
	yaml_node_t *it[SC_MAX_COMPARE_VARIANTS];
	struct sc_compare *cmp = &c->s->compare;
	char ipath[SC_ITEM_PATH_LEN];
	size_t count;

	if (ld_items(c, n, path, it, SC_MAX_COMPARE_VARIANTS, &count) < 0)
		return -1;
	memset(cmp->variants, 0, sizeof(cmp->variants));
	for (size_t i = 0; i < count; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (ld_set_string(c, it[i], ipath, cmp->variants[i], sizeof(cmp->variants[i])) < 0)
			return -1;
		if (cmp->variants[i][0] == '\0')
			return ld_fail(c, it[i], ipath, "must not be empty");
		if (!sc_plain_name(cmp->variants[i]))
			return ld_fail(c, it[i], ipath,
				    "'%s': only letters, digits, '_', '-' and '.' (it names files "
				    "of the comparison)",
				    cmp->variants[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(cmp->variants[j], cmp->variants[i]) == 0)
				return ld_fail(c, it[i], ipath, "'%s' is listed twice",
					    cmp->variants[i]);
	}
	cmp->n_variants = (uint32_t)count;
	return 0;
}

/* compare.profiles: disk profiles, none repeated. */
int ld_set_profiles(struct ld *c, const char *path, yaml_node_t *n)
{
	yaml_node_t *it[SC_MAX_COMPARE_PROFILES];
	struct sc_compare *cmp = &c->s->compare;
	char ipath[SC_ITEM_PATH_LEN], why[SC_WHY_MAX];
	size_t count;

	if (ld_items(c, n, path, it, SC_MAX_COMPARE_PROFILES, &count) < 0)
		return -1;
	memset(cmp->profiles, 0, sizeof(cmp->profiles));
	for (size_t i = 0; i < count; i++) {
		int e;

		if (ld_item_scalar(c, it[i], path, i, ipath) < 0)
			return -1;
		e = sc_parse_enum(ld_scalar(it[i]), sc_profile_names, why);
		if (e < 0)
			return ld_fail(c, it[i], ipath, "%s", why);
		for (size_t j = 0; j < i; j++)
			if (cmp->profiles[j] == e)
				return ld_fail(c, it[i], ipath, "'%s' is listed twice", ld_scalar(it[i]));
		cmp->profiles[i] = (uint8_t)e;
	}
	cmp->n_profiles = (uint32_t)count;
	return 0;
}


/* One item of `expect`: "METRIC OP NUMBER", or {metric, op, value}. */
static int set_expect_item(struct ld *c, const char *path, yaml_node_t *n, struct sc_expect *e)
{
	char kpath[SC_PATH_LEN + 32], why[SC_EXPECT_WHY], vwhy[SC_WHY_MAX];
	bool got[3] = {false, false, false};

	memset(e, 0, sizeof(*e));
	if (n->type == YAML_SCALAR_NODE) {
		if (ld_need_scalar(c, n, path) < 0)
			return -1;
		if (sc_expect_parse(ld_scalar(n), e, why) < 0)
			return ld_fail(c, n, path, "%s", why);
		return 0;
	}
	if (n->type != YAML_MAPPING_NODE)
		return ld_fail(c, n, path,
			    "expected \"METRIC OP NUMBER\" or {metric, op, value}, got %s",
			    ld_type_name(n));
	for (size_t i = 0; i < ld_n_pairs(n); i++) {
		yaml_node_pair_t *pr = &n->data.mapping.pairs.start[i];
		yaml_node_t *k = ld_node(c, pr->key), *v = ld_node(c, pr->value);
		int x;

		if (ld_check_key(c, n, i, path) < 0)
			return -1;
		snprintf(kpath, sizeof(kpath), "%s.%s", path, ld_scalar(k));
		if (strcmp(ld_scalar(k), "metric") == 0) {
			if (ld_need_scalar(c, v, kpath) < 0)
				return -1;
			if ((x = sc_metric_find(ld_scalar(v), why)) < 0)
				return ld_fail(c, v, kpath, "%s", why);
			e->metric = (uint16_t)x;
			got[0] = true;
		} else if (strcmp(ld_scalar(k), "op") == 0) {
			if (ld_need_scalar(c, v, kpath) < 0)
				return -1;
			if ((x = sc_expect_op_find(ld_scalar(v), why)) < 0)
				return ld_fail(c, v, kpath, "%s", why);
			e->op = (uint8_t)x;
			got[1] = true;
		} else if (strcmp(ld_scalar(k), "value") == 0) {
			if (ld_need_scalar(c, v, kpath) < 0)
				return -1;
			if (sc_parse_f64(ld_scalar(v), &e->value, vwhy) < 0)
				return ld_fail(c, v, kpath, "%s", vwhy);
			got[2] = true;
		} else {
			return ld_fail(c, k, kpath, "unknown key (accepted: metric, op, value)");
		}
	}
	if (!got[0] || !got[1] || !got[2])
		return ld_fail(c, n, path, "needs metric, op and value (missing: %s)",
			    !got[0] ? "metric" : !got[1] ? "op" : "value");
	return 0;
}

/* expect: the list of expectations; it replaces any earlier list. */
int ld_set_expect(struct ld *c, const char *path, yaml_node_t *n)
{
	yaml_node_t *it[SC_MAX_EXPECT];
	struct sc_expect list[SC_MAX_EXPECT];
	char ipath[SC_ITEM_PATH_LEN];
	size_t count;

	if (ld_items(c, n, path, it, SC_MAX_EXPECT, &count) < 0)
		return -1;
	memset(list, 0, sizeof(list));
	for (size_t i = 0; i < count; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (set_expect_item(c, ipath, it[i], &list[i]) < 0)
			return -1;
	}
	memcpy(c->s->expect, list, sizeof(list));
	c->s->n_expect = (uint32_t)count;
	return 0;
}
