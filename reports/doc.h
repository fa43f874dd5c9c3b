/* A small document emitter: one set of calls writes the same document as
 * Markdown or as a self-contained HTML page, so a writer describes its
 * sections once (reports/compare_md.c) instead of once per format.
 *
 * A document is a sequence of blocks: headings, paragraphs, bullet lists,
 * tables and code blocks. Headings, paragraphs, list items and table cells
 * hold inline spans: text, code, strong text, links, file names and images.
 *
 * Markdown: blocks are separated by one blank line, text is written as is
 * (the caller keeps it free of markup it does not mean). HTML: every string
 * is escaped (rep_html_text), images are the gnuplot SVGs of the output
 * directory inlined as figures (rep_html_svg), file names are links.
 *
 * Misuse (a span outside a block, a row with the wrong number of cells) and
 * failures (an SVG that cannot be read) are recorded: the first one goes to
 * the error, later calls write nothing and doc_end returns -1. */
#ifndef CSUMSIM_REPORTS_DOC_H
#define CSUMSIM_REPORTS_DOC_H

#include <stddef.h>
#include <stdio.h>

#include "util/err.h"

enum doc_format { DOC_MARKDOWN, DOC_HTML };

/* Where the writer is: what spans may go to and how a block ends. */
enum doc_at { DOC_AT_TOP, DOC_AT_HEADING, DOC_AT_PARA, DOC_AT_LIST, DOC_AT_ITEM,
	      DOC_AT_TABLE, DOC_AT_CELL };

/* A comparison table has a column per variant (32) and one more. */
#define DOC_MAX_COLS 64

struct doc {
	FILE *f;
	enum doc_format fmt;
	const char *dir; /* the output directory: images are NAME.svg there */
	struct cs_err *err;
	int failed;
	unsigned blocks; /* blocks begun so far (Markdown separates them) */
	enum doc_at at;
	int level;       /* of the open heading */
	/* the open table */
	char align[DOC_MAX_COLS + 1]; /* one of l, r, c per column */
	size_t cols, col;
	unsigned rows;   /* rows ended so far; the first is the header */
};

/* Starts a document on f; HTML opens the page (head, style, policy) with
 * that title. dir is where doc_image finds its SVGs (may be NULL when the
 * document has no images). */
void doc_begin(struct doc *d, FILE *f, enum doc_format fmt, const char *dir, const char *title,
	       struct cs_err *err);
/* Closes the page; 0, or -1 after any failure or when a block is still open. */
int doc_end(struct doc *d);

/* Level 1 to 6. id, when not NULL, is the HTML anchor (ignored in Markdown). */
void doc_heading_begin(struct doc *d, int level, const char *id);
void doc_heading_end(struct doc *d);
void doc_para_begin(struct doc *d);
void doc_para_end(struct doc *d);
/* A whole paragraph of plain text. */
void doc_para(struct doc *d, const char *text);

void doc_list_begin(struct doc *d);
void doc_item_begin(struct doc *d);
void doc_item_end(struct doc *d);
void doc_list_end(struct doc *d);

/* align: one character per column, 'l' (Markdown "---"), 'r' ("---:",
 * numbers) or 'c' (":---:"). The first row is the header. */
void doc_table_begin(struct doc *d, const char *align);
void doc_cell_begin(struct doc *d);
/* A cell with an HTML class as well ("pass", "fail", "warn", "na": a colour,
 * reports/html.c); Markdown has no colour, so the text must say it. */
void doc_cell_class_begin(struct doc *d, const char *cls);
void doc_cell_end(struct doc *d);
/* A cell holding only text. */
void doc_cell(struct doc *d, const char *text);
void doc_cellf(struct doc *d, const char *fmt, ...) CS_PRINTF(2, 3);
void doc_row_end(struct doc *d);
void doc_table_end(struct doc *d);

/* A preformatted block (a command line). */
void doc_code_block(struct doc *d, const char *text);

/* Inline spans. */
void doc_text(struct doc *d, const char *text);
void doc_textf(struct doc *d, const char *fmt, ...) CS_PRINTF(2, 3);
void doc_code(struct doc *d, const char *text);
void doc_strong(struct doc *d, const char *text);
void doc_link(struct doc *d, const char *text, const char *href);
/* A file of the output directory: `name` in Markdown, a link to it in HTML. */
void doc_file(struct doc *d, const char *name);
/* The chart dir/NAME.svg: ![alt](NAME.svg) in Markdown, the SVG inline in a
 * <figure> in HTML (so only in list items, where a block may stand). */
void doc_image(struct doc *d, const char *alt, const char *name);

#endif
