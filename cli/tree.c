/* Files and directory trees for the commands that assemble an output
 * directory themselves (csumsim sweep, csumsim merge). */
#include <dirent.h>
#include <errno.h>
#include <fiu-local.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/common.h"

static int copy_file(const char *src, const char *dst, struct cs_err *err)
{
	FILE *in = fopen(src, "rb"), *out;
	char buf[1 << 16];
	size_t n;
	int bad, e;

	if (in == NULL)
		return cs_err_set(err, "cannot read %s: %s", src, strerror(errno));
	out = fopen(dst, "wb");
	if (out == NULL) {
		e = errno;
		fclose(in);
		return cs_err_set(err, "cannot create %s: %s", dst, strerror(e));
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	bad = ferror(in) || ferror(out);
	e = bad ? errno : 0;
	fclose(in);
	if (fclose(out) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad)
		return cs_err_set(err, "cannot copy %s to %s: %s", src, dst,
				  strerror(e ? e : EIO));
	return 0;
}

int cli_write_text(const char *path, const char *text, struct cs_err *err)
{
	FILE *f = fopen(path, "w");
	int bad, e;

	if (f == NULL)
		return cs_err_set(err, "cannot create %s: %s", path, strerror(errno));
	fputs(text, f);
	bad = ferror(f);
	e = bad ? errno : 0;
	/* Test hook: the disk filled up under this file. */
	fiu_do_on("cli/write", { bad = 1; e = ENOSPC; });
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad)
		return cs_err_set(err, "cannot write %s: %s", path, strerror(e ? e : EIO));
	return 0;
}

int cli_copy_tree(const char *src, const char *dst, struct cs_err *err)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (mkdir(dst, 0777) != 0)
		return cs_err_set(err, "cannot create %s: %s", dst, strerror(errno));
	d = opendir(src);
	if (d == NULL)
		return cs_err_set(err, "cannot read %s: %s", src, strerror(errno));
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char s[4096], t[4096];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(s, sizeof(s), "%s/%s", src, e->d_name) >= (int)sizeof(s) ||
		    snprintf(t, sizeof(t), "%s/%s", dst, e->d_name) >= (int)sizeof(t)) {
			rc = cs_err_set(err, "path too long under %s", src);
			break;
		}
		if (lstat(s, &st) != 0)
			rc = cs_err_set(err, "cannot inspect %s: %s", s, strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = cli_copy_tree(s, t, err);
		else if (S_ISREG(st.st_mode))
			rc = copy_file(s, t, err);
		else
			rc = cs_err_set(err, "%s is neither a file nor a directory", s);
	}
	closedir(d);
	return rc;
}
