/* Plots: a gnuplot script and its data per plot, written into the report so
 * users can re-plot (`gnuplot NAME.gp` inside the report directory), then run
 * once to make NAME.png (pngcairo) and NAME.svg (reports/gnuplot.c). */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/numfmt.h"
#include "reports/report_priv.h"
#include "util/grow.h"

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

/* The render's copy of throughput.dat's numbers: per variant, four doubles
 * a row, the values gnuplot reads from the text (numfmt_read). Drawn from
 * them in binary, the images are the same bytes, without gnuplot parsing
 * the 5 000-line table once per curve and terminal (12 times). */
struct tput_rows {
	double *v;
	uint64_t n, cap; /* doubles */
	bool oom;
};

static void rows_add(struct tput_rows *rows, const char *text, size_t len)
{
	if (rows->oom || grow_array((void **)&rows->v, &rows->cap, rows->n + 1, sizeof(double),
				    4096) != 0) {
		rows->oom = true;
		return;
	}
	rows->v[rows->n++] = numfmt_read(text, len);
}

/* Bins of a few ms are dominated by spikes; the cumulative MiB completed is
 * a line that only rises, whose slope is the throughput and whose flat
 * stretches are stalls. rows (NULL: none) gets the numbers as read back. */
static void tput_block(FILE *f, const struct run_metrics *m, struct tput_rows *rows)
{
	char v[80];
	variant_of(m, v, sizeof(v));
	const struct tput_series *s = &m->tput;
	double secs = (double)s->bin_ns / 1e9;
	uint64_t r = 0, w = 0;
	fprintf(f, "# variant %s: simulated time (s), MiB read, written, both, completed by then\n",
		v);
	fputs("0 0 0 0\n", f);
	if (rows != NULL)
		for (int k = 0; k < 4; k++)
			rows_add(rows, "0", 1);
	for (uint32_t i = 0; i < s->n_bins && i < TPUT_MAX_BINS; i++) {
		r += s->read_bytes[i];
		w += s->write_bytes[i];
		/* "%.9f %.6f %.6f %.6f\n", without printf (reports/numfmt.h) */
		char line[4 * NUMFMT_MAX];
		size_t at[4], n = numfmt_fixed(line, (double)(i + 1) * secs, 9);
		at[0] = 0;
		line[n++] = ' ';
		at[1] = n;
		n += numfmt_fixed(line + n, (double)r / MIB, 6);
		line[n++] = ' ';
		at[2] = n;
		n += numfmt_fixed(line + n, (double)w / MIB, 6);
		line[n++] = ' ';
		at[3] = n;
		n += numfmt_fixed(line + n, (double)(r + w) / MIB, 6);
		if (rows != NULL)
			for (int k = 0; k < 4; k++)
				rows_add(rows, line + at[k], (k < 3 ? at[k + 1] - 1 : n) - at[k]);
		line[n++] = '\n';
		assert(n <= sizeof(line));
		fwrite(line, 1, n, f);
	}
	fputs("\n\n", f);
}

/* throughput.gp's settings, before its plots */
static void tput_settings(FILE *f)
{
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
}

/* The plot command, its data from src[k] for variant k's first curve (0:
 * the run, 1: the baseline) and src[k + 2] for its others: throughput.dat's
 * blocks, or the render's binary files. */
static void tput_body(const struct report_input *in, const char *const src[4], char *body,
		      size_t size)
{
	char v[80], bv[80];
	variant_of(in->run, v, sizeof(v));
	int n = snprintf(body, size,
			 "plot %s using 1:4 with lines lw 2 lc 1 title '%s', \\\n"
			 "     %s using 1:2 with lines lw 1 lc 1 dt 2 title '%s read', \\\n"
			 "     %s using 1:3 with lines lw 1 lc 1 dt 3 title '%s write'",
			 src[0], v, src[2], v, src[2], v);
	if (in->baseline) {
		variant_of(in->baseline, bv, sizeof(bv));
		n += snprintf(body + n, size - (size_t)n,
			      ", \\\n     %s using 1:4 with lines lw 2 lc 2 title '%s', \\\n"
			      "     %s using 1:2 with lines lw 1 lc 2 dt 2 title '%s read', \\\n"
			      "     %s using 1:3 with lines lw 1 lc 2 dt 3 title '%s write'",
			      src[1], bv, src[3], bv, src[3], bv);
	}
	snprintf(body + n, size - (size_t)n, "\n");
}

/* The render's files (removed once drawn): its script and binary data. */
#define TPUT_RENDER ".throughput-render"
static const char *const tput_bin[2] = { ".throughput-0.bin", ".throughput-1.bin" };

static int write_doubles(const char *dir, const char *name, const double *v, uint64_t n,
			 struct cs_err *err)
{
	FILE *f = rep_open(dir, name, err);
	if (!f)
		return -1;
	fwrite(v, sizeof(*v), (size_t)n, f);
	return rep_close(f, name, err);
}

/* The render-only copy of throughput.gp: the same settings and plot, its
 * data read in binary from rows[k] (4 doubles a row). */
static int tput_render_script(const char *dir, const struct report_input *in,
			      const struct tput_rows rows[2], struct cs_err *err)
{
	char src[2][160], body[2048];
	const char *sp[4] = { src[0], src[1], src[0], src[1] };
	for (int k = 0; k < 2; k++) {
		snprintf(src[k], sizeof(src[k]), "'%s' binary format='%%4double'", tput_bin[k]);
		if ((k == 0 || in->baseline) &&
		    write_doubles(dir, tput_bin[k], rows[k].v, rows[k].n, err))
			return -1;
	}
	tput_body(in, sp, body, sizeof(body));
	FILE *f = rep_open(dir, TPUT_RENDER ".gp", err);
	if (!f)
		return -1;
	tput_settings(f);
	rep_gp_terminals(f, "throughput", body);
	return rep_close(f, TPUT_RENDER ".gp", err);
}

static int tput_plot(const char *dir, const struct report_input *in, struct cs_err *err)
{
	struct tput_rows rows[2] = { { 0 } };
	int rc = -1;
	FILE *f = rep_open(dir, "throughput.dat", err);
	if (!f)
		return -1;
	tput_block(f, in->run, in->plots ? &rows[0] : NULL);
	if (in->baseline)
		tput_block(f, in->baseline, in->plots ? &rows[1] : NULL);
	if (rep_close(f, "throughput.dat", err))
		goto out;

	static const char *const text_src[4] = { "'throughput.dat' index 0", "'' index 1",
						 "'' index 0", "'' index 1" };
	char body[1024];
	tput_body(in, text_src, body, sizeof(body));
	f = rep_open(dir, "throughput.gp", err);
	if (!f)
		goto out;
	tput_settings(f);
	rep_gp_terminals(f, "throughput", body);
	if (rep_close(f, "throughput.gp", err))
		goto out;
	if (in->plots) {
		if (rows[0].oom || rows[1].oom) {
			cs_err_set(err, "out of memory");
			goto out;
		}
		if (tput_render_script(dir, in, rows, err))
			goto out;
	}
	rc = 0;
out:
	free(rows[0].v);
	free(rows[1].v);
	return rc;
}

/* Removes the render's files; 0, or -1 with err. */
static int tput_render_done(const char *dir, struct cs_err *err)
{
	const char *names[3] = { TPUT_RENDER ".gp", tput_bin[0], tput_bin[1] };
	for (int i = 0; i < 3; i++) {
		char path[REP_PATH_MAX];
		if (rep_path(path, sizeof(path), dir, names[i], err))
			return -1;
		if (unlink(path) != 0 && errno != ENOENT)
			return cs_err_set(err, "report: cannot remove %s: %s", names[i],
					  strerror(errno));
	}
	return 0;
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
	const char *names[3], *scripts[3];
	uint32_t n = 0;
	if (p.throughput) {
		scripts[n] = TPUT_RENDER;
		names[n++] = "throughput";
	}
	if (p.latency) {
		scripts[n] = "latency_cdf";
		names[n++] = "latency_cdf";
	}
	if (p.recovery) {
		scripts[n] = "recovery";
		names[n++] = "recovery";
	}
	if (n == 0)
		return 0;
	if (rep_gp_render_scripts(in->gnuplot ? in->gnuplot : "gnuplot", dir, scripts, names, n,
				  err))
		return -1;
	return p.throughput ? tput_render_done(dir, err) : 0;
}
