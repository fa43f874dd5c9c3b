/* Inside traces/: what a format parser turns one input line into, before the
 * common steps (time from the first record, clamping, cutting, the limit). */
#ifndef CSUMSIM_TRACES_READER_H
#define CSUMSIM_TRACES_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "traces/trace.h"

/* One request as the input states it: times in ns on the format's own clock,
 * counts possibly above TRACE_MAX_SECTORS. */
struct trace_raw {
	uint64_t time_ns;
	uint64_t sector;
	uint64_t count;
	uint8_t op;
	uint32_t flags;
};

/* Where a line came from, for error messages. */
struct trace_where {
	const char *file;
	uint64_t line;
	struct cs_err *err;
};

/* A parser returns 1 with *out set, 0 for a line that carries no request
 * (header, comment, an event of another kind), -1 with the error set. */
#define TRACE_PARSE_SKIP 0
#define TRACE_PARSE_RECORD 1
#define TRACE_PARSE_ERROR (-1)

struct blkparse_state {
	char actions[8]; /* one letter per action taken */
};
struct fio_state {
	int version;     /* 0 until the header was read, then 2 or 3 */
	uint64_t now_ns; /* v2: the clock that "wait" advances */
};
struct msr_state {
	bool have_first;
	uint64_t first_ticks;
	bool header_allowed;
	bool one_device;     /* trace.device given: only this DiskNumber */
	uint64_t device;
};
struct native_state {
	bool header_seen;
};
/* The cloud CSV traces (Alibaba, Tencent): absolute times, made relative to
 * the first record of the selected device; one device or all of them. */
struct cloud_state {
	bool have_first;
	uint64_t first;      /* in the format's own time unit */
	bool header_allowed;
	bool one_device;     /* trace.device given */
	uint64_t device;
};

int blkparse_parse(struct blkparse_state *st, char *line, struct trace_raw *out,
		   const struct trace_where *w);
int fio_parse(struct fio_state *st, char *line, struct trace_raw *out,
	      const struct trace_where *w);
int msr_parse(struct msr_state *st, char *line, struct trace_raw *out,
	      const struct trace_where *w);
int native_parse(struct native_state *st, char *line, struct trace_raw *out,
		 const struct trace_where *w);
int alibaba_parse(struct cloud_state *st, char *line, struct trace_raw *out,
		  const struct trace_where *w);
int tencent_parse(struct cloud_state *st, char *line, struct trace_raw *out,
		  const struct trace_where *w);
int spc_parse(struct cloud_state *st, char *line, struct trace_raw *out,
	      const struct trace_where *w);
/* A binary blktrace capture (traces/blktrace_bin.c): path names one of its
 * per-CPU files STEM.N, or STEM; all of STEM.N are merged by time. Events of
 * the actions in `actions` are mapped as blkparse text lines are. */
struct blktrace_bin;
struct blktrace_bin *blktrace_bin_open(const char *path, const char *actions, struct cs_err *err);
/* 1 with *out and *rec (the record's number in its file, from 1), 0 at
 * the end, -1 with err. */
int blktrace_bin_next(struct blktrace_bin *b, struct trace_raw *out, uint64_t *rec,
		      struct cs_err *err);
/* The file of the last record read (for messages). */
const char *blktrace_bin_path(const struct blktrace_bin *b);
void blktrace_bin_close(struct blktrace_bin *b);
/* Whether the n bytes at p start with a blktrace record's magic. */
bool blktrace_bin_magic(const uint8_t *p, size_t n);
/* Whether the file at path starts so (false when it cannot be read). */
bool blktrace_bin_file(const char *path);
/* The blkparse mapping shared by the text and binary readers: RWBS letters
 * to an operation and flags (-1 with *bad the letter refused), and an event
 * to a request (TRACE_PARSE_RECORD with *out, TRACE_PARSE_SKIP, or
 * TRACE_PARSE_ERROR for a zero-length data request). */
int blkparse_rwbs(const char *s, uint8_t *op, bool *data_op, uint32_t *flags, char *bad);
int blkparse_event(char act, uint8_t op, bool data_op, uint32_t flags, uint64_t ns,
		   uint64_t sector, uint64_t count, struct trace_raw *out);

/* Splits a CSV line in place at every comma (empty fields count) and trims
 * blanks around each field; returns the number of fields (at most max are
 * stored). */
int trace_csv_fields(char *line, char **f, int max);

/* Format of a file from its first line, else its name; -1 if neither tells. */
int trace_detect(const char *first_line, const char *path);

/* Small shared helpers (trace_util.c). */
/* Splits s in place at runs of the characters in `sep`; returns how many
 * tokens (at most max) were stored. Extra tokens are counted but not stored. */
int trace_split(char *s, const char *sep, char **tok, int max);
/* Decimal digits only, no sign, no overflow: 0, else -1. */
int trace_parse_u64(const char *s, uint64_t *out);
/* true for a line that is empty or only blanks. */
bool trace_blank(const char *s);

struct trace_generator;
struct trace_generator *trace_gen_open(const struct sc_generator *g, uint64_t device_sectors,
				       uint64_t seed, struct cs_err *err);
/* 1: a request; 0: the end. */
int trace_gen_next(struct trace_generator *tg, struct trace_raw *out);
void trace_gen_close(struct trace_generator *tg);

#endif
