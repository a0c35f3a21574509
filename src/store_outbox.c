/*
 * The store's part of automation (SPEC section 7): the CSM directory, the
 * outbox and its states, and what each account's CSM was last alerted of.
 */
#include <string.h>

#include "onboard/store.h"
#include "store_private.h"

enum query {
	Q_CSM_PUT = OB_STORE_SLOTS_OUTBOX,
	Q_CSM_GET,
	Q_CSM_LIST,
	Q_CSM_DIRECTORY,
	Q_OUTBOX_ADD,
	Q_OUTBOX_NAMES,
	Q_OUTBOX_CHECKIN,
	Q_OUTBOX_LIST,
	Q_OUTBOX_PENDING,
	Q_OUTBOX_GET,
	Q_OUTBOX_CLAIM,
	Q_OUTBOX_SET,
	Q_OUTBOX_SENT_ALERT,
	Q_OUTBOX_SENDING,
	Q_OUTBOX_UNCONFIRM,
	Q_ALERT_STATES,
	Q_ALERT_PUT,
	Q_END
};

_Static_assert((int)Q_END <= (int)OB_STORE_SLOTS_USER,
	       "the store's statement slots");

#define MSG_COLUMNS                                                            \
	"o.id, o.kind, o.account, a.ext_id, o.checkin, o.opens, o.csm, "       \
	"o.sender, o.recipient, o.subject, o.message_id, o.state, "            \
	"o.attempts, o.queued_at, o.sent_at, o.error"

/* The messages of a filter: ?2 account id, ?3 CSM. */
#define MSG_FILTER                                                             \
	"(CAST(?2 AS TEXT) IS NULL OR a.ext_id = ?2 OR o.kind = 'alert' AND EXISTS "         \
	"(SELECT 1 FROM outbox_account n JOIN account na ON na.id = "          \
	"n.account WHERE n.outbox = o.id AND na.ext_id = ?2)) AND "            \
	"(CAST(?3 AS TEXT) IS NULL OR o.kind = 'alert' AND o.csm = ?3 OR "                   \
	"o.kind = 'checkin' AND a.csm = ?3)"

#define ALERT_UPDATES                                                          \
	"red = excluded.red, escalations = excluded.escalations, "             \
	"updated_at = excluded.updated_at"

static const char *const sql[Q_END] = {
    [Q_CSM_PUT] = "INSERT INTO csm (name, full_name, email, updated_at) "
		  "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET "
		  "full_name = excluded.full_name, email = excluded.email, "
		  "updated_at = excluded.updated_at",
    [Q_CSM_GET] = "SELECT name, full_name, email FROM csm WHERE name = ?1",
    [Q_CSM_LIST] = "SELECT n.name, c.full_name, c.email, (SELECT count(*) FROM "
		   "account a WHERE a.csm = n.name) FROM (SELECT name FROM csm "
		   "UNION SELECT csm FROM account WHERE csm IS NOT NULL) n "
		   "LEFT JOIN csm c ON c.name = n.name ORDER BY n.name",
    [Q_CSM_DIRECTORY] = "SELECT name, full_name, email, 0 FROM csm "
			"ORDER BY name",
    [Q_OUTBOX_ADD] =
	"INSERT INTO outbox (kind, account, checkin, opens, csm, sender, "
	"recipient, subject, message_id, message, queued_at) VALUES "
	"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO NOTHING "
	"RETURNING id",
    [Q_OUTBOX_NAMES] = "INSERT INTO outbox_account (outbox, account, red, "
		       "escalations) VALUES (?1, ?2, ?3, ?4)",
    /* Through outbox_instance: the account's messages of the check-in. */
    [Q_OUTBOX_CHECKIN] =
	"SELECT max(CASE WHEN opens = ?3 THEN 1 ELSE 0 END), "
	"max(CASE WHEN state = 'unconfirmed' THEN id "
	"END) FROM outbox WHERE kind = 'checkin' AND account = ?1 AND "
	"checkin = ?2",
    [Q_OUTBOX_LIST] = "SELECT " MSG_COLUMNS " FROM outbox o LEFT JOIN "
		      "account a ON a.id = o.account WHERE (CAST(?1 AS TEXT) IS NULL OR "
		      "o.state = ?1) AND " MSG_FILTER " ORDER BY o.id",
    /* Through outbox_state: never a read of the whole history. */
    [Q_OUTBOX_PENDING] =
	"SELECT " MSG_COLUMNS " FROM outbox o LEFT JOIN "
	"account a ON a.id = o.account WHERE o.state IN "
	"('queued', 'deferred') AND " MSG_FILTER " ORDER BY o.id",
    [Q_OUTBOX_GET] = "SELECT " MSG_COLUMNS " FROM outbox o LEFT JOIN "
		     "account a ON a.id = o.account WHERE o.id = ?1",
    [Q_OUTBOX_CLAIM] =
	"UPDATE outbox SET state = 'sending', attempts = attempts + 1 "
	"WHERE id = ?1 AND state IN ('queued', 'deferred') "
	"RETURNING message",
    [Q_OUTBOX_SET] = "UPDATE outbox SET state = ?2, error = ?3, sent_at = "
		     "CASE WHEN ?2 = 'sent' THEN ?4 ELSE sent_at END "
		     "WHERE id = ?1 AND state = ?5",
    [Q_OUTBOX_SENT_ALERT] =
	"INSERT INTO alert_state (account, red, escalations, updated_at) "
	"SELECT account, red, escalations, ?2 FROM outbox_account "
	"WHERE outbox = ?1 ON CONFLICT (account) DO UPDATE SET " ALERT_UPDATES,
    [Q_OUTBOX_SENDING] = "SELECT " MSG_COLUMNS " FROM outbox o LEFT JOIN "
			 "account a ON a.id = o.account "
			 "WHERE o.state = 'sending' ORDER BY o.id",
    [Q_OUTBOX_UNCONFIRM] =
	"UPDATE outbox SET state = 'unconfirmed', error = 'a send run "
	"stopped while delivering it: it may or may not have arrived' "
	"WHERE state = 'sending'",
    /* Accounts named by an alert still on its way count as pending. */
    [Q_ALERT_STATES] =
	"WITH pending AS (SELECT DISTINCT n.account FROM outbox_account "
	"n JOIN outbox o ON o.id = n.outbox WHERE o.state IN "
	"('queued', 'sending', 'deferred', 'unconfirmed')) "
	"SELECT s.account, s.red, s.escalations, CASE WHEN "
	"s.account IN (SELECT account FROM pending) THEN 1 ELSE 0 END "
	"FROM alert_state s UNION ALL SELECT account, 0, '', 1 FROM "
	"pending WHERE account NOT IN (SELECT account FROM alert_state)",
    [Q_ALERT_PUT] = "INSERT INTO alert_state (account, red, escalations, "
		    "updated_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account) "
		    "DO UPDATE SET " ALERT_UPDATES,
};

static struct ob_stmt *stmt(struct ob_store *st, enum query q, struct ob_err *err)
{
	return ob_store_sql(st, (int)q, sql[q], err);
}

/* --- the CSM directory ------------------------------------------------- */

void ob_csm_release(struct ob_csm *c)
{
	free(c->name);
	free(c->full_name);
	free(c->email);
	memset(c, 0, sizeof(*c));
}

int ob_store_csm_put(struct ob_store *st, const struct ob_csm *c,
		     struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_CSM_PUT, err);
	if (!s)
		return -1;
	bind_text(s, 1, c->name);
	bind_text(s, 2, c->full_name);
	bind_text(s, 3, c->email);
	bind_now(s, 4);
	return ob_store_sql_done(st, s, err, "writing the CSM directory");
}

static void read_csm(struct ob_stmt *s, struct ob_csm *c)
{
	c->name = column_text(s, 0);
	c->full_name = column_text(s, 1);
	c->email = column_text(s, 2);
}

int ob_store_csm_get(struct ob_store *st, const char *name, struct ob_csm *out,
		     struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_CSM_GET, err);
	int rc;
	memset(out, 0, sizeof(*out));
	if (!s)
		return -1;
	bind_text(s, 1, name);
	rc = ob_sql_step(s);
	if (rc == SQLITE_ROW)
		read_csm(s, out);
	ob_sql_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE
		   ? 1
		   : ob_store_sql_fail(st, rc, err,
				       "reading the CSM directory");
}

int ob_store_csm_list(struct ob_store *st, bool with_accounts,
		      int (*fn)(void *ctx, const struct ob_csm *c), void *ctx,
		      struct ob_err *err)
{
	struct ob_stmt *s =
	    stmt(st, with_accounts ? Q_CSM_LIST : Q_CSM_DIRECTORY, err);
	int rc, stop = 0;
	if (!s)
		return -1;
	while (!stop && (rc = ob_sql_step(s)) == SQLITE_ROW) {
		struct ob_csm c = {0};
		read_csm(s, &c);
		c.accounts = ob_sql_column_int64(s, 3);
		stop = fn(ctx, &c);
		ob_csm_release(&c);
	}
	ob_sql_reset(s);
	if (!stop && rc != SQLITE_DONE)
		return ob_store_sql_fail(st, rc, err, "listing the CSMs");
	return stop < 0 ? -1 : 0;
}

/* --- the outbox -------------------------------------------------------- */

static const char *const state_names[OB_OUTBOX_NSTATES] = {
    "queued", "sending",     "sent",	  "deferred",
    "failed", "unconfirmed", "cancelled",
};

const char *ob_outbox_state_name(enum ob_outbox_state s)
{
	return s < OB_OUTBOX_NSTATES ? state_names[s] : "unknown";
}

int ob_outbox_state_parse(const char *s)
{
	for (int i = 0; i < OB_OUTBOX_NSTATES; i++)
		if (strcmp(state_names[i], s) == 0)
			return i;
	return -1;
}

void ob_outbox_msg_release(struct ob_outbox_msg *m)
{
	free(m->account_id);
	free(m->checkin);
	free(m->csm);
	free(m->sender);
	free(m->recipient);
	free(m->subject);
	free(m->message_id);
	free(m->message);
	free(m->queued_at);
	free(m->sent_at);
	free(m->error);
	memset(m, 0, sizeof(*m));
}

/* A row of MSG_COLUMNS. */
static void read_msg(struct ob_stmt *s, struct ob_outbox_msg *m)
{
	const char *kind = (const char *)ob_sql_column_text(s, 1);
	const char *state = (const char *)ob_sql_column_text(s, 11);
	int st = state ? ob_outbox_state_parse(state) : -1;
	m->id = ob_sql_column_int64(s, 0);
	m->kind = kind && strcmp(kind, "alert") == 0 ? OB_OUTBOX_ALERT
						     : OB_OUTBOX_CHECKIN;
	m->account = ob_sql_column_int64(s, 2);
	m->account_id = column_text(s, 3);
	m->checkin = column_text(s, 4);
	m->opens = column_date(s, 5);
	m->csm = column_text(s, 6);
	m->sender = column_text(s, 7);
	m->recipient = column_text(s, 8);
	m->subject = column_text(s, 9);
	m->message_id = column_text(s, 10);
	m->state = st < 0 ? OB_OUTBOX_FAILED : (enum ob_outbox_state)st;
	m->attempts = ob_sql_column_int(s, 12);
	m->queued_at = column_text(s, 13);
	m->sent_at = column_text(s, 14);
	m->error = column_text(s, 15);
}

int ob_store_outbox_add(struct ob_store *st, const struct ob_outbox_new *m,
			int64_t *id, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_OUTBOX_ADD, err);
	bool checkin = m->kind == OB_OUTBOX_CHECKIN;
	int rc;
	if (!s)
		return -1;
	bind_text(s, 1, checkin ? "checkin" : "alert");
	if (checkin) {
		ob_sql_bind_int64(s, 2, m->account);
		bind_text(s, 3, m->checkin);
		bind_date(s, 4, m->opens);
	}
	bind_text(s, 5, m->csm);
	bind_text(s, 6, m->sender);
	bind_text(s, 7, m->recipient);
	bind_text(s, 8, m->subject);
	bind_text(s, 9, m->message_id);
	bind_text(s, 10, m->message);
	bind_now(s, 11);
	rc = ob_sql_step(s);
	if (rc == SQLITE_ROW)
		*id = ob_sql_column_int64(s, 0);
	ob_sql_reset(s);
	if (rc == SQLITE_DONE) /* outbox_instance: no row, and no error */
		return ob_fail(err, OB_EDATA,
			       "check-in '%s' of '%s' has a message already",
			       m->checkin, m->account_id ? m->account_id : "");
	if (rc != SQLITE_ROW)
		return ob_store_sql_fail(st, rc, err, "queueing a message");
	return 0;
}

int ob_store_outbox_alert_names(struct ob_store *st, int64_t outbox,
				int64_t account, bool red,
				const char *escalations, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_OUTBOX_NAMES, err);
	if (!s)
		return -1;
	ob_sql_bind_int64(s, 1, outbox);
	ob_sql_bind_int64(s, 2, account);
	ob_sql_bind_int64(s, 3, red);
	bind_text(s, 4, escalations);
	return ob_store_sql_done(st, s, err, "queueing an alert");
}

int ob_store_outbox_checkin(struct ob_store *st, int64_t account,
			    const char *checkin, ob_day opens, bool *has,
			    int64_t *unconfirmed, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_OUTBOX_CHECKIN, err);
	int rc;
	if (!s)
		return -1;
	ob_sql_bind_int64(s, 1, account);
	bind_text(s, 2, checkin);
	bind_date(s, 3, opens);
	rc = ob_sql_step(s);
	*has = rc == SQLITE_ROW && ob_sql_column_int(s, 0) != 0;
	*unconfirmed = rc == SQLITE_ROW ? ob_sql_column_int64(s, 1) : 0;
	ob_sql_reset(s);
	if (rc != SQLITE_ROW)
		return ob_store_sql_fail(st, rc, err, "reading the outbox");
	return 0;
}

/* Calls fn with each row of s (MSG_COLUMNS); fn != 0 stops. */
static int each_msg(struct ob_store *st, struct ob_stmt *s,
		    int (*fn)(void *ctx, const struct ob_outbox_msg *m),
		    void *ctx, struct ob_err *err)
{
	int rc, stop = 0;
	while (!stop && (rc = ob_sql_step(s)) == SQLITE_ROW) {
		struct ob_outbox_msg m = {0};
		read_msg(s, &m);
		stop = fn(ctx, &m);
		ob_outbox_msg_release(&m);
	}
	ob_sql_reset(s);
	if (!stop && rc != SQLITE_DONE)
		return ob_store_sql_fail(st, rc, err, "reading the outbox");
	return stop < 0 ? -1 : 0;
}

int ob_store_outbox_list(struct ob_store *st, const struct ob_outbox_filter *f,
			 int (*fn)(void *ctx, const struct ob_outbox_msg *m),
			 void *ctx, struct ob_err *err)
{
	struct ob_stmt *s =
	    stmt(st, f->pending ? Q_OUTBOX_PENDING : Q_OUTBOX_LIST, err);
	if (!s)
		return -1;
	if (!f->pending)
		bind_text(s, 1,
			  f->state >= 0 ? ob_outbox_state_name(
					      (enum ob_outbox_state)f->state)
					: NULL);
	bind_text(s, 2, f->account);
	bind_text(s, 3, f->csm);
	return each_msg(st, s, fn, ctx, err);
}

int ob_store_outbox_get(struct ob_store *st, int64_t id,
			struct ob_outbox_msg *out, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_OUTBOX_GET, err);
	int rc;
	memset(out, 0, sizeof(*out));
	if (!s)
		return -1;
	ob_sql_bind_int64(s, 1, id);
	rc = ob_sql_step(s);
	if (rc == SQLITE_ROW)
		read_msg(s, out);
	ob_sql_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE
		   ? 1
		   : ob_store_sql_fail(st, rc, err, "reading the outbox");
}

int ob_store_outbox_claim(struct ob_store *st, int64_t id,
			  struct ob_outbox_msg *out, struct ob_err *err)
{
	struct ob_stmt *s;
	char *message;
	int rc, r;
	if ((r = ob_store_outbox_get(st, id, out, err)) != 0)
		return r;
	if (!(s = stmt(st, Q_OUTBOX_CLAIM, err)))
		return -1;
	ob_sql_bind_int64(s, 1, id);
	rc = ob_sql_step(s);
	message = rc == SQLITE_ROW ? column_text(s, 0) : NULL;
	if (rc == SQLITE_ROW)
		rc = ob_sql_step(s);
	ob_sql_reset(s);
	if (rc != SQLITE_DONE) {
		free(message);
		ob_outbox_msg_release(out);
		return ob_store_sql_fail(st, rc, err, "claiming a message");
	}
	if (!message)
		return 1;
	out->message = message;
	out->state = OB_OUTBOX_SENDING;
	out->attempts++;
	return 0;
}

int ob_store_outbox_set(struct ob_store *st, int64_t id,
			enum ob_outbox_state from, enum ob_outbox_state state,
			const char *error, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_OUTBOX_SET, err);
	if (!s)
		return -1;
	ob_sql_bind_int64(s, 1, id);
	bind_text(s, 2, ob_outbox_state_name(state));
	bind_text(s, 3, error);
	bind_now(s, 4);
	bind_text(s, 5, ob_outbox_state_name(from));
	if (ob_store_sql_done(st, s, err, "updating the outbox") < 0)
		return -1;
	if (ob_sql_changes(ob_store_conn(st)) == 0)
		return 1;
	if (state != OB_OUTBOX_SENT && state != OB_OUTBOX_FAILED &&
	    state != OB_OUTBOX_CANCELLED)
		return 0;
	/* Only an alert names accounts. */
	if (!(s = stmt(st, Q_OUTBOX_SENT_ALERT, err)))
		return -1;
	ob_sql_bind_int64(s, 1, id);
	bind_now(s, 2);
	return ob_store_sql_done(st, s, err, "recording an alert");
}

int ob_store_outbox_unconfirm(struct ob_store *st,
			      int (*fn)(void *ctx,
					const struct ob_outbox_msg *m),
			      void *ctx, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_OUTBOX_SENDING, err);
	if (!s || each_msg(st, s, fn, ctx, err) < 0 ||
	    !(s = stmt(st, Q_OUTBOX_UNCONFIRM, err)))
		return -1;
	return ob_store_sql_done(st, s, err, "updating the outbox");
}

/* --- alert states ------------------------------------------------------ */

int ob_store_alert_states(struct ob_store *st,
			  int (*fn)(void *ctx, int64_t account, bool red,
				    const char *escalations, bool pending),
			  void *ctx, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_ALERT_STATES, err);
	int rc, stop = 0;
	if (!s)
		return -1;
	while (!stop && (rc = ob_sql_step(s)) == SQLITE_ROW) {
		const char *esc = (const char *)ob_sql_column_text(s, 2);
		stop = fn(ctx, ob_sql_column_int64(s, 0),
			  ob_sql_column_int(s, 1) != 0, esc ? esc : "",
			  ob_sql_column_int(s, 3) != 0);
	}
	ob_sql_reset(s);
	if (!stop && rc != SQLITE_DONE)
		return ob_store_sql_fail(st, rc, err, "reading alert states");
	return stop < 0 ? -1 : 0;
}

int ob_store_alert_state_put(struct ob_store *st, int64_t account, bool red,
			     const char *escalations, struct ob_err *err)
{
	struct ob_stmt *s = stmt(st, Q_ALERT_PUT, err);
	if (!s)
		return -1;
	ob_sql_bind_int64(s, 1, account);
	ob_sql_bind_int64(s, 2, red);
	bind_text(s, 3, escalations);
	bind_now(s, 4);
	return ob_store_sql_done(st, s, err, "recording an alert state");
}
