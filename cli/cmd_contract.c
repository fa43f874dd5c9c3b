/* csumsim contract: every scheme under every property set of the device
 * contract lattice (docs/FAULTS.md, "The device contract"), strongest disk
 * first; the matrix, the weakest holding sets, and a reproducer per
 * violating cell. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "reports/contract_report.h"
#include "reports/metrics.h"
#include "scenarios/scenario.h"
#include "sim/run.h"

static const char contract_help[] =
	"usage: csumsim contract FILE --variants A,B,... [options]\n"
	"\n"
	"Runs each variant under every property set of the device contract lattice\n"
	"(atomic write/4k/sector x shorn x reorder never/within_epoch/any x flush\n"
	"honoured/ignored x fua honoured/ignored x safe_append), strongest disk\n"
	"first, at the scenario's crash points, and writes the matrix: per cell\n"
	"holds or violates, the crash states explored (and whether a fixed list\n"
	"stood in for too many), the reproducer of the first violation; and the\n"
	"weakest property sets under which each variant holds.\n"
	"The contract replaces the scenario's crash.cache_loss, tear, shear_bytes\n"
	"and state (docs/FAULTS.md, \"The device contract\").\n"
	"\n"
	"options:\n"
	"  --variants A,B,...  the variants (default: the scenario's variant)\n"
	"  --axes A,B,...      the properties to vary (default: all six: atomic,\n"
	"                      shorn,reorder,flush,fua,safe_append); the others keep\n"
	"                      the scenario's disk.contract value\n"
	"  -o, --output DIR    where it goes (default: out/NAME-contract):\n"
	"                      contract.json, contract.md, report.html, and a run\n"
	"                      report with reproducers per violating cell (cells/)\n"
	"  --seed N            override the scenario's seed\n"
	"  --set KEY=VALUE     override one scenario key (repeatable)\n"
	"  --quiet             no line per cell on stderr\n"
	"  -h, --help          this text\n"
	"\n"
	"exit codes: 0 matrix written; 2 bad scenario, trace or option; 3 could not finish\n";

#define MAX_VARIANTS CONTRACT_MAX_VARIANTS

static int split_variants(char *list, const char **out, uint32_t *n, struct cs_err *err)
{
	*n = 0;
	for (char *s = list;;) {
		char *comma = strchr(s, ',');

		if (comma != NULL)
			*comma = '\0';
		if (*s == '\0')
			return cs_err_set(err, "--variants: empty name in the list");
		if (*n == MAX_VARIANTS)
			return cs_err_set(err, "--variants: more than %d names", MAX_VARIANTS);
		for (uint32_t j = 0; j < *n; j++)
			if (strcmp(out[j], s) == 0)
				return cs_err_set(err, "--variants: '%s' listed twice", s);
		out[(*n)++] = s;
		if (comma == NULL)
			return 0;
		s = comma + 1;
	}
}

/* The scenario of one cell: the contract decides the crash states. */
static void cell_scenario(const struct scenario *sc, const char *variant,
			  const struct contract_set *set, struct scenario *out)
{
	*out = *sc;
	snprintf(out->variant, sizeof(out->variant), "%s", variant);
	out->disk.contract = set->k;
	out->crash.cache_loss = SC_LOSS_EXHAUSTIVE;
	out->crash.n_keep = 0;
	out->crash.tear = SC_TEAR_NONE;
	out->crash.shear_bytes = 0;
	out->crash.only_state = UINT32_MAX;
	out->output.plots = false;
	out->output.per_request_csv = false;
	out->output.baseline = false;
	out->output.capacity = false;
	out->output.progress = false;
}

static int run_cell(const struct scenario *cs, const char *tmp, const char *variant,
		    const struct contract_set *set, const char *reproduce,
		    struct contract_cell *c, bool *bad_input, struct cs_err *err)
{
	struct sim_options opt = {.crashes = true, .only_crash = UINT32_MAX};
	struct run_metrics m, base;
	bool base_ran;
	uint64_t n_requests;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	run_metrics_init(&m, variant, 0);
	run_metrics_init(&base, "none", 0);
	if (cli_simulate(cs, &opt, false, &m, &base, &base_ran, bad_input, &n_requests, err) != 0)
		goto out;
	c->crash_points = m.n_crashes;
	c->states = m.crash_states;
	c->violating = m.violations;
	c->sampled = m.sampled_states;
	c->stalled = m.stalled_at != UINT64_MAX;
	if (m.violations != 0 && m.n_viol > 0) {
		const struct violation *v = &m.viol[0];
		char dir[4096];

		snprintf(c->first_label, sizeof(c->first_label), "%s", v->label);
		snprintf(c->first_trigger, sizeof(c->first_trigger), "%s", v->trigger);
		c->first_silent = v->counts.sectors[ORC_SILENT];
		c->first_stale = v->counts.sectors[ORC_STALE];
		c->first_false_pos = v->counts.sectors[ORC_FALSE_POS];
		c->first_hung = v->counts.not_completed;
		snprintf(c->reproducer, sizeof(c->reproducer),
			 "cells/%s/%s/reproducers/violation-0.yaml", variant, set->id);
		if ((size_t)snprintf(dir, sizeof(dir), "%s/cells/%s/%s", tmp, variant, set->id) >=
		    sizeof(dir)) {
			cs_err_set(err, "output path too long");
			goto out;
		}
		if (cli_write_run_report(dir, cs, &m, NULL, reproduce, err) != 0)
			goto out;
	}
	rc = 0;
out:
	run_metrics_free(&m);
	run_metrics_free(&base);
	return rc;
}

int cmd_contract(int argc, char **argv)
{
	struct cli_common cc;
	char *variants_opt = NULL;
	const char *variants[MAX_VARIANTS];
	uint32_t n_variants = 0;
	struct contract_set *sets = NULL;
	uint32_t n_sets = 0, axes = CONTRACT_AXES_ALL;
	char *axes_opt = NULL;
	char axes_list[96] = "";
	struct contract_cell *cells = NULL;
	struct scenario *sc = NULL, *cs = NULL;
	struct rep_outdir *od = NULL;
	const char *tmp = NULL, *outdir;
	char outbuf[SC_PATH_MAX + 16], command[2048];
	struct cs_err err = { { 0 } };
	bool bad_input = false;
	int rc = EXIT_RUNTIME;

	cli_common_init(&cc, "contract");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int took = cli_common_arg(&cc, argc, argv, &i);

		if (took < 0)
			return EXIT_USAGE;
		if (took > 0)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(contract_help, stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--variants")) {
			if (++i >= argc) {
				fprintf(stderr, "csumsim contract: option '--variants' needs a list\n");
				return EXIT_USAGE;
			}
			variants_opt = argv[i];
		} else if (!strcmp(a, "--axes")) {
			if (++i >= argc) {
				fprintf(stderr, "csumsim contract: option '--axes' needs a list\n");
				return EXIT_USAGE;
			}
			axes_opt = argv[i];
		} else {
			fprintf(stderr, "csumsim contract: unknown option '%s' (see csumsim contract "
					"--help)\n", a);
			return EXIT_USAGE;
		}
	}
	if (cli_common_done(&cc) != 0)
		return EXIT_USAGE;
	if (cc.json || !cc.crashes) {
		fprintf(stderr, "csumsim contract: %s is not an option of contract\n",
			cc.json ? "--json" : "--no-crashes");
		return EXIT_USAGE;
	}
	sc = malloc(sizeof(*sc));
	cs = malloc(sizeof(*cs));
	if (sc == NULL || cs == NULL) {
		cs_err_set(&err, "out of memory");
		goto runtime;
	}
	if (cli_load_scenario(&cc, sc, &err) != 0)
		goto usage;
	if (scenario_is_sweep(sc)) {
		cs_err_set(&err, "%s is a sweep: csumsim contract takes one scenario", cc.file);
		goto usage;
	}
	if (sc->crash.kind == SC_CRASH_NONE) {
		cs_err_at(&err, cc.file, 0, "crash.mode", "none: the contract is judged at crash "
			  "points; set crash.mode");
		goto usage;
	}
	if (variants_opt != NULL) {
		if (split_variants(variants_opt, variants, &n_variants, &err) != 0)
			goto usage;
	} else {
		variants[0] = sc->variant;
		n_variants = 1;
	}
	if (axes_opt != NULL && contract_axes_parse(axes_opt, &axes, &err) != 0)
		goto usage;
	for (unsigned x = 0; x < CONTRACT_AXES; x++)
		if (axes & (1u << x))
			snprintf(axes_list + strlen(axes_list), sizeof(axes_list) - strlen(axes_list),
				 "%s%s", axes_list[0] ? "," : "", contract_axis_names[x]);
	sets = calloc(CONTRACT_SETS_MAX, sizeof(*sets));
	if (sets == NULL) {
		cs_err_set(&err, "out of memory");
		goto runtime;
	}
	n_sets = contract_lattice(axes, &sc->disk.contract, sets);
	for (uint32_t v = 0; v < n_variants; v++) {
		if (!sc_plain_name(variants[v])) {
			cs_err_set(&err, "--variants: '%s' is not a plain name", variants[v]);
			goto usage;
		}
		/* the weakest set: every key of it must validate */
		cell_scenario(sc, variants[v], &sets[n_sets - 1], cs);
		if (strlen(variants[v]) >= sizeof(cs->variant) ||
		    cli_check_runnable(cs, cc.file, &err) != 0 || scenario_validate(cs, &err) != 0) {
			if (err.msg[0] == '\0')
				cs_err_set(&err, "--variants: name too long");
			goto usage;
		}
	}
	outdir = cc.outdir;
	if (outdir == NULL) {
		snprintf(outbuf, sizeof(outbuf), "out/%s-contract", sc->name[0] ? sc->name : "run");
		outdir = outbuf;
	}
	if (cli_make_parents(outdir, &err) != 0 || contract_dir_check(outdir, &err) != 0)
		goto usage;
	{
		int p = snprintf(command, sizeof(command), "csumsim contract %s", cc.file);

		for (int i = 0; i < cc.nsets && p > 0 && (size_t)p < sizeof(command); i++)
			p += snprintf(command + p, sizeof(command) - (size_t)p, " --set %s",
				      cc.sets[i]);
		if (p > 0 && (size_t)p < sizeof(command))
			p += snprintf(command + p, sizeof(command) - (size_t)p, " --seed %" PRIu64,
				      sc->seed);
		for (uint32_t v = 0; v < n_variants && p > 0 && (size_t)p < sizeof(command); v++)
			p += snprintf(command + p, sizeof(command) - (size_t)p, "%s%s",
				      v ? "," : " --variants ", variants[v]);
		if (axes != CONTRACT_AXES_ALL && p > 0 && (size_t)p < sizeof(command))
			p += snprintf(command + p, sizeof(command) - (size_t)p, " --axes %s",
				      axes_list);
	}
	cells = calloc((size_t)n_variants * n_sets, sizeof(*cells));
	if (cells == NULL) {
		cs_err_set(&err, "out of memory");
		goto runtime;
	}
	if (contract_dir_begin(&od, outdir, &tmp, &err) != 0)
		goto runtime;
	for (uint32_t v = 0; v < n_variants; v++)
		for (uint32_t s = 0; s < n_sets; s++) {
			struct contract_cell *c = &cells[(size_t)v * n_sets + s];

			cell_scenario(sc, variants[v], &sets[s], cs);
			if (run_cell(cs, tmp, variants[v], &sets[s], command, c, &bad_input,
				     &err) != 0) {
				contract_dir_abort(od);
				od = NULL;
				if (bad_input)
					goto usage;
				goto runtime;
			}
			if (!cc.quiet)
				fprintf(stderr, "csumsim contract: %-14s %-34s %s %" PRIu64
					"/%" PRIu64 " states%s\n", variants[v], sets[s].id,
					c->violating ? "violates" : "holds", c->violating,
					c->states, c->sampled ? " (sampled)" : "");
		}
	{
		struct contract_input in = {
			.scenario_name = sc->name[0] ? sc->name : cc.file,
			.command = command,
			.seed = sc->seed,
			.variants = variants,
			.n_variants = n_variants,
			.sets = sets,
			.n_sets = n_sets,
			.axes = axes_list,
			.cells = cells,
		};

		if (contract_write(tmp, &in, &err) != 0) {
			contract_dir_abort(od);
			goto runtime;
		}
	}
	if (contract_dir_commit(od, &err) != 0)
		goto runtime;
	printf("csumsim: %s: %u variants x %u property sets; matrix in %s/contract.md\n",
	       cc.file, n_variants, n_sets, outdir);
	rc = EXIT_OK;
	goto out;
usage:
	rc = cs_err_is_oom(&err) ? EXIT_RUNTIME : EXIT_USAGE;
	fprintf(stderr, "csumsim contract: %s\n", err.msg);
	goto out;
runtime:
	fprintf(stderr, "csumsim contract: %s\n", err.msg);
out:
	free(sets);
	free(cells);
	free(sc);
	free(cs);
	return rc;
}
