/* report.html from crafted metrics: every section and table, the SVG plots
 * inline, hostile strings escaped, the same bytes twice, plots off, and a
 * bad image failing the whole report atomically. */
#include <dirent.h>
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

struct fx {
	char root[128];
	struct run_metrics run, base;
	struct report_input in;
	struct violation viol;
};

static const char *const repro[] = { "reproducers/violation-0.yaml" };
static const struct report_file extra[] = {
	{ "reproducers/violation-0.yaml", "name: v0\n" },
};

static void crafted(struct run_metrics *m, const char *variant, uint64_t lat_scale,
		    uint32_t crashes)
{
	run_metrics_init(m, variant, 1000000);
	m->sim_time_ns = 1000000000ull;
	m->user_requests[CSUM_OP_READ] = 40;
	m->user_requests[CSUM_OP_WRITE] = 60;
	m->user_sectors[CSUM_OP_READ] = 320;
	m->user_sectors[CSUM_OP_WRITE] = 480;
	m->sub_ios[CSUM_ROLE_DATA_READ] = 40;
	m->sub_ios[CSUM_ROLE_DATA_WRITE] = 60;
	m->sub_io_sectors[CSUM_ROLE_DATA_READ] = 320;
	m->sub_io_sectors[CSUM_ROLE_DATA_WRITE] = 480;
	m->n_devs = 1;
	m->dev[0].flushes = 10;
	for (uint64_t i = 0; i < 100; i++) {
		uint64_t lat = (10000 + i * 997) * lat_scale;
		uint8_t op = i < 40 ? CSUM_OP_READ : CSUM_OP_WRITE;
		hist_add(&m->lat_all, lat);
		hist_add(op == CSUM_OP_READ ? &m->lat_read : &m->lat_write, lat);
		run_metrics_tput_add(m, i * 10000000ull, op, 4096);
	}
	m->reads.sectors[ORC_CORRECT] = 320;
	m->reads.requests[ORC_CORRECT] = 40;
	for (uint32_t c = 0; c < crashes; c++) {
		struct crash_report cr = { .index = c, .time_ns = 200000000ull * (c + 1),
					   .lost_sectors = 4, .sectors_checked = 500 };
		cr.counts.sectors[ORC_CORRECT] = 495;
		cr.counts.sectors[ORC_FALSE_POS] = c == 1 ? 5 : 0;
		snprintf(cr.trigger, sizeof(cr.trigger), "flush #%u", 3 * c);
		assert_int_equal(run_metrics_add_crash(m, &cr), 0);
	}
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->root, sizeof(f->root), "/tmp/csumsim-test-html-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	crafted(&f->run, "rfc", 3, 3);
	crafted(&f->base, "none", 1, 0);
	f->run.faults.n[FT_BITROT][FO_DETECTED] = 6;
	f->run.faults.n[FT_BITROT][FO_SILENT] = 1;
	f->run.crash_faults.n[FT_CACHE_LOSS][FO_FALSE_POS] = 2;
	f->run.crash_states = 12;
	f->viol.crash = 1;
	f->viol.state = 4;
	snprintf(f->viol.trigger, sizeof(f->viol.trigger), "flush #3");
	snprintf(f->viol.label, sizeof(f->viol.label), "keep imd only");
	f->viol.counts.sectors[ORC_FALSE_POS] = 5;
	assert_int_equal(run_metrics_add_violation(&f->run, &f->viol), 0);
	f->in = (struct report_input){
		.scenario_yaml = "name: crafted\n",
		.scenario_name = "crafted",
		.seed = 5,
		.run = &f->run,
		.baseline = &f->base,
		.plots = true,
		.reproduce = "csumsim run crafted.yaml --seed 5",
		.extra = extra,
		.n_extra = 1,
		.reproducers = repro,
	};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (getenv("CSUMSIM_TEST_KEEP"))
		fprintf(stderr, "kept %s\n", f->root);
	else
		rm_rf(f->root);
	run_metrics_free(&f->run);
	run_metrics_free(&f->base);
	free(f);
	return 0;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	assert_non_null(buf);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, fp)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
	}
	fclose(fp);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static int count(const char *s, const char *what)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static char *write_report(struct fx *f, const char *sub, char *out, size_t size)
{
	struct cs_err err = { { 0 } };
	snprintf(out, size, "%s/%s", f->root, sub);
	if (report_write(out, &f->in, &err))
		fail_msg("report_write: %s", err.msg);
	char *html = slurp(out, "report.html", NULL);
	if (!html)
		fail_msg("no report.html in %s", out);
	return html;
}

static void test_sections_tables_plots(void **state)
{
	struct fx *f = *state;
	char out[256];
	char *html = write_report(f, "rep", out, sizeof(out));
	const char *want[] = {
		"<!DOCTYPE html>\n",
		"<title>csumsim report: crafted</title>",
		"<h1>csumsim report: crafted</h1>",
		"<h2 id=\"user\">User requests</h2>",
		"<h2 id=\"amplification\">I/O amplification</h2>",
		"<h2 id=\"latency\">Latency</h2>",
		"<h2 id=\"throughput\">Throughput</h2>",
		"<h2 id=\"capacity\">Capacity</h2>",
		"<h2 id=\"integrity\">Data integrity</h2>",
		"<h3>Reads during the run</h3>",
		"<h3>Crashes and recovery</h3>",
		"<h3>Worst crashes</h3>",
		"<h2 id=\"faults\">Faults</h2>",
		"<h3>Crash exploration</h3>",
		"<h2 id=\"overhead\">Overhead vs none</h2>",
		"<h2 id=\"plots\">Plots</h2>",
		/* cells with the numbers of summary.md */
		"<tr><td>rfc</td><td>write</td><td class=\"n\">60</td><td class=\"n\">480</td>",
		"<tr><td>sub-I/Os per request</td><td class=\"n\">1.000</td>",
		"<tr><td>false_positive</td><td class=\"n fail\">5</td>",
		/* the crash with false positives leads the worst crashes */
		"<tr><td class=\"n\">1</td><td>flush #3</td><td class=\"n\">0.400000</td>",
		"<tr><td>bitrot</td><td class=\"n\">7</td><td class=\"n\">6</td>"
		"<td class=\"n fail\">1</td>",
		"12 crash states examined; 1 violates",
		"<td>4: keep imd only</td>",
		"<a href=\"reproducers/violation-0.yaml\">csumsim run "
		"reproducers/violation-0.yaml</a>",
		"<tr><td>throughput at trace load</td><td class=\"n\">1.000</td></tr>",
		"<pre><code>csumsim run crafted.yaml --seed 5</code></pre>",
		"</main>\n</body>\n</html>\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(html, want[i]))
			fail_msg("report.html lacks: %s", want[i]);
	/* verdict, user, amplification, latency, reads, crash totals, worst
	 * crashes, replay faults, crash-state faults, violations, overhead */
	assert_int_equal(count(html, "<table>"), 11);
	assert_int_equal(count(html, "</table>"), 11);
	/* Three plots inline, without their XML prolog, ids made unique. */
	assert_int_equal(count(html, "<svg"), 3);
	assert_int_equal(count(html, "</svg>"), 3);
	assert_null(strstr(html, "<?xml"));
	assert_int_equal(count(html, "id=\"throughput-gnuplot_canvas\""), 1);
	assert_int_equal(count(html, "id=\"recovery-gnuplot_canvas\""), 1);
	assert_int_equal(count(html, "id=\"gnuplot_canvas\""), 0);
	assert_non_null(strstr(html, "href='#latency_cdf-gpPt"));
	assert_null(strstr(html, "href='#gpPt"));
	/* Self-contained: nothing that loads from elsewhere. */
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "@import"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "/tmp"));
	free(html);
}

static void test_hostile_strings_escaped(void **state)
{
	struct fx *f = *state;
	char out[256];
	snprintf(f->run.variant, sizeof(f->run.variant), "<script>x()</script>&'\"");
	snprintf(f->run.crashes[1].trigger, sizeof(f->run.crashes[1].trigger), "<b>&t");
	snprintf(f->run.viol[0].label, sizeof(f->run.viol[0].label), "<i>l</i>");
	/* all 48 bytes used: no terminating NUL in the field */
	memset(f->run.viol[0].trigger, '<', sizeof(f->run.viol[0].trigger));
	f->in.scenario_name = "<script>alert(1)</script> & co";
	f->in.reproduce = "csumsim run a&b.yaml --set 'name=<x>'";
	char *html = write_report(f, "rep", out, sizeof(out));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<b>"));
	assert_null(strstr(html, "<i>"));
	assert_null(strstr(html, "<<"));
	assert_null(strstr(html, "<x>"));
	const char *want[] = {
		"<title>csumsim report: &lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>",
		"<td>&lt;script&gt;x()&lt;/script&gt;&amp;&#39;&quot;</td><td>read</td>",
		"<td>&lt;b&gt;&amp;t</td>",
		"<td>4: &lt;i&gt;l&lt;/i&gt;</td>",
		"csumsim run a&amp;b.yaml --set &#39;name=&lt;x&gt;&#39;",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(html, want[i]))
			fail_msg("report.html lacks: %s", want[i]);
	/* exactly the 48 bytes of the field, each escaped */
	char trig[48 * 4 + 16] = "<td>";
	for (int i = 0; i < 48; i++)
		strcat(trig, "&lt;");
	strcat(trig, "</td>");
	assert_non_null(strstr(html, trig));
	assert_int_equal(count(html, "<svg"), 3);
	free(html);
}

static void test_same_bytes_twice(void **state)
{
	struct fx *f = *state;
	char a[256], b[256];
	size_t la, lb;
	free(write_report(f, "a", a, sizeof(a)));
	free(write_report(f, "b", b, sizeof(b)));
	char *x = slurp(a, "report.html", &la), *y = slurp(b, "report.html", &lb);
	assert_non_null(x);
	assert_non_null(y);
	assert_true(la > 10000);
	assert_int_equal(la, lb);
	assert_memory_equal(x, y, la);
	free(x);
	free(y);
}

static void test_plots_off(void **state)
{
	struct fx *f = *state;
	char out[256];
	f->in.plots = false;
	char *html = write_report(f, "rep", out, sizeof(out));
	assert_int_equal(count(html, "<svg"), 0);
	assert_non_null(strstr(html, "Plots are off for this run, so none is embedded."));
	assert_non_null(strstr(html, "Recovery per crash state: not rendered (plots off)"));
	free(html);
	/* No crashes and no baseline: said so, no recovery plot. */
	f->run.n_crashes = 0;
	f->in.baseline = NULL;
	f->in.plots = true;
	html = write_report(f, "rep2", out, sizeof(out));
	assert_int_equal(count(html, "<svg"), 2);
	assert_non_null(strstr(html, "Recovery per crash state: not drawn (no crashes)."));
	assert_non_null(strstr(html, "<p>No baseline run.</p>"));
	assert_non_null(strstr(html, "<p>0 crashes.</p>"));
	free(html);
}

/* A stand-in for gnuplot that draws every plot (each *.gp argument: one
 * gnuplot runs all of a report's scripts; each names its images in `set
 * output 'NAME.svg'`) as the given SVG text. */
static void fake_gnuplot(struct fx *f, const char *svg, char *prog, size_t size)
{
	snprintf(prog, size, "%s/fake-gnuplot", f->root);
	FILE *fp = fopen(prog, "w");
	assert_non_null(fp);
	fprintf(fp, "#!/bin/sh\nfor a; do case \"$a\" in *.gp) ;; *) continue;; esac\n"
		    "n=$(sed -n \"s/^set output '\\(.*\\)\\.svg'$/\\1/p\" \"$a\")\n"
		    "printf 'PNG' > \"$n.png\"\n"
		    "cat > \"$n.svg\" <<'EOF'\n%s\nEOF\ndone\n",
		svg);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(prog, 0755), 0);
}

static void test_svg_with_script_not_embedded(void **state)
{
	struct fx *f = *state;
	char out[256], prog[256];
	fake_gnuplot(f,
		     "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">"
		     "<script>alert(1)</script></svg>",
		     prog, sizeof(prog));
	f->in.gnuplot = prog;
	char *html = write_report(f, "rep", out, sizeof(out));
	assert_null(strstr(html, "<script"));
	assert_int_equal(count(html, "<svg"), 0);
	assert_non_null(strstr(html, "Not embedded (the image holds markup a page should not "
				     "run): <a href=\"recovery.svg\">recovery.svg</a>"));
	free(html);
}

/* Ids and references to them get the plot's prefix, nothing else does
 * (an "id=" not after a blank, letters i, h, u elsewhere); the bytes
 * between them come out as they were. */
static void test_svg_ids_prefixed_exactly(void **state)
{
	struct fx *f = *state;
	char out[256], prog[256];
	fake_gnuplot(f,
		     "<?xml version=\"1.0\"?>\n<svg xmlns=\"u\" id='a'>\n<g\tid=\"b\">"
		     "<use href='#a'/><use href=\"#b\"/><p fill='url(#b)'/>xid='c' <i>hu</i>"
		     "href='x' url(y)</g></svg>",
		     prog, sizeof(prog));
	f->in.gnuplot = prog;
	char *html = write_report(f, "rep", out, sizeof(out));
	assert_non_null(strstr(html,
			       "<svg xmlns=\"u\" id='recovery-a'>\n<g\tid=\"recovery-b\">"
			       "<use href='#recovery-a'/><use href=\"#recovery-b\"/>"
			       "<p fill='url(#recovery-b)'/>xid='c' <i>hu</i>href='x' url(y)</g>"
			       "</svg>\n"));
	free(html);
}

/* Markup a page should not run is found in any case, anywhere in the image. */
static void test_svg_unsafe_any_case(void **state)
{
	static const char *const bad[] = { "<SCRIPT>x</SCRIPT>", "<g><ForeignObject/></g>",
					   "<!-- c -->", "<text>a</text><Script/>" };
	struct fx *f = *state;
	char out[256], prog[256], svg[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(svg, sizeof(svg), "<svg xmlns=\"u\"><g/>%s<g/></svg>", bad[i]);
		fake_gnuplot(f, svg, prog, sizeof(prog));
		f->in.gnuplot = prog;
		char *html = write_report(f, "rep", out, sizeof(out));
		assert_int_equal(count(html, "<svg"), 0);
		assert_non_null(strstr(html, "Not embedded (the image holds markup"));
		free(html);
	}
	/* and "<" followed by anything else is not */
	fake_gnuplot(f, "<svg xmlns=\"u\"><scrip/><foreign/><text>&lt;!</text></svg>", prog,
		     sizeof(prog));
	f->in.gnuplot = prog;
	char *html = write_report(f, "rep", out, sizeof(out));
	assert_int_equal(count(html, "<svg"), 3);
	free(html);
}

/* An image that is no SVG fails the report: the previous one stays whole. */
static void test_bad_svg_fails_atomically(void **state)
{
	struct fx *f = *state;
	char out[256], prog[256];
	size_t old_len, now_len;
	free(write_report(f, "rep", out, sizeof(out)));
	char *old = slurp(out, "report.html", &old_len);
	fake_gnuplot(f, "not an image", prog, sizeof(prog));
	f->in.gnuplot = prog;
	f->in.seed = 6;
	struct cs_err err = { { 0 } };
	assert_int_equal(report_write(out, &f->in, &err), -1);
	assert_non_null(strstr(err.msg, "throughput.svg is not an SVG image"));
	char *now = slurp(out, "report.html", &now_len);
	assert_non_null(now);
	assert_int_equal(now_len, old_len);
	assert_memory_equal(now, old, old_len);
	assert_int_equal(entries(f->root), 2); /* rep and fake-gnuplot: no temp dir */
	free(old);
	free(now);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sections_tables_plots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_strings_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_bytes_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plots_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_svg_with_script_not_embedded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_svg_ids_prefixed_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_svg_unsafe_any_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_svg_fails_atomically, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
