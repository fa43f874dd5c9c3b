/* SPC trace file format (Storage Performance Council, Trace File Format
 * Specification rev. 1.0.1), as the UMass/SNIA OLTP and search-engine
 * traces (Financial1.spc, WebSearch1.spc, ...) use it, one I/O a line:
 *   ASU,LBA,Size,Opcode,Timestamp[,optional fields]
 * ASU: the application storage unit (a device); LBA in 512-byte blocks;
 * Size in bytes; Opcode r or w (either case); Timestamp in seconds with a
 * decimal fraction, from the start of the trace. */
#include "traces/reader.h"

#include <assert.h>
#include <string.h>

#define SPC_MIN_FIELDS 5
#define NS_PER_S UINT64_C(1000000000)

/* "12.345" seconds into ns, exactly (at most nine decimals kept, the rest
 * must be digits and are truncated): 0, or -1. */
static int seconds_ns(const char *s, uint64_t *out)
{
	uint64_t whole = 0, frac = 0, scale = NS_PER_S;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (whole > (UINT64_MAX / NS_PER_S - 9) / 10)
			return -1;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
	if (*p != '\0')
		return -1;
	*out = whole * NS_PER_S + frac;
	return 0;
}

int spc_parse(struct cloud_state *st, char *line, struct trace_raw *out,
	      const struct trace_where *w)
{
	char *f[SPC_MIN_FIELDS];
	uint64_t asu, lba, size, ns;
	int n;

	if (trace_blank(line))
		return TRACE_PARSE_SKIP;
	n = trace_csv_fields(line, f, SPC_MIN_FIELDS);
	if (n < SPC_MIN_FIELDS)
		return cs_err_at(w->err, w->file, w->line, NULL,
				 "expected at least 5 comma-separated fields "
				 "(ASU,LBA,Size,Opcode,Timestamp), got %d", n);
	if (trace_parse_u64(f[0], &asu) < 0)
		return cs_err_at(w->err, w->file, w->line, "ASU", "'%s' is not a number", f[0]);
	if (trace_parse_u64(f[1], &lba) < 0)
		return cs_err_at(w->err, w->file, w->line, "LBA", "'%s' is not a block number",
				 f[1]);
	if (trace_parse_u64(f[2], &size) < 0 || size == 0 || size % CSUM_SECTOR != 0)
		return cs_err_at(w->err, w->file, w->line, "Size",
				 "'%s' is not a positive multiple of %u bytes", f[2], CSUM_SECTOR);
	if (strcmp(f[3], "r") == 0 || strcmp(f[3], "R") == 0)
		out->op = CSUM_OP_READ;
	else if (strcmp(f[3], "w") == 0 || strcmp(f[3], "W") == 0)
		out->op = CSUM_OP_WRITE;
	else
		return cs_err_at(w->err, w->file, w->line, "Opcode", "'%s' is neither r nor w",
				 f[3]);
	if (seconds_ns(f[4], &ns) < 0)
		return cs_err_at(w->err, w->file, w->line, "Timestamp",
				 "'%s' is not a time in seconds", f[4]);
	if (st->one_device && asu != st->device)
		return TRACE_PARSE_SKIP;
	/* already relative to the trace's start; the common step makes it
	 * relative to the first record taken */
	out->time_ns = ns;
	out->sector = lba;
	out->count = size / CSUM_SECTOR;
	out->flags = 0;
	/* a read or a write of whole sectors, never empty */
	assert((out->op == CSUM_OP_READ || out->op == CSUM_OP_WRITE) && out->count >= 1);
	return TRACE_PARSE_RECORD;
}
