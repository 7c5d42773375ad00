/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-api-writer.c — group commit: one writer thread, one store connection, one transaction
 * per batch of queued writes. See mado-api-writer.h.
 */
#define G_LOG_DOMAIN "mado-registry"

#include "mado-api-writer.h"

#include "mado-nonce-store.h"

typedef struct
{
  MadoApiWriterFunc func;
  gpointer user_data;
  GCond done_cond; /* its caller waits on it alone: a batch wakes only its own callers */
  gboolean done;
  gboolean ok;
  GError *error;
} Item;

typedef struct
{
  MadoApiWriter *writer;
  MadoRegistryStore *store;
  GThread *thread;
} Worker;

struct _MadoApiWriter
{
  GPtrArray *workers; /* Worker * */
  guint max_batch;
  GMutex lock;
  GCond queued; /* the writer waits for items (callers wait on their Item's done_cond) */
  GQueue queue; /* Item * */
  gboolean stopping;
};

typedef struct
{
  GPtrArray *items;
  guint failed_at; /* the item that failed, for the log */
} Batch;

static gboolean
run_batch (MadoRegistryStore *store, gpointer user_data, GError **error)
{
  Batch *batch = user_data;
  for (guint i = 0; i < batch->items->len; i++)
    {
      Item *item = g_ptr_array_index (batch->items, i);
      if (!item->func (store, item->user_data, error))
        {
          batch->failed_at = i;
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
run_one (MadoRegistryStore *store, gpointer user_data, GError **error)
{
  Item *item = user_data;
  return item->func (store, item->user_data, error);
}

static void
finish (MadoApiWriter *self, GPtrArray *items)
{
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < items->len; i++)
    {
      Item *item = g_ptr_array_index (items, i);
      item->done = TRUE;
      g_cond_signal (&item->done_cond);
    }
  g_mutex_unlock (&self->lock);
}

static gpointer
writer_thread (gpointer data)
{
  Worker *worker = data;
  MadoApiWriter *self = worker->writer;
  g_autoptr (GPtrArray) items = g_ptr_array_new ();

  for (;;)
    {
      g_mutex_lock (&self->lock);
      while (g_queue_is_empty (&self->queue) && !self->stopping)
        g_cond_wait (&self->queued, &self->lock);
      if (g_queue_is_empty (&self->queue) && self->stopping)
        {
          g_mutex_unlock (&self->lock);
          return NULL;
        }
      g_ptr_array_set_size (items, 0);
      while (!g_queue_is_empty (&self->queue) && items->len < self->max_batch)
        g_ptr_array_add (items, g_queue_pop_head (&self->queue));
      g_mutex_unlock (&self->lock);

      Batch batch = { items, 0 };
      g_autoptr (GError) error = NULL;
      gboolean ok
          = mado_registry_store_run_in_transaction (worker->store, run_batch, &batch, &error);
      if (ok)
        for (guint i = 0; i < items->len; i++)
          ((Item *)g_ptr_array_index (items, i))->ok = TRUE;
      else if (items->len == 1)
        {
          Item *item = g_ptr_array_index (items, 0);
          item->error = g_steal_pointer (&error);
        }
      else
        /* Rolled back: each write again on its own, so the failure stays with its request. */
        for (guint i = 0; i < items->len; i++)
          {
            Item *item = g_ptr_array_index (items, i);
            item->ok = mado_registry_store_run_in_transaction (worker->store, run_one, item,
                                                               &item->error);
          }
      finish (self, items);
    }
}

MadoApiWriter *
mado_api_writer_new (const char *dsn, guint threads, guint max_batch, GError **error)
{
  gboolean sqlite = g_str_has_prefix (dsn, "sqlite:");
  if (threads == 0)
    threads = sqlite ? 1 : 8;
  if (max_batch == 0)
    max_batch = sqlite ? 64 : 1;
  MadoApiWriter *self = g_new0 (MadoApiWriter, 1);
  self->max_batch = max_batch;
  self->workers = g_ptr_array_new ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->queued);
  g_queue_init (&self->queue);
  for (guint i = 0; i < threads; i++)
    {
      MadoRegistryStore *store = mado_registry_store_open (dsn, error);
      if (store == NULL)
        {
          mado_api_writer_free (self);
          return NULL;
        }
      Worker *worker = g_new0 (Worker, 1);
      worker->writer = self;
      worker->store = store;
      worker->thread = g_thread_new ("mado-api-writer", writer_thread, worker);
      g_ptr_array_add (self->workers, worker);
    }
  return self;
}

void
mado_api_writer_free (MadoApiWriter *self)
{
  if (self == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->queued);
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < self->workers->len; i++)
    {
      Worker *worker = g_ptr_array_index (self->workers, i);
      g_thread_join (worker->thread);
      g_object_unref (worker->store);
      g_free (worker);
    }
  g_ptr_array_unref (self->workers);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->queued);
  g_free (self);
}

gboolean
mado_api_writer_run (MadoApiWriter *self, MadoApiWriterFunc func, gpointer user_data,
                     GError **error)
{
  Item item = { .func = func, .user_data = user_data };
  g_cond_init (&item.done_cond);
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->queue, &item);
  g_cond_signal (&self->queued);
  while (!item.done)
    g_cond_wait (&item.done_cond, &self->lock);
  g_mutex_unlock (&self->lock);
  g_cond_clear (&item.done_cond);
  if (!item.ok)
    {
      if (item.error != NULL)
        g_propagate_error (error, item.error);
      else
        g_set_error_literal (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_DATABASE,
                             "the write failed");
      return FALSE;
    }
  return TRUE;
}

/* ---- the nonce store over the writer ------------------------------------------------------------
 */

#define MADO_TYPE_API_NONCE_STORE (mado_api_nonce_store_get_type ())
G_DECLARE_FINAL_TYPE (MadoApiNonceStore, mado_api_nonce_store, MADO, API_NONCE_STORE, GObject)

struct _MadoApiNonceStore
{
  GObject parent_instance;
  MadoApiWriter *writer; /* borrowed: the API frees the nonce store first */
};

static void mado_api_nonce_store_iface_init (MadoNonceStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MadoApiNonceStore, mado_api_nonce_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_NONCE_STORE,
                                                      mado_api_nonce_store_iface_init))

typedef struct
{
  const guint8 *nonce;
  gint64 when;
  MadoNonceState state;
} NonceOp;

static gboolean
put_nonce (MadoRegistryStore *store, gpointer user_data, GError **error)
{
  NonceOp *op = user_data;
  return mado_registry_store_put_nonce (store, op->nonce, op->when, error);
}

static gboolean
take_nonce (MadoRegistryStore *store, gpointer user_data, GError **error)
{
  NonceOp *op = user_data;
  GError *local = NULL;
  op->state = mado_registry_store_take_nonce (store, op->nonce, op->when, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

static gboolean
api_nonce_put (MadoNonceStore *store, const guint8 *nonce, gint64 expires_at, GError **error)
{
  NonceOp op = { nonce, expires_at, MADO_NONCE_UNKNOWN };
  return mado_api_writer_run (MADO_API_NONCE_STORE (store)->writer, put_nonce, &op, error);
}

static MadoNonceState
api_nonce_take (MadoNonceStore *store, const guint8 *nonce, gint64 now, GError **error)
{
  NonceOp op = { nonce, now, MADO_NONCE_UNKNOWN };
  /* A take that commits is a nonce used: in a rolled-back batch it ran, and runs again alone. */
  if (!mado_api_writer_run (MADO_API_NONCE_STORE (store)->writer, take_nonce, &op, error))
    return MADO_NONCE_UNKNOWN;
  return op.state;
}

static void
mado_api_nonce_store_iface_init (MadoNonceStoreInterface *iface)
{
  iface->put = api_nonce_put;
  iface->take = api_nonce_take;
}

static void
mado_api_nonce_store_class_init (MadoApiNonceStoreClass *klass)
{
  (void)klass;
}

static void
mado_api_nonce_store_init (MadoApiNonceStore *self)
{
  (void)self;
}

MadoNonceStore *
mado_api_writer_nonce_store_new (MadoApiWriter *writer)
{
  MadoApiNonceStore *self = g_object_new (MADO_TYPE_API_NONCE_STORE, NULL);
  self->writer = writer;
  return MADO_NONCE_STORE (self);
}
