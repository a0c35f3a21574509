/*
 * account: a customer being onboarded, as SPEC.md section 4 describes it,
 * and the rules its fields obey. Storing accounts belongs to store.
 */
#ifndef ONBOARD_ACCOUNT_H
#define ONBOARD_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "onboard/date.h"
#include "onboard/util.h"

enum ob_account_status {
	OB_ACTIVE,
	OB_PAUSED,
	OB_COMPLETED,
	OB_CHURNED,
	OB_NACCOUNT_STATUS
};

#define OB_ACCOUNT_ID_MAX 128
#define OB_ACCOUNT_TEXT_MAX 256

struct ob_account {
	int64_t rowid;
	char *id;
	char *name;
	char *tier;
	ob_day kickoff;
	char *csm;     /* NULL when unset, as are contact and email */
	char *contact;
	char *email;
	int64_t playbook_id;
	char *playbook; /* its name */
	enum ob_account_status status; /* as of the store's day */
	bool opt_out;                  /* no automated e-mail */
	bool has_status_since;         /* else: its status from its start */
	ob_day status_since;
};

const char *ob_account_status_name(enum ob_account_status s);
int ob_account_status_parse(const char *s); /* -1 if unknown */

/*
 * Field checks: each returns NULL when the value is acceptable, else what
 * was expected, for a message like "bad --email 'x': expected ...".
 */
const char *ob_account_check_id(const char *id);
const char *ob_account_check_text(const char *text);
const char *ob_account_check_email(const char *email);

void ob_account_release(struct ob_account *a);

#endif
