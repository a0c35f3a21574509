/*
 * deliver: handing built messages to the mail system, for `onboard send`:
 * a sendmail program (the message on its standard input, no shell in
 * between) or a Maildir. Knows processes and files, nothing of the outbox:
 * what a result means for a message's state is the caller's.
 */
#ifndef ONBOARD_DELIVER_H
#define ONBOARD_DELIVER_H

#include <stddef.h>

#include "onboard/util.h"

#define OB_SENDMAIL_DEFAULT "/usr/sbin/sendmail"

enum ob_delivery_result {
	OB_DELIVERED,
	OB_DELIVERY_TEMPORARY, /* try again later: sendmail exit 75 or 71 */
	OB_DELIVERY_FAILED,    /* anything else: for a person to look at */
};

/* The sendmail command: a program and its own arguments. */
struct ob_sendmail {
	char **argv; /* NULL-terminated, room for our five more */
	size_t argc;
};

/*
 * Splits command on blanks, as $ONBOARD_SENDMAIL is given (no quoting,
 * no shell); NULL or blank is OB_SENDMAIL_DEFAULT.
 */
void ob_sendmail_init(struct ob_sendmail *sm, const char *command);
void ob_sendmail_release(struct ob_sendmail *sm);

/*
 * Runs the command with `-oi -t -f sender`, gives it msg on standard
 * input and waits for it. On failure why gets the program's first line
 * on standard error, or how it ended (control characters made spaces).
 * The program's standard output goes nowhere: ours is the user's.
 */
enum ob_delivery_result ob_sendmail_deliver(const struct ob_sendmail *sm,
					    const char *sender, const char *msg,
					    size_t len, char *why,
					    size_t why_len);

/*
 * A Maildir (qmail's maildir(5)): messages are written to tmp/, and a
 * commit makes them durable, then moves each into new/, where readers
 * find it whole or not at all.
 */
struct ob_maildir;

/* Opens dir, creating it and its tmp/, new/ and cur/ when missing. */
int ob_maildir_open(const char *dir, struct ob_maildir **out,
		    struct ob_err *err);
/* Writes a message to tmp/: not delivered until the commit. */
int ob_maildir_put(struct ob_maildir *md, const char *msg, size_t len,
		   struct ob_err *err);
/*
 * Delivers the messages put since the last commit, in order: synced to
 * disk, then renamed into new/ and the directory synced. *delivered
 * counts those in new/, which on failure is fewer than were put; the
 * rest are removed from tmp/, never delivered by a later commit.
 */
int ob_maildir_commit(struct ob_maildir *md, size_t *delivered,
		      struct ob_err *err);
/* Removes what was put and not committed, and closes. */
void ob_maildir_close(struct ob_maildir *md);

#endif
