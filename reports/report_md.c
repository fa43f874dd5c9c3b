/* summary.md: the human summary of one run. Same numbers as report.json
 * (both come from rep_derive), rounded for reading. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdbool.h>

#include "reports/report_priv.h"
#include "version.h"

#define MIB (1024.0 * 1024.0)
#define WORST_CRASHES 10

/* Table cells: no column separators or line breaks in a name. */
static void variant_of(const struct run_metrics *m, char *buf, size_t size)
{
	rep_variant_name(m, "|\n", '/', buf, size);
}

/* A ratio or rate to 3 decimals; "n/a" when undefined (zero denominator). */
static void num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.3f", v);
	else
		fputs("n/a", f);
}

static void us(FILE *f, uint64_t ns)
{
	fprintf(f, "%.1f", (double)ns / 1e3);
}

static void section_run(FILE *f, const struct report_input *in)
{
	char v[80];
	variant_of(in->run, v, sizeof(v));
	fprintf(f, "# csumsim report: %s\n\n", in->scenario_name ? in->scenario_name : "(unnamed)");
	fprintf(f, "- variant: `%s`\n", v);
	if (in->baseline) {
		char b[80];
		variant_of(in->baseline, b, sizeof(b));
		fprintf(f, "- baseline: `%s` (same trace)\n", b);
	} else {
		fputs("- baseline: none\n", f);
	}
	fprintf(f, "- seed: %" PRIu64 "\n", in->seed);
	fprintf(f, "- simulated duration: %.6f s\n", (double)in->run->sim_time_ns / 1e9);
	fprintf(f, "- csumsim %s\n", CSUMSIM_VERSION);
	if (in->reproduce && *in->reproduce)
		fprintf(f, "\nReproduce:\n\n```\n%s\n```\n", in->reproduce);
	fputs("\nThe effective scenario is in `report.json` (`scenario.yaml`); every metric is "
	      "defined in docs/METRICS.md.\n",
	      f);
}

static void user_rows(FILE *f, const struct run_metrics *m)
{
	char v[80];
	variant_of(m, v, sizeof(v));
	for (int op = 0; op < 4; op++)
		fprintf(f, "| %s | %s | %" PRIu64 " | %" PRIu64 " | %.2f | %" PRIu64 " | %" PRIu64 " |\n",
			v, csum_op_name(op), m->user_requests[op], m->user_sectors[op],
			(double)m->user_sectors[op] * CSUM_SECTOR / MIB, m->user_errors[op],
			m->user_hung[op]);
}

static void section_user(FILE *f, const struct report_input *in)
{
	fputs("\n## User requests\n\n"
	      "| variant | op | requests | sectors | MiB | errors | hung |\n"
	      "|---|---|---:|---:|---:|---:|---:|\n",
	      f);
	user_rows(f, in->run);
	if (in->baseline)
		user_rows(f, in->baseline);
	const struct run_metrics *m = in->run;
	fprintf(f, "\nRefused as unsupported: %" PRIu64 "; remapped: %" PRIu64
		   "; dropped by the address rule: %" PRIu64 ". Requests split (evil): %" PRIu64
		   " into %" PRIu64 " pieces.\n",
		m->user_unsupported, m->user_remapped, m->user_dropped, m->evil_requests,
		m->pieces);
}

static void amp_row(FILE *f, const char *name, double run, const double *base)
{
	fprintf(f, "| %s | ", name);
	num(f, run);
	if (base) {
		fputs(" | ", f);
		num(f, *base);
		fputs(" | ", f);
		num(f, rep_ratio(run, *base));
	}
	fputs(" |\n", f);
}

static void section_amp(FILE *f, const struct report_input *in, const struct rep_derived *r,
			const struct rep_derived *b)
{
	char v[80], bv[80];
	variant_of(in->run, v, sizeof(v));
	fputs("\n## I/O amplification\n\nPer user request (every op) unless said otherwise.\n\n", f);
	if (b) {
		variant_of(in->baseline, bv, sizeof(bv));
		fprintf(f, "| metric | %s | %s | ratio |\n|---|---:|---:|---:|\n", v, bv);
	} else {
		fprintf(f, "| metric | %s |\n|---|---:|\n", v);
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
}

static void lat_row(FILE *f, const char *v, const char *op, const struct hist *h)
{
	fprintf(f, "| %s | %s | %" PRIu64 " | ", v, op, h->count);
	us(f, hist_quantile(h, 0.5));
	fputs(" | ", f);
	us(f, hist_quantile(h, 0.9));
	fputs(" | ", f);
	us(f, hist_quantile(h, 0.99));
	fputs(" | ", f);
	us(f, hist_quantile(h, 0.999));
	fputs(" | ", f);
	us(f, h->count ? h->max : 0);
	fputs(" |\n", f);
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

static void section_latency(FILE *f, const struct report_input *in,
			    const struct rep_derived *r, const struct rep_derived *b)
{
	fputs("\n## Latency\n\nSubmission by the host to completion, simulated time, "
	      "microseconds (completed requests only).\n\n"
	      "| variant | op | count | p50 | p90 | p99 | p99.9 | max |\n"
	      "|---|---|---:|---:|---:|---:|---:|---:|\n",
	      f);
	lat_rows(f, in->run);
	if (in->baseline)
		lat_rows(f, in->baseline);
	fputs("\n## Throughput\n\n", f);
	char v[80];
	variant_of(in->run, v, sizeof(v));
	fprintf(f, "- %s: ", v);
	num(f, r->throughput_bytes_s / MIB);
	fputs(" MiB/s (completed user bytes / simulated duration)\n", f);
	if (b) {
		variant_of(in->baseline, v, sizeof(v));
		fprintf(f, "- %s: ", v);
		num(f, b->throughput_bytes_s / MIB);
		fputs(" MiB/s\n", f);
	}
}

static void class_table(FILE *f, const struct oracle_counts *c)
{
	fputs("| class | sectors | requests |\n|---|---:|---:|\n", f);
	for (int k = 0; k < ORC_CLASS_COUNT; k++)
		fprintf(f, "| %s | %" PRIu64 " | %" PRIu64 " |\n", oracle_class_name(k),
			c->sectors[k], c->requests[k]);
	fprintf(f, "| not completed (hang) | | %" PRIu64 " |\n", c->not_completed);
}

static int section_oracle(FILE *f, const struct report_input *in, const struct rep_derived *r,
			  struct cs_err *err)
{
	const struct run_metrics *m = in->run;
	fputs("\n## Data integrity\n\n### Reads during the run\n\n", f);
	class_table(f, &m->reads);
	fprintf(f, "\n### Crashes and recovery\n\n%" PRIu32 " crash%s", m->n_crashes,
		m->n_crashes == 1 ? "" : "es");
	if (m->n_crashes == 0) {
		fputs(".\n", f);
		return 0;
	}
	fprintf(f, "; after each, every sector ever written was read back (%" PRIu64
		   " sector reads in all). One row per crash: `crashes.csv`.\n\nTotals over all "
		   "crashes:\n\n",
		r->crash_sectors_checked);
	class_table(f, &r->crash_totals);
	uint32_t *idx = rep_crashes_by_severity(m);
	if (!idx)
		return cs_err_set(err, "report: out of memory sorting crashes");
	uint32_t n = m->n_crashes < WORST_CRASHES ? m->n_crashes : WORST_CRASHES;
	fprintf(f, "\nWorst crashes (most silent, then stale, false-positive, detected "
		   "sectors; %" PRIu32 " of %" PRIu32 "):\n\n"
		   "| crash | trigger | time (s) | lost sectors | in flight | correct | stale | "
		   "false_positive | detected | silent |\n"
		   "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
		n, m->n_crashes);
	for (uint32_t i = 0; i < n; i++) {
		const struct crash_report *c = &m->crashes[idx[i]];
		char trig[sizeof(c->trigger) + 1];
		memcpy(trig, c->trigger, sizeof(c->trigger));
		trig[sizeof(c->trigger)] = '\0';
		for (char *p = trig; *p; p++)
			if (*p == '|' || *p == '\n')
				*p = '/';
		fprintf(f, "| %" PRIu32 " | %s | %.6f | %" PRIu64 " | %" PRIu64 " |", c->index, trig,
			(double)c->time_ns / 1e9, c->lost_sectors, c->inflight_requests);
		for (int k = 0; k < ORC_CLASS_COUNT; k++)
			fprintf(f, " %" PRIu64 " |", c->counts.sectors[k]);
		fputc('\n', f);
	}
	free(idx);
	return 0;
}

static void outcome_table(FILE *f, const struct fault_outcomes *o)
{
	bool any = false;

	for (int t = 0; t < FT_COUNT; t++) {
		uint64_t n = 0, det, bad;
		double lo, hi;

		for (int k = 0; k < FO_COUNT; k++)
			n += o->n[t][k];
		if (n == 0)
			continue;
		if (!any) {
			fputs("| fault | injected |", f);
			for (int k = 0; k < FO_COUNT; k++)
				fprintf(f, " %s |", fault_outcome_name(k));
			fputs(" detection rate (95% CI) |\n|---|---:|", f);
			for (int k = 0; k < FO_COUNT; k++)
				fputs("---:|", f);
			fputs("---|\n", f);
			any = true;
		}
		fprintf(f, "| %s | %" PRIu64 " |", fault_type_name(t), n);
		for (int k = 0; k < FO_COUNT; k++)
			fprintf(f, " %" PRIu64 " |", o->n[t][k]);
		det = o->n[t][FO_DETECTED];
		bad = det + o->n[t][FO_SILENT] + o->n[t][FO_STALE];
		wilson95(det, bad, &lo, &hi);
		if (bad > 0)
			fprintf(f, " %.4f [%.4f, %.4f] |\n", (double)det / (double)bad, lo, hi);
		else
			fputs(" n/a |\n", f);
	}
	if (!any)
		fputs("None injected.\n", f);
}

static void md_cell(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '|' || *p == '\n')
			*p = '/';
}

/* Fault outcomes and crash exploration: what each injected fault led to at
 * the next read, and the crash states that broke the contract. */
static void section_faults(FILE *f, const struct report_input *in)
{
	const struct run_metrics *m = in->run;

	fputs("\n## Faults\n\nDuring the replay (each fault judged by the next read of the user "
	      "sectors it affected; detection rate = detected / (detected + silent + stale)):\n\n",
	      f);
	outcome_table(f, &m->faults);
	fputs("\nIn the crash states (faults pending at the crash or made by it, judged by the "
	      "recovery read-back, once per state):\n\n", f);
	outcome_table(f, &m->crash_faults);
	fprintf(f, "\n### Crash exploration\n\n%" PRIu64 " crash state%s examined; %" PRIu64
		   " violate%s the durability contract (stale, silent or false-positive sectors, or a "
		   "hang after recovery).\n",
		m->crash_states, m->crash_states == 1 ? "" : "s", m->violations,
		m->violations == 1 ? "s" : "");
	{
		uint64_t unread = 0, probed = 0, unwritable = 0;

		for (uint32_t i = 0; i < m->n_crashes; i++) {
			unread += m->crashes[i].unreadable_sectors;
			probed += m->crashes[i].probed_groups;
			unwritable += m->crashes[i].unwritable_groups;
		}
		if (m->n_crashes > 0)
			fprintf(f, "\nAvailability after recovery: %" PRIu64 " sector reads failed; a write "
				   "was tried in each 62-sector group holding one (%" PRIu64 "), and %" PRIu64
				   " of those groups could not be written.\n", unread, probed, unwritable);
	}
	if (m->n_viol == 0)
		return;
	fputs("\n| crash | trigger | state | stale | silent | false_positive | hung | "
	      "reproduce alone |\n|---:|---|---|---:|---:|---:|---:|---|\n", f);
	for (uint32_t i = 0; i < m->n_viol; i++) {
		const struct violation *v = &m->viol[i];
		char trig[sizeof(v->trigger) + 1], label[sizeof(v->label) + 1];

		memcpy(trig, v->trigger, sizeof(v->trigger));
		trig[sizeof(v->trigger)] = '\0';
		memcpy(label, v->label, sizeof(v->label));
		label[sizeof(v->label)] = '\0';
		md_cell(trig);
		md_cell(label);
		fprintf(f, "| %" PRIu32 " | %s | %" PRIu32 ": %s | %" PRIu64 " | %" PRIu64 " | %" PRIu64
			   " | %" PRIu64 " | ", v->crash, trig, v->state, label,
			v->counts.sectors[ORC_STALE], v->counts.sectors[ORC_SILENT],
			v->counts.sectors[ORC_FALSE_POS], v->counts.not_completed);
		if (in->reproducers != NULL)
			fprintf(f, "`csumsim run %s` (in this directory) |\n", in->reproducers[i]);
		else
			fputs("- |\n", f);
	}
	if (m->violations > m->n_viol)
		fprintf(f, "\n(%" PRIu64 " more not listed.)\n", m->violations - m->n_viol);
}

static void section_overhead(FILE *f, const struct report_input *in,
			     const struct rep_derived *r, const struct rep_derived *b)
{
	fputs("\n## Overhead vs none\n\n", f);
	if (!b) {
		fputs("No baseline run.\n", f);
		return;
	}
	struct rep_overhead o;
	rep_overhead(r, b, &o);
	char v[80], bv[80];
	variant_of(in->run, v, sizeof(v));
	variant_of(in->baseline, bv, sizeof(bv));
	fprintf(f, "Ratio %s / %s (1.000 = no overhead; throughput below 1 is a slowdown).\n\n"
		   "| metric | ratio |\n|---|---:|\n",
		v, bv);
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
		fprintf(f, "| %s | ", rows[i].name);
		num(f, rows[i].v);
		fputs(" |\n", f);
	}
}

static void section_plots(FILE *f, const struct report_input *in)
{
	struct rep_plot_set p;
	rep_plot_set(in, &p);
	fputs("\n## Plots\n\n", f);
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
			fprintf(f, "- %s: not drawn (%s).\n", plots[i].title, plots[i].none);
			continue;
		}
		if (in->plots)
			fprintf(f, "- %s: ![%s](%s.svg) ([PNG](%s.png), script `%s.gp`)\n",
				plots[i].title, plots[i].title, plots[i].name, plots[i].name,
				plots[i].name);
		else
			fprintf(f, "- %s: not rendered (plots off); run `gnuplot %s.gp` here.\n",
				plots[i].title, plots[i].name);
	}
	uint32_t group = rep_crash_group(in->run->n_crashes);
	if (p.recovery && group > 1)
		fprintf(f, "\nThe recovery plot groups the %" PRIu32 " crashes %" PRIu32
			   " to a bar (sums), at most %d bars; `crashes.csv` has them all.\n",
			in->run->n_crashes, group, REP_MAX_BARS);
	fputs("\nData: `report.json`, `crashes.csv`, `latency.csv`, `throughput.csv`", f);
	fputs(in->per_request_csv ? ", `requests.csv`.\n" : ".\n", f);
}

int rep_write_md(const char *dir, const struct report_input *in, struct cs_err *err)
{
	struct rep_derived r, b;
	rep_derive(in->run, &r);
	if (in->baseline)
		rep_derive(in->baseline, &b);
	const struct rep_derived *bp = in->baseline ? &b : NULL;
	FILE *f = rep_open(dir, "summary.md", err);
	if (!f)
		return -1;
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
	section_plots(f, in);
	return rep_close(f, "summary.md", err);
}
