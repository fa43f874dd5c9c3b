#include "scenarios/sc_value.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int why_set(char *why, const char *reason, const char *text)
{
	snprintf(why, SC_WHY_MAX, "%s: '%.120s'", reason, text);
	return -1;
}

/* Leading digits of *p as a u64, advancing *p; -1 on overflow or no digit. */
static int take_digits(const char **p, uint64_t *out, int *overflow)
{
	const char *s = *p;
	uint64_t v = 0;

	*overflow = 0;
	if (!is_digit(*s))
		return -1;
	for (; is_digit(*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			*overflow = 1;
		else
			v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return *overflow ? -1 : 0;
}

int sc_parse_u64(const char *text, uint64_t *out, char *why)
{
	const char *p = text;
	int overflow;

	if (text[0] == '-' && is_digit(text[1]))
		return why_set(why, "negative value not allowed", text);
	if (take_digits(&p, out, &overflow) < 0 || *p != '\0')
		return why_set(why, overflow ? "integer too large" : "not a non-negative integer",
			       text);
	return 0;
}

int sc_parse_f64(const char *text, double *out, char *why)
{
	const char *p;
	char *end;
	double v;

	/* strtod also takes hex, inf and nan: only plain decimal notation here. */
	for (p = text; *p; p++)
		if (!is_digit(*p) && !strchr("+-.eE", *p))
			return why_set(why, "not a number", text);
	if (text[0] == '\0')
		return why_set(why, "not a number", text);
	errno = 0;
	v = strtod(text, &end);
	if (end == text || *end != '\0')
		return why_set(why, "not a number", text);
	if (errno == ERANGE || !isfinite(v))
		return why_set(why, "number out of range", text);
	*out = v;
	return 0;
}

struct unit {
	const char *name;
	uint64_t mult;
};

static const struct unit byte_units[] = {
	{"B", 1ULL},
	{"KiB", 1ULL << 10},
	{"MiB", 1ULL << 20},
	{"GiB", 1ULL << 30},
	{"TiB", 1ULL << 40},
	{NULL, 0},
};

static const struct unit time_units[] = {
	{"ns", 1ULL},
	{"us", 1000ULL},
	{"ms", 1000000ULL},
	{"s", 1000000000ULL},
	/* Long spans: power-off periods and at-rest faults are hours or days. */
	{"min", 60ULL * 1000000000ULL},
	{"h", 3600ULL * 1000000000ULL},
	{"d", 86400ULL * 1000000000ULL},
	{NULL, 0},
};

static const struct unit *find_unit(const struct unit *u, const char *name)
{
	for (; u->name; u++)
		if (strcmp(u->name, name) == 0)
			return u;
	return NULL;
}

/* "D[.F] UNIT" with mult[UNIT] exactly, as an integer; -2: no unit given. */
static int decimal_with_unit(const char *text, const struct unit *units, uint64_t *out,
			     char *why, const char *what)
{
	const char *p = text;
	const struct unit *u;
	uint64_t whole, frac_total = 0, m;
	int overflow;

	if (take_digits(&p, &whole, &overflow) < 0)
		return why_set(why, overflow ? "value too large" : what, text);
	const char *frac = NULL;
	size_t n_frac = 0;
	if (*p == '.') {
		frac = ++p;
		while (is_digit(*p))
			p++;
		n_frac = (size_t)(p - frac);
		if (n_frac == 0)
			return why_set(why, what, text);
	}
	while (*p == ' ')
		p++;
	if (*p == '\0') {
		if (frac)
			return -2;
		*out = whole;
		return -2;
	}
	u = find_unit(units, p);
	if (u == NULL)
		return why_set(why, what, text);
	/* The fraction F/10^n times mult must be whole: with g = gcd(mult, 10^n),
	 * 10^n/g must divide F, and then the part is F/(10^n/g) * (mult/g). */
	while (n_frac > 0 && frac[n_frac - 1] == '0')
		n_frac--;
	if (n_frac > 18)
		return why_set(why, "too many decimals", text);
	if (n_frac > 0) {
		uint64_t f = 0, p10 = 1, g, a, b;

		for (size_t i = 0; i < n_frac; i++) {
			f = f * 10 + (uint64_t)(frac[i] - '0');
			p10 *= 10;
		}
		for (a = u->mult, b = p10; b != 0;) {
			uint64_t t = a % b;

			a = b;
			b = t;
		}
		g = a;
		if (f % (p10 / g) != 0)
			return why_set(why, "finer than the smallest unit", text);
		m = f / (p10 / g);
		if (m > UINT64_MAX / (u->mult / g))
			return why_set(why, "value too large", text);
		frac_total = m * (u->mult / g);
	}
	if (whole > (UINT64_MAX - frac_total) / u->mult)
		return why_set(why, "value too large", text);
	*out = whole * u->mult + frac_total;
	return 0;
}

int sc_parse_sectors(const char *text, uint64_t *out, char *why)
{
	static const char what[] =
		"not a size (sectors, or a byte size with B, KiB, MiB, GiB, TiB)";
	uint64_t bytes;
	int r = decimal_with_unit(text, byte_units, &bytes, why, what);

	if (r == -2) {
		if (strchr(text, '.'))
			return why_set(why, what, text);
		return sc_parse_u64(text, out, why);
	}
	if (r < 0)
		return r;
	if (bytes % 512 != 0)
		return why_set(why, "not a whole number of 512-byte sectors", text);
	*out = bytes / 512;
	return 0;
}

int sc_parse_time_ns(const char *text, uint64_t *out, char *why)
{
	static const char what[] = "not a time (ns, or a number with ns, us, ms, s, min, h, d)";
	int r = decimal_with_unit(text, time_units, out, why, what);

	if (r == -2) {
		if (strchr(text, '.'))
			return why_set(why, "a time without unit is whole ns", text);
		return sc_parse_u64(text, out, why);
	}
	return r;
}

int sc_parse_duration(const char *text, double unit_ns, double *out, char *why)
{
	char num[64];
	const char *p = text;
	const struct unit *u;
	size_t n;

	while (*p && (is_digit(*p) || strchr("+-.eE", *p)))
		p++;
	/* "1e3" ends at the e; a unit never starts with e or E. */
	n = (size_t)(p - text);
	if (*p == '\0')
		return sc_parse_f64(text, out, why);
	if (n == 0 || n >= sizeof(num))
		return why_set(why, "not a duration (a number, or with ns, us, ms, s, min, h, d)", text);
	memcpy(num, text, n);
	num[n] = '\0';
	while (*p == ' ')
		p++;
	u = find_unit(time_units, p);
	if (u == NULL)
		return why_set(why, "not a duration (a number, or with ns, us, ms, s, min, h, d)", text);
	if (sc_parse_f64(num, out, why) < 0)
		return -1;
	*out = *out * (double)u->mult / unit_ns;
	return 0;
}

int sc_parse_enum(const char *text, const char *const *names, char *why)
{
	size_t len;
	int i;

	for (i = 0; names[i]; i++)
		if (strcmp(names[i], text) == 0)
			return i;
	len = (size_t)snprintf(why, SC_WHY_MAX, "unknown value '%.60s' (accepted:", text);
	for (i = 0; names[i] && len < SC_WHY_MAX; i++)
		len += (size_t)snprintf(why + len, SC_WHY_MAX - len, "%s %s", i ? "," : "",
					names[i]);
	if (len < SC_WHY_MAX)
		snprintf(why + len, SC_WHY_MAX - len, ")");
	return -1;
}
