-- The onboard database, current version. The binary embeds this file and
-- runs it on a new database; older files move forward through the
-- migration steps in src/store.c (PRAGMA user_version numbers them).
-- Dates are TEXT 'YYYY-MM-DD' (they sort as dates); event instants are
-- INTEGER microseconds since 1970-01-01T00:00:00Z.

CREATE TABLE playbook (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	source     TEXT NOT NULL,             -- the YAML as loaded
	origin     TEXT NOT NULL,             -- the file it was loaded from
	loaded_at  TEXT NOT NULL,             -- RFC 3339, UTC
	is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1))
) STRICT;

-- At most one default playbook.
CREATE UNIQUE INDEX playbook_default ON playbook (is_default)
	WHERE is_default = 1;

CREATE TABLE account (
	id         INTEGER PRIMARY KEY,
	ext_id     TEXT NOT NULL UNIQUE,      -- the id users type
	name       TEXT NOT NULL,
	tier       TEXT NOT NULL,             -- a tier of its playbook
	kickoff    TEXT NOT NULL,             -- day 0
	csm        TEXT,
	contact    TEXT,
	email      TEXT,
	playbook   INTEGER NOT NULL REFERENCES playbook (id),
	status     TEXT NOT NULL DEFAULT 'active'
	           CHECK (status IN ('active', 'paused', 'completed', 'churned')),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	-- No automated e-mail to this account (`account set --opt-out yes`).
	opt_out    INTEGER NOT NULL DEFAULT 0 CHECK (opt_out IN (0, 1)),
	status_since TEXT  -- the latest change's date, NULL: from its start
) STRICT;

CREATE INDEX account_csm ON account (csm, ext_id);

-- Every status change with the date it took effect, so that a day in the
-- past is answered with the status of that day. `since` is '' for the
-- status an account had from its start, until its first change;
-- account.status and status_since are the latest row's.
CREATE TABLE account_status (
	account     INTEGER NOT NULL REFERENCES account (id),
	since       TEXT NOT NULL,
	status      TEXT NOT NULL
	            CHECK (status IN ('active', 'paused', 'completed', 'churned')),
	recorded_at TEXT NOT NULL,
	PRIMARY KEY (account, since)
) STRICT, WITHOUT ROWID;
CREATE INDEX account_playbook ON account (playbook, tier);

-- What was done about a scripted check-in or a follow-up: completed,
-- skipped for good, or snoozed until a date. `day` is the date it counts
-- from, so an earlier --today does not see it.
CREATE TABLE checkin_action (
	id          INTEGER PRIMARY KEY,
	account     INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
	checkin     TEXT NOT NULL,
	action      TEXT NOT NULL CHECK (action IN ('done', 'skipped', 'snoozed')),
	day         TEXT NOT NULL,
	until_day   TEXT,                     -- snoozed: hidden until this date
	channel     TEXT,
	note        TEXT,
	recorded_at TEXT NOT NULL
) STRICT;

-- In account order, then date, with all the scheduler reads: it never
-- goes to the table.
CREATE INDEX checkin_action_account ON checkin_action (account, day, id,
	checkin, action, until_day, channel, note);

-- Known event types keep the ids of enum ob_event_type; custom types are
-- added as they arrive.
CREATE TABLE event_type (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE
) STRICT;

INSERT INTO event_type (id, name) VALUES
	(1, 'login'), (2, 'feature_used'), (3, 'response'),
	(4, 'action_item_done'), (5, 'action_item_missed'),
	(6, 'meeting_attended'), (7, 'meeting_rescheduled'),
	(8, 'stakeholder_added'), (9, 'ticket_opened'), (10, 'ticket_resolved'),
	(11, 'milestone'), (12, 'nps'), (13, 'note');

-- Events are the big table (tens of millions of rows). One B-tree, keyed
-- so that an account's events of a type are contiguous and in time order:
-- metrics as of a date are range scans, and the key is also the identity
-- that makes a re-import add nothing (an event without an external id is
-- its content). `value` and `ext_id` are '' when absent; `bare` marks an
-- event given as a date only, whose `at` is that date's midnight UTC.
-- `account` and `type` are account.id and event_type.id, checked by the
-- writer; no FOREIGN KEY clause, whose two lookups per row would double
-- the cost of an import (accounts are never deleted).
CREATE TABLE event (
	account INTEGER NOT NULL,
	type    INTEGER NOT NULL,
	at      INTEGER NOT NULL,
	bare    INTEGER NOT NULL DEFAULT 0 CHECK (bare IN (0, 1)),
	value   TEXT NOT NULL DEFAULT '',
	ext_id  TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (account, type, at, bare, value, ext_id)
) STRICT, WITHOUT ROWID;

-- An event with an external id is identified by it.
CREATE UNIQUE INDEX event_ext_id ON event (account, ext_id)
	WHERE ext_id <> '';

-- Signals: per account, what the metrics need from all of its events,
-- kept up to date by every write of events in the same transaction (see
-- include/onboard/summary.h). When every event of an account is on or
-- before the day asked, its metrics come from this one row instead of its
-- history; otherwise (an earlier --today) from `event` itself. Instants
-- split as in `event`: *_at over events with a time, *_day (day numbers)
-- over bare dates; NULL when none. `counts` is "type:count,..." by type.
CREATE TABLE signal (
	account           INTEGER PRIMARY KEY, -- account.id
	last_at           INTEGER,             -- the latest event
	last_day          INTEGER,
	counts            TEXT NOT NULL,
	login_first_at    INTEGER,
	login_last_at     INTEGER,
	login_first_day   INTEGER,
	login_last_day    INTEGER,
	response_first_at INTEGER,
	response_last_at  INTEGER,
	response_first_day INTEGER,
	response_last_day INTEGER,
	nps_at            INTEGER,             -- the latest NPS with a time
	nps_value         TEXT,
	features          INTEGER NOT NULL,    -- distinct feature_used values
	nps_day           INTEGER,             -- the latest NPS given as a date
	nps_day_value     TEXT,
	first_at          INTEGER,             -- the first event
	first_day         INTEGER
) STRICT;

-- The distinct values of the event types whose values matter as a set:
-- feature_used (the features metric) and milestone (milestones done),
-- each with when it was first seen (with a time, and as a date), so that
-- a set as of an earlier day is read from here and not from the events.
-- Keyed by type first, so one type can be read for every account in turn.
CREATE TABLE signal_value (
	type      INTEGER NOT NULL,
	account   INTEGER NOT NULL, -- as in event
	value     TEXT NOT NULL,
	first_at  INTEGER,          -- microseconds
	first_day INTEGER,          -- days since 1970-01-01
	PRIMARY KEY (type, account, value)
) STRICT, WITHOUT ROWID;

-- Tickets that may be open after the latest events: each ticket_opened
-- event that no ticket_resolved of the same reference follows in every
-- zone, with the reference's latest resolution with a time and the latest
-- given as a date: whether those follow it (a date is later than that
-- day's times) is the reader's zone's to say.
CREATE TABLE ticket_open (
	account      INTEGER NOT NULL, -- as in event
	ref          TEXT NOT NULL,
	at           INTEGER NOT NULL,
	bare         INTEGER NOT NULL,
	ext_id       TEXT NOT NULL,
	resolved_at  INTEGER,          -- microseconds
	resolved_day INTEGER,          -- days since 1970-01-01
	PRIMARY KEY (account, ref, at, bare, ext_id)
) STRICT, WITHOUT ROWID;

-- The CSM directory: an account names its CSM by text; this adds who they
-- are and where their alerts and the replies to their accounts' mail go.
CREATE TABLE csm (
	name       TEXT PRIMARY KEY,          -- as account.csm spells it
	full_name  TEXT,
	email      TEXT,
	updated_at TEXT NOT NULL
) STRICT;

-- Every message `onboard send` delivers, with its bytes as they go out.
-- queued -> sending (committed before delivery starts) -> sent, or
-- deferred (a temporary failure, tried again by the next send), failed,
-- unconfirmed (found sending by a later run: it may have gone), or
-- cancelled. A check-in instance (account, check-in, window) gets one
-- message, ever; an alert names its accounts in outbox_account.
CREATE TABLE outbox (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('checkin', 'alert')),
	account    INTEGER REFERENCES account (id),   -- check-ins
	checkin    TEXT,
	opens      TEXT,                      -- the window's first day
	csm        TEXT,                      -- an alert's CSM; a check-in's, queued
	sender     TEXT NOT NULL,             -- the envelope sender (-f)
	recipient  TEXT NOT NULL,
	subject    TEXT NOT NULL,             -- decoded, for people
	message_id TEXT NOT NULL,
	message    TEXT NOT NULL,             -- RFC 5322, LF line ends
	state      TEXT NOT NULL DEFAULT 'queued'
	           CHECK (state IN ('queued', 'sending', 'sent', 'deferred',
	                            'failed', 'unconfirmed', 'cancelled')),
	attempts   INTEGER NOT NULL DEFAULT 0,
	queued_at  TEXT NOT NULL,
	sent_at    TEXT,
	error      TEXT,
	CHECK ((kind = 'checkin') = (account IS NOT NULL AND checkin IS NOT NULL
	                             AND opens IS NOT NULL))
) STRICT;

CREATE UNIQUE INDEX outbox_instance ON outbox (account, checkin, opens)
	WHERE kind = 'checkin';
-- What a send run looks for (queued, deferred, sending): a few rows,
-- found without reading the history.
CREATE INDEX outbox_state ON outbox (state, id);

-- The accounts an alert names, and what it says of each.
CREATE TABLE outbox_account (
	outbox      INTEGER NOT NULL REFERENCES outbox (id),
	account     INTEGER NOT NULL REFERENCES account (id),
	red         INTEGER NOT NULL CHECK (red IN (0, 1)),
	escalations TEXT NOT NULL,            -- the reasons, one per line
	PRIMARY KEY (outbox, account)
) STRICT, WITHOUT ROWID;

CREATE INDEX outbox_account_account ON outbox_account (account, outbox);

-- What each account's CSM last heard of it: red or not and the escalation
-- reasons, as of the alert sent (or the run that saw them end). An alert
-- tells only what is new against this.
CREATE TABLE alert_state (
	account     INTEGER PRIMARY KEY REFERENCES account (id),
	red         INTEGER NOT NULL CHECK (red IN (0, 1)),
	escalations TEXT NOT NULL,
	updated_at  TEXT NOT NULL
) STRICT;

-- The users of the analytics tools (Segment userId, Mixpanel distinct_id,
-- Amplitude user_id) and the account each belongs to, from Segment group
-- calls and from any line naming both. An event line without an account
-- takes its user's. linked_at: the time of the line that made the link.
-- `account` is account.id, checked by the writer: a FOREIGN KEY clause
-- would make each link's write keep a statement journal.
CREATE TABLE user_link (
	user_id   TEXT PRIMARY KEY,
	account   INTEGER NOT NULL,
	linked_at INTEGER NOT NULL            -- microseconds
) STRICT, WITHOUT ROWID;

CREATE INDEX user_link_account ON user_link (account, user_id);
