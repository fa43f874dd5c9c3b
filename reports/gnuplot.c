/* Running gnuplot for every writer in reports/: one script per plot, drawn
 * to PNG and SVG, run in the output directory so it can be re-run there;
 * one gnuplot process draws all of a report's scripts. */
#include <assert.h>
#include <errno.h>
#include <fiu-local.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reports/report_priv.h"

void rep_gp_terminals(FILE *f, const char *name, const char *body)
{
	fprintf(f, "set terminal pngcairo size 1000,600 font 'Sans,10'\n"
		   "set output '%s.png'\n%s"
		   "set terminal svg size 1000,600 font 'Sans,10' background '#ffffff'\n"
		   "set output '%s.svg'\n%s"
		   "unset output\n",
		name, body, name, body);
}

/* close(), checked. Test hook: a close that fails and leaves the descriptor
 * open (the case that once made the parent wait forever for an EOF). */
static int close_fd(int fd)
{
	int fail = 0;
	fiu_do_on("reports/gnuplot/close", fail = 1);
	if (fail) {
		errno = EIO;
		return -1;
	}
	return close(fd);
}

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Stops the child's whole process group and reaps the child. */
static void kill_child(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Reaps the child by the deadline: 0 and its status, or -1 (killed). */
static int reap_by(pid_t pid, int64_t deadline, int *status)
{
	for (;;) {
		pid_t got = waitpid(pid, status, WNOHANG);
		if (got == pid)
			return 0;
		if (got < 0 && errno != EINTR)
			return -1;
		if (now_ms() >= deadline) {
			kill_child(pid);
			return -1;
		}
		struct timespec nap = { 0, 10 * 1000000 };
		nanosleep(&nap, NULL);
	}
}

/* The scripts' names joined by spaces, for messages. */
static void join_names(char *buf, size_t size, const char *const *scripts, uint32_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < n && len + 1 < size; i++) {
		int w = snprintf(buf + len, size - len, "%s%s", i ? " " : "", scripts[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

/* Runs `prog -d s0 -e reset s1 -e reset s2 ...` in dir: one gnuplot for
 * all the scripts (its start-up, fonts and cairo, costs about as much as
 * drawing a plot), `reset` between them so each starts from the defaults.
 * Its output (stdout and stderr) is kept for the error message. Every wait
 * is bounded by timeout_ms: a gnuplot that hangs is killed, and no EOF is
 * awaited past the deadline. */
int rep_gp_run_list(const char *prog, const char *dir, const char *const *scripts,
		    uint32_t n_scripts, int timeout_ms, struct cs_err *err)
{
	assert(timeout_ms > 0); /* every wait has an end */
	assert(n_scripts >= 1 && n_scripts <= REP_GP_MAX_SCRIPTS);
	char script[512];
	join_names(script, sizeof(script), scripts, n_scripts);
	/* built before the fork: the child only execs */
	char *argv[2 + 3 * REP_GP_MAX_SCRIPTS + 1];
	uint32_t argc = 0;
	argv[argc++] = (char *)prog;
	argv[argc++] = (char *)"-d";
	for (uint32_t i = 0; i < n_scripts; i++) {
		if (i) {
			argv[argc++] = (char *)"-e";
			argv[argc++] = (char *)"reset";
		}
		argv[argc++] = (char *)scripts[i];
	}
	argv[argc] = NULL;
	assert(argc < sizeof(argv) / sizeof(argv[0]));
	int out[2], ep[2];
	if (pipe(out) != 0)
		return cs_err_set(err, "report: pipe: %s", strerror(errno));
	if (pipe(ep) != 0) {
		int e = errno;
		close(out[0]);
		close(out[1]);
		return cs_err_set(err, "report: pipe: %s", strerror(e));
	}
	/* The exec-error pipe closes on a successful exec, so the parent reads
	 * either nothing (exec worked) or the child's errno. */
	fcntl(ep[1], F_SETFD, FD_CLOEXEC);
	fcntl(out[0], F_SETFD, FD_CLOEXEC);
	fcntl(ep[0], F_SETFD, FD_CLOEXEC);
	int64_t deadline = now_ms() + timeout_ms;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(out[0]);
		close(out[1]);
		close(ep[0]);
		close(ep[1]);
		return cs_err_set(err, "report: fork: %s", strerror(e));
	}
	if (pid == 0) {
		int e;
		setpgid(0, 0); /* its own group, so a timeout stops its helpers too */
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		if (chdir(dir) != 0) {
			e = errno;
		} else {
			execvp(prog, argv);
			e = errno;
		}
		ssize_t w = write(ep[1], &e, sizeof(e));
		(void)w;
		_exit(127);
	}
	setpgid(pid, pid); /* as the child does: no race on who sets it first */
	/* Until the parent's write ends are closed no EOF can come: a failed
	 * close is an error, never a wait. */
	int c1 = close_fd(out[1]), e1 = errno;
	int c2 = close_fd(ep[1]), e2 = errno;
	if (c1 != 0 || c2 != 0) {
		kill_child(pid);
		close(out[0]);
		close(ep[0]);
		return cs_err_set(err, "report: running %s: close: %s", prog,
				  strerror(c1 != 0 ? e1 : e2));
	}
	char msg[512];
	size_t len = 0;
	int exec_errno = 0;
	size_t got = 0;
	struct pollfd pf[2] = { { out[0], POLLIN, 0 }, { ep[0], POLLIN, 0 } };
	int open_fds = 2, timed_out = 0;
	while (open_fds > 0) {
		int64_t left = deadline - now_ms();
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		int n = poll(pf, 2, (int)(left > 1000 ? 1000 : left));
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; n > 0 && i < 2; i++) {
			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			char buf[256];
			ssize_t r = read(pf[i].fd, buf, sizeof(buf));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				pf[i].fd = -1;
				open_fds--;
				continue;
			}
			if (i == 0) {
				for (ssize_t k = 0; k < r && len < sizeof(msg) - 1; k++)
					msg[len++] = buf[k] == '\n' ? ' ' : buf[k];
			} else {
				for (ssize_t k = 0; k < r && got < sizeof(exec_errno); k++)
					((char *)&exec_errno)[got++] = buf[k];
			}
		}
	}
	msg[len] = '\0';
	close(out[0]);
	close(ep[0]);
	int status = 0;
	if (timed_out || reap_by(pid, deadline, &status) != 0) {
		kill_child(pid);
		return cs_err_set(err, "report: %s %s did not finish within %d s; killed", prog,
				  script, (timeout_ms + 999) / 1000);
	}
	if (got == sizeof(exec_errno)) {
		if (exec_errno == ENOENT)
			return cs_err_set(err,
					  "report: cannot run '%s': not found in PATH; install "
					  "gnuplot or turn plots off",
					  prog);
		return cs_err_set(err, "report: cannot run '%s': %s", prog, strerror(exec_errno));
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFSIGNALED(status))
			return cs_err_set(err, "report: %s %s killed by signal %d", prog, script,
					  WTERMSIG(status));
		return cs_err_set(err, "report: %s %s failed (exit status %d): %s", prog, script,
				  WEXITSTATUS(status), len ? msg : "no message");
	}
	return 0;
}

/* gnuplot does not say why it could not write an image: a full disk is
 * named as such (the usual cause), not as gnuplot's failure. */
static int disk_full(const char *dir)
{
	struct statvfs v;
	return statvfs(dir, &v) == 0 && (v.f_bavail == 0 || v.f_favail == 0);
}

/* gnuplot exits 0 on some output errors; an empty image is a failure. */
static int check_output(const char *dir, const char *name, struct cs_err *err)
{
	char path[REP_PATH_MAX];
	struct stat st;
	if (rep_path(path, sizeof(path), dir, name, err))
		return -1;
	if (stat(path, &st) != 0 || st.st_size == 0) {
		if (disk_full(dir))
			return cs_err_set(err, "report: cannot write %s: %s", name,
					  strerror(ENOSPC));
		return cs_err_set(err, "report: gnuplot made no %s", name);
	}
	return 0;
}

int rep_gp_run(const char *prog, const char *dir, const char *script, int timeout_ms,
	       struct cs_err *err)
{
	return rep_gp_run_list(prog, dir, &script, 1, timeout_ms, err);
}

int rep_gp_render_list(const char *prog, const char *dir, const char *const *names, uint32_t n,
		       struct cs_err *err)
{
	return rep_gp_render_scripts(prog, dir, names, names, n, err);
}

int rep_gp_render_scripts(const char *prog, const char *dir, const char *const *script_names,
			  const char *const *names, uint32_t n, struct cs_err *err)
{
	char scripts[REP_GP_MAX_SCRIPTS][160];
	const char *sp[REP_GP_MAX_SCRIPTS];
	for (uint32_t done = 0; done < n; done += REP_GP_MAX_SCRIPTS) {
		uint32_t k = n - done < REP_GP_MAX_SCRIPTS ? n - done : REP_GP_MAX_SCRIPTS;
		for (uint32_t i = 0; i < k; i++) {
			if (strlen(names[done + i]) > 128 || strlen(script_names[done + i]) > 128)
				return cs_err_set(err, "report: plot name too long: %s",
						  names[done + i]);
			snprintf(scripts[i], sizeof(scripts[i]), "%s.gp", script_names[done + i]);
			sp[i] = scripts[i];
		}
		/* each plot keeps its own time allowance */
		if (rep_gp_run_list(prog, dir, sp, k, REP_GP_TIMEOUT_MS * (int)k, err)) {
			if (disk_full(dir))
				return cs_err_set(err, "report: cannot write plot images: %s",
						  strerror(ENOSPC));
			return -1;
		}
		for (uint32_t i = 0; i < k; i++) {
			char png[160], svg[160];
			snprintf(png, sizeof(png), "%s.png", names[done + i]);
			snprintf(svg, sizeof(svg), "%s.svg", names[done + i]);
			if (check_output(dir, png, err) || check_output(dir, svg, err))
				return -1;
		}
	}
	return 0;
}

int rep_gp_render(const char *prog, const char *dir, const char *name, struct cs_err *err)
{
	return rep_gp_render_list(prog, dir, &name, 1, err);
}
