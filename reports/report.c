/* report_write: build the whole report in a fresh sibling directory, then
 * swap it in with renames, so a reader never sees a half-written report
 * (the directory handling is shared: reports/outdir.c). */
#include "reports/report_priv.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

int report_write_extra(const char *dir, const struct report_file *f, struct cs_err *err)
{
	const char *slash = strchr(f->name, '/');
	FILE *out;

	if (f->name[0] == '\0' || f->name[0] == '/' || strstr(f->name, "..") != NULL ||
	    (slash != NULL && strchr(slash + 1, '/') != NULL))
		return cs_err_set(err, "report: bad extra file name '%s'", f->name);
	if (slash != NULL) {
		char sub[512];

		if (rep_path(sub, sizeof(sub), dir, f->name, err) != 0)
			return -1;
		sub[strlen(dir) + 1 + (size_t)(slash - f->name)] = '\0';
		if (mkdir(sub, 0777) != 0 && errno != EEXIST)
			return cs_err_set(err, "report: cannot create '%s': %s", sub, strerror(errno));
	}
	out = rep_open(dir, f->name, err);
	if (out == NULL)
		return -1;
	fputs(f->content, out);
	return rep_close(out, f->name, err);
}

static int write_all(const char *dir, const struct report_input *in, struct cs_err *err)
{
	if (rep_write_csv(dir, in, err) || rep_write_json(dir, in, err) ||
	    rep_write_plots(dir, in, err) || rep_write_md(dir, in, err) ||
	    rep_write_html(dir, in, err))
		return -1;
	for (size_t i = 0; i < in->n_extra; i++)
		if (report_write_extra(dir, &in->extra[i], err) != 0)
			return -1;
	return 0;
}

int report_write(const char *out_dir, const struct report_input *in, struct cs_err *err)
{
	if (!out_dir || !*out_dir || !in || !in->run)
		return cs_err_set(err, "report: no output directory or no run metrics");
	struct rep_outdir d;
	if (rep_outdir_begin(&d, out_dir, "report.json", err))
		return -1;
	if (write_all(d.tmp, in, err)) {
		rep_outdir_abort(&d);
		return -1;
	}
	return rep_outdir_commit(&d, err);
}

int report_outdir_check(const char *out_dir, const char *marker, struct cs_err *err)
{
	return rep_outdir_check(out_dir, marker, err);
}
