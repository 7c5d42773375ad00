/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-registry-error.h — the GError domain of registry/: the storage backends now, the API
 * later. Messages never hold personal data (no names, no numbers of a person): they name the
 * operation and, for database failures, SQLite's own message (which names tables and columns,
 * never values).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MADO_REGISTRY_ERROR (mado_registry_error_quark ())
GQuark mado_registry_error_quark (void);

typedef enum
{
  MADO_REGISTRY_ERROR_DSN = 1,        /* the --db string is malformed or names no known backend */
  MADO_REGISTRY_ERROR_OPEN,           /* the database cannot be opened or configured */
  MADO_REGISTRY_ERROR_SCHEMA_TOO_NEW, /* the database was made by a newer Madoguchi: refused */
  MADO_REGISTRY_ERROR_MIGRATION,      /* a forward migration failed (nothing of it was applied) */
  MADO_REGISTRY_ERROR_DATABASE,       /* any other database failure */
  MADO_REGISTRY_ERROR_BUSY,           /* the database stayed locked beyond the busy timeout */
  MADO_REGISTRY_ERROR_NOT_FOUND,      /* no such person, household, ticket, issuance… */
  MADO_REGISTRY_ERROR_INVALID,        /* the object or argument does not meet the contract */
  MADO_REGISTRY_ERROR_CONFLICT,       /* the write contradicts what is stored (duplicate id…) */
  MADO_REGISTRY_ERROR_IDEMPOTENCY_CONFLICT, /* the key was used for a different request */
  MADO_REGISTRY_ERROR_IDEMPOTENCY_STALE,    /* the record is older than the key retention */
  MADO_REGISTRY_ERROR_RANGE_EXHAUSTED,      /* a ticket category's range is used up today */
  MADO_REGISTRY_ERROR_BACKUP,               /* the online backup failed (the copy is removed) */
  MADO_REGISTRY_ERROR_ENROL,       /* the enrolment CA, a terminal certificate or the office key */
  MADO_REGISTRY_ERROR_SERVE,       /* mado-registryd cannot start serving (TLS files, addresses) */
  MADO_REGISTRY_ERROR_UNAVAILABLE, /* the database server is away or the connection broke (a
                                    * restart): the transaction was rolled back (lost at COMMIT:
                                    * unknown); retry it */
} MadoRegistryError;

G_END_DECLS
