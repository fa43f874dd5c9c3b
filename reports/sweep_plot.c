/* The sweep's charts, one per metric that varies and parameter with two or
 * more values: the metric's mean against the parameter's values, one line
 * per combination of the other parameters (or their mean when there are
 * too many), error bars from the smallest to the largest run. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reports/report_priv.h"
#include "reports/sweep_priv.h"

/* More lines than this and a chart shows their mean instead. */
#define MAX_SERIES 6

static uint32_t n_groups(const struct sw_data *d, uint32_t p)
{
	uint32_t g = 1;

	for (uint32_t i = 0; i < d->sc->sweep.n_params; i++)
		if (i != p)
			g *= d->sc->sweep.params[i].n_values;
	return g;
}

/* "k1=v1 k2=v2" for group g (inverse of sw_group_of). */
static void group_label(const struct sw_data *d, uint32_t p, uint32_t g, char *buf, size_t n)
{
	uint32_t idx[SC_MAX_SWEEP_PARAMS] = {0};
	size_t len = 0;

	for (uint32_t i = d->sc->sweep.n_params; i-- > 0;)
		if (i != p) {
			idx[i] = g % d->sc->sweep.params[i].n_values;
			g /= d->sc->sweep.params[i].n_values;
		}
	buf[0] = '\0';
	for (uint32_t i = 0; i < d->sc->sweep.n_params && len < n; i++) {
		char v[SC_SWEEP_VALUE_MAX];

		if (i == p)
			continue;
		sweep_value_text(d->sc->sweep.params[i].values[idx[i]], v, sizeof(v));
		len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", len ? " " : "",
					d->sc->sweep.params[i].key, v);
	}
}

static void dat_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.10g", v);
	else
		fputs(" NaN", f);
}

/* Text safe inside a gnuplot single-quoted string and a quoted data field. */
static void gp_safe(const char *s, char *buf, size_t n)
{
	size_t o = 0;

	for (; *s && o + 1 < n; s++)
		buf[o++] = (*s == '\'' || *s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
				   ? '_'
				   : *s;
	if (n)
		buf[o] = '\0';
}

/* The values of p as numbers for the x axis, when every one is a finite
 * number; log: when all are positive and span two decades or more. */
static bool numeric_axis(const struct sw_data *d, uint32_t p, double *x, bool *log)
{
	const struct sc_sweep_param *sp = &d->sc->sweep.params[p];
	double lo = INFINITY, hi = -INFINITY;

	for (uint32_t v = 0; v < sp->n_values; v++) {
		char t[SC_SWEEP_VALUE_MAX], *end;

		sweep_value_text(sp->values[v], t, sizeof(t));
		x[v] = strtod(t, &end);
		if (end == t || *end != '\0' || !isfinite(x[v]))
			return false;
		lo = fmin(lo, x[v]);
		hi = fmax(hi, x[v]);
	}
	*log = lo > 0 && hi / lo >= 100;
	return true;
}

/* Writes the chart's data and script; sw_write_plots draws them. */
static int chart(const char *dir, const struct sw_data *d, int metric, uint32_t p,
		 struct cs_err *err)
{
	const struct sc_sweep_param *sp = &d->sc->sweep.params[p];
	uint32_t ng = n_groups(d, p), ns = ng <= MAX_SERIES ? ng : 1;
	double x[SC_MAX_SWEEP_VALUES];
	bool log = false, num = numeric_axis(d, p, x, &log);
	char name[256], file[300], key[SC_QUICK_KEY_MAX];
	FILE *f;

	sw_plot_name(d, metric, p, name, sizeof(name));
	snprintf(file, sizeof(file), "%s.dat", name);
	gp_safe(sp->key, key, sizeof(key));
	f = rep_open(dir, file, err);
	if (f == NULL)
		return -1;
	fprintf(f, "# %s against %s; per line: mean, min, max over its runs (NaN: no value)\n",
		sc_metric_names[metric], key);
	for (uint32_t v = 0; v < sp->n_values; v++) {
		char t[SC_SWEEP_VALUE_MAX], g[SC_SWEEP_VALUE_MAX];

		sweep_value_text(sp->values[v], t, sizeof(t));
		gp_safe(t, g, sizeof(g));
		fprintf(f, "\"%s\"", g);
		if (num)
			dat_num(f, x[v]);
		for (uint32_t s = 0; s < ns; s++) {
			struct sw_stat st;

			sw_stat_of(d, (int)p, v, ns == 1 && ng > 1 ? -1 : (int64_t)s, metric, &st);
			dat_num(f, st.mean);
			dat_num(f, st.min);
			dat_num(f, st.max);
		}
		fputc('\n', f);
	}
	if (rep_close(f, file, err) != 0)
		return -1;

	{
		char gp[320], body[16384], lab[512], slab[512];
		size_t len = 0;
		int c0 = num ? 3 : 2;
		struct sw_stat all;
		bool ylog;

		/* a log y axis when every value is positive and they span two
		 * decades: latency against load goes from microseconds to seconds */
		sw_stat_of(d, -1, 0, -1, metric, &all);
		ylog = all.n > 0 && all.min > 0 && all.max / all.min >= 100;

		snprintf(gp, sizeof(gp), "%s.gp", name);
		f = rep_open(dir, gp, err);
		if (f == NULL)
			return -1;
		fprintf(f,
			"# %s against %s. Re-plot: gnuplot %s (in this directory).\n"
			"set title '%s against %s' noenhanced\n"
			"set xlabel '%s' noenhanced\n"
			"set ylabel '%s' noenhanced\n"
			"set key outside right top noenhanced\n"
			"set grid\n"
			"%s"
			"%s%s",
			sc_metric_names[metric], key, gp, sc_metric_names[metric], key, key,
			sc_metric_names[metric], ylog ? "set logscale y\n" : "set yrange [0:*]\n",
			/* every metric charted is >= 0; categories get room at the sides */
			num ? "set offsets 0, 0, graph 0.05, 0\n"
			    : "set offsets 0.5, 0.5, graph 0.05, 0\n",
			log ? "set logscale x\n" : "");
		if (!num) {
			/* the categories by name, once, under their points */
			fputs("set xtics (", f);
			for (uint32_t v = 0; v < sp->n_values; v++) {
				char t[SC_SWEEP_VALUE_MAX], g[SC_SWEEP_VALUE_MAX];

				sweep_value_text(sp->values[v], t, sizeof(t));
				gp_safe(t, g, sizeof(g));
				fprintf(f, "%s'%s' %u", v ? ", " : "", g, v);
			}
			fputs(")\n", f);
		}
		for (uint32_t s = 0; s < ns && len < sizeof(body); s++) {
			int c = c0 + 3 * (int)s;

			if (ns == 1)
				snprintf(slab, sizeof(slab), "%s",
					 ng > 1 ? "mean over the other parameters" : "runs");
			else {
				group_label(d, p, s, lab, sizeof(lab));
				gp_safe(lab, slab, sizeof(slab));
			}
			if (num)
				len += (size_t)snprintf(body + len, sizeof(body) - len,
							"%s'%s' using 2:%d:%d:%d with yerrorlines "
							"lw 2 pt 7 title '%s'",
							s ? ", \\\n     " : "plot ", file, c, c + 1,
							c + 2, slab);
			else /* categories: points side by side, no line between them */
				len += (size_t)snprintf(body + len, sizeof(body) - len,
							"%s'%s' using ($0%+.3f):%d:%d:%d "
							"with yerrorbars lw 2 pt 7 ps 1.3 title '%s'",
							s ? ", \\\n     " : "plot ", file,
							0.08 * ((double)s - (double)(ns - 1) / 2),
							c, c + 1, c + 2, slab);
		}
		if (len + 2 >= sizeof(body)) {
			fclose(f);
			return cs_err_set(err, "sweep: plot command too long for %s", name);
		}
		strcat(body, "\n");
		rep_gp_terminals(f, name, body);
		if (rep_close(f, gp, err) != 0)
			return -1;
	}
	return 0;
}

int sw_write_plots(const char *dir, const struct sw_data *d, const char *gnuplot,
		   struct cs_err *err)
{
	char pdir[REP_PATH_MAX];

	if (rep_path(pdir, sizeof(pdir), dir, "plots", err) != 0)
		return -1;
	if (mkdir(pdir, 0777) != 0)
		return cs_err_set(err, "sweep: cannot create %s", pdir);
	/* one gnuplot draws up to REP_GP_MAX_SCRIPTS charts */
	char names[REP_GP_MAX_SCRIPTS][256];
	const char *np[REP_GP_MAX_SCRIPTS];
	uint32_t n = 0;
	const char *prog = gnuplot ? gnuplot : "gnuplot";
	for (uint32_t p = 0; p < d->sc->sweep.n_params; p++)
		for (unsigned j = 0; j < sw_n_plot_metrics; j++) {
			if (!sw_plot_wanted(d, sw_plot_metrics[j], p))
				continue;
			if (chart(pdir, d, sw_plot_metrics[j], p, err) != 0)
				return -1;
			sw_plot_name(d, sw_plot_metrics[j], p, names[n], sizeof(names[n]));
			np[n] = names[n];
			if (++n == REP_GP_MAX_SCRIPTS) {
				if (rep_gp_render_list(prog, pdir, np, n, err) != 0)
					return -1;
				n = 0;
			}
		}
	return n > 0 ? rep_gp_render_list(prog, pdir, np, n, err) : 0;
}
