/* Whole buffers over a pipe or file descriptor, retrying short transfers
 * and interrupted calls. */
#ifndef CSUMSIM_UTIL_FDIO_H
#define CSUMSIM_UTIL_FDIO_H

#include <stddef.h>

/* 0, or -1 when a write failed. */
int fd_write_all(int fd, const void *buf, size_t n);
/* 0 with *got = n; 0 with *got < n at end of file; -1 when a read failed
 * (*got: what arrived). */
int fd_read_all(int fd, void *buf, size_t n, size_t *got);

#endif
