/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-http-server.c — the threaded HTTP/1.1 server over TLS (OpenSSL). One acceptor thread per
 * listening address, one thread per connection (the handler may block on the database). Sockets
 * are non-blocking and every TLS call that would block waits in poll() with a deadline, so each
 * phase has its bound: the handshake and the request head (header_timeout, 408 when a request
 * was begun), the keep-alive idle time and the body (idle_timeout), a response's write
 * (idle_timeout). The same poll() also watches a wake pipe that mado_http_server_free() writes
 * once: acceptors and idle or half-read connections then end at once, a request in its handler
 * is still answered (with Connection: close).
 *
 * SIGPIPE: OpenSSL writes with write(2), which raises SIGPIPE on a connection the peer reset.
 * mado-registryd ignores SIGPIPE for the whole process; in addition every thread of this server
 * blocks it for itself (pthread_sigmask), so a library user that forgets is not killed.
 *
 * Logs hold nothing personal: at most a status code, at debug level; never a target, a query, a
 * header, a body or a certificate's subject.
 */
#define G_LOG_DOMAIN "mado-http"

#include "mado-http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/* The quark's name is a string GLib builds from these tokens: keep them unspaced. */
/* clang-format off */
G_DEFINE_QUARK (mado-http-error-quark, mado_http_error)
/* clang-format on */

#define READ_CHUNK 16384       /* one TLS record */
#define MAX_REJECTING 8        /* connections being told 503 at once; beyond, closed unanswered */
#define REJECT_TIMEOUT_MS 2000 /* the handshake of a connection told 503 */
#define LINGER_MS 1000         /* after an answer before closing: the client reads it, not a RST */

typedef struct
{
  MadoHttpServer *server;
  int fd;
  GThread *thread;
} Listener;

typedef struct
{
  MadoHttpServer *server;
  int fd;
  SSL *ssl;
  gboolean handshaken;
  GThread *thread;
  gboolean reject; /* over max_connections: 503, then close */
  char *address;   /* "ip:port" */
} Connection;

struct _MadoHttpServer
{
  SSL_CTX *ctx;
  gboolean client_certs;
  MadoHttpLimits limits;
  MadoHttpHandler handler;
  gpointer user_data;
  int wake[2]; /* written once by _free: readable means stop */
  gint stopping;

  GMutex lock; /* guards what follows */
  GCond cond;  /* signalled when a connection ends */
  GPtrArray *listeners;
  GList *active;   /* Connection: thread running */
  GList *finished; /* Connection: thread ended, to be joined */
  guint n_serving;
  guint n_rejecting;
};

typedef enum
{
  IO_OK,
  IO_EOF, /* the peer closed, or TLS failed */
  IO_TIMEOUT,
  IO_STOP, /* the server is stopping */
} IoResult;

static void
block_sigpipe (void)
{
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &set, NULL);
}

static gint64
deadline_after_ms (guint ms)
{
  return g_get_monotonic_time () + (gint64)ms * 1000;
}

/* Waits until @fd is ready for @events, @deadline (monotonic µs) passes or — with @watch_stop —
 * the server stops. */
static IoResult
wait_fd (MadoHttpServer *server, int fd, short events, gint64 deadline, gboolean watch_stop)
{
  for (;;)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      if (left <= 0)
        return IO_TIMEOUT;
      struct pollfd p[2] = { { fd, events, 0 }, { server->wake[0], POLLIN, 0 } };
      int n = poll (p, watch_stop ? 2 : 1, (int)MIN ((left + 999) / 1000, (gint64)INT_MAX));
      if (n < 0 && errno != EINTR)
        return IO_EOF;
      if (n <= 0)
        continue;
      if (watch_stop && p[1].revents != 0)
        return IO_STOP;
      if (p[0].revents != 0)
        return IO_OK; /* also POLLERR and POLLHUP: the next TLS call tells */
    }
}

/* What a TLS call that returned @ret wants before it is tried again: POLLIN, POLLOUT, or 0 when
 * it failed for good. */
static short
tls_wants (SSL *ssl, int ret)
{
  switch (SSL_get_error (ssl, ret))
    {
    case SSL_ERROR_WANT_READ:
      return POLLIN;
    case SSL_ERROR_WANT_WRITE:
      return POLLOUT;
    default:
      return 0;
    }
}

static gboolean
tls_handshake (Connection *c, gint64 deadline)
{
  for (;;)
    {
      ERR_clear_error ();
      int ret = SSL_accept (c->ssl);
      if (ret == 1)
        {
          c->handshaken = TRUE;
          return TRUE;
        }
      short events = tls_wants (c->ssl, ret);
      if (events == 0)
        {
          g_debug ("TLS handshake failed");
          return FALSE;
        }
      if (wait_fd (c->server, c->fd, events, deadline, TRUE) != IO_OK)
        return FALSE;
    }
}

/* Appends what one SSL_read gives (bytes TLS has buffered come first, without a poll). */
static IoResult
tls_read (Connection *c, GByteArray *buffer, gint64 deadline)
{
  guint old = buffer->len;
  g_byte_array_set_size (buffer, old + READ_CHUNK);
  for (;;)
    {
      ERR_clear_error ();
      int ret = SSL_read (c->ssl, buffer->data + old, READ_CHUNK);
      if (ret > 0)
        {
          g_byte_array_set_size (buffer, old + (guint)ret);
          return IO_OK;
        }
      short events = tls_wants (c->ssl, ret);
      IoResult result = events == 0 ? IO_EOF : wait_fd (c->server, c->fd, events, deadline, TRUE);
      if (result != IO_OK)
        {
          g_byte_array_set_size (buffer, old);
          return result;
        }
    }
}

static gboolean
tls_write (Connection *c, const guint8 *data, gsize length, gint64 deadline)
{
  gsize done = 0;
  while (done < length)
    {
      int chunk = (int)MIN (length - done, (gsize)(1 << 20));
      ERR_clear_error ();
      int ret = SSL_write (c->ssl, data + done, chunk);
      if (ret > 0)
        {
          done += (gsize)ret;
          continue;
        }
      short events = tls_wants (c->ssl, ret);
      if (events == 0 || wait_fd (c->server, c->fd, events, deadline, FALSE) != IO_OK)
        return FALSE;
    }
  return TRUE;
}

/* Ends TLS (close_notify) and, with @linger, half-closes and reads what the client still sends
 * for a moment, so that the answer just written is not destroyed by a reset. */
static void
connection_close (Connection *c, gboolean linger)
{
  if (c->ssl != NULL && c->handshaken)
    {
      ERR_clear_error ();
      SSL_shutdown (c->ssl);
    }
  if (!linger)
    return;
  shutdown (c->fd, SHUT_WR);
  gint64 deadline = deadline_after_ms (LINGER_MS);
  while (wait_fd (c->server, c->fd, POLLIN, deadline, TRUE) == IO_OK)
    {
      char junk[4096];
      ssize_t n = recv (c->fd, junk, sizeof junk, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        break;
    }
}

/* Writes the bytes of @response up to and including its head and, unless @head_only, its body. */
static gboolean
send_response (Connection *c, const MadoHttpResponse *response, gboolean keep_alive,
               gboolean head_only)
{
  g_autoptr (GBytes) bytes = mado_http_response_serialize (response, keep_alive);
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  if (head_only)
    {
      const guint8 *end = memmem (data, length, "\r\n\r\n", 4);
      g_assert (end != NULL);
      length = (gsize)(end - data) + 4;
    }
  g_debug ("answered %u", response->status);
  return tls_write (c, data, length, deadline_after_ms (c->server->limits.idle_timeout_ms));
}

/* The answer to a request that could not be read (or to a connection over the limit): a small
 * JSON error, then the connection closes. */
static void
send_error_and_close (Connection *c, guint status)
{
  g_autofree char *json = g_strdup_printf ("{\"error\":{\"code\":\"http_%u\",\"message\":\"%s\"}}",
                                           status, mado_http_status_reason (status));
  g_autoptr (MadoHttpResponse) response = mado_http_response_new_json (status, json);
  response->close = TRUE;
  if (send_response (c, response, FALSE, FALSE))
    connection_close (c, TRUE);
}

/* ---- the peer -------------------------------------------------------------------------------- */

static void
peer_free (MadoHttpPeer *peer)
{
  if (peer == NULL)
    return;
  g_free (peer->subject_cn);
  g_free (peer->serial_hex);
  g_clear_pointer (&peer->der, g_bytes_unref);
  g_free (peer->address);
  g_free (peer);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoHttpPeer, peer_free)

static char *
certificate_cn (X509 *cert)
{
  X509_NAME *name = X509_get_subject_name (cert);
  int index = name != NULL ? X509_NAME_get_index_by_NID (name, NID_commonName, -1) : -1;
  if (index < 0)
    return NULL;
  ASN1_STRING *data = X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, index));
  unsigned char *utf8 = NULL;
  int length = ASN1_STRING_to_UTF8 (&utf8, data);
  char *cn = NULL;
  if (length >= 0 && memchr (utf8, '\0', (gsize)length) == NULL
      && g_utf8_validate ((const char *)utf8, length, NULL))
    cn = g_strndup ((const char *)utf8, (gsize)length);
  OPENSSL_free (utf8);
  return cn;
}

/* Upper-case hex of the magnitude without leading zeros ("0" for zero), as
 * mado_enrol_normalize_serial() writes it. */
static char *
certificate_serial (X509 *cert)
{
  BIGNUM *bn = ASN1_INTEGER_to_BN (X509_get0_serialNumber (cert), NULL);
  if (bn == NULL)
    return NULL;
  BN_set_negative (bn, 0);
  char *hex = BN_bn2hex (bn);
  BN_free (bn);
  if (hex == NULL)
    return NULL;
  const char *digits = hex;
  while (digits[0] == '0' && digits[1] != '\0')
    digits++;
  char *serial = g_ascii_strup (digits, -1);
  OPENSSL_free (hex);
  return serial;
}

static MadoHttpPeer *
peer_new (Connection *c)
{
  X509 *cert = SSL_get1_peer_certificate (c->ssl);
  if (cert == NULL)
    return NULL;
  MadoHttpPeer *peer = g_new0 (MadoHttpPeer, 1);
  peer->subject_cn = certificate_cn (cert);
  peer->serial_hex = certificate_serial (cert);
  unsigned char *der = NULL;
  int length = i2d_X509 (cert, &der);
  if (length > 0)
    peer->der = g_bytes_new (der, (gsize)length);
  OPENSSL_free (der);
  peer->address = g_strdup (c->address);
  X509_free (cert);
  if (peer->serial_hex == NULL || peer->der == NULL)
    g_clear_pointer (&peer, peer_free);
  return peer;
}

/* ---- a connection ---------------------------------------------------------------------------- */

static gboolean
head_is_complete (const GByteArray *buffer)
{
  return memmem (buffer->data, buffer->len, "\r\n\r\n", 4) != NULL;
}

/* Reads requests and answers them until either side closes. */
static void
serve (Connection *c)
{
  MadoHttpServer *server = c->server;
  const MadoHttpLimits *limits = &server->limits;
  g_autoptr (GByteArray) buffer = g_byte_array_new ();
  g_autoptr (MadoHttpPeer) peer = NULL;

  if (!tls_handshake (c, deadline_after_ms (limits->header_timeout_ms)))
    return;
  if (server->client_certs && (peer = peer_new (c)) == NULL)
    return; /* OpenSSL asked for and verified one: not reached */

  for (;;)
    {
      g_autoptr (MadoHttpRequest) request = NULL;
      guint status = 0;
      gint64 now = g_get_monotonic_time ();
      gint64 first_byte = buffer->len > 0 ? now : 0; /* a pipelined request began already */
      gint64 last_progress = now;

      while (request == NULL && status == 0)
        {
          gsize consumed = 0;
          if (buffer->len > 0
              && mado_http_request_parse (buffer->data, buffer->len, limits, &request, &consumed,
                                          &status)
                     != MADO_HTTP_PARSE_INCOMPLETE)
            {
              if (request != NULL)
                g_byte_array_remove_range (buffer, 0, (guint)consumed);
              break;
            }
          gint64 deadline;
          if (buffer->len == 0 || head_is_complete (buffer))
            deadline = last_progress + (gint64)limits->idle_timeout_ms * 1000;
          else
            deadline = first_byte + (gint64)limits->header_timeout_ms * 1000;
          switch (tls_read (c, buffer, deadline))
            {
            case IO_OK:
              last_progress = g_get_monotonic_time ();
              if (first_byte == 0)
                first_byte = last_progress;
              break;
            case IO_TIMEOUT:
              if (buffer->len == 0)
                return; /* idle: close without a word */
              status = 408;
              break;
            case IO_EOF:
            case IO_STOP:
            default:
              return;
            }
        }
      if (request == NULL)
        {
          send_error_and_close (c, status);
          return;
        }

      g_autoptr (MadoHttpResponse) response = server->handler (request, peer, server->user_data);
      if (response == NULL)
        response = mado_http_response_new_json (
            500, "{\"error\":{\"code\":\"http_500\",\"message\":\"Internal Server Error\"}}");
      gboolean keep_alive
          = request->keep_alive && !response->close && !g_atomic_int_get (&server->stopping);
      if (!send_response (c, response, keep_alive, strcmp (request->method, "HEAD") == 0))
        return;
      if (!keep_alive)
        {
          connection_close (c, TRUE);
          return;
        }
    }
}

/* A connection beyond max_connections: the handshake, a 503, the end. */
static void
serve_reject (Connection *c)
{
  guint ms = MIN (c->server->limits.header_timeout_ms, REJECT_TIMEOUT_MS);
  if (tls_handshake (c, deadline_after_ms (ms)))
    send_error_and_close (c, 503);
}

static gpointer
connection_main (gpointer data)
{
  Connection *c = data;
  MadoHttpServer *server = c->server;

  block_sigpipe ();
  c->ssl = SSL_new (server->ctx);
  if (c->ssl != NULL && SSL_set_fd (c->ssl, c->fd) == 1)
    {
      if (c->reject)
        serve_reject (c);
      else
        serve (c);
    }
  g_clear_pointer (&c->ssl, SSL_free);
  close (c->fd);
  c->fd = -1;
  ERR_clear_error ();

  g_mutex_lock (&server->lock);
  if (c->reject)
    server->n_rejecting--;
  else
    server->n_serving--;
  server->active = g_list_remove (server->active, c);
  server->finished = g_list_prepend (server->finished, c);
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->lock);
  return NULL;
}

/* Joins the threads of connections that ended. */
static void
reap_finished (MadoHttpServer *server)
{
  g_mutex_lock (&server->lock);
  GList *finished = server->finished;
  server->finished = NULL;
  g_mutex_unlock (&server->lock);
  for (GList *l = finished; l != NULL; l = l->next)
    {
      Connection *c = l->data;
      g_thread_join (c->thread);
      g_free (c->address);
      g_free (c);
    }
  g_list_free (finished);
}

static char *
format_address (const struct sockaddr_storage *address)
{
  char text[INET6_ADDRSTRLEN] = "";
  if (address->ss_family == AF_INET)
    {
      const struct sockaddr_in *in = (const struct sockaddr_in *)address;
      inet_ntop (AF_INET, &in->sin_addr, text, sizeof text);
      return g_strdup_printf ("%s:%u", text, ntohs (in->sin_port));
    }
  if (address->ss_family == AF_INET6)
    {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)address;
      inet_ntop (AF_INET6, &in6->sin6_addr, text, sizeof text);
      return g_strdup_printf ("[%s]:%u", text, ntohs (in6->sin6_port));
    }
  return g_strdup ("?");
}

static void
start_connection (MadoHttpServer *server, int fd, const struct sockaddr_storage *address)
{
  int one = 1;
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  g_mutex_lock (&server->lock);
  gboolean reject = server->n_serving >= server->limits.max_connections;
  if (reject && server->n_rejecting >= MAX_REJECTING)
    {
      g_mutex_unlock (&server->lock);
      close (fd);
      return;
    }
  Connection *c = g_new0 (Connection, 1);
  c->server = server;
  c->fd = fd;
  c->reject = reject;
  c->address = format_address (address);
  /* the thread ends under the lock: it cannot move itself to finished before this returns */
  c->thread = g_thread_try_new ("mado-http-conn", connection_main, c, NULL);
  if (c->thread == NULL)
    {
      g_mutex_unlock (&server->lock);
      close (fd);
      g_free (c->address);
      g_free (c);
      return;
    }
  if (reject)
    server->n_rejecting++;
  else
    server->n_serving++;
  server->active = g_list_prepend (server->active, c);
  g_mutex_unlock (&server->lock);
}

static gpointer
acceptor_main (gpointer data)
{
  Listener *listener = data;
  MadoHttpServer *server = listener->server;

  block_sigpipe ();
  for (;;)
    {
      struct pollfd p[2] = { { listener->fd, POLLIN, 0 }, { server->wake[0], POLLIN, 0 } };
      if (poll (p, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          g_warning ("poll on a listening socket: %s", g_strerror (errno));
          break;
        }
      if (p[1].revents != 0)
        break;
      if (p[0].revents == 0)
        continue;

      struct sockaddr_storage address = { 0 };
      socklen_t address_len = sizeof address;
      int fd = accept4 (listener->fd, (struct sockaddr *)&address, &address_len,
                        SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0)
        {
          if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
            {
              /* out of descriptors or memory: wait a little (but not past a stop) */
              struct pollfd w = { server->wake[0], POLLIN, 0 };
              poll (&w, 1, 100);
            }
          continue;
        }
      reap_finished (server);
      start_connection (server, fd, &address);
    }
  return NULL;
}

/* ---- the server ------------------------------------------------------------------------------ */

static MadoHttpServer *
tls_fail (SSL_CTX *ctx, GError **error, const char *what, const char *file)
{
  char detail[256] = "";
  unsigned long code = ERR_peek_last_error ();
  if (code != 0)
    ERR_error_string_n (code, detail, sizeof detail);
  ERR_clear_error ();
  g_set_error (error, MADO_HTTP_ERROR, MADO_HTTP_ERROR_TLS, "%s %s: %s", what,
               file != NULL ? file : "", detail[0] != '\0' ? detail : "failed");
  SSL_CTX_free (ctx);
  return NULL;
}

MadoHttpServer *
mado_http_server_new (const MadoHttpServerOptions *options, GError **error)
{
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (options->certificate_file != NULL && options->key_file != NULL, NULL);
  g_return_val_if_fail (options->handler != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ERR_clear_error ();
  SSL_CTX *ctx = SSL_CTX_new (TLS_server_method ());
  if (ctx == NULL)
    return tls_fail (ctx, error, "cannot create the TLS context", NULL);
  SSL_CTX_set_min_proto_version (ctx, TLS1_2_VERSION);
  SSL_CTX_set_options (ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE
                                | SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
  /* TLS 1.2: forward secrecy and AEAD only (TLS 1.3's suites are all such) */
  if (SSL_CTX_set_cipher_list (ctx, "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL") != 1)
    return tls_fail (ctx, error, "cannot set the TLS 1.2 ciphers", NULL);
  /* no resumption: every connection shows its certificate again */
  SSL_CTX_set_session_cache_mode (ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets (ctx, 0);
  SSL_CTX_set_session_id_context (ctx, (const unsigned char *)"mado-http", 9);

  if (SSL_CTX_use_certificate_chain_file (ctx, options->certificate_file) != 1)
    return tls_fail (ctx, error, "cannot load the server certificate", options->certificate_file);
  if (SSL_CTX_use_PrivateKey_file (ctx, options->key_file, SSL_FILETYPE_PEM) != 1)
    return tls_fail (ctx, error, "cannot load the server key", options->key_file);
  if (SSL_CTX_check_private_key (ctx) != 1)
    return tls_fail (ctx, error, "the key does not belong to the certificate", options->key_file);

  if (options->client_ca_file != NULL)
    {
      /* the enrolment CA is the only trust anchor: no default paths are loaded */
      if (SSL_CTX_load_verify_locations (ctx, options->client_ca_file, NULL) != 1)
        return tls_fail (ctx, error, "cannot load the client CA", options->client_ca_file);
      STACK_OF (X509_NAME) *names = SSL_load_client_CA_file (options->client_ca_file);
      if (names == NULL)
        return tls_fail (ctx, error, "cannot read the client CA's name", options->client_ca_file);
      SSL_CTX_set_client_CA_list (ctx, names);
      SSL_CTX_set_verify (ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    }

  MadoHttpServer *server = g_new0 (MadoHttpServer, 1);
  if (pipe2 (server->wake, O_CLOEXEC | O_NONBLOCK) != 0)
    {
      int saved = errno;
      g_free (server);
      SSL_CTX_free (ctx);
      g_set_error (error, MADO_HTTP_ERROR, MADO_HTTP_ERROR_LISTEN, "cannot create a pipe: %s",
                   g_strerror (saved));
      return NULL;
    }
  server->ctx = ctx;
  server->client_certs = options->client_ca_file != NULL;
  server->limits = options->limits;
  mado_http_limits_fill_defaults (&server->limits);
  server->handler = options->handler;
  server->user_data = options->user_data;
  g_mutex_init (&server->lock);
  g_cond_init (&server->cond);
  server->listeners = g_ptr_array_new ();
  return server;
}

/* "1.2.3.4:443" or "[::1]:443" → a socket address. */
static gboolean
parse_address (const char *text, struct sockaddr_storage *address, socklen_t *length)
{
  g_autofree char *host = NULL;
  const char *port_text;

  if (text[0] == '[')
    {
      const char *close = strstr (text, "]:");
      if (close == NULL)
        return FALSE;
      host = g_strndup (text + 1, (gsize)(close - text - 1));
      port_text = close + 2;
    }
  else
    {
      const char *colon = strrchr (text, ':');
      if (colon == NULL)
        return FALSE;
      host = g_strndup (text, (gsize)(colon - text));
      port_text = colon + 1;
    }
  guint64 port = 0;
  if (!g_ascii_string_to_unsigned (port_text, 10, 0, 65535, &port, NULL))
    return FALSE;

  memset (address, 0, sizeof *address);
  if (text[0] == '[')
    {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)address;
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons ((guint16)port);
      *length = sizeof *in6;
      return inet_pton (AF_INET6, host, &in6->sin6_addr) == 1;
    }
  struct sockaddr_in *in = (struct sockaddr_in *)address;
  in->sin_family = AF_INET;
  in->sin_port = htons ((guint16)port);
  *length = sizeof *in;
  return inet_pton (AF_INET, host, &in->sin_addr) == 1;
}

static gboolean
listen_fail (GError **error, int fd, const char *address, const char *what)
{
  int saved = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, MADO_HTTP_ERROR, MADO_HTTP_ERROR_LISTEN, "%s %s: %s", what, address,
               g_strerror (saved));
  return FALSE;
}

gboolean
mado_http_server_listen (MadoHttpServer *server, const char *address, guint16 *bound_port,
                         GError **error)
{
  g_return_val_if_fail (server != NULL && address != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  struct sockaddr_storage sa;
  socklen_t sa_len = 0;
  if (!parse_address (address, &sa, &sa_len))
    {
      g_set_error (error, MADO_HTTP_ERROR, MADO_HTTP_ERROR_LISTEN,
                   "not an address to listen on (IPv4:PORT or [IPv6]:PORT): %s", address);
      return FALSE;
    }
  int fd = socket (sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return listen_fail (error, fd, address, "cannot create a socket for");
  int one = 1;
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (sa.ss_family == AF_INET6)
    setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind (fd, (struct sockaddr *)&sa, sa_len) != 0)
    return listen_fail (error, fd, address, "cannot bind");
  if (listen (fd, SOMAXCONN) != 0)
    return listen_fail (error, fd, address, "cannot listen on");
  sa_len = sizeof sa;
  if (getsockname (fd, (struct sockaddr *)&sa, &sa_len) != 0)
    return listen_fail (error, fd, address, "cannot read the port of");

  Listener *listener = g_new0 (Listener, 1);
  listener->server = server;
  listener->fd = fd;
  listener->thread = g_thread_try_new ("mado-http-accept", acceptor_main, listener, error);
  if (listener->thread == NULL)
    {
      close (fd);
      g_free (listener);
      return FALSE;
    }
  g_mutex_lock (&server->lock);
  g_ptr_array_add (server->listeners, listener);
  g_mutex_unlock (&server->lock);
  if (bound_port != NULL)
    *bound_port = ntohs (sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
                                                  : ((struct sockaddr_in *)&sa)->sin_port);
  return TRUE;
}

void
mado_http_server_free (MadoHttpServer *server)
{
  if (server == NULL)
    return;

  /* one byte, never read: every poll that watches the pipe sees it from now on */
  g_atomic_int_set (&server->stopping, 1);
  while (write (server->wake[1], "x", 1) < 0 && errno == EINTR)
    ;

  for (guint i = 0; i < server->listeners->len; i++)
    {
      Listener *listener = g_ptr_array_index (server->listeners, i);
      g_thread_join (listener->thread);
      close (listener->fd);
      g_free (listener);
    }
  g_ptr_array_unref (server->listeners);

  g_mutex_lock (&server->lock);
  while (server->active != NULL)
    g_cond_wait (&server->cond, &server->lock);
  g_mutex_unlock (&server->lock);
  reap_finished (server);

  close (server->wake[0]);
  close (server->wake[1]);
  SSL_CTX_free (server->ctx);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->cond);
  g_free (server);
}
