/* Alibaba block traces 2020 (io_traces.csv), one operation a line:
 *   device_id,opcode,offset,length,timestamp
 * opcode R or W; offset and length in bytes; timestamp in microseconds
 * (Unix time). The published schema: the alibaba/block-traces README. */
#include "traces/reader.h"

#include <assert.h>
#include <string.h>

#define ALI_FIELDS 5

int alibaba_parse(struct cloud_state *st, char *line, struct trace_raw *out,
		  const struct trace_where *w)
{
	char *f[ALI_FIELDS];
	uint64_t dev, offset, length, us;
	bool header_allowed = st->header_allowed;
	int n;

	st->header_allowed = false;
	if (trace_blank(line))
		return TRACE_PARSE_SKIP;
	n = trace_csv_fields(line, f, ALI_FIELDS);
	if (n != ALI_FIELDS)
		return cs_err_at(w->err, w->file, w->line, NULL,
				 "expected 5 comma-separated fields "
				 "(device_id,opcode,offset,length,timestamp), got %d", n);
	if (header_allowed && strcmp(f[0], "device_id") == 0)
		return TRACE_PARSE_SKIP;
	if (trace_parse_u64(f[0], &dev) < 0)
		return cs_err_at(w->err, w->file, w->line, "device_id", "'%s' is not a number",
				 f[0]);
	if (strcmp(f[1], "R") == 0)
		out->op = CSUM_OP_READ;
	else if (strcmp(f[1], "W") == 0)
		out->op = CSUM_OP_WRITE;
	else
		return cs_err_at(w->err, w->file, w->line, "opcode", "'%s' is neither R nor W",
				 f[1]);
	if (trace_parse_u64(f[2], &offset) < 0)
		return cs_err_at(w->err, w->file, w->line, "offset", "'%s' is not a number of bytes",
				 f[2]);
	if (trace_parse_u64(f[3], &length) < 0)
		return cs_err_at(w->err, w->file, w->line, "length", "'%s' is not a number of bytes",
				 f[3]);
	if (trace_parse_u64(f[4], &us) < 0)
		return cs_err_at(w->err, w->file, w->line, "timestamp",
				 "'%s' is not a time in microseconds", f[4]);
	if (offset % CSUM_SECTOR != 0)
		return cs_err_at(w->err, w->file, w->line, "offset",
				 "%s bytes is not a multiple of %u", f[2], CSUM_SECTOR);
	if (length % CSUM_SECTOR != 0 || length == 0)
		return cs_err_at(w->err, w->file, w->line, "length",
				 "%s bytes is not a positive multiple of %u", f[3], CSUM_SECTOR);
	if (st->one_device && dev != st->device)
		return TRACE_PARSE_SKIP;
	if (!st->have_first) {
		st->have_first = true;
		st->first = us;
	}
	/* relative first: absolute microseconds times 1000 fit, but keep the
	 * same rule as the other readers */
	us = us > st->first ? us - st->first : 0;
	if (us > UINT64_MAX / 1000u)
		return cs_err_at(w->err, w->file, w->line, "timestamp",
				 "'%s' is too far from the first", f[4]);
	out->time_ns = us * 1000u;
	out->sector = offset / CSUM_SECTOR;
	out->count = length / CSUM_SECTOR;
	out->flags = 0;
	/* a read or a write of whole sectors, never empty */
	assert((out->op == CSUM_OP_READ || out->op == CSUM_OP_WRITE) && out->count >= 1);
	return TRACE_PARSE_RECORD;
}
