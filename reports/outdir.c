/* An output directory written atomically, shared by every writer in reports/:
 * files go to a fresh sibling temp dir, which replaces the target by rename
 * only when complete, so a reader never sees half an output. Leftovers of a
 * killed run are handled in reports/outdir_leftovers.c. */
#define _GNU_SOURCE /* renameat2 */
#include <assert.h>
#include <dirent.h>
#include <fcntl.h>
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
int rep_rm_tree(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		/* the writer note goes last: a removal cut short by a kill still
		 * says whose leftover it is */
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, REP_OWNER_NOTE))
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
		if (S_ISDIR(st.st_mode) ? rep_rm_tree(sub) : unlink(sub))
			rc = -1;
	}
	closedir(d);
	if (rep_owner_drop(path, NULL) != 0 || rmdir(path) != 0)
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
	int holds = rep_dir_holds(out, marker);
	if (holds < 0)
		return cs_err_set(err, "report: cannot read %s: %s", out, strerror(errno));
	if (holds == REP_HOLDS_OTHER)
		return cs_err_set(err,
				  "report: %s exists, is not empty and holds no %s; "
				  "refusing to replace it",
				  out, marker);
	return 1;
}

/* "a/b/c" -> "a/b", "c" -> ".", "/c" -> "/". */
static void up(char *dir, size_t size)
{
	char *slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, size, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
}

int report_writable_place(const char *dir, struct cs_err *err)
{
	char d[REP_PATH_MAX];
	if (snprintf(d, sizeof(d), "%s", dir) >= (int)sizeof(d))
		return cs_err_set(err, "path too long: %s", dir);
	for (;;) {
		struct stat st;
		if (stat(d, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				return cs_err_set(err, "'%s' is not a directory", d);
			if (access(d, W_OK | X_OK) != 0)
				return cs_err_set(err, "cannot write in '%s': %s", d,
						  strerror(errno));
			return 0;
		}
		if (errno != ENOENT || !strcmp(d, ".") || !strcmp(d, "/"))
			return cs_err_set(err, "cannot inspect '%s': %s", d, strerror(errno));
		up(d, sizeof(d));
	}
}

/* The directory that will hold out must be writable (or be made under a
 * writable one). */
static int check_parent(const char *out, struct cs_err *err)
{
	char dir[REP_PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", out);
	up(dir, sizeof(dir));
	return report_writable_place(dir, err);
}

static int set_out(struct rep_outdir *d, const char *out_dir, struct cs_err *err)
{
	size_t len = strlen(out_dir);
	if (len == 0 || !strcmp(out_dir, "-"))
		return cs_err_set(err, "report: '%s' is not a directory name (the output is "
				       "several files)", out_dir);
	if (len >= sizeof(d->out) - 32)
		return cs_err_set(err, "report: output path too long: %s", out_dir);
	memcpy(d->out, out_dir, len + 1);
	while (len > 1 && d->out[len - 1] == '/')
		d->out[--len] = '\0';
	return 0;
}

int rep_outdir_check(const char *out_dir, const char *marker, struct cs_err *err)
{
	struct rep_outdir d;
	if (set_out(&d, out_dir, err))
		return -1;
	rep_leftovers_clean(d.out, marker);
	if (check_target(d.out, marker, err) < 0)
		return -1;
	return check_parent(d.out, err);
}

int rep_outdir_begin(struct rep_outdir *d, const char *out_dir, const char *marker,
		     struct cs_err *err)
{
	if (set_out(d, out_dir, err))
		return -1;
	rep_leftovers_clean(d->out, marker);
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
	/* Who is writing it: a later run removes it once that process is gone. */
	if (rep_owner_write(d->tmp, err)) {
		rep_rm_tree(d->tmp);
		return -1;
	}
	return 0;
}

void rep_outdir_abort(struct rep_outdir *d)
{
	rep_rm_tree(d->tmp);
}

/* The old two-step swap, for file systems without RENAME_EXCHANGE: a kill
 * between the renames leaves OUT.old-* holding the previous output, which
 * the next run puts back (reports/outdir_leftovers.c). */
static int swap_two_renames(const char *tmp, const char *out, struct cs_err *err)
{
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
	if (rename(tmp, out) != 0) {
		int e = errno;
		rename(old, out); /* put the old output back */
		return cs_err_set(err, "report: cannot rename %s to %s: %s", tmp, out,
				  strerror(e));
	}
	rep_rm_tree(old); /* the new output is in place; a leftover is only clutter */
	return 0;
}

/* Move the finished tmp dir to out, replacing an existing out. With
 * RENAME_EXCHANGE the two trade places in one step, so `out` exists at every
 * instant; tmp then holds the old output, removed after. */
static int swap_in(const char *tmp, const char *out, int exists, struct cs_err *err)
{
	int fail_rename = 0;
	fiu_do_on("reports/rename", fail_rename = 1);
	if (fail_rename)
		return cs_err_set(err, "report: cannot rename %s to %s: %s", tmp, out,
				  strerror(EIO));
	if (!exists) {
		if (rename(tmp, out) != 0)
			return cs_err_set(err, "report: cannot rename %s to %s: %s", tmp, out,
					  strerror(errno));
		return 0;
	}
	/* Test hook: a file system without RENAME_EXCHANGE. */
	int no_exchange = 0;
	fiu_do_on("reports/no_exchange", no_exchange = 1);
	if (no_exchange)
		return swap_two_renames(tmp, out, err);
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_EXCHANGE) == 0) {
		/* tmp now holds the old output: marked ours before it goes, so a
		 * kill while removing it leaves something the next run removes */
		rep_owner_write(tmp, NULL);
		rep_rm_tree(tmp);
		return 0;
	}
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return cs_err_set(err, "report: cannot swap %s with %s: %s", tmp, out,
				  strerror(errno));
	return swap_two_renames(tmp, out, err);
}

int rep_outdir_commit(struct rep_outdir *d, struct cs_err *err)
{
	/* begun: a temp dir next to out, never out itself */
	assert(d->tmp[0] != '\0' && strcmp(d->tmp, d->out) != 0);
	/* The output must not carry the owner note of its writer. */
	if (rep_owner_drop(d->tmp, err) || swap_in(d->tmp, d->out, d->exists, err)) {
		rep_outdir_abort(d);
		return -1;
	}
	return 0;
}
