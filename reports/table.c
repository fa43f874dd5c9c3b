/* The table model of reports/table.h and its one renderer. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/table.h"

void tbl_init(struct tbl *t)
{
	memset(t, 0, sizeof(*t));
}

void tbl_free(struct tbl *t)
{
	free(t->cell);
	tbl_init(t);
}

void tbl_col(struct tbl *t, const char *label, const char *unit, char align)
{
	if (t->n_rows > 0 || t->n_cols >= DOC_MAX_COLS || !strchr("lrc", align) || !align) {
		t->failed = 1;
		return;
	}
	struct tbl_col *c = &t->col[t->n_cols++];
	snprintf(c->label, sizeof(c->label), "%s", label);
	snprintf(c->unit, sizeof(c->unit), "%s", unit ? unit : "");
	c->align = align;
}

void tbl_row(struct tbl *t)
{
	if (t->failed)
		return;
	if (t->n_cols == 0 || (t->n_rows > 0 && t->filled != t->n_cols)) {
		t->failed = 1; /* a row begun before the last one was full */
		return;
	}
	if (t->n_rows == t->cap_rows) {
		size_t cap = t->cap_rows ? 2 * t->cap_rows : 16;
		struct tbl_cell *c = realloc(t->cell, cap * t->n_cols * sizeof(*c));
		if (!c) {
			t->failed = 1;
			return;
		}
		t->cell = c;
		t->cap_rows = cap;
	}
	t->n_rows++;
	t->filled = 0;
}

static struct tbl_cell *next_cell(struct tbl *t)
{
	if (t->failed)
		return NULL;
	if (t->n_rows == 0 || t->filled >= t->n_cols) {
		t->failed = 1;
		return NULL;
	}
	return &t->cell[(t->n_rows - 1) * t->n_cols + t->filled++];
}

static void cell_v(struct tbl *t, enum tbl_mark mark, const char *href, const char *fmt,
		   va_list ap) __attribute__((format(printf, 4, 0)));

static void cell_v(struct tbl *t, enum tbl_mark mark, const char *href, const char *fmt,
		   va_list ap)
{
	struct tbl_cell *c = next_cell(t);

	if (!c)
		return;
	vsnprintf(c->text, sizeof(c->text), fmt, ap);
	snprintf(c->href, sizeof(c->href), "%s", href);
	c->mark = mark;
}

void tbl_cell(struct tbl *t, enum tbl_mark mark, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cell_v(t, mark, "", fmt, ap);
	va_end(ap);
}

void tbl_cell_link(struct tbl *t, enum tbl_mark mark, const char *href, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cell_v(t, mark, href, fmt, ap);
	va_end(ap);
}

const struct tbl_cell *tbl_at(const struct tbl *t, size_t row, size_t col)
{
	if (row >= t->n_rows || col >= t->n_cols || (row + 1 == t->n_rows && col >= t->filled))
		return NULL;
	return &t->cell[row * t->n_cols + col];
}

static const char *mark_class(enum tbl_mark m)
{
	switch (m) {
	case TBL_PASS:
		return "pass";
	case TBL_FAIL:
		return "fail";
	case TBL_WARN:
		return "warn";
	case TBL_NA:
		return "na";
	default:
		return NULL;
	}
}

int tbl_render(const struct tbl *t, struct doc *d)
{
	if (t->failed || t->n_cols == 0 || (t->n_rows > 0 && t->filled != t->n_cols)) {
		if (!d->failed)
			cs_err_set(d->err, "table: incomplete model (a row short of cells, or out "
					   "of memory)");
		d->failed = 1;
		return -1;
	}
	char align[DOC_MAX_COLS + 1];
	for (size_t i = 0; i < t->n_cols; i++)
		align[i] = t->col[i].align;
	align[t->n_cols] = '\0';
	doc_table_begin(d, align);
	for (size_t i = 0; i < t->n_cols; i++) {
		if (t->col[i].unit[0])
			doc_cellf(d, "%s (%s)", t->col[i].label, t->col[i].unit);
		else
			doc_cell(d, t->col[i].label);
	}
	doc_row_end(d);
	for (size_t r = 0; r < t->n_rows; r++) {
		for (size_t i = 0; i < t->n_cols; i++) {
			const struct tbl_cell *c = &t->cell[r * t->n_cols + i];
			assert(c->mark <= TBL_NA);
			doc_cell_class_begin(d, mark_class(c->mark));
			if (c->href[0])
				doc_link(d, c->text, c->href);
			else
				doc_text(d, c->text);
			doc_cell_end(d);
		}
		doc_row_end(d);
	}
	doc_table_end(d);
	return d->failed ? -1 : 0;
}
