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
	"                     number of online CPUs)\n"
	"  --shard I/N        only the runs K with K mod N = I (0 <= I < N); csumsim\n"
	"                     merge combines the N shard directories\n"
	"  --list             print the runs (K, seed, values) and stop\n"
	"  --seed N           override the sweep's seed\n"
	"  --set KEY=VALUE    override one key of the base scenario (repeatable)\n"
	"  --no-crashes       skip the crash points\n"
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

/* One run, in a worker process: its report and point.json into
 * tmp/runs/K. Returns the exit code. */
static int run_point(const struct cli_common *cc, const struct scenario *base, uint64_t k,
		     const char *tmp)
{
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
	/* the same text wherever the run was made: shards and one machine agree */
	cli_run_reproduce(reproduce, sizeof(reproduce), cc, 0, k, NULL, UINT64_MAX, false);
	run_metrics_init(&m, sc->variant, 0);
	run_metrics_init(&b, "none", 0);
	{
		struct sim_options opt = {
			.crashes = cc->crashes && sc->crash.kind != SC_CRASH_NONE,
			.records = sc->output.per_request_csv,
			.only_crash = UINT32_MAX,
		};

		if (cli_simulate(sc, &opt, sc->output.baseline, &m, &b, &base_ran, &bad_input, &n_requests,
				 &err) != 0) {
			rc = bad_input ? EXIT_USAGE : EXIT_RUNTIME;
			goto fail;
		}
	}
	if (cli_write_run_report(dir, sc, &m, base_ran ? &b : NULL, reproduce, &err) != 0 ||
	    sweep_point_write(dir, base, k, &co, &m, base_ran ? &b : NULL, &err) != 0)
		goto fail;
	rc = EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "csumsim sweep: run %" PRIu64 ": %s\n", k, err.msg);
out:
	run_metrics_free(&m);
	run_metrics_free(&b);
	free(sc);
	return rc;
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
		    struct cli_progress *prog)
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
				_exit(run_point(cc, base, mine[next], tmp));
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
	bool list = false, plots = true, sharded = false, began = false;
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
	yaml = scenario_to_yaml(sc);
	if (yaml == NULL) {
		cs_err_set(&err, "out of memory");
		rc = EXIT_RUNTIME;
		goto fail;
	}
	sweep_reproduce(reproduce, sizeof(reproduce), &cc, sc->seed, plots);
	/* a bad output path is exit 2 now, not exit 3 after every run */
	if (cli_check_outdir("-o", outdir, sharded ? SHARD_MARKER : "sweep.json", &err) != 0) {
		rc = EXIT_USAGE;
		goto fail;
	}

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
		rc = run_pool(&cc, sc, mine, n_mine,
			      (uint32_t)(jobs < n_mine ? jobs : n_mine ? n_mine : 1), od.tmp, &prog);
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
			.sweep = sc, .reproduce = reproduce, .plots = plots,
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
