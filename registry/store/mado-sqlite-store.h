/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-sqlite-store.h — MadoSqliteStore, the SQLite backend of MadoRegistryStore: one file, WAL,
 * foreign keys on, synchronous=FULL, a busy timeout, a 64 MiB page cache; the schema migrated
 * forward on open; a cache of prepared statements.
 * docs/registry-storage.md.
 */
#pragma once

#include "mado-registry-store.h"

G_BEGIN_DECLS

/* The schema version this build writes; migrations 1…this are embedded. */
#define MADO_SQLITE_SCHEMA_VERSION 4u
/* How long a writer waits for another's lock before MADO_REGISTRY_ERROR_BUSY. */
#define MADO_SQLITE_BUSY_TIMEOUT_MS 10000
/* The page cache of a connection, at most, in KiB (PRAGMA cache_size; SQLite's default is
 * 2 MiB): a big write — a seed's batch — then finds the indexes it inserts into at random (the
 * card links') in memory. Memory grows to it only as pages are used. */
#define MADO_SQLITE_CACHE_KIB 65536

#define MADO_TYPE_SQLITE_STORE (mado_sqlite_store_get_type ())
G_DECLARE_FINAL_TYPE (MadoSqliteStore, mado_sqlite_store, MADO, SQLITE_STORE, GObject)

/* Opens (creating when missing) the database at @path and migrates it; blocks. */
MadoSqliteStore *mado_sqlite_store_new (const char *path, GError **error);

/* How long a write waits for another connection's lock before MADO_REGISTRY_ERROR_BUSY
 * (MADO_SQLITE_BUSY_TIMEOUT_MS from open; tests shorten it). */
void mado_sqlite_store_set_busy_timeout (MadoSqliteStore *self, guint milliseconds);

/* How many SQL texts have a prepared statement in the store's cache (for tests). */
guint mado_sqlite_store_get_cached_statements (MadoSqliteStore *self);

/* The SQL of migration @version (1…MADO_SQLITE_SCHEMA_VERSION), for tests and docs; NULL
 * otherwise. Migration n takes a database at version n − 1 to version n. */
const char *mado_sqlite_store_get_migration (guint version);

G_END_DECLS
