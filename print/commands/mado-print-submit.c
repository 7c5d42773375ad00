/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-print submit --printer URI-OR-QUEUE [--wait] [--timeout SECONDS] [--json] [--title T]
 *                   [--option NAME=VALUE]… [--cancel-on-failure] [--poll-ms MS] FILE.pdf
 *
 * Submits FILE.pdf (docs/documents.md, "Printing"); with --wait follows the job to its end.
 * Prints the last job state seen on stdout (one line, or one JSON object with --json) and exits
 * with the catalogue's code of the outcome (0: submitted, or completed with --wait).
 */
#include <stdio.h>

#include <json-glib/json-glib.h>

#include "mado-print-commands.h"
#include "mado-print-error.h"
#include "mado-print-job.h"

static void
add_strv (JsonBuilder *builder, const char *name, const char *const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (gsize i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_string_or_null (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static const char *
printer_state_word (int state)
{
  switch (state)
    {
    case 3:
      return "idle";
    case 4:
      return "processing";
    case 5:
      return "stopped";
    default:
      return "unknown";
    }
}

static void
print_json (const char *target, MadoPrintJob *job, gboolean waited, const GError *error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string_or_null (builder, "target", target);
  add_string_or_null (builder, "printer_uri",
                      job != NULL ? mado_print_job_get_printer_uri (job) : NULL);
  json_builder_set_member_name (builder, "job_id");
  if (job != NULL)
    json_builder_add_int_value (builder, mado_print_job_get_id (job));
  else
    json_builder_add_null_value (builder);
  add_string_or_null (builder, "job_uri", job != NULL ? mado_print_job_get_uri (job) : NULL);
  json_builder_set_member_name (builder, "waited");
  json_builder_add_boolean_value (builder, waited);
  add_string_or_null (builder, "outcome",
                      error != NULL ? mado_print_job_outcome (error)
                      : waited      ? "completed"
                                    : "submitted");
  add_string_or_null (builder, "job_state",
                      job != NULL ? mado_print_job_state_to_string (mado_print_job_get_state (job))
                                  : NULL);
  add_strv (builder, "job_state_reasons",
            job != NULL ? mado_print_job_get_state_reasons (job) : NULL);
  add_string_or_null (builder, "job_state_message",
                      job != NULL ? mado_print_job_get_state_message (job) : NULL);
  add_string_or_null (
      builder, "printer_state",
      job != NULL && waited ? printer_state_word (mado_print_job_get_printer_state (job)) : NULL);
  add_strv (builder, "printer_state_reasons",
            job != NULL ? mado_print_job_get_printer_state_reasons (job) : NULL);
  add_string_or_null (builder, "printer_state_message",
                      job != NULL ? mado_print_job_get_printer_state_message (job) : NULL);
  add_string_or_null (builder, "error", error != NULL ? error->message : NULL);
  json_builder_set_member_name (builder, "exit_code");
  json_builder_add_int_value (builder, error != NULL ? mado_print_exit_code (error) : 0);
  json_builder_end_object (builder);

  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, FALSE);
  printf ("%s\n", text);
}

static void
print_line (const char *target, MadoPrintJob *job, gboolean waited, const GError *error)
{
  if (job == NULL)
    {
      printf ("%s: %s\n", target, mado_print_job_outcome (error));
      return;
    }
  g_autofree char *reasons = g_strjoinv (",", (GStrv)mado_print_job_get_state_reasons (job));
  g_autofree char *preasons
      = g_strjoinv (",", (GStrv)mado_print_job_get_printer_state_reasons (job));
  const char *message = mado_print_job_get_printer_state_message (job);
  printf ("job %d on %s: %s (job %s%s%s%s%s%s%s)\n", mado_print_job_get_id (job), target,
          error != NULL ? mado_print_job_outcome (error)
          : waited      ? "completed"
                        : "submitted",
          mado_print_job_state_to_string (mado_print_job_get_state (job)),
          reasons[0] != '\0' ? " " : "", reasons, waited ? "; printer " : "",
          waited ? printer_state_word (mado_print_job_get_printer_state (job)) : "",
          preasons[0] != '\0' ? " " : "", preasons);
  if (message != NULL && waited)
    printf ("printer says: %s\n", message);
}

int
mado_print_submit_command (int argc, char **argv)
{
  g_autofree char *printer = NULL;
  g_autofree char *title = NULL;
  g_auto (GStrv) options = NULL;
  g_auto (GStrv) files = NULL;
  gboolean wait = FALSE, json = FALSE, cancel_on_failure = FALSE;
  double timeout = 0;
  int poll_ms = MADO_PRINT_JOB_DEFAULT_POLL_MS;
  const GOptionEntry entries[] = {
    { "printer", 'p', 0, G_OPTION_ARG_STRING, &printer,
      "CUPS queue name, or ipp:// / ipps:// URI of an IPP printer", "URI-OR-QUEUE" },
    { "wait", 'w', 0, G_OPTION_ARG_NONE, &wait, "Follow the job until it ends", NULL },
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout,
      "Give up waiting after SECONDS (0: never; implies --wait)", "SECONDS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the final state as one JSON object", NULL },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, "Job name (default: the file's name)", "T" },
    { "option", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &options,
      "Job attribute, as lp -o (media=…, copies=…)", "NAME=VALUE" },
    { "cancel-on-failure", 0, 0, G_OPTION_ARG_NONE, &cancel_on_failure,
      "Cancel the job when the wait fails (stopped, jam, empty, held, timeout), so it cannot "
      "print later",
      NULL },
    { "poll-ms", 0, 0, G_OPTION_ARG_INT, &poll_ms, "Poll interval while waiting", "MS" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "FILE.pdf" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.pdf — print a PDF");
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mado_print_fail ("mado-print submit", error);
  if (printer == NULL || files == NULL || files[0] == NULL || files[1] != NULL)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "need --printer URI-OR-QUEUE and exactly one FILE.pdf");
      return mado_print_fail ("mado-print submit", error);
    }
  if (timeout < 0 || timeout > 86400 || poll_ms < 5 || poll_ms > 60000)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--timeout must be 0–86400 s and --poll-ms 5–60000");
      return mado_print_fail ("mado-print submit", error);
    }
  if (timeout > 0)
    wait = TRUE;

  g_autoptr (MadoPrintJob) job = mado_print_job_submit (printer, files[0], title,
                                                        (const char *const *)options, NULL, &error);
  if (job != NULL && wait)
    {
      mado_print_job_set_poll_interval (job, (guint)poll_ms);
      mado_print_job_wait (job, (guint)(timeout * 1000.0), NULL, &error);
      if (error != NULL && cancel_on_failure)
        {
          g_autoptr (GError) cancel_error = NULL;
          if (!mado_print_job_cancel (job, NULL, &cancel_error))
            fprintf (stderr, "mado-print submit: could not cancel job %d: %s\n",
                     mado_print_job_get_id (job), cancel_error->message);
        }
    }

  if (json)
    print_json (printer, job, job != NULL && wait, error);
  else
    print_line (printer, job, job != NULL && wait, error);
  if (error != NULL)
    return mado_print_fail ("mado-print submit", error);
  return 0;
}
