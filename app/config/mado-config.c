/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-config.c — key file loading against one schema.
 */
#define G_LOG_DOMAIN "mado-app"

#include "mado-config.h"

#include "mado-app-error.h"

/* Later issues add their keys here and in docs/configuration.md. */
static const MadoConfigKey schema[] = {
  { "general", "mode", MADO_CONFIG_CHOICE, "production", "production|test", 0, 0,
    "production accepts only pinned J-LIS roots; test also accepts test roots and test cards, "
    "and every screen and page says so" },
  { "card", "reader", MADO_CONFIG_STRING, "", NULL, 0, 0,
    "PC/SC reader name to use; empty: the first reader holding a card" },
  { "card", "wait-seconds", MADO_CONFIG_INTEGER, "0", NULL, 0, 86400,
    "how long commands wait for a card to be inserted; 0: do not wait" },
  { "card", "extended-length", MADO_CONFIG_CHOICE, "auto", "auto|off", 0, 0,
    "auto: use extended-length APDUs and fall back to 256-byte reads when the reader refuses "
    "them; off: never send them (some contactless readers)" },
  { "card", "trace", MADO_CONFIG_BOOLEAN, "false", NULL, 0, 0,
    "print each APDU's header, lengths and status word (never PINs or personal data)" },
  { "identity", "trust-dir", MADO_CONFIG_STRING, "/etc/madoguchi/trust", NULL, 0, 0,
    "directory of the trusted JPKI roots (PEM or DER); in production every one must be pinned" },
  { "identity", "pinned-roots", MADO_CONFIG_LIST, "", NULL, 0, 0,
    "SHA-256 fingerprints of the J-LIS roots to trust, separated by ';'" },
  { "identity", "crl", MADO_CONFIG_LIST, "", NULL, 0, 0,
    "CRL files (DER or PEM) as J-LIS hands them to registered verifiers, separated by ';'" },
  { "identity", "crl-index-dir", MADO_CONFIG_STRING, "", NULL, 0, 0,
    "where CRL indexes are kept; empty: $XDG_STATE_HOME/madoguchi/crl" },
  { "identity", "ocsp-url", MADO_CONFIG_STRING, "", NULL, 0, 0,
    "the OCSP responder to ask; empty: none" },
  { "identity", "ocsp-allowed-urls", MADO_CONFIG_LIST, "", NULL, 0, 0,
    "URL prefixes an OCSP request may go to, separated by ';'" },
  { "identity", "ocsp-timeout-ms", MADO_CONFIG_INTEGER, "5000", NULL, 100, 60000,
    "how long an OCSP exchange may take before the answer is unknown" },
  { "identity", "max-clock-skew-seconds", MADO_CONFIG_INTEGER, "300", NULL, 0, 86400,
    "how far this clock may differ from the registry's (and OCSP times from ours)" },
  { "identity", "nonce-ttl-seconds", MADO_CONFIG_INTEGER, "120", NULL, 10, 3600,
    "how long a login challenge stays usable" },
  { "registry", "url", MADO_CONFIG_STRING, "", NULL, 0, 0,
    "the registry API's base URL, https://HOST:PORT; empty: none configured" },
  { "registry", "client-certificate", MADO_CONFIG_STRING, "", NULL, 0, 0,
    "PEM file: this terminal's certificate from the registry's enrolment CA" },
  { "registry", "client-key", MADO_CONFIG_STRING, "", NULL, 0, 0,
    "PEM file: the certificate's private key (unencrypted; readable by the service only)" },
  { "registry", "ca", MADO_CONFIG_STRING, "", NULL, 0, 0,
    "PEM file: the CA the registry's server certificate must chain to (nothing else is trusted)" },
  { "registry", "proxy", MADO_CONFIG_STRING, "", NULL, 0, 0,
    "an HTTP proxy to tunnel through, http://HOST:PORT; empty: none (the environment's proxy "
    "variables are never used)" },
  { "registry", "connect-timeout-ms", MADO_CONFIG_INTEGER, "3000", NULL, 100, 60000,
    "how long setting up a connection (TCP and TLS) may take" },
  { "registry", "timeout-ms", MADO_CONFIG_INTEGER, "10000", NULL, 1000, 300000,
    "how long one request may take, from connecting to the last byte of the answer" },
  { "outbox", "path", MADO_CONFIG_STRING, "/var/lib/madoguchi/outbox.db", NULL, 0, 0,
    "the kiosk's outbox (SQLite)" },
  { "outbox", "key-file", MADO_CONFIG_STRING, "/etc/madoguchi/outbox.key", NULL, 0, 0,
    "the kiosk's outbox key (64 hex digits, mode 0600)" },
  { "outbox", "interval-seconds", MADO_CONFIG_INTEGER, "30", NULL, 1, 3600,
    "mado-outbox run: the longest wait between two delivery passes" },
  { NULL, NULL, 0, NULL, NULL, 0, 0, NULL },
};

struct _MadoConfig
{
  char *path;
  GHashTable *values; /* "section/key" -> value */
};

const MadoConfigKey *
mado_config_schema (void)
{
  return schema;
}

static const MadoConfigKey *
find_key (const char *section, const char *key)
{
  for (const MadoConfigKey *k = schema; k->section != NULL; k++)
    if (g_str_equal (k->section, section) && g_str_equal (k->key, key))
      return k;
  return NULL;
}

static gboolean
section_known (const char *section)
{
  for (const MadoConfigKey *k = schema; k->section != NULL; k++)
    if (g_str_equal (k->section, section))
      return TRUE;
  return FALSE;
}

static gboolean
validate (const MadoConfigKey *k, const char *value, const char *where, GError **error)
{
  switch (k->type)
    {
    case MADO_CONFIG_STRING:
    case MADO_CONFIG_LIST:
      return TRUE;
    case MADO_CONFIG_BOOLEAN:
      if (g_str_equal (value, "true") || g_str_equal (value, "false"))
        return TRUE;
      g_set_error (error, MADO_APP_ERROR, MADO_APP_ERROR_CONFIG,
                   "%s: [%s] %s must be true or false, not “%s”", where, k->section, k->key, value);
      return FALSE;
    case MADO_CONFIG_INTEGER:
      {
        gint64 v;
        if (g_ascii_string_to_signed (value, 10, k->min, k->max, &v, NULL))
          return TRUE;
        g_set_error (error, MADO_APP_ERROR, MADO_APP_ERROR_CONFIG,
                     "%s: [%s] %s must be an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                     ", not “%s”",
                     where, k->section, k->key, k->min, k->max, value);
        return FALSE;
      }
    case MADO_CONFIG_CHOICE:
      {
        g_auto (GStrv) choices = g_strsplit (k->choices, "|", -1);
        if (g_strv_contains ((const char *const *)choices, value))
          return TRUE;
        g_set_error (error, MADO_APP_ERROR, MADO_APP_ERROR_CONFIG,
                     "%s: [%s] %s must be one of %s, not “%s”", where, k->section, k->key,
                     k->choices, value);
        return FALSE;
      }
    default:
      g_assert_not_reached ();
    }
}

MadoConfig *
mado_config_new_defaults (void)
{
  MadoConfig *config = g_new0 (MadoConfig, 1);
  config->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return config;
}

void
mado_config_free (MadoConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->path);
  g_hash_table_unref (config->values);
  g_free (config);
}

MadoConfig *
mado_config_load_file (const char *path, GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) local = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, MADO_APP_ERROR, MADO_APP_ERROR_CONFIG, "%s: %s", path, local->message);
      return NULL;
    }

  g_autoptr (MadoConfig) config = mado_config_new_defaults ();
  config->path = g_strdup (path);

  g_auto (GStrv) groups = g_key_file_get_groups (file, NULL);
  for (guint g = 0; groups[g] != NULL; g++)
    {
      if (!section_known (groups[g]))
        {
          g_set_error (error, MADO_APP_ERROR, MADO_APP_ERROR_CONFIG, "%s: unknown section [%s]",
                       path, groups[g]);
          return NULL;
        }
      g_auto (GStrv) keys = g_key_file_get_keys (file, groups[g], NULL, NULL);
      for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
        {
          const MadoConfigKey *k = find_key (groups[g], keys[i]);
          if (k == NULL)
            {
              g_set_error (error, MADO_APP_ERROR, MADO_APP_ERROR_CONFIG,
                           "%s: unknown key “%s” in [%s]", path, keys[i], groups[g]);
              return NULL;
            }
          g_autofree char *value = g_key_file_get_string (file, groups[g], keys[i], &local);
          if (value == NULL)
            {
              g_set_error (error, MADO_APP_ERROR, MADO_APP_ERROR_CONFIG, "%s: [%s] %s: %s", path,
                           groups[g], keys[i], local->message);
              return NULL;
            }
          g_strstrip (value);
          if (!validate (k, value, path, error))
            return NULL;
          g_hash_table_replace (config->values, g_strdup_printf ("%s/%s", k->section, k->key),
                                g_steal_pointer (&value));
        }
    }
  return g_steal_pointer (&config);
}

MadoConfig *
mado_config_load (const char *explicit_path, GError **error)
{
  if (explicit_path != NULL)
    return mado_config_load_file (explicit_path, error);

  const char *env = g_getenv ("MADOGUCHI_CONFIG");
  if (env != NULL && *env != '\0')
    return mado_config_load_file (env, error);

  g_autofree char *user
      = g_build_filename (g_get_user_config_dir (), "madoguchi", "madoguchi.conf", NULL);
  if (g_file_test (user, G_FILE_TEST_EXISTS))
    return mado_config_load_file (user, error);

  const char *system = "/etc/madoguchi/madoguchi.conf";
  if (g_file_test (system, G_FILE_TEST_EXISTS))
    return mado_config_load_file (system, error);

  return mado_config_new_defaults ();
}

const char *
mado_config_get_path (MadoConfig *config)
{
  return config->path;
}

const char *
mado_config_get_string (MadoConfig *config, const char *section, const char *key)
{
  const MadoConfigKey *k = find_key (section, key);
  g_return_val_if_fail (k != NULL, NULL);
  g_autofree char *name = g_strdup_printf ("%s/%s", section, key);
  const char *value = g_hash_table_lookup (config->values, name);
  return value != NULL ? value : k->default_value;
}

gboolean
mado_config_get_boolean (MadoConfig *config, const char *section, const char *key)
{
  return g_str_equal (mado_config_get_string (config, section, key), "true");
}

gint64
mado_config_get_integer (MadoConfig *config, const char *section, const char *key)
{
  return g_ascii_strtoll (mado_config_get_string (config, section, key), NULL, 10);
}

GStrv
mado_config_get_list (MadoConfig *config, const char *section, const char *key)
{
  const char *value = mado_config_get_string (config, section, key);
  g_auto (GStrv) parts = g_strsplit (value != NULL ? value : "", ";", -1);
  g_autoptr (GStrvBuilder) out = g_strv_builder_new ();
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_strv_builder_add (out, parts[i]);
    }
  return g_strv_builder_end (out);
}

gboolean
mado_config_set (MadoConfig *config, const char *section, const char *key, const char *value,
                 GError **error)
{
  const MadoConfigKey *k = find_key (section, key);
  g_return_val_if_fail (k != NULL, FALSE);
  if (!validate (k, value, "command line", error))
    return FALSE;
  g_hash_table_replace (config->values, g_strdup_printf ("%s/%s", section, key), g_strdup (value));
  return TRUE;
}

gboolean
mado_config_is_test_mode (MadoConfig *config)
{
  return g_str_equal (mado_config_get_string (config, "general", "mode"), "test");
}
