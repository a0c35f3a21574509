/* onboard log | import: events in, one by hand or many from files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "onboard/cli.h"
#include "onboard/import.h"
#include "onboard/input.h"

/*
 * Turns checked fields into an event for the store: the account must
 * exist, and a milestone event must name a milestone of its playbook.
 * Problems with the row are OB_EDATA; others end the command.
 */
static int resolve_event(struct ob_store *st, struct ob_playbook_cache *pc,
			 const struct ob_event_fields *f,
			 const struct ob_event_parsed *p, struct ob_event *ev,
			 struct ob_err *err)
{
	struct ob_account_ref ref;
	int r = ob_store_account_ref(st, f->account, &ref, err);
	if (r < 0)
		return -1;
	if (r == 1)
		return ob_fail(err, OB_EDATA, "unknown account '%s'",
			       f->account);
	if (p->known == OB_EV_MILESTONE) {
		int64_t pid;
		const struct ob_playbook *pb =
			ob_playbook_cache_get(pc, st, NULL, ref.playbook_id,
					      &pid, err);
		if (!pb)
			return -1;
		if (ob_playbook_milestone(pb, f->value) < 0)
			return ob_fail(err, OB_EDATA,
				       "unknown milestone '%s' for playbook "
				       "'%s'",
				       f->value, pb->name);
	}
	if (ob_store_event_type(st, f->type, true, &ev->type, err) < 0)
		return -1;
	ev->account = ref.rowid;
	ev->at = p->at;
	ev->bare = p->bare;
	ev->value = p->known == OB_EV_NPS ? p->nps : f->value ? f->value : "";
	ev->ext_id = f->id ? f->id : "";
	return 0;
}

int ob_cmd_log(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"at", required_argument, NULL, 'a'},
		{"value", required_argument, NULL, 'v'},
		{"id", required_argument, NULL, 'i'},
		{0},
	};
	struct ob_event_fields f = {0};
	struct ob_event_parsed parsed;
	struct ob_event ev;
	struct ob_playbook_cache pc = {0};
	struct ob_store *st = NULL;
	struct ob_err err = {0};
	char when[24];
	int64_t added, duplicates;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		if (c == 'a')
			f.at = optarg;
		else if (c == 'v')
			f.value = *optarg ? optarg : NULL;
		else
			f.id = *optarg ? optarg : NULL;
	}
	if (argc - optind != 2)
		return ob_cli_usage_error(ctx, "expected an account id and an "
					       "event type");
	f.account = argv[optind];
	f.type = argv[optind + 1];
	if (ob_event_check(&f, true, &parsed, &err) < 0)
		return ob_cli_report(&err);
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &st)) != OB_OK)
		return code;
	if (ob_store_begin(st, &err) < 0 ||
	    resolve_event(st, &pc, &f, &parsed, &ev, &err) < 0 ||
	    ob_store_event_add(st, &ev, &err) < 0 ||
	    ob_store_events_flush(st, &added, &duplicates, &err) < 0 ||
	    ob_store_commit(st, &err) < 0) {
		ob_store_rollback(st);
		code = ob_cli_report(&err);
		goto out;
	}
	if (parsed.bare)
		snprintf(when, sizeof(when), "%s", f.at);
	else
		ob_time_format_utc(parsed.at, when);
	ob_cli_note(ctx, "%s %s for '%s' at %s", added ? "logged" : "already had",
		    f.type, f.account, when);
out:
	ob_playbook_cache_release(&pc);
	ob_store_close(st);
	return code;
}

struct import_counts {
	long rows, added, duplicates, invalid;
	/* an analytics export's: skipped lines by why, and group calls */
	long unmapped, unknown, other, linked;
};

/*
 * Where a file's format comes from: --format, else its extension under
 * a .gz one.
 */
static int file_format(const struct ob_ctx *ctx, const char *path,
		       enum ob_import_format *out)
{
	const char *f = ctx->format;
	char ext[16] = "";
	if (!f && strcmp(path, "-") == 0)
		return ob_cli_usage_error(ctx, "give --format csv or jsonl to "
					       "read standard input");
	if (!f) {
		const char *base = strrchr(path, '/');
		size_t n;
		const char *dot;
		base = base ? base + 1 : path;
		n = strlen(base);
		if (n > 3 && strcmp(base + n - 3, ".gz") == 0)
			n -= 3;
		dot = NULL;
		for (size_t i = 0; i < n; i++)
			if (base[i] == '.')
				dot = base + i;
		if (dot && (size_t)(base + n - dot) < sizeof(ext)) {
			memcpy(ext, dot + 1, (size_t)(base + n - dot - 1));
			ext[base + n - dot - 1] = '\0';
		}
		f = ext;
	}
	if (strcmp(f, "csv") == 0)
		*out = OB_IMPORT_CSV;
	else if (strcmp(f, "jsonl") == 0 || strcmp(f, "ndjson") == 0)
		*out = OB_IMPORT_JSONL;
	else if (ctx->format)
		return ob_cli_usage_error(ctx, "unknown format '%s' (expected "
					       "csv or jsonl)",
					  ctx->format);
	else
		return ob_cli_usage_error(ctx, "cannot tell the format of '%s' "
					       "from its name: give --format "
					       "csv or jsonl",
					  path);
	return OB_OK;
}

/*
 * The accounts of the users whose lines named none, in front of the
 * store (which holds every link, written or queued, and is asked only
 * when a line names no account): emptied when full, so that its memory
 * stays bounded however many users an export names.
 */
#define USER_CACHE_MAX 16384

struct user_cache {
	struct ob_strmap index; /* user -> index in accounts */
	char **accounts;	/* their account ids; NULL: no link */
	size_t n;
};

/*
 * A long import's progress, on a terminal only: rows read, their rate
 * and how much of the file, redrawn on one line of stderr every
 * ONBOARD_PROGRESS_MS (default 250) and erased before anything else is
 * printed there.
 */
struct progress {
	bool on, shown;
	int64_t every_us, start_us, last_us;
};

static int64_t monotonic_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void progress_init(struct progress *p, const struct ob_ctx *ctx)
{
	const char *every = getenv("ONBOARD_PROGRESS_MS");
	long ms = every && *every ? strtol(every, NULL, 10) : 250;
	p->on = !ctx->quiet && isatty(STDERR_FILENO);
	p->every_us = ms > 0 ? (int64_t)ms * 1000 : 0;
}

/* A file begins: its rate counts from now. */
static void progress_file(struct progress *p)
{
	p->start_us = p->last_us = monotonic_us();
}

static void progress_tick(struct progress *p, const struct ob_input *in,
			  const char *name, long rows)
{
	struct ob_buf b = {0};
	int64_t now, read, size;
	if (!p->on || (now = monotonic_us()) - p->last_us < p->every_us)
		return;
	p->last_us = now;
	ob_input_progress(in, &read, &size);
	ob_buf_adds(&b, "\r\033[K");
	ob_buf_add_visible(&b, name, strlen(name));
	ob_buf_addf(&b, ": %ld rows read", rows);
	if (now > p->start_us)
		ob_buf_addf(&b, ", %.0f rows/s",
			    (double)rows * 1e6 / (double)(now - p->start_us));
	if (size > 0 && read >= 0)
		ob_buf_addf(&b, ", %d%%",
			    (int)(100 * (read < size ? read : size) / size));
	fwrite(b.data, 1, b.len, stderr);
	fflush(stderr);
	ob_buf_release(&b);
	p->shown = true;
}

/* Erases the progress line, so that what stderr says next starts clean. */
static void progress_clear(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}

/* What every file of one import shares. */
struct import_run {
	struct ob_store *st;
	struct ob_playbook_cache pc;
	const struct ob_map *map; /* an analytics export's, or NULL */
	struct user_cache users;
	struct progress progress;
	bool skip_invalid;
	bool failed; /* an invalid row was found: without --skip-invalid,
			nothing will be written */
};

static void users_release(struct user_cache *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->accounts[i]);
	free(u->accounts);
	ob_strmap_release(&u->index);
	memset(u, 0, sizeof(*u));
}

/* Caches a new user's account (NULL: none), which it takes. */
static void users_put(struct user_cache *u, const char *user, char *account)
{
	if (u->n == USER_CACHE_MAX)
		users_release(u);
	if (!u->accounts)
		u->accounts = xcalloc(USER_CACHE_MAX, sizeof(*u->accounts));
	u->accounts[u->n] = account;
	ob_strmap_put(&u->index, user)->value = (int64_t)u->n++;
}

/* The account of the user's link, NULL when it has none. */
static int user_account(struct import_run *run, const char *user,
			const char **account, struct ob_err *err)
{
	struct ob_strmap_entry *e = ob_strmap_get(&run->users.index, user);
	char *found = NULL;
	if (!e) {
		if (ob_store_user_account(run->st, user, &found, err) < 0)
			return -1;
		users_put(&run->users, user, found);
		e = ob_strmap_get(&run->users.index, user);
	}
	*account = run->users.accounts[e->value];
	return 0;
}

/*
 * A line names the user with an account: the store links them (a link
 * to the same account keeps its date), and a cached lookup follows.
 */
static int user_link(struct import_run *run, const char *user,
		     const char *account, int64_t rowid, int64_t at,
		     struct ob_err *err)
{
	struct ob_strmap_entry *e = ob_strmap_get(&run->users.index, user);
	if (ob_store_user_link(run->st, user, account, rowid, at, err) < 0)
		return -1;
	/* account may be the cached one */
	if (e && (!run->users.accounts[e->value] ||
		  strcmp(run->users.accounts[e->value], account) != 0)) {
		free(run->users.accounts[e->value]);
		run->users.accounts[e->value] = xstrdup(account);
	}
	return 0;
}

/*
 * An export's line before it is an event: skipped lines counted, group
 * calls linked, and the account found, by its path or its user's link.
 * Returns 1 for an event to store, 0 for a line done with, -1 for an
 * error (OB_EDATA: the line is invalid).
 */
static int source_row(struct import_run *run, struct ob_event_fields *row,
		      struct import_counts *n, struct ob_err *err)
{
	struct ob_account_ref ref;
	int64_t at;
	bool bare;
	int r;
	if (row->kind == OB_ROW_UNMAPPED || row->kind == OB_ROW_OTHER) {
		*(row->kind == OB_ROW_UNMAPPED ? &n->unmapped : &n->other) += 1;
		return 0;
	}
	if (!row->account && row->user &&
	    user_account(run, row->user, &row->account, err) < 0)
		return -1;
	r = row->account ? ob_store_account_ref(run->st, row->account, &ref, err)
			 : 1;
	if (r < 0)
		return -1;
	if (r == 1) {
		if (!run->map->unknown_error) {
			n->unknown++;
			return 0;
		}
		if (row->account)
			return ob_fail(err, OB_EDATA, "unknown account '%s'",
				       row->account);
		return ob_fail(err, OB_EDATA,
			       "no account: no account path has a value%s",
			       row->user ? ", and the user has no link" : "");
	}
	if (!row->user)
		return 1;
	/* The link dates from the line that made it. */
	if (!row->at || ob_time_parse(row->at, &at, &bare))
		at = ob_time_now();
	if (user_link(run, row->user, row->account, ref.rowid, at, err) < 0)
		return -1;
	if (row->kind == OB_ROW_LINK) {
		n->linked++;
		return 0;
	}
	return 1;
}

/* A member's name in messages: FILE, or FILE(MEMBER) inside a zip. */
static void member_name(struct ob_buf *b, const char *file,
			const char *member)
{
	ob_buf_reset(b);
	if (member)
		ob_buf_addf(b, "%s(%s)", file, member);
	else
		ob_buf_adds(b, file);
}

static void report_row(struct import_run *run, struct import_counts *n,
		       const char *name, long line, const struct ob_err *err)
{
	progress_clear(&run->progress);
	ob_cli_diag("%s:%ld: error: %s", name, line, err->msg);
	n->invalid++;
	run->failed = true;
}

/*
 * Imports one member inside the open transaction. Rows with problems are
 * reported and counted; once one is found without --skip-invalid, later
 * rows are still checked (to report them all) but no longer stored.
 */
static int import_member(struct import_run *run, struct ob_input *in,
			 FILE *f, const char *name,
			 enum ob_import_format format, struct import_counts *n,
			 struct ob_err *fatal)
{
	struct ob_event_reader *r;
	struct ob_event_fields row;
	struct ob_event_parsed parsed;
	struct ob_event ev;
	struct ob_err err = {0};
	long line;
	int got;

	if (run->map)
		r = ob_source_reader_open(f, run->map);
	else if (ob_event_reader_open(f, format, &r, &line, &err) < 0) {
		if (ferror(f))
			ob_input_error(in, &err);
		if (err.code != OB_EDATA) {
			*fatal = err;
			return -1;
		}
		report_row(run, n, name, line, &err);
		return 0;
	}
	while ((got = ob_event_reader_next(r, &row, &err)) != 0) {
		if (got < 0 && err.code != OB_EDATA) {
			/* The file, not a row: a cut gzip stream is bad data,
			 * reported where it ends. */
			ob_input_error(in, &err);
			if (err.code == OB_EDATA) {
				report_row(run, n, name, row.line, &err);
				break;
			}
			goto fail;
		}
		/* The clock is asked every 4,096 rows, not every row. */
		if ((++n->rows & 4095) == 0)
			progress_tick(&run->progress, in, name, n->rows);
		if (got > 0 && run->map &&
		    (got = source_row(run, &row, n, &err)) == 0)
			continue;
		if (got > 0 && ob_event_check(&row, false, &parsed, &err) == 0 &&
		    resolve_event(run->st, &run->pc, &row, &parsed, &ev,
				  &err) == 0) {
			if (run->failed && !run->skip_invalid)
				continue; /* all will be rolled back */
			if (ob_store_event_add(run->st, &ev, &err) < 0)
				goto fail;
			continue;
		}
		if (err.code != OB_EDATA)
			goto fail;
		report_row(run, n, name, row.line, &err);
	}
	ob_event_reader_close(r);
	return 0;
fail:
	*fatal = err;
	ob_event_reader_close(r);
	return -1;
}

static void add_counts(struct import_counts *to,
		       const struct import_counts *n)
{
	to->rows += n->rows;
	to->added += n->added;
	to->duplicates += n->duplicates;
	to->invalid += n->invalid;
	to->unmapped += n->unmapped;
	to->unknown += n->unknown;
	to->other += n->other;
	to->linked += n->linked;
}

/*
 * SPEC's four figures, rolled back or not (then none added), and an
 * export's skipped and linked lines.
 */
static void print_counts(const struct ob_ctx *ctx, const char *name,
			 const struct import_counts *n, bool kept,
			 const struct ob_map *map)
{
	struct ob_buf b = {0};
	ob_buf_addf(&b, "%s: %ld rows read, %ld added, %ld duplicates, %ld "
			"invalid",
		    name, n->rows, kept ? n->added : 0,
		    kept ? n->duplicates : 0, n->invalid);
	if (map) {
		ob_buf_addf(&b, ", %ld skipped (%ld unmapped, %ld unknown "
				"account, %ld other calls)",
			    n->unmapped + n->unknown + n->other, n->unmapped,
			    n->unknown, n->other);
		if (map->source == OB_SEGMENT)
			ob_buf_addf(&b, ", %ld linked", n->linked);
	}
	ob_cli_note(ctx, "%s", b.data);
	ob_buf_release(&b);
}

/* Imports every member of one input, then writes its rows. */
static int import_input(struct import_run *run, struct ob_input *in,
			const char *file, enum ob_import_format format,
			struct import_counts *n, struct ob_err *fatal)
{
	struct ob_buf name = {0};
	struct ob_err err = {0};
	const char *member;
	FILE *f;
	int got, ret = 0;
	int64_t added, duplicates;
	progress_file(&run->progress);
	while ((got = ob_input_next(in, &f, &member, &err)) > 0) {
		member_name(&name, file, member);
		if ((ret = import_member(run, in, f, name.data, format, n,
					 fatal)) < 0)
			break;
	}
	if (got < 0 && ret == 0) {
		progress_clear(&run->progress);
		if (err.code == OB_EDATA) {
			member_name(&name, file, member);
			ob_cli_diag("%s: error: %s", name.data, err.msg);
			n->invalid++;
			run->failed = true;
		} else {
			*fatal = err;
			ret = -1;
		}
	}
	ob_buf_release(&name);
	/* Written per file, to count each file's additions. */
	if (ret == 0 &&
	    ob_store_events_flush(run->st, &added, &duplicates, fatal) < 0)
		ret = -1;
	if (ret == 0) {
		n->added += added;
		n->duplicates += duplicates;
	}
	return ret;
}

int ob_cmd_import(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"skip-invalid", no_argument, NULL, 's'},
		{"from", required_argument, NULL, 'f'},
		{"map", required_argument, NULL, 'm'},
		{0},
	};
	struct import_run run = {0};
	struct ob_map map = {0};
	const char *from = NULL, *map_path = NULL;
	bool have_map = false;
	struct ob_err err = {0};
	struct import_counts *counts = NULL, total = {0};
	enum ob_import_format *formats = NULL;
	struct ob_input **inputs = NULL;
	int nfiles, c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		if (c == 'f')
			from = optarg;
		else if (c == 'm')
			map_path = optarg;
		else
			run.skip_invalid = true;
	}
	nfiles = argc - optind;
	if (nfiles < 1)
		return ob_cli_usage_error(ctx, "no file given ('-' reads "
					       "standard input)");
	if (from && ob_source_parse(from) < 0)
		return ob_cli_usage_error(ctx, "unknown source '%s' (expected "
					       "segment, mixpanel or amplitude)",
					  from);
	if (!from != !map_path)
		return ob_cli_usage_error(ctx, from ? "--from needs --map "
						      "MAP.yaml"
						    : "--map needs --from "
						      "SOURCE");

	inputs = xcalloc((size_t)nfiles, sizeof(*inputs));
	formats = xcalloc((size_t)nfiles, sizeof(*formats));
	counts = xcalloc((size_t)nfiles, sizeof(*counts));
	if (map_path) {
		if ((code = ob_cli_read_map(map_path, &map)) != OB_OK)
			goto out;
		have_map = true;
		if ((int)map.source != ob_source_parse(from)) {
			ob_cli_error("--from %s, but map '%s' is for %s", from,
				     map_path, ob_source_name(map.source));
			code = OB_EDATA;
			goto out;
		}
		run.map = &map;
	}
	/* Every file must open before anything is written. */
	for (int i = 0; i < nfiles && code == OB_OK; i++) {
		const char *path = argv[optind + i];
		if (!run.map &&
		    (code = file_format(ctx, path, &formats[i])) != OB_OK)
			break;
		if (ob_input_open(path, &inputs[i], &err) < 0) {
			if (err.code == OB_EDATA)
				ob_cli_diag("%s: error: %s",
					strcmp(path, "-") ? path : "(stdin)",
					err.msg);
			else
				ob_cli_error("%s", err.msg);
			code = err.code;
		}
	}
	if (code != OB_OK)
		goto out;
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &run.st)) != OB_OK)
		goto out;
	progress_init(&run.progress, ctx);
	if (ob_store_begin(run.st, &err) < 0) {
		code = ob_cli_report(&err);
		ob_cli_note(ctx, "nothing written");
		goto out;
	}
	for (int i = 0; i < nfiles; i++) {
		const char *path = argv[optind + i];
		const char *name = strcmp(path, "-") ? path : "(stdin)";
		if (import_input(&run, inputs[i], name, formats[i], &counts[i],
				 &err) < 0) {
			progress_clear(&run.progress);
			/* A batch may fail mid-file (a full disk): the
			 * rollback takes back the earlier ones too. */
			ob_store_rollback(run.st);
			code = ob_cli_report(&err);
			ob_cli_note(ctx, "nothing written");
			goto out;
		}
		add_counts(&total, &counts[i]);
	}
	progress_clear(&run.progress);
	if (run.failed && !run.skip_invalid) {
		ob_store_rollback(run.st);
		code = OB_EDATA;
	} else if (ob_store_commit(run.st, &err) < 0) {
		code = ob_cli_report(&err);
	}
	for (int i = 0; i < nfiles; i++) {
		const char *path = argv[optind + i];
		const char *name = strcmp(path, "-") ? path : "(stdin)";
		print_counts(ctx, name, &counts[i], code == OB_OK, run.map);
	}
	if (code == OB_EDATA)
		ob_cli_note(ctx, "nothing written: fix the rows above, or give "
				 "--skip-invalid to import the valid ones");
	else if (code != OB_OK)
		ob_cli_note(ctx, "nothing written");
	else if (code == OB_OK && nfiles > 1)
		print_counts(ctx, "total", &total, true, run.map);
out:
	for (int i = 0; i < nfiles; i++)
		ob_input_close(inputs[i]);
	free(inputs);
	free(formats);
	free(counts);
	if (have_map)
		ob_map_release(&map);
	users_release(&run.users);
	ob_playbook_cache_release(&run.pc);
	ob_store_close(run.st);
	return code;
}
