/* blkparse's default text output: one event per line,
 *   maj,min cpu seq seconds.nanoseconds pid action rwbs [payload] [process]
 * followed by per-CPU and total summaries, which are skipped. */
#include "traces/reader.h"

#include <assert.h>
#include <string.h>

#define BP_MAX_TOK 16

/* How many decimal digits s starts with (strspn(s, "0123456789"), without
 * its per-call table: it runs several times per line). */
static size_t bp_ndigits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/* Whether s is 1 or 2 ASCII letters: a blkparse action. */
static bool bp_action(const char *s)
{
	size_t n = 0;

	while (n < 3 && ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z')))
		n++;
	return s[n] == '\0' && n <= 2;
}

/* Summary lines blkparse prints after the events (an event line may also
 * start with blanks: blkparse right-aligns the major number). */
static bool bp_summary(const char *line)
{
	static const char *const heads[] = { "CPU", "Total (", "Throughput", "Events (", "Skips:" };
	const char *s = line + strspn(line, " \t");
	size_t a = bp_ndigits(s);

	if (a > 0 && s[a] == ',')
		return false;
	if (s != line || *s == '\0')
		return true;
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		if (strncmp(line, heads[i], strlen(heads[i])) == 0)
			return true;
	return false;
}

static bool bp_digits(const char *s)
{
	if (*s == '\0')
		return false;
	return s[bp_ndigits(s)] == '\0';
}

static bool bp_device(const char *s)
{
	size_t a = bp_ndigits(s);

	return a > 0 && s[a] == ',' && bp_digits(s + a + 1);
}

/* "12.000035260" -> ns */
static int bp_time(const char *s, uint64_t *ns)
{
	const char *dot = strchr(s, '.');
	char whole[24];
	uint64_t sec, frac = 0;
	size_t wl, fl;

	if (dot == NULL)
		return -1;
	wl = (size_t)(dot - s);
	fl = strlen(dot + 1);
	if (wl == 0 || wl >= sizeof(whole) || fl == 0 || fl > 9 || !bp_digits(dot + 1))
		return -1;
	memcpy(whole, s, wl);
	whole[wl] = '\0';
	if (trace_parse_u64(whole, &sec) < 0 || sec > UINT64_MAX / 1000000000u - 1)
		return -1;
	for (size_t i = 0; i < 9; i++)
		frac = frac * 10 + (i < fl ? (uint64_t)(dot[1 + i] - '0') : 0);
	*ns = sec * 1000000000u + frac;
	return 0;
}

/* RWBS: [F]{R,W,D,N}[F][A][S][M][B][E]; F first = preflush, F after = FUA. */
int blkparse_rwbs(const char *s, uint8_t *op, bool *data_op, uint32_t *flags, char *bad)
{
	size_t i = 0;

	*flags = 0;
	if (s[0] == 'F' && s[1] != '\0') {
		*flags |= CSUM_RQ_PREFLUSH;
		i = 1;
	}
	switch (s[i]) {
	case 'R': *op = CSUM_OP_READ; *data_op = true; break;
	case 'W': *op = CSUM_OP_WRITE; *data_op = true; break;
	case 'D': *op = CSUM_OP_DISCARD; *data_op = true; break;
	case 'N': *op = CSUM_OP_FLUSH; *data_op = false; break;
	case 'F': /* a bare "F": a flush with no other operation */
		*op = CSUM_OP_FLUSH;
		*data_op = false;
		*flags |= CSUM_RQ_PREFLUSH;
		break;
	default:
		*bad = s[i];
		return -1;
	}
	for (i++; s[i] != '\0'; i++) {
		uint32_t f;

		switch (s[i]) {
		case 'F': f = CSUM_RQ_FUA; break;
		case 'A': f = CSUM_RQ_AHEAD; break;
		case 'S': f = CSUM_RQ_SYNC; break;
		case 'M': f = CSUM_RQ_META; break;
		case 'B': f = CSUM_RQ_BARRIER; break;
		case 'E': f = 0; break; /* secure erase: a discard for us */
		default:
			*bad = s[i];
			return -1;
		}
		if (f != 0 && (*flags & f) != 0) {
			*bad = s[i];
			return -1;
		}
		*flags |= f;
	}
	return 0;
}

int blkparse_event(char act, uint8_t op, bool data_op, uint32_t flags, uint64_t ns,
		   uint64_t sector, uint64_t count, struct trace_raw *out)
{
	if (!data_op) {
		if ((flags & CSUM_RQ_PREFLUSH) == 0)
			return TRACE_PARSE_SKIP; /* "N": no I/O at all (plug, unplug) */
		count = 0; /* "FN": the flush itself */
	}
	if (count == 0) {
		if ((flags & CSUM_RQ_PREFLUSH) != 0) {
			op = CSUM_OP_FLUSH;
			sector = 0;
		} else if (op == CSUM_OP_WRITE && act != 'Q') {
			/* Dispatch or completion of an empty flush whose flush flag the
			 * block layer already consumed ("C WS 0 [0]"): its "FN" line is
			 * the flush. */
			return TRACE_PARSE_SKIP;
		} else {
			return TRACE_PARSE_ERROR; /* a zero-length data request */
		}
	}
	/* an empty request is a flush, and a flush is empty at sector 0 */
	assert((op == CSUM_OP_FLUSH) == (count == 0));
	assert(op != CSUM_OP_FLUSH || sector == 0);
	out->time_ns = ns;
	out->sector = sector;
	out->count = count;
	out->op = op;
	out->flags = flags;
	return TRACE_PARSE_RECORD;
}

int blkparse_parse(struct blkparse_state *st, char *line, struct trace_raw *out,
		   const struct trace_where *w)
{
	char *tok[BP_MAX_TOK];
	int n, i;
	uint64_t ns, sector = 0, count = 0;
	bool has_sector = false, data_op;
	uint8_t op;
	uint32_t flags;
	char bad = '?';
	const char *act;

	if (bp_summary(line))
		return TRACE_PARSE_SKIP;
	n = trace_split(line, " \t", tok, BP_MAX_TOK);
	if (n > BP_MAX_TOK)
		n = BP_MAX_TOK; /* the rest is a long process name: not needed */
	if (n < 7)
		return cs_err_at(w->err, w->file, w->line, NULL,
				 "not a blkparse event line (%d fields, expected at least 7)", n);
	if (!bp_device(tok[0]))
		return cs_err_at(w->err, w->file, w->line, "device",
				 "'%s' is not MAJOR,MINOR", tok[0]);
	if (!bp_digits(tok[1]))
		return cs_err_at(w->err, w->file, w->line, "cpu", "'%s' is not a number", tok[1]);
	if (!bp_digits(tok[2]))
		return cs_err_at(w->err, w->file, w->line, "sequence", "'%s' is not a number",
				 tok[2]);
	if (bp_time(tok[3], &ns) < 0)
		return cs_err_at(w->err, w->file, w->line, "time",
				 "'%s' is not SECONDS.NANOSECONDS", tok[3]);
	if (!bp_digits(tok[4]))
		return cs_err_at(w->err, w->file, w->line, "pid", "'%s' is not a number", tok[4]);
	act = tok[5];
	if (!bp_action(act))
		return cs_err_at(w->err, w->file, w->line, "action", "'%s' is not an action", act);
	if (blkparse_rwbs(tok[6], &op, &data_op, &flags, &bad) < 0)
		return cs_err_at(w->err, w->file, w->line, "rwbs", "'%s': unknown letter '%c'",
				 tok[6], bad);
	/* Events of other actions are valid lines that we do not take. */
	if (act[1] != '\0' || strchr(st->actions, act[0]) == NULL)
		return TRACE_PARSE_SKIP;

	/* Payload: "[proc]" | "S + N [...]" | "S [...]", maybe "(elapsed)" before "[". */
	i = 7;
	if (n > i && tok[i][0] != '[') {
		if (trace_parse_u64(tok[i], &sector) < 0)
			return cs_err_at(w->err, w->file, w->line, "sector", "'%s' is not a number",
					 tok[i]);
		has_sector = true;
		i++;
		if (n > i && strcmp(tok[i], "+") == 0) {
			if (n <= i + 1 || trace_parse_u64(tok[i + 1], &count) < 0)
				return cs_err_at(w->err, w->file, w->line, "size",
						 "'%s' is not a number of sectors",
						 n > i + 1 ? tok[i + 1] : "");
			i += 2;
		}
		if (n > i && tok[i][0] == '(') {
			/* "(elapsed)" may hold blanks: skip to the token closing it */
			while (i < n && tok[i][strlen(tok[i]) - 1] != ')')
				i++;
			i++;
		}
	}
	if (i >= n || tok[i][0] != '[')
		return cs_err_at(w->err, w->file, w->line, NULL,
				 "expected '[process]' after the %s", has_sector ? "sector" : "RWBS");

	switch (blkparse_event(act[0], op, data_op, flags, ns, sector, count, out)) {
	case TRACE_PARSE_RECORD:
		return TRACE_PARSE_RECORD;
	case TRACE_PARSE_SKIP:
		return TRACE_PARSE_SKIP;
	default:
		return cs_err_at(w->err, w->file, w->line, "size", "zero-length %s",
				 op == CSUM_OP_READ ? "read" :
				 op == CSUM_OP_WRITE ? "write" : "discard");
	}
}
