/* realpath() is XSI */
#define _XOPEN_SOURCE 700

#include "sim/reproducer.h"

#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults/crash.h"

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

int sim_reproducer(const struct scenario *sc, const struct violation *v, uint32_t number,
		   const char *dest_dir, struct scenario *out, struct cs_err *err)
{
	*out = *sc;
	snprintf(out->name, sizeof(out->name), "%.40s-violation-%u", sc->name[0] ? sc->name : "run",
		 number);
	{
		/* a description longer than the field is cut, never overflowed */
		char d[512];

		snprintf(d, sizeof(d),
			 "reproduces crash %u (%s), state %u (%s) of %.60s: %" PRIu64 " stale, %"
			 PRIu64 " silent, %" PRIu64 " false-positive sectors, %" PRIu64 " hung",
			 v->crash, v->trigger, v->state, v->label, sc->name,
			 v->counts.sectors[ORC_STALE], v->counts.sectors[ORC_SILENT],
			 v->counts.sectors[ORC_FALSE_POS], v->counts.not_completed);
		snprintf(out->description, sizeof(out->description), "%.*s",
			 (int)sizeof(out->description) - 1, d);
	}
	memset(out->crash.at, 0, sizeof(out->crash.at));
	out->crash.kind = v->crash_kind == CRASH_BEFORE_REQUEST ? SC_CRASH_AT_REQUEST
								: SC_CRASH_AT_TIME;
	out->crash.at[0] = v->crash_value;
	out->crash.n_at = 1;
	out->crash.random_count = 0;
	out->crash.max_crashes = 0;
	out->crash.only_state = v->state;
	out->trace.limit = v->record_limit;
	out->output.baseline = false;
	out->output.plots = false;
	out->output.per_request_csv = false;
	/* The scenario's expectations judge its whole run, not this one state,
	 * and its quick overrides are already in sc when it ran in quick mode. */
	memset(out->expect, 0, sizeof(out->expect));
	out->n_expect = 0;
	memset(out->quick, 0, sizeof(out->quick));
	out->n_quick = 0;
	if (sc->trace.kind == SC_TRACE_FILE && sc->trace.path[0] != '/') {
		char sdir[PATH_MAX], trace[PATH_MAX * 2], abs_trace[PATH_MAX], abs_dest[PATH_MAX];
		const char *slash = strrchr(sc->file, '/');

		if (slash == NULL)
			snprintf(sdir, sizeof(sdir), ".");
		else
			snprintf(sdir, sizeof(sdir), "%.*s", (int)(slash - sc->file), sc->file);
		snprintf(trace, sizeof(trace), "%s/%s", sdir, sc->trace.path);
		if (absolute(trace, abs_trace, sizeof(abs_trace)) != 0 ||
		    absolute(dest_dir, abs_dest, sizeof(abs_dest)) != 0 ||
		    relative(abs_dest, abs_trace, out->trace.path, sizeof(out->trace.path)) != 0)
			return cs_err_set(err, "reproducer: cannot express the trace path '%s' "
					  "relative to '%s'", sc->trace.path, dest_dir);
	}
	return 0;
}
