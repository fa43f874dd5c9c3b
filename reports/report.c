/* report_write: build the whole report in a fresh sibling directory, then
 * swap it in with renames, so a reader never sees a half-written report. */
#include <dirent.h>
#include <errno.h>
#include <fiu-local.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/report_priv.h"

#define REP_PATH_MAX 4096

int rep_path(char *buf, size_t size, const char *dir, const char *name, struct cs_err *err)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= size)
		return cs_err_set(err, "report: path too long: %s/%s", dir, name);
	return 0;
}

FILE *rep_open(const char *dir, const char *name, struct cs_err *err)
{
	char path[REP_PATH_MAX];
	if (rep_path(path, sizeof(path), dir, name, err))
		return NULL;
	FILE *f = fopen(path, "w");
	if (!f)
		cs_err_set(err, "report: cannot create %s: %s", name, strerror(errno));
	return f;
}

int rep_close(FILE *f, const char *name, struct cs_err *err)
{
	int bad = ferror(f);
	int saved = bad ? errno : 0;
	/* Test hook: a write that fails halfway (disk full). */
	fiu_do_on("reports/write", { bad = 1; saved = ENOSPC; });
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	if (bad)
		return cs_err_set(err, "report: cannot write %s: %s", name,
				  strerror(saved ? saved : EIO));
	return 0;
}

/* Remove a directory tree we created (or a previous report we replace). */
static int rm_tree(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char sub[REP_PATH_MAX];
		int n = snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (n < 0 || (size_t)n >= sizeof(sub)) {
			rc = -1;
			continue;
		}
		struct stat st;
		if (lstat(sub, &st) != 0) {
			rc = -1;
			continue;
		}
		if (S_ISDIR(st.st_mode) ? rm_tree(sub) : unlink(sub))
			rc = -1;
	}
	closedir(d);
	if (rmdir(path) != 0)
		rc = -1;
	return rc;
}

/* 0: absent; 1: an empty directory or a previous report; -1: error set. */
static int check_target(const char *out, struct cs_err *err)
{
	struct stat st;
	if (lstat(out, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return cs_err_set(err, "report: cannot inspect %s: %s", out, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return cs_err_set(err, "report: %s exists and is not a directory", out);
	DIR *d = opendir(out);
	if (!d)
		return cs_err_set(err, "report: cannot read %s: %s", out, strerror(errno));
	int entries = 0, is_report = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		entries++;
		if (!strcmp(e->d_name, "report.json"))
			is_report = 1;
	}
	closedir(d);
	if (entries && !is_report)
		return cs_err_set(err,
				  "report: %s exists, is not empty and holds no report.json; "
				  "refusing to replace it",
				  out);
	return 1;
}

static int write_all(const char *dir, const struct report_input *in, struct cs_err *err)
{
	if (rep_write_csv(dir, in, err) || rep_write_json(dir, in, err) ||
	    rep_write_plots(dir, in, err) || rep_write_md(dir, in, err))
		return -1;
	return 0;
}

/* Move the finished tmp dir to out, replacing an existing out (exists = 1). */
static int commit(const char *tmp, const char *out, int exists, struct cs_err *err)
{
	int fail_rename = 0;
	fiu_do_on("reports/rename", fail_rename = 1);
	if (!exists) {
		if (fail_rename || rename(tmp, out) != 0)
			return cs_err_set(err, "report: cannot rename %s to %s: %s", tmp, out,
					  strerror(fail_rename ? EIO : errno));
		return 0;
	}
	char old[REP_PATH_MAX + 16];
	int n = snprintf(old, sizeof(old), "%s.old-XXXXXX", out);
	if (n < 0 || (size_t)n >= sizeof(old))
		return cs_err_set(err, "report: path too long: %s", out);
	if (!mkdtemp(old))
		return cs_err_set(err, "report: cannot create a directory next to %s: %s", out,
				  strerror(errno));
	/* A directory may be renamed over an empty one. */
	if (rename(out, old) != 0) {
		int e = errno;
		rmdir(old);
		return cs_err_set(err, "report: cannot move the old %s aside: %s", out,
				  strerror(e));
	}
	if (fail_rename || rename(tmp, out) != 0) {
		int e = fail_rename ? EIO : errno;
		rename(old, out); /* put the old report back */
		return cs_err_set(err, "report: cannot rename %s to %s: %s", tmp, out,
				  strerror(e));
	}
	rm_tree(old); /* the new report is in place; a leftover is only clutter */
	return 0;
}

int report_write(const char *out_dir, const struct report_input *in, struct cs_err *err)
{
	if (!out_dir || !*out_dir || !in || !in->run)
		return cs_err_set(err, "report: no output directory or no run metrics");
	char out[REP_PATH_MAX];
	size_t len = strlen(out_dir);
	if (len >= sizeof(out) - 32)
		return cs_err_set(err, "report: output path too long: %s", out_dir);
	memcpy(out, out_dir, len + 1);
	while (len > 1 && out[len - 1] == '/')
		out[--len] = '\0';

	int exists = check_target(out, err);
	if (exists < 0)
		return -1;

	char tmp[REP_PATH_MAX + 16];
	int n = snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", out);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return cs_err_set(err, "report: output path too long: %s", out);
	if (!mkdtemp(tmp))
		return cs_err_set(err, "report: cannot create a directory next to %s: %s", out,
				  strerror(errno));
	/* mkdtemp makes it 0700; a report is for everyone who can see its parent. */
	mode_t mask = umask(0);
	umask(mask);
	chmod(tmp, 0777 & ~mask);

	if (write_all(tmp, in, err) || commit(tmp, out, exists, err)) {
		rm_tree(tmp);
		return -1;
	}
	return 0;
}
