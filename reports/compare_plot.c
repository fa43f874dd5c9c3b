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

#define MIB (1024.0 * 1024.0)

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

/* A row label that names the variants with no value there ("n/a"), so a
 * missing bar is never read as 0%: "bitrot (n/a: journal)". */
static void row_label(FILE *f, const char *label, const struct compare_input *in,
		      const bool *na)
{
	fprintf(f, "\"%s", label);
	int any = 0;
	for (uint32_t v = 0; v < in->n_variants; v++) {
		if (!na[v])
			continue;
		fprintf(f, "%s%s", any ? ", " : " (n/a: ", in->variants[v]);
		any = 1;
	}
	fputs(any ? ")\"" : "\"", f);
}

/* The plot clauses of the variants that have a value somewhere (a column
 * of NaN only is "No valid points" to gnuplot, which would fail the whole
 * comparison); the others are named in the script and by the caller. */
static int clauses(char *body, size_t size, const char *file, const struct compare_input *in,
		   const bool *has, int first_col, int cols_per_variant, int index)
{
	int n = 0;
	for (uint32_t v = 0; v < in->n_variants; v++) {
		if (!has[v])
			continue;
		int c = first_col + cols_per_variant * (int)v;
		char using[64];
		if (cols_per_variant == 3)
			snprintf(using, sizeof(using), "%d:%d:%d", c, c + 1, c + 2);
		else
			snprintf(using, sizeof(using), "%d", c);
		char idx[32] = "";
		if (index >= 0)
			snprintf(idx, sizeof(idx), " index %d", index);
		if (append(body, size, "%s%s%s%s using %s%s lc %u title '%s'",
			   n ? ", \\\n     ''" : "plot '", n ? "" : file, n ? "" : "'", idx, using,
			   n ? "" : ":xtic(1)", v + 1, in->variants[v]))
			return -1;
		n++;
	}
	return append(body, size, "\n");
}

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
	fputs("# fault type (n/a: the variants none of whose faults of that type reached a\n"
	      "# read), then per variant: detection rate, Wilson 95% low, high (percent; NaN:\n"
	      "# n/a)\n# variants:",
	      f);
	for (uint32_t v = 0; v < in->n_variants; v++)
		fprintf(f, " %s", in->variants[v]);
	fputc('\n', f);
	bool has[COMPARE_MAX_VARIANTS] = { false };
	for (int t = 0; t < FT_COUNT; t++) {
		struct cmp_rates r[COMPARE_MAX_VARIANTS];
		bool na[COMPARE_MAX_VARIANTS];
		int any = 0;
		for (uint32_t v = 0; v < in->n_variants; v++) {
			struct cmp_faults fo;
			cmp_faults_of(compare_run(in, p, v), &fo);
			cmp_rates_of(fo.n[t], &r[v]);
			na[v] = r[v].detection.n == 0;
			any |= !na[v];
		}
		/* Only types that reached a read somewhere: the rest have no bars. */
		if (!any)
			continue;
		row_label(f, fault_type_name(t), in, na);
		for (uint32_t v = 0; v < in->n_variants; v++) {
			const struct cmp_rate *d = &r[v].detection;
			has[v] |= !na[v];
			dat_num(f, 100.0 * d->value);
			dat_num(f, d->n ? 100.0 * d->lo : NAN);
			dat_num(f, d->n ? 100.0 * d->hi : NAN);
		}
		fputc('\n', f);
	}
	if (rep_close(f, file, err))
		return -1;

	char body[8192] = "";
	if (clauses(body, sizeof(body), file, in, has, 2, 3, -1))
		return cs_err_set(err, "compare: outcomes plot command too long");
	char head[2048], left[1024] = "";
	for (uint32_t v = 0; v < in->n_variants; v++)
		if (!has[v])
			append(left, sizeof(left), " %s", in->variants[v]);
	snprintf(head, sizeof(head),
		 "# Detection rate = detected / (detected + silent + stale) per fault type and\n"
		 "# variant, profile %s; error bars: Wilson 95%% interval. No bar: n/a (named\n"
		 "# under the fault type); a 0%% bar has its error bar.\n"
		 "# Left out (no fault reached a read):%s\n"
		 "# Re-plot: gnuplot %s.gp (in this directory).\n"
		 "set title 'Detection rate by fault type (profile %s)' noenhanced\n" GP_COMMON
		 "set style histogram errorbars gap 2 lw 1\n"
		 "set ylabel 'detection rate (%%)'\n"
		 "set yrange [0:105]\n"
		 "set xtics rotate by -30\n",
		 pr, left[0] ? left : " none", name, pr);
	return write_script(dir, name, head, body, err);
}

/* ---- overhead ratios ---- */

/* Two panels, so no bar is read the wrong way: costs, where above 1 is
 * worse, and rates (capacity, throughput), where below 1 is worse. */
static const int cost_rows[] = { CMP_SUB_IOS, CMP_BYTES, CMP_FLUSHES, CMP_P50, CMP_P99 };
static const int rate_rows[] = { CMP_CAPACITY, CMP_TPUT };

/* One block of the .dat file; has[v]: the variant has a value in it. */
static void ratio_block(FILE *f, const struct compare_input *in, uint32_t p, const int *rows,
			size_t n_rows, bool *has)
{
	for (uint32_t v = 0; v < in->n_variants; v++)
		has[v] = false;
	for (size_t i = 0; i < n_rows; i++) {
		int k = rows[i];
		double x[COMPARE_MAX_VARIANTS];
		bool na[COMPARE_MAX_VARIANTS];
		for (uint32_t v = 0; v < in->n_variants; v++) {
			struct cmp_cost c;
			cmp_cost_of(in, p, v, &c);
			x[v] = c.ratio[k];
			/* a log axis has no place for 0 either */
			na[v] = !isfinite(x[v]) || x[v] <= 0;
			has[v] |= !na[v];
		}
		row_label(f, cmp_metrics[k].label, in, na);
		for (uint32_t v = 0; v < in->n_variants; v++)
			dat_num(f, na[v] ? NAN : x[v]);
		fputc('\n', f);
	}
	fputs("\n\n", f);
}

static bool any_of(const bool *has, uint32_t n)
{
	for (uint32_t v = 0; v < n; v++)
		if (has[v])
			return true;
	return false;
}

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
	fputs("# metric (n/a: variants without a value), then per variant: ratio to " CMP_BASELINE
	      " on the\n# same profile (NaN: undefined). Index 0: costs (above 1 is worse);"
	      " index 1:\n# capacity and throughput (below 1 is worse).\n# variants:",
	      f);
	for (uint32_t v = 0; v < in->n_variants; v++)
		fprintf(f, " %s", in->variants[v]);
	fputc('\n', f);
	bool cost[COMPARE_MAX_VARIANTS], rate[COMPARE_MAX_VARIANTS];
	ratio_block(f, in, p, cost_rows, sizeof(cost_rows) / sizeof(cost_rows[0]), cost);
	ratio_block(f, in, p, rate_rows, sizeof(rate_rows) / sizeof(rate_rows[0]), rate);
	if (rep_close(f, file, err))
		return -1;

	bool c_any = any_of(cost, in->n_variants), r_any = any_of(rate, in->n_variants);
	char body[16384] = "";
	if (c_any && r_any && append(body, sizeof(body), "set multiplot layout 2,1\n"))
		return cs_err_set(err, "compare: overhead plot command too long");
	if (c_any && (append(body, sizeof(body),
			     "set title 'Costs: above 1 is worse (profile %s, log scale)' "
			     "noenhanced\n",
			     pr) ||
		      clauses(body, sizeof(body), file, in, cost, 2, 1, 0)))
		return cs_err_set(err, "compare: overhead plot command too long");
	if (r_any && (append(body, sizeof(body),
			     "set title 'Capacity and throughput: below 1 is worse (profile %s, "
			     "log scale)' noenhanced\n",
			     pr) ||
		      clauses(body, sizeof(body), file, in, rate, 2, 1, 1)))
		return cs_err_set(err, "compare: overhead plot command too long");
	if (c_any && r_any && append(body, sizeof(body), "unset multiplot\n"))
		return cs_err_set(err, "compare: overhead plot command too long");
	char head[1024];
	snprintf(head, sizeof(head),
		 "# Costs as ratios to the variant " CMP_BASELINE " on profile %s (1 = no overhead).\n"
		 "# Top: costs, above 1 is worse; bottom: capacity and throughput, below 1 is\n"
		 "# worse. Log scale: ratios span orders of magnitude (a queue-bound latency\n"
		 "# ratio can reach 10^5); no bar: n/a, named under the metric.\n"
		 "# Re-plot: gnuplot %s.gp\n" GP_COMMON
		 "set style histogram clustered gap 2\n"
		 "set ylabel 'ratio to " CMP_BASELINE " (log)'\n"
		 "set logscale y\n"
		 "set yrange [*:*]\n"
		 "set offsets 0, 0, graph 0.08, 0\n"
		 "set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#000000'\n"
		 "set xtics rotate by -30\n",
		 pr, name);
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
	/* Per crash state explored: variants explore different numbers of
	 * states, and sums would rank them by that count. */
	fputs("# variant, then sectors read back per crash state explored (summed over\n"
	      "# every crash, divided by the states): correct stale false_positive detected"
	      " silent\n",
	      f);
	for (uint32_t v = 0; v < in->n_variants; v++) {
		const struct run_metrics *m = compare_run(in, p, v);
		struct rep_derived d;
		rep_derive(m, &d);
		uint64_t states = m->crash_states ? m->crash_states : m->n_crashes;
		fprintf(f, "\"%s\"", in->variants[v]);
		for (int k = 0; k < ORC_CLASS_COUNT; k++)
			dat_num(f, states ? (double)d.crash_totals.sectors[k] / (double)states : 0.0);
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
		 "# after each crash state and classified by the oracle, per state explored.\n"
		 "# Re-plot: gnuplot %s.gp\n"
		 "top = 'Recovery classes per crash state (profile %s)'\n" GP_COMMON
		 "set style histogram rowstacked\n"
		 "set boxwidth 0.7\n"
		 "set ylabel 'sectors per crash state'\n"
		 "set yrange [0:*]\n"
		 "set offsets 0, 0, graph 0.08, 0\n",
		 pr, name, pr);
	return write_script(dir, name, head, body, err);
}

/* ---- progress: cumulative MiB over simulated time ---- */

static int progress_chart(const char *dir, const struct compare_input *in, uint32_t p,
			  struct cs_err *err)
{
	const char *pr = in->profiles[p];
	char name[96], file[128];
	snprintf(name, sizeof(name), "progress_%s", pr);
	snprintf(file, sizeof(file), "%s.dat", name);
	FILE *f = rep_open(dir, file, err);
	if (!f)
		return -1;
	char body[8192] = "";
	int n = 0;
	for (uint32_t v = 0; v < in->n_variants; v++) {
		const struct tput_series *t = &compare_run(in, p, v)->tput;
		uint32_t bins = t->n_bins < TPUT_MAX_BINS ? t->n_bins : TPUT_MAX_BINS;
		fprintf(f, "# variant %s: simulated time (s), user MiB completed by then\n",
			in->variants[v]);
		/* starts at 0, one point per bin end: a line that only rises */
		fputs("0 0\n", f);
		uint64_t sum = 0;
		for (uint32_t i = 0; i < bins; i++) {
			sum += t->read_bytes[i] + t->write_bytes[i];
			fprintf(f, "%.9f %.6f\n", (double)(i + 1) * (double)t->bin_ns / 1e9,
				(double)sum / MIB);
		}
		fputs("\n\n", f);
		if (append(body, sizeof(body),
			   "%s'%s' index %u using 1:2 with lines lw 2 lc %u dt %u title '%s'",
			   n ? ", \\\n     " : "plot ", file, v, v + 1, v % 5 + 1, in->variants[v]))
			return cs_err_set(err, "compare: progress plot command too long");
		n++;
	}
	if (rep_close(f, file, err))
		return -1;
	if (append(body, sizeof(body), "\n"))
		return cs_err_set(err, "compare: progress plot command too long");
	char head[1024];
	snprintf(head, sizeof(head),
		 "# User MiB completed (reads and writes) over simulated time, profile %s, one\n"
		 "# line per variant, the trace replayed at its recorded times: a line that\n"
		 "# falls behind another is a variant that did not keep up; one that stops\n"
		 "# early stalled. Re-plot: gnuplot %s.gp\n"
		 "set title 'User MiB completed over time (profile %s)' noenhanced\n"
		 "set key outside right top noenhanced\n"
		 "set grid\n"
		 "set xlabel 'simulated time (s)'\n"
		 "set ylabel 'MiB completed'\n"
		 "set yrange [0:*]\n",
		 pr, name, pr);
	return write_script(dir, name, head, body, err);
}

int cmp_write_plots(const char *dir, const struct compare_input *in, struct cs_err *err)
{
	const char *prog = in->gnuplot ? in->gnuplot : "gnuplot";
	static const char *const stems[] = { "outcomes", "overhead", "recovery", "progress" };
	for (uint32_t p = 0; p < in->n_profiles; p++) {
		struct cmp_charts c;
		cmp_charts_of(in, p, &c);
		const int on[] = { c.outcomes, c.overhead, c.recovery, c.progress };
		if ((c.outcomes && outcomes_chart(dir, in, p, err)) ||
		    (c.overhead && overhead_chart(dir, in, p, err)) ||
		    (c.recovery && recovery_chart(dir, in, p, err)) ||
		    (c.progress && progress_chart(dir, in, p, err)))
			return -1;
		if (!in->plots)
			continue;
		/* one gnuplot per profile draws its charts */
		char names[4][96];
		const char *np[4];
		uint32_t n = 0;
		for (int i = 0; i < 4; i++) {
			if (!on[i])
				continue;
			snprintf(names[n], sizeof(names[n]), "%s_%s", stems[i], in->profiles[p]);
			np[n] = names[n];
			n++;
		}
		if (n > 0 && rep_gp_render_list(prog, dir, np, n, err))
			return -1;
	}
	return 0;
}
