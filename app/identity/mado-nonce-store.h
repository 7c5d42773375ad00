/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-nonce-store.h — remembers the challenges a verifier issued until each is used once or
 * expires. An interface: the registry plugs in its database (shared by several processes);
 * MadoMemoryNonceStore serves one process (the kiosk's local verifier, `mado-card login`, tests).
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MADO_NONCE_LENGTH 32

typedef enum
{
  MADO_NONCE_FRESH,   /* issued, not used, not expired: now consumed */
  MADO_NONCE_UNKNOWN, /* never issued here */
  MADO_NONCE_USED,    /* already consumed once */
  MADO_NONCE_EXPIRED, /* issued, but its time is up */
} MadoNonceState;

#define MADO_TYPE_NONCE_STORE (mado_nonce_store_get_type ())
G_DECLARE_INTERFACE (MadoNonceStore, mado_nonce_store, MADO, NONCE_STORE, GObject)

struct _MadoNonceStoreInterface
{
  GTypeInterface parent_iface;

  /* Remembers @nonce until @expires_at (Unix seconds). */
  gboolean (*put) (MadoNonceStore *self, const guint8 *nonce, gint64 expires_at, GError **error);
  /* Atomically consumes @nonce at @now: returns what it was. A store must answer FRESH at most
   * once per nonce, even with several processes asking at the same moment. */
  MadoNonceState (*take) (MadoNonceStore *self, const guint8 *nonce, gint64 now, GError **error);
};

gboolean mado_nonce_store_put (MadoNonceStore *self, const guint8 *nonce, gint64 expires_at,
                               GError **error);
MadoNonceState mado_nonce_store_take (MadoNonceStore *self, const guint8 *nonce, gint64 now,
                                      GError **error);
const char *mado_nonce_state_to_string (MadoNonceState state);

#define MADO_TYPE_MEMORY_NONCE_STORE (mado_memory_nonce_store_get_type ())
G_DECLARE_FINAL_TYPE (MadoMemoryNonceStore, mado_memory_nonce_store, MADO, MEMORY_NONCE_STORE,
                      GObject)
MadoNonceStore *mado_memory_nonce_store_new (void);

G_END_DECLS
