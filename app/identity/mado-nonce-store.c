/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-nonce-store.h"

#include <string.h>

G_DEFINE_INTERFACE (MadoNonceStore, mado_nonce_store, G_TYPE_OBJECT)

static void
mado_nonce_store_default_init (MadoNonceStoreInterface *iface)
{
}

gboolean
mado_nonce_store_put (MadoNonceStore *self, const guint8 *nonce, gint64 expires_at, GError **error)
{
  g_return_val_if_fail (MADO_IS_NONCE_STORE (self) && nonce != NULL, FALSE);
  return MADO_NONCE_STORE_GET_IFACE (self)->put (self, nonce, expires_at, error);
}

MadoNonceState
mado_nonce_store_take (MadoNonceStore *self, const guint8 *nonce, gint64 now, GError **error)
{
  g_return_val_if_fail (MADO_IS_NONCE_STORE (self) && nonce != NULL, MADO_NONCE_UNKNOWN);
  return MADO_NONCE_STORE_GET_IFACE (self)->take (self, nonce, now, error);
}

const char *
mado_nonce_state_to_string (MadoNonceState state)
{
  switch (state)
    {
    case MADO_NONCE_FRESH:
      return "fresh";
    case MADO_NONCE_USED:
      return "used";
    case MADO_NONCE_EXPIRED:
      return "expired";
    case MADO_NONCE_UNKNOWN:
    default:
      return "unknown";
    }
}

/* ---- in memory ------------------------------------------------------------------------ */

typedef struct
{
  gint64 expires_at;
  gboolean used; /* kept as a tombstone until it expires, to tell "used" from "unknown" */
} Entry;

struct _MadoMemoryNonceStore
{
  GObject parent_instance;
  GMutex lock;
  GHashTable *entries; /* GBytes (nonce) -> Entry */
};

static void memory_iface_init (MadoNonceStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MadoMemoryNonceStore, mado_memory_nonce_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_NONCE_STORE, memory_iface_init))

static void
purge_expired (MadoMemoryNonceStore *self, gint64 now)
{
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Entry *)value)->expires_at < now)
      g_hash_table_iter_remove (&iter);
}

static gboolean
memory_put (MadoNonceStore *store, const guint8 *nonce, gint64 expires_at, GError **error)
{
  MadoMemoryNonceStore *self = MADO_MEMORY_NONCE_STORE (store);
  Entry *entry = g_new0 (Entry, 1);
  entry->expires_at = expires_at;

  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->entries, g_bytes_new (nonce, MADO_NONCE_LENGTH), entry);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static MadoNonceState
memory_take (MadoNonceStore *store, const guint8 *nonce, gint64 now, GError **error)
{
  MadoMemoryNonceStore *self = MADO_MEMORY_NONCE_STORE (store);
  g_autoptr (GBytes) key = g_bytes_new (nonce, MADO_NONCE_LENGTH);
  MadoNonceState state;

  g_mutex_lock (&self->lock);
  /* Entries stay an hour past their expiry, so a late answer reads "expired", not "unknown". */
  purge_expired (self, now - 3600);
  Entry *entry = g_hash_table_lookup (self->entries, key);
  if (entry == NULL)
    state = MADO_NONCE_UNKNOWN;
  else if (entry->used)
    state = MADO_NONCE_USED;
  else if (now > entry->expires_at)
    state = MADO_NONCE_EXPIRED;
  else
    {
      entry->used = TRUE;
      state = MADO_NONCE_FRESH;
    }
  g_mutex_unlock (&self->lock);
  return state;
}

static void
memory_iface_init (MadoNonceStoreInterface *iface)
{
  iface->put = memory_put;
  iface->take = memory_take;
}

static void
mado_memory_nonce_store_finalize (GObject *object)
{
  MadoMemoryNonceStore *self = MADO_MEMORY_NONCE_STORE (object);
  g_hash_table_unref (self->entries);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (mado_memory_nonce_store_parent_class)->finalize (object);
}

static void
mado_memory_nonce_store_class_init (MadoMemoryNonceStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mado_memory_nonce_store_finalize;
}

static void
mado_memory_nonce_store_init (MadoMemoryNonceStore *self)
{
  g_mutex_init (&self->lock);
  self->entries
      = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, g_free);
}

MadoNonceStore *
mado_memory_nonce_store_new (void)
{
  return g_object_new (MADO_TYPE_MEMORY_NONCE_STORE, NULL);
}
