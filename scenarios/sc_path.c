/* realpath() is XSI */
#define _XOPEN_SOURCE 700

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenario.h"

/* Absolute, normalised form of `path`: realpath of its longest existing
 * prefix, the rest appended. */
static int absolute(const char *path, char *out, size_t n)
{
	char buf[PATH_MAX];
	char *cut;
	char rest[PATH_MAX] = "";

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -1;
	for (;;) {
		char *r = realpath(buf[0] ? buf : ".", NULL);

		if (r != NULL) {
			bool slash = rest[0] != '\0' && r[strlen(r) - 1] != '/';
			int len = snprintf(out, n, "%s%s%s", r, slash ? "/" : "", rest);

			free(r);
			return len < (int)n ? 0 : -1;
		}
		cut = strrchr(buf, '/');
		{
			char tmp[PATH_MAX];
			const char *leaf = cut ? cut + 1 : buf;

			if (snprintf(tmp, sizeof(tmp), "%s%s%s", leaf, rest[0] ? "/" : "", rest) >=
			    (int)sizeof(tmp))
				return -1;
			memcpy(rest, tmp, sizeof(rest));
		}
		if (cut == NULL)
			buf[0] = '\0';
		else if (cut == buf)
			snprintf(buf, sizeof(buf), "/");
		else
			*cut = '\0';
		if (buf[0] == '\0' && strcmp(rest, "") == 0)
			return -1;
	}
}

/* `to` relative to directory `from`; both absolute and normalised. */
static int relative(const char *from, const char *to, char *out, size_t n)
{
	size_t common = 0, i = 0;
	size_t len = 0;

	/* the longest common prefix ending on a path component */
	while (from[i] != '\0' && from[i] == to[i]) {
		i++;
		if (from[i] == '/' || from[i] == '\0')
			if (to[i] == '/' || to[i] == '\0')
				common = i;
	}
	out[0] = '\0';
	for (const char *p = from + common; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		if (len + 3 >= n)
			return -1;
		memcpy(out + len, "../", 4);
		len += 3;
	}
	{
		const char *tail = to + common + (to[common] == '/' ? 1 : 0);

		if (len + strlen(tail) + 1 > n)
			return -1;
		memcpy(out + len, tail, strlen(tail) + 1);
	}
	if (out[0] == '\0')
		snprintf(out, n, ".");
	return 0;
}

int scenario_rebase_trace(struct scenario *s, const char *from_file, const char *dest_dir,
			  struct cs_err *err)
{
	char sdir[PATH_MAX], trace[PATH_MAX * 2], abs_trace[PATH_MAX], abs_dest[PATH_MAX];
	const char *slash;

	if (s->trace.kind != SC_TRACE_FILE || s->trace.path[0] == '/')
		return 0;
	slash = strrchr(from_file, '/');
	if (slash == NULL)
		snprintf(sdir, sizeof(sdir), ".");
	else
		snprintf(sdir, sizeof(sdir), "%.*s", (int)(slash - from_file), from_file);
	snprintf(trace, sizeof(trace), "%s/%s", sdir, s->trace.path);
	if (absolute(trace, abs_trace, sizeof(abs_trace)) != 0 ||
	    absolute(dest_dir, abs_dest, sizeof(abs_dest)) != 0 ||
	    relative(abs_dest, abs_trace, s->trace.path, sizeof(s->trace.path)) != 0)
		return cs_err_set(err, "cannot express the trace path '%s' relative to '%s'",
				  s->trace.path, dest_dir);
	return 0;
}
