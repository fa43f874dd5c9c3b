/* Tencent CBS block traces (SNIA IOTTA), one I/O a line:
 *   Timestamp,Offset,Size,IOType,VolumeID
 * Timestamp in Unix seconds (so requests of one second share a time);
 * Offset and Size in 512-byte sectors; IOType 0 read, 1 write. The
 * published format: the trace set's README. */
#include "traces/reader.h"

#include <assert.h>
#include <string.h>

#define TC_FIELDS 5
#define NS_PER_S UINT64_C(1000000000)

int tencent_parse(struct cloud_state *st, char *line, struct trace_raw *out,
		  const struct trace_where *w)
{
	char *f[TC_FIELDS];
	uint64_t s, offset, size, type, volume;
	bool header_allowed = st->header_allowed;
	int n;

	st->header_allowed = false;
	if (trace_blank(line))
		return TRACE_PARSE_SKIP;
	n = trace_csv_fields(line, f, TC_FIELDS);
	if (n != TC_FIELDS)
		return cs_err_at(w->err, w->file, w->line, NULL,
				 "expected 5 comma-separated fields "
				 "(Timestamp,Offset,Size,IOType,VolumeID), got %d", n);
	if (header_allowed && strcmp(f[0], "Timestamp") == 0)
		return TRACE_PARSE_SKIP;
	if (trace_parse_u64(f[0], &s) < 0)
		return cs_err_at(w->err, w->file, w->line, "Timestamp",
				 "'%s' is not a time in seconds", f[0]);
	if (trace_parse_u64(f[1], &offset) < 0)
		return cs_err_at(w->err, w->file, w->line, "Offset", "'%s' is not a number of sectors",
				 f[1]);
	if (trace_parse_u64(f[2], &size) < 0 || size == 0)
		return cs_err_at(w->err, w->file, w->line, "Size",
				 "'%s' is not a positive number of sectors", f[2]);
	if (trace_parse_u64(f[3], &type) < 0 || type > 1)
		return cs_err_at(w->err, w->file, w->line, "IOType", "'%s' is neither 0 (read) nor "
				 "1 (write)", f[3]);
	if (trace_parse_u64(f[4], &volume) < 0)
		return cs_err_at(w->err, w->file, w->line, "VolumeID", "'%s' is not a number", f[4]);
	if (st->one_device && volume != st->device)
		return TRACE_PARSE_SKIP;
	if (!st->have_first) {
		st->have_first = true;
		st->first = s;
	}
	s = s > st->first ? s - st->first : 0;
	if (s > UINT64_MAX / NS_PER_S)
		return cs_err_at(w->err, w->file, w->line, "Timestamp",
				 "'%s' is too far from the first", f[0]);
	out->time_ns = s * NS_PER_S;
	out->op = type == 0 ? CSUM_OP_READ : CSUM_OP_WRITE;
	out->sector = offset;
	out->count = size;
	out->flags = 0;
	/* a read or a write of whole sectors, never empty */
	assert((out->op == CSUM_OP_READ || out->op == CSUM_OP_WRITE) && out->count >= 1);
	return TRACE_PARSE_RECORD;
}
