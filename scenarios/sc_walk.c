/* Walking a scenario's YAML document against the schema (sc_schema.c):
 * node helpers, leaf values, and the walk that checks every key of a mapping
 * before applying any, then hands each to its setter. */
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

int ld_fail(struct ld *c, const yaml_node_t *n, const char *field, const char *fmt, ...)
{
	char reason[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (c->file == NULL)
		return cs_err_at(c->err, "--set", 0, field, "%s", reason);
	/* cs_err_at has no column: same shape, with line:col. */
	return cs_err_set(c->err, "%s:%lu:%lu: field '%s': %s", c->file,
			  (unsigned long)n->start_mark.line + 1,
			  (unsigned long)n->start_mark.column + 1, field, reason);
}

const char *ld_type_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	default:
		return "a scalar";
	}
}

const char *ld_scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

bool ld_is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(ld_scalar(n), nulls[i]) == 0)
			return true;
	return false;
}

/* A scalar with a value, or an error naming what was there instead. */
int ld_need_scalar(struct ld *c, const yaml_node_t *n, const char *path)
{
	if (n->type != YAML_SCALAR_NODE)
		return ld_fail(c, n, path, "expected a scalar, got %s", ld_type_name(n));
	if (ld_is_null(n))
		return ld_fail(c, n, path, "needs a value");
	if (strlen(ld_scalar(n)) != n->data.scalar.length)
		return ld_fail(c, n, path, "contains a NUL byte");
	return 0;
}

int ld_item_scalar(struct ld *c, const yaml_node_t *n, const char *path, size_t i,
		   char ipath[SC_ITEM_PATH_LEN])
{
	snprintf(ipath, SC_ITEM_PATH_LEN, "%s[%zu]", path, i);
	return ld_need_scalar(c, n, ipath);
}

yaml_node_t *ld_node(struct ld *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

int ld_child_path(struct ld *c, const yaml_node_t *key, const char *parent, char *out)
{
	int n = parent[0] ? snprintf(out, SC_PATH_LEN, "%s.%s", parent, ld_scalar(key))
			  : snprintf(out, SC_PATH_LEN, "%s", ld_scalar(key));

	if (n < 0 || n >= SC_PATH_LEN)
		return ld_fail(c, key, parent, "key too long");
	return 0;
}

/* Key i of a mapping must be a scalar and not repeat an earlier key. */
int ld_check_key(struct ld *c, const yaml_node_t *map, size_t i, const char *parent)
{
	yaml_node_pair_t *pairs = map->data.mapping.pairs.start;
	const yaml_node_t *k = ld_node(c, pairs[i].key);

	if (k->type != YAML_SCALAR_NODE || ld_is_null(k))
		return ld_fail(c, k, parent[0] ? parent : "(top)", "keys must be plain names, got %s",
			    k->type == YAML_SCALAR_NODE ? "an empty key" : ld_type_name(k));
	for (size_t j = 0; j < i; j++) {
		const yaml_node_t *prev = ld_node(c, pairs[j].key);

		if (prev->type == YAML_SCALAR_NODE && strcmp(ld_scalar(prev), ld_scalar(k)) == 0) {
			char path[SC_PATH_LEN];

			if (ld_child_path(c, k, parent, path) < 0)
				return -1;
			return ld_fail(c, k, path, "duplicate key (first at line %lu)",
				    (unsigned long)prev->start_mark.line + 1);
		}
	}
	return 0;
}

size_t ld_n_pairs(const yaml_node_t *map)
{
	return (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
}

int ld_range_check(struct ld *c, const yaml_node_t *n, const char *path,
		       const struct sc_field *f, double v)
{
	bool pos = f->min > 0 && f->min < 1e-300;

	if (v < f->min || (isfinite(f->max) && v > f->max)) {
		if (pos && isfinite(f->max))
			return ld_fail(c, n, path, "out of range: %s (must be > 0 and <= %.15g)",
				    ld_scalar(n), f->max);
		if (pos)
			return ld_fail(c, n, path, "out of range: %s (must be > 0)", ld_scalar(n));
		if (isfinite(f->max))
			return ld_fail(c, n, path, "out of range: %s (must be between %.15g and %.15g)",
				    ld_scalar(n), f->min, f->max);
		return ld_fail(c, n, path, "out of range: %s (must be >= %.15g)", ld_scalar(n), f->min);
	}
	return 0;
}

int ld_set_string(struct ld *c, const yaml_node_t *n, const char *path, char *dst,
		      size_t size)
{
	size_t len = 0;

	if (n->type != YAML_SCALAR_NODE)
		return ld_fail(c, n, path, "expected a scalar, got %s", ld_type_name(n));
	len = n->data.scalar.length;
	if (strlen(ld_scalar(n)) != len)
		return ld_fail(c, n, path, "contains a NUL byte");
	if (ld_is_null(n))
		len = 0;
	if (len >= size)
		return ld_fail(c, n, path, "too long: %zu bytes (max %zu)", len, size - 1);
	memset(dst, 0, size);
	memcpy(dst, ld_scalar(n), len);
	return 0;
}

/* A scalar leaf into the field at byte offset off of the scenario. */
int ld_set_leaf(struct ld *c, const struct sc_field *f, size_t off, const char *path,
		    const yaml_node_t *n)
{
	unsigned char *p = (unsigned char *)c->s + off;
	char why[SC_WHY_MAX];
	uint64_t u;
	double d;
	int e;

	if (f->kind == SCK_STR)
		return ld_set_string(c, n, path, (char *)p, f->size);
	if (ld_need_scalar(c, n, path) < 0)
		return -1;
	switch (f->kind) {
	case SCK_U64:
	case SCK_U32:
	case SCK_SECTORS:
		if ((f->kind == SCK_SECTORS ? sc_parse_sectors(ld_scalar(n), &u, why)
					    : sc_parse_u64(ld_scalar(n), &u, why)) < 0)
			return ld_fail(c, n, path, "%s", why);
		if (f->kind == SCK_U32 && u > UINT32_MAX)
			return ld_fail(c, n, path, "out of range: %s (max %lu)", ld_scalar(n),
				    (unsigned long)UINT32_MAX);
		/* Compared as integers: 2^56 - 1 is not exact as a double. */
		if (f->kind == SCK_SECTORS && u > SC_MAX_SECTORS)
			return ld_fail(c, n, path, "out of range: %s (max %llu sectors, 2^56 - 1)",
				    ld_scalar(n), (unsigned long long)SC_MAX_SECTORS);
		if (ld_range_check(c, n, path, f, (double)u) < 0)
			return -1;
		if (f->kind == SCK_U32)
			*(uint32_t *)(void *)p = (uint32_t)u;
		else
			*(uint64_t *)(void *)p = u;
		return 0;
	case SCK_F64:
		if ((f->unit_ns > 0 ? sc_parse_duration(ld_scalar(n), f->unit_ns, &d, why)
				    : sc_parse_f64(ld_scalar(n), &d, why)) < 0)
			return ld_fail(c, n, path, "%s", why);
		if (ld_range_check(c, n, path, f, d) < 0)
			return -1;
		*(double *)(void *)p = d;
		return 0;
	case SCK_BOOL:
		if (strcmp(ld_scalar(n), "true") == 0)
			*(bool *)(void *)p = true;
		else if (strcmp(ld_scalar(n), "false") == 0)
			*(bool *)(void *)p = false;
		else
			return ld_fail(c, n, path, "not a boolean: '%s' (accepted: true, false)",
				    ld_scalar(n));
		return 0;
	case SCK_ENUM:
		e = sc_parse_enum(ld_scalar(n), f->names, why);
		if (e < 0)
			return ld_fail(c, n, path, "%s", why);
		*p = (unsigned char)e;
		return 0;
	default:
		return ld_fail(c, n, path, "internal: not a scalar field");
	}
}

/* A sequence's items; a lone scalar counts as a one-item sequence. */
int ld_items(struct ld *c, yaml_node_t *n, const char *path, yaml_node_t **out,
		 size_t max, size_t *count)
{
	if (n->type == YAML_SCALAR_NODE && !ld_is_null(n)) {
		out[0] = n;
		*count = 1;
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return ld_fail(c, n, path, "expected a sequence, got %s",
			    ld_is_null(n) ? "an empty value" : ld_type_name(n));
	*count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (*count > max)
		return ld_fail(c, n, path, "too many items: %zu (max %zu)", *count, max);
	for (size_t i = 0; i < *count; i++)
		out[i] = ld_node(c, n->data.sequence.items.start[i]);
	return 0;
}

bool ld_has_prefix(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '.');
}

/* Checks that need the whole crash mapping: what each mode requires. */
static int crash_complete(struct ld *c, const yaml_node_t *n)
{
	const struct sc_crash *cr = &c->s->crash;

	if ((cr->kind == SC_CRASH_AT_TIME || cr->kind == SC_CRASH_AT_REQUEST) && cr->n_at == 0)
		return ld_fail(c, n, "crash.at", "mode %s needs at least one point",
			    sc_crash_names[cr->kind]);
	if (cr->kind == SC_CRASH_RANDOM && cr->random_count == 0)
		return ld_fail(c, n, "crash.count", "mode random needs count >= 1");
	if (cr->kind != SC_CRASH_RANDOM && cr->random_count != 0)
		return ld_fail(c, n, "crash.count", "only with crash.mode random (mode is %s)",
			    sc_crash_names[cr->kind]);
	if (cr->cache_loss == SC_LOSS_KEEP && cr->n_keep == 0)
		return ld_fail(c, n, "crash.keep", "cache_loss keep needs the list of writes to keep");
	return 0;
}

static bool decides(const char *path)
{
	static const char *const keys[] = {"crash.mode", "crash.cache_loss", "faults.rot.at",
					   "faults.lse.at"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(path, keys[i]) == 0)
			return true;
	return false;
}

int ld_walk_mapping(struct ld *c, const char *path, yaml_node_t *map)
{
	const yaml_node_t *file_key = NULL, *gen_key = NULL;
	size_t count = ld_n_pairs(map), off;
	char child[SC_PATH_LEN];
	bool has_trace = false;

	/* Keys first: every one known and unique, before anything is applied. */
	for (size_t i = 0; i < count; i++) {
		const yaml_node_t *k = ld_node(c, map->data.mapping.pairs.start[i].key);

		if (ld_check_key(c, map, i, path) < 0 || ld_child_path(c, k, path, child) < 0)
			return -1;
		if (sc_schema_find(child, &off) == NULL) {
			char names[600];

			sc_schema_children(path, names, sizeof(names));
			return ld_fail(c, k, child, "unknown key (accepted: %s)", names);
		}
		if (strcmp(child, "trace") == 0)
			has_trace = true;
		if (strcmp(child, "trace.file") == 0)
			file_key = k;
		if (strcmp(child, "trace.generator") == 0)
			gen_key = k;
	}
	if (file_key && gen_key) {
		const yaml_node_t *later =
			file_key->start_mark.index > gen_key->start_mark.index ? file_key : gen_key;

		return ld_fail(c, later, later == file_key ? "trace.file" : "trace.generator",
			    "give trace.file or trace.generator, not both");
	}
	/* Keys that decide how their neighbours read go first, wherever they
	 * stand: crash.mode (at, count), cache_loss (keep), faults.*.at (count). */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < count; i++) {
			yaml_node_pair_t *pr = &map->data.mapping.pairs.start[i];

			ld_child_path(c, ld_node(c, pr->key), path, child);
			if (decides(child) != (pass == 0))
				continue;
			if (ld_apply(c, child, ld_node(c, pr->value)) < 0)
				return -1;
		}
	}
	if (path[0] == '\0' && !has_trace)
		return ld_fail(c, map, "trace", "missing: give trace.file or trace.generator");
	if (strcmp(path, "trace") == 0 && !file_key && !gen_key)
		return ld_fail(c, map, "trace", "give trace.file or trace.generator");
	if (strcmp(path, "crash") == 0)
		return crash_complete(c, map);
	return 0;
}

/* The value node n for the key at `path` (known to the schema). */
int ld_apply(struct ld *c, const char *path, yaml_node_t *n)
{
	size_t off;
	const struct sc_field *f = sc_schema_find(path, &off);
	struct scenario *s = c->s;

	if (f == NULL)
		return ld_fail(c, n, path, "unknown key");
	/* Naming a part of a thing selects it. */
	if (ld_has_prefix(path, "imd_disk"))
		s->imd_disk_set = true;
	if (strcmp(path, "trace.file") == 0 && s->trace.kind != SC_TRACE_FILE) {
		s->trace.kind = SC_TRACE_FILE;
		ld_generator_defaults(&s->trace.gen);
	}
	if (ld_has_prefix(path, "trace.generator") && s->trace.kind != SC_TRACE_GENERATOR) {
		s->trace.kind = SC_TRACE_GENERATOR;
		memset(s->trace.path, 0, sizeof(s->trace.path));
	}

	switch (f->kind) {
	case SCK_SECTION:
	case SCK_DISK:
		if (strcmp(path, "faults.field") == 0 && n->type == YAML_SCALAR_NODE &&
		    !ld_is_null(n))
			/* `faults.field: nearline-hdd` is short for {preset: nearline-hdd} */
			return ld_apply(c, "faults.field.preset", n);
		if (strcmp(path, "crash") == 0 && n->type == YAML_SCALAR_NODE && !ld_is_null(n)) {
			/* `crash: every_flush` is short for {mode: every_flush}. */
			if (ld_apply(c, "crash.mode", n) < 0)
				return -1;
			return crash_complete(c, n);
		}
		if (n->type != YAML_MAPPING_NODE)
			return ld_fail(c, n, path, "expected a mapping, got %s",
				    ld_is_null(n) ? "an empty value" : ld_type_name(n));
		return ld_walk_mapping(c, path, n);
	case SCK_SIZES:
		return ld_set_sizes(c, path, n);
	case SCK_CRASH_AT:
		return ld_set_crash_at(c, path, n);
	case SCK_FIU:
		return ld_set_fiu(c, path, n);
	case SCK_FLUSH:
		return ld_set_flush_policy(c, path, n);
	case SCK_KEEP:
		return ld_set_keep(c, path, n);
	case SCK_STATE:
		return ld_set_state(c, path, n);
	case SCK_BUDGET:
		return ld_set_budget(c, path, n);
	case SCK_AT_OPT:
		return ld_set_at_opt(c, off, path, n);
	case SCK_NAMES:
		return ld_set_names(c, path, n);
	case SCK_PROFILES:
		return ld_set_profiles(c, path, n);
	case SCK_EXPECT:
		return ld_set_expect(c, path, n);
	case SCK_QUICK:
		return ld_set_quick(c, path, n);
	case SCK_SWEEP:
		return ld_set_sweep(c, path, n);
	default:
		break;
	}
	if (strcmp(path, "crash.mode") == 0) {
		uint8_t old = s->crash.kind;

		if (ld_set_leaf(c, f, off, path, n) < 0)
			return -1;
		/* Points and counts mean something else under another mode. */
		if (s->crash.kind != old) {
			memset(s->crash.at, 0, sizeof(s->crash.at));
			s->crash.n_at = 0;
			s->crash.random_count = 0;
		}
		return 0;
	}
	if (strcmp(path, "crash.cache_loss") == 0) {
		uint8_t old = s->crash.cache_loss;

		if (ld_set_leaf(c, f, off, path, n) < 0)
			return -1;
		/* A keep list means nothing under another mode. */
		if (s->crash.cache_loss != old) {
			memset(s->crash.keep, 0, sizeof(s->crash.keep));
			s->crash.n_keep = 0;
		}
		return 0;
	}
	if (strcmp(path, "crash.count") == 0 && s->crash.kind != SC_CRASH_RANDOM)
		return ld_fail(c, n, path, "only with crash.mode random (mode is %s)",
			    sc_crash_names[s->crash.kind]);
	if (ld_has_prefix(path, "faults") && strrchr(path, '.') != NULL &&
	    strcmp(strrchr(path, '.'), ".count") == 0) {
		char apath[SC_PATH_LEN];
		const uint64_t *at = ld_sibling(c, path, "at", apath);

		if (at != NULL && *at == UINT64_MAX)
			return ld_fail(c, n, path, "only with a time in %s (it is none)", apath);
	}
	if (ld_set_leaf(c, f, off, path, n) < 0)
		return -1;
	if (strcmp(path, "crash.shear_bytes") == 0 && s->crash.shear_bytes != 0 &&
	    (s->crash.shear_bytes >= 512 || 512 % s->crash.shear_bytes != 0))
		return ld_fail(c, n, path,
			    "%s: must be 0 (off) or a divisor of 512 below 512 (1, 2, 4, ..., 256)",
			    ld_scalar(n));
	if (strcmp(path, "variant") == 0 && s->variant[0] == '\0')
		return ld_fail(c, n, path, "must not be empty");
	if (strcmp(path, "trace.file") == 0 && s->trace.path[0] == '\0')
		return ld_fail(c, n, path, "must not be empty");
	if (strcmp(path, "trace.actions") == 0) {
		if (s->trace.actions[0] == '\0' ||
		    strspn(s->trace.actions, "ABCDFGIMPQSTUX") != strlen(s->trace.actions))
			return ld_fail(c, n, path,
				    "'%s' is not a set of blkparse action letters (e.g. Q, D, C)",
				    s->trace.actions);
	}
	return 0;
}
