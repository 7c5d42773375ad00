/* SPDX-License-Identifier: GPL-3.0-or-later
 * test-ocsp-responder.c — mado_ocsp_check() and its HTTP transport against real servers on
 * loopback: `openssl ocsp` serving the responder database of tests/pki/make-test-pki.sh (good,
 * revoked only by OCSP, revoked in the CRL too, the demo card), nothing listening (unreachable),
 * a listener that never answers (timeout, cancellation), and a tiny server that answers with
 * bytes of our choosing (a captured answer replayed for a new request, HTTP errors, oversize).
 */
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#include <openssl/ocsp.h>
#include <openssl/pem.h>

#include "mado-ocsp.h"
#include "mado-openssl-private.h"

static char *tmpdir;
static char *pki;
static GSubprocess *responder;
static guint16 responder_port;
static char *responder_url;
static X509 *issuer, *good, *revoked_ocsp, *revoked_crl, *demo, *other;

/* --- setup ----------------------------------------------------------------------------------- */

static X509 *
load_cert (const char *relative)
{
  g_autofree char *path = g_build_filename (pki, relative, NULL);
  g_autofree char *data = NULL;
  gsize size = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &data, &size, &error));
  g_assert_no_error (error);
  X509 *cert = NULL;
  if (g_str_has_prefix (data, "-----BEGIN"))
    {
      BIO *bio = BIO_new_mem_buf (data, (int)size);
      cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
      BIO_free (bio);
    }
  else
    {
      const unsigned char *p = (const unsigned char *)data;
      cert = d2i_X509 (NULL, &p, (long)size);
    }
  g_assert_nonnull (cert);
  return cert;
}

static GSocket *
loopback_listener (guint16 *port)
{
  g_autoptr (GError) error = NULL;
  GSocket *socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_autoptr (GInetAddress) any = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (any, 0);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_assert_true (g_socket_listen (socket, &error));
  g_assert_no_error (error);
  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return socket;
}

/* A port free right now (openssl ocsp does not take port 0; the caller retries on a clash). */
static guint16
probe_free_port (void)
{
  guint16 port = 0;
  g_autoptr (GSocket) socket = loopback_listener (&port);
  g_socket_close (socket, NULL);
  return port;
}

/* The responder goes when the test goes, even when an assertion aborts it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
start_responder (void)
{
  const char *openssl = g_getenv ("MADO_OPENSSL");

  for (int attempt = 0; attempt < 8; attempt++)
    {
      guint16 port = probe_free_port ();
      g_autofree char *port_text = g_strdup_printf ("%u", port);
      g_autofree char *log = g_strdup_printf ("%s/ocsp.%d.log", tmpdir, attempt);
      g_autofree char *index = g_build_filename (pki, "identity/ocsp/index.txt", NULL);
      g_autofree char *ca = g_build_filename (pki, "identity/roots/auth-gen3.pem", NULL);
      g_autofree char *rsigner = g_build_filename (pki, "identity/ocsp/responder.pem", NULL);
      g_autofree char *rkey = g_build_filename (pki, "identity/ocsp/responder.key.pem", NULL);
      g_autoptr (GSubprocessLauncher) launcher
          = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
      g_autoptr (GError) error = NULL;

      g_subprocess_launcher_set_stdout_file_path (launcher, log);
      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
      GSubprocess *proc = g_subprocess_launcher_spawn (
          launcher, &error, openssl, "ocsp", "-index", index, "-CA", ca, "-rsigner", rsigner,
          "-rkey", rkey, "-port", port_text, "-nmin", "5", "-ignore_err", NULL);
      g_assert_no_error (error);

      /* ready when it says so; gone when the port was taken meanwhile */
      for (int i = 0; i < 500; i++)
        {
          g_autofree char *text = NULL;
          if (g_file_get_contents (log, &text, NULL, NULL)
              && strstr (text, "waiting for OCSP client connections") != NULL)
            {
              responder = proc;
              responder_port = port;
              responder_url = g_strdup_printf ("http://127.0.0.1:%u/", port);
              return TRUE;
            }
          if (g_subprocess_get_identifier (proc) == NULL)
            break;
          g_usleep (20 * 1000);
        }
      g_test_message ("openssl ocsp on port %u did not start; retrying", port);
      g_subprocess_force_exit (proc);
      g_subprocess_wait (proc, NULL, NULL);
      g_object_unref (proc);
    }
  return FALSE;
}

static void
stop_responder (void)
{
  if (responder == NULL)
    return;
  g_subprocess_send_signal (responder, SIGTERM);
  g_subprocess_wait (responder, NULL, NULL);
  g_clear_object (&responder);
}

/* --- a recording transport: the HTTP transport, keeping the last response -------------------- */

#define RECORDING_TYPE_TRANSPORT (recording_transport_get_type ())
G_DECLARE_FINAL_TYPE (RecordingTransport, recording_transport, RECORDING, TRANSPORT, GObject)

struct _RecordingTransport
{
  GObject parent_instance;
  MadoOcspTransport *http;
  GBytes *last;
};

static void recording_transport_iface_init (MadoOcspTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RecordingTransport, recording_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_OCSP_TRANSPORT,
                                                      recording_transport_iface_init))

static void
recording_transport_finalize (GObject *object)
{
  RecordingTransport *self = RECORDING_TRANSPORT (object);
  g_clear_object (&self->http);
  g_clear_pointer (&self->last, g_bytes_unref);
  G_OBJECT_CLASS (recording_transport_parent_class)->finalize (object);
}

static void
recording_transport_class_init (RecordingTransportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = recording_transport_finalize;
}

static void
recording_transport_init (RecordingTransport *self)
{
  self->http = mado_ocsp_http_transport_new ();
}

static GBytes *
recording_transport_post (MadoOcspTransport *transport, const char *url, GBytes *body,
                          guint timeout_ms, GCancellable *cancellable, GError **error)
{
  RecordingTransport *self = RECORDING_TRANSPORT (transport);
  GBytes *response
      = mado_ocsp_transport_post (self->http, url, body, timeout_ms, cancellable, error);
  g_clear_pointer (&self->last, g_bytes_unref);
  if (response != NULL)
    self->last = g_bytes_ref (response);
  return response;
}

static void
recording_transport_iface_init (MadoOcspTransportInterface *iface)
{
  iface->post = recording_transport_post;
}

/* --- a tiny HTTP server answering one request with given bytes ------------------------------- */

typedef struct
{
  GSocket *listener;
  guint16 port;
  GBytes *reply;       /* the whole HTTP answer */
  GByteArray *request; /* what it received */
  GThread *thread;
} OneShotServer;

static gpointer
one_shot_run (gpointer user_data)
{
  OneShotServer *server = user_data;
  g_autoptr (GSocket) connection = g_socket_accept (server->listener, NULL, NULL);
  if (connection == NULL)
    return NULL;
  g_socket_set_timeout (connection, 10);

  /* read the head, then Content-Length bytes of body */
  gsize wanted = G_MAXSIZE;
  while (server->request->len < wanted)
    {
      char buffer[2048];
      gssize n = g_socket_receive (connection, buffer, sizeof buffer, NULL, NULL);
      if (n <= 0)
        break;
      g_byte_array_append (server->request, (const guint8 *)buffer, (guint)n);
      g_byte_array_append (server->request, (const guint8 *)"", 1);
      const char *text = (const char *)server->request->data;
      const char *end = strstr (text, "\r\n\r\n");
      const char *length = strstr (text, "Content-Length: ");
      g_byte_array_set_size (server->request, server->request->len - 1);
      if (end != NULL && length != NULL)
        wanted = (gsize)(end + 4 - text) + (gsize)g_ascii_strtoull (length + 16, NULL, 10);
    }

  gsize size = 0;
  const char *data = g_bytes_get_data (server->reply, &size);
  while (size > 0)
    {
      gssize n = g_socket_send (connection, data, size, NULL, NULL);
      if (n <= 0)
        break;
      data += n;
      size -= (gsize)n;
    }
  g_socket_shutdown (connection, FALSE, TRUE, NULL);
  g_socket_close (connection, NULL);
  return NULL;
}

static OneShotServer *
one_shot_start (const char *content_type, int status, GBytes *body)
{
  OneShotServer *server = g_new0 (OneShotServer, 1);
  GString *reply = g_string_new (NULL);
  g_string_append_printf (
      reply, "HTTP/1.0 %d X\r\nContent-Type: %s\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
      status, content_type, g_bytes_get_size (body));
  g_string_append_len (reply, g_bytes_get_data (body, NULL), (gssize)g_bytes_get_size (body));
  server->reply = g_string_free_to_bytes (reply);
  server->request = g_byte_array_new ();
  server->listener = loopback_listener (&server->port);
  server->thread = g_thread_new ("one-shot-http", one_shot_run, server);
  return server;
}

static void
one_shot_free (OneShotServer *server)
{
  if (server->thread != NULL)
    g_thread_join (server->thread);
  g_socket_close (server->listener, NULL);
  g_object_unref (server->listener);
  g_bytes_unref (server->reply);
  g_byte_array_unref (server->request);
  g_free (server);
}

/* --- helpers --------------------------------------------------------------------------------- */

static MadoVerdictReason
check (X509 *cert, const char *url, MadoOcspTransport *transport, guint timeout_ms,
       MadoRevocationAnswer *out)
{
  MadoOcspOptions options;
  MadoRevocationAnswer answer = { 0 };
  g_autoptr (GError) error = NULL;

  const char *const allowed[] = { url, NULL };
  mado_ocsp_options_init (&options);
  options.allowed_url_prefixes = allowed;
  options.transport = transport;
  if (timeout_ms > 0)
    options.timeout_ms = timeout_ms;
  g_assert_true (mado_ocsp_check (cert, issuer, url, &options, g_get_real_time () / G_USEC_PER_SEC,
                                  NULL, &answer, &error));
  g_assert_no_error (error);
  g_test_message ("%s: %s", mado_verdict_reason_to_string (answer.reason), answer.detail);
  MadoVerdictReason reason = answer.reason;
  if (out != NULL)
    *out = answer;
  else
    mado_revocation_answer_clear (&answer);
  return reason;
}

/* --- tests ----------------------------------------------------------------------------------- */

static void
test_good (void)
{
  g_assert_cmpint (check (good, responder_url, NULL, 0, NULL), ==, MADO_REASON_NONE);
  /* the demo card's certificate is in the responder's database too */
  g_assert_cmpint (check (demo, responder_url, NULL, 0, NULL), ==, MADO_REASON_NONE);
  g_assert_cmpint (check (other, responder_url, NULL, 0, NULL), ==, MADO_REASON_NONE);
}

static void
test_revoked_by_ocsp (void)
{
  MadoRevocationAnswer answer = { 0 };
  g_assert_cmpint (check (revoked_ocsp, responder_url, NULL, 0, &answer), ==,
                   MADO_REASON_REVOKED_OCSP);
  g_assert_cmpint (answer.crl_reason, ==, OCSP_REVOKED_STATUS_AFFILIATIONCHANGED);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (answer.revoked_at, >, now - 2 * 86400);
  g_assert_cmpint (answer.revoked_at, <=, now);
  mado_revocation_answer_clear (&answer);

  g_assert_cmpint (check (revoked_crl, responder_url, NULL, 0, &answer), ==,
                   MADO_REASON_REVOKED_OCSP);
  g_assert_cmpint (answer.crl_reason, ==, OCSP_REVOKED_STATUS_KEYCOMPROMISE);
  mado_revocation_answer_clear (&answer);
}

static void
on_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

static void
test_async (void)
{
  MadoOcspOptions options;
  MadoRevocationAnswer answer = { 0 };
  GAsyncResult *result = NULL;
  g_autoptr (GError) error = NULL;

  const char *const allowed[] = { responder_url, NULL };
  mado_ocsp_options_init (&options);
  options.allowed_url_prefixes = allowed;
  mado_ocsp_check_async (revoked_ocsp, issuer, responder_url, &options,
                         g_get_real_time () / G_USEC_PER_SEC, NULL, on_checked, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (mado_ocsp_check_finish (result, &answer, &error));
  g_assert_no_error (error);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_REVOKED_OCSP);
  g_object_unref (result);
  mado_revocation_answer_clear (&answer);
}

static void
test_responder_down (void)
{
  guint16 port = probe_free_port (); /* nothing listens there */
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_assert_cmpint (check (good, url, NULL, 0, NULL), ==, MADO_REASON_OCSP_UNREACHABLE);
}

static void
test_slow_responder (void)
{
  /* a listener nobody serves: the kernel completes the handshake, nothing is ever answered */
  guint16 port = 0;
  g_autoptr (GSocket) listener = loopback_listener (&port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);

  gint64 start = g_get_monotonic_time ();
  g_assert_cmpint (check (good, url, NULL, 400, NULL), ==, MADO_REASON_OCSP_TIMEOUT);
  gint64 elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("timed out after %" G_GINT64_FORMAT " ms", elapsed_ms);
  g_assert_cmpint (elapsed_ms, >=, 390);
  g_assert_cmpint (elapsed_ms, <, 3000);
  g_socket_close (listener, NULL);
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

static void
test_cancel_slow (void)
{
  guint16 port = 0;
  g_autoptr (GSocket) listener = loopback_listener (&port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  MadoOcspOptions options;
  MadoRevocationAnswer answer = { 0 };
  GAsyncResult *result = NULL;
  g_autoptr (GError) error = NULL;

  const char *const allowed[] = { url, NULL };
  mado_ocsp_options_init (&options);
  options.allowed_url_prefixes = allowed;
  options.timeout_ms = 20000;
  gint64 start = g_get_monotonic_time ();
  mado_ocsp_check_async (good, issuer, url, &options, g_get_real_time () / G_USEC_PER_SEC,
                         cancellable, on_checked, &result);
  g_timeout_add (200, cancel_later, cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (mado_ocsp_check_finish (result, &answer, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_OCSP_UNREACHABLE);
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 5000);
  g_object_unref (result);
  mado_revocation_answer_clear (&answer);
  g_socket_close (listener, NULL);
}

static void
test_replayed (void)
{
  g_autoptr (RecordingTransport) recorder = g_object_new (RECORDING_TYPE_TRANSPORT, NULL);

  /* a real, validly signed, current answer for this very certificate... */
  g_assert_cmpint (check (good, responder_url, MADO_OCSP_TRANSPORT (recorder), 0, NULL), ==,
                   MADO_REASON_NONE);
  g_assert_nonnull (recorder->last);

  /* ...served again for a new request: its nonce is the old one */
  OneShotServer *server = one_shot_start ("application/ocsp-response", 200, recorder->last);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/replay", server->port);
  g_assert_cmpint (check (good, url, NULL, 0, NULL), ==, MADO_REASON_OCSP_NONCE);
  one_shot_free (server);
}

static void
test_http_request_shape (void)
{
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  OneShotServer *server = one_shot_start ("text/plain", 200, empty);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/ocsp/auth?x=1", server->port);
  g_assert_cmpint (check (good, url, NULL, 0, NULL), ==, MADO_REASON_OCSP_BAD_RESPONSE);
  g_thread_join (g_steal_pointer (&server->thread));
  g_byte_array_append (server->request, (const guint8 *)"", 1);
  const char *request = (const char *)server->request->data;
  g_assert_true (g_str_has_prefix (request, "POST /ocsp/auth?x=1 HTTP/1.0\r\n"));
  g_assert_nonnull (strstr (request, "\r\nContent-Type: application/ocsp-request\r\n"));
  g_assert_nonnull (strstr (request, "\r\nHost: 127.0.0.1:"));
  one_shot_free (server);
}

static void
test_http_errors (void)
{
  g_autoptr (GBytes) text = g_bytes_new_static ("busy", 4);
  OneShotServer *server = one_shot_start ("text/plain", 503, text);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", server->port);
  g_assert_cmpint (check (good, url, NULL, 0, NULL), ==, MADO_REASON_OCSP_BAD_RESPONSE);
  one_shot_free (server);

  /* larger than the 64 KiB bound */
  gsize size = MADO_OCSP_HTTP_DEFAULT_MAX_RESPONSE + 1;
  g_autoptr (GBytes) huge = g_bytes_new_take (g_malloc0 (size), size);
  server = one_shot_start ("application/ocsp-response", 200, huge);
  g_free (url);
  url = g_strdup_printf ("http://127.0.0.1:%u/", server->port);
  MadoRevocationAnswer answer = { 0 };
  g_assert_cmpint (check (good, url, NULL, 0, &answer), ==, MADO_REASON_OCSP_BAD_RESPONSE);
  g_assert_nonnull (strstr (answer.detail, "larger"));
  mado_revocation_answer_clear (&answer);
  one_shot_free (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  const char *source_dir = g_getenv ("MADO_SOURCE_DIR");
  if (g_getenv ("MADO_OPENSSL") == NULL || source_dir == NULL)
    {
      g_print ("1..0 # SKIP needs the openssl command and MADO_SOURCE_DIR\n");
      return 77;
    }

  g_autoptr (GError) error = NULL;
  tmpdir = g_dir_make_tmp ("mado-ocsp-XXXXXX", &error);
  g_assert_no_error (error);
  pki = g_build_filename (tmpdir, "pki", NULL);
  g_autofree char *script = g_build_filename (source_dir, "tests/pki/make-test-pki.sh", NULL);
  const char *const make_argv[] = { "bash", script, pki, NULL };
  int wait_status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **)make_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (wait_status, &error));

  issuer = load_cert ("identity/roots/auth-gen3.pem");
  good = load_cert ("identity/ee/auth-gen3.der");
  other = load_cert ("identity/ee/auth-other.der");
  revoked_ocsp = load_cert ("identity/ee/auth-revoked-ocsp.der");
  revoked_crl = load_cert ("identity/ee/auth-revoked.der");
  demo = load_cert ("demo-resident/auth.der");
  g_assert_true (start_responder ());

  g_test_add_func ("/ocsp-responder/good", test_good);
  g_test_add_func ("/ocsp-responder/revoked-by-ocsp", test_revoked_by_ocsp);
  g_test_add_func ("/ocsp-responder/async", test_async);
  g_test_add_func ("/ocsp-responder/down", test_responder_down);
  g_test_add_func ("/ocsp-responder/slow-timeout", test_slow_responder);
  g_test_add_func ("/ocsp-responder/cancel", test_cancel_slow);
  g_test_add_func ("/ocsp-responder/replayed", test_replayed);
  g_test_add_func ("/ocsp-responder/http-request", test_http_request_shape);
  g_test_add_func ("/ocsp-responder/http-errors", test_http_errors);
  int status = g_test_run ();

  stop_responder ();
  X509 *certs[] = { issuer, good, other, revoked_ocsp, revoked_crl, demo };
  for (gsize i = 0; i < G_N_ELEMENTS (certs); i++)
    X509_free (certs[i]);
  if (status == 0 && g_getenv ("MADO_KEEP_TMP") == NULL)
    {
      const char *const rm_argv[] = { "rm", "-rf", tmpdir, NULL };
      g_spawn_sync (NULL, (char **)rm_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                    NULL);
    }
  g_free (responder_url);
  g_free (pki);
  g_free (tmpdir);
  return status;
}
