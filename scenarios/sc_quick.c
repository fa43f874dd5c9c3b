/* quick: overrides tried on the whole scenario where they stand; sweep:
 * parameters, each value tried on its own. */
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
		if (ld_need_scalar(c, n, path) < 0)
			return -1;
		if (quick_scalar(ld_scalar(n), out, size, &len) < 0)
			return ld_fail(c, n, path, "value too long (max %zu bytes as YAML)", size - 1);
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return ld_fail(c, n, path, "a quick value is a scalar or a list of scalars, got %s",
			    ld_type_name(n));
	if (ld_items(c, n, path, it, SC_MAX_KEEP, &count) < 0)
		return -1;
	out[len++] = '[';
	for (size_t i = 0; i < count; i++) {
		if (it[i]->type != YAML_SCALAR_NODE)
			return ld_fail(c, it[i], path,
				    "a quick value is a scalar or a list of scalars, got %s",
				    ld_type_name(it[i]));
		if (ld_need_scalar(c, it[i], path) < 0)
			return -1;
		if (i > 0) {
			if (len + 2 >= size)
				return ld_fail(c, n, path, "value too long (max %zu bytes as YAML)",
					    size - 1);
			out[len++] = ',';
			out[len++] = ' ';
		}
		if (quick_scalar(ld_scalar(it[i]), out, size, &len) < 0 || len + 2 >= size)
			return ld_fail(c, n, path, "value too long (max %zu bytes as YAML)", size - 1);
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
int ld_trial(struct ld *c, yaml_node_t *map, bool each_item)
{
	struct scenario *copy = malloc(sizeof(*copy));
	struct ld t = *c;
	int rc = 0;

	if (copy == NULL)
		return cs_err_set(c->err, "out of memory");
	*copy = *c->s;
	t.s = copy;
	for (size_t i = 0; i < ld_n_pairs(map) && rc == 0; i++) {
		yaml_node_pair_t *pr = &map->data.mapping.pairs.start[i];
		yaml_node_t *v = ld_node(c, pr->value);
		size_t nv = each_item ? (size_t)(v->data.sequence.items.top -
						 v->data.sequence.items.start)
				      : 1;

		for (size_t j = 0; j < nv && rc == 0; j++) {
			if (each_item)
				*copy = *c->s;
			rc = ld_apply(&t, ld_scalar(ld_node(c, pr->key)),
				   each_item ? ld_node(c, v->data.sequence.items.start[j]) : v);
		}
	}
	free(copy);
	return rc;
}

/* quick: {KEY: VALUE, ...}, --set style overrides for quick mode; it
 * replaces any earlier mapping. */
int ld_set_quick(struct ld *c, const char *path, yaml_node_t *n)
{
	struct sc_quick list[SC_MAX_QUICK];
	char kpath[SC_PATH_LEN + 16];
	size_t count, off;

	if (n->type != YAML_MAPPING_NODE)
		return ld_fail(c, n, path, "expected a mapping of KEY: VALUE (as --set), got %s",
			    ld_is_null(n) ? "an empty value" : ld_type_name(n));
	count = ld_n_pairs(n);
	if (count > SC_MAX_QUICK)
		return ld_fail(c, n, path, "too many overrides: %zu (max %d)", count, SC_MAX_QUICK);
	memset(list, 0, sizeof(list));
	for (size_t i = 0; i < count; i++) {
		yaml_node_pair_t *pr = &n->data.mapping.pairs.start[i];
		yaml_node_t *k = ld_node(c, pr->key);
		const struct sc_field *f;

		if (ld_check_key(c, n, i, path) < 0)
			return -1;
		snprintf(kpath, sizeof(kpath), "%s.%s", path, ld_scalar(k));
		f = sc_schema_find(ld_scalar(k), &off);
		if (f == NULL)
			return ld_fail(c, k, kpath, "unknown key '%s' (a dotted key as --set takes it)",
				    ld_scalar(k));
		if (f->kind == SCK_QUICK)
			return ld_fail(c, k, kpath, "quick cannot override itself");
		if (strlen(ld_scalar(k)) >= SC_QUICK_KEY_MAX)
			return ld_fail(c, k, kpath, "key too long");
		strcpy(list[i].key, ld_scalar(k));
		if (quick_value(c, kpath, ld_node(c, pr->value), list[i].value,
				sizeof(list[i].value)) < 0)
			return -1;
	}
	/* From --set the scenario is whole: try the overrides now. From a file
	 * load_doc tries them once everything else is read. */
	if (c->file == NULL && ld_trial(c, n, false) < 0)
		return -1;
	memcpy(c->s->quick, list, sizeof(list));
	c->s->n_quick = (uint32_t)count;
	return 0;
}

/* sweep.params: {KEY: [VALUE, ...], ...}, keys as --set names them; it
 * replaces any earlier mapping. */
int ld_set_sweep(struct ld *c, const char *path, yaml_node_t *n)
{
	struct sc_sweep_param *list;
	yaml_node_t *it[SC_MAX_SWEEP_VALUES];
	char kpath[SC_PATH_LEN + 16], ipath[SC_PATH_LEN + 48];
	size_t count, off;
	int rc = -1;

	if (n->type != YAML_MAPPING_NODE)
		return ld_fail(c, n, path,
			    "expected a mapping of KEY: [VALUE, ...] (keys as --set takes them), "
			    "got %s",
			    ld_is_null(n) ? "an empty value" : ld_type_name(n));
	count = ld_n_pairs(n);
	if (count > SC_MAX_SWEEP_PARAMS)
		return ld_fail(c, n, path, "too many parameters: %zu (max %d)", count,
			    SC_MAX_SWEEP_PARAMS);
	list = calloc(SC_MAX_SWEEP_PARAMS, sizeof(*list));
	if (list == NULL)
		return cs_err_set(c->err, "out of memory");
	for (size_t i = 0; i < count; i++) {
		yaml_node_pair_t *pr = &n->data.mapping.pairs.start[i];
		yaml_node_t *k = ld_node(c, pr->key), *v = ld_node(c, pr->value);
		const struct sc_field *f;
		size_t nv;

		if (ld_check_key(c, n, i, path) < 0)
			goto out;
		snprintf(kpath, sizeof(kpath), "%s.%s", path, ld_scalar(k));
		f = sc_schema_find(ld_scalar(k), &off);
		if (f == NULL) {
			ld_fail(c, k, kpath, "unknown key '%s' (a dotted key as --set takes it)",
			     ld_scalar(k));
			goto out;
		}
		if (f->kind == SCK_SECTION || f->kind == SCK_DISK || f->kind == SCK_QUICK ||
		    f->kind == SCK_EXPECT || ld_has_prefix(ld_scalar(k), "sweep")) {
			ld_fail(c, k, kpath, "'%s' cannot be swept (sweep a key that holds a value)",
			     ld_scalar(k));
			goto out;
		}
		if (strlen(ld_scalar(k)) >= SC_QUICK_KEY_MAX) {
			ld_fail(c, k, kpath, "key too long");
			goto out;
		}
		if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top ==
							     v->data.sequence.items.start) {
			ld_fail(c, v, kpath, "expected a list of the values to sweep, e.g. [rfc, fixed], "
					  "got %s",
			     v->type == YAML_SEQUENCE_NODE ? "an empty list"
			     : ld_is_null(v)		   ? "an empty value"
							   : ld_type_name(v));
			goto out;
		}
		if (ld_items(c, v, kpath, it, SC_MAX_SWEEP_VALUES, &nv) < 0)
			goto out;
		strcpy(list[i].key, ld_scalar(k));
		for (size_t j = 0; j < nv; j++) {
			snprintf(ipath, sizeof(ipath), "%s[%zu]", kpath, j);
			if (quick_value(c, ipath, it[j], list[i].values[j],
					sizeof(list[i].values[j])) < 0)
				goto out;
			for (size_t q = 0; q < j; q++)
				if (strcmp(list[i].values[q], list[i].values[j]) == 0) {
					ld_fail(c, it[j], ipath, "value %s listed twice",
					     list[i].values[j]);
					goto out;
				}
		}
		list[i].n_values = (uint32_t)nv;
	}
	/* From --set the scenario is whole: try the values now. From a file
	 * load_doc tries them once everything else is read. */
	if (c->file == NULL && ld_trial(c, n, true) < 0)
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
