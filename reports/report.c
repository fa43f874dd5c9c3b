/* report_write: build the whole report in a fresh sibling directory, then
 * swap it in with renames, so a reader never sees a half-written report
 * (the directory handling is shared: reports/outdir.c). */
#include "reports/report_priv.h"

static int write_all(const char *dir, const struct report_input *in, struct cs_err *err)
{
	if (rep_write_csv(dir, in, err) || rep_write_json(dir, in, err) ||
	    rep_write_plots(dir, in, err) || rep_write_md(dir, in, err))
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
