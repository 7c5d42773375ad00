/* SPDX-License-Identifier: GPL-3.0-or-later
 * pcsc-monitor-restart: MadoPcscMonitor against the private pcscd bench (run under
 * tests/harness/pcsc-env.sh run). The harness inserts and pulls cards and stops and restarts
 * pcscd; the test waits for each expected signal on a GMainLoop with a bounded deadline (no
 * sleeps as synchronisation) and checks their order:
 *   start → state READY, reader-added ×2; insert → card-inserted; pull → card-removed;
 *   pcscd stopped with a card in → card-removed, reader-removed, state NO_SERVICE;
 *   pcscd started again + insert → state READY, reader-added, card-inserted;
 *   stop → no signal afterwards, the monitor is finalized.
 */
#include <gio/gio.h>

#include "mado-pcsc-harness.h"
#include "mado-pcsc-monitor.h"

#define STEP_TIMEOUT_SEC 15

typedef struct
{
  GPtrArray *events; /* "state READY", "card-inserted Mado Virtual PCD 00 00", ... */
  guint cursor;      /* events before it have been matched */
  gboolean command_done;
  GError *command_error;
  GBytes *last_atr;
} Fixture;

static const char *
state_name (int state)
{
  switch (state)
    {
    case MADO_PCSC_STATE_NO_SERVICE:
      return "NO_SERVICE";
    case MADO_PCSC_STATE_NO_READERS:
      return "NO_READERS";
    case MADO_PCSC_STATE_READY:
      return "READY";
    default:
      return "?";
    }
}

static void
on_state_changed (MadoPcscMonitor *monitor, MadoPcscState state, Fixture *fx)
{
  MadoPcscState property = MADO_PCSC_STATE_NO_SERVICE;
  g_object_get (monitor, "state", &property, NULL);
  g_assert_cmpint (mado_pcsc_monitor_get_state (monitor), ==, state);
  g_assert_cmpint (property, ==, state); /* the property a screen binds to follows */
  g_ptr_array_add (fx->events, g_strdup_printf ("state %s", state_name (state)));
}

static void
on_reader (MadoPcscMonitor *monitor, const char *reader, Fixture *fx, const char *what)
{
  g_ptr_array_add (fx->events, g_strdup_printf ("%s %s", what, reader));
}

static void
on_reader_added (MadoPcscMonitor *monitor, const char *reader, Fixture *fx)
{
  on_reader (monitor, reader, fx, "reader-added");
}

static void
on_reader_removed (MadoPcscMonitor *monitor, const char *reader, Fixture *fx)
{
  on_reader (monitor, reader, fx, "reader-removed");
}

static void
on_card_removed (MadoPcscMonitor *monitor, const char *reader, Fixture *fx)
{
  on_reader (monitor, reader, fx, "card-removed");
}

static void
on_card_inserted (MadoPcscMonitor *monitor, const char *reader, GBytes *atr, Fixture *fx)
{
  g_assert_nonnull (atr);
  g_assert_cmpuint (g_bytes_get_size (atr), >, 0);
  g_clear_pointer (&fx->last_atr, g_bytes_unref);
  fx->last_atr = g_bytes_ref (atr);
  on_reader (monitor, reader, fx, "card-inserted");
}

static void
command_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  if (mado_pcsc_harness_command (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
command_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *fx = user_data;
  g_task_propagate_boolean (G_TASK (result), &fx->command_error);
  fx->command_done = TRUE;
}

/* Starts a harness command in a thread; the main loop keeps turning meanwhile. */
static void
command_start (Fixture *fx, const char *command)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, command_done, fx);
  g_test_message ("harness: %s", command);
  fx->command_done = FALSE;
  g_task_set_task_data (task, g_strdup (command), g_free);
  g_task_run_in_thread (task, command_thread);
}

static gboolean
on_deadline (gpointer user_data)
{
  gboolean *expired = user_data;
  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

static void
dump_events (Fixture *fx)
{
  for (guint i = 0; i < fx->events->len; i++)
    g_test_message ("event %u: %s%s", i, (const char *)g_ptr_array_index (fx->events, i),
                    i == fx->cursor ? "  <- cursor" : "");
}

/* Iterates the main context until @expected (NULL-terminated) have all been seen, in this
 * order, after the cursor (other events may come between them), and the running harness
 * command is done. Fails after STEP_TIMEOUT_SEC. */
static void
expect_events (Fixture *fx, const char *const *expected)
{
  gboolean expired = FALSE;
  guint deadline = g_timeout_add_seconds (STEP_TIMEOUT_SEC, on_deadline, &expired);

  for (;;)
    {
      guint pos = fx->cursor;
      gsize matched = 0;
      for (; pos < fx->events->len && expected[matched] != NULL; pos++)
        if (g_str_equal (g_ptr_array_index (fx->events, pos), expected[matched]))
          matched++;
      if (expected[matched] == NULL && fx->command_done)
        {
          fx->cursor = pos;
          break;
        }
      if (expired)
        {
          dump_events (fx);
          g_error ("timed out waiting for “%s”%s", expected[matched] ? expected[matched] : "-",
                   fx->command_done ? "" : " (harness command still running)");
        }
      g_main_context_iteration (NULL, TRUE);
    }
  if (!expired)
    g_source_remove (deadline);
  g_assert_no_error (fx->command_error);
}

/* The events since the cursor must not contain @unexpected. */
static void
assert_not_seen_since (Fixture *fx, guint from, const char *unexpected)
{
  for (guint i = from; i < fx->events->len; i++)
    if (g_str_equal (g_ptr_array_index (fx->events, i), unexpected))
      {
        dump_events (fx);
        g_error ("unexpected “%s”", unexpected);
      }
}

#define R0 MADO_PCSC_HARNESS_READER_0
#define R1 MADO_PCSC_HARNESS_READER_1
#define EXPECT(...) expect_events (&fx, (const char *const[]){ __VA_ARGS__, NULL })

static void
test_monitor_restart (void)
{
  Fixture fx = { g_ptr_array_new_with_free_func (g_free), 0, TRUE, NULL, NULL };
  MadoPcscMonitor *monitor = mado_pcsc_monitor_new ();

  g_object_add_weak_pointer (G_OBJECT (monitor), (gpointer *)&monitor);
  g_signal_connect (monitor, "state-changed", G_CALLBACK (on_state_changed), &fx);
  g_signal_connect (monitor, "reader-added", G_CALLBACK (on_reader_added), &fx);
  g_signal_connect (monitor, "reader-removed", G_CALLBACK (on_reader_removed), &fx);
  g_signal_connect (monitor, "card-inserted", G_CALLBACK (on_card_inserted), &fx);
  g_signal_connect (monitor, "card-removed", G_CALLBACK (on_card_removed), &fx);

  g_assert_cmpint (mado_pcsc_monitor_get_state (monitor), ==, MADO_PCSC_STATE_NO_SERVICE);
  mado_pcsc_monitor_start (monitor);
  EXPECT ("state READY", "reader-added " R0, "reader-added " R1);
  g_assert_cmpint (mado_pcsc_monitor_get_state (monitor), ==, MADO_PCSC_STATE_READY);

  /* Card in, card out. */
  command_start (&fx, "insert 0");
  EXPECT ("card-inserted " R0);
  command_start (&fx, "remove 0");
  EXPECT ("card-removed " R0);

  /* pcscd goes away while a card sits in a reader: the card first, then the reader. */
  command_start (&fx, "insert 1");
  EXPECT ("card-inserted " R1);
  guint before_stop = fx.cursor;
  command_start (&fx, "stop-pcscd");
  EXPECT ("card-removed " R1, "reader-removed " R1, "state NO_SERVICE");
  g_assert_cmpint (mado_pcsc_monitor_get_state (monitor), ==, MADO_PCSC_STATE_NO_SERVICE);
  g_assert_cmpuint (fx.cursor - before_stop, ==, 4); /* card-removed, 2× reader-removed, state */
  assert_not_seen_since (&fx, before_stop, "card-removed " R0);

  /* A new pcscd (new namespace), a card inserted into it. */
  command_start (&fx, "start-pcscd");
  EXPECT ("state READY", "reader-added " R0, "reader-added " R1);
  command_start (&fx, "insert 0");
  EXPECT ("card-inserted " R0);
  g_assert_nonnull (fx.last_atr);

  /* No signal after stop, even for changes the worker may already have seen. */
  guint after_stop;
  mado_pcsc_monitor_stop (monitor);
  after_stop = fx.events->len;
  command_start (&fx, "remove 0");
  while (!fx.command_done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (fx.command_error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (fx.events->len, ==, after_stop);

  /* Stopping twice is harmless; the last reference finalizes it. */
  mado_pcsc_monitor_stop (monitor);
  g_object_unref (monitor);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (monitor);

  g_clear_pointer (&fx.last_atr, g_bytes_unref);
  g_ptr_array_unref (fx.events);
}

/* Dropping the last reference without stop stops the worker (dispose joins it). */
static void
test_monitor_unref_running (void)
{
  MadoPcscMonitor *monitor = mado_pcsc_monitor_new ();
  g_object_add_weak_pointer (G_OBJECT (monitor), (gpointer *)&monitor);
  mado_pcsc_monitor_start (monitor);
  g_object_unref (monitor);
  /* Batches posted before the stop hold references; they run and emit nothing. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (monitor);
}

int
main (int argc, char **argv)
{
  if (!mado_pcsc_harness_test_init (&argc, &argv))
    return 77;

  g_test_add_func ("/pcsc/monitor/restart", test_monitor_restart);
  g_test_add_func ("/pcsc/monitor/unref-running", test_monitor_unref_running);
  return g_test_run ();
}
