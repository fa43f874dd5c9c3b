/* A table described once (columns with units, rows of cells, each with a
 * mark) and written by one renderer to Markdown or HTML through reports/doc.h.
 * A writer fills the model from the metrics; how a mark looks is decided
 * here: in HTML a colour (td.pass, td.fail, td.warn, td.na), in Markdown
 * the words of the cell, which already say "FAIL", "partial" or "n/a". */
#ifndef CSUMSIM_REPORTS_TABLE_H
#define CSUMSIM_REPORTS_TABLE_H

#include <stddef.h>

#include "reports/doc.h"
#include "util/err.h"

enum tbl_mark {
	TBL_PLAIN = 0,
	TBL_PASS,    /* a good answer (crash-consistent, no silent data) */
	TBL_FAIL,    /* a bad one: a contract broken, data lost or wrong */
	TBL_WARN,    /* to be read with care: partial, saturated, refused */
	TBL_NA,      /* nothing to measure: n/a, not measured */
};

#define TBL_TEXT 112
#define TBL_LABEL 64

struct tbl_col {
	char label[TBL_LABEL];
	char unit[24];  /* "" or a unit shown in the header: "us", "MiB/s" */
	char align;     /* 'l', 'r' or 'c' */
};

struct tbl_cell {
	char text[TBL_TEXT];
	char href[TBL_TEXT];    /* "" or a file of the output directory */
	enum tbl_mark mark;
};

struct tbl {
	size_t n_cols, n_rows, cap_rows;
	struct tbl_col col[DOC_MAX_COLS];
	struct tbl_cell *cell;  /* n_rows * n_cols, row-major */
	size_t filled;          /* cells of the last row set so far */
	int failed;             /* misuse or out of memory: render fails */
};

void tbl_init(struct tbl *t);
void tbl_free(struct tbl *t);
/* Columns first, then rows. */
void tbl_col(struct tbl *t, const char *label, const char *unit, char align);
/* Starts a row; its cells follow in column order. */
void tbl_row(struct tbl *t);
void tbl_cell(struct tbl *t, enum tbl_mark mark, const char *fmt, ...) CS_PRINTF(3, 4);
/* A cell that links to a file of the output directory (a reproducer). */
void tbl_cell_link(struct tbl *t, enum tbl_mark mark, const char *href, const char *fmt, ...)
	CS_PRINTF(4, 5);
/* The cell at (row, col), or NULL outside the table (for tests). */
const struct tbl_cell *tbl_at(const struct tbl *t, size_t row, size_t col);
/* Writes the table as one doc table: header "label (unit)", then the rows.
 * 0, or -1 (recorded in the doc too) when the model is incomplete. */
int tbl_render(const struct tbl *t, struct doc *d);

#endif
