#include "onboard/account.h"

#include <stdlib.h>
#include <string.h>

#include "onboard/mail.h"

static const char *const status_names[OB_NACCOUNT_STATUS] = {
	"active", "paused", "completed", "churned"};

const char *ob_account_status_name(enum ob_account_status s)
{
	return s < OB_NACCOUNT_STATUS ? status_names[s] : "unknown";
}

int ob_account_status_parse(const char *s)
{
	for (int i = 0; i < OB_NACCOUNT_STATUS; i++)
		if (strcmp(status_names[i], s) == 0)
			return i;
	return -1;
}

const char *ob_account_check_id(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > OB_ACCOUNT_ID_MAX)
		return "expected 1 to " OB_STR(OB_ACCOUNT_ID_MAX) " characters";
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || !strchr("._:@-", c)))
			return "expected letters, digits and . _ : @ - "
			       "(starting with a letter or digit)";
	}
	return NULL;
}

const char *ob_account_check_text(const char *text)
{
	size_t n = strlen(text);
	if (n == 0)
		return "expected some text";
	if (n > OB_ACCOUNT_TEXT_MAX)
		return "expected at most " OB_STR(OB_ACCOUNT_TEXT_MAX) " bytes";
	if (!ob_utf8_valid(text, n))
		return "expected UTF-8 text";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return "expected text without control characters";
	return NULL;
}

/* The address `onboard send` mails: one that mail software takes. */
const char *ob_account_check_email(const char *email)
{
	if (!ob_mail_addr_valid(email))
		return "expected an address like name@example.com";
	return NULL;
}

void ob_account_release(struct ob_account *a)
{
	free(a->id);
	free(a->name);
	free(a->tier);
	free(a->csm);
	free(a->contact);
	free(a->email);
	free(a->playbook);
	memset(a, 0, sizeof(*a));
}
