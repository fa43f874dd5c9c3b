#include "reports/check_report.h"

#include <stdbool.h>
#include <string.h>

/* TAP: a description may not hold a newline, and '#' starts a directive. */
static void tap_text(FILE *o, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t')
			fputc(' ', o);
		else if (*s == '#' || *s == '\\')
			fprintf(o, "\\%c", *s);
		else
			fputc(*s, o);
	}
}

/* A YAML double-quoted scalar, for the diagnostic block. */
static void yaml_text(FILE *o, const char *s)
{
	fputc('"', o);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(o, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", o);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(o, "\\x%02X", *p);
		else
			fputc(*p, o);
	}
	fputc('"', o);
}

int check_write_tap(FILE *o, const struct check_case *c, size_t n)
{
	fprintf(o, "TAP version 13\n1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		const struct check_case *k = &c[i];
		bool bad = k->status == CHECK_FAIL || k->status == CHECK_ERROR;

		fprintf(o, "%s %zu - ", bad ? "not ok" : "ok", i + 1);
		tap_text(o, k->suite);
		if (k->status == CHECK_SKIP) {
			fputs(" # SKIP ", o);
			tap_text(o, k->detail);
			fputc('\n', o);
			continue;
		}
		fputs(": ", o);
		tap_text(o, k->name);
		fputc('\n', o);
		if (!bad)
			continue;
		fputs("  ---\n  message: ", o);
		yaml_text(o, k->detail);
		fprintf(o, "\n  severity: %s\n", k->status == CHECK_ERROR ? "error" : "fail");
		if (k->reproduce[0]) {
			fputs("  reproduce: ", o);
			yaml_text(o, k->reproduce);
			fputc('\n', o);
		}
		fputs("  ...\n", o);
	}
	return ferror(o) ? -1 : 0;
}

/* XML text or attribute value; characters XML 1.0 cannot hold become '?'. */
static void xml_text(FILE *o, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", o);
			break;
		case '<':
			fputs("&lt;", o);
			break;
		case '>':
			fputs("&gt;", o);
			break;
		case '"':
			fputs("&quot;", o);
			break;
		case '\'':
			fputs("&apos;", o);
			break;
		case '\n':
			fputs("&#10;", o);
			break;
		default:
			fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, o);
			break;
		}
	}
}

/* The suite as a JUnit class name: without ".yaml", no other dots (CI
 * tools read dots as package separators). */
static void class_name(FILE *o, const char *suite)
{
	char buf[sizeof(((struct check_case *)0)->suite)];
	size_t len = strlen(suite);

	snprintf(buf, sizeof(buf), "%s", suite);
	if (len >= 5 && len < sizeof(buf) && strcmp(buf + len - 5, ".yaml") == 0)
		buf[len - 5] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '.')
			*p = '_';
	xml_text(o, buf);
}

struct tally {
	size_t tests, failures, errors, skipped;
};

static void count(const struct check_case *c, size_t from, size_t to, struct tally *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = from; i < to; i++) {
		t->tests++;
		t->failures += c[i].status == CHECK_FAIL;
		t->errors += c[i].status == CHECK_ERROR;
		t->skipped += c[i].status == CHECK_SKIP;
	}
}

static void junit_case(FILE *o, const struct check_case *k)
{
	fputs("    <testcase classname=\"", o);
	class_name(o, k->suite);
	fputs("\" name=\"", o);
	xml_text(o, k->name);
	fputs("\" time=\"0\"", o);
	if (k->status == CHECK_PASS) {
		fputs("/>\n", o);
		return;
	}
	fputs(">\n", o);
	if (k->status == CHECK_SKIP) {
		fputs("      <skipped message=\"", o);
		xml_text(o, k->detail);
		fputs("\"/>\n", o);
	} else {
		const char *tag = k->status == CHECK_ERROR ? "error" : "failure";

		fprintf(o, "      <%s type=\"%s\" message=\"", tag,
			k->status == CHECK_ERROR ? "error" : "expectation");
		xml_text(o, k->detail);
		fputs("\">", o);
		xml_text(o, k->detail);
		if (k->reproduce[0]) {
			fputs("&#10;reproduce: ", o);
			xml_text(o, k->reproduce);
		}
		fprintf(o, "</%s>\n", tag);
	}
	fputs("    </testcase>\n", o);
}

int check_write_junit(FILE *o, const struct check_case *c, size_t n)
{
	struct tally all;

	count(c, 0, n, &all);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", o);
	fprintf(o, "<testsuites name=\"csumsim check\" tests=\"%zu\" failures=\"%zu\" "
		   "errors=\"%zu\" skipped=\"%zu\" time=\"0\">\n",
		all.tests, all.failures, all.errors, all.skipped);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		struct tally t;

		while (j < n && strcmp(c[j].suite, c[i].suite) == 0)
			j++;
		count(c, i, j, &t);
		fputs("  <testsuite name=\"", o);
		xml_text(o, c[i].suite);
		fprintf(o, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
			   "time=\"0\">\n",
			t.tests, t.failures, t.errors, t.skipped);
		for (size_t k = i; k < j; k++)
			junit_case(o, &c[k]);
		fputs("  </testsuite>\n", o);
		i = j;
	}
	fputs("</testsuites>\n", o);
	return ferror(o) ? -1 : 0;
}
