/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-registry-client.c — the registry API over HTTPS with libcurl: one easy handle reset and
 * configured for each request (curl_easy_reset keeps the live connection, the TLS session and
 * the DNS cache), a mutex around it, and curl's errors mapped to MADO_SYNC_ERROR.
 */
#define G_LOG_DOMAIN "mado-sync"

#include "mado-registry-client.h"

#include <string.h>

#include <curl/curl.h>
#include <openssl/pem.h>

#include "mado-openssl-private.h"

struct _MadoRegistryClient
{
  GObject parent_instance;

  char *base_url; /* without a trailing '/' */
  char *host;     /* for messages */
  char *client_certificate;
  char *client_key;
  char *ca_file;
  char *proxy; /* "" for none */
  guint connect_timeout_ms;
  guint timeout_ms;
  gsize max_response_bytes;

  GMutex lock; /* guards everything below */
  CURL *curl;
  guint connections_opened;
};

static void mado_registry_client_transport_init (MadoSyncTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MadoRegistryClient, mado_registry_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_SYNC_TRANSPORT,
                                                      mado_registry_client_transport_init))

static void
mado_registry_client_finalize (GObject *object)
{
  MadoRegistryClient *self = MADO_REGISTRY_CLIENT (object);

  if (self->curl != NULL)
    curl_easy_cleanup (self->curl);
  g_mutex_clear (&self->lock);
  g_free (self->base_url);
  g_free (self->host);
  g_free (self->client_certificate);
  g_free (self->client_key);
  g_free (self->ca_file);
  g_free (self->proxy);
  G_OBJECT_CLASS (mado_registry_client_parent_class)->finalize (object);
}

static void
mado_registry_client_class_init (MadoRegistryClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mado_registry_client_finalize;
  /* Once per process, before any handle exists; class_init runs once and under GType's lock.
   * Never cleaned up: other parts of the process may use curl too. */
  curl_global_init (CURL_GLOBAL_DEFAULT);
}

static void
mado_registry_client_init (MadoRegistryClient *self)
{
  g_mutex_init (&self->lock);
}

/* ---- construction: the options checked before anything is sent ------------------------------ */

static gboolean config_error (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
config_error (GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, MADO_SYNC_ERROR, MADO_SYNC_ERROR_CONFIG, message);
  return FALSE;
}

static BIO *
open_pem (const char *what, const char *path, GError **error)
{
  if (path == NULL || *path == '\0')
    {
      config_error (error, "registry client: no %s file given", what);
      return NULL;
    }
  BIO *bio = BIO_new_file (path, "r");
  if (bio == NULL)
    config_error (error, "registry client: %s file %s: cannot be read", what, path);
  return bio;
}

static int
no_passphrase (char *buf, int size, int rwflag, void *u)
{
  return 0; /* an encrypted key is refused: a kiosk starts unattended */
}

static gboolean
check_tls_files (const MadoRegistryClientOptions *options, GError **error)
{
  g_autoptr (BIO) cert_bio = open_pem ("client certificate", options->client_certificate, error);
  if (cert_bio == NULL)
    return FALSE;
  g_autoptr (X509) cert = PEM_read_bio_X509 (cert_bio, NULL, NULL, NULL);
  if (cert == NULL)
    return config_error (error, "registry client: client certificate file %s: no PEM certificate",
                         options->client_certificate);

  g_autoptr (BIO) key_bio = open_pem ("client key", options->client_key, error);
  if (key_bio == NULL)
    return FALSE;
  g_autoptr (EVP_PKEY) key = PEM_read_bio_PrivateKey (key_bio, NULL, no_passphrase, NULL);
  if (key == NULL)
    return config_error (error,
                         "registry client: client key file %s: no unencrypted PEM private key",
                         options->client_key);
  if (X509_check_private_key (cert, key) != 1)
    return config_error (error,
                         "registry client: the key in %s does not belong to the certificate "
                         "in %s",
                         options->client_key, options->client_certificate);

  g_autoptr (BIO) ca_bio = open_pem ("CA", options->ca_file, error);
  if (ca_bio == NULL)
    return FALSE;
  g_autoptr (X509) ca = PEM_read_bio_X509 (ca_bio, NULL, NULL, NULL);
  if (ca == NULL)
    return config_error (error, "registry client: CA file %s: no PEM certificate",
                         options->ca_file);
  return TRUE;
}

/* An https:// URL with a host, an optional port and path prefix, no user, query or fragment. */
static gboolean
parse_base_url (MadoRegistryClient *self, const char *url, GError **error)
{
  if (url == NULL || *url == '\0')
    return config_error (error, "registry client: no registry URL given");

  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL
      || g_uri_get_fragment (uri) != NULL)
    return config_error (error,
                         "registry client: the registry URL must be https://HOST[:PORT][/PREFIX], "
                         "without user, query or fragment");

  gsize length = strlen (url);
  while (length > 0 && url[length - 1] == '/')
    length--;
  self->base_url = g_strndup (url, length);
  int port = g_uri_get_port (uri);
  self->host = port > 0 ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), port)
                        : g_strdup (g_uri_get_host (uri));
  return TRUE;
}

/* http://HOST:PORT, nothing more (credentials would end up in messages). */
static gboolean
check_proxy (const char *proxy, GError **error)
{
  if (proxy == NULL || *proxy == '\0')
    return TRUE;
  g_autoptr (GUri) uri = g_uri_parse (proxy, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' || g_uri_get_port (uri) <= 0
      || g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL
      || g_uri_get_fragment (uri) != NULL
      || (*g_uri_get_path (uri) != '\0' && !g_str_equal (g_uri_get_path (uri), "/")))
    return config_error (error, "registry client: the proxy must be http://HOST:PORT");
  return TRUE;
}

MadoRegistryClient *
mado_registry_client_new (const MadoRegistryClientOptions *options, GError **error)
{
  g_return_val_if_fail (options != NULL, NULL);

  g_autoptr (MadoRegistryClient) self = g_object_new (MADO_TYPE_REGISTRY_CLIENT, NULL);
  if (!parse_base_url (self, options->base_url, error) || !check_tls_files (options, error))
    return NULL;
  if (!check_proxy (options->proxy, error))
    return NULL;
  self->proxy = g_strdup (options->proxy != NULL ? options->proxy : "");
  self->client_certificate = g_strdup (options->client_certificate);
  self->client_key = g_strdup (options->client_key);
  self->ca_file = g_strdup (options->ca_file);
  self->connect_timeout_ms = options->connect_timeout_ms != 0
                                 ? options->connect_timeout_ms
                                 : MADO_REGISTRY_CLIENT_DEFAULT_CONNECT_TIMEOUT_MS;
  self->timeout_ms
      = options->timeout_ms != 0 ? options->timeout_ms : MADO_REGISTRY_CLIENT_DEFAULT_TIMEOUT_MS;
  self->max_response_bytes = options->max_response_bytes != 0
                                 ? options->max_response_bytes
                                 : MADO_REGISTRY_CLIENT_DEFAULT_MAX_RESPONSE;
  self->curl = curl_easy_init ();
  if (self->curl == NULL)
    {
      config_error (error, "registry client: libcurl could not make a handle");
      return NULL;
    }
  return g_steal_pointer (&self);
}

const char *
mado_registry_client_get_base_url (MadoRegistryClient *client)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_CLIENT (client), NULL);
  return client->base_url;
}

guint
mado_registry_client_get_connections_opened (MadoRegistryClient *client)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_CLIENT (client), 0);
  g_mutex_lock (&client->lock);
  guint n = client->connections_opened;
  g_mutex_unlock (&client->lock);
  return n;
}

/* ---- one exchange ---------------------------------------------------------------------------- */

static gboolean
method_is_valid (const char *method)
{
  static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", NULL };
  return g_strv_contains (methods, method);
}

/* An absolute path (and optional query) of RFC 3986 characters, without "." or ".." segments. */
static gboolean
path_is_valid (const char *path)
{
  static const char allowed[] = "-._~!$&'()*+,;=:@/?%";
  if (path[0] != '/' || strstr (path, "/./") != NULL || strstr (path, "/../") != NULL
      || g_str_has_suffix (path, "/.") || g_str_has_suffix (path, "/.."))
    return FALSE;
  for (const char *p = path; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr (allowed, *p) == NULL)
      return FALSE;
  return TRUE;
}

/* A header value of visible ASCII (no space, CR, LF or control), 1–4096 bytes. */
static gboolean
header_value_is_valid (const char *value)
{
  gsize length = strlen (value);
  if (length == 0 || length > 4096)
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar)*p <= 0x20 || (guchar)*p >= 0x7f)
      return FALSE;
  return TRUE;
}

/* The response body, grown by copying into a new buffer and wiping the old one, so no stale
 * copy of what may be personal data is left in freed memory. */
typedef struct
{
  guint8 *data;
  gsize length;
  gsize capacity;
  gsize max;
  gboolean too_large;
} Body;

static void
body_clear (Body *body)
{
  if (body->data != NULL)
    explicit_bzero (body->data, body->capacity);
  g_free (body->data);
  memset (body, 0, sizeof *body);
}

static size_t
on_write (char *data, size_t size, size_t count, void *user_data)
{
  Body *body = user_data;
  gsize n = size * count;

  if (n > body->max - body->length)
    {
      body->too_large = TRUE;
      return 0; /* CURLE_WRITE_ERROR */
    }
  if (body->length + n + 1 > body->capacity)
    {
      gsize capacity = MAX (body->capacity * 2, 4096);
      while (capacity < body->length + n + 1)
        capacity *= 2;
      guint8 *grown = g_malloc (capacity);
      if (body->length > 0)
        memcpy (grown, body->data, body->length);
      if (body->data != NULL)
        explicit_bzero (body->data, body->capacity);
      g_free (body->data);
      body->data = grown;
      body->capacity = capacity;
    }
  memcpy (body->data + body->length, data, n);
  body->length += n;
  body->data[body->length] = '\0';
  return n;
}

static int
on_progress (void *user_data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
             curl_off_t ulnow)
{
  return g_cancellable_is_cancelled (user_data) ? 1 : 0;
}

/* Header lines are wiped before they are freed: one carries the bearer token. */
static void
headers_free (struct curl_slist *headers)
{
  for (struct curl_slist *h = headers; h != NULL; h = h->next)
    explicit_bzero (h->data, strlen (h->data));
  curl_slist_free_all (headers);
}

typedef struct curl_slist HeaderList;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeaderList, headers_free)

static gboolean
headers_append (struct curl_slist **headers, char *line)
{
  struct curl_slist *more = curl_slist_append (*headers, line);
  explicit_bzero (line, strlen (line));
  g_free (line);
  if (more == NULL)
    return FALSE;
  *headers = more;
  return TRUE;
}

static MadoSyncError
classify (CURLcode code, const char *detail)
{
  switch (code)
    {
    case CURLE_OPERATION_TIMEDOUT:
      return MADO_SYNC_ERROR_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
      return MADO_SYNC_ERROR_TLS;
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return MADO_SYNC_ERROR_CONFIG;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
      /* With TLS 1.3 the server judges our certificate after the handshake: its alert
       * ("certificate required", "unknown ca") comes with the first read. */
      if (strstr (detail, "SSL") != NULL || strstr (detail, "alert") != NULL)
        return MADO_SYNC_ERROR_TLS;
      return MADO_SYNC_ERROR_NETWORK;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_TOO_MANY_REDIRECTS:
      return MADO_SYNC_ERROR_PROTOCOL;
    default:
      /* couldn't connect, couldn't resolve, got nothing, partial answer, … */
      return MADO_SYNC_ERROR_NETWORK;
    }
}

/* With TLS 1.3 the server judges our certificate after the handshake has completed on our side:
 * its alert races with our request, so the refusal may surface as a failed send or an empty
 * answer rather than as the alert. A connection opened by this very request, whose handshake
 * completed, closed before a single byte of answer, is taken for that refusal. */
static gboolean
closed_after_handshake (CURL *curl, CURLcode rc, long connects)
{
  curl_off_t handshake_done = 0;
  long header_bytes = 0;

  if (rc != CURLE_SEND_ERROR && rc != CURLE_RECV_ERROR && rc != CURLE_GOT_NOTHING)
    return FALSE;
  return connects > 0
         && curl_easy_getinfo (curl, CURLINFO_APPCONNECT_TIME_T, &handshake_done) == CURLE_OK
         && handshake_done > 0
         && curl_easy_getinfo (curl, CURLINFO_HEADER_SIZE, &header_bytes) == CURLE_OK
         && header_bytes == 0;
}

/* The handle outlives the request: it must not keep pointers to this call's stack and heap. */
static void
forget_request (CURL *curl)
{
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, NULL);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, NULL);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, NULL);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, NULL);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, NULL);
}

#define SETOPT(option, value)                                                                      \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if (rc == CURLE_OK)                                                                            \
      rc = curl_easy_setopt (curl, option, value);                                                 \
  }                                                                                                \
  G_STMT_END

/* The exchange itself; the caller holds the lock. */
static MadoSyncResponse *
perform_locked (MadoRegistryClient *self, const MadoSyncRequest *request, GCancellable *cancellable,
                GError **error)
{
  CURL *curl = self->curl;
  char error_buffer[CURL_ERROR_SIZE] = "";
  Body body = { .max = self->max_response_bytes };
  g_autoptr (HeaderList) headers = NULL;
  g_autofree char *url = g_strconcat (self->base_url, request->path, NULL);
  CURLcode rc = CURLE_OK;

  if (!headers_append (&headers, g_strdup ("Accept: application/json"))
      || !headers_append (&headers, g_strdup ("Expect:")) /* no 100-continue round trip */
      || (request->json_body != NULL
          && !headers_append (&headers, g_strdup ("Content-Type: application/json")))
      || (request->idempotency_key != NULL
          && !headers_append (&headers,
                              g_strdup_printf ("Idempotency-Key: %s", request->idempotency_key)))
      || (request->created_at != 0
          && !headers_append (&headers, g_strdup_printf ("Mado-Created-At: %" G_GINT64_FORMAT,
                                                         request->created_at)))
      || (request->bearer_token != NULL
          && !headers_append (&headers,
                              g_strdup_printf ("Authorization: Bearer %s", request->bearer_token))))
    {
      g_set_error (error, MADO_SYNC_ERROR, MADO_SYNC_ERROR_INVALID,
                   "registry %s: %s %s: out of memory for the headers", self->host, request->method,
                   request->path);
      return NULL;
    }

  /* Options from scratch for every request: nothing of the previous one leaks into this one. */
  curl_easy_reset (curl);
  SETOPT (CURLOPT_URL, url);
  SETOPT (CURLOPT_PROTOCOLS_STR, "https");
  SETOPT (CURLOPT_FOLLOWLOCATION, 0L);
  SETOPT (CURLOPT_NOSIGNAL, 1L);
  SETOPT (CURLOPT_PROXY, self->proxy); /* "": none; never one from the environment */
  SETOPT (CURLOPT_PROXYTYPE, (long)CURLPROXY_HTTP);
  SETOPT (CURLOPT_HTTPPROXYTUNNEL, 1L);
  SETOPT (CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
  SETOPT (CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
  SETOPT (CURLOPT_SSL_VERIFYPEER, 1L);
  SETOPT (CURLOPT_SSL_VERIFYHOST, 2L);
  SETOPT (CURLOPT_CAINFO, self->ca_file);
  SETOPT (CURLOPT_CAPATH, NULL); /* the configured CA only, not the system's roots */
  SETOPT (CURLOPT_SSLCERT, self->client_certificate);
  SETOPT (CURLOPT_SSLCERTTYPE, "PEM");
  SETOPT (CURLOPT_SSLKEY, self->client_key);
  SETOPT (CURLOPT_SSLKEYTYPE, "PEM");
  SETOPT (CURLOPT_CONNECTTIMEOUT_MS, (long)self->connect_timeout_ms);
  SETOPT (CURLOPT_TIMEOUT_MS, (long)self->timeout_ms);
  SETOPT (CURLOPT_TCP_KEEPALIVE, 1L);
  SETOPT (CURLOPT_USERAGENT, "madoguchi/" MADO_VERSION);
  SETOPT (CURLOPT_HTTPHEADER, headers);
  SETOPT (CURLOPT_WRITEFUNCTION, on_write);
  SETOPT (CURLOPT_WRITEDATA, &body);
  SETOPT (CURLOPT_NOPROGRESS, 0L);
  SETOPT (CURLOPT_XFERINFOFUNCTION, on_progress);
  SETOPT (CURLOPT_XFERINFODATA, cancellable);
  SETOPT (CURLOPT_ERRORBUFFER, error_buffer);
  if (g_str_equal (request->method, "GET"))
    SETOPT (CURLOPT_HTTPGET, 1L);
  else
    {
      if (!g_str_equal (request->method, "POST"))
        SETOPT (CURLOPT_CUSTOMREQUEST, request->method);
      if (request->json_body != NULL || g_str_equal (request->method, "POST"))
        {
          const char *data = request->json_body != NULL ? request->json_body : "";
          SETOPT (CURLOPT_POSTFIELDS, data);
          SETOPT (CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen (data));
        }
    }
  if (rc != CURLE_OK)
    {
      forget_request (curl);
      g_set_error (error, MADO_SYNC_ERROR, MADO_SYNC_ERROR_CONFIG,
                   "registry %s: libcurl refused an option: %s", self->host,
                   curl_easy_strerror (rc));
      return NULL;
    }

  rc = curl_easy_perform (curl);
  forget_request (curl);

  long connects = 0;
  if (curl_easy_getinfo (curl, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK && connects > 0)
    self->connections_opened += (guint)connects;

  if (rc != CURLE_OK)
    {
      if (rc == CURLE_ABORTED_BY_CALLBACK && g_cancellable_is_cancelled (cancellable))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "registry %s: %s %s: cancelled",
                     self->host, request->method, request->path);
      else if (body.too_large)
        g_set_error (error, MADO_SYNC_ERROR, MADO_SYNC_ERROR_PROTOCOL,
                     "registry %s: %s %s: the answer is longer than %" G_GSIZE_FORMAT " bytes",
                     self->host, request->method, request->path, self->max_response_bytes);
      else if (classify (rc, error_buffer) == MADO_SYNC_ERROR_NETWORK
               && closed_after_handshake (curl, rc, connects))
        g_set_error (error, MADO_SYNC_ERROR, MADO_SYNC_ERROR_TLS,
                     "registry %s: %s %s: the registry closed the connection right after the TLS "
                     "handshake, before any answer: most likely it refused this terminal's "
                     "certificate (%s)",
                     self->host, request->method, request->path, curl_easy_strerror (rc));
      else
        g_set_error (error, MADO_SYNC_ERROR, classify (rc, error_buffer),
                     "registry %s: %s %s: %s%s%s", self->host, request->method, request->path,
                     curl_easy_strerror (rc), *error_buffer != '\0' ? ": " : "", error_buffer);
      body_clear (&body);
      return NULL;
    }

  long status = 0;
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  gboolean replayed = FALSE;
  struct curl_header *header = NULL;
  if (curl_easy_header (curl, "Idempotent-Replayed", 0, CURLH_HEADER, -1, &header) == CURLHE_OK
      && header != NULL && header->value != NULL)
    replayed = g_ascii_strcasecmp (header->value, "true") == 0; /* curl trims the value */

  if (body.data != NULL && memchr (body.data, '\0', body.length) != NULL)
    {
      body_clear (&body);
      g_set_error (error, MADO_SYNC_ERROR, MADO_SYNC_ERROR_PROTOCOL,
                   "registry %s: %s %s: HTTP %ld with a NUL byte in the body", self->host,
                   request->method, request->path, status);
      return NULL;
    }

  MadoSyncResponse *response = g_new0 (MadoSyncResponse, 1);
  response->status = (guint)status;
  response->replayed = replayed;
  if (body.data != NULL)
    {
      /* hand the buffer over as it is: no copy */
      response->body = (char *)g_steal_pointer (&body.data);
      response->body_length = body.length;
    }
  else
    response->body = g_strdup ("");
  g_debug ("registry %s: %s %s: HTTP %ld%s (%" G_GSIZE_FORMAT " bytes)", self->host,
           request->method, request->path, status, replayed ? ", replayed" : "",
           response->body_length);
  return response;
}

static MadoSyncResponse *
client_perform (MadoRegistryClient *self, const MadoSyncRequest *request, GCancellable *cancellable,
                GError **error)
{
  if (!method_is_valid (request->method))
    {
      g_set_error (error, MADO_SYNC_ERROR, MADO_SYNC_ERROR_INVALID,
                   "registry %s: method %s is not one the API uses", self->host, request->method);
      return NULL;
    }
  if (!path_is_valid (request->path))
    {
      g_set_error (error, MADO_SYNC_ERROR, MADO_SYNC_ERROR_INVALID,
                   "registry %s: %s: the path must be absolute, of RFC 3986 characters, without "
                   "dot segments",
                   self->host, request->method);
      return NULL;
    }
  if ((request->idempotency_key != NULL && !header_value_is_valid (request->idempotency_key))
      || (request->bearer_token != NULL && !header_value_is_valid (request->bearer_token)))
    {
      g_set_error (error, MADO_SYNC_ERROR, MADO_SYNC_ERROR_INVALID,
                   "registry %s: %s %s: a header value holds characters that cannot be sent",
                   self->host, request->method, request->path);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  g_mutex_lock (&self->lock);
  MadoSyncResponse *response = perform_locked (self, request, cancellable, error);
  g_mutex_unlock (&self->lock);
  return response;
}

static MadoSyncResponse *
transport_request (MadoSyncTransport *transport, const MadoSyncRequest *request,
                   GCancellable *cancellable, GError **error)
{
  return client_perform (MADO_REGISTRY_CLIENT (transport), request, cancellable, error);
}

static void
mado_registry_client_transport_init (MadoSyncTransportInterface *iface)
{
  iface->request = transport_request;
}

static gboolean
take_response (MadoSyncResponse *response, guint *status, char **response_body)
{
  if (status != NULL)
    *status = response->status;
  if (response_body != NULL)
    {
      *response_body = g_steal_pointer (&response->body);
      response->body_length = 0;
    }
  mado_sync_response_free (response);
  return TRUE;
}

gboolean
mado_registry_client_request (MadoRegistryClient *client, const char *method, const char *path,
                              const char *json_body, const char *idempotency_key, gint64 created_at,
                              const char *bearer_token, guint *status, char **response_body,
                              GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_CLIENT (client), FALSE);
  g_return_val_if_fail (method != NULL && path != NULL, FALSE);

  const MadoSyncRequest request = {
    .method = method,
    .path = path,
    .json_body = json_body,
    .idempotency_key = idempotency_key,
    .created_at = created_at,
    .bearer_token = bearer_token,
  };
  MadoSyncResponse *response = client_perform (client, &request, NULL, error);
  if (response == NULL)
    return FALSE;
  return take_response (response, status, response_body);
}

/* ---- async ----------------------------------------------------------------------------------- */

typedef struct
{
  char *method;
  char *path;
  char *json_body;
  char *idempotency_key;
  gint64 created_at;
  char *bearer_token;
} RequestData;

static void
request_data_free (RequestData *data)
{
  g_free (data->method);
  g_free (data->path);
  mado_sync_body_free (data->json_body);
  g_free (data->idempotency_key);
  mado_sync_body_free (data->bearer_token);
  g_free (data);
}

static void
request_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  RequestData *data = task_data;
  const MadoSyncRequest request = {
    .method = data->method,
    .path = data->path,
    .json_body = data->json_body,
    .idempotency_key = data->idempotency_key,
    .created_at = data->created_at,
    .bearer_token = data->bearer_token,
  };
  GError *error = NULL;
  MadoSyncResponse *response
      = client_perform (MADO_REGISTRY_CLIENT (source_object), &request, cancellable, &error);
  if (response != NULL)
    g_task_return_pointer (task, response, (GDestroyNotify)mado_sync_response_free);
  else
    g_task_return_error (task, error);
}

void
mado_registry_client_request_async (MadoRegistryClient *client, const char *method,
                                    const char *path, const char *json_body,
                                    const char *idempotency_key, gint64 created_at,
                                    const char *bearer_token, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (MADO_IS_REGISTRY_CLIENT (client));
  g_return_if_fail (method != NULL && path != NULL);

  RequestData *data = g_new0 (RequestData, 1);
  data->method = g_strdup (method);
  data->path = g_strdup (path);
  data->json_body = g_strdup (json_body);
  data->idempotency_key = g_strdup (idempotency_key);
  data->created_at = created_at;
  data->bearer_token = g_strdup (bearer_token);

  g_autoptr (GTask) task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, mado_registry_client_request_async);
  g_task_set_task_data (task, data, (GDestroyNotify)request_data_free);
  g_task_run_in_thread (task, request_thread);
}

/* A request whose @cancellable was cancelled finishes as cancelled, even if the exchange went
 * through: the caller repeats it under the same Idempotency-Key. */
gboolean
mado_registry_client_request_finish (MadoRegistryClient *client, GAsyncResult *result,
                                     guint *status, char **response_body, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);
  g_return_val_if_fail (
      g_task_get_source_tag (G_TASK (result)) == mado_registry_client_request_async, FALSE);

  MadoSyncResponse *response = g_task_propagate_pointer (G_TASK (result), error);
  if (response == NULL)
    return FALSE;
  return take_response (response, status, response_body);
}
