/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-pcsc-monitor.c — readers and cards followed in a worker thread (a MadoPcscWatch), reported
 * as signals on the creator's main context.
 *
 * The worker compares each view with the previous one and posts the differences as one batch,
 * in this order: card-removed and reader-removed (a reader that left with a card in it reports
 * the card first), then state-changed, then reader-added and card-inserted. A batch is one idle
 * source holding a reference on the monitor; it emits nothing once the monitor is stopped.
 */
#define G_LOG_DOMAIN "mado-smartcard"

#include "mado-pcsc-monitor.h"

#include <string.h>

struct _MadoPcscMonitor
{
  GObject parent_instance;

  GMainContext *context;
  MadoPcscState state; /* as last emitted; main context only */

  GMutex lock; /* guards thread, watch, generation */
  GThread *thread;
  MadoPcscWatch *watch;
  guint generation; /* bumped by stop: batches of an older run are dropped */
};

G_DEFINE_FINAL_TYPE (MadoPcscMonitor, mado_pcsc_monitor, G_TYPE_OBJECT)

enum
{
  SIGNAL_STATE_CHANGED,
  SIGNAL_READER_ADDED,
  SIGNAL_READER_REMOVED,
  SIGNAL_CARD_INSERTED,
  SIGNAL_CARD_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum
{
  PROP_STATE = 1,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  guint signal;
  MadoPcscState state;
  char *reader;
  GBytes *atr;
} Event;

typedef struct
{
  MadoPcscMonitor *monitor; /* owned */
  guint generation;
  GArray *events; /* Event */
} Batch;

static void
event_clear (gpointer data)
{
  Event *event = data;
  g_free (event->reader);
  g_clear_pointer (&event->atr, g_bytes_unref);
}

static void
batch_free (gpointer data)
{
  Batch *batch = data;
  g_object_unref (batch->monitor);
  g_array_unref (batch->events);
  g_free (batch);
}

static void
batch_add (Batch *batch, guint signal, MadoPcscState state, const char *reader, GBytes *atr)
{
  Event event = { signal, state, g_strdup (reader), atr != NULL ? g_bytes_ref (atr) : NULL };
  g_array_append_val (batch->events, event);
}

static gboolean
batch_dispatch (gpointer data)
{
  Batch *batch = data;
  MadoPcscMonitor *self = batch->monitor;

  for (guint i = 0; i < batch->events->len; i++)
    {
      const Event *event = &g_array_index (batch->events, Event, i);

      /* Checked before every signal: a handler may stop the monitor. */
      g_mutex_lock (&self->lock);
      gboolean current = self->thread != NULL && self->generation == batch->generation;
      g_mutex_unlock (&self->lock);
      if (!current)
        break;

      if (event->signal == SIGNAL_STATE_CHANGED)
        {
          self->state = event->state;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
          g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, event->state);
        }
      else if (event->signal == SIGNAL_CARD_INSERTED)
        g_signal_emit (self, signals[SIGNAL_CARD_INSERTED], 0, event->reader, event->atr);
      else
        g_signal_emit (self, signals[event->signal], 0, event->reader);
    }
  return G_SOURCE_REMOVE;
}

static const MadoPcscReaderStatus *
find_reader (GPtrArray *readers, const char *name)
{
  for (guint i = 0; i < readers->len; i++)
    {
      const MadoPcscReaderStatus *status = g_ptr_array_index (readers, i);
      if (strcmp (status->name, name) == 0)
        return status;
    }
  return NULL;
}

/* The same card still sits in the reader (no removal and insertion in between). */
static gboolean
same_card (const MadoPcscReaderStatus *before, const MadoPcscReaderStatus *now)
{
  return before->card_present && now->card_present && before->event_count == now->event_count;
}

/* Holds no reference on the monitor, so dropping the last one stops the monitor (dispose joins
 * the worker before the object goes away). Batches do hold one. */
typedef struct
{
  MadoPcscMonitor *monitor; /* unowned */
  MadoPcscWatch *watch;     /* borrowed: freed by stop after the join */
  guint generation;
} Worker;

static gpointer
worker_run (gpointer data)
{
  Worker *worker = data;
  MadoPcscState before_state = MADO_PCSC_STATE_NO_SERVICE;
  g_autoptr (GPtrArray) before
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_pcsc_reader_status_free);

  while (mado_pcsc_watch_wait (worker->watch, -1) == MADO_PCSC_WATCH_CHANGED)
    {
      MadoPcscState now_state = mado_pcsc_watch_get_state (worker->watch);
      GPtrArray *now = mado_pcsc_watch_get_readers (worker->watch);
      Batch *batch = g_new0 (Batch, 1);

      batch->monitor = g_object_ref (worker->monitor);
      batch->generation = worker->generation;
      batch->events = g_array_new (FALSE, TRUE, sizeof (Event));
      g_array_set_clear_func (batch->events, event_clear);

      for (guint i = 0; i < before->len; i++)
        {
          const MadoPcscReaderStatus *old = g_ptr_array_index (before, i);
          const MadoPcscReaderStatus *cur = find_reader (now, old->name);
          if (old->card_present && (cur == NULL || !same_card (old, cur)))
            batch_add (batch, SIGNAL_CARD_REMOVED, 0, old->name, NULL);
          if (cur == NULL)
            batch_add (batch, SIGNAL_READER_REMOVED, 0, old->name, NULL);
        }
      if (now_state != before_state)
        batch_add (batch, SIGNAL_STATE_CHANGED, now_state, NULL, NULL);
      for (guint i = 0; i < now->len; i++)
        {
          const MadoPcscReaderStatus *cur = g_ptr_array_index (now, i);
          const MadoPcscReaderStatus *old = find_reader (before, cur->name);
          if (old == NULL)
            batch_add (batch, SIGNAL_READER_ADDED, 0, cur->name, NULL);
          if (cur->card_present && (old == NULL || !same_card (old, cur)))
            batch_add (batch, SIGNAL_CARD_INSERTED, 0, cur->name, cur->atr);
        }

      if (batch->events->len > 0)
        {
          /* Not g_main_context_invoke(): from a thread where the context is the global default
           * and nobody iterates it, that would emit right here, in the worker. */
          g_autoptr (GSource) source = g_idle_source_new ();
          g_source_set_priority (source, G_PRIORITY_DEFAULT);
          g_source_set_callback (source, batch_dispatch, batch, batch_free);
          g_source_set_static_name (source, "mado-pcsc-monitor");
          g_source_attach (source, worker->monitor->context);
        }
      else
        batch_free (batch);

      before_state = now_state;
      g_ptr_array_set_size (before, 0);
      for (guint i = 0; i < now->len; i++)
        g_ptr_array_add (before, mado_pcsc_reader_status_copy (g_ptr_array_index (now, i)));
    }

  g_free (worker);
  return NULL;
}

MadoPcscMonitor *
mado_pcsc_monitor_new (void)
{
  return g_object_new (MADO_TYPE_PCSC_MONITOR, NULL);
}

void
mado_pcsc_monitor_start (MadoPcscMonitor *self)
{
  g_return_if_fail (MADO_IS_PCSC_MONITOR (self));

  g_mutex_lock (&self->lock);
  if (self->thread == NULL)
    {
      Worker *worker = g_new0 (Worker, 1);
      self->watch = mado_pcsc_watch_new ();
      worker->monitor = self;
      worker->watch = self->watch;
      worker->generation = self->generation;
      self->thread = g_thread_new ("mado-pcsc-monitor", worker_run, worker);
    }
  g_mutex_unlock (&self->lock);
}

void
mado_pcsc_monitor_stop (MadoPcscMonitor *self)
{
  g_return_if_fail (MADO_IS_PCSC_MONITOR (self));

  g_mutex_lock (&self->lock);
  GThread *thread = g_steal_pointer (&self->thread);
  MadoPcscWatch *watch = g_steal_pointer (&self->watch);
  self->generation++;
  g_mutex_unlock (&self->lock);

  if (thread == NULL)
    return;
  mado_pcsc_watch_cancel (watch);
  g_thread_join (thread);
  mado_pcsc_watch_free (watch);
  /* A later start reports everything afresh. */
  self->state = MADO_PCSC_STATE_NO_SERVICE;
}

MadoPcscState
mado_pcsc_monitor_get_state (MadoPcscMonitor *self)
{
  g_return_val_if_fail (MADO_IS_PCSC_MONITOR (self), MADO_PCSC_STATE_NO_SERVICE);
  return self->state;
}

static void
mado_pcsc_monitor_dispose (GObject *object)
{
  MadoPcscMonitor *self = MADO_PCSC_MONITOR (object);

  mado_pcsc_monitor_stop (self);

  G_OBJECT_CLASS (mado_pcsc_monitor_parent_class)->dispose (object);
}

static void
mado_pcsc_monitor_finalize (GObject *object)
{
  MadoPcscMonitor *self = MADO_PCSC_MONITOR (object);

  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (mado_pcsc_monitor_parent_class)->finalize (object);
}

static void
mado_pcsc_monitor_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MadoPcscMonitor *self = MADO_PCSC_MONITOR (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mado_pcsc_monitor_class_init (MadoPcscMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mado_pcsc_monitor_dispose;
  object_class->finalize = mado_pcsc_monitor_finalize;
  object_class->get_property = mado_pcsc_monitor_get_property;

  /* The reader service as last reported on the main context; notifies with "state-changed". */
  properties[PROP_STATE]
      = g_param_spec_enum ("state", NULL, NULL, MADO_TYPE_PCSC_STATE, MADO_PCSC_STATE_NO_SERVICE,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_STATE_CHANGED]
      = g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, MADO_TYPE_PCSC_STATE);
  signals[SIGNAL_READER_ADDED]
      = g_signal_new ("reader-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_READER_REMOVED]
      = g_signal_new ("reader-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_CARD_INSERTED]
      = g_signal_new ("card-inserted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BYTES);
  signals[SIGNAL_CARD_REMOVED]
      = g_signal_new ("card-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
mado_pcsc_monitor_init (MadoPcscMonitor *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
  self->state = MADO_PCSC_STATE_NO_SERVICE;
}
