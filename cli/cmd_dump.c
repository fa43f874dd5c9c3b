/* csumsim dump: replay a scenario and write the media's bytes on stdout, at
 * the end of the run or as one crash state left it (sim/dump.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/geometry.h"
#include "reports/metrics.h"
#include "scenarios/scenario.h"
#include "sim/dump.h"
#include "sim/run.h"

static const char dump_help[] =
	"usage: csumsim dump FILE [options]\n"
	"\n"
	"Replays the scenario through its variant (no baseline) and writes the\n"
	"media on standard output: every written sector in hex, or a sector range,\n"
	"or one group's imd pair decoded (header, counters, 62 tuples, each next to\n"
	"the crc of the data sector it covers). At the end of the run, or as crash\n"
	"state S of crash point K left the media, before recovery reads it.\n"
	"\n"
	"options:\n"
	"  --range DEV:LO:N   sectors LO..LO+N-1 of device DEV (data or imd), written\n"
	"                     or not (default: every written sector of every device)\n"
	"  --group G          group G's M1 and M2 decoded as the RFC's format\n"
	"                     (variant rfc only; G counts from 0)\n"
	"  --crash K          at crash point K (0-based) instead of the end of the run\n"
	"  --state S          with --crash: its crash state S (default 0)\n"
	"  --seed N           override the scenario's seed\n"
	"  --set KEY=VALUE    override one scenario key (repeatable)\n"
	"  --variant NAME     override the scenario's variant\n"
	"  -h, --help         this text\n"
	"\n"
	"exit codes: 0 dump written; 2 bad scenario, trace or option; 3 could not finish\n";

enum what { W_WRITTEN, W_RANGE, W_GROUP };

struct dump_req {
	enum what what;
	unsigned dev;
	uint64_t lo, n, group;
	uint32_t crash, state;
	bool done;          /* the main replay's dump was written (end of run) */
	bool bad_range;     /* the range lies past the device */
	uint64_t dev_len;
};

static int tap(void *arg, const struct sim_media_view *v)
{
	struct dump_req *q = arg;
	int rc = 0;

	if (v->crash != q->crash || (v->crash != UINT32_MAX && v->state != q->state))
		return 0;
	if (q->what == W_RANGE &&
	    (q->dev >= v->n_devs || q->lo > v->dev_sectors[q->dev] ||
	     q->n > v->dev_sectors[q->dev] - q->lo)) {
		q->bad_range = true;
		q->dev_len = q->dev < v->n_devs ? v->dev_sectors[q->dev] : 0;
		fprintf(stderr, "csumsim dump: option '--range': device %s has %" PRIu64
				" sectors\n", dump_dev_name(q->dev), q->dev_len);
		return -1;
	}
	rc = dump_header(stdout, v);
	if (rc == 0 && q->what == W_RANGE)
		rc = dump_sectors(stdout, v, q->dev, q->lo, q->n, 0);
	else if (rc == 0 && q->what == W_GROUP)
		rc = dump_group(stdout, v, q->group);
	else
		for (unsigned d = 0; rc == 0 && d < v->n_devs; d++)
			rc = dump_sectors(stdout, v, d, 0, v->dev_sectors[d], 1);
	/* a crash state's tap runs in a child that leaves with _exit */
	if (fflush(stdout) != 0)
		rc = -1;
	q->done = rc == 0;
	return rc;
}

static int parse_range(const char *s, struct dump_req *q)
{
	char dev[8];
	int used = 0;
	char lo[32], n[32];

	if (sscanf(s, "%7[a-z]:%31[0-9]:%31[0-9]%n", dev, lo, n, &used) != 3 ||
	    s[used] != '\0' || cli_parse_u64(lo, &q->lo) != 0 || cli_parse_u64(n, &q->n) != 0 ||
	    q->n == 0)
		return -1;
	if (strcmp(dev, "data") == 0)
		q->dev = CSUM_DEV_DATA;
	else if (strcmp(dev, "imd") == 0)
		q->dev = CSUM_DEV_IMD;
	else
		return -1;
	q->what = W_RANGE;
	return 0;
}

static int bad(const char *msg, const char *val)
{
	fprintf(stderr, "csumsim dump: %s%s%s%s\n", msg, val ? ": '" : "", val ? val : "",
		val ? "'" : "");
	return EXIT_USAGE;
}

int cmd_dump(int argc, char **argv)
{
	struct cli_common cc;
	struct dump_req q = { .what = W_WRITTEN, .crash = UINT32_MAX };
	const char *variant = NULL;
	bool have_state = false;
	uint64_t v64;
	struct scenario *sc = NULL;
	struct sim_workload wl;
	struct sim_options opt = {0};
	struct run_metrics m;
	struct cs_err err = { { 0 } };
	int rc;

	cli_common_init(&cc, "dump");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int took;

		if (!strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--json") ||
		    !strcmp(a, "--no-crashes"))
			return bad("this option is not for dump (it writes on standard output)", a);
		took = cli_common_arg(&cc, argc, argv, &i);
		if (took < 0)
			return EXIT_USAGE;
		if (took > 0)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(dump_help, stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--variant")) {
			if (++i >= argc)
				return bad("option '--variant' needs a name", NULL);
			variant = argv[i];
		} else if (!strcmp(a, "--range")) {
			if (q.what != W_WRITTEN)
				return bad("give one of '--range' and '--group'", NULL);
			if (++i >= argc || parse_range(argv[i], &q) != 0)
				return bad("option '--range' needs DEV:LO:N (DEV data or imd, N >= 1)",
					   i < argc ? argv[i] : NULL);
		} else if (!strcmp(a, "--group")) {
			if (q.what != W_WRITTEN)
				return bad("give one of '--range' and '--group'", NULL);
			if (++i >= argc || cli_parse_u64(argv[i], &q.group) != 0)
				return bad("option '--group' needs a group number",
					   i < argc ? argv[i] : NULL);
			q.what = W_GROUP;
		} else if (!strcmp(a, "--crash") || !strcmp(a, "--state")) {
			if (++i >= argc || cli_parse_u64(argv[i], &v64) != 0 || v64 >= UINT32_MAX)
				return bad(a[2] == 'c' ? "option '--crash' needs a crash number"
						       : "option '--state' needs a state number",
					   i < argc ? argv[i] : NULL);
			if (a[2] == 'c')
				q.crash = (uint32_t)v64;
			else {
				q.state = (uint32_t)v64;
				have_state = true;
			}
		} else {
			return bad("unknown option (see csumsim dump --help)", a);
		}
	}
	if (cli_common_done(&cc) != 0)
		return EXIT_USAGE;
	if (have_state && q.crash == UINT32_MAX)
		return bad("option '--state' needs '--crash K'", NULL);
	sc = malloc(sizeof(*sc));
	if (sc == NULL)
		return bad("out of memory", NULL) + 1;
	if (cli_load_scenario(&cc, sc, &err) != 0)
		goto usage;
	if (scenario_is_sweep(sc)) {
		cs_err_set(&err, "%s is a sweep: dump one of its runs (csumsim run --point)",
			   cc.file);
		goto usage;
	}
	if (variant != NULL) {
		if (strlen(variant) >= sizeof(sc->variant)) {
			cs_err_set(&err, "--variant: name too long");
			goto usage;
		}
		snprintf(sc->variant, sizeof(sc->variant), "%s", variant);
	}
	if (cli_check_runnable(sc, cc.file, &err) != 0)
		goto usage;
	if (q.what == W_GROUP) {
		struct csum_table t = { .begin = sc->device.begin, .len = sc->device.sectors };

		if (strcmp(sc->variant, "rfc") != 0) {
			cs_err_set(&err, "option '--group': decodes the RFC's format in the RFC's "
					 "places, variant rfc only (this is '%s'); use --range",
				   sc->variant);
			goto usage;
		}
		if (q.group >= geo_groups(t.len)) {
			cs_err_set(&err, "option '--group %" PRIu64 "': the device has %" PRIu64
					 " groups (0 to %" PRIu64 ")",
				   q.group, geo_groups(t.len), geo_groups(t.len) - 1);
			goto usage;
		}
	}
	if (q.crash != UINT32_MAX && sc->crash.kind == SC_CRASH_NONE) {
		cs_err_set(&err, "option '--crash': %s has no crash points (crash.mode is none)",
			   cc.file);
		goto usage;
	}
	if (sim_workload_load(&wl, sc, &err) != 0) {
		if (cs_err_is_oom(&err))
			goto runtime_nowl;
		goto usage;
	}
	opt.crashes = q.crash != UINT32_MAX;
	opt.only_crash = q.crash;
	opt.media_tap = tap;
	opt.media_tap_arg = &q;
	run_metrics_init(&m, sc->variant, 0);
	rc = sim_run(sc, NULL, &wl, &opt, &m, &err);
	sim_workload_free(&wl);
	if (rc == 0 && q.crash != UINT32_MAX && m.n_crashes == 1 &&
	    q.state >= m.crashes[0].states) {
		cs_err_set(&err, "option '--state %" PRIu32 "': crash point %" PRIu32 " has %" PRIu32
				 " crash states (0 to %" PRIu32 ")",
			   q.state, q.crash, m.crashes[0].states, m.crashes[0].states - 1);
		rc = SIM_BAD_OPTION;
	}
	run_metrics_free(&m);
	if (rc == SIM_BAD_OPTION || q.bad_range) {
		if (q.bad_range)
			err.msg[0] = '\0';
		goto usage;
	}
	if (rc != 0)
		goto runtime_nowl;
	free(sc);
	return EXIT_OK;
usage:
	if (err.msg[0] != '\0')
		fprintf(stderr, "csumsim dump: %s\n", err.msg);
	rc = cs_err_is_oom(&err) ? EXIT_RUNTIME : EXIT_USAGE;
	free(sc);
	return rc;
runtime_nowl:
	fprintf(stderr, "csumsim dump: %s\n", err.msg);
	free(sc);
	return EXIT_RUNTIME;
}
