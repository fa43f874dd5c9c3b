/* Shared by the report writers; not part of the public interface. */
#ifndef CSUMSIM_REPORTS_REPORT_PRIV_H
#define CSUMSIM_REPORTS_REPORT_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "reports/report.h"

/* Numbers derived from one run_metrics (definitions: docs/METRICS.md).
 * Ratios with a zero denominator are NaN and are written as null / "n/a". */
struct rep_derived {
	uint64_t requests;        /* user requests, every op */
	uint64_t user_bytes;      /* read + write user bytes */
	uint64_t completed_bytes; /* read + write bytes of completed requests */
	uint64_t sub_ios;         /* sub-I/Os, every role */
	uint64_t sub_io_bytes;
	uint64_t dev_flushes;     /* cache flushes executed by the devices */
	double sub_ios_per_request;
	double bytes_per_user_byte;
	double flushes_per_request;
	double flush_sub_ios_per_request; /* CSUM_ROLE_FLUSH sub-I/Os per request */
	double throughput_bytes_s;
	uint64_t p50, p99;        /* over every completed request */
	struct oracle_counts crash_totals; /* summed over crashes */
	uint64_t crash_sectors_checked;
	struct recovery_crashes recovery; /* summed over crashes (crash.recovery) */
	double capacity_mib_s;    /* closed-loop MiB/s; NaN when not measured */
	uint64_t hung;            /* user requests submitted, never completed */
	/* a request never completed (in the replay or the capacity run): the
	 * costs and rates cover a prefix of the trace only */
	bool stalled;
};

struct rep_overhead {
	double sub_ios_per_request, bytes_per_user_byte, flushes_per_request;
	double latency_p50, latency_p99, throughput;
	double capacity;          /* capacity MiB/s over none's (below 1: slower) */
};

void rep_derive(const struct run_metrics *m, struct rep_derived *d);
void rep_overhead(const struct rep_derived *run, const struct rep_derived *base,
		  struct rep_overhead *o);
double rep_ratio(double num, double den);
/* The run's variant name, with every character of `unsafe` replaced by
 * `repl`, so it can stand inside a table cell or a plot title. */
void rep_variant_name(const struct run_metrics *m, const char *unsafe, char repl, char *buf,
		      size_t size);

/* An output directory written atomically (reports/outdir.c), for every
 * writer here: begin makes a fresh sibling temp dir `tmp` next to `out`
 * after checking that an existing `out` is empty or holds `marker` (the main
 * file of a previous output of the same kind), so a mistyped path never
 * deletes unrelated files; commit renames tmp over out (the old one is
 * restored if that fails); abort, or a failed commit, removes tmp. */
#define REP_PATH_MAX 4096
struct rep_outdir {
	char out[REP_PATH_MAX];
	char tmp[REP_PATH_MAX + 16];
	int exists;
};
int rep_outdir_begin(struct rep_outdir *d, const char *out_dir, const char *marker,
		     struct cs_err *err);
int rep_outdir_commit(struct rep_outdir *d, struct cs_err *err);
void rep_outdir_abort(struct rep_outdir *d);
/* What begin checks, done before any work (so a bad -o is found before a
 * long simulation): out is a name ('-' is not), an existing out is one
 * begin would replace, and the directory that will hold it is writable.
 * Also handles a killed run's leftovers, as begin does. */
int rep_outdir_check(const char *out_dir, const char *marker, struct cs_err *err);
int rep_rm_tree(const char *path);

/* Leftovers of killed runs (reports/outdir_leftovers.c). rep_dir_holds:
 * REP_HOLDS_* or -1 (unreadable). The writer note marks a temp dir in
 * progress. rep_leftovers_clean puts back a previous output stranded by a
 * kill mid-swap when out is missing, and removes leftovers proven ours. */
#define REP_OWNER_NOTE ".csumsim-writer"
enum { REP_HOLDS_OTHER = 0, REP_HOLDS_NOTHING = 1, REP_HOLDS_MARKER = 2 };
int rep_dir_holds(const char *dir, const char *marker);
int rep_owner_write(const char *dir, struct cs_err *err);
int rep_owner_drop(const char *dir, struct cs_err *err);
void rep_leftovers_clean(const char *out, const char *marker);

/* Files inside the temp dir. rep_close checks every write of the stream. */
FILE *rep_open(const char *dir, const char *name, struct cs_err *err);
int rep_close(FILE *f, const char *name, struct cs_err *err);
int rep_path(char *buf, size_t size, const char *dir, const char *name, struct cs_err *err);

/* Gnuplot (reports/gnuplot.c). rep_gp_terminals writes `body` (the plot
 * commands) twice into a script: to NAME.png (pngcairo) and NAME.svg.
 * rep_gp_render runs `prog -d NAME.gp` inside dir (-d: no ~/.gnuplot, so the
 * output depends on the script alone) and checks that both images exist. */
void rep_gp_terminals(FILE *f, const char *name, const char *body);
int rep_gp_render(const char *prog, const char *dir, const char *name, struct cs_err *err);
/* rep_gp_render_list: the same for several plots, drawn by one gnuplot
 * (REP_GP_MAX_SCRIPTS at a time), with byte-identical images. */
int rep_gp_render_list(const char *prog, const char *dir, const char *const *names, uint32_t n,
		       struct cs_err *err);
/* The same, each plot NAME drawn by the script scripts[i].gp, which draws
 * NAME.png and NAME.svg (a render-only copy of NAME.gp, e.g. reading its
 * data in binary). */
int rep_gp_render_scripts(const char *prog, const char *dir, const char *const *scripts,
			  const char *const *names, uint32_t n, struct cs_err *err);
/* Runs `prog -d script` in dir, killed (its process group) when it takes
 * longer than timeout_ms; rep_gp_render gives each plot REP_GP_TIMEOUT_MS.
 * rep_gp_run_list runs several scripts in one gnuplot, `reset` between. */
#define REP_GP_TIMEOUT_MS (5 * 60 * 1000)
#define REP_GP_MAX_SCRIPTS 16
int rep_gp_run(const char *prog, const char *dir, const char *script, int timeout_ms,
	       struct cs_err *err);
int rep_gp_run_list(const char *prog, const char *dir, const char *const *scripts,
		    uint32_t n, int timeout_ms, struct cs_err *err);

/* Crash order for "worst crashes": more silent, then stale, false positive,
 * detected sectors first; index breaks ties. Returns n indices (caller
 * frees), NULL when n is 0 or memory runs out. */
uint32_t *rep_crashes_by_severity(const struct run_metrics *m);

/* Recovery plot bars: crashes grouped so there are at most REP_MAX_BARS. */
#define REP_MAX_BARS 60
uint32_t rep_crash_group(uint32_t n_crashes);

int rep_write_json(const char *dir, const struct report_input *in, struct cs_err *err);
int rep_write_csv(const char *dir, const struct report_input *in, struct cs_err *err);
int rep_write_md(const char *dir, const struct report_input *in, struct cs_err *err);
/* .gp and .dat files always; gnuplot run only when in->plots. */
int rep_write_plots(const char *dir, const struct report_input *in, struct cs_err *err);

/* report.html: the summary's sections and tables as one self-contained page
 * with the SVG plots inline (reports/report_html.c); written after the
 * plots, whose SVGs it reads from dir. */
int rep_write_html(const char *dir, const struct report_input *in, struct cs_err *err);

/* HTML pieces (reports/html.c). rep_html_text escapes & < > " ' and
 * replaces control characters, for text and attribute values alike;
 * rep_html_text_n stops after max bytes or at a NUL. rep_html_begin opens a
 * page (inline style, a policy that forbids every external load) up to
 * <main>; rep_html_end closes it. rep_html_svg embeds dir/NAME.svg inline,
 * its ids prefixed with "NAME-" so several plots can share a page. */
void rep_html_text(FILE *f, const char *s);
void rep_html_text_n(FILE *f, const char *s, size_t max);
void rep_html_begin(FILE *f, const char *title);
void rep_html_end(FILE *f);
int rep_html_svg(FILE *f, const char *dir, const char *name, struct cs_err *err);

/* Which plots have data (the summary links only those). */
struct rep_plot_set {
	int throughput, latency, recovery;
};
void rep_plot_set(const struct report_input *in, struct rep_plot_set *p);

#endif
