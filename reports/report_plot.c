/* Plots: a gnuplot script and its data per plot, written into the report so
 * users can re-plot (`gnuplot NAME.gp` inside the report directory), then run
 * once to make NAME.png (pngcairo) and NAME.svg (reports/gnuplot.c). */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "reports/numfmt.h"
#include "reports/report_priv.h"

#define MIB (1024.0 * 1024.0)

static const struct hist *lat_hist(const struct run_metrics *m, int op)
{
	return op == 0 ? &m->lat_read : op == 1 ? &m->lat_write : &m->lat_flush;
}

void rep_plot_set(const struct report_input *in, struct rep_plot_set *p)
{
	const struct run_metrics *m = in->run, *b = in->baseline;
	p->throughput = m->tput.n_bins > 0 || (b && b->tput.n_bins > 0);
	p->latency = 0;
	for (int op = 0; op < 3; op++)
		if (lat_hist(m, op)->count || (b && lat_hist(b, op)->count))
			p->latency = 1;
	p->recovery = m->n_crashes > 0;
}

/* Titles go inside gnuplot '...' strings and enhanced text. */
static void variant_of(const struct run_metrics *m, char *buf, size_t size)
{
	rep_variant_name(m, "'_^\\@&{}", '-', buf, size);
}

/* ---- progress: cumulative user MiB over simulated time ---- */

/* Bins of a few ms are dominated by spikes; the cumulative MiB completed is
 * a line that only rises, whose slope is the throughput and whose flat
 * stretches are stalls. */
static void tput_block(FILE *f, const struct run_metrics *m)
{
	char v[80];
	variant_of(m, v, sizeof(v));
	const struct tput_series *s = &m->tput;
	double secs = (double)s->bin_ns / 1e9;
	uint64_t r = 0, w = 0;
	fprintf(f, "# variant %s: simulated time (s), MiB read, written, both, completed by then\n",
		v);
	fputs("0 0 0 0\n", f);
	for (uint32_t i = 0; i < s->n_bins && i < TPUT_MAX_BINS; i++) {
		r += s->read_bytes[i];
		w += s->write_bytes[i];
		/* "%.9f %.6f %.6f %.6f\n", without printf (reports/numfmt.h) */
		char line[4 * NUMFMT_MAX];
		size_t n = numfmt_fixed(line, (double)(i + 1) * secs, 9);
		line[n++] = ' ';
		n += numfmt_fixed(line + n, (double)r / MIB, 6);
		line[n++] = ' ';
		n += numfmt_fixed(line + n, (double)w / MIB, 6);
		line[n++] = ' ';
		n += numfmt_fixed(line + n, (double)(r + w) / MIB, 6);
		line[n++] = '\n';
		assert(n <= sizeof(line));
		fwrite(line, 1, n, f);
	}
	fputs("\n\n", f);
}

static int tput_plot(const char *dir, const struct report_input *in, struct cs_err *err)
{
	FILE *f = rep_open(dir, "throughput.dat", err);
	if (!f)
		return -1;
	tput_block(f, in->run);
	if (in->baseline)
		tput_block(f, in->baseline);
	if (rep_close(f, "throughput.dat", err))
		return -1;

	char v[80], bv[80], body[1024];
	variant_of(in->run, v, sizeof(v));
	int n = snprintf(body, sizeof(body),
			 "plot 'throughput.dat' index 0 using 1:4 with lines lw 2 lc 1 title '%s', \\\n"
			 "     '' index 0 using 1:2 with lines lw 1 lc 1 dt 2 title '%s read', \\\n"
			 "     '' index 0 using 1:3 with lines lw 1 lc 1 dt 3 title '%s write'",
			 v, v, v);
	if (in->baseline) {
		variant_of(in->baseline, bv, sizeof(bv));
		n += snprintf(body + n, sizeof(body) - (size_t)n,
			      ", \\\n     '' index 1 using 1:4 with lines lw 2 lc 2 title '%s', \\\n"
			      "     '' index 1 using 1:2 with lines lw 1 lc 2 dt 2 title '%s read', \\\n"
			      "     '' index 1 using 1:3 with lines lw 1 lc 2 dt 3 title '%s write'",
			      bv, bv, bv);
	}
	snprintf(body + n, sizeof(body) - (size_t)n, "\n");
	f = rep_open(dir, "throughput.gp", err);
	if (!f)
		return -1;
	fputs("# User MiB completed over simulated time (reads and writes; dashed: reads,\n"
	      "# dotted: writes). The slope is the throughput; a flat stretch before the end\n"
	      "# is a stall. Re-plot: gnuplot throughput.gp (in this directory).\n"
	      "set title 'User MiB completed over time'\n"
	      "set xlabel 'simulated time (s)'\n"
	      "set ylabel 'MiB completed'\n"
	      "set yrange [0:*]\n"
	      "set key top left\n"
	      "set grid\n",
	      f);
	rep_gp_terminals(f, "throughput", body);
	return rep_close(f, "throughput.gp", err);
}

/* ---- latency CDF ---- */

static const char *const lat_ops[] = { "read", "write", "flush" };

/* Writes one block per non-empty (variant, op); appends its plot clause. */
static int cdf_blocks(FILE *dat, const struct run_metrics *m, int dashed, int *index,
		      char *plot, size_t size, char *left, size_t left_size)
{
	char v[80];
	variant_of(m, v, sizeof(v));
	for (int op = 0; op < 3; op++) {
		const struct hist *h = lat_hist(m, op);
		/* A block with no data line is no dataset to gnuplot and would
		 * shift every later index: a series that is all zeros (no place
		 * on a log axis, e.g. flushes completed without I/O) is left out,
		 * and named in the chart. */
		if (h->count > 0 && h->max == 0) {
			size_t l = strlen(left);
			snprintf(left + l, left_size - l, "%s%s %s (%" PRIu64 " at 0 us)",
				 l ? ", " : "", v, lat_ops[op], h->count);
		}
		if (h->count == 0 || h->max == 0)
			continue;
		fprintf(dat, "# variant %s, %s: latency (us), fraction of requests at or below\n",
			v, lat_ops[op]);
		uint64_t seen = 0;
		for (size_t i = 0; i < (size_t)HIST_POW * HIST_SUB && seen < h->count; i++) {
			if (!h->bucket[i])
				continue;
			seen += h->bucket[i];
			uint64_t hi = hist_bucket_low(i + 1);
			hi = hi == UINT64_MAX || hi - 1 > h->max ? h->max : hi - 1;
			if (hi == 0)
				continue; /* no place on a log axis */
			char line[2 * NUMFMT_MAX]; /* "%.3f %.9f\n" */
			size_t n = numfmt_fixed(line, (double)hi / 1e3, 3);
			line[n++] = ' ';
			n += numfmt_fixed(line + n, (double)seen / (double)h->count, 9);
			line[n++] = '\n';
			fwrite(line, 1, n, dat);
		}
		fputs("\n\n", dat);
		size_t len = strlen(plot);
		/* colour by op, dash type by variant, a point type per series
		 * (every ~10th point), so series stay apart in grey too */
		int n = snprintf(plot + len, size - len,
				 "%s'latency_cdf.dat' index %d using 1:2 with linespoints lw %d dt %d "
				 "lc %d pt %d pi -12 ps 0.8 title '%s %s'",
				 *index ? ", \\\n     " : "plot ", *index, dashed ? 1 : 2,
				 dashed ? 2 : 1, op + 1, 4 + op + 3 * dashed, v, lat_ops[op]);
		if (n < 0 || (size_t)n >= size - len)
			return -1;
		(*index)++;
	}
	return 0;
}

static int latency_plot(const char *dir, const struct report_input *in, struct cs_err *err)
{
	FILE *f = rep_open(dir, "latency_cdf.dat", err);
	if (!f)
		return -1;
	char body[4096] = "", left[512] = "";
	int index = 0, rc = cdf_blocks(f, in->run, 0, &index, body, sizeof(body), left, sizeof(left));
	if (!rc && in->baseline)
		rc = cdf_blocks(f, in->baseline, 1, &index, body, sizeof(body), left, sizeof(left));
	if (rep_close(f, "latency_cdf.dat", err))
		return -1;
	if (rc)
		return cs_err_set(err, "report: latency plot command too long");
	strcat(body, "\n");
	f = rep_open(dir, "latency_cdf.gp", err);
	if (!f)
		return -1;
	fputs("# Latency CDF per operation, submission to completion, simulated time.\n"
	      "# Solid: the variant; dashed: the baseline. Re-plot: gnuplot latency_cdf.gp\n",
	      f);
	/* a series all at 0 us has no place on the log axis: said on the chart */
	if (left[0])
		fprintf(f, "# Left out (all at 0 us, no place on a log axis): %s\n"
			   "set label 1 'not drawn (all at 0 us): %s' at graph 0.02, graph 0.96 "
			   "noenhanced font ',9'\n",
			left, left);
	fputs("set title 'Latency CDF'\n"
	      "set xlabel 'latency (us)'\n"
	      "set ylabel 'fraction of requests'\n"
	      "set logscale x\n"
	      "set format x '10^{%L}'\n"
	      "set yrange [0:1.02]\n"
	      "set key bottom right\n"
	      "set grid\n",
	      f);
	rep_gp_terminals(f, "latency_cdf", body);
	return rep_close(f, "latency_cdf.gp", err);
}

/* ---- recovery ---- */

static int recovery_plot(const char *dir, const struct report_input *in, struct cs_err *err)
{
	const struct run_metrics *m = in->run;
	uint32_t group = rep_crash_group(m->n_crashes);
	FILE *f = rep_open(dir, "recovery.dat", err);
	if (!f)
		return -1;
	if (group > 1)
		fprintf(f, "# %" PRIu32 " crashes, %" PRIu32 " per bar (sums)\n", m->n_crashes,
			group);
	/* Per crash state: crash points explore different numbers of states,
	 * and sums would rank them by that count. */
	fputs("# crash(es) correct stale false_positive detected silent (sectors per crash state"
	      " explored)\n",
	      f);
	for (uint32_t lo = 0; lo < m->n_crashes; lo += group) {
		uint32_t hi = lo + group < m->n_crashes ? lo + group : m->n_crashes;
		uint64_t states = 0;
		double sum[ORC_CLASS_COUNT] = { 0 };
		for (uint32_t i = lo; i < hi; i++) {
			states += m->crashes[i].states ? m->crashes[i].states : 1;
			for (int k = 0; k < ORC_CLASS_COUNT; k++)
				sum[k] += (double)m->crashes[i].counts.sectors[k];
		}
		if (hi - lo == 1)
			fprintf(f, "\"%" PRIu32 "\"", lo);
		else
			fprintf(f, "\"%" PRIu32 "-%" PRIu32 "\"", lo, hi - 1);
		for (int k = 0; k < ORC_CLASS_COUNT; k++)
			fprintf(f, " %.6f", sum[k] / (double)states);
		fputc('\n', f);
	}
	if (rep_close(f, "recovery.dat", err))
		return -1;

	f = rep_open(dir, "recovery.gp", err);
	if (!f)
		return -1;
	fputs("# Recovery after each crash: every sector ever written, read back and\n"
	      "# classified by the oracle, per crash state explored at that point.\n"
	      "# Re-plot: gnuplot recovery.gp\n",
	      f);
	if (group > 1)
		fprintf(f, "top = 'Recovery per crash (%" PRIu32 " crashes, %" PRIu32
			   " per bar)'\n",
			m->n_crashes, group);
	else
		fputs("top = 'Recovery per crash'\n", f);
	fputs("set xlabel 'crash'\n"
	      "set ylabel 'sectors per crash state'\n"
	      "set style data histograms\n"
	      "set style histogram rowstacked\n"
	      "set style fill solid 0.9 border -1\n"
	      "set boxwidth 0.8\n"
	      "set yrange [0:*]\n"
	      "set key outside right top\n"
	      "set xtics rotate by -60 scale 0\n"
	      "set grid y\n",
	      f);
	/* Correct sectors dwarf the rest, so a second panel shows the rest. */
	rep_gp_terminals(f, "recovery",
		       "set multiplot layout 2,1\nset title top\n"
		       "plot 'recovery.dat' using 2:xtic(1) lc rgb '#4daf4a' title 'correct', \\\n"
		       "     '' using 3 lc rgb '#ff7f00' title 'stale', \\\n"
		       "     '' using 4 lc rgb '#377eb8' title 'false positive', \\\n"
		       "     '' using 5 lc rgb '#984ea3' title 'detected', \\\n"
		       "     '' using 6 lc rgb '#e41a1c' title 'silent'\n"
		       "set title 'Without correct sectors'\n"
		       "plot 'recovery.dat' using 3:xtic(1) lc rgb '#ff7f00' title 'stale', \\\n"
		       "     '' using 4 lc rgb '#377eb8' title 'false positive', \\\n"
		       "     '' using 5 lc rgb '#984ea3' title 'detected', \\\n"
		       "     '' using 6 lc rgb '#e41a1c' title 'silent'\n"
		       "unset multiplot\n");
	return rep_close(f, "recovery.gp", err);
}

int rep_write_plots(const char *dir, const struct report_input *in, struct cs_err *err)
{
	struct rep_plot_set p;
	rep_plot_set(in, &p);
	if (p.throughput && tput_plot(dir, in, err))
		return -1;
	if (p.latency && latency_plot(dir, in, err))
		return -1;
	if (p.recovery && recovery_plot(dir, in, err))
		return -1;
	if (!in->plots)
		return 0;
	const char *names[3];
	uint32_t n = 0;
	if (p.throughput)
		names[n++] = "throughput";
	if (p.latency)
		names[n++] = "latency_cdf";
	if (p.recovery)
		names[n++] = "recovery";
	if (n == 0)
		return 0;
	return rep_gp_render_list(in->gnuplot ? in->gnuplot : "gnuplot", dir, names, n, err);
}
