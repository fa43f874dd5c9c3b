/* csumsim trace info: what a trace holds before anyone simulates it, and
 * what looks wrong in it (docs/TRACES.md, "A trace's summary"). Simulator
 * users trip over mis-scaled time units, traces with no flushes and
 * requests past the device; this says so up front. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "traces/trace.h"

static const char trace_help[] =
	"usage: csumsim trace info TRACE [-f FORMAT] [--actions L] [--device ID]\n"
	"                              [--sectors N] [--json]\n"
	"\n"
	"Reads a trace through the same readers as a run and prints what it holds:\n"
	"requests by operation, sizes, the sectors it spans, its duration and rate,\n"
	"flushes and FUA per write, gaps, and warnings for what looks wrong (time going\n"
	"back, a duration that suggests a wrong time unit, no flushes, requests past\n"
	"the device).\n"
	"\n"
	"options:\n"
	"  -f, --format F     blkparse | fio | msr | native | alibaba | tencent | spc |\n"
	"                     blktrace | auto (default: auto)\n"
	"  --actions L        blkparse, blktrace: the events to take (default: Q)\n"
	"  --device ID        msr, alibaba, tencent: one device of a mixed file\n"
	"  --sectors N        the device size, to count requests past it\n"
	"  --json             the summary as JSON on stdout\n"
	"  -h, --help         this text\n"
	"\n"
	"exit codes: 0 summary printed (warnings included); 2 bad trace or option\n";

#define NS_PER_S 1000000000.0

struct summary {
	uint64_t n, by_op[4], sectors_by_op[4];
	uint64_t fua, preflush, sync, sequential;
	uint64_t first_ns, last_ns, max_gap_ns, gaps_over_1s;
	uint64_t max_end, past_device, clamped;
	uint64_t size_count[TRACE_MAX_SECTORS + 1]; /* data requests by size (pieces) */
	uint64_t data_requests;
	int format;
};

static uint64_t size_quantile(const struct summary *s, double q)
{
	uint64_t want = (uint64_t)(q * (double)(s->data_requests - 1)), seen = 0;

	for (uint32_t k = 0; k <= TRACE_MAX_SECTORS; k++) {
		seen += s->size_count[k];
		if (seen > want)
			return k;
	}
	return TRACE_MAX_SECTORS;
}

static int summarise(const struct sc_trace *spec, uint64_t device, struct summary *s,
		     struct cs_err *err)
{
	struct trace_reader *r = trace_open(spec, NULL, 0, 0, err);
	struct trace_req q;
	uint64_t prev_end = UINT64_MAX, prev_t = 0;
	int rc;

	if (r == NULL)
		return -1;
	while ((rc = trace_next(r, &q, err)) == 1) {
		uint64_t end = q.sector + q.count;

		if (s->n == 0)
			s->first_ns = q.time_ns;
		else if (q.time_ns - prev_t > s->max_gap_ns)
			s->max_gap_ns = q.time_ns - prev_t;
		if (s->n > 0 && q.time_ns - prev_t > 1000000000u)
			s->gaps_over_1s++;
		prev_t = s->last_ns = q.time_ns;
		s->n++;
		s->by_op[q.op & 3]++;
		s->sectors_by_op[q.op & 3] += q.count;
		s->fua += (q.flags & CSUM_RQ_FUA) != 0;
		s->preflush += (q.flags & CSUM_RQ_PREFLUSH) != 0;
		s->sync += (q.flags & CSUM_RQ_SYNC) != 0;
		if (q.op == CSUM_OP_FLUSH)
			continue;
		s->sequential += q.sector == prev_end;
		prev_end = end;
		s->size_count[q.count <= TRACE_MAX_SECTORS ? q.count : TRACE_MAX_SECTORS]++;
		s->data_requests++;
		if (end > s->max_end)
			s->max_end = end;
		if (device != 0 && end > device)
			s->past_device++;
	}
	s->clamped = trace_clamped(r);
	s->format = trace_format_of(r);
	trace_close(r);
	return rc < 0 ? -1 : 0;
}

/* Warnings, one per line into buf; their count. */
static int warnings(const struct summary *s, uint64_t device, char *buf, size_t n)
{
	double dur = (double)(s->last_ns - s->first_ns) / NS_PER_S;
	size_t len = 0;
	int k = 0;

#define WARN(...)                                                                              \
	do {                                                                                   \
		if (len < n)                                                                   \
			len += (size_t)snprintf(buf + len, n - len, __VA_ARGS__);              \
		k++;                                                                           \
	} while (0)
	if (s->clamped > 0)
		WARN("%" PRIu64 " records go back in time (clamped to the previous record's time)\n",
		     s->clamped);
	if (s->n > 1 && s->last_ns == s->first_ns)
		WARN("every record has the same time: the trace carries no timing (replay it "
		     "closed loop, host.mode: closed)\n");
	else if (s->n >= 1000 && dur < 0.001)
		WARN("%" PRIu64 " requests in %.3g s: a time unit off by 1000 or more?\n", s->n,
		     dur);
	if (dur > 365.0 * 86400.0)
		WARN("the trace lasts %.0f days: a time unit off by 1000 or more?\n", dur / 86400.0);
	if (s->by_op[CSUM_OP_FLUSH] == 0 && s->fua == 0 && s->preflush == 0)
		WARN("no FLUSH or FUA: nothing in it asks for durability; crash scenarios need "
		     "trace.flush_policy (docs/TRACES.md)\n");
	if (device != 0 && s->past_device > 0)
		WARN("%" PRIu64 " requests end past the device's %" PRIu64 " sectors (host.map "
		     "decides what becomes of them)\n", s->past_device, device);
#undef WARN
	return k;
}

static void print_text(const char *path, const struct summary *s, uint64_t device)
{
	static const char *const ops[4] = {"read", "write", "flush", "discard"};
	double dur = (double)(s->last_ns - s->first_ns) / NS_PER_S;
	uint64_t writes = s->by_op[CSUM_OP_WRITE];
	char warn[2048];
	int nw;

	printf("%s: %s trace, %" PRIu64 " requests\n", path,
	       s->format >= 0 ? trace_format_name(s->format) : "?", s->n);
	for (int op = 0; op < 4; op++)
		printf("  %-8s %10" PRIu64 " requests %12" PRIu64 " sectors (%.2f MiB)\n", ops[op],
		       s->by_op[op], s->sectors_by_op[op],
		       (double)s->sectors_by_op[op] * 512.0 / 1048576.0);
	if (s->data_requests > 0)
		printf("  sizes    min %" PRIu64 ", median %" PRIu64 ", p90 %" PRIu64 ", p99 %" PRIu64
		       ", max %" PRIu64 " sectors; %.1f%% sequential\n",
		       size_quantile(s, 0), size_quantile(s, 0.5), size_quantile(s, 0.9),
		       size_quantile(s, 0.99), size_quantile(s, 1),
		       100.0 * (double)s->sequential / (double)s->data_requests);
	printf("  span     sectors up to %" PRIu64 " (%.2f GiB)%s\n", s->max_end,
	       (double)s->max_end * 512.0 / 1073741824.0,
	       device ? "" : "; --sectors N counts requests past a device");
	printf("  time     %.6f s, %.1f requests/s; largest gap %.6f s, %" PRIu64
	       " gaps over 1 s\n", dur, dur > 0 ? (double)s->n / dur : 0.0,
	       (double)s->max_gap_ns / NS_PER_S, s->gaps_over_1s);
	printf("  flushes  %" PRIu64 " empty flushes, %" PRIu64 " PREFLUSH, %" PRIu64
	       " FUA, %" PRIu64 " sync; %.2f writes per flush\n", s->by_op[CSUM_OP_FLUSH],
	       s->preflush, s->fua, s->sync,
	       s->by_op[CSUM_OP_FLUSH] + s->preflush > 0
		       ? (double)writes / (double)(s->by_op[CSUM_OP_FLUSH] + s->preflush)
		       : 0.0);
	nw = warnings(s, device, warn, sizeof(warn));
	if (nw == 0)
		printf("no warnings\n");
	else
		printf("warnings:\n%s", warn);
}

static void print_json(const char *path, const struct summary *s, uint64_t device)
{
	double dur = (double)(s->last_ns - s->first_ns) / NS_PER_S;
	char warn[2048], *line;
	int nw = warnings(s, device, warn, sizeof(warn));

	/* plain printf: every string here is the program's own or a path */
	printf("{\n  \"file\": \"");
	for (const char *p = path; *p; p++)
		printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
	printf("\",\n  \"format\": \"%s\",\n", s->format >= 0 ? trace_format_name(s->format) : "?");
	printf("  \"requests\": %" PRIu64 ",\n", s->n);
	printf("  \"by_op\": {\"read\": %" PRIu64 ", \"write\": %" PRIu64 ", \"flush\": %" PRIu64
	       ", \"discard\": %" PRIu64 "},\n", s->by_op[0], s->by_op[1], s->by_op[2], s->by_op[3]);
	printf("  \"sectors_by_op\": {\"read\": %" PRIu64 ", \"write\": %" PRIu64
	       ", \"discard\": %" PRIu64 "},\n", s->sectors_by_op[0], s->sectors_by_op[1],
	       s->sectors_by_op[3]);
	if (s->data_requests > 0)
		printf("  \"size_sectors\": {\"min\": %" PRIu64 ", \"median\": %" PRIu64
		       ", \"p90\": %" PRIu64 ", \"p99\": %" PRIu64 ", \"max\": %" PRIu64 "},\n",
		       size_quantile(s, 0), size_quantile(s, 0.5), size_quantile(s, 0.9),
		       size_quantile(s, 0.99), size_quantile(s, 1));
	printf("  \"sequential\": %" PRIu64 ",\n  \"max_end_sector\": %" PRIu64 ",\n",
	       s->sequential, s->max_end);
	printf("  \"duration_s\": %.9f,\n  \"max_gap_s\": %.9f,\n  \"gaps_over_1s\": %" PRIu64
	       ",\n", dur, (double)s->max_gap_ns / NS_PER_S, s->gaps_over_1s);
	printf("  \"preflush\": %" PRIu64 ",\n  \"fua\": %" PRIu64 ",\n  \"sync\": %" PRIu64
	       ",\n  \"clamped\": %" PRIu64 ",\n", s->preflush, s->fua, s->sync, s->clamped);
	if (device != 0)
		printf("  \"past_device\": %" PRIu64 ",\n", s->past_device);
	printf("  \"warnings\": [");
	line = strtok(warn, "\n");
	for (int i = 0; i < nw && line != NULL; i++, line = strtok(NULL, "\n"))
		printf("%s\n    \"%s\"", i ? "," : "", line);
	printf("%s]\n}\n", nw ? "\n  " : "");
}

int cmd_trace(int argc, char **argv)
{
	struct sc_trace spec;
	const char *path = NULL;
	uint64_t device = 0;
	bool json = false;
	struct summary *s;
	struct cs_err err = { { 0 } };

	memset(&spec, 0, sizeof(spec));
	spec.kind = SC_TRACE_FILE;
	spec.format = SC_FMT_AUTO;
	snprintf(spec.actions, sizeof(spec.actions), "Q");
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(trace_help, stdout);
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "info") != 0) {
		fprintf(stderr, "csumsim trace: the one subcommand is 'info' (csumsim trace info "
				"TRACE; see csumsim trace --help)\n");
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		bool val = i + 1 < argc;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(trace_help, stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "-f") || !strcmp(a, "--format")) {
			int fmt = val ? trace_format_parse(argv[i + 1]) : -1;

			if (fmt < 0) {
				fprintf(stderr, "csumsim trace: option '%s' needs one of blkparse, "
					"fio, msr, native, alibaba, tencent, spc, blktrace, auto\n", a);
				return EXIT_USAGE;
			}
			spec.format = (uint8_t)fmt;
			i++;
		} else if (!strcmp(a, "--actions") || !strcmp(a, "--device")) {
			char *dst = a[2] == 'a' ? spec.actions : spec.device;
			size_t cap = a[2] == 'a' ? sizeof(spec.actions) : sizeof(spec.device);

			if (!val || strlen(argv[i + 1]) >= cap) {
				fprintf(stderr, "csumsim trace: option '%s' needs a value of at most "
					"%zu characters\n", a, cap - 1);
				return EXIT_USAGE;
			}
			snprintf(dst, cap, "%s", argv[++i]);
		} else if (!strcmp(a, "--sectors")) {
			if (!val || cli_parse_u64(argv[i + 1], &device) != 0 || device == 0) {
				fprintf(stderr, "csumsim trace: option '--sectors' needs a positive "
					"number of sectors\n");
				return EXIT_USAGE;
			}
			i++;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "csumsim trace: unknown option '%s' (see csumsim trace "
					"--help)\n", a);
			return EXIT_USAGE;
		} else if (path == NULL) {
			path = a;
		} else {
			fprintf(stderr, "csumsim trace: one trace at a time ('%s' and '%s')\n", path,
				a);
			return EXIT_USAGE;
		}
	}
	if (path == NULL) {
		fprintf(stderr, "csumsim trace: no trace file (csumsim trace info TRACE)\n");
		return EXIT_USAGE;
	}
	if (strlen(path) >= sizeof(spec.path)) {
		fprintf(stderr, "csumsim trace: the path is too long\n");
		return EXIT_USAGE;
	}
	snprintf(spec.path, sizeof(spec.path), "%s", path);
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		fprintf(stderr, "csumsim trace: out of memory\n");
		return EXIT_RUNTIME;
	}
	if (summarise(&spec, device, s, &err) != 0) {
		fprintf(stderr, "csumsim trace: %s\n", err.msg);
		free(s);
		return cs_err_is_oom(&err) ? EXIT_RUNTIME : EXIT_USAGE;
	}
	if (json)
		print_json(path, s, device);
	else
		print_text(path, s, device);
	free(s);
	return EXIT_OK;
}
