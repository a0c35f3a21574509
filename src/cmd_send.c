/*
 * onboard send: queue and deliver today's automated e-mail check-ins and
 * the CSM alerts (SPEC section 7). mail.c builds each message, deliver.c
 * hands it over, the store keeps its states; this file strings them
 * together, in three steps:
 *
 * 1. One write transaction: messages left `sending` by a run that died
 *    become `unconfirmed`; every account is assessed as of today; each
 *    check-in instance due by e-mail with no message yet gets one, and
 *    each CSM with news an alert. All of it commits, or none of it.
 * 2. The check-in messages queued or deferred, then the alerts, each
 *    claimed (`sending`, committed) before delivery starts, and marked
 *    `sent`, with its check-in done, in one transaction after it.
 * 3. The summary, and the exit status cron acts on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onboard/cli.h"
#include "onboard/deliver.h"
#include "onboard/health.h"
#include "onboard/mail.h"
#include "onboard/template.h"

/* The fifth temporary failure makes a message failed (SPEC section 7). */
#define MAX_ATTEMPTS 5
/* Maildir messages claimed, written and synced together. */
#define MAILDIR_BATCH 64

/* What an account's CSM last heard of it (ob_store_alert_states). */
struct alert_state {
	int64_t account;
	bool red, pending;
	char *escalations; /* one per line */
};

/* An account an alert names; texts are offsets into send.arena. */
struct alert_account {
	int64_t rowid;
	size_t id, name, reasons, escalations;
	enum ob_status status;
	const struct ob_playbook *pb;
};

/* A manual check-in due today, for its CSM's alert. */
struct alert_due {
	size_t account; /* the account's id, in send.arena */
	const struct ob_checkin *checkin;
	int order; /* in the account's schedule */
	int days_overdue;
	ob_day closes;
	enum ob_channel channel;
};

/* What one CSM's alert says: a CSM of the directory with an e-mail. */
struct alert_csm {
	const struct ob_csm *csm;
	struct alert_account *accounts;
	size_t naccounts, accounts_cap;
	struct alert_due *dues;
	size_t ndues, dues_cap;
};

/* A message to deliver, in the order they go. */
struct candidate {
	int64_t id;
	bool alert;
};

struct send {
	const struct ob_ctx *ctx;
	struct ob_store *st;
	struct ob_playbook_cache pc;
	const char *account; /* --account */
	const char *csm;     /* --csm */
	long limit;	     /* -1: none */
	bool dry_run, alerts;
	const char *maildir;
	struct ob_sendmail sendmail;
	ob_day today;
	int64_t now;	    /* seconds, the messages' Date */
	struct ob_csm *dir; /* the CSM directory, by name */
	size_t ndir, dir_cap;
	struct alert_csm *acsm;	    /* one per dir entry */
	struct alert_state *states; /* by account */
	size_t nstates, states_cap;
	struct ob_buf arena;
	int64_t arena_account; /* whose id was added last, and where */
	size_t arena_account_id;
	struct ob_strmap wanted;      /* instances to send today */
	struct ob_strmap no_template; /* "playbook:check-in" named once */
	struct ob_buf text, msg, key;
	struct ob_buf esc, kept;	/* check_alert's, reused per account */
	struct ob_buf unconfirmed_text; /* a line per message */
	struct candidate *candidates;
	size_t ncandidates, candidates_cap;
	long queued, alerts_queued, not_sent, held;
	long sent, alerts_sent, deferred, failed, unconfirmed, cancelled;
	long left; /* past --limit */
	struct ob_err err;
};

/* --- the directory and the alert states ------------------------------- */

static int keep_csm(void *arg, const struct ob_csm *c)
{
	struct send *s = arg;
	struct ob_csm *d;
	ob_grow(&s->dir, &s->dir_cap, s->ndir + 1, sizeof(*s->dir));
	d = &s->dir[s->ndir++];
	d->name = xstrdup(c->name);
	d->full_name = c->full_name ? xstrdup(c->full_name) : NULL;
	d->email = c->email ? xstrdup(c->email) : NULL;
	return 0;
}

static int cmp_csm(const void *key, const void *item)
{
	return strcmp(key, ((const struct ob_csm *)item)->name);
}

/* The directory's entry for a CSM name, or NULL. */
static struct ob_csm *find_csm(const struct send *s, const char *name)
{
	return name && s->ndir
		   ? bsearch(name, s->dir, s->ndir, sizeof(*s->dir), cmp_csm)
		   : NULL;
}

static int keep_state(void *arg, int64_t account, bool red,
		      const char *escalations, bool pending)
{
	struct send *s = arg;
	struct alert_state *a;
	ob_grow(&s->states, &s->states_cap, s->nstates + 1, sizeof(*s->states));
	a = &s->states[s->nstates++];
	a->account = account;
	a->red = red;
	a->pending = pending;
	a->escalations = xstrdup(escalations);
	return 0;
}

static int cmp_state(const void *x, const void *y)
{
	int64_t a = ((const struct alert_state *)x)->account;
	int64_t b = ((const struct alert_state *)y)->account;
	return a < b ? -1 : a > b;
}

static const struct alert_state *find_state(const struct send *s,
					    int64_t account)
{
	struct alert_state key = {.account = account};
	if (!s->nstates)
		return NULL;
	return bsearch(&key, s->states, s->nstates, sizeof(*s->states),
		       cmp_state);
}

/* Whether text (lines) holds line. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		if (len == n && memcmp(p, line, n) == 0)
			return true;
		p += len + (p[len] == '\n');
	}
	return false;
}

static size_t keep_text(struct send *s, const char *text)
{
	size_t at = s->arena.len;
	ob_buf_add(&s->arena, text, strlen(text) + 1);
	return at;
}

/* The account's id in the arena, once however many rows name it. */
static size_t keep_account_id(struct send *s, const struct ob_account *a)
{
	if (s->arena_account != a->rowid) {
		s->arena_account = a->rowid;
		s->arena_account_id = keep_text(s, a->id);
	}
	return s->arena_account_id;
}

/* --- step 1: what to send ---------------------------------------------- */

/* `send` needs the address a playbook's mail comes from: exit 65. */
static int no_from(struct send *s, const struct ob_playbook *pb,
		   const char *what)
{
	return ob_fail(&s->err, OB_EDATA,
		       "playbook '%s' has no delivery.from: add a 'delivery:' "
		       "section with the address its e-mail comes from (%s)",
		       pb->name, what);
}

static void instance_key(struct send *s, int64_t account, const char *checkin,
			 ob_day opens)
{
	ob_buf_reset(&s->key);
	ob_buf_addf(&s->key, "%lld:%d:%s", (long long)account, (int)opens,
		    checkin);
}

static void print_mbox(struct send *s, const char *sender)
{
	struct ob_buf b = {0};
	ob_mail_mbox_add(&b, sender, s->now, s->msg.data, s->msg.len);
	fwrite(b.data, 1, b.len, stdout);
	ob_buf_release(&b);
}

/*
 * Builds the message into s->msg and queues it as row, or, dry, prints
 * it; *id is the outbox row's.
 */
static int put_message(struct send *s, const struct ob_mail *m,
		       struct ob_outbox_new *row, int64_t *id)
{
	ob_buf_reset(&s->msg);
	ob_mail_build(m, &s->msg);
	row->message = s->msg.data;
	if (s->dry_run) {
		print_mbox(s, row->sender);
		return 0;
	}
	return ob_store_outbox_add(s->st, row, id, &s->err);
}

/* Queues (or, dry, prints) the e-mail of one check-in instance. */
static int queue_checkin(struct send *s, const struct ob_account *a,
			 const struct ob_playbook *pb,
			 const struct ob_assessment *as,
			 const struct ob_checkin_instance *ci)
{
	const struct ob_delivery *d = &pb->delivery;
	const struct ob_csm *csm = find_csm(s, a->csm);
	const char *reply_name = d->reply_to.name,
		   *reply_addr = d->reply_to.addr;
	struct ob_mail_header extra[2] = {
	    {"X-Onboard-Account", a->id},
	    {"X-Onboard-Checkin", ci->checkin->id}};
	struct ob_buf mid = {0};
	char *subject = NULL;
	const char *body;
	int64_t held;
	bool has;
	int ret = -1;

	if (a->opt_out || !a->email) {
		s->not_sent++;
		return 0;
	}
	if (!ob_mail_addr_valid(a->email)) {
		ob_cli_error("not sent: '%s' has the e-mail '%s', which mail "
			     "software would refuse",
			     a->id, a->email);
		s->not_sent++;
		return 0;
	}
	if (!ci->checkin->template) {
		ob_buf_reset(&s->key);
		ob_buf_addf(&s->key, "%s:%s", pb->name, ci->checkin->id);
		if (!ob_strmap_get(&s->no_template, s->key.data)) {
			ob_strmap_put(&s->no_template, s->key.data);
			ob_cli_error("not sent: check-in '%s' of playbook '%s' "
				     "is automated by e-mail but has no "
				     "template",
				     ci->checkin->id, pb->name);
		}
		s->not_sent++;
		return 0;
	}
	if (!d->from.addr) {
		ob_buf_reset(&s->text);
		ob_buf_addf(&s->text, "'%s' is due check-in '%s' by e-mail",
			    a->id, ci->checkin->id);
		return no_from(s, pb, s->text.data);
	}
	instance_key(s, a->rowid, ci->checkin->id, ci->opens);
	if (!ob_strmap_get(&s->wanted, s->key.data))
		ob_strmap_put(&s->wanted, s->key.data);
	/*
	 * One message per instance. And a follow-up's day moves with the
	 * status: while an earlier one's message is unconfirmed (it may have
	 * arrived), no other goes until a person says.
	 */
	if (ob_store_outbox_checkin(s->st, a->rowid, ci->checkin->id, ci->opens,
				    &has, &held, &s->err) < 0)
		return -1;
	if (has)
		return 0;
	if (held) {
		ob_cli_error("not sent: check-in '%s' of '%s' waits for "
			     "unconfirmed message %lld ('onboard outbox retry' "
			     "or 'cancel' it)",
			     ci->checkin->id, a->id, (long long)held);
		return 0;
	}

	ob_buf_reset(&s->text);
	ob_template_fill_checkin(a, pb, as, ci, csm ? csm->full_name : NULL,
				 &s->text);
	ob_mail_split_subject(s->text.data, &subject, &body);
	ob_mail_checkin_id(&mid, a->id, ci->checkin->id, ci->opens,
			   ob_mail_domain(d->from.addr));
	/* Replies to the CSM: none when the directory has no address. */
	if (d->reply_to_csm) {
		reply_name = csm ? csm->full_name : NULL;
		reply_addr = csm ? csm->email : NULL;
	}
	{
		struct ob_mail m = {
		    .from_name = d->from.name,
		    .from_addr = d->from.addr,
		    .to_name = a->contact,
		    .to_addr = a->email,
		    .reply_name = reply_name,
		    .reply_addr = reply_addr,
		    .subject = subject ? subject : ci->checkin->title,
		    .date = s->now,
		    .message_id = mid.data,
		    .extra = extra,
		    .nextra = 2,
		    .body = body,
		};
		struct ob_outbox_new row = {
		    .kind = OB_OUTBOX_CHECKIN,
		    .account = a->rowid,
		    .account_id = a->id,
		    .checkin = ci->checkin->id,
		    .opens = ci->opens,
		    .csm = a->csm,
		    .sender = d->from.addr,
		    .recipient = a->email,
		    .subject = m.subject,
		    .message_id = mid.data,
		};
		int64_t id;
		if (put_message(s, &m, &row, &id) < 0)
			goto out;
	}
	s->queued++;
	ret = 0;
out:
	free(subject);
	ob_buf_release(&mid);
	return ret;
}

/* Notes a manual check-in due today for the account's CSM's alert. */
static void note_manual(struct send *s, const struct ob_account *a,
			const struct ob_checkin_instance *ci, int order)
{
	struct ob_csm *csm = find_csm(s, a->csm);
	struct alert_csm *ac;
	struct alert_due *due;
	if (!csm || !csm->email)
		return;
	ac = &s->acsm[csm - s->dir];
	ob_grow(&ac->dues, &ac->dues_cap, ac->ndues + 1, sizeof(*ac->dues));
	due = &ac->dues[ac->ndues++];
	due->account = keep_account_id(s, a);
	due->checkin = ci->checkin;
	due->order = order;
	due->days_overdue = ci->state == OB_CI_OVERDUE ? ci->days_overdue : 0;
	due->closes = ci->closes;
	due->channel = ci->channel;
}

/*
 * Whether the account is news for its CSM: red now and not at the last
 * alert, or an escalation reason that was not. What ended since is
 * recorded (not dry), so that a relapse is news again.
 */
static int check_alert(struct send *s, const struct ob_account *a,
		       const struct ob_playbook *pb,
		       const struct ob_assessment *as)
{
	const struct ob_health *h = &as->health;
	const struct alert_state *last = find_state(s, a->rowid);
	const char *last_esc = last ? last->escalations : "";
	bool red = h->status == OB_RED, news = red && !(last && last->red);
	struct ob_buf *esc = &s->esc, *kept = &s->kept;
	struct ob_csm *csm;
	struct alert_account *e;

	/*
	 * The reasons one per line, each made one line itself: a folded YAML
	 * scalar ends in a line break, and would never match again.
	 */
	ob_buf_reset(esc);
	ob_buf_reset(kept);
	ob_buf_add(esc, "", 0);
	ob_buf_add(kept, "", 0);
	for (size_t i = 0; i < h->escalations.n; i++) {
		size_t at = esc->len + (esc->len > 0);
		if (esc->len)
			ob_buf_addc(esc, '\n');
		for (const char *p = h->escalations.items[i]; *p; p++)
			ob_buf_addc(esc, *p == '\n' || *p == '\r' ? ' ' : *p);
		while (esc->len > at && esc->data[esc->len - 1] == ' ')
			esc->data[--esc->len] = '\0';
		if (!has_line(last_esc, esc->data + at)) {
			news = true;
			continue;
		}
		if (kept->len)
			ob_buf_addc(kept, '\n');
		ob_buf_adds(kept, esc->data + at);
	}
	/* What ended since the last alert is no longer what the CSM knows. */
	if (last && !last->pending && !s->dry_run &&
	    ((last->red && !red) || strcmp(kept->data, last_esc) != 0) &&
	    ob_store_alert_state_put(s->st, a->rowid, last->red && red,
				     kept->data, &s->err) < 0)
		return -1;
	if (!news || (last && last->pending))
		return 0;
	if (!(csm = find_csm(s, a->csm)) || !csm->email) {
		s->held++;
		return 0;
	}
	{
		struct alert_csm *ac = &s->acsm[csm - s->dir];
		ob_grow(&ac->accounts, &ac->accounts_cap, ac->naccounts + 1,
			sizeof(*ac->accounts));
		e = &ac->accounts[ac->naccounts++];
	}
	e->rowid = a->rowid;
	e->id = keep_account_id(s, a);
	e->name = keep_text(s, a->name);
	e->status = h->status;
	e->pb = pb;
	e->escalations = keep_text(s, esc->data);
	ob_buf_reset(&s->text);
	ob_buf_join(&s->text, h->reasons.items, h->reasons.n, "; ");
	e->reasons = keep_text(s, s->text.data);
	return 0;
}

static int visit(void *arg, const struct ob_account *a,
		 const struct ob_playbook *pb, const struct ob_assessment *as)
{
	struct send *s = arg;
	for (size_t i = 0; i < as->ncheckins; i++) {
		const struct ob_checkin_instance *ci = &as->checkins[i];
		if (ci->state != OB_CI_DUE && ci->state != OB_CI_OVERDUE)
			continue;
		if (!ci->automated) {
			if (s->alerts)
				note_manual(s, a, ci, (int)i);
			continue;
		}
		if (ci->channel == OB_EMAIL &&
		    queue_checkin(s, a, pb, as, ci) < 0)
			return -1;
	}
	return s->alerts ? check_alert(s, a, pb, as) : 0;
}

/* The one account of --account, when it is active. */
static int visit_one(struct send *s)
{
	struct ob_account a = {0};
	struct ob_assessment as = {0};
	const struct ob_playbook *pb;
	int64_t pid;
	int ret = -1;
	if (ob_store_account_get(s->st, s->account, false, &a, &s->err) < 0)
		return -1;
	if (a.status != OB_ACTIVE ||
	    (s->csm && (!a.csm || strcmp(a.csm, s->csm)))) {
		ret = 0;
		goto out;
	}
	if (!(pb = ob_playbook_cache_get(&s->pc, s->st, NULL, a.playbook_id,
					 &pid, &s->err)) ||
	    ob_assess(s->st, pb, &a, s->today, &as, &s->err) < 0)
		goto out;
	ret = visit(s, &a, pb, &as);
out:
	ob_assessment_release(&as);
	ob_account_release(&a);
	return ret;
}

static const char *sort_arena; /* for qsort's comparisons */

static int cmp_account(const void *x, const void *y)
{
	const struct alert_account *a = x, *b = y;
	return strcmp(sort_arena + a->id, sort_arena + b->id);
}

/* Most overdue first, then by account, then in the schedule's order. */
static int cmp_due(const void *x, const void *y)
{
	const struct alert_due *a = x, *b = y;
	int c;
	if (a->days_overdue != b->days_overdue)
		return a->days_overdue > b->days_overdue ? -1 : 1;
	if ((c = strcmp(sort_arena + a->account, sort_arena + b->account)))
		return c;
	return a->order - b->order;
}

static void alert_body(const struct send *s, const struct alert_csm *ac,
		       struct ob_buf *b)
{
	const char *arena = s->arena.data;
	char date[OB_DATE_LEN];
	ob_date_format(s->today, date);
	ob_buf_addf(b, "Hi %s,\n\n",
		    ac->csm->full_name ? ac->csm->full_name : ac->csm->name);
	if (ac->naccounts == 1)
		ob_buf_addf(b, "As of %s, one of your accounts needs you:\n",
			    date);
	else
		ob_buf_addf(b, "As of %s, %zu of your accounts need you:\n",
			    date, ac->naccounts);
	for (size_t i = 0; i < ac->naccounts; i++) {
		const struct alert_account *e = &ac->accounts[i];
		ob_buf_addf(b, "\n%s: %s\n  status: %s", arena + e->id,
			    arena + e->name, ob_status_name(e->status));
		if (arena[e->reasons])
			ob_buf_addf(b, " (%s)", arena + e->reasons);
		ob_buf_addc(b, '\n');
		for (const char *p = arena + e->escalations; *p;) {
			size_t n = strcspn(p, "\n");
			ob_buf_addf(b, "  escalate: %.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
	}
	if (ac->ndues) {
		ob_buf_addf(b, "\nYour manual check-ins due today (%zu):\n",
			    ac->ndues);
		for (size_t i = 0; i < ac->ndues; i++) {
			const struct alert_due *d = &ac->dues[i];
			char closes[OB_DATE_LEN];
			ob_date_format(d->closes, closes);
			ob_buf_addf(b, "  %-20s %-20s %-8s ",
				    arena + d->account, d->checkin->id,
				    ob_channel_name(d->channel));
			if (d->days_overdue)
				ob_buf_addf(b, "overdue %d day%s\n",
					    d->days_overdue,
					    d->days_overdue == 1 ? "" : "s");
			else
				ob_buf_addf(b, "due by %s\n", closes);
		}
	}
	ob_buf_adds(b, "\n-- \nSent by 'onboard send': each alert tells what "
		       "changed since the last one.\n'onboard account show "
		       "ID' has an account's whole timeline.\n");
}

/* Queues (or prints) one alert per CSM with news. */
static int queue_alerts(struct send *s)
{
	for (size_t c = 0; c < s->ndir; c++) {
		struct alert_csm *ac = &s->acsm[c];
		const struct ob_delivery *d;
		struct ob_buf body = {0}, subject = {0}, mid = {0};
		int ret = 0;
		uint64_t h;
		int64_t id = 0;
		if (!ac->naccounts)
			continue;
		sort_arena = s->arena.data;
		qsort(ac->accounts, ac->naccounts, sizeof(*ac->accounts),
		      cmp_account);
		if (ac->ndues)
			qsort(ac->dues, ac->ndues, sizeof(*ac->dues), cmp_due);
		/* From the playbook of the first account it names. */
		d = &ac->accounts[0].pb->delivery;
		if (!d->from.addr) {
			ob_buf_reset(&s->text);
			ob_buf_addf(&s->text, "an alert to CSM '%s' is due",
				    ac->csm->name);
			return no_from(s, ac->accounts[0].pb, s->text.data);
		}
		alert_body(s, ac, &body);
		ob_buf_addf(&subject, "onboard: %s",
			    s->arena.data + ac->accounts[0].name);
		if (ac->naccounts > 1)
			ob_buf_addf(
			    &subject, " and %zu more account%s need you",
			    ac->naccounts - 1, ac->naccounts == 2 ? "" : "s");
		else
			ob_buf_adds(&subject, " needs you");
		/* Unique: the CSM, the moment, and what it says. */
		h = ob_hash(ac->csm->name, strlen(ac->csm->name),
			    (uint64_t)ob_time_now());
		h = ob_hash(body.data, body.len, h);
		ob_mail_alert_id(&mid, s->today, h,
				 ob_mail_domain(d->from.addr));
		{
			struct ob_mail_header extra[1] = {
			    {"X-Onboard-Alert", ac->csm->name}};
			struct ob_mail m = {
			    .from_name = d->from.name,
			    .from_addr = d->from.addr,
			    .to_name = ac->csm->full_name,
			    .to_addr = ac->csm->email,
			    .subject = subject.data,
			    .date = s->now,
			    .message_id = mid.data,
			    .extra = extra,
			    .nextra = 1,
			    .body = body.data,
			};
			struct ob_outbox_new row = {
			    .kind = OB_OUTBOX_ALERT,
			    .csm = ac->csm->name,
			    .sender = d->from.addr,
			    .recipient = ac->csm->email,
			    .subject = subject.data,
			    .message_id = mid.data,
			};
			ret = put_message(s, &m, &row, &id);
		}
		for (size_t i = 0; !s->dry_run && ret == 0 && i < ac->naccounts;
		     i++) {
			const struct alert_account *e = &ac->accounts[i];
			ret = ob_store_outbox_alert_names(
			    s->st, id, e->rowid, e->status == OB_RED,
			    s->arena.data + e->escalations, &s->err);
		}
		ob_buf_release(&body);
		ob_buf_release(&subject);
		ob_buf_release(&mid);
		if (ret < 0)
			return -1;
		s->alerts_queued++;
	}
	return 0;
}

static void describe(const struct ob_outbox_msg *m, struct ob_buf *b)
{
	if (m->kind == OB_OUTBOX_ALERT)
		ob_buf_addf(b, "alert to %s", m->recipient);
	else
		ob_buf_addf(b, "check-in '%s' of '%s' to %s", m->checkin,
			    m->account_id, m->recipient);
}

/* Collected, and printed once the run has committed them. */
static int name_unconfirmed(void *arg, const struct ob_outbox_msg *m)
{
	struct send *s = arg;
	s->unconfirmed++;
	ob_buf_addf(&s->unconfirmed_text, "message %lld (", (long long)m->id);
	describe(m, &s->unconfirmed_text);
	ob_buf_addf(&s->unconfirmed_text,
		    ") was being sent when a run stopped: it is unconfirmed "
		    "and will not be sent again; see whether it arrived, then "
		    "'onboard outbox retry %lld' or 'onboard outbox cancel "
		    "%lld'\n",
		    (long long)m->id, (long long)m->id);
	return 0;
}

/* Step 1, inside the transaction the caller opened. */
static int prepare(struct send *s)
{
	struct ob_account_filter filter = {.csm = s->csm, .status = OB_ACTIVE};
	if (!s->dry_run &&
	    ob_store_outbox_unconfirm(s->st, name_unconfirmed, s, &s->err) < 0)
		return -1;
	if (ob_store_csm_list(s->st, false, keep_csm, s, &s->err) < 0)
		return -1;
	s->acsm = xcalloc(s->ndir + 1, sizeof(*s->acsm));
	for (size_t i = 0; i < s->ndir; i++)
		s->acsm[i].csm = &s->dir[i];
	if (s->alerts) {
		if (ob_store_alert_states(s->st, keep_state, s, &s->err) < 0)
			return -1;
		if (s->nstates)
			qsort(s->states, s->nstates, sizeof(*s->states),
			      cmp_state);
	}
	s->arena_account = 0;
	if (s->account ? visit_one(s) < 0
		       : ob_cli_assess_each(s->st, &s->pc, &filter, s->today,
					    true, visit, s, &s->err) < 0)
		return -1;
	return s->alerts ? queue_alerts(s) : 0;
}

/* --- step 2: delivery -------------------------------------------------- */

static int keep_candidate(void *arg, const struct ob_outbox_msg *m)
{
	struct send *s = arg;
	struct candidate *c;
	if (m->kind == OB_OUTBOX_ALERT && !s->alerts)
		return 0;
	if (m->kind == OB_OUTBOX_CHECKIN) {
		instance_key(s, m->account, m->checkin, m->opens);
		if (!ob_strmap_get(&s->wanted, s->key.data)) {
			/* Done, skipped, snoozed, paused, opted out... */
			char date[OB_DATE_LEN];
			ob_date_format(s->today, date);
			ob_buf_reset(&s->text);
			ob_buf_addf(&s->text,
				    "not sent: as of %s the check-in is no "
				    "longer due by e-mail to this account",
				    date);
			if (ob_store_outbox_set(s->st, m->id, m->state,
						OB_OUTBOX_CANCELLED,
						s->text.data, &s->err) < 0)
				return -1;
			s->cancelled++;
			return 0;
		}
	}
	ob_grow(&s->candidates, &s->candidates_cap, s->ncandidates + 1,
		sizeof(*s->candidates));
	c = &s->candidates[s->ncandidates++];
	c->id = m->id;
	c->alert = m->kind == OB_OUTBOX_ALERT;
	return 0;
}

static int cmp_candidate(const void *x, const void *y)
{
	const struct candidate *a = x, *b = y;
	if (a->alert != b->alert)
		return a->alert ? 1 : -1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* What the messages to deliver are, check-ins first. */
static int find_candidates(struct send *s)
{
	struct ob_outbox_filter f = {
	    .state = -1, .account = s->account, .csm = s->csm, .pending = true};
	if (ob_store_begin(s->st, &s->err) < 0 ||
	    ob_store_outbox_list(s->st, &f, keep_candidate, s, &s->err) < 0 ||
	    ob_store_commit(s->st, &s->err) < 0) {
		ob_store_rollback(s->st);
		return -1;
	}
	if (s->ncandidates)
		qsort(s->candidates, s->ncandidates, sizeof(*s->candidates),
		      cmp_candidate);
	return 0;
}

/*
 * Records how a delivery went, inside the caller's transaction: sent
 * (and the check-in done, counting as outreach), deferred or failed.
 */
static int finish(struct send *s, const struct ob_outbox_msg *m,
		  enum ob_delivery_result result, const char *why)
{
	enum ob_outbox_state state = OB_OUTBOX_FAILED;
	const char *what;
	int ret;
	if (result == OB_DELIVERED)
		state = OB_OUTBOX_SENT;
	else if (result == OB_DELIVERY_TEMPORARY && m->attempts < MAX_ATTEMPTS)
		state = OB_OUTBOX_DEFERRED;
	ret =
	    ob_store_outbox_set(s->st, m->id, OB_OUTBOX_SENDING, state,
				state == OB_OUTBOX_SENT ? NULL : why, &s->err);
	if (ret == 1) {
		/* Only a second run on the database could have done this. */
		ob_cli_error("message %lld changed state while this run "
			     "delivered it: see 'onboard outbox'",
			     (long long)m->id);
		return 0;
	}
	if (ret == 0 && state == OB_OUTBOX_SENT &&
	    m->kind == OB_OUTBOX_CHECKIN) {
		struct ob_checkin_action done = {
		    .checkin = m->checkin,
		    .action = "done",
		    .day = s->today,
		    .channel = "email",
		};
		ob_buf_reset(&s->text);
		ob_buf_addf(&s->text, "sent by onboard send as %s",
			    m->message_id);
		done.note = s->text.data;
		ret = ob_store_checkin_action_add(s->st, m->account, &done,
						  &s->err);
	}
	if (ret < 0)
		return -1;
	ob_buf_reset(&s->text);
	describe(m, &s->text);
	what = s->text.data;
	if (state == OB_OUTBOX_SENT)
		*(m->kind == OB_OUTBOX_ALERT ? &s->alerts_sent : &s->sent) += 1;
	else if (state == OB_OUTBOX_DEFERRED) {
		s->deferred++;
		ob_cli_error("message %lld (%s) deferred, attempt %d of %d: %s",
			     (long long)m->id, what, m->attempts, MAX_ATTEMPTS,
			     why);
	} else {
		s->failed++;
		if (result == OB_DELIVERY_TEMPORARY)
			ob_cli_error("message %lld (%s) failed after %d "
				     "attempts: %s",
				     (long long)m->id, what, m->attempts, why);
		else
			ob_cli_error("message %lld (%s) failed: %s",
				     (long long)m->id, what, why);
	}
	return 0;
}

/* Claims the candidates [i, i + n) in one transaction; *got of them. */
static int claim(struct send *s, size_t i, size_t n, struct ob_outbox_msg *out,
		 size_t *got)
{
	*got = 0;
	if (ob_store_begin(s->st, &s->err) < 0)
		return -1;
	for (size_t k = i; k < i + n; k++) {
		int r = ob_store_outbox_claim(s->st, s->candidates[k].id,
					      &out[*got], &s->err);
		if (r < 0) {
			ob_store_rollback(s->st);
			for (size_t j = 0; j < *got; j++)
				ob_outbox_msg_release(&out[j]);
			*got = 0;
			return -1;
		}
		/* Another run (or `outbox cancel`) got there first. */
		if (r == 0)
			(*got)++;
		else
			ob_outbox_msg_release(&out[*got]);
	}
	if (ob_store_commit(s->st, &s->err) < 0) {
		for (size_t j = 0; j < *got; j++)
			ob_outbox_msg_release(&out[j]);
		*got = 0;
		return -1;
	}
	return 0;
}

static int finish_all(struct send *s, struct ob_outbox_msg *m,
		      const enum ob_delivery_result *results, char (*why)[1024],
		      size_t n)
{
	int ret = 0;
	if (ob_store_begin(s->st, &s->err) < 0)
		ret = -1;
	for (size_t i = 0; ret == 0 && i < n; i++)
		ret = finish(s, &m[i], results[i], why[i]);
	if (ret == 0 && ob_store_commit(s->st, &s->err) < 0)
		ret = -1;
	if (ret < 0)
		ob_store_rollback(s->st);
	for (size_t i = 0; i < n; i++)
		ob_outbox_msg_release(&m[i]);
	return ret;
}

/* One message at a time to sendmail: each is a hand-off of its own. */
static int deliver_sendmail(struct send *s, size_t i)
{
	struct ob_outbox_msg m = {0};
	enum ob_delivery_result result;
	char why[1][1024] = {""};
	size_t got;
	if (claim(s, i, 1, &m, &got) < 0)
		return -1;
	if (!got)
		return 0;
	result = ob_sendmail_deliver(&s->sendmail, m.sender, m.message,
				     strlen(m.message), why[0], sizeof(why[0]));
	free(m.message);
	m.message = NULL;
	return finish_all(s, &m, &result, why, 1);
}

/*
 * A batch at a time into a Maildir: written, synced once (a sync per
 * message cost more than everything else), then moved into new/.
 */
static int deliver_maildir(struct send *s, struct ob_maildir *md, size_t i,
			   size_t n)
{
	struct ob_outbox_msg m[MAILDIR_BATCH];
	enum ob_delivery_result results[MAILDIR_BATCH];
	char why[MAILDIR_BATCH][1024];
	size_t got, put = 0, delivered = 0;
	struct ob_err err = {0};
	if (claim(s, i, n, m, &got) < 0)
		return -1;
	for (size_t k = 0; k < got; k++) {
		results[k] = OB_DELIVERY_TEMPORARY;
		why[k][0] = '\0';
		if (ob_maildir_put(md, m[k].message, strlen(m[k].message),
				   &err) < 0) {
			snprintf(why[k], sizeof(why[k]), "%s", err.msg);
		} else {
			results[k] = OB_DELIVERED;
			put++;
		}
		free(m[k].message);
		m[k].message = NULL;
	}
	if (put && ob_maildir_commit(md, &delivered, &err) < 0)
		ob_cli_error("%s", err.msg);
	/* In order: the first `delivered` of those put are in new/. */
	for (size_t k = 0; k < got; k++) {
		if (results[k] != OB_DELIVERED)
			continue;
		if (delivered)
			delivered--;
		else {
			results[k] = OB_DELIVERY_TEMPORARY;
			snprintf(why[k], sizeof(why[k]), "%s", err.msg);
		}
	}
	return finish_all(s, m, results, why, got);
}

static int deliver(struct send *s)
{
	struct ob_maildir *md = NULL;
	size_t n = s->ncandidates;
	int ret = 0;
	if (s->limit >= 0 && (size_t)s->limit < n) {
		s->left = (long)(n - (size_t)s->limit);
		n = (size_t)s->limit;
	}
	if (!n)
		return 0;
	if (s->maildir && ob_maildir_open(s->maildir, &md, &s->err) < 0)
		return -1;
	for (size_t i = 0; ret == 0 && i < n;) {
		size_t batch = md ? n - i : 1;
		if (batch > MAILDIR_BATCH)
			batch = MAILDIR_BATCH;
		ret = md ? deliver_maildir(s, md, i, batch)
			 : deliver_sendmail(s, i);
		i += batch;
	}
	ob_maildir_close(md);
	return ret;
}

/* --- the command ------------------------------------------------------- */

static void summary(const struct send *s)
{
	/* After the mbox of a dry run, not in the middle of a pipe's view. */
	fflush(stdout);
	if (s->dry_run) {
		ob_cli_note(s->ctx,
			    "dry run: %ld check-ins and %ld alerts would be "
			    "queued, %ld not sent (no e-mail or opted out); "
			    "nothing written",
			    s->queued, s->alerts_queued, s->not_sent);
		if (s->held)
			ob_cli_note(s->ctx,
				    "%ld alerts held (CSM without e-mail)",
				    s->held);
		return;
	}
	ob_cli_note(s->ctx,
		    "%ld sent, %ld deferred, %ld failed, %ld unconfirmed, %ld "
		    "not sent (no e-mail or opted out), %ld alerts",
		    s->sent, s->deferred, s->failed, s->unconfirmed,
		    s->not_sent, s->alerts_sent);
	if (s->held)
		ob_cli_note(s->ctx, "%ld alerts held (CSM without e-mail)",
			    s->held);
	if (s->cancelled)
		ob_cli_note(s->ctx,
			    "%ld cancelled: no longer due by e-mail (see "
			    "'onboard outbox --state cancelled')",
			    s->cancelled);
	if (s->left)
		ob_cli_note(s->ctx, "%ld left queued past --limit", s->left);
}

static void send_release(struct send *s)
{
	for (size_t i = 0; i < s->ndir; i++) {
		ob_csm_release(&s->dir[i]);
		if (s->acsm) {
			free(s->acsm[i].accounts);
			free(s->acsm[i].dues);
		}
	}
	free(s->dir);
	free(s->acsm);
	for (size_t i = 0; i < s->nstates; i++)
		free(s->states[i].escalations);
	free(s->states);
	free(s->candidates);
	ob_buf_release(&s->arena);
	ob_buf_release(&s->text);
	ob_buf_release(&s->msg);
	ob_buf_release(&s->key);
	ob_buf_release(&s->unconfirmed_text);
	ob_buf_release(&s->esc);
	ob_buf_release(&s->kept);
	ob_strmap_release(&s->wanted);
	ob_strmap_release(&s->no_template);
	ob_sendmail_release(&s->sendmail);
	ob_playbook_cache_release(&s->pc);
	ob_store_close(s->st);
}

int ob_cmd_send(struct ob_ctx *ctx, int argc, char **argv)
{
	static const struct option options[] = {
	    {"csm", required_argument, NULL, 'c'},
	    {"account", required_argument, NULL, 'a'},
	    {"limit", required_argument, NULL, 'l'},
	    {"maildir", required_argument, NULL, 'm'},
	    {"no-alerts", no_argument, NULL, 'n'},
	    {"dry-run", no_argument, NULL, 'd'},
	    {0},
	};
	struct send s = {.ctx = ctx, .limit = -1, .alerts = true};
	long long limit;
	int c, code = OB_OK;

	while ((c = ob_cli_getopt(ctx, argc, argv, "", options, &code)) != -1) {
		if (c == OB_CLI_STOP)
			return code;
		if (c == 'c')
			s.csm = optarg;
		else if (c == 'a')
			s.account = optarg;
		else if (c == 'm')
			s.maildir = optarg;
		else if (c == 'n')
			s.alerts = false;
		else if (c == 'd')
			s.dry_run = true;
		else if (!ob_parse_int(optarg, 0, 1000000000, &limit))
			return ob_cli_usage_error(ctx,
						  "bad --limit '%s': "
						  "expected a whole "
						  "number of messages",
						  optarg);
		else
			s.limit = (long)limit;
	}
	if (optind < argc)
		return ob_cli_usage_error(ctx, "unexpected argument '%s'",
					  argv[optind]);
	if (s.maildir && !*s.maildir)
		return ob_cli_usage_error(ctx, "--maildir needs a directory");
	if ((code = ob_cli_open(ctx, OB_STORE_EXISTING, &s.st)) != OB_OK)
		return code;
	s.today = ctx->today;
	s.now = ob_time_now() / 1000000;
	ob_sendmail_init(&s.sendmail, getenv("ONBOARD_SENDMAIL"));

	if (s.dry_run) {
		if (ob_store_begin_read(s.st, &s.err) < 0 || prepare(&s) < 0)
			goto fail;
		ob_store_rollback(s.st);
		summary(&s);
		goto out;
	}
	if (ob_store_send_lock(s.st, &s.err) < 0 ||
	    ob_store_durable(s.st, &s.err) < 0 ||
	    ob_store_begin(s.st, &s.err) < 0)
		goto fail;
	if (prepare(&s) < 0 || ob_store_commit(s.st, &s.err) < 0) {
		ob_store_rollback(s.st);
		goto fail;
	}
	for (const char *p = s.unconfirmed_text.data; p && *p;) {
		size_t n = strcspn(p, "\n");
		ob_cli_error("%.*s", (int)n, p);
		p += n + 1;
	}
	if (find_candidates(&s) < 0 || deliver(&s) < 0) {
		summary(&s);
		goto fail;
	}
	summary(&s);
	code = s.failed ? OB_EFAIL : s.deferred ? OB_EBUSY : OB_OK;
	goto out;
fail:
	code = ob_cli_report(&s.err);
out:
	send_release(&s);
	return code;
}
