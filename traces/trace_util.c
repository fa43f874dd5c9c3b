#include "traces/reader.h"

#include <assert.h>
#include <string.h>

/* strspn and strcspn set up a table of sep at every call, twice per token
 * of a few bytes: one table per line instead. */
int trace_split(char *s, const char *sep, char **tok, int max)
{
	bool is_sep[256] = { false };
	int n = 0;

	for (const char *p = sep; *p != '\0'; p++)
		is_sep[(unsigned char)*p] = true;
	assert(!is_sep[0]); /* the NUL ends the line, never a token */
	for (;;) {
		while (is_sep[(unsigned char)*s])
			s++;
		if (*s == '\0')
			return n;
		if (n < max)
			tok[n] = s;
		n++;
		while (*s != '\0' && !is_sep[(unsigned char)*s])
			s++;
		if (*s == '\0')
			return n;
		*s++ = '\0';
	}
}

int trace_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

bool trace_blank(const char *s)
{
	return s[strspn(s, " \t\r\f\v")] == '\0';
}
