/* report.html: the run's summary as one self-contained page. The same
 * sections, tables and numbers as summary.md (both come from rep_derive and
 * run_metrics), with the SVG plots inline; every string from the scenario or
 * the metrics is escaped. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_priv.h"
#include "version.h"

#define MIB (1024.0 * 1024.0)
#define WORST_CRASHES 10

/* ---- cells ---- */

/* A header row; kinds[i] is 'n' for a numeric (right-aligned) column. */
static void thead(FILE *f, const char *kinds, const char *const *cols, size_t n)
{
	fputs("<table>\n<thead><tr>", f);
	for (size_t i = 0; i < n; i++) {
		fputs(kinds[i] == 'n' ? "<th class=\"n\">" : "<th>", f);
		rep_html_text(f, cols[i]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
}

static void tend(FILE *f)
{
	fputs("</tbody>\n</table>\n", f);
}

static void td_text(FILE *f, const char *s)
{
	fputs("<td>", f);
	rep_html_text(f, s);
	fputs("</td>", f);
}

/* A fixed-size field of the metrics, not always NUL-terminated. */
static void td_field(FILE *f, const char *s, size_t size)
{
	fputs("<td>", f);
	rep_html_text_n(f, s, size);
	fputs("</td>", f);
}

static void td_u64(FILE *f, uint64_t v)
{
	fprintf(f, "<td class=\"n\">%" PRIu64 "</td>", v);
}

/* Marked when a count of something bad is not zero. */
static void td_bad(FILE *f, uint64_t v, int bad)
{
	fprintf(f, "<td class=\"n%s\">%" PRIu64 "</td>", bad && v ? " bad" : "", v);
}

/* A ratio or rate to 3 decimals; "n/a" when undefined. */
static void td_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "<td class=\"n\">%.3f</td>", v);
	else
		fputs("<td class=\"n\">n/a</td>", f);
}

static void td_us(FILE *f, uint64_t ns)
{
	fprintf(f, "<td class=\"n\">%.1f</td>", (double)ns / 1e3);
}

static void variant_of(const struct run_metrics *m, char *buf, size_t size)
{
	rep_variant_name(m, "", ' ', buf, size); /* escaped where written */
}

static int bad_class(int k)
{
	return k == ORC_STALE || k == ORC_SILENT || k == ORC_FALSE_POS;
}

/* ---- sections ---- */

static void section_run(FILE *f, const struct report_input *in)
{
	char v[80];
	variant_of(in->run, v, sizeof(v));
	fputs("<h1>csumsim report: ", f);
	rep_html_text(f, in->scenario_name ? in->scenario_name : "(unnamed)");
	fputs("</h1>\n<nav><a href=\"#user\">User requests</a><a href=\"#amplification\">I/O "
	      "amplification</a><a href=\"#latency\">Latency</a><a href=\"#integrity\">Data "
	      "integrity</a><a href=\"#faults\">Faults</a><a href=\"#overhead\">Overhead</a>"
	      "<a href=\"#plots\">Plots</a></nav>\n<section id=\"run\">\n<ul>\n<li>variant: <code>",
	      f);
	rep_html_text(f, v);
	fputs("</code></li>\n", f);
	if (in->baseline) {
		variant_of(in->baseline, v, sizeof(v));
		fputs("<li>baseline: <code>", f);
		rep_html_text(f, v);
		fputs("</code> (same trace)</li>\n", f);
	} else {
		fputs("<li>baseline: none</li>\n", f);
	}
	fprintf(f, "<li>seed: %" PRIu64 "</li>\n<li>simulated duration: %.6f s</li>\n"
		   "<li>csumsim ",
		in->seed, (double)in->run->sim_time_ns / 1e9);
	rep_html_text(f, CSUMSIM_VERSION);
	fputs("</li>\n</ul>\n", f);
	if (in->reproduce && *in->reproduce) {
		fputs("<p>Reproduce:</p>\n<pre><code>", f);
		rep_html_text(f, in->reproduce);
		fputs("</code></pre>\n", f);
	}
	fputs("<p class=\"note\">The effective scenario is in <a href=\"report.json\">report.json"
	      "</a> (<code>scenario.yaml</code>); the same numbers are in <a href=\"summary.md\">"
	      "summary.md</a>; every metric is defined in docs/METRICS.md.</p>\n</section>\n",
	      f);
}

static void user_rows(FILE *f, const struct run_metrics *m)
{
	char v[80];
	variant_of(m, v, sizeof(v));
	for (int op = 0; op < 4; op++) {
		fputs("<tr>", f);
		td_text(f, v);
		td_text(f, csum_op_name(op));
		td_u64(f, m->user_requests[op]);
		td_u64(f, m->user_sectors[op]);
		fprintf(f, "<td class=\"n\">%.2f</td>",
			(double)m->user_sectors[op] * CSUM_SECTOR / MIB);
		td_bad(f, m->user_errors[op], 1);
		td_bad(f, m->user_hung[op], 1);
		fputs("</tr>\n", f);
	}
}

static void section_user(FILE *f, const struct report_input *in)
{
	static const char *const cols[] = { "variant", "op",	 "requests", "sectors",
					    "MiB",     "errors", "hung" };
	const struct run_metrics *m = in->run;
	fputs("<section id=\"user\">\n<h2>User requests</h2>\n", f);
	thead(f, "ttnnnnn", cols, 7);
	user_rows(f, in->run);
	if (in->baseline)
		user_rows(f, in->baseline);
	tend(f);
	fprintf(f, "<p>Refused as unsupported: %" PRIu64 "; remapped: %" PRIu64
		   "; dropped by the address rule: %" PRIu64 ". Requests split (evil): %" PRIu64
		   " into %" PRIu64 " pieces.</p>\n</section>\n",
		m->user_unsupported, m->user_remapped, m->user_dropped, m->evil_requests,
		m->pieces);
}

static void amp_row(FILE *f, const char *name, double run, const double *base)
{
	fputs("<tr>", f);
	td_text(f, name);
	td_num(f, run);
	if (base) {
		td_num(f, *base);
		td_num(f, rep_ratio(run, *base));
	}
	fputs("</tr>\n", f);
}

static void section_amp(FILE *f, const struct report_input *in, const struct rep_derived *r,
			const struct rep_derived *b)
{
	char v[80], bv[80];
	variant_of(in->run, v, sizeof(v));
	fputs("<section id=\"amplification\">\n<h2>I/O amplification</h2>\n"
	      "<p>Per user request (every op) unless said otherwise.</p>\n",
	      f);
	if (b) {
		variant_of(in->baseline, bv, sizeof(bv));
		const char *cols[] = { "metric", v, bv, "ratio" };
		thead(f, "tnnn", cols, 4);
	} else {
		const char *cols[] = { "metric", v };
		thead(f, "tn", cols, 2);
	}
	amp_row(f, "sub-I/Os per request", r->sub_ios_per_request,
		b ? &b->sub_ios_per_request : NULL);
	amp_row(f, "sub-I/O bytes per user byte", r->bytes_per_user_byte,
		b ? &b->bytes_per_user_byte : NULL);
	amp_row(f, "device flushes per request", r->flushes_per_request,
		b ? &b->flushes_per_request : NULL);
	for (int role = 0; role < CSUM_ROLE_COUNT; role++) {
		char name[64];
		snprintf(name, sizeof(name), "%s sub-I/Os per request", csum_role_name(role));
		double x = rep_ratio((double)in->run->sub_ios[role], (double)r->requests);
		double y = b ? rep_ratio((double)in->baseline->sub_ios[role], (double)b->requests)
			     : 0;
		amp_row(f, name, x, b ? &y : NULL);
	}
	tend(f);
	fputs("</section>\n", f);
}

static void lat_row(FILE *f, const char *v, const char *op, const struct hist *h)
{
	fputs("<tr>", f);
	td_text(f, v);
	td_text(f, op);
	td_u64(f, h->count);
	td_us(f, hist_quantile(h, 0.5));
	td_us(f, hist_quantile(h, 0.9));
	td_us(f, hist_quantile(h, 0.99));
	td_us(f, hist_quantile(h, 0.999));
	td_us(f, h->count ? h->max : 0);
	fputs("</tr>\n", f);
}

static void lat_rows(FILE *f, const struct run_metrics *m)
{
	char v[80];
	variant_of(m, v, sizeof(v));
	lat_row(f, v, "all", &m->lat_all);
	lat_row(f, v, "read", &m->lat_read);
	lat_row(f, v, "write", &m->lat_write);
	lat_row(f, v, "flush", &m->lat_flush);
}

static void tput_item(FILE *f, const struct run_metrics *m, const struct rep_derived *d)
{
	char v[80];
	variant_of(m, v, sizeof(v));
	fputs("<li><code>", f);
	rep_html_text(f, v);
	fputs("</code>: ", f);
	double x = d->throughput_bytes_s / MIB;
	if (isfinite(x))
		fprintf(f, "%.3f", x);
	else
		fputs("n/a", f);
	fputs(" MiB/s</li>\n", f);
}

static void section_latency(FILE *f, const struct report_input *in,
			    const struct rep_derived *r, const struct rep_derived *b)
{
	static const char *const cols[] = { "variant", "op",  "count", "p50",
					    "p90",     "p99", "p99.9", "max" };
	fputs("<section id=\"latency\">\n<h2>Latency</h2>\n<p>Submission by the host to "
	      "completion, simulated time, microseconds (completed requests only).</p>\n",
	      f);
	thead(f, "ttnnnnnn", cols, 8);
	lat_rows(f, in->run);
	if (in->baseline)
		lat_rows(f, in->baseline);
	tend(f);
	fputs("</section>\n<section id=\"throughput\">\n<h2>Throughput</h2>\n"
	      "<p>Completed user bytes / simulated duration.</p>\n<ul>\n",
	      f);
	tput_item(f, in->run, r);
	if (b)
		tput_item(f, in->baseline, b);
	fputs("</ul>\n</section>\n", f);
}

static void class_table(FILE *f, const struct oracle_counts *c)
{
	static const char *const cols[] = { "class", "sectors", "requests" };
	thead(f, "tnn", cols, 3);
	for (int k = 0; k < ORC_CLASS_COUNT; k++) {
		fputs("<tr>", f);
		td_text(f, oracle_class_name(k));
		td_bad(f, c->sectors[k], bad_class(k));
		td_bad(f, c->requests[k], bad_class(k));
		fputs("</tr>\n", f);
	}
	fputs("<tr><td>not completed (hang)</td><td class=\"n\"></td>", f);
	td_bad(f, c->not_completed, 1);
	fputs("</tr>\n", f);
	tend(f);
}

static int worst_crashes(FILE *f, const struct run_metrics *m, struct cs_err *err)
{
	static const char *const cols[] = { "crash",   "trigger",	 "time (s)",
					    "lost sectors", "in flight", "correct",
					    "stale",   "false_positive", "detected",
					    "silent" };
	uint32_t *idx = rep_crashes_by_severity(m);
	if (!idx)
		return cs_err_set(err, "report: out of memory sorting crashes");
	uint32_t n = m->n_crashes < WORST_CRASHES ? m->n_crashes : WORST_CRASHES;
	fprintf(f, "<h3>Worst crashes</h3>\n<p>Most silent, then stale, false-positive, "
		   "detected sectors; %" PRIu32 " of %" PRIu32 ".</p>\n",
		n, m->n_crashes);
	thead(f, "ntnnnnnnnn", cols, 10);
	for (uint32_t i = 0; i < n; i++) {
		const struct crash_report *c = &m->crashes[idx[i]];
		fputs("<tr>", f);
		td_u64(f, c->index);
		td_field(f, c->trigger, sizeof(c->trigger));
		fprintf(f, "<td class=\"n\">%.6f</td>", (double)c->time_ns / 1e9);
		td_u64(f, c->lost_sectors);
		td_u64(f, c->inflight_requests);
		/* columns in the order of the header, as summary.md has them */
		for (int k = 0; k < ORC_CLASS_COUNT; k++)
			td_bad(f, c->counts.sectors[k], bad_class(k));
		fputs("</tr>\n", f);
	}
	tend(f);
	free(idx);
	return 0;
}

static int section_oracle(FILE *f, const struct report_input *in, const struct rep_derived *r,
			  struct cs_err *err)
{
	const struct run_metrics *m = in->run;
	fputs("<section id=\"integrity\">\n<h2>Data integrity</h2>\n"
	      "<h3>Reads during the run</h3>\n",
	      f);
	class_table(f, &m->reads);
	fprintf(f, "<h3>Crashes and recovery</h3>\n<p>%" PRIu32 " crash%s", m->n_crashes,
		m->n_crashes == 1 ? "" : "es");
	if (m->n_crashes == 0) {
		fputs(".</p>\n</section>\n", f);
		return 0;
	}
	fprintf(f, "; after each, every sector ever written was read back (%" PRIu64
		   " sector reads in all). One row per crash: <a href=\"crashes.csv\">crashes.csv"
		   "</a>.</p>\n<p>Totals over all crashes:</p>\n",
		r->crash_sectors_checked);
	class_table(f, &r->crash_totals);
	if (worst_crashes(f, m, err))
		return -1;
	fputs("</section>\n", f);
	return 0;
}

static void outcome_table(FILE *f, const struct fault_outcomes *o)
{
	int any = 0;

	for (int t = 0; t < FT_COUNT; t++) {
		uint64_t n = 0;
		for (int k = 0; k < FO_COUNT; k++)
			n += o->n[t][k];
		if (n == 0)
			continue;
		if (!any) {
			const char *cols[FO_COUNT + 3];
			char kinds[FO_COUNT + 4];
			cols[0] = "fault";
			cols[1] = "injected";
			for (int k = 0; k < FO_COUNT; k++)
				cols[2 + k] = fault_outcome_name(k);
			cols[FO_COUNT + 2] = "detection rate (95% CI)";
			memset(kinds, 'n', sizeof(kinds));
			kinds[0] = 't';
			kinds[FO_COUNT + 2] = 't';
			thead(f, kinds, cols, FO_COUNT + 3);
			any = 1;
		}
		fputs("<tr>", f);
		td_text(f, fault_type_name(t));
		td_u64(f, n);
		for (int k = 0; k < FO_COUNT; k++)
			td_bad(f, o->n[t][k],
			       k == FO_SILENT || k == FO_STALE || k == FO_FALSE_POS);
		uint64_t det = o->n[t][FO_DETECTED];
		uint64_t bad = det + o->n[t][FO_SILENT] + o->n[t][FO_STALE];
		double lo, hi;
		wilson95(det, bad, &lo, &hi);
		if (bad > 0)
			fprintf(f, "<td>%.4f [%.4f, %.4f]</td>", (double)det / (double)bad, lo, hi);
		else
			fputs("<td>n/a</td>", f);
		fputs("</tr>\n", f);
	}
	if (any)
		tend(f);
	else
		fputs("<p>None injected.</p>\n", f);
}

static void violation_rows(FILE *f, const struct report_input *in)
{
	const struct run_metrics *m = in->run;
	static const char *const cols[] = { "crash",  "trigger",	"state",
					    "stale",  "silent",		"false_positive",
					    "hung",   "reproduce alone" };
	thead(f, "nttnnnnt", cols, 8);
	for (uint32_t i = 0; i < m->n_viol; i++) {
		const struct violation *v = &m->viol[i];
		fputs("<tr>", f);
		td_u64(f, v->crash);
		td_field(f, v->trigger, sizeof(v->trigger));
		fprintf(f, "<td>%" PRIu32 ": ", v->state);
		rep_html_text_n(f, v->label, sizeof(v->label));
		fputs("</td>", f);
		td_bad(f, v->counts.sectors[ORC_STALE], 1);
		td_bad(f, v->counts.sectors[ORC_SILENT], 1);
		td_bad(f, v->counts.sectors[ORC_FALSE_POS], 1);
		td_bad(f, v->counts.not_completed, 1);
		if (in->reproducers != NULL && in->reproducers[i] != NULL) {
			/* a relative file of this directory */
			fputs("<td><a href=\"", f);
			rep_html_text(f, in->reproducers[i]);
			fputs("\"><code>csumsim run ", f);
			rep_html_text(f, in->reproducers[i]);
			fputs("</code></a></td>", f);
		} else {
			fputs("<td>-</td>", f);
		}
		fputs("</tr>\n", f);
	}
	tend(f);
	if (m->violations > m->n_viol)
		fprintf(f, "<p>(%" PRIu64 " more not listed.)</p>\n", m->violations - m->n_viol);
}

static void section_faults(FILE *f, const struct report_input *in)
{
	const struct run_metrics *m = in->run;
	fputs("<section id=\"faults\">\n<h2>Faults</h2>\n<p>During the replay (each fault "
	      "judged by the next read of the user sectors it affected; detection rate = "
	      "detected / (detected + silent + stale)):</p>\n",
	      f);
	outcome_table(f, &m->faults);
	fputs("<p>In the crash states (faults pending at the crash or made by it, judged by the "
	      "recovery read-back, once per state):</p>\n",
	      f);
	outcome_table(f, &m->crash_faults);
	fprintf(f, "<h3>Crash exploration</h3>\n<p>%" PRIu64 " crash state%s examined; %" PRIu64
		   " violate%s the durability contract (stale, silent or false-positive sectors, or "
		   "a hang after recovery).",
		m->crash_states, m->crash_states == 1 ? "" : "s", m->violations,
		m->violations == 1 ? "s" : "");
	if (m->n_viol > 0) {
		fputs(" Each reproducer re-runs its crash state alone: run it from this "
		      "directory.</p>\n",
		      f);
		violation_rows(f, in);
	} else {
		fputs("</p>\n", f);
	}
	fputs("</section>\n", f);
}

static void section_overhead(FILE *f, const struct report_input *in,
			     const struct rep_derived *r, const struct rep_derived *b)
{
	fputs("<section id=\"overhead\">\n<h2>Overhead vs none</h2>\n", f);
	if (!b) {
		fputs("<p>No baseline run.</p>\n</section>\n", f);
		return;
	}
	struct rep_overhead o;
	rep_overhead(r, b, &o);
	char v[80], bv[80];
	variant_of(in->run, v, sizeof(v));
	variant_of(in->baseline, bv, sizeof(bv));
	fputs("<p>Ratio <code>", f);
	rep_html_text(f, v);
	fputs("</code> / <code>", f);
	rep_html_text(f, bv);
	fputs("</code> (1.000 = no overhead; throughput below 1 is a slowdown).</p>\n", f);
	static const char *const cols[] = { "metric", "ratio" };
	thead(f, "tn", cols, 2);
	const struct {
		const char *name;
		double v;
	} rows[] = {
		{ "sub-I/Os per request", o.sub_ios_per_request },
		{ "bytes per user byte", o.bytes_per_user_byte },
		{ "flushes per request", o.flushes_per_request },
		{ "latency p50", o.latency_p50 },
		{ "latency p99", o.latency_p99 },
		{ "throughput", o.throughput },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fputs("<tr>", f);
		td_text(f, rows[i].name);
		td_num(f, rows[i].v);
		fputs("</tr>\n", f);
	}
	tend(f);
	fputs("</section>\n", f);
}

static int section_plots(FILE *f, const char *dir, const struct report_input *in,
			 struct cs_err *err)
{
	struct rep_plot_set p;
	rep_plot_set(in, &p);
	fputs("<section id=\"plots\">\n<h2>Plots</h2>\n", f);
	if (!in->plots)
		fputs("<p>Plots are off for this run, so none is embedded. The gnuplot scripts "
		      "and data are here: run <code>gnuplot NAME.gp</code> in this directory to "
		      "draw NAME.svg and NAME.png.</p>\n",
		      f);
	const struct {
		int on;
		const char *name, *title, *none;
	} plots[] = {
		{ p.throughput, "throughput", "Throughput over time", "no completed requests" },
		{ p.latency, "latency_cdf", "Latency CDF", "no completed requests" },
		{ p.recovery, "recovery", "Recovery per crash", "no crashes" },
	};
	for (size_t i = 0; i < sizeof(plots) / sizeof(plots[0]); i++) {
		if (!plots[i].on) {
			fprintf(f, "<p>%s: not drawn (%s).</p>\n", plots[i].title, plots[i].none);
			continue;
		}
		if (!in->plots) {
			fprintf(f, "<p>%s: not rendered (plots off); script <code>%s.gp</code>.</p>\n",
				plots[i].title, plots[i].name);
			continue;
		}
		fprintf(f, "<figure id=\"plot-%s\">\n", plots[i].name);
		if (rep_html_svg(f, dir, plots[i].name, err))
			return -1;
		fprintf(f, "<figcaption>%s (<a href=\"%s.png\">PNG</a>, <a href=\"%s.svg\">SVG"
			   "</a>, script <code>%s.gp</code>)</figcaption>\n</figure>\n",
			plots[i].title, plots[i].name, plots[i].name, plots[i].name);
	}
	uint32_t group = rep_crash_group(in->run->n_crashes);
	if (p.recovery && group > 1)
		fprintf(f, "<p>The recovery plot groups the %" PRIu32 " crashes %" PRIu32
			   " to a bar (sums), at most %d bars; <a href=\"crashes.csv\">crashes.csv"
			   "</a> has them all.</p>\n",
			in->run->n_crashes, group, REP_MAX_BARS);
	fputs("<p>Data: <a href=\"report.json\">report.json</a>, <a href=\"crashes.csv\">"
	      "crashes.csv</a>, <a href=\"latency.csv\">latency.csv</a>, <a "
	      "href=\"throughput.csv\">throughput.csv</a>",
	      f);
	fputs(in->per_request_csv ? ", <a href=\"requests.csv\">requests.csv</a>.</p>\n"
				  : ".</p>\n",
	      f);
	fputs("</section>\n", f);
	return 0;
}

int rep_write_html(const char *dir, const struct report_input *in, struct cs_err *err)
{
	struct rep_derived r, b;
	rep_derive(in->run, &r);
	if (in->baseline)
		rep_derive(in->baseline, &b);
	const struct rep_derived *bp = in->baseline ? &b : NULL;
	FILE *f = rep_open(dir, "report.html", err);
	if (!f)
		return -1;
	char title[200];
	snprintf(title, sizeof(title), "csumsim report: %s",
		 in->scenario_name ? in->scenario_name : "(unnamed)");
	rep_html_begin(f, title);
	section_run(f, in);
	section_user(f, in);
	section_amp(f, in, &r, bp);
	section_latency(f, in, &r, bp);
	if (section_oracle(f, in, &r, err)) {
		fclose(f);
		return -1;
	}
	section_faults(f, in);
	section_overhead(f, in, &r, bp);
	if (section_plots(f, dir, in, err)) {
		fclose(f);
		return -1;
	}
	rep_html_end(f);
	return rep_close(f, "report.html", err);
}
