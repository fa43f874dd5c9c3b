/* compare.md and report.html: the comparison for people, written once
 * through the document emitter (reports/doc.h) in both formats. Same numbers
 * as compare.json (both come from compare_derive.c), rounded for reading. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "reports/compare_priv.h"
#include "reports/doc.h"
#include "reports/summary_json.h"
#include "reports/table.h"
#include "reports/risk.h"
#include "reports/verdict.h"
#include "version.h"

#define MIB (1024.0 * 1024.0)

/* Room for the longest cell: "100.0% [99.9995, 100.0] n=18446744073709551615". */
#define CELL 96

/* A rate as a percentage with its interval: "95.0% [88.1, 98.3] n=40";
 * a stalled run's rate covers the requests before the stall: "partial". */
static void pct_ci_cell(struct doc *d, const struct cmp_rate *r, const struct run_metrics *m)
{
	char b[CELL];
	struct rep_derived x;
	rep_derive(m, &x);
	cmp_rate_text(r, b, sizeof(b));
	int partial = x.stalled && r->n > 0;
	doc_cell_class_begin(d, r->n == 0 ? "na" : partial ? "warn" : NULL);
	doc_text(d, b);
	if (partial)
		doc_text(d, " partial");
	doc_cell_end(d);
}

static void u64_cell(struct doc *d, uint64_t v)
{
	doc_cellf(d, "%" PRIu64, v);
}

static void code_list(struct doc *d, const char *label, const char *const *n, uint32_t count)
{
	doc_item_begin(d);
	doc_text(d, label);
	for (uint32_t i = 0; i < count; i++) {
		if (i)
			doc_text(d, ", ");
		doc_code(d, n[i]);
	}
	doc_item_end(d);
}

static const char *scenario_name(const struct compare_input *in)
{
	return in->scenario_name && *in->scenario_name ? in->scenario_name : "(unnamed)";
}

static void section_head(struct doc *d, const struct compare_input *in)
{
	doc_heading_begin(d, 1, NULL);
	doc_text(d, "csumsim comparison: ");
	doc_text(d, scenario_name(in));
	doc_heading_end(d);
}

static void section_setup(struct doc *d, const struct compare_input *in)
{
	doc_list_begin(d);
	code_list(d, "variants: ", in->variants, in->n_variants);
	code_list(d, "disk profiles: ", in->profiles, in->n_profiles);
	doc_item_begin(d);
	doc_text(d, "overhead baseline: ");
	if (cmp_baseline(in) >= 0) {
		doc_code(d, CMP_BASELINE);
	} else {
		doc_text(d, "none (");
		doc_code(d, CMP_BASELINE);
		doc_text(d, " is not among the variants, so every ratio is n/a)");
	}
	doc_item_end(d);
	doc_item_begin(d);
	doc_textf(d, "seed: %" PRIu64, in->seed);
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
	doc_text(d, "Every variant ran on the same trace, seed and fault schedule. The effective "
		    "scenario is in ");
	doc_file(d, "compare.json");
	doc_text(d, " (");
	doc_code(d, "scenario.yaml");
	doc_text(d, "); every number is defined in docs/COMPARE.md.");
	doc_para_end(d);
}

static void section_verdict(struct doc *d, const struct compare_input *in)
{
	struct verdict v[COMPARE_MAX_VARIANTS * COMPARE_MAX_PROFILES];
	size_t n;

	compare_verdicts(in, v, &n);
	verdict_block(d, v, n, in->n_profiles > 1);
	{
		const struct run_metrics *runs[COMPARE_MAX_VARIANTS * COMPARE_MAX_PROFILES];
		char labels[COMPARE_MAX_VARIANTS * COMPARE_MAX_PROFILES][COMPARE_NAME_MAX + 16];
		const char *lp[COMPARE_MAX_VARIANTS * COMPARE_MAX_PROFILES];
		size_t k = 0;

		for (uint32_t p = 0; p < in->n_profiles; p++)
			for (uint32_t i = 0; i < in->n_variants; i++) {
				runs[k] = compare_run(in, p, i);
				if (in->n_profiles > 1)
					snprintf(labels[k], sizeof(labels[k]), "%s (%s)",
						 in->variants[i], in->profiles[p]);
				else
					snprintf(labels[k], sizeof(labels[k]), "%s",
						 in->variants[i]);
				lp[k] = labels[k];
				k++;
			}
		risk_block(d, runs, lp, k);
	}
}

static void profile_heading(struct doc *d, const char *profile)
{
	doc_heading_begin(d, 3, NULL);
	doc_text(d, "Profile ");
	doc_code(d, profile);
	doc_heading_end(d);
}

/* An alignment string: first, then n columns aligned rest. */
static void align_of(char *buf, size_t size, const char *first, char rest, uint32_t n)
{
	size_t k = (size_t)snprintf(buf, size, "%s", first);
	for (uint32_t i = 0; i < n && k + 1 < size; i++)
		buf[k++] = rest;
	buf[k] = '\0';
}

static void detection_table(struct doc *d, const struct compare_input *in, uint32_t p)
{
	char align[DOC_MAX_COLS + 2];
	align_of(align, sizeof(align), "l", 'l', in->n_variants);
	doc_table_begin(d, align);
	doc_cell(d, "fault type");
	for (uint32_t v = 0; v < in->n_variants; v++)
		doc_cell(d, in->variants[v]);
	doc_row_end(d);
	for (int t = 0; t <= CMP_ALL; t++) {
		if (t < CMP_ALL && !cmp_type_seen(in, p, t))
			continue;
		if (t < CMP_ALL) {
			doc_cell(d, fault_type_name(t));
		} else {
			doc_cell_begin(d);
			doc_strong(d, "all types");
			doc_cell_end(d);
		}
		for (uint32_t v = 0; v < in->n_variants; v++) {
			struct cmp_faults fo;
			struct cmp_rates r;
			cmp_faults_of(compare_run(in, p, v), &fo);
			cmp_rates_of(fo.n[t], &r);
			pct_ci_cell(d, &r.detection, compare_run(in, p, v));
		}
		doc_row_end(d);
	}
	doc_table_end(d);
}

static void counts_table(struct doc *d, const struct compare_input *in, uint32_t p)
{
	static const char *const head[] = { "fault type", "variant", "injected", "detected",
					    "silent", "stale", "false positive", "masked",
					    "unread", "silent rate", "false-positive rate" };
	/* The rates stay left-aligned: "n/a" and intervals do not line up. */
	doc_table_begin(d, "llrrrrrrrll");
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		doc_cell(d, head[i]);
	doc_row_end(d);
	static const int shown[] = { FO_DETECTED, FO_SILENT, FO_STALE, FO_FALSE_POS, FO_MASKED,
				     FO_UNREAD };
	for (int t = 0; t < FT_COUNT; t++) {
		if (!cmp_type_seen(in, p, t))
			continue;
		for (uint32_t v = 0; v < in->n_variants; v++) {
			struct cmp_faults fo;
			struct cmp_rates r;
			cmp_faults_of(compare_run(in, p, v), &fo);
			cmp_rates_of(fo.n[t], &r);
			doc_cell(d, fault_type_name(t));
			doc_cell(d, in->variants[v]);
			u64_cell(d, r.injected);
			for (size_t k = 0; k < sizeof(shown) / sizeof(shown[0]); k++)
				u64_cell(d, fo.n[t][shown[k]]);
			pct_ci_cell(d, &r.silent, compare_run(in, p, v));
			pct_ci_cell(d, &r.false_pos, compare_run(in, p, v));
			doc_row_end(d);
		}
	}
	doc_table_end(d);
}

static void section_faults(struct doc *d, const struct compare_input *in)
{
	doc_heading_begin(d, 2, "faults");
	doc_text(d, "Fault outcomes");
	doc_heading_end(d);
	doc_para_begin(d);
	doc_text(d, "Detection rate = detected / (detected + silent + stale): of the injected "
		    "faults whose damage reached a read, the share the variant reported as an "
		    "error. In brackets the Wilson 95% interval; n is the denominator; n/a: no "
		    "fault of that type reached a read. Faults of the replay and of every crash "
		    "state count together (");
	doc_file(d, "compare.json");
	doc_text(d, " splits them).");
	doc_para_end(d);
	for (uint32_t p = 0; p < in->n_profiles; p++) {
		profile_heading(d, in->profiles[p]);
		if (!cmp_type_seen(in, p, CMP_ALL)) {
			doc_para(d, "No faults were injected on this profile.");
			continue;
		}
		detection_table(d, in, p);
		doc_para(d, "Outcomes, counted per fault. Silent rate = silent / (detected + "
			    "silent + stale); false-positive rate = false positive / (injected - "
			    "unread).");
		counts_table(d, in, p);
	}
}

/* "1.500 (x1.667)": absolute, then the ratio to none; "(n/a)" when that
 * ratio is undefined; the absolute alone when there is no none run. A
 * stalled run's figures cover a prefix of the trace: "partial"; latency
 * at a load the variant could not sustain is queueing: "saturated". */
static void cost_cell(struct tbl *t, const struct cmp_cost *c, const struct run_metrics *m,
		      int k, int has_base)
{
	if (k == CMP_CAPACITY && !m->capacity.measured) {
		tbl_cell(t, TBL_NA, "not measured");
		return;
	}
	/* Latency in us and throughput in MiB/s read better than ns and B/s. */
	int lat = k == CMP_P50 || k == CMP_P99;
	double v = c->abs[k] * (lat ? 1e-3 : k == CMP_TPUT ? 1.0 / MIB : 1.0);
	char a[48], r[32] = "";
	if (isfinite(v))
		snprintf(a, sizeof(a), "%.*f", lat ? 1 : k == CMP_TPUT || k == CMP_CAPACITY ? 2 : 3,
			 v);
	else
		snprintf(a, sizeof(a), "n/a");
	if (has_base && isfinite(c->ratio[k]))
		snprintf(r, sizeof(r), " (x%.3f)", c->ratio[k]);
	else if (has_base)
		snprintf(r, sizeof(r), " (n/a)");
	const char *why = c->d.stalled			  ? " partial"
			  : lat && m->load.saturated ? " saturated"
						     : "";
	tbl_cell(t, *why ? TBL_WARN : TBL_PLAIN, "%s%s%s", a, r, why);
}

static void overhead_table(struct doc *d, const struct compare_input *in, uint32_t p,
			   int has_base)
{
	struct tbl t;
	tbl_init(&t);
	tbl_col(&t, "variant", NULL, 'l');
	for (int k = 0; k < CMP_METRICS; k++)
		tbl_col(&t, cmp_metrics[k].label,
			k == CMP_P50 || k == CMP_P99	     ? "us, at trace load"
			: k == CMP_TPUT || k == CMP_CAPACITY ? "MiB/s"
							     : NULL,
			'r');
	tbl_col(&t, "load at trace rate", NULL, 'l');
	tbl_col(&t, "hung", "requests", 'l');
	tbl_col(&t, "refused", "requests", 'r');
	for (uint32_t v = 0; v < in->n_variants; v++) {
		const struct run_metrics *m = compare_run(in, p, v);
		struct cmp_cost c;
		cmp_cost_of(in, p, v, &c);
		tbl_row(&t);
		tbl_cell(&t, TBL_PLAIN, "%s", in->variants[v]);
		for (int k = 0; k < CMP_METRICS; k++)
			cost_cell(&t, &c, m, k, has_base);
		if (m->load.saturated)
			tbl_cell(&t, TBL_WARN, "saturated (busy %.0f%%)", 100.0 * m->load.busy_frac);
		else
			tbl_cell(&t, TBL_PLAIN, "kept up (busy %.0f%%)", 100.0 * m->load.busy_frac);
		if (c.d.stalled && m->stalled_at == UINT64_MAX && c.d.hung > 0) {
			tbl_cell(&t, TBL_FAIL, "%" PRIu64 ", stalled", c.d.hung);
		} else if (c.d.stalled) {
			char stall[96];
			verdict_stall_text(m, stall, sizeof(stall));
			tbl_cell(&t, TBL_FAIL, "%" PRIu64 ", %s", c.d.hung, stall);
		} else {
			tbl_cell(&t, TBL_PASS, "0");
		}
		tbl_cell(&t, m->user_unsupported ? TBL_WARN : TBL_PASS, "%" PRIu64,
			 m->user_unsupported);
	}
	tbl_render(&t, d);
	tbl_free(&t);
}

static void section_overhead(struct doc *d, const struct compare_input *in)
{
	int has_base = cmp_baseline(in) >= 0;
	doc_heading_begin(d, 2, "overhead");
	doc_text(d, "Overhead vs none");
	doc_heading_end(d);
	doc_para_begin(d);
	doc_text(d, "Capacity first: the trace replayed closed loop, as fast as the variant "
		    "completes it (what the scheme costs); then the costs per request, and the "
		    "latency and throughput with the trace replayed at its recorded times (what a "
		    "user at that load sees; \"saturated\" when the variant could not keep up, so "
		    "the latency is mostly queueing). ");
	if (has_base) {
		doc_text(d, "Each cell: the absolute value, then in parentheses the ratio to ");
		doc_code(d, CMP_BASELINE);
		doc_text(d, " on the same profile (x1.000: no overhead; capacity and throughput "
			    "below 1 are a slowdown). \"partial\": the variant stalled, the figure "
			    "covers the requests before the stall.");
	} else {
		doc_text(d, "Absolute values only: the ratios are n/a because ");
		doc_code(d, CMP_BASELINE);
		doc_text(d, " is not among the variants.");
	}
	doc_para_end(d);
	for (uint32_t p = 0; p < in->n_profiles; p++) {
		profile_heading(d, in->profiles[p]);
		overhead_table(d, in, p, has_base);
	}
}

static void section_crash(struct doc *d, const struct compare_input *in)
{
	static const char *const head[] = { "profile",	       "variant", "crash points",
					    "states",	       "violations",
					    "sectors checked", "correct", "stale",
					    "false positive",  "detected", "silent",
					    "hung reads" };
	doc_heading_begin(d, 2, "crash");
	doc_text(d, "Crash exploration");
	doc_heading_end(d);
	doc_para(d, "Per profile and variant: crash points, crash states examined (each a "
		    "choice of which volatile writes survived), states with a violation (stale, "
		    "silent, false-positive or hung sectors), and the recovery read-back summed "
		    "over every crash, in sectors.");
	doc_table_begin(d, "llrrrrrrrrrr");
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		doc_cell(d, head[i]);
	doc_row_end(d);
	static const int classes[] = { ORC_CORRECT, ORC_STALE, ORC_FALSE_POS, ORC_DETECTED,
				       ORC_SILENT };
	for (uint32_t p = 0; p < in->n_profiles; p++) {
		for (uint32_t v = 0; v < in->n_variants; v++) {
			const struct run_metrics *m = compare_run(in, p, v);
			struct rep_derived r;
			rep_derive(m, &r);
			doc_cell(d, in->profiles[p]);
			doc_cell(d, in->variants[v]);
			u64_cell(d, m->n_crashes);
			if (m->budget.kind != BUDGET_NONE) {
				char cov[96];

				budget_covered(&m->budget, cov, sizeof(cov));
				doc_cellf(d, "%" PRIu64 " (crash.budget: %s)", m->crash_states, cov);
			} else {
				u64_cell(d, m->crash_states);
			}
			u64_cell(d, m->violations);
			u64_cell(d, r.crash_sectors_checked);
			for (size_t k = 0; k < sizeof(classes) / sizeof(classes[0]); k++)
				u64_cell(d, r.crash_totals.sectors[classes[k]]);
			u64_cell(d, r.crash_totals.not_completed);
			doc_row_end(d);
		}
	}
	doc_table_end(d);
}

/* Why a chart is not drawn: an optional name in code, then text. */
struct why_not {
	const char *code, *text;
};

/* One chart of one profile: the image with its PNG and script, or why
 * there is none. */
static void chart_item(struct doc *d, const struct compare_input *in, int on, const char *title,
		       const char *stem, const char *profile, struct why_not why)
{
	char name[2 * COMPARE_NAME_MAX], file[2 * COMPARE_NAME_MAX + 16];
	snprintf(name, sizeof(name), "%s_%s", stem, profile);
	doc_item_begin(d);
	doc_text(d, title);
	if (!on) {
		doc_text(d, ": not drawn (");
		if (why.code)
			doc_code(d, why.code);
		doc_text(d, why.text);
		doc_text(d, ").");
	} else if (in->plots) {
		doc_text(d, ": ");
		doc_image(d, title, name);
		doc_text(d, " (");
		snprintf(file, sizeof(file), "%s.png", name);
		doc_link(d, "PNG", file);
		doc_text(d, ", script ");
		snprintf(file, sizeof(file), "%s.gp", name);
		doc_file(d, file);
		doc_text(d, ")");
	} else {
		doc_text(d, ": not rendered (plots off); run ");
		snprintf(file, sizeof(file), "gnuplot %s.gp", name);
		doc_code(d, file);
		doc_text(d, " here.");
	}
	doc_item_end(d);
}

static void section_charts(struct doc *d, const struct compare_input *in)
{
	doc_heading_begin(d, 2, "charts");
	doc_text(d, "Charts");
	doc_heading_end(d);
	for (uint32_t p = 0; p < in->n_profiles; p++) {
		struct cmp_charts c;
		cmp_charts_of(in, p, &c);
		const char *pr = in->profiles[p];
		profile_heading(d, pr);
		doc_list_begin(d);
		chart_item(d, in, c.outcomes, "Detection rate by fault type", "outcomes", pr,
			   (struct why_not){ NULL, "no fault reached a read" });
		chart_item(d, in, c.overhead, "Overhead vs none", "overhead", pr,
			   cmp_baseline(in) >= 0
				   ? (struct why_not){ NULL, "no ratio to none is defined" }
				   : (struct why_not){ CMP_BASELINE, " is not among the variants" });
		chart_item(d, in, c.recovery, "Recovery classes per crash state", "recovery", pr,
			   (struct why_not){ NULL, "no crash points" });
		chart_item(d, in, c.progress, "User MiB completed over time", "progress", pr,
			   (struct why_not){ NULL, "no completed user I/O" });
		doc_list_end(d);
	}
	static const char *const data[] = { "compare.json", "matrix.csv", "overhead.csv",
					    "crash.csv" };
	doc_para_begin(d);
	doc_text(d, "Data: ");
	for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
		if (i)
			doc_text(d, ", ");
		doc_file(d, data[i]);
	}
	doc_text(d, ".");
	doc_para_end(d);
}

static int write_doc(const char *dir, const char *file, enum doc_format fmt,
		     const struct compare_input *in, struct cs_err *err)
{
	FILE *f = rep_open(dir, file, err);
	if (!f)
		return -1;
	char title[COMPARE_NAME_MAX + 256];
	snprintf(title, sizeof(title), "csumsim comparison: %s", scenario_name(in));
	struct doc d;
	doc_begin(&d, f, fmt, dir, title, err);
	section_head(&d, in);
	section_verdict(&d, in);
	section_setup(&d, in);
	section_faults(&d, in);
	section_overhead(&d, in);
	section_crash(&d, in);
	section_charts(&d, in);
	if (doc_end(&d)) {
		fclose(f);
		return -1;
	}
	return rep_close(f, file, err);
}

int cmp_write_md(const char *dir, const struct compare_input *in, struct cs_err *err)
{
	return write_doc(dir, "compare.md", DOC_MARKDOWN, in, err);
}

int cmp_write_html(const char *dir, const struct compare_input *in, struct cs_err *err)
{
	return write_doc(dir, "report.html", DOC_HTML, in, err);
}
