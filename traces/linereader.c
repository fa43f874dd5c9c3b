#include "traces/linereader.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lzma.h>

#define LR_CHUNK 65536

struct line_reader {
	FILE *f;
	bool is_stdin;     /* "-": standard input, not ours to close */
	char *path;
	bool xz;
	lzma_stream zs;
	bool zs_ready;
	uint8_t in[LR_CHUNK];
	size_t in_len, in_pos;
	bool in_eof;
	/* decoded bytes not yet handed out */
	uint8_t out[LR_CHUNK];
	size_t out_len, out_pos;
	bool out_eof;
	/* the current line */
	char *line;
	size_t line_cap;
	uint64_t lineno;
	bool pushed_back;
};

/* A header may ask the decoder for up to 4 GiB of dictionary: bounded to
 * what xz -9e needs (65 MiB) with room to spare. */
#define XZ_MEMLIMIT (UINT64_C(256) << 20)

static const uint8_t xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

struct line_reader *lr_open(const char *path, struct cs_err *err)
{
	struct line_reader *lr = calloc(1, sizeof(*lr));

	if (lr == NULL) {
		cs_err_set(err, "%s: out of memory", path);
		return NULL;
	}
	/* "-": standard input (blkparse -o - | csumsim ...); read once, not closed */
	lr->is_stdin = strcmp(path, "-") == 0;
	lr->path = strdup(lr->is_stdin ? "(stdin)" : path);
	lr->f = lr->is_stdin ? stdin : fopen(path, "rb");
	if (lr->path == NULL || lr->f == NULL) {
		cs_err_set(err, "%s: cannot open: %s", path,
			   lr->path == NULL ? "out of memory" : strerror(errno));
		lr_close(lr);
		return NULL;
	}
	lr->in_len = fread(lr->in, 1, sizeof(lr->in), lr->f);
	if (ferror(lr->f)) {
		cs_err_set(err, "%s: cannot read: %s", path, strerror(errno));
		lr_close(lr);
		return NULL;
	}
	/* Decide by content, not by name: a renamed .xz still reads. */
	lr->xz = lr->in_len >= sizeof(xz_magic) && memcmp(lr->in, xz_magic, sizeof(xz_magic)) == 0;
	if (lr->xz) {
		lzma_stream init = LZMA_STREAM_INIT;

		lr->zs = init;
		if (lzma_stream_decoder(&lr->zs, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK) {
			cs_err_set(err, "%s: cannot start the xz decoder", path);
			lr_close(lr);
			return NULL;
		}
		lr->zs_ready = true;
	}
	return lr;
}

/* Refills lr->out; returns 0 (possibly with out_eof set) or -1. */
static int lr_fill(struct line_reader *lr, struct cs_err *err)
{
	lr->out_pos = 0;
	lr->out_len = 0;
	if (!lr->xz) {
		if (lr->in_pos < lr->in_len) {
			/* the bytes read while sniffing for the magic */
			size_t n = lr->in_len - lr->in_pos;

			memcpy(lr->out, lr->in + lr->in_pos, n);
			lr->in_pos = lr->in_len;
			lr->out_len = n;
			return 0;
		}
		lr->out_len = fread(lr->out, 1, sizeof(lr->out), lr->f);
		if (ferror(lr->f))
			return cs_err_at(err, lr->path, lr->lineno + 1, NULL, "read error: %s",
					 strerror(errno));
		if (lr->out_len == 0)
			lr->out_eof = true;
		return 0;
	}
	while (lr->out_len == 0 && !lr->out_eof) {
		lzma_ret ret;

		if (lr->in_pos == lr->in_len && !lr->in_eof) {
			lr->in_len = fread(lr->in, 1, sizeof(lr->in), lr->f);
			lr->in_pos = 0;
			if (ferror(lr->f))
				return cs_err_at(err, lr->path, lr->lineno + 1, NULL,
						 "read error: %s", strerror(errno));
			if (lr->in_len == 0)
				lr->in_eof = true;
		}
		lr->zs.next_in = lr->in + lr->in_pos;
		lr->zs.avail_in = lr->in_len - lr->in_pos;
		lr->zs.next_out = lr->out;
		lr->zs.avail_out = sizeof(lr->out);
		ret = lzma_code(&lr->zs, lr->in_eof ? LZMA_FINISH : LZMA_RUN);
		lr->in_pos = lr->in_len - lr->zs.avail_in;
		lr->out_len = sizeof(lr->out) - lr->zs.avail_out;
		if (ret == LZMA_STREAM_END) {
			lr->out_eof = lr->out_len == 0;
			if (lr->out_len == 0)
				break;
		} else if (ret == LZMA_BUF_ERROR && lr->in_eof) {
			return cs_err_at(err, lr->path, lr->lineno + 1, NULL,
					 "xz data ends early (truncated file)");
		} else if (ret == LZMA_MEMLIMIT_ERROR) {
			return cs_err_at(err, lr->path, 0, NULL,
					 "xz data needs more than %llu MiB to decode",
					 (unsigned long long)(XZ_MEMLIMIT >> 20));
		} else if (ret != LZMA_OK) {
			return cs_err_at(err, lr->path, lr->lineno + 1, NULL,
					 "xz data is corrupt (lzma error %d)", (int)ret);
		}
	}
	return 0;
}

static int lr_grow(struct line_reader *lr, size_t need, struct cs_err *err)
{
	size_t cap = lr->line_cap ? lr->line_cap : 256;
	char *p;

	if (need <= lr->line_cap)
		return 0;
	while (cap < need)
		cap *= 2;
	p = realloc(lr->line, cap);
	if (p == NULL)
		return cs_err_at(err, lr->path, lr->lineno + 1, NULL, "out of memory");
	lr->line = p;
	lr->line_cap = cap;
	return 0;
}

int lr_next(struct line_reader *lr, char **line, struct cs_err *err)
{
	size_t len = 0;
	bool any = false;

	if (lr->pushed_back) {
		lr->pushed_back = false;
		*line = lr->line;
		return 1;
	}
	for (;;) {
		uint8_t *start, *nl;
		size_t avail, take;

		if (lr->out_pos == lr->out_len) {
			if (lr->out_eof || lr_fill(lr, err) < 0) {
				if (!lr->out_eof)
					return -1;
				break;
			}
			if (lr->out_len == 0 && lr->out_eof)
				break;
			continue;
		}
		start = lr->out + lr->out_pos;
		avail = lr->out_len - lr->out_pos;
		nl = memchr(start, '\n', avail);
		take = nl ? (size_t)(nl - start) : avail;
		if (lr_grow(lr, len + take + 1, err) < 0)
			return -1;
		memcpy(lr->line + len, start, take);
		len += take;
		any = true;
		lr->out_pos += take + (nl ? 1 : 0);
		if (nl)
			break;
	}
	if (!any)
		return 0;
	if (len > 0 && lr->line[len - 1] == '\r')
		len--;
	lr->line[len] = '\0';
	lr->lineno++;
	*line = lr->line;
	return 1;
}

void lr_unread(struct line_reader *lr)
{
	lr->pushed_back = true;
}

uint64_t lr_lineno(const struct line_reader *lr)
{
	return lr->lineno;
}

const char *lr_path(const struct line_reader *lr)
{
	return lr->path;
}

void lr_close(struct line_reader *lr)
{
	if (lr == NULL)
		return;
	if (lr->zs_ready)
		lzma_end(&lr->zs);
	if (lr->f != NULL && !lr->is_stdin)
		fclose(lr->f);
	free(lr->line);
	free(lr->path);
	free(lr);
}
