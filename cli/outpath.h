/* Output paths checked before any work (a bad -o is found before a long
 * simulation, not after), and single-file outputs written whole or not at
 * all: to a temp file beside the target, renamed over it when complete. A
 * target that exists and is not a regular file (symlink, FIFO, device,
 * directory) is refused. Errors name the option and the path; every write
 * error names its cause (strerror: "No space left on device"). */
#ifndef CSUMSIM_CLI_OUTPATH_H
#define CSUMSIM_CLI_OUTPATH_H

#include <stdio.h>

#include "cli/common.h"
#include "util/err.h"

#define CLI_OUT_PATH_MAX (SC_PATH_MAX + 16)

/* -o DIR of an output whose main file is marker (report.json...). */
int cli_check_outdir(const char *opt, const char *dir, const char *marker, struct cs_err *err);
/* A single output file: not "-", absent or a regular file, its directory
 * writable. */
int cli_check_outfile(const char *opt, const char *path, struct cs_err *err);
/* A directory that will hold outputs (check -o DIR: DIR/NAME each): not
 * "-", a writable directory or to be made under one. */
int cli_check_outparent(const char *opt, const char *dir, struct cs_err *err);

struct cli_outfile {
	const char *opt;
	char path[CLI_OUT_PATH_MAX];
	char tmp[CLI_OUT_PATH_MAX + 16];
	FILE *f; /* write here between open and finish */
};

/* Checks path as cli_check_outfile, makes its parents, opens the temp file. */
int cli_outfile_open(struct cli_outfile *o, const char *opt, const char *path,
		     struct cs_err *err);
/* Flushes and closes, every error checked; on error the temp file is gone. */
int cli_outfile_finish(struct cli_outfile *o, struct cs_err *err);
/* Renames the finished temp file over the target. */
int cli_outfile_commit(struct cli_outfile *o, struct cs_err *err);
void cli_outfile_abort(struct cli_outfile *o);

#endif
