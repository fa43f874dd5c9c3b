/* compare_write on crafted metrics: the numbers and intervals in every file,
 * ratios to none (and n/a without it), report.html against compare.md,
 * byte-identity, atomicity, bad input. */
#include <dirent.h>
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

#include "reports/compare.h"

#define YAML "name: crafted\nseed: 5\ncompare: {variants: [rfc, none]}\n"
#define NP 2
#define NV 2

struct fixture {
	char root[256]; /* a fresh temp dir per test */
	struct run_metrics m[NP][NV];
	const struct run_metrics *runs[NP * NV];
	const char *variants[NV];
	const char *profiles[NP];
	struct compare_input in;
};

static void outcomes(uint64_t *o, uint64_t det, uint64_t sil, uint64_t stale, uint64_t fp,
		     uint64_t masked, uint64_t unread)
{
	o[FO_DETECTED] = det;
	o[FO_SILENT] = sil;
	o[FO_STALE] = stale;
	o[FO_FALSE_POS] = fp;
	o[FO_MASKED] = masked;
	o[FO_UNREAD] = unread;
}

/* rfc costs more than none by known ratios: sub-I/Os 1500/900, bytes
 * 7800/7200, flushes 2, latency 2, throughput 0.8. Profile 1 (hdd) is ten
 * times slower and also misdirects writes. */
static void fill(struct run_metrics *m, const char *variant, int profile)
{
	int rfc = !strcmp(variant, "rfc");
	uint64_t slow = profile ? 10 : 1;
	run_metrics_init(m, variant, 1000000);
	m->sim_time_ns = (rfc ? 1250000000ull : 1000000000ull) * slow;
	m->user_requests[CSUM_OP_READ] = 600;
	m->user_requests[CSUM_OP_WRITE] = 300;
	m->user_requests[CSUM_OP_FLUSH] = 100;
	m->user_sectors[CSUM_OP_READ] = 4800;
	m->user_sectors[CSUM_OP_WRITE] = 2400;
	m->sub_ios[CSUM_ROLE_DATA_READ] = 600;
	m->sub_ios[CSUM_ROLE_DATA_WRITE] = 300;
	m->sub_io_sectors[CSUM_ROLE_DATA_READ] = 4800;
	m->sub_io_sectors[CSUM_ROLE_DATA_WRITE] = 2400;
	if (rfc) {
		m->sub_ios[CSUM_ROLE_IMD_READ] = 300;
		m->sub_ios[CSUM_ROLE_IMD_WRITE] = 300;
		m->sub_io_sectors[CSUM_ROLE_IMD_READ] = 300;
		m->sub_io_sectors[CSUM_ROLE_IMD_WRITE] = 300;
	}
	m->n_devs = 1;
	m->dev[0].flushes = rfc ? 200 : 100;
	/* One latency for all: p50 = p99 = that value exactly (clamped to max). */
	for (int i = 0; i < 1000; i++)
		hist_add(&m->lat_all, (rfc ? 200000ull : 100000ull) * slow);
	for (uint64_t i = 0; i < 900; i++)
		run_metrics_tput_add(m, i * 1000000ull, i % 3 ? CSUM_OP_READ : CSUM_OP_WRITE, 4096);
	if (rfc) {
		outcomes(m->faults.n[FT_BITROT], 8, 1, 1, 2, 3, 5);
		outcomes(m->crash_faults.n[FT_CACHE_LOSS], 4, 0, 0, 6, 10, 0);
		if (profile)
			outcomes(m->faults.n[FT_MISDIRECT], 3, 0, 0, 0, 0, 0);
	} else {
		outcomes(m->faults.n[FT_BITROT], 0, 10, 0, 0, 3, 7);
		outcomes(m->crash_faults.n[FT_CACHE_LOSS], 0, 0, 4, 0, 16, 0);
		if (profile)
			outcomes(m->faults.n[FT_MISDIRECT], 0, 3, 0, 0, 0, 0);
	}
	for (uint32_t c = 0; c < 2; c++) {
		struct crash_report cr = { .index = c, .sectors_checked = 500 };
		cr.counts.sectors[ORC_CORRECT] = rfc ? 490 : 496;
		cr.counts.sectors[ORC_FALSE_POS] = rfc ? 6 : 0;
		cr.counts.sectors[ORC_DETECTED] = rfc ? 4 : 0;
		cr.counts.sectors[ORC_STALE] = rfc ? 0 : 4;
		snprintf(cr.trigger, sizeof(cr.trigger), "flush #%u", c);
		assert_int_equal(run_metrics_add_crash(m, &cr), 0);
	}
	m->crash_states = 6;
	m->crash_distinct = rfc ? 5 : 4;
	m->violations = rfc ? 2 : 3;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->root, sizeof(f->root), "/tmp/csumsim-test-compare-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	f->variants[0] = "rfc";
	f->variants[1] = "none";
	f->profiles[0] = "ssd";
	f->profiles[1] = "hdd";
	for (int p = 0; p < NP; p++)
		for (int v = 0; v < NV; v++) {
			fill(&f->m[p][v], f->variants[v], p);
			f->runs[p * NV + v] = &f->m[p][v];
		}
	f->in = (struct compare_input){
		.scenario_yaml = YAML,
		.scenario_name = "crafted",
		.seed = 5,
		.reproduce = "csumsim compare crafted.yaml --seed 5",
		.n_variants = NV,
		.variants = f->variants,
		.n_profiles = NP,
		.profiles = f->profiles,
		.runs = f->runs,
		.plots = true,
	};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (getenv("CSUMSIM_TEST_KEEP"))
		fprintf(stderr, "kept %s\n", f->root);
	else
		rm_rf(f->root);
	for (int p = 0; p < NP; p++)
		for (int v = 0; v < NV; v++)
			run_metrics_free(&f->m[p][v]);
	free(f);
	return 0;
}

static void path_of(char *buf, size_t size, const char *a, const char *b)
{
	int n = snprintf(buf, size, "%s/%s", a, b);
	assert_true(n > 0 && (size_t)n < size);
}

static char *slurp_in(const char *dir, const char *name, size_t *len)
{
	char path[1024];
	path_of(path, sizeof(path), dir, name);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = (n + 4096 + 1) * 2;
			char *q = realloc(buf, cap);
			assert_non_null(q);
			buf = q;
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

static int count_of(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void write_ok(struct fixture *f, const char *name, char *out, size_t size)
{
	struct cs_err err = { { 0 } };
	path_of(out, size, f->root, name);
	if (compare_write(out, &f->in, &err))
		fail_msg("compare_write: %s", err.msg);
}

/* "results.0.runs.1.faults.bitrot.injected": numbers index arrays. */
static json_t *get(json_t *root, const char *dotted)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", dotted);
	json_t *v = root;
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		v = json_is_array(v) ? json_array_get(v, strtoul(k, NULL, 10)) : json_object_get(v, k);
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

static double get_num(json_t *root, const char *dotted)
{
	json_t *v = get(root, dotted);
	if (!json_is_number(v))
		fail_msg("%s is not a number", dotted);
	return json_number_value(v);
}

static void near(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: %.6f, expected %.6f", what, got, want);
}

/* A rate object: value, then ci95 against hand-computed Wilson bounds. */
static void check_rate(json_t *j, const char *at, uint64_t k, uint64_t n, double lo, double hi)
{
	char key[256];
	snprintf(key, sizeof(key), "%s.k", at);
	assert_int_equal(get_int(j, key), k);
	snprintf(key, sizeof(key), "%s.n", at);
	assert_int_equal(get_int(j, key), n);
	snprintf(key, sizeof(key), "%s.value", at);
	if (n == 0)
		assert_true(json_is_null(get(j, key)));
	else
		near(get_num(j, key), (double)k / (double)n, 1e-9, key);
	snprintf(key, sizeof(key), "%s.ci95.0", at);
	near(get_num(j, key), lo, 2e-4, key);
	snprintf(key, sizeof(key), "%s.ci95.1", at);
	near(get_num(j, key), hi, 2e-4, key);
}

static json_t *load_json(const char *dir)
{
	char p[1024];
	json_error_t je;
	path_of(p, sizeof(p), dir, "compare.json");
	json_t *j = json_load_file(p, 0, &je);
	if (!j)
		fail_msg("compare.json: %s at line %d", je.text, je.line);
	return j;
}

static void test_json_values(void **state)
{
	struct fixture *f = *state;
	char out[512];
	write_ok(f, "cmp", out, sizeof(out));
	json_t *j = load_json(out);
	assert_string_equal(json_string_value(get(j, "scenario.name")), "crafted");
	assert_string_equal(json_string_value(get(j, "scenario.yaml")), YAML);
	assert_int_equal(get_int(j, "seed"), 5);
	assert_string_equal(json_string_value(get(j, "reproduce")),
			    "csumsim compare crafted.yaml --seed 5");
	assert_string_equal(json_string_value(get(j, "variants.1")), "none");
	assert_string_equal(json_string_value(get(j, "profiles.1")), "hdd");
	assert_string_equal(json_string_value(get(j, "baseline")), "none");
	assert_string_equal(json_string_value(get(j, "results.1.profile")), "hdd");
	assert_string_equal(json_string_value(get(j, "results.0.runs.0.variant")), "rfc");

	/* rfc, bitrot: 8 detected of 10 that reached a read; 2 false alarms
	 * among the 15 read again. Crash states ran, so the 5 the replay left
	 * unread are judged by the recoveries instead: not counted here. */
	const char *rb = "results.0.runs.0.faults.bitrot";
	char key[256];
	snprintf(key, sizeof(key), "%s.injected", rb);
	assert_int_equal(get_int(j, key), 15);
	snprintf(key, sizeof(key), "%s.unread", rb);
	assert_int_equal(get_int(j, key), 0);
	snprintf(key, sizeof(key), "%s.replay.unread", rb);
	assert_int_equal(get_int(j, key), 5);
	snprintf(key, sizeof(key), "%s.replay.detected", rb);
	assert_int_equal(get_int(j, key), 8);
	snprintf(key, sizeof(key), "%s.crash.detected", rb);
	assert_int_equal(get_int(j, key), 0);
	snprintf(key, sizeof(key), "%s.detection_rate", rb);
	check_rate(j, key, 8, 10, 0.4902, 0.9433);
	snprintf(key, sizeof(key), "%s.silent_rate", rb);
	check_rate(j, key, 1, 10, 0.0179, 0.4041);
	snprintf(key, sizeof(key), "%s.false_positive_rate", rb);
	check_rate(j, key, 2, 15, 0.0374, 0.3788);
	/* none, bitrot: nothing detected of 10: [0, 0.2775]. */
	check_rate(j, "results.0.runs.1.faults.bitrot.detection_rate", 0, 10, 0.0, 0.2775);
	check_rate(j, "results.0.runs.1.faults.bitrot.silent_rate", 10, 10, 0.7225, 1.0);
	/* rfc, cache loss at crashes: 4 of 4 detected, 6 false alarms in 20. */
	assert_int_equal(get_int(j, "results.0.runs.0.faults.cache_loss.crash.false_positive"), 6);
	check_rate(j, "results.0.runs.0.faults.cache_loss.detection_rate", 4, 4, 0.5101, 1.0);
	check_rate(j, "results.0.runs.0.faults.cache_loss.false_positive_rate", 6, 20, 0.1455,
		   0.5190);
	/* Nothing injected: no rate, the interval says nothing is known. */
	check_rate(j, "results.0.runs.0.faults.lse.detection_rate", 0, 0, 0.0, 1.0);
	/* explored and distinct crash states, per run */
	assert_int_equal(get_int(j, "results.0.runs.0.crashes.states"), 6);
	assert_int_equal(get_int(j, "results.0.runs.0.crashes.states_distinct"), 5);
	assert_int_equal(get_int(j, "results.0.runs.1.crashes.states_distinct"), 4);
	/* Only the hdd profile misdirects. */
	assert_int_equal(get_int(j, "results.0.runs.0.faults.misdirect.injected"), 0);
	check_rate(j, "results.1.runs.0.faults.misdirect.detection_rate", 3, 3, 0.4385, 1.0);
	check_rate(j, "results.1.runs.1.faults.misdirect.detection_rate", 0, 3, 0.0, 0.5615);
	/* Totals over the types: rfc ssd 12 detected of 14. */
	assert_int_equal(get_int(j, "results.0.runs.0.fault_totals.injected"), 35);
	assert_int_equal(get_int(j, "results.0.runs.0.fault_totals.detection_rate.k"), 12);
	assert_int_equal(get_int(j, "results.0.runs.0.fault_totals.detection_rate.n"), 14);

	/* Costs. */
	near(get_num(j, "results.0.runs.0.overhead.sub_ios_per_request"), 1.5, 1e-9, "sub-I/Os");
	assert_int_equal(get_int(j, "results.1.runs.0.overhead.latency_p99_ns"), 2000000);
	near(get_num(j, "results.0.runs.1.overhead.throughput_bytes_per_s"), 900.0 * 4096, 1e-6,
	     "throughput");
	/* Crashes. */
	assert_int_equal(get_int(j, "results.0.runs.0.crashes.points"), 2);
	assert_int_equal(get_int(j, "results.0.runs.0.crashes.states"), 6);
	assert_int_equal(get_int(j, "results.0.runs.0.crashes.violations"), 2);
	assert_int_equal(get_int(j, "results.0.runs.0.crashes.sectors.false_positive"), 12);
	assert_int_equal(get_int(j, "results.0.runs.1.crashes.sectors.stale"), 8);
	assert_int_equal(get_int(j, "results.0.runs.1.crashes.sectors_checked"), 1000);

	/* Fixed key order at the top. */
	const char *first[] = { "csumsim_version", "scenario", "seed", "reproduce", "variants",
				"profiles", "baseline", "results" };
	size_t i = 0;
	const char *k;
	json_t *val;
	json_object_foreach(j, k, val) {
		assert_true(i < sizeof(first) / sizeof(first[0]));
		assert_string_equal(k, first[i]);
		i++;
	}
	assert_int_equal(i, sizeof(first) / sizeof(first[0]));
	json_decref(j);
	char *text = slurp_in(out, "compare.json", NULL);
	assert_non_null(text);
	assert_null(strstr(text, f->root)); /* no absolute paths */
	free(text);
}

/* A stalled, saturated variant that refuses discards: the verdict opens the
 * report and says so, every cost and rate of it is marked partial, compare
 * has its hung and refused columns, and compare.json has the new fields. */
static void test_verdict_stalled(void **state)
{
	struct fixture *f = *state;
	for (int p = 0; p < NP; p++) {
		struct run_metrics *rfc = &f->m[p][0], *none = &f->m[p][1];
		rfc->stalled_at = 499;
		rfc->requests_total = 1000;
		rfc->user_hung[CSUM_OP_WRITE] = 1;
		rfc->user_unsupported = 202;
		rfc->load = (struct load_info){ .saturated = true, .busy_frac = 0.994,
						.backlog_max = 480, .backlog_end = 470 };
		rfc->capacity = (struct capacity_info){ .measured = true, .stalled = true,
							.queue_depth = 32, .time_ns = 4000000000ull,
							.requests_done = 499, .bytes_done = 1 << 20,
							.iops = 124.75, .mib_s = 10.0 };
		none->requests_total = 1000;
		none->capacity = (struct capacity_info){ .measured = true, .queue_depth = 32,
							 .time_ns = 250000000ull,
							 .requests_done = 1000,
							 .bytes_done = 10 << 20, .iops = 4000,
							 .mib_s = 40.0 };
	}
	char out[512];
	write_ok(f, "cmp", out, sizeof(out));
	char *md = slurp_in(out, "compare.md", NULL);
	assert_non_null(md);
	const char *want[] = {
		/* parenthesised: one element each, whatever the line breaks */
		("| ssd | rfc | FAIL (stalled) | NO (2 / 6) | 12 | 0 | 0 | 85.7% [60.1, 96.0] n=14 "
		 "partial | 1, stalled at request 500 of 1000 | 202 | x0.250 partial | x1.667 partial | "
		 "saturated (busy 99%): latency is queueing |\n"),
		("| ssd | none | FAIL | NO (3 / 6) | 0 | 0 | 8 | 0.0% [0.0, 21.5] n=14 | 0 | 0 | "
		 "x1.000 | x1.000 | kept up (busy 0%) |\n"),
		/* overhead: capacity first, everything of rfc partial, hung and refused */
		"| rfc | 10.00 (x0.250) partial | 1.500 (x1.667) partial |",
		"| kept up (busy 0%) | 0 | 0 |\n",
		"| saturated (busy 99%) | 1, stalled at request 500 of 1000 | 202 |\n",
		"| bitrot | 80.0% [49.0, 94.3] n=10 partial | 0.0% [0.0, 27.8] n=10 |\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(md, want[i]))
			fail_msg("compare.md lacks: %s", want[i]);
	/* the verdict comes first, right under the title */
	char *verdict = strstr(md, "## Verdict\n");
	assert_non_null(verdict);
	assert_true(verdict < strstr(md, "- variants:"));
	free(md);
	char *html = slurp_in(out, "report.html", NULL);
	assert_non_null(html);
	assert_non_null(strstr(html, "<h2 id=\"verdict\">Verdict</h2>"));
	assert_non_null(strstr(html, "<td class=\"fail\">FAIL (stalled)</td>"));
	assert_non_null(strstr(html, "<td class=\"n warn\">x0.250 partial</td>"));
	assert_non_null(strstr(html, "<td class=\"n pass\">0</td>"));
	free(html);
	json_t *j = load_json(out);
	assert_int_equal(get_int(j, "results.0.runs.0.stalled_at"), 499);
	assert_true(json_is_null(get(j, "results.0.runs.1.stalled_at")));
	assert_int_equal(get_int(j, "results.0.runs.0.requests_total"), 1000);
	assert_int_equal(get_int(j, "results.0.runs.0.hung"), 1);
	assert_int_equal(get_int(j, "results.0.runs.0.refused"), 202);
	assert_true(json_is_true(get(j, "results.0.runs.0.load.saturated")));
	near(get_num(j, "results.0.runs.0.load.busy_frac"), 0.994, 1e-9, "busy");
	assert_int_equal(get_int(j, "results.0.runs.0.load.backlog_max"), 480);
	assert_true(json_is_true(get(j, "results.0.runs.0.capacity.stalled")));
	near(get_num(j, "results.0.runs.0.capacity.mib_s"), 10.0, 1e-9, "capacity");
	assert_int_equal(get_int(j, "results.0.runs.1.capacity.requests_done"), 1000);
	near(get_num(j, "results.0.runs.0.overhead.ratio_to_none.capacity_mib_s"), 0.25, 1e-9,
	     "capacity ratio");
	json_decref(j);
}

/* Capacity not run: null figures in compare.json, never 0. */
static void test_capacity_not_measured(void **state)
{
	struct fixture *f = *state;
	char out[512];
	write_ok(f, "cmp", out, sizeof(out));
	json_t *j = load_json(out);
	assert_true(json_is_false(get(j, "results.0.runs.0.capacity.measured")));
	assert_true(json_is_null(get(j, "results.0.runs.0.capacity.mib_s")));
	assert_true(json_is_null(get(j, "results.0.runs.0.capacity.time_ns")));
	assert_true(json_is_null(get(j, "results.0.runs.0.overhead.capacity_mib_s")));
	assert_true(json_is_null(get(j, "results.0.runs.0.overhead.ratio_to_none.capacity_mib_s")));
	assert_true(json_is_false(get(j, "results.0.runs.0.load.saturated")));
	assert_true(json_is_null(get(j, "results.0.runs.0.stalled_at")));
	json_decref(j);
}

/* A variant with no value in a chart (no fault of it reached a read, no
 * ratio defined) is left out of that chart and named, instead of failing
 * gnuplot ("No valid points") and with it the whole comparison; n/a is
 * named under its row, never drawn as 0; the overhead chart splits costs
 * (above 1 worse) from capacity and throughput (below 1 worse); recovery is
 * per crash state; progress is cumulative MiB, one line per variant. */
static void test_charts_nan_columns(void **state)
{
	struct fixture *f = *state;
	for (int p = 0; p < NP; p++) {
		/* none: no fault reaches a read on any profile */
		memset(&f->m[p][1].faults, 0, sizeof(f->m[p][1].faults));
		memset(&f->m[p][1].crash_faults, 0, sizeof(f->m[p][1].crash_faults));
		/* rfc: no requests, so every ratio of it is undefined */
		memset(f->m[p][0].user_requests, 0, sizeof(f->m[p][0].user_requests));
		memset(f->m[p][0].user_sectors, 0, sizeof(f->m[p][0].user_sectors));
		f->m[p][0].crash_states = 3;
	}
	char out[512];
	write_ok(f, "cmp", out, sizeof(out));
	char *dat = slurp_in(out, "outcomes_ssd.dat", NULL);
	assert_non_null(dat);
	assert_non_null(strstr(dat, "\"bitrot (n/a: none)\" 80.000000"));
	free(dat);
	char *gp = slurp_in(out, "outcomes_ssd.gp", NULL);
	assert_non_null(gp);
	assert_non_null(strstr(gp, "# Left out (no fault reached a read): none\n"));
	assert_null(strstr(gp, "title 'none'"));
	free(gp);
	gp = slurp_in(out, "overhead_hdd.gp", NULL);
	assert_non_null(gp);
	assert_non_null(strstr(gp, "Costs: above 1 is worse"));
	assert_non_null(strstr(gp, "below 1 is worse"));
	/* both panels for both (rfc keeps its latency and throughput ratios);
	 * the script draws everything twice, to PNG and SVG */
	assert_int_equal(count_of(gp, "title 'rfc'"), 4);
	assert_int_equal(count_of(gp, "title 'none'"), 4);
	free(gp);
	dat = slurp_in(out, "overhead_hdd.dat", NULL);
	assert_non_null(strstr(dat, "\"sub-I/Os per request (n/a: rfc)\" NaN 1.000000\n"));
	assert_non_null(strstr(dat, "\"capacity (n/a: rfc, none)\" NaN NaN\n"));
	free(dat);
	/* 1000 sectors read back over 3 states (rfc) and 6 (none) */
	dat = slurp_in(out, "recovery_ssd.dat", NULL);
	assert_non_null(strstr(dat, "\"rfc\" 326.666667 0.000000 4.000000 2.666667 0.000000\n"));
	assert_non_null(strstr(dat, "\"none\" 165.333333 1.333333 0.000000"));
	free(dat);
	dat = slurp_in(out, "progress_ssd.dat", NULL);
	assert_non_null(strstr(dat, "# variant none: simulated time (s), user MiB completed"));
	assert_non_null(strstr(dat, "\n0.900000000 3.515625\n")); /* 900 x 4 KiB */
	free(dat);
	const char *svgs[] = { "outcomes_ssd.svg", "overhead_ssd.svg", "recovery_hdd.svg",
			       "progress_hdd.svg" };
	for (size_t i = 0; i < sizeof(svgs) / sizeof(svgs[0]); i++) {
		size_t len = 0;
		char *x = slurp_in(out, svgs[i], &len);
		if (!x || len == 0)
			fail_msg("no %s", svgs[i]);
		free(x);
	}
}

static void test_ratios_to_none(void **state)
{
	struct fixture *f = *state;
	char out[512];
	write_ok(f, "cmp", out, sizeof(out));
	json_t *j = load_json(out);
	for (int p = 0; p < NP; p++) {
		char at[128], key[256];
		snprintf(at, sizeof(at), "results.%d.runs.0.overhead.ratio_to_none", p);
		const struct {
			const char *k;
			double want;
		} want[] = {
			{ "sub_ios_per_request", 1500.0 / 900.0 },
			{ "bytes_per_user_byte", 7800.0 / 7200.0 },
			{ "flushes_per_request", 2.0 },
			{ "latency_p50_ns", 2.0 },
			{ "latency_p99_ns", 2.0 },
			{ "throughput_bytes_per_s", 0.8 },
		};
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			snprintf(key, sizeof(key), "%s.%s", at, want[i].k);
			near(get_num(j, key), want[i].want, 1e-9, key);
			/* none against itself: 1 */
			snprintf(key, sizeof(key), "results.%d.runs.1.overhead.ratio_to_none.%s", p,
				 want[i].k);
			near(get_num(j, key), 1.0, 1e-12, key);
		}
	}
	json_decref(j);
	char *csv = slurp_in(out, "overhead.csv", NULL);
	assert_non_null(csv);
	assert_non_null(strstr(csv, "profile,variant,capacity_mib_s,capacity_mib_s_ratio,"
				    "sub_ios_per_request,sub_ios_per_request_ratio,"
				    "bytes_per_user_byte,bytes_per_user_byte_ratio,"));
	/* hdd rfc: latencies ten times ssd's, ratios the same. */
	assert_non_null(strstr(csv, "\nhdd,rfc,n/a,n/a,1.500000,1.666667,1.083333,1.083333,0.200000,"
				    "2.000000,2000000,2.000000,2000000,2.000000,294912.000000,"
				    "0.800000\n"));
	free(csv);
	char *md = slurp_in(out, "compare.md", NULL);
	assert_non_null(md);
	/* capacity not measured: said so, never 0 */
	assert_non_null(strstr(md, "| rfc | not measured | 1.500 (x1.667) | 1.083 (x1.083) | "
				   "0.200 (x2.000) | 200.0 (x2.000) | 200.0 (x2.000) | 2.81 (x0.800) "
				   "| kept up (busy 0%) | 0 | 0 |"));
	free(md);
}

static void test_without_none(void **state)
{
	struct fixture *f = *state;
	f->variants[1] = "journal";
	for (int p = 0; p < NP; p++)
		snprintf(f->m[p][1].variant, sizeof(f->m[p][1].variant), "journal");
	char out[512];
	write_ok(f, "cmp", out, sizeof(out));
	json_t *j = load_json(out);
	assert_true(json_is_null(get(j, "baseline")));
	assert_true(json_is_null(get(j, "results.0.runs.0.overhead.ratio_to_none")));
	/* the absolute numbers are still there */
	near(get_num(j, "results.0.runs.0.overhead.sub_ios_per_request"), 1.5, 1e-9, "sub-I/Os");
	json_decref(j);
	char *csv = slurp_in(out, "overhead.csv", NULL);
	assert_non_null(csv);
	assert_non_null(strstr(csv, "\nssd,rfc,n/a,n/a,1.500000,n/a,1.083333,n/a,0.200000,n/a,200000,n/a,"
				    "200000,n/a,2949120.000000,n/a\n"));
	assert_non_null(strstr(csv, "\nhdd,journal,n/a,n/a,0.900000,n/a,"));
	free(csv);
	char *md = slurp_in(out, "compare.md", NULL);
	assert_non_null(md);
	assert_non_null(strstr(md, "| rfc | not measured | 1.500 | 1.083 | 0.200 | 200.0 | 200.0 | "
				   "2.81 | kept up (busy 0%) | 0 | 0 |\n"));
	assert_non_null(strstr(md, "ratios are n/a because `none`"));
	assert_non_null(strstr(md, "Overhead vs none: not drawn"));
	free(md);
	char *html = slurp_in(out, "report.html", NULL);
	assert_non_null(html);
	assert_non_null(strstr(html, "<li>Overhead vs none: not drawn (<code>none</code> is not "
				     "among the variants).</li>"));
	assert_non_null(strstr(html, "<tr><td>rfc</td><td class=\"n na\">not measured</td><td "
				     "class=\"n\">1.500</td>"));
	/* outcome, recovery and progress charts per profile */
	assert_int_equal(count_of(html, "<svg"), 3 * NP);
	free(html);
	/* no overhead chart without the baseline */
	char p[1024];
	path_of(p, sizeof(p), out, "overhead_ssd.gp");
	assert_int_not_equal(access(p, F_OK), 0);
}

static void test_matrix_csv(void **state)
{
	struct fixture *f = *state;
	char out[512];
	write_ok(f, "cmp", out, sizeof(out));
	char *csv = slurp_in(out, "matrix.csv", NULL);
	assert_non_null(csv);
	const char *head = "profile,fault_type,variant,injected,detected,silent,stale,"
			   "false_positive,masked,unread,detection_rate,detection_lo,detection_hi,"
			   "silent_rate,silent_lo,silent_hi,false_positive_rate,false_positive_lo,"
			   "false_positive_hi\n";
	assert_memory_equal(csv, head, strlen(head));
	int rows = 0;
	for (char *c = csv; *c; c++)
		rows += *c == '\n';
	assert_int_equal(rows, 1 + NP * FT_COUNT * NV); /* every type, even without faults */
	assert_non_null(strstr(csv, "\nssd,bitrot,rfc,15,8,1,1,2,3,0,0.800000,0.4901"));
	assert_non_null(strstr(csv, "\nssd,bitrot,none,13,0,10,0,0,3,0,0.000000,0.000000,0.2775"));
	/* no fault reached a read: no rate */
	assert_non_null(strstr(csv, "\nhdd,lse,none,0,0,0,0,0,0,0,n/a,0.000000,1.000000,n/a,"));
	/* rows by profile, then fault type, then variant */
	assert_true(strstr(csv, "\nssd,cache_loss,rfc,") < strstr(csv, "\nssd,cache_loss,none,"));
	assert_true(strstr(csv, "\nssd,cache_loss,none,") < strstr(csv, "\nssd,bitrot,rfc,"));
	assert_true(strstr(csv, "\nssd,alloc,none,") < strstr(csv, "\nhdd,cache_loss,rfc,"));
	free(csv);
	csv = slurp_in(out, "crash.csv", NULL);
	assert_non_null(csv);
	assert_non_null(strstr(csv, "profile,variant,crash_points,crash_states,violations,"
				    "sectors_checked,correct_sectors,stale_sectors,"
				    "false_positive_sectors,detected_sectors,silent_sectors,"
				    "not_completed\n"));
	assert_non_null(strstr(csv, "\nssd,rfc,2,6,2,1000,980,0,12,8,0,0\n"));
	assert_non_null(strstr(csv, "\nhdd,none,2,6,3,1000,992,8,0,0,0,0\n"));
	free(csv);
}

static void test_markdown(void **state)
{
	struct fixture *f = *state;
	char out[512];
	/* a bound below 0.05% keeps its digits instead of rounding to 0.0 */
	f->m[0][1].faults.n[FT_IO_ERROR][FO_MASKED] = 133419;
	write_ok(f, "cmp", out, sizeof(out));
	char *md = slurp_in(out, "compare.md", NULL);
	assert_non_null(md);
	const char *want[] = {
		"# csumsim comparison: crafted\n",
		"- variants: `rfc`, `none`\n",
		"- disk profiles: `ssd`, `hdd`\n",
		"csumsim compare crafted.yaml --seed 5",
		"## Fault outcomes\n",
		"### Profile `ssd`\n",
		"| fault type | rfc | none |\n|---|---|---|\n",
		"| bitrot | 80.0% [49.0, 94.3] n=10 | 0.0% [0.0, 27.8] n=10 |\n",
		"| cache_loss | 100.0% [51.0, 100.0] n=4 | 0.0% [0.0, 49.0] n=4 |\n",
		"| misdirect | 100.0% [43.9, 100.0] n=3 | 0.0% [0.0, 56.1] n=3 |\n",
		"| bitrot | rfc | 15 | 8 | 1 | 1 | 2 | 3 | 0 | 10.0% [1.8, 40.4] n=10 | "
		"13.3% [3.7, 37.9] n=15 |\n",
		"| io_error | none | 133419 | 0 | 0 | 0 | 0 | 133419 | 0 | n/a | "
		"0.0% [0.0, 0.0029] n=133419 |\n",
		"## Overhead vs none\n",
		"| variant | capacity (MiB/s) | sub-I/Os per request | bytes per user byte | "
		"flushes per request | latency p50 (us, at trace load) | latency p99 (us, at trace "
		"load) | throughput (MiB/s) | load at trace rate | hung (requests) | refused "
		"(requests) |\n",
		"## Crash exploration\n",
		"| ssd | rfc | 2 | 6 | 2 | 1000 | 980 | 0 | 12 | 8 | 0 | 0 |\n",
		"![Detection rate by fault type](outcomes_ssd.svg)",
		"![Overhead vs none](overhead_hdd.svg)",
		"![Recovery classes per crash state](recovery_hdd.svg)",
		"![User MiB completed over time](progress_ssd.svg)",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(md, want[i]))
			fail_msg("compare.md lacks: %s", want[i]);
	/* ssd has no misdirects: no row for them in its section */
	char *hdd = strstr(md, "### Profile `hdd`");
	assert_non_null(hdd);
	char *mis = strstr(md, "| misdirect |");
	assert_true(mis > hdd);
	/* a type never injected anywhere has no row */
	assert_null(strstr(md, "| lse |"));
	free(md);
	/* the charts were drawn */
	const char *charts[] = { "outcomes_ssd.svg", "outcomes_hdd.png", "overhead_ssd.svg",
				 "recovery_hdd.svg" };
	for (size_t i = 0; i < sizeof(charts) / sizeof(charts[0]); i++) {
		size_t len = 0;
		char *x = slurp_in(out, charts[i], &len);
		if (!x || len == 0)
			fail_msg("no %s", charts[i]);
		free(x);
	}
	/* error bars from the intervals, in percent */
	char *dat = slurp_in(out, "outcomes_ssd.dat", NULL);
	assert_non_null(dat);
	assert_non_null(strstr(dat, "\"bitrot\" 80.000000 49.01"));
	assert_null(strstr(dat, "\"lse\"")); /* no bars for a type that reached no read */
	free(dat);
	char *gp = slurp_in(out, "outcomes_ssd.gp", NULL);
	assert_non_null(gp);
	assert_non_null(strstr(gp, "set style histogram errorbars"));
	assert_non_null(strstr(gp, "using 2:3:4:xtic(1)"));
	assert_non_null(strstr(gp, "'' using 5:6:7 lc 2 title 'none'"));
	free(gp);
}

/* report.html: the same tables as compare.md, the charts inline, the
 * scenario name as text, nothing that runs or loads. */
static void test_html(void **state)
{
	struct fixture *f = *state;
	char out[512];
	const char *name = "<script>alert(1)</script> & \"q\" <b>x</b>";
	f->in.scenario_name = name;
	write_ok(f, "cmp", out, sizeof(out));
	char *md = slurp_in(out, "compare.md", NULL);
	char *html = slurp_in(out, "report.html", NULL);
	assert_non_null(md);
	assert_non_null(html);

	/* Every Markdown table is an HTML table, row for row: a table's
	 * separator line is a row less in Markdown. Per profile: detection,
	 * counts, overhead; then the crash table; the verdict first. */
	int md_tables = count_of(md, "\n|---|");
	assert_int_equal(md_tables, 3 * NP + 2);
	assert_int_equal(count_of(html, "<table>"), md_tables);
	assert_int_equal(count_of(html, "</table>"), md_tables);
	assert_int_equal(count_of(html, "<tr>"), count_of(md, "\n| ") + (md[0] == '|'));
	assert_int_equal(count_of(html, "<thead>"), md_tables);

	const char *want[] = {
		"<h2 id=\"faults\">Fault outcomes</h2>",
		"<h2 id=\"overhead\">Overhead vs none</h2>",
		"<h2 id=\"crash\">Crash exploration</h2>",
		"<h2 id=\"charts\">Charts</h2>",
		"<h3>Profile <code>hdd</code></h3>",
		"<li>variants: <code>rfc</code>, <code>none</code></li>",
		"<pre><code>csumsim compare crafted.yaml --seed 5</code></pre>",
		"<thead><tr><th>fault type</th><th>rfc</th><th>none</th></tr></thead>",
		"<tr><td>bitrot</td><td>80.0% [49.0, 94.3] n=10</td><td>0.0% [0.0, 27.8] n=10</td>"
		"</tr>",
		"<tr><td><strong>all types</strong></td>",
		"<th class=\"n\">injected</th>",
		"<tr><td>bitrot</td><td>rfc</td><td class=\"n\">15</td><td class=\"n\">8</td>",
		"<td class=\"n\">1.500 (x1.667)</td>",
		"<tr><td>ssd</td><td>rfc</td><td class=\"n\">2</td><td class=\"n\">6</td>",
		"<figure id=\"fig-outcomes_ssd\"",
		"(<a href=\"recovery_hdd.png\">PNG</a>, script <a href=\"recovery_hdd.gp\">"
		"<code>recovery_hdd.gp</code></a>)</li>",
		"<p>Data: <a href=\"compare.json\"><code>compare.json</code></a>, <a "
		"href=\"matrix.csv\"><code>matrix.csv</code></a>, <a href=\"overhead.csv\"><code>"
		"overhead.csv</code></a>, <a href=\"crash.csv\"><code>crash.csv</code></a>.</p>",
		/* the name is text, in the title and the heading */
		"<title>csumsim comparison: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; "
		"&lt;b&gt;x&lt;/b&gt;</title>",
		"<h1>csumsim comparison: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; "
		"&lt;b&gt;x&lt;/b&gt;</h1>",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(html, want[i]))
			fail_msg("report.html lacks: %s", want[i]);
	/* compare.md keeps the name as it is */
	assert_non_null(strstr(md, "# csumsim comparison: <script>alert(1)</script> & \"q\""));

	/* One inline SVG per chart the Markdown shows, none of them fetched. */
	int charts = count_of(md, "![");
	assert_int_equal(charts, 4 * NP);
	assert_int_equal(count_of(html, "<svg"), charts);
	assert_int_equal(count_of(html, "</svg>"), charts);
	assert_int_equal(count_of(html, "<figure"), charts);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<b>"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, ".svg\""));
	assert_null(strstr(html, "<?xml"));
	assert_null(strstr(html, "href=\"http"));
	assert_null(strstr(html, "src="));
	assert_non_null(strstr(html, "default-src 'none'"));
	/* and no Markdown syntax */
	assert_null(strstr(html, "**"));
	assert_null(strstr(html, "]("));
	assert_null(strstr(html, "`"));
	assert_null(strstr(html, "|---"));
	free(md);
	free(html);

	/* Variant names cannot carry markup: compare_write refuses them. */
	struct cs_err err = { { 0 } };
	f->variants[1] = "<b>";
	path_of(out, sizeof(out), f->root, "bad");
	assert_int_equal(compare_write(out, &f->in, &err), -1);
	assert_non_null(strstr(err.msg, "only letters"));
}

static int same_file(const char *a, const char *b, const char *name)
{
	size_t la, lb;
	char *x = slurp_in(a, name, &la), *y = slurp_in(b, name, &lb);
	int same = x && y && la == lb && memcmp(x, y, la) == 0;
	free(x);
	free(y);
	return same;
}

static void test_byte_identical(void **state)
{
	struct fixture *f = *state;
	char a[512], b[512];
	write_ok(f, "a", a, sizeof(a));
	write_ok(f, "b", b, sizeof(b));
	assert_int_equal(count_entries(a), count_entries(b));
	DIR *d = opendir(a);
	assert_non_null(d);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		size_t n = strlen(e->d_name);
		/* PNGs depend on cairo and fonts; everything else must match. */
		if (n > 4 && !strcmp(e->d_name + n - 4, ".png"))
			continue;
		if (!same_file(a, b, e->d_name))
			fail_msg("%s differs between two writes", e->d_name);
		files++;
	}
	closedir(d);
	/* json, md, html, 3 csv, and per profile 4 charts x (gp, dat, svg) */
	assert_int_equal(files, 6 + NP * 4 * 3);
	/* Another seed changes the output. */
	f->in.seed = 6;
	write_ok(f, "c", b, sizeof(b));
	assert_false(same_file(a, b, "compare.json"));
}

/* A failure after some files were written: the old comparison stays, no temp. */
static void check_failure_leaves_old(struct fixture *f, const char *fiu_point,
				     const char *gnuplot)
{
	char out[512];
	struct cs_err err = { { 0 } };
	write_ok(f, "cmp", out, sizeof(out));
	size_t old_len;
	char *old = slurp_in(out, "compare.json", &old_len);
	assert_non_null(old);
	f->in.seed = 77;
	if (fiu_point)
		assert_int_equal(fiu_enable(fiu_point, 1, NULL, 0), 0);
	f->in.gnuplot = gnuplot;
	int rc = compare_write(out, &f->in, &err);
	if (fiu_point)
		fiu_disable(fiu_point);
	f->in.gnuplot = NULL;
	assert_int_equal(rc, -1);
	assert_true(err.msg[0] != '\0');
	size_t now_len;
	char *now = slurp_in(out, "compare.json", &now_len);
	assert_non_null(now);
	assert_int_equal(now_len, old_len);
	assert_memory_equal(now, old, old_len);
	assert_int_equal(count_entries(f->root), 1); /* only cmp */
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

static void test_atomic_first_write(void **state)
{
	struct fixture *f = *state;
	char out[512];
	struct cs_err err = { { 0 } };
	path_of(out, sizeof(out), f->root, "fresh");
	assert_int_equal(fiu_enable("reports/write", 1, NULL, 0), 0);
	int rc = compare_write(out, &f->in, &err);
	fiu_disable("reports/write");
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err.msg, "cannot write"));
	assert_int_equal(count_entries(f->root), 0); /* no out dir, no temp dir */
}

static void test_bad_input(void **state)
{
	struct fixture *f = *state;
	char out[512];
	struct cs_err err = { { 0 } };
	path_of(out, sizeof(out), f->root, "cmp");
	f->variants[1] = "rfc";
	assert_int_equal(compare_write(out, &f->in, &err), -1);
	assert_non_null(strstr(err.msg, "'rfc' listed twice"));
	f->variants[1] = "no ne";
	assert_int_equal(compare_write(out, &f->in, &err), -1);
	assert_non_null(strstr(err.msg, "only letters"));
	f->variants[1] = "none";
	f->runs[3] = NULL;
	assert_int_equal(compare_write(out, &f->in, &err), -1);
	assert_non_null(strstr(err.msg, "variant 'none' on profile 'hdd'"));
	f->runs[3] = &f->m[1][1];
	f->in.n_profiles = 0;
	assert_int_equal(compare_write(out, &f->in, &err), -1);
	assert_non_null(strstr(err.msg, "no profiles"));
	assert_int_equal(count_entries(f->root), 0);
	/* A directory that holds something else is never replaced, not even
	 * a single-run report. */
	f->in.n_profiles = NP;
	assert_int_equal(mkdir(out, 0755), 0);
	char keep[1024];
	path_of(keep, sizeof(keep), out, "report.json");
	FILE *fp = fopen(keep, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(compare_write(out, &f->in, &err), -1);
	assert_non_null(strstr(err.msg, "holds no compare.json"));
	assert_int_equal(access(keep, F_OK), 0);
}

static void test_plots_off(void **state)
{
	struct fixture *f = *state;
	char out[512];
	f->in.plots = false;
	f->in.gnuplot = "csumsim-no-such-gnuplot"; /* never run */
	write_ok(f, "cmp", out, sizeof(out));
	char *gp = slurp_in(out, "recovery_ssd.gp", NULL);
	assert_non_null(gp); /* scripts are always there, to plot by hand */
	free(gp);
	char p[1024];
	path_of(p, sizeof(p), out, "recovery_ssd.svg");
	assert_int_not_equal(access(p, F_OK), 0);
	char *md = slurp_in(out, "compare.md", NULL);
	assert_non_null(md);
	assert_non_null(strstr(md, "not rendered (plots off); run `gnuplot recovery_ssd.gp`"));
	free(md);
	char *html = slurp_in(out, "report.html", NULL);
	assert_non_null(html);
	assert_int_equal(count_of(html, "<svg"), 0);
	assert_int_equal(count_of(html, "<figure"), 0);
	assert_non_null(strstr(html, "not rendered (plots off); run <code>gnuplot "
				     "recovery_ssd.gp</code> here."));
	free(html);
}

int main(void)
{
	fiu_init(0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ratios_to_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_charts_nan_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verdict_stalled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capacity_not_measured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_without_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_matrix_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_markdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html, setup, teardown),
		cmocka_unit_test_setup_teardown(test_byte_identical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atomic_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atomic_rename_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atomic_gnuplot_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atomic_first_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plots_off, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
