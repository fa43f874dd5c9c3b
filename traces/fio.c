/* fio's iolog, versions 2 and 3 (fio HOWTO, "Trace file format"; fio's
 * iolog.c). v2 lines: `file action [offset length]`; v3 lines start with a
 * timestamp in microseconds from the start of the run (fio writes
 * utime_since_now() and sleeps the difference in microseconds on replay). */
#include "traces/reader.h"

#include <assert.h>
#include <string.h>

#define FIO_MAX_TOK 8

static int fio_header(struct fio_state *st, char *line, const struct trace_where *w)
{
	size_t len = strlen(line);

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		line[--len] = '\0';
	if (strcmp(line, "fio version 2 iolog") == 0)
		st->version = 2;
	else if (strcmp(line, "fio version 3 iolog") == 0)
		st->version = 3;
	else
		return cs_err_at(w->err, w->file, w->line, NULL,
				 "not a fio iolog: expected 'fio version 2 iolog' or "
				 "'fio version 3 iolog'");
	return TRACE_PARSE_SKIP;
}

/* Bytes to sectors: both must be whole sectors. */
static int fio_sectors(const char *s, const char *field, uint64_t *sectors,
		       const struct trace_where *w)
{
	uint64_t bytes;

	if (trace_parse_u64(s, &bytes) < 0)
		return cs_err_at(w->err, w->file, w->line, field, "'%s' is not a number of bytes", s);
	if (bytes % CSUM_SECTOR != 0)
		return cs_err_at(w->err, w->file, w->line, field,
				 "%s bytes is not a multiple of %u", s, CSUM_SECTOR);
	*sectors = bytes / CSUM_SECTOR;
	return 0;
}

int fio_parse(struct fio_state *st, char *line, struct trace_raw *out,
	      const struct trace_where *w)
{
	char *tok[FIO_MAX_TOK];
	char **t;
	int n, nargs;
	const char *act;
	uint64_t sector = 0, count = 0;

	if (st->version == 0)
		return fio_header(st, line, w);
	if (trace_blank(line))
		return TRACE_PARSE_SKIP;
	n = trace_split(line, " \t", tok, FIO_MAX_TOK);
	t = tok;
	if (st->version == 3) {
		uint64_t us;

		if (n < 1 || trace_parse_u64(tok[0], &us) < 0)
			return cs_err_at(w->err, w->file, w->line, "timestamp",
					 "'%s' is not a number of microseconds", n ? tok[0] : "");
		if (us > UINT64_MAX / 1000u)
			return cs_err_at(w->err, w->file, w->line, "timestamp", "'%s' is too large",
					 tok[0]);
		st->now_ns = us * 1000u;
		t = tok + 1;
		n--;
	}
	/* t[0] file, t[1] action, then 0 or 2 arguments */
	if (n != 2 && n != 4)
		return cs_err_at(w->err, w->file, w->line, NULL,
				 "expected '%sFILE ACTION [OFFSET LENGTH]', got %d fields",
				 st->version == 3 ? "TIME " : "", n + (st->version == 3));
	act = t[1];
	nargs = n - 2;
	if (strcmp(act, "add") == 0 || strcmp(act, "open") == 0 || strcmp(act, "close") == 0) {
		if (nargs != 0)
			return cs_err_at(w->err, w->file, w->line, "action",
					 "'%s' takes no offset or length", act);
		return TRACE_PARSE_SKIP;
	}
	if (strcmp(act, "wait") == 0) {
		uint64_t us;

		if (st->version == 3)
			return cs_err_at(w->err, w->file, w->line, "action",
					 "'wait' is not allowed in a version 3 iolog");
		if (nargs != 2 || trace_parse_u64(t[2], &us) < 0 || us > UINT64_MAX / 1000u ||
		    st->now_ns > UINT64_MAX - us * 1000u)
			return cs_err_at(w->err, w->file, w->line, "offset",
					 "'wait' needs a number of microseconds");
		st->now_ns += us * 1000u;
		return TRACE_PARSE_SKIP;
	}
	if (strcmp(act, "sync") == 0 || strcmp(act, "datasync") == 0) {
		/* fio logs syncs with an offset and length; both mean nothing here */
		out->time_ns = st->now_ns;
		out->sector = 0;
		out->count = 0;
		out->op = CSUM_OP_FLUSH;
		out->flags = 0;
		return TRACE_PARSE_RECORD;
	}
	if (strcmp(act, "read") == 0)
		out->op = CSUM_OP_READ;
	else if (strcmp(act, "write") == 0)
		out->op = CSUM_OP_WRITE;
	else if (strcmp(act, "trim") == 0)
		out->op = CSUM_OP_DISCARD;
	else
		return cs_err_at(w->err, w->file, w->line, "action", "unknown action '%s'", act);
	if (nargs != 2)
		return cs_err_at(w->err, w->file, w->line, "action",
				 "'%s' needs an offset and a length", act);
	if (fio_sectors(t[2], "offset", &sector, w) < 0 || fio_sectors(t[3], "length", &count, w) < 0)
		return TRACE_PARSE_ERROR;
	if (count == 0)
		return cs_err_at(w->err, w->file, w->line, "length", "zero-length %s", act);
	out->time_ns = st->now_ns;
	out->sector = sector;
	out->count = count;
	out->flags = 0;
	assert(out->op != CSUM_OP_FLUSH && out->count >= 1); /* syncs return above */
	return TRACE_PARSE_RECORD;
}
