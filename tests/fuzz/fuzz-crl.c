/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: a CRL file (DER or PEM) through the streaming parser and the index build.
 *
 * The input is indexed as it is, with a fixed issuer key (its signature will not verify, so this
 * reaches every parsing path but not the writer). When OpenSSL can parse it too, the same list is
 * re-signed with the fixed key and indexed again, which reaches sorting, writing, opening and
 * lookups with whatever serials, dates and extensions the fuzzer made. Finally the input is
 * opened as an index file, for the index reader's header checks.
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mado-crl-index.h"
#include "mado-openssl-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static EVP_PKEY *key;
static char *dir, *crl_path, *resigned_path, *index_path;

static GPtrArray *
the_key (const guint8 *name, gsize name_len, const guint8 *aki, gsize aki_len, gpointer data)
{
  GPtrArray *keys = g_ptr_array_new ();
  g_ptr_array_add (keys, key);
  return keys;
}

static void
setup (void)
{
  if (key != NULL)
    return;
  key = EVP_EC_gen ("P-256"); /* fast to sign with, for the re-signed half */
  dir = g_dir_make_tmp ("fuzz-crl-XXXXXX", NULL);
  g_assert (key != NULL && dir != NULL);
  crl_path = g_build_filename (dir, "in.crl", NULL);
  resigned_path = g_build_filename (dir, "resigned.crl", NULL);
  index_path = g_build_filename (dir, "in.crlidx", NULL);
}

static void
exercise (MadoCrlIndex *index, X509_CRL *crl)
{
  STACK_OF (X509_REVOKED) *revoked = X509_CRL_get_REVOKED (crl);
  MadoRevocationAnswer answer = { 0 };
  for (int i = 0; i < sk_X509_REVOKED_num (revoked) && i < 4; i++)
    {
      const ASN1_INTEGER *serial
          = X509_REVOKED_get0_serialNumber (sk_X509_REVOKED_value (revoked, i));
      gint64 when;
      int reason;
      /* listed entries must be found (the parser accepted the list, so it kept them all) */
      g_assert_true (mado_crl_index_lookup (index, ASN1_STRING_get0_data (serial),
                                            (gsize)ASN1_STRING_length (serial), &when, &reason));
    }
  static const guint8 probes[][4] = { { 0 }, { 1 }, { 0x7F, 0xFF }, { 0x80, 0, 0, 1 } };
  for (gsize i = 0; i < G_N_ELEMENTS (probes); i++)
    {
      mado_crl_index_answer (index, probes[i], sizeof probes[i], 0, &answer);
      mado_crl_index_answer (index, probes[i], sizeof probes[i],
                             mado_crl_index_get_this_update (index), &answer);
    }
  mado_revocation_answer_clear (&answer);
  g_free (mado_crl_index_describe (index));
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  setup ();
  g_autoptr (GError) error = NULL;

  /* as it is */
  g_assert_true (g_file_set_contents (crl_path, (const char *)data, (gssize)size, NULL));
  g_unlink (index_path);
  MadoCrlIndex *index = mado_crl_index_build (crl_path, index_path, the_key, NULL, &error);
  g_assert_true (index == NULL && error != NULL);
  g_clear_error (&error);

  /* re-signed */
  const unsigned char *p = data;
  X509_CRL *crl = d2i_X509_CRL (NULL, &p, (long)size);
  if (crl != NULL && X509_CRL_sign (crl, key, EVP_sha256 ()) > 0)
    {
      unsigned char *der = NULL;
      int len = i2d_X509_CRL (crl, &der);
      if (len > 0)
        {
          g_assert_true (g_file_set_contents (resigned_path, (const char *)der, len, NULL));
          index = mado_crl_index_build (resigned_path, index_path, the_key, NULL, &error);
          if (index != NULL)
            {
              exercise (index, crl);
              mado_crl_index_unref (index);
              /* the same list again is not newer */
              index = mado_crl_index_build (resigned_path, index_path, the_key, NULL, &error);
              g_assert_null (index);
            }
          g_clear_error (&error);
        }
      OPENSSL_free (der);
    }
  X509_CRL_free (crl);

  /* as an index file */
  g_assert_true (g_file_set_contents (index_path, (const char *)data, (gssize)size, NULL));
  index = mado_crl_index_open (index_path, &error);
  if (index != NULL)
    {
      guint8 one = 1;
      mado_crl_index_lookup (index, &one, 1, NULL, NULL);
      mado_crl_index_unref (index);
    }
  g_clear_error (&error);
  g_unlink (index_path);
  g_unlink (crl_path);
  g_unlink (resigned_path);
  return 0;
}
