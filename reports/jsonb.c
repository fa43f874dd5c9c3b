/* JSON builders shared by report.json and compare.json. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/jsonb.h"
#include "reports/report_priv.h"

json_t *jb_chk(struct jb *b, json_t *v)
{
	if (!v)
		b->oom = 1;
	return v;
}

void jb_put(struct jb *b, json_t *obj, const char *key, json_t *v)
{
	if (!obj || !v || json_object_set_new(obj, key, v) != 0) {
		b->oom = 1;
		json_decref(v);
	}
}

void jb_push(struct jb *b, json_t *arr, json_t *v)
{
	if (!arr || !v || json_array_append_new(arr, v) != 0) {
		b->oom = 1;
		json_decref(v);
	}
}

/* json_int_t is signed 64-bit, but a seed may be any uint64: a value above
 * INT64_MAX goes in as a marked string that jb_write turns back into a bare
 * number (YAML input cannot hold the \x01 of the mark). */
#define BIG_MARK "\x01u64:"
#define BIG_MARK_DUMPED "\"\\u0001u64:"

json_t *jb_u64(struct jb *b, uint64_t v)
{
	char text[32];

	if (v <= (uint64_t)INT64_MAX)
		return jb_chk(b, json_integer((json_int_t)v));
	snprintf(text, sizeof(text), BIG_MARK "%" PRIu64, v);
	return jb_chk(b, json_string(text));
}

/* Each "\u0001u64:DIGITS" in the dumped text becomes DIGITS, in place. */
static void unmark_big(char *text)
{
	size_t mlen = strlen(BIG_MARK_DUMPED);
	char *p, *w = text, *r = text;

	while ((p = strstr(r, BIG_MARK_DUMPED)) != NULL) {
		char *end = strchr(p + mlen, '"');

		if (end == NULL)
			break;
		memmove(w, r, (size_t)(p - r));
		w += p - r;
		memmove(w, p + mlen, (size_t)(end - (p + mlen)));
		w += end - (p + mlen);
		r = end + 1;
	}
	memmove(w, r, strlen(r) + 1);
}

json_t *jb_real(struct jb *b, double v)
{
	if (!isfinite(v))
		return jb_chk(b, json_null());
	return jb_chk(b, json_real(v));
}

json_t *jb_str(struct jb *b, const char *s)
{
	if (!s)
		s = "";
	json_t *v = json_string(s);
	if (v)
		return v;
	/* Not UTF-8 (a trace name in Latin-1, say): keep ASCII, mark the rest. */
	char *copy = strdup(s);
	if (!copy)
		return jb_chk(b, NULL);
	for (char *c = copy; *c; c++)
		if ((unsigned char)*c >= 0x80)
			*c = '?';
	v = json_string(copy);
	free(copy);
	return jb_chk(b, v);
}

json_t *jb_strn(struct jb *b, const char *s, size_t n)
{
	char *copy = strndup(s, n);
	json_t *v;

	if (!copy)
		return jb_chk(b, NULL);
	v = jb_str(b, copy);
	free(copy);
	return v;
}

json_t *jb_obj(struct jb *b)
{
	return jb_chk(b, json_object());
}

json_t *jb_arr(struct jb *b)
{
	return jb_chk(b, json_array());
}

json_t *jb_null(struct jb *b)
{
	return jb_chk(b, json_null());
}

char *jb_dumps(struct jb *b, json_t *root)
{
	char *text = NULL;

	if (!b->oom)
		text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
						JSON_REAL_PRECISION(10) | JSON_ENSURE_ASCII);
	json_decref(root);
	if (text != NULL)
		unmark_big(text);
	return text;
}

int jb_write(struct jb *b, json_t *root, const char *dir, const char *name,
	     struct cs_err *err)
{
	char *text = jb_dumps(b, root);

	if (!text)
		return cs_err_set(err, "report: out of memory building %s", name);
	FILE *f = rep_open(dir, name, err);
	if (!f) {
		free(text);
		return -1;
	}
	fputs(text, f);
	fputc('\n', f);
	free(text);
	return rep_close(f, name, err);
}
