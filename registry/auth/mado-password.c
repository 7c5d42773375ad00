/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mado-registry"

#include "mado-password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

#include "mado-registry-error.h"

#define SALT_BYTES 16
#define HASH_BYTES 32

static gboolean
derive (const char *password, const guint8 *salt, gsize salt_len, guint log2_n, guint r, guint p,
        guint8 out[HASH_BYTES])
{
  guint64 n = (guint64)1 << log2_n;
  /* scrypt needs 128·r·N bytes, plus room. */
  guint64 maxmem = 128 * (guint64)r * n + ((guint64)64 << 20);
  return EVP_PBE_scrypt (password, strlen (password), salt, salt_len, n, r, p, maxmem, out,
                         HASH_BYTES)
         == 1;
}

char *
mado_password_hash_with (const char *password, guint log2_n, GError **error)
{
  guint8 salt[SALT_BYTES], out[HASH_BYTES];

  g_return_val_if_fail (password != NULL, NULL);
  if (log2_n < 10 || log2_n > 20 || RAND_bytes (salt, sizeof salt) != 1
      || !derive (password, salt, sizeof salt, log2_n, 8, 1, out))
    {
      g_set_error_literal (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID,
                           "The password could not be hashed");
      return NULL;
    }
  g_autofree char *salt64 = g_base64_encode (salt, sizeof salt);
  g_autofree char *hash64 = g_base64_encode (out, sizeof out);
  explicit_bzero (out, sizeof out);
  return g_strdup_printf ("scrypt$%u$8$1$%s$%s", log2_n, salt64, hash64);
}

char *
mado_password_hash (const char *password, GError **error)
{
  return mado_password_hash_with (password, MADO_PASSWORD_SCRYPT_LOG2_N, error);
}

gboolean
mado_password_verify (const char *password, const char *stored)
{
  if (password == NULL || stored == NULL)
    return FALSE;
  g_auto (GStrv) parts = g_strsplit (stored, "$", 0);
  if (g_strv_length (parts) != 6 || strcmp (parts[0], "scrypt") != 0)
    return FALSE;
  guint64 log2_n = 0, r = 0, p = 0;
  if (!g_ascii_string_to_unsigned (parts[1], 10, 10, 20, &log2_n, NULL)
      || !g_ascii_string_to_unsigned (parts[2], 10, 1, 32, &r, NULL)
      || !g_ascii_string_to_unsigned (parts[3], 10, 1, 16, &p, NULL))
    return FALSE;
  gsize salt_len = 0, hash_len = 0;
  g_autofree guint8 *salt = g_base64_decode (parts[4], &salt_len);
  g_autofree guint8 *expected = g_base64_decode (parts[5], &hash_len);
  guint8 out[HASH_BYTES];
  if (salt_len < 8 || hash_len != HASH_BYTES
      || !derive (password, salt, salt_len, (guint)log2_n, (guint)r, (guint)p, out))
    return FALSE;
  gboolean ok = CRYPTO_memcmp (out, expected, HASH_BYTES) == 0;
  explicit_bzero (out, sizeof out);
  return ok;
}
