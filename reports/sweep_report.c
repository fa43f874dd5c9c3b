/* The sweep's aggregate: point.json per run, then sweep.json, sweep.csv and
 * sweep.md over them (charts and the HTML page: sweep_plot.c). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/expect.h"
#include "reports/jsonb.h"
#include "reports/report_priv.h"
#include "reports/sweep_knee.h"
#include "reports/sweep_priv.h"
#include "scenarios/sc_value.h"
#include "version.h"

const int sw_plot_metrics[] = {
	SCM_VIOLATIONS,		 SCM_FALSE_POSITIVE,	  SCM_SILENT,
	SCM_STALE,		 SCM_DETECTED,		  SCM_HUNG,
	SCM_DETECTION_RATE,	 SCM_FAULTS_SILENT,	  SCM_SUB_IOS_PER_REQUEST,
	SCM_BYTES_PER_USER_BYTE, SCM_FLUSHES_PER_REQUEST, SCM_LATENCY_P50_NS,
	SCM_LATENCY_P99_NS,	 SCM_THROUGHPUT,	  SCM_OVH_THROUGHPUT,
};
const unsigned sw_n_plot_metrics = sizeof(sw_plot_metrics) / sizeof(sw_plot_metrics[0]);

void sweep_run_dir(uint64_t k, char *buf, size_t n)
{
	snprintf(buf, n, "runs/%06" PRIu64, k);
}

void sw_safe(const char *s, char *buf, size_t n)
{
	size_t o = 0;

	for (; *s && o + 1 < n; s++)
		buf[o++] = ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			    (*s >= '0' && *s <= '9') || *s == '-')
				   ? *s
				   : '_';
	if (n)
		buf[o] = '\0';
}

void sw_plot_name(const struct sw_data *d, int metric, uint32_t p, char *buf, size_t n)
{
	char m[64], k[SC_QUICK_KEY_MAX];

	sw_safe(sc_metric_names[metric], m, sizeof(m));
	sw_safe(d->sc->sweep.params[p].key, k, sizeof(k));
	snprintf(buf, n, "%s-vs-%s", m, k);
}

void sw_num(double v, char *buf, size_t n)
{
	if (!isfinite(v))
		snprintf(buf, n, "n/a");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, "%.6g", v);
}

uint32_t sw_group_of(const struct sw_data *d, const struct sw_run *r, uint32_t p)
{
	uint32_t g = 0;

	for (uint32_t i = 0; i < d->sc->sweep.n_params; i++)
		if (i != p)
			g = g * d->sc->sweep.params[i].n_values + r->co.value[i];
	return g;
}

void sw_stat_of(const struct sw_data *d, int p, uint32_t v, int64_t group, int metric,
		struct sw_stat *s)
{
	double sum = 0;

	memset(s, 0, sizeof(*s));
	s->mean = s->min = s->max = NAN;
	for (uint64_t i = 0; i < d->n; i++) {
		const struct sw_run *r = &d->runs[i];

		if ((p >= 0 && r->co.value[p] != v) || !r->def[metric] ||
		    (p >= 0 && group >= 0 && sw_group_of(d, r, (uint32_t)p) != (uint64_t)group))
			continue;
		if (s->n == 0 || r->v[metric] < s->min)
			s->min = r->v[metric];
		if (s->n == 0 || r->v[metric] > s->max)
			s->max = r->v[metric];
		sum += r->v[metric];
		s->n++;
	}
	if (s->n)
		s->mean = sum / (double)s->n;
}

bool sw_plot_wanted(const struct sw_data *d, int metric, uint32_t p)
{
	return d->sc->sweep.params[p].n_values >= 2 && d->any[metric] && !d->constant[metric];
}

/* ---- point.json -------------------------------------------------------- */

int sweep_point_write(const char *dir, const struct scenario *sweep, uint64_t k,
		      const struct sweep_coord *co, const struct run_metrics *m,
		      const struct run_metrics *base, struct cs_err *err)
{
	struct jb b = {0};
	json_t *root = jb_obj(&b), *params = jb_obj(&b), *metrics = jb_obj(&b);
	char label[1024];

	sweep_label(sweep, co, label, sizeof(label));
	jb_put(&b, root, "run", jb_u64(&b, k));
	jb_put(&b, root, "label", jb_str(&b, label));
	{
		/* seeds are 64-bit: as text, so no JSON reader rounds them */
		char seed[32];

		snprintf(seed, sizeof(seed), "%" PRIu64, co->seed);
		jb_put(&b, root, "seed", jb_str(&b, seed));
	}
	jb_put(&b, root, "replica", jb_u64(&b, co->replica));
	for (uint32_t i = 0; i < sweep->sweep.n_params; i++) {
		char v[SC_SWEEP_VALUE_MAX];

		sweep_value_text(sweep->sweep.params[i].values[co->value[i]], v, sizeof(v));
		jb_put(&b, params, sweep->sweep.params[i].key, jb_str(&b, v));
	}
	jb_put(&b, root, "params", params);
	for (int i = 0; i < SCM_SWEPT; i++) {
		double x;
		char why[160];

		if (expect_measure(i, m, base, &x, why, sizeof(why)) == 0 && isfinite(x))
			jb_put(&b, metrics, sc_metric_names[i], jb_real(&b, x));
		else
			jb_put(&b, metrics, sc_metric_names[i], jb_null(&b));
	}
	jb_put(&b, root, "metrics", metrics);
	{
		struct verdict v;
		char name[80];

		rep_variant_name(m, "", ' ', name, sizeof(name));
		verdict_of(name, NULL, m, base, &v);
		jb_put(&b, root, "verdict", verdict_json(&b, &v));
	}
	return jb_write(&b, root, dir, "point.json", err);
}

/* Run k's point.json (rel names it in messages); the run's label and
 * number must be this sweep's. Every field is checked: merge reads files
 * from other machines. */
int sweep_point_from_json(const json_t *root, const char *rel, const struct scenario *sc,
			  uint64_t k, struct sw_run *r, struct cs_err *err)
{
	char label[1024], why[SC_WHY_MAX];
	const json_t *metrics, *x;

	sweep_coord_of(sc, k, &r->co);
	sweep_label(sc, &r->co, label, sizeof(label));
	x = json_object_get(root, "run");
	if (!json_is_integer(x) || json_integer_value(x) < 0 ||
	    (uint64_t)json_integer_value(x) != k ||
	    !json_is_string(json_object_get(root, "label")) ||
	    strcmp(json_string_value(json_object_get(root, "label")), label) != 0) {
		return cs_err_set(err, "sweep: %s/point.json is not run %" PRIu64
				  " (%s) of this sweep", rel, k, label);
	}
	x = json_object_get(root, "seed");
	if (!json_is_string(x) || sc_parse_u64(json_string_value(x), &r->co.seed, why) != 0)
		return cs_err_set(err, "sweep: %s/point.json: field 'seed': expected a number as text",
				  rel);
	metrics = json_object_get(root, "metrics");
	if (!json_is_object(metrics))
		return cs_err_set(err, "sweep: %s/point.json: field 'metrics': expected an object",
				  rel);
	for (int i = 0; i < SCM_SWEPT; i++) {
		x = json_object_get(metrics, sc_metric_names[i]);
		r->def[i] = json_is_number(x);
		r->v[i] = r->def[i] ? json_number_value(x) : NAN;
		if (x == NULL)
			return cs_err_set(err, "sweep: %s/point.json: field 'metrics.%s' is missing",
					  rel, sc_metric_names[i]);
	}
	x = json_object_get(root, "verdict");
	r->has_vd = x != NULL;
	if (x != NULL && verdict_from_json(x, &r->vd) != 0)
		return cs_err_set(err, "sweep: %s/point.json: field 'verdict': a field is missing "
				  "or of the wrong type", rel);
	return 0;
}

static int read_point(const char *dir, const struct scenario *sc, uint64_t k, struct sw_run *r,
		      struct cs_err *err)
{
	char rel[64], path[REP_PATH_MAX];
	json_error_t je;
	json_t *root;
	int rc;

	sweep_run_dir(k, rel, sizeof(rel));
	snprintf(path, sizeof(path), "%s/%s/point.json", dir, rel);
	root = json_load_file(path, 0, &je);
	if (root == NULL)
		return cs_err_set(err, "sweep: run %" PRIu64 ": cannot read %s/point.json: %s", k,
				  rel, je.text);
	rc = sweep_point_from_json(root, rel, sc, k, r, err);
	json_decref(root);
	return rc;
}

/* ---- sweep.json -------------------------------------------------------- */

static json_t *stat_json(struct jb *b, const struct sw_stat *s)
{
	json_t *o = jb_obj(b);

	jb_put(b, o, "n", jb_u64(b, s->n));
	jb_put(b, o, "mean", s->n ? jb_real(b, s->mean) : jb_null(b));
	jb_put(b, o, "min", s->n ? jb_real(b, s->min) : jb_null(b));
	jb_put(b, o, "max", s->n ? jb_real(b, s->max) : jb_null(b));
	return o;
}

static int write_json(const char *dir, const struct sw_data *d, const char *reproduce,
		      struct cs_err *err)
{
	const struct sc_sweep *w = &d->sc->sweep;
	struct jb b = {0};
	json_t *root = jb_obj(&b), *params = jb_arr(&b), *runs = jb_arr(&b), *by = jb_obj(&b);

	jb_put(&b, root, "csumsim_version", jb_str(&b, CSUMSIM_VERSION));
	jb_put(&b, root, "sweep", jb_str(&b, d->sc->name));
	{
		char seed[32];

		snprintf(seed, sizeof(seed), "%" PRIu64, d->sc->seed);
		jb_put(&b, root, "seed", jb_str(&b, seed));
	}
	jb_put(&b, root, "reproduce", jb_str(&b, reproduce));
	jb_put(&b, root, "replicas", jb_u64(&b, w->replicas));
	jb_put(&b, root, "n_runs", jb_u64(&b, d->n));
	for (uint32_t p = 0; p < w->n_params; p++) {
		json_t *o = jb_obj(&b), *vals = jb_arr(&b);

		jb_put(&b, o, "key", jb_str(&b, w->params[p].key));
		for (uint32_t v = 0; v < w->params[p].n_values; v++) {
			char t[SC_SWEEP_VALUE_MAX];

			sweep_value_text(w->params[p].values[v], t, sizeof(t));
			jb_push(&b, vals, jb_str(&b, t));
		}
		jb_put(&b, o, "values", vals);
		jb_push(&b, params, o);
	}
	jb_put(&b, root, "params", params);
	for (uint64_t k = 0; k < d->n; k++) {
		const struct sw_run *r = &d->runs[k];
		json_t *o = jb_obj(&b), *vals = jb_obj(&b), *m = jb_obj(&b);
		char seed[32], rel[64];

		sweep_run_dir(k, rel, sizeof(rel));
		snprintf(seed, sizeof(seed), "%" PRIu64, r->co.seed);
		jb_put(&b, o, "run", jb_u64(&b, k));
		jb_put(&b, o, "dir", jb_str(&b, rel));
		jb_put(&b, o, "seed", jb_str(&b, seed));
		jb_put(&b, o, "replica", jb_u64(&b, r->co.replica));
		for (uint32_t p = 0; p < w->n_params; p++) {
			char t[SC_SWEEP_VALUE_MAX];

			sweep_value_text(w->params[p].values[r->co.value[p]], t, sizeof(t));
			jb_put(&b, vals, w->params[p].key, jb_str(&b, t));
		}
		jb_put(&b, o, "params", vals);
		for (int i = 0; i < SCM_SWEPT; i++)
			jb_put(&b, m, sc_metric_names[i],
			       r->def[i] ? jb_real(&b, r->v[i]) : jb_null(&b));
		jb_put(&b, o, "metrics", m);
		jb_push(&b, runs, o);
	}
	jb_put(&b, root, "runs", runs);
	/* each metric over the runs that share one value of one parameter */
	for (uint32_t p = 0; p < w->n_params; p++) {
		json_t *vals = jb_arr(&b);

		for (uint32_t v = 0; v < w->params[p].n_values; v++) {
			json_t *o = jb_obj(&b), *m = jb_obj(&b);
			char t[SC_SWEEP_VALUE_MAX];

			sweep_value_text(w->params[p].values[v], t, sizeof(t));
			jb_put(&b, o, "value", jb_str(&b, t));
			for (int i = 0; i < SCM_SWEPT; i++) {
				struct sw_stat s;

				sw_stat_of(d, (int)p, v, -1, i, &s);
				jb_put(&b, m, sc_metric_names[i], stat_json(&b, &s));
			}
			jb_put(&b, o, "metrics", m);
			jb_push(&b, vals, o);
		}
		jb_put(&b, by, w->params[p].key, vals);
	}
	jb_put(&b, root, "by_param", by);
	jb_put(&b, root, "knee", sw_knee_json(&b, d));
	return jb_write(&b, root, dir, "sweep.json", err);
}

/* ---- sweep.csv ---------------------------------------------------------- */

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\n\r") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static int write_csv(const char *dir, const struct sw_data *d, struct cs_err *err)
{
	const struct sc_sweep *w = &d->sc->sweep;
	FILE *f = rep_open(dir, "sweep.csv", err);

	if (f == NULL)
		return -1;
	fputs("run", f);
	for (uint32_t p = 0; p < w->n_params; p++) {
		fputc(',', f);
		csv_field(f, w->params[p].key);
	}
	fputs(",replica,seed", f);
	for (int i = 0; i < SCM_SWEPT; i++)
		fprintf(f, ",%s", sc_metric_names[i]);
	fputc('\n', f);
	for (uint64_t k = 0; k < d->n; k++) {
		const struct sw_run *r = &d->runs[k];

		fprintf(f, "%" PRIu64, k);
		for (uint32_t p = 0; p < w->n_params; p++) {
			char t[SC_SWEEP_VALUE_MAX];

			sweep_value_text(w->params[p].values[r->co.value[p]], t, sizeof(t));
			fputc(',', f);
			csv_field(f, t);
		}
		fprintf(f, ",%" PRIu32 ",%" PRIu64, r->co.replica, r->co.seed);
		for (int i = 0; i < SCM_SWEPT; i++) {
			if (r->def[i])
				fprintf(f, ",%.10g", r->v[i]);
			else
				fputc(',', f);
		}
		fputc('\n', f);
	}
	return rep_close(f, "sweep.csv", err);
}

int sweep_report_write(const char *dir, const struct sweep_report_input *in, struct cs_err *err)
{
	struct sw_data d = {.sc = in->sweep, .n = sweep_count(in->sweep)};
	int rc = -1;

	d.runs = calloc(d.n, sizeof(*d.runs));
	if (d.runs == NULL)
		return cs_err_set(err, "out of memory");
	for (uint64_t k = 0; k < d.n; k++)
		if (read_point(dir, in->sweep, k, &d.runs[k], err) != 0)
			goto out;
	for (int i = 0; i < SCM_SWEPT; i++) {
		d.constant[i] = true;
		for (uint64_t k = 0; k < d.n; k++) {
			d.any[i] = d.any[i] || d.runs[k].def[i];
			if (d.runs[k].def[i] != d.runs[0].def[i] ||
			    (d.runs[k].def[i] && d.runs[k].v[i] != d.runs[0].v[i]))
				d.constant[i] = false;
		}
	}
	if (write_json(dir, &d, in->reproduce, err) != 0 || write_csv(dir, &d, err) != 0)
		goto out;
	/* the charts first: report.html inlines them */
	if (in->plots && sw_write_plots(dir, &d, in->gnuplot, err) != 0)
		goto out;
	if (sw_write_docs(dir, &d, in->reproduce, in->plots, err) != 0)
		goto out;
	rc = 0;
out:
	free(d.runs);
	return rc;
}

/* ---- the output directory ---------------------------------------------- */

int sweep_outdir_begin(struct sweep_outdir *d, const char *out_dir, const char *marker,
		       struct cs_err *err)
{
	struct rep_outdir *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return cs_err_set(err, "out of memory");
	if (rep_outdir_begin(o, out_dir, marker, err) != 0) {
		free(o);
		return -1;
	}
	snprintf(d->tmp, sizeof(d->tmp), "%s", o->tmp);
	d->priv = o;
	return 0;
}

int sweep_outdir_commit(struct sweep_outdir *d, struct cs_err *err)
{
	int rc = rep_outdir_commit(d->priv, err);

	free(d->priv);
	d->priv = NULL;
	return rc;
}

void sweep_outdir_abort(struct sweep_outdir *d)
{
	if (d->priv != NULL)
		rep_outdir_abort(d->priv);
	free(d->priv);
	d->priv = NULL;
}
