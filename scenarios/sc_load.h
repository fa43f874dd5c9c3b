/* The scenario loader (private to scenarios/): the state of one load over a
 * libyaml document, the node helpers every key's setter uses, and the setters
 * of the keys the schema gives a kind of their own. Every error carries the
 * node's mark: file, line, column and the dotted key. */
#ifndef CSUMSIM_SCENARIOS_SC_LOAD_H
#define CSUMSIM_SCENARIOS_SC_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "scenarios/sc_schema.h"
#include "scenarios/scenario.h"
#include "util/err.h"

#define SC_PATH_LEN 256 /* a dotted key path */
#define SC_ITEM_PATH_LEN (SC_PATH_LEN + 16) /* and an item's "[i]" */

struct ld {
	struct scenario *s;
	yaml_document_t *doc;
	const char *file; /* NULL: a --set value */
	struct cs_err *err;
};

/* sc_walk.c: nodes, keys and leaves; the walk over mappings and the
 * dispatch of each key to its setter */
int ld_fail(struct ld *c, const yaml_node_t *n, const char *field, const char *fmt, ...)
	CS_PRINTF(4, 5);
const char *ld_type_name(const yaml_node_t *n);
const char *ld_scalar(const yaml_node_t *n);
bool ld_is_null(const yaml_node_t *n);
int ld_need_scalar(struct ld *c, const yaml_node_t *n, const char *path);
/* Item i of the sequence at `path`: its path "path[i]" in ipath, and
 * ld_need_scalar's check of it. */
int ld_item_scalar(struct ld *c, const yaml_node_t *n, const char *path, size_t i,
		   char ipath[SC_ITEM_PATH_LEN]);
yaml_node_t *ld_node(struct ld *c, int id);
int ld_child_path(struct ld *c, const yaml_node_t *key, const char *parent, char *out);
int ld_check_key(struct ld *c, const yaml_node_t *map, size_t i, const char *parent);
size_t ld_n_pairs(const yaml_node_t *map);
int ld_range_check(struct ld *c, const yaml_node_t *n, const char *path,
		       const struct sc_field *f, double v);
int ld_set_string(struct ld *c, const yaml_node_t *n, const char *path, char *dst,
		      size_t size);
int ld_set_leaf(struct ld *c, const struct sc_field *f, size_t off, const char *path,
		    const yaml_node_t *n);
int ld_items(struct ld *c, yaml_node_t *n, const char *path, yaml_node_t **out,
		 size_t max, size_t *count);
bool ld_has_prefix(const char *path, const char *prefix);
int ld_walk_mapping(struct ld *c, const char *path, yaml_node_t *map);
int ld_apply(struct ld *c, const char *path, yaml_node_t *n);

/* sc_setters.c: keys of a kind of their own (sizes, crash points, fault
 * points, keep lists, budgets, names, profiles, expectations) */
int ld_set_flush_policy(struct ld *c, const char *path, const yaml_node_t *n);
int ld_set_sizes(struct ld *c, const char *path, yaml_node_t *n);
int ld_set_crash_at(struct ld *c, const char *path, yaml_node_t *n);
int ld_set_fiu(struct ld *c, const char *path, yaml_node_t *n);
int ld_set_keep(struct ld *c, const char *path, yaml_node_t *n);
int ld_set_state(struct ld *c, const char *path, const yaml_node_t *n);
int ld_set_budget(struct ld *c, const char *path, const yaml_node_t *n);
void *ld_sibling(struct ld *c, const char *path, const char *name, char *full);
int ld_set_at_opt(struct ld *c, size_t off, const char *path, const yaml_node_t *n);
int ld_set_names(struct ld *c, const char *path, yaml_node_t *n);
int ld_set_profiles(struct ld *c, const char *path, yaml_node_t *n);
int ld_set_expect(struct ld *c, const char *path, yaml_node_t *n);

/* sc_quick.c: quick overrides and sweep parameters, each tried where it
 * stands */
int ld_trial(struct ld *c, yaml_node_t *map, bool each_item);
int ld_set_quick(struct ld *c, const char *path, yaml_node_t *n);
int ld_set_sweep(struct ld *c, const char *path, yaml_node_t *n);

/* scenario.c */
void ld_generator_defaults(struct sc_generator *g);

#endif
