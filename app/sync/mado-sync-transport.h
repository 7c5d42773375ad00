/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-sync-transport.h — how a request reaches the registry API: one call, one HTTP exchange.
 * An interface, so that the outbox's delivery is tested against a scripted transport and runs
 * against MadoRegistryClient (libcurl, HTTPS with a client certificate) in production.
 *
 * Bodies may be personal data: a request's body is borrowed (the caller wipes its own), a
 * response's body is wiped when the response is freed. Neither is ever logged.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  const char *method;          /* "GET", "POST", "PUT", "PATCH", "DELETE" */
  const char *path;            /* "/v1/move-drafts": absolute, appended to the base URL */
  const char *json_body;       /* NULL: no body */
  const char *idempotency_key; /* NULL: no Idempotency-Key header */
  gint64 created_at;           /* Mado-Created-At (Unix seconds); 0: none */
  const char *bearer_token;    /* NULL: no Authorization header (kiosks: the certificate only) */
} MadoSyncRequest;

typedef struct
{
  guint status;      /* the HTTP status code */
  char *body;        /* NUL-terminated, never NULL (empty without a body); wiped on free */
  gsize body_length; /* without the NUL */
  gboolean replayed; /* the answer carried `Idempotent-Replayed: true` */
} MadoSyncResponse;

MadoSyncResponse *mado_sync_response_new (guint status, const char *body, gboolean replayed);
void mado_sync_response_free (MadoSyncResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoSyncResponse, mado_sync_response_free)

/* Wipes a body (explicit_bzero) and frees it. NULL is fine. */
void mado_sync_body_free (char *body);

/* The `error.code` of an API error body ({"error":{"code":"…","message":"…"}}), when it is 1–64
 * of a–z 0–9 _ . - (an identifier, safe to store and show); NULL otherwise. New. */
char *mado_sync_response_dup_error_code (const MadoSyncResponse *response);

#define MADO_TYPE_SYNC_TRANSPORT (mado_sync_transport_get_type ())
G_DECLARE_INTERFACE (MadoSyncTransport, mado_sync_transport, MADO, SYNC_TRANSPORT, GObject)

struct _MadoSyncTransportInterface
{
  GTypeInterface parent_iface;

  /* Sends @request and returns the response, whatever its status. Blocking: called from a
   * worker thread, so an implementation must be usable from any thread. Errors: MADO_SYNC_ERROR
   * (NETWORK, TLS, TIMEOUT, PROTOCOL, CONFIG, INVALID) when no HTTP answer came back, and
   * G_IO_ERROR_CANCELLED. */
  MadoSyncResponse *(*request) (MadoSyncTransport *self, const MadoSyncRequest *request,
                                GCancellable *cancellable, GError **error);
};

MadoSyncResponse *mado_sync_transport_request (MadoSyncTransport *self,
                                               const MadoSyncRequest *request,
                                               GCancellable *cancellable, GError **error);

G_END_DECLS
