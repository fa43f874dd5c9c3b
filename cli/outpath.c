/* Output paths, checked before any work, and single-file outputs written
 * whole or not at all (convert -o, check --tap / --junit). */
#include <assert.h>
#include <errno.h>
#include <fiu-local.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/outpath.h"
#include "reports/report.h"

int cli_check_outdir(const char *opt, const char *dir, const char *marker, struct cs_err *err)
{
	struct cs_err e = { { 0 } };

	if (report_outdir_check(dir, marker, &e) != 0)
		return cs_err_set(err, "option '%s': %s", opt, e.msg);
	return 0;
}

static const char *kind_of(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device node";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/* path is absent or a regular file (never followed: a symlink is refused). */
static int check_target(const char *opt, const char *path, struct cs_err *err)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return cs_err_set(err, "option '%s': cannot inspect '%s': %s", opt, path,
				  strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return cs_err_set(err, "option '%s': '%s' is %s; refusing to replace it (give "
				       "the path of a regular file)",
				  opt, path, kind_of(st.st_mode));
	return 0;
}

static int writable_ancestor(const char *opt, const char *dir, struct cs_err *err)
{
	struct cs_err e = { { 0 } };

	if (report_writable_place(dir, &e) != 0)
		return cs_err_set(err, "option '%s': %s", opt, e.msg);
	return 0;
}

static int is_name(const char *opt, const char *path, struct cs_err *err)
{
	if (path[0] == '\0' || !strcmp(path, "-"))
		return cs_err_set(err, "option '%s': '%s' is not a %s name", opt, path,
				  strcmp(opt, "-o") ? "file" : "directory");
	if (strlen(path) >= CLI_OUT_PATH_MAX - 32)
		return cs_err_set(err, "option '%s': path too long", opt);
	return 0;
}

int cli_check_outfile(const char *opt, const char *path, struct cs_err *err)
{
	char parent[CLI_OUT_PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (is_name(opt, path, err) != 0 || check_target(opt, path, err) != 0)
		return -1;
	if (slash == NULL)
		snprintf(parent, sizeof(parent), ".");
	else
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash == path ? 1 : slash - path),
			 path);
	return writable_ancestor(opt, parent, err);
}

int cli_check_outparent(const char *opt, const char *dir, struct cs_err *err)
{
	if (is_name(opt, dir, err) != 0)
		return -1;
	return writable_ancestor(opt, dir, err);
}

int cli_outfile_open(struct cli_outfile *o, const char *opt, const char *path,
		     struct cs_err *err)
{
	mode_t mask;
	int fd;

	memset(o, 0, sizeof(*o));
	o->opt = opt;
	if (cli_check_outfile(opt, path, err) != 0 || cli_make_parents(path, err) != 0)
		return -1;
	snprintf(o->path, sizeof(o->path), "%s", path);
	snprintf(o->tmp, sizeof(o->tmp), "%s.tmp-XXXXXX", path);
	fd = mkstemp(o->tmp);
	if (fd < 0)
		return cs_err_set(err, "cannot create a file next to '%s': %s", path,
				  strerror(errno));
	/* mkstemp makes it 0600; an output is as readable as one fopen makes. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || (o->f = fdopen(fd, "w")) == NULL) {
		int e = errno;

		close(fd);
		unlink(o->tmp);
		return cs_err_set(err, "cannot create a file next to '%s': %s", path,
				  strerror(e));
	}
	return 0;
}

int cli_outfile_finish(struct cli_outfile *o, struct cs_err *err)
{
	assert(o->f != NULL && o->tmp[0] != '\0'); /* opened, not yet finished */
	int bad = ferror(o->f), e = bad ? errno : 0;

	if (fflush(o->f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	/* Test hook: the disk filled up under this file. */
	fiu_do_on("cli/write", { bad = 1; e = ENOSPC; });
	if (fclose(o->f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	o->f = NULL;
	if (bad) {
		unlink(o->tmp);
		o->tmp[0] = '\0';
		return cs_err_set(err, "cannot write '%s': %s", o->path, strerror(e ? e : EIO));
	}
	return 0;
}

int cli_outfile_commit(struct cli_outfile *o, struct cs_err *err)
{
	assert(o->f == NULL && o->tmp[0] != '\0'); /* finished, not yet renamed */
	/* Checked again: something may have appeared at the path meanwhile. */
	if (check_target(o->opt, o->path, err) != 0) {
		cli_outfile_abort(o);
		return -1;
	}
	if (rename(o->tmp, o->path) != 0) {
		int e = errno;

		cli_outfile_abort(o);
		return cs_err_set(err, "cannot rename to '%s': %s", o->path, strerror(e));
	}
	o->tmp[0] = '\0';
	return 0;
}

void cli_outfile_abort(struct cli_outfile *o)
{
	if (o->f != NULL)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp[0] != '\0')
		unlink(o->tmp);
	o->tmp[0] = '\0';
}
