/* The CSV files: crashes, latency CDF points, throughput bins and (when asked
 * for) one row per user request. Plain numbers, no quoting needed except
 * for the crash trigger text. */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "reports/numfmt.h"
#include "reports/report_priv.h"

#define MIB (1024.0 * 1024.0)

/* A CSV field: quoted, with quotes doubled. */
static void csv_text(FILE *f, const char *s, size_t max)
{
	fputc('"', f);
	for (size_t i = 0; i < max && s[i]; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i] == '\n' || s[i] == '\r' ? ' ' : s[i], f);
	}
	fputc('"', f);
}

static int write_crashes(const char *dir, const struct run_metrics *m, struct cs_err *err)
{
	FILE *f = rep_open(dir, "crashes.csv", err);
	if (!f)
		return -1;
	fputs("index,trigger,time_ns,requests_before,cached_sectors,lost_sectors,"
	      "inflight_requests,sectors_checked",
	      f);
	for (int k = 0; k < ORC_CLASS_COUNT; k++)
		fprintf(f, ",%s_sectors", oracle_class_name(k));
	for (int k = 0; k < ORC_CLASS_COUNT; k++)
		fprintf(f, ",%s_requests", oracle_class_name(k));
	fputs(",not_completed\n", f);
	for (uint32_t i = 0; i < m->n_crashes; i++) {
		const struct crash_report *c = &m->crashes[i];
		fprintf(f, "%" PRIu32 ",", c->index);
		csv_text(f, c->trigger, sizeof(c->trigger));
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
			c->time_ns, c->requests_before, c->cached_sectors, c->lost_sectors,
			c->inflight_requests, c->sectors_checked);
		for (int k = 0; k < ORC_CLASS_COUNT; k++)
			fprintf(f, ",%" PRIu64, c->counts.sectors[k]);
		for (int k = 0; k < ORC_CLASS_COUNT; k++)
			fprintf(f, ",%" PRIu64, c->counts.requests[k]);
		fprintf(f, ",%" PRIu64 "\n", c->counts.not_completed);
	}
	return rep_close(f, "crashes.csv", err);
}

/* One CDF point per non-empty bucket: the bucket's upper edge (clamped to
 * the exact max) and the fraction of requests at or below it. */
static void cdf_rows(FILE *f, const char *variant, const char *op, const struct hist *h)
{
	uint64_t seen = 0;
	for (size_t i = 0; i < (size_t)HIST_POW * HIST_SUB && seen < h->count; i++) {
		if (!h->bucket[i])
			continue;
		seen += h->bucket[i];
		uint64_t hi = hist_bucket_low(i + 1);
		hi = hi == UINT64_MAX ? h->max : hi - 1;
		if (hi > h->max)
			hi = h->max;
		/* "%s,%s,%" PRIu64 ",%" PRIu64 ",%.9f\n", without printf */
		char line[3 * 24 + NUMFMT_MAX];
		size_t n;
		fputs(variant, f);
		fputc(',', f);
		fputs(op, f);
		line[0] = ',';
		n = 1 + numfmt_u64(line + 1, hi);
		line[n++] = ',';
		n += numfmt_u64(line + n, seen);
		line[n++] = ',';
		n += numfmt_fixed(line + n, (double)seen / (double)h->count, 9);
		line[n++] = '\n';
		fwrite(line, 1, n, f);
	}
}

static void cdf_run(FILE *f, const struct run_metrics *m)
{
	char v[sizeof(m->variant) + 1];
	memcpy(v, m->variant, sizeof(m->variant));
	v[sizeof(m->variant)] = '\0';
	cdf_rows(f, v, "all", &m->lat_all);
	cdf_rows(f, v, "read", &m->lat_read);
	cdf_rows(f, v, "write", &m->lat_write);
	cdf_rows(f, v, "flush", &m->lat_flush);
}

static int write_latency(const char *dir, const struct report_input *in, struct cs_err *err)
{
	FILE *f = rep_open(dir, "latency.csv", err);
	if (!f)
		return -1;
	fputs("variant,op,latency_ns,requests_at_or_below,fraction\n", f);
	cdf_run(f, in->run);
	if (in->baseline)
		cdf_run(f, in->baseline);
	return rep_close(f, "latency.csv", err);
}

static void tput_rows(FILE *f, const struct run_metrics *m)
{
	char v[sizeof(m->variant) + 1];
	memcpy(v, m->variant, sizeof(m->variant));
	v[sizeof(m->variant)] = '\0';
	const struct tput_series *s = &m->tput;
	double secs = (double)s->bin_ns / 1e9;
	for (uint32_t i = 0; i < s->n_bins && i < TPUT_MAX_BINS; i++)
	{
		/* "%s,%" PRIu32 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f,%.6f\n",
		 * without printf (reports/numfmt.h) */
		char line[6 * 24 + 2 * NUMFMT_MAX];
		size_t n = 0;
		fputs(v, f);
		line[n++] = ',';
		n += numfmt_u64(line + n, i);
		line[n++] = ',';
		n += numfmt_u64(line + n, (uint64_t)i * s->bin_ns);
		line[n++] = ',';
		n += numfmt_u64(line + n, (uint64_t)(i + 1) * s->bin_ns);
		line[n++] = ',';
		n += numfmt_u64(line + n, s->read_bytes[i]);
		line[n++] = ',';
		n += numfmt_u64(line + n, s->write_bytes[i]);
		line[n++] = ',';
		n += numfmt_fixed(line + n, (double)s->read_bytes[i] / MIB / secs, 6);
		line[n++] = ',';
		n += numfmt_fixed(line + n, (double)s->write_bytes[i] / MIB / secs, 6);
		line[n++] = '\n';
		assert(n <= sizeof(line));
		fwrite(line, 1, n, f);
	}
}

static int write_tput(const char *dir, const struct report_input *in, struct cs_err *err)
{
	FILE *f = rep_open(dir, "throughput.csv", err);
	if (!f)
		return -1;
	fputs("variant,bin,start_ns,end_ns,read_bytes,write_bytes,read_mib_s,write_mib_s\n", f);
	tput_rows(f, in->run);
	if (in->baseline)
		tput_rows(f, in->baseline);
	return rep_close(f, "throughput.csv", err);
}

static int write_requests(const char *dir, const struct run_metrics *m, struct cs_err *err)
{
	FILE *f = rep_open(dir, "requests.csv", err);
	if (!f)
		return -1;
	fputs("id,op,sector,count,flags,t_submit_ns,t_done_ns,latency_ns,result,pieces,"
	      "sub_ios,oracle\n",
	      f);
	for (size_t i = 0; i < m->n_records; i++) {
		const struct req_record *r = &m->records[i];
		fprintf(f, "%" PRIu64 ",%s,%" PRIu64 ",%" PRIu32 ",%" PRIu32 ",%" PRIu64 ",", r->id,
			csum_op_name(r->op), r->sector, r->count, r->flags, r->t_submit);
		/* A request that never completed has no completion time: empty. */
		if (r->t_done != UINT64_MAX)
			fprintf(f, "%" PRIu64 ",%" PRIu64, r->t_done,
				r->t_done >= r->t_submit ? r->t_done - r->t_submit : 0);
		else
			fputc(',', f);
		fprintf(f, ",%d,%" PRIu32 ",%" PRIu32 ",%s\n", r->result, r->pieces, r->sub_ios,
			r->oracle < ORC_CLASS_COUNT ? oracle_class_name(r->oracle) : "");
	}
	return rep_close(f, "requests.csv", err);
}

int rep_write_csv(const char *dir, const struct report_input *in, struct cs_err *err)
{
	if (write_crashes(dir, in->run, err) || write_latency(dir, in, err) ||
	    write_tput(dir, in, err))
		return -1;
	if (in->per_request_csv && write_requests(dir, in->run, err))
		return -1;
	return 0;
}
