/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-ocsp.c — see the header. Every path that does not end in a fully checked answer ends in
 * an unknown reason; nothing here ever answers good by default.
 */
#define G_LOG_DOMAIN "mado-identity"

#include "mado-ocsp.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>

#include "mado-identity-error.h"
#include "mado-openssl-private.h"

#define NONCE_LENGTH 32
#define MAX_HEADER_BYTES (16 * 1024)

/* --- answers --------------------------------------------------------------------------------- */

static void set_answer (MadoRevocationAnswer *answer, MadoVerdictReason reason, const char *format,
                        ...) G_GNUC_PRINTF (3, 4);

static void
set_answer (MadoRevocationAnswer *answer, MadoVerdictReason reason, const char *format, ...)
{
  va_list args;

  g_free (answer->detail);
  va_start (args, format);
  answer->detail = g_strdup_vprintf (format, args);
  va_end (args);
  answer->reason = reason;
  answer->revoked_at = 0;
  answer->crl_reason = -1;
}

/* The first queued OpenSSL error as text, or @fallback; the queue is emptied. */
static char *
take_openssl_error (const char *fallback)
{
  unsigned long code = ERR_peek_error ();
  char buffer[256];

  if (code == 0)
    return g_strdup (fallback);
  ERR_error_string_n (code, buffer, sizeof buffer);
  ERR_clear_error ();
  return g_strdup (buffer);
}

/* --- transport ------------------------------------------------------------------------------- */

G_DEFINE_INTERFACE (MadoOcspTransport, mado_ocsp_transport, G_TYPE_OBJECT)

static void
mado_ocsp_transport_default_init (MadoOcspTransportInterface *iface)
{
}

GBytes *
mado_ocsp_transport_post (MadoOcspTransport *self, const char *url, GBytes *body, guint timeout_ms,
                          GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (MADO_IS_OCSP_TRANSPORT (self), NULL);
  g_return_val_if_fail (url != NULL && body != NULL, NULL);
  return MADO_OCSP_TRANSPORT_GET_IFACE (self)->post (self, url, body, timeout_ms, cancellable,
                                                     error);
}

struct _MadoOcspHttpTransport
{
  GObject parent_instance;
  gsize max_response;
};

static void mado_ocsp_http_transport_iface_init (MadoOcspTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MadoOcspHttpTransport, mado_ocsp_http_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_OCSP_TRANSPORT,
                                                      mado_ocsp_http_transport_iface_init))

static void
mado_ocsp_http_transport_class_init (MadoOcspHttpTransportClass *klass)
{
}

static void
mado_ocsp_http_transport_init (MadoOcspHttpTransport *self)
{
  self->max_response = MADO_OCSP_HTTP_DEFAULT_MAX_RESPONSE;
}

MadoOcspTransport *
mado_ocsp_http_transport_new (void)
{
  return g_object_new (MADO_TYPE_OCSP_HTTP_TRANSPORT, NULL);
}

void
mado_ocsp_http_transport_set_max_response (MadoOcspHttpTransport *self, gsize max_bytes)
{
  g_return_if_fail (MADO_IS_OCSP_HTTP_TRANSPORT (self));
  g_return_if_fail (max_bytes > 0);
  self->max_response = max_bytes;
}

/* One HTTP exchange, driven by the async GIO API on a private main context so that a single
 * timeout covers name resolution, connect, send and receive, in any thread. */
typedef struct
{
  GCancellable *cancellable; /* internal: cancelled by the timeout or the caller's cancellable */
  gboolean timed_out;
  gboolean done;
  GError *error;
  GSocketConnection *connection;
  GBytes *request;
  GByteArray *received;
  gsize limit;
  guint8 buffer[4096];
} HttpExchange;

static void http_read_next (HttpExchange *x);

static void
http_finish (HttpExchange *x, GError *error)
{
  if (error != NULL && x->error == NULL)
    x->error = error;
  else if (error != NULL)
    g_error_free (error);
  x->done = TRUE;
}

static void
http_on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HttpExchange *x = user_data;
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n < 0)
    {
      http_finish (x, error);
      return;
    }
  if (n == 0)
    {
      http_finish (x, NULL);
      return;
    }
  g_byte_array_append (x->received, x->buffer, (guint)n);
  if (x->received->len > x->limit)
    {
      http_finish (x,
                   g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                "OCSP response larger than %" G_GSIZE_FORMAT " bytes", x->limit));
      return;
    }
  http_read_next (x);
}

static void
http_read_next (HttpExchange *x)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (x->connection));
  g_input_stream_read_async (in, x->buffer, sizeof x->buffer, G_PRIORITY_DEFAULT, x->cancellable,
                             http_on_read, x);
}

static void
http_on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HttpExchange *x = user_data;
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      http_finish (x, error);
      return;
    }
  http_read_next (x);
}

static void
http_on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HttpExchange *x = user_data;
  GError *error = NULL;

  x->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (x->connection == NULL)
    {
      http_finish (x, error);
      return;
    }
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (x->connection));
  gsize size = 0;
  const void *data = g_bytes_get_data (x->request, &size);
  g_output_stream_write_all_async (out, data, size, G_PRIORITY_DEFAULT, x->cancellable,
                                   http_on_written, x);
}

static gboolean
http_on_timeout (gpointer user_data)
{
  HttpExchange *x = user_data;
  x->timed_out = TRUE;
  g_cancellable_cancel (x->cancellable);
  return G_SOURCE_REMOVE;
}

static void
http_on_external_cancel (GCancellable *external, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
url_chars_ok (const char *url)
{
  for (const char *c = url; *c != '\0'; c++)
    if ((guchar)*c <= 0x20 || (guchar)*c >= 0x7f)
      return FALSE;
  return TRUE;
}

/* Splits "HTTP/1.x 200 ...\r\nheaders\r\n\r\nbody" and returns the body. */
static GBytes *
http_parse_response (const guint8 *data, gsize size, gsize max_body, GError **error)
{
  const guint8 *end = NULL;

  for (gsize i = 0; i + 3 < size; i++)
    if (memcmp (data + i, "\r\n\r\n", 4) == 0)
      {
        end = data + i;
        break;
      }
  if (end == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   size == 0 ? "the OCSP responder closed the connection without answering"
                             : "not an HTTP response");
      return NULL;
    }

  g_autofree char *head = g_strndup ((const char *)data, (gsize)(end - data));
  g_auto (GStrv) lines = g_strsplit (head, "\r\n", -1);
  int major = 0, minor = 0, status = 0;
  if (sscanf (lines[0], "HTTP/%d.%d %d", &major, &minor, &status) != 3 || major != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not an HTTP/1 status line");
      return NULL;
    }
  if (status != 200)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the OCSP responder answered HTTP %d", status);
      return NULL;
    }

  const guint8 *body = end + 4;
  gsize body_size = size - (gsize)(body - data);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      if (g_ascii_strncasecmp (lines[i], "Content-Length:", 15) != 0)
        continue;
      guint64 length = 0;
      const char *value = lines[i] + 15;
      while (*value == ' ' || *value == '\t')
        value++;
      if (!g_ascii_string_to_unsigned (g_strchomp ((char *)value), 10, 0, G_MAXUINT64, &length,
                                       NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad Content-Length");
          return NULL;
        }
      if (length > body_size)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "the OCSP response ended after %" G_GSIZE_FORMAT " of %" G_GUINT64_FORMAT
                       " bytes",
                       body_size, length);
          return NULL;
        }
      body_size = (gsize)length;
    }
  if (body_size > max_body)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   "OCSP response larger than %" G_GSIZE_FORMAT " bytes", max_body);
      return NULL;
    }
  return g_bytes_new (body, body_size);
}

static GBytes *
mado_ocsp_http_transport_post (MadoOcspTransport *transport, const char *url, GBytes *body,
                               guint timeout_ms, GCancellable *cancellable, GError **error)
{
  MadoOcspHttpTransport *self = MADO_OCSP_HTTP_TRANSPORT (transport);
  g_autoptr (GUri) uri = NULL;

  if (!url_chars_ok (url))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the OCSP URL holds spaces or control characters");
      return NULL;
    }
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, error);
  if (uri == NULL)
    return NULL;
  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 || g_uri_get_host (uri) == NULL
      || *g_uri_get_host (uri) == '\0' || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "only http://host[:port]/path OCSP URLs are supported");
      return NULL;
    }

  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);
  if (port <= 0)
    port = 80;
  const char *path = g_uri_get_path (uri);
  const char *query = g_uri_get_query (uri);
  gboolean ipv6 = strchr (host, ':') != NULL;
  g_autofree char *host_header = port == 80
                                     ? g_strdup_printf (ipv6 ? "[%s]" : "%s", host)
                                     : g_strdup_printf (ipv6 ? "[%s]:%d" : "%s:%d", host, port);
  gsize body_size = 0;
  const void *body_data = g_bytes_get_data (body, &body_size);
  GString *request = g_string_new (NULL);
  g_string_append_printf (request,
                          "POST %s%s%s HTTP/1.0\r\n"
                          "Host: %s\r\n"
                          "Content-Type: application/ocsp-request\r\n"
                          "Accept: application/ocsp-response\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "Connection: close\r\n"
                          "\r\n",
                          *path != '\0' ? path : "/", query != NULL ? "?" : "",
                          query != NULL ? query : "", host_header, body_size);
  g_string_append_len (request, body_data, (gssize)body_size);

  HttpExchange x = { 0 };
  x.cancellable = g_cancellable_new ();
  x.request = g_string_free_to_bytes (request);
  x.received = g_byte_array_new ();
  x.limit = self->max_response + MAX_HEADER_BYTES;

  GMainContext *context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  gulong cancel_id = 0;
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (http_on_external_cancel),
                                       x.cancellable, NULL);
  GSource *timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (timeout, http_on_timeout, &x, NULL);
  g_source_attach (timeout, context);

  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_socket_client_set_enable_proxy (client, FALSE);
  g_autoptr (GSocketConnectable) address = g_network_address_new (host, (guint16)port);
  g_socket_client_connect_async (client, address, x.cancellable, http_on_connected, &x);
  while (!x.done)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (timeout);
  g_source_unref (timeout);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, cancel_id);
  if (x.connection != NULL)
    {
      g_io_stream_close (G_IO_STREAM (x.connection), NULL, NULL);
      g_object_unref (x.connection);
    }
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  GBytes *result = NULL;
  /* after the deadline any failure is the timeout's doing (a cancelled connect may surface as
   * another error), unless the caller cancelled too */
  if (x.error != NULL && x.timed_out && !g_cancellable_is_cancelled (cancellable))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                 "the OCSP responder did not answer within %u ms", timeout_ms);
  else if (x.error != NULL)
    g_propagate_error (error, g_steal_pointer (&x.error));
  else
    result = http_parse_response (x.received->data, x.received->len, self->max_response, error);

  g_clear_error (&x.error);
  g_byte_array_unref (x.received);
  g_bytes_unref (x.request);
  g_object_unref (x.cancellable);
  return result;
}

static void
mado_ocsp_http_transport_iface_init (MadoOcspTransportInterface *iface)
{
  iface->post = mado_ocsp_http_transport_post;
}

/* --- options --------------------------------------------------------------------------------- */

void
mado_ocsp_options_init (MadoOcspOptions *options)
{
  g_return_if_fail (options != NULL);
  memset (options, 0, sizeof *options);
  options->timeout_ms = MADO_OCSP_DEFAULT_TIMEOUT_MS;
  options->max_skew = MADO_OCSP_DEFAULT_MAX_SKEW;
  options->max_age = MADO_OCSP_DEFAULT_MAX_AGE;
}

gboolean
mado_ocsp_url_allowed (const char *url, const char *const *allowed_url_prefixes)
{
  if (url == NULL || allowed_url_prefixes == NULL || !url_chars_ok (url))
    return FALSE;
  for (const char *const *p = allowed_url_prefixes; *p != NULL; p++)
    {
      gsize n = strlen (*p);
      if (n == 0 || strncmp (url, *p, n) != 0)
        continue;
      char next = url[n];
      if ((*p)[n - 1] == '/' || next == '\0' || next == '/' || next == '?')
        return TRUE;
    }
  return FALSE;
}

/* A deep copy of options: the strings and a reference on the transport. */
typedef struct
{
  MadoOcspOptions options;
  char **prefixes;
} OptionsCopy;

static void
options_copy_init (OptionsCopy *copy, const MadoOcspOptions *options)
{
  copy->options = *options;
  copy->prefixes = g_strdupv ((char **)options->allowed_url_prefixes);
  copy->options.allowed_url_prefixes = (const char *const *)copy->prefixes;
  if (options->transport != NULL)
    g_object_ref (options->transport);
}

static void
options_copy_clear (OptionsCopy *copy)
{
  g_clear_pointer (&copy->prefixes, g_strfreev);
  g_clear_object (&copy->options.transport);
}

/* --- request --------------------------------------------------------------------------------- */

struct _MadoOcspRequest
{
  OCSP_REQUEST *request;
  OCSP_CERTID *id; /* what every answer must be about */
  GBytes *der;
};

void
mado_ocsp_request_free (MadoOcspRequest *request)
{
  if (request == NULL)
    return;
  OCSP_REQUEST_free (request->request);
  OCSP_CERTID_free (request->id);
  g_clear_pointer (&request->der, g_bytes_unref);
  g_free (request);
}

MadoOcspRequest *
mado_ocsp_request_new_with_nonce (X509 *cert, X509 *issuer, const guint8 *nonce, gsize nonce_len,
                                  GError **error)
{
  g_return_val_if_fail (cert != NULL && issuer != NULL, NULL);
  g_return_val_if_fail (nonce_len > 0 && nonce_len <= 64, NULL);

  g_autoptr (MadoOcspRequest) request = g_new0 (MadoOcspRequest, 1);
  request->id = OCSP_cert_to_id (EVP_sha1 (), cert, issuer);
  request->request = OCSP_REQUEST_new ();
  OCSP_CERTID *copy = request->id != NULL ? OCSP_CERTID_dup (request->id) : NULL;
  if (request->id == NULL || request->request == NULL || copy == NULL
      || OCSP_request_add0_id (request->request, copy) == NULL)
    {
      OCSP_CERTID_free (copy);
      g_autofree char *why = take_openssl_error ("cannot make the OCSP CertID");
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "OCSP request: %s", why);
      return NULL;
    }
  /* with a NULL value OpenSSL fills the nonce from its CSPRNG */
  if (OCSP_request_add1_nonce (request->request, (unsigned char *)nonce, (int)nonce_len) != 1)
    {
      g_autofree char *why = take_openssl_error ("cannot add the nonce");
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "OCSP request: %s", why);
      return NULL;
    }
  unsigned char *der = NULL;
  int der_len = i2d_OCSP_REQUEST (request->request, &der);
  if (der_len <= 0)
    {
      g_autofree char *why = take_openssl_error ("cannot encode the request");
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "OCSP request: %s", why);
      return NULL;
    }
  request->der = g_bytes_new (der, (gsize)der_len);
  OPENSSL_free (der);
  return g_steal_pointer (&request);
}

MadoOcspRequest *
mado_ocsp_request_new (X509 *cert, X509 *issuer, GError **error)
{
  return mado_ocsp_request_new_with_nonce (cert, issuer, NULL, NONCE_LENGTH, error);
}

GBytes *
mado_ocsp_request_get_der (const MadoOcspRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return g_bytes_ref (request->der);
}

/* --- response -------------------------------------------------------------------------------- */

static gboolean
asn1_time_to_unix (const ASN1_TIME *time, gint64 *out)
{
  int days = 0, seconds = 0;
  g_autoptr (ASN1_TIME) epoch = ASN1_TIME_set (NULL, 0);

  if (time == NULL || epoch == NULL || !ASN1_TIME_diff (&days, &seconds, epoch, time))
    {
      ERR_clear_error ();
      return FALSE;
    }
  *out = (gint64)days * 86400 + seconds;
  return TRUE;
}

static const char *
nonce_problem (int check)
{
  switch (check)
    {
    case 0:
      return "the response carries another nonce (a replay)";
    case -1:
      return "the response carries no nonce (a replay, or a responder that ignores nonces)";
    case 2:
      return "neither request nor response carries a nonce";
    case 3:
      return "the response carries a nonce the request did not";
    default:
      return "nonce check failed";
    }
}

void
mado_ocsp_request_check_response (const MadoOcspRequest *request, X509 *issuer, GBytes *response,
                                  const MadoOcspOptions *options, gint64 now_unix,
                                  MadoRevocationAnswer *answer)
{
  g_return_if_fail (answer != NULL);
  set_answer (answer, MADO_REASON_OCSP_BAD_RESPONSE, "not checked");
  g_return_if_fail (request != NULL && issuer != NULL && response != NULL && options != NULL);

  gsize size = 0;
  const unsigned char *data = g_bytes_get_data (response, &size);
  const unsigned char *p = data;
  if (size == 0 || size > G_MAXLONG)
    {
      set_answer (answer, MADO_REASON_OCSP_BAD_RESPONSE, "empty OCSP response");
      return;
    }
  g_autoptr (OCSP_RESPONSE) resp = d2i_OCSP_RESPONSE (NULL, &p, (long)size);
  if (resp == NULL || p != data + size)
    {
      ERR_clear_error ();
      {
        set_answer (answer, MADO_REASON_OCSP_BAD_RESPONSE,
                    resp == NULL ? "not a DER OCSPResponse" : "bytes after the DER OCSPResponse");
        return;
      }
    }
  int status = OCSP_response_status (resp);
  if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL)
    {
      set_answer (answer, MADO_REASON_OCSP_BAD_RESPONSE, "responder status %d (%s)", status,
                  OCSP_response_status_str (status));
      return;
    }
  g_autoptr (OCSP_BASICRESP) basic = OCSP_response_get1_basic (resp);
  if (basic == NULL)
    {
      ERR_clear_error ();
      {
        set_answer (answer, MADO_REASON_OCSP_BAD_RESPONSE, "no basic OCSP response");
        return;
      }
    }

  /* The signature: by the issuer, or by a certificate the issuer signed for OCSPSigning. The
   * store holds the issuer alone (never OpenSSL's default paths) and checks at @now_unix;
   * OCSP_NOEXPLICIT refuses the fallback that trusts any certificate chaining to a root. */
  g_autoptr (X509_STORE) store = X509_STORE_new ();
  STACK_OF (X509) *anchors = sk_X509_new_null ();
  if (store == NULL || anchors == NULL || X509_STORE_add_cert (store, issuer) != 1
      || sk_X509_push (anchors, issuer) <= 0)
    {
      sk_X509_free (anchors);
      ERR_clear_error ();
      set_answer (answer, MADO_REASON_OCSP_BAD_RESPONSE, "out of memory");
      return;
    }
  X509_VERIFY_PARAM *param = X509_STORE_get0_param (store);
  X509_VERIFY_PARAM_set_time (param, (time_t)now_unix);
  X509_VERIFY_PARAM_set_flags (param, X509_V_FLAG_PARTIAL_CHAIN);
  int verified = OCSP_basic_verify (basic, anchors, store, OCSP_NOEXPLICIT);
  sk_X509_free (anchors); /* a view: the issuer is the caller's */
  if (verified <= 0)
    {
      g_autofree char *why = take_openssl_error ("verification failed");
      {
        set_answer (answer, MADO_REASON_OCSP_BAD_RESPONSE,
                    "OCSP response signature not from the issuer or its responder: %s", why);
        return;
      }
    }

  int nonce = OCSP_check_nonce (request->request, basic);
  if (nonce != 1)
    {
      set_answer (answer, MADO_REASON_OCSP_NONCE, "%s", nonce_problem (nonce));
      return;
    }

  int index = OCSP_resp_find (basic, request->id, -1);
  if (index < 0)
    {
      set_answer (answer, MADO_REASON_OCSP_WRONG_CERT,
                  "the response answers for other certificates only");
      return;
    }
  if (OCSP_resp_find (basic, request->id, index) >= 0)
    {
      set_answer (answer, MADO_REASON_OCSP_BAD_RESPONSE,
                  "the response answers twice for the certificate");
      return;
    }
  OCSP_SINGLERESP *single = OCSP_resp_get0 (basic, index);
  int reason = -1;
  ASN1_GENERALIZEDTIME *revoked_time = NULL, *this_update = NULL, *next_update = NULL;
  int cert_status
      = OCSP_single_get0_status (single, &reason, &revoked_time, &this_update, &next_update);

  gint64 this_unix = 0, next_unix = 0;
  if (!asn1_time_to_unix (this_update, &this_unix)
      || (next_update != NULL && !asn1_time_to_unix (next_update, &next_unix)))
    {
      set_answer (answer, MADO_REASON_OCSP_BAD_RESPONSE, "unreadable thisUpdate/nextUpdate");
      return;
    }
  if (next_update != NULL && next_unix < this_unix)
    {
      set_answer (answer, MADO_REASON_OCSP_BAD_RESPONSE, "nextUpdate before thisUpdate");
      return;
    }
  gint64 skew = MAX (options->max_skew, 0);
  gint64 max_age = MAX (options->max_age, 0);
  if (this_unix > now_unix + skew)
    {
      set_answer (answer, MADO_REASON_OCSP_STALE,
                  "thisUpdate is %" G_GINT64_FORMAT " s ahead of our clock", this_unix - now_unix);
      return;
    }
  if (this_unix < now_unix - skew - max_age)
    {
      set_answer (answer, MADO_REASON_OCSP_STALE,
                  "thisUpdate is %" G_GINT64_FORMAT " s old (at most %" G_GINT64_FORMAT
                  " s accepted)",
                  now_unix - this_unix, max_age);
      return;
    }
  if (next_update != NULL && next_unix < now_unix - skew)
    {
      set_answer (answer, MADO_REASON_OCSP_STALE, "past nextUpdate by %" G_GINT64_FORMAT " s",
                  now_unix - next_unix);
      return;
    }

  switch (cert_status)
    {
    case V_OCSP_CERTSTATUS_GOOD:
      set_answer (answer, MADO_REASON_NONE, "OCSP: good");
      return;
    case V_OCSP_CERTSTATUS_REVOKED:
      {
        gint64 revoked_at = 0;
        if (!asn1_time_to_unix (revoked_time, &revoked_at))
          {
            set_answer (answer, MADO_REASON_OCSP_BAD_RESPONSE, "unreadable revocationTime");
            return;
          }
        set_answer (answer, MADO_REASON_REVOKED_OCSP, "OCSP: revoked (%s)",
                    reason >= 0 ? OCSP_crl_reason_str (reason) : "no reason given");
        answer->revoked_at = revoked_at;
        answer->crl_reason = reason >= 0 ? reason : -1;
        return;
      }
    case V_OCSP_CERTSTATUS_UNKNOWN:
      set_answer (answer, MADO_REASON_OCSP_STATUS_UNKNOWN,
                  "the responder does not know the certificate");
      return;
    default:
      set_answer (answer, MADO_REASON_OCSP_BAD_RESPONSE, "unreadable certificate status");
      return;
    }
}

/* --- the whole check ------------------------------------------------------------------------- */

static MadoVerdictReason
transport_reason (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return MADO_REASON_OCSP_TIMEOUT;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    return MADO_REASON_OCSP_BAD_RESPONSE;
  return MADO_REASON_OCSP_UNREACHABLE;
}

gboolean
mado_ocsp_check (X509 *cert, X509 *issuer, const char *url, const MadoOcspOptions *options,
                 gint64 now_unix, GCancellable *cancellable, MadoRevocationAnswer *answer,
                 GError **error)
{
  g_return_val_if_fail (answer != NULL, FALSE);
  set_answer (answer, MADO_REASON_OCSP_BAD_RESPONSE, "not checked");
  g_return_val_if_fail (cert != NULL && issuer != NULL && options != NULL, FALSE);

  if (!mado_ocsp_url_allowed (url, options->allowed_url_prefixes))
    {
      set_answer (answer, MADO_REASON_OCSP_NOT_ALLOWED,
                  "the OCSP responder URL is not in the allow-list");
      return TRUE;
    }

  GError *local_error = NULL;
  g_autoptr (MadoOcspRequest) request = mado_ocsp_request_new (cert, issuer, &local_error);
  if (request == NULL)
    {
      set_answer (answer, MADO_REASON_OCSP_BAD_RESPONSE, "%s", local_error->message);
      g_propagate_error (error, local_error);
      return FALSE;
    }

  g_autoptr (MadoOcspTransport) transport = options->transport != NULL
                                                ? g_object_ref (options->transport)
                                                : mado_ocsp_http_transport_new ();
  guint timeout_ms = options->timeout_ms > 0 ? options->timeout_ms : MADO_OCSP_DEFAULT_TIMEOUT_MS;
  g_autoptr (GBytes) body = mado_ocsp_request_get_der (request);
  g_autoptr (GBytes) response
      = mado_ocsp_transport_post (transport, url, body, timeout_ms, cancellable, &local_error);
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (&local_error);
      set_answer (answer, MADO_REASON_OCSP_UNREACHABLE, "cancelled");
      return !g_cancellable_set_error_if_cancelled (cancellable, error);
    }
  if (response == NULL)
    {
      if (local_error == NULL)
        set_answer (answer, MADO_REASON_OCSP_UNREACHABLE, "the transport returned nothing");
      else
        set_answer (answer, transport_reason (local_error), "%s", local_error->message);
      g_clear_error (&local_error);
      return TRUE;
    }

  mado_ocsp_request_check_response (request, issuer, response, options, now_unix, answer);
  return TRUE;
}

typedef struct
{
  X509 *cert;
  X509 *issuer;
  char *url;
  OptionsCopy options;
  gint64 now_unix;
  MadoRevocationAnswer answer;
} CheckData;

static void
check_data_free (CheckData *data)
{
  X509_free (data->cert);
  X509_free (data->issuer);
  g_free (data->url);
  options_copy_clear (&data->options);
  mado_revocation_answer_clear (&data->answer);
  g_free (data);
}

static void
check_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  CheckData *data = task_data;
  GError *error = NULL;

  if (mado_ocsp_check (data->cert, data->issuer, data->url, &data->options.options, data->now_unix,
                       cancellable, &data->answer, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
mado_ocsp_check_async (X509 *cert, X509 *issuer, const char *url, const MadoOcspOptions *options,
                       gint64 now_unix, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_return_if_fail (cert != NULL && issuer != NULL && options != NULL);

  CheckData *data = g_new0 (CheckData, 1);
  X509_up_ref (cert);
  X509_up_ref (issuer);
  data->cert = cert;
  data->issuer = issuer;
  data->url = g_strdup (url);
  options_copy_init (&data->options, options);
  data->now_unix = now_unix;
  set_answer (&data->answer, MADO_REASON_OCSP_UNREACHABLE, "cancelled");

  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mado_ocsp_check_async);
  g_task_set_task_data (task, data, (GDestroyNotify)check_data_free);
  g_task_run_in_thread (task, check_thread);
}

gboolean
mado_ocsp_check_finish (GAsyncResult *result, MadoRevocationAnswer *answer, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (answer != NULL, FALSE);

  CheckData *data = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), error);
  mado_revocation_answer_clear (answer);
  *answer = data->answer;
  data->answer.detail = NULL;
  mado_revocation_answer_clear (&data->answer);
  if (!ok && answer->reason == MADO_REASON_NONE)
    set_answer (answer, MADO_REASON_OCSP_UNREACHABLE, "cancelled");
  return ok;
}

/* --- as a revocation source ------------------------------------------------------------------ */

struct _MadoOcspSource
{
  GObject parent_instance;
  char *url;
  OptionsCopy options;
};

static void mado_ocsp_source_iface_init (MadoRevocationSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MadoOcspSource, mado_ocsp_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_REVOCATION_SOURCE,
                                                      mado_ocsp_source_iface_init))

static void
mado_ocsp_source_finalize (GObject *object)
{
  MadoOcspSource *self = MADO_OCSP_SOURCE (object);
  g_free (self->url);
  options_copy_clear (&self->options);
  G_OBJECT_CLASS (mado_ocsp_source_parent_class)->finalize (object);
}

static void
mado_ocsp_source_class_init (MadoOcspSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mado_ocsp_source_finalize;
}

static void
mado_ocsp_source_init (MadoOcspSource *self)
{
}

static void
mado_ocsp_source_check (MadoRevocationSource *source, GBytes *certificate_der,
                        const ASN1_INTEGER *serial, const MadoTrustRoot *root, gint64 now,
                        GCancellable *cancellable, MadoRevocationAnswer *answer)
{
  MadoOcspSource *self = MADO_OCSP_SOURCE (source);
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const unsigned char *p = g_bytes_get_data (certificate_der, &len);
  g_autoptr (X509) certificate = d2i_X509 (NULL, &p, (long)len);
  if (certificate == NULL)
    {
      answer->reason = MADO_REASON_OCSP_BAD_RESPONSE;
      answer->detail = g_strdup ("the certificate does not parse: nothing to ask the responder");
      return;
    }

  /* a FALSE return leaves an unknown reason in the answer: nothing more to do */
  mado_ocsp_check (certificate, root->certificate, self->url, &self->options.options, now,
                   cancellable, answer, &error);
}

static void
mado_ocsp_source_iface_init (MadoRevocationSourceInterface *iface)
{
  iface->check = mado_ocsp_source_check;
}

MadoRevocationSource *
mado_ocsp_source_new (const char *url, const MadoOcspOptions *options)
{
  g_return_val_if_fail (url != NULL && options != NULL, NULL);

  MadoOcspSource *self = g_object_new (MADO_TYPE_OCSP_SOURCE, NULL);
  self->url = g_strdup (url);
  options_copy_init (&self->options, options);
  return MADO_REVOCATION_SOURCE (self);
}
