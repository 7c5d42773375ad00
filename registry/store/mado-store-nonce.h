/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-store-nonce.h — MadoRegistryNonceStore: app/identity's MadoNonceStore on the registry's
 * database (put_nonce / take_nonce of MadoRegistryStore), so every registry process, on every
 * host, shares one set of challenges and a challenge is answered FRESH at most once among them.
 * docs/registry-storage.md, "Challenge nonces".
 */
#pragma once

#include "mado-nonce-store.h"
#include "mado-registry-store.h"

G_BEGIN_DECLS

#define MADO_TYPE_REGISTRY_NONCE_STORE (mado_registry_nonce_store_get_type ())
G_DECLARE_FINAL_TYPE (MadoRegistryNonceStore, mado_registry_nonce_store, MADO, REGISTRY_NONCE_STORE,
                      GObject)

/* A nonce store on @store (a reference is kept). Its calls block on the database like the
 * store's and, made inside run_in_transaction() on the same store, join that transaction: a
 * rollback then gives the nonce back unused. Check a challenge outside any transaction unless
 * that is what is wanted. */
MadoNonceStore *mado_registry_nonce_store_new (MadoRegistryStore *store);

G_END_DECLS
