/* The comparison's charts, one set per disk profile: detection rate by fault
 * type and variant with 95% error bars, overhead ratios to `none`, and the
 * recovery classes after crashes per variant. Each is a gnuplot script and
 * its data (re-plot: `gnuplot NAME.gp` in the directory), drawn to PNG and
 * SVG by reports/gnuplot.c. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "reports/compare_priv.h"

/* Names are checked by compare_write: no quotes or spaces, so they stand in
 * gnuplot strings as they are; noenhanced keeps '_' from subscripting. */
#define GP_COMMON                                                                 \
	"set style data histograms\n"                                             \
	"set style fill solid 0.85 border -1\n"                                   \
	"set key outside right top noenhanced\n"                                  \
	"set xtics noenhanced scale 0\n"                                          \
	"set grid y\n"

/* A value for a .dat file; NaN makes gnuplot leave the bar out. */
static void dat_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.6f", v);
	else
		fputs(" NaN", f);
}

/* Appends to a plot command; -1 when it would not fit. */
static int append(char *buf, size_t size, const char *fmt, ...) CS_PRINTF(3, 4);
static int append(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size - len ? -1 : 0;
}

static int write_script(const char *dir, const char *name, const char *head, const char *body,
			struct cs_err *err)
{
	char file[128];
	snprintf(file, sizeof(file), "%s.gp", name);
	FILE *f = rep_open(dir, file, err);
	if (!f)
		return -1;
	fputs(head, f);
	rep_gp_terminals(f, name, body);
	return rep_close(f, file, err);
}

/* ---- detection rate by fault type ---- */

static int outcomes_chart(const char *dir, const struct compare_input *in, uint32_t p,
			  struct cs_err *err)
{
	const char *pr = in->profiles[p];
	char name[96], file[128];
	snprintf(name, sizeof(name), "outcomes_%s", pr);
	snprintf(file, sizeof(file), "%s.dat", name);
	FILE *f = rep_open(dir, file, err);
	if (!f)
		return -1;
	fputs("# fault type, then per variant: detection rate, Wilson 95% low, high (percent;"
	      " NaN: no fault of that type reached a read)\n# variants:",
	      f);
	for (uint32_t v = 0; v < in->n_variants; v++)
		fprintf(f, " %s", in->variants[v]);
	fputc('\n', f);
	for (int t = 0; t < FT_COUNT; t++) {
		struct cmp_rates r[COMPARE_MAX_VARIANTS];
		int any = 0;
		for (uint32_t v = 0; v < in->n_variants; v++) {
			struct cmp_faults fo;
			cmp_faults_of(compare_run(in, p, v), &fo);
			cmp_rates_of(fo.n[t], &r[v]);
			any |= r[v].detection.n > 0;
		}
		/* Only types that reached a read somewhere: the rest have no bars. */
		if (!any)
			continue;
		fprintf(f, "\"%s\"", fault_type_name(t));
		for (uint32_t v = 0; v < in->n_variants; v++) {
			const struct cmp_rate *d = &r[v].detection;
			dat_num(f, 100.0 * d->value);
			dat_num(f, d->n ? 100.0 * d->lo : NAN);
			dat_num(f, d->n ? 100.0 * d->hi : NAN);
		}
		fputc('\n', f);
	}
	if (rep_close(f, file, err))
		return -1;

	char body[8192] = "";
	for (uint32_t v = 0; v < in->n_variants; v++) {
		int c = 2 + 3 * (int)v;
		if (v == 0 ? append(body, sizeof(body),
				    "plot '%s' using %d:%d:%d:xtic(1) lc %u title '%s'", file, c,
				    c + 1, c + 2, v + 1, in->variants[v])
			   : append(body, sizeof(body), ", \\\n     '' using %d:%d:%d lc %u title '%s'",
				    c, c + 1, c + 2, v + 1, in->variants[v]))
			return cs_err_set(err, "compare: outcomes plot command too long");
	}
	if (append(body, sizeof(body), "\n"))
		return cs_err_set(err, "compare: outcomes plot command too long");
	char head[1024];
	snprintf(head, sizeof(head),
		 "# Detection rate = detected / (detected + silent + stale) per fault type and\n"
		 "# variant, profile %s; error bars: Wilson 95%% interval.\n"
		 "# Re-plot: gnuplot %s.gp (in this directory).\n"
		 "set title 'Detection rate by fault type (profile %s)' noenhanced\n" GP_COMMON
		 "set style histogram errorbars gap 2 lw 1\n"
		 "set ylabel 'detection rate (%%)'\n"
		 "set yrange [0:105]\n"
		 "set xtics rotate by -30\n",
		 pr, name, pr);
	return write_script(dir, name, head, body, err);
}

/* ---- overhead ratios ---- */

static int overhead_chart(const char *dir, const struct compare_input *in, uint32_t p,
			  struct cs_err *err)
{
	const char *pr = in->profiles[p];
	char name[96], file[128];
	snprintf(name, sizeof(name), "overhead_%s", pr);
	snprintf(file, sizeof(file), "%s.dat", name);
	FILE *f = rep_open(dir, file, err);
	if (!f)
		return -1;
	fputs("# metric, then per variant: ratio to " CMP_BASELINE
	      " on the same profile (NaN: undefined)\n# variants:",
	      f);
	for (uint32_t v = 0; v < in->n_variants; v++)
		fprintf(f, " %s", in->variants[v]);
	fputc('\n', f);
	for (int k = 0; k < CMP_METRICS; k++) {
		fprintf(f, "\"%s\"", cmp_metrics[k].label);
		for (uint32_t v = 0; v < in->n_variants; v++) {
			struct cmp_cost c;
			cmp_cost_of(in, p, v, &c);
			dat_num(f, c.ratio[k]);
		}
		fputc('\n', f);
	}
	if (rep_close(f, file, err))
		return -1;

	char body[8192] = "";
	for (uint32_t v = 0; v < in->n_variants; v++) {
		if (v == 0 ? append(body, sizeof(body), "plot '%s' using 2:xtic(1) lc %u title '%s'",
				    file, v + 1, in->variants[v])
			   : append(body, sizeof(body), ", \\\n     '' using %u lc %u title '%s'",
				    v + 2, v + 1, in->variants[v]))
			return cs_err_set(err, "compare: overhead plot command too long");
	}
	if (append(body, sizeof(body), "\n"))
		return cs_err_set(err, "compare: overhead plot command too long");
	char head[1024];
	snprintf(head, sizeof(head),
		 "# Costs as ratios to the variant " CMP_BASELINE " on profile %s (1 = no overhead;\n"
		 "# throughput below 1 is a slowdown). Log scale: ratios span orders of magnitude\n"
		 "# (a queue-bound latency ratio can reach 10^5); a ratio of 0 is not drawn.\n"
		 "# Re-plot: gnuplot %s.gp\n"
		 "set title 'Overhead vs " CMP_BASELINE " (profile %s, log scale)' noenhanced\n" GP_COMMON
		 "set style histogram clustered gap 2\n"
		 "set ylabel 'ratio to " CMP_BASELINE " (log)'\n"
		 "set logscale y\n"
		 "set yrange [*:*]\n"
		 "set offsets 0, 0, graph 0.08, 0\n"
		 "set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#000000'\n"
		 "set xtics rotate by -30\n",
		 pr, name, pr);
	return write_script(dir, name, head, body, err);
}

/* ---- recovery classes ---- */

static int recovery_chart(const char *dir, const struct compare_input *in, uint32_t p,
			  struct cs_err *err)
{
	const char *pr = in->profiles[p];
	char name[96], file[128];
	snprintf(name, sizeof(name), "recovery_%s", pr);
	snprintf(file, sizeof(file), "%s.dat", name);
	FILE *f = rep_open(dir, file, err);
	if (!f)
		return -1;
	fputs("# variant, then sectors read back after every crash, summed:"
	      " correct stale false_positive detected silent\n",
	      f);
	for (uint32_t v = 0; v < in->n_variants; v++) {
		struct rep_derived d;
		rep_derive(compare_run(in, p, v), &d);
		fprintf(f, "\"%s\"", in->variants[v]);
		for (int k = 0; k < ORC_CLASS_COUNT; k++)
			fprintf(f, " %" PRIu64, d.crash_totals.sectors[k]);
		fputc('\n', f);
	}
	if (rep_close(f, file, err))
		return -1;

	char body[4096];
	/* Correct sectors dwarf the rest, so a second panel shows the rest. */
	snprintf(body, sizeof(body),
		 "set multiplot layout 2,1\nset title top noenhanced\n"
		 "plot '%s' using 2:xtic(1) lc rgb '#4daf4a' title 'correct', \\\n"
		 "     '' using 3 lc rgb '#ff7f00' title 'stale', \\\n"
		 "     '' using 4 lc rgb '#377eb8' title 'false positive', \\\n"
		 "     '' using 5 lc rgb '#984ea3' title 'detected', \\\n"
		 "     '' using 6 lc rgb '#e41a1c' title 'silent'\n"
		 "set title 'Without correct sectors'\n"
		 "plot '%s' using 3:xtic(1) lc rgb '#ff7f00' title 'stale', \\\n"
		 "     '' using 4 lc rgb '#377eb8' title 'false positive', \\\n"
		 "     '' using 5 lc rgb '#984ea3' title 'detected', \\\n"
		 "     '' using 6 lc rgb '#e41a1c' title 'silent'\n"
		 "unset multiplot\n",
		 file, file);
	char head[1024];
	snprintf(head, sizeof(head),
		 "# Recovery after crashes, profile %s: every sector ever written, read back\n"
		 "# after each crash state and classified by the oracle, summed per variant.\n"
		 "# Re-plot: gnuplot %s.gp\n"
		 "top = 'Recovery classes after crashes (profile %s)'\n" GP_COMMON
		 "set style histogram rowstacked\n"
		 "set boxwidth 0.7\n"
		 "set ylabel 'sectors'\n"
		 "set yrange [0:*]\n"
		 "set offsets 0, 0, graph 0.08, 0\n",
		 pr, name, pr);
	return write_script(dir, name, head, body, err);
}

int cmp_write_plots(const char *dir, const struct compare_input *in, struct cs_err *err)
{
	const char *prog = in->gnuplot ? in->gnuplot : "gnuplot";
	static const char *const stems[] = { "outcomes", "overhead", "recovery" };
	for (uint32_t p = 0; p < in->n_profiles; p++) {
		struct cmp_charts c;
		cmp_charts_of(in, p, &c);
		const int on[] = { c.outcomes, c.overhead, c.recovery };
		if ((c.outcomes && outcomes_chart(dir, in, p, err)) ||
		    (c.overhead && overhead_chart(dir, in, p, err)) ||
		    (c.recovery && recovery_chart(dir, in, p, err)))
			return -1;
		if (!in->plots)
			continue;
		for (int i = 0; i < 3; i++) {
			char name[96];
			snprintf(name, sizeof(name), "%s_%s", stems[i], in->profiles[p]);
			if (on[i] && rep_gp_render(prog, dir, name, err))
				return -1;
		}
	}
	return 0;
}
