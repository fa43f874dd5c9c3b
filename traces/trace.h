/* One request stream from any source: a real trace in one of several formats,
 * or a generator. Readers turn each input line into trace_req records; a bad
 * line is an error naming the file, the line and the reason. */
#ifndef CSUMSIM_TRACES_TRACE_H
#define CSUMSIM_TRACES_TRACE_H

#include <stdint.h>

#include "core/csum.h"
#include "scenarios/scenario.h"
#include "util/err.h"

/* Largest request a reader emits; longer ones are cut into pieces of this
 * size (the same time and flags; PREFLUSH stays on the first, FUA on the last). */
#define TRACE_MAX_SECTORS 8192u
/* Largest request a trace line may state (4 GiB): a bound on the pieces
 * (and the memory) one line can cause, whatever the device; a request
 * larger than the device is refused too, before it is cut. */
#define TRACE_MAX_REQUEST (UINT64_C(1) << 23)

struct trace_req {
	uint64_t time_ns; /* from the start of the trace (first record = 0) */
	uint64_t sector;  /* 512-byte units, as in the trace (not yet mapped) */
	uint32_t count;   /* sectors; 0 for an empty flush */
	uint8_t op;       /* enum csum_op */
	uint32_t flags;   /* CSUM_RQ_* */
	uint64_t line;    /* input line it came from (0 for a generator) */
};

struct trace_reader;

/* Opens the trace the scenario names (file or generator). Files may be
 * xz-compressed (.xz). `base_dir` resolves relative paths; `device_sectors`
 * bounds generators and every request (a longer one is an error naming its
 * line). Returns NULL with err set. */
struct trace_reader *trace_open(const struct sc_trace *spec, const char *base_dir,
				uint64_t device_sectors, uint64_t seed, struct cs_err *err);
/* 1: a record in *out; 0: end of stream; -1: error in err (file:line: reason).
 * A file that ends without a single request is an error too. */
int trace_next(struct trace_reader *r, struct trace_req *out, struct cs_err *err);
void trace_close(struct trace_reader *r);
/* Records whose time went back and were clamped to the previous one, so
 * far; and the format being read (resolved when it was auto). */
uint64_t trace_clamped(const struct trace_reader *r);
int trace_format_of(const struct trace_reader *r);
/* Reads a trace file through to its end, for `validate`: 0, or -1 with the
 * first bad line's error (a generator is not read: 0). */
int trace_scan(const struct sc_trace *spec, const char *base_dir, uint64_t device_sectors,
	       struct cs_err *err);

/* Name of a format, and the format of a name ("blkparse", "fio", "msr",
 * "native", "auto"); -1 if unknown. */
const char *trace_format_name(int format);
int trace_format_parse(const char *name);

/* The native format, written by `csumsim convert` and read back exactly. */
int trace_write_native_header(void *file);
int trace_write_native(void *file, const struct trace_req *r);

#endif
