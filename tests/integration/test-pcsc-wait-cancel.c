/* SPDX-License-Identifier: GPL-3.0-or-later
 * pcsc-wait-cancel: mado_pcsc_reader_wait_and_open() against the private pcscd bench (run under
 * tests/harness/pcsc-env.sh run):
 *   - returns the reader once a card is inserted later (any reader; a named one);
 *   - returns G_IO_ERROR_CANCELLED promptly when cancelled from another thread while blocked,
 *     and at once when the cancellable is already cancelled;
 *   - times out with NO_CARD, and with NO_SERVICE while pcscd is down;
 *   - keeps waiting across a pcscd that is down and comes back, then opens the card.
 */
#include <gio/gio.h>

#include "mado-card-error.h"
#include "mado-pcsc-harness.h"
#include "mado-pcsc-reader.h"

#define R0 MADO_PCSC_HARNESS_READER_0
#define R1 MADO_PCSC_HARNESS_READER_1

/* Generous bounds for a loaded CI machine; the typical figures are far lower. */
#define CANCEL_BOUND_USEC (1500 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  const char *reader_name;
  int timeout_ms;
  GCancellable *cancellable;
  /* out */
  MadoReader *reader;
  GError *error;
  gint64 returned_at;
} WaitJob;

static gpointer
wait_thread (gpointer data)
{
  WaitJob *job = data;
  job->reader = mado_pcsc_reader_wait_and_open (job->reader_name, job->timeout_ms, job->cancellable,
                                                &job->error);
  job->returned_at = g_get_monotonic_time ();
  return NULL;
}

static void
test_wait_insert_later (void)
{
  WaitJob job = { NULL, 20000, NULL, NULL, NULL, 0 };
  GThread *thread = g_thread_new ("wait", wait_thread, &job);

  /* The waiter is blocked (or about to be) on two empty readers; a card arrives in slot 1. */
  mado_pcsc_harness_run ("insert 1");
  g_thread_join (thread);
  g_assert_no_error (job.error);
  g_assert_nonnull (job.reader);
  g_assert_cmpstr (mado_reader_get_name (job.reader), ==, R1);
  g_assert_nonnull (mado_reader_get_atr (job.reader));
  g_assert_cmpuint (g_bytes_get_size (mado_reader_get_atr (job.reader)), >, 0);
  g_clear_object (&job.reader);

  /* A named reader ignores the card in the other one. */
  WaitJob named = { R0, 20000, NULL, NULL, NULL, 0 };
  thread = g_thread_new ("wait", wait_thread, &named);
  mado_pcsc_harness_run ("insert 0");
  g_thread_join (thread);
  g_assert_no_error (named.error);
  g_assert_cmpstr (mado_reader_get_name (named.reader), ==, R0);
  g_clear_object (&named.reader);

  /* Already present: returns at once. */
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoReader) reader = mado_pcsc_reader_wait_and_open (R0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reader);
  g_clear_object (&reader);

  mado_pcsc_harness_run ("remove 0");
  mado_pcsc_harness_run ("remove 1");
}

typedef struct
{
  GCancellable *cancellable;
  gint64 cancelled_at;
} CancelJob;

static gboolean
cancel_later (gpointer data)
{
  CancelJob *cancel = data;
  cancel->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancel->cancellable);
  return G_SOURCE_REMOVE;
}

static void
test_wait_cancel (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  WaitJob job = { R0, -1, cancellable, NULL, NULL, 0 };
  CancelJob cancel = { cancellable, 0 };

  /* Cancel from the main thread (a timeout source) while the worker is blocked in
   * SCardGetStatusChange on an empty reader. */
  GThread *thread = g_thread_new ("wait", wait_thread, &job);
  g_timeout_add (300, cancel_later, &cancel);
  while (cancel.cancelled_at == 0)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);

  g_assert_null (job.reader);
  g_assert_error (job.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("cancel took %" G_GINT64_FORMAT " us", job.returned_at - cancel.cancelled_at);
  g_assert_cmpint (job.returned_at - cancel.cancelled_at, <, CANCEL_BOUND_USEC);
  g_clear_error (&job.error);

  /* Cancelled from the start: at once, without waiting for anything. */
  gint64 start = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoReader) reader = mado_pcsc_reader_wait_and_open (NULL, -1, cancellable, &error);
  g_assert_null (reader);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, CANCEL_BOUND_USEC);
}

/* Many cancels at random points of the wait loop: none is lost for longer than the bound. */
static void
test_wait_cancel_race (void)
{
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr (GCancellable) cancellable = g_cancellable_new ();
      WaitJob job = { R0, -1, cancellable, NULL, NULL, 0 };
      GThread *thread = g_thread_new ("wait", wait_thread, &job);

      g_usleep ((gulong)g_random_int_range (0, 5000)); /* spreads the cancel; not a sync */
      gint64 cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (cancellable);
      g_thread_join (thread);
      g_assert_error (job.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpint (job.returned_at - cancelled_at, <, CANCEL_BOUND_USEC);
      g_clear_error (&job.error);
    }
}

static void
test_wait_timeout (void)
{
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr (MadoReader) reader = mado_pcsc_reader_wait_and_open (R0, 300, NULL, &error);
  gint64 took = g_get_monotonic_time () - start;

  g_assert_null (reader);
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_CARD);
  g_assert_cmpint (took, >=, 290 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (took, <, 300 * G_TIME_SPAN_MILLISECOND + CANCEL_BOUND_USEC);
  g_clear_error (&error);

  reader = mado_pcsc_reader_wait_and_open ("No Such Reader", 100, NULL, &error);
  g_assert_null (reader);
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_READER);
}

static void
test_wait_across_restart (void)
{
  mado_pcsc_harness_run ("stop-pcscd");

  /* pcscd down: times out saying so. */
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoReader) reader = mado_pcsc_reader_wait_and_open (NULL, 300, NULL, &error);
  g_assert_null (reader);
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_SERVICE);

  /* Waiting while pcscd is down; it comes back, a card goes in. */
  WaitJob job = { NULL, 20000, NULL, NULL, NULL, 0 };
  GThread *thread = g_thread_new ("wait", wait_thread, &job);
  mado_pcsc_harness_run ("start-pcscd");
  mado_pcsc_harness_run ("insert 0");
  g_thread_join (thread);
  g_assert_no_error (job.error);
  g_assert_nonnull (job.reader);
  g_assert_cmpstr (mado_reader_get_name (job.reader), ==, R0);
  g_clear_object (&job.reader);
  mado_pcsc_harness_run ("remove 0");
}

int
main (int argc, char **argv)
{
  if (!mado_pcsc_harness_test_init (&argc, &argv))
    return 77;

  g_test_add_func ("/pcsc/wait/insert-later", test_wait_insert_later);
  g_test_add_func ("/pcsc/wait/cancel", test_wait_cancel);
  g_test_add_func ("/pcsc/wait/cancel-race", test_wait_cancel_race);
  g_test_add_func ("/pcsc/wait/timeout", test_wait_timeout);
  g_test_add_func ("/pcsc/wait/across-restart", test_wait_across_restart);
  return g_test_run ();
}
