/* HTML pieces shared by the HTML writers: escaping, the page frame with its
 * inline style, and gnuplot SVGs embedded inline. A page loads nothing: no
 * fonts, scripts or style sheets from elsewhere, so it reads offline. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reports/report_priv.h"

void rep_html_text_n(FILE *f, const char *s, size_t max)
{
	for (size_t i = 0; i < max && s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			/* Control characters are not allowed in HTML text. */
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				fputs("&#xfffd;", f);
			else
				fputc(c, f);
		}
	}
}

void rep_html_text(FILE *f, const char *s)
{
	rep_html_text_n(f, s, (size_t)-1);
}

/* No external resource of any kind: the policy enforces what the page
 * promises (inline style only, images only from data: URLs). */
void rep_html_begin(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>",
	      f);
	rep_html_text(f, title);
	fputs("</title>\n<style>\n"
	      "body{margin:0;background:#f6f7f9;color:#1d2330;"
	      "font:15px/1.45 system-ui,'DejaVu Sans',sans-serif}\n"
	      "main{max-width:1100px;margin:0 auto;padding:16px 24px 48px;background:#fff}\n"
	      "h1{font-size:1.6em;margin:.4em 0}\n"
	      "h2{font-size:1.3em;margin:1.6em 0 .5em;padding-bottom:.2em;"
	      "border-bottom:2px solid #d6dae1}\n"
	      "h3{font-size:1.1em;margin:1.2em 0 .4em}\n"
	      "nav{font-size:.9em}nav a{margin-right:1em}\n"
	      "a{color:#1f5fbf}\n"
	      "table{border-collapse:collapse;margin:.5em 0 1em;font-size:.9em}\n"
	      "th,td{border:1px solid #c9ced6;padding:3px 8px;text-align:left;"
	      "vertical-align:top}\n"
	      "th{background:#eceff3}\n"
	      "tr:nth-child(even) td{background:#f8f9fb}\n"
	      "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	      "td.bad{background:#fde2e1!important;color:#8a1010;font-weight:bold}\n"
	      "td.fail{background:#fde2e1!important;color:#8a1010;font-weight:bold}\n"
	      "td.pass{background:#e3f4e1!important;color:#1d5e1a}\n"
	      "td.warn{background:#fff1d6!important;color:#7a4b00}\n"
	      "td.na{color:#6b7280;font-style:italic}\n"
	      "code,pre{font-family:'DejaVu Sans Mono',monospace;font-size:.9em}\n"
	      "pre{background:#f0f2f5;padding:8px;overflow-x:auto;white-space:pre-wrap}\n"
	      "figure{margin:1em 0 2em}\n"
	      "figure svg{display:block;width:100%;max-width:1000px;height:auto;"
	      "border:1px solid #d6dae1}\n"
	      "figcaption{font-size:.9em;color:#4a5262;margin-top:.3em}\n"
	      ".note{color:#4a5262}\n"
	      "</style>\n</head>\n<body>\n<main>\n",
	      f);
}

void rep_html_end(FILE *f)
{
	fputs("</main>\n</body>\n</html>\n", f);
}

static char *read_file(const char *dir, const char *name, size_t *len, struct cs_err *err)
{
	char path[REP_PATH_MAX];
	if (rep_path(path, sizeof(path), dir, name, err))
		return NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		cs_err_set(err, "report: cannot read %s: %s", name, strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (cap - n < 4096) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *p = realloc(buf, ncap + 1);
			if (!p) {
				free(buf);
				fclose(f);
				cs_err_set(err, "report: out of memory reading %s", name);
				return NULL;
			}
			buf = p;
			cap = ncap;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		cs_err_set(err, "report: cannot read %s", name);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Several gnuplot SVGs in one page all define the same ids (gnuplot_canvas,
 * gpPt0, ...), which must be unique in a document: each id, and each
 * reference to one (href="#x", url(#x)), gets the prefix "NAME-". Nothing
 * else in the SVG changes. s[n] is readable (the file's bytes go on, or its
 * terminating NUL): a match may look past n, as strncmp would. The bytes
 * between matches go out in one fwrite (a page holds ~500 KB of SVG). */
static void put_svg(FILE *f, const char *s, size_t n, const char *prefix)
{
	size_t run = 0; /* first byte not yet written */

	for (size_t i = 0; i < n; i++) {
		size_t skip = 0;

		/* every pattern starts with one of these three letters */
		if (s[i] != 'i' && s[i] != 'h' && s[i] != 'u')
			continue;
		if (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\n' || s[i - 1] == '\t') &&
		    (!strncmp(s + i, "id='", 4) || !strncmp(s + i, "id=\"", 4)))
			skip = 4;
		else if (!strncmp(s + i, "href='#", 7) || !strncmp(s + i, "href=\"#", 7))
			skip = 7;
		else if (!strncmp(s + i, "url(#", 5))
			skip = 5;
		if (skip == 0 || i + skip > n)
			continue;
		fwrite(s + run, 1, i + skip - run, f);
		fprintf(f, "%s-", prefix);
		i += skip - 1;
		run = i + 1;
	}
	assert(run <= n);
	fwrite(s + run, 1, n - run, f);
}

/* Whether s[0..n) holds one of words (each starting with '<'), in any case:
 * only the '<' found by memchr are compared. */
static int has_any_ci(const char *s, size_t n, const char *const *words, size_t n_words)
{
	for (const char *p = memchr(s, '<', n); p != NULL;
	     p = memchr(p + 1, '<', n - (size_t)(p + 1 - s))) {
		size_t left = n - (size_t)(p - s);

		for (size_t k = 0; k < n_words; k++) {
			size_t w = strlen(words[k]);

			assert(words[k][0] == '<');
			if (w <= left && !strncasecmp(p, words[k], w))
				return 1;
		}
	}
	return 0;
}

int rep_html_svg(FILE *f, const char *dir, const char *name, struct cs_err *err)
{
	char file[160];
	if (strlen(name) > 128)
		return cs_err_set(err, "report: plot name too long: %s", name);
	snprintf(file, sizeof(file), "%s.svg", name);
	size_t len;
	char *svg = read_file(dir, file, &len, err);
	if (!svg)
		return -1;
	/* The XML prolog has no place in HTML: keep <svg ...> ... </svg>. */
	char *start = strstr(svg, "<svg");
	char *end = NULL;
	for (char *p = start; p && (p = strstr(p, "</svg>")) != NULL; p += 6)
		end = p + 6;
	if (!start || !end || end <= start || memchr(svg, '\0', len) != NULL) {
		free(svg);
		return cs_err_set(err, "report: %s is not an SVG image", file);
	}
	/* Gnuplot writes none of these; an image that has them is not embedded,
	 * so the page never runs code or loads anything. */
	static const char *const unsafe[] = { "<script", "<foreignObject", "<!" };
	if (has_any_ci(start, (size_t)(end - start), unsafe, sizeof(unsafe) / sizeof(unsafe[0]))) {
		free(svg);
		fputs("<p class=\"note\">Not embedded (the image holds markup a page should "
		      "not run): <a href=\"", f);
		rep_html_text(f, file);
		fputs("\">", f);
		rep_html_text(f, file);
		fputs("</a>.</p>\n", f);
		return 0;
	}
	put_svg(f, start, (size_t)(end - start), name);
	fputc('\n', f);
	free(svg);
	return 0;
}
