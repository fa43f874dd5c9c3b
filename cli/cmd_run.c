/* csumsim run: load a scenario, replay it through its variant (and the
 * baseline `none`), explore its crash points, write the report. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/explore_resume.h"
#include "cli/outpath.h"
#include "cli/progress.h"
#include "reports/metrics.h"
#include "reports/summary_json.h"
#include "scenarios/scenario.h"
#include "scenarios/sweep.h"
#include "sim/explore_state.h"
#include "sim/run.h"
#include "reports/report.h"


static const char run_help[] =
	"usage: csumsim run FILE [options]\n"
	"\n"
	"Replays the scenario's trace through its protocol variant on the emulated\n"
	"disk, crashes it at the scenario's crash points, and writes a report.\n"
	"\n"
	"options:\n"
	"  -o, --output DIR   where the report goes (default: out/NAME, NAME from the scenario)\n"
	"  --seed N           override the scenario's seed\n"
	"  --set KEY=VALUE    override one scenario key (repeatable), e.g.\n"
	"                     --set disk.cache.enabled=false --set crash.max_crashes=10\n"
	"  --variant NAME     override the scenario's variant\n"
	"  --no-baseline      do not also run variant `none` for the overhead ratios\n"
	"  --no-crashes       skip the crash points\n"
	"  --crash K          run only crash point K (0-based): reproduces one crash alone\n"
	"  --point K          a sweep's run K alone (0-based; csumsim sweep FILE --list\n"
	"                     lists them): the same report as runs/K of the sweep\n"
	"  --resume           continue the crash.budget exploration saved in\n"
	"                     DIR/explore.state with the budget given now; the report\n"
	"                     is that of one run with both budgets\n"
	"  -q, --quiet        no progress on stderr\n"
	"  -v, --verbose      progress and a line per phase (replay, capacity, crash\n"
	"                     point) on stderr\n"
	"  --json             print the verdict as JSON on stdout (other output: stderr)\n"
	"  -h, --help         this text\n"
	"\n"
	"exit codes: 0 report written; 2 bad scenario, trace or option; 3 could not finish\n";

/* After a budgeted run: the report is that of a budget of the states it
 * reached (a time budget, or a run continued), so its scenario copy and
 * reproduce line name that count, and re-running it gives the same bytes. */
static int budget_reached(struct scenario *sc, const struct run_metrics *m,
			  struct cli_common *cc, char sets[][48])
{
	if (sc->crash.budget_kind == SC_BUDGET_TIME)
		fprintf(stderr, "csumsim run: crash.budget: %" PRIu64 " states explored in the "
			"time given; the report is that of --set crash.budget=%" PRIu64 "\n",
			m->budget.explored, m->budget.limit);
	return cli_budget_reached(sc, m->budget.limit, cc->sets, &cc->nsets, CLI_MAX_SETS,
				  sets[0]);
}

int cmd_run(int argc, char **argv)
{
	struct cli_common cc;
	const char *file, *outdir, *variant = NULL;
	bool baseline = true;
	uint64_t only = UINT64_MAX, point = UINT64_MAX;
	struct scenario *sc;
	struct run_metrics m, base;
	bool base_ran, bad_input;
	uint64_t n_requests = 0;
	struct sim_options opt = {0};
	struct cli_progress prog;
	struct cs_err err = { { 0 } };
	char outbuf[SC_PATH_MAX + 16];
	char reproduce[2048];
	char reproduce_sets[1][48];
	int rc = EXIT_RUNTIME;
	int json_fd = -1;
	bool resume = false;
	struct explore_state xs = { 0 };

	cli_common_init(&cc, "run");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int took = cli_common_arg(&cc, argc, argv, &i);

		if (took < 0)
			return EXIT_USAGE;
		if (took > 0)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(run_help, stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--variant")) {
			if (++i >= argc) {
				fprintf(stderr, "csumsim run: option '--variant' needs a name\n");
				return EXIT_USAGE;
			}
			variant = argv[i];
		} else if (!strcmp(a, "--crash")) {
			if (++i >= argc || cli_parse_u64(argv[i], &only) != 0 || only >= UINT32_MAX) {
				fprintf(stderr, "csumsim run: option '--crash' needs a crash number\n");
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--point")) {
			if (++i >= argc || cli_parse_u64(argv[i], &point) != 0 ||
			    point == UINT64_MAX) {
				fprintf(stderr, "csumsim run: option '--point' needs a run number\n");
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--no-baseline")) {
			baseline = false;
		} else if (!strcmp(a, "--resume")) {
			resume = true;
		} else {
			fprintf(stderr, "csumsim run: unknown option '%s' (see csumsim run --help)\n", a);
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
		fprintf(stderr, "csumsim run: out of memory\n");
		return EXIT_RUNTIME;
	}
	if (cli_load_scenario(&cc, sc, &err) != 0)
		goto usage;
	if (point != UINT64_MAX || scenario_is_sweep(sc)) {
		struct scenario *one;
		struct sweep_coord co;

		if (point == UINT64_MAX) {
			cs_err_set(&err, "%s is a sweep of %" PRIu64 " runs: csumsim sweep %s runs "
					 "them all, csumsim run %s --point K runs one",
				   file, sweep_count(sc), file, file);
			goto usage;
		}
		if (!scenario_is_sweep(sc)) {
			cs_err_set(&err, "--point: %s is not a sweep (it has no sweep section)", file);
			goto usage;
		}
		one = malloc(sizeof(*one));
		if (one == NULL || sweep_point(sc, point, one, &co, &err) != 0) {
			if (one == NULL)
				cs_err_set(&err, "out of memory");
			free(one);
			goto usage;
		}
		free(sc);
		sc = one;
	}
	if (variant != NULL) {
		if (strlen(variant) >= sizeof(sc->variant)) {
			cs_err_set(&err, "--variant: name too long");
			goto usage;
		}
		snprintf(sc->variant, sizeof(sc->variant), "%s", variant);
	}
	if (cli_check_runnable(sc, file, &err) != 0)
		goto usage;
	if (only != UINT64_MAX && !cc.crashes) {
		cs_err_set(&err, "option '--crash %" PRIu64 "' runs one crash point; "
				 "'--no-crashes' runs none: give one of them", only);
		goto usage;
	}
	if (only != UINT64_MAX && sc->crash.kind == SC_CRASH_NONE) {
		cs_err_set(&err, "option '--crash %" PRIu64 "': %s has no crash points "
				 "(crash.mode is none)", only, file);
		goto usage;
	}
	if (outdir == NULL) {
		snprintf(outbuf, sizeof(outbuf), "out/%s", sc->name[0] ? sc->name : "run");
		outdir = outbuf;
	}
	/* a bad output path is exit 2 now, not exit 3 after the whole run */
	if (cli_check_outdir("-o", outdir, "report.json", &err) != 0)
		goto usage;
	opt.crashes = cc.crashes && sc->crash.kind != SC_CRASH_NONE;
	cli_progress_init(&prog, "run", !cc.quiet && sc->output.progress, cc.verbose);
	cli_progress_attach(&prog, &opt);
	opt.records = sc->output.per_request_csv;
	opt.only_crash = only == UINT64_MAX ? UINT32_MAX : (uint32_t)only;
	if (cli_explore_kept(sc, opt.crashes) || resume) {
		char path[SC_PATH_MAX + 32], binary[24];

		snprintf(path, sizeof(path), "%s/explore.state", outdir);
		cli_binary_id(binary);
		if (cli_explore_setup(sc, file, path, resume, opt.crashes, opt.only_crash, binary,
				      &xs, &err) != 0)
			goto usage;
		opt.explore = &xs;
	}

	run_metrics_init(&m, sc->variant, 0);
	run_metrics_init(&base, "none", 0);
	if (cli_simulate(sc, &opt, baseline && sc->output.baseline, &m, &base, &base_ran, &bad_input, &n_requests,
			 &err) != 0) {
		if (bad_input) {
			run_metrics_free(&m);
			run_metrics_free(&base);
			goto usage;
		}
		goto runtime;
	}
	if (opt.explore != NULL && budget_reached(sc, &m, &cc, reproduce_sets) != 0) {
		cs_err_set(&err, "out of memory");
		goto runtime;
	}
	cli_run_reproduce(reproduce, sizeof(reproduce), &cc, sc->seed, point, variant, only,
			  !baseline);
	if (cli_write_kept_report(outdir, sc, &m, base_ran ? &base : NULL, reproduce, opt.explore,
				  &err) != 0)
		goto runtime;
	printf("csumsim: %s: %" PRIu64 " requests through '%s', %u crash points; report in %s/\n",
	       file, n_requests, sc->variant, m.n_crashes, outdir);
	rc = EXIT_OK;
	if (cc.json) {
		struct verdict v[2];
		size_t nv = 0;

		verdict_of(sc->variant, "", &m, base_ran ? &base : NULL, &v[nv++]);
		if (base_ran)
			verdict_of("none", "", &base, &base, &v[nv++]);
		cli_json_end(json_fd);
		json_fd = -1;
		if (summary_json_print(stdout, "run", outdir, v, nv, rc) != 0) {
			fprintf(stderr, "csumsim run: cannot write the JSON summary\n");
			rc = EXIT_RUNTIME;
		}
	}
	goto out;
usage:
	fprintf(stderr, "csumsim run: %s\n", err.msg);
	explore_state_free(&xs);
	free(sc);
	cli_json_end(json_fd);
	/* memory is the machine's fault, not the input's */
	return cs_err_is_oom(&err) ? EXIT_RUNTIME : EXIT_USAGE;
runtime:
	fprintf(stderr, "csumsim run: %s\n", err.msg);
out:
	run_metrics_free(&m);
	run_metrics_free(&base);
	explore_state_free(&xs);
	free(sc);
	cli_json_end(json_fd);
	return rc;
}
