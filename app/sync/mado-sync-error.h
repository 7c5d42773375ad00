/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-sync-error.h — the GError domain of app/sync, the kiosk's side of the registry API: the
 * HTTPS client and the outbox's delivery (docs/outbox.md, "Delivery"). Messages name the host,
 * the method and the path, curl's and OpenSSL's texts, and HTTP status codes; never a request or
 * response body, a bearer token or an idempotency key. Every code belongs in the error catalogue
 * (app/errors, docs/errors.md).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MADO_SYNC_ERROR (mado_sync_error_quark ())
GQuark mado_sync_error_quark (void);

typedef enum
{
  MADO_SYNC_ERROR_NETWORK = 1, /* no connection: refused, unreachable, name unknown, reset */
  MADO_SYNC_ERROR_TLS,         /* handshake failed: the server not verified against the CA, or
                                  our client certificate refused */
  MADO_SYNC_ERROR_TIMEOUT,     /* the connection or the whole exchange took too long */
  MADO_SYNC_ERROR_PROTOCOL,    /* the answer is not the API's HTTP (malformed, too large) */
  MADO_SYNC_ERROR_REJECTED,    /* the registry refused a request for good (HTTP 4xx) */
  MADO_SYNC_ERROR_CONFIG,      /* registry URL, client certificate, key or CA file unusable */
  MADO_SYNC_ERROR_INVALID,     /* a request the client refuses to send (method, path, header) */
} MadoSyncError;

G_END_DECLS
