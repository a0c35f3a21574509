/*
 * ics: RFC 5545 content lines: TEXT escaping, folding at 75 octets
 * (never inside a UTF-8 sequence), CRLF line ends.
 */
#ifndef ONBOARD_ICS_H
#define ONBOARD_ICS_H

#include <stdbool.h>

#include "onboard/util.h"

/* Appends "NAME:VALUE" folded; text: escape VALUE as a TEXT value. */
void ob_ics_line(struct ob_buf *b, const char *name, const char *value,
		 bool text);

#endif
