/* csumsim's own trace format (docs/TRACES.md):
 *   # csumsim-trace v1
 *   TIME_NS OP SECTOR COUNT FLAGS
 * OP is r, w, f (empty flush) or d; FLAGS is "-" or letters from SMPFAB. */
#include "traces/reader.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define NATIVE_HEADER "# csumsim-trace v1"
#define NATIVE_MAX_TOK 6

static const char native_ops[] = "rwfd"; /* indexed by enum csum_op */

static const struct {
	char letter;
	uint32_t flag;
} native_flags[] = {
	{ 'S', CSUM_RQ_SYNC },     { 'M', CSUM_RQ_META }, { 'P', CSUM_RQ_PREFLUSH },
	{ 'F', CSUM_RQ_FUA },      { 'A', CSUM_RQ_AHEAD }, { 'B', CSUM_RQ_BARRIER },
};
#define NATIVE_NFLAGS (sizeof(native_flags) / sizeof(native_flags[0]))

int native_parse(struct native_state *st, char *line, struct trace_raw *out,
		 const struct trace_where *w)
{
	char *tok[NATIVE_MAX_TOK];
	const char *op;
	int n;
	uint64_t count;

	if (!st->header_seen) {
		size_t len = strlen(line);

		while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		if (strcmp(line, NATIVE_HEADER) != 0)
			return cs_err_at(w->err, w->file, w->line, NULL,
					 "not a csumsim trace: expected '%s'", NATIVE_HEADER);
		st->header_seen = true;
		return TRACE_PARSE_SKIP;
	}
	if (trace_blank(line) || line[strspn(line, " \t")] == '#')
		return TRACE_PARSE_SKIP;
	n = trace_split(line, " \t", tok, NATIVE_MAX_TOK);
	if (n != 5)
		return cs_err_at(w->err, w->file, w->line, NULL,
				 "expected 'TIME_NS OP SECTOR COUNT FLAGS', got %d fields", n);
	if (trace_parse_u64(tok[0], &out->time_ns) < 0)
		return cs_err_at(w->err, w->file, w->line, "time", "'%s' is not a number", tok[0]);
	op = strlen(tok[1]) == 1 ? strchr(native_ops, tok[1][0]) : NULL;
	if (op == NULL)
		return cs_err_at(w->err, w->file, w->line, "op", "'%s' is not one of r, w, f, d",
				 tok[1]);
	out->op = (uint8_t)(op - native_ops);
	if (trace_parse_u64(tok[2], &out->sector) < 0)
		return cs_err_at(w->err, w->file, w->line, "sector", "'%s' is not a number", tok[2]);
	if (trace_parse_u64(tok[3], &count) < 0)
		return cs_err_at(w->err, w->file, w->line, "count", "'%s' is not a number", tok[3]);
	if (out->op == CSUM_OP_FLUSH && count != 0)
		return cs_err_at(w->err, w->file, w->line, "count", "a flush has count 0, not %s",
				 tok[3]);
	if (out->op != CSUM_OP_FLUSH && count == 0)
		return cs_err_at(w->err, w->file, w->line, "count", "zero-length %s",
				 out->op == CSUM_OP_READ ? "read" :
				 out->op == CSUM_OP_WRITE ? "write" : "discard");
	out->count = count;
	out->flags = 0;
	if (strcmp(tok[4], "-") != 0) {
		for (const char *c = tok[4]; *c != '\0'; c++) {
			size_t i;

			for (i = 0; i < NATIVE_NFLAGS; i++)
				if (native_flags[i].letter == *c)
					break;
			if (i == NATIVE_NFLAGS)
				return cs_err_at(w->err, w->file, w->line, "flags",
						 "unknown flag '%c' (use letters of SMPFAB, or -)", *c);
			if (out->flags & native_flags[i].flag)
				return cs_err_at(w->err, w->file, w->line, "flags",
						 "flag '%c' given twice", *c);
			out->flags |= native_flags[i].flag;
		}
	}
	/* what trace_write_native() writes: a flush empty, the rest not */
	assert(out->op <= CSUM_OP_DISCARD && (out->op == CSUM_OP_FLUSH) == (out->count == 0));
	return TRACE_PARSE_RECORD;
}

int trace_write_native_header(void *file)
{
	return fprintf((FILE *)file, "%s\n", NATIVE_HEADER) < 0 ? -1 : 0;
}

int trace_write_native(void *file, const struct trace_req *r)
{
	char flags[NATIVE_NFLAGS + 1];
	size_t n = 0;
	uint32_t known = 0;

	if (r->op > CSUM_OP_DISCARD)
		return -1;
	for (size_t i = 0; i < NATIVE_NFLAGS; i++) {
		known |= native_flags[i].flag;
		if (r->flags & native_flags[i].flag)
			flags[n++] = native_flags[i].letter;
	}
	if ((r->flags & ~known) != 0)
		return -1; /* a flag the format cannot say: refuse rather than drop it */
	if (n == 0)
		flags[n++] = '-';
	assert(n <= NATIVE_NFLAGS); /* one letter per flag, each at most once */
	flags[n] = '\0';
	return fprintf((FILE *)file, "%" PRIu64 " %c %" PRIu64 " %" PRIu32 " %s\n", r->time_ns,
		       native_ops[r->op], r->sector, r->count, flags) < 0 ? -1 : 0;
}
