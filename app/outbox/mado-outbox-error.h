/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-outbox-error.h — the GError domain of app/outbox, the kiosk's outbox (docs/outbox.md).
 * Messages name records by id and columns by name; they never carry a payload or a part of one.
 * Every code belongs in the error catalogue (app/errors, docs/errors.md).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MADO_OUTBOX_ERROR (mado_outbox_error_quark ())
GQuark mado_outbox_error_quark (void);

typedef enum
{
  MADO_OUTBOX_ERROR_IO = 1,    /* the database cannot be opened, read or written (SQLite) */
  MADO_OUTBOX_ERROR_SCHEMA,    /* not an outbox, or an outbox of a newer schema than this build */
  MADO_OUTBOX_ERROR_KEY_FILE,  /* the key file is unreadable, malformed, or open to others */
  MADO_OUTBOX_ERROR_KEY,       /* the record was sealed with another kiosk key */
  MADO_OUTBOX_ERROR_TAMPERED,  /* the record's ciphertext, nonce, tag, id or kind was altered */
  MADO_OUTBOX_ERROR_NOT_FOUND, /* no record with that id (never made, or already purged) */
  MADO_OUTBOX_ERROR_STATE,     /* not allowed in the record's state (e.g. failing a set-aside) */
  MADO_OUTBOX_ERROR_INVALID,   /* a kind, payload or reason of the wrong form */
  MADO_OUTBOX_ERROR_CRYPTO,    /* OpenSSL failed (random numbers, cipher setup) */
} MadoOutboxError;

G_END_DECLS
