/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-pg-store.h — MadoPgStore, the PostgreSQL backend of MadoRegistryStore (libpq): one
 * connection per store, READ COMMITTED with row locks and atomic upserts for every counter, the
 * schema migrated forward on open under an advisory lock. docs/registry-storage.md, "PostgreSQL".
 */
#pragma once

#include "mado-registry-store.h"

G_BEGIN_DECLS

/* The schema version this build writes; migrations 1…this are embedded. */
#define MADO_PG_SCHEMA_VERSION 4u
/* How long a statement waits for another's row lock before MADO_REGISTRY_ERROR_BUSY. */
#define MADO_PG_LOCK_TIMEOUT_MS 10000

#define MADO_TYPE_PG_STORE (mado_pg_store_get_type ())
G_DECLARE_FINAL_TYPE (MadoPgStore, mado_pg_store, MADO, PG_STORE, GObject)

/* Connects with @conninfo (a libpq URI `postgresql://…` or `key=value` string) and migrates the
 * database; blocks. Messages never repeat @conninfo (it may hold a password). */
MadoPgStore *mado_pg_store_new (const char *conninfo, GError **error);

/* The SQL of migration @version (1…MADO_PG_SCHEMA_VERSION), for tests and docs; NULL
 * otherwise. Migration n takes a database at version n − 1 to version n. */
const char *mado_pg_store_get_migration (guint version);

/* Round trips to the server so far on this store: statements run alone, pipelines (a write
 * transaction's BEGIN goes with its first statement, its deferred writes with the next statement
 * or the COMMIT) and first preparations of a statement. For tests: what a call costs. */
guint64 mado_pg_store_get_round_trips (MadoPgStore *self);

G_END_DECLS
