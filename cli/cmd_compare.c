/* csumsim compare: run several variants on one or more disk profiles, each on
 * the same trace, seed and fault schedule, and write the comparison report. */
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
#include "reports/compare.h"
#include "reports/metrics.h"
#include "reports/report.h"
#include "reports/summary_json.h"
#include "scenarios/scenario.h"
#include "sim/capacity.h"
#include "sim/run.h"



static const char compare_help[] =
	"usage: csumsim compare FILE [options]\n"
	"\n"
	"Runs every listed variant on every listed disk profile, each on the scenario's\n"
	"trace with the same seed and fault schedule, crashes each at the scenario's\n"
	"crash points, and writes a comparison: fault outcomes per fault type and\n"
	"variant with 95% intervals, overhead as ratios to `none`, crash exploration\n"
	"totals, and charts (docs/COMPARE.md).\n"
	"\n"
	"options:\n"
	"  -o, --output DIR     where the comparison goes (default: out/NAME-compare)\n"
	"  --seed N             override the scenario's seed\n"
	"  --set KEY=VALUE      override one scenario key (repeatable)\n"
	"  --variants A,B,...   the variants (default: the scenario's compare.variants);\n"
	"                       include `none` to get overhead ratios\n"
	"  --profiles P,...     disk profiles among hdd, ssd, ram (default: the scenario's\n"
	"                       compare.profiles, else its disk.profile)\n"
	"  --no-crashes         skip the crash points\n"
	"  --resume             continue each run's crash.budget exploration saved in\n"
	"                       DIR/explore/PROFILE.VARIANT.state with the budget given\n"
	"                       now; the comparison is that of one with both budgets\n"
	"  -q, --quiet          no progress on stderr\n"
	"  -v, --verbose        progress and a line per phase on stderr\n"
	"  --json               print the verdicts as JSON on stdout (other output: stderr)\n"
	"  -h, --help           this text\n"
	"\n"
	"exit codes: 0 comparison written; 2 bad scenario, trace or option; 3 could not finish\n";

static const struct {
	const char *name;
	uint8_t profile;
} profile_names[] = {
	{ "hdd", SC_DISK_HDD },
	{ "ssd", SC_DISK_SSD },
	{ "ram", SC_DISK_RAM },
};
#define N_PROFILE_NAMES (sizeof(profile_names) / sizeof(profile_names[0]))

/* What to compare: names point into the scenario or the command line. */
struct plan {
	const char *variants[COMPARE_MAX_VARIANTS];
	uint32_t n_variants;
	const char *profiles[COMPARE_MAX_PROFILES];
	uint8_t profile_ids[COMPARE_MAX_PROFILES];
	uint32_t n_profiles;
};

static const char *profile_name(uint8_t id)
{
	for (size_t i = 0; i < N_PROFILE_NAMES; i++)
		if (profile_names[i].profile == id)
			return profile_names[i].name;
	return NULL;
}

/* Splits a comma-separated list in place; empty items are errors. */
static int split(char *list, const char **out, uint32_t max, uint32_t *n, const char *opt,
		 struct cs_err *err)
{
	*n = 0;
	for (char *s = list;;) {
		char *comma = strchr(s, ',');
		if (comma)
			*comma = '\0';
		if (*s == '\0')
			return cs_err_set(err, "%s: empty name in the list", opt);
		if (*n == max)
			return cs_err_set(err, "%s: more than %u names", opt, max);
		out[(*n)++] = s;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

/* `where` names the source for messages: "--variants" or "FILE: field 'compare.variants'". */
static int check_variants(const struct plan *pl, const char *where, struct cs_err *err)
{
	for (uint32_t i = 0; i < pl->n_variants; i++) {
		if (csum_variant_find(pl->variants[i]) == NULL) {
			char known[256];

			cli_known_variants(known, sizeof(known));
			return cs_err_set(err, "%s: unknown variant '%s' (known: %s)", where,
					  pl->variants[i], known);
		}
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(pl->variants[i], pl->variants[j]))
				return cs_err_set(err, "%s: variant '%s' listed twice", where,
						  pl->variants[i]);
	}
	return 0;
}

/* every list a scenario can hold fits the report's limits */
_Static_assert(SC_MAX_COMPARE_VARIANTS <= COMPARE_MAX_VARIANTS, "variants list too long");
_Static_assert(SC_MAX_COMPARE_PROFILES <= COMPARE_MAX_PROFILES, "profiles list too long");

static int plan_variants(struct plan *pl, char *opt, const struct scenario *sc, const char *file,
			 struct cs_err *err)
{
	char where[SC_PATH_MAX + 64];

	if (opt != NULL) {
		if (split(opt, pl->variants, COMPARE_MAX_VARIANTS, &pl->n_variants, "--variants",
			  err))
			return -1;
		return check_variants(pl, "--variants", err);
	}
	if (sc->compare.n_variants == 0)
		return cs_err_set(err, "%s: nothing to compare: give --variants A,B,... or a "
				       "compare.variants list in the scenario",
				  file);
	pl->n_variants = 0;
	for (uint32_t i = 0; i < sc->compare.n_variants && i < SC_MAX_COMPARE_VARIANTS; i++)
		pl->variants[pl->n_variants++] = sc->compare.variants[i];
	snprintf(where, sizeof(where), "%s: field 'compare.variants'", file);
	return check_variants(pl, where, err);
}

static int plan_profiles(struct plan *pl, char *opt, const struct scenario *sc,
			 struct cs_err *err)
{
	if (opt != NULL) {
		if (split(opt, pl->profiles, COMPARE_MAX_PROFILES, &pl->n_profiles, "--profiles",
			  err))
			return -1;
		for (uint32_t i = 0; i < pl->n_profiles; i++) {
			size_t k = 0;

			while (k < N_PROFILE_NAMES && strcmp(profile_names[k].name, pl->profiles[i]))
				k++;
			if (k == N_PROFILE_NAMES)
				return cs_err_set(err, "--profiles: unknown disk profile '%s' "
						       "(known: hdd, ssd, ram)",
						  pl->profiles[i]);
			pl->profile_ids[i] = profile_names[k].profile;
			for (uint32_t j = 0; j < i; j++)
				if (pl->profile_ids[j] == pl->profile_ids[i])
					return cs_err_set(err, "--profiles: profile '%s' listed twice",
							  pl->profiles[i]);
		}
		return 0;
	}
	/* The scenario's list, else the one disk it describes. */
	pl->n_profiles = 0;
	for (uint32_t i = 0; i < sc->compare.n_profiles && i < SC_MAX_COMPARE_PROFILES; i++)
		pl->profile_ids[pl->n_profiles++] = sc->compare.profiles[i];
	if (pl->n_profiles == 0)
		pl->profile_ids[pl->n_profiles++] = sc->disk.profile;
	for (uint32_t i = 0; i < pl->n_profiles; i++) {
		pl->profiles[i] = profile_name(pl->profile_ids[i]);
		if (pl->profiles[i] == NULL)
			return cs_err_set(err, "unknown disk profile %u", pl->profile_ids[i]);
	}
	return 0;
}

/* The command line that reproduces this comparison: everything explicit. */
static void make_reproduce(char *buf, size_t n, const char *file, const struct scenario *sc,
			   const struct plan *pl, bool crashes, char *const *sets, int nsets)
{
	size_t len = (size_t)snprintf(buf, n, "csumsim compare %s --seed %" PRIu64 " --variants ",
				      file, sc->seed);

	for (uint32_t i = 0; i < pl->n_variants && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "," : "", pl->variants[i]);
	for (uint32_t i = 0; i < pl->n_profiles && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "," : " --profiles ",
					pl->profiles[i]);
	if (!crashes && len < n)
		len += (size_t)snprintf(buf + len, n - len, " --no-crashes");
	for (int i = 0; i < nsets && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, " --set '%s'", sets[i]);
}

/* The scenario run p * n_variants + v runs: variant v on profile p. */
static void run_scenario(const struct scenario *sc, const struct plan *pl, uint32_t p,
			 uint32_t v, struct scenario *one)
{
	*one = *sc;
	one->disk.profile = pl->profile_ids[p];
	one->imd_disk.profile = pl->profile_ids[p];
	snprintf(one->variant, sizeof(one->variant), "%s", pl->variants[v]);
}

/* crash.budget: each run's exploration is kept as explore/P.V.state in the
 * comparison's directory, and with --resume goes on from there; every file
 * is checked before any run. xs: one per run. *prior: the budget the saved
 * states reached when they all agree (else UINT64_MAX; 0 without resume). */
static int explore_setup(const struct scenario *sc, const struct plan *pl, const char *outdir,
			 bool resume, bool crashes, struct explore_state *xs, uint64_t *prior,
			 struct cs_err *err)
{
	struct scenario *one = malloc(sizeof(*one));
	char path[SC_PATH_MAX + 160], binary[24];

	if (one == NULL)
		return cs_err_set(err, "out of memory");
	cli_binary_id(binary);
	*prior = resume ? UINT64_MAX - 1 : 0;
	for (uint32_t p = 0; p < pl->n_profiles; p++)
		for (uint32_t v = 0; v < pl->n_variants; v++) {
			struct explore_state *x = &xs[(size_t)p * pl->n_variants + v];

			run_scenario(sc, pl, p, v, one);
			snprintf(path, sizeof(path), "%s/explore/%s.%s.state", outdir, pl->profiles[p],
				 pl->variants[v]);
			if (cli_explore_setup(one, sc->file, path, resume, crashes, UINT32_MAX, binary,
					      x, err) != 0) {
				free(one);
				return -1;
			}
			if (resume)
				*prior = *prior == UINT64_MAX - 1 || *prior == x->limit ? x->limit
											: UINT64_MAX;
		}
	free(one);
	return 0;
}

/* Runs every variant on every profile into runs[p * n_variants + v]. */
static int run_all(const struct scenario *sc, const struct plan *pl,
		   const struct sim_workload *wl, const struct sim_options *opt_in,
		   struct explore_state *xs, struct cli_progress *prog, struct run_metrics *runs,
		   struct cs_err *err)
{
	struct sim_options o = *opt_in, *opt = &o;

	struct scenario *one = malloc(sizeof(*one));

	if (one == NULL)
		return cs_err_set(err, "out of memory");
	for (uint32_t p = 0; p < pl->n_profiles; p++) {
		/* Only the disk changes: trace, seed and faults stay the same. */
		*one = *sc;
		one->disk.profile = pl->profile_ids[p];
		one->imd_disk.profile = pl->profile_ids[p];
		for (uint32_t v = 0; v < pl->n_variants; v++) {
			struct run_metrics *m = &runs[(size_t)p * pl->n_variants + v];

			cli_progress_prefix(prog, "%s on %s (%u of %u): ", pl->variants[v],
					    pl->profiles[p], p * pl->n_variants + v + 1,
					    pl->n_profiles * pl->n_variants);
			m->user_remapped = wl->remapped;
			m->user_dropped = wl->dropped;
			o.explore = xs != NULL ? &xs[(size_t)p * pl->n_variants + v] : NULL;
			if (sim_run(one, pl->variants[v], wl, opt, m, err) != 0 ||
			    (one->output.capacity &&
			     sim_capacity(one, pl->variants[v], wl, one->output.capacity_depth,
					  &m->capacity, err) != 0)) {
				cli_progress_clear(prog);
				free(one);
				return -1;
			}
			if (one->output.capacity)
				cli_progress_note(prog, "capacity done");
			cli_progress_clear(prog);
			cli_warn_refused(m);
		}
	}
	free(one);
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	struct cli_common cc;
	const char *file = NULL, *outdir = NULL;
	char *variants_opt = NULL, *profiles_opt = NULL;
	struct cs_err err = { { 0 } };
	struct plan pl;
	struct scenario *sc = NULL;
	struct sim_workload wl;
	bool wl_loaded = false;
	struct run_metrics *runs = NULL;
	size_t n_runs = 0;
	const struct run_metrics **run_ptrs = NULL;
	char *yaml = NULL;
	char outbuf[SC_PATH_MAX + 32];
	char reproduce[4096];
	int rc = EXIT_USAGE;
	int json_fd = -1;
	bool resume = false;
	struct explore_state *xs = NULL; /* per run, with crash.budget */
	struct report_file *extra = NULL;
	char xs_names[COMPARE_MAX_VARIANTS * COMPARE_MAX_PROFILES][2 * COMPARE_NAME_MAX + 24];
	char budget_set[48];
	uint64_t prior = 0;

	memset(&pl, 0, sizeof(pl));
	cli_common_init(&cc, "compare");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int took = cli_common_arg(&cc, argc, argv, &i);

		if (took < 0)
			return EXIT_USAGE;
		if (took > 0)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(compare_help, stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--variants") || !strcmp(a, "--profiles")) {
			if (++i >= argc) {
				fprintf(stderr, "csumsim compare: option '%s' needs a list, e.g. %s\n",
					a, a[2] == 'v' ? "rfc,none" : "ssd,hdd");
				return EXIT_USAGE;
			}
			if (a[2] == 'v')
				variants_opt = argv[i];
			else
				profiles_opt = argv[i];
		} else if (!strcmp(a, "--resume")) {
			resume = true;
		} else {
			fprintf(stderr,
				"csumsim compare: unknown option '%s' (see csumsim compare --help)\n",
				a);
			return EXIT_USAGE;
		}
	}
	if (cli_common_done(&cc) != 0)
		return EXIT_USAGE;
	file = cc.file;
	outdir = cc.outdir;
	if (cc.json)
		json_fd = cli_json_begin();

	sc = malloc(sizeof(*sc));
	if (sc == NULL) {
		cs_err_set(&err, "out of memory");
		rc = EXIT_RUNTIME;
		goto fail;
	}
	if (cli_load_scenario(&cc, sc, &err) != 0)
		goto fail;
	if (scenario_is_sweep(sc)) {
		cs_err_set(&err, "%s is a sweep: csumsim sweep runs it (sweep `variant` as one of "
				 "its parameters to compare schemes across it)",
			   file);
		goto fail;
	}
	if (plan_variants(&pl, variants_opt, sc, file, &err) != 0 ||
	    plan_profiles(&pl, profiles_opt, sc, &err) != 0)
		goto fail;
	if (outdir == NULL) {
		snprintf(outbuf, sizeof(outbuf), "out/%s-compare", sc->name[0] ? sc->name : "run");
		outdir = outbuf;
	}
	if (cli_check_outdir("-o", outdir, "compare.json", &err) != 0)
		goto fail;
	n_runs = (size_t)pl.n_profiles * pl.n_variants;
	if (cli_explore_kept(sc, cc.crashes) || resume) {
		xs = calloc(n_runs, sizeof(*xs));
		if (xs == NULL) {
			cs_err_set(&err, "out of memory");
			goto fail;
		}
		if (explore_setup(sc, &pl, outdir, resume, cc.crashes, xs, &prior, &err) != 0)
			goto fail;
	}
	if (sim_workload_load(&wl, sc, &err) != 0) {
		if (cs_err_is_oom(&err))
			rc = EXIT_RUNTIME;
		goto fail;
	}
	wl_loaded = true;

	/* From here on a failure is the run's, not the input's. */
	rc = EXIT_RUNTIME;
	runs = calloc(n_runs, sizeof(*runs));
	run_ptrs = calloc(n_runs, sizeof(*run_ptrs));
	if (runs == NULL || run_ptrs == NULL) {
		cs_err_set(&err, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < n_runs; i++) {
		run_metrics_init(&runs[i], pl.variants[i % pl.n_variants], 0);
		run_ptrs[i] = &runs[i];
	}
	{
		struct sim_options opt = {
			.crashes = cc.crashes && sc->crash.kind != SC_CRASH_NONE,
			.records = false,
			.only_crash = UINT32_MAX,
		};
		struct cli_progress prog;

		cli_progress_init(&prog, "compare", !cc.quiet && sc->output.progress, cc.verbose);
		cli_progress_attach(&prog, &opt);
		if (run_all(sc, &pl, &wl, &opt, xs, &prog, runs, &err) != 0)
			goto fail;
	}
	/* a budget of states every run reached alike: the comparison's copy
	 * and reproduce line name the total (the count each run's report is of) */
	if (xs != NULL && sc->crash.budget_kind == SC_BUDGET_STATES && prior != UINT64_MAX &&
	    cli_budget_reached(sc, prior + sc->crash.budget_limit, cc.sets, &cc.nsets,
			       CLI_MAX_SETS, budget_set) != 0) {
		cs_err_set(&err, "more than %d '--set' options", CLI_MAX_SETS - 1);
		goto fail;
	}
	if (xs != NULL && (extra = calloc(n_runs, sizeof(*extra))) == NULL) {
		cs_err_set(&err, "out of memory");
		goto fail;
	}
	for (size_t i = 0; xs != NULL && i < n_runs; i++) {
		char *t = explore_state_text(&xs[i]);

		snprintf(xs_names[i], sizeof(xs_names[i]), "explore/%s.%s.state",
			 pl.profiles[i / pl.n_variants], pl.variants[i % pl.n_variants]);
		extra[i].name = xs_names[i];
		extra[i].content = t;
		if (t == NULL) {
			cs_err_set(&err, "out of memory");
			goto fail;
		}
	}
	yaml = scenario_to_yaml(sc);
	if (yaml == NULL) {
		cs_err_set(&err, "out of memory");
		goto fail;
	}
	make_reproduce(reproduce, sizeof(reproduce), file, sc, &pl, cc.crashes, cc.sets, cc.nsets);
	{
		struct compare_input in = {
			.scenario_yaml = yaml,
			.scenario_name = sc->name,
			.seed = sc->seed,
			.reproduce = reproduce,
			.n_variants = pl.n_variants,
			.variants = pl.variants,
			.n_profiles = pl.n_profiles,
			.profiles = pl.profiles,
			.runs = run_ptrs,
			.plots = sc->output.plots,
			.extra = extra,
			.n_extra = extra != NULL ? n_runs : 0,
		};

		if (cli_make_parents(outdir, &err) != 0 || compare_write(outdir, &in, &err) != 0)
			goto fail;
		printf("csumsim: %s: %" PRIu64 " requests through %u variants on %u disk "
		       "profiles; comparison in %s/\n",
		       file, (uint64_t)wl.n, pl.n_variants, pl.n_profiles, outdir);
		rc = EXIT_OK;
		if (cc.json) {
			cli_json_end(json_fd);
			json_fd = -1;
			if (compare_json_print(stdout, &in, outdir, rc) != 0) {
				cs_err_set(&err, "cannot write the JSON summary");
				rc = EXIT_RUNTIME;
				goto fail;
			}
		}
	}
	goto out;
fail:
	if (rc == EXIT_USAGE && cs_err_is_oom(&err))
		rc = EXIT_RUNTIME; /* memory is the machine's fault, not the input's */
	fprintf(stderr, "csumsim compare: %s\n", err.msg);
out:
	cli_json_end(json_fd);
	free(yaml);
	for (size_t i = 0; runs != NULL && i < n_runs; i++)
		run_metrics_free(&runs[i]);
	free(runs);
	free(run_ptrs);
	for (size_t i = 0; xs != NULL && i < n_runs; i++) {
		explore_state_free(&xs[i]);
		if (extra != NULL)
			free((char *)extra[i].content);
	}
	free(xs);
	free(extra);
	if (wl_loaded)
		sim_workload_free(&wl);
	free(sc);
	return rc;
}
