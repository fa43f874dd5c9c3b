/* csumsim validate: load, override and check scenario files without running
 * them; also checks that the variant exists and the trace file is readable. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "core/csum.h"
#include "scenarios/scenario.h"
#include "scenarios/sweep.h"
#include "sim/run.h"
#include "traces/trace.h"

static const char validate_help[] =
	"usage: csumsim validate FILE... [options]\n"
	"\n"
	"Loads each scenario file, applies the --set overrides, checks it, and\n"
	"prints 'FILE: ok' or the first error (FILE:LINE:COL: field 'KEY': reason).\n"
	"Also checks that the variants (variant, compare.variants) and the fault\n"
	"points (faults.fiu) exist and that the trace file can be read.\n"
	"\n"
	"options:\n"
	"  --set KEY=VALUE   override one scenario key (repeatable; applied in order),\n"
	"                    e.g. --set disk.cache.enabled=false --set crash.at=[1s,2s]\n"
	"  --print           print each valid scenario in full canonical YAML instead\n"
	"                    of 'FILE: ok'\n"
	"  -h, --help        this text\n"
	"\n"
	"exit codes: 0 every file is valid; 2 a file is invalid, or a bad option\n";

/* "FILE: field 'F': unknown variant 'v' (known: a b c)". */
static int unknown_variant(const char *file, const char *field, const char *name,
			   struct cs_err *err)
{
	const struct csum_variant_ops *const *all;
	size_t len;

	len = (size_t)snprintf(err->msg, sizeof(err->msg),
			       "%s: field '%s': unknown variant '%s' (known:", file, field, name);
	for (all = csum_variant_all(); all && *all && len < sizeof(err->msg); all++)
		len += (size_t)snprintf(err->msg + len, sizeof(err->msg) - len, " %s",
					(*all)->name);
	if (len < sizeof(err->msg))
		snprintf(err->msg + len, sizeof(err->msg) - len, ")");
	return -1;
}

static int check_variant(const struct scenario *s, struct cs_err *err)
{
	if (csum_variant_find(s->variant) != NULL)
		return 0;
	return unknown_variant(s->file, "variant", s->variant, err);
}

static int check_compare_variants(const struct scenario *s, struct cs_err *err)
{
	for (uint32_t i = 0; i < s->compare.n_variants; i++) {
		char field[48];

		if (csum_variant_find(s->compare.variants[i]) != NULL)
			continue;
		snprintf(field, sizeof(field), "compare.variants[%u]", i);
		return unknown_variant(s->file, field, s->compare.variants[i], err);
	}
	return 0;
}

/* faults.fiu names points the simulator has (core and sim, as it exports them). */
static int check_fault_points(const struct scenario *s, struct cs_err *err)
{
	const char *const *known = sim_fault_points();

	for (uint32_t i = 0; i < s->n_fiu; i++) {
		const char *const *p;
		char field[48];
		size_t len;

		for (p = known; p && *p; p++)
			if (strcmp(*p, s->fiu[i].name) == 0)
				break;
		if (p && *p)
			continue;
		snprintf(field, sizeof(field), "faults.fiu[%u].point", i);
		len = (size_t)snprintf(err->msg, sizeof(err->msg),
				       "%s: field '%s': unknown fault point '%s' (known:", s->file,
				       field, s->fiu[i].name);
		for (p = known; p && *p && len < sizeof(err->msg); p++)
			len += (size_t)snprintf(err->msg + len, sizeof(err->msg) - len, " %s", *p);
		if (len < sizeof(err->msg))
			snprintf(err->msg + len, sizeof(err->msg) - len, ")");
		return -1;
	}
	return 0;
}

/* Every line of the trace file: a bad or oversized request, or an empty
 * trace, is refused here as `run` would refuse it. */
static int scan_trace(const struct scenario *s, struct cs_err *err)
{
	char dir[SC_PATH_MAX];
	const char *slash = strrchr(s->file, '/');

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - s->file), s->file);
	return trace_scan(&s->trace, dir, s->device.sectors, err);
}

static int validate_one(const char *file, char **sets, int n_sets, int print)
{
	struct scenario *s = malloc(sizeof(*s));
	struct cs_err err;
	int rc = -1;

	if (s == NULL) {
		fprintf(stderr, "csumsim validate: out of memory\n");
		return EXIT_RUNTIME;
	}
	if (scenario_load(s, file, &err) < 0)
		goto out;
	for (int i = 0; i < n_sets; i++)
		if (scenario_set(s, sets[i], &err) < 0)
			goto out;
	if (scenario_validate(s, &err) < 0 || check_variant(s, &err) < 0 ||
	    check_compare_variants(s, &err) < 0 || check_fault_points(s, &err) < 0 ||
	    scenario_check_trace_file(s, &err) < 0 || scan_trace(s, &err) < 0)
		goto out;
	/* A sweep: every one of its runs, as csumsim sweep would run it. */
	if (scenario_is_sweep(s)) {
		struct scenario *one = malloc(sizeof(*one));
		struct sweep_coord co;

		if (one == NULL) {
			cs_err_set(&err, "out of memory");
			goto out;
		}
		for (uint64_t k = 0; k < sweep_count(s); k++)
			if (sweep_point(s, k, one, &co, &err) < 0 || check_variant(one, &err) < 0 ||
			    check_fault_points(one, &err) < 0 || scenario_check_trace_file(one, &err) < 0) {
				free(one);
				goto out;
			}
		free(one);
	}
	rc = 0;
	if (print) {
		char *y = scenario_to_yaml(s);

		if (y == NULL) {
			free(s);
			fprintf(stderr, "csumsim validate: out of memory\n");
			return EXIT_RUNTIME;
		}
		fputs(y, stdout);
		free(y);
	} else {
		if (scenario_is_sweep(s))
			printf("%s: ok (a sweep of %" PRIu64 " runs)\n", file, sweep_count(s));
		else
			printf("%s: ok\n", file);
	}
out:
	if (rc < 0)
		fprintf(stderr, "%s\n", err.msg);
	free(s);
	if (rc < 0) /* memory is the machine's fault, not the file's */
		return cs_err_is_oom(&err) ? EXIT_RUNTIME : EXIT_USAGE;
	return EXIT_OK;
}

int cmd_validate(int argc, char **argv)
{
	char **sets = calloc((size_t)argc + 1, sizeof(*sets));
	char **files = calloc((size_t)argc + 1, sizeof(*files));
	int n_sets = 0, n_files = 0, print = 0, rc = EXIT_OK;

	if (sets == NULL || files == NULL) {
		free(sets);
		free(files);
		fprintf(stderr, "csumsim validate: out of memory\n");
		return EXIT_RUNTIME;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(validate_help, stdout);
			goto done;
		} else if (strcmp(a, "--set") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "csumsim validate: --set needs KEY=VALUE\n");
				rc = EXIT_USAGE;
				goto done;
			}
			sets[n_sets++] = argv[++i];
		} else if (strncmp(a, "--set=", 6) == 0) {
			sets[n_sets++] = argv[i] + 6;
		} else if (strcmp(a, "--print") == 0) {
			print = 1;
		} else if (strcmp(a, "--") == 0) {
			while (++i < argc)
				files[n_files++] = argv[i];
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "csumsim validate: unknown option '%s' (try --help)\n", a);
			rc = EXIT_USAGE;
			goto done;
		} else {
			files[n_files++] = argv[i];
		}
	}
	if (n_files == 0) {
		fprintf(stderr, "csumsim validate: no scenario file given (try --help)\n");
		rc = EXIT_USAGE;
		goto done;
	}
	for (int i = 0; i < n_files; i++) {
		int r = validate_one(files[i], sets, n_sets, print);

		if (r > rc)
			rc = r;
	}
done:
	free(sets);
	free(files);
	return rc;
}
