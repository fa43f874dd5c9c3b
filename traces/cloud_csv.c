/* What the cloud CSV readers share: fields, and times relative to the
 * first record taken. */
#include "traces/reader.h"

#include <string.h>

int trace_csv_fields(char *line, char **f, int max)
{
	char *p = line;
	int n = 0;

	for (;;) {
		char *c = strchr(p, ',');
		size_t len;

		if (c != NULL)
			*c = '\0';
		p += strspn(p, " \t");
		len = strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
			p[--len] = '\0';
		if (n < max)
			f[n] = p;
		n++;
		if (c == NULL)
			return n;
		p = c + 1;
	}
}
