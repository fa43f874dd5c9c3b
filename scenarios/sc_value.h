/* Scalar text of a scenario value to a number: plain integers, sizes with a
 * byte suffix, times with a unit suffix, doubles. Pure functions; on failure
 * they return -1 and write a short reason (no file or field) into why. */
#ifndef CSUMSIM_SCENARIOS_SC_VALUE_H
#define CSUMSIM_SCENARIOS_SC_VALUE_H

#include <stddef.h>
#include <stdint.h>

#define SC_WHY_MAX 256

/* A non-negative decimal integer, digits only. */
int sc_parse_u64(const char *text, uint64_t *out, char *why);
/* A finite number as strtod reads it (no hex, no inf or nan). */
int sc_parse_f64(const char *text, double *out, char *why);
/* Sectors: a plain integer counts 512-byte sectors; with a suffix
 * (B, KiB, MiB, GiB, TiB) it is a byte size that must be whole sectors. */
int sc_parse_sectors(const char *text, uint64_t *out, char *why);
/* Nanoseconds: a plain integer is ns; a decimal with a unit (ns, us, ms, s,
 * min, h, d) is converted exactly and must come to a whole number of ns. */
int sc_parse_time_ns(const char *text, uint64_t *out, char *why);
/* A double in a unit of `unit_ns` nanoseconds (1000: us, 1e6: ms): a plain
 * number is in that unit already; a number with a time suffix is converted. */
int sc_parse_duration(const char *text, double unit_ns, double *out, char *why);
/* Index of text in a NULL-terminated name list, or -1 with the accepted
 * names listed in why. */
int sc_parse_enum(const char *text, const char *const *names, char *why);

#endif
