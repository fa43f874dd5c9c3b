/* The document emitter of reports/doc.h: Markdown and HTML backends. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "reports/doc.h"
#include "reports/report_priv.h"

static int html(const struct doc *d)
{
	return d->fmt == DOC_HTML;
}

/* The first problem wins: it is the one worth reading. */
static void misuse(struct doc *d, const char *what)
{
	if (!d->failed)
		cs_err_set(d->err, "document: %s", what);
	d->failed = 1;
}

static int ok_at(struct doc *d, enum doc_at want, const char *what)
{
	if (d->failed)
		return 0;
	if (d->at != want) {
		misuse(d, what);
		return 0;
	}
	return 1;
}

/* Every top-level block starts here; Markdown needs the blank line between
 * blocks or two paragraphs would run together. */
static int block(struct doc *d, const char *what)
{
	if (!ok_at(d, DOC_AT_TOP, what))
		return 0;
	if (!html(d) && d->blocks > 0)
		fputc('\n', d->f);
	d->blocks++;
	return 1;
}

static int in_span(struct doc *d, const char *what)
{
	if (d->failed)
		return 0;
	if (d->at != DOC_AT_HEADING && d->at != DOC_AT_PARA && d->at != DOC_AT_ITEM &&
	    d->at != DOC_AT_CELL) {
		misuse(d, what);
		return 0;
	}
	return 1;
}

static void put(struct doc *d, const char *s)
{
	if (html(d)) {
		rep_html_text(d->f, s);
		return;
	}
	if (d->at != DOC_AT_CELL) {
		fputs(s, d->f);
		return;
	}
	/* A '|' or a line break would end a Markdown cell early. */
	for (; *s; s++)
		fputc(*s == '|' || *s == '\n' ? '/' : *s, d->f);
}

/* Formatted into buf when it fits, else into memory the caller frees
 * (the result differs from buf); NULL when out of memory. */
/* The format attribute makes clang check vformat's callers' formats
 * (they carry their own printf attribute) instead of refusing the
 * non-literal here under -Wformat-nonliteral. */
__attribute__((format(printf, 3, 0)))
static char *vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(buf, size, fmt, ap);
	char *s = NULL;
	if (n >= 0 && (size_t)n < size) {
		s = buf;
	} else if (n >= 0) {
		s = malloc((size_t)n + 1);
		if (s)
			vsnprintf(s, (size_t)n + 1, fmt, again);
	}
	va_end(again);
	return s;
}

void doc_begin(struct doc *d, FILE *f, enum doc_format fmt, const char *dir, const char *title,
	       struct cs_err *err)
{
	memset(d, 0, sizeof(*d));
	d->f = f;
	d->fmt = fmt;
	d->dir = dir;
	d->err = err;
	d->at = DOC_AT_TOP;
	if (html(d))
		rep_html_begin(f, title ? title : "");
}

int doc_end(struct doc *d)
{
	if (ok_at(d, DOC_AT_TOP, "a block is still open at the end") && html(d))
		rep_html_end(d->f);
	return d->failed ? -1 : 0;
}

/* ---- blocks ---- */

void doc_heading_begin(struct doc *d, int level, const char *id)
{
	if (level < 1 || level > 6) {
		misuse(d, "heading level out of 1..6");
		return;
	}
	if (!block(d, "heading inside another block"))
		return;
	d->at = DOC_AT_HEADING;
	d->level = level;
	if (!html(d)) {
		for (int i = 0; i < level; i++)
			fputc('#', d->f);
		fputc(' ', d->f);
		return;
	}
	fprintf(d->f, "<h%d", level);
	if (id) {
		fputs(" id=\"", d->f);
		rep_html_text(d->f, id);
		fputc('"', d->f);
	}
	fputc('>', d->f);
}

void doc_heading_end(struct doc *d)
{
	if (!ok_at(d, DOC_AT_HEADING, "heading end without a heading"))
		return;
	if (html(d))
		fprintf(d->f, "</h%d>\n", d->level);
	else
		fputc('\n', d->f);
	d->at = DOC_AT_TOP;
}

void doc_para_begin(struct doc *d)
{
	if (!block(d, "paragraph inside another block"))
		return;
	d->at = DOC_AT_PARA;
	if (html(d))
		fputs("<p>", d->f);
}

void doc_para_end(struct doc *d)
{
	if (!ok_at(d, DOC_AT_PARA, "paragraph end without a paragraph"))
		return;
	fputs(html(d) ? "</p>\n" : "\n", d->f);
	d->at = DOC_AT_TOP;
}

void doc_para(struct doc *d, const char *text)
{
	doc_para_begin(d);
	doc_text(d, text);
	doc_para_end(d);
}

void doc_list_begin(struct doc *d)
{
	if (!block(d, "list inside another block"))
		return;
	d->at = DOC_AT_LIST;
	if (html(d))
		fputs("<ul>\n", d->f);
}

void doc_item_begin(struct doc *d)
{
	if (!ok_at(d, DOC_AT_LIST, "list item outside a list"))
		return;
	fputs(html(d) ? "<li>" : "- ", d->f);
	d->at = DOC_AT_ITEM;
}

void doc_item_end(struct doc *d)
{
	if (!ok_at(d, DOC_AT_ITEM, "list item end without an item"))
		return;
	fputs(html(d) ? "</li>\n" : "\n", d->f);
	d->at = DOC_AT_LIST;
}

void doc_list_end(struct doc *d)
{
	if (!ok_at(d, DOC_AT_LIST, "list end without a list"))
		return;
	if (html(d))
		fputs("</ul>\n", d->f);
	d->at = DOC_AT_TOP;
}

void doc_table_begin(struct doc *d, const char *align)
{
	size_t n = align ? strlen(align) : 0;
	if (n == 0 || n > DOC_MAX_COLS || strspn(align, "lrc") != n) {
		misuse(d, "table alignment: one l, r or c per column, at most DOC_MAX_COLS");
		return;
	}
	if (!block(d, "table inside another block"))
		return;
	memcpy(d->align, align, n + 1);
	d->cols = n;
	d->col = 0;
	d->rows = 0;
	d->at = DOC_AT_TABLE;
	if (html(d))
		fputs("<table>\n<thead><tr>", d->f);
}

void doc_cell_begin(struct doc *d)
{
	doc_cell_class_begin(d, NULL);
}

void doc_cell_class_begin(struct doc *d, const char *cls)
{
	if (!ok_at(d, DOC_AT_TABLE, "cell outside a table row"))
		return;
	if (d->col >= d->cols) {
		misuse(d, "more cells in a row than the table has columns");
		return;
	}
	d->at = DOC_AT_CELL;
	if (!html(d)) {
		fputs(d->col == 0 ? "| " : " ", d->f);
		return;
	}
	/* The header row was opened with the table; body rows open here. */
	if (d->rows > 0 && d->col == 0)
		fputs("<tr>", d->f);
	fputs(d->rows == 0 ? "<th" : "<td", d->f);
	const char *n = d->align[d->col] == 'r' ? "n" : NULL;
	if (n || cls) {
		fputs(" class=\"", d->f);
		if (n)
			fputs(n, d->f);
		if (cls) {
			fputs(n ? " " : "", d->f);
			rep_html_text(d->f, cls);
		}
		fputc('"', d->f);
	}
	if (d->align[d->col] == 'c')
		fputs(" style=\"text-align:center\"", d->f);
	fputc('>', d->f);
}

void doc_cell_end(struct doc *d)
{
	if (!ok_at(d, DOC_AT_CELL, "cell end without a cell"))
		return;
	if (html(d))
		fputs(d->rows == 0 ? "</th>" : "</td>", d->f);
	else
		fputs(" |", d->f);
	d->col++;
	d->at = DOC_AT_TABLE;
}

void doc_cell(struct doc *d, const char *text)
{
	doc_cell_begin(d);
	doc_text(d, text);
	doc_cell_end(d);
}

void doc_cellf(struct doc *d, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	char *s = vformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!s) {
		misuse(d, "out of memory");
		return;
	}
	doc_cell(d, s);
	if (s != buf)
		free(s);
}

void doc_row_end(struct doc *d)
{
	if (!ok_at(d, DOC_AT_TABLE, "row end outside a table"))
		return;
	if (d->col != d->cols) {
		misuse(d, "fewer cells in a row than the table has columns");
		return;
	}
	if (html(d)) {
		fputs(d->rows == 0 ? "</tr></thead>\n<tbody>\n" : "</tr>\n", d->f);
	} else {
		fputc('\n', d->f);
		if (d->rows == 0) {
			fputc('|', d->f);
			for (size_t i = 0; i < d->cols; i++)
				fputs(d->align[i] == 'r'   ? "---:|"
				      : d->align[i] == 'c' ? ":---:|"
							   : "---|",
				      d->f);
			fputc('\n', d->f);
		}
	}
	d->rows++;
	d->col = 0;
}

void doc_table_end(struct doc *d)
{
	if (!ok_at(d, DOC_AT_TABLE, "table end outside a table"))
		return;
	if (d->rows == 0 || d->col != 0) {
		misuse(d, "table ends without a header row or inside a row");
		return;
	}
	if (html(d))
		fputs("</tbody>\n</table>\n", d->f);
	d->at = DOC_AT_TOP;
}

void doc_code_block(struct doc *d, const char *text)
{
	if (!block(d, "code block inside another block"))
		return;
	if (html(d)) {
		fputs("<pre><code>", d->f);
		rep_html_text(d->f, text);
		fputs("</code></pre>\n", d->f);
	} else {
		fprintf(d->f, "```\n%s\n```\n", text);
	}
}

/* ---- spans ---- */

void doc_text(struct doc *d, const char *text)
{
	if (in_span(d, "text outside a block"))
		put(d, text);
}

void doc_textf(struct doc *d, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	char *s = vformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!s) {
		misuse(d, "out of memory");
		return;
	}
	doc_text(d, s);
	if (s != buf)
		free(s);
}

static void wrap(struct doc *d, const char *md, const char *open, const char *close,
		 const char *text)
{
	if (!in_span(d, "inline span outside a block"))
		return;
	fputs(html(d) ? open : md, d->f);
	put(d, text);
	fputs(html(d) ? close : md, d->f);
}

void doc_code(struct doc *d, const char *text)
{
	wrap(d, "`", "<code>", "</code>", text);
}

void doc_strong(struct doc *d, const char *text)
{
	wrap(d, "**", "<strong>", "</strong>", text);
}

/* Only links within the output directory: a scheme (javascript:, http:)
 * would make the offline page run or fetch something. */
static int relative(const char *href)
{
	size_t stop = strcspn(href, "/?#");
	const char *colon = strchr(href, ':');
	return *href && (!colon || (size_t)(colon - href) > stop);
}

void doc_link(struct doc *d, const char *text, const char *href)
{
	if (!in_span(d, "link outside a block"))
		return;
	if (!relative(href)) {
		misuse(d, "only relative links");
		return;
	}
	if (!html(d)) {
		fprintf(d->f, "[%s](%s)", text, href);
		return;
	}
	fputs("<a href=\"", d->f);
	rep_html_text(d->f, href);
	fputs("\">", d->f);
	rep_html_text(d->f, text);
	fputs("</a>", d->f);
}

void doc_file(struct doc *d, const char *name)
{
	if (!in_span(d, "file name outside a block"))
		return;
	if (!html(d)) {
		wrap(d, "`", "", "", name);
		return;
	}
	if (!relative(name)) {
		misuse(d, "only relative links");
		return;
	}
	fputs("<a href=\"", d->f);
	rep_html_text(d->f, name);
	fputs("\"><code>", d->f);
	rep_html_text(d->f, name);
	fputs("</code></a>", d->f);
}

void doc_image(struct doc *d, const char *alt, const char *name)
{
	/* A <figure> is a block: in HTML it may stand in a list item, not in a
	 * paragraph, heading or cell; both formats refuse it there alike. */
	if (!ok_at(d, DOC_AT_ITEM, "image outside a list item"))
		return;
	if (!html(d)) {
		fprintf(d->f, "![%s](%s.svg)", alt, name);
		return;
	}
	if (!d->dir) {
		misuse(d, "image without an output directory");
		return;
	}
	fputs("<figure id=\"fig-", d->f);
	rep_html_text(d->f, name);
	fputs("\" aria-label=\"", d->f);
	rep_html_text(d->f, alt);
	fputs("\">\n", d->f);
	if (rep_html_svg(d->f, d->dir, name, d->err)) {
		d->failed = 1; /* rep_html_svg said why */
		return;
	}
	fputs("</figure>", d->f);
}
