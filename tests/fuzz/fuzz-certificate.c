/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: certificate handling in app/identity — the verifier (parse, issuer choice by
 * key, validity, usage), the signature certificate's attributes, the card link (by d2i_X509 and
 * by the strict parse), and a challenge signature check — on arbitrary bytes as a DER
 * certificate; and the same bytes as a SubjectPublicKeyInfo (mado_spki_public_key). The trust store
 * holds one root made at start (an RSA-2048 J-LIS-shaped root), so certificates that name it reach
 * the signature path.
 */
#include <openssl/x509v3.h>

#include "mado-card-link.h"
#include "mado-cert-parse.h"
#include "mado-cert-verifier.h"
#include "mado-jpki-attributes.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static MadoCertVerifier *verifier;

static void
init (void)
{
  EVP_PKEY *key = EVP_RSA_gen (2048);
  X509 *root = X509_new ();
  X509_set_version (root, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (root), 1);
  X509_gmtime_adj (X509_getm_notBefore (root), -86400);
  X509_gmtime_adj (X509_getm_notAfter (root), 86400L * 3650);
  X509_set_pubkey (root, key);
  X509_NAME *name = X509_get_subject_name (root);
  X509_NAME_add_entry_by_txt (name, "C", MBSTRING_ASC, (const unsigned char *)"JP", -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "O", MBSTRING_ASC, (const unsigned char *)"JPKI", -1, -1, 0);
  X509_set_issuer_name (root, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb (&ctx);
  X509V3_set_ctx (&ctx, root, root, NULL, NULL, 0);
  X509_EXTENSION *bc = X509V3_EXT_conf_nid (NULL, &ctx, NID_basic_constraints, "critical,CA:TRUE");
  X509_add_ext (root, bc, -1);
  X509_EXTENSION_free (bc);
  X509_sign (root, key, EVP_sha256 ());

  MadoTrustStore *store = mado_trust_store_new (TRUE);
  g_assert_true (mado_trust_store_add (store, root, "fuzz", NULL));
  MadoClock *clock = mado_system_clock_new ();
  verifier = mado_cert_verifier_new (store, clock);
  g_object_unref (clock);
  mado_trust_store_unref (store);
  X509_free (root);
  EVP_PKEY_free (key);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  if (verifier == NULL)
    init ();

  g_autoptr (GBytes) der = g_bytes_new (data, size);
  volatile gsize sink = 0;

  for (int purpose = MADO_CERT_PURPOSE_AUTH; purpose <= MADO_CERT_PURPOSE_SIGN; purpose++)
    {
      MadoVerdict *v = mado_cert_verifier_verify (verifier, der, (MadoCertPurpose)purpose,
                                                  MADO_CHECK_ALL, NULL);
      sink += (gsize)v->kind + strlen (v->detail != NULL ? v->detail : "");
      mado_verdict_free (v);
    }

  MadoJpkiAttributes *a = mado_jpki_attributes_from_certificate (der, NULL);
  if (a != NULL)
    {
      GPtrArray *m = mado_jpki_attributes_compare (a, "窓口　花子", "東京都", "1985-04-12", "2");
      sink += m->len;
      g_ptr_array_unref (m);
      mado_jpki_attributes_free (a);
    }

  char *link = mado_card_link_hash_der (der);
  sink += link != NULL ? strlen (link) : 0;
  g_free (link);

  GBytes *kid = NULL, *serial = NULL;
  if (mado_card_link_get_der (der, &kid, &serial))
    {
      sink += g_bytes_get_size (kid) + g_bytes_get_size (serial);
      g_bytes_unref (kid);
      g_bytes_unref (serial);
    }

  EVP_PKEY *key = mado_spki_public_key (data, size);
  if (key != NULL)
    {
      sink += (gsize)EVP_PKEY_get_bits (key);
      EVP_PKEY_free (key);
    }

  g_autoptr (GBytes) message = g_bytes_new_static ("challenge", 9);
  g_autoptr (GBytes) signature = g_bytes_new (data, MIN (size, (size_t)256));
  sink += (gsize)mado_signature_verify (der, message, signature);
  (void)sink;
  return 0;
}
