/* The lists `csumsim help keys|variants|profiles` prints, one item a line
 * (keys: path, type and range or names, tab-separated). */
#ifndef CSUMSIM_CLI_HELP_LISTS_H
#define CSUMSIM_CLI_HELP_LISTS_H

#include <stdio.h>

/* 0, or -1 when `what` is not a list. */
int cli_help_list(const char *what, FILE *o);

#endif
