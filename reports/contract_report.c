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
	return &in->cells[(size_t)v * CONTRACT_SETS + s];
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
	for (uint32_t s = 0; s < CONTRACT_SETS; s++)
		jb_push(&b, sets, set_json(&b, &in->sets[s]));
	jb_put(&b, root, "lattice", sets);
	for (uint32_t v = 0; v < in->n_variants; v++) {
		json_t *o = jb_obj(&b), *cells = jb_arr(&b), *weak = jb_arr(&b);
		uint32_t w[CONTRACT_SETS], nw = contract_weakest(in, v, w);

		jb_put(&b, o, "variant", jb_str(&b, in->variants[v]));
		for (uint32_t i = 0; i < nw; i++)
			jb_push(&b, weak, jb_str(&b, in->sets[w[i]].id));
		jb_put(&b, o, "weakest_holding", weak);
		for (uint32_t s = 0; s < CONTRACT_SETS; s++)
			jb_push(&b, cells, cell_json(&b, in, v, s));
		jb_put(&b, o, "cells", cells);
		jb_push(&b, vars, o);
	}
	jb_put(&b, root, "variants", vars);
	return jb_write(&b, root, dir, "contract.json", err);
}

/* ---- the document --------------------------------------------------------- */

static void section_matrix(struct doc *d, const struct contract_input *in)
{
	char align[CONTRACT_MAX_VARIANTS + 2];

	doc_heading_begin(d, 2, "matrix");
	doc_text(d, "Matrix: does the scheme keep the durability contract?");
	doc_heading_end(d);
	doc_para(d, "One row per property set of the disk, strongest first; one column per "
		    "scheme. A cell says holds or violates, then the violating crash states "
		    "over the states explored at every crash point.");
	memset(align, 0, sizeof(align));
	align[0] = 'l';
	for (uint32_t v = 0; v < in->n_variants; v++)
		align[v + 1] = 'l';
	doc_table_begin(d, align);
	doc_cell(d, "disk promises");
	for (uint32_t v = 0; v < in->n_variants; v++)
		doc_cell(d, in->variants[v]);
	doc_row_end(d);
	for (uint32_t s = 0; s < CONTRACT_SETS; s++) {
		doc_cell_begin(d);
		doc_code(d, in->sets[s].id);
		doc_cell_end(d);
		for (uint32_t v = 0; v < in->n_variants; v++) {
			const struct contract_cell *c = cell(in, v, s);

			doc_cell_class_begin(d, c->violating ? "fail" : c->stalled || !c->states
							 ? "warn" : "pass");
			doc_textf(d, "%s %" PRIu64 "/%" PRIu64, verdict_word(c), c->violating,
				  c->states);
			doc_cell_end(d);
		}
		doc_row_end(d);
	}
	doc_table_end(d);
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
		uint32_t w[CONTRACT_SETS], nw = contract_weakest(in, v, w);

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
		for (uint32_t s = 0; s < CONTRACT_SETS; s++) {
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
	doc_code(d, "inorder");
	doc_text(d, ": only a prefix of the cached writes survives; ");
	doc_code(d, "reorder");
	doc_text(d, ": any subset. Definitions and the sources that show real disks break "
		    "each promise: docs/FAULTS.md, \"The device contract\".");
	doc_para_end(d);
	doc_para_begin(d);
	doc_textf(d, "Seed %" PRIu64 ". Made by: ", in->seed);
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
