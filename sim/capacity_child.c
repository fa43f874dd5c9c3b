/* The capacity replays in a child process, while the parent replays the run
 * itself: each is a replay of its own that shares nothing with the run but
 * the workload, so on two cores they cost no wall time. The child sends
 * each result (or its error) through a pipe; a child that could not start
 * or did not deliver leaves the replay to the parent, so the results, and
 * the errors, are those of sim_capacity in this process. */
#define _GNU_SOURCE /* prctl */
#include "sim/capacity.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/fdio.h"

/* One replay's outcome, as the child writes it. */
struct cap_record {
	uint32_t index; /* 0: the variant's, 1: none's */
	int32_t rc;
	struct capacity_info info;
	struct cs_err err;
};

static const char *replay_variant(unsigned k)
{
	return k == 0 ? NULL : "none";
}

static void child_main(int fd, const struct scenario *sc, const struct sim_workload *w,
		       unsigned n)
{
	struct cap_record rec;

	for (unsigned k = 0; k < n; k++) {
		memset(&rec, 0, sizeof(rec));
		rec.index = k;
		rec.rc = sim_capacity(sc, replay_variant(k), w, sc->output.capacity_depth,
				      &rec.info, &rec.err);
		if (fd_write_all(fd, &rec, sizeof(rec)) != 0 || rec.rc != 0)
			break; /* the parent stops at the first error, as a serial run */
	}
	_exit(0);
}

void cap_child_none(struct cap_child *c, unsigned n)
{
	assert(n >= 1 && n <= 2);
	*c = (struct cap_child){ .pid = 0, .fd = -1, .n = n, .next = 0 };
}

void cap_child_start(struct cap_child *c, const struct scenario *sc, const struct sim_workload *w,
		     unsigned n)
{
	int fds[2];
	pid_t parent = getpid();

	cap_child_none(c, n); /* what stays if no child can start */
	if (pipe2(fds, O_CLOEXEC) != 0) /* nothing the run execs holds it */
		return;
	fflush(NULL); /* the child must not write the parent's buffers again */
	c->pid = fork();
	if (c->pid < 0) {
		c->pid = 0;
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (c->pid == 0) {
		close(fds[0]);
		/* a parent gone (killed, or ended early) needs no results */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		signal(SIGPIPE, SIG_DFL);
		child_main(fds[1], sc, w, n);
	}
	close(fds[1]);
	c->fd = fds[0];
}

/* Stops the child (if any; one that sent all it had is ending on its own)
 * and reaps it; later results are computed here. */
static void stop(struct cap_child *c, bool finished)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->pid > 0) {
		if (!finished)
			kill(c->pid, SIGKILL);
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	c->pid = 0;
}

int cap_child_result(struct cap_child *c, const struct scenario *sc, const struct sim_workload *w,
		     struct capacity_info *out, struct cs_err *err)
{
	struct cap_record rec;
	size_t got = 0;
	unsigned k = c->next++;

	assert(k < c->n); /* each replay's result is asked for once, in order */
	if (c->pid > 0) {
		if (fd_read_all(c->fd, &rec, sizeof(rec), &got) == 0 && got == sizeof(rec) &&
		    rec.index == k) {
			if (rec.rc != 0) {
				*err = rec.err;
				stop(c, true);
				return -1;
			}
			/* a replay that ended has its numbers */
			assert(rec.info.measured && rec.info.queue_depth == sc->output.capacity_depth);
			assert(rec.info.requests_done <= w->n);
			*out = rec.info;
			if (c->next == c->n)
				stop(c, true);
			return 0;
		}
		stop(c, false); /* it died or was cut short: the replay is done here */
	}
	return sim_capacity(sc, replay_variant(k), w, sc->output.capacity_depth, out, err);
}

void cap_child_end(struct cap_child *c)
{
	stop(c, false);
}
