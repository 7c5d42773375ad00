/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-outbox-crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "mado-openssl-private.h"
#include "mado-outbox-error.h"

struct _MadoOutboxKey
{
  guint8 bytes[MADO_OUTBOX_KEY_LENGTH];
  guint8 id[MADO_OUTBOX_KEY_ID_LENGTH];
};

static const char KEY_ID_LABEL[] = "mado-outbox key id/1";
static const char AAD_LABEL[] = "mado-outbox/1";

static gboolean
compute_key_id (MadoOutboxKey *key, GError **error)
{
  g_autoptr (EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;

  if (ctx == NULL || EVP_DigestInit_ex (ctx, EVP_sha256 (), NULL) != 1
      || EVP_DigestUpdate (ctx, KEY_ID_LABEL, sizeof KEY_ID_LABEL) != 1
      || EVP_DigestUpdate (ctx, key->bytes, sizeof key->bytes) != 1
      || EVP_DigestFinal_ex (ctx, digest, &digest_length) != 1)
    {
      g_set_error_literal (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_CRYPTO,
                           "SHA-256 failed while computing the key id");
      return FALSE;
    }
  memcpy (key->id, digest, sizeof key->id);
  explicit_bzero (digest, sizeof digest);
  return TRUE;
}

MadoOutboxKey *
mado_outbox_key_new (const guint8 *bytes, gsize length, GError **error)
{
  g_return_val_if_fail (bytes != NULL || length == 0, NULL);

  if (length != MADO_OUTBOX_KEY_LENGTH)
    {
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE,
                   "an outbox key is %d bytes, not %" G_GSIZE_FORMAT, MADO_OUTBOX_KEY_LENGTH,
                   length);
      return NULL;
    }
  g_autoptr (MadoOutboxKey) key = g_new0 (MadoOutboxKey, 1);
  memcpy (key->bytes, bytes, length);
  if (!compute_key_id (key, error))
    return NULL;
  return g_steal_pointer (&key);
}

MadoOutboxKey *
mado_outbox_key_generate (GError **error)
{
  guint8 bytes[MADO_OUTBOX_KEY_LENGTH];

  if (RAND_bytes (bytes, sizeof bytes) != 1)
    {
      g_set_error_literal (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_CRYPTO,
                           "the random number generator failed");
      return NULL;
    }
  MadoOutboxKey *key = mado_outbox_key_new (bytes, sizeof bytes, error);
  explicit_bzero (bytes, sizeof bytes);
  return key;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

MadoOutboxKey *
mado_outbox_key_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  /* 2 × 32 hex digits and a newline, plus one byte to notice a longer file. */
  char buffer[2 * MADO_OUTBOX_KEY_LENGTH + 2];
  guint8 bytes[MADO_OUTBOX_KEY_LENGTH];
  MadoOutboxKey *key = NULL;
  struct stat st;
  gsize length = 0;

  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE,
                   "%s: cannot open the outbox key file: %s", path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE,
                   "%s: the outbox key file is not a regular file", path);
      goto out;
    }
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE,
                   "%s: the outbox key file is open to its group or others (mode %03o); it "
                   "must be 0600 or 0400",
                   path, (unsigned)(st.st_mode & 0777));
      goto out;
    }
  while (length < sizeof buffer)
    {
      ssize_t n = read (fd, buffer + length, sizeof buffer - length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE,
                       "%s: cannot read the outbox key file: %s", path, g_strerror (saved));
          goto out;
        }
      if (n == 0)
        break;
      length += (gsize)n;
    }

  if (length == MADO_OUTBOX_KEY_LENGTH)
    key = mado_outbox_key_new ((const guint8 *)buffer, length, error);
  else if (length == 2 * MADO_OUTBOX_KEY_LENGTH
           || (length == 2 * MADO_OUTBOX_KEY_LENGTH + 1 && buffer[length - 1] == '\n'))
    {
      gboolean ok = TRUE;
      for (gsize i = 0; i < MADO_OUTBOX_KEY_LENGTH; i++)
        {
          int hi = hex_value (buffer[2 * i]);
          int lo = hex_value (buffer[2 * i + 1]);
          if (hi < 0 || lo < 0)
            {
              ok = FALSE;
              break;
            }
          bytes[i] = (guint8)(hi << 4 | lo);
        }
      if (ok)
        key = mado_outbox_key_new (bytes, sizeof bytes, error);
      else
        g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE,
                     "%s: the outbox key file is not 64 hexadecimal digits", path);
    }
  else
    g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE,
                 "%s: an outbox key file holds 64 hexadecimal digits or 32 bytes", path);

out:
  explicit_bzero (buffer, sizeof buffer);
  explicit_bzero (bytes, sizeof bytes);
  close (fd);
  return key;
}

gboolean
mado_outbox_key_save (const MadoOutboxKey *key, const char *path, GError **error)
{
  g_return_val_if_fail (key != NULL && path != NULL, FALSE);

  static const char digits[] = "0123456789abcdef";
  char text[2 * MADO_OUTBOX_KEY_LENGTH + 1];
  gboolean ok = FALSE;

  for (gsize i = 0; i < MADO_OUTBOX_KEY_LENGTH; i++)
    {
      text[2 * i] = digits[key->bytes[i] >> 4];
      text[2 * i + 1] = digits[key->bytes[i] & 0x0f];
    }
  text[sizeof text - 1] = '\n';

  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE,
                   "%s: cannot create the outbox key file: %s", path, g_strerror (saved));
      explicit_bzero (text, sizeof text);
      return FALSE;
    }
  gsize done = 0;
  while (done < sizeof text)
    {
      ssize_t n = write (fd, text + done, sizeof text - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (gsize)n;
    }
  if (done == sizeof text && fsync (fd) == 0)
    ok = TRUE;
  else
    g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE,
                 "%s: cannot write the outbox key file", path);
  close (fd);
  explicit_bzero (text, sizeof text);
  return ok;
}

const guint8 *
mado_outbox_key_get_id (const MadoOutboxKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);
  return key->id;
}

MadoOutboxKey *
mado_outbox_key_copy (const MadoOutboxKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);
  MadoOutboxKey *copy = g_new0 (MadoOutboxKey, 1);
  memcpy (copy, key, sizeof *copy);
  return copy;
}

void
mado_outbox_key_free (MadoOutboxKey *key)
{
  if (key == NULL)
    return;
  explicit_bzero (key, sizeof *key);
  g_free (key);
}

GBytes *
mado_outbox_aad_new (gint64 id, const char *kind, const char *idempotency_key)
{
  g_return_val_if_fail (kind != NULL && idempotency_key != NULL, NULL);

  GByteArray *aad = g_byte_array_new ();
  guint8 be[8];
  guint64 value = (guint64)id;

  g_byte_array_append (aad, (const guint8 *)AAD_LABEL, sizeof AAD_LABEL);
  for (int i = 7; i >= 0; i--)
    {
      be[i] = (guint8)(value & 0xff);
      value >>= 8;
    }
  g_byte_array_append (aad, be, sizeof be);
  g_byte_array_append (aad, (const guint8 *)kind, (guint)strlen (kind) + 1);
  g_byte_array_append (aad, (const guint8 *)idempotency_key, (guint)strlen (idempotency_key));
  return g_byte_array_free_to_bytes (aad);
}

static gboolean
crypto_failed (GError **error, const char *what)
{
  g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_CRYPTO, "AES-256-GCM: %s failed", what);
  return FALSE;
}

GBytes *
mado_outbox_seal (const MadoOutboxKey *key, GBytes *aad, const guint8 *plaintext, gsize length,
                  guint8 nonce[MADO_OUTBOX_NONCE_LENGTH], guint8 tag[MADO_OUTBOX_TAG_LENGTH],
                  GError **error)
{
  g_return_val_if_fail (key != NULL && aad != NULL, NULL);
  g_return_val_if_fail (plaintext != NULL || length == 0, NULL);

  if (length > G_MAXINT)
    {
      g_set_error_literal (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_INVALID,
                           "the payload is too large to seal");
      return NULL;
    }
  if (RAND_bytes (nonce, MADO_OUTBOX_NONCE_LENGTH) != 1)
    {
      crypto_failed (error, "drawing a nonce");
      return NULL;
    }

  g_autoptr (EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new ();
  gsize aad_length = 0;
  const guint8 *aad_data = g_bytes_get_data (aad, &aad_length);
  guint8 *out = g_malloc (length + 16);
  int n = 0;
  int total = 0;

  if (ctx == NULL || EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL) != 1
      || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, MADO_OUTBOX_NONCE_LENGTH, NULL) != 1
      || EVP_EncryptInit_ex (ctx, NULL, NULL, key->bytes, nonce) != 1
      || EVP_EncryptUpdate (ctx, NULL, &n, aad_data, (int)aad_length) != 1
      || EVP_EncryptUpdate (ctx, out, &n, plaintext, (int)length) != 1)
    {
      g_free (out);
      crypto_failed (error, "encryption");
      return NULL;
    }
  total = n;
  if (EVP_EncryptFinal_ex (ctx, out + total, &n) != 1
      || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, MADO_OUTBOX_TAG_LENGTH, tag) != 1)
    {
      g_free (out);
      crypto_failed (error, "finishing the encryption");
      return NULL;
    }
  total += n;
  g_assert ((gsize)total == length);
  return g_bytes_new_take (out, length);
}

char *
mado_outbox_unseal (const MadoOutboxKey *key, GBytes *aad, const guint8 *nonce,
                    const guint8 *ciphertext, gsize ciphertext_length, const guint8 *tag,
                    gsize *length, GError **error)
{
  g_return_val_if_fail (key != NULL && aad != NULL && nonce != NULL && tag != NULL, NULL);
  g_return_val_if_fail (ciphertext != NULL || ciphertext_length == 0, NULL);

  if (ciphertext_length > G_MAXINT - 16)
    {
      g_set_error_literal (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_TAMPERED,
                           "the sealed payload has an impossible length");
      return NULL;
    }

  g_autoptr (EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new ();
  gsize aad_length = 0;
  const guint8 *aad_data = g_bytes_get_data (aad, &aad_length);
  /* +16: room for a block, though GCM never needs it; +1: the NUL. */
  gsize capacity = ciphertext_length + 17;
  char *out = g_malloc (capacity);
  guint8 tag_copy[MADO_OUTBOX_TAG_LENGTH];
  int n = 0;
  int total = 0;

  memcpy (tag_copy, tag, sizeof tag_copy);
  if (ctx == NULL || EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL) != 1
      || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, MADO_OUTBOX_NONCE_LENGTH, NULL) != 1
      || EVP_DecryptInit_ex (ctx, NULL, NULL, key->bytes, nonce) != 1
      || EVP_DecryptUpdate (ctx, NULL, &n, aad_data, (int)aad_length) != 1
      || EVP_DecryptUpdate (ctx, (guint8 *)out, &n, ciphertext, (int)ciphertext_length) != 1
      || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, MADO_OUTBOX_TAG_LENGTH, tag_copy) != 1)
    {
      explicit_bzero (out, capacity);
      g_free (out);
      crypto_failed (error, "decryption");
      return NULL;
    }
  total = n;
  if (EVP_DecryptFinal_ex (ctx, (guint8 *)out + total, &n) != 1)
    {
      /* Unauthenticated plaintext never leaves this function. */
      explicit_bzero (out, capacity);
      g_free (out);
      g_set_error_literal (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_TAMPERED,
                           "the sealed payload does not authenticate (altered, or moved from "
                           "another record)");
      return NULL;
    }
  total += n;
  out[total] = '\0';
  if (length != NULL)
    *length = (gsize)total;
  return out;
}

void
mado_outbox_payload_free (char *payload)
{
  if (payload == NULL)
    return;
  explicit_bzero (payload, strlen (payload));
  g_free (payload);
}
