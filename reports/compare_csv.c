/* The comparison's CSV files: matrix.csv (fault outcomes), overhead.csv
 * (costs and their ratios to `none`) and crash.csv (crash exploration).
 * Names are checked by compare_write (no commas or quotes), so no quoting. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "reports/compare_priv.h"

/* A real to 6 decimals, "n/a" when undefined. */
static void real(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, ",%.6f", v);
	else
		fputs(",n/a", f);
}

static void rate_cols(FILE *f, const struct cmp_rate *r)
{
	real(f, r->value);
	real(f, r->lo);
	real(f, r->hi);
}

static int write_matrix(const char *dir, const struct compare_input *in, struct cs_err *err)
{
	FILE *f = rep_open(dir, "matrix.csv", err);
	if (!f)
		return -1;
	fputs("profile,fault_type,variant,injected", f);
	for (int o = 0; o < FO_COUNT; o++)
		fprintf(f, ",%s", fault_outcome_name(o));
	fputs(",detection_rate,detection_lo,detection_hi,silent_rate,silent_lo,silent_hi,"
	      "false_positive_rate,false_positive_lo,false_positive_hi\n",
	      f);
	for (uint32_t p = 0; p < in->n_profiles; p++) {
		for (int t = 0; t < FT_COUNT; t++) {
			for (uint32_t v = 0; v < in->n_variants; v++) {
				struct cmp_faults fo;
				struct cmp_rates r;
				cmp_faults_of(compare_run(in, p, v), &fo);
				cmp_rates_of(fo.n[t], &r);
				fprintf(f, "%s,%s,%s,%" PRIu64, in->profiles[p], fault_type_name(t),
					in->variants[v], r.injected);
				for (int o = 0; o < FO_COUNT; o++)
					fprintf(f, ",%" PRIu64, fo.n[t][o]);
				rate_cols(f, &r.detection);
				rate_cols(f, &r.silent);
				rate_cols(f, &r.false_pos);
				fputc('\n', f);
			}
		}
	}
	return rep_close(f, "matrix.csv", err);
}

static int write_overhead(const char *dir, const struct compare_input *in, struct cs_err *err)
{
	FILE *f = rep_open(dir, "overhead.csv", err);
	if (!f)
		return -1;
	fputs("profile,variant", f);
	for (int k = 0; k < CMP_METRICS; k++)
		fprintf(f, ",%s,%s_ratio", cmp_metrics[k].key, cmp_metrics[k].key);
	fputc('\n', f);
	for (uint32_t p = 0; p < in->n_profiles; p++) {
		for (uint32_t v = 0; v < in->n_variants; v++) {
			struct cmp_cost c;
			cmp_cost_of(in, p, v, &c);
			fprintf(f, "%s,%s", in->profiles[p], in->variants[v]);
			for (int k = 0; k < CMP_METRICS; k++) {
				if (cmp_metrics[k].integer)
					fprintf(f, ",%.0f", c.abs[k]);
				else
					real(f, c.abs[k]);
				real(f, c.ratio[k]);
			}
			fputc('\n', f);
		}
	}
	return rep_close(f, "overhead.csv", err);
}

static int write_crash(const char *dir, const struct compare_input *in, struct cs_err *err)
{
	FILE *f = rep_open(dir, "crash.csv", err);
	if (!f)
		return -1;
	fputs("profile,variant,crash_points,crash_states,violations,sectors_checked", f);
	for (int k = 0; k < ORC_CLASS_COUNT; k++)
		fprintf(f, ",%s_sectors", oracle_class_name(k));
	fputs(",not_completed\n", f);
	for (uint32_t p = 0; p < in->n_profiles; p++) {
		for (uint32_t v = 0; v < in->n_variants; v++) {
			const struct run_metrics *m = compare_run(in, p, v);
			struct rep_derived d;
			rep_derive(m, &d);
			fprintf(f, "%s,%s,%" PRIu32 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
				in->profiles[p], in->variants[v], m->n_crashes, m->crash_states,
				m->violations, d.crash_sectors_checked);
			for (int k = 0; k < ORC_CLASS_COUNT; k++)
				fprintf(f, ",%" PRIu64, d.crash_totals.sectors[k]);
			fprintf(f, ",%" PRIu64 "\n", d.crash_totals.not_completed);
		}
	}
	return rep_close(f, "crash.csv", err);
}

int cmp_write_csv(const char *dir, const struct compare_input *in, struct cs_err *err)
{
	if (write_matrix(dir, in, err) || write_overhead(dir, in, err) ||
	    write_crash(dir, in, err))
		return -1;
	return 0;
}
