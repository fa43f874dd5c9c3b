/* JSON builders shared by report.json and compare.json. */
#include <math.h>
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

json_t *jb_u64(struct jb *b, uint64_t v)
{
	/* json_int_t is signed 64-bit; nothing we count gets near 2^63. */
	if (v > (uint64_t)INT64_MAX)
		return jb_chk(b, json_null());
	return jb_chk(b, json_integer((json_int_t)v));
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

int jb_write(struct jb *b, json_t *root, const char *dir, const char *name,
	     struct cs_err *err)
{
	char *text = NULL;
	if (!b->oom)
		text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
						JSON_REAL_PRECISION(10) | JSON_ENSURE_ASCII);
	json_decref(root);
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
