#include "scenarios/sc_expect.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/sc_value.h"

const char *const sc_metric_names[] = {
	"false_positive",
	"silent",
	"stale",
	"detected",
	"crash_points",
	"crash_states",
	"violations",
	"requests",
	"hung",
	"hung.read",
	"hung.write",
	"hung.flush",
	"hung.discard",
	"errors",
	"errors.read",
	"errors.write",
	"errors.flush",
	"errors.discard",
	"lock_lost",
	"refused",
	"stalled",
	"saturated",
	"reads.correct",
	"reads.stale",
	"reads.false_positive",
	"reads.detected",
	"reads.silent",
	"reads.not_completed",
	"faults.injected",
	"faults.detected",
	"faults.silent",
	"faults.stale",
	"faults.false_positive",
	"detection_rate",
	"sub_ios_per_request",
	"bytes_per_user_byte",
	"flushes_per_request",
	"latency_p50_ns",
	"latency_p99_ns",
	"throughput_bytes_per_s",
	"capacity_iops",
	"capacity_mib_s",
	"overhead.sub_ios_per_request",
	"overhead.bytes_per_user_byte",
	"overhead.flushes_per_request",
	"overhead.latency_p50",
	"overhead.latency_p99",
	"overhead.throughput",
	"overhead.capacity",
	"recovery_points",
	"recovery_states",
	"recovery_violating",
	"recovery_silent",
	"recovery_stale",
	"recovery_false_positive",
	"recovery_hung",
	"risk_undetected_per_tb_year",
	"risk_undetected_per_tb_year_hi",
	"risk_undetected_sectors_per_tb_year",
	"risk_refused_per_tb_year",
	"risk_refused_per_tb_year_hi",
	NULL,
};

_Static_assert(sizeof(sc_metric_names) / sizeof(sc_metric_names[0]) == SCM_COUNT + 1,
	       "one name per metric");

const char *const sc_expect_op_names[] = {"==", "<=", ">=", "<", ">", NULL};

_Static_assert(SC_OP_EQ == 0 && SC_OP_LE == 1 && SC_OP_GE == 2 && SC_OP_LT == 3 &&
	       SC_OP_GT == 4, "operator names");

/* Edit distance, for "did you mean"; names are short. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[64];

	if (la >= 63 || lb >= 63)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

int sc_metric_find(const char *name, char *why)
{
	size_t best = SIZE_MAX;
	int near = -1;

	for (int i = 0; sc_metric_names[i]; i++) {
		size_t d;

		if (strcmp(sc_metric_names[i], name) == 0)
			return i;
		d = distance(sc_metric_names[i], name);
		if (d < best) {
			best = d;
			near = i;
		}
	}
	if (near >= 0 && best <= 3)
		snprintf(why, SC_EXPECT_WHY,
			 "unknown metric '%.60s' (did you mean %s? every metric: docs/SCENARIO.md, "
			 "expect)",
			 name, sc_metric_names[near]);
	else
		snprintf(why, SC_EXPECT_WHY,
			 "unknown metric '%.60s' (e.g. false_positive, silent, stale, hung, "
			 "violations, detection_rate; every metric: docs/SCENARIO.md, expect)",
			 name);
	return -1;
}

int sc_expect_op_find(const char *op, char *why)
{
	for (int i = 0; sc_expect_op_names[i]; i++)
		if (strcmp(sc_expect_op_names[i], op) == 0)
			return i;
	snprintf(why, SC_EXPECT_WHY, "unknown operator '%.20s' (accepted: ==, <=, >=, <, >)", op);
	return -1;
}

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int metric_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

int sc_expect_parse(const char *text, struct sc_expect *e, char *why)
{
	const char *p = skip_spaces(text), *start;
	char name[64], op[3], num[64], vwhy[SC_WHY_MAX];
	size_t len;
	int metric, o;

	memset(e, 0, sizeof(*e));
	start = p;
	while (metric_char(*p))
		p++;
	len = (size_t)(p - start);
	if (len == 0 || len >= sizeof(name)) {
		snprintf(why, SC_EXPECT_WHY,
			 "'%.80s': expected METRIC OP NUMBER (e.g. \"false_positive == 0\")", text);
		return -1;
	}
	memcpy(name, start, len);
	name[len] = '\0';
	p = skip_spaces(p);
	start = p;
	while (*p && strchr("=<>!", *p))
		p++;
	len = (size_t)(p - start);
	if (len == 0 || len >= sizeof(op)) {
		snprintf(why, SC_EXPECT_WHY,
			 "'%.80s': expected an operator (==, <=, >=, <, >) after '%s'", text, name);
		return -1;
	}
	memcpy(op, start, len);
	op[len] = '\0';
	p = skip_spaces(p);
	len = strlen(p);
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(num)) {
		snprintf(why, SC_EXPECT_WHY, "'%.80s': expected a number after '%s'", text, op);
		return -1;
	}
	memcpy(num, p, len);
	num[len] = '\0';
	metric = sc_metric_find(name, why);
	if (metric < 0)
		return -1;
	o = sc_expect_op_find(op, why);
	if (o < 0)
		return -1;
	if (sc_parse_f64(num, &e->value, vwhy) < 0) {
		snprintf(why, SC_EXPECT_WHY, "value: %s", vwhy);
		e->value = 0;
		return -1;
	}
	e->metric = (uint16_t)metric;
	e->op = (uint8_t)o;
	return 0;
}

void sc_format_double(double v, char *buf, size_t n)
{
	/* Range first: casting a double outside int64 is undefined behaviour. */
	if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v) {
		if (v == 0 && 1 / v < 0)
			snprintf(buf, n, "-0.0"); /* keep -0.0 a -0.0 */
		else
			snprintf(buf, n, "%lld", (long long)v);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

void sc_expect_format(const struct sc_expect *e, char *buf, size_t n)
{
	char num[40];
	const char *name = e->metric < SCM_COUNT ? sc_metric_names[e->metric] : "?";
	const char *op = e->op <= SC_OP_GT ? sc_expect_op_names[e->op] : "?";

	sc_format_double(e->value, num, sizeof(num));
	snprintf(buf, n, "%s %s %s", name, op, num);
}
