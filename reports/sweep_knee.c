#include "reports/sweep_knee.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/sweep.h"

#define KNEE_KEY "host.time_scale"

static int scale_param(const struct sw_data *d)
{
	const struct sc_sweep *w = &d->sc->sweep;

	if (!(w->knee_p99_ms > 0))
		return -1;
	for (uint32_t p = 0; p < w->n_params; p++)
		if (strcmp(w->params[p].key, KNEE_KEY) == 0)
			return (int)p;
	return -1;
}

static void label_of(const struct sw_data *d, const struct sw_run *r, uint32_t skip, char *buf,
		     size_t n)
{
	const struct sc_sweep *w = &d->sc->sweep;
	size_t len = 0;

	buf[0] = '\0';
	for (uint32_t p = 0; p < w->n_params && len < n; p++) {
		char t[SC_SWEEP_VALUE_MAX];

		if (p == skip)
			continue;
		sweep_value_text(w->params[p].values[r->co.value[p]], t, sizeof(t));
		len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", len ? ", " : "",
					w->params[p].key, t);
	}
}

/* Whether the runs of group g at value v all sustain the load: 1 yes, 0 no
 * (why says how), -1 no such run. *p99 is their worst p99. */
static int sustained(const struct sw_data *d, uint32_t p, uint32_t g, uint32_t v,
		     double bound_ns, double *p99, char *why, size_t why_n)
{
	int seen = 0;

	*p99 = 0;
	for (uint64_t k = 0; k < d->n; k++) {
		const struct sw_run *r = &d->runs[k];

		if (r->co.value[p] != v || sw_group_of(d, r, p) != g)
			continue;
		seen = 1;
		if (r->def[SCM_STALLED] && r->v[SCM_STALLED] != 0) {
			snprintf(why, why_n, "stalled");
			return 0;
		}
		if (!r->def[SCM_SATURATED] || r->v[SCM_SATURATED] != 0) {
			snprintf(why, why_n, "saturated");
			return 0;
		}
		if (!r->def[SCM_LATENCY_P99_NS] || r->v[SCM_LATENCY_P99_NS] > bound_ns) {
			snprintf(why, why_n, "p99 %.4g ms",
				 r->def[SCM_LATENCY_P99_NS] ? r->v[SCM_LATENCY_P99_NS] / 1e6 : NAN);
			return 0;
		}
		if (r->v[SCM_LATENCY_P99_NS] > *p99)
			*p99 = r->v[SCM_LATENCY_P99_NS];
	}
	return seen ? 1 : -1;
}

uint32_t sw_knee(const struct sw_data *d, struct sw_knee_row *rows, uint32_t max)
{
	int sp = scale_param(d);
	const struct sc_sweep_param *param;
	uint32_t order[SC_MAX_SWEEP_VALUES], groups[SW_KNEE_MAX_ROWS];
	double scale[SC_MAX_SWEEP_VALUES];
	double bound_ns;
	uint32_t n_rows = 0, p;

	if (sp < 0)
		return 0;
	p = (uint32_t)sp;
	param = &d->sc->sweep.params[p];
	bound_ns = d->sc->sweep.knee_p99_ms * 1e6;
	for (uint32_t v = 0; v < param->n_values; v++) {
		char t[SC_SWEEP_VALUE_MAX];

		sweep_value_text(param->values[v], t, sizeof(t));
		scale[v] = strtod(t, NULL);
		order[v] = v;
	}
	/* slowest arrivals (largest scale) first; insertion sort, n <= 32 */
	for (uint32_t i = 1; i < param->n_values; i++)
		for (uint32_t j = i; j > 0 && scale[order[j]] > scale[order[j - 1]]; j--) {
			uint32_t t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (uint64_t k = 0; k < d->n && n_rows < max && n_rows < SW_KNEE_MAX_ROWS; k++) {
		uint32_t g = sw_group_of(d, &d->runs[k], p);
		struct sw_knee_row *row;
		bool known = false;

		for (uint32_t i = 0; i < n_rows; i++)
			known = known || groups[i] == g;
		if (known)
			continue;
		groups[n_rows] = g;
		row = &rows[n_rows++];
		memset(row, 0, sizeof(*row));
		label_of(d, &d->runs[k], p, row->label, sizeof(row->label));
		for (uint32_t i = 0; i < param->n_values; i++) {
			uint32_t v = order[i];
			double p99;
			int ok = sustained(d, p, g, v, bound_ns, &p99, row->fail_why,
					   sizeof(row->fail_why));

			if (ok < 0)
				continue;
			assert(scale[v] > 0);
			if (ok == 0) {
				row->fail_rate = 1.0 / scale[v];
				break;
			}
			row->knee_rate = 1.0 / scale[v];
			row->p99_ns_at_knee = p99;
		}
	}
	return n_rows;
}

void sw_knee_doc(struct doc *doc, const struct sw_data *d)
{
	struct sw_knee_row *rows = calloc(SW_KNEE_MAX_ROWS, sizeof(*rows));
	uint32_t n;

	if (rows == NULL) {
		doc_para(doc, "Knee: out of memory.");
		return;
	}
	n = sw_knee(d, rows, SW_KNEE_MAX_ROWS);
	if (n == 0) {
		free(rows);
		return;
	}
	doc_heading_begin(doc, 2, "knee");
	doc_text(doc, "Knee: the highest load sustained");
	doc_heading_end(doc);
	doc_para_begin(doc);
	doc_textf(doc, "The highest arrival rate, as a multiple of the trace's own (1 / "
		       "host.time_scale), at which the run and every slower one are not saturated "
		       "and their latency p99 stays within %.6g ms (sweep.knee_p99_ms), in every "
		       "replica. Above it latency measures queueing, not the scheme.",
		  d->sc->sweep.knee_p99_ms);
	doc_para_end(doc);
	doc_table_begin(doc, "lrrrl");
	doc_cell(doc, "runs");
	doc_cell(doc, "knee (x trace rate)");
	doc_cell(doc, "p99 at the knee (ms)");
	doc_cell(doc, "first failing rate");
	doc_cell(doc, "why it failed");
	doc_row_end(doc);
	for (uint32_t i = 0; i < n; i++) {
		const struct sw_knee_row *r = &rows[i];

		doc_cell(doc, r->label[0] ? r->label : "all");
		if (r->knee_rate > 0) {
			doc_cellf(doc, "%.6g", r->knee_rate);
			doc_cellf(doc, "%.4g", r->p99_ns_at_knee / 1e6);
		} else {
			doc_cell(doc, "none (fails at the slowest)");
			doc_cell(doc, "n/a");
		}
		if (r->fail_rate > 0) {
			doc_cellf(doc, "%.6g", r->fail_rate);
			doc_cell(doc, r->fail_why);
		} else {
			doc_cell(doc, "none failed");
			doc_cell(doc, "");
		}
		doc_row_end(doc);
	}
	doc_table_end(doc);
	free(rows);
}

json_t *sw_knee_json(struct jb *b, const struct sw_data *d)
{
	struct sw_knee_row *rows = calloc(SW_KNEE_MAX_ROWS, sizeof(*rows));
	json_t *o, *arr;
	uint32_t n;

	if (rows == NULL)
		return jb_null(b);
	n = sw_knee(d, rows, SW_KNEE_MAX_ROWS);
	if (n == 0) {
		free(rows);
		return jb_null(b);
	}
	o = jb_obj(b);
	arr = jb_arr(b);
	jb_put(b, o, "p99_bound_ms", jb_real(b, d->sc->sweep.knee_p99_ms));
	for (uint32_t i = 0; i < n; i++) {
		json_t *r = jb_obj(b);

		jb_put(b, r, "runs", jb_str(b, rows[i].label));
		jb_put(b, r, "knee_rate", jb_real(b, rows[i].knee_rate));
		jb_put(b, r, "p99_ms_at_knee",
		       rows[i].knee_rate > 0 ? jb_real(b, rows[i].p99_ns_at_knee / 1e6)
					     : jb_null(b));
		jb_put(b, r, "fail_rate",
		       rows[i].fail_rate > 0 ? jb_real(b, rows[i].fail_rate) : jb_null(b));
		jb_put(b, r, "fail_why", jb_str(b, rows[i].fail_why));
		jb_push(b, arr, r);
	}
	jb_put(b, o, "rows", arr);
	free(rows);
	return o;
}
