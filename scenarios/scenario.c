/* Scenario defaults, the YAML loader and --set. Both walk the libyaml
 * document tree against the schema in sc_schema.c; every error carries the
 * node's mark, so it names the file, line and column, and the dotted key. */
#include "scenarios/scenario.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/csum.h"
#include "scenarios/sc_expect.h"
#include "scenarios/sc_schema.h"
#include "scenarios/sc_value.h"

#define PATH_LEN 256
#define MAX_FILE_BYTES (16u << 20)

static void disk_defaults(struct sc_disk *d)
{
	memset(d, 0, sizeof(*d));
	d->profile = SC_DISK_SSD;
	d->hdd = (struct sc_hdd){
		.rpm = 7200, .sectors_per_track = 1000, .seek_track_ms = 0.8,
		.seek_full_ms = 16.0, .transfer_mib_s = 0, .overhead_us = 50,
		.sched = SC_SCHED_CLOOK, .queue_depth = 32, .flush_overhead_us = 100,
	};
	d->ssd = (struct sc_ssd){
		.read_us = 60, .write_us = 20, .read_us_per_kib = 1.5,
		.write_us_per_kib = 3.0, .channels = 8, .flush_us = 500,
	};
	d->ram = (struct sc_ram){.io_us = 1.0, .us_per_kib = 0.1};
	d->cache = (struct sc_cache){
		.enabled = true, .sectors = 16384, .fua = true, .destage_idle_ms = 0,
	};
}

static void generator_defaults(struct sc_generator *g)
{
	memset(g, 0, sizeof(*g));
	g->pattern = SC_GEN_UNIFORM;
	g->requests = 10000;
	g->read_fraction = 0.5;
	g->sizes[0] = 8;
	g->n_sizes = 1;
	g->align = 8;
	g->span = 0;
	g->zipf_theta = 0.99;
	g->zipf_regions = 1024;
	g->interarrival_us = 100;
}

void scenario_defaults(struct scenario *s)
{
	/* Zero everything first: padding and string tails stay zero, so two
	 * equal scenarios compare equal with memcmp. */
	memset(s, 0, sizeof(*s));
	s->seed = 1;
	strcpy(s->variant, "rfc");
	s->flush_policy = CSUM_FLUSH_DROP;
	s->flush_policy_set = false;
	s->device.sectors = 2097152;
	s->device.sector_size = 512;
	s->device.placement = CSUM_PLACE_SAME;
	s->device.size = SC_DEVSIZE_EXACT; /* csum_ctr's lengths (issue 12) */
	disk_defaults(&s->disk);
	disk_defaults(&s->imd_disk);
	s->trace.kind = SC_TRACE_FILE;
	s->trace.format = SC_FMT_AUTO;
	strcpy(s->trace.actions, "Q");
	generator_defaults(&s->trace.gen);
	s->host = (struct sc_host){
		.mode = SC_HOST_OPEN, .time_scale = 1.0, .queue_depth = 1,
		.map_rule = SC_MAP_WRAP, .stage_us = 2.0, .crc_ns_per_byte = 2.0,
	};
	s->crash.kind = SC_CRASH_NONE;
	s->crash.cache_loss = SC_LOSS_ALL;
	s->crash.keep_probability = 0.5;
	s->crash.samples = 1;
	s->crash.exhaustive_max = 10;
	s->crash.tear = SC_TEAR_NONE;
	s->crash.only_state = UINT32_MAX;
	s->crash.recovery_state = UINT32_MAX;
	s->faults.rot_burst = 1;
	s->faults.rot_bits = 1;
	s->faults.rot_target = SC_TARGET_ANY;
	s->faults.rot_at_ns = UINT64_MAX;
	s->faults.lse_target = SC_TARGET_ANY;
	s->faults.lse_at_ns = UINT64_MAX;
	sc_field_unset(&s->faults.field);
	s->output = (struct sc_output){
		.per_request_csv = false, .plots = true, .baseline = true, .progress = true,
		.capacity = true, .capacity_depth = 32,
	};
	s->sweep.replicas = 1;
}

void sc_field_unset(struct sc_field_faults *f)
{
	f->preset = SC_FIELD_NONE;
	f->lse_per_drive_year = f->cm_per_drive_year = f->drive_tb = f->accel = -1;
	f->lse_sectors = f->cm_sectors = f->repeat = f->repeat_hours = -1;
	f->after_write = f->correlate = -1;
	f->span = UINT64_MAX;
}

bool sc_field_key_set(const struct sc_field_faults *f, const char *path)
{
	static const struct {
		const char *key;
		size_t off;
	} dbl[] = {
		{"lse_per_drive_year", offsetof(struct sc_field_faults, lse_per_drive_year)},
		{"cm_per_drive_year", offsetof(struct sc_field_faults, cm_per_drive_year)},
		{"drive_tb", offsetof(struct sc_field_faults, drive_tb)},
		{"accel", offsetof(struct sc_field_faults, accel)},
		{"lse_sectors", offsetof(struct sc_field_faults, lse_sectors)},
		{"cm_sectors", offsetof(struct sc_field_faults, cm_sectors)},
		{"repeat", offsetof(struct sc_field_faults, repeat)},
		{"repeat_hours", offsetof(struct sc_field_faults, repeat_hours)},
		{"after_write", offsetof(struct sc_field_faults, after_write)},
		{"correlate", offsetof(struct sc_field_faults, correlate)},
	};
	const char *k = strncmp(path, "faults.field", 12) == 0 ? path + 12 : NULL;

	if (k == NULL)
		return false;
	if (*k == '\0') { /* the section: shown when anything in it is */
		if (f->preset != SC_FIELD_NONE || f->span != UINT64_MAX)
			return true;
		for (size_t i = 0; i < sizeof(dbl) / sizeof(dbl[0]); i++)
			if (*(const double *)((const unsigned char *)f + dbl[i].off) >= 0)
				return true;
		return false;
	}
	k++;
	if (strcmp(k, "preset") == 0)
		return f->preset != SC_FIELD_NONE;
	if (strcmp(k, "span") == 0)
		return f->span != UINT64_MAX;
	for (size_t i = 0; i < sizeof(dbl) / sizeof(dbl[0]); i++)
		if (strcmp(k, dbl[i].key) == 0)
			return *(const double *)((const unsigned char *)f + dbl[i].off) >= 0;
	return false;
}

bool scenario_is_sweep(const struct scenario *s)
{
	return s->sweep.n_params > 0 || s->sweep.replicas > 1;
}

/* ---- walking the document ---------------------------------------------- */

struct ld {
	struct scenario *s;
	yaml_document_t *doc;
	const char *file; /* NULL: a --set value */
	struct cs_err *err;
};

static int fail(struct ld *c, const yaml_node_t *n, const char *field, const char *fmt, ...)
	CS_PRINTF(4, 5);

static int fail(struct ld *c, const yaml_node_t *n, const char *field, const char *fmt, ...)
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

static const char *type_name(const yaml_node_t *n)
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

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(scalar(n), nulls[i]) == 0)
			return true;
	return false;
}

/* A scalar with a value, or an error naming what was there instead. */
static int need_scalar(struct ld *c, const yaml_node_t *n, const char *path)
{
	if (n->type != YAML_SCALAR_NODE)
		return fail(c, n, path, "expected a scalar, got %s", type_name(n));
	if (is_null(n))
		return fail(c, n, path, "needs a value");
	if (strlen(scalar(n)) != n->data.scalar.length)
		return fail(c, n, path, "contains a NUL byte");
	return 0;
}

static yaml_node_t *node(struct ld *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

static int child_path(struct ld *c, const yaml_node_t *key, const char *parent, char *out)
{
	int n = parent[0] ? snprintf(out, PATH_LEN, "%s.%s", parent, scalar(key))
			  : snprintf(out, PATH_LEN, "%s", scalar(key));

	if (n < 0 || n >= PATH_LEN)
		return fail(c, key, parent, "key too long");
	return 0;
}

/* Key i of a mapping must be a scalar and not repeat an earlier key. */
static int check_key(struct ld *c, const yaml_node_t *map, size_t i, const char *parent)
{
	yaml_node_pair_t *pairs = map->data.mapping.pairs.start;
	const yaml_node_t *k = node(c, pairs[i].key);

	if (k->type != YAML_SCALAR_NODE || is_null(k))
		return fail(c, k, parent[0] ? parent : "(top)", "keys must be plain names, got %s",
			    k->type == YAML_SCALAR_NODE ? "an empty key" : type_name(k));
	for (size_t j = 0; j < i; j++) {
		const yaml_node_t *prev = node(c, pairs[j].key);

		if (prev->type == YAML_SCALAR_NODE && strcmp(scalar(prev), scalar(k)) == 0) {
			char path[PATH_LEN];

			if (child_path(c, k, parent, path) < 0)
				return -1;
			return fail(c, k, path, "duplicate key (first at line %lu)",
				    (unsigned long)prev->start_mark.line + 1);
		}
	}
	return 0;
}

static size_t n_pairs(const yaml_node_t *map)
{
	return (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
}

static int range_check(struct ld *c, const yaml_node_t *n, const char *path,
		       const struct sc_field *f, double v)
{
	bool pos = f->min > 0 && f->min < 1e-300;

	if (v < f->min || (isfinite(f->max) && v > f->max)) {
		if (pos && isfinite(f->max))
			return fail(c, n, path, "out of range: %s (must be > 0 and <= %.15g)",
				    scalar(n), f->max);
		if (pos)
			return fail(c, n, path, "out of range: %s (must be > 0)", scalar(n));
		if (isfinite(f->max))
			return fail(c, n, path, "out of range: %s (must be between %.15g and %.15g)",
				    scalar(n), f->min, f->max);
		return fail(c, n, path, "out of range: %s (must be >= %.15g)", scalar(n), f->min);
	}
	return 0;
}

static int set_string(struct ld *c, const yaml_node_t *n, const char *path, char *dst,
		      size_t size)
{
	size_t len = 0;

	if (n->type != YAML_SCALAR_NODE)
		return fail(c, n, path, "expected a scalar, got %s", type_name(n));
	len = n->data.scalar.length;
	if (strlen(scalar(n)) != len)
		return fail(c, n, path, "contains a NUL byte");
	if (is_null(n))
		len = 0;
	if (len >= size)
		return fail(c, n, path, "too long: %zu bytes (max %zu)", len, size - 1);
	memset(dst, 0, size);
	memcpy(dst, scalar(n), len);
	return 0;
}

/* A scalar leaf into the field at byte offset off of the scenario. */
static int set_leaf(struct ld *c, const struct sc_field *f, size_t off, const char *path,
		    const yaml_node_t *n)
{
	unsigned char *p = (unsigned char *)c->s + off;
	char why[SC_WHY_MAX];
	uint64_t u;
	double d;
	int e;

	if (f->kind == SCK_STR)
		return set_string(c, n, path, (char *)p, f->size);
	if (need_scalar(c, n, path) < 0)
		return -1;
	switch (f->kind) {
	case SCK_U64:
	case SCK_U32:
	case SCK_SECTORS:
		if ((f->kind == SCK_SECTORS ? sc_parse_sectors(scalar(n), &u, why)
					    : sc_parse_u64(scalar(n), &u, why)) < 0)
			return fail(c, n, path, "%s", why);
		if (f->kind == SCK_U32 && u > UINT32_MAX)
			return fail(c, n, path, "out of range: %s (max %lu)", scalar(n),
				    (unsigned long)UINT32_MAX);
		/* Compared as integers: 2^56 - 1 is not exact as a double. */
		if (f->kind == SCK_SECTORS && u > SC_MAX_SECTORS)
			return fail(c, n, path, "out of range: %s (max %llu sectors, 2^56 - 1)",
				    scalar(n), (unsigned long long)SC_MAX_SECTORS);
		if (range_check(c, n, path, f, (double)u) < 0)
			return -1;
		if (f->kind == SCK_U32)
			*(uint32_t *)(void *)p = (uint32_t)u;
		else
			*(uint64_t *)(void *)p = u;
		return 0;
	case SCK_F64:
		if ((f->unit_ns > 0 ? sc_parse_duration(scalar(n), f->unit_ns, &d, why)
				    : sc_parse_f64(scalar(n), &d, why)) < 0)
			return fail(c, n, path, "%s", why);
		if (range_check(c, n, path, f, d) < 0)
			return -1;
		*(double *)(void *)p = d;
		return 0;
	case SCK_BOOL:
		if (strcmp(scalar(n), "true") == 0)
			*(bool *)(void *)p = true;
		else if (strcmp(scalar(n), "false") == 0)
			*(bool *)(void *)p = false;
		else
			return fail(c, n, path, "not a boolean: '%s' (accepted: true, false)",
				    scalar(n));
		return 0;
	case SCK_ENUM:
		e = sc_parse_enum(scalar(n), f->names, why);
		if (e < 0)
			return fail(c, n, path, "%s", why);
		*p = (unsigned char)e;
		return 0;
	default:
		return fail(c, n, path, "internal: not a scalar field");
	}
}

static int set_flush_policy(struct ld *c, const char *path, const yaml_node_t *n)
{
	static const char *const names[] = {"drop", "forward", "default", NULL};
	char why[SC_WHY_MAX];
	int e;

	if (need_scalar(c, n, path) < 0)
		return -1;
	e = sc_parse_enum(scalar(n), names, why);
	if (e < 0)
		return fail(c, n, path, "%s", why);
	_Static_assert(CSUM_FLUSH_DROP == 0 && CSUM_FLUSH_FORWARD == 1, "flush names");
	c->s->flush_policy_set = e != 2;
	c->s->flush_policy = e == 2 ? CSUM_FLUSH_DROP : (uint8_t)e;
	return 0;
}

/* A sequence's items; a lone scalar counts as a one-item sequence. */
static int items(struct ld *c, yaml_node_t *n, const char *path, yaml_node_t **out,
		 size_t max, size_t *count)
{
	if (n->type == YAML_SCALAR_NODE && !is_null(n)) {
		out[0] = n;
		*count = 1;
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, n, path, "expected a sequence, got %s",
			    is_null(n) ? "an empty value" : type_name(n));
	*count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (*count > max)
		return fail(c, n, path, "too many items: %zu (max %zu)", *count, max);
	for (size_t i = 0; i < *count; i++)
		out[i] = node(c, n->data.sequence.items.start[i]);
	return 0;
}

static int set_sizes(struct ld *c, const char *path, yaml_node_t *n)
{
	yaml_node_t *it[SC_MAX_SIZES];
	struct sc_generator *g = &c->s->trace.gen;
	char ipath[PATH_LEN + 16], why[SC_WHY_MAX];
	size_t count;
	uint64_t v;

	if (items(c, n, path, it, SC_MAX_SIZES, &count) < 0)
		return -1;
	if (count == 0)
		return fail(c, n, path, "needs at least one size");
	memset(g->sizes, 0, sizeof(g->sizes));
	for (size_t i = 0; i < count; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (need_scalar(c, it[i], ipath) < 0)
			return -1;
		if (sc_parse_u64(scalar(it[i]), &v, why) < 0)
			return fail(c, it[i], ipath, "%s", why);
		if (v < 1 || v > 8192)
			return fail(c, it[i], ipath, "out of range: %s (must be between 1 and 8192 sectors)",
				    scalar(it[i]));
		g->sizes[i] = (uint32_t)v;
	}
	g->n_sizes = (uint32_t)count;
	return 0;
}

static int set_crash_at(struct ld *c, const char *path, yaml_node_t *n)
{
	yaml_node_t *it[SC_MAX_CRASH_POINTS];
	struct sc_crash *cr = &c->s->crash;
	char ipath[PATH_LEN + 16], why[SC_WHY_MAX];
	size_t count;
	uint64_t v;

	if (cr->kind != SC_CRASH_AT_TIME && cr->kind != SC_CRASH_AT_REQUEST)
		return fail(c, n, path, "only with crash.mode time or request (mode is %s)",
			    sc_crash_names[cr->kind]);
	if (items(c, n, path, it, SC_MAX_CRASH_POINTS, &count) < 0)
		return -1;
	memset(cr->at, 0, sizeof(cr->at));
	for (size_t i = 0; i < count; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (need_scalar(c, it[i], ipath) < 0)
			return -1;
		if ((cr->kind == SC_CRASH_AT_TIME ? sc_parse_time_ns(scalar(it[i]), &v, why)
						  : sc_parse_u64(scalar(it[i]), &v, why)) < 0)
			return fail(c, it[i], ipath, "%s", why);
		if (i > 0 && v <= cr->at[i - 1])
			return fail(c, it[i], ipath, "%s is not after the previous point",
				    scalar(it[i]));
		cr->at[i] = v;
	}
	cr->n_at = (uint32_t)count;
	return 0;
}

static int set_fiu_item(struct ld *c, const char *path, yaml_node_t *m, struct sc_fiu_point *fp)
{
	static const struct sc_field prob = {"probability", SCK_F64, 0, 0, NULL, 0, 1, 0};
	static const struct sc_field nth = {"nth", SCK_U64, 0, 0, NULL, 1, HUGE_VAL, 0};
	char kpath[PATH_LEN + 32];
	const yaml_node_t *got_prob = NULL, *got_nth = NULL;
	bool got_point = false;

	if (m->type != YAML_MAPPING_NODE)
		return fail(c, m, path, "expected a mapping {point, probability | nth}, got %s",
			    type_name(m));
	memset(fp, 0, sizeof(*fp));
	for (size_t i = 0; i < n_pairs(m); i++) {
		yaml_node_pair_t *pr = &m->data.mapping.pairs.start[i];
		yaml_node_t *k = node(c, pr->key), *v = node(c, pr->value);
		size_t off;

		if (check_key(c, m, i, path) < 0)
			return -1;
		snprintf(kpath, sizeof(kpath), "%s.%s", path, scalar(k));
		if (strcmp(scalar(k), "point") == 0) {
			if (set_string(c, v, kpath, fp->name, sizeof(fp->name)) < 0)
				return -1;
			if (fp->name[0] == '\0')
				return fail(c, v, kpath, "must not be empty");
			got_point = true;
		} else if (strcmp(scalar(k), "probability") == 0 || strcmp(scalar(k), "nth") == 0) {
			bool is_p = scalar(k)[0] == 'p';

			if (got_prob || got_nth)
				return fail(c, k, kpath, "give probability or nth, not both");
			off = is_p ? (size_t)((unsigned char *)&fp->probability - (unsigned char *)c->s)
				   : (size_t)((unsigned char *)&fp->nth - (unsigned char *)c->s);
			if (set_leaf(c, is_p ? &prob : &nth, off, kpath, v) < 0)
				return -1;
			if (is_p)
				got_prob = v;
			else
				got_nth = v;
		} else {
			return fail(c, k, kpath, "unknown key (accepted: point, probability, nth)");
		}
	}
	if (!got_point)
		return fail(c, m, path, "needs a point name");
	if (!got_prob && !got_nth)
		return fail(c, m, path, "needs probability or nth");
	return 0;
}

static int set_fiu(struct ld *c, const char *path, yaml_node_t *n)
{
	yaml_node_t *it[SC_MAX_FIU];
	char ipath[PATH_LEN + 16];
	size_t count;

	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, n, path, "expected a sequence of {point, probability | nth}, got %s",
			    is_null(n) ? "an empty value" : type_name(n));
	if (items(c, n, path, it, SC_MAX_FIU, &count) < 0)
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
static int set_keep(struct ld *c, const char *path, yaml_node_t *n)
{
	yaml_node_t *it[SC_MAX_KEEP];
	struct sc_crash *cr = &c->s->crash;
	char ipath[PATH_LEN + 16], why[SC_WHY_MAX];
	size_t count;
	uint64_t v;

	if (cr->cache_loss != SC_LOSS_KEEP)
		return fail(c, n, path, "only with crash.cache_loss keep (cache_loss is %s)",
			    sc_cache_loss_names[cr->cache_loss]);
	if (items(c, n, path, it, SC_MAX_KEEP, &count) < 0)
		return -1;
	if (count == 0)
		return fail(c, n, path,
			    "needs at least one write index (to keep none, use cache_loss all)");
	memset(cr->keep, 0, sizeof(cr->keep));
	for (size_t i = 0; i < count; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (need_scalar(c, it[i], ipath) < 0)
			return -1;
		if (sc_parse_u64(scalar(it[i]), &v, why) < 0)
			return fail(c, it[i], ipath, "%s", why);
		if (v > UINT32_MAX)
			return fail(c, it[i], ipath, "out of range: %s (max %lu)", scalar(it[i]),
				    (unsigned long)UINT32_MAX);
		for (size_t j = 0; j < i; j++)
			if (cr->keep[j] == v)
				return fail(c, it[i], ipath, "%s is listed twice", scalar(it[i]));
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
static int set_state(struct ld *c, const char *path, const yaml_node_t *n)
{
	char why[SC_WHY_MAX];
	uint64_t v;

	if (need_scalar(c, n, path) < 0)
		return -1;
	if (strcmp(scalar(n), "all") == 0) {
		c->s->crash.only_state = UINT32_MAX;
		return 0;
	}
	if (sc_parse_u64(scalar(n), &v, why) < 0)
		return fail(c, n, path, "expected all or a state number (0-based), got '%s'",
			    scalar(n));
	if (v >= UINT32_MAX)
		return fail(c, n, path, "out of range: %s (must be all or at most %lu)", scalar(n),
			    (unsigned long)UINT32_MAX - 1);
	c->s->crash.only_state = (uint32_t)v;
	return 0;
}

/* crash.budget: none; N or "N states"; or a wall time N followed by ms, s,
 * m or h. Bounded: 1 to 10^12 states, 1 ms to a week. */
static int set_budget(struct ld *c, const char *path, const yaml_node_t *n)
{
	static const struct { const char *suffix; uint64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
	};
	char num[32], why[SC_WHY_MAX];
	const char *v, *end;
	uint64_t x;
	size_t len;

	if (need_scalar(c, n, path) < 0)
		return -1;
	v = scalar(n);
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
			return fail(c, n, path, "out of range: %s (a count of states from 1 to "
				    "%llu)", v, (unsigned long long)SC_BUDGET_MAX_STATES);
		c->s->crash.budget_kind = SC_BUDGET_STATES;
		c->s->crash.budget_limit = x;
		return 0;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix) != 0)
			continue;
		if (x < 1 || x > SC_BUDGET_MAX_MS / units[i].ms)
			return fail(c, n, path, "out of range: %s (a wall time from 1ms to 168h, "
				    "a week)", v);
		c->s->crash.budget_kind = SC_BUDGET_TIME;
		c->s->crash.budget_limit = x * units[i].ms;
		return 0;
	}
bad:
	return fail(c, n, path, "expected none, a count of states (5000 or '5000 states') or "
		    "a wall time (90s, 10m, 2h, 500ms), got '%s'", v);
}

/* The key `name` beside the key at `path` (faults.rot.at, count ->
 * faults.rot.count) in the scenario; NULL if the schema has no such key. */
static void *sibling(struct ld *c, const char *path, const char *name, char *full)
{
	const char *dot = strrchr(path, '.');
	int stem = dot ? (int)(dot - path + 1) : 0;
	size_t off;

	snprintf(full, PATH_LEN, "%.*s%s", stem, path, name);
	if (sc_schema_find(full, &off) == NULL)
		return NULL;
	return (unsigned char *)c->s + off;
}

/* faults.*.at: the time of a one-shot event, or none. Giving a time makes
 * the count 1 unless one is set; none clears it. */
static int set_at_opt(struct ld *c, size_t off, const char *path, const yaml_node_t *n)
{
	uint64_t *at = (uint64_t *)(void *)((unsigned char *)c->s + off);
	char why[SC_WHY_MAX], cpath[PATH_LEN];
	uint32_t *count = sibling(c, path, "count", cpath);
	uint64_t v;

	if (need_scalar(c, n, path) < 0)
		return -1;
	if (strcmp(scalar(n), "none") == 0)
		v = UINT64_MAX;
	else if (sc_parse_time_ns(scalar(n), &v, why) < 0)
		return strncmp(why, "not a time", 10) == 0
			       ? fail(c, n, path,
				      "expected none or a time (ns, or a number with ns, us, ms, s, "
				      "min, h, d), got '%s'",
				      scalar(n))
			       : fail(c, n, path, "%s", why);
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
static int set_names(struct ld *c, const char *path, yaml_node_t *n)
{
	yaml_node_t *it[SC_MAX_COMPARE_VARIANTS];
	struct sc_compare *cmp = &c->s->compare;
	char ipath[PATH_LEN + 16];
	size_t count;

	if (items(c, n, path, it, SC_MAX_COMPARE_VARIANTS, &count) < 0)
		return -1;
	memset(cmp->variants, 0, sizeof(cmp->variants));
	for (size_t i = 0; i < count; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (set_string(c, it[i], ipath, cmp->variants[i], sizeof(cmp->variants[i])) < 0)
			return -1;
		if (cmp->variants[i][0] == '\0')
			return fail(c, it[i], ipath, "must not be empty");
		if (!sc_plain_name(cmp->variants[i]))
			return fail(c, it[i], ipath,
				    "'%s': only letters, digits, '_', '-' and '.' (it names files "
				    "of the comparison)",
				    cmp->variants[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(cmp->variants[j], cmp->variants[i]) == 0)
				return fail(c, it[i], ipath, "'%s' is listed twice",
					    cmp->variants[i]);
	}
	cmp->n_variants = (uint32_t)count;
	return 0;
}

/* compare.profiles: disk profiles, none repeated. */
static int set_profiles(struct ld *c, const char *path, yaml_node_t *n)
{
	yaml_node_t *it[SC_MAX_COMPARE_PROFILES];
	struct sc_compare *cmp = &c->s->compare;
	char ipath[PATH_LEN + 16], why[SC_WHY_MAX];
	size_t count;

	if (items(c, n, path, it, SC_MAX_COMPARE_PROFILES, &count) < 0)
		return -1;
	memset(cmp->profiles, 0, sizeof(cmp->profiles));
	for (size_t i = 0; i < count; i++) {
		int e;

		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (need_scalar(c, it[i], ipath) < 0)
			return -1;
		e = sc_parse_enum(scalar(it[i]), sc_profile_names, why);
		if (e < 0)
			return fail(c, it[i], ipath, "%s", why);
		for (size_t j = 0; j < i; j++)
			if (cmp->profiles[j] == e)
				return fail(c, it[i], ipath, "'%s' is listed twice", scalar(it[i]));
		cmp->profiles[i] = (uint8_t)e;
	}
	cmp->n_profiles = (uint32_t)count;
	return 0;
}

static int apply(struct ld *c, const char *path, yaml_node_t *n);
static bool has_prefix(const char *path, const char *prefix);

/* One item of `expect`: "METRIC OP NUMBER", or {metric, op, value}. */
static int set_expect_item(struct ld *c, const char *path, yaml_node_t *n, struct sc_expect *e)
{
	char kpath[PATH_LEN + 32], why[SC_EXPECT_WHY], vwhy[SC_WHY_MAX];
	bool got[3] = {false, false, false};

	memset(e, 0, sizeof(*e));
	if (n->type == YAML_SCALAR_NODE) {
		if (need_scalar(c, n, path) < 0)
			return -1;
		if (sc_expect_parse(scalar(n), e, why) < 0)
			return fail(c, n, path, "%s", why);
		return 0;
	}
	if (n->type != YAML_MAPPING_NODE)
		return fail(c, n, path,
			    "expected \"METRIC OP NUMBER\" or {metric, op, value}, got %s",
			    type_name(n));
	for (size_t i = 0; i < n_pairs(n); i++) {
		yaml_node_pair_t *pr = &n->data.mapping.pairs.start[i];
		yaml_node_t *k = node(c, pr->key), *v = node(c, pr->value);
		int x;

		if (check_key(c, n, i, path) < 0)
			return -1;
		snprintf(kpath, sizeof(kpath), "%s.%s", path, scalar(k));
		if (strcmp(scalar(k), "metric") == 0) {
			if (need_scalar(c, v, kpath) < 0)
				return -1;
			if ((x = sc_metric_find(scalar(v), why)) < 0)
				return fail(c, v, kpath, "%s", why);
			e->metric = (uint16_t)x;
			got[0] = true;
		} else if (strcmp(scalar(k), "op") == 0) {
			if (need_scalar(c, v, kpath) < 0)
				return -1;
			if ((x = sc_expect_op_find(scalar(v), why)) < 0)
				return fail(c, v, kpath, "%s", why);
			e->op = (uint8_t)x;
			got[1] = true;
		} else if (strcmp(scalar(k), "value") == 0) {
			if (need_scalar(c, v, kpath) < 0)
				return -1;
			if (sc_parse_f64(scalar(v), &e->value, vwhy) < 0)
				return fail(c, v, kpath, "%s", vwhy);
			got[2] = true;
		} else {
			return fail(c, k, kpath, "unknown key (accepted: metric, op, value)");
		}
	}
	if (!got[0] || !got[1] || !got[2])
		return fail(c, n, path, "needs metric, op and value (missing: %s)",
			    !got[0] ? "metric" : !got[1] ? "op" : "value");
	return 0;
}

/* expect: the list of expectations; it replaces any earlier list. */
static int set_expect(struct ld *c, const char *path, yaml_node_t *n)
{
	yaml_node_t *it[SC_MAX_EXPECT];
	struct sc_expect list[SC_MAX_EXPECT];
	char ipath[PATH_LEN + 16];
	size_t count;

	if (items(c, n, path, it, SC_MAX_EXPECT, &count) < 0)
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

/* A scalar as YAML text that reads back to the same scalar: plain when
 * nothing in it could mean anything else, else double-quoted. */
static int quick_scalar(const char *v, char *out, size_t size, size_t *len)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789_-.+/";
	bool is_plain = v[0] != '\0' && v[0] != '-' && strspn(v, plain) == strlen(v) &&
			strcmp(v, "null") && strcmp(v, "Null") && strcmp(v, "NULL");

	if (is_plain) {
		if (*len + strlen(v) >= size)
			return -1;
		memcpy(out + *len, v, strlen(v) + 1);
		*len += strlen(v);
		return 0;
	}
	if (*len + 1 >= size)
		return -1;
	out[(*len)++] = '"';
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		char esc[8];
		int k = (*p == '"' || *p == '\\') ? snprintf(esc, sizeof(esc), "\\%c", *p)
			: (*p < 0x20 || *p == 0x7f) ? snprintf(esc, sizeof(esc), "\\x%02X", *p)
						     : snprintf(esc, sizeof(esc), "%c", *p);

		if (*len + (size_t)k + 2 >= size)
			return -1;
		memcpy(out + *len, esc, (size_t)k);
		*len += (size_t)k;
	}
	out[(*len)++] = '"';
	out[*len] = '\0';
	return 0;
}

/* A quick value (a scalar, or a sequence of scalars) as YAML text. */
static int quick_value(struct ld *c, const char *path, yaml_node_t *n, char *out, size_t size)
{
	yaml_node_t *it[SC_MAX_KEEP + 1];
	size_t count, len = 0;

	out[0] = '\0';
	if (n->type == YAML_SCALAR_NODE) {
		if (need_scalar(c, n, path) < 0)
			return -1;
		if (quick_scalar(scalar(n), out, size, &len) < 0)
			return fail(c, n, path, "value too long (max %zu bytes as YAML)", size - 1);
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(c, n, path, "a quick value is a scalar or a list of scalars, got %s",
			    type_name(n));
	if (items(c, n, path, it, SC_MAX_KEEP, &count) < 0)
		return -1;
	out[len++] = '[';
	for (size_t i = 0; i < count; i++) {
		if (it[i]->type != YAML_SCALAR_NODE)
			return fail(c, it[i], path,
				    "a quick value is a scalar or a list of scalars, got %s",
				    type_name(it[i]));
		if (need_scalar(c, it[i], path) < 0)
			return -1;
		if (i > 0) {
			if (len + 2 >= size)
				return fail(c, n, path, "value too long (max %zu bytes as YAML)",
					    size - 1);
			out[len++] = ',';
			out[len++] = ' ';
		}
		if (quick_scalar(scalar(it[i]), out, size, &len) < 0 || len + 2 >= size)
			return fail(c, n, path, "value too long (max %zu bytes as YAML)", size - 1);
	}
	out[len++] = ']';
	out[len] = '\0';
	return 0;
}

/* Tries the overrides of a mapping of --set keys on a copy of the scenario,
 * so a bad one is reported where it stands, at load time. quick: the
 * values in order, on one copy (as quick mode applies them); a sweep: each
 * value of each list on its own fresh copy (values that clash only in
 * combination are caught when the sweep expands). */
static int trial(struct ld *c, yaml_node_t *map, bool each_item)
{
	struct scenario *copy = malloc(sizeof(*copy));
	struct ld t = *c;
	int rc = 0;

	if (copy == NULL)
		return cs_err_set(c->err, "out of memory");
	*copy = *c->s;
	t.s = copy;
	for (size_t i = 0; i < n_pairs(map) && rc == 0; i++) {
		yaml_node_pair_t *pr = &map->data.mapping.pairs.start[i];
		yaml_node_t *v = node(c, pr->value);
		size_t nv = each_item ? (size_t)(v->data.sequence.items.top -
						 v->data.sequence.items.start)
				      : 1;

		for (size_t j = 0; j < nv && rc == 0; j++) {
			if (each_item)
				*copy = *c->s;
			rc = apply(&t, scalar(node(c, pr->key)),
				   each_item ? node(c, v->data.sequence.items.start[j]) : v);
		}
	}
	free(copy);
	return rc;
}

/* quick: {KEY: VALUE, ...}, --set style overrides for quick mode; it
 * replaces any earlier mapping. */
static int set_quick(struct ld *c, const char *path, yaml_node_t *n)
{
	struct sc_quick list[SC_MAX_QUICK];
	char kpath[PATH_LEN + 16];
	size_t count, off;

	if (n->type != YAML_MAPPING_NODE)
		return fail(c, n, path, "expected a mapping of KEY: VALUE (as --set), got %s",
			    is_null(n) ? "an empty value" : type_name(n));
	count = n_pairs(n);
	if (count > SC_MAX_QUICK)
		return fail(c, n, path, "too many overrides: %zu (max %d)", count, SC_MAX_QUICK);
	memset(list, 0, sizeof(list));
	for (size_t i = 0; i < count; i++) {
		yaml_node_pair_t *pr = &n->data.mapping.pairs.start[i];
		yaml_node_t *k = node(c, pr->key);
		const struct sc_field *f;

		if (check_key(c, n, i, path) < 0)
			return -1;
		snprintf(kpath, sizeof(kpath), "%s.%s", path, scalar(k));
		f = sc_schema_find(scalar(k), &off);
		if (f == NULL)
			return fail(c, k, kpath, "unknown key '%s' (a dotted key as --set takes it)",
				    scalar(k));
		if (f->kind == SCK_QUICK)
			return fail(c, k, kpath, "quick cannot override itself");
		if (strlen(scalar(k)) >= SC_QUICK_KEY_MAX)
			return fail(c, k, kpath, "key too long");
		strcpy(list[i].key, scalar(k));
		if (quick_value(c, kpath, node(c, pr->value), list[i].value,
				sizeof(list[i].value)) < 0)
			return -1;
	}
	/* From --set the scenario is whole: try the overrides now. From a file
	 * load_doc tries them once everything else is read. */
	if (c->file == NULL && trial(c, n, false) < 0)
		return -1;
	memcpy(c->s->quick, list, sizeof(list));
	c->s->n_quick = (uint32_t)count;
	return 0;
}

/* sweep.params: {KEY: [VALUE, ...], ...}, keys as --set names them; it
 * replaces any earlier mapping. */
static int set_sweep(struct ld *c, const char *path, yaml_node_t *n)
{
	struct sc_sweep_param *list;
	yaml_node_t *it[SC_MAX_SWEEP_VALUES];
	char kpath[PATH_LEN + 16], ipath[PATH_LEN + 48];
	size_t count, off;
	int rc = -1;

	if (n->type != YAML_MAPPING_NODE)
		return fail(c, n, path,
			    "expected a mapping of KEY: [VALUE, ...] (keys as --set takes them), "
			    "got %s",
			    is_null(n) ? "an empty value" : type_name(n));
	count = n_pairs(n);
	if (count > SC_MAX_SWEEP_PARAMS)
		return fail(c, n, path, "too many parameters: %zu (max %d)", count,
			    SC_MAX_SWEEP_PARAMS);
	list = calloc(SC_MAX_SWEEP_PARAMS, sizeof(*list));
	if (list == NULL)
		return cs_err_set(c->err, "out of memory");
	for (size_t i = 0; i < count; i++) {
		yaml_node_pair_t *pr = &n->data.mapping.pairs.start[i];
		yaml_node_t *k = node(c, pr->key), *v = node(c, pr->value);
		const struct sc_field *f;
		size_t nv;

		if (check_key(c, n, i, path) < 0)
			goto out;
		snprintf(kpath, sizeof(kpath), "%s.%s", path, scalar(k));
		f = sc_schema_find(scalar(k), &off);
		if (f == NULL) {
			fail(c, k, kpath, "unknown key '%s' (a dotted key as --set takes it)",
			     scalar(k));
			goto out;
		}
		if (f->kind == SCK_SECTION || f->kind == SCK_DISK || f->kind == SCK_QUICK ||
		    f->kind == SCK_EXPECT || has_prefix(scalar(k), "sweep")) {
			fail(c, k, kpath, "'%s' cannot be swept (sweep a key that holds a value)",
			     scalar(k));
			goto out;
		}
		if (strlen(scalar(k)) >= SC_QUICK_KEY_MAX) {
			fail(c, k, kpath, "key too long");
			goto out;
		}
		if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top ==
							     v->data.sequence.items.start) {
			fail(c, v, kpath, "expected a list of the values to sweep, e.g. [rfc, fixed], "
					  "got %s",
			     v->type == YAML_SEQUENCE_NODE ? "an empty list"
			     : is_null(v)		   ? "an empty value"
							   : type_name(v));
			goto out;
		}
		if (items(c, v, kpath, it, SC_MAX_SWEEP_VALUES, &nv) < 0)
			goto out;
		strcpy(list[i].key, scalar(k));
		for (size_t j = 0; j < nv; j++) {
			snprintf(ipath, sizeof(ipath), "%s[%zu]", kpath, j);
			if (quick_value(c, ipath, it[j], list[i].values[j],
					sizeof(list[i].values[j])) < 0)
				goto out;
			for (size_t q = 0; q < j; q++)
				if (strcmp(list[i].values[q], list[i].values[j]) == 0) {
					fail(c, it[j], ipath, "value %s listed twice",
					     list[i].values[j]);
					goto out;
				}
		}
		list[i].n_values = (uint32_t)nv;
	}
	/* From --set the scenario is whole: try the values now. From a file
	 * load_doc tries them once everything else is read. */
	if (c->file == NULL && trial(c, n, true) < 0)
		goto out;
	memcpy(c->s->sweep.params, list, SC_MAX_SWEEP_PARAMS * sizeof(*list));
	c->s->sweep.n_params = (uint32_t)count;
	rc = 0;
out:
	free(list);
	return rc;
}

int scenario_apply_quick(struct scenario *s, struct cs_err *err)
{
	char assign[SC_QUICK_KEY_MAX + SC_QUICK_VALUE_MAX + 2];
	const char *where = s->file[0] ? s->file : "scenario";
	struct sc_quick q[SC_MAX_QUICK];
	uint32_t n = s->n_quick;

	memcpy(q, s->quick, sizeof(q)); /* an override may not touch quick, but be sure */
	for (uint32_t i = 0; i < n; i++) {
		snprintf(assign, sizeof(assign), "%.*s=%.*s", SC_QUICK_KEY_MAX - 1, q[i].key,
			 SC_QUICK_VALUE_MAX - 1, q[i].value);
		if (scenario_set(s, assign, err) != 0) {
			char msg[sizeof(err->msg)];
			const char *m = err->msg;

			if (strncmp(m, "--set: ", 7) == 0)
				m += 7;
			snprintf(msg, sizeof(msg), "%s", m);
			return cs_err_set(err, "%s: quick: %s", where, msg);
		}
	}
	return 0;
}

static bool has_prefix(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '.');
}

/* Checks that need the whole crash mapping: what each mode requires. */
static int crash_complete(struct ld *c, const yaml_node_t *n)
{
	const struct sc_crash *cr = &c->s->crash;

	if ((cr->kind == SC_CRASH_AT_TIME || cr->kind == SC_CRASH_AT_REQUEST) && cr->n_at == 0)
		return fail(c, n, "crash.at", "mode %s needs at least one point",
			    sc_crash_names[cr->kind]);
	if (cr->kind == SC_CRASH_RANDOM && cr->random_count == 0)
		return fail(c, n, "crash.count", "mode random needs count >= 1");
	if (cr->kind != SC_CRASH_RANDOM && cr->random_count != 0)
		return fail(c, n, "crash.count", "only with crash.mode random (mode is %s)",
			    sc_crash_names[cr->kind]);
	if (cr->cache_loss == SC_LOSS_KEEP && cr->n_keep == 0)
		return fail(c, n, "crash.keep", "cache_loss keep needs the list of writes to keep");
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

static int walk_mapping(struct ld *c, const char *path, yaml_node_t *map)
{
	const yaml_node_t *file_key = NULL, *gen_key = NULL;
	size_t count = n_pairs(map), off;
	char child[PATH_LEN];
	bool has_trace = false;

	/* Keys first: every one known and unique, before anything is applied. */
	for (size_t i = 0; i < count; i++) {
		const yaml_node_t *k = node(c, map->data.mapping.pairs.start[i].key);

		if (check_key(c, map, i, path) < 0 || child_path(c, k, path, child) < 0)
			return -1;
		if (sc_schema_find(child, &off) == NULL) {
			char names[600];

			sc_schema_children(path, names, sizeof(names));
			return fail(c, k, child, "unknown key (accepted: %s)", names);
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

		return fail(c, later, later == file_key ? "trace.file" : "trace.generator",
			    "give trace.file or trace.generator, not both");
	}
	/* Keys that decide how their neighbours read go first, wherever they
	 * stand: crash.mode (at, count), cache_loss (keep), faults.*.at (count). */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < count; i++) {
			yaml_node_pair_t *pr = &map->data.mapping.pairs.start[i];

			child_path(c, node(c, pr->key), path, child);
			if (decides(child) != (pass == 0))
				continue;
			if (apply(c, child, node(c, pr->value)) < 0)
				return -1;
		}
	}
	if (path[0] == '\0' && !has_trace)
		return fail(c, map, "trace", "missing: give trace.file or trace.generator");
	if (strcmp(path, "trace") == 0 && !file_key && !gen_key)
		return fail(c, map, "trace", "give trace.file or trace.generator");
	if (strcmp(path, "crash") == 0)
		return crash_complete(c, map);
	return 0;
}

/* The value node n for the key at `path` (known to the schema). */
static int apply(struct ld *c, const char *path, yaml_node_t *n)
{
	size_t off;
	const struct sc_field *f = sc_schema_find(path, &off);
	struct scenario *s = c->s;

	if (f == NULL)
		return fail(c, n, path, "unknown key");
	/* Naming a part of a thing selects it. */
	if (has_prefix(path, "imd_disk"))
		s->imd_disk_set = true;
	if (strcmp(path, "trace.file") == 0 && s->trace.kind != SC_TRACE_FILE) {
		s->trace.kind = SC_TRACE_FILE;
		generator_defaults(&s->trace.gen);
	}
	if (has_prefix(path, "trace.generator") && s->trace.kind != SC_TRACE_GENERATOR) {
		s->trace.kind = SC_TRACE_GENERATOR;
		memset(s->trace.path, 0, sizeof(s->trace.path));
	}

	switch (f->kind) {
	case SCK_SECTION:
	case SCK_DISK:
		if (strcmp(path, "faults.field") == 0 && n->type == YAML_SCALAR_NODE &&
		    !is_null(n))
			/* `faults.field: nearline-hdd` is short for {preset: nearline-hdd} */
			return apply(c, "faults.field.preset", n);
		if (strcmp(path, "crash") == 0 && n->type == YAML_SCALAR_NODE && !is_null(n)) {
			/* `crash: every_flush` is short for {mode: every_flush}. */
			if (apply(c, "crash.mode", n) < 0)
				return -1;
			return crash_complete(c, n);
		}
		if (n->type != YAML_MAPPING_NODE)
			return fail(c, n, path, "expected a mapping, got %s",
				    is_null(n) ? "an empty value" : type_name(n));
		return walk_mapping(c, path, n);
	case SCK_SIZES:
		return set_sizes(c, path, n);
	case SCK_CRASH_AT:
		return set_crash_at(c, path, n);
	case SCK_FIU:
		return set_fiu(c, path, n);
	case SCK_FLUSH:
		return set_flush_policy(c, path, n);
	case SCK_KEEP:
		return set_keep(c, path, n);
	case SCK_STATE:
		return set_state(c, path, n);
	case SCK_BUDGET:
		return set_budget(c, path, n);
	case SCK_AT_OPT:
		return set_at_opt(c, off, path, n);
	case SCK_NAMES:
		return set_names(c, path, n);
	case SCK_PROFILES:
		return set_profiles(c, path, n);
	case SCK_EXPECT:
		return set_expect(c, path, n);
	case SCK_QUICK:
		return set_quick(c, path, n);
	case SCK_SWEEP:
		return set_sweep(c, path, n);
	default:
		break;
	}
	if (strcmp(path, "crash.mode") == 0) {
		uint8_t old = s->crash.kind;

		if (set_leaf(c, f, off, path, n) < 0)
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

		if (set_leaf(c, f, off, path, n) < 0)
			return -1;
		/* A keep list means nothing under another mode. */
		if (s->crash.cache_loss != old) {
			memset(s->crash.keep, 0, sizeof(s->crash.keep));
			s->crash.n_keep = 0;
		}
		return 0;
	}
	if (strcmp(path, "crash.count") == 0 && s->crash.kind != SC_CRASH_RANDOM)
		return fail(c, n, path, "only with crash.mode random (mode is %s)",
			    sc_crash_names[s->crash.kind]);
	if (has_prefix(path, "faults") && strrchr(path, '.') != NULL &&
	    strcmp(strrchr(path, '.'), ".count") == 0) {
		char apath[PATH_LEN];
		const uint64_t *at = sibling(c, path, "at", apath);

		if (at != NULL && *at == UINT64_MAX)
			return fail(c, n, path, "only with a time in %s (it is none)", apath);
	}
	if (set_leaf(c, f, off, path, n) < 0)
		return -1;
	if (strcmp(path, "crash.shear_bytes") == 0 && s->crash.shear_bytes != 0 &&
	    (s->crash.shear_bytes >= 512 || 512 % s->crash.shear_bytes != 0))
		return fail(c, n, path,
			    "%s: must be 0 (off) or a divisor of 512 below 512 (1, 2, 4, ..., 256)",
			    scalar(n));
	if (strcmp(path, "variant") == 0 && s->variant[0] == '\0')
		return fail(c, n, path, "must not be empty");
	if (strcmp(path, "trace.file") == 0 && s->trace.path[0] == '\0')
		return fail(c, n, path, "must not be empty");
	if (strcmp(path, "trace.actions") == 0) {
		if (s->trace.actions[0] == '\0' ||
		    strspn(s->trace.actions, "ABCDFGIMPQSTUX") != strlen(s->trace.actions))
			return fail(c, n, path,
				    "'%s' is not a set of blkparse action letters (e.g. Q, D, C)",
				    s->trace.actions);
	}
	return 0;
}

/* ---- the file ------------------------------------------------------------ */

static int read_all(const char *path, unsigned char **buf, size_t *len, struct cs_err *err)
{
	/* "-": the scenario from standard input (csumsim run -), not closed */
	bool in = strcmp(path, "-") == 0;
	FILE *fp = in ? stdin : fopen(path, "rb");
	size_t cap = 4096, n = 0;
	unsigned char *b;
	const char *why = NULL;

	if (fp == NULL)
		return cs_err_set(err, "%s: cannot open: %s", path, strerror(errno));
	b = malloc(cap);
	while (b != NULL) {
		size_t got = fread(b + n, 1, cap - n, fp);

		n += got;
		if (n < cap)
			break;
		if (cap >= MAX_FILE_BYTES) {
			why = "too large";
			break;
		}
		cap *= 2;
		unsigned char *nb = realloc(b, cap);
		if (nb == NULL)
			free(b);
		b = nb;
	}
	if (why == NULL && b != NULL && ferror(fp))
		why = "read error";
	if (!in)
		fclose(fp);
	if (b == NULL)
		return cs_err_set(err, "%s: out of memory", path);
	if (why != NULL) {
		free(b);
		if (strcmp(why, "too large") == 0)
			return cs_err_set(err, "%s: larger than %u bytes: not a scenario", path,
					  MAX_FILE_BYTES);
		return cs_err_set(err, "%s: read error", path);
	}
	*buf = b;
	*len = n;
	return 0;
}

/* A libyaml parser error as FILE:LINE:COL: reason. */
static int syntax_error(const yaml_parser_t *p, const char *file, const unsigned char *buf,
			size_t len, struct cs_err *err)
{
	unsigned long line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;

	if (p->error == YAML_MEMORY_ERROR) /* not the file's fault: exit 3, not 2 */
		return cs_err_oom(err, file);

	if (p->error == YAML_READER_ERROR) {
		/* Reader errors (bad encoding) carry a byte offset, not a mark. */
		line = 1;
		col = 1;
		for (size_t i = 0; i < p->problem_offset && i < len; i++) {
			if (buf[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
	}
	if (p->context)
		return cs_err_set(err, "%s:%lu:%lu: YAML syntax error: %s (%s)", file, line, col,
				  p->problem ? p->problem : "?", p->context);
	return cs_err_set(err, "%s:%lu:%lu: YAML syntax error: %s", file, line, col,
			  p->problem ? p->problem : "?");
}

static int load_doc(struct scenario *s, const char *path, const unsigned char *buf, size_t len,
		    struct cs_err *err)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	struct ld c = {s, &doc, path, err};
	int rc = -1;

	if (!yaml_parser_initialize(&parser))
		return cs_err_set(err, "%s: out of memory", path);
	yaml_parser_set_input_string(&parser, buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		syntax_error(&parser, path, buf, len, err);
		yaml_parser_delete(&parser);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		cs_err_set(err, "%s:1:1: empty scenario: give at least a trace", path);
		goto out;
	}
	if (!yaml_parser_load(&parser, &extra)) {
		syntax_error(&parser, path, buf, len, err);
		goto out;
	}
	if (yaml_document_get_root_node(&extra) != NULL) {
		cs_err_set(err, "%s:%lu:%lu: more than one YAML document", path,
			   (unsigned long)extra.start_mark.line + 1,
			   (unsigned long)extra.start_mark.column + 1);
		yaml_document_delete(&extra);
		goto out;
	}
	yaml_document_delete(&extra);
	if (root->type != YAML_MAPPING_NODE) {
		fail(&c, root, "(top)", "expected a mapping of keys, got %s", type_name(root));
		goto out;
	}
	rc = walk_mapping(&c, "", root);
	/* quick's overrides are tried on the whole scenario, where they stand. */
	for (size_t i = 0; rc == 0 && i < n_pairs(root); i++) {
		yaml_node_pair_t *pr = &root->data.mapping.pairs.start[i];

		yaml_node_t *v = node(&c, pr->value);

		if (strcmp(scalar(node(&c, pr->key)), "quick") == 0)
			rc = trial(&c, v, false);
		/* and every value of a sweep, each on its own */
		for (size_t j = 0; strcmp(scalar(node(&c, pr->key)), "sweep") == 0 &&
				   v->type == YAML_MAPPING_NODE && rc == 0 && j < n_pairs(v);
		     j++) {
			yaml_node_pair_t *sp = &v->data.mapping.pairs.start[j];

			if (strcmp(scalar(node(&c, sp->key)), "params") == 0)
				rc = trial(&c, node(&c, sp->value), true);
		}
	}
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int scenario_load_text(struct scenario *s, const char *path, const unsigned char *text,
		       size_t len, struct cs_err *err)
{
	struct scenario tmp;

	scenario_defaults(&tmp);
	if (strlen(path) >= sizeof(tmp.file))
		return cs_err_set(err, "%.100s...: path too long", path);
	strcpy(tmp.file, path);
	if (len > MAX_FILE_BYTES)
		return cs_err_set(err, "%s: larger than %u bytes: not a scenario", path,
				  MAX_FILE_BYTES);
	if (load_doc(&tmp, path, text, len, err) != 0)
		return -1;
	*s = tmp; /* only a whole, good scenario replaces the caller's */
	return 0;
}

int scenario_load(struct scenario *s, const char *path, struct cs_err *err)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc;

	if (strlen(path) >= sizeof(s->file))
		return cs_err_set(err, "%.100s...: path too long", path);
	if (read_all(path, &buf, &len, err) < 0)
		return -1;
	rc = scenario_load_text(s, path, buf, len, err);
	free(buf);
	return rc;
}

/* ---- --set ------------------------------------------------------------- */

int scenario_set(struct scenario *s, const char *assignment, struct cs_err *err)
{
	const char *eq = strchr(assignment, '=');
	char key[PATH_LEN];
	const char *value;
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	struct scenario tmp = *s;
	struct ld c = {&tmp, &doc, NULL, err};
	size_t off, klen;
	int rc;

	if (eq == NULL || eq == assignment)
		return cs_err_set(err, "--set: '%.200s': expected KEY=VALUE (e.g. disk.cache.enabled=false)",
				  assignment);
	klen = (size_t)(eq - assignment);
	if (klen >= sizeof(key))
		return cs_err_set(err, "--set: key too long");
	memcpy(key, assignment, klen);
	key[klen] = '\0';
	if (sc_schema_find(key, &off) == NULL) {
		char parent[PATH_LEN], names[600];
		char *dot;

		strcpy(parent, key);
		dot = strrchr(parent, '.');
		*(dot ? dot : parent) = '\0';
		sc_schema_children(parent, names, sizeof(names));
		if (names[0] == '\0')
			return cs_err_at(err, "--set", 0, key, "unknown key");
		return cs_err_at(err, "--set", 0, key, "unknown key (accepted: %s)", names);
	}
	/* The value is YAML too, so lists and mappings work: crash.at=[1s,2s]. */
	value = eq[1] ? eq + 1 : "\"\"";
	if (!yaml_parser_initialize(&parser))
		return cs_err_set(err, "--set: out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)value, strlen(value));
	if (!yaml_parser_load(&parser, &doc)) {
		rc = cs_err_at(err, "--set", 0, key, "bad YAML value: %s",
			       parser.problem ? parser.problem : "?");
		yaml_parser_delete(&parser);
		return rc;
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL)
		rc = cs_err_at(err, "--set", 0, key, "needs a value");
	else
		rc = apply(&c, key, root);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc == 0)
		*s = tmp;
	return rc;
}
