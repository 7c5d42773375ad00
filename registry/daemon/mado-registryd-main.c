/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-registryd — the municipality's registry service (docs/api.md, docs/operations.md):
 *
 *   mado-registryd --db sqlite:PATH | --db postgresql://… \
 *     --tls-cert SERVER.pem --tls-key SERVER.key --client-ca CA-DIR/ca.pem \
 *     --office-key OFFICE.key [--listen 127.0.0.1:8443]… [--public-listen 127.0.0.1:8444]… \
 *     [--config FILE] [--trust-dir DIR] [--crl FILE]… [--ocsp-url URL] [--test-mode] \
 *     [--office-code 131016 --office-name 千代田区 --mayor "千代田区長　窓口 太郎"] \
 *     [--pool N] [--ready-file FILE]
 *
 * The main listeners ask every client for a certificate from the enrolment CA; the public
 * listeners (ticket status, call board, the lookup of a paper) ask for none and serve nothing
 * personal. SIGTERM or SIGINT stop it: requests in progress finish, then it exits 0.
 */
#define G_LOG_DOMAIN "mado-registry"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include "mado-app-error.h"
#include "mado-config.h"
#include "mado-http.h"
#include "mado-identity-setup.h"
#include "mado-registry-api.h"

#define PROGRAM "mado-registryd"

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static int
fail (GError *error)
{
  mado_error_print (stderr, PROGRAM, error);
  return mado_error_exit_code (error);
}

int
main (int argc, char **argv)
{
  g_autofree char *db = NULL, *tls_cert = NULL, *tls_key = NULL, *client_ca = NULL;
  g_autofree char *office_key = NULL, *config_path = NULL, *trust_dir = NULL, *ocsp_url = NULL;
  g_autofree char *office_code = NULL, *office_name = NULL, *mayor = NULL, *ready_file = NULL;
  g_auto (GStrv) listen = NULL, public_listen = NULL, crls = NULL;
  gboolean test_mode = FALSE;
  int pool = 0;
  g_autoptr (GError) error = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  signal (SIGPIPE, SIG_IGN);

  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, "the database: sqlite:PATH or postgresql://…", "DSN" },
    { "listen", 0, 0, G_OPTION_ARG_STRING_ARRAY, &listen,
      "main listener, client certificates required (default 127.0.0.1:8443)", "ADDR:PORT" },
    { "public-listen", 0, 0, G_OPTION_ARG_STRING_ARRAY, &public_listen,
      "public listener: ticket status, call board, paper lookup (none by default)", "ADDR:PORT" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "server certificate (PEM)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "server key (PEM)", "FILE" },
    { "client-ca", 0, 0, G_OPTION_ARG_FILENAME, &client_ca,
      "the enrolment CA certificate (ca.pem of mado-registry-admin init)", "FILE" },
    { "office-key", 0, 0, G_OPTION_ARG_FILENAME, &office_key,
      "the office key that signs certificates' QR codes (EC P-256 PEM)", "FILE" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "configuration file ([identity])",
      "FILE" },
    { "trust-dir", 0, 0, G_OPTION_ARG_FILENAME, &trust_dir, "JPKI roots (instead of [identity])",
      "DIR" },
    { "crl", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &crls, "JPKI CRL files (added)", "FILE" },
    { "ocsp-url", 0, 0, G_OPTION_ARG_STRING, &ocsp_url, "JPKI OCSP responder", "URL" },
    { "test-mode", 0, 0, G_OPTION_ARG_NONE, &test_mode,
      "test roots allowed, every document marked 見本・テスト", NULL },
    { "office-code", 0, 0, G_OPTION_ARG_STRING, &office_code, "地方公共団体コード", "CODE" },
    { "office-name", 0, 0, G_OPTION_ARG_STRING, &office_name, "the office's name", "NAME" },
    { "mayor", 0, 0, G_OPTION_ARG_STRING, &mayor, "the signer of the 認証文", "TEXT" },
    { "pool", 0, 0, G_OPTION_ARG_INT, &pool, "database connections (default 4)", "N" },
    { "ready-file", 0, 0, G_OPTION_ARG_FILENAME, &ready_file,
      "write \"main=PORT public=PORT\" here once listening", "FILE" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— the registry service");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      error->domain = MADO_APP_ERROR;
      error->code = MADO_APP_ERROR_USAGE;
      return fail (error);
    }
  if (db == NULL || tls_cert == NULL || tls_key == NULL || client_ca == NULL || office_key == NULL
      || argc > 1 || pool < 0 || pool > 64)
    {
      g_set_error_literal (&error, MADO_APP_ERROR, MADO_APP_ERROR_USAGE,
                           "usage: mado-registryd --db DSN --tls-cert FILE --tls-key FILE "
                           "--client-ca FILE --office-key FILE [--listen ADDR:PORT]…");
      return fail (error);
    }

  g_autoptr (MadoConfig) config = mado_config_load (config_path, &error);
  if (config == NULL)
    return fail (error);
  if (test_mode && !mado_config_set (config, "general", "mode", "test", &error))
    return fail (error);
  MadoIdentityOverrides overrides = { trust_dir, (const char *const *)crls, ocsp_url, NULL };
  g_autoptr (MadoCertVerifier) verifier
      = mado_identity_verifier_new_from_config (config, &overrides, &error);
  if (verifier == NULL)
    return fail (error);

  MadoRegistryApiOptions options = { 0 };
  options.dsn = db;
  options.pool_size = (guint)pool;
  options.verifier = verifier;
  options.office_key_path = office_key;
  options.office_code = office_code;
  options.office_name = office_name != NULL ? office_name : "千代田区";
  options.mayor = mayor != NULL ? mayor : "千代田区長　窓口 太郎";
  options.test_mode = mado_config_is_test_mode (config);
  g_autoptr (MadoRegistryApi) api = mado_registry_api_new (&options, &error);
  if (api == NULL)
    return fail (error);

  MadoHttpServerOptions main_options
      = { tls_cert, tls_key, client_ca, { 0 }, mado_registry_api_handle, api };
  g_autoptr (MadoHttpServer) server = mado_http_server_new (&main_options, &error);
  if (server == NULL)
    return fail (error);
  const char *default_listen[] = { "127.0.0.1:8443", NULL };
  guint16 main_port = 0, public_port = 0;
  for (const char *const *a = listen != NULL ? (const char *const *)listen : default_listen;
       *a != NULL; a++)
    if (!mado_http_server_listen (server, *a, &main_port, &error))
      return fail (error);

  g_autoptr (MadoHttpServer) public_server = NULL;
  if (public_listen != NULL)
    {
      MadoHttpServerOptions public_options
          = { tls_cert, tls_key, NULL, { 0 }, mado_registry_api_handle_public, api };
      public_server = mado_http_server_new (&public_options, &error);
      if (public_server == NULL)
        return fail (error);
      for (char **a = public_listen; *a != NULL; a++)
        if (!mado_http_server_listen (public_server, *a, &public_port, &error))
          return fail (error);
    }

  if (ready_file != NULL)
    {
      g_autofree char *text = g_strdup_printf ("main=%u public=%u\n", main_port, public_port);
      if (!g_file_set_contents (ready_file, text, -1, &error))
        return fail (error);
    }
  g_message ("serving: main port %u, public port %u", main_port, public_port);

  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit, loop);
  g_unix_signal_add (SIGINT, quit, loop);
  g_main_loop_run (loop);

  g_clear_pointer (&public_server, mado_http_server_free);
  g_clear_pointer (&server, mado_http_server_free);
  return 0;
}
