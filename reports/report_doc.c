/* summary.md and report.html: the run's report for people, described once
 * (sections, table models of reports/table.h) and written in both formats
 * by reports/doc.c. Same numbers as report.json (both come from rep_derive
 * and run_metrics), rounded for reading. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/doc.h"
#include "reports/report_priv.h"
#include "reports/table.h"
#include "reports/risk.h"
#include "reports/verdict.h"
#include "version.h"

#define MIB (1024.0 * 1024.0)
#define WORST_CRASHES 10

/* What every section needs: the input and the numbers derived once. */
struct run_doc {
	struct doc *d;
	const struct report_input *in;
	struct rep_derived r, b;
	const struct rep_derived *bp; /* NULL without a baseline */
	char v[80], bv[80];           /* the variant names */
};

/* A fixed-size field of the metrics, not always NUL-terminated. */
static void field(char *buf, size_t size, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* A ratio or rate to 3 decimals, "n/a" when undefined; "partial" when the
 * run stalled, so the number covers a prefix of the trace. */
static void num_cell(struct tbl *t, double v, bool partial)
{
	if (!isfinite(v))
		tbl_cell(t, TBL_NA, "n/a");
	else if (partial)
		tbl_cell(t, TBL_WARN, "%.3f partial", v);
	else
		tbl_cell(t, TBL_PLAIN, "%.3f", v);
}

static void bad_cell(struct tbl *t, uint64_t v, bool bad)
{
	tbl_cell(t, bad && v ? TBL_FAIL : TBL_PLAIN, "%" PRIu64, v);
}

static void render(struct run_doc *x, struct tbl *t)
{
	tbl_render(t, x->d);
	tbl_free(t);
}

static void heading(struct doc *d, int level, const char *id, const char *text)
{
	doc_heading_begin(d, level, id);
	doc_text(d, text);
	doc_heading_end(d);
}

static bool stalled(const struct run_doc *x)
{
	return x->r.stalled;
}

/* ---- sections ---- */

static void section_verdict(struct run_doc *x)
{
	const struct report_input *in = x->in;
	struct verdict v[2];
	size_t n = 0;
	verdict_of(x->v, NULL, in->run, in->baseline, &v[n++]);
	if (in->baseline)
		verdict_of(x->bv, NULL, in->baseline, in->baseline, &v[n++]);
	verdict_block(x->d, v, n, false);
	{
		const struct run_metrics *runs[2] = { in->run, in->baseline };
		const char *labels[2] = { x->v, x->bv };

		risk_block(x->d, runs, labels, in->baseline ? 2 : 1);
	}
}

static void section_run(struct run_doc *x)
{
	struct doc *d = x->d;
	const struct report_input *in = x->in;
	doc_list_begin(d);
	doc_item_begin(d);
	doc_text(d, "variant: ");
	doc_code(d, x->v);
	doc_item_end(d);
	doc_item_begin(d);
	if (in->baseline) {
		doc_text(d, "baseline: ");
		doc_code(d, x->bv);
		doc_text(d, " (same trace)");
	} else {
		doc_text(d, "baseline: none");
	}
	doc_item_end(d);
	doc_item_begin(d);
	doc_textf(d, "seed: %" PRIu64, in->seed);
	doc_item_end(d);
	doc_item_begin(d);
	doc_textf(d, "simulated duration: %.6f s", (double)in->run->sim_time_ns / 1e9);
	doc_item_end(d);
	doc_item_begin(d);
	doc_text(d, "csumsim " CSUMSIM_VERSION);
	doc_item_end(d);
	doc_list_end(d);
	if (in->reproduce && *in->reproduce) {
		doc_para(d, "Reproduce:");
		doc_code_block(d, in->reproduce);
	}
	doc_para_begin(d);
	doc_text(d, "The effective scenario is in ");
	doc_file(d, "report.json");
	doc_text(d, " (");
	doc_code(d, "scenario.yaml");
	doc_text(d, "); every metric is defined in docs/METRICS.md.");
	doc_para_end(d);
}

static void user_rows(struct tbl *t, const struct run_metrics *m, const char *v)
{
	for (int op = 0; op < 4; op++) {
		tbl_row(t);
		tbl_cell(t, TBL_PLAIN, "%s", v);
		tbl_cell(t, TBL_PLAIN, "%s", csum_op_name(op));
		tbl_cell(t, TBL_PLAIN, "%" PRIu64, m->user_requests[op]);
		tbl_cell(t, TBL_PLAIN, "%" PRIu64, m->user_sectors[op]);
		tbl_cell(t, TBL_PLAIN, "%.2f", (double)m->user_sectors[op] * CSUM_SECTOR / MIB);
		bad_cell(t, m->user_errors[op], true);
		bad_cell(t, m->user_hung[op], true);
	}
}

/* "Stalled at request K of N: ..." for a run that stalled, else nothing. */
static void stall_para(struct doc *d, const struct run_metrics *m, const char *v)
{
	struct rep_derived r;
	rep_derive(m, &r);
	if (!r.stalled)
		return;
	char s[96];
	verdict_stall_text(m, s, sizeof(s));
	doc_para_begin(d);
	doc_strong(d, v);
	doc_textf(d, " %s: every cost and rate of it covers only the requests before the stall "
		     "(marked partial).",
		  s);
	doc_para_end(d);
}

static void section_user(struct run_doc *x)
{
	struct doc *d = x->d;
	const struct run_metrics *m = x->in->run;
	struct tbl t;
	heading(d, 2, "user", "User requests");
	tbl_init(&t);
	tbl_col(&t, "variant", NULL, 'l');
	tbl_col(&t, "op", NULL, 'l');
	tbl_col(&t, "requests", NULL, 'r');
	tbl_col(&t, "sectors", NULL, 'r');
	tbl_col(&t, "MiB", NULL, 'r');
	tbl_col(&t, "errors", NULL, 'r');
	tbl_col(&t, "hung", NULL, 'r');
	user_rows(&t, m, x->v);
	if (x->in->baseline)
		user_rows(&t, x->in->baseline, x->bv);
	render(x, &t);
	doc_para_begin(d);
	doc_textf(d, "Refused as unsupported: %" PRIu64 "; remapped: %" PRIu64
		     "; dropped by the address rule: %" PRIu64 ". Requests split (evil): %" PRIu64
		     " into %" PRIu64 " pieces.",
		  m->user_unsupported, m->user_remapped, m->user_dropped, m->evil_requests,
		  m->pieces);
	doc_para_end(d);
	stall_para(d, m, x->v);
	if (x->in->baseline)
		stall_para(d, x->in->baseline, x->bv);
}

static void amp_row(struct run_doc *x, struct tbl *t, const char *name, double run,
		    double base)
{
	tbl_row(t);
	tbl_cell(t, TBL_PLAIN, "%s", name);
	num_cell(t, run, stalled(x));
	if (x->bp) {
		num_cell(t, base, x->b.stalled);
		num_cell(t, rep_ratio(run, base), stalled(x) || x->b.stalled);
	}
}

static void section_amp(struct run_doc *x)
{
	struct doc *d = x->d;
	const struct rep_derived *r = &x->r, *b = x->bp;
	struct tbl t;
	heading(d, 2, "amplification", "I/O amplification");
	doc_para(d, "Per user request (every op) unless said otherwise.");
	tbl_init(&t);
	tbl_col(&t, "metric", NULL, 'l');
	tbl_col(&t, x->v, NULL, 'r');
	if (b) {
		tbl_col(&t, x->bv, NULL, 'r');
		tbl_col(&t, "ratio", NULL, 'r');
	}
	amp_row(x, &t, "sub-I/Os per request", r->sub_ios_per_request,
		b ? b->sub_ios_per_request : 0);
	amp_row(x, &t, "sub-I/O bytes per user byte", r->bytes_per_user_byte,
		b ? b->bytes_per_user_byte : 0);
	amp_row(x, &t, "device flushes per request", r->flushes_per_request,
		b ? b->flushes_per_request : 0);
	for (int role = 0; role < CSUM_ROLE_COUNT; role++) {
		char name[64];
		snprintf(name, sizeof(name), "%s sub-I/Os per request", csum_role_name(role));
		amp_row(x, &t, name, rep_ratio((double)x->in->run->sub_ios[role], (double)r->requests),
			b ? rep_ratio((double)x->in->baseline->sub_ios[role], (double)b->requests)
			  : 0);
	}
	render(x, &t);
}

static void lat_row(struct tbl *t, const struct run_metrics *m, const char *v, const char *op,
		    const struct hist *h)
{
	tbl_row(t);
	/* latency at a load the variant could not sustain is queueing */
	if (m->load.saturated)
		tbl_cell(t, TBL_WARN, "%s (saturated)", v);
	else
		tbl_cell(t, TBL_PLAIN, "%s", v);
	tbl_cell(t, TBL_PLAIN, "%s", op);
	tbl_cell(t, TBL_PLAIN, "%" PRIu64, h->count);
	static const double q[] = { 0.5, 0.9, 0.99, 0.999 };
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		tbl_cell(t, TBL_PLAIN, "%.1f", (double)hist_quantile(h, q[i]) / 1e3);
	tbl_cell(t, TBL_PLAIN, "%.1f", (double)(h->count ? h->max : 0) / 1e3);
}

static void lat_rows(struct tbl *t, const struct run_metrics *m, const char *v)
{
	lat_row(t, m, v, "all", &m->lat_all);
	lat_row(t, m, v, "read", &m->lat_read);
	lat_row(t, m, v, "write", &m->lat_write);
	lat_row(t, m, v, "flush", &m->lat_flush);
}

static void load_item(struct doc *d, const struct run_metrics *m, const char *v,
		      const char *profile)
{
	doc_item_begin(d);
	doc_code(d, v);
	if (m->load.saturated)
		doc_textf(d, ": saturated: %s cannot sustain this trace's load%s%s; latency is "
			     "queueing (busiest device busy %.1f%% of the replay, backlog up to %" PRIu64
			     " requests, %" PRIu64 " at the last arrival).",
			  v, profile ? " on " : "", profile ? profile : "", 100.0 * m->load.busy_frac,
			  m->load.backlog_max, m->load.backlog_end);
	else
		doc_textf(d, ": kept up with the trace's load (busiest device busy %.1f%%, backlog "
			     "up to %" PRIu64 " requests).",
			  100.0 * m->load.busy_frac, m->load.backlog_max);
	doc_item_end(d);
}

static void tput_item(struct doc *d, const char *v, const struct rep_derived *r, bool partial)
{
	double mib = r->throughput_bytes_s / MIB;
	doc_item_begin(d);
	doc_code(d, v);
	if (isfinite(mib))
		doc_textf(d, ": %.3f MiB/s%s", mib, partial ? " (partial: stalled)" : "");
	else
		doc_text(d, ": n/a");
	doc_item_end(d);
}

static void cap_item(struct doc *d, const struct run_metrics *m, const char *v)
{
	const struct capacity_info *c = &m->capacity;
	doc_item_begin(d);
	doc_code(d, v);
	if (!c->measured)
		doc_text(d, ": not measured.");
	else
		doc_textf(d, ": %.3f MiB/s, %.1f IOPS; %" PRIu64 " requests in %.6f s at queue depth "
			     "%" PRIu32 "%s.",
			  c->mib_s, c->iops, c->requests_done, (double)c->time_ns / 1e9,
			  c->queue_depth, c->stalled ? " (partial: stalled before the end)" : "");
	doc_item_end(d);
}

static void section_latency(struct run_doc *x)
{
	struct doc *d = x->d;
	const struct report_input *in = x->in;
	struct tbl t;
	heading(d, 2, "latency", "Latency");
	doc_para(d, "Submission by the host to completion, simulated time, microseconds "
		    "(completed requests only), with the trace replayed at its recorded times.");
	tbl_init(&t);
	tbl_col(&t, "variant", NULL, 'l');
	tbl_col(&t, "op", NULL, 'l');
	tbl_col(&t, "count", NULL, 'r');
	tbl_col(&t, "p50", NULL, 'r');
	tbl_col(&t, "p90", NULL, 'r');
	tbl_col(&t, "p99", NULL, 'r');
	tbl_col(&t, "p99.9", NULL, 'r');
	tbl_col(&t, "max", NULL, 'r');
	lat_rows(&t, in->run, x->v);
	if (in->baseline)
		lat_rows(&t, in->baseline, x->bv);
	render(x, &t);
	doc_para(d, "Load at the trace's rate:");
	doc_list_begin(d);
	load_item(d, in->run, x->v, NULL);
	if (in->baseline)
		load_item(d, in->baseline, x->bv, NULL);
	doc_list_end(d);

	heading(d, 2, "throughput", "Throughput");
	doc_para(d, "Completed user bytes / simulated duration, at the trace's rate (the "
		    "offered load when the variant keeps up).");
	doc_list_begin(d);
	tput_item(d, x->v, &x->r, stalled(x));
	if (x->bp)
		tput_item(d, x->bv, x->bp, x->b.stalled);
	doc_list_end(d);

	heading(d, 2, "capacity", "Capacity");
	doc_para(d, "The same requests replayed closed loop, as fast as the variant completes "
		    "them, in trace order with their flush/FUA dependencies: what the scheme "
		    "costs, whatever the trace's arrival rate.");
	doc_list_begin(d);
	cap_item(d, in->run, x->v);
	if (in->baseline)
		cap_item(d, in->baseline, x->bv);
	doc_list_end(d);
}

static bool bad_class(int k)
{
	return k == ORC_STALE || k == ORC_SILENT || k == ORC_FALSE_POS;
}

static void class_table(struct run_doc *x, const struct oracle_counts *c)
{
	struct tbl t;
	tbl_init(&t);
	tbl_col(&t, "class", NULL, 'l');
	tbl_col(&t, "sectors", NULL, 'r');
	tbl_col(&t, "requests", NULL, 'r');
	for (int k = 0; k < ORC_CLASS_COUNT; k++) {
		tbl_row(&t);
		tbl_cell(&t, TBL_PLAIN, "%s", oracle_class_name(k));
		bad_cell(&t, c->sectors[k], bad_class(k));
		bad_cell(&t, c->requests[k], bad_class(k));
	}
	tbl_row(&t);
	tbl_cell(&t, TBL_PLAIN, "not completed (hang)");
	tbl_cell(&t, TBL_PLAIN, "%s", "");
	bad_cell(&t, c->not_completed, true);
	render(x, &t);
}

static int worst_crashes(struct run_doc *x, struct cs_err *err)
{
	const struct run_metrics *m = x->in->run;
	uint32_t *idx = rep_crashes_by_severity(m);
	if (!idx)
		return cs_err_set(err, "report: out of memory sorting crashes");
	uint32_t n = m->n_crashes < WORST_CRASHES ? m->n_crashes : WORST_CRASHES;
	heading(x->d, 3, NULL, "Worst crashes");
	doc_para_begin(x->d);
	doc_textf(x->d, "Most silent, then stale, false-positive, detected sectors; %" PRIu32
			" of %" PRIu32 ".",
		  n, m->n_crashes);
	doc_para_end(x->d);
	struct tbl t;
	tbl_init(&t);
	static const char *const cols[] = { "crash", "trigger", "time (s)", "lost sectors",
					    "in flight" };
	for (size_t i = 0; i < 5; i++)
		tbl_col(&t, cols[i], NULL, i == 1 ? 'l' : 'r');
	for (int k = 0; k < ORC_CLASS_COUNT; k++)
		tbl_col(&t, oracle_class_name(k), NULL, 'r');
	for (uint32_t i = 0; i < n; i++) {
		const struct crash_report *c = &m->crashes[idx[i]];
		char trig[sizeof(c->trigger) + 1];
		field(trig, sizeof(trig), c->trigger, sizeof(c->trigger));
		tbl_row(&t);
		tbl_cell(&t, TBL_PLAIN, "%" PRIu32, c->index);
		tbl_cell(&t, TBL_PLAIN, "%s", trig);
		tbl_cell(&t, TBL_PLAIN, "%.6f", (double)c->time_ns / 1e9);
		tbl_cell(&t, TBL_PLAIN, "%" PRIu64, c->lost_sectors);
		tbl_cell(&t, TBL_PLAIN, "%" PRIu64, c->inflight_requests);
		for (int k = 0; k < ORC_CLASS_COUNT; k++)
			bad_cell(&t, c->counts.sectors[k], bad_class(k));
	}
	free(idx);
	render(x, &t);
	return 0;
}

static int section_oracle(struct run_doc *x, struct cs_err *err)
{
	struct doc *d = x->d;
	const struct run_metrics *m = x->in->run;
	heading(d, 2, "integrity", "Data integrity");
	heading(d, 3, NULL, "Reads during the run");
	class_table(x, &m->reads);
	heading(d, 3, NULL, "Crashes and recovery");
	doc_para_begin(d);
	doc_textf(d, "%" PRIu32 " crash%s", m->n_crashes, m->n_crashes == 1 ? "" : "es");
	if (m->n_crashes == 0) {
		doc_text(d, ".");
		doc_para_end(d);
		return 0;
	}
	doc_textf(d, "; after each, every sector ever written was read back (%" PRIu64
		     " sector reads in all). One row per crash: ",
		  x->r.crash_sectors_checked);
	doc_file(d, "crashes.csv");
	doc_text(d, ".");
	doc_para_end(d);
	doc_para(d, "Totals over all crashes:");
	class_table(x, &x->r.crash_totals);
	return worst_crashes(x, err);
}

static void outcome_table(struct run_doc *x, const struct fault_outcomes *o)
{
	struct tbl t;
	tbl_init(&t);
	tbl_col(&t, "fault", NULL, 'l');
	tbl_col(&t, "injected", NULL, 'r');
	for (int k = 0; k < FO_COUNT; k++)
		tbl_col(&t, fault_outcome_name(k), NULL, 'r');
	tbl_col(&t, "detection rate (95% CI)", NULL, 'l');
	for (int ty = 0; ty < FT_COUNT; ty++) {
		uint64_t n = 0;
		for (int k = 0; k < FO_COUNT; k++)
			n += o->n[ty][k];
		if (n == 0)
			continue;
		tbl_row(&t);
		tbl_cell(&t, TBL_PLAIN, "%s", fault_type_name(ty));
		tbl_cell(&t, TBL_PLAIN, "%" PRIu64, n);
		for (int k = 0; k < FO_COUNT; k++)
			bad_cell(&t, o->n[ty][k], k == FO_SILENT || k == FO_STALE || k == FO_FALSE_POS);
		uint64_t det = o->n[ty][FO_DETECTED];
		uint64_t bad = det + o->n[ty][FO_SILENT] + o->n[ty][FO_STALE];
		double lo, hi;
		wilson95(det, bad, &lo, &hi);
		if (bad == 0)
			tbl_cell(&t, TBL_NA, "n/a");
		else
			tbl_cell(&t, stalled(x) ? TBL_WARN : TBL_PLAIN, "%.4f [%.4f, %.4f]%s",
				 (double)det / (double)bad, lo, hi, stalled(x) ? " partial" : "");
	}
	if (t.n_rows == 0) {
		tbl_free(&t);
		doc_para(x->d, "None injected.");
		return;
	}
	render(x, &t);
}

static void violation_table(struct run_doc *x)
{
	const struct report_input *in = x->in;
	const struct run_metrics *m = in->run;
	struct tbl t;
	tbl_init(&t);
	static const char *const cols[] = { "crash", "trigger", "state", "stale", "silent",
					    "false_positive", "hung", "reproduce alone" };
	static const char align[] = "rllrrrrl";
	for (size_t i = 0; i < 8; i++)
		tbl_col(&t, cols[i], NULL, align[i]);
	for (uint32_t i = 0; i < m->n_viol; i++) {
		const struct violation *v = &m->viol[i];
		char trig[sizeof(v->trigger) + 1], label[sizeof(v->label) + 1];
		field(trig, sizeof(trig), v->trigger, sizeof(v->trigger));
		field(label, sizeof(label), v->label, sizeof(v->label));
		tbl_row(&t);
		tbl_cell(&t, TBL_PLAIN, "%" PRIu32, v->crash);
		tbl_cell(&t, TBL_PLAIN, "%s", trig);
		tbl_cell(&t, TBL_PLAIN, "%" PRIu32 ": %s", v->state, label);
		bad_cell(&t, v->counts.sectors[ORC_STALE], true);
		bad_cell(&t, v->counts.sectors[ORC_SILENT], true);
		bad_cell(&t, v->counts.sectors[ORC_FALSE_POS], true);
		bad_cell(&t, v->counts.not_completed, true);
		if (in->reproducers != NULL && in->reproducers[i] != NULL)
			tbl_cell_link(&t, TBL_PLAIN, in->reproducers[i], "csumsim run %s",
				      in->reproducers[i]);
		else
			tbl_cell(&t, TBL_PLAIN, "-");
	}
	render(x, &t);
	if (m->violations > m->n_viol) {
		doc_para_begin(x->d);
		doc_textf(x->d, "(%" PRIu64 " more not listed.)", m->violations - m->n_viol);
		doc_para_end(x->d);
	}
}

/* crash.recovery: one line for the crashes during recovery, apart from
 * the states above (nothing at all when it is off) */
static void recovery_para(struct run_doc *x)
{
	const struct run_metrics *m = x->in->run;
	const struct recovery_crashes *r = &x->r.recovery;
	struct doc *d = x->d;

	if (m->recovery_mode == 0 || m->n_crashes == 0)
		return;
	heading(d, 3, NULL, "Crashes during recovery");
	doc_para_begin(d);
	if (!m->recovery_step) {
		doc_text(d, "No recovery step: the variant writes nothing at mount, so there is "
			    "nothing to crash (crash.recovery).");
	} else if (r->mount_ios == 0) {
		doc_textf(d, "No recovery writes: the %" PRIu64 " mount%s after the crash states "
			     "wrote nothing (crash.recovery).",
			  r->states_run, r->states_run == 1 ? "" : "s");
	} else {
		doc_textf(d, "The power failed again inside the recovery of %" PRIu64
			     " crash state%s, at %" PRIu64 " of the mounts' %" PRIu64
			     " writes and flushes (%" PRIu64 " writes, %" PRIu64 " flushes); %" PRIu64
			     " second-level state%s recovered again, %" PRIu64 " violate%s the "
			     "durability contract: %" PRIu64 " stale, %" PRIu64 " silent, %" PRIu64
			     " false-positive sectors, %" PRIu64 " hung reads.",
			  r->states_run, r->states_run == 1 ? "" : "s", r->points, r->mount_ios,
			  r->writes, r->flushes, r->states, r->states == 1 ? "" : "s", r->violating,
			  r->violating == 1 ? "s" : "", r->counts.sectors[ORC_STALE],
			  r->counts.sectors[ORC_SILENT], r->counts.sectors[ORC_FALSE_POS],
			  r->counts.not_completed);
		if (r->worst[0] != '\0') {
			char w[sizeof(r->worst) + 1];

			field(w, sizeof(w), r->worst, sizeof(r->worst));
			doc_text(d, " Worst: ");
			doc_code(d, w);
			doc_text(d, ".");
		}
		doc_text(d, " These states are not in the counts above (report.json: "
			    "oracle.recovery_crashes).");
		if (r->n_kept > 0 && x->in->recovery_reproducers != NULL) {
			/* each re-runs its one second-level state alone */
			doc_textf(d, " The first %" PRIu32 " violating one%s, each alone: ",
				  r->n_kept, r->n_kept == 1 ? "" : "s");
			for (uint32_t i = 0; i < r->n_kept; i++) {
				doc_text(d, i == 0 ? "csumsim run " : ", ");
				doc_code(d, x->in->recovery_reproducers[i]);
			}
			doc_text(d, " (report.json: recovery_violations).");
		}
	}
	doc_para_end(d);
}

static void section_faults(struct run_doc *x)
{
	struct doc *d = x->d;
	const struct run_metrics *m = x->in->run;
	heading(d, 2, "faults", "Faults");
	doc_para(d, "During the replay (each fault judged by the next read of the user sectors "
		    "it affected; detection rate = detected / (detected + silent + stale)):");
	outcome_table(x, &m->faults);
	doc_para(d, "In the crash states (faults pending at the crash or made by it, judged by "
		    "the recovery read-back, once per state):");
	outcome_table(x, &m->crash_faults);
	heading(d, 3, NULL, "Crash exploration");
	doc_para_begin(d);
	doc_textf(d, "%" PRIu64 " crash state%s examined; %" PRIu64
		     " violate%s the durability contract (stale, silent or false-positive sectors, "
		     "or a hang after recovery).",
		  m->crash_states, m->crash_states == 1 ? "" : "s", m->violations,
		  m->violations == 1 ? "s" : "");
	doc_textf(d, " %" PRIu64 " of the states %s distinct (states that leave the same bytes "
		     "in the non-durable writes' sectors count once).", m->crash_distinct,
		  m->crash_distinct == 1 ? "is" : "are");
	if (m->budget.kind != BUDGET_NONE) {
		char cov[96];

		budget_covered(&m->budget, cov, sizeof(cov));
		doc_textf(d, " crash.budget: %s.", cov);
	}
	if (m->n_viol > 0)
		doc_text(d, " Each reproducer re-runs its crash state alone: run it from this "
			    "directory.");
	doc_para_end(d);
	if (m->n_crashes > 0) {
		uint64_t unread = 0, probed = 0, unwritable = 0, failed = 0, states = 0;
		for (uint32_t i = 0; i < m->n_crashes; i++) {
			unread += m->crashes[i].unreadable_sectors;
			probed += m->crashes[i].probed_groups;
			unwritable += m->crashes[i].unwritable_groups;
			failed += m->crashes[i].failed_mounts;
			states += m->crashes[i].states;
		}
		doc_para_begin(d);
		doc_textf(d, "Availability after recovery: %" PRIu64 " sector reads failed; a write "
			     "was tried in each 62-sector group holding one (%" PRIu64 "), and %" PRIu64
			     " of those groups could not be written.",
			  unread, probed, unwritable);
		if (failed > 0)
			doc_textf(d, " In %" PRIu64 " of %" PRIu64 " crash states the recovery step "
				     "itself failed (a read or write error in it), so the device came up "
				     "failed and refused every request: all its data unavailable.",
				  failed, states);
		doc_para_end(d);
	}
	if (m->n_viol > 0)
		violation_table(x);
	recovery_para(x);
}

static void section_overhead(struct run_doc *x)
{
	struct doc *d = x->d;
	heading(d, 2, "overhead", "Overhead vs none");
	if (!x->bp) {
		doc_para(d, "No baseline run.");
		return;
	}
	struct rep_overhead o;
	rep_overhead(&x->r, x->bp, &o);
	doc_para_begin(d);
	doc_text(d, "Ratio ");
	doc_code(d, x->v);
	doc_text(d, " / ");
	doc_code(d, x->bv);
	doc_text(d, " (1.000 = no overhead; capacity and throughput below 1 are a slowdown). "
		    "Capacity first (closed loop: what the scheme costs), then the costs per "
		    "request, then latency and throughput at the trace's rate.");
	doc_para_end(d);
	bool partial = stalled(x) || x->b.stalled;
	bool sat = x->in->run->load.saturated || x->in->baseline->load.saturated;
	struct tbl t;
	tbl_init(&t);
	tbl_col(&t, "metric", NULL, 'l');
	tbl_col(&t, "ratio", NULL, 'r');
	tbl_row(&t);
	tbl_cell(&t, TBL_PLAIN, "capacity");
	if (!x->in->run->capacity.measured || !x->in->baseline->capacity.measured)
		tbl_cell(&t, TBL_NA, "not measured");
	else
		num_cell(&t, o.capacity, partial);
	const struct {
		const char *name;
		double v;
		bool at_load;
	} rows[] = {
		{ "sub-I/Os per request", o.sub_ios_per_request, false },
		{ "bytes per user byte", o.bytes_per_user_byte, false },
		{ "flushes per request", o.flushes_per_request, false },
		{ "latency p50 at trace load", o.latency_p50, true },
		{ "latency p99 at trace load", o.latency_p99, true },
		{ "throughput at trace load", o.throughput, true },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		tbl_row(&t);
		tbl_cell(&t, TBL_PLAIN, "%s", rows[i].name);
		if (rows[i].at_load && sat && !partial && isfinite(rows[i].v))
			tbl_cell(&t, TBL_WARN, "%.3f saturated", rows[i].v);
		else
			num_cell(&t, rows[i].v, partial);
	}
	render(x, &t);
}

static void section_plots(struct run_doc *x)
{
	struct doc *d = x->d;
	const struct report_input *in = x->in;
	struct rep_plot_set p;
	rep_plot_set(in, &p);
	heading(d, 2, "plots", "Plots");
	if (!in->plots)
		doc_para(d, "Plots are off for this run, so none is embedded. The gnuplot scripts "
			    "and data are here: run gnuplot NAME.gp in this directory to draw "
			    "NAME.svg and NAME.png.");
	const struct {
		int on;
		const char *name, *title, *none;
	} plots[] = {
		{ p.throughput, "throughput", "User MiB completed over time",
		  "no completed requests" },
		{ p.latency, "latency_cdf", "Latency CDF", "no completed requests" },
		{ p.recovery, "recovery", "Recovery per crash state", "no crashes" },
	};
	doc_list_begin(d);
	for (size_t i = 0; i < sizeof(plots) / sizeof(plots[0]); i++) {
		char file[64];
		doc_item_begin(d);
		doc_text(d, plots[i].title);
		if (!plots[i].on) {
			doc_textf(d, ": not drawn (%s).", plots[i].none);
		} else if (in->plots) {
			doc_text(d, ": ");
			doc_image(d, plots[i].title, plots[i].name);
			doc_text(d, " (");
			snprintf(file, sizeof(file), "%s.png", plots[i].name);
			doc_link(d, "PNG", file);
			doc_text(d, ", script ");
			snprintf(file, sizeof(file), "%s.gp", plots[i].name);
			doc_file(d, file);
			doc_text(d, ")");
		} else {
			doc_text(d, ": not rendered (plots off); run ");
			snprintf(file, sizeof(file), "gnuplot %s.gp", plots[i].name);
			doc_code(d, file);
			doc_text(d, " here.");
		}
		doc_item_end(d);
	}
	doc_list_end(d);
	uint32_t group = rep_crash_group(in->run->n_crashes);
	if (p.recovery && group > 1) {
		doc_para_begin(d);
		doc_textf(d, "The recovery plot groups the %" PRIu32 " crashes %" PRIu32
			     " to a bar (per state over the group), at most %d bars; ",
			  in->run->n_crashes, group, REP_MAX_BARS);
		doc_file(d, "crashes.csv");
		doc_text(d, " has them all.");
		doc_para_end(d);
	}
	static const char *const data[] = { "report.json", "crashes.csv", "latency.csv",
					    "throughput.csv", "requests.csv" };
	size_t n = in->per_request_csv ? 5 : 4;
	doc_para_begin(d);
	doc_text(d, "Data: ");
	for (size_t i = 0; i < n; i++) {
		if (i)
			doc_text(d, ", ");
		doc_file(d, data[i]);
	}
	doc_text(d, ".");
	doc_para_end(d);
}

static int write_doc(const char *dir, const char *file, enum doc_format fmt,
		     const struct report_input *in, struct cs_err *err)
{
	struct run_doc x = { .in = in };
	rep_derive(in->run, &x.r);
	if (in->baseline) {
		rep_derive(in->baseline, &x.b);
		x.bp = &x.b;
		rep_variant_name(in->baseline, "", ' ', x.bv, sizeof(x.bv));
	}
	rep_variant_name(in->run, "", ' ', x.v, sizeof(x.v));
	FILE *f = rep_open(dir, file, err);
	if (!f)
		return -1;
	const char *name = in->scenario_name ? in->scenario_name : "(unnamed)";
	char title[256];
	snprintf(title, sizeof(title), "csumsim report: %s", name);
	struct doc d;
	doc_begin(&d, f, fmt, dir, title, err);
	x.d = &d;
	heading(&d, 1, NULL, title);
	section_verdict(&x);
	section_run(&x);
	section_user(&x);
	section_amp(&x);
	section_latency(&x);
	int rc = section_oracle(&x, err);
	if (rc == 0) {
		section_faults(&x);
		section_overhead(&x);
		section_plots(&x);
	}
	if (doc_end(&d) || rc) {
		fclose(f);
		return -1;
	}
	return rep_close(f, file, err);
}

int rep_write_md(const char *dir, const struct report_input *in, struct cs_err *err)
{
	return write_doc(dir, "summary.md", DOC_MARKDOWN, in, err);
}

int rep_write_html(const char *dir, const struct report_input *in, struct cs_err *err)
{
	return write_doc(dir, "report.html", DOC_HTML, in, err);
}
