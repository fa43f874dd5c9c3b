/* Telling a trace's format from its first line, or failing that its name. */
#include "traces/reader.h"

#include <string.h>

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static int detect_line(const char *l)
{
	size_t a, commas = 0;

	if (strncmp(l, "fio version ", 12) == 0)
		return SC_FMT_FIO_IOLOG;
	if (strncmp(l, "# csumsim-trace", 15) == 0)
		return SC_FMT_NATIVE;
	/* blkparse events start with "MAJ,MIN" and a blank */
	{
		const char *s = l + strspn(l, " \t");

		a = strspn(s, "0123456789");
		if (a > 0 && s[a] == ',') {
			size_t b = strspn(s + a + 1, "0123456789");

			if (b > 0 && (s[a + 1 + b] == ' ' || s[a + 1 + b] == '\t'))
				return SC_FMT_BLKPARSE;
		}
	}
	for (const char *p = l; *p != '\0'; p++)
		commas += *p == ',';
	if (commas == 6)
		return SC_FMT_MSR;
	/* spc: ASU,LBA,Size,r|w,Timestamp[,...]: the fourth field is a letter */
	if (commas >= 4) {
		const char *f = l;

		for (int i = 0; i < 3 && f != NULL; i++)
			f = strchr(f, ',') ? strchr(f, ',') + 1 : NULL;
		if (f != NULL && strchr("rRwW", f[0]) != NULL && f[0] != '\0' && f[1] == ',')
			return SC_FMT_SPC;
	}
	if (commas == 4) {
		/* alibaba: device_id,R|W,... ; tencent: Timestamp,Offset,Size,0|1,VolumeID;
		 * or either's header line */
		const char *second = strchr(l, ',') + 1;

		if (strncmp(l, "device_id,", 10) == 0 ||
		    ((second[0] == 'R' || second[0] == 'W') && second[1] == ','))
			return SC_FMT_ALIBABA;
		if (strncmp(l, "Timestamp,", 10) == 0 || strspn(l, "0123456789, \t\r") == strlen(l))
			return SC_FMT_TENCENT;
	}
	return -1;
}

int trace_detect(const char *first_line, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;
	int f = first_line != NULL ? detect_line(first_line) : -1;

	if (f >= 0)
		return f;
	base = base ? base + 1 : path;
	len = strlen(base);
	if (ends_with(base, len, ".xz"))
		len -= 3;
	if (strstr(base, ".blkparse") != NULL || strstr(base, ".blktrace") != NULL)
		return SC_FMT_BLKPARSE;
	if (ends_with(base, len, ".csv"))
		return SC_FMT_MSR;
	if (ends_with(base, len, ".iolog") || ends_with(base, len, ".fio"))
		return SC_FMT_FIO_IOLOG;
	if (ends_with(base, len, ".cstrace"))
		return SC_FMT_NATIVE;
	if (ends_with(base, len, ".spc"))
		return SC_FMT_SPC;
	return -1;
}
