/* SPDX-License-Identifier: GPL-3.0-or-later
 * test-cups-ippeve.c — MadoPrintJob straight to IPP printers (ippeveprinter with our -c
 * command, mado-cups-harness.h): completed with the PDF byte-identical in the printer's spool and
 * never before the command ended; the async API; aborted; jam, empty and needed reported while
 * the job is still processing; timeout, then Cancel-Job; a cancelled wait; a missing printer
 * path, a port nobody listens on, a file that is not a PDF; and an 80 mm roll printer that takes
 * a ticket-sized PDF with its roll media while the A4 printer refuses that media.
 */
#include <string.h>

#include "mado-cups-harness.h"
#include "mado-print-error.h"
#include "mado-print-job.h"

static char *a4_pdf;
static char *ticket_pdf;

#define A4_WIDTH 595.28
#define A4_HEIGHT 841.89
#define MM (72.0 / 25.4)
#define ROLL_MEDIA "oe_80x200mm-roll_80x200mm"

static MadoTestPrinter *
start_a4 (void)
{
  MadoTestPrinter *printer = mado_test_printer_start ("a4", NULL);
  g_assert_nonnull (printer);
  return printer;
}

/* The job's file in the printer's spool: <job-id>-<name>.pdf */
static char *
spooled (MadoTestPrinter *printer, int job_id)
{
  g_autoptr (GDir) dir = g_dir_open (printer->spool, 0, NULL);
  g_autofree char *prefix = g_strdup_printf ("%d-", job_id);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix) && g_str_has_suffix (name, ".pdf"))
      return g_build_filename (printer->spool, name, NULL);
  return NULL;
}

static void
assert_same_file (const char *a, const char *b)
{
  g_autofree char *da = NULL, *db = NULL;
  gsize la = 0, lb = 0;
  g_assert_true (g_file_get_contents (a, &da, &la, NULL));
  g_assert_true (g_file_get_contents (b, &db, &lb, NULL));
  g_assert_cmpmem (da, la, db, lb);
}

static MadoPrintJob *
submit (MadoTestPrinter *printer, const char *pdf, const char *title)
{
  g_autoptr (GError) error = NULL;
  MadoPrintJob *job = mado_print_job_submit (printer->uri, pdf, title, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (job);
  g_assert_cmpint (mado_print_job_get_id (job), >, 0);
  return job;
}

/* Lets the job go on and waits until it has ended either way (the printer is then free). */
static void
drain (MadoTestPrinter *printer, MadoPrintJob *job)
{
  mado_test_printer_release (printer);
  for (int i = 0; i < 200; i++)
    {
      g_autoptr (GError) error = NULL;
      if (mado_print_job_wait (job, 5000, NULL, &error) == MADO_PRINT_JOB_STATE_COMPLETED)
        return;
      MadoPrintJobState state = mado_print_job_get_state (job);
      if (state == MADO_PRINT_JOB_STATE_ABORTED || state == MADO_PRINT_JOB_STATE_CANCELED)
        return;
      g_usleep (20 * 1000);
    }
  g_assert_not_reached ();
}

static void
test_completed (void)
{
  MadoTestPrinter *printer = start_a4 ();
  g_autoptr (MadoPrintJob) job = submit (printer, a4_pdf, "certificate");
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (mado_print_job_get_target (job), ==, printer->uri);
  MadoPrintJobState state = mado_print_job_wait (job, 10000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, MADO_PRINT_JOB_STATE_COMPLETED);
  g_assert_cmpint (mado_print_job_get_state (job), ==, MADO_PRINT_JOB_STATE_COMPLETED);

  /* never before the -c command ended: it wrote its timestamp just before exit 0 */
  double done = mado_test_done_time (printer->dir, mado_print_job_get_id (job));
  g_assert_cmpfloat (done, >, 0);
  double seen = (double)mado_print_job_get_seen_final_at (job) / G_USEC_PER_SEC;
  g_assert_cmpfloat (seen, >=, done);
  g_test_message ("completion seen %.1f ms after the command's timestamp", (seen - done) * 1000);

  g_autofree char *file = spooled (printer, mado_print_job_get_id (job));
  g_assert_nonnull (file);
  assert_same_file (file, a4_pdf);
  mado_test_printer_stop (printer);
}

typedef struct
{
  GMainLoop *loop;
  MadoPrintJob *job;
  MadoPrintJobState state;
  GError *error;
} AsyncResult;

static void
on_waited (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncResult *r = data;
  r->state = mado_print_job_wait_finish (MADO_PRINT_JOB (source), result, &r->error);
  g_main_loop_quit (r->loop);
}

static void
on_submitted (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncResult *r = data;
  r->job = mado_print_job_submit_finish (result, &r->error);
  if (r->job == NULL)
    {
      g_main_loop_quit (r->loop);
      return;
    }
  mado_print_job_wait_async (r->job, 10000, NULL, on_waited, r);
}

static void
test_async (void)
{
  MadoTestPrinter *printer = start_a4 ();
  AsyncResult r = { g_main_loop_new (NULL, FALSE), NULL, 0, NULL };

  mado_print_job_submit_async (printer->uri, a4_pdf, "async", NULL, NULL, on_submitted, &r);
  g_main_loop_run (r.loop);
  g_assert_no_error (r.error);
  g_assert_cmpint (r.state, ==, MADO_PRINT_JOB_STATE_COMPLETED);
  g_assert_cmpint (mado_print_job_get_state (r.job), ==, MADO_PRINT_JOB_STATE_COMPLETED);
  g_assert_cmpint (mado_print_job_get_printer_state (r.job), !=, 0);
  g_autofree char *file = spooled (printer, mado_print_job_get_id (r.job));
  assert_same_file (file, a4_pdf);
  g_object_unref (r.job);
  g_main_loop_unref (r.loop);
  mado_test_printer_stop (printer);
}

static void
test_aborted (void)
{
  MadoTestPrinter *printer = start_a4 ();
  g_autoptr (MadoPrintJob) job = submit (printer, a4_pdf, "abort-me");
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (mado_print_job_wait (job, 10000, NULL, &error), ==,
                   MADO_PRINT_JOB_STATE_UNKNOWN);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_JOB_ABORTED);
  g_assert_cmpint (mado_print_job_get_state (job), ==, MADO_PRINT_JOB_STATE_ABORTED);
  g_assert_nonnull (strstr (error->message, "simulated printer error"));
  g_assert_cmpstr (mado_print_job_outcome (error), ==, "job-aborted");
  mado_test_printer_stop (printer);
}

static void
check_fault (const char *title, int code, const char *reason)
{
  MadoTestPrinter *printer = start_a4 ();
  g_autoptr (MadoPrintJob) job = submit (printer, a4_pdf, title);
  g_autoptr (GError) error = NULL;

  mado_print_job_wait (job, 10000, NULL, &error);
  g_assert_error (error, MADO_PRINT_ERROR, code);
  /* reported while the printer still holds the job, not when it gives up */
  g_assert_cmpint (mado_print_job_get_state (job), ==, MADO_PRINT_JOB_STATE_PROCESSING);
  g_autofree char *reasons
      = g_strjoinv (",", (GStrv)mado_print_job_get_printer_state_reasons (job));
  g_assert_nonnull (strstr (reasons, reason));
  g_test_message ("%s: %s", title, error->message);
  drain (printer, job);
  g_assert_cmpint (mado_print_job_get_state (job), ==, MADO_PRINT_JOB_STATE_ABORTED);
  mado_test_printer_stop (printer);
}

static void
test_jam (void)
{
  check_fault ("jam", MADO_PRINT_ERROR_MEDIA_JAM, "media-jam");
}

static void
test_empty (void)
{
  check_fault ("empty", MADO_PRINT_ERROR_MEDIA_EMPTY, "media-empty");
}

static void
test_needed (void)
{
  check_fault ("needed", MADO_PRINT_ERROR_MEDIA_EMPTY, "media-needed");
}

static void
test_timeout_then_cancel (void)
{
  MadoTestPrinter *printer = start_a4 ();
  g_autoptr (MadoPrintJob) job = submit (printer, a4_pdf, "slow");
  g_autoptr (GError) error = NULL;

  gint64 start = g_get_monotonic_time ();
  mado_print_job_wait (job, 300, NULL, &error);
  gint64 took = g_get_monotonic_time () - start;
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_TIMEOUT);
  g_assert_cmpint (took, >=, 300 * 1000);
  g_assert_cmpint (took, <, 1000 * 1000);
  g_clear_error (&error);

  /* the caller voids the document: the job must not print later */
  g_assert_true (mado_print_job_cancel (job, NULL, &error));
  g_assert_no_error (error);
  /* ippeveprinter lets its command finish (processing-to-stop-point), then cancels */
  mado_test_printer_release (printer);
  mado_print_job_wait (job, 5000, NULL, &error);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_JOB_CANCELED);
  g_assert_cmpint (mado_print_job_get_state (job), ==, MADO_PRINT_JOB_STATE_CANCELED);
  /* and a second Cancel-Job on an ended job is no error */
  g_clear_error (&error);
  g_assert_true (mado_print_job_cancel (job, NULL, &error));
  g_assert_no_error (error);
  mado_test_printer_stop (printer);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_wait (void)
{
  MadoTestPrinter *printer = start_a4 ();
  g_autoptr (MadoPrintJob) job = submit (printer, a4_pdf, "slow-cancelled-wait");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  AsyncResult r = { g_main_loop_new (NULL, FALSE), NULL, 0, NULL };

  gint64 start = g_get_monotonic_time ();
  mado_print_job_wait_async (job, 0, cancellable, on_waited, &r);
  g_timeout_add (100, cancel_later, cancellable);
  g_main_loop_run (r.loop);
  gint64 took = g_get_monotonic_time () - start;
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (took, <, 500 * 1000);
  g_clear_error (&r.error);
  g_main_loop_unref (r.loop);

  /* only the wait was cancelled: the job goes on and completes */
  mado_test_printer_release (printer);
  g_autoptr (GError) error = NULL;
  g_assert_cmpint (mado_print_job_wait (job, 10000, NULL, &error), ==,
                   MADO_PRINT_JOB_STATE_COMPLETED);
  g_assert_no_error (error);
  mado_test_printer_stop (printer);
}

static void
test_not_found (void)
{
  MadoTestPrinter *printer = start_a4 ();
  g_autofree char *uri = g_strdup_printf ("ipp://localhost:%u/ipp/nope", printer->port);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoPrintJob) job = mado_print_job_submit (uri, a4_pdf, NULL, NULL, NULL, &error);
  g_assert_null (job);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_null (mado_print_job_submit ("not a queue/", a4_pdf, NULL, NULL, NULL, &error));
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_NOT_FOUND);
  mado_test_printer_stop (printer);
}

static void
test_unreachable (void)
{
  g_autofree char *uri = g_strdup_printf ("ipp://127.0.0.1:%u/ipp/print", mado_test_free_port ());
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoPrintJob) job = mado_print_job_submit (uri, a4_pdf, NULL, NULL, NULL, &error);
  g_assert_null (job);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_UNREACHABLE);
  g_test_message ("%s", error->message);
}

static void
test_printer_gone (void)
{
  /* the printer disappears while we wait: unreachable after MADO_PRINT_JOB_UNREACHABLE_MS */
  MadoTestPrinter *printer = start_a4 ();
  g_autoptr (MadoPrintJob) job = submit (printer, a4_pdf, "slow-gone");
  mado_test_printer_stop (printer);
  g_autoptr (GError) error = NULL;
  mado_print_job_wait (job, 10000, NULL, &error);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PRINTER_UNREACHABLE);
}

static void
test_not_pdf (void)
{
  g_autofree char *path = g_build_filename (mado_test_tmpdir (), "not.pdf", NULL);
  g_assert_true (g_file_set_contents (path, "hello\n", -1, NULL));
  g_autoptr (GError) error = NULL;
  g_assert_null (
      mado_print_job_submit ("ipp://localhost:1/ipp/print", path, NULL, NULL, NULL, &error));
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF);
  g_clear_error (&error);
  g_assert_null (mado_print_job_submit ("ipp://localhost:1/ipp/print", "/nonexistent.pdf", NULL,
                                        NULL, NULL, &error));
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF);
}

static const char roll_attributes[]
    = "ATTR keyword media-supported " ROLL_MEDIA "\n"
      "ATTR keyword media-default " ROLL_MEDIA "\n"
      "ATTR keyword media-ready " ROLL_MEDIA "\n"
      "ATTR mimeMediaType document-format-supported application/pdf,application/octet-stream\n"
      "ATTR mimeMediaType document-format-default application/pdf\n";

static void
test_roll_printer (void)
{
  MadoTestPrinter *a4 = start_a4 ();
  MadoTestPrinter *roll = mado_test_printer_start ("roll80", roll_attributes);
  g_assert_nonnull (roll);
  const char *const options[] = { "media=" ROLL_MEDIA, NULL };
  g_autoptr (GError) error = NULL;

  /* a certificate to the A4 printer, a ticket to the roll printer, in the same process */
  g_autoptr (MadoPrintJob) cert = submit (a4, a4_pdf, "certificate");
  g_autoptr (MadoPrintJob) ticket
      = mado_print_job_submit (roll->uri, ticket_pdf, "ticket", options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mado_print_job_wait (ticket, 10000, NULL, &error), ==,
                   MADO_PRINT_JOB_STATE_COMPLETED);
  g_assert_no_error (error);
  g_assert_cmpint (mado_print_job_wait (cert, 10000, NULL, &error), ==,
                   MADO_PRINT_JOB_STATE_COMPLETED);
  g_assert_no_error (error);

  g_autofree char *file = spooled (roll, mado_print_job_get_id (ticket));
  g_assert_nonnull (file);
  assert_same_file (file, ticket_pdf);
  g_autofree char *media_name = g_strdup_printf ("media.%d", mado_print_job_get_id (ticket));
  g_autofree char *media_path = g_build_filename (roll->dir, media_name, NULL);
  g_autofree char *media = NULL;
  g_assert_true (g_file_get_contents (media_path, &media, NULL, NULL));
  g_assert_cmpstr (g_strstrip (media), ==, ROLL_MEDIA);
  g_autofree char *cert_file = spooled (a4, mado_print_job_get_id (cert));
  assert_same_file (cert_file, a4_pdf);

  /* the A4 printer has no 80 mm roll: the same request is refused there */
  g_autoptr (MadoPrintJob) wrong
      = mado_print_job_submit (a4->uri, ticket_pdf, "ticket", options, NULL, &error);
  g_assert_null (wrong);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_JOB_ABORTED);
  g_test_message ("%s", error->message);

  mado_test_printer_stop (roll);
  mado_test_printer_stop (a4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_autofree char *ippeveprinter = g_find_program_in_path ("ippeveprinter");
  g_autofree char *dbus_daemon = g_find_program_in_path ("dbus-daemon");
  if (ippeveprinter == NULL || dbus_daemon == NULL)
    {
      g_test_skip ("ippeveprinter or dbus-daemon not installed");
      return 77;
    }
  a4_pdf = mado_test_make_pdf ("certificate.pdf", A4_WIDTH, A4_HEIGHT);
  ticket_pdf = mado_test_make_pdf ("ticket.pdf", 80 * MM, 120 * MM);

  g_test_add_func ("/cups/ippeve/completed", test_completed);
  g_test_add_func ("/cups/ippeve/async", test_async);
  g_test_add_func ("/cups/ippeve/aborted", test_aborted);
  g_test_add_func ("/cups/ippeve/media-jam", test_jam);
  g_test_add_func ("/cups/ippeve/media-empty", test_empty);
  g_test_add_func ("/cups/ippeve/media-needed", test_needed);
  g_test_add_func ("/cups/ippeve/timeout-then-cancel", test_timeout_then_cancel);
  g_test_add_func ("/cups/ippeve/cancel-wait", test_cancel_wait);
  g_test_add_func ("/cups/ippeve/not-found", test_not_found);
  g_test_add_func ("/cups/ippeve/unreachable", test_unreachable);
  g_test_add_func ("/cups/ippeve/printer-gone", test_printer_gone);
  g_test_add_func ("/cups/ippeve/not-pdf", test_not_pdf);
  g_test_add_func ("/cups/ippeve/roll-printer", test_roll_printer);
  int status = g_test_run ();
  g_free (a4_pdf);
  g_free (ticket_pdf);
  mado_test_cleanup ();
  return status;
}
