/*
 * Two libarchive readers at most: the outer one reads the file (gzip
 * filter, zip or raw format); for a zip, an inner one reads each member
 * through read_member, so a member that is itself gzip is decompressed as
 * it streams. The FILE handed out is a fopencookie over the innermost.
 */
#define _GNU_SOURCE /* fopencookie */
#include "onboard/input.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK (64 * 1024)

struct ob_input {
	struct archive *outer, *inner;
	bool zip, started, done;
	bool empty; /* the member of an empty file */
	FILE *f;
	char *member;
	char block[BLOCK]; /* the inner reader's buffer */
	int64_t size;	   /* of a regular file; 0: unknown */
	int error;	   /* 0, OB_EDATA or OB_ENOINPUT */
	char message[256];
};

static struct archive *new_reader(void)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_gzip(a);
	archive_read_support_format_raw(a);
	archive_read_support_format_empty(a);
	return a;
}

/* libarchive's message, or ours when it gives none (a cut gzip trailer). */
static void note_error(struct ob_input *in, struct archive *a)
{
	const char *why = archive_error_string(a);
	int e = archive_errno(a);
	in->error = e == EIO || e == ENOMEM ? OB_ENOINPUT : OB_EDATA;
	snprintf(in->message, sizeof(in->message), "%s",
		 why ? why : "the compressed data is truncated or corrupt");
}

static la_ssize_t read_member(struct archive *a, void *ctx, const void **buf)
{
	struct ob_input *in = ctx;
	la_ssize_t n = archive_read_data(in->outer, in->block, BLOCK);
	(void)a;
	if (n < 0) {
		note_error(in, in->outer);
		archive_set_error(a, EINVAL, "%s", in->message);
		return -1;
	}
	*buf = in->block;
	return n;
}

static ssize_t cookie_read(void *ctx, char *buf, size_t size)
{
	struct ob_input *in = ctx;
	struct archive *a = in->inner ? in->inner : in->outer;
	la_ssize_t n;
	if (in->error) {
		errno = EIO;
		return -1;
	}
	if (in->empty)
		return 0;
	n = archive_read_data(a, buf, size);
	if (n < 0) {
		/* A member's reader reports the outer one's trouble too. */
		if (!in->error)
			note_error(in, a);
		errno = EIO;
		return -1;
	}
	return n;
}

int ob_input_open(const char *path, struct ob_input **out, struct ob_err *err)
{
	struct ob_input *in = xcalloc(1, sizeof(*in));
	bool std = strcmp(path, "-") == 0;
	struct stat sb;
	int r;
	if ((std ? fstat(STDIN_FILENO, &sb) : stat(path, &sb)) == 0 &&
	    S_ISREG(sb.st_mode))
		in->size = (int64_t)sb.st_size;
	in->outer = new_reader();
	archive_read_support_format_zip(in->outer);
	r = std ? archive_read_open_fd(in->outer, STDIN_FILENO, BLOCK)
		: archive_read_open_filename(in->outer, path, BLOCK);
	if (r != ARCHIVE_OK) {
		int e = archive_errno(in->outer);
		const char *why = archive_error_string(in->outer);
		/* libarchive's errno is the system's when the file failed. */
		if (e > 0 && e != EINVAL && e != EILSEQ)
			ob_fail(err, OB_ENOINPUT, "cannot open '%s': %s", path,
				strerror(e));
		else
			ob_fail(err, OB_EDATA, "%s",
				why ? why : "unreadable compressed data");
		ob_input_close(in);
		return -1;
	}
	*out = in;
	return 0;
}

static void close_member(struct ob_input *in)
{
	if (in->f)
		fclose(in->f);
	in->f = NULL;
	if (in->inner)
		archive_read_free(in->inner);
	in->inner = NULL;
	free(in->member);
	in->member = NULL;
}

static int open_file(struct ob_input *in, FILE **f, struct ob_err *err)
{
	static const cookie_io_functions_t io = {.read = cookie_read};
	in->f = fopencookie(in, "r", io);
	if (!in->f)
		return ob_fail(err, OB_EFAIL, "cannot read: %s",
			       strerror(errno));
	*f = in->f;
	return 1;
}

int ob_input_next(struct ob_input *in, FILE **f, const char **member,
		  struct ob_err *err)
{
	struct archive_entry *e;
	int r;
	close_member(in);
	*member = NULL;
	if (in->done)
		return 0;
	for (;;) {
		r = archive_read_next_header(in->outer, &e);
		if (r == ARCHIVE_EOF) {
			in->done = true;
			/* An empty file is one member with no bytes, so that
			 * its reader can say what it expected. */
			if (in->started)
				return 0;
			in->started = true;
			in->empty = true;
			return open_file(in, f, err);
		}
		if (r < ARCHIVE_WARN) {
			note_error(in, in->outer);
			return ob_fail(err, in->error, "%s", in->message);
		}
		in->started = true;
		in->zip = archive_format(in->outer) == ARCHIVE_FORMAT_ZIP ||
			  (archive_format(in->outer) &
			   ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP;
		if (!in->zip) {
			in->done = true; /* raw: the one entry */
			return open_file(in, f, err);
		}
		if (archive_entry_filetype(e) == AE_IFREG)
			break;
	}
	in->member = xstrdup(
	    archive_entry_pathname(e) ? archive_entry_pathname(e) : "?");
	*member = in->member;
	in->inner = new_reader();
	if (archive_read_open(in->inner, in, NULL, read_member, NULL) !=
		ARCHIVE_OK ||
	    archive_read_next_header(in->inner, &e) < ARCHIVE_WARN) {
		if (!in->error)
			note_error(in, in->inner);
		return ob_fail(err, in->error, "%s", in->message);
	}
	return open_file(in, f, err);
}

void ob_input_error(const struct ob_input *in, struct ob_err *err)
{
	if (in->error)
		ob_fail(err, in->error, "%s", in->message);
	else
		ob_fail(err, OB_ENOINPUT, "read error: %s", strerror(EIO));
}

void ob_input_progress(const struct ob_input *in, int64_t *read,
		       int64_t *size)
{
	*read = archive_filter_bytes(in->outer, -1);
	*size = in->size;
}

void ob_input_close(struct ob_input *in)
{
	if (!in)
		return;
	close_member(in);
	if (in->outer)
		archive_read_free(in->outer);
	free(in);
}
