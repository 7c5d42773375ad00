/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-api-writer.h — group commit for the API's writes (docs/decisions.md 64). Every write of
 * the API — idempotent writes, nonces, sessions — is handed to one writer thread with its own
 * store connection, which runs whatever is queued in ONE database transaction and commits once:
 * many requests share one fsync, and a confirmed write is still on disk before its answer goes
 * out (each caller returns only after the commit of its batch).
 *
 * A batch is all or nothing: when any of its writes fails (a refusal, a conflict) or the commit
 * fails, the batch is rolled back and each of its writes runs again alone, in its own
 * transaction, so one failing request never takes others with it. A write function must
 * therefore be re-runnable: it may run once in a batch that is rolled back, then again alone; it
 * must keep what it learns in the store, and reset what it records for its caller at entry.
 */
#pragma once

#include "mado-registry-store.h"

G_BEGIN_DECLS

typedef struct _MadoApiWriter MadoApiWriter;

/* Runs inside the writer's transaction, on the writer's store. */
typedef gboolean (*MadoApiWriterFunc) (MadoRegistryStore *store, gpointer user_data,
                                       GError **error);

/* @threads writer threads, each with its own connection, taking batches of at most @max_batch
 * writes off one queue. SQLite: one writer, batches of 64 (the database serialises writers
 * anyway, so one thread batching is the fastest order). PostgreSQL: as many writers as the
 * pool, batches of 1 — the server commits concurrent transactions together itself, and batches
 * on several connections would take counter rows in different orders. 0, 0: that choice by
 * the DSN. */
MadoApiWriter *mado_api_writer_new (const char *dsn, guint threads, guint max_batch,
                                    GError **error);
void mado_api_writer_free (MadoApiWriter *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoApiWriter, mado_api_writer_free)

/* Queues @func and waits until it is committed (TRUE) or has failed (FALSE, @error). */
gboolean mado_api_writer_run (MadoApiWriter *writer, MadoApiWriterFunc func, gpointer user_data,
                              GError **error);

/* A MadoNonceStore whose put and take are writes of @writer (so they share its commits). */
MadoNonceStore *mado_api_writer_nonce_store_new (MadoApiWriter *writer);

G_END_DECLS
