/* syncfs(2): one sync for a batch of Maildir messages (Linux). */
#define _GNU_SOURCE
#include "onboard/deliver.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* --- sendmail ------------------------------------------------------------ */

void ob_sendmail_init(struct ob_sendmail *sm, const char *command)
{
	const char *p = command && strspn(command, " \t") < strlen(command)
			    ? command
			    : OB_SENDMAIL_DEFAULT;
	size_t cap = 0;
	memset(sm, 0, sizeof(*sm));
	for (;;) {
		size_t n;
		p += strspn(p, " \t");
		if (!*p)
			break;
		n = strcspn(p, " \t");
		ob_grow(&sm->argv, &cap, sm->argc + 6, sizeof(*sm->argv));
		sm->argv[sm->argc++] = xstrndup(p, n);
		p += n;
	}
}

void ob_sendmail_release(struct ob_sendmail *sm)
{
	for (size_t i = 0; i < sm->argc; i++)
		free(sm->argv[i]);
	free(sm->argv);
	memset(sm, 0, sizeof(*sm));
}

/* why = text, one line of it, control characters made spaces. */
static void set_why(char *why, size_t why_len, const char *text, size_t n)
{
	size_t i;
	if (!why_len)
		return;
	for (i = 0; i < n && i + 1 < why_len && text[i] != '\n'; i++)
		why[i] = (unsigned char)text[i] < 0x20 || text[i] == 0x7f
			     ? ' '
			     : text[i];
	while (i > 0 && why[i - 1] == ' ')
		i--;
	why[i] = '\0';
}

static void set_cloexec(int fd)
{
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/*
 * Writes msg to fd in while reading the program's standard error from
 * fd err (a program that writes much before it reads would otherwise
 * wait on us while we wait on it). Keeps the start of what it said.
 */
static void talk(int in, int err, const char *msg, size_t len, char *said,
		 size_t said_cap, size_t *said_len)
{
	size_t off = 0;
	fcntl(in, F_SETFL, O_NONBLOCK);
	while (err >= 0 || in >= 0) {
		struct pollfd fds[2] = {{.fd = err, .events = POLLIN},
					{.fd = in, .events = POLLOUT}};
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (err >= 0 && fds[0].revents) {
			char buf[4096];
			ssize_t n = read(err, buf, sizeof(buf));
			if (n <= 0 && !(n < 0 && errno == EINTR)) {
				close(err);
				err = -1;
			} else if (n > 0 && *said_len < said_cap) {
				size_t keep = (size_t)n;
				if (keep > said_cap - *said_len)
					keep = said_cap - *said_len;
				memcpy(said + *said_len, buf, keep);
				*said_len += keep;
			}
		}
		if (in >= 0 && fds[1].revents) {
			ssize_t n =
			    off < len ? write(in, msg + off, len - off) : 0;
			if (n > 0)
				off += (size_t)n;
			/* Done, or the program stopped reading (EPIPE). */
			if (off >= len ||
			    (n < 0 && errno != EAGAIN && errno != EINTR)) {
				close(in);
				in = -1;
			}
		}
	}
	if (in >= 0)
		close(in);
	if (err >= 0)
		close(err);
}

/*
 * Whether the program can be run, as execvp would find it: a spawn that
 * forks before it execs reports a missing program only as exit 127,
 * which a sendmail may mean otherwise.
 */
static int find_program(const char *name)
{
	const char *path = getenv("PATH");
	int e = ENOENT;
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? 0 : errno;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;; p += strcspn(p, ":") + 1) {
		size_t n = strcspn(p, ":");
		char *full =
		    xasprintf("%.*s%s%s", (int)n, p, n ? "/" : "", name);
		int ok = access(full, X_OK);
		free(full);
		if (ok == 0)
			return 0;
		if (errno == EACCES)
			e = EACCES;
		if (!p[n])
			return e;
	}
}

enum ob_delivery_result ob_sendmail_deliver(const struct ob_sendmail *sm,
					    const char *sender, const char *msg,
					    size_t len, char *why,
					    size_t why_len)
{
	char *argv[64];
	char said[1025]; /* what the program said, NUL-terminated */
	size_t said_len = 0, argc = 0;
	int in[2] = {-1, -1}, err[2] = {-1, -1}, status, rc;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t pipe_set;
	struct sigaction ignore = {.sa_handler = SIG_IGN}, old_pipe;
	pid_t pid;
	enum ob_delivery_result result = OB_DELIVERY_FAILED;

	for (size_t i = 0; i < sm->argc && argc < 58; i++)
		argv[argc++] = sm->argv[i];
	argv[argc++] = "-oi";
	argv[argc++] = "-t";
	argv[argc++] = "-f";
	argv[argc++] = (char *)sender;
	argv[argc] = NULL;
	if ((rc = find_program(argv[0])) != 0) {
		snprintf(why, why_len, "cannot run '%s': %s", argv[0],
			 strerror(rc));
		goto out;
	}
	if (pipe(in) < 0 || pipe(err) < 0) {
		snprintf(why, why_len, "cannot run '%s': %s", argv[0],
			 strerror(errno));
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		set_cloexec(in[i]);
		set_cloexec(err[i]);
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	/* We ignore SIGPIPE while we write; the program must not inherit it. */
	posix_spawnattr_init(&attr);
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &pipe_set);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	sigaction(SIGPIPE, &ignore, &old_pipe);
	rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(in[0]);
	close(err[1]);
	in[0] = err[1] = -1;
	if (rc != 0) {
		sigaction(SIGPIPE, &old_pipe, NULL);
		snprintf(why, why_len, "cannot run '%s': %s", argv[0],
			 strerror(rc));
		goto out;
	}
	talk(in[1], err[0], msg, len, said, sizeof(said) - 1, &said_len);
	said[said_len] = '\0';
	in[1] = err[0] = -1;
	/* A SIGPIPE raised while ignored is gone; none can be pending. */
	sigaction(SIGPIPE, &old_pipe, NULL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, why_len, "cannot wait for '%s': %s",
				 argv[0], strerror(errno));
			goto out;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		result = OB_DELIVERED;
		goto out;
	}
	if (WIFEXITED(status) &&
	    (WEXITSTATUS(status) == 75 || WEXITSTATUS(status) == 71))
		result = OB_DELIVERY_TEMPORARY;
	if (said_len && strspn(said, " \t\r\n") < said_len)
		set_why(why, why_len, said + strspn(said, " \t\r\n"),
			said_len - strspn(said, " \t\r\n"));
	else if (WIFEXITED(status))
		snprintf(why, why_len, "'%s' exited with status %d", argv[0],
			 WEXITSTATUS(status));
	else
		snprintf(why, why_len, "'%s' was killed by signal %d", argv[0],
			 WTERMSIG(status));
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	return result;
}

/* --- Maildir ------------------------------------------------------------- */

struct ob_maildir {
	char *dir;
	int tmp, new;	/* directory descriptors */
	char **pending; /* names in tmp/, put and not committed */
	size_t npending, pending_cap;
	unsigned long count;
	long pid;
	char host[64];
};

static int open_dir(struct ob_maildir *md, const char *sub, int *fd,
		    struct ob_err *err)
{
	char *path = xasprintf("%s/%s", md->dir, sub);
	int ret = 0;
	if (ob_make_dirs(path, err) < 0)
		ret = -1;
	else if ((*fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		ret = ob_fail(err, OB_EFAIL, "cannot open '%s': %s", path,
			      strerror(errno));
	free(path);
	return ret;
}

int ob_maildir_open(const char *dir, struct ob_maildir **out,
		    struct ob_err *err)
{
	struct ob_maildir *md = xcalloc(1, sizeof(*md));
	int cur = -1;
	md->dir = xstrdup(dir);
	md->tmp = md->new = -1;
	if (open_dir(md, "tmp", &md->tmp, err) < 0 ||
	    open_dir(md, "new", &md->new, err) < 0 ||
	    open_dir(md, "cur", &cur, err) < 0) {
		ob_maildir_close(md);
		return -1;
	}
	close(cur);
	md->pid = (long)getpid();
	/* The host part of unique names: '/' and ':' have meanings there. */
	if (gethostname(md->host, sizeof(md->host)) < 0)
		strcpy(md->host, "localhost");
	md->host[sizeof(md->host) - 1] = '\0';
	for (char *p = md->host; *p; p++)
		if (*p == '/' || *p == ':' || (unsigned char)*p < 0x21)
			*p = '_';
	*out = md;
	return 0;
}

int ob_maildir_put(struct ob_maildir *md, const char *msg, size_t len,
		   struct ob_err *err)
{
	struct timeval tv;
	char *name;
	size_t off = 0;
	int fd;
	gettimeofday(&tv, NULL);
	/* time.MusecPpidQn.host: unique on this host (maildir(5)). */
	name = xasprintf("%lld.M%06ldP%ldQ%lu.%s", (long long)tv.tv_sec,
			 (long)tv.tv_usec, md->pid, ++md->count, md->host);
	fd = openat(md->tmp, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600);
	if (fd < 0)
		goto fail;
	while (off < len) {
		ssize_t n = write(fd, msg + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (close(fd) < 0) {
		int e = errno;
		unlinkat(md->tmp, name, 0);
		errno = e;
		fd = -1;
		goto fail;
	}
	ob_grow(&md->pending, &md->pending_cap, md->npending + 1,
		sizeof(*md->pending));
	md->pending[md->npending++] = name;
	return 0;
fail:
	ob_fail(err, OB_EFAIL, "cannot write '%s/tmp/%s': %s", md->dir, name,
		strerror(errno));
	if (fd >= 0) {
		close(fd);
		unlinkat(md->tmp, name, 0);
	}
	free(name);
	return -1;
}

/* Makes what was written to tmp/ durable before any of it is in new/. */
static int sync_tmp(struct ob_maildir *md, struct ob_err *err)
{
#ifdef __linux__
	/* One sync of the file system: fsync per file cost 0.2 ms each. */
	if (syncfs(md->tmp) == 0)
		return 0;
#endif
	for (size_t i = 0; i < md->npending; i++) {
		int fd = openat(md->tmp, md->pending[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fsync(fd) < 0) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			return ob_fail(err, OB_EFAIL,
				       "cannot sync '%s/tmp/%s': %s", md->dir,
				       md->pending[i], strerror(e));
		}
		close(fd);
	}
	return 0;
}

/* Removes the messages put and not moved into new/. */
static void drop_pending(struct ob_maildir *md, size_t from)
{
	for (size_t i = from; i < md->npending; i++) {
		unlinkat(md->tmp, md->pending[i], 0);
		free(md->pending[i]);
	}
	md->npending = from;
}

int ob_maildir_commit(struct ob_maildir *md, size_t *delivered,
		      struct ob_err *err)
{
	size_t moved = 0;
	int ret = 0;
	*delivered = 0;
	if (!md->npending)
		return 0;
	if (sync_tmp(md, err) < 0) {
		drop_pending(md, 0);
		return -1;
	}
	for (; moved < md->npending; moved++)
		if (renameat(md->tmp, md->pending[moved], md->new,
			     md->pending[moved]) < 0) {
			ret = ob_fail(
			    err, OB_EFAIL, "cannot move '%s' into '%s/new': %s",
			    md->pending[moved], md->dir, strerror(errno));
			break;
		}
	if (moved && fsync(md->new) < 0 && ret == 0)
		ret = ob_fail(err, OB_EFAIL, "cannot sync '%s/new': %s",
			      md->dir, strerror(errno));
	/*
	 * What is in new/ is delivered, even when the directory's sync
	 * failed: a reader may have it already, and sending it again would
	 * deliver it twice. What is not goes, so that no later commit
	 * delivers a message the caller was told had not gone.
	 */
	*delivered = moved;
	for (size_t i = 0; i < moved; i++)
		free(md->pending[i]);
	memmove(md->pending, md->pending + moved,
		(md->npending - moved) * sizeof(*md->pending));
	md->npending -= moved;
	drop_pending(md, 0);
	return ret;
}

void ob_maildir_close(struct ob_maildir *md)
{
	if (!md)
		return;
	drop_pending(md, 0);
	free(md->pending);
	if (md->tmp >= 0)
		close(md->tmp);
	if (md->new >= 0)
		close(md->new);
	free(md->dir);
	free(md);
}
