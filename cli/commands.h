/* The csumsim subcommands. Each takes argv with argv[0] = the subcommand name
 * and returns the process exit code. */
#ifndef CSUMSIM_CLI_COMMANDS_H
#define CSUMSIM_CLI_COMMANDS_H

/* Exit codes, documented in README.md and `csumsim --help`. */
enum {
	EXIT_OK = 0,        /* done; for run: the report is written */
	EXIT_FINDINGS = 1,  /* done, and a check or expectation failed */
	EXIT_USAGE = 2,     /* bad command line, scenario, trace or option */
	EXIT_RUNTIME = 3,   /* could not finish: I/O error, out of memory */
	EXIT_INTERRUPTED = 130, /* SIGINT or SIGTERM, as a shell reports it */
};

int cmd_run(int argc, char **argv);      /* cli/cmd_run.c */
int cmd_validate(int argc, char **argv); /* cli/cmd_validate.c */
int cmd_layout(int argc, char **argv);   /* cli/cmd_layout.c */
int cmd_convert(int argc, char **argv);  /* cli/cmd_convert.c */
int cmd_compare(int argc, char **argv);  /* cli/cmd_compare.c */
int cmd_check(int argc, char **argv);    /* cli/cmd_check.c */
int cmd_sweep(int argc, char **argv);    /* cli/cmd_sweep.c */
int cmd_merge(int argc, char **argv);    /* cli/cmd_merge.c */
int cmd_trace(int argc, char **argv);    /* cli/cmd_trace.c */
int cmd_dump(int argc, char **argv);     /* cli/cmd_dump.c */
int cmd_contract(int argc, char **argv); /* cli/cmd_contract.c */

#endif
