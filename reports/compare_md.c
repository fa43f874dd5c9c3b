/* compare.md: the comparison for people. Same numbers as compare.json (both
 * come from compare_derive.c), rounded for reading. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "reports/compare_priv.h"
#include "version.h"

#define MIB (1024.0 * 1024.0)

/* A percentage to one decimal, with more digits where one decimal would
 * round a bound that is not 0 or 100 onto 0.0 or 100.0. */
static void pct(FILE *f, double x)
{
	double v = 100.0 * x;
	if (v > 0.0 && v < 0.05)
		fprintf(f, "%.2g", v);
	else if (v < 100.0 && v >= 99.95)
		fprintf(f, "%.4f", v);
	else
		fprintf(f, "%.1f", v);
}

/* A rate as a percentage with its interval: "95.0% [88.1, 98.3] n=40". */
static void pct_ci(FILE *f, const struct cmp_rate *r)
{
	if (r->n == 0) {
		fputs("n/a", f);
		return;
	}
	pct(f, r->value);
	fputs("% [", f);
	pct(f, r->lo);
	fputs(", ", f);
	pct(f, r->hi);
	fprintf(f, "] n=%" PRIu64, r->n);
}

static void num(FILE *f, double v, int decimals)
{
	if (isfinite(v))
		fprintf(f, "%.*f", decimals, v);
	else
		fputs("n/a", f);
}

static void names(FILE *f, const char *const *n, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++)
		fprintf(f, "%s`%s`", i ? ", " : "", n[i]);
}

static void section_head(FILE *f, const struct compare_input *in)
{
	fprintf(f, "# csumsim comparison: %s\n\n",
		in->scenario_name && *in->scenario_name ? in->scenario_name : "(unnamed)");
	fputs("- variants: ", f);
	names(f, in->variants, in->n_variants);
	fputs("\n- disk profiles: ", f);
	names(f, in->profiles, in->n_profiles);
	if (cmp_baseline(in) >= 0)
		fputs("\n- overhead baseline: `" CMP_BASELINE "`\n", f);
	else
		fputs("\n- overhead baseline: none (`" CMP_BASELINE
		      "` is not among the variants, so every ratio is n/a)\n",
		      f);
	fprintf(f, "- seed: %" PRIu64 "\n", in->seed);
	fprintf(f, "- csumsim %s\n", CSUMSIM_VERSION);
	if (in->reproduce && *in->reproduce)
		fprintf(f, "\nReproduce:\n\n```\n%s\n```\n", in->reproduce);
	fputs("\nEvery variant ran on the same trace, seed and fault schedule. The effective "
	      "scenario is in `compare.json` (`scenario.yaml`); every number is defined in "
	      "docs/COMPARE.md.\n",
	      f);
}

static void detection_table(FILE *f, const struct compare_input *in, uint32_t p)
{
	fputs("| fault type |", f);
	for (uint32_t v = 0; v < in->n_variants; v++)
		fprintf(f, " %s |", in->variants[v]);
	fputs("\n|---|", f);
	for (uint32_t v = 0; v < in->n_variants; v++)
		fputs("---|", f);
	fputc('\n', f);
	for (int t = 0; t <= CMP_ALL; t++) {
		if (t < CMP_ALL && !cmp_type_seen(in, p, t))
			continue;
		fprintf(f, "| %s |", t < CMP_ALL ? fault_type_name(t) : "**all types**");
		for (uint32_t v = 0; v < in->n_variants; v++) {
			struct cmp_faults fo;
			struct cmp_rates r;
			cmp_faults_of(compare_run(in, p, v), &fo);
			cmp_rates_of(fo.n[t], &r);
			fputc(' ', f);
			pct_ci(f, &r.detection);
			fputs(" |", f);
		}
		fputc('\n', f);
	}
}

static void counts_table(FILE *f, const struct compare_input *in, uint32_t p)
{
	fputs("| fault type | variant | injected | detected | silent | stale | false positive | "
	      "masked | unread | silent rate | false-positive rate |\n"
	      "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n",
	      f);
	for (int t = 0; t < FT_COUNT; t++) {
		if (!cmp_type_seen(in, p, t))
			continue;
		for (uint32_t v = 0; v < in->n_variants; v++) {
			struct cmp_faults fo;
			struct cmp_rates r;
			cmp_faults_of(compare_run(in, p, v), &fo);
			cmp_rates_of(fo.n[t], &r);
			const uint64_t *o = fo.n[t];
			fprintf(f, "| %s | %s | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64
				   " | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | ",
				fault_type_name(t), in->variants[v], r.injected, o[FO_DETECTED],
				o[FO_SILENT], o[FO_STALE], o[FO_FALSE_POS], o[FO_MASKED],
				o[FO_UNREAD]);
			pct_ci(f, &r.silent);
			fputs(" | ", f);
			pct_ci(f, &r.false_pos);
			fputs(" |\n", f);
		}
	}
}

static void section_faults(FILE *f, const struct compare_input *in)
{
	fputs("\n## Fault outcomes\n\n"
	      "Detection rate = detected / (detected + silent + stale): of the injected faults "
	      "whose damage reached a read, the share the variant reported as an error. In "
	      "brackets the Wilson 95% interval; n is the denominator; n/a: no fault of that "
	      "type reached a read. Faults of the replay and of every crash state count "
	      "together (`compare.json` splits them).\n",
	      f);
	for (uint32_t p = 0; p < in->n_profiles; p++) {
		fprintf(f, "\n### Profile `%s`\n\n", in->profiles[p]);
		if (!cmp_type_seen(in, p, CMP_ALL)) {
			fputs("No faults were injected on this profile.\n", f);
			continue;
		}
		detection_table(f, in, p);
		fputs("\nOutcomes, counted per fault. Silent rate = silent / (detected + silent + "
		      "stale); false-positive rate = false positive / (injected - unread).\n\n",
		      f);
		counts_table(f, in, p);
	}
}

/* "1.500 (x1.667)": absolute, then the ratio to none; "(n/a)" when that
 * ratio is undefined; the absolute alone when there is no none run. */
static void cost_cell(FILE *f, const struct cmp_cost *c, int k, int has_base)
{
	/* Latency in us and throughput in MiB/s read better than ns and B/s. */
	double scale = k == CMP_P50 || k == CMP_P99 ? 1e-3 : k == CMP_TPUT ? 1.0 / MIB : 1.0;
	num(f, c->abs[k] * scale, k == CMP_P50 || k == CMP_P99 ? 1 : k == CMP_TPUT ? 2 : 3);
	if (!has_base)
		return;
	if (isfinite(c->ratio[k]))
		fprintf(f, " (x%.3f)", c->ratio[k]);
	else
		fputs(" (n/a)", f);
}

static void section_overhead(FILE *f, const struct compare_input *in)
{
	fputs("\n## Overhead vs none\n\n", f);
	if (cmp_baseline(in) >= 0)
		fputs("Each cell: the absolute value, then in parentheses the ratio to `" CMP_BASELINE
		      "` on the same profile (x1.000: no overhead; throughput below 1 is a "
		      "slowdown).\n",
		      f);
	else
		fputs("Absolute values only: the ratios are n/a because `" CMP_BASELINE
		      "` is not among the variants.\n",
		      f);
	for (uint32_t p = 0; p < in->n_profiles; p++) {
		fprintf(f, "\n### Profile `%s`\n\n| variant |", in->profiles[p]);
		for (int k = 0; k < CMP_METRICS; k++)
			fprintf(f, " %s%s |", cmp_metrics[k].label,
				k == CMP_P50 || k == CMP_P99 ? " (us)"
				: k == CMP_TPUT		      ? " (MiB/s)"
							      : "");
		fputs("\n|---|", f);
		for (int k = 0; k < CMP_METRICS; k++)
			fputs("---:|", f);
		fputc('\n', f);
		for (uint32_t v = 0; v < in->n_variants; v++) {
			struct cmp_cost c;
			cmp_cost_of(in, p, v, &c);
			fprintf(f, "| %s |", in->variants[v]);
			for (int k = 0; k < CMP_METRICS; k++) {
				fputc(' ', f);
				cost_cell(f, &c, k, cmp_baseline(in) >= 0);
				fputs(" |", f);
			}
			fputc('\n', f);
		}
	}
}

static void section_crash(FILE *f, const struct compare_input *in)
{
	fputs("\n## Crash exploration\n\n"
	      "Per profile and variant: crash points, crash states examined (each a choice of "
	      "which volatile writes survived), states with a violation (stale, silent, "
	      "false-positive or hung sectors), and the recovery read-back summed over every "
	      "crash, in sectors.\n\n"
	      "| profile | variant | crash points | states | violations | sectors checked | "
	      "correct | stale | false positive | detected | silent | hung reads |\n"
	      "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
	      f);
	for (uint32_t p = 0; p < in->n_profiles; p++) {
		for (uint32_t v = 0; v < in->n_variants; v++) {
			const struct run_metrics *m = compare_run(in, p, v);
			struct rep_derived d;
			rep_derive(m, &d);
			const uint64_t *s = d.crash_totals.sectors;
			fprintf(f, "| %s | %s | %" PRIu32 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64
				   " | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %" PRIu64
				   " | %" PRIu64 " | %" PRIu64 " |\n",
				in->profiles[p], in->variants[v], m->n_crashes, m->crash_states,
				m->violations, d.crash_sectors_checked, s[ORC_CORRECT], s[ORC_STALE],
				s[ORC_FALSE_POS], s[ORC_DETECTED], s[ORC_SILENT],
				d.crash_totals.not_completed);
		}
	}
}

static void chart_line(FILE *f, const struct compare_input *in, int on, const char *title,
		       const char *stem, const char *profile, const char *why_not)
{
	if (!on) {
		fprintf(f, "- %s: not drawn (%s).\n", title, why_not);
		return;
	}
	if (in->plots)
		fprintf(f, "- %s: ![%s](%s_%s.svg) ([PNG](%s_%s.png), script `%s_%s.gp`)\n", title,
			title, stem, profile, stem, profile, stem, profile);
	else
		fprintf(f, "- %s: not rendered (plots off); run `gnuplot %s_%s.gp` here.\n", title,
			stem, profile);
}

static void section_charts(FILE *f, const struct compare_input *in)
{
	fputs("\n## Charts\n", f);
	for (uint32_t p = 0; p < in->n_profiles; p++) {
		struct cmp_charts c;
		cmp_charts_of(in, p, &c);
		const char *pr = in->profiles[p];
		fprintf(f, "\n### Profile `%s`\n\n", pr);
		chart_line(f, in, c.outcomes, "Detection rate by fault type", "outcomes", pr,
			   "no fault reached a read");
		chart_line(f, in, c.overhead, "Overhead vs none", "overhead", pr,
			   "`" CMP_BASELINE "` is not among the variants");
		chart_line(f, in, c.recovery, "Recovery classes after crashes", "recovery", pr,
			   "no crash points");
	}
	fputs("\nData: `compare.json`, `matrix.csv`, `overhead.csv`, `crash.csv`.\n", f);
}

int cmp_write_md(const char *dir, const struct compare_input *in, struct cs_err *err)
{
	FILE *f = rep_open(dir, "compare.md", err);
	if (!f)
		return -1;
	section_head(f, in);
	section_faults(f, in);
	section_overhead(f, in);
	section_crash(f, in);
	section_charts(f, in);
	return rep_close(f, "compare.md", err);
}
