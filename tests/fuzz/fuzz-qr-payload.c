/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: the signed QR payload decoder. A QR code's text reaches it from a scanner
 * (typed like a keyboard) or from zbar: untrusted ASCII, or anything. The public key below is a
 * fixed test key; the seeds in corpus/qr-payload/ are signed with its private half (not kept),
 * so mutations of them reach the signature check.
 */
#include <string.h>

#include <openssl/pem.h>

#include "mado-print-error.h"
#include "mado-signed-qr.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const char test_public_key[]
    = "-----BEGIN PUBLIC KEY-----\n"
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqiD5iLtVSwMzJiAKCybsUNLajrWZ\n"
      "0Y3T9RE3CxM0wjA6jrfhEBG1Tboby886EWttnVzK6jBktqhW56cSr0/w/g==\n"
      "-----END PUBLIC KEY-----\n";

static GPtrArray *
keys (void)
{
  static GPtrArray *k;
  if (k == NULL)
    {
      BIO *bio = BIO_new_mem_buf (test_public_key, -1);
      EVP_PKEY *key = PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
      BIO_free (bio);
      g_assert (key != NULL);
      k = g_ptr_array_new ();
      g_ptr_array_add (k, key);
    }
  return k;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  /* the payload as a C string: bytes after a NUL are what a scanner would not type */
  char *text = g_strndup ((const char *)data, size);
  GError *error = NULL;
  MadoQrClaims *claims = mado_signed_qr_decode (text, keys (), &error);
  if (claims != NULL)
    {
      g_assert (error == NULL);
      g_assert (claims->kind != NULL && claims->issue_number != NULL && claims->date != NULL
                && claims->office != NULL && claims->key_id != NULL);
      g_assert (strlen (claims->date) == 10);
      mado_qr_claims_free (claims);
    }
  else
    {
      g_assert (error != NULL && error->domain == MADO_PRINT_ERROR);
      g_assert (error->code == MADO_PRINT_ERROR_NO_QR || error->code == MADO_PRINT_ERROR_TAMPERED
                || error->code == MADO_PRINT_ERROR_UNKNOWN_SIGNER);
      g_clear_error (&error);
    }
  /* with no key configured: never valid */
  claims = mado_signed_qr_decode (text, NULL, &error);
  g_assert (claims == NULL && error != NULL);
  g_clear_error (&error);
  g_free (text);
  return 0;
}
