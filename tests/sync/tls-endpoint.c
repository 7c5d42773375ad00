/* SPDX-License-Identifier: GPL-3.0-or-later
 * tls-endpoint.c — certificates and the scripted HTTPS responder for the sync tests.
 */
#include "tls-endpoint.h"

#include <glib/gstdio.h>

static char *
source_file (const char *name)
{
  const char *source = g_getenv ("MADO_SOURCE_DIR");
  g_assert_nonnull (source);
  return g_build_filename (source, "tests", "sync", name, NULL);
}

char *
tls_endpoint_file (const TlsEndpoint *endpoint, const char *name)
{
  return g_build_filename (endpoint->dir, name, NULL);
}

TlsEndpoint *
tls_endpoint_start (void)
{
  g_autoptr (GError) error = NULL;
  TlsEndpoint *e = g_new0 (TlsEndpoint, 1);

  e->dir = g_dir_make_tmp ("mado-sync-tls-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *make_certs = source_file ("make-certs.sh");
  const char *make_argv[] = { "bash", make_certs, e->dir, NULL };
  int status = 0;
  g_spawn_sync (NULL, (char **)make_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  g_autofree char *responder = source_file ("tls-responder.py");
  g_autofree char *cert = tls_endpoint_file (e, "server.pem");
  g_autofree char *key = tls_endpoint_file (e, "server.key");
  g_autofree char *client_ca = tls_endpoint_file (e, "enrol-ca.pem");
  e->responder = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                   &error, "python3", responder, "--cert", cert, "--key", key,
                                   "--client-ca", client_ca, NULL);
  g_assert_no_error (error);
  g_autoptr (GDataInputStream) out
      = g_data_input_stream_new (g_subprocess_get_stdout_pipe (e->responder));
  g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  guint64 port = 0;
  g_assert_true (g_str_has_prefix (line, "PORT "));
  g_assert_true (g_ascii_string_to_unsigned (line + 5, 10, 1, 65535, &port, NULL));
  e->port = (guint16)port;
  e->url = g_strdup_printf ("https://127.0.0.1:%u", e->port);
  return e;
}

void
tls_endpoint_remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        tls_endpoint_remove_tree (p);
      else
        g_remove (p);
    }
  g_rmdir (dir);
}

void
tls_endpoint_stop (TlsEndpoint *e)
{
  if (e == NULL)
    return;
  /* closing its standard input ends the responder */
  g_output_stream_close (g_subprocess_get_stdin_pipe (e->responder), NULL, NULL);
  if (!g_subprocess_wait (e->responder, NULL, NULL))
    g_subprocess_force_exit (e->responder);
  g_object_unref (e->responder);
  tls_endpoint_remove_tree (e->dir);
  g_free (e->dir);
  g_free (e->url);
  g_free (e);
}

guint16
tls_endpoint_closed_port (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  guint16 port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}
