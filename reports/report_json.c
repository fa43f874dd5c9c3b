/* report.json: every metric of the run and the baseline, keys in a fixed
 * order (jansson keeps insertion order), reals with fixed precision. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_priv.h"
#include "version.h"

/* Builders that tolerate a NULL child (out of memory): the final dump
 * checks `oom` once instead of every call site. */
struct jb {
	int oom;
};

static json_t *chk(struct jb *b, json_t *v)
{
	if (!v)
		b->oom = 1;
	return v;
}

static void put(struct jb *b, json_t *obj, const char *key, json_t *v)
{
	if (!obj || !v || json_object_set_new(obj, key, v) != 0) {
		b->oom = 1;
		json_decref(v);
	}
}

static void push(struct jb *b, json_t *arr, json_t *v)
{
	if (!arr || !v || json_array_append_new(arr, v) != 0) {
		b->oom = 1;
		json_decref(v);
	}
}

static json_t *ju64(struct jb *b, uint64_t v)
{
	/* json_int_t is signed 64-bit; nothing we count gets near 2^63. */
	if (v > (uint64_t)INT64_MAX)
		return chk(b, json_null());
	return chk(b, json_integer((json_int_t)v));
}

static json_t *jreal(struct jb *b, double v)
{
	if (!isfinite(v))
		return chk(b, json_null());
	return chk(b, json_real(v));
}

static json_t *jstr(struct jb *b, const char *s)
{
	if (!s)
		s = "";
	json_t *v = json_string(s);
	if (v)
		return v;
	/* Not UTF-8 (a trace name in Latin-1, say): keep ASCII, mark the rest. */
	char *copy = strdup(s);
	if (!copy)
		return chk(b, NULL);
	for (char *c = copy; *c; c++)
		if ((unsigned char)*c >= 0x80)
			*c = '?';
	v = json_string(copy);
	free(copy);
	return chk(b, v);
}

static json_t *jobj(struct jb *b)
{
	return chk(b, json_object());
}

static json_t *jarr(struct jb *b)
{
	return chk(b, json_array());
}

static json_t *hist_json(struct jb *b, const struct hist *h)
{
	json_t *o = jobj(b);
	put(b, o, "count", ju64(b, h->count));
	put(b, o, "sum_ns", ju64(b, h->sum));
	put(b, o, "mean_ns", h->count ? jreal(b, (double)h->sum / (double)h->count)
				      : chk(b, json_null()));
	put(b, o, "min_ns", ju64(b, h->count ? h->min : 0));
	put(b, o, "p50_ns", ju64(b, hist_quantile(h, 0.5)));
	put(b, o, "p90_ns", ju64(b, hist_quantile(h, 0.9)));
	put(b, o, "p99_ns", ju64(b, hist_quantile(h, 0.99)));
	put(b, o, "p999_ns", ju64(b, hist_quantile(h, 0.999)));
	put(b, o, "max_ns", ju64(b, h->count ? h->max : 0));
	/* Non-empty buckets as [lower edge ns, count], enough to rebuild it. */
	json_t *bk = jarr(b);
	for (size_t i = 0; i < (size_t)HIST_POW * HIST_SUB; i++) {
		if (!h->bucket[i])
			continue;
		json_t *pair = jarr(b);
		push(b, pair, ju64(b, hist_bucket_low(i)));
		push(b, pair, ju64(b, h->bucket[i]));
		push(b, bk, pair);
	}
	put(b, o, "buckets", bk);
	return o;
}

static json_t *classes_json(struct jb *b, const uint64_t *v)
{
	json_t *o = jobj(b);
	for (int k = 0; k < ORC_CLASS_COUNT; k++)
		put(b, o, oracle_class_name(k), ju64(b, v[k]));
	return o;
}

static json_t *counts_json(struct jb *b, const struct oracle_counts *c)
{
	json_t *o = jobj(b);
	put(b, o, "sectors", classes_json(b, c->sectors));
	put(b, o, "requests", classes_json(b, c->requests));
	put(b, o, "not_completed", ju64(b, c->not_completed));
	return o;
}

static json_t *crash_json(struct jb *b, const struct crash_report *c)
{
	char trig[sizeof(c->trigger) + 1];
	memcpy(trig, c->trigger, sizeof(c->trigger));
	trig[sizeof(c->trigger)] = '\0';
	json_t *o = jobj(b);
	put(b, o, "index", ju64(b, c->index));
	put(b, o, "trigger", jstr(b, trig));
	put(b, o, "time_ns", ju64(b, c->time_ns));
	put(b, o, "requests_before", ju64(b, c->requests_before));
	put(b, o, "cached_sectors", ju64(b, c->cached_sectors));
	put(b, o, "lost_sectors", ju64(b, c->lost_sectors));
	put(b, o, "inflight_requests", ju64(b, c->inflight_requests));
	put(b, o, "sectors_checked", ju64(b, c->sectors_checked));
	put(b, o, "oracle", counts_json(b, &c->counts));
	return o;
}

static json_t *user_json(struct jb *b, const struct run_metrics *m, const struct rep_derived *d)
{
	json_t *o = jobj(b);
	for (int op = 0; op < 4; op++) {
		json_t *x = jobj(b);
		put(b, x, "requests", ju64(b, m->user_requests[op]));
		put(b, x, "sectors", ju64(b, m->user_sectors[op]));
		put(b, x, "bytes", ju64(b, m->user_sectors[op] * (uint64_t)CSUM_SECTOR));
		put(b, x, "errors", ju64(b, m->user_errors[op]));
		put(b, x, "hung", ju64(b, m->user_hung[op]));
		put(b, o, csum_op_name(op), x);
	}
	put(b, o, "total_requests", ju64(b, d->requests));
	put(b, o, "total_bytes", ju64(b, d->user_bytes));
	put(b, o, "completed_bytes", ju64(b, d->completed_bytes));
	put(b, o, "unsupported", ju64(b, m->user_unsupported));
	put(b, o, "remapped", ju64(b, m->user_remapped));
	put(b, o, "dropped", ju64(b, m->user_dropped));
	return o;
}

static json_t *protocol_json(struct jb *b, const struct run_metrics *m)
{
	json_t *o = jobj(b);
	put(b, o, "pieces", ju64(b, m->pieces));
	put(b, o, "evil_requests", ju64(b, m->evil_requests));
	json_t *roles = jobj(b);
	for (int r = 0; r < CSUM_ROLE_COUNT; r++) {
		json_t *x = jobj(b);
		put(b, x, "count", ju64(b, m->sub_ios[r]));
		put(b, x, "sectors", ju64(b, m->sub_io_sectors[r]));
		put(b, roles, csum_role_name(r), x);
	}
	put(b, o, "sub_ios", roles);
	json_t *v = jobj(b);
	for (int k = 0; k < 5; k++)
		put(b, v, csum_verdict_name(k), ju64(b, m->verdicts[k]));
	put(b, o, "verdicts", v);
	put(b, o, "lock_wait_ns", ju64(b, m->lock_wait_ns));
	put(b, o, "lock_lost", chk(b, json_boolean(m->lock_lost)));
	return o;
}

static json_t *devices_json(struct jb *b, const struct run_metrics *m)
{
	json_t *a = jarr(b);
	for (uint32_t i = 0; i < m->n_devs && i < CSUM_MAX_DEVS; i++) {
		const struct dev_metrics *d = &m->dev[i];
		json_t *o = jobj(b);
		put(b, o, "reads", ju64(b, d->reads));
		put(b, o, "writes", ju64(b, d->writes));
		put(b, o, "flushes", ju64(b, d->flushes));
		put(b, o, "read_sectors", ju64(b, d->read_sectors));
		put(b, o, "write_sectors", ju64(b, d->write_sectors));
		put(b, o, "fua_writes", ju64(b, d->fua_writes));
		put(b, o, "barrier_writes", ju64(b, d->barrier_writes));
		put(b, o, "preflushes", ju64(b, d->preflushes));
		put(b, o, "media_write_sectors", ju64(b, d->media_write_sectors));
		put(b, o, "busy_ns", ju64(b, d->busy_ns));
		put(b, o, "utilisation", jreal(b, rep_ratio((double)d->busy_ns,
							      (double)m->sim_time_ns)));
		push(b, a, o);
	}
	return a;
}

static json_t *tput_json(struct jb *b, const struct run_metrics *m, const struct rep_derived *d)
{
	json_t *o = jobj(b);
	put(b, o, "bytes_per_s", jreal(b, d->throughput_bytes_s));
	put(b, o, "bin_ns", ju64(b, m->tput.bin_ns));
	uint32_t n = m->tput.n_bins < TPUT_MAX_BINS ? m->tput.n_bins : TPUT_MAX_BINS;
	put(b, o, "n_bins", ju64(b, n));
	json_t *r = jarr(b), *w = jarr(b);
	for (uint32_t i = 0; i < n; i++) {
		push(b, r, ju64(b, m->tput.read_bytes[i]));
		push(b, w, ju64(b, m->tput.write_bytes[i]));
	}
	put(b, o, "read_bytes", r);
	put(b, o, "write_bytes", w);
	return o;
}

static json_t *metrics_json(struct jb *b, const struct run_metrics *m)
{
	struct rep_derived d;
	rep_derive(m, &d);
	char variant[sizeof(m->variant) + 1];
	memcpy(variant, m->variant, sizeof(m->variant));
	variant[sizeof(m->variant)] = '\0';

	json_t *o = jobj(b);
	put(b, o, "variant", jstr(b, variant));
	put(b, o, "sim_time_ns", ju64(b, m->sim_time_ns));
	put(b, o, "user", user_json(b, m, &d));
	put(b, o, "protocol", protocol_json(b, m));

	json_t *amp = jobj(b);
	put(b, amp, "sub_ios", ju64(b, d.sub_ios));
	put(b, amp, "sub_io_bytes", ju64(b, d.sub_io_bytes));
	put(b, amp, "device_flushes", ju64(b, d.dev_flushes));
	put(b, amp, "sub_ios_per_request", jreal(b, d.sub_ios_per_request));
	put(b, amp, "bytes_per_user_byte", jreal(b, d.bytes_per_user_byte));
	put(b, amp, "flushes_per_request", jreal(b, d.flushes_per_request));
	put(b, amp, "flush_sub_ios_per_request", jreal(b, d.flush_sub_ios_per_request));
	put(b, o, "amplification", amp);

	put(b, o, "devices", devices_json(b, m));

	json_t *lat = jobj(b);
	put(b, lat, "all", hist_json(b, &m->lat_all));
	put(b, lat, "read", hist_json(b, &m->lat_read));
	put(b, lat, "write", hist_json(b, &m->lat_write));
	put(b, lat, "flush", hist_json(b, &m->lat_flush));
	put(b, o, "latency", lat);

	put(b, o, "throughput", tput_json(b, m, &d));

	json_t *orc = jobj(b);
	put(b, orc, "reads", counts_json(b, &m->reads));
	json_t *cr = jobj(b);
	put(b, cr, "count", ju64(b, m->n_crashes));
	put(b, cr, "sectors_checked", ju64(b, d.crash_sectors_checked));
	put(b, cr, "totals", counts_json(b, &d.crash_totals));
	json_t *list = jarr(b);
	for (uint32_t i = 0; i < m->n_crashes; i++)
		push(b, list, crash_json(b, &m->crashes[i]));
	put(b, cr, "list", list);
	put(b, orc, "crashes", cr);
	put(b, o, "oracle", orc);

	put(b, o, "request_records", ju64(b, m->n_records));

	json_t *mem = jobj(b);
	put(b, mem, "media_sectors", ju64(b, m->media_sectors));
	put(b, mem, "media_bytes", ju64(b, m->media_bytes));
	put(b, mem, "oracle_bytes", ju64(b, m->oracle_bytes));
	put(b, o, "memory", mem);
	return o;
}

static json_t *overhead_json(struct jb *b, const struct report_input *in)
{
	if (!in->baseline)
		return chk(b, json_null());
	struct rep_derived r, s;
	struct rep_overhead ov;
	rep_derive(in->run, &r);
	rep_derive(in->baseline, &s);
	rep_overhead(&r, &s, &ov);
	json_t *o = jobj(b);
	put(b, o, "sub_ios_per_request", jreal(b, ov.sub_ios_per_request));
	put(b, o, "bytes_per_user_byte", jreal(b, ov.bytes_per_user_byte));
	put(b, o, "flushes_per_request", jreal(b, ov.flushes_per_request));
	put(b, o, "latency_p50", jreal(b, ov.latency_p50));
	put(b, o, "latency_p99", jreal(b, ov.latency_p99));
	put(b, o, "throughput", jreal(b, ov.throughput));
	return o;
}

int rep_write_json(const char *dir, const struct report_input *in, struct cs_err *err)
{
	struct jb b = { 0 };
	json_t *root = jobj(&b);
	put(&b, root, "csumsim_version", jstr(&b, CSUMSIM_VERSION));
	json_t *sc = jobj(&b);
	put(&b, sc, "name", jstr(&b, in->scenario_name));
	put(&b, sc, "yaml", jstr(&b, in->scenario_yaml));
	put(&b, root, "scenario", sc);
	put(&b, root, "seed", ju64(&b, in->seed));
	put(&b, root, "reproduce", jstr(&b, in->reproduce));
	put(&b, root, "run", metrics_json(&b, in->run));
	put(&b, root, "baseline",
	    in->baseline ? metrics_json(&b, in->baseline) : chk(&b, json_null()));
	put(&b, root, "overhead", overhead_json(&b, in));

	char *text = NULL;
	if (!b.oom)
		text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
						JSON_REAL_PRECISION(10) | JSON_ENSURE_ASCII);
	json_decref(root);
	if (!text)
		return cs_err_set(err, "report: out of memory building report.json");
	FILE *f = rep_open(dir, "report.json", err);
	if (!f) {
		free(text);
		return -1;
	}
	fputs(text, f);
	fputc('\n', f);
	free(text);
	return rep_close(f, "report.json", err);
}
