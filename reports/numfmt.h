/* Numbers as printf writes them, without printf: the writers of long
 * tables (throughput, latency CDFs) print tens of thousands of them, and
 * printf's exact decimal conversion of a double is most of their cost. */
#ifndef CSUMSIM_REPORTS_NUMFMT_H
#define CSUMSIM_REPORTS_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

/* Room for any number these write, with its NUL. */
#define NUMFMT_MAX 352

/* x as "%.*f" with prec digits (prec <= 9) writes it, the same bytes,
 * into buf (NUMFMT_MAX bytes); returns the length. Where a fast
 * conversion could round otherwise than printf (within an ulp of a tie,
 * negative, huge, not finite), printf does it. */
size_t numfmt_fixed(char *buf, double x, unsigned prec);

/* The double strtod reads from the n characters at s (a number as
 * numfmt_fixed writes it): what gnuplot reads from a data file, without
 * strtod's cost where the digits make an exact integer. */
double numfmt_read(const char *s, size_t n);

/* v as "%" PRIu64 writes it; returns the length (buf: 21 bytes). */
size_t numfmt_u64(char *buf, uint64_t v);

#endif
