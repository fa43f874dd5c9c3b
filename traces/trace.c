/* The request stream: opens a file in its format (or a generator) and applies
 * the steps every source shares: times from the first record, backward times
 * clamped, long requests cut, the request limit. */
#include "traces/trace.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/linereader.h"
#include "traces/reader.h"

struct trace_reader {
	/* a file ... */
	struct line_reader *lr;
	int format;
	union {
		struct blkparse_state bp;
		struct fio_state fio;
		struct msr_state msr;
		struct native_state native;
		struct cloud_state cloud;
	} st;
	/* ... or a binary blktrace capture ... */
	struct blktrace_bin *bin;
	/* ... or a generator */
	struct trace_generator *gen;

	bool have_first;
	uint64_t first_ns, prev_ns;
	uint64_t clamped;     /* records whose time went back */
	/* the request being cut into pieces */
	bool pending;
	struct trace_raw pend;
	uint64_t pend_done;
	uint64_t pend_line;

	uint64_t limit, emitted;
	uint64_t device_sectors;
	uint64_t from_ns, until_ns; /* trace.from, trace.until (0: the end) */
	bool past_window;
	/* trace.flush_policy: empty flushes added to a trace that has none */
	uint8_t flush_gen;
	uint64_t flush_every;       /* writes, or ns for every_ms */
	uint64_t writes_since, next_flush_ns;
	bool flush_due;             /* emit an added flush before the next record */
	uint64_t flush_at_ns, flush_line;
	bool have_held;             /* every_ms: the record that follows its flush */
	struct trace_req held;
	uint64_t last_ns;           /* time of the last request handed out */
};

static const char *const format_names[] = {
	[SC_FMT_BLKPARSE] = "blkparse",
	[SC_FMT_FIO_IOLOG] = "fio",
	[SC_FMT_MSR] = "msr",
	[SC_FMT_NATIVE] = "native",
	[SC_FMT_ALIBABA] = "alibaba",
	[SC_FMT_TENCENT] = "tencent",
	[SC_FMT_SPC] = "spc",
	[SC_FMT_BLKTRACE] = "blktrace",
	[SC_FMT_AUTO] = "auto",
};
#define N_FORMATS ((int)(sizeof(format_names) / sizeof(format_names[0])))

const char *trace_format_name(int format)
{
	if (format < 0 || format >= N_FORMATS)
		return "unknown";
	return format_names[format];
}

int trace_format_parse(const char *name)
{
	for (int i = 0; i < N_FORMATS; i++)
		if (name != NULL && strcmp(name, format_names[i]) == 0)
			return i;
	return -1;
}

static char *resolve(const char *base_dir, const char *path)
{
	size_t bl, pl = strlen(path);
	char *out;

	if (path[0] == '/' || strcmp(path, "-") == 0 || base_dir == NULL || base_dir[0] == '\0')
		return strdup(path);
	bl = strlen(base_dir);
	out = malloc(bl + 1 + pl + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, base_dir, bl);
	out[bl] = '/';
	memcpy(out + bl + 1, path, pl + 1);
	return out;
}

/* Reads the first non-blank line, decides the format, pushes the line back. */
static int detect_format(struct trace_reader *r, struct cs_err *err)
{
	char *line = NULL;
	int got;

	while ((got = lr_next(r->lr, &line, err)) == 1 && trace_blank(line))
		;
	if (got < 0)
		return -1;
	r->format = trace_detect(got == 1 ? line : NULL, lr_path(r->lr));
	if (got == 1)
		lr_unread(r->lr);
	if (r->format < 0)
		return cs_err_set(err,
				  "%s: cannot tell the trace format from its first line or its name "
				  "(set trace.format to blkparse, fio, msr, native, alibaba, "
				  "tencent, spc or blktrace)",
				  lr_path(r->lr));
	return 0;
}

static int open_file(struct trace_reader *r, const struct sc_trace *spec, const char *base_dir,
		     struct cs_err *err)
{
	const char *actions = spec->actions[0] != '\0' ? spec->actions : "Q";
	uint64_t device = 0;
	size_t alen = strnlen(spec->actions, sizeof(spec->actions));
	char *path;

	if (spec->path[0] == '\0')
		return cs_err_at(err, "trace", 0, "path", "no trace file given");
	if (alen == sizeof(spec->actions))
		return cs_err_at(err, "trace", 0, "actions", "longer than %zu letters",
				 sizeof(spec->actions) - 1);
	for (const char *a = actions; *a != '\0'; a++)
		if (!((*a >= 'A' && *a <= 'Z') || (*a >= 'a' && *a <= 'z')))
			return cs_err_at(err, "trace", 0, "actions",
					 "'%s': each action is one letter (e.g. \"Q\", \"D\", \"C\")",
					 actions);
	if (spec->format > SC_FMT_AUTO)
		return cs_err_at(err, "trace", 0, "format", "unknown format %d", spec->format);
	path = resolve(base_dir, spec->path);
	if (path == NULL)
		return cs_err_set(err, "%s: out of memory", spec->path);
	r->format = spec->format;
	/* binary: told by its magic, never read as lines */
	if (r->format == SC_FMT_BLKTRACE ||
	    (r->format == SC_FMT_AUTO && blktrace_bin_file(path))) {
		r->format = SC_FMT_BLKTRACE;
		if (spec->device[0] != '\0') {
			free(path);
			return cs_err_at(err, "trace", 0, "device",
					 "'%s': a blktrace capture holds one device; trace.device "
					 "selects one in msr, alibaba and tencent traces", spec->device);
		}
		r->bin = blktrace_bin_open(path, actions, err);
		free(path);
		return r->bin == NULL ? -1 : 0;
	}
	r->lr = lr_open(path, err);
	free(path);
	if (r->lr == NULL)
		return -1;
	if (r->format == SC_FMT_AUTO && detect_format(r, err) < 0)
		return -1;
	memset(&r->st, 0, sizeof(r->st));
	if (spec->device[0] != '\0') {
		if (r->format != SC_FMT_MSR && r->format != SC_FMT_ALIBABA &&
		    r->format != SC_FMT_TENCENT && r->format != SC_FMT_SPC)
			return cs_err_at(err, "trace", 0, "device",
					 "'%s': a %s trace holds one device; trace.device selects "
					 "one in msr, alibaba, tencent and spc traces", spec->device,
					 trace_format_name(r->format));
		if (trace_parse_u64(spec->device, &device) < 0)
			return cs_err_at(err, "trace", 0, "device", "'%s' is not a device number",
					 spec->device);
	}
	switch (r->format) {
	case SC_FMT_BLKPARSE:
		snprintf(r->st.bp.actions, sizeof(r->st.bp.actions), "%s", actions);
		break;
	case SC_FMT_MSR:
		r->st.msr.header_allowed = true;
		r->st.msr.one_device = spec->device[0] != '\0';
		r->st.msr.device = device;
		break;
	case SC_FMT_ALIBABA:
	case SC_FMT_TENCENT:
	case SC_FMT_SPC:
		r->st.cloud.header_allowed = true;
		r->st.cloud.one_device = spec->device[0] != '\0';
		r->st.cloud.device = device;
		break;
	default:
		break;
	}
	return 0;
}

struct trace_reader *trace_open(const struct sc_trace *spec, const char *base_dir,
				uint64_t device_sectors, uint64_t seed, struct cs_err *err)
{
	struct trace_reader *r = calloc(1, sizeof(*r));
	int rc;

	if (r == NULL) {
		cs_err_set(err, "trace: out of memory");
		return NULL;
	}
	r->limit = spec->limit;
	r->device_sectors = device_sectors;
	/* bounded by the schema (1e9 s) so the products fit in 64 bits */
	r->flush_gen = spec->flush_policy;
	if (spec->flush_policy == SC_FLUSHGEN_EVERY_WRITES)
		r->flush_every = (uint64_t)spec->flush_every;
	else if (spec->flush_policy == SC_FLUSHGEN_EVERY_MS)
		r->flush_every = (uint64_t)(spec->flush_every * 1e6);
	r->next_flush_ns = r->flush_every;
	r->from_ns = (uint64_t)(spec->from_s * 1e9);
	r->until_ns = (uint64_t)(spec->until_s * 1e9);
	if (r->until_ns != 0 && r->until_ns <= r->from_ns) {
		cs_err_at(err, "trace", 0, "until", "%g s is not after trace.from %g s",
			  spec->until_s, spec->from_s);
		trace_close(r);
		return NULL;
	}
	if (spec->kind == SC_TRACE_GENERATOR) {
		r->gen = trace_gen_open(&spec->gen, device_sectors, seed, err);
		rc = r->gen == NULL ? -1 : 0;
	} else if (spec->kind == SC_TRACE_FILE) {
		rc = open_file(r, spec, base_dir, err);
	} else {
		rc = cs_err_at(err, "trace", 0, "kind", "unknown kind %d", spec->kind);
	}
	if (rc < 0) {
		trace_close(r);
		return NULL;
	}
	return r;
}

/* The file a record came from, for messages. */
static const char *src_path(const struct trace_reader *r)
{
	if (r->bin != NULL)
		return blktrace_bin_path(r->bin);
	return r->lr != NULL ? lr_path(r->lr) : "trace.generator";
}

/* The field a format states a request's length in. */
static const char *size_field(int format)
{
	switch (format) {
	case SC_FMT_BLKTRACE: return "bytes";
	case SC_FMT_FIO_IOLOG: return "length";
	case SC_FMT_NATIVE: return "count";
	default: return "size";
	}
}

/* Before a request is cut into pieces: one line may not cause more than
 * TRACE_MAX_REQUEST / TRACE_MAX_SECTORS of them, nor exceed the device. */
static int check_size(const struct trace_reader *r, const struct trace_raw *raw, uint64_t line,
		      struct cs_err *err)
{
	const char *file = src_path(r);

	if (raw->count > TRACE_MAX_REQUEST)
		return cs_err_at(err, file, line, size_field(r->format),
				 "a request of %llu sectors is larger than csumsim's limit of "
				 "%llu sectors (4 GiB)", (unsigned long long)raw->count,
				 (unsigned long long)TRACE_MAX_REQUEST);
	if (r->device_sectors != 0 && raw->count > r->device_sectors)
		return cs_err_at(err, file, line, size_field(r->format),
				 "a request of %llu sectors is larger than the device (%llu sectors)",
				 (unsigned long long)raw->count,
				 (unsigned long long)r->device_sectors);
	return 0;
}

/* Next request as the source states it: 1, 0 at the end, -1 on error. */
static int next_raw(struct trace_reader *r, struct trace_raw *raw, uint64_t *line,
		    struct cs_err *err)
{
	char *text;

	if (r->gen != NULL) {
		*line = 0;
		return trace_gen_next(r->gen, raw);
	}
	if (r->bin != NULL)
		return blktrace_bin_next(r->bin, raw, line, err);
	for (;;) {
		struct trace_where w;
		int got = lr_next(r->lr, &text, err);
		int rc = TRACE_PARSE_ERROR;

		if (got <= 0) {
			bool headless = (r->format == SC_FMT_FIO_IOLOG && r->st.fio.version == 0) ||
					(r->format == SC_FMT_NATIVE && !r->st.native.header_seen);

			if (got == 0 && headless)
				return cs_err_at(err, lr_path(r->lr), 0, NULL,
						 "empty: the %s header line is missing",
						 trace_format_name(r->format));
			return got;
		}
		w.file = lr_path(r->lr);
		w.line = lr_lineno(r->lr);
		w.err = err;
		switch (r->format) {
		case SC_FMT_BLKPARSE: rc = blkparse_parse(&r->st.bp, text, raw, &w); break;
		case SC_FMT_FIO_IOLOG: rc = fio_parse(&r->st.fio, text, raw, &w); break;
		case SC_FMT_MSR: rc = msr_parse(&r->st.msr, text, raw, &w); break;
		case SC_FMT_NATIVE: rc = native_parse(&r->st.native, text, raw, &w); break;
		case SC_FMT_ALIBABA: rc = alibaba_parse(&r->st.cloud, text, raw, &w); break;
		case SC_FMT_TENCENT: rc = tencent_parse(&r->st.cloud, text, raw, &w); break;
		case SC_FMT_SPC: rc = spc_parse(&r->st.cloud, text, raw, &w); break;
		default: break;
		}
		if (rc == TRACE_PARSE_ERROR)
			return -1;
		if (rc == TRACE_PARSE_RECORD) {
			/* what every reader promises: a known operation and flags */
			assert(raw->op <= CSUM_OP_DISCARD);
			assert((raw->flags & ~(uint32_t)0x3f) == 0); /* CSUM_RQ_* only */
			assert(raw->op == CSUM_OP_FLUSH || raw->count >= 1);
			*line = w.line;
			return 1;
		}
	}
}

static int next_piece(struct trace_reader *r, struct trace_req *out, struct cs_err *err)
{
	uint64_t left, n;
	uint32_t flags;

	if (r->limit != 0 && r->emitted >= r->limit)
		return 0;
	while (!r->pending) {
		struct trace_raw raw;
		uint64_t line = 0;
		int got = r->past_window ? 0 : next_raw(r, &raw, &line, err);

		if (got == 0 && r->emitted == 0 && r->gen == NULL)
			return cs_err_at(err, src_path(r), 0, NULL,
					 "no requests in the trace (an empty file, no %s line "
					 "csumsim takes, or none in trace.device and the time window)",
					 trace_format_name(r->format));
		if (got <= 0)
			return got;
		if (check_size(r, &raw, line, err) < 0)
			return -1;
		if (raw.count > UINT64_MAX - raw.sector) {
			if (r->gen == NULL)
				return cs_err_at(err, src_path(r), line, "sector",
						 "request end lies beyond 2^64 sectors");
			return cs_err_set(err, "generator: request end beyond 2^64 sectors");
		}
		/* Times count from the first record; one that goes back is clamped
		 * to the previous, keeping the file's order. */
		if (!r->have_first) {
			r->have_first = true;
			r->first_ns = raw.time_ns;
			r->prev_ns = raw.time_ns;
		}
		if (raw.time_ns < r->prev_ns) {
			raw.time_ns = r->prev_ns;
			r->clamped++;
		}
		r->prev_ns = raw.time_ns;
		raw.time_ns -= r->first_ns;
		/* the time window, from the first record; kept times count from its
		 * start */
		if (raw.time_ns < r->from_ns)
			continue;
		if (r->until_ns != 0 && raw.time_ns > r->until_ns) {
			r->past_window = true;
			continue;
		}
		raw.time_ns -= r->from_ns;
		r->pend = raw;
		r->pend_done = 0;
		r->pend_line = line;
		r->pending = true;
	}
	left = r->pend.count - r->pend_done;
	n = left > TRACE_MAX_SECTORS ? TRACE_MAX_SECTORS : left;
	flags = r->pend.flags;
	if (r->pend_done > 0)
		flags &= ~(uint32_t)CSUM_RQ_PREFLUSH;
	if (r->pend_done + n < r->pend.count)
		flags &= ~(uint32_t)CSUM_RQ_FUA;
	out->time_ns = r->pend.time_ns;
	out->sector = r->pend.sector + r->pend_done;
	out->count = (uint32_t)n;
	out->op = r->pend.op;
	out->flags = flags;
	out->line = r->pend_line;
	/* a piece of the pending request, bounded by the cut and by the device */
	assert(n <= TRACE_MAX_SECTORS && r->pend_done + n <= r->pend.count);
	assert(r->device_sectors == 0 || n <= r->device_sectors);
	assert(r->until_ns == 0 || out->time_ns <= r->until_ns - r->from_ns);
	r->pend_done += n;
	if (r->pend_done >= r->pend.count)
		r->pending = false;
	r->emitted++;
	return 1;
}

static void added_flush(struct trace_reader *r, struct trace_req *out, uint64_t t)
{
	*out = (struct trace_req){ .time_ns = t, .op = CSUM_OP_FLUSH, .flags = CSUM_RQ_PREFLUSH,
				   .line = r->flush_line };
	r->flush_due = false;
	r->emitted++;
}

/* After a write (its last piece): whether an added flush is due. */
static void after_write(struct trace_reader *r, const struct trace_req *w)
{
	bool due = false;

	if (w->op != CSUM_OP_WRITE || r->pending)
		return;
	if (r->flush_gen == SC_FLUSHGEN_EVERY_WRITES)
		due = ++r->writes_since >= r->flush_every;
	else if (r->flush_gen == SC_FLUSHGEN_AFTER_SYNC)
		due = (w->flags & CSUM_RQ_SYNC) != 0;
	if (due) {
		r->writes_since = 0;
		r->flush_due = true;
		r->flush_at_ns = w->time_ns;
		r->flush_line = w->line;
	}
}

/* A request, with the empty flushes trace.flush_policy adds: after every N
 * writes or each sync write (at that write's time), or at each multiple of
 * T ms of trace time that a request reaches (at that multiple, before it). */
static int next_request(struct trace_reader *r, struct trace_req *out, struct cs_err *err);

/* Times never run back: a record that goes back is clamped, an added flush
 * takes the time of the write or the multiple before the next record. */
int trace_next(struct trace_reader *r, struct trace_req *out, struct cs_err *err)
{
	int got = next_request(r, out, err);

	if (got == 1) {
		assert(out->time_ns >= r->last_ns);
		assert(r->limit == 0 || r->emitted <= r->limit);
		assert(out->op <= CSUM_OP_DISCARD && out->count <= TRACE_MAX_SECTORS);
		r->last_ns = out->time_ns;
	}
	return got;
}

static int next_request(struct trace_reader *r, struct trace_req *out, struct cs_err *err)
{
	int got;

	if (r->limit != 0 && r->emitted >= r->limit)
		return 0;
	if (r->have_held) {
		*out = r->held;
		r->have_held = false;
		r->emitted++;
		after_write(r, out);
		return 1;
	}
	if (r->flush_due) {
		added_flush(r, out, r->flush_at_ns);
		return 1;
	}
	got = next_piece(r, out, err);
	if (got != 1 || r->flush_gen <= SC_FLUSHGEN_NONE)
		return got;
	if (r->flush_gen == SC_FLUSHGEN_EVERY_MS && out->time_ns >= r->next_flush_ns) {
		uint64_t at = r->next_flush_ns;

		/* the next multiple after this record, without looping over the gap */
		uint64_t k = out->time_ns / r->flush_every + 1;

		assert(r->flush_every > 0);
		r->next_flush_ns = k <= UINT64_MAX / r->flush_every ? k * r->flush_every
								    : UINT64_MAX;
		r->held = *out;
		r->have_held = true;
		r->emitted--; /* emitted when it leaves the hold */
		r->flush_line = out->line;
		added_flush(r, out, at);
		return 1;
	}
	after_write(r, out);
	return 1;
}

uint64_t trace_clamped(const struct trace_reader *r)
{
	return r->clamped;
}

int trace_format_of(const struct trace_reader *r)
{
	return r->gen != NULL ? -1 : r->format;
}

void trace_close(struct trace_reader *r)
{
	if (r == NULL)
		return;
	lr_close(r->lr);
	blktrace_bin_close(r->bin);
	trace_gen_close(r->gen);
	free(r);
}

int trace_scan(const struct sc_trace *spec, const char *base_dir, uint64_t device_sectors,
	       struct cs_err *err)
{
	struct trace_reader *r;
	struct trace_req q;
	int rc;

	if (spec->kind != SC_TRACE_FILE)
		return 0;
	r = trace_open(spec, base_dir, device_sectors, 0, err);
	if (r == NULL)
		return -1;
	while ((rc = trace_next(r, &q, err)) == 1)
		;
	trace_close(r);
	return rc;
}
