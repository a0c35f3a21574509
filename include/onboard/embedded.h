/*
 * embedded: files compiled into the binary by tools/embed.c at build time
 * (see the Makefile): the schemas (SQLite's and PostgreSQL's) and the
 * bundled default playbook.
 */
#ifndef ONBOARD_EMBEDDED_H
#define ONBOARD_EMBEDDED_H

#include <stddef.h>

extern const char ob_schema_sql[];
extern const size_t ob_schema_sql_len;
extern const char ob_schema_pg_sql[];
extern const size_t ob_schema_pg_sql_len;
extern const char ob_default_playbook[];
extern const size_t ob_default_playbook_len;

#endif
