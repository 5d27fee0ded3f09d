/*
 * rk_pep508.h - Python requirement strings (PEP 508) and project names
 * (PEP 503).
 *
 *   name [extras] (version spec | @ url) ; marker
 *   "Acme_Core[fast, cli] >=1.0,<2 ; python_version >= '3.10'"
 *
 * rk_pep508_parse() splits a requirement into its parts, each trimmed and
 * owned by the struct. It accepts the whole PEP 508 grammar's outline
 * (a parenthesised spec "name (>=1.0)" too) without validating the version
 * specifiers or evaluating the marker: releasekit only needs the name to
 * match workspace members and the spec to report it.
 *
 * rk_pep503_normalize() lowercases and folds every run of '-', '_' and '.'
 * into one '-': "Acme_Core", "acme.core" and "ACME--core" are all
 * "acme-core".
 */
#ifndef RK_PEP508_H
#define RK_PEP508_H

#include <stddef.h>

#include "rk_msg.h"

struct rk_pep508 {
	char *name;   /* as written */
	char *extras; /* comma-separated, spaces removed; "" when none */
	char *spec;   /* version specifiers as written (parentheses removed); "" when none */
	char *url;    /* after '@'; NULL when none */
	char *marker; /* after ';'; NULL when none */
};

/*
 * Parse s. Returns 0, or -1 with err->msg and err->col (1-based column in s)
 * set (err->source and err->line are left to the caller). On error nothing
 * is allocated; on success release with rk_pep508_release().
 */
int rk_pep508_parse(struct rk_pep508 *r, const char *s, struct rk_err *err);
void rk_pep508_release(struct rk_pep508 *r);

/* PEP 503 normalised form of name (n bytes), newly allocated. */
char *rk_pep503_normalize(const char *name, size_t n);

/* Whether name is a valid PEP 508 project name (letters, digits, -_. inside). */
int rk_pep508_valid_name(const char *name, size_t n);

#endif
