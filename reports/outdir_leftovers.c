/* What a killed run leaves next to an output directory OUT, and how the
 * next run deals with it. A run writes OUT.tmp-XXXXXX holding a note of its
 * writer (pid and host); replacing OUT is one atomic exchange, or on file
 * systems without it two renames through OUT.old-XXXXXX. A leftover is
 * provably ours when its name has that shape, it is a real directory, and
 * either its writer note names a process of this host that is gone, or it
 * has no note and holds OUT's marker file (a finished output) or nothing.
 * Anything else is left alone. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "reports/report_priv.h"

#define OWNER_NOTE REP_OWNER_NOTE

int rep_dir_holds(const char *dir, const char *marker)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int entries = 0, has_marker = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		entries++;
		if (!strcmp(e->d_name, marker))
			has_marker = 1;
	}
	closedir(d);
	return has_marker ? REP_HOLDS_MARKER : entries ? REP_HOLDS_OTHER : REP_HOLDS_NOTHING;
}

static void host_name(char *buf, size_t n)
{
	if (gethostname(buf, n) != 0)
		snprintf(buf, n, "?");
	buf[n - 1] = '\0';
}

int rep_owner_write(const char *dir, struct cs_err *err)
{
	char path[REP_PATH_MAX], host[256];
	if (rep_path(path, sizeof(path), dir, OWNER_NOTE, err))
		return -1;
	host_name(host, sizeof(host));
	FILE *f = fopen(path, "w");
	if (!f)
		return cs_err_set(err, "report: cannot write in %s: %s", dir, strerror(errno));
	int bad = fprintf(f, "%ld %s\n", (long)getpid(), host) < 0;
	int e = bad ? errno : 0;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	/* the first write of an output: a full disk usually shows here */
	if (bad)
		return cs_err_set(err, "report: cannot write in %s: %s", dir,
				  strerror(e ? e : EIO));
	return 0;
}

int rep_owner_drop(const char *dir, struct cs_err *err)
{
	char path[REP_PATH_MAX];
	if (rep_path(path, sizeof(path), dir, OWNER_NOTE, err))
		return -1;
	if (unlink(path) != 0 && errno != ENOENT)
		return cs_err_set(err, "report: cannot remove %s: %s", path, strerror(errno));
	return 0;
}

/* 1: the writer may still run (alive, or another host's); 0: it is gone;
 * -1: no note. */
static int owner_alive(const char *dir)
{
	char path[REP_PATH_MAX], host[256], theirs[256];
	long pid;
	if (snprintf(path, sizeof(path), "%s/%s", dir, OWNER_NOTE) >= (int)sizeof(path))
		return 1;
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? -1 : 1;
	int got = fscanf(f, "%ld %255s", &pid, theirs);
	fclose(f);
	if (got != 2 || pid <= 0)
		return 1; /* unreadable: do not guess */
	host_name(host, sizeof(host));
	if (strcmp(host, theirs) != 0)
		return 1;
	if (pid == (long)getpid())
		return 1;
	return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

/* `name` is BASE.tmp-XXXXXX or BASE.old-XXXXXX: 't', 'o', or 0. */
static char leftover_kind(const char *name, const char *base)
{
	size_t b = strlen(base);
	if (strncmp(name, base, b) != 0 || name[b] != '.')
		return 0;
	const char *rest = name + b + 1;
	if (strlen(rest) != 10 || (strncmp(rest, "tmp-", 4) && strncmp(rest, "old-", 4)))
		return 0;
	for (const char *p = rest + 4; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			return 0;
	return rest[0];
}

static void split(const char *out, char *parent, size_t n, const char **base)
{
	const char *slash = strrchr(out, '/');
	if (slash == NULL) {
		snprintf(parent, n, ".");
		*base = out;
	} else if (slash == out) {
		snprintf(parent, n, "/");
		*base = slash + 1;
	} else {
		snprintf(parent, n, "%.*s", (int)(slash - out), out);
		*base = slash + 1;
	}
}

/* One pass over OUT's siblings. restore: put a stranded previous output
 * (OUT.old-* holding marker, no writer note) back as OUT, once. Else remove
 * every leftover that is provably ours. */
static void pass(const char *out, const char *marker, int restore)
{
	char parent[REP_PATH_MAX];
	const char *base;
	split(out, parent, sizeof(parent), &base);
	if (*base == '\0')
		return;
	DIR *d = opendir(parent);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char kind = leftover_kind(e->d_name, base);
		char path[REP_PATH_MAX];
		struct stat st;
		if (!kind || snprintf(path, sizeof(path), "%s/%s", parent, e->d_name) >=
				     (int)sizeof(path))
			continue;
		if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		int alive = owner_alive(path);
		if (alive == 1)
			continue;
		int holds = alive == 0 ? REP_HOLDS_OTHER : rep_dir_holds(path, marker);
		if (restore) {
			if (kind == 'o' && alive < 0 && holds == REP_HOLDS_MARKER &&
			    rename(path, out) == 0)
				break;
			continue;
		}
		if (alive == 0 || holds == REP_HOLDS_MARKER)
			rep_rm_tree(path);
		else if (holds == REP_HOLDS_NOTHING)
			rmdir(path);
	}
	closedir(d);
}

void rep_leftovers_clean(const char *out, const char *marker)
{
	struct stat st;
	if (lstat(out, &st) != 0 && errno == ENOENT)
		pass(out, marker, 1);
	pass(out, marker, 0);
}
