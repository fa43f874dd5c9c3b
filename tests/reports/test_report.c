/* report_write on crafted metrics: contents, byte-identity, atomicity, plots. */
#include <dirent.h>
#include <errno.h>
#include <fiu.h>
#include <fiu-control.h>
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/reports/rm_tree.h"

#include "reports/report.h"
#include "version.h"

#define YAML "name: crafted\nseed: 9\nvariant: rfc\n"

struct fixture {
	char root[256]; /* a fresh temp dir per test */
	struct run_metrics *run, *base;
	struct report_input in;
};

static void fill(struct run_metrics *m, const char *variant, int scale, uint32_t crashes)
{
	run_metrics_init(m, variant, 1000000);
	m->sim_time_ns = 2000000000ull;
	m->user_requests[CSUM_OP_READ] = 600;
	m->user_requests[CSUM_OP_WRITE] = 300;
	m->user_requests[CSUM_OP_FLUSH] = 100;
	m->user_sectors[CSUM_OP_READ] = 4800;
	m->user_sectors[CSUM_OP_WRITE] = 2400;
	m->user_errors[CSUM_OP_READ] = 3;
	m->user_hung[CSUM_OP_WRITE] = 1;
	m->pieces = 950;
	m->evil_requests = 20;
	m->sub_ios[CSUM_ROLE_DATA_READ] = 600;
	m->sub_ios[CSUM_ROLE_DATA_WRITE] = 300;
	m->sub_ios[CSUM_ROLE_FLUSH] = 100;
	m->sub_io_sectors[CSUM_ROLE_DATA_READ] = 4800;
	m->sub_io_sectors[CSUM_ROLE_DATA_WRITE] = 2400;
	if (scale > 1) {
		m->sub_ios[CSUM_ROLE_IMD_READ] = 600;
		m->sub_ios[CSUM_ROLE_IMD_WRITE] = 600;
		m->sub_io_sectors[CSUM_ROLE_IMD_READ] = 600;
		m->sub_io_sectors[CSUM_ROLE_IMD_WRITE] = 600;
	}
	m->verdicts[CSUM_V_NEWER] = 4790;
	m->verdicts[CSUM_V_MISMATCH] = 10;
	m->n_devs = 1;
	m->dev[0].reads = 1200;
	m->dev[0].writes = 900;
	m->dev[0].flushes = 100 * (uint64_t)scale;
	m->dev[0].busy_ns = 500000000ull;
	for (uint64_t i = 0; i < 900; i++) {
		uint64_t lat = (20000 + (i * 7919) % 180000) * (uint64_t)scale;
		uint8_t op = i % 3 == 0 ? CSUM_OP_WRITE : CSUM_OP_READ;
		hist_add(&m->lat_all, lat);
		hist_add(op == CSUM_OP_READ ? &m->lat_read : &m->lat_write, lat);
		run_metrics_tput_add(m, i * 2000000ull, op, 4096);
		struct req_record r = { .id = i, .t_submit = i * 2000000ull,
					.t_done = i == 5 ? UINT64_MAX : i * 2000000ull + lat,
					.sector = i * 8, .count = 8, .op = op, .pieces = 1,
					.sub_ios = (uint32_t)scale,
					.oracle = op == CSUM_OP_READ ? ORC_CORRECT : 255 };
		assert_int_equal(run_metrics_add_record(m, &r), 0);
	}
	for (int i = 0; i < 100; i++)
		hist_add(&m->lat_flush, 300000 + (uint64_t)i * 1000);
	m->reads.sectors[ORC_CORRECT] = 4790;
	m->reads.sectors[ORC_FALSE_POS] = 10;
	m->reads.requests[ORC_CORRECT] = 597;
	m->reads.requests[ORC_FALSE_POS] = 3;
	for (uint32_t c = 0; c < crashes; c++) {
		struct crash_report cr = { .index = c, .time_ns = 100000000ull * (c + 1),
					   .requests_before = 100 * (c + 1), .cached_sectors = 64,
					   .lost_sectors = 8 + c % 5, .inflight_requests = 2,
					   .sectors_checked = 1000 };
		cr.counts.sectors[ORC_CORRECT] = 990 - c % 7;
		cr.counts.sectors[ORC_FALSE_POS] = 8;
		cr.counts.sectors[ORC_STALE] = c % 7;
		cr.counts.sectors[ORC_SILENT] = c == 2 ? 2 : 0;
		snprintf(cr.trigger, sizeof(cr.trigger), "flush #%u", 10 * c);
		assert_int_equal(run_metrics_add_crash(m, &cr), 0);
	}
	m->media_sectors = 8000;
	m->media_bytes = 64000;
	m->oracle_bytes = 128000;
}

static int setup_n(void **state, uint32_t crashes)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->root, sizeof(f->root), "/tmp/csumsim-test-report-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	f->run = malloc(sizeof(*f->run));
	f->base = malloc(sizeof(*f->base));
	if (!f->run || !f->base)
		return -1;
	fill(f->run, "rfc", 2, crashes);
	fill(f->base, "none", 1, 0);
	f->in = (struct report_input){
		.scenario_yaml = YAML,
		.scenario_name = "crafted",
		.seed = 9,
		.run = f->run,
		.baseline = f->base,
		.plots = true,
		.per_request_csv = true,
		.reproduce = "csumsim run crafted.yaml --seed 9",
	};
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_n(state, 3);
}

static int setup_many(void **state)
{
	return setup_n(state, 150);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (getenv("CSUMSIM_TEST_KEEP")) /* to look at the reports by hand */
		fprintf(stderr, "kept %s\n", f->root);
	else
		rm_rf(f->root);
	run_metrics_free(f->run);
	run_metrics_free(f->base);
	free(f->run);
	free(f->base);
	free(f);
	return 0;
}

static void path_of(char *buf, size_t size, const char *a, const char *b)
{
	int n = snprintf(buf, size, "%s/%s", a, b);
	assert_true(n > 0 && (size_t)n < size);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = (n + 4096 + 1) * 2;
			char *p = realloc(buf, cap);
			assert_non_null(p);
			buf = p;
		}
		size_t got = fread(buf + n, 1, 4096, fp);
		n += got;
		if (got == 0)
			break;
	}
	fclose(fp);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static char *slurp_in(const char *dir, const char *name, size_t *len)
{
	char p[1024];
	path_of(p, sizeof(p), dir, name);
	return slurp(p, len);
}

static int exists_in(const char *dir, const char *name)
{
	char p[1024];
	struct stat st;
	path_of(p, sizeof(p), dir, name);
	return stat(p, &st) == 0 && st.st_size > 0;
}

/* Entries of dir (besides . and ..). */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static json_t *get(json_t *root, const char *dotted)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", dotted);
	json_t *v = root;
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		v = json_object_get(v, k);
		if (!v)
			fail_msg("no key %s in %s", k, dotted);
	}
	return v;
}

static int64_t get_int(json_t *root, const char *dotted)
{
	json_t *v = get(root, dotted);
	if (!json_is_integer(v))
		fail_msg("%s is not an integer", dotted);
	return (int64_t)json_integer_value(v);
}

static double get_real(json_t *root, const char *dotted)
{
	json_t *v = get(root, dotted);
	if (!json_is_real(v))
		fail_msg("%s is not a real", dotted);
	return json_real_value(v);
}

static void test_json_values(void **state)
{
	struct fixture *f = *state;
	char out[512];
	struct cs_err err = { { 0 } };
	path_of(out, sizeof(out), f->root, "rep");
	if (report_write(out, &f->in, &err))
		fail_msg("report_write: %s", err.msg);
	char p[1024];
	path_of(p, sizeof(p), out, "report.json");
	json_error_t je;
	json_t *j = json_load_file(p, 0, &je);
	if (!j)
		fail_msg("report.json: %s at line %d", je.text, je.line);
	assert_string_equal(json_string_value(get(j, "csumsim_version")), CSUMSIM_VERSION);
	assert_string_equal(json_string_value(get(j, "scenario.name")), "crafted");
	assert_string_equal(json_string_value(get(j, "scenario.yaml")), YAML);
	assert_int_equal(get_int(j, "seed"), 9);
	assert_string_equal(json_string_value(get(j, "run.variant")), "rfc");
	assert_string_equal(json_string_value(get(j, "baseline.variant")), "none");
	assert_int_equal(get_int(j, "run.user.read.requests"), 600);
	assert_int_equal(get_int(j, "run.user.write.bytes"), 2400 * 512);
	assert_int_equal(get_int(j, "run.user.total_requests"), 1000);
	assert_int_equal(get_int(j, "run.protocol.sub_ios.imd_write.count"), 600);
	assert_int_equal(get_int(j, "baseline.protocol.sub_ios.imd_write.count"), 0);
	/* rfc: 2200 sub-I/Os per 1000 requests; none: 1000. */
	assert_true(fabs(get_real(j, "run.amplification.sub_ios_per_request") - 2.2) < 1e-9);
	assert_true(fabs(get_real(j, "run.amplification.bytes_per_user_byte") - 8400.0 / 7200) <
		    1e-9);
	assert_true(fabs(get_real(j, "overhead.sub_ios_per_request") - 2.2) < 1e-9);
	assert_true(fabs(get_real(j, "overhead.flushes_per_request") - 2.0) < 1e-9);
	assert_true(fabs(get_real(j, "overhead.bytes_per_user_byte") - 8400.0 / 7200) < 1e-9);
	/* Latencies are twice the baseline's, so the ratio is 2 within a bucket. */
	assert_true(fabs(get_real(j, "overhead.latency_p50") - 2.0) < 0.04);
	assert_true(fabs(get_real(j, "overhead.latency_p99") - 2.0) < 0.04);
	assert_true(fabs(get_real(j, "overhead.throughput") - 1.0) < 1e-9);
	assert_int_equal(get_int(j, "run.latency.all.count"), 900);
	assert_int_equal(get_int(j, "run.latency.all.max_ns"), (int64_t)f->run->lat_all.max);
	assert_int_equal(get_int(j, "run.latency.read.p99_ns"),
			 (int64_t)hist_quantile(&f->run->lat_read, 0.99));
	assert_int_equal(get_int(j, "run.throughput.n_bins"), (int64_t)f->run->tput.n_bins);
	assert_true(fabs(get_real(j, "run.throughput.bytes_per_s") - 900.0 * 4096 / 2.0) < 1e-6);
	assert_int_equal(get_int(j, "run.oracle.reads.sectors.false_positive"), 10);
	assert_int_equal(get_int(j, "run.oracle.crashes.count"), 3);
	assert_int_equal(get_int(j, "run.oracle.crashes.totals.sectors.false_positive"), 24);
	json_t *list = get(j, "run.oracle.crashes.list");
	assert_int_equal(json_array_size(list), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "trigger")),
			    "flush #10");
	assert_int_equal(get_int(j, "run.memory.oracle_bytes"), 128000);
	assert_int_equal(get_int(j, "run.request_records"), 900);
	assert_true(json_is_false(get(j, "run.protocol.lock_lost")));
	/* Fixed key order: the first keys, as written. */
	const char *first[] = { "csumsim_version", "scenario", "seed", "reproduce", "run",
				"baseline", "overhead", "violations", "verdict" };
	size_t i = 0;
	const char *key;
	json_t *val;
	/* fault outcomes and crash exploration are always present */
	assert_true(json_is_object(get(j, "run.faults.replay")));
	assert_true(json_is_object(get(j, "run.faults.crash_states")));
	assert_true(json_is_array(get(j, "violations")));
	assert_int_equal(get_int(j, "run.oracle.crashes.states"), 0);
	json_object_foreach(j, key, val) {
		assert_true(i < 9);
		assert_string_equal(key, first[i]);
		i++;
	}
	json_decref(j);
	/* Nothing absolute or machine-specific in the text. */
	char *text = slurp_in(out, "report.json", NULL);
	assert_non_null(text);
	assert_null(strstr(text, "/tmp"));
	assert_null(strstr(text, f->root));
	free(text);
	text = slurp_in(out, "summary.md", NULL);
	assert_null(strstr(text, "/tmp"));
	free(text);
}

/* The stall, the load at the trace's rate and the capacity in report.json:
 * stalled_at null or the index, capacity figures null until measured, and
 * the capacity ratio to none in `overhead`. */
static void test_json_stall_load_capacity(void **state)
{
	struct fixture *f = *state;
	char out[512], p[1024];
	struct cs_err err = { { 0 } };
	json_error_t je;

	f->run->requests_total = 1000;
	f->base->requests_total = 1000;
	path_of(out, sizeof(out), f->root, "rep");
	if (report_write(out, &f->in, &err))
		fail_msg("report_write: %s", err.msg);
	path_of(p, sizeof(p), out, "report.json");
	json_t *j = json_load_file(p, 0, &je);
	assert_non_null(j);
	assert_true(json_is_null(get(j, "run.stalled_at")));
	assert_int_equal(get_int(j, "run.requests_total"), 1000);
	assert_true(json_is_false(get(j, "run.load.saturated")));
	assert_int_equal(get_int(j, "run.load.backlog_max"), 0);
	assert_true(json_is_false(get(j, "run.capacity.measured")));
	assert_true(json_is_null(get(j, "run.capacity.mib_s")));
	assert_true(json_is_null(get(j, "run.capacity.queue_depth")));
	assert_true(json_is_null(get(j, "overhead.capacity")));
	json_decref(j);

	f->run->stalled_at = 41;
	f->run->load = (struct load_info){ .saturated = true, .busy_frac = 0.98,
					   .backlog_max = 300, .backlog_end = 290 };
	f->run->capacity = (struct capacity_info){ .measured = true, .stalled = true,
						   .queue_depth = 16, .time_ns = 9000,
						   .requests_done = 41, .bytes_done = 8192,
						   .iops = 12.5, .mib_s = 3.0 };
	f->base->capacity = (struct capacity_info){ .measured = true, .queue_depth = 16,
						    .time_ns = 1000, .requests_done = 1000,
						    .bytes_done = 81920, .iops = 50, .mib_s = 12.0 };
	if (report_write(out, &f->in, &err))
		fail_msg("report_write: %s", err.msg);
	j = json_load_file(p, 0, &je);
	assert_non_null(j);
	assert_int_equal(get_int(j, "run.stalled_at"), 41);
	assert_true(json_is_true(get(j, "run.load.saturated")));
	assert_true(fabs(get_real(j, "run.load.busy_frac") - 0.98) < 1e-9);
	assert_int_equal(get_int(j, "run.load.backlog_end"), 290);
	assert_true(json_is_true(get(j, "run.capacity.measured")));
	assert_true(json_is_true(get(j, "run.capacity.stalled")));
	assert_int_equal(get_int(j, "run.capacity.queue_depth"), 16);
	assert_int_equal(get_int(j, "run.capacity.time_ns"), 9000);
	assert_int_equal(get_int(j, "run.capacity.requests_done"), 41);
	assert_int_equal(get_int(j, "run.capacity.bytes_done"), 8192);
	assert_true(fabs(get_real(j, "run.capacity.iops") - 12.5) < 1e-9);
	assert_true(fabs(get_real(j, "baseline.capacity.mib_s") - 12.0) < 1e-9);
	assert_true(fabs(get_real(j, "overhead.capacity") - 0.25) < 1e-9);
	/* the verdict the summary shows, computed once */
	json_t *v = json_array_get(get(j, "verdict"), 0);
	assert_true(json_is_false(json_object_get(v, "pass")));
	assert_true(json_is_true(json_object_get(v, "stalled")));
	assert_int_equal(json_integer_value(json_object_get(v, "stalled_at")), 41);
	assert_true(fabs(json_real_value(json_object_get(v, "capacity_ratio")) - 0.25) < 1e-9);
	assert_true(json_is_true(json_object_get(v, "saturated")));
	json_decref(j);
}

/* The run's summary opens with the verdict (the run and the baseline),
 * and says where the run stalled and that its load saturated the device,
 * in summary.md and report.html alike. */
static void test_verdict_and_stall(void **state)
{
	struct fixture *f = *state;
	char out[512];
	struct cs_err err = { { 0 } };

	f->in.plots = false;
	f->base->user_hung[CSUM_OP_WRITE] = 0; /* the baseline finished */
	f->run->stalled_at = 899;
	f->run->requests_total = 1000;
	f->run->user_unsupported = 202;
	f->run->load = (struct load_info){ .saturated = true, .busy_frac = 0.995,
					   .backlog_max = 120, .backlog_end = 118 };
	f->run->capacity = (struct capacity_info){ .measured = true, .stalled = true,
						   .queue_depth = 32, .time_ns = 2000000000ull,
						   .requests_done = 899, .bytes_done = 4 << 20,
						   .iops = 449.5, .mib_s = 2.0 };
	f->base->capacity = (struct capacity_info){ .measured = true, .queue_depth = 32,
						    .time_ns = 500000000ull, .requests_done = 1000,
						    .bytes_done = 4 << 20, .iops = 2000,
						    .mib_s = 8.0 };
	path_of(out, sizeof(out), f->root, "rep");
	if (report_write(out, &f->in, &err))
		fail_msg("report_write: %s", err.msg);
	char *md = slurp_in(out, "summary.md", NULL);
	assert_non_null(md);
	const char *want[] = {
		"# csumsim report: crafted\n\n## Verdict\n\n| variant | verdict |",
		"| rfc | FAIL (stalled) | n/a (no crash states) | 34 | 2 | 3 | n/a | ",
		"| 1, stalled at request 900 of 1000 | 202 | x0.250 partial | x2.200 partial | "
		"saturated (busy 100%): latency is queueing |\n",
		"| none | FAIL | n/a (no crash states) | 10 | 0 | 0 | n/a | 0 | 0 | x1.000 | x1.000 | "
		"kept up (busy 0%) |\n",
		"**rfc** stalled at request 900 of 1000: every cost and rate of it covers only",
		"`rfc`: saturated: rfc cannot sustain this trace's load; latency is queueing "
		"(busiest device busy 99.5% of the replay, backlog up to 120 requests, 118 at the "
		"last arrival).",
		"| rfc (saturated) | all | 900 | ",
		"`rfc`: 2.000 MiB/s, 449.5 IOPS; 899 requests in 2.000000 s at queue depth 32 "
		"(partial: stalled before the end).",
		"`none`: 8.000 MiB/s, 2000.0 IOPS",
		"| capacity | 0.250 partial |",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(md, want[i]))
			fail_msg("summary.md lacks: %s", want[i]);
	free(md);
	char *html = slurp_in(out, "report.html", NULL);
	assert_non_null(html);
	const char *want_html[] = {
		"<h1>csumsim report: crafted</h1>\n<h2 id=\"verdict\">Verdict</h2>",
		"<td class=\"fail\">FAIL (stalled)</td>",
		"<td class=\"n warn\">x0.250 partial</td>",
		"<td class=\"warn\">saturated (busy 100%): latency is queueing</td>",
		"<tr><td class=\"warn\">rfc (saturated)</td><td>all</td>",
		"<strong>rfc</strong> stalled at request 900 of 1000",
	};
	for (size_t i = 0; i < sizeof(want_html) / sizeof(want_html[0]); i++)
		if (!strstr(html, want_html[i]))
			fail_msg("report.html lacks: %s", want_html[i]);
	free(html);
}

static void test_no_baseline(void **state)
{
	struct fixture *f = *state;
	char out[512];
	struct cs_err err = { { 0 } };
	path_of(out, sizeof(out), f->root, "rep");
	f->in.baseline = NULL;
	f->in.plots = false;
	if (report_write(out, &f->in, &err))
		fail_msg("report_write: %s", err.msg);
	char p[1024];
	path_of(p, sizeof(p), out, "report.json");
	json_t *j = json_load_file(p, 0, NULL);
	assert_non_null(j);
	assert_true(json_is_null(get(j, "baseline")));
	assert_true(json_is_null(get(j, "overhead")));
	json_decref(j);
	char *md = slurp_in(out, "summary.md", NULL);
	assert_non_null(strstr(md, "No baseline run."));
	free(md);
	/* Plots off: scripts and data for re-plotting, no images. */
	assert_true(exists_in(out, "throughput.gp"));
	assert_true(exists_in(out, "throughput.dat"));
	assert_false(exists_in(out, "throughput.svg"));
	assert_false(exists_in(out, "latency_cdf.png"));
}

static const char *const same_files[] = {
	"report.json",	    "summary.md",     "requests.csv",	 "crashes.csv",
	"latency.csv",	    "throughput.csv", "throughput.gp",	 "throughput.dat",
	"latency_cdf.gp",   "latency_cdf.dat", "recovery.gp",	 "recovery.dat",
	"throughput.svg",   "latency_cdf.svg", "recovery.svg",
};

static void test_byte_identical(void **state)
{
	struct fixture *f = *state;
	char a[512], b[512];
	struct cs_err err = { { 0 } };
	path_of(a, sizeof(a), f->root, "a");
	path_of(b, sizeof(b), f->root, "b");
	if (report_write(a, &f->in, &err) || report_write(b, &f->in, &err))
		fail_msg("report_write: %s", err.msg);
	for (size_t i = 0; i < sizeof(same_files) / sizeof(same_files[0]); i++) {
		size_t la, lb;
		char *x = slurp_in(a, same_files[i], &la), *y = slurp_in(b, same_files[i], &lb);
		if (!x || !y)
			fail_msg("missing %s", same_files[i]);
		if (la != lb || memcmp(x, y, la))
			fail_msg("%s differs between two writes", same_files[i]);
		assert_true(la > 0);
		free(x);
		free(y);
	}
	/* Rewriting over a previous report replaces it whole. */
	char marker[1024];
	path_of(marker, sizeof(marker), a, "stale-file");
	FILE *fp = fopen(marker, "w");
	assert_non_null(fp);
	fclose(fp);
	if (report_write(a, &f->in, &err))
		fail_msg("report_write over a report: %s", err.msg);
	assert_int_equal(access(marker, F_OK), -1);
	assert_true(exists_in(a, "report.json"));
	assert_int_equal(count_entries(f->root), 2); /* a, b: no temp or old dirs left */
}

static void test_plots_and_markdown(void **state)
{
	struct fixture *f = *state;
	char out[512];
	struct cs_err err = { { 0 } };
	path_of(out, sizeof(out), f->root, "rep");
	if (report_write(out, &f->in, &err))
		fail_msg("report_write: %s", err.msg);
	const char *imgs[] = { "throughput.png", "throughput.svg", "latency_cdf.png",
			       "latency_cdf.svg", "recovery.png", "recovery.svg" };
	for (size_t i = 0; i < 6; i++)
		if (!exists_in(out, imgs[i]))
			fail_msg("no %s", imgs[i]);
	size_t len;
	char *png = slurp_in(out, "recovery.png", &len);
	assert_true(len > 8 && !memcmp(png, "\x89PNG", 4));
	free(png);
	char *svg = slurp_in(out, "latency_cdf.svg", NULL);
	assert_non_null(strstr(svg, "<svg"));
	free(svg);

	char *md = slurp_in(out, "summary.md", NULL);
	assert_non_null(md);
	const char *want[] = {
		"# csumsim report: crafted",
		"| variant | op | requests | sectors | MiB | errors | hung |",
		"| rfc | read | 600 | 4800 | 2.34 | 3 | 0 |",
		"## I/O amplification",
		/* both runs left a write hung: their costs are partial */
		"| sub-I/Os per request | 2.200 partial | 1.000 partial | 2.200 partial |",
		"| variant | op | count | p50 | p90 | p99 | p99.9 | max |",
		"| class | sectors | requests |",
		"| false_positive | 10 | 3 |",
		"Worst crashes",
		"| 2 | flush #20 |", /* the crash with silent sectors comes first */
		"## Overhead vs none",
		"| throughput at trace load | 1.000 partial |",
		"| capacity | not measured |",
		"![User MiB completed over time](throughput.svg)",
		"![Recovery per crash state](recovery.svg)",
		"csumsim run crafted.yaml --seed 9",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(md, want[i]))
			fail_msg("summary.md lacks: %s", want[i]);
	/* The crash with silent sectors is the first of the worst-crash rows. */
	char *worst = strstr(md, "Worst crashes");
	assert_true(strstr(worst, "| 2 | flush #20 |") < strstr(worst, "| 0 | flush #0 |"));
	free(md);

	char *csv = slurp_in(out, "crashes.csv", NULL);
	assert_non_null(strstr(csv, "\n2,\"flush #20\",300000000,"));
	free(csv);
	csv = slurp_in(out, "requests.csv", NULL);
	assert_non_null(strstr(csv, "\n5,read,40,8,0,10000000,,,0,1,2,correct\n"));
	free(csv);
}

/* throughput.png and .svg are drawn from a binary copy of throughput.dat's
 * numbers (reports/report_plot.c): the same bytes as `gnuplot
 * throughput.gp` re-plots from the text, on MiB and times whose decimals
 * round (odd byte counts, a 3 ms bin), and the copy is gone afterwards. */
static void test_throughput_render_same_as_replot(void **state)
{
	struct fixture *f = *state;
	char out[512], cmd[1200];
	struct cs_err err = { { 0 } };
	static const char *const imgs[] = { "throughput.png", "throughput.svg" };

	if (system("command -v gnuplot >/dev/null 2>&1") != 0)
		skip();
	for (uint64_t i = 0; i < 3000; i++) {
		run_metrics_tput_add(f->run, i * 1000003ull, CSUM_OP_WRITE, 512 * (i % 7) + 37);
		run_metrics_tput_add(f->base, i * 999983ull, CSUM_OP_READ, 4096 + i % 13);
	}
	path_of(out, sizeof(out), f->root, "rep");
	if (report_write(out, &f->in, &err))
		fail_msg("report_write: %s", err.msg);
	char *drawn[2], *again[2];
	size_t len[2], len2[2];
	for (int i = 0; i < 2; i++)
		drawn[i] = slurp_in(out, imgs[i], &len[i]);
	/* nothing of the render is left: only the report's own files */
	DIR *d = opendir(out);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			fail_msg("left behind: %s", e->d_name);
	closedir(d);
	snprintf(cmd, sizeof(cmd), "cd '%s' && gnuplot -d throughput.gp", out);
	assert_int_equal(system(cmd), 0);
	for (int i = 0; i < 2; i++) {
		again[i] = slurp_in(out, imgs[i], &len2[i]);
		assert_non_null(drawn[i]);
		assert_non_null(again[i]);
		if (len[i] != len2[i] || memcmp(drawn[i], again[i], len[i]) != 0)
			fail_msg("%s differs from its re-plot", imgs[i]);
		free(drawn[i]);
		free(again[i]);
	}
}

static void test_many_crashes_grouped(void **state)
{
	struct fixture *f = *state;
	char out[512];
	struct cs_err err = { { 0 } };
	path_of(out, sizeof(out), f->root, "rep");
	if (report_write(out, &f->in, &err))
		fail_msg("report_write: %s", err.msg);
	char *dat = slurp_in(out, "recovery.dat", NULL);
	int bars = 0;
	for (char *line = dat; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (*line == '"')
			bars++;
	assert_int_equal(bars, 50); /* 150 crashes, 3 per bar */
	assert_non_null(strstr(dat, "\"147-149\""));
	free(dat);
	char *md = slurp_in(out, "summary.md", NULL);
	assert_non_null(strstr(md, "groups the 150 crashes 3 to a bar"));
	free(md);
	char *csv = slurp_in(out, "crashes.csv", NULL);
	int rows = 0;
	for (char *c = csv; *c; c++)
		rows += *c == '\n';
	assert_int_equal(rows, 151);
	free(csv);
}

/* A failure after some files were written: the old report stays, no temp. */
static void check_failure_leaves_old(struct fixture *f, const char *fiu_point,
				     const char *gnuplot)
{
	char out[512];
	struct cs_err err = { { 0 } };
	path_of(out, sizeof(out), f->root, "rep");
	if (report_write(out, &f->in, &err))
		fail_msg("report_write: %s", err.msg);
	size_t old_len;
	char *old = slurp_in(out, "report.json", &old_len);
	assert_non_null(old);
	f->in.seed = 10; /* a different report */
	if (fiu_point)
		assert_int_equal(fiu_enable(fiu_point, 1, NULL, 0), 0);
	f->in.gnuplot = gnuplot;
	int rc = report_write(out, &f->in, &err);
	if (fiu_point)
		fiu_disable(fiu_point);
	f->in.gnuplot = NULL;
	assert_int_equal(rc, -1);
	assert_true(err.msg[0] != '\0');
	size_t now_len;
	char *now = slurp_in(out, "report.json", &now_len);
	assert_non_null(now);
	assert_int_equal(now_len, old_len);
	assert_memory_equal(now, old, old_len);
	assert_int_equal(count_entries(f->root), 1); /* only rep */
	free(old);
	free(now);
}

static void test_atomic_write_failure(void **state)
{
	check_failure_leaves_old(*state, "reports/write", NULL);
}

static void test_atomic_rename_failure(void **state)
{
	check_failure_leaves_old(*state, "reports/rename", NULL);
}

static void test_atomic_gnuplot_failure(void **state)
{
	check_failure_leaves_old(*state, NULL, "false");
}

static void test_gnuplot_missing(void **state)
{
	struct fixture *f = *state;
	char out[512];
	struct cs_err err = { { 0 } };
	path_of(out, sizeof(out), f->root, "rep");
	f->in.gnuplot = "csumsim-no-such-gnuplot";
	assert_int_equal(report_write(out, &f->in, &err), -1);
	assert_non_null(strstr(err.msg, "not found"));
	assert_int_equal(count_entries(f->root), 0);
	/* Without plots the program is never needed. */
	f->in.plots = false;
	if (report_write(out, &f->in, &err))
		fail_msg("report_write: %s", err.msg);
	assert_int_equal(count_entries(f->root), 1);
}

static void test_bad_targets(void **state)
{
	struct fixture *f = *state;
	char out[512];
	struct cs_err err = { { 0 } };
	f->in.plots = false;
	/* No parent. */
	path_of(out, sizeof(out), f->root, "no/such/dir");
	assert_int_equal(report_write(out, &f->in, &err), -1);
	assert_non_null(strstr(err.msg, "cannot create"));
	assert_int_equal(count_entries(f->root), 0);
	/* A directory that is not a report is never replaced. */
	path_of(out, sizeof(out), f->root, "precious");
	assert_int_equal(mkdir(out, 0755), 0);
	char keep[1024];
	path_of(keep, sizeof(keep), out, "thesis.tex");
	FILE *fp = fopen(keep, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(report_write(out, &f->in, &err), -1);
	assert_non_null(strstr(err.msg, "refusing"));
	assert_int_equal(access(keep, F_OK), 0);
	assert_int_equal(count_entries(f->root), 1);
	/* A file in the way. */
	path_of(out, sizeof(out), f->root, "precious/thesis.tex");
	assert_int_equal(report_write(out, &f->in, &err), -1);
	assert_non_null(strstr(err.msg, "not a directory"));
	/* An unwritable parent (root writes anyway, so only as a user). */
	if (geteuid() != 0) {
		char ro[512];
		path_of(ro, sizeof(ro), f->root, "ro");
		assert_int_equal(mkdir(ro, 0555), 0);
		path_of(out, sizeof(out), ro, "rep");
		assert_int_equal(report_write(out, &f->in, &err), -1);
		assert_int_equal(count_entries(ro), 0);
		chmod(ro, 0755);
	}
	/* An empty directory is fine to fill. */
	path_of(out, sizeof(out), f->root, "empty");
	assert_int_equal(mkdir(out, 0755), 0);
	if (report_write(out, &f->in, &err))
		fail_msg("report_write into an empty dir: %s", err.msg);
	assert_true(exists_in(out, "report.json"));
}


/* Every `index k` in the latency script names the series of the k-th data
 * block, even when a series is all zeros (flushes completed without I/O) and
 * cannot be drawn on a log axis. */
static void test_latency_indexes_match_blocks(void **state)
{
	struct fixture *f = *state;
	char out[512], *gp, *dat, *p;
	char titles[8][64];
	int nblocks = 0, ntitles = 0;

	hist_init(&f->run->lat_flush);
	for (int i = 0; i < 50; i++)
		hist_add(&f->run->lat_flush, 0);
	path_of(out, sizeof(out), f->root, "out");
	assert_int_equal(report_write(out, &f->in, NULL), 0);
	gp = slurp_in(out, "latency_cdf.gp", NULL);
	dat = slurp_in(out, "latency_cdf.dat", NULL);
	/* blocks in order: a header comment followed by at least one data line */
	for (p = dat; (p = strstr(p, "# variant ")) != NULL; p++) {
		char v[32], op[32];
		char *nl = strchr(p, '\n');

		assert_int_equal(sscanf(p, "# variant %31[^,], %31[^:]:", v, op), 2);
		assert_non_null(nl);
		assert_true(nl[1] != '\n' && nl[1] != '\0'); /* the block has data */
		assert_true(nblocks < 8);
		snprintf(titles[nblocks++], sizeof(titles[0]), "%s %s", v, op);
	}
	/* the first plot command's series, in order */
	p = strstr(gp, "\nplot ");
	assert_non_null(p);
	for (;;) {
		int k;
		char title[64];
		char *q = strstr(p, "index ");

		if (q == NULL || (strstr(p, "set terminal") && strstr(p, "set terminal") < q))
			break;
		assert_int_equal(sscanf(q, "index %d", &k), 1);
		q = strstr(q, "title '");
		assert_non_null(q);
		assert_int_equal(sscanf(q, "title '%63[^']'", title), 1);
		assert_true(k >= 0 && k < nblocks);
		assert_string_equal(titles[k], title);
		ntitles++;
		p = q + 1;
	}
	assert_int_equal(ntitles, nblocks);
	assert_null(strstr(gp, "title 'rfc flush'"));
	assert_non_null(strstr(gp, "title 'none flush'"));
	/* the left-out series is named on the chart; series differ by dash and point */
	assert_non_null(strstr(gp, "set label 1 'not drawn (all at 0 us): rfc flush (50 at 0 us)'"));
	assert_non_null(strstr(gp, "dt 2 lc 1 pt 7"));
	free(gp);
	free(dat);
	/* throughput: cumulative MiB completed, a line that only rises */
	dat = slurp_in(out, "throughput.dat", NULL);
	assert_non_null(dat);
	assert_non_null(strstr(dat, "# variant rfc: simulated time (s), MiB read, written, both"));
	assert_non_null(strstr(dat, "\n0 0 0 0\n"));
	/* 900 requests of 4 KiB: 3.515625 MiB in all by the end */
	assert_non_null(strstr(dat, " 3.515625\n\n\n"));
	free(dat);
}

/* Fault outcomes, crash exploration and violations with their reproducers:
 * in report.json by value, and in summary.md. */
static void test_faults_and_violations(void **state)
{
	struct fixture *f = *state;
	char out[512];
	struct violation v;
	static const char *const names[] = { "reproducers/violation-0.yaml" };
	static const struct report_file extra[] = {
		{ "reproducers/violation-0.yaml", "name: x\n" },
	};
	json_error_t je;
	json_t *j;
	char *md;

	f->run->faults.n[FT_BITROT][FO_DETECTED] = 8;
	f->run->faults.n[FT_BITROT][FO_SILENT] = 2;
	f->run->faults.n[FT_BITROT][FO_UNREAD] = 5;
	f->run->crash_faults.n[FT_CACHE_LOSS][FO_FALSE_POS] = 3;
	f->run->crash_states = 40;
	memset(&v, 0, sizeof(v));
	v.crash = 2;
	v.state = 7;
	snprintf(v.trigger, sizeof(v.trigger), "flush #20");
	snprintf(v.label, sizeof(v.label), "keep imd only");
	v.counts.sectors[ORC_FALSE_POS] = 3;
	assert_int_equal(run_metrics_add_violation(f->run, &v), 0);
	f->in.reproducers = names;
	f->in.extra = extra;
	f->in.n_extra = 1;
	path_of(out, sizeof(out), f->root, "out");
	assert_int_equal(report_write(out, &f->in, NULL), 0);
	{
		char path[600];

		snprintf(path, sizeof(path), "%s/report.json", out);
		j = json_load_file(path, 0, &je);
	}
	assert_non_null(j);
	assert_int_equal(get_int(j, "run.faults.replay.bitrot.injected"), 15);
	assert_int_equal(get_int(j, "run.faults.replay.bitrot.silent"), 2);
	assert_true(fabs(get_real(j, "run.faults.replay.bitrot.detection_rate") - 0.8) < 1e-9);
	{
		json_t *ci = get(j, "run.faults.replay.bitrot.detection_ci95");

		assert_true(fabs(json_real_value(json_array_get(ci, 0)) - 0.4902) < 1e-4);
		assert_true(fabs(json_real_value(json_array_get(ci, 1)) - 0.9433) < 1e-4);
	}
	assert_null(json_object_get(get(j, "run.faults.replay"), "cache_loss"));
	assert_int_equal(get_int(j, "run.faults.crash_states.cache_loss.false_positive"), 3);
	assert_int_equal(get_int(j, "run.oracle.crashes.states"), 40);
	assert_int_equal(get_int(j, "run.oracle.crashes.violations"), 1);
	{
		json_t *vl = get(j, "violations");

		assert_int_equal(json_array_size(vl), 1);
		assert_string_equal(json_string_value(json_object_get(json_array_get(vl, 0),
								      "reproducer")),
				    "reproducers/violation-0.yaml");
		assert_int_equal(json_integer_value(json_object_get(json_array_get(vl, 0), "state")), 7);
	}
	json_decref(j);
	md = slurp_in(out, "summary.md", NULL);
	assert_non_null(strstr(md, "| bitrot | 15 | 8 | 2 | 0 | 0 | 0 | 5 | 0.8000 [0.4902, 0.9433] partial |"));
	assert_non_null(strstr(md, "40 crash states examined; 1 violates"));
	assert_non_null(strstr(md, "7: keep imd only"));
	assert_non_null(strstr(md, "[csumsim run reproducers/violation-0.yaml]"
				   "(reproducers/violation-0.yaml)"));
	free(md);
	md = slurp_in(out, "reproducers/violation-0.yaml", NULL);
	assert_string_equal(md, "name: x\n");
	free(md);
}

int main(void)
{
	fiu_init(0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_stall_load_capacity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verdict_and_stall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_baseline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_byte_identical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plots_and_markdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throughput_render_same_as_replot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_crashes_grouped, setup_many, teardown),
		cmocka_unit_test_setup_teardown(test_atomic_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atomic_rename_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atomic_gnuplot_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gnuplot_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latency_indexes_match_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults_and_violations, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
