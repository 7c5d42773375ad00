/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-store-nonce.c — MadoRegistryNonceStore: the MadoNonceStore interface forwarded to the
 * registry store's nonce table.
 */
#include "mado-store-nonce.h"

struct _MadoRegistryNonceStore
{
  GObject parent_instance;
  MadoRegistryStore *store;
};

static void mado_registry_nonce_store_iface_init (MadoNonceStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MadoRegistryNonceStore, mado_registry_nonce_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_NONCE_STORE,
                                                      mado_registry_nonce_store_iface_init))

static gboolean
registry_nonce_put (MadoNonceStore *store, const guint8 *nonce, gint64 expires_at, GError **error)
{
  MadoRegistryNonceStore *self = MADO_REGISTRY_NONCE_STORE (store);
  return mado_registry_store_put_nonce (self->store, nonce, expires_at, error);
}

static MadoNonceState
registry_nonce_take (MadoNonceStore *store, const guint8 *nonce, gint64 now, GError **error)
{
  MadoRegistryNonceStore *self = MADO_REGISTRY_NONCE_STORE (store);
  return mado_registry_store_take_nonce (self->store, nonce, now, error);
}

static void
mado_registry_nonce_store_iface_init (MadoNonceStoreInterface *iface)
{
  iface->put = registry_nonce_put;
  iface->take = registry_nonce_take;
}

static void
mado_registry_nonce_store_dispose (GObject *object)
{
  MadoRegistryNonceStore *self = MADO_REGISTRY_NONCE_STORE (object);

  g_clear_object (&self->store);
  G_OBJECT_CLASS (mado_registry_nonce_store_parent_class)->dispose (object);
}

static void
mado_registry_nonce_store_class_init (MadoRegistryNonceStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mado_registry_nonce_store_dispose;
}

static void
mado_registry_nonce_store_init (MadoRegistryNonceStore *self)
{
}

MadoNonceStore *
mado_registry_nonce_store_new (MadoRegistryStore *store)
{
  MadoRegistryNonceStore *self;

  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (store), NULL);
  self = g_object_new (MADO_TYPE_REGISTRY_NONCE_STORE, NULL);
  self->store = g_object_ref (store);
  return MADO_NONCE_STORE (self);
}
