/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-password.h — clerks' passwords, stored as a slow salted hash: scrypt (OpenSSL's
 * EVP_PBE_scrypt), N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s a guess on one core), a 16-byte
 * random salt, 32 bytes out. The stored form names its parameters, so they can grow later:
 *   scrypt$15$8$1$<salt, base64>$<hash, base64>
 * Verification is constant-time; a malformed stored hash never verifies.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The cost used for new hashes (log2 N); tests may pass a lower one to mado_password_hash_with. */
#define MADO_PASSWORD_SCRYPT_LOG2_N 15

char *mado_password_hash (const char *password, GError **error);
char *mado_password_hash_with (const char *password, guint log2_n, GError **error);
gboolean mado_password_verify (const char *password, const char *stored);

G_END_DECLS
