#include "cli/progress.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void cli_progress_init(struct cli_progress *p, const char *cmd, bool on, bool verbose)
{
	const char *env = getenv("CSUMSIM_PROGRESS_MS");
	char *end = NULL;
	unsigned long ms;

	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	p->on = on;
	p->verbose = on && verbose;
	p->tty = isatty(STDERR_FILENO) != 0;
	ms = p->tty ? CLI_PROGRESS_TTY_MS : CLI_PROGRESS_LOG_MS;
	if (env != NULL && env[0] != '\0') {
		unsigned long v = strtoul(env, &end, 10);

		if (*end == '\0')
			ms = v;
	}
	p->interval_ns = (uint64_t)ms * 1000000u;
	p->phase_start_ns = p->last_ns = now_ns();
}

void cli_progress_clear(struct cli_progress *p)
{
	if (!p->shown)
		return;
	fputs("\r\033[K", stderr); /* erase the line whatever wrote it */
	fflush(stderr);
	p->shown = false;
}

/* "1h02m", "3m05s", "42s" */
static void fmt_secs(char *buf, size_t n, double s)
{
	uint64_t t = s < 0 ? 0 : (uint64_t)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, n, "%" PRIu64 "h%02" PRIu64 "m", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(buf, n, "%" PRIu64 "m%02" PRIu64 "s", t / 60, t % 60);
	else
		snprintf(buf, n, "%" PRIu64 "s", t);
}

/* A line: redrawn in place on a terminal, a line of its own in a log. */
static void show(struct cli_progress *p, const char *text)
{
	if (p->tty) {
		fprintf(stderr, "\r\033[Kcsumsim %s: %s%s", p->cmd, p->prefix, text);
		p->shown = true;
	} else {
		fprintf(stderr, "csumsim %s: %s%s\n", p->cmd, p->prefix, text);
	}
	fflush(stderr);
}

/* Whether a line is due (and if so, marks it shown now). */
static bool due(struct cli_progress *p)
{
	uint64_t t = now_ns();

	assert(t >= p->last_ns); /* CLOCK_MONOTONIC */
	if (t - p->last_ns < p->interval_ns)
		return false;
	p->last_ns = t;
	return true;
}

/* ", 40% (ETA 1m05s)" from the fraction done since the phase began */
static void eta(uint64_t start_ns, double f, char *buf, size_t n)
{
	double el = (double)(now_ns() - start_ns) * 1e-9;
	char t[32];

	if (f <= 0.0 || f > 1.0) {
		snprintf(buf, n, "%s", f > 1.0 ? ", 100%" : "");
		return;
	}
	fmt_secs(t, sizeof(t), el * (1.0 - f) / f);
	snprintf(buf, n, ", %.0f%% (ETA %s)", f * 100.0, t);
}

static void start_phase(struct cli_progress *p, const char *phase)
{
	if (strncmp(p->phase, phase, sizeof(p->phase) - 1) == 0)
		return;
	snprintf(p->phase, sizeof(p->phase), "%s", phase);
	p->phase_start_ns = now_ns();
}

void cli_progress_note(struct cli_progress *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->verbose)
		return;
	cli_progress_clear(p);
	fprintf(stderr, "csumsim %s: %s", p->cmd, p->prefix);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static void on_sim(void *arg, const struct sim_progress *sp)
{
	struct cli_progress *p = arg;
	char line[256], tail[64];
	const char *phase = sp->phase != NULL ? sp->phase : "simulation";

	assert(sp->points == 0 || sp->point <= sp->points);
	start_phase(p, phase);
	if (sp->event == SIM_PROGRESS_POINT) {
		/* the process that explored it may have drawn on the terminal */
		if (p->tty && sp->point_states > 1)
			p->shown = true;
		cli_progress_note(p, "%s: crash point %" PRIu32 " explored (%" PRIu32 " of %" PRIu32
				  "): %" PRIu64 " states, %" PRIu64 " violations",
				  phase, sp->point_index, sp->point, sp->points, sp->point_states,
				  sp->point_violations);
	} else if (sp->event == SIM_PROGRESS_DONE) {
		double el = (double)(now_ns() - p->phase_start_ns) * 1e-9;
		char t[32];

		/* a phase under 10 s is timed to 10 ms, not rounded to 0s */
		if (el < 9.995)
			snprintf(t, sizeof(t), "%.2fs", el < 0 ? 0.0 : el);
		else
			fmt_secs(t, sizeof(t), el);
		if (sp->points > 0)
			cli_progress_note(p, "%s done: %" PRIu32 " crash points in %s", phase,
					  sp->points, t);
		else
			cli_progress_note(p, "%s done: %" PRIu64 " requests in %s", phase,
					  sp->requests, t);
		p->phase[0] = '\0'; /* the next phase starts its own clock */
	}
	/* a point of one state is over at once: its line says nothing */
	if (sp->event != SIM_PROGRESS_TICK || sp->states == 1 || !due(p))
		return;
	if (sp->points > 0) {
		double f = (double)sp->point;

		if (sp->states > 0)
			f += (double)(sp->state < sp->states ? sp->state : sp->states) /
			     (double)sp->states;
		eta(p->phase_start_ns, f / sp->points, tail, sizeof(tail));
		if (sp->states > 0)
			snprintf(line, sizeof(line), "%s: crash point %" PRIu32 " of %" PRIu32
				 ", state %" PRIu64 " of %" PRIu64 "%s", phase, sp->point + 1,
				 sp->points, sp->state, sp->states, tail);
		else
			snprintf(line, sizeof(line), "%s: %" PRIu32 " of %" PRIu32 " crash points "
				 "done (request %" PRIu64 " of %" PRIu64 ")%s", phase, sp->point,
				 sp->points, sp->request, sp->requests, tail);
	} else {
		eta(p->phase_start_ns, sp->requests ? (double)sp->request / (double)sp->requests : 0.0, tail,
		    sizeof(tail));
		snprintf(line, sizeof(line), "%s: request %" PRIu64 " of %" PRIu64 "%s", phase,
			 sp->request, sp->requests, tail);
	}
	show(p, line);
}

void cli_progress_attach(struct cli_progress *p, struct sim_options *opt)
{
	opt->progress = p->on ? on_sim : NULL;
	opt->progress_arg = p->on ? p : NULL;
}

struct cli_progress *cli_progress_of(const struct sim_options *opt)
{
	return opt->progress == on_sim ? opt->progress_arg : NULL;
}

void cli_progress_prefix(struct cli_progress *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->prefix, sizeof(p->prefix), fmt, ap);
	va_end(ap);
}

void cli_progress_count(struct cli_progress *p, const char *what, uint64_t k, uint64_t n,
			const char *detail)
{
	char line[256], tail[64];

	if (!p->on)
		return;
	if (k == 0) {
		p->count_start_ns = now_ns();
		return;
	}
	if (detail != NULL)
		cli_progress_note(p, "%s %" PRIu64 " of %" PRIu64 " done: %s", what, k, n, detail);
	if (k < n && !due(p))
		return;
	if (k >= n) {
		cli_progress_clear(p);
		return; /* the command's own final message says it */
	}
	eta(p->count_start_ns, n ? (double)k / (double)n : 0.0, tail, sizeof(tail));
	snprintf(line, sizeof(line), "%s %" PRIu64 " of %" PRIu64 " done%s", what, k, n, tail);
	show(p, line);
}
