/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-registry-client.h — the kiosk's HTTPS client of the registry API, on libcurl: TLS 1.2 or
 * newer, the server verified against the configured CA only (never the system's roots), the
 * kiosk authenticated by its client certificate (from the registry's enrolment CA), a proxy
 * only when configured (never from the environment), no redirects. One connection is kept alive and
 * reused: a client holds one curl handle and serialises its requests with a mutex, so it may be
 * shared by threads.
 *
 * What goes out: `Content-Type: application/json` with a body, `Accept: application/json`,
 * `Idempotency-Key`, `Mado-Created-At: <Unix seconds>` and `Authorization: Bearer …` when given.
 * Bodies and tokens are never logged; the client's own copies are wiped (curl's and OpenSSL's
 * internal buffers are not in our hands).
 *
 * A client is a MadoSyncTransport: the outbox's delivery runs on it (mado-outbox-delivery.h).
 */
#pragma once

#include <gio/gio.h>

#include "mado-sync-error.h"
#include "mado-sync-transport.h"

G_BEGIN_DECLS

#define MADO_REGISTRY_CLIENT_DEFAULT_CONNECT_TIMEOUT_MS 3000
#define MADO_REGISTRY_CLIENT_DEFAULT_TIMEOUT_MS 10000
#define MADO_REGISTRY_CLIENT_DEFAULT_MAX_RESPONSE (2 * 1024 * 1024)

typedef struct
{
  const char *base_url;           /* "https://registry.example:8443" (a path prefix is kept) */
  const char *client_certificate; /* PEM file: the kiosk's certificate (and its chain) */
  const char *client_key;         /* PEM file: its private key, unencrypted */
  const char *ca_file;            /* PEM file: the CA(s) the registry's server certificate
                                     must chain to; nothing else is trusted */
  guint connect_timeout_ms;       /* TCP and TLS set-up; 0: 3 s */
  guint timeout_ms;               /* the whole exchange; 0: 10 s */
  gsize max_response_bytes;       /* a longer answer is MADO_SYNC_ERROR_PROTOCOL; 0: 2 MiB */
  const char *proxy;              /* "http://HOST:PORT": an HTTP proxy to tunnel through
                                     (CONNECT); NULL or "": none. The environment's proxy
                                     variables are never used. */
} MadoRegistryClientOptions;

#define MADO_TYPE_REGISTRY_CLIENT (mado_registry_client_get_type ())
G_DECLARE_FINAL_TYPE (MadoRegistryClient, mado_registry_client, MADO, REGISTRY_CLIENT, GObject)

/* Checks the options before anything is sent: an https:// URL without user, query or fragment;
 * readable PEM files; a certificate and an unencrypted key that belong together; at least one CA
 * certificate. MADO_SYNC_ERROR_CONFIG otherwise, naming the file or the option. */
MadoRegistryClient *mado_registry_client_new (const MadoRegistryClientOptions *options,
                                              GError **error);

/* The base URL without a trailing '/'. Borrowed. */
const char *mado_registry_client_get_base_url (MadoRegistryClient *client);
/* Connections opened so far (a kept-alive connection reused by a request adds nothing). */
guint mado_registry_client_get_connections_opened (MadoRegistryClient *client);

/* Sends one request to base URL + @path (absolute: "/v1/tickets/offline"; RFC 3986 characters
 * only) and waits for the answer, whatever its status: *@status is the HTTP status code,
 * *@response_body (optional) the body, NUL-terminated, never NULL — it may hold personal data,
 * free it with mado_sync_body_free(). @json_body NULL: no body. @idempotency_key NULL, @created_at
 * 0, @bearer_token NULL: that header is not sent. FALSE with MADO_SYNC_ERROR when no HTTP answer
 * came back: NETWORK (refused, unreachable, reset), TLS (handshake, verification, our
 * certificate refused), TIMEOUT, PROTOCOL (malformed or too large), CONFIG (a file became
 * unusable), INVALID (a method, path or header value that cannot be sent). Blocking. */
gboolean mado_registry_client_request (MadoRegistryClient *client, const char *method,
                                       const char *path, const char *json_body,
                                       const char *idempotency_key, gint64 created_at,
                                       const char *bearer_token, guint *status,
                                       char **response_body, GError **error);

/* The same in a GTask worker thread; the strings are copied (and the copies wiped). Cancelling
 * @cancellable aborts the exchange within about a second (G_IO_ERROR_CANCELLED). */
void mado_registry_client_request_async (MadoRegistryClient *client, const char *method,
                                         const char *path, const char *json_body,
                                         const char *idempotency_key, gint64 created_at,
                                         const char *bearer_token, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
gboolean mado_registry_client_request_finish (MadoRegistryClient *client, GAsyncResult *result,
                                              guint *status, char **response_body, GError **error);

G_END_DECLS
