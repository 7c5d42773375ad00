/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-registry-admin — the registry's administration (docs/operations.md, docs/cli.md):
 *
 *   init      --dir DIR [--organisation NAME] [--name HOST]…   CA, server certificate, office key
 *   enrol     --db DSN --dir DIR --id ID --kind kiosk|console --cert OUT --key OUT [--days N]
 *             (the same id again renews: a new certificate, the same terminal and idempotency
 * scope) revoke    --db DSN --id ID terminals --db DSN operator  --db DSN --login LOGIN --name NAME
 * --role clerk|supervisor|administrator (the password on standard input, one line) [--disable] seed
 * --db DSN --count N [--seed S] export    --db DSN --what moves|issuances|residents --out FILE.csv
 *   import    --db DSN --residents FILE.csv
 *   backup    --db DSN --out PATH
 */
#define G_LOG_DOMAIN "mado-registry"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "mado-app-error.h"
#include "mado-card-link.h"
#include "mado-enrol-ca.h"
#include "mado-password.h"
#include "mado-registry-admin.h"
#include "mado-registry-store.h"

#define PROGRAM "mado-registry-admin"

int
mado_registry_admin_fail (GError *error)
{
  mado_error_print (stderr, PROGRAM, error);
  return mado_error_exit_code (error);
}

int
mado_registry_admin_usage (const char *text)
{
  g_autoptr (GError) error
      = g_error_new (MADO_APP_ERROR, MADO_APP_ERROR_USAGE, "usage: %s %s", PROGRAM, text);
  return mado_registry_admin_fail (error);
}

gboolean
mado_registry_admin_parse (int *argc, char ***argv, GOptionEntry *entries, const char *what,
                           GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new (what);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    {
      (*error)->domain = MADO_APP_ERROR;
      (*error)->code = MADO_APP_ERROR_USAGE;
      return FALSE;
    }
  return TRUE;
}

static int
cmd_init (int argc, char **argv)
{
  g_autofree char *dir = NULL, *organisation = NULL;
  g_auto (GStrv) names = NULL;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "where the registry's keys live", "DIR" },
    { "organisation", 0, 0, G_OPTION_ARG_STRING, &organisation, "the municipality", "NAME" },
    { "name", 0, 0, G_OPTION_ARG_STRING_ARRAY, &names, "server DNS name or IP (repeat)", "HOST" },
    G_OPTION_ENTRY_NULL,
  };
  if (!mado_registry_admin_parse (&argc, &argv, entries,
                                  "— make the CA, server certificate and office key", &error))
    return mado_registry_admin_fail (error);
  if (dir == NULL)
    return mado_registry_admin_usage ("init --dir DIR [--organisation NAME] [--name HOST]…");
  g_autofree char *ca_dir = g_build_filename (dir, "ca", NULL);
  g_autofree char *server_cert = g_build_filename (dir, "server.pem", NULL);
  g_autofree char *server_key = g_build_filename (dir, "server.key", NULL);
  g_autofree char *office_key = g_build_filename (dir, "office.key", NULL);
  g_autofree char *office_pub = g_build_filename (dir, "office.pub.pem", NULL);
  if (!mado_enrol_ca_init (ca_dir, organisation != NULL ? organisation : "Madoguchi", 3650, &error))
    return mado_registry_admin_fail (error);
  g_autoptr (MadoEnrolIssued) issued
      = mado_enrol_issue (ca_dir, MADO_ENROL_KIND_SERVER, "registry", (const char *const *)names,
                          825, server_cert, server_key, &error);
  if (issued == NULL || !mado_enrol_make_signing_key (office_key, office_pub, &error))
    return mado_registry_admin_fail (error);
  printf ("%s/ca/ca.pem\n%s\n%s\n%s\n%s\n", dir, server_cert, server_key, office_key, office_pub);
  return 0;
}

static int
cmd_enrol (int argc, char **argv)
{
  g_autofree char *db = NULL, *dir = NULL, *id = NULL, *kind = NULL, *cert = NULL, *key = NULL;
  int days = 730;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, "the database", "DSN" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "the registry's key directory (init)", "DIR" },
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, "terminal id", "ID" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, "kiosk or console", "KIND" },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "certificate to write (PEM)", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key, "key to write (PEM, 0600)", "FILE" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, "validity (default 730)", "N" },
    G_OPTION_ENTRY_NULL,
  };
  if (!mado_registry_admin_parse (&argc, &argv, entries, "— enrol (or renew) a kiosk or console",
                                  &error))
    return mado_registry_admin_fail (error);
  MadoEnrolKind k;
  if (db == NULL || dir == NULL || id == NULL || cert == NULL || key == NULL
      || !mado_enrol_kind_from_string (kind, &k) || k == MADO_ENROL_KIND_SERVER || days < 1)
    return mado_registry_admin_usage (
        "enrol --db DSN --dir DIR --id ID --kind kiosk|console --cert OUT --key OUT");
  g_autoptr (MadoRegistryStore) store = mado_registry_store_open (db, &error);
  if (store == NULL)
    return mado_registry_admin_fail (error);
  g_autofree char *ca_dir = g_build_filename (dir, "ca", NULL);
  g_autoptr (MadoEnrolIssued) issued
      = mado_enrol_issue (ca_dir, k, id, NULL, (guint)days, cert, key, &error);
  if (issued == NULL
      || !mado_registry_store_enrol_terminal (store, id, kind, issued->serial_hex,
                                              issued->not_after,
                                              g_get_real_time () / G_USEC_PER_SEC, &error))
    return mado_registry_admin_fail (error);
  printf ("%s %s %s\n", id, kind, issued->serial_hex);
  return 0;
}

static int
cmd_revoke (int argc, char **argv)
{
  g_autofree char *db = NULL, *id = NULL;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, "the database", "DSN" },
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, "terminal id", "ID" },
    G_OPTION_ENTRY_NULL,
  };
  if (!mado_registry_admin_parse (&argc, &argv, entries, "— revoke a terminal (final)", &error))
    return mado_registry_admin_fail (error);
  if (db == NULL || id == NULL)
    return mado_registry_admin_usage ("revoke --db DSN --id ID");
  g_autoptr (MadoRegistryStore) store = mado_registry_store_open (db, &error);
  if (store == NULL
      || !mado_registry_store_revoke_terminal (store, id, g_get_real_time () / G_USEC_PER_SEC,
                                               &error))
    return mado_registry_admin_fail (error);
  return 0;
}

static int
cmd_link_card (int argc, char **argv)
{
  g_autofree char *db = NULL, *atena = NULL, *cert = NULL;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, "the database", "DSN" },
    { "atena", 0, 0, G_OPTION_ARG_STRING, &atena, "the person's 宛名番号", "NUMBER" },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "the card's 利用者証明用 certificate (DER)",
      "FILE" },
    G_OPTION_ENTRY_NULL,
  };
  if (!mado_registry_admin_parse (&argc, &argv, entries, "— link a card's certificate to a person",
                                  &error))
    return mado_registry_admin_fail (error);
  if (db == NULL || atena == NULL || cert == NULL)
    return mado_registry_admin_usage ("link-card --db DSN --atena NUMBER --cert AUTH.der");
  g_autofree char *der = NULL;
  gsize length = 0;
  if (!g_file_get_contents (cert, &der, &length, &error))
    return mado_registry_admin_fail (error);
  const unsigned char *p = (const unsigned char *)der;
  X509 *x509 = d2i_X509 (NULL, &p, (long)length);
  g_autoptr (GBytes) kid = NULL;
  g_autoptr (GBytes) serial = NULL;
  gboolean linked = x509 != NULL && mado_card_link_get (x509, &kid, &serial);
  X509_free (x509);
  if (!linked)
    {
      g_set_error_literal (&error, MADO_APP_ERROR, MADO_APP_ERROR_CERTIFICATE_PARSE,
                           "not a DER certificate with an authority key identifier");
      return mado_registry_admin_fail (error);
    }
  g_autoptr (MadoRegistryStore) store = mado_registry_store_open (db, &error);
  if (store == NULL
      || !mado_registry_store_link_card (store, kid, serial, atena,
                                         g_get_real_time () / G_USEC_PER_SEC, &error))
    return mado_registry_admin_fail (error);
  g_autofree char *hash = mado_card_link_hash_parts (kid, serial);
  printf ("%s\n", hash);
  return 0;
}

static int
cmd_terminals (int argc, char **argv)
{
  g_autofree char *db = NULL;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, "the database", "DSN" },
    G_OPTION_ENTRY_NULL,
  };
  if (!mado_registry_admin_parse (&argc, &argv, entries, "— list enrolled terminals", &error))
    return mado_registry_admin_fail (error);
  if (db == NULL)
    return mado_registry_admin_usage ("terminals --db DSN");
  g_autoptr (MadoRegistryStore) store = mado_registry_store_open (db, &error);
  g_autoptr (GPtrArray) list
      = store != NULL ? mado_registry_store_list_terminals (store, &error) : NULL;
  if (list == NULL)
    return mado_registry_admin_fail (error);
  for (guint i = 0; i < list->len; i++)
    {
      MadoTerminalRecord *t = g_ptr_array_index (list, i);
      printf ("%s\t%s\t%s\t%s\n", t->terminal_id, t->kind, t->serial_hex,
              t->revoked_at != 0 ? "revoked" : "enrolled");
    }
  return 0;
}

static int
cmd_operator (int argc, char **argv)
{
  g_autofree char *db = NULL, *login = NULL, *name = NULL, *role = NULL;
  gboolean disable = FALSE;
  int cost = MADO_PASSWORD_SCRYPT_LOG2_N;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, "the database", "DSN" },
    { "login", 0, 0, G_OPTION_ARG_STRING, &login, "login", "LOGIN" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "display name", "NAME" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "clerk, supervisor or administrator", "ROLE" },
    { "disable", 0, 0, G_OPTION_ARG_NONE, &disable, "disable the login", NULL },
    { "scrypt-cost", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &cost, "log2 N (tests)", "N" },
    G_OPTION_ENTRY_NULL,
  };
  if (!mado_registry_admin_parse (&argc, &argv, entries,
                                  "— add or change a clerk (password on stdin)", &error))
    return mado_registry_admin_fail (error);
  MadoOperatorRole r;
  if (db == NULL || login == NULL || !mado_operator_role_from_string (role, &r) || cost < 10
      || cost > 20)
    return mado_registry_admin_usage (
        "operator --db DSN --login LOGIN --name NAME --role clerk|supervisor|"
        "administrator < password");
  char line[256];
  if (fgets (line, sizeof line, stdin) == NULL)
    return mado_registry_admin_usage ("operator … (the password on standard input)");
  line[strcspn (line, "\r\n")] = '\0';
  if (strlen (line) < 10)
    {
      explicit_bzero (line, sizeof line);
      g_set_error_literal (&error, MADO_APP_ERROR, MADO_APP_ERROR_USAGE,
                           "a clerk's password has at least 10 characters");
      return mado_registry_admin_fail (error);
    }
  g_autofree char *hash = mado_password_hash_with (line, (guint)cost, &error);
  explicit_bzero (line, sizeof line);
  if (hash == NULL)
    return mado_registry_admin_fail (error);
  g_autoptr (MadoRegistryStore) store = mado_registry_store_open (db, &error);
  MadoOperatorRecord op = { login,   name != NULL ? name : login,        r, hash,
                            disable, g_get_real_time () / G_USEC_PER_SEC };
  if (store == NULL || !mado_registry_store_put_operator (store, &op, &error))
    return mado_registry_admin_fail (error);
  return 0;
}

static int
cmd_backup (int argc, char **argv)
{
  g_autofree char *db = NULL, *out = NULL;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, "the database", "DSN" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "the copy", "PATH" },
    G_OPTION_ENTRY_NULL,
  };
  if (!mado_registry_admin_parse (&argc, &argv, entries, "— online backup", &error))
    return mado_registry_admin_fail (error);
  if (db == NULL || out == NULL)
    return mado_registry_admin_usage ("backup --db DSN --out PATH");
  g_autoptr (MadoRegistryStore) store = mado_registry_store_open (db, &error);
  if (store == NULL || !mado_registry_store_backup (store, out, &error))
    return mado_registry_admin_fail (error);
  return 0;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  static const struct
  {
    const char *name;
    int (*run) (int, char **);
  } commands[] = {
    { "init", cmd_init },
    { "enrol", cmd_enrol },
    { "revoke", cmd_revoke },
    { "link-card", cmd_link_card },
    { "terminals", cmd_terminals },
    { "operator", cmd_operator },
    { "backup", cmd_backup },
    { "seed", mado_registry_admin_seed },
    { "export", mado_registry_admin_export },
    { "import", mado_registry_admin_import },
  };
  if (argc >= 2)
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      if (strcmp (argv[1], commands[i].name) == 0)
        return commands[i].run (argc - 1, argv + 1);
  return mado_registry_admin_usage (
      "init|enrol|revoke|link-card|terminals|operator|seed|export|import|backup …");
}
