/* MSR Cambridge / SNIA block traces, CSV:
 *   Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime
 * Timestamp in Windows filetime (100 ns ticks), Offset and Size in bytes.
 * Every disk of the file goes into the one stream. */
#include "traces/reader.h"

#include <assert.h>
#include <string.h>
#include <strings.h>

#define MSR_FIELDS 7

/* One CSV field in place: surrounding blanks removed. */
static char *msr_trim(char *s)
{
	size_t len;

	s += strspn(s, " \t");
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	return s;
}

int msr_parse(struct msr_state *st, char *line, struct trace_raw *out,
	      const struct trace_where *w)
{
	char *f[MSR_FIELDS];
	char *p = line;
	int n = 0;
	uint64_t ticks, disk, offset, size;
	bool header_allowed = st->header_allowed;

	st->header_allowed = false;
	if (trace_blank(line))
		return TRACE_PARSE_SKIP;
	/* split on every comma: empty fields count */
	for (;;) {
		char *c = strchr(p, ',');

		if (n < MSR_FIELDS)
			f[n] = p;
		n++;
		if (c == NULL)
			break;
		*c = '\0';
		p = c + 1;
	}
	if (n != MSR_FIELDS)
		return cs_err_at(w->err, w->file, w->line, NULL,
				 "expected 7 comma-separated fields "
				 "(Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime), got %d",
				 n);
	for (int i = 0; i < MSR_FIELDS; i++)
		f[i] = msr_trim(f[i]);
	if (header_allowed && strcasecmp(f[0], "Timestamp") == 0)
		return TRACE_PARSE_SKIP;
	if (trace_parse_u64(f[0], &ticks) < 0)
		return cs_err_at(w->err, w->file, w->line, "Timestamp",
				 "'%s' is not a filetime (100 ns ticks)", f[0]);
	if (trace_parse_u64(f[2], &disk) < 0)
		return cs_err_at(w->err, w->file, w->line, "DiskNumber", "'%s' is not a number", f[2]);
	if (trace_parse_u64(f[6], &size) < 0)
		return cs_err_at(w->err, w->file, w->line, "ResponseTime", "'%s' is not a number",
				 f[6]);
	if (strcasecmp(f[3], "Read") == 0)
		out->op = CSUM_OP_READ;
	else if (strcasecmp(f[3], "Write") == 0)
		out->op = CSUM_OP_WRITE;
	else
		return cs_err_at(w->err, w->file, w->line, "Type",
				 "'%s' is neither Read nor Write", f[3]);
	if (trace_parse_u64(f[4], &offset) < 0)
		return cs_err_at(w->err, w->file, w->line, "Offset", "'%s' is not a number of bytes",
				 f[4]);
	if (trace_parse_u64(f[5], &size) < 0)
		return cs_err_at(w->err, w->file, w->line, "Size", "'%s' is not a number of bytes",
				 f[5]);
	if (offset % CSUM_SECTOR != 0)
		return cs_err_at(w->err, w->file, w->line, "Offset",
				 "%s bytes is not a multiple of %u", f[4], CSUM_SECTOR);
	if (size % CSUM_SECTOR != 0)
		return cs_err_at(w->err, w->file, w->line, "Size",
				 "%s bytes is not a multiple of %u", f[5], CSUM_SECTOR);
	if (size == 0)
		return cs_err_at(w->err, w->file, w->line, "Size", "zero-length %s",
				 out->op == CSUM_OP_READ ? "read" : "write");
	if (st->one_device && disk != st->device)
		return TRACE_PARSE_SKIP;
	/* Subtract here: absolute filetimes times 100 would overflow 64 bits. */
	if (!st->have_first) {
		st->have_first = true;
		st->first_ticks = ticks;
	}
	ticks = ticks > st->first_ticks ? ticks - st->first_ticks : 0;
	if (ticks > UINT64_MAX / 100u)
		return cs_err_at(w->err, w->file, w->line, "Timestamp", "'%s' is too far from the first",
				 f[0]);
	out->time_ns = ticks * 100u;
	out->sector = offset / CSUM_SECTOR;
	out->count = size / CSUM_SECTOR;
	out->flags = 0;
	/* a read or a write of whole sectors, never empty */
	assert((out->op == CSUM_OP_READ || out->op == CSUM_OP_WRITE) && out->count >= 1);
	return TRACE_PARSE_RECORD;
}
