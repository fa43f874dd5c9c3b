/* Is the scenario's trace file there and readable? Checked before any run
 * (run, check, sweep, compare, validate), so a wrong path names where the
 * scenario said it: FILE:LINE:COL, field 'trace.file', and the path tried.
 * The position is looked up again in the file only when there is an error,
 * so struct scenario carries no positions (equal scenarios stay memcmp-equal). */
#include "scenarios/scenario.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

int scenario_trace_path(const struct scenario *s, char *out, size_t n)
{
	const char *slash = strrchr(s->file, '/');
	int len;

	/* relative paths are relative to the scenario file's folder */
	if (s->trace.path[0] == '/' || slash == NULL)
		len = snprintf(out, n, "%s", s->trace.path);
	else
		len = snprintf(out, n, "%.*s/%s", (int)(slash - s->file), s->file, s->trace.path);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

/* The value node of key in mapping map, or NULL. */
static yaml_node_t *lookup(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);

		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

/* Line and column of trace.file in the scenario file when it still says
 * `path` there (not when --set changed it): 0, else -1. */
static int find_position(const char *file, const char *path, unsigned long *line,
			 unsigned long *col)
{
	FILE *f = file[0] ? fopen(file, "rb") : NULL;
	yaml_parser_t ps;
	yaml_document_t d;
	yaml_node_t *v;
	int rc = -1;

	if (f == NULL)
		return -1;
	if (!yaml_parser_initialize(&ps)) {
		fclose(f);
		return -1;
	}
	yaml_parser_set_input_file(&ps, f);
	if (yaml_parser_load(&ps, &d)) {
		v = lookup(&d, lookup(&d, yaml_document_get_root_node(&d), "trace"), "file");
		if (v != NULL && v->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)v->data.scalar.value, path) == 0) {
			*line = (unsigned long)v->start_mark.line + 1;
			*col = (unsigned long)v->start_mark.column + 1;
			rc = 0;
		}
		yaml_document_delete(&d);
	}
	yaml_parser_delete(&ps);
	fclose(f);
	return rc;
}

static int bad(const struct scenario *s, struct cs_err *err, const char *full, const char *why)
{
	unsigned long line, col;

	if (find_position(s->file, s->trace.path, &line, &col) < 0)
		return cs_err_at(err, s->file, 0, "trace.file", "cannot read '%s': %s", full, why);
	return cs_err_set(err, "%s:%lu:%lu: field 'trace.file': cannot read '%s': %s", s->file,
			  line, col, full, why);
}

int scenario_check_trace_file(const struct scenario *s, struct cs_err *err)
{
	char full[2 * SC_PATH_MAX + 2];
	struct stat st;

	if (s->trace.kind != SC_TRACE_FILE || strcmp(s->trace.path, "-") == 0)
		return 0; /* "-" is standard input */
	if (scenario_trace_path(s, full, sizeof(full)) < 0)
		return bad(s, err, s->trace.path, "path too long");
	if (stat(full, &st) != 0 || access(full, R_OK) != 0)
		return bad(s, err, full, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return bad(s, err, full, "is a directory");
	return 0;
}
