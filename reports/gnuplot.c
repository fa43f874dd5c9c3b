/* Running gnuplot for every writer in reports/: one script per plot, drawn
 * to PNG and SVG, run in the output directory so it can be re-run there. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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

/* Runs `prog -d script` in dir; its output (stdout and stderr) is kept for
 * the error message. */
static int run_gnuplot(const char *prog, const char *dir, const char *script,
		       struct cs_err *err)
{
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
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		close(out[0]);
		close(ep[0]);
		if (chdir(dir) != 0) {
			e = errno;
		} else {
			char *const argv[] = { (char *)prog, (char *)"-d", (char *)script, NULL };
			execvp(prog, argv);
			e = errno;
		}
		ssize_t w = write(ep[1], &e, sizeof(e));
		(void)w;
		_exit(127);
	}
	close(out[1]);
	close(ep[1]);
	char msg[512];
	size_t len = 0;
	for (;;) {
		char buf[256];
		ssize_t n = read(out[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && len < sizeof(msg) - 1; i++)
			msg[len++] = buf[i] == '\n' ? ' ' : buf[i];
	}
	msg[len] = '\0';
	close(out[0]);
	int exec_errno = 0;
	ssize_t got;
	do
		got = read(ep[0], &exec_errno, sizeof(exec_errno));
	while (got < 0 && errno == EINTR);
	close(ep[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return cs_err_set(err, "report: waitpid: %s", strerror(errno));
	}
	if (got == (ssize_t)sizeof(exec_errno)) {
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

/* gnuplot exits 0 on some output errors; an empty image is a failure. */
static int check_output(const char *dir, const char *name, struct cs_err *err)
{
	char path[REP_PATH_MAX];
	struct stat st;
	if (rep_path(path, sizeof(path), dir, name, err))
		return -1;
	if (stat(path, &st) != 0 || st.st_size == 0)
		return cs_err_set(err, "report: gnuplot made no %s", name);
	return 0;
}

int rep_gp_render(const char *prog, const char *dir, const char *name, struct cs_err *err)
{
	char script[160], png[160], svg[160];
	if (strlen(name) > 128)
		return cs_err_set(err, "report: plot name too long: %s", name);
	snprintf(script, sizeof(script), "%s.gp", name);
	snprintf(png, sizeof(png), "%s.png", name);
	snprintf(svg, sizeof(svg), "%s.svg", name);
	if (run_gnuplot(prog, dir, script, err))
		return -1;
	if (check_output(dir, png, err) || check_output(dir, svg, err))
		return -1;
	return 0;
}
