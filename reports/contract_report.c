/* contract.json, contract.md and report.html of csumsim contract: the
 * matrix (property set x scheme), the weakest holding sets, the first
 * violations with their reproducers. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/contract_report.h"
#include "reports/doc.h"
#include "reports/jsonb.h"
#include "reports/report_priv.h"
#include "scenarios/sc_schema.h"

static const struct contract_cell *cell(const struct contract_input *in, uint32_t v, uint32_t s)
{
	return &in->cells[(size_t)v * in->n_sets + s];
}

static const char *verdict_word(const struct contract_cell *c)
{
	if (c->violating != 0)
		return "violates";
	if (c->stalled)
		return "stalled";
	return c->states == 0 ? "no states" : "holds";
}

/* ---- JSON ---------------------------------------------------------------- */

static json_t *set_json(struct jb *b, const struct contract_set *s)
{
	json_t *o = jb_obj(b);

	jb_put(b, o, "id", jb_str(b, s->id));
	jb_put(b, o, "atomic", jb_str(b, sc_atomic_names[s->k.atomic]));
	jb_put(b, o, "shorn", jb_chk(b, json_boolean(s->k.shorn)));
	jb_put(b, o, "reorder", jb_str(b, sc_reorder_names[s->k.reorder]));
	jb_put(b, o, "flush", jb_str(b, sc_honour_names[s->k.flush]));
	jb_put(b, o, "fua", jb_str(b, sc_honour_names[s->k.fua]));
	jb_put(b, o, "safe_append", jb_chk(b, json_boolean(s->k.safe_append)));
	return o;
}

static json_t *cell_json(struct jb *b, const struct contract_input *in, uint32_t v, uint32_t s)
{
	const struct contract_cell *c = cell(in, v, s);
	json_t *o = jb_obj(b);

	jb_put(b, o, "set", jb_str(b, in->sets[s].id));
	jb_put(b, o, "verdict", jb_str(b, verdict_word(c)));
	jb_put(b, o, "crash_points", jb_u64(b, c->crash_points));
	jb_put(b, o, "states", jb_u64(b, c->states));
	jb_put(b, o, "violating_states", jb_u64(b, c->violating));
	jb_put(b, o, "stalled", jb_chk(b, json_boolean(c->stalled)));
	/* true: some crash point had too many states; a fixed list stood in */
	jb_put(b, o, "sampled", jb_chk(b, json_boolean(c->sampled != 0)));
	jb_put(b, o, "sampled_states", jb_u64(b, c->sampled));
	if (c->violating != 0) {
		json_t *f = jb_obj(b);

		jb_put(b, f, "crash", jb_str(b, c->first_trigger));
		jb_put(b, f, "state", jb_str(b, c->first_label));
		jb_put(b, f, "silent", jb_u64(b, c->first_silent));
		jb_put(b, f, "stale", jb_u64(b, c->first_stale));
		jb_put(b, f, "false_positive", jb_u64(b, c->first_false_pos));
		jb_put(b, f, "hung", jb_u64(b, c->first_hung));
		jb_put(b, f, "reproducer", jb_str(b, c->reproducer));
		jb_put(b, o, "first_violation", f);
	} else {
		jb_put(b, o, "first_violation", jb_null(b));
	}
	return o;
}

static int write_json(const char *dir, const struct contract_input *in, struct cs_err *err)
{
	struct jb b = {0};
	json_t *root = jb_obj(&b), *sets = jb_arr(&b), *vars = jb_arr(&b);

	jb_put(&b, root, "scenario", jb_str(&b, in->scenario_name));
	jb_put(&b, root, "seed", jb_u64(&b, in->seed));
	jb_put(&b, root, "command", jb_str(&b, in->command));
	jb_put(&b, root, "axes", jb_str(&b, in->axes));
	for (uint32_t s = 0; s < in->n_sets; s++)
		jb_push(&b, sets, set_json(&b, &in->sets[s]));
	jb_put(&b, root, "lattice", sets);
	for (uint32_t v = 0; v < in->n_variants; v++) {
		json_t *o = jb_obj(&b), *cells = jb_arr(&b), *weak = jb_arr(&b);
		uint32_t w[CONTRACT_SETS_MAX], nw = contract_weakest(in, v, w);

		jb_put(&b, o, "variant", jb_str(&b, in->variants[v]));
		for (uint32_t i = 0; i < nw; i++)
			jb_push(&b, weak, jb_str(&b, in->sets[w[i]].id));
		jb_put(&b, o, "weakest_holding", weak);
		for (uint32_t s = 0; s < in->n_sets; s++)
			jb_push(&b, cells, cell_json(&b, in, v, s));
		jb_put(&b, o, "cells", cells);
		jb_push(&b, vars, o);
	}
	jb_put(&b, root, "variants", vars);
	return jb_write(&b, root, dir, "contract.json", err);
}

/* ---- the document --------------------------------------------------------- */

/* The distinct row (write side) and column (cache side) ids of the sets,
 * in lattice order of first appearance. */
struct grid {
	char rows[CONTRACT_SETS_MAX][32], cols[CONTRACT_SETS_MAX][32];
	uint32_t n_rows, n_cols;
	uint32_t at[CONTRACT_SETS_MAX]; /* set s -> row * n_cols + col, after grid_build */
	uint32_t row_of[CONTRACT_SETS_MAX], col_of[CONTRACT_SETS_MAX];
};

static uint32_t grid_key(char (*keys)[32], uint32_t *n, const char *id)
{
	for (uint32_t i = 0; i < *n; i++)
		if (strcmp(keys[i], id) == 0)
			return i;
	snprintf(keys[*n], sizeof(keys[*n]), "%s", id);
	return (*n)++;
}

static void grid_build(struct grid *g, const struct contract_input *in)
{
	memset(g, 0, sizeof(*g));
	for (uint32_t s = 0; s < in->n_sets; s++) {
		char w[32], o[32];

		contract_write_id(&in->sets[s].k, w, sizeof(w));
		contract_cache_id(&in->sets[s].k, o, sizeof(o));
		g->row_of[s] = grid_key(g->rows, &g->n_rows, w);
		g->col_of[s] = grid_key(g->cols, &g->n_cols, o);
	}
}

/* The set at (row, col), or UINT32_MAX. */
static uint32_t grid_set(const struct grid *g, const struct contract_input *in, uint32_t r,
			 uint32_t c)
{
	for (uint32_t s = 0; s < in->n_sets; s++)
		if (g->row_of[s] == r && g->col_of[s] == c)
			return s;
	return UINT32_MAX;
}

static void matrix_cell(struct doc *d, const struct contract_cell *c)
{
	doc_cell_class_begin(d, c->violating ? "fail" : c->stalled || !c->states ? "warn"
										  : "pass");
	doc_textf(d, "%s %" PRIu64 "/%" PRIu64 "%s", verdict_word(c), c->violating, c->states,
		  c->sampled ? " ~" : "");
	doc_cell_end(d);
}

static void section_matrix(struct doc *d, const struct contract_input *in)
{
	struct grid g; /* 11 KiB */
	char align[CONTRACT_SETS_MAX + 2];

	grid_build(&g, in);
	doc_heading_begin(d, 2, "matrix");
	doc_text(d, "Matrix: does the scheme keep the durability contract?");
	doc_heading_end(d);
	doc_para(d, "One table per scheme. Rows: what the disk promises about a write "
		    "(atomic unit, shorn or not, safe append); columns: what its cache "
		    "promises (in order, reordering within a flush epoch or anywhere; "
		    "noflush: a flush does not empty it; nofua: FUA writes are cached); "
		    "strongest first. A cell says holds or violates, then the violating "
		    "crash states over the states explored at every crash point; ~ marks "
		    "a cell where some crash point had too many states and a fixed list "
		    "of them stood in (sampled, not exhaustive).");
	memset(align, 0, sizeof(align));
	for (uint32_t c = 0; c <= g.n_cols && c < sizeof(align) - 1; c++)
		align[c] = 'l';
	for (uint32_t v = 0; v < in->n_variants; v++) {
		doc_heading_begin(d, 3, NULL);
		doc_text(d, in->variants[v]);
		doc_heading_end(d);
		doc_table_begin(d, align);
		doc_cell(d, "write / cache");
		for (uint32_t c = 0; c < g.n_cols; c++) {
			doc_cell_begin(d);
			doc_code(d, g.cols[c]);
			doc_cell_end(d);
		}
		doc_row_end(d);
		for (uint32_t r = 0; r < g.n_rows; r++) {
			doc_cell_begin(d);
			doc_code(d, g.rows[r]);
			doc_cell_end(d);
			for (uint32_t c = 0; c < g.n_cols; c++) {
				uint32_t s = grid_set(&g, in, r, c);

				if (s == UINT32_MAX)
					doc_cell(d, "");
				else
					matrix_cell(d, cell(in, v, s));
			}
			doc_row_end(d);
		}
		doc_table_end(d);
	}
}

static void section_weakest(struct doc *d, const struct contract_input *in)
{
	doc_heading_begin(d, 2, "weakest");
	doc_text(d, "The weakest contract each scheme needs");
	doc_heading_end(d);
	doc_para(d, "The holding property sets with no weaker holding set (on this trace, "
		    "with these crash points).");
	doc_table_begin(d, "ll");
	doc_cell(d, "scheme");
	doc_cell(d, "holds down to");
	doc_row_end(d);
	for (uint32_t v = 0; v < in->n_variants; v++) {
		uint32_t w[CONTRACT_SETS_MAX], nw = contract_weakest(in, v, w);

		doc_cell(d, in->variants[v]);
		doc_cell_class_begin(d, nw ? NULL : "fail");
		if (nw == 0)
			doc_text(d, "none: violates even the strongest disk");
		for (uint32_t i = 0; i < nw; i++) {
			if (i)
				doc_text(d, " or ");
			doc_code(d, in->sets[w[i]].id);
		}
		doc_cell_end(d);
		doc_row_end(d);
	}
	doc_table_end(d);
}

static void section_first(struct doc *d, const struct contract_input *in)
{
	bool any = false;

	doc_heading_begin(d, 2, "violations");
	doc_text(d, "First violation of each cell");
	doc_heading_end(d);
	for (uint32_t v = 0; v < in->n_variants; v++)
		for (uint32_t s = 0; s < in->n_sets; s++) {
			const struct contract_cell *c = cell(in, v, s);

			if (c->violating == 0)
				continue;
			if (!any)
				doc_list_begin(d);
			any = true;
			doc_item_begin(d);
			doc_strong(d, in->variants[v]);
			doc_text(d, " under ");
			doc_code(d, in->sets[s].id);
			doc_textf(d, ": crash %s, state \"%s\": %" PRIu64 " silent, %" PRIu64
				  " stale, %" PRIu64 " false positive, %" PRIu64 " hung; ",
				  c->first_trigger, c->first_label, c->first_silent, c->first_stale,
				  c->first_false_pos, c->first_hung);
			doc_file(d, c->reproducer);
			doc_item_end(d);
		}
	if (any)
		doc_list_end(d);
	else
		doc_para(d, "None: every scheme held under every property set.");
	doc_para(d, "A reproducer re-runs that one crash state alone: csumsim run FILE.");
}

static void section_head(struct doc *d, const struct contract_input *in)
{
	doc_heading_begin(d, 1, NULL);
	doc_textf(d, "Device contract: %s", in->scenario_name);
	doc_heading_end(d);
	doc_para_begin(d);
	doc_text(d, "Each property set is a disk's promise about the writes a power failure "
		    "catches: ");
	doc_code(d, "write");
	doc_text(d, "/");
	doc_code(d, "4k");
	doc_text(d, "/");
	doc_code(d, "sector");
	doc_text(d, ": the unit that persists whole; ");
	doc_code(d, "shorn");
	doc_text(d, ": a unit in flight may persist with its last sector cut; ");
	doc_code(d, "append");
	doc_text(d, ": safe append, a write past every earlier one persists whole and before "
		    "anything later; ");
	doc_code(d, "inorder");
	doc_text(d, ": only a prefix of the cached writes survives; ");
	doc_code(d, "epoch");
	doc_text(d, ": any subset within a flush epoch, never a later epoch's write without "
		    "all earlier ones; ");
	doc_code(d, "reorder");
	doc_text(d, ": any subset; ");
	doc_code(d, "noflush");
	doc_text(d, ": a flush is acknowledged with the cache still full; ");
	doc_code(d, "nofua");
	doc_text(d, ": a FUA write is acknowledged from the cache. Definitions and the "
		    "sources that show real disks break each promise: docs/FAULTS.md, "
		    "\"The device contract\".");
	doc_para_end(d);
	doc_para_begin(d);
	doc_textf(d, "Axes explored: %s; %" PRIu32 " property sets. Seed %" PRIu64 ". Made by: ",
		  in->axes, in->n_sets, in->seed);
	doc_code(d, in->command);
	doc_para_end(d);
}

static int write_doc(const char *dir, const char *file, enum doc_format fmt,
		     const struct contract_input *in, struct cs_err *err)
{
	FILE *f = rep_open(dir, file, err);
	char title[256];
	struct doc d;

	if (f == NULL)
		return -1;
	snprintf(title, sizeof(title), "csumsim device contract: %s", in->scenario_name);
	doc_begin(&d, f, fmt, dir, title, err);
	section_head(&d, in);
	section_matrix(&d, in);
	section_weakest(&d, in);
	section_first(&d, in);
	if (doc_end(&d) != 0) {
		fclose(f);
		return -1;
	}
	return rep_close(f, file, err);
}

int contract_write(const char *dir, const struct contract_input *in, struct cs_err *err)
{
	if (in->n_variants == 0 || in->n_variants > CONTRACT_MAX_VARIANTS)
		return cs_err_set(err, "contract: %u variants (1 to %d)", in->n_variants,
				  CONTRACT_MAX_VARIANTS);
	if (write_json(dir, in, err) != 0 ||
	    write_doc(dir, "contract.md", DOC_MARKDOWN, in, err) != 0 ||
	    write_doc(dir, "report.html", DOC_HTML, in, err) != 0)
		return -1;
	return 0;
}

int contract_dir_check(const char *out_dir, struct cs_err *err)
{
	return rep_outdir_check(out_dir, "contract.json", err);
}

int contract_dir_begin(struct rep_outdir **d, const char *out_dir, const char **tmp,
		       struct cs_err *err)
{
	*d = malloc(sizeof(**d));
	if (*d == NULL)
		return cs_err_set(err, "out of memory");
	if (rep_outdir_begin(*d, out_dir, "contract.json", err) != 0) {
		free(*d);
		*d = NULL;
		return -1;
	}
	*tmp = (*d)->tmp;
	return 0;
}

int contract_dir_commit(struct rep_outdir *d, struct cs_err *err)
{
	int rc = rep_outdir_commit(d, err);

	free(d);
	return rc;
}

void contract_dir_abort(struct rep_outdir *d)
{
	if (d == NULL)
		return;
	rep_outdir_abort(d);
	free(d);
}
