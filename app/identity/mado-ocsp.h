/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-ocsp.h — revocation by OCSP (RFC 6960), card-free, on OpenSSL 3.
 *
 * One check: the responder URL is matched against an allow-list (nothing is sent otherwise); a
 * request is built for exactly one certificate (SHA-1 CertID, as responders expect) with a fresh
 * 32-byte nonce; it is posted through a transport; the answer is believed only when every part
 * of it holds: status successful, signature by the issuer itself or by a responder certificate
 * the issuer signed with the OCSPSigning extended key usage, our nonce echoed, a single response
 * for our CertID, thisUpdate/nextUpdate current at the caller's time. Whatever fails gives an
 * unknown reason (mado-verdict.h): never a silent good.
 *
 * The transport is an interface so tests (and the registry, should it proxy) can plug their
 * own; MadoOcspHttpTransport is the default: HTTP/1.0 POST over GIO, plain http:// (responses
 * are signed), a bounded response, a timeout over the whole exchange and cancellation.
 */
#pragma once

#include <gio/gio.h>
#include <openssl/x509.h>

#include "mado-revocation-source.h"
#include "mado-verdict.h"

G_BEGIN_DECLS

/* --- transport ------------------------------------------------------------------------------- */

#define MADO_TYPE_OCSP_TRANSPORT (mado_ocsp_transport_get_type ())
G_DECLARE_INTERFACE (MadoOcspTransport, mado_ocsp_transport, MADO, OCSP_TRANSPORT, GObject)

struct _MadoOcspTransportInterface
{
  GTypeInterface parent_iface;

  /* Posts @body (a DER OCSPRequest) to @url and returns the response body. Blocking, called from
   * a worker thread: an implementation must be usable from any thread. Errors in G_IO_ERROR:
   * TIMED_OUT (the whole exchange took longer than @timeout_ms), CANCELLED, INVALID_DATA (not an
   * HTTP 200 answer), MESSAGE_TOO_LARGE (response over the size bound), anything else: the
   * responder could not be reached. */
  GBytes *(*post) (MadoOcspTransport *self, const char *url, GBytes *body, guint timeout_ms,
                   GCancellable *cancellable, GError **error);
};

GBytes *mado_ocsp_transport_post (MadoOcspTransport *self, const char *url, GBytes *body,
                                  guint timeout_ms, GCancellable *cancellable, GError **error);

#define MADO_OCSP_HTTP_DEFAULT_MAX_RESPONSE (64 * 1024)

#define MADO_TYPE_OCSP_HTTP_TRANSPORT (mado_ocsp_http_transport_get_type ())
G_DECLARE_FINAL_TYPE (MadoOcspHttpTransport, mado_ocsp_http_transport, MADO, OCSP_HTTP_TRANSPORT,
                      GObject)

/* HTTP/1.0 POST, `Content-Type: application/ocsp-request`, http:// only, no proxy. */
MadoOcspTransport *mado_ocsp_http_transport_new (void);
/* The largest response body accepted (default MADO_OCSP_HTTP_DEFAULT_MAX_RESPONSE). */
void mado_ocsp_http_transport_set_max_response (MadoOcspHttpTransport *self, gsize max_bytes);

/* --- options --------------------------------------------------------------------------------- */

#define MADO_OCSP_DEFAULT_TIMEOUT_MS 5000
#define MADO_OCSP_DEFAULT_MAX_SKEW 300 /* seconds */
#define MADO_OCSP_DEFAULT_MAX_AGE 3600 /* seconds */

typedef struct
{
  /* NULL-terminated URL prefixes; a URL is allowed when it starts with one and the prefix ends
   * with '/' or the URL continues there with '/', '?' or nothing (so "http://ocsp.test" does not
   * allow "http://ocsp.test.example/"). NULL or empty: nothing is allowed. */
  const char *const *allowed_url_prefixes;
  guint timeout_ms; /* whole exchange: connect, send, receive */
  gint64 max_skew;  /* seconds of clock difference tolerated on thisUpdate and nextUpdate */
  gint64 max_age;   /* thisUpdate older than now - max_age - max_skew is stale */
  MadoOcspTransport *transport; /* NULL: a MadoOcspHttpTransport */
} MadoOcspOptions;

/* Fills @options with the defaults above, no allowed URL and the HTTP transport. */
void mado_ocsp_options_init (MadoOcspOptions *options);

gboolean mado_ocsp_url_allowed (const char *url, const char *const *allowed_url_prefixes);

/* --- one request, one response --------------------------------------------------------------- */

typedef struct _MadoOcspRequest MadoOcspRequest;

/* A request for @cert issued by @issuer with a fresh random 32-byte nonce. NULL with
 * G_IO_ERROR_INVALID_ARGUMENT when the CertID cannot be made. */
MadoOcspRequest *mado_ocsp_request_new (X509 *cert, X509 *issuer, GError **error);
/* Tests and fuzzing only: a fixed nonce defeats replay protection. */
MadoOcspRequest *mado_ocsp_request_new_with_nonce (X509 *cert, X509 *issuer, const guint8 *nonce,
                                                   gsize nonce_len, GError **error);
void mado_ocsp_request_free (MadoOcspRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoOcspRequest, mado_ocsp_request_free)

/* The DER OCSPRequest to send. */
GBytes *mado_ocsp_request_get_der (const MadoOcspRequest *request);

/* Judges @response (a DER OCSPResponse, possibly hostile) as the answer to @request, with
 * @issuer as the only trust anchor and @now_unix as the time. Only max_skew and max_age of
 * @options are used. Always fills @answer, which must be zeroed or hold an earlier answer (its
 * detail is freed). */
void mado_ocsp_request_check_response (const MadoOcspRequest *request, X509 *issuer,
                                       GBytes *response, const MadoOcspOptions *options,
                                       gint64 now_unix, MadoRevocationAnswer *answer);

/* --- the whole check ------------------------------------------------------------------------- */

/* Asks the responder at @url whether @cert (issued by @issuer) is revoked, at @now_unix.
 * Fills @answer (zeroed, or an earlier answer) in every case: MADO_REASON_NONE (good),
 * MADO_REASON_REVOKED_OCSP (revoked_at, crl_reason), or an unknown reason (OCSP_NOT_ALLOWED,
 * OCSP_UNREACHABLE, OCSP_TIMEOUT, OCSP_BAD_RESPONSE, OCSP_NONCE, OCSP_WRONG_CERT, OCSP_STALE,
 * OCSP_STATUS_UNKNOWN). Returns FALSE only when @cancellable was cancelled (G_IO_ERROR_CANCELLED;
 * @answer then says OCSP_UNREACHABLE) or the inputs are unusable (G_IO_ERROR_INVALID_ARGUMENT;
 * @answer says OCSP_BAD_RESPONSE). Blocking; see the _async variant. */
gboolean mado_ocsp_check (X509 *cert, X509 *issuer, const char *url, const MadoOcspOptions *options,
                          gint64 now_unix, GCancellable *cancellable, MadoRevocationAnswer *answer,
                          GError **error);

/* The same in a GTask worker thread; @cert, @issuer and @options (strings and transport) are
 * copied or referenced, so they may go away after the call. */
void mado_ocsp_check_async (X509 *cert, X509 *issuer, const char *url,
                            const MadoOcspOptions *options, gint64 now_unix,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
/* Moves the answer into @answer (which it clears first). */
gboolean mado_ocsp_check_finish (GAsyncResult *result, MadoRevocationAnswer *answer,
                                 GError **error);

/* --- as a revocation source ------------------------------------------------------------------ */

#define MADO_TYPE_OCSP_SOURCE (mado_ocsp_source_get_type ())
G_DECLARE_FINAL_TYPE (MadoOcspSource, mado_ocsp_source, MADO, OCSP_SOURCE, GObject)

/* A MadoRevocationSource asking the responder at @url (options copied). Cancellation gives
 * MADO_REASON_OCSP_UNREACHABLE. */
MadoRevocationSource *mado_ocsp_source_new (const char *url, const MadoOcspOptions *options);

G_END_DECLS
