/* Reads a text file line by line, decompressing xz on the fly when the file
 * starts with the xz magic, so every trace reader sees plain lines. */
#ifndef CSUMSIM_TRACES_LINEREADER_H
#define CSUMSIM_TRACES_LINEREADER_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct line_reader;

/* Returns NULL with err set ("PATH: cannot open: ..."). */
struct line_reader *lr_open(const char *path, struct cs_err *err);
/* 1: *line holds the next line, NUL-terminated, without its end of line
 * (LF or CRLF), valid until the next call; 0: end of file; -1: error. */
int lr_next(struct line_reader *lr, char **line, struct cs_err *err);
/* The next lr_next() returns the same line again (one line of push-back). */
void lr_unread(struct line_reader *lr);
/* 1-based number of the line last returned. */
uint64_t lr_lineno(const struct line_reader *lr);
const char *lr_path(const struct line_reader *lr);
void lr_close(struct line_reader *lr);

#endif
