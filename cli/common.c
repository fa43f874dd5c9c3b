#include "cli/common.h"
#include "cli/progress.h"

#include <errno.h>
#include <fiu-local.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/csum.h"
#include "scenarios/sc_value.h"
#include "reports/report.h"
#include "sim/reproducer.h"
#include "sim/capacity.h"
#include "sim/run.h"

void cli_common_init(struct cli_common *c, const char *cmd)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->crashes = true;
}

/* Plain decimal only, as YAML and --set read numbers: no sign, blank, hex
 * or octal prefix, and no silent saturation past 2^64 - 1. */
int cli_parse_u64(const char *s, uint64_t *out)
{
	char why[SC_WHY_MAX];

	if (s == NULL)
		return -1;
	return sc_parse_u64(s, out, why);
}

int cli_common_arg(struct cli_common *c, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
		if (++*i >= argc) {
			fprintf(stderr, "csumsim %s: option '%s' needs a directory\n", c->cmd, a);
			return -1;
		}
		c->outdir = argv[*i];
	} else if (!strcmp(a, "--seed")) {
		if (++*i >= argc) {
			fprintf(stderr, "csumsim %s: option '--seed' needs a value\n", c->cmd);
			return -1;
		}
		if (cli_parse_u64(argv[*i], &c->seed) != 0) {
			fprintf(stderr, "csumsim %s: option '--seed' needs a decimal integer from 0 "
				"to 18446744073709551615, not '%s'\n", c->cmd, argv[*i]);
			return -1;
		}
		c->have_seed = true;
	} else if (!strcmp(a, "--set")) {
		if (++*i >= argc || strchr(argv[*i], '=') == NULL) {
			fprintf(stderr, "csumsim %s: option '--set' needs KEY=VALUE\n", c->cmd);
			return -1;
		}
		if (c->nsets == CLI_MAX_SETS) {
			fprintf(stderr, "csumsim %s: more than %d '--set' options\n", c->cmd,
				CLI_MAX_SETS);
			return -1;
		}
		c->sets[c->nsets++] = argv[*i];
	} else if (!strcmp(a, "--no-crashes")) {
		c->crashes = false;
	} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
		c->quiet = true;
	} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
		c->verbose = true;
	} else if (!strcmp(a, "--json")) {
		c->json = true;
	} else if (a[0] == '-' && a[1] != '\0') {
		return 0; /* the command's own, or unknown: it decides */
	} else if (c->file == NULL) {
		c->file = a;
	} else {
		fprintf(stderr, "csumsim %s: one scenario file at a time ('%s' and '%s')\n", c->cmd,
			c->file, a);
		return -1;
	}
	return 1;
}

int cli_common_done(const struct cli_common *c)
{
	if (c->file != NULL)
		return 0;
	fprintf(stderr, "csumsim %s: no scenario file (see csumsim %s --help)\n", c->cmd, c->cmd);
	return -1;
}

void cli_run_reproduce(char *buf, size_t n, const struct cli_common *c, uint64_t seed,
		       uint64_t point, const char *variant, uint64_t only_crash,
		       bool no_baseline)
{
	size_t len = point == UINT64_MAX
			     ? (size_t)snprintf(buf, n, "csumsim run %s --seed %" PRIu64, c->file, seed)
			     : (size_t)snprintf(buf, n, "csumsim run %s --point %" PRIu64, c->file,
						point);

	if (point != UINT64_MAX && c->have_seed && len < n)
		len += (size_t)snprintf(buf + len, n - len, " --seed %" PRIu64, c->seed);
	if (variant != NULL && len < n)
		len += (size_t)snprintf(buf + len, n - len, " --variant %s", variant);
	for (int i = 0; i < c->nsets && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, " --set '%s'", c->sets[i]);
	if (!c->crashes && len < n)
		len += (size_t)snprintf(buf + len, n - len, " --no-crashes");
	if (only_crash != UINT64_MAX && len < n)
		len += (size_t)snprintf(buf + len, n - len, " --crash %" PRIu64, only_crash);
	if (no_baseline && len < n)
		snprintf(buf + len, n - len, " --no-baseline");
}

void cli_known_variants(char *buf, size_t n)
{
	buf[0] = '\0';
	for (const struct csum_variant_ops *const *v = csum_variant_all(); *v; v++) {
		strncat(buf, buf[0] ? ", " : "", n - strlen(buf) - 1);
		strncat(buf, (*v)->name, n - strlen(buf) - 1);
	}
}

static int check_fiu(const struct scenario *sc, const char *file, struct cs_err *err)
{
	for (uint32_t i = 0; i < sc->n_fiu; i++) {
		bool found = false;

		for (const char *const *p = sim_fault_points(); *p; p++)
			found = found || !strcmp(*p, sc->fiu[i].name);
		if (!found)
			return cs_err_set(err, "%s: field 'faults.fiu[%u].point': unknown fault "
					       "point '%s' (see docs/PROTOCOL.md and docs/DISK.md)",
					  file, i, sc->fiu[i].name);
	}
	return 0;
}

int cli_check_runnable(const struct scenario *sc, const char *file, struct cs_err *err)
{
	if (csum_variant_find(sc->variant) == NULL) {
		char known[512];

		cli_known_variants(known, sizeof(known));
		return cs_err_set(err, "%s: field 'variant': unknown variant '%s' (known: %s)", file,
				  sc->variant, known);
	}
	return check_fiu(sc, file, err);
}

int cli_json_begin(void)
{
	int fd;

	fflush(stdout);
	fd = dup(STDOUT_FILENO);
	if (fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

void cli_json_end(int fd)
{
	if (fd < 0)
		return;
	fflush(stdout);
	dup2(fd, STDOUT_FILENO);
	close(fd);
}

void cli_warn_refused(const struct run_metrics *m)
{
	if (m->user_unsupported > 0)
		fprintf(stderr, "csumsim: warning: variant '%s' refused %" PRIu64 " of %" PRIu64
			" requests at once (discards it does not support); its figures leave "
			"them out\n", m->variant, m->user_unsupported, m->requests_total);
}

int cli_simulate(const struct scenario *sc, const struct sim_options *opt, bool baseline,
		 struct run_metrics *m, struct run_metrics *base, bool *base_ran, bool *bad_input,
		 uint64_t *n_requests, struct cs_err *err)
{
	struct sim_workload wl;
	struct cli_progress off, *prog = cli_progress_of(opt);
	struct cap_child cap = { .pid = 0, .fd = -1, .n = 0, .next = 0 };
	bool with_base;
	int rc = -1;

	if (prog == NULL) {
		cli_progress_init(&off, "run", false, false);
		prog = &off;
	}
	*base_ran = false;
	*bad_input = false;
	if (sim_workload_load(&wl, sc, err) != 0) {
		*bad_input = !cs_err_is_oom(err); /* memory is the machine's, not the input's */
		return -1;
	}
	*n_requests = wl.n;
	m->user_remapped = base->user_remapped = wl.remapped;
	m->user_dropped = base->user_dropped = wl.dropped;
	with_base = baseline && strcmp(sc->variant, "none") != 0;
	/* the capacity replays overlap the run's own in a child process; their
	 * results (or errors) are taken in the order a serial run meets them */
	if (sc->output.capacity && !opt->no_capacity) {
		if (opt->capacity_here) {
			cap_child_none(&cap, with_base ? 2 : 1);
		} else {
			/* test hook: says that a child is started (test_cli_sweep) */
			fiu_do_on("cli/capacity_child",
				  fputs("csumsim: capacity child\n", stderr));
			cap_child_start(&cap, sc, &wl, with_base ? 2 : 1);
		}
	}
	rc = sim_run(sc, NULL, &wl, opt, m, err);
	if (rc != 0) {
		*bad_input = rc == SIM_BAD_OPTION;
		rc = -1;
		goto out;
	}
	rc = -1;
	cli_progress_clear(prog);
	cli_warn_refused(m);
	if (sc->output.capacity && !opt->no_capacity) {
		if (cap_child_result(&cap, sc, &wl, &m->capacity, err) != 0)
			goto out;
		cli_progress_note(prog, "%s capacity done", sc->variant);
	}
	if (with_base) {
		struct sim_options bopt = *opt;

		bopt.crashes = false;
		if (sim_run(sc, "none", &wl, &bopt, base, err) != 0)
			goto out;
		if (sc->output.capacity && !opt->no_capacity) {
			if (cap_child_result(&cap, sc, &wl, &base->capacity, err) != 0)
				goto out;
			cli_progress_note(prog, "none capacity done");
		}
		*base_ran = true;
	}
	rc = 0;
out:
	cap_child_end(&cap);
	cli_progress_clear(prog);
	sim_workload_free(&wl);
	return rc;
}

int cli_load_scenario(const struct cli_common *c, struct scenario *sc, struct cs_err *err)
{
	scenario_defaults(sc);
	if (scenario_load(sc, c->file, err) != 0)
		return -1;
	for (int i = 0; i < c->nsets; i++)
		if (scenario_set(sc, c->sets[i], err) != 0)
			return -1;
	if (c->have_seed)
		sc->seed = c->seed;
	if (scenario_validate(sc, err) != 0 || check_fiu(sc, c->file, err) != 0)
		return -1;
	return cli_check_stdin(c->cmd, c->file, sc, err);
}

int cli_check_stdin(const char *cmd, const char *file, const struct scenario *sc,
		    struct cs_err *err)
{
	if (sc->trace.kind != SC_TRACE_FILE || strcmp(sc->trace.path, "-") != 0)
		return 0;
	if (strcmp(file, "-") == 0)
		return cs_err_at(err, file, 0, "trace.file", "the scenario and its trace cannot "
			       "both come from standard input");
	/* a sweep's workers and check's scenarios each read their trace again */
	if (strcmp(cmd, "sweep") == 0 || strcmp(cmd, "check") == 0)
		return cs_err_at(err, file, 0, "trace.file", "'-' (standard input) is read once: "
			       "csumsim %s reads its trace more than once; save it to a file", cmd);
	return 0;
}

int cli_make_parents(const char *path, struct cs_err *err)
{
	char buf[SC_PATH_MAX + 16];
	char *slash;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return cs_err_set(err, "--output: path too long");
	slash = strrchr(buf, '/');
	if (slash == NULL || slash == buf)
		return 0;
	*slash = '\0';
	for (char *p = buf + 1;; p++) {
		char ch;

		if (*p != '/' && *p != '\0')
			continue;
		ch = *p;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return cs_err_set(err, "--output: cannot create directory '%s': %s", buf,
					  strerror(errno));
		*p = ch;
		if (ch == '\0')
			return 0;
	}
}

/* The full report of the run, with the reproducer of each kept violation. */
int cli_write_run_report(const char *dir, const struct scenario *sc, const struct run_metrics *m,
			const struct run_metrics *base, const char *reproduce, struct cs_err *err)
{
	return cli_write_run_report_with(dir, sc, m, base, reproduce, NULL, err);
}

int cli_write_run_report_with(const char *dir, const struct scenario *sc,
			      const struct run_metrics *m, const struct run_metrics *base,
			      const char *reproduce, const struct report_file *more,
			      struct cs_err *err)
{
	enum { MAX_REPRO = VIOLATIONS_KEPT + RECOVERY_KEPT };
	struct report_file files[MAX_REPRO + 1];
	const char *names[MAX_REPRO];
	char name_buf[MAX_REPRO][48], dest[SC_PATH_MAX + 96];
	char *text[MAX_REPRO] = {0};
	struct scenario *rs = malloc(sizeof(*rs));
	struct recovery_crashes *rall = calloc(1, sizeof(*rall));
	char *yaml = scenario_to_yaml(sc);
	uint32_t n = 0, n1;
	int rc = -1;

	if (rs == NULL || yaml == NULL || rall == NULL) {
		cs_err_set(err, "out of memory");
		goto out;
	}
	snprintf(dest, sizeof(dest), "%s/reproducers", dir);
	/* the first-level violations, then those of crashes during recovery
	 * (the run's kept list, as the report sums it: crash order) */
	for (uint32_t i = 0; i < m->n_crashes; i++)
		recovery_crashes_add(rall, &m->crashes[i].recovery);
	n1 = m->n_viol < VIOLATIONS_KEPT ? m->n_viol : VIOLATIONS_KEPT;
	for (; n < n1 + rall->n_kept; n++) {
		bool first = n < n1;
		uint32_t k = first ? n : n - n1;

		if ((first ? sim_reproducer(sc, &m->viol[k], k, dest, rs, err)
			   : sim_reproducer_recovery(sc, &rall->kept[k], k, dest, rs, err)) != 0)
			goto out;
		text[n] = scenario_to_yaml(rs);
		if (text[n] == NULL) {
			cs_err_set(err, "out of memory");
			goto out;
		}
		snprintf(name_buf[n], sizeof(name_buf[n]), "reproducers/%sviolation-%u.yaml",
			 first ? "" : "recovery-", k);
		names[n] = name_buf[n];
		files[n].name = name_buf[n];
		files[n].content = text[n];
	}
	if (more != NULL)
		files[n] = *more;
	{
		struct report_input in = {
			.scenario_yaml = yaml,
			.scenario_name = sc->name,
			.seed = sc->seed,
			.run = m,
			.baseline = base,
			.plots = sc->output.plots,
			.per_request_csv = sc->output.per_request_csv,
			.reproduce = reproduce,
			.extra = files,
			.n_extra = n + (more != NULL),
			.reproducers = n1 ? names : NULL,
			.recovery_reproducers = n > n1 ? names + n1 : NULL,
		};

		if (cli_make_parents(dir, err) != 0 || report_write(dir, &in, err) != 0)
			goto out;
	}
	rc = 0;
out:
	for (uint32_t i = 0; i < MAX_REPRO; i++)
		free(text[i]);
	free(yaml);
	free(rs);
	free(rall);
	return rc;
}
