/* csumsim: the command-line front end. Picks the subcommand and hands it the
 * rest of argv, with argv[0] = the subcommand's name. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/help_lists.h"
#include "git_rev.h"
#include "util/heap_huge.h"
#include "version.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"run", cmd_run, "replay a scenario, crash it, write the report"},
	{"compare", cmd_compare, "run several variants and disk profiles, compare them"},
	{"sweep", cmd_sweep, "run a scenario's parameter lists, in parallel or in shards"},
	{"merge", cmd_merge, "combine the shards of a sweep into one report"},
	{"contract", cmd_contract, "which disk promises each scheme needs: the contract matrix"},
	{"check", cmd_check, "run scenarios, judge their expectations (CI: TAP, JUnit)"},
	{"validate", cmd_validate, "check scenario files without running them"},
	{"layout", cmd_layout, "show where data and imd sectors of a device go"},
	{"convert", cmd_convert, "turn a trace of any known format into the native format"},
	{"dump", cmd_dump, "write the media's bytes, or a group's imd decoded, after a run"},
	{"trace", cmd_trace, "trace info TRACE: what a trace holds and what looks wrong in it"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *o)
{
	fputs("usage: csumsim COMMAND [ARGS...]\n"
	      "       csumsim help COMMAND | keys | variants | profiles\n"
	      "       csumsim --help | --version (or COMMAND --version)\n"
	      "\n"
	      "A deterministic simulator of dm-csum, the 2009 checksumming device-mapper\n"
	      "target: replays block traces through the protocol on an emulated disk,\n"
	      "crashes it and injects faults, and reports detection, false alarms,\n"
	      "silent corruption and overhead.\n"
	      "\n"
	      "commands:\n",
	      o);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(o, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("  help CMD   the options of one command (same as: csumsim CMD --help)\n"
	      "  help keys  every scenario key, its type and range (docs/SCENARIO.md)\n"
	      "  help variants, help profiles   the names a scenario may use\n"
	      "\n"
	      "exit codes:\n"
	      "  0  done (run: the report is written)\n"
	      "  1  done, and a check or expectation failed\n"
	      "  2  bad command line, scenario, trace or option\n"
	      "  3  could not finish: I/O error, out of memory\n",
	      o);
}

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* A command's help comes from the command itself, next to its options. */
static int command_help(const struct command *c)
{
	char name[32], opt[] = "--help";
	char *args[] = {name, opt, NULL};

	snprintf(name, sizeof(name), "%s", c->name);
	return c->fn(2, args);
}

static int version(void)
{
	printf("csumsim %s (%s)\n", CSUMSIM_VERSION, CSUMSIM_GIT_REV);
	return EXIT_OK;
}

/* --version after a command answers as it does before one; an option's
 * value that happens to read --version (--set, -o) is not taken for it. */
static bool asks_version(int argc, char **argv)
{
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0)
			return true;
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (argv[i][0] == '-' && i + 1 < argc && argv[i + 1][0] != '-')
			i++; /* its value, if it takes one */
	}
	return false;
}

int main(int argc, char **argv)
{
	const struct command *c;

	/* a run's heap in huge pages: a tenth of its CPU was page faults */
	heap_huge((size_t)96 << 20);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    (strcmp(argv[1], "help") == 0 && argc == 2)) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		return version();
	if (strcmp(argv[1], "help") == 0) {
		if (argc > 3) {
			fprintf(stderr, "csumsim: help takes one command name\n");
			return EXIT_USAGE;
		}
		if (cli_help_list(argv[2], stdout) == 0)
			return EXIT_OK;
		c = find(argv[2]);
		if (c == NULL) {
			fprintf(stderr, "csumsim: unknown command '%s' (try 'csumsim --help')\n",
				argv[2]);
			return EXIT_USAGE;
		}
		return command_help(c);
	}
	c = find(argv[1]);
	if (c == NULL) {
		fprintf(stderr, "csumsim: unknown %s '%s' (try 'csumsim --help')\n",
			argv[1][0] == '-' ? "option" : "command", argv[1]);
		return EXIT_USAGE;
	}
	if (asks_version(argc, argv))
		return version();
	return c->fn(argc - 1, argv + 1);
}
