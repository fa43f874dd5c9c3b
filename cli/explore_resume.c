#include "cli/explore_resume.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/common.h"
#include "reports/report.h"
#include "util/fnv.h"

/* FNV-1a over a file's bytes: 0, or -1 when it cannot be read. */
static int file_digest(const char *path, uint64_t *out)
{
	FILE *f = fopen(path, "rb");
	uint64_t h = CS_FNV_OFFSET;
	unsigned char buf[65536];
	size_t n;
	int rc;

	if (f == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		h = cs_fnv_bytes(h, buf, n);
	rc = ferror(f) ? -1 : 0;
	fclose(f);
	*out = h;
	return rc;
}

void cli_binary_id(char out[24])
{
	uint64_t h;

	if (file_digest("/proc/self/exe", &h) != 0)
		snprintf(out, 24, "unknown");
	else
		snprintf(out, 24, "%016" PRIx64, h);
}

/* The scenario's text with the trace file's contents bound to it: the
 * state file names the trace by its path, and a trace replaced under the
 * same name must not be resumed as if it were the same. */
static char *with_trace_digest(const struct scenario *sc, char *text, struct cs_err *err)
{
	char path[SC_PATH_MAX + 64];
	uint64_t h;
	size_t n = strlen(text);
	char *t;

	if (sc->trace.kind != SC_TRACE_FILE)
		return text;
	t = realloc(text, n + 64);
	if (t == NULL) {
		free(text);
		cs_err_set(err, "out of memory");
		return NULL;
	}
	text = t;
	if (strcmp(sc->trace.path, "-") == 0) { /* read once, from a pipe: nothing to bind */
		snprintf(text + n, 64, "--trace-contents: stdin\n");
		return text;
	}
	if (scenario_trace_path(sc, path, sizeof(path)) != 0 || file_digest(path, &h) != 0) {
		free(text);
		cs_err_set(err, "cannot read the trace file %s to bind it to the saved "
			   "exploration", sc->trace.path);
		return NULL;
	}
	snprintf(text + n, 64, "--trace-contents: %016" PRIx64 "\n", h);
	return text;
}

bool cli_explore_kept(const struct scenario *sc, bool crashes)
{
	return sc->crash.budget_kind != SC_BUDGET_NONE && crashes &&
	       sc->crash.kind != SC_CRASH_NONE;
}

int cli_explore_setup(const struct scenario *sc, const char *what, const char *path,
		      bool resume, bool crashes, uint32_t only_crash, const char *binary,
		      struct explore_state *xs, struct cs_err *err)
{
	char *text;
	struct stat st;

	if (!cli_explore_kept(sc, crashes)) {
		if (resume)
			return cs_err_set(err, "--resume continues a crash.budget exploration: %s "
					  "has %s", what, sc->crash.budget_kind == SC_BUDGET_NONE
					  ? "no crash.budget (give one, e.g. --set crash.budget=1000)"
					  : "its crash points off");
		return 0;
	}
	text = explore_scenario_text(sc, only_crash);
	if (text == NULL)
		return cs_err_set(err, "out of memory");
	text = with_trace_digest(sc, text, err);
	if (text == NULL)
		return -1;
	if (resume) {
		if (stat(path, &st) != 0) {
			free(text);
			return cs_err_set(err, "--resume: no %s to continue from (a run with "
					  "crash.budget saves it beside its report)", path);
		}
		if (explore_state_read(xs, path, err) != 0 ||
		    explore_state_match(xs, path, text, binary, err) != 0) {
			free(text);
			explore_state_free(xs);
			return -1;
		}
	}
	free(xs->scenario);
	xs->scenario = text;
	explore_fingerprint(text, xs->fingerprint);
	snprintf(xs->binary, sizeof(xs->binary), "%s", binary);
	snprintf(xs->variant, sizeof(xs->variant), "%s", sc->variant);
	xs->seed = sc->seed;
	return 0;
}

int cli_write_kept_report(const char *dir, const struct scenario *sc, const struct run_metrics *m,
			  const struct run_metrics *base, const char *reproduce,
			  const struct explore_state *xs, struct cs_err *err)
{
	struct report_file more = { .name = "explore.state" };
	char *text;
	int rc;

	if (xs == NULL)
		return cli_write_run_report(dir, sc, m, base, reproduce, err);
	text = explore_state_text(xs);
	if (text == NULL)
		return cs_err_set(err, "out of memory");
	more.content = text;
	rc = cli_write_run_report_with(dir, sc, m, base, reproduce, &more, err);
	free(text);
	return rc;
}

int cli_budget_reached(struct scenario *sc, uint64_t limit, char **sets, int *nsets, int max,
		       char buf[48])
{
	int n = 0;

	sc->crash.budget_kind = SC_BUDGET_STATES;
	sc->crash.budget_limit = limit;
	for (int i = 0; i < *nsets; i++)
		if (strncmp(sets[i], "crash.budget=", 13) != 0)
			sets[n++] = sets[i];
	if (n >= max)
		return -1;
	snprintf(buf, 48, "crash.budget=%" PRIu64, limit);
	sets[n++] = buf;
	*nsets = n;
	return 0;
}
