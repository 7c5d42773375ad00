/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>

#include "mado-app-error.h"
#include "mado-config.h"

static char *
write_config (const char *text)
{
  g_autoptr (GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("mado-config-XXXXXX.conf", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  return path;
}

static void
test_defaults (void)
{
  g_autoptr (MadoConfig) c = mado_config_new_defaults ();
  g_assert_cmpstr (mado_config_get_string (c, "general", "mode"), ==, "production");
  g_assert_false (mado_config_is_test_mode (c));
  g_assert_cmpstr (mado_config_get_string (c, "card", "reader"), ==, "");
  g_assert_cmpint (mado_config_get_integer (c, "card", "wait-seconds"), ==, 0);
  g_assert_false (mado_config_get_boolean (c, "card", "trace"));
}

static void
test_file_and_override (void)
{
  g_autofree char *path = write_config ("[general]\nmode = test\n[card]\nreader=Foo 00 00\n"
                                        "wait-seconds=30\ntrace=true\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoConfig) c = mado_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mado_config_get_path (c), ==, path);
  g_assert_true (mado_config_is_test_mode (c));
  g_assert_cmpstr (mado_config_get_string (c, "card", "reader"), ==, "Foo 00 00");
  g_assert_cmpint (mado_config_get_integer (c, "card", "wait-seconds"), ==, 30);
  g_assert_true (mado_config_get_boolean (c, "card", "trace"));

  /* a flag overrides the file, and is validated like it */
  g_assert_true (mado_config_set (c, "card", "reader", "Bar", &error));
  g_assert_cmpstr (mado_config_get_string (c, "card", "reader"), ==, "Bar");
  g_assert_false (mado_config_set (c, "card", "wait-seconds", "-1", &error));
  g_assert_error (error, MADO_APP_ERROR, MADO_APP_ERROR_CONFIG);
  g_unlink (path);
}

static void
test_search_path (void)
{
  g_autofree char *path = write_config ("[card]\nreader=From env\n");
  g_autoptr (GError) error = NULL;

  g_setenv ("MADOGUCHI_CONFIG", path, TRUE);
  g_autoptr (MadoConfig) c = mado_config_load (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mado_config_get_string (c, "card", "reader"), ==, "From env");

  /* a named file that is missing is an error, never a silent default */
  g_setenv ("MADOGUCHI_CONFIG", "/nonexistent/madoguchi.conf", TRUE);
  g_autoptr (MadoConfig) d = mado_config_load (NULL, &error);
  g_assert_null (d);
  g_assert_error (error, MADO_APP_ERROR, MADO_APP_ERROR_CONFIG);
  g_unsetenv ("MADOGUCHI_CONFIG");
  g_unlink (path);
}

static void
test_invalid (void)
{
  const char *bad[] = {
    "[card]\nreadr=typo\n", "[cards]\nreader=x\n",        "[general]\nmode=prod\n",
    "[card]\ntrace=yes\n",  "[card]\nwait-seconds=abc\n", "not a key file",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = write_config (bad[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (MadoConfig) c = mado_config_load_file (path, &error);
      g_assert_null (c);
      g_assert_error (error, MADO_APP_ERROR, MADO_APP_ERROR_CONFIG);
      g_assert_nonnull (strstr (error->message, path));
      g_unlink (path);
    }
}

static void
test_documented (void)
{
  /* Every key of the schema is documented in docs/configuration.md. */
  g_autofree char *doc_path
      = g_build_filename (g_getenv ("MADO_SOURCE_DIR"), "docs", "configuration.md", NULL);
  g_autofree char *doc = NULL;
  g_assert_true (g_file_get_contents (doc_path, &doc, NULL, NULL));
  for (const MadoConfigKey *k = mado_config_schema (); k->section != NULL; k++)
    {
      g_autofree char *needle = g_strdup_printf ("`%s`", k->key);
      g_autofree char *section = g_strdup_printf ("[%s]", k->section);
      g_test_message ("[%s] %s", k->section, k->key);
      g_assert_nonnull (strstr (doc, needle));
      g_assert_nonnull (strstr (doc, section));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/config/defaults", test_defaults);
  g_test_add_func ("/app/config/file-and-override", test_file_and_override);
  g_test_add_func ("/app/config/search-path", test_search_path);
  g_test_add_func ("/app/config/invalid", test_invalid);
  g_test_add_func ("/app/config/documented", test_documented);
  return g_test_run ();
}
