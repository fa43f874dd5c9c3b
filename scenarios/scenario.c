/* Scenario defaults, the file's loading and --set. Both walk the libyaml
 * document tree against the schema (sc_walk.c); every error carries the
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
#include "scenarios/sc_load.h"
#include "scenarios/sc_schema.h"
#include "scenarios/sc_value.h"

#define MAX_FILE_BYTES (16u << 20)

void ld_generator_defaults(struct sc_generator *g)
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
	 * equal scenarios compare equal with memcmp (no compound literals
	 * below: they may bring their own padding). */
	memset(s, 0, sizeof(*s));
	s->seed = 1;
	strcpy(s->variant, "rfc");
	s->flush_policy = CSUM_FLUSH_DROP;
	s->flush_policy_set = false;
	s->device.sectors = 2097152;
	s->device.sector_size = 512;
	s->device.placement = CSUM_PLACE_SAME;
	s->device.size = SC_DEVSIZE_EXACT; /* csum_ctr's lengths (issue 12) */
	sc_disk_defaults(&s->disk);
	sc_disk_defaults(&s->imd_disk);
	s->trace.kind = SC_TRACE_FILE;
	s->trace.format = SC_FMT_AUTO;
	strcpy(s->trace.actions, "Q");
	ld_generator_defaults(&s->trace.gen);
	s->host.mode = SC_HOST_OPEN;
	s->host.time_scale = 1.0;
	s->host.queue_depth = 1;
	s->host.map_rule = SC_MAP_WRAP;
	s->host.stage_us = 2.0;
	s->host.crc_ns_per_byte = 2.0;
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
	s->output.per_request_csv = false;
	s->output.plots = true;
	s->output.baseline = true;
	s->output.progress = true;
	s->output.capacity = true;
	s->output.capacity_depth = 32;
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
		ld_fail(&c, root, "(top)", "expected a mapping of keys, got %s", ld_type_name(root));
		goto out;
	}
	rc = ld_walk_mapping(&c, "", root);
	/* quick's overrides are tried on the whole scenario, where they stand. */
	for (size_t i = 0; rc == 0 && i < ld_n_pairs(root); i++) {
		yaml_node_pair_t *pr = &root->data.mapping.pairs.start[i];

		yaml_node_t *v = ld_node(&c, pr->value);

		if (strcmp(ld_scalar(ld_node(&c, pr->key)), "quick") == 0)
			rc = ld_trial(&c, v, false);
		/* and every value of a sweep, each on its own */
		for (size_t j = 0; strcmp(ld_scalar(ld_node(&c, pr->key)), "sweep") == 0 &&
				   v->type == YAML_MAPPING_NODE && rc == 0 && j < ld_n_pairs(v);
		     j++) {
			yaml_node_pair_t *sp = &v->data.mapping.pairs.start[j];

			if (strcmp(ld_scalar(ld_node(&c, sp->key)), "params") == 0)
				rc = ld_trial(&c, ld_node(&c, sp->value), true);
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
	char key[SC_PATH_LEN];
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
		char parent[SC_PATH_LEN], names[600];
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
		rc = ld_apply(&c, key, root);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc == 0)
		*s = tmp;
	return rc;
}
