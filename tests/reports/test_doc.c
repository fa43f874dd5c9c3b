/* The document emitter (reports/doc.h): one document written in both
 * formats byte for byte, HTML escaping and alignment, inline SVG figures,
 * and every misuse reported instead of written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "reports/doc.h"

struct out {
	char *buf;
	size_t len;
	FILE *f;
	struct cs_err err;
	struct doc d;
};

static void open_out(struct out *o, enum doc_format fmt, const char *dir)
{
	memset(o, 0, sizeof(*o));
	o->f = open_memstream(&o->buf, &o->len);
	assert_non_null(o->f);
	doc_begin(&o->d, o->f, fmt, dir, "T <&>", &o->err);
}

/* Ends the document; returns doc_end's result, the text is in o->buf. */
static int close_out(struct out *o)
{
	int rc = doc_end(&o->d);
	assert_int_equal(fclose(o->f), 0);
	return rc;
}

/* The same calls for both formats: the point of the emitter. */
static void sample(struct doc *d)
{
	doc_heading_begin(d, 2, "sec");
	doc_text(d, "Profile ");
	doc_code(d, "a<b>");
	doc_heading_end(d);
	doc_para_begin(d);
	doc_text(d, "x & y ");
	doc_strong(d, "\"bold\"");
	doc_textf(d, " n=%d ", 42);
	doc_link(d, "PNG", "c_d.png");
	doc_text(d, " ");
	doc_file(d, "m.csv");
	doc_para_end(d);
	doc_list_begin(d);
	doc_item_begin(d);
	doc_text(d, "one");
	doc_item_end(d);
	doc_item_begin(d);
	doc_text(d, "it's");
	doc_item_end(d);
	doc_list_end(d);
	doc_table_begin(d, "lrc");
	doc_cell(d, "name");
	doc_cell(d, "n");
	doc_cell(d, "mid");
	doc_row_end(d);
	doc_cell(d, "<i>");
	doc_cellf(d, "%.3f", 1.5);
	doc_cell_begin(d);
	doc_strong(d, "all");
	doc_cell_end(d);
	doc_row_end(d);
	doc_table_end(d);
	doc_code_block(d, "run 'x' > y");
	doc_para(d, "end");
}

static void test_markdown(void **state)
{
	(void)state;
	struct out o;
	open_out(&o, DOC_MARKDOWN, NULL);
	sample(&o.d);
	assert_int_equal(close_out(&o), 0);
	/* Markdown is written as given: no page frame, text unescaped, one
	 * blank line between blocks and none after the last. */
	const char *want = "## Profile `a<b>`\n"
			   "\n"
			   "x & y **\"bold\"** n=42 [PNG](c_d.png) `m.csv`\n"
			   "\n"
			   "- one\n"
			   "- it's\n"
			   "\n"
			   "| name | n | mid |\n"
			   "|---|---:|:---:|\n"
			   "| <i> | 1.500 | **all** |\n"
			   "\n"
			   "```\nrun 'x' > y\n```\n"
			   "\n"
			   "end\n";
	assert_string_equal(o.buf, want);
	free(o.buf);
}

static void test_html(void **state)
{
	(void)state;
	struct out o;
	open_out(&o, DOC_HTML, NULL);
	sample(&o.d);
	assert_int_equal(close_out(&o), 0);
	const char *want[] = {
		"<!DOCTYPE html>\n",
		"Content-Security-Policy",
		"<title>T &lt;&amp;&gt;</title>",
		"<main>\n<h2 id=\"sec\">Profile <code>a&lt;b&gt;</code></h2>\n"
		"<p>x &amp; y <strong>&quot;bold&quot;</strong> n=42 <a href=\"c_d.png\">PNG</a> "
		"<a href=\"m.csv\"><code>m.csv</code></a></p>\n"
		"<ul>\n<li>one</li>\n<li>it&#39;s</li>\n</ul>\n"
		"<table>\n<thead><tr><th>name</th><th class=\"n\">n</th>"
		"<th style=\"text-align:center\">mid</th></tr></thead>\n<tbody>\n"
		"<tr><td>&lt;i&gt;</td><td class=\"n\">1.500</td>"
		"<td style=\"text-align:center\"><strong>all</strong></td></tr>\n"
		"</tbody>\n</table>\n"
		"<pre><code>run &#39;x&#39; &gt; y</code></pre>\n"
		"<p>end</p>\n</main>\n</body>\n</html>\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(o.buf, want[i]))
			fail_msg("the HTML lacks: %s\n--- got:\n%s", want[i], o.buf);
	/* No markup from the text and no Markdown syntax leaks into the page. */
	assert_null(strstr(o.buf, "<i>"));
	assert_null(strstr(o.buf, "<b>"));
	assert_null(strstr(o.buf, "**"));
	assert_null(strstr(o.buf, "```"));
	free(o.buf);
}

/* A long formatted string does not fit the stack buffer: still whole. */
static void test_long_text(void **state)
{
	(void)state;
	char big[1000];
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	struct out o;
	open_out(&o, DOC_MARKDOWN, NULL);
	doc_para_begin(&o.d);
	doc_textf(&o.d, "<%s>", big);
	doc_para_end(&o.d);
	assert_int_equal(close_out(&o), 0);
	assert_int_equal(o.len, sizeof(big) - 1 + 3);
	assert_int_equal(o.buf[0], '<');
	assert_int_equal(o.buf[o.len - 2], '>');
	free(o.buf);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void image_doc(struct doc *d, const char *name)
{
	doc_list_begin(d);
	doc_item_begin(d);
	doc_text(d, "Chart: ");
	doc_image(d, "A <chart>", name);
	doc_item_end(d);
	doc_list_end(d);
}

static void test_image(void **state)
{
	(void)state;
	char dir[] = "/tmp/csumsim-test-doc-XXXXXX";
	assert_non_null(mkdtemp(dir));
	write_text(dir, "c_x.svg",
		   "<?xml version=\"1.0\"?>\n<svg id='gnuplot_canvas'><use href='#gpPt0'/></svg>\n");
	write_text(dir, "evil.svg", "<svg><script>alert(1)</script></svg>\n");

	struct out o;
	open_out(&o, DOC_MARKDOWN, dir);
	image_doc(&o.d, "c_x");
	assert_int_equal(close_out(&o), 0);
	assert_string_equal(o.buf, "- Chart: ![A <chart>](c_x.svg)\n");
	free(o.buf);

	/* Inline, without the XML prolog, ids made unique by the name. */
	open_out(&o, DOC_HTML, dir);
	image_doc(&o.d, "c_x");
	assert_int_equal(close_out(&o), 0);
	if (!strstr(o.buf, "<li>Chart: <figure id=\"fig-c_x\" aria-label=\"A &lt;chart&gt;\">\n"
			   "<svg id='c_x-gnuplot_canvas'><use href='#c_x-gpPt0'/></svg>\n"
			   "</figure></li>\n"))
		fail_msg("no inline figure in:\n%s", o.buf);
	assert_null(strstr(o.buf, "<?xml"));
	free(o.buf);

	/* An image with a script is linked, never embedded. */
	open_out(&o, DOC_HTML, dir);
	image_doc(&o.d, "evil");
	assert_int_equal(close_out(&o), 0);
	assert_null(strstr(o.buf, "<script"));
	assert_non_null(strstr(o.buf, "<a href=\"evil.svg\">"));
	free(o.buf);

	/* A missing image fails the document, saying which. */
	open_out(&o, DOC_HTML, dir);
	image_doc(&o.d, "gone");
	assert_int_equal(close_out(&o), -1);
	assert_non_null(strstr(o.err.msg, "gone.svg"));
	free(o.buf);

	char p[512];
	snprintf(p, sizeof(p), "%s/c_x.svg", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/evil.svg", dir);
	unlink(p);
	rmdir(dir);
}

/* Each misuse: doc_end fails with a message, and nothing is written after
 * it (the HTML page is not even closed). */
static void expect_misuse(enum doc_format fmt, void (*body)(struct doc *), const char *msg)
{
	struct out o;
	open_out(&o, fmt, NULL);
	body(&o.d);
	doc_para(&o.d, "AFTER");
	assert_int_equal(close_out(&o), -1);
	if (!strstr(o.err.msg, msg))
		fail_msg("error '%s', expected '%s'", o.err.msg, msg);
	assert_null(strstr(o.buf, "AFTER"));
	assert_null(strstr(o.buf, "</html>"));
	free(o.buf);
}

static void span_at_top(struct doc *d)
{
	doc_text(d, "x");
}

static void short_row(struct doc *d)
{
	doc_table_begin(d, "lr");
	doc_cell(d, "a");
	doc_row_end(d);
}

static void long_row(struct doc *d)
{
	doc_table_begin(d, "l");
	doc_cell(d, "a");
	doc_cell(d, "b");
}

static void bad_align(struct doc *d)
{
	doc_table_begin(d, "lx");
}

static void image_in_para(struct doc *d)
{
	doc_para_begin(d);
	doc_image(d, "a", "b");
}

static void scheme_link(struct doc *d)
{
	doc_para_begin(d);
	doc_link(d, "x", "javascript:alert(1)");
}

static void nested_block(struct doc *d)
{
	doc_para_begin(d);
	doc_heading_begin(d, 2, NULL);
}

static void bad_level(struct doc *d)
{
	doc_heading_begin(d, 7, NULL);
}

static void header_only_open(struct doc *d)
{
	doc_list_begin(d);
	doc_item_begin(d);
}

static void test_misuse(void **state)
{
	(void)state;
	for (int fmt = DOC_MARKDOWN; fmt <= DOC_HTML; fmt++) {
		expect_misuse(fmt, span_at_top, "text outside a block");
		expect_misuse(fmt, short_row, "fewer cells");
		expect_misuse(fmt, long_row, "more cells");
		expect_misuse(fmt, bad_align, "table alignment");
		expect_misuse(fmt, image_in_para, "image outside a list item");
		expect_misuse(fmt, scheme_link, "only relative links");
		expect_misuse(fmt, nested_block, "heading inside another block");
		expect_misuse(fmt, bad_level, "heading level");
		expect_misuse(fmt, header_only_open, "paragraph inside another block");
	}
	/* A block left open at the end is an error too. */
	struct out o;
	open_out(&o, DOC_MARKDOWN, NULL);
	doc_para_begin(&o.d);
	assert_int_equal(close_out(&o), -1);
	assert_non_null(strstr(o.err.msg, "still open"));
	free(o.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markdown),  cmocka_unit_test(test_html),
		cmocka_unit_test(test_long_text), cmocka_unit_test(test_image),
		cmocka_unit_test(test_misuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
