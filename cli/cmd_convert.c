/* csumsim convert: any trace format the readers know, to the native format
 * (docs/TRACES.md), so a trace can be read back exactly, trimmed or edited. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/outpath.h"
#include "traces/trace.h"

static const char convert_help[] =
	"usage: csumsim convert TRACE [-f FORMAT] [--actions LETTERS] [--limit N] -o OUT\n"
	"\n"
	"Reads a trace (blkparse text, fio iolog v2/v3, MSR Cambridge CSV, Alibaba or\n"
	"Tencent CSV, or native; xz-compressed or not; or blktrace's binary per-CPU\n"
	"files DEV.blktrace.N, merged by time) and writes it in csumsim's native\n"
	"format. OUT is written whole or not at all; it must be a regular file or not\n"
	"exist yet (a symlink, FIFO or device is refused); '-o -' writes to standard\n"
	"output.\n"
	"\n"
	"options:\n"
	"  -f, --format F     blkparse | fio | msr | native | alibaba | tencent | spc |\n"
	"                     blktrace | auto (default: auto)\n"
	"  --actions L        blkparse, blktrace: the events to take (default: Q)\n"
	"  --limit N          the first N records only\n"
	"  -o, --output OUT   the native trace to write\n"
	"  -h, --help         this text\n"
	"\n"
	"exit codes: 0 written; 2 bad trace or option (file:line: reason); 3 could not write\n";

int cmd_convert(int argc, char **argv)
{
	struct sc_trace spec;
	const char *in = NULL, *out = NULL;
	struct cli_outfile of;
	struct trace_reader *r;
	struct trace_req q;
	struct cs_err err = { { 0 } };
	FILE *f;
	uint64_t n = 0;
	int rc, werrno = 0;

	memset(&spec, 0, sizeof(spec));
	spec.kind = SC_TRACE_FILE;
	spec.format = SC_FMT_AUTO;
	snprintf(spec.actions, sizeof(spec.actions), "Q");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(convert_help, stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "-f") || !strcmp(a, "--format")) {
			int fmt = i + 1 < argc ? trace_format_parse(argv[i + 1]) : -1;

			if (fmt < 0) {
				fprintf(stderr, "csumsim convert: option '%s' needs one of blkparse, "
					"fio, msr, native, alibaba, tencent, spc, blktrace, auto\n", a);
				return EXIT_USAGE;
			}
			spec.format = (uint8_t)fmt;
			i++;
		} else if (!strcmp(a, "--actions")) {
			if (++i >= argc || argv[i][0] == '\0' || strlen(argv[i]) >= sizeof(spec.actions)) {
				fprintf(stderr, "csumsim convert: option '--actions' needs 1 to %zu "
					"letters\n", sizeof(spec.actions) - 1);
				return EXIT_USAGE;
			}
			snprintf(spec.actions, sizeof(spec.actions), "%s", argv[i]);
		} else if (!strcmp(a, "--limit")) {
			if (++i >= argc || cli_parse_u64(argv[i], &spec.limit) != 0) {
				fprintf(stderr, "csumsim convert: option '--limit' needs a number\n");
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (++i >= argc) {
				fprintf(stderr, "csumsim convert: option '%s' needs a file\n", a);
				return EXIT_USAGE;
			}
			out = argv[i];
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "csumsim convert: unknown option '%s' (see csumsim convert "
				"--help)\n", a);
			return EXIT_USAGE;
		} else if (in == NULL) {
			in = a;
		} else {
			fprintf(stderr, "csumsim convert: one trace at a time ('%s' and '%s')\n", in, a);
			return EXIT_USAGE;
		}
	}
	if (in == NULL || out == NULL) {
		fprintf(stderr, "csumsim convert: need a TRACE and -o OUT (see csumsim convert "
			"--help)\n");
		return EXIT_USAGE;
	}
	if (snprintf(spec.path, sizeof(spec.path), "%s", in) >= (int)sizeof(spec.path)) {
		fprintf(stderr, "csumsim convert: path too long\n");
		return EXIT_USAGE;
	}
	/* OUT first: a bad output path is found before the trace is read. */
	if (strcmp(out, "-") != 0 && cli_check_outfile("-o", out, &err) != 0) {
		fprintf(stderr, "csumsim convert: %s\n", err.msg);
		return EXIT_USAGE;
	}
	r = trace_open(&spec, ".", UINT64_MAX >> 1, 0, &err);
	if (r == NULL) {
		fprintf(stderr, "csumsim convert: %s\n", err.msg);
		return cs_err_is_oom(&err) ? EXIT_RUNTIME : EXIT_USAGE;
	}
	if (!strcmp(out, "-")) {
		f = stdout;
	} else {
		/* written beside OUT, renamed over it only when complete */
		if (cli_outfile_open(&of, "-o", out, &err) != 0) {
			fprintf(stderr, "csumsim convert: %s\n", err.msg);
			trace_close(r);
			return EXIT_RUNTIME;
		}
		f = of.f;
	}
	rc = trace_write_native_header(f) == 0 ? 0 : EXIT_RUNTIME;
	werrno = rc ? errno : 0;
	while (rc == 0) {
		int got = trace_next(r, &q, &err);

		if (got < 0) {
			fprintf(stderr, "csumsim convert: %s\n", err.msg);
			rc = cs_err_is_oom(&err) ? EXIT_RUNTIME : EXIT_USAGE;
			break;
		}
		if (got == 0 || (spec.limit && n >= spec.limit))
			break;
		if (trace_write_native(f, &q) != 0) {
			/* a failed stream is the output's fault (a full disk), not the record's */
			rc = ferror(f) ? EXIT_RUNTIME : EXIT_USAGE;
			werrno = errno;
			if (rc == EXIT_USAGE)
				fprintf(stderr, "csumsim convert: %s: record %llu cannot be written "
					"in the native format\n", in, (unsigned long long)n);
			break;
		}
		n++;
	}
	trace_close(r);
	if (f == stdout) {
		if (rc == EXIT_RUNTIME || (rc == 0 && fflush(stdout) != 0)) {
			if (werrno)
				errno = werrno;
			fprintf(stderr, "csumsim convert: cannot write to standard output: %s\n",
				strerror(errno ? errno : EIO));
			return EXIT_RUNTIME;
		}
		return rc;
	}
	/* finish reports the stream's error with its cause (ENOSPC...), the
	 * errno of the failed write */
	if (rc == EXIT_USAGE) {
		cli_outfile_abort(&of);
	} else {
		if (werrno)
			errno = werrno;
		if (cli_outfile_finish(&of, &err) != 0 || cli_outfile_commit(&of, &err) != 0) {
			fprintf(stderr, "csumsim convert: %s\n", err.msg);
			rc = EXIT_RUNTIME;
		}
	}
	if (rc != 0)
		return rc;
	fprintf(stderr, "csumsim convert: %llu records to %s\n", (unsigned long long)n, out);
	return EXIT_OK;
}
