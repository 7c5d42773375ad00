/* SPDX-License-Identifier: GPL-3.0-or-later
 * test-cups-cupsd.c — MadoPrintJob and `mado-print submit` against a private cupsd whose raw
 * queues use a fake backend (mado-cups-harness.h): exit 0 → completed (the backend got our PDF
 * byte for byte); exit 4 → printer stopped, although CUPS put the job back to pending; exit 3 →
 * held; exit 5 → canceled; a jam the backend reports before stopping → jam; no such queue → not
 * found; an ipp queue in front of an ippeveprinter whose command aborts → cupsd says completed
 * (the limitation docs/documents.md states); cupsd gone → unreachable. The command: each outcome
 * on stdout (JSON) and in the exit code of the error catalogue.
 */
#include <string.h>

#include <cups/cups.h>
#include <json-glib/json-glib.h>

#include "mado-cups-harness.h"
#include "mado-print-error.h"
#include "mado-print-job.h"

static MadoTestCupsd *cupsd;
static MadoTestPrinter *behind; /* the ippeveprinter behind the ipp queue */
static char *pdf;

static MadoPrintJob *
submit (const char *queue, const char *title)
{
  g_autoptr (GError) error = NULL;
  MadoPrintJob *job = mado_print_job_submit (queue, pdf, title, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (job);
  return job;
}

static void
test_completed (void)
{
  g_autoptr (MadoPrintJob) job = submit ("okq", "certificate");
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (mado_print_job_get_printer_uri (job), ==, "ipp://localhost/printers/okq");
  g_assert_cmpint (mado_print_job_wait (job, 10000, NULL, &error), ==,
                   MADO_PRINT_JOB_STATE_COMPLETED);
  g_assert_no_error (error);
  double done = mado_test_done_time (cupsd->dir, mado_print_job_get_id (job));
  double seen = (double)mado_print_job_get_seen_final_at (job) / G_USEC_PER_SEC;
  g_assert_cmpfloat (done, >, 0);
  g_assert_cmpfloat (seen, >=, done);
  g_test_message ("completion seen %.1f ms after the backend's timestamp", (seen - done) * 1000);

  g_autofree char *name = g_strdup_printf ("out.%d", mado_print_job_get_id (job));
  g_autofree char *out = g_build_filename (cupsd->dir, name, NULL);
  g_autofree char *a = NULL, *b = NULL;
  gsize la = 0, lb = 0;
  g_assert_true (g_file_get_contents (out, &a, &la, NULL));
  g_assert_true (g_file_get_contents (pdf, &b, &lb, NULL));
  g_assert_cmpmem (a, la, b, lb);
}

static void
test_stopped (void)
{
  g_autoptr (MadoPrintJob) job = submit ("stopq", "certificate");
  g_autoptr (GError) error = NULL;

  gint64 start = g_get_monotonic_time ();
  mado_print_job_wait (job, 20000, NULL, &error);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_STOPPED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_test_message ("%s", error->message);
  /* CUPS 2.4 puts the job back to pending (we may see it a moment before): the printer is what
   * stopped, and waiting again says so again, without waiting for ever */
  for (int i = 0; i < 50 && mado_print_job_get_state (job) != MADO_PRINT_JOB_STATE_PENDING; i++)
    {
      g_clear_error (&error);
      g_usleep (20 * 1000);
      mado_print_job_wait (job, 20000, NULL, &error);
      g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_STOPPED);
    }
  g_assert_cmpint (mado_print_job_get_state (job), ==, MADO_PRINT_JOB_STATE_PENDING);
  g_assert_cmpint (mado_print_job_get_printer_state (job), ==, 5);
  /* cupsd 2.4 clears the backend's INFO: message when it stops the queue: the reasons remain */
  g_assert_true (g_strv_contains (mado_print_job_get_printer_state_reasons (job), "paused"));

  /* a voided document: cancel the job so it cannot print when someone resumes the queue */
  g_clear_error (&error);
  g_assert_true (mado_print_job_cancel (job, NULL, &error));
  g_assert_no_error (error);
  mado_print_job_wait (job, 5000, NULL, &error);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_JOB_CANCELED);
}

static void
test_held (void)
{
  g_autoptr (MadoPrintJob) job = submit ("holdq", "certificate");
  g_autoptr (GError) error = NULL;
  mado_print_job_wait (job, 20000, NULL, &error);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_JOB_HELD);
  g_assert_cmpint (mado_print_job_get_state (job), ==, MADO_PRINT_JOB_STATE_HELD);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_true (mado_print_job_cancel (job, NULL, &error));
}

static void
test_canceled (void)
{
  g_autoptr (MadoPrintJob) job = submit ("cancelq", "certificate");
  g_autoptr (GError) error = NULL;
  mado_print_job_wait (job, 20000, NULL, &error);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_JOB_CANCELED);
  g_assert_cmpint (mado_print_job_get_state (job), ==, MADO_PRINT_JOB_STATE_CANCELED);
}

static void
test_jam (void)
{
  g_autoptr (MadoPrintJob) job = submit ("jamq", "certificate");
  g_autoptr (GError) error = NULL;
  mado_print_job_wait (job, 20000, NULL, &error);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_MEDIA_JAM);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_true (mado_print_job_cancel (job, NULL, &error));
}

static void
test_not_found (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoPrintJob) job = mado_print_job_submit ("noq", pdf, NULL, NULL, NULL, &error);
  g_assert_null (job);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_NOT_FOUND);
  g_test_message ("%s", error->message);
}

static void
test_rejecting (void)
{
  const char *argv[] = { "cupsreject", "-h", cupsd->server, "rejectq", NULL };
  int status = -1;
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoPrintJob) job = mado_print_job_submit ("rejectq", pdf, NULL, NULL, NULL, &error);
  g_assert_null (job);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_STOPPED);
  g_test_message ("%s", error->message);
}

/* cupsd's ipp backend does not pass a printer-side abort on as aborted: CUPS 2.4.2's backend
 * says "Print job canceled at printer." and exits 5, so the job shows as canceled (the test
 * bench once saw completed). Either way JOB_ABORTED is only seen talking straight to the
 * printer; docs/documents.md says so. */
static void
test_abort_hidden (void)
{
  if (behind == NULL)
    {
      g_test_skip ("no ippeveprinter behind cupsd");
      return;
    }
  g_autoptr (MadoPrintJob) job = submit ("ippq", "abort-behind-cupsd");
  g_autoptr (GError) error = NULL;
  mado_print_job_wait (job, 20000, NULL, &error);
  g_test_message ("printer-side abort through cupsd: %s, %s",
                  mado_print_job_state_to_string (mado_print_job_get_state (job)),
                  error != NULL ? error->message : "no error");
  if (error != NULL)
    g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_JOB_CANCELED);
  g_assert_cmpint (mado_print_job_get_state (job), !=, MADO_PRINT_JOB_STATE_ABORTED);
}

/* --- the command --------------------------------------------------------------------------- */

static JsonObject *
run_submit (const char *server, const char *queue, int *exit_status)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GError) error = NULL;
  g_subprocess_launcher_setenv (launcher, "CUPS_SERVER", server, TRUE);
  g_autoptr (GSubprocess) process = g_subprocess_launcher_spawn (
      launcher, &error, g_getenv ("MADO_PRINT"), "submit", "--printer", queue, "--wait",
      "--timeout", "20", "--json", "--cancel-on-failure", pdf, NULL);
  g_assert_no_error (error);
  g_autofree char *out = NULL, *err = NULL;
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  *exit_status = g_subprocess_get_exit_status (process);
  g_test_message ("%s → %d: %s%s", queue, *exit_status, out, err);

  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_command (void)
{
  static const struct
  {
    const char *queue;
    int exit_code;
    const char *outcome;
    const char *job_state;
  } cases[] = {
    { "okq", 0, "completed", "completed" },   { "stopq2", 55, "printer-stopped", "pending" },
    { "holdq2", 60, "job-held", "held" },     { "cancelq2", 59, "job-canceled", "canceled" },
    { "noq", 53, "printer-not-found", NULL },
  };
  if (g_getenv ("MADO_PRINT") == NULL)
    {
      g_test_skip ("MADO_PRINT not set");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      int status = -1;
      g_autoptr (JsonObject) o = run_submit (cupsd->server, cases[i].queue, &status);
      g_assert_cmpint (status, ==, cases[i].exit_code);
      g_assert_cmpint (json_object_get_int_member (o, "exit_code"), ==, cases[i].exit_code);
      g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, cases[i].outcome);
      const char *job_state = json_object_get_string_member_with_default (o, "job_state", NULL);
      /* A stopped printer is seen either while its job is still "processing" or once CUPS has
       * put it back to "pending": both are the same outcome, reported as printer-stopped. */
      if (g_strcmp0 (cases[i].job_state, "pending") == 0)
        g_assert_true (g_strcmp0 (job_state, "pending") == 0
                       || g_strcmp0 (job_state, "processing") == 0);
      else
        g_assert_cmpstr (job_state, ==, cases[i].job_state);
    }

  /* no scheduler there */
  g_autofree char *dead = g_strdup_printf ("127.0.0.1:%u", mado_test_free_port ());
  int status = -1;
  g_autoptr (JsonObject) o = run_submit (dead, "okq", &status);
  g_assert_cmpint (status, ==, 54);
  g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, "printer-unreachable");
}

/* Last: cupsd goes away. */
static void
test_unreachable (void)
{
  mado_test_cupsd_stop (cupsd);
  cupsd = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoPrintJob) job = mado_print_job_submit ("okq", pdf, NULL, NULL, NULL, &error);
  g_assert_null (job);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_UNREACHABLE);
  g_test_message ("%s", error->message);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_autofree char *cupsd_program = g_find_program_in_path ("cupsd");
  if (cupsd_program == NULL && !g_file_test ("/usr/sbin/cupsd", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("cupsd not installed");
      return 77;
    }
  pdf = mado_test_make_pdf ("certificate.pdf", 595.28, 841.89);
  g_autofree char *ippeveprinter = g_find_program_in_path ("ippeveprinter");
  if (ippeveprinter != NULL)
    behind = mado_test_printer_start ("behind", NULL);
  g_autofree char *ippq = behind != NULL ? g_strdup_printf ("ippq=%s", behind->uri) : NULL;
  const char *queues[] = { "okq",    "stopq",    "holdq",   "cancelq", "jamq", "stopq2",
                           "holdq2", "cancelq2", "rejectq", ippq,      NULL };
  cupsd = mado_test_cupsd_start (queues);
  g_assert_nonnull (cupsd);
  /* libcups in this process (every thread) talks to our cupsd */
  g_setenv ("CUPS_SERVER", cupsd->server, TRUE);
  cupsSetServer (cupsd->server); /* this thread's libcups read its defaults already */

  g_test_add_func ("/cups/cupsd/completed", test_completed);
  g_test_add_func ("/cups/cupsd/stopped", test_stopped);
  g_test_add_func ("/cups/cupsd/held", test_held);
  g_test_add_func ("/cups/cupsd/canceled", test_canceled);
  g_test_add_func ("/cups/cupsd/media-jam", test_jam);
  g_test_add_func ("/cups/cupsd/not-found", test_not_found);
  g_test_add_func ("/cups/cupsd/rejecting-jobs", test_rejecting);
  g_test_add_func ("/cups/cupsd/abort-hidden-by-cupsd", test_abort_hidden);
  g_test_add_func ("/cups/cupsd/command", test_command);
  g_test_add_func ("/cups/cupsd/unreachable", test_unreachable);
  int status = g_test_run ();
  mado_test_cupsd_stop (cupsd);
  mado_test_printer_stop (behind);
  g_free (pdf);
  mado_test_cleanup ();
  return status;
}
