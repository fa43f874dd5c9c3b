#include "traces/reader.h"

#include <string.h>

int trace_split(char *s, const char *sep, char **tok, int max)
{
	int n = 0;

	for (;;) {
		s += strspn(s, sep);
		if (*s == '\0')
			return n;
		if (n < max)
			tok[n] = s;
		n++;
		s += strcspn(s, sep);
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
