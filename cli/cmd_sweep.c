/* csumsim sweep: expand a scenario's sweep section into runs, run them on
 * N worker processes (or one shard of them), and write every run's report
 * and the aggregate over them. csumsim merge (cli/cmd_merge.c) combines
 * shards into what a single machine writes. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/explore_resume.h"
#include "cli/progress.h"
#include "cli/outpath.h"
#include "cli/sweep_shard.h"
#include "reports/jsonb.h"
#include "reports/metrics.h"
#include "reports/sweep_report.h"
#include "scenarios/scenario.h"
#include "scenarios/sweep.h"
#include "sim/run.h"

static const char sweep_help[] =
	"usage: csumsim sweep FILE [options]\n"
	"\n"
	"Expands the scenario's sweep section (lists of values for some of its keys,\n"
	"and replicas) into runs, runs them in parallel, and writes each run's report\n"
	"under runs/K/ and one report over all of them: sweep.json, sweep.csv,\n"
	"sweep.md, report.html, and plots of each metric against each parameter\n"
	"(docs/SWEEP.md). Run K's seed comes from the sweep's seed and K's values, so\n"
	"`csumsim run FILE --point K` re-runs it alone with the same result.\n"
	"\n"
	"options:\n"
	"  -o, --output DIR   where the sweep goes (default: out/NAME-sweep; a shard:\n"
	"                     out/NAME-sweep.shard-I-of-N)\n"
	"  -j, --jobs N       runs at once, each in its own process (default: the\n"
	"                     number of online CPUs); N processes in all (a run's\n"
	"                     capacity replays get a process of their own only when\n"
	"                     twice the runs at once fit in N)\n"
	"  --shard I/N        only the runs K with K mod N = I (0 <= I < N); csumsim\n"
	"                     merge combines the N shard directories\n"
	"  --list             print the runs (K, seed, values) and stop\n"
	"  --seed N           override the sweep's seed\n"
	"  --set KEY=VALUE    override one key of the base scenario (repeatable)\n"
	"  --no-crashes       skip the crash points\n"
	"  --resume           continue each run's crash.budget exploration saved in\n"
	"                     DIR/runs/K/explore.state with the budget given now; the\n"
	"                     sweep is that of one sweep with both budgets\n"
	"  --no-plots         no aggregate charts\n"
	"  -q, --quiet        no progress on stderr\n"
	"  -v, --verbose      progress and a line per run finished on stderr\n"
	"  -h, --help         this text\n"
	"\n"
	"exit codes: 0 written; 2 bad scenario, trace or option; 3 could not finish\n";

static int parse_shard(const char *s, uint32_t *i, uint32_t *n)
{
	unsigned long a, b;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	a = strtoul(s, &end, 10);
	if (*end != '/' || end[1] < '0' || end[1] > '9')
		return -1;
	b = strtoul(end + 1, &end, 10);
	if (*end != '\0' || b == 0 || b > 100000 || a >= b)
		return -1;
	*i = (uint32_t)a;
	*n = (uint32_t)b;
	return 0;
}

static void sweep_reproduce(char *buf, size_t n, const struct cli_common *cc, uint64_t seed,
			    bool plots)
{
	size_t len = (size_t)snprintf(buf, n, "csumsim sweep %s --seed %" PRIu64, cc->file, seed);

	for (int i = 0; i < cc->nsets && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, " --set '%s'", cc->sets[i]);
	if (!cc->crashes && len < n)
		len += (size_t)snprintf(buf + len, n - len, " --no-crashes");
	if (!plots && len < n)
		snprintf(buf + len, n - len, " --no-plots");
}

/* What the workers need beyond the command line: where the sweep's last
 * output is (--resume reads each run's explore.state there) and the binary. */
struct sweep_ctx {
	const char *outdir;
	bool resume;
	char binary[24];
	bool capacity_here; /* no capacity child per run: see capacity_child_fits */
};

/* Whether each of `workers` runs at once may replay its capacity in a child
 * process of its own (sim/capacity.h) and the sweep still run no more than
 * the `jobs` processes asked for: a worker and its child are two. */
static bool capacity_child_fits(uint64_t workers, uint64_t jobs)
{
	return 2 * workers <= jobs;
}

/* One run, in a worker process: its report and point.json into
 * tmp/runs/K. Returns the exit code. */
static int run_point(const struct cli_common *cc_in, const struct scenario *base, uint64_t k,
		     const char *tmp, const struct sweep_ctx *ctx)
{
	struct cli_common ccw = *cc_in, *cc = &ccw;
	struct explore_state xs = { 0 };
	char budget_set[48], xs_path[4400];
	bool kept;
	struct scenario *sc = malloc(sizeof(*sc));
	struct sweep_coord co;
	struct run_metrics m, b;
	struct cs_err err = {{0}};
	bool base_ran = false, bad_input = false;
	uint64_t n_requests;
	char rel[64], dir[4400], reproduce[4096];
	int rc = EXIT_RUNTIME;

	if (sc == NULL) {
		fprintf(stderr, "csumsim sweep: run %" PRIu64 ": out of memory\n", k);
		return EXIT_RUNTIME;
	}
	if (sweep_point(base, k, sc, &co, &err) != 0 || cli_check_runnable(sc, cc->file, &err)) {
		fprintf(stderr, "csumsim sweep: %s\n", err.msg);
		free(sc);
		return EXIT_USAGE;
	}
	sweep_run_dir(k, rel, sizeof(rel));
	snprintf(dir, sizeof(dir), "%s/%s", tmp, rel);
	snprintf(xs_path, sizeof(xs_path), "%s/%s/explore.state", ctx->outdir, rel);
	run_metrics_init(&m, sc->variant, 0);
	run_metrics_init(&b, "none", 0);
	kept = cli_explore_kept(sc, cc->crashes);
	/* crash.budget: the run's exploration is kept beside its report, and
	 * with --resume goes on from the sweep's last output (checked before
	 * any run: this is the same check again) */
	if (kept && cli_explore_setup(sc, cc->file, xs_path, ctx->resume, true, UINT32_MAX,
				      ctx->binary, &xs, &err) != 0) {
		rc = cs_err_is_oom(&err) ? EXIT_RUNTIME : EXIT_USAGE;
		goto fail;
	}
	{
		struct sim_options opt = {
			.crashes = cc->crashes && sc->crash.kind != SC_CRASH_NONE,
			.records = sc->output.per_request_csv,
			.only_crash = UINT32_MAX,
			.explore = kept ? &xs : NULL,
			.capacity_here = ctx->capacity_here,
		};

		if (cli_simulate(sc, &opt, sc->output.baseline, &m, &b, &base_ran, &bad_input, &n_requests,
				 &err) != 0) {
			rc = bad_input ? EXIT_USAGE : EXIT_RUNTIME;
			goto fail;
		}
	}
	/* a kept exploration's report is that of the count it reached */
	if (kept && cli_budget_reached(sc, m.budget.limit, cc->sets, &cc->nsets, CLI_MAX_SETS,
				       budget_set) != 0) {
		cs_err_set(&err, "more than %d '--set' options", CLI_MAX_SETS - 1);
		goto fail;
	}
	/* the same text wherever the run was made: shards and one machine agree */
	cli_run_reproduce(reproduce, sizeof(reproduce), cc, 0, k, NULL, UINT64_MAX, false);
	if (cli_write_kept_report(dir, sc, &m, base_ran ? &b : NULL, reproduce, kept ? &xs : NULL,
				  &err) != 0)
		goto fail;
	if (sweep_point_write(dir, base, k, &co, &m, base_ran ? &b : NULL, &err) != 0)
		goto fail;
	rc = EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "csumsim sweep: run %" PRIu64 ": %s\n", k, err.msg);
out:
	run_metrics_free(&m);
	run_metrics_free(&b);
	explore_state_free(&xs);
	free(sc);
	return rc;
}

/* --resume: every run's state file checked before any run (exit 2 now,
 * not after the others). *prior: the budget the runs' states reached when
 * they all agree (else UINT64_MAX). 0, or -1 with err. */
static int resume_preflight(const struct cli_common *cc, const struct scenario *sc,
			    const uint64_t *mine, uint64_t n_mine, const struct sweep_ctx *ctx,
			    uint64_t *prior, struct cs_err *err)
{
	struct scenario *one = malloc(sizeof(*one));
	uint64_t kept = 0;
	char rel[64], path[4400];

	*prior = UINT64_MAX;
	if (one == NULL)
		return cs_err_set(err, "out of memory");
	for (uint64_t i = 0; i < n_mine; i++) {
		struct explore_state xs = { 0 };
		struct sweep_coord co;

		if (sweep_point(sc, mine[i], one, &co, err) != 0)
			goto fail;
		if (!cli_explore_kept(one, cc->crashes))
			continue;
		sweep_run_dir(mine[i], rel, sizeof(rel));
		snprintf(path, sizeof(path), "%s/%s/explore.state", ctx->outdir, rel);
		if (cli_explore_setup(one, cc->file, path, true, true, UINT32_MAX, ctx->binary, &xs,
				      err) != 0)
			goto fail;
		*prior = kept++ == 0 || *prior == xs.limit ? xs.limit : UINT64_MAX - 1;
		explore_state_free(&xs);
	}
	free(one);
	if (*prior == UINT64_MAX - 1)
		*prior = UINT64_MAX;
	if (kept == 0)
		return cs_err_set(err, "--resume continues crash.budget explorations: %s has %s",
				  cc->file, cc->crashes ? "no crash.budget (give one, e.g. --set "
				  "crash.budget=1000)" : "its crash points off");
	return 0;
fail:
	free(one);
	return -1;
}

/* Set by SIGINT or SIGTERM in the parent: stop the workers, remove the
 * temp dir, exit 130. The only state a signal handler may touch. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

/* Runs the runs of `mine` on `jobs` worker processes; the first failure
 * stops the launching of more and its exit code is returned. An interrupt
 * ends every worker and returns EXIT_INTERRUPTED. */
static int run_pool(const struct cli_common *cc, const struct scenario *base,
		    const uint64_t *mine, uint64_t n_mine, uint32_t jobs, const char *tmp,
		    const struct sweep_ctx *ctx, struct cli_progress *prog)
{
	pid_t *pid = calloc(jobs, sizeof(*pid));
	uint64_t *which = calloc(jobs, sizeof(*which));
	uint64_t next = 0, done = 0;
	uint32_t running = 0;
	int rc = EXIT_OK;

	if (pid == NULL || which == NULL) {
		free(pid);
		free(which);
		fprintf(stderr, "csumsim sweep: out of memory\n");
		return EXIT_RUNTIME;
	}
	cli_progress_count(prog, "run", 0, n_mine, NULL);
	while (running > 0 || (next < n_mine && rc == EXIT_OK)) {
		if (interrupted && rc != EXIT_INTERRUPTED) {
			for (uint32_t j = 0; j < jobs; j++)
				if (pid[j] != 0)
					kill(pid[j], SIGTERM);
			rc = EXIT_INTERRUPTED;
		}
		while (running < jobs && next < n_mine && rc == EXIT_OK) {
			uint32_t slot = 0;
			pid_t p;

			while (pid[slot] != 0)
				slot++;
			fflush(NULL); /* the child must not write the parent's buffers again */
			p = fork();
			if (p < 0) {
				fprintf(stderr, "csumsim sweep: fork: %s\n", strerror(errno));
				rc = EXIT_RUNTIME;
				break;
			}
			if (p == 0) {
				signal(SIGINT, SIG_DFL);
				signal(SIGTERM, SIG_DFL);
				_exit(run_point(cc, base, mine[next], tmp, ctx));
			}
			pid[slot] = p;
			which[slot] = mine[next++];
			running++;
		}
		if (running == 0)
			break;
		{
			int status;
			pid_t p = wait(&status);
			uint32_t slot = 0;

			if (p < 0 && errno == EINTR)
				continue; /* a signal: the loop's head deals with it */
			if (p < 0) {
				fprintf(stderr, "csumsim sweep: wait: %s\n", strerror(errno));
				rc = EXIT_RUNTIME;
				break;
			}
			while (slot < jobs && pid[slot] != p)
				slot++;
			if (slot == jobs)
				continue;
			pid[slot] = 0;
			running--;
			done++;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != EXIT_OK) {
				int code = WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_RUNTIME;

				if (!WIFEXITED(status) && !interrupted)
					fprintf(stderr, "csumsim sweep: run %" PRIu64
							" died of signal %d\n",
						which[slot], WTERMSIG(status));
				if (rc == EXIT_OK && !interrupted)
					rc = code == EXIT_USAGE ? EXIT_USAGE : EXIT_RUNTIME;
			} else {
				char what[48];

				snprintf(what, sizeof(what), "run %" PRIu64, which[slot]);
				cli_progress_count(prog, "run", done, n_mine, what);
			}
		}
	}
	cli_progress_clear(prog);
	free(pid);
	free(which);
	return rc;
}

int cmd_sweep(int argc, char **argv)
{
	struct cli_common cc;
	struct scenario *sc = NULL, *one = NULL;
	struct cs_err err = {{0}};
	struct sweep_outdir od = {0};
	bool list = false, plots = true, sharded = false, began = false, resume = false;
	struct sweep_ctx ctx = { 0 };
	char budget_set[48];
	struct scenario shown; /* sc as the sweep's report shows it */
	uint32_t shard = 0, shards = 1;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t jobs = cpus > 0 ? (uint64_t)cpus : 1, n, n_mine = 0, *mine = NULL;
	char outbuf[SC_PATH_MAX + 64], reproduce[4096], path[4400];
	char *yaml = NULL;
	const char *outdir;
	int rc = EXIT_USAGE;

	cli_common_init(&cc, "sweep");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int took = cli_common_arg(&cc, argc, argv, &i);

		if (took < 0)
			return EXIT_USAGE;
		if (took > 0)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(sweep_help, stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--jobs") || !strncmp(a, "-j", 2)) {
			/* -j N or -jN, as make takes it */
			const char *v = a[2] != '\0' && a[1] == 'j' ? a + 2 : ++i < argc ? argv[i] : NULL;

			if (v == NULL || cli_parse_u64(v, &jobs) != 0 || jobs < 1 || jobs > 1024) {
				fprintf(stderr, "csumsim sweep: option '%s' needs a number of "
						"processes, 1..1024\n",
					a);
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--shard")) {
			if (++i >= argc || parse_shard(argv[i], &shard, &shards) != 0) {
				fprintf(stderr, "csumsim sweep: option '--shard' needs I/N with 0 <= "
						"I < N, e.g. --shard 0/4\n");
				return EXIT_USAGE;
			}
			sharded = true;
		} else if (!strcmp(a, "--list")) {
			list = true;
		} else if (!strcmp(a, "--no-plots")) {
			plots = false;
		} else if (!strcmp(a, "--resume")) {
			resume = true;
		} else {
			fprintf(stderr, "csumsim sweep: unknown option '%s' (see csumsim sweep "
					"--help)\n",
				a);
			return EXIT_USAGE;
		}
	}
	if (cli_common_done(&cc) != 0)
		return EXIT_USAGE;

	sc = malloc(sizeof(*sc));
	one = malloc(sizeof(*one));
	if (sc == NULL || one == NULL) {
		cs_err_set(&err, "out of memory");
		rc = EXIT_RUNTIME;
		goto fail;
	}
	if (cli_load_scenario(&cc, sc, &err) != 0)
		goto fail;
	n = sweep_count(sc);
	/* Every run is checked before any is run: a bad combination is an
	 * input error, found now rather than an hour in. */
	for (uint64_t k = 0; k < n; k++) {
		struct sweep_coord co;

		if (sweep_point(sc, k, one, &co, &err) != 0 ||
		    cli_check_runnable(one, cc.file, &err) != 0)
			goto fail;
		if (list) {
			char label[1024];

			sweep_label(sc, &co, label, sizeof(label));
			printf("%" PRIu64 "\t%" PRIu64 "\t%s\n", k, co.seed, label);
		}
	}
	if (list) {
		rc = EXIT_OK;
		goto out;
	}
	mine = calloc(n, sizeof(*mine));
	if (mine == NULL) {
		cs_err_set(&err, "out of memory");
		rc = EXIT_RUNTIME;
		goto fail;
	}
	for (uint64_t k = shard; k < n; k += shards)
		mine[n_mine++] = k;
	outdir = cc.outdir;
	if (outdir == NULL) {
		if (sharded)
			snprintf(outbuf, sizeof(outbuf), "out/%s-sweep.shard-%u-of-%u",
				 sc->name[0] ? sc->name : "run", shard, shards);
		else
			snprintf(outbuf, sizeof(outbuf), "out/%s-sweep", sc->name[0] ? sc->name : "run");
		outdir = outbuf;
	}
	/* a bad output path is exit 2 now, not exit 3 after every run */
	if (cli_check_outdir("-o", outdir, sharded ? SHARD_MARKER : "sweep.json", &err) != 0) {
		rc = EXIT_USAGE;
		goto fail;
	}
	ctx.outdir = outdir;
	ctx.resume = resume;
	if (cli_explore_kept(sc, cc.crashes) || resume)
		cli_binary_id(ctx.binary);
	{
		uint64_t prior = 0;

		if (resume && resume_preflight(&cc, sc, mine, n_mine, &ctx, &prior, &err) != 0) {
			rc = cs_err_is_oom(&err) ? EXIT_RUNTIME : EXIT_USAGE;
			goto fail;
		}
		/* a budget of states reached by every run alike: the sweep's copy
		 * and reproduce line name the total, as each run's report does
		 * (the runs themselves start from the budget given) */
		shown = *sc;
		if (sc->crash.budget_kind == SC_BUDGET_STATES && cli_explore_kept(sc, cc.crashes) &&
		    prior != UINT64_MAX &&
		    cli_budget_reached(&shown, prior + sc->crash.budget_limit, cc.sets, &cc.nsets,
				       CLI_MAX_SETS, budget_set) != 0) {
			cs_err_set(&err, "more than %d '--set' options", CLI_MAX_SETS - 1);
			goto fail;
		}
	}
	yaml = scenario_to_yaml(&shown);
	if (yaml == NULL) {
		cs_err_set(&err, "out of memory");
		rc = EXIT_RUNTIME;
		goto fail;
	}
	sweep_reproduce(reproduce, sizeof(reproduce), &cc, sc->seed, plots);

	rc = EXIT_RUNTIME;
	if (cli_make_parents(outdir, &err) != 0 ||
	    sweep_outdir_begin(&od, outdir, sharded ? SHARD_MARKER : "sweep.json", &err) != 0)
		goto fail;
	began = true;
	snprintf(path, sizeof(path), "%s/runs", od.tmp);
	if (mkdir(path, 0777) != 0) {
		cs_err_set(&err, "cannot create %s: %s", path, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/sweep.yaml", od.tmp);
	if (cli_write_text(path, yaml, &err) != 0)
		goto fail;
	{
		struct sigaction sa, old_int, old_term;
		struct cli_progress prog;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal; /* no SA_RESTART: wait() returns EINTR */
		sigemptyset(&sa.sa_mask);
		interrupted = 0;
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		cli_progress_init(&prog, "sweep", !cc.quiet, cc.verbose);
		uint32_t workers = (uint32_t)(jobs < n_mine ? jobs : n_mine ? n_mine : 1);

		ctx.capacity_here = !capacity_child_fits(workers, jobs);
		rc = run_pool(&cc, sc, mine, n_mine, workers, od.tmp, &ctx, &prog);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	if (rc == EXIT_INTERRUPTED)
		fprintf(stderr, "csumsim sweep: interrupted; nothing written\n");
	if (rc != EXIT_OK) {
		sweep_outdir_abort(&od);
		began = false;
		goto out; /* the worker said why */
	}
	rc = EXIT_RUNTIME;
	if (sharded) {
		struct shard_info si = {
			.shard = shard, .of = shards, .n_runs = n,
			.fingerprint = sweep_fingerprint(yaml),
			.reproduce = reproduce, .plots = plots,
		};

		if (shard_info_write(od.tmp, &si, &err) != 0)
			goto fail;
	} else {
		struct sweep_report_input in = {
			.sweep = &shown, .reproduce = reproduce, .plots = plots,
		};

		if (sweep_report_write(od.tmp, &in, &err) != 0)
			goto fail;
	}
	if (sweep_outdir_commit(&od, &err) != 0) {
		began = false;
		goto fail;
	}
	began = false;
	if (sharded)
		printf("csumsim: %s: shard %u of %u: %" PRIu64 " of %" PRIu64 " runs in %s/ "
		       "(csumsim merge combines the shards)\n",
		       cc.file, shard, shards, n_mine, n, outdir);
	else
		printf("csumsim: %s: %" PRIu64 " runs; sweep in %s/\n", cc.file, n, outdir);
	rc = EXIT_OK;
	goto out;
fail:
	if (rc == EXIT_USAGE && cs_err_is_oom(&err))
		rc = EXIT_RUNTIME; /* memory is the machine's fault, not the input's */
	fprintf(stderr, "csumsim sweep: %s\n", err.msg);
out:
	if (began)
		sweep_outdir_abort(&od);
	free(yaml);
	free(mine);
	free(one);
	free(sc);
	return rc;
}
