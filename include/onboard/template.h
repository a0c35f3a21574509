/*
 * template: the {{placeholder}} syntax of check-in templates: which names
 * exist, finding them in a text, and filling them in for an account (what
 * `onboard render` prints and `onboard send` mails).
 */
#ifndef ONBOARD_TEMPLATE_H
#define ONBOARD_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

/* One {{name}} found in a text: the whole token and the trimmed name. */
struct ob_placeholder {
	size_t offset, len;          /* of "{{...}}" in the text */
	size_t name_offset, name_len; /* of the name, spaces trimmed */
};

/*
 * Finds the next placeholder at or after *pos. Returns 1 and fills *ph (and
 * advances *pos past it), 0 when there is none, -1 when a "{{" has no "}}"
 * on the same line (*ph->offset says where).
 */
int ob_template_next(const char *text, size_t *pos, struct ob_placeholder *ph);

/* Whether name[0..len) is a placeholder the renderer knows. */
bool ob_template_name_known(const char *name, size_t len);

struct ob_buf;

/*
 * Fills a template: each {{name}} is replaced by what value() appends to
 * out for it (a name it does not know, it leaves as written), the rest
 * is copied as it is.
 */
void ob_template_render(const char *text,
			void (*value)(void *ctx, const char *name,
				      struct ob_buf *out),
			void *ctx, struct ob_buf *out);

struct ob_account;
struct ob_playbook;
struct ob_assessment;
struct ob_checkin_instance;

/*
 * Fills a check-in instance's template (it has one) for an account as of
 * its assessment. csm is what {{account.csm}} says, the CSM's full name
 * from the directory say; NULL falls back to the account's CSM field,
 * then to "The onboarding team".
 */
void ob_template_fill_checkin(const struct ob_account *a,
			      const struct ob_playbook *pb,
			      const struct ob_assessment *as,
			      const struct ob_checkin_instance *ci,
			      const char *csm, struct ob_buf *out);

#endif
