/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-outbox.h — the kiosk's outbox (docs/outbox.md): every record made at a kiosk is stored
 * here first, in SQLite, with an idempotency key from birth and its payload (personal data)
 * sealed with the kiosk's key; it waits until the registry confirms it (then it is purged) or
 * rejects it for good (then it is set aside and blocks nothing).
 *
 * Times are Unix seconds (UTC) given by the caller (a MadoClock), so tests choose "now".
 * A MadoOutbox is one SQLite connection: use it from one thread at a time. Several processes may
 * open the same file (the kiosk enqueues, mado-outbox delivers): writes take the lock up front
 * and wait up to 5 s for each other.
 */
#pragma once

#include <glib.h>

#include "mado-outbox-crypto.h"
#include "mado-outbox-error.h"

G_BEGIN_DECLS

/* The schema this build writes; older files are migrated forward on open. */
#define MADO_OUTBOX_SCHEMA_VERSION 2

/* Backoff after the n-th failure: MADO_OUTBOX_BACKOFF_BASE · 2^(n−1) seconds, capped at
 * MADO_OUTBOX_BACKOFF_CAP, of which a random part ("equal jitter") is taken: [d/2, d]. */
#define MADO_OUTBOX_BACKOFF_BASE 30
#define MADO_OUTBOX_BACKOFF_CAP 3600
/* The registry keeps idempotency keys at least 30 days and refuses older records as stale; a
 * record older than this (29 days: a day's margin for clocks) is set aside, never re-sent. */
#define MADO_OUTBOX_STALE_AFTER (29 * 24 * 3600)
/* The reason a stale record is set aside with. */
#define MADO_OUTBOX_STALE_REASON "stale: older than the registry keeps idempotency keys"
/* The largest payload accepted (bytes of JSON). */
#define MADO_OUTBOX_PAYLOAD_MAX (1024 * 1024)

typedef enum
{
  MADO_OUTBOX_STATE_PENDING = 0,   /* waiting for delivery (now or after its backoff) */
  MADO_OUTBOX_STATE_SET_ASIDE = 1, /* rejected for good, or stale: for a clerk, never re-sent */
} MadoOutboxState;

/* "pending", "set_aside" */
const char *mado_outbox_state_to_string (MadoOutboxState state);

/* What a record is, without its payload: nothing here is personal data. */
typedef struct
{
  gint64 id;             /* 1, 2, …: never reused, even after a purge */
  char *idempotency_key; /* 32 lower-case hex digits (128 random bits) */
  char *kind;            /* the model's kind name ("move_draft", "queue_ticket", …) */
  MadoOutboxState state;
  guint attempts; /* failed delivery attempts so far */
  gint64 created_at;
  gint64 next_attempt_at; /* due from then on (pending records) */
  gint64 last_attempt_at; /* 0: never tried */
  gint64 set_aside_at;    /* 0: not set aside */
  char *reason;           /* the last failure, or why it was set aside; NULL: none */
} MadoOutboxRecord;

void mado_outbox_record_free (MadoOutboxRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoOutboxRecord, mado_outbox_record_free)

typedef struct _MadoOutbox MadoOutbox;

/* Opens (creating it with mode 0600 when missing) and migrates the outbox at @path; @key is
 * copied. MADO_OUTBOX_ERROR_SCHEMA for a file that is not an outbox or is newer than this
 * build, MADO_OUTBOX_ERROR_IO when SQLite fails. */
MadoOutbox *mado_outbox_open (const char *path, const MadoOutboxKey *key, GError **error);
void mado_outbox_free (MadoOutbox *outbox);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoOutbox, mado_outbox_free)

/* The schema version of the open file (after migration: MADO_OUTBOX_SCHEMA_VERSION). */
int mado_outbox_get_schema_version (MadoOutbox *outbox);

/* Stores a record of @kind (1–64 of a–z 0–9 _ . -) whose payload is @payload (a JSON object,
 * UTF-8, at most MADO_OUTBOX_PAYLOAD_MAX bytes; it is not parsed, so no unwiped copy is made),
 * due at once. Committed and on disk when this returns (the new record, owned), or not stored at
 * all (NULL). MADO_OUTBOX_ERROR_INVALID for a bad kind or payload. */
MadoOutboxRecord *mado_outbox_enqueue (MadoOutbox *outbox, const char *kind, const char *payload,
                                       gint64 now, GError **error);

/* Pending records due at @now, oldest due first, at most @limit (0: all). Pending records older
 * than MADO_OUTBOX_STALE_AFTER are set aside first (reason "stale"), so never returned.
 * A GPtrArray of MadoOutboxRecord (it frees them). */
GPtrArray *mado_outbox_next_due (MadoOutbox *outbox, gint64 now, guint limit, GError **error);

/* The registry confirmed record @id: it is purged (row deleted, SQLite secure_delete).
 * MADO_OUTBOX_ERROR_NOT_FOUND if it is not there (never made, or purged already). */
gboolean mado_outbox_mark_delivered (MadoOutbox *outbox, gint64 id, GError **error);

/* A delivery of pending record @id failed at @now for @reason (technical, never personal:
 * "connection refused", "HTTP 503"): attempts + 1, next attempt after the backoff. */
gboolean mado_outbox_mark_failed (MadoOutbox *outbox, gint64 id, gint64 now, const char *reason,
                                  GError **error);

/* The registry rejected pending record @id for good at @now for @reason (its error id, never
 * personal): kept, with its payload, for a clerk; never due again. */
gboolean mado_outbox_set_aside (MadoOutbox *outbox, gint64 id, gint64 now, const char *reason,
                                GError **error);

/* A clerk's retry of record @id at @now: a pending record (backing off) becomes due at @now; a
 * set-aside record becomes pending again, due at @now, unless it is stale (created
 * MADO_OUTBOX_STALE_AFTER or more before @now: MADO_OUTBOX_ERROR_STATE, for the registry would
 * refuse it). Attempts and the last reason are kept. The record is returned as it now is. */
MadoOutboxRecord *mado_outbox_retry (MadoOutbox *outbox, gint64 id, gint64 now, GError **error);

/* Every record, by id; payloads never. */
GPtrArray *mado_outbox_list (MadoOutbox *outbox, GError **error);
/* One record; MADO_OUTBOX_ERROR_NOT_FOUND if there is none. */
MadoOutboxRecord *mado_outbox_get (MadoOutbox *outbox, gint64 id, GError **error);

/* The decrypted payload of record @id (free with mado_outbox_payload_free, which wipes it).
 * MADO_OUTBOX_ERROR_KEY when it was sealed with another key, MADO_OUTBOX_ERROR_TAMPERED when it
 * does not authenticate. */
char *mado_outbox_read_payload (MadoOutbox *outbox, gint64 id, GError **error);

/* The backoff after the @attempts-th failure (≥ 1) with @jitter in [0, 1]: see above. */
gint64 mado_outbox_backoff_delay (guint attempts, double jitter);

G_END_DECLS
