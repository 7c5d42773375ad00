/* SPDX-License-Identifier: GPL-3.0-or-later
 * registry/http: the TLS server on 127.0.0.1, port 0, against an OpenSSL client in this process.
 * The PKI is made here at start (a CA, a server certificate for 127.0.0.1 and localhost, a client
 * certificate from the CA, a client certificate from another CA) and written as PEM files to a
 * temporary directory. Covered: a round trip with the peer's CN and serial, keep-alive,
 * pipelining, HEAD, the handler's NULL (500), a missing or foreign client certificate refused,
 * the public mode, 400/413/408 answered as JSON and the server still serving, the idle timeout,
 * max_connections (503), 50 connections at once, and freeing the server promptly while a
 * connection is idle or a request is in its handler.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "mado-http.h"

/* ---- the test PKI ---------------------------------------------------------------------------- */

static char *pki_dir;
static char *ca_pem, *server_pem, *server_key_pem, *client_pem, *client_key_pem;
static char *other_client_pem, *other_client_key_pem;

static void
add_ext (X509 *cert, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb (&ctx);
  X509V3_set_ctx (&ctx, issuer != NULL ? issuer : cert, cert, NULL, NULL, 0);
  X509_EXTENSION *ext = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);
  g_assert_nonnull (ext);
  g_assert_cmpint (X509_add_ext (cert, ext, -1), ==, 1);
  X509_EXTENSION_free (ext);
}

/* A certificate for @key, signed by @issuer_key (self-signed when @issuer is NULL). */
static X509 *
make_cert (const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, long serial,
           const char *eku, const char *san)
{
  X509 *cert = X509_new ();
  X509_set_version (cert, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (cert), serial);
  X509_gmtime_adj (X509_getm_notBefore (cert), -3600);
  X509_gmtime_adj (X509_getm_notAfter (cert), 86400);
  X509_set_pubkey (cert, key);
  X509_NAME *name = X509_get_subject_name (cert);
  X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8, (const unsigned char *)"Madoguchi test", -1,
                              -1, 0);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
  X509_set_issuer_name (cert, issuer != NULL ? X509_get_subject_name (issuer) : name);
  add_ext (cert, issuer, NID_basic_constraints, issuer == NULL ? "critical,CA:TRUE" : "CA:FALSE");
  add_ext (cert, issuer, NID_key_usage,
           issuer == NULL ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  add_ext (cert, issuer, NID_subject_key_identifier, "hash");
  if (issuer != NULL)
    add_ext (cert, issuer, NID_authority_key_identifier, "keyid:always");
  if (eku != NULL)
    add_ext (cert, issuer, NID_ext_key_usage, eku);
  if (san != NULL)
    add_ext (cert, issuer, NID_subject_alt_name, san);
  g_assert_cmpint (X509_sign (cert, issuer_key, EVP_sha256 ()), >, 0);
  return cert;
}

static char *
write_pem (const char *name, X509 *cert, X509 *chain, EVP_PKEY *key)
{
  char *path = g_build_filename (pki_dir, name, NULL);
  FILE *f = fopen (path, "w");
  g_assert_nonnull (f);
  if (cert != NULL)
    g_assert_cmpint (PEM_write_X509 (f, cert), ==, 1);
  if (chain != NULL)
    g_assert_cmpint (PEM_write_X509 (f, chain), ==, 1);
  if (key != NULL)
    g_assert_cmpint (PEM_write_PrivateKey (f, key, NULL, NULL, 0, NULL, NULL), ==, 1);
  fclose (f);
  return path;
}

static void
make_pki (void)
{
  pki_dir = g_dir_make_tmp ("mado-http-XXXXXX", NULL);
  g_assert_nonnull (pki_dir);

  EVP_PKEY *ca_key = EVP_EC_gen ("P-256");
  X509 *ca = make_cert ("Madoguchi test enrolment CA", ca_key, NULL, ca_key, 1, NULL, NULL);
  EVP_PKEY *server_key = EVP_EC_gen ("P-256");
  X509 *server = make_cert ("registry.test", server_key, ca, ca_key, 2, "serverAuth",
                            "IP:127.0.0.1,IP:::1,DNS:localhost");
  EVP_PKEY *client_key = EVP_EC_gen ("P-256");
  X509 *client = make_cert ("kiosk-01", client_key, ca, ca_key, 0x0A1B2C, "clientAuth", NULL);
  EVP_PKEY *other_ca_key = EVP_EC_gen ("P-256");
  X509 *other_ca
      = make_cert ("Madoguchi test enrolment CA", other_ca_key, NULL, other_ca_key, 1, NULL, NULL);
  EVP_PKEY *other_key = EVP_EC_gen ("P-256");
  X509 *other
      = make_cert ("kiosk-01", other_key, other_ca, other_ca_key, 0x0A1B2C, "clientAuth", NULL);

  ca_pem = write_pem ("ca.pem", ca, NULL, NULL);
  server_pem = write_pem ("server.pem", server, ca, NULL);
  server_key_pem = write_pem ("server-key.pem", NULL, NULL, server_key);
  client_pem = write_pem ("client.pem", client, NULL, NULL);
  client_key_pem = write_pem ("client-key.pem", NULL, NULL, client_key);
  other_client_pem = write_pem ("other-client.pem", other, NULL, NULL);
  other_client_key_pem = write_pem ("other-client-key.pem", NULL, NULL, other_key);

  X509_free (ca);
  X509_free (server);
  X509_free (client);
  X509_free (other_ca);
  X509_free (other);
  EVP_PKEY_free (ca_key);
  EVP_PKEY_free (server_key);
  EVP_PKEY_free (client_key);
  EVP_PKEY_free (other_ca_key);
  EVP_PKEY_free (other_key);
}

static void
remove_pki (void)
{
  char **paths[] = { &ca_pem,         &server_pem,       &server_key_pem,      &client_pem,
                     &client_key_pem, &other_client_pem, &other_client_key_pem };
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_unlink (*paths[i]);
      g_clear_pointer (paths[i], g_free);
    }
  g_rmdir (pki_dir);
  g_clear_pointer (&pki_dir, g_free);
}

/* ---- the server side ------------------------------------------------------------------------- */

typedef struct
{
  GMutex lock;
  guint calls;
  gboolean peer_null;
  char *cn;
  char *serial;
  char *address;
  gsize der_len;
  gint in_handler; /* requests inside the handler now */
} Seen;

static MadoHttpResponse *
handler (const MadoHttpRequest *request, const MadoHttpPeer *peer, gpointer user_data)
{
  Seen *seen = user_data;

  g_mutex_lock (&seen->lock);
  seen->calls++;
  seen->peer_null = peer == NULL;
  g_free (seen->cn);
  g_free (seen->serial);
  g_free (seen->address);
  seen->cn = peer != NULL ? g_strdup (peer->subject_cn) : NULL;
  seen->serial = peer != NULL ? g_strdup (peer->serial_hex) : NULL;
  seen->address = peer != NULL ? g_strdup (peer->address) : NULL;
  seen->der_len = peer != NULL && peer->der != NULL ? g_bytes_get_size (peer->der) : 0;
  g_mutex_unlock (&seen->lock);

  if (strcmp (request->path, "/null") == 0)
    return NULL;
  if (strcmp (request->path, "/sleep") == 0)
    {
      g_atomic_int_inc (&seen->in_handler);
      g_usleep (500 * 1000);
      g_atomic_int_add (&seen->in_handler, -1);
    }
  g_autofree char *json
      = g_strdup_printf ("{\"method\":\"%s\",\"path\":\"%s\",\"body\":%" G_GSIZE_FORMAT "}",
                         request->method, request->path, g_bytes_get_size (request->body));
  MadoHttpResponse *response = mado_http_response_new_json (200, json);
  if (strcmp (request->path, "/close") == 0)
    response->close = TRUE;
  return response;
}

static void
seen_clear (Seen *seen)
{
  g_free (seen->cn);
  g_free (seen->serial);
  g_free (seen->address);
  g_mutex_clear (&seen->lock);
}

static guint
seen_calls (Seen *seen)
{
  g_mutex_lock (&seen->lock);
  guint calls = seen->calls;
  g_mutex_unlock (&seen->lock);
  return calls;
}

static MadoHttpServer *
start_server (gboolean client_certs, const MadoHttpLimits *limits, Seen *seen, guint16 *port)
{
  g_autoptr (GError) error = NULL;
  MadoHttpServerOptions options = {
    .certificate_file = server_pem,
    .key_file = server_key_pem,
    .client_ca_file = client_certs ? ca_pem : NULL,
    .handler = handler,
    .user_data = seen,
  };
  if (limits != NULL)
    options.limits = *limits;
  MadoHttpServer *server = mado_http_server_new (&options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (server);
  g_assert_true (mado_http_server_listen (server, "127.0.0.1:0", port, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (*port, >, 0);
  return server;
}

/* ---- the client ------------------------------------------------------------------------------ */

typedef struct
{
  int fd;
  SSL_CTX *ctx;
  SSL *ssl;
  GByteArray *buffer; /* received, not yet taken */
} Client;

typedef struct
{
  guint status;
  char *head;
  char *body;
  gsize body_len;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->head, g_free);
  g_clear_pointer (&reply->body, g_free);
}

static void
client_free (Client *c)
{
  if (c == NULL)
    return;
  if (c->ssl != NULL)
    SSL_free (c->ssl);
  SSL_CTX_free (c->ctx);
  if (c->fd >= 0)
    close (c->fd);
  g_byte_array_unref (c->buffer);
  g_free (c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static int
tcp_connect (guint16 port)
{
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  struct timeval tv = { .tv_sec = 10 }; /* a broken server fails the test, it does not hang it */
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (port) };
  sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (connect (fd, (struct sockaddr *)&sa, sizeof sa), ==, 0);
  return fd;
}

/* Connects with the client certificate @cert (NULL: none). *@handshake_ok tells whether the TLS
 * handshake completed (with TLS 1.3 the server's verdict on the client comes after). */
static Client *
client_connect_version (guint16 port, const char *cert, const char *key, int max_version,
                        gboolean *handshake_ok)
{
  Client *c = g_new0 (Client, 1);
  c->buffer = g_byte_array_new ();
  c->ctx = SSL_CTX_new (TLS_client_method ());
  SSL_CTX_set_min_proto_version (c->ctx, max_version != 0 ? TLS1_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version (c->ctx, max_version);
  if (max_version != 0 && max_version < TLS1_2_VERSION)
    SSL_CTX_set_security_level (c->ctx, 0); /* let this client offer the old versions */
  g_assert_cmpint (SSL_CTX_load_verify_locations (c->ctx, ca_pem, NULL), ==, 1);
  SSL_CTX_set_verify (c->ctx, SSL_VERIFY_PEER, NULL);
  if (cert != NULL)
    {
      g_assert_cmpint (SSL_CTX_use_certificate_file (c->ctx, cert, SSL_FILETYPE_PEM), ==, 1);
      g_assert_cmpint (SSL_CTX_use_PrivateKey_file (c->ctx, key, SSL_FILETYPE_PEM), ==, 1);
    }
  c->fd = tcp_connect (port);
  c->ssl = SSL_new (c->ctx);
  X509_VERIFY_PARAM_set1_ip_asc (SSL_get0_param (c->ssl), "127.0.0.1");
  SSL_set_fd (c->ssl, c->fd);
  ERR_clear_error ();
  gboolean ok = SSL_connect (c->ssl) == 1;
  ERR_clear_error ();
  if (handshake_ok != NULL)
    *handshake_ok = ok;
  else
    g_assert_true (ok);
  return c;
}

static Client *
client_connect (guint16 port, const char *cert, const char *key, gboolean *handshake_ok)
{
  return client_connect_version (port, cert, key, 0, handshake_ok);
}

static gboolean
client_send (Client *c, const char *text, gsize length)
{
  ERR_clear_error ();
  gboolean ok = SSL_write (c->ssl, text, (int)length) == (int)length;
  ERR_clear_error ();
  return ok;
}

/* Reads more into the buffer; FALSE at the end (EOF, alert, reset, timeout). */
static gboolean
client_fill (Client *c)
{
  guint8 chunk[16384];
  ERR_clear_error ();
  int n = SSL_read (c->ssl, chunk, sizeof chunk);
  ERR_clear_error ();
  if (n <= 0)
    return FALSE;
  g_byte_array_append (c->buffer, chunk, (guint)n);
  return TRUE;
}

/* Reads one response (of a HEAD request when @head_only: Content-Length without a body). */
static gboolean
client_read_reply (Client *c, Reply *reply, gboolean head_only)
{
  const guint8 *end = NULL;
  while (c->buffer->len < 4
         || (end = memmem (c->buffer->data, c->buffer->len, "\r\n\r\n", 4)) == NULL)
    if (!client_fill (c))
      return FALSE;
  gsize head_len = (gsize)(end - c->buffer->data) + 4;
  reply->head = g_strndup ((const char *)c->buffer->data, head_len);
  g_assert_true (g_str_has_prefix (reply->head, "HTTP/1.1 "));
  reply->status = (guint)g_ascii_strtoull (reply->head + 9, NULL, 10);
  const char *length_field = strstr (reply->head, "\r\nContent-Length: ");
  gsize body_len = 0;
  if (length_field != NULL && !head_only)
    body_len = (gsize)g_ascii_strtoull (length_field + 18, NULL, 10);
  while (c->buffer->len < head_len + body_len)
    if (!client_fill (c))
      return FALSE;
  reply->body = g_strndup ((const char *)c->buffer->data + head_len, body_len);
  reply->body_len = body_len;
  g_byte_array_remove_range (c->buffer, 0, (guint)(head_len + body_len));
  return TRUE;
}

/* Sends @text and reads one response. */
static void
client_request (Client *c, const char *text, Reply *reply)
{
  g_assert_true (client_send (c, text, strlen (text)));
  g_assert_true (client_read_reply (c, reply, FALSE));
}

/* The server closed: nothing more to read. */
static void
assert_closed (Client *c)
{
  g_assert_false (client_fill (c));
  g_assert_cmpuint (c->buffer->len, ==, 0);
}

#define GET(path) "GET " path " HTTP/1.1\r\nHost: registry.test\r\n\r\n"

/* ---- tests ----------------------------------------------------------------------------------- */

static void
test_round_trip (void)
{
  Seen seen = { 0 };
  guint16 port = 0;
  g_autoptr (MadoHttpServer) server = start_server (TRUE, NULL, &seen, &port);
  g_autoptr (Client) c = client_connect (port, client_pem, client_key_pem, NULL);
  Reply r = { 0 };

  client_request (c, GET ("/v1/hello?x=1"), &r);
  g_assert_cmpuint (r.status, ==, 200);
  g_assert_cmpstr (r.body, ==, "{\"method\":\"GET\",\"path\":\"/v1/hello\",\"body\":0}");
  g_assert_nonnull (strstr (r.head, "\r\nContent-Type: application/json\r\n"));
  g_assert_nonnull (strstr (r.head, "\r\nConnection: keep-alive\r\n"));
  g_assert_nonnull (strstr (r.head, "\r\nCache-Control: no-store\r\n"));
  reply_clear (&r);

  g_mutex_lock (&seen.lock);
  g_assert_cmpuint (seen.calls, ==, 1);
  g_assert_false (seen.peer_null);
  g_assert_cmpstr (seen.cn, ==, "kiosk-01");
  g_assert_cmpstr (seen.serial, ==, "A1B2C");
  g_assert_cmpuint (seen.der_len, >, 100);
  g_assert_true (g_str_has_prefix (seen.address, "127.0.0.1:"));
  g_mutex_unlock (&seen.lock);

  /* a body, then the handler's NULL: 500 */
  const char *post = "POST /v1/moves HTTP/1.1\r\nHost: registry.test\r\nContent-Type: "
                     "application/json\r\nContent-Length: 11\r\n\r\n{\"a\":\"bcd\"}";
  client_request (c, post, &r);
  g_assert_cmpstr (r.body, ==, "{\"method\":\"POST\",\"path\":\"/v1/moves\",\"body\":11}");
  reply_clear (&r);
  client_request (c, GET ("/null"), &r);
  g_assert_cmpuint (r.status, ==, 500);
  reply_clear (&r);

  client_free (g_steal_pointer (&c));
  g_clear_pointer (&server, mado_http_server_free);
  seen_clear (&seen);
}

static void
test_keep_alive (void)
{
  Seen seen = { 0 };
  guint16 port = 0;
  g_autoptr (MadoHttpServer) server = start_server (TRUE, NULL, &seen, &port);
  g_autoptr (Client) c = client_connect (port, client_pem, client_key_pem, NULL);
  Reply r = { 0 };

  client_request (c, GET ("/one"), &r);
  g_assert_cmpstr (r.body, ==, "{\"method\":\"GET\",\"path\":\"/one\",\"body\":0}");
  reply_clear (&r);
  client_request (c, GET ("/two"), &r);
  g_assert_cmpstr (r.body, ==, "{\"method\":\"GET\",\"path\":\"/two\",\"body\":0}");
  g_assert_nonnull (strstr (r.head, "\r\nConnection: keep-alive\r\n"));
  reply_clear (&r);

  /* pipelined: two requests in one write, two answers in order */
  const char *two = GET ("/three") GET ("/four");
  g_assert_true (client_send (c, two, strlen (two)));
  g_assert_true (client_read_reply (c, &r, FALSE));
  g_assert_cmpstr (r.body, ==, "{\"method\":\"GET\",\"path\":\"/three\",\"body\":0}");
  reply_clear (&r);
  g_assert_true (client_read_reply (c, &r, FALSE));
  g_assert_cmpstr (r.body, ==, "{\"method\":\"GET\",\"path\":\"/four\",\"body\":0}");
  reply_clear (&r);

  /* HEAD: the length of the body, not the body (the next answer parses) */
  client_send (c, "HEAD /five HTTP/1.1\r\nHost: registry.test\r\n\r\n", 44);
  g_assert_true (client_read_reply (c, &r, TRUE));
  g_assert_cmpuint (r.status, ==, 200);
  g_assert_nonnull (strstr (r.head, "\r\nContent-Length: 41\r\n"));
  reply_clear (&r);

  /* the client asks to close */
  client_request (c, "GET /six HTTP/1.1\r\nHost: registry.test\r\nConnection: close\r\n\r\n", &r);
  g_assert_cmpuint (r.status, ==, 200);
  g_assert_cmpstr (r.body, ==, "{\"method\":\"GET\",\"path\":\"/six\",\"body\":0}");
  g_assert_nonnull (strstr (r.head, "\r\nConnection: close\r\n"));
  reply_clear (&r);
  assert_closed (c);
  client_free (g_steal_pointer (&c));

  /* the handler asks to close */
  c = client_connect (port, client_pem, client_key_pem, NULL);
  client_request (c, GET ("/close"), &r);
  g_assert_nonnull (strstr (r.head, "\r\nConnection: close\r\n"));
  reply_clear (&r);
  assert_closed (c);
  client_free (g_steal_pointer (&c));

  /* HTTP/1.0 closes unless asked to keep alive */
  c = client_connect (port, client_pem, client_key_pem, NULL);
  client_request (c, "GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &r);
  g_assert_nonnull (strstr (r.head, "\r\nConnection: keep-alive\r\n"));
  reply_clear (&r);
  client_request (c, "GET /old HTTP/1.0\r\n\r\n", &r);
  g_assert_nonnull (strstr (r.head, "\r\nConnection: close\r\n"));
  reply_clear (&r);
  assert_closed (c);

  g_assert_cmpuint (seen_calls (&seen), ==, 9);
  client_free (g_steal_pointer (&c));
  g_clear_pointer (&server, mado_http_server_free);
  seen_clear (&seen);
}

/* A connection whose client certificate the server refuses: the handshake fails, or (TLS 1.3)
 * the first read after it does; the handler never runs. */
static void
check_refused (guint16 port, const char *cert, const char *key, Seen *seen)
{
  gboolean handshake_ok = FALSE;
  g_autoptr (Client) c = client_connect (port, cert, key, &handshake_ok);
  if (handshake_ok)
    {
      Reply r = { 0 };
      client_send (c, GET ("/v1/hello"), strlen (GET ("/v1/hello")));
      g_assert_false (client_read_reply (c, &r, FALSE));
      reply_clear (&r);
    }
  g_assert_cmpuint (seen_calls (seen), ==, 0);
}

static void
test_client_certificates (void)
{
  Seen seen = { 0 };
  guint16 port = 0;
  g_autoptr (MadoHttpServer) server = start_server (TRUE, NULL, &seen, &port);

  check_refused (port, NULL, NULL, &seen);
  check_refused (port, other_client_pem, other_client_key_pem, &seen);

  /* and the right one still works */
  g_autoptr (Client) c = client_connect (port, client_pem, client_key_pem, NULL);
  Reply r = { 0 };
  client_request (c, GET ("/ok"), &r);
  g_assert_cmpuint (r.status, ==, 200);
  reply_clear (&r);

  client_free (g_steal_pointer (&c));
  g_clear_pointer (&server, mado_http_server_free);
  seen_clear (&seen);
}

static void
test_tls_versions (void)
{
  Seen seen = { 0 };
  guint16 port = 0;
  g_autoptr (MadoHttpServer) server = start_server (TRUE, NULL, &seen, &port);
  Reply r = { 0 };

  /* TLS 1.3 by default; TLS 1.2 still served, with the same peer */
  g_autoptr (Client) c13 = client_connect (port, client_pem, client_key_pem, NULL);
  g_assert_cmpint (SSL_version (c13->ssl), ==, TLS1_3_VERSION);
  g_autoptr (Client) c12
      = client_connect_version (port, client_pem, client_key_pem, TLS1_2_VERSION, NULL);
  g_assert_cmpint (SSL_version (c12->ssl), ==, TLS1_2_VERSION);
  client_request (c12, GET ("/v12"), &r);
  g_assert_cmpuint (r.status, ==, 200);
  reply_clear (&r);
  g_mutex_lock (&seen.lock);
  g_assert_cmpstr (seen.cn, ==, "kiosk-01");
  g_mutex_unlock (&seen.lock);

  /* TLS 1.1 and 1.0 are refused; in TLS 1.2 a missing client certificate fails the handshake */
  gboolean ok = TRUE;
  g_autoptr (Client) c11
      = client_connect_version (port, client_pem, client_key_pem, TLS1_1_VERSION, &ok);
  g_assert_false (ok);
  g_autoptr (Client) none = client_connect_version (port, NULL, NULL, TLS1_2_VERSION, &ok);
  g_assert_false (ok);
  g_assert_cmpuint (seen_calls (&seen), ==, 1);

  client_free (g_steal_pointer (&c13));
  client_free (g_steal_pointer (&c12));
  client_free (g_steal_pointer (&c11));
  client_free (g_steal_pointer (&none));
  g_clear_pointer (&server, mado_http_server_free);
  seen_clear (&seen);
}

static void
test_public (void)
{
  Seen seen = { 0 };
  guint16 port = 0;
  g_autoptr (MadoHttpServer) server = start_server (FALSE, NULL, &seen, &port);
  g_autoptr (Client) c = client_connect (port, NULL, NULL, NULL);
  Reply r = { 0 };

  client_request (c, GET ("/v1/board"), &r);
  g_assert_cmpuint (r.status, ==, 200);
  reply_clear (&r);
  g_mutex_lock (&seen.lock);
  g_assert_true (seen.peer_null);
  g_mutex_unlock (&seen.lock);

  /* a client that shows a certificate anyway is served too, still without a peer */
  g_autoptr (Client) d = client_connect (port, client_pem, client_key_pem, NULL);
  client_request (d, GET ("/v1/board"), &r);
  g_assert_cmpuint (r.status, ==, 200);
  reply_clear (&r);
  g_mutex_lock (&seen.lock);
  g_assert_true (seen.peer_null);
  g_mutex_unlock (&seen.lock);

  client_free (g_steal_pointer (&c));
  client_free (g_steal_pointer (&d));
  g_clear_pointer (&server, mado_http_server_free);
  seen_clear (&seen);
}

/* Sends @request on a new connection; the answer is @status with the JSON error, then the end. */
static void
check_error (guint16 port, const char *request, gsize length, guint status)
{
  g_autoptr (Client) c = client_connect (port, client_pem, client_key_pem, NULL);
  Reply r = { 0 };
  if (length > 0)
    g_assert_true (client_send (c, request, length));
  g_assert_true (client_read_reply (c, &r, FALSE));
  g_assert_cmpuint (r.status, ==, status);
  g_autofree char *json = g_strdup_printf ("{\"error\":{\"code\":\"http_%u\",\"message\":\"%s\"}}",
                                           status, mado_http_status_reason (status));
  g_assert_cmpstr (r.body, ==, json);
  g_assert_nonnull (strstr (r.head, "\r\nContent-Type: application/json\r\n"));
  g_assert_nonnull (strstr (r.head, "\r\nConnection: close\r\n"));
  reply_clear (&r);
  assert_closed (c);
}

static void
test_errors (void)
{
  Seen seen = { 0 };
  guint16 port = 0;
  MadoHttpLimits limits = { .max_body_bytes = 1024, .header_timeout_ms = 500 };
  g_autoptr (MadoHttpServer) server = start_server (TRUE, &limits, &seen, &port);

  const char *malformed = "GET /a/../b HTTP/1.1\r\nHost: registry.test\r\n\r\n";
  check_error (port, malformed, strlen (malformed), 400);
  const char *chunked
      = "POST / HTTP/1.1\r\nHost: registry.test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
  check_error (port, chunked, strlen (chunked), 411);
  const char *version = "GET / HTTP/2.0\r\n\r\n";
  check_error (port, version, strlen (version), 505);

  /* 413 with the body on its way (the answer must survive the unread bytes) */
  GString *big = g_string_new ("POST /v1/moves HTTP/1.1\r\nHost: registry.test\r\n"
                               "Content-Length: 65536\r\n\r\n");
  for (gsize i = 0; i < 65536; i++)
    g_string_append_c (big, 'x');
  check_error (port, big->str, big->len, 413);
  g_string_free (big, TRUE);

  /* slowloris: half a head, then silence → 408 after header_timeout */
  gint64 start = g_get_monotonic_time ();
  const char *half = "GET /v1/hello HTTP/1.1\r\nHost: regi";
  check_error (port, half, strlen (half), 408);
  gint64 waited = g_get_monotonic_time () - start;
  g_assert_cmpint (waited, >=, 400 * 1000);
  g_assert_cmpint (waited, <, 5 * G_USEC_PER_SEC);

  /* an error after a good request on the same connection */
  g_autoptr (Client) c = client_connect (port, client_pem, client_key_pem, NULL);
  Reply r = { 0 };
  client_request (c, GET ("/fine"), &r);
  g_assert_cmpuint (r.status, ==, 200);
  reply_clear (&r);
  client_request (c, "GET /x HTTP/1.1\r\nHost: a\r\nBad Header: 1\r\n\r\n", &r);
  g_assert_cmpuint (r.status, ==, 400);
  reply_clear (&r);
  assert_closed (c);
  client_free (g_steal_pointer (&c));

  /* the server still serves */
  c = client_connect (port, client_pem, client_key_pem, NULL);
  client_request (c, GET ("/after"), &r);
  g_assert_cmpuint (r.status, ==, 200);
  reply_clear (&r);
  g_assert_cmpuint (seen_calls (&seen), ==, 2);

  client_free (g_steal_pointer (&c));
  g_clear_pointer (&server, mado_http_server_free);
  seen_clear (&seen);
}

static void
test_idle_timeout (void)
{
  Seen seen = { 0 };
  guint16 port = 0;
  MadoHttpLimits limits = { .idle_timeout_ms = 300 };
  g_autoptr (MadoHttpServer) server = start_server (TRUE, &limits, &seen, &port);
  g_autoptr (Client) c = client_connect (port, client_pem, client_key_pem, NULL);
  Reply r = { 0 };

  client_request (c, GET ("/one"), &r);
  reply_clear (&r);
  gint64 start = g_get_monotonic_time ();
  assert_closed (c); /* closed without an answer */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  client_free (g_steal_pointer (&c));
  g_clear_pointer (&server, mado_http_server_free);
  seen_clear (&seen);
}

static void
test_max_connections (void)
{
  Seen seen = { 0 };
  guint16 port = 0;
  MadoHttpLimits limits = { .max_connections = 1 };
  g_autoptr (MadoHttpServer) server = start_server (TRUE, &limits, &seen, &port);
  g_autoptr (Client) first = client_connect (port, client_pem, client_key_pem, NULL);
  Reply r = { 0 };

  client_request (first, GET ("/one"), &r);
  reply_clear (&r);
  check_error (port, GET ("/two"), strlen (GET ("/two")), 503);
  client_request (first, GET ("/three"), &r);
  g_assert_cmpuint (r.status, ==, 200);
  reply_clear (&r);

  /* once the first has gone, there is room again */
  client_free (g_steal_pointer (&first));
  gboolean served = FALSE;
  for (int attempt = 0; attempt < 50 && !served; attempt++)
    {
      g_autoptr (Client) next = client_connect (port, client_pem, client_key_pem, NULL);
      client_request (next, GET ("/four"), &r);
      served = r.status == 200;
      reply_clear (&r);
      if (!served)
        g_usleep (20 * 1000);
    }
  g_assert_true (served);
  g_clear_pointer (&server, mado_http_server_free);
  seen_clear (&seen);
}

typedef struct
{
  guint16 port;
  guint index;
  gint ok;
} Worker;

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  g_autoptr (Client) c = client_connect (w->port, client_pem, client_key_pem, NULL);
  for (int i = 0; i < 2; i++)
    {
      Reply r = { 0 };
      g_autofree char *request = g_strdup_printf (
          "POST /w/%u HTTP/1.1\r\nHost: registry.test\r\nContent-Length: %u\r\n\r\n%0*u", w->index,
          w->index + 1, (int)w->index + 1, 0u);
      g_autofree char *expected = g_strdup_printf (
          "{\"method\":\"POST\",\"path\":\"/w/%u\",\"body\":%u}", w->index, w->index + 1);
      if (client_send (c, request, strlen (request)) && client_read_reply (c, &r, FALSE)
          && r.status == 200 && g_strcmp0 (r.body, expected) == 0)
        g_atomic_int_inc (&w->ok);
      reply_clear (&r);
    }
  return NULL;
}

static void
test_concurrent (void)
{
  Seen seen = { 0 };
  guint16 port = 0;
  g_autoptr (MadoHttpServer) server = start_server (TRUE, NULL, &seen, &port);
  Worker workers[50];
  GThread *threads[50];

  for (guint i = 0; i < G_N_ELEMENTS (workers); i++)
    {
      workers[i] = (Worker){ .port = port, .index = i };
      threads[i] = g_thread_new ("client", worker_main, &workers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (workers); i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpint (workers[i].ok, ==, 2);
    }
  g_assert_cmpuint (seen_calls (&seen), ==, 100);
  g_clear_pointer (&server, mado_http_server_free);
  seen_clear (&seen);
}

typedef struct
{
  guint16 port;
  guint status;
  char *head;
} SlowRequest;

static gpointer
slow_request_main (gpointer data)
{
  SlowRequest *s = data;
  g_autoptr (Client) c = client_connect (s->port, client_pem, client_key_pem, NULL);
  Reply r = { 0 };
  if (client_send (c, GET ("/sleep"), strlen (GET ("/sleep"))) && client_read_reply (c, &r, FALSE))
    {
      s->status = r.status;
      s->head = g_steal_pointer (&r.head);
    }
  reply_clear (&r);
  return NULL;
}

static void
test_free (void)
{
  Seen seen = { 0 };
  guint16 port = 0;
  MadoHttpServer *server = start_server (TRUE, NULL, &seen, &port);

  /* an idle keep-alive connection (idle timeout 30 s), one half-read, one in the handler */
  g_autoptr (Client) idle = client_connect (port, client_pem, client_key_pem, NULL);
  Reply r = { 0 };
  client_request (idle, GET ("/one"), &r);
  reply_clear (&r);
  g_autoptr (Client) half = client_connect (port, client_pem, client_key_pem, NULL);
  client_send (half, "GET /two HTTP/1.1\r\n", 19);
  SlowRequest slow = { .port = port };
  GThread *slow_thread = g_thread_new ("slow", slow_request_main, &slow);
  while (g_atomic_int_get (&seen.in_handler) == 0)
    g_usleep (1000);

  gint64 start = g_get_monotonic_time ();
  mado_http_server_free (server);
  gint64 took = g_get_monotonic_time () - start;
  g_assert_cmpint (took, <, 3 * G_USEC_PER_SEC);

  /* the request in the handler was answered, with Connection: close */
  g_thread_join (slow_thread);
  g_assert_cmpuint (slow.status, ==, 200);
  g_assert_nonnull (strstr (slow.head, "\r\nConnection: close\r\n"));
  g_free (slow.head);
  assert_closed (idle);
  assert_closed (half);

  /* and nothing listens any more */
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (port) };
  sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (connect (fd, (struct sockaddr *)&sa, sizeof sa), !=, 0);
  close (fd);
  seen_clear (&seen);
}

static void
test_setup_errors (void)
{
  Seen seen = { 0 };
  g_autoptr (GError) error = NULL;
  MadoHttpServerOptions options = {
    .certificate_file = server_pem,
    .key_file = client_key_pem, /* not the server certificate's key */
    .handler = handler,
    .user_data = &seen,
  };
  g_autoptr (MadoHttpServer) none = mado_http_server_new (&options, &error);
  g_assert_null (none);
  g_assert_error (error, MADO_HTTP_ERROR, MADO_HTTP_ERROR_TLS);
  g_clear_error (&error);

  g_autofree char *missing = g_build_filename (pki_dir, "missing.pem", NULL);
  options.key_file = server_key_pem;
  options.client_ca_file = missing;
  none = mado_http_server_new (&options, &error);
  g_assert_null (none);
  g_assert_error (error, MADO_HTTP_ERROR, MADO_HTTP_ERROR_TLS);
  g_clear_error (&error);

  options.client_ca_file = NULL;
  options.certificate_file = missing;
  none = mado_http_server_new (&options, &error);
  g_assert_null (none);
  g_assert_error (error, MADO_HTTP_ERROR, MADO_HTTP_ERROR_TLS);
  g_clear_error (&error);

  options.certificate_file = server_pem;
  g_autoptr (MadoHttpServer) server = mado_http_server_new (&options, &error);
  g_assert_no_error (error);
  const char *bad[] = { "localhost:8443", "127.0.0.1", "127.0.0.1:65536", "127.0.0.1:-1",
                        "::1:0",          "[::1]",     "[::1]0",          "1.2.3:80",
                        "127.0.0.1:80x",  "",          "[127.0.0.1]:0" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      guint16 port = 0;
      g_assert_false (mado_http_server_listen (server, bad[i], &port, &error));
      g_assert_error (error, MADO_HTTP_ERROR, MADO_HTTP_ERROR_LISTEN);
      g_clear_error (&error);
    }

  /* two addresses on one server: IPv4 and (when the host has it) IPv6 */
  guint16 port4 = 0, port6 = 0, taken = 0;
  g_assert_true (mado_http_server_listen (server, "127.0.0.1:0", &port4, &error));
  g_assert_no_error (error);
  g_autofree char *again = g_strdup_printf ("127.0.0.1:%u", port4);
  g_assert_false (mado_http_server_listen (server, again, &taken, &error));
  g_assert_error (error, MADO_HTTP_ERROR, MADO_HTTP_ERROR_LISTEN);
  g_clear_error (&error);
  if (mado_http_server_listen (server, "[::1]:0", &port6, &error))
    g_assert_cmpuint (port6, >, 0);
  else
    {
      g_test_message ("no IPv6 loopback here: %s", error->message);
      g_clear_error (&error);
    }
  g_autoptr (Client) c = client_connect (port4, NULL, NULL, NULL);
  Reply r = { 0 };
  client_request (c, GET ("/v4"), &r);
  g_assert_cmpuint (r.status, ==, 200);
  reply_clear (&r);
  client_free (g_steal_pointer (&c));
  g_clear_pointer (&server, mado_http_server_free);
  seen_clear (&seen);
}

int
main (int argc, char **argv)
{
  /* as mado-registryd does: a write to a reset connection is an error, not a signal */
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);
  make_pki ();
  g_test_add_func ("/registry/http/server/round-trip", test_round_trip);
  g_test_add_func ("/registry/http/server/keep-alive", test_keep_alive);
  g_test_add_func ("/registry/http/server/client-certificates", test_client_certificates);
  g_test_add_func ("/registry/http/server/tls-versions", test_tls_versions);
  g_test_add_func ("/registry/http/server/public", test_public);
  g_test_add_func ("/registry/http/server/errors", test_errors);
  g_test_add_func ("/registry/http/server/idle-timeout", test_idle_timeout);
  g_test_add_func ("/registry/http/server/max-connections", test_max_connections);
  g_test_add_func ("/registry/http/server/concurrent", test_concurrent);
  g_test_add_func ("/registry/http/server/free", test_free);
  g_test_add_func ("/registry/http/server/setup-errors", test_setup_errors);
  int status = g_test_run ();
  remove_pki ();
  return status;
}
