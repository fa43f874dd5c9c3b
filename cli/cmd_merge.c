/* csumsim merge: the shards of a sweep (csumsim sweep --shard I/N) into the
 * output a single machine would have written: their runs gathered under
 * runs/, and the aggregate computed from them as csumsim sweep does. */
/* realpath() is XSI */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/outpath.h"
#include "cli/sweep_shard.h"
#include "reports/sweep_report.h"
#include "scenarios/scenario.h"
#include "scenarios/sweep.h"

static const char merge_help[] =
	"usage: csumsim merge -o DIR SHARD_DIR...\n"
	"\n"
	"Combines the output directories of `csumsim sweep FILE --shard I/N`, one for\n"
	"each I in 0..N-1, into DIR: the same files `csumsim sweep FILE` writes on one\n"
	"machine (docs/SWEEP.md). The shards must come from the same sweep (the same\n"
	"scenario, options and seed), and every one of them must be there.\n"
	"\n"
	"options:\n"
	"  -o, --output DIR   where the merged sweep goes (required)\n"
	"  -h, --help         this text\n"
	"\n"
	"exit codes: 0 merged; 2 the shards do not make one whole sweep; 3 could not finish\n";

#define MAX_SHARDS 4096

static char *read_text(const char *path, struct cs_err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (f == NULL) {
		cs_err_set(err, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t got;

		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = (cap ? cap * 2 : 65536));

			if (nb == NULL) {
				free(buf);
				fclose(f);
				cs_err_set(err, "out of memory");
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		cs_err_set(err, "cannot read %s", path);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* The directory that holds `path`, absolute and resolved. */
static int parent_of(const char *path, char *out, size_t n)
{
	char buf[PATH_MAX], *slash, *r;

	snprintf(buf, sizeof(buf), "%s", path);
	while (strlen(buf) > 1 && buf[strlen(buf) - 1] == '/')
		buf[strlen(buf) - 1] = '\0';
	slash = strrchr(buf, '/');
	if (slash == NULL)
		snprintf(buf, sizeof(buf), ".");
	else if (slash == buf)
		buf[1] = '\0';
	else
		*slash = '\0';
	r = realpath(buf, NULL);
	if (r == NULL)
		return -1;
	snprintf(out, n, "%s", r);
	free(r);
	return 0;
}

/* A run's reproducers name the trace relative to where they were written;
 * from a shard in another directory they are rewritten for their new place. */
static int rehome_reproducers(const char *src_run, const char *dst_run, struct cs_err *err)
{
	char sdir[4500], ddir[4500];
	struct scenario *sc;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	snprintf(sdir, sizeof(sdir), "%s/reproducers", src_run);
	snprintf(ddir, sizeof(ddir), "%s/reproducers", dst_run);
	d = opendir(sdir);
	if (d == NULL)
		return 0; /* a run without violations has none */
	sc = malloc(sizeof(*sc));
	if (sc == NULL) {
		closedir(d);
		return cs_err_set(err, "out of memory");
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char src[4800 + 256], dst[4800 + 256];
		char *yaml;

		if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		snprintf(src, sizeof(src), "%s/%s", sdir, e->d_name);
		snprintf(dst, sizeof(dst), "%s/%s", ddir, e->d_name);
		scenario_defaults(sc);
		if (scenario_load(sc, src, err) != 0 ||
		    scenario_rebase_trace(sc, src, ddir, err) != 0) {
			rc = -1;
			break;
		}
		yaml = scenario_to_yaml(sc);
		rc = yaml ? cli_write_text(dst, yaml, err) : cs_err_set(err, "out of memory");
		free(yaml);
	}
	closedir(d);
	free(sc);
	return rc;
}

int cmd_merge(int argc, char **argv)
{
	const char *outdir = NULL, *dirs[MAX_SHARDS];
	int n_dirs = 0;
	struct shard_info first = {0};
	char *texts[MAX_SHARDS] = {0}, *yaml = NULL;
	int *by_shard = NULL;
	struct scenario *sc = NULL;
	struct sweep_outdir od = {0};
	bool began = false;
	struct cs_err err = {{0}};
	char path[4400];
	int rc = EXIT_USAGE;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(merge_help, stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (++i >= argc) {
				fprintf(stderr, "csumsim merge: option '%s' needs a directory\n", a);
				return EXIT_USAGE;
			}
			outdir = argv[i];
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "csumsim merge: unknown option '%s' (see csumsim merge "
					"--help)\n",
				a);
			return EXIT_USAGE;
		} else if (n_dirs == MAX_SHARDS) {
			fprintf(stderr, "csumsim merge: more than %d shard directories\n", MAX_SHARDS);
			return EXIT_USAGE;
		} else {
			dirs[n_dirs++] = a;
		}
	}
	if (outdir == NULL || n_dirs == 0) {
		fprintf(stderr, "csumsim merge: needs -o DIR and the shard directories (see "
				"csumsim merge --help)\n");
		return EXIT_USAGE;
	}

	if (cli_check_outdir("-o", outdir, "sweep.json", &err) != 0)
		goto fail;
	/* The shards must be the N shards of one sweep, each once. */
	for (int i = 0; i < n_dirs; i++) {
		struct shard_info s;
		char *sy;

		if (shard_info_read(dirs[i], &s, &texts[i], &err) != 0)
			goto fail;
		snprintf(path, sizeof(path), "%s/sweep.yaml", dirs[i]);
		sy = read_text(path, &err);
		if (sy == NULL)
			goto fail;
		if (sweep_fingerprint(sy) != s.fingerprint) {
			free(sy);
			cs_err_set(&err, "%s: sweep.yaml does not match its shard.json (edited?)",
				   dirs[i]);
			goto fail;
		}
		if (i == 0) {
			first = s;
			yaml = sy;
			by_shard = calloc(s.of, sizeof(*by_shard));
			if (by_shard == NULL) {
				cs_err_set(&err, "out of memory");
				rc = EXIT_RUNTIME;
				goto fail;
			}
			for (uint32_t j = 0; j < s.of; j++)
				by_shard[j] = -1;
		} else {
			int same = strcmp(sy, yaml) == 0;

			free(sy);
			if (!same || s.of != first.of || s.n_runs != first.n_runs ||
			    s.plots != first.plots || strcmp(s.reproduce, first.reproduce) != 0) {
				cs_err_set(&err, "%s and %s are shards of different sweeps (%s)", dirs[0],
					   dirs[i],
					   !same ? "sweep.yaml differs"
					   : s.of != first.of ? "a different number of shards"
							      : "different options");
				goto fail;
			}
		}
		if (by_shard[s.shard] >= 0) {
			cs_err_set(&err, "%s and %s are both shard %u of %u", dirs[by_shard[s.shard]],
				   dirs[i], s.shard, s.of);
			goto fail;
		}
		by_shard[s.shard] = i;
	}
	for (uint32_t j = 0; j < first.of; j++)
		if (by_shard[j] < 0) {
			cs_err_set(&err, "shard %u of %u is missing (csumsim sweep FILE --shard %u/%u "
					 "makes it)",
				   j, first.of, j, first.of);
			goto fail;
		}

	/* The sweep itself, for its parameters: from the first shard's copy. */
	sc = malloc(sizeof(*sc));
	if (sc == NULL) {
		cs_err_set(&err, "out of memory");
		rc = EXIT_RUNTIME;
		goto fail;
	}
	scenario_defaults(sc);
	snprintf(path, sizeof(path), "%s/sweep.yaml", dirs[0]);
	if (scenario_load(sc, path, &err) != 0)
		goto fail;
	if (sweep_count(sc) != first.n_runs) {
		cs_err_set(&err, "%s: sweep.yaml has %" PRIu64 " runs, shard.json says %" PRIu64, dirs[0],
			   sweep_count(sc), first.n_runs);
		goto fail;
	}

	rc = EXIT_RUNTIME;
	if (cli_make_parents(outdir, &err) != 0 ||
	    sweep_outdir_begin(&od, outdir, "sweep.json", &err) != 0)
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
	for (uint64_t k = 0; k < first.n_runs; k++) {
		const char *from = dirs[by_shard[k % first.of]];
		char rel[64], src[4400], dst[4400];
		struct stat st;

		sweep_run_dir(k, rel, sizeof(rel));
		snprintf(src, sizeof(src), "%s/%s", from, rel);
		snprintf(dst, sizeof(dst), "%s/%s", od.tmp, rel);
		if (stat(src, &st) != 0 || !S_ISDIR(st.st_mode)) {
			cs_err_set(&err, "%s: run %" PRIu64 " is missing (%s)", from, k, rel);
			rc = EXIT_USAGE;
			goto fail;
		}
		if (cli_copy_tree(src, dst, &err) != 0)
			goto fail;
		{
			char from_parent[PATH_MAX], out_parent[PATH_MAX];

			if (parent_of(from, from_parent, sizeof(from_parent)) != 0 ||
			    parent_of(outdir, out_parent, sizeof(out_parent)) != 0) {
				cs_err_set(&err, "cannot resolve the parents of %s and %s", from,
					   outdir);
				goto fail;
			}
			if (strcmp(from_parent, out_parent) != 0 &&
			    rehome_reproducers(src, dst, &err) != 0)
				goto fail;
		}
	}
	{
		struct sweep_report_input in = {
			.sweep = sc, .reproduce = first.reproduce, .plots = first.plots,
		};

		if (sweep_report_write(od.tmp, &in, &err) != 0)
			goto fail;
	}
	began = false;
	if (sweep_outdir_commit(&od, &err) != 0)
		goto fail;
	printf("csumsim: merged %u shards, %" PRIu64 " runs, into %s/\n", first.of, first.n_runs,
	       outdir);
	rc = EXIT_OK;
	goto out;
fail:
	if (rc == EXIT_USAGE && cs_err_is_oom(&err))
		rc = EXIT_RUNTIME; /* memory is the machine's fault, not the input's */
	fprintf(stderr, "csumsim merge: %s\n", err.msg);
out:
	if (began)
		sweep_outdir_abort(&od);
	for (int i = 0; i < n_dirs; i++)
		free(texts[i]);
	free(yaml);
	free(by_shard);
	free(sc);
	return rc;
}
