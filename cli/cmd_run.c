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
#include "reports/metrics.h"
#include "scenarios/scenario.h"
#include "sim/run.h"


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
	"  --quiet            no progress line\n"
	"  -h, --help         this text\n"
	"\n"
	"exit codes: 0 report written; 2 bad scenario, trace or option; 3 could not finish\n";

static void make_reproduce(char *buf, size_t n, const char *file, uint64_t seed,
			   const char *variant, char *const *sets, int nsets)
{
	size_t len = (size_t)snprintf(buf, n, "csumsim run %s --seed %" PRIu64, file, seed);

	if (variant != NULL && len < n)
		len += (size_t)snprintf(buf + len, n - len, " --variant %s", variant);
	for (int i = 0; i < nsets && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, " --set '%s'", sets[i]);
}

int cmd_run(int argc, char **argv)
{
	struct cli_common cc;
	const char *file, *outdir, *variant = NULL;
	bool baseline = true;
	uint64_t only = UINT64_MAX;
	struct scenario *sc;
	struct sim_workload wl;
	struct run_metrics m, base;
	struct sim_options opt;
	struct cs_err err = { { 0 } };
	char outbuf[SC_PATH_MAX + 16];
	char reproduce[2048];
	int rc = EXIT_RUNTIME;

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
		} else if (!strcmp(a, "--no-baseline")) {
			baseline = false;
		} else {
			fprintf(stderr, "csumsim run: unknown option '%s' (see csumsim run --help)\n", a);
			return EXIT_USAGE;
		}
	}
	if (cli_common_done(&cc) != 0)
		return EXIT_USAGE;
	file = cc.file;
	outdir = cc.outdir;

	sc = malloc(sizeof(*sc));
	if (sc == NULL) {
		fprintf(stderr, "csumsim run: out of memory\n");
		return EXIT_RUNTIME;
	}
	if (cli_load_scenario(&cc, sc, &err) != 0)
		goto usage;
	if (variant != NULL) {
		if (strlen(variant) >= sizeof(sc->variant)) {
			cs_err_set(&err, "--variant: name too long");
			goto usage;
		}
		snprintf(sc->variant, sizeof(sc->variant), "%s", variant);
	}
	if (csum_variant_find(sc->variant) == NULL) {
		char known[512];

		cli_known_variants(known, sizeof(known));
		cs_err_set(&err, "%s: field 'variant': unknown variant '%s' (known: %s)", file,
			   sc->variant, known);
		goto usage;
	}
	if (outdir == NULL) {
		snprintf(outbuf, sizeof(outbuf), "out/%s", sc->name[0] ? sc->name : "run");
		outdir = outbuf;
	}
	if (sim_workload_load(&wl, sc, &err) != 0)
		goto usage;

	opt.crashes = cc.crashes && sc->crash.kind != SC_CRASH_NONE;
	opt.progress = !cc.quiet && sc->output.progress && isatty(STDERR_FILENO);
	opt.records = sc->output.per_request_csv;
	opt.only_crash = only == UINT64_MAX ? UINT32_MAX : (uint32_t)only;

	run_metrics_init(&m, sc->variant, 0);
	run_metrics_init(&base, "none", 0);
	m.user_remapped = wl.remapped;
	m.user_dropped = wl.dropped;
	base.user_remapped = wl.remapped;
	base.user_dropped = wl.dropped;
	if (sim_run(sc, NULL, &wl, &opt, &m, &err) != 0)
		goto runtime;
	baseline = baseline && sc->output.baseline && strcmp(sc->variant, "none") != 0;
	if (baseline) {
		struct sim_options bopt = opt;

		bopt.crashes = false;
		if (sim_run(sc, "none", &wl, &bopt, &base, &err) != 0)
			goto runtime;
	}
	make_reproduce(reproduce, sizeof(reproduce), file, sc->seed, variant, cc.sets, cc.nsets);
	if (cli_write_run_report(outdir, sc, &m, baseline ? &base : NULL, reproduce, &err) != 0)
		goto runtime;
	printf("csumsim: %s: %" PRIu64 " requests through '%s', %u crash points; report in %s/\n",
	       file, (uint64_t)wl.n, sc->variant, m.n_crashes, outdir);
	rc = EXIT_OK;
	goto out;
usage:
	fprintf(stderr, "csumsim run: %s\n", err.msg);
	free(sc);
	return EXIT_USAGE;
runtime:
	fprintf(stderr, "csumsim run: %s\n", err.msg);
out:
	run_metrics_free(&m);
	run_metrics_free(&base);
	sim_workload_free(&wl);
	free(sc);
	return rc;
}
