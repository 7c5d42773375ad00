/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-pcsc-harness.h"

#include <gio/gio.h>

gboolean
mado_pcsc_harness_available (void)
{
  return g_getenv ("MADO_PCSC_ENV_SH") != NULL && g_getenv ("MADO_PCSC_ENV_DIR") != NULL;
}

gboolean
mado_pcsc_harness_command (const char *command, GError **error)
{
  const char *sh = g_getenv ("MADO_PCSC_ENV_SH");
  g_auto (GStrv) words = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  if (sh == NULL || !mado_pcsc_harness_available ())
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "Not running under pcsc-env.sh run");
      return FALSE;
    }
  if (!g_shell_parse_argv (command, NULL, &words, error))
    return FALSE;
  g_strv_builder_add_many (builder, sh, "ctl", NULL);
  g_strv_builder_addv (builder, (const char **)words);
  argv = g_strv_builder_end (builder);

  g_debug ("harness: %s", command);
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_strchomp (out);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "harness: %s: %s", command, out);
      return FALSE;
    }
  return TRUE;
}

void
mado_pcsc_harness_run (const char *command)
{
  g_autoptr (GError) error = NULL;
  mado_pcsc_harness_command (command, &error);
  g_assert_no_error (error);
}

gboolean
mado_pcsc_harness_test_init (int *argc, char ***argv)
{
  g_test_init (argc, argv, NULL);
  if (mado_pcsc_harness_available ())
    return TRUE;
  g_print ("1..0 # SKIP not running under tests/harness/pcsc-env.sh run\n");
  return FALSE;
}
