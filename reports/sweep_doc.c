/* sweep.md and the sweep's report.html: one description of the document
 * written in both formats by reports/doc.c. Per parameter, the main metrics
 * for each of its values (mean [min, max] over the runs with that value)
 * and its charts; then every run; then what was the same everywhere. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/doc.h"
#include "reports/report_priv.h"
#include "reports/sweep_knee.h"
#include "reports/sweep_priv.h"

/* The metrics of the tables, a subset to keep them readable. */
static const int cols[] = {
	SCM_VIOLATIONS, SCM_FALSE_POSITIVE,	 SCM_SILENT,	     SCM_STALE,
	SCM_HUNG,	SCM_DETECTION_RATE,	 SCM_SUB_IOS_PER_REQUEST,
	SCM_LATENCY_P99_NS, SCM_THROUGHPUT,
};
#define N_COLS (sizeof(cols) / sizeof(cols[0]))

static void table_begin(struct doc *d, const char *first, const char *second, const char *third)
{
	char align[N_COLS + 5];
	size_t n = 0;

	align[n++] = 'l';
	if (second)
		align[n++] = 'l';
	if (third)
		align[n++] = 'r';
	for (size_t i = 0; i < N_COLS; i++)
		align[n++] = 'r';
	align[n++] = 'l';
	align[n] = '\0';
	doc_table_begin(d, align);
	doc_cell(d, first);
	if (second)
		doc_cell(d, second);
	if (third)
		doc_cell(d, third);
	for (size_t i = 0; i < N_COLS; i++)
		doc_cell(d, sc_metric_names[cols[i]]);
	doc_cell(d, "stalled");
	doc_row_end(d);
}

/* A stalled run's numbers cover a prefix of its trace: how many of the
 * runs of a row stalled ("partial" when any). */
static void stalled_cell(struct doc *d, uint64_t stalled, uint64_t runs, uint64_t unknown)
{
	doc_cell_class_begin(d, unknown ? "na" : stalled ? "warn" : NULL);
	if (unknown)
		doc_textf(d, "%" PRIu64 " not recorded", unknown);
	else if (stalled)
		doc_textf(d, "%" PRIu64 " of %" PRIu64 " runs: partial", stalled, runs);
	else
		doc_text(d, "no");
	doc_cell_end(d);
}

static void stat_cell(struct doc *d, const struct sw_stat *s)
{
	char a[32], lo[32], hi[32];

	if (s->n == 0) {
		doc_cell(d, "n/a");
		return;
	}
	sw_num(s->mean, a, sizeof(a));
	sw_num(s->min, lo, sizeof(lo));
	sw_num(s->max, hi, sizeof(hi));
	if (s->min != s->max)
		doc_cellf(d, "%s [%s, %s]", a, lo, hi);
	else
		doc_cell(d, a);
}

/* One verdict row per variant, summed over its runs, in the order the
 * variants first appear. */
static void verdict(struct doc *d, const struct sw_data *sd)
{
	struct verdict *rows = calloc(sd->n ? sd->n : 1, sizeof(*rows));
	size_t n = 0;
	uint64_t missing = 0;

	if (rows == NULL) {
		doc_para(d, "Verdict: out of memory.");
		return;
	}
	for (uint64_t k = 0; k < sd->n; k++) {
		const struct sw_run *r = &sd->runs[k];
		size_t i = 0;

		if (!r->has_vd) {
			missing++;
			continue;
		}
		while (i < n && strcmp(rows[i].variant, r->vd.variant) != 0)
			i++;
		verdict_add(&rows[i], &r->vd, i == n);
		if (i == n)
			n++;
	}
	if (n > 0) {
		verdict_block(d, rows, n, false);
	} else {
		doc_heading_begin(d, 2, "verdict");
		doc_text(d, "Verdict");
		doc_heading_end(d);
	}
	if (missing > 0) {
		doc_para_begin(d);
		doc_textf(d, "%" PRIu64 " run%s without a verdict (point.json written by an older "
			     "csumsim): not counted above.",
			  missing, missing == 1 ? "" : "s");
		doc_para_end(d);
	}
	free(rows);
}

static void head(struct doc *d, const struct sw_data *sd, const char *title,
		 const char *reproduce)
{
	const struct sc_sweep *w = &sd->sc->sweep;

	doc_heading_begin(d, 1, NULL);
	doc_text(d, title);
	doc_heading_end(d);
	verdict(d, sd);
	doc_para_begin(d);
	doc_textf(d, "%" PRIu64 " runs: ", sd->n);
	for (uint32_t p = 0; p < w->n_params; p++) {
		doc_textf(d, "%s%" PRIu32 " values of ", p ? " × " : "", w->params[p].n_values);
		doc_code(d, w->params[p].key);
	}
	doc_textf(d, "%s%" PRIu32 " replica%s (seeds derived from the sweep seed %" PRIu64 ").",
		  w->n_params ? " × " : "", w->replicas, w->replicas == 1 ? "" : "s",
		  sd->sc->seed);
	doc_para_end(d);
	doc_para_begin(d);
	doc_text(d, "Reproduce: ");
	doc_code(d, reproduce);
	doc_text(d, "; one run alone: ");
	doc_code(d, "csumsim run FILE --point K");
	doc_text(d, ". Data: ");
	doc_file(d, "sweep.json");
	doc_text(d, ", ");
	doc_file(d, "sweep.csv");
	doc_text(d, "; every run's own report is in runs/K/. Tables: the mean over the runs "
		    "that share a value [min, max].");
	doc_para_end(d);
}

static void parameter(struct doc *d, const struct sw_data *sd, uint32_t p, bool plots)
{
	const struct sc_sweep_param *sp = &sd->sc->sweep.params[p];
	bool any = false;

	doc_heading_begin(d, 2, NULL);
	doc_text(d, sp->key);
	doc_heading_end(d);
	table_begin(d, "value", NULL, "runs");
	for (uint32_t v = 0; v < sp->n_values; v++) {
		char t[SC_SWEEP_VALUE_MAX];
		uint64_t n = 0;

		uint64_t stalled = 0, unknown = 0;

		sweep_value_text(sp->values[v], t, sizeof(t));
		for (uint64_t k = 0; k < sd->n; k++) {
			const struct sw_run *r = &sd->runs[k];

			if (r->co.value[p] != v)
				continue;
			n++;
			unknown += !r->has_vd;
			stalled += r->has_vd && r->vd.stalled;
		}
		doc_cell(d, t);
		doc_cellf(d, "%" PRIu64, n);
		for (size_t i = 0; i < N_COLS; i++) {
			struct sw_stat s;

			sw_stat_of(sd, (int)p, v, -1, cols[i], &s);
			stat_cell(d, &s);
		}
		stalled_cell(d, stalled, n, unknown);
		doc_row_end(d);
	}
	doc_table_end(d);
	for (unsigned j = 0; plots && j < sw_n_plot_metrics; j++) {
		char name[256], rel[300], alt[300];

		if (!sw_plot_wanted(sd, sw_plot_metrics[j], p))
			continue;
		if (!any)
			doc_list_begin(d);
		any = true;
		sw_plot_name(sd, sw_plot_metrics[j], p, name, sizeof(name));
		snprintf(rel, sizeof(rel), "plots/%s", name);
		snprintf(alt, sizeof(alt), "%s against %s", sc_metric_names[sw_plot_metrics[j]],
			 sp->key);
		doc_item_begin(d);
		doc_image(d, alt, rel);
		doc_item_end(d);
	}
	if (any)
		doc_list_end(d);
}

static void runs(struct doc *d, const struct sw_data *sd, enum doc_format fmt)
{
	doc_heading_begin(d, 2, NULL);
	doc_text(d, "Runs");
	doc_heading_end(d);
	table_begin(d, "run", "parameters", "seed");
	for (uint64_t k = 0; k < sd->n; k++) {
		const struct sw_run *r = &sd->runs[k];
		char label[1024], rel[64], href[96], num[32];

		sweep_run_dir(k, rel, sizeof(rel));
		snprintf(href, sizeof(href), "%s/%s", rel,
			 fmt == DOC_HTML ? "report.html" : "summary.md");
		snprintf(num, sizeof(num), "%" PRIu64, k);
		sweep_label(sd->sc, &r->co, label, sizeof(label));
		doc_cell_begin(d);
		doc_link(d, num, href);
		doc_cell_end(d);
		doc_cell(d, label[0] ? label : "(base)");
		doc_cellf(d, "%" PRIu64, r->co.seed);
		for (size_t i = 0; i < N_COLS; i++) {
			char t[32];

			sw_num(r->def[cols[i]] ? r->v[cols[i]] : NAN, t, sizeof(t));
			doc_cell(d, t);
		}
		if (r->has_vd && r->vd.stalled && r->vd.stalled_at != UINT64_MAX) {
			doc_cell_class_begin(d, "warn");
			doc_textf(d, "at request %" PRIu64 " of %" PRIu64 ": partial",
				  r->vd.stalled_at + 1, r->vd.requests_total);
			doc_cell_end(d);
		} else {
			stalled_cell(d, r->has_vd && r->vd.stalled, 1, !r->has_vd);
		}
		doc_row_end(d);
	}
	doc_table_end(d);
}

static void constants(struct doc *d, const struct sw_data *sd)
{
	bool first = true;

	for (int i = 0; i < SCM_SWEPT; i++) {
		char t[32];

		if (!sd->constant[i] || !sd->any[i])
			continue;
		if (first) {
			doc_para_begin(d);
			doc_text(d, "The same in every run: ");
		}
		sw_num(sd->runs[0].v[i], t, sizeof(t));
		doc_text(d, first ? "" : ", ");
		doc_code(d, sc_metric_names[i]);
		doc_textf(d, " = %s", t);
		first = false;
	}
	if (!first) {
		doc_text(d, ".");
		doc_para_end(d);
	}
}

static int write_one(const char *dir, const struct sw_data *sd, const char *reproduce,
		     bool plots, enum doc_format fmt, struct cs_err *err)
{
	const char *file = fmt == DOC_HTML ? "report.html" : "sweep.md";
	char title[200];
	struct doc d;
	FILE *f = rep_open(dir, file, err);

	if (f == NULL)
		return -1;
	snprintf(title, sizeof(title), "csumsim sweep: %s",
		 sd->sc->name[0] ? sd->sc->name : "(unnamed)");
	doc_begin(&d, f, fmt, dir, title, err);
	head(&d, sd, title, reproduce);
	sw_knee_doc(&d, sd);
	for (uint32_t p = 0; p < sd->sc->sweep.n_params; p++)
		parameter(&d, sd, p, plots);
	runs(&d, sd, fmt);
	constants(&d, sd);
	if (doc_end(&d) != 0) {
		fclose(f);
		return -1;
	}
	return rep_close(f, file, err);
}

int sw_write_docs(const char *dir, const struct sw_data *sd, const char *reproduce, bool plots,
		  struct cs_err *err)
{
	if (write_one(dir, sd, reproduce, plots, DOC_MARKDOWN, err) != 0)
		return -1;
	return write_one(dir, sd, reproduce, plots, DOC_HTML, err);
}
