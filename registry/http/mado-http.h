/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-http.h — the registry's HTTP/1.1 server over TLS (OpenSSL): the request parser (fed by the
 * network, fuzzed: tests/fuzz/fuzz-http-request.c), the response, and a threaded server.
 *
 * One TLS stack for the whole registry: the client certificates of kiosks and consoles are
 * checked by OpenSSL against the registry's own enrolment CA (chain only: whether the terminal is
 * still enrolled is the API's question, answered from the database). The public listener (ticket
 * status, call board) asks for no client certificate. Only what the API needs of HTTP/1.1 is
 * accepted: Content-Length bodies (chunked → 411), no upgrades, no pipelining beyond order.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MADO_HTTP_ERROR (mado_http_error_quark ())
GQuark mado_http_error_quark (void);

typedef enum
{
  MADO_HTTP_ERROR_TLS = 1, /* certificate, key or CA file unusable; TLS set-up failed */
  MADO_HTTP_ERROR_LISTEN,  /* the address is malformed or cannot be bound */
} MadoHttpError;

/* Limits; zero fields take the defaults in brackets. */
typedef struct
{
  gsize max_header_bytes;  /* request line + headers [16 KiB] → 431 */
  gsize max_body_bytes;    /* [1 MiB] → 413 */
  guint max_headers;       /* [64] → 431 */
  guint header_timeout_ms; /* from the first byte to the end of the headers [10 s] → 408 */
  guint idle_timeout_ms;   /* keep-alive idle [30 s], then the connection closes; also bounds
                            * each wait while a body arrives (→ 408) and a response's write */
  guint max_connections;   /* [512]; beyond, a new connection gets 503 and is closed */
} MadoHttpLimits;

void mado_http_limits_fill_defaults (MadoHttpLimits *limits);

/* ---- request --------------------------------------------------------------------------------- */

typedef struct
{
  char *method; /* as sent, upper case checked: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS */
  char *target; /* request-target as sent (origin-form only) */
  char *path;   /* percent-decoded path, no query; never holds NUL or ".." segments */
  char *query;  /* raw query without '?', or NULL */
  GPtrArray *header_names;  /* lower-cased, in order */
  GPtrArray *header_values; /* trimmed, same order */
  GBytes *body;             /* never NULL (empty without a body) */
  gboolean keep_alive;      /* HTTP/1.1 default unless "Connection: close"; 1.0 needs keep-alive */
} MadoHttpRequest;

void mado_http_request_free (MadoHttpRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoHttpRequest, mado_http_request_free)

/* The first value of header @name (case-insensitive), or NULL. Borrowed. */
const char *mado_http_request_get_header (const MadoHttpRequest *request, const char *name);
/* The value of query parameter @name, percent-decoded (new), or NULL when absent. Form style:
 * '+' is a space, "k" alone has the value "", the first of repeated keys wins. */
char *mado_http_request_dup_query_param (const MadoHttpRequest *request, const char *name);

typedef enum
{
  MADO_HTTP_PARSE_INCOMPLETE, /* more bytes needed (nothing consumed) */
  MADO_HTTP_PARSE_DONE,       /* *request set, *consumed bytes used */
  MADO_HTTP_PARSE_ERROR,      /* *status set: 400, 408, 411, 413, 414, 431, 501, 505 */
} MadoHttpParseResult;

/* Parses one request from the start of @data. Pure, no I/O, never reads past @length; fed by the
 * network, so every byte is distrusted. On ERROR the connection answers *@status and closes.
 * @limits may be NULL (the defaults). Incremental: the bytes are checked in their order, so a
 * prefix of a request is INCOMPLETE or already refused with the status the whole would get.
 * Refused: 400 malformed (request line, field syntax, bare CR or LF, NUL, obs-fold, a duplicate
 * or non-numeric Content-Length, a target not in origin-form, an invalid or %00 escape, a decoded
 * path that is not UTF-8, holds a control character or a "." or ".." segment, a query whose
 * decoded parts are not UTF-8, HTTP/1.1 without exactly one Host); 411 any Transfer-Encoding;
 * 413 Content-Length above the limit (before the body arrives); 414 target above 8 KiB; 431;
 * 501 a method not listed above; 505 a version other than HTTP/1.0 and 1.1. Empty lines before
 * the request line are skipped (RFC 9112 §2.2). */
MadoHttpParseResult mado_http_request_parse (const guint8 *data, gsize length,
                                             const MadoHttpLimits *limits,
                                             MadoHttpRequest **request, gsize *consumed,
                                             guint *status);

/* ---- response -------------------------------------------------------------------------------- */

typedef struct
{
  guint status;
  char *content_type;       /* NULL = no body type ("application/json" for the API) */
  GBytes *body;             /* may be NULL */
  GPtrArray *extra_headers; /* "Name: value" strings (no CR/LF inside), or NULL */
  gboolean close;           /* ask the connection to close after this response */
} MadoHttpResponse;

MadoHttpResponse *mado_http_response_new (guint status, const char *content_type, GBytes *body);
MadoHttpResponse *mado_http_response_new_json (guint status, const char *json_text);
void mado_http_response_add_header (MadoHttpResponse *response, const char *name,
                                    const char *value);
void mado_http_response_free (MadoHttpResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoHttpResponse, mado_http_response_free)

/* The serialised status line, headers (Content-Length, Date, Connection, Cache-Control: no-store)
 * and body. */
GBytes *mado_http_response_serialize (const MadoHttpResponse *response, gboolean keep_alive);
const char *mado_http_status_reason (guint status);

/* ---- server ---------------------------------------------------------------------------------- */

/* What TLS established about the client (main listener only; NULL on the public listener). */
typedef struct
{
  char *subject_cn; /* the certificate's commonName (the terminal id it was issued for) */
  char *serial_hex; /* upper-case hex of the serial, no leading zeros ("0" for zero): as
                     * mado_enrol_normalize_serial() writes it */
  GBytes *der;      /* the client certificate */
  char *address;    /* "ip:port" of the peer, for logs */
} MadoHttpPeer;

/* Called on the connection's own thread (it may block on the database). Returns a new response;
 * NULL is answered 500. @peer is NULL on a listener without client certificates. */
typedef MadoHttpResponse *(*MadoHttpHandler) (const MadoHttpRequest *request,
                                              const MadoHttpPeer *peer, gpointer user_data);

typedef struct
{
  const char *certificate_file; /* PEM: the server certificate (+ chain) */
  const char *key_file;         /* PEM: its key */
  const char *client_ca_file;   /* PEM: the enrolment CA; NULL = no client certificates */
  MadoHttpLimits limits;
  MadoHttpHandler handler;
  gpointer user_data;
} MadoHttpServerOptions;

typedef struct _MadoHttpServer MadoHttpServer;

/* Loads the TLS material (TLS 1.2 minimum, 1.3 preferred) and checks it; nothing listens yet. */
MadoHttpServer *mado_http_server_new (const MadoHttpServerOptions *options, GError **error);
/* Binds and listens on @address ("127.0.0.1:8443", "[::1]:0", "0.0.0.0:443"; port 0 picks one)
 * and starts accepting on a thread of its own; *@bound_port tells the port. One server may listen
 * on several addresses. IP literals only (no host names); an IPv6 socket is IPv6-only. */
gboolean mado_http_server_listen (MadoHttpServer *server, const char *address, guint16 *bound_port,
                                  GError **error);
/* Stops accepting, closes idle connections, waits for requests in progress, frees. A request
 * still being read is dropped; one in the handler is answered (Connection: close). */
void mado_http_server_free (MadoHttpServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoHttpServer, mado_http_server_free)

G_END_DECLS
