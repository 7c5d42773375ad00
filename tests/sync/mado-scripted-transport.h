/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-scripted-transport.h — a MadoSyncTransport that plays a script, for the delivery tests:
 * each request gets the next scripted answer (a status, a body, the replay header) or failure
 * (a GError), and is recorded, so a test can say what went out and that nothing more did.
 */
#pragma once

#include "mado-sync-transport.h"

G_BEGIN_DECLS

#define MADO_TYPE_SCRIPTED_TRANSPORT (mado_scripted_transport_get_type ())
G_DECLARE_FINAL_TYPE (MadoScriptedTransport, mado_scripted_transport, MADO, SCRIPTED_TRANSPORT,
                      GObject)

/* One request as it went out (copies). */
typedef struct
{
  char *method;
  char *path;
  char *json_body;
  char *idempotency_key;
  gint64 created_at;
  char *bearer_token;
} MadoScriptedRequest;

MadoScriptedTransport *mado_scripted_transport_new (void);

/* The next request is answered with @status, @body (NULL: empty) and, with @replayed,
 * `Idempotent-Replayed: true`. */
void mado_scripted_transport_add_response (MadoScriptedTransport *self, guint status,
                                           const char *body, gboolean replayed);
/* The next request fails without an answer: @domain/@code (MADO_SYNC_ERROR_NETWORK, …). */
void mado_scripted_transport_add_error (MadoScriptedTransport *self, GQuark domain, int code);
/* The next request cancels @cancellable as if SIGTERM came mid-exchange, and fails with
 * G_IO_ERROR_CANCELLED. */
void mado_scripted_transport_add_cancel (MadoScriptedTransport *self, GCancellable *cancellable);

/* Requests received so far: MadoScriptedRequest, borrowed. */
GPtrArray *mado_scripted_transport_get_requests (MadoScriptedTransport *self);
/* Scripted answers not used yet; a test asserts 0 at its end. */
guint mado_scripted_transport_get_remaining (MadoScriptedTransport *self);

G_END_DECLS
