/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-outbox-crypto.h — the kiosk's outbox key and the sealing of one record's payload with it:
 * AES-256-GCM (OpenSSL EVP), a fresh random 96-bit nonce per record, a 128-bit tag, and the
 * record's id, kind and idempotency key as additional authenticated data (docs/outbox.md).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MADO_OUTBOX_KEY_LENGTH 32
#define MADO_OUTBOX_KEY_ID_LENGTH 16
#define MADO_OUTBOX_NONCE_LENGTH 12
#define MADO_OUTBOX_TAG_LENGTH 16

/* 32 secret bytes, kept in one allocation that is wiped when freed. */
typedef struct _MadoOutboxKey MadoOutboxKey;

/* @length must be MADO_OUTBOX_KEY_LENGTH (MADO_OUTBOX_ERROR_KEY_FILE otherwise). */
MadoOutboxKey *mado_outbox_key_new (const guint8 *bytes, gsize length, GError **error);
/* 32 bytes from OpenSSL's CSPRNG. */
MadoOutboxKey *mado_outbox_key_generate (GError **error);
/* A key file: 64 hexadecimal digits (an optional final newline), or 32 raw bytes. Refused
 * (MADO_OUTBOX_ERROR_KEY_FILE) when it is not a regular file, is a symbolic link, or grants any
 * permission to its group or to others (mode & 077). */
MadoOutboxKey *mado_outbox_key_load (const char *path, GError **error);
/* Writes @key as 64 hex digits and a newline to a new file of mode 0600 (never overwrites). */
gboolean mado_outbox_key_save (const MadoOutboxKey *key, const char *path, GError **error);
/* A 16-byte fingerprint (SHA-256 over a label and the key, truncated): tells a record sealed
 * with another key from an altered one, and reveals nothing of the key. Borrowed. */
const guint8 *mado_outbox_key_get_id (const MadoOutboxKey *key);
MadoOutboxKey *mado_outbox_key_copy (const MadoOutboxKey *key);
void mado_outbox_key_free (MadoOutboxKey *key);

/* The additional authenticated data of record @id: "mado-outbox/1" NUL, @id as 8 bytes
 * big-endian, @kind NUL, @idempotency_key. */
GBytes *mado_outbox_aad_new (gint64 id, const char *kind, const char *idempotency_key);

/* Seals @plaintext with a fresh nonce; @nonce and @tag receive theirs, the result is the
 * ciphertext (as long as @plaintext). The caller wipes its own plaintext. */
GBytes *mado_outbox_seal (const MadoOutboxKey *key, GBytes *aad, const guint8 *plaintext,
                          gsize length, guint8 nonce[MADO_OUTBOX_NONCE_LENGTH],
                          guint8 tag[MADO_OUTBOX_TAG_LENGTH], GError **error);
/* Opens a sealed payload: a new NUL-terminated buffer (*length without the NUL) that the caller
 * frees with mado_outbox_payload_free; MADO_OUTBOX_ERROR_TAMPERED when authentication fails. */
char *mado_outbox_unseal (const MadoOutboxKey *key, GBytes *aad, const guint8 *nonce,
                          const guint8 *ciphertext, gsize ciphertext_length, const guint8 *tag,
                          gsize *length, GError **error);

/* Wipes a decrypted payload (explicit_bzero) and frees it. NULL is fine. */
void mado_outbox_payload_free (char *payload);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoOutboxKey, mado_outbox_key_free)

G_END_DECLS
