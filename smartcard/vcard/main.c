/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-vcard — the My Number card emulator for tests and the demo, connected to a (private)
 * pcscd through vsmartcard's vpcd driver. Never part of a production install.
 *
 * Usage and profile format: docs/testing.md.
 * Exit status: 0 when vpcd closed the connection, the card was pulled (--pull-after) or a
 * SIGTERM/SIGINT came; 1 when vpcd could not be reached; 2 on a usage or profile error.
 */
#include <locale.h>
#include <stdlib.h>

#include <gio/gio.h>

#include "mado-vcard-card.h"
#include "mado-vcard-vpcd.h"

#define EXIT_USAGE 2

static gboolean
parse_uint_option (const char *name, gint64 value, gint64 max, guint *out, GError **error)
{
  if (value < 0 || value > max)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s: %" G_GINT64_FORMAT " is out of range 0..%" G_GINT64_FORMAT, name, value,
                   max);
      return FALSE;
    }
  *out = (guint)value;
  return TRUE;
}

static int
usage_error (const GError *error)
{
  g_printerr ("mado-vcard: %s\nTry “mado-vcard --help”.\n", error->message);
  return EXIT_USAGE;
}

int
main (int argc, char **argv)
{
  g_autofree char *profile = NULL;
  g_autofree char *host = NULL;
  g_autofree char *state = NULL;
  g_auto (GStrv) malform = NULL;
  gint64 port = -1, connect_timeout = 5000, pull_after = 0, delay = 0;
  gboolean no_extended = FALSE, reinsert = FALSE, verbose = FALSE;
  g_autoptr (GError) error = NULL;

  setlocale (LC_ALL, "");

  g_autofree char *kinds = g_strjoinv (", ", (char **)mado_vcard_malform_names ());
  g_autofree char *malform_help = g_strdup_printf ("Deliberate defect (repeatable): %s", kinds);
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_FILENAME, &profile, "Card profile (key file)", "FILE.ini" },
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, "vpcd host (default 127.0.0.1)", "HOST" },
    { "port", 0, 0, G_OPTION_ARG_INT64, &port, "vpcd port of the slot", "N" },
    { "connect-timeout-ms", 0, 0, G_OPTION_ARG_INT64, &connect_timeout,
      "Retry connecting every 100 ms this long (default 5000)", "MS" },
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &state, "Persist PIN counters in FILE", "FILE" },
    { "pull-after", 0, 0, G_OPTION_ARG_INT64, &pull_after, "Pull the card after answering N APDUs",
      "N" },
    { "delay-ms", 0, 0, G_OPTION_ARG_INT64, &delay, "Sleep before each answer", "MS" },
    { "no-extended", 0, 0, G_OPTION_ARG_NONE, &no_extended,
      "Refuse extended length APDUs with 67 00", NULL },
    { "malform", 0, 0, G_OPTION_ARG_STRING_ARRAY, &malform, malform_help, "KIND" },
    { "reinsert", 0, 0, G_OPTION_ARG_NONE, &reinsert,
      "Reconnect (re-insert) when vpcd closes or after a pull", NULL },
    { "verbose", 0, 0, G_OPTION_ARG_NONE, &verbose,
      "Log APDU headers, lengths and status words (never data)", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context
      = g_option_context_new ("— My Number card emulator (tests only)");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, "See docs/testing.md.");

  MadoVcardVpcdOptions options = { 0 };
  guint port_value = 0;
  MadoVcardMalform malform_flags = MADO_VCARD_MALFORM_NONE;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error);
  if (argc > 1)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "unexpected argument “%s”",
                   argv[1]);
      return usage_error (error);
    }
  if (profile == NULL || port < 0)
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           "--profile and --port are required");
      return usage_error (error);
    }
  if (!parse_uint_option ("--port", port, 65535, &port_value, &error)
      || !parse_uint_option ("--connect-timeout-ms", connect_timeout, 3600000,
                             &options.connect_timeout_ms, &error)
      || !parse_uint_option ("--pull-after", pull_after, G_MAXINT, &options.pull_after, &error)
      || !parse_uint_option ("--delay-ms", delay, 600000, &options.delay_ms, &error))
    return usage_error (error);
  for (guint i = 0; malform != NULL && malform[i] != NULL; i++)
    {
      MadoVcardMalform one;
      if (!mado_vcard_malform_from_string (malform[i], &one, &error))
        return usage_error (error);
      malform_flags |= one;
    }

  g_autoptr (MadoVcard) card = mado_vcard_new_from_file (profile, &error);
  if (card == NULL)
    {
      g_printerr ("mado-vcard: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (state != NULL && !mado_vcard_set_state_file (card, state, &error))
    {
      g_printerr ("mado-vcard: %s\n", error->message);
      return EXIT_USAGE;
    }
  mado_vcard_set_extended_length (card, !no_extended);
  if (malform_flags != MADO_VCARD_MALFORM_NONE)
    mado_vcard_set_malform (card, malform_flags);

  options.host = host != NULL ? host : "127.0.0.1";
  options.port = (guint16)port_value;
  options.reinsert = reinsert;
  options.verbose = verbose;
  if (!mado_vcard_vpcd_run (card, &options, &error))
    {
      g_printerr ("mado-vcard: %s\n", error->message);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
