/* csumsim check: the regression mode. Runs scenarios (files, or every *.yaml
 * of a folder, sorted), judges each one's `expect:` list, prints one line per
 * expectation and the command that reproduces a failed run, and writes TAP
 * and JUnit XML for CI systems. --quick applies each scenario's `quick:`
 * overrides first. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/explore_resume.h"
#include "cli/progress.h"
#include "cli/outpath.h"
#include "reports/check_report.h"
#include "reports/expect.h"
#include "reports/metrics.h"
#include "reports/summary_json.h"
#include "scenarios/sc_expect.h"
#include "scenarios/scenario.h"
#include "scenarios/sweep.h"
#include "sim/run.h"

static const char check_help[] =
	"usage: csumsim check FILE|DIR... [options]\n"
	"\n"
	"Runs each scenario (a FILE, or every *.yaml of a DIR in name order) and\n"
	"judges the expectations of its `expect:` list (docs/SCENARIO.md). Prints\n"
	"one line per expectation, and for a scenario with a failed one the command\n"
	"that reproduces its run. A scenario without expectations is skipped.\n"
	"\n"
	"options:\n"
	"  --quick            apply each scenario's `quick:` overrides (every commit)\n"
	"  --long             run the scenarios as written (the default; nightly)\n"
	"  --tap FILE         write the results as TAP version 13\n"
	"  --junit FILE       write the results as JUnit XML\n"
	"  -o, --output DIR   write each scenario's full report (with the reproducers\n"
	"                     of its violations) to DIR/NAME, NAME from the file name\n"
	"                     (a sweep's run K: DIR/NAME.K); a run with crash.budget\n"
	"                     saves its exploration there too (explore.state)\n"
	"  --resume           continue each crash.budget exploration saved under -o DIR\n"
	"                     with the budget given now; each report is that of one run\n"
	"                     with both budgets (runs without a budget run whole)\n"
	"  --seed N           override every scenario's seed\n"
	"  --set KEY=VALUE    override one key of every scenario (repeatable; after quick)\n"
	"  -q, --quiet        print only failures, errors and the summary; no progress\n"
	"  -v, --verbose      progress and a line per phase and scenario on stderr\n"
	"  --json             print every case as JSON on stdout (other output: stderr)\n"
	"  -h, --help         this text\n"
	"\n"
	"exit codes: 0 every expectation holds; 1 an expectation failed; 2 bad\n"
	"scenario, trace or option; 3 could not finish (the highest applies)\n";

struct check_opts {
	bool quick, quiet, verbose;
	struct cli_progress *prog;  /* on stderr */
	bool json;           /* --json: the cases as JSON on stdout */
	const char *tap, *junit, *outdir;
	char *sets[CLI_MAX_SETS];
	int nsets;
	bool have_seed;
	uint64_t seed;
	bool resume;         /* --resume: budgeted runs go on from DIR/NAME/explore.state */
	char binary[24];     /* the executable, for explore.state */
};

struct cases {
	struct check_case *v;
	size_t n, cap;
};

struct files {
	char **v;
	size_t n, cap;
};

static struct check_case *case_new(struct cases *cs, const char *file, const char *name, int st)
{
	struct check_case *k;

	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 32;
		struct check_case *v = realloc(cs->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		cs->v = v;
		cs->cap = cap;
	}
	k = &cs->v[cs->n++];
	memset(k, 0, sizeof(*k));
	snprintf(k->suite, sizeof(k->suite), "%s", file);
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->status = st;
	return k;
}

static int files_add(struct files *f, const char *path)
{
	char *p;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 32;
		char **v = realloc(f->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		f->v = v;
		f->cap = cap;
	}
	p = strdup(path);
	if (p == NULL)
		return -1;
	f->v[f->n++] = p;
	return 0;
}

static void files_free(struct files *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.yaml files of dir, sorted by name: how many were added, or -1. */
static int add_dir(struct files *f, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t first = f->n, dlen = strlen(dir);
	char path[SC_PATH_MAX];

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		struct stat st;

		if (len <= 5 || strcmp(e->d_name + len - 5, ".yaml") != 0 || e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%.*s/%s", (int)(dlen && dir[dlen - 1] == '/'
								  ? dlen - 1 : dlen),
			     dir, e->d_name) >= (int)sizeof(path))
			continue;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (files_add(f, path) != 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	if (f->n > first) /* f->v is still NULL when nothing was ever added */
		qsort(f->v + first, f->n - first, sizeof(*f->v), by_name);
	return (int)(f->n - first);
}

/* `s` as one word for a POSIX shell: as it is when that is safe, else in
 * single quotes (a quote inside becomes '\''). Cut to fit n. */
static void shell_word(char *buf, size_t n, const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_-./=:,+";
	size_t len = 0;

	if (n == 0)
		return;
	if (s[0] && strspn(s, safe) == strlen(s)) {
		snprintf(buf, n, "%s", s);
		return;
	}
	buf[len++] = '\'';
	for (const char *p = s; *p && len + 5 < n; p++) {
		if (*p == '\'') {
			memcpy(buf + len, "'\\''", 4);
			len += 4;
		} else {
			buf[len++] = *p;
		}
	}
	if (len + 1 < n)
		buf[len++] = '\'';
	buf[len] = '\0';
}

/* csumsim run FILE --seed N (a sweep's run: --point K, and the sweep's
 * --seed if one was given), then the quick overrides (quick mode) and the
 * --set options, in the order check applied them. */
static void reproduce_cmd(char *buf, size_t n, const char *file, const struct scenario *sc,
			  uint64_t point, const struct sc_quick *quick, uint32_t n_quick,
			  const struct check_opts *o)
{
	char word[SC_PATH_MAX + 16], set[SC_QUICK_KEY_MAX + SC_QUICK_VALUE_MAX + 2];
	size_t len;

	shell_word(word, sizeof(word), file);
	if (point == UINT64_MAX)
		len = (size_t)snprintf(buf, n, "csumsim run %s --seed %" PRIu64, word, sc->seed);
	else if (o->have_seed)
		len = (size_t)snprintf(buf, n, "csumsim run %s --point %" PRIu64 " --seed %" PRIu64,
				       word, point, sc->seed);
	else
		len = (size_t)snprintf(buf, n, "csumsim run %s --point %" PRIu64, word, point);
	for (uint32_t i = 0; o->quick && i < n_quick && len < n; i++) {
		snprintf(set, sizeof(set), "%.*s=%.*s", SC_QUICK_KEY_MAX - 1, quick[i].key,
			 SC_QUICK_VALUE_MAX - 1, quick[i].value);
		shell_word(word, sizeof(word), set);
		len += (size_t)snprintf(buf + len, n - len, " --set %s", word);
	}
	for (int i = 0; i < o->nsets && len < n; i++) {
		shell_word(word, sizeof(word), o->sets[i]);
		len += (size_t)snprintf(buf + len, n - len, " --set %s", word);
	}
}

/* Load, quick overrides (quick mode), --set, --seed, every check. */
static int load(const char *file, const struct check_opts *o, struct scenario *sc,
		struct sc_quick *quick, uint32_t *n_quick, struct cs_err *err)
{
	scenario_defaults(sc);
	if (scenario_load(sc, file, err) != 0)
		return -1;
	memcpy(quick, sc->quick, sizeof(sc->quick));
	*n_quick = sc->n_quick;
	if (o->quick && scenario_apply_quick(sc, err) != 0)
		return -1;
	for (int i = 0; i < o->nsets; i++)
		if (scenario_set(sc, o->sets[i], err) != 0)
			return -1;
	if (o->have_seed)
		sc->seed = o->seed;
	if (scenario_validate(sc, err) != 0 || cli_check_stdin("check", file, sc, err) != 0)
		return -1;
	return cli_check_runnable(sc, file, err);
}

/* DIR/NAME: NAME is the file name without .yaml (unique within a folder). */
static void report_dir(char *buf, size_t n, const char *outdir, const char *file)
{
	const char *base = strrchr(file, '/');
	size_t len;

	base = base ? base + 1 : file;
	len = strlen(base);
	if (len > 5 && strcmp(base + len - 5, ".yaml") == 0)
		len -= 5;
	snprintf(buf, n, "%s/%.*s", outdir, (int)len, base);
}

enum { BAD_NONE = 0, BAD_INPUT = 1, BAD_RUNTIME = 2 };

static bool expect_names(const struct scenario *sc, int metric)
{
	for (uint32_t i = 0; i < sc->n_expect; i++)
		if (sc->expect[i].metric == metric)
			return true;
	return false;
}

/* How a run is reproduced: its file, sweep run (UINT64_MAX: none), the
 * scenario as loaded (a sweep's: its --seed) and the quick overrides it ran
 * with. */
struct repro {
	const char *file;
	uint64_t point;
	const struct scenario *loaded;
	const struct sc_quick *quick;
	uint32_t n_quick;
};

/* The report directory of a run: DIR/NAME, a sweep's run DIR/NAME.K. */
static void run_dir(char *buf, size_t n, const struct check_opts *o, const struct scenario *sc,
		    uint64_t point)
{
	report_dir(buf, n, o->outdir, sc->file);
	if (point != UINT64_MAX) /* a sweep's runs side by side */
		snprintf(buf + strlen(buf), n - strlen(buf), ".%" PRIu64, point);
}

/* crash.budget with -o: the run's exploration is kept in its report
 * directory, and with --resume goes on from there. */
static int explore_setup(const struct scenario *sc, const char *name, const char *dir,
			 const struct check_opts *o, struct explore_state *xs, struct cs_err *err)
{
	char path[SC_PATH_MAX + 128];

	snprintf(path, sizeof(path), "%s/explore.state", dir);
	return cli_explore_setup(sc, name, path, o->resume, true, UINT32_MAX, o->binary, xs, err);
}

/* Runs one scenario (a plain one, or run `point` of a sweep) and adds its
 * cases under `name`; returns BAD_* for errors. */
static int check_run(const char *name, const struct repro *rp, const struct scenario *sc_in,
		     const struct check_opts *o, struct cases *cs)
{
	struct run_metrics *m = malloc(sizeof(*m)), *base = malloc(sizeof(*base));
	struct scenario *sc = malloc(sizeof(*sc));
	struct check_opts *o2 = malloc(sizeof(*o2));
	struct sim_options opt = {0};
	struct cs_err err = {{0}};
	const struct run_metrics *bp = NULL;
	bool have_m = false, want_base, base_ran = false, bad_input = false;
	uint64_t n_requests;
	int bad = BAD_RUNTIME;
	uint32_t failed = 0;
	struct check_case *k;
	const char *stage = "run";
	char dir[SC_PATH_MAX + 96], reproduce[2048], budget_set[48];
	struct explore_state xs = { 0 };

	if (m == NULL || base == NULL || sc == NULL || o2 == NULL)
		goto nomem;
	*sc = *sc_in;
	*o2 = *o;
	if (o->outdir != NULL) {
		run_dir(dir, sizeof(dir), o, sc, rp->point);
		/* its report's place, before the run: a bad one is the input's error */
		if (cli_check_outdir("-o", dir, "report.json", &err) != 0) {
			stage = "output";
			bad = BAD_INPUT;
			goto error;
		}
	}
	opt.crashes = sc->crash.kind != SC_CRASH_NONE;
	if (o->outdir != NULL && cli_explore_kept(sc, opt.crashes)) {
		/* --resume's files were all checked before any run: this is the
		 * same check, made again now that it runs */
		if (explore_setup(sc, name, dir, o, &xs, &err) != 0) {
			stage = "load";
			bad = cs_err_is_oom(&err) ? BAD_RUNTIME : BAD_INPUT;
			goto error;
		}
		opt.explore = &xs;
	}
	opt.records = o->outdir != NULL && sc->output.per_request_csv;
	opt.only_crash = UINT32_MAX;
	/* The capacity replays cost as much as the run: only when read. */
	opt.no_capacity = o->outdir == NULL && !expect_names(sc, SCM_CAPACITY_IOPS) &&
			  !expect_names(sc, SCM_CAPACITY_MIB_S) && !expect_names(sc, SCM_OVH_CAPACITY);
	if (sc->output.progress)
		cli_progress_attach(o->prog, &opt);
	cli_progress_prefix(o->prog, "%s: ", name);
	run_metrics_init(m, sc->variant, 0);
	run_metrics_init(base, "none", 0);
	have_m = true;
	/* The baseline when an expectation needs it, or for the report. */
	want_base = expect_any_needs_baseline(sc) || (o->outdir != NULL && sc->output.baseline);
	if (cli_simulate(sc, &opt, want_base, m, base, &base_ran, &bad_input, &n_requests,
			 &err) != 0) {
		if (bad_input) {
			stage = "load";
			bad = BAD_INPUT;
		}
		goto error;
	}
	bp = base_ran ? base : want_base ? m : NULL; /* the baseline of none is itself */
	/* a kept exploration's report is that of the count it reached (a time
	 * budget, a run continued): its scenario copy and reproduce line say so */
	if (opt.explore != NULL &&
	    cli_budget_reached(sc, m->budget.limit, o2->sets, &o2->nsets, CLI_MAX_SETS,
			       budget_set) != 0)
		goto nomem;
	reproduce_cmd(reproduce, sizeof(reproduce), rp->file, rp->loaded, rp->point, rp->quick,
		      rp->n_quick, o2);
	for (uint32_t i = 0; i < sc->n_expect; i++) {
		struct expect_result r;

		expect_judge(&sc->expect[i], m, bp, &r);
		k = case_new(cs, name, r.text, r.ok ? CHECK_PASS : CHECK_FAIL);
		if (k == NULL)
			goto nomem;
		snprintf(k->detail, sizeof(k->detail), "%s%s", r.defined ? "measured " : "",
			 r.measured_text);
		if (!r.ok) {
			snprintf(k->reproduce, sizeof(k->reproduce), "%s", reproduce);
			failed++;
		}
		if (!r.ok || !o->quiet)
			printf("%-7s %s: %s (%s)\n", r.ok ? "ok" : "FAILED", name, r.text, k->detail);
	}
	if (m->user_unsupported > 0 && !expect_names(sc, SCM_REFUSED)) {
		/* Refused requests are never silent: a run that refused some fails
		 * unless the scenario says how many it allows. */
		k = case_new(cs, name, "refused == 0 (implicit)", CHECK_FAIL);
		if (k == NULL)
			goto nomem;
		snprintf(k->detail, sizeof(k->detail),
			 "measured %" PRIu64 ": requests refused at once (discards '%s' does not "
			 "support); name `refused` in expect to allow them",
			 m->user_unsupported, sc->variant);
		snprintf(k->reproduce, sizeof(k->reproduce), "%s", reproduce);
		failed++;
		printf("%-7s %s: %s (%s)\n", "FAILED", name, k->name, k->detail);
	}
	if (failed)
		printf("        reproduce: %s\n", reproduce);
	if (o->outdir != NULL) {
		stage = "report";
		if (cli_write_kept_report(dir, sc, m, bp, reproduce, opt.explore, &err) != 0)
			goto error;
		if (failed && m->n_viol > 0)
			printf("        reproducers: %s/reproducers/ (%" PRIu64 " violating crash "
			       "states)\n", dir, m->violations);
		else if (!o->quiet)
			printf("        report: %s/\n", dir);
	} else if (failed && m->violations > 0) {
		printf("        %" PRIu64 " violating crash states: add -o DIR for their "
		       "reproducer scenarios\n", m->violations);
	}
	bad = BAD_NONE;
	goto out;
nomem:
	cs_err_set(&err, "out of memory");
error:
	if (!strcmp(stage, "report")) /* the machine's error, not the scenario's */
		fprintf(stderr, "csumsim check: %s: %s\n", name, err.msg);
	else if (strncmp(err.msg, name, strlen(name)) == 0)
		printf("ERROR   %s\n", err.msg); /* the message names the file already */
	else
		printf("ERROR   %s: %s\n", name, err.msg);
	k = case_new(cs, name, stage, CHECK_ERROR);
	if (k != NULL)
		snprintf(k->detail, sizeof(k->detail), "%s", err.msg);
	if (k == NULL)
		bad = BAD_RUNTIME;
out:
	if (have_m) {
		run_metrics_free(m);
		run_metrics_free(base);
	}
	free(base);
	free(m);
	free(sc);
	free(o2);
	explore_state_free(&xs);
	return bad;
}

/* Loads a file and checks it: a plain scenario as one run; a sweep run by
 * run, each named FILE[K] and reproduced by csumsim run FILE --point K.
 * Returns the worst BAD_* of its runs. */
static int check_one(const char *file, const struct check_opts *o, struct cases *cs)
{
	struct scenario *sc = malloc(sizeof(*sc)), *pt = malloc(sizeof(*pt));
	struct sc_quick quick[SC_MAX_QUICK];
	uint32_t n_quick = 0;
	struct cs_err err = {{0}};
	char name[SC_PATH_MAX + 32];
	int bad = BAD_NONE;
	struct check_case *k;

	if (sc == NULL || pt == NULL) {
		free(sc);
		free(pt);
		printf("ERROR   %s: out of memory\n", file);
		return BAD_RUNTIME;
	}
	if (load(file, o, sc, quick, &n_quick, &err) != 0) {
		bad = cs_err_is_oom(&err) ? BAD_RUNTIME : BAD_INPUT;
		goto error;
	}
	if (sc->n_expect == 0) {
		k = case_new(cs, file, "expect", CHECK_SKIP);
		if (k == NULL) {
			bad = BAD_RUNTIME;
			goto out;
		}
		snprintf(k->detail, sizeof(k->detail), "no expectations");
		if (!o->quiet)
			printf("skip    %s: no expectations\n", file);
		goto out;
	}
	if (!scenario_is_sweep(sc)) {
		struct repro rp = { file, UINT64_MAX, sc, quick, n_quick };

		bad = check_run(file, &rp, sc, o, cs);
		goto out;
	}
	/* Every run is expanded and checked before any runs: a bad combination
	 * is the file's error, reported once. */
	for (uint64_t p = 0; p < sweep_count(sc); p++) {
		struct sweep_coord co;

		if (sweep_point(sc, p, pt, &co, &err) != 0 ||
		    cli_check_runnable(pt, file, &err) != 0) {
			bad = BAD_INPUT;
			goto error;
		}
	}
	for (uint64_t p = 0; p < sweep_count(sc); p++) {
		struct sweep_coord co;
		int b;

		if (sweep_point(sc, p, pt, &co, &err) != 0) {
			bad = BAD_INPUT;
			goto error;
		}
		struct repro rp = { file, p, sc, quick, n_quick };

		snprintf(name, sizeof(name), "%s[%" PRIu64 "]", file, p);
		b = check_run(name, &rp, pt, o, cs);
		if (b > bad)
			bad = b;
	}
	goto out;
error:
	if (strncmp(err.msg, file, strlen(file)) == 0)
		printf("ERROR   %s\n", err.msg);
	else
		printf("ERROR   %s: %s\n", file, err.msg);
	k = case_new(cs, file, "load", CHECK_ERROR);
	if (k != NULL)
		snprintf(k->detail, sizeof(k->detail), "%s", err.msg);
	else
		bad = BAD_RUNTIME;
out:
	free(pt);
	free(sc);
	return bad;
}

/* --resume: every budgeted run's state file is checked before any run (a
 * missing or foreign one is exit 2 now, not after an hour of others).
 * Files that do not load are left to the runs, which report them. Returns
 * the runs that will resume, or -1 (printed). */
static long resume_preflight(const struct files *paths, const struct check_opts *o)
{
	struct scenario *sc = malloc(sizeof(*sc)), *pt = malloc(sizeof(*pt));
	struct sc_quick quick[SC_MAX_QUICK];
	uint32_t n_quick;
	struct cs_err err = {{0}};
	char dir[SC_PATH_MAX + 96];
	long kept = 0;

	if (sc == NULL || pt == NULL) {
		cs_err_set(&err, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < paths->n; i++) {
		uint64_t runs;

		if (load(paths->v[i], o, sc, quick, &n_quick, &err) != 0 || sc->n_expect == 0)
			continue;
		runs = scenario_is_sweep(sc) ? sweep_count(sc) : 1;
		for (uint64_t p = 0; p < runs; p++) {
			struct explore_state xs = { 0 };
			struct sweep_coord co;
			uint64_t point = scenario_is_sweep(sc) ? p : UINT64_MAX;
			const struct scenario *one = sc;

			if (point != UINT64_MAX) {
				if (sweep_point(sc, p, pt, &co, &err) != 0)
					break;
				one = pt;
			}
			if (!cli_explore_kept(one, true))
				continue;
			run_dir(dir, sizeof(dir), o, one, point);
			if (explore_setup(one, paths->v[i], dir, o, &xs, &err) != 0)
				goto fail;
			explore_state_free(&xs);
			kept++;
		}
	}
	free(pt);
	free(sc);
	if (kept == 0)
		fprintf(stderr, "csumsim check: --resume continues crash.budget explorations: "
				"none of the scenarios has a crash.budget (give one, e.g. --set "
				"crash.budget=1000)\n");
	return kept > 0 ? kept : -1;
fail:
	fprintf(stderr, "csumsim check: %s\n", err.msg);
	free(pt);
	free(sc);
	return -1;
}

/* TAP and JUnit, both or neither: each goes to a temp file, and they are
 * renamed into place only when both are complete (a full disk while writing
 * the second leaves the old pair, not a new TAP beside an old JUnit). */
static int write_results(const struct check_opts *o, const struct cases *cs)
{
	const char *paths[2] = { o->tap, o->junit }, *opts[2] = { "--tap", "--junit" };
	int (*fns[2])(FILE *, const struct check_case *, size_t) = { check_write_tap,
								     check_write_junit };
	struct cli_outfile of[2];
	struct cs_err err = {{0}};
	int n = 0, i;

	for (i = 0; i < 2; i++) {
		if (paths[i] == NULL)
			continue;
		if (cli_outfile_open(&of[n], opts[i], paths[i], &err) != 0)
			goto fail;
		n++;
		if (fns[i](of[n - 1].f, cs->v, cs->n) != 0 && !ferror(of[n - 1].f))
			errno = EIO; /* the writer refused; no stream error to name */
		if (cli_outfile_finish(&of[n - 1], &err) != 0)
			goto fail;
	}
	for (i = 0; i < n; i++)
		if (cli_outfile_commit(&of[i], &err) != 0)
			goto fail;
	return 0;
fail:
	for (i = 0; i < n; i++)
		cli_outfile_abort(&of[i]);
	fprintf(stderr, "csumsim check: %s\n", err.msg);
	return -1;
}

/* Every output path, before any scenario runs: a bad one is exit 2 now,
 * not exit 3 after the whole run. */
static int check_outputs(const struct check_opts *o)
{
	struct cs_err err = {{0}};

	if ((o->tap != NULL && cli_check_outfile("--tap", o->tap, &err) != 0) ||
	    (o->junit != NULL && cli_check_outfile("--junit", o->junit, &err) != 0) ||
	    (o->outdir != NULL && cli_check_outparent("-o", o->outdir, &err) != 0)) {
		fprintf(stderr, "csumsim check: %s\n", err.msg);
		return -1;
	}
	if (o->tap != NULL && o->junit != NULL && strcmp(o->tap, o->junit) == 0) {
		fprintf(stderr, "csumsim check: options '--tap' and '--junit' name the same file "
				"'%s'\n", o->tap);
		return -1;
	}
	return 0;
}

/* Options; -1 (printed) on a usage error, 1 for --help. */
static int parse(int argc, char **argv, struct check_opts *o, struct files *paths)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(check_help, stdout);
			return 1;
		} else if (!strcmp(a, "--quick")) {
			o->quick = true;
		} else if (!strcmp(a, "--long")) {
			o->quick = false;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			o->quiet = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o->verbose = true;
		} else if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "--resume")) {
			o->resume = true;
		} else if (!strcmp(a, "--tap") || !strcmp(a, "--junit") || !strcmp(a, "-o") ||
			   !strcmp(a, "--output")) {
			bool dir = !strcmp(a, "-o") || !strcmp(a, "--output");

			if (++i >= argc || argv[i][0] == '\0') {
				fprintf(stderr, "csumsim check: option '%s' needs a %s\n", a,
					dir ? "directory" : "file name");
				return -1;
			}
			if (!strcmp(a, "--tap"))
				o->tap = argv[i];
			else if (!strcmp(a, "--junit"))
				o->junit = argv[i];
			else
				o->outdir = argv[i];
		} else if (!strcmp(a, "--seed")) {
			if (++i >= argc || cli_parse_u64(argv[i], &o->seed) != 0) {
				fprintf(stderr, "csumsim check: option '--seed' needs a decimal "
						"integer from 0 to 18446744073709551615\n");
				return -1;
			}
			o->have_seed = true;
		} else if (!strcmp(a, "--set")) {
			if (++i >= argc || strchr(argv[i], '=') == NULL) {
				fprintf(stderr, "csumsim check: option '--set' needs KEY=VALUE\n");
				return -1;
			}
			if (o->nsets == CLI_MAX_SETS) {
				fprintf(stderr, "csumsim check: more than %d '--set' options\n",
					CLI_MAX_SETS);
				return -1;
			}
			o->sets[o->nsets++] = argv[i];
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "csumsim check: unknown option '%s' (see csumsim check "
					"--help)\n", a);
			return -1;
		} else {
			struct stat st;
			int got;

			if (stat(a, &st) != 0) {
				fprintf(stderr, "csumsim check: '%s': no such file or folder\n", a);
				return -1;
			}
			if (!S_ISDIR(st.st_mode)) {
				if (files_add(paths, a) != 0)
					goto nomem;
				continue;
			}
			got = add_dir(paths, a);
			if (got < 0) {
				fprintf(stderr, "csumsim check: '%s': cannot read the folder\n", a);
				return -1;
			}
			if (got == 0) {
				fprintf(stderr, "csumsim check: '%s': no scenarios (*.yaml) in it\n", a);
				return -1;
			}
		}
	}
	if (paths->n == 0) {
		fprintf(stderr, "csumsim check: no scenario file or folder (see csumsim check "
				"--help)\n");
		return -1;
	}
	if (o->resume && o->outdir == NULL) {
		fprintf(stderr, "csumsim check: --resume continues the explorations saved under "
				"-o DIR (DIR/NAME/explore.state): give -o DIR\n");
		return -1;
	}
	return 0;
nomem:
	fprintf(stderr, "csumsim check: out of memory\n");
	return -1;
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o = {0};
	struct cli_progress prog;
	struct files paths = {0};
	struct cases cs = {0};
	size_t tally[4] = {0};
	int worst = BAD_NONE, p, rc, json_fd = -1;
	bool outdir_was;
	struct stat st;

	p = parse(argc, argv, &o, &paths);
	if (p == 0 && check_outputs(&o) != 0)
		p = -1;
	if (p == 0 && o.outdir != NULL)
		cli_binary_id(o.binary);
	if (p == 0 && o.resume && resume_preflight(&paths, &o) < 0)
		p = -1;
	if (p != 0) {
		files_free(&paths);
		return p > 0 ? EXIT_OK : EXIT_USAGE;
	}
	outdir_was = o.outdir != NULL && lstat(o.outdir, &st) == 0;
	if (o.json)
		json_fd = cli_json_begin();
	cli_progress_init(&prog, "check", !o.quiet, o.verbose);
	o.prog = &prog;
	cli_progress_count(&prog, "scenario", 0, paths.n, NULL);
	for (size_t i = 0; i < paths.n; i++) {
		int bad;

		cli_progress_clear(&prog); /* results go to stdout, on the same terminal */
		bad = check_one(paths.v[i], &o, &cs);

		if (bad > worst)
			worst = bad;
		cli_progress_prefix(&prog, "%s", "");
		cli_progress_count(&prog, "scenario", i + 1, paths.n, paths.v[i]);
	}
	fflush(stdout);
	if ((o.tap != NULL || o.junit != NULL) && write_results(&o, &cs) != 0)
		worst = BAD_RUNTIME;
	/* -o DIR made here and no report got into it: not left behind empty */
	if (o.outdir != NULL && !outdir_was)
		rmdir(o.outdir);
	for (size_t i = 0; i < cs.n; i++)
		tally[cs.v[i].status]++;
	printf("csumsim check: %zu scenarios (%s mode): %zu passed, %zu failed, %zu errors, "
	       "%zu skipped\n", paths.n, o.quick ? "quick" : "long", tally[CHECK_PASS],
	       tally[CHECK_FAIL], tally[CHECK_ERROR], tally[CHECK_SKIP]);
	if (worst == BAD_RUNTIME)
		rc = EXIT_RUNTIME;
	else if (worst == BAD_INPUT)
		rc = EXIT_USAGE;
	else
		rc = tally[CHECK_FAIL] ? EXIT_FINDINGS : EXIT_OK;
	if (o.json) {
		cli_json_end(json_fd);
		if (check_json_print(stdout, cs.v, cs.n, rc) != 0) {
			fprintf(stderr, "csumsim check: cannot write the JSON summary\n");
			rc = EXIT_RUNTIME;
		}
	}
	free(cs.v);
	files_free(&paths);
	return rc;
}
