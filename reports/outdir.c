/* An output directory written atomically, shared by every writer in reports/:
 * files go to a fresh sibling temp dir, which replaces the target by rename
 * only when complete, so a reader never sees half an output. */
#include <dirent.h>
#include <errno.h>
#include <fiu-local.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/report_priv.h"

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

/* Remove a directory tree we created (or a previous output we replace). */
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

/* 0: absent; 1: an empty directory or a previous output (holds marker);
 * -1: error set. */
static int check_target(const char *out, const char *marker, struct cs_err *err)
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
	int entries = 0, is_ours = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		entries++;
		if (!strcmp(e->d_name, marker))
			is_ours = 1;
	}
	closedir(d);
	if (entries && !is_ours)
		return cs_err_set(err,
				  "report: %s exists, is not empty and holds no %s; "
				  "refusing to replace it",
				  out, marker);
	return 1;
}

int rep_outdir_begin(struct rep_outdir *d, const char *out_dir, const char *marker,
		     struct cs_err *err)
{
	size_t len = strlen(out_dir);
	if (len >= sizeof(d->out) - 32)
		return cs_err_set(err, "report: output path too long: %s", out_dir);
	memcpy(d->out, out_dir, len + 1);
	while (len > 1 && d->out[len - 1] == '/')
		d->out[--len] = '\0';

	d->exists = check_target(d->out, marker, err);
	if (d->exists < 0)
		return -1;

	int n = snprintf(d->tmp, sizeof(d->tmp), "%s.tmp-XXXXXX", d->out);
	if (n < 0 || (size_t)n >= sizeof(d->tmp))
		return cs_err_set(err, "report: output path too long: %s", d->out);
	if (!mkdtemp(d->tmp))
		return cs_err_set(err, "report: cannot create a directory next to %s: %s", d->out,
				  strerror(errno));
	/* mkdtemp makes it 0700; an output is for everyone who can see its parent. */
	mode_t mask = umask(0);
	umask(mask);
	chmod(d->tmp, 0777 & ~mask);
	return 0;
}

void rep_outdir_abort(struct rep_outdir *d)
{
	rm_tree(d->tmp);
}

/* Move the finished tmp dir to out, replacing an existing out. */
static int swap_in(const char *tmp, const char *out, int exists, struct cs_err *err)
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
		rename(old, out); /* put the old output back */
		return cs_err_set(err, "report: cannot rename %s to %s: %s", tmp, out,
				  strerror(e));
	}
	rm_tree(old); /* the new output is in place; a leftover is only clutter */
	return 0;
}

int rep_outdir_commit(struct rep_outdir *d, struct cs_err *err)
{
	if (swap_in(d->tmp, d->out, d->exists, err)) {
		rep_outdir_abort(d);
		return -1;
	}
	return 0;
}
