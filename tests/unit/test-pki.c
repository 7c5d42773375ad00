/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "test-pki.h"

#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

EVP_PKEY *
test_pki_rsa_key (void)
{
  EVP_PKEY *key = EVP_RSA_gen (2048);
  g_assert_nonnull (key);
  return key;
}

EVP_PKEY *
test_pki_ec_key (void)
{
  EVP_PKEY *key = EVP_EC_gen ("P-384");
  g_assert_nonnull (key);
  return key;
}

static void
add_ext (X509 *cert, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb (&ctx);
  X509V3_set_ctx (&ctx, issuer != NULL ? issuer : cert, cert, NULL, NULL, 0);
  X509_EXTENSION *ext = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);
  g_assert_nonnull (ext);
  X509_add_ext (cert, ext, -1);
  X509_EXTENSION_free (ext);
}

X509 *
test_pki_make (const TestCertSpec *spec)
{
  X509 *cert = X509_new ();
  X509_set_version (cert, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (cert), spec->serial != 0 ? spec->serial : 1);
  ASN1_TIME_set (X509_getm_notBefore (cert), (time_t)spec->not_before);
  ASN1_TIME_set (X509_getm_notAfter (cert), (time_t)spec->not_after);
  X509_set_pubkey (cert, spec->key);

  X509_NAME *name = X509_NAME_new ();
  X509_NAME_add_entry_by_txt (name, "C", MBSTRING_ASC, (const unsigned char *)"JP", -1, -1, 0);
  if (spec->subject_cn != NULL)
    X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC, (const unsigned char *)spec->subject_cn,
                                -1, -1, 0);
  else
    {
      X509_NAME_add_entry_by_txt (name, "O", MBSTRING_ASC, (const unsigned char *)"JPKI-TEST", -1,
                                  -1, 0);
      X509_NAME_add_entry_by_txt (name, "OU", MBSTRING_ASC, (const unsigned char *)spec->root_ou,
                                  -1, -1, 0);
    }
  X509_set_subject_name (cert, name);
  X509_set_issuer_name (cert, spec->issuer != NULL ? X509_get_subject_name (spec->issuer) : name);
  X509_NAME_free (name);

  add_ext (cert, spec->issuer, NID_subject_key_identifier, "hash");
  if (spec->issuer != NULL)
    add_ext (cert, spec->issuer, NID_authority_key_identifier, "keyid:always");
  add_ext (cert, spec->issuer, NID_basic_constraints, spec->ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (spec->key_usage != NULL)
    add_ext (cert, spec->issuer, NID_key_usage, spec->key_usage);
  if (spec->other_names != NULL && spec->other_names->len > 0)
    {
      /* otherName entries with UTF8String values, built by hand: a config string would split
       * on the commas and read the bytes as Latin-1 */
      GENERAL_NAMES *names = sk_GENERAL_NAME_new_null ();
      for (guint i = 0; i < spec->other_names->len; i++)
        {
          const char *entry = g_ptr_array_index (spec->other_names, i);
          const char *eq = strchr (entry, '=');
          g_assert_nonnull (eq);
          g_autofree char *oid_text = g_strndup (entry, (gsize)(eq - entry));
          ASN1_OBJECT *oid = OBJ_txt2obj (oid_text, 1);
          ASN1_TYPE *value = ASN1_TYPE_new ();
          ASN1_UTF8STRING *text = ASN1_UTF8STRING_new ();
          ASN1_STRING_set (text, eq + 1, -1);
          ASN1_TYPE_set (value, V_ASN1_UTF8STRING, text);
          GENERAL_NAME *gn = GENERAL_NAME_new ();
          g_assert_cmpint (GENERAL_NAME_set0_othername (gn, oid, value), ==, 1);
          sk_GENERAL_NAME_push (names, gn);
        }
      g_assert_cmpint (X509_add1_ext_i2d (cert, NID_subject_alt_name, names, 0, 0), ==, 1);
      GENERAL_NAMES_free (names);
    }

  if (spec->critical_oid != NULL)
    {
      ASN1_OBJECT *oid = OBJ_txt2obj (spec->critical_oid, 1);
      ASN1_OCTET_STRING *value = ASN1_OCTET_STRING_new ();
      ASN1_OCTET_STRING_set (value, (const unsigned char *)"\x05\x00", 2); /* NULL */
      X509_EXTENSION *ext = X509_EXTENSION_create_by_OBJ (NULL, oid, 1, value);
      X509_add_ext (cert, ext, -1);
      X509_EXTENSION_free (ext);
      ASN1_OCTET_STRING_free (value);
      ASN1_OBJECT_free (oid);
    }

  EVP_PKEY *signer = spec->issuer_key != NULL ? spec->issuer_key : spec->key;
  const EVP_MD *md = EVP_PKEY_get_base_id (signer) == EVP_PKEY_EC ? EVP_sha384 () : EVP_sha256 ();
  g_assert_cmpint (X509_sign (cert, signer, md), >, 0);
  return cert;
}

GBytes *
test_pki_der (X509 *cert)
{
  unsigned char *der = NULL;
  int len = i2d_X509 (cert, &der);
  g_assert_cmpint (len, >, 0);
  GBytes *out = g_bytes_new (der, (gsize)len);
  OPENSSL_free (der);
  return out;
}

GBytes *
test_pki_tamper (GBytes *der)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);
  guint8 *copy = g_memdup2 (data, len);
  copy[len - 1] ^= 0x01; /* the signature BIT STRING ends the certificate */
  return g_bytes_new_take (copy, len);
}
