/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-cert-parse.h"

#include <openssl/core_names.h>
#include <openssl/x509v3.h>

#include "mado-openssl-private.h"

/* One DER element at *p (at most *left bytes): its tag, class, content and whole span. Refuses
 * errors, indefinite lengths and lengths past the end. Advances past the element. */
typedef struct
{
  int tag;
  int cls;
  gboolean constructed;
  const guint8 *content;
  gsize content_len;
  const guint8 *whole;
  gsize whole_len;
} Element;

static gboolean
next (const guint8 **p, gsize *left, Element *e)
{
  const unsigned char *q = *p;
  long len = 0;
  if (*left == 0 || *left > G_MAXLONG)
    return FALSE;
  int r = ASN1_get_object (&q, &len, &e->tag, &e->cls, (long)*left);
  if ((r & 0x80) != 0 || r == 0x21 || len < 0)
    return FALSE;
  gsize header = (gsize)(q - *p);
  if (header > *left || (gsize)len > *left - header)
    return FALSE;
  e->constructed = (r & V_ASN1_CONSTRUCTED) != 0;
  e->content = q;
  e->content_len = (gsize)len;
  e->whole = *p;
  e->whole_len = header + (gsize)len;
  *p += e->whole_len;
  *left -= e->whole_len;
  return TRUE;
}

static gboolean
expect (const guint8 **p, gsize *left, int tag, int cls, Element *e)
{
  return next (p, left, e) && e->tag == tag && e->cls == cls;
}

gint64
mado_asn1_time_to_unix (const ASN1_TIME *t)
{
  struct tm tm = { 0 };
  if (t == NULL || ASN1_TIME_to_tm (t, &tm) != 1)
    return G_MININT64;
  g_autoptr (GDateTime) dt = g_date_time_new_utc (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                                                  tm.tm_hour, tm.tm_min, tm.tm_sec);
  return dt != NULL ? g_date_time_to_unix (dt) : G_MININT64;
}

static gint64
time_of (const Element *e)
{
  const unsigned char *q = e->whole;
  g_autoptr (ASN1_TIME) t = d2i_ASN1_TIME (NULL, &q, (long)e->whole_len);
  return mado_asn1_time_to_unix (t);
}

/* The digests, fetched once: an implicit fetch per call costs locks in OpenSSL 3. */
static const EVP_MD *
digest (int nid)
{
  static EVP_MD *sha256, *sha384, *sha512;
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      sha256 = EVP_MD_fetch (NULL, "SHA2-256", NULL);
      sha384 = EVP_MD_fetch (NULL, "SHA2-384", NULL);
      sha512 = EVP_MD_fetch (NULL, "SHA2-512", NULL);
      g_once_init_leave (&once, 1);
    }
  switch (nid)
    {
    case NID_sha256WithRSAEncryption:
    case NID_ecdsa_with_SHA256:
      return sha256;
    case NID_sha384WithRSAEncryption:
    case NID_ecdsa_with_SHA384:
      return sha384;
    case NID_sha512WithRSAEncryption:
    case NID_ecdsa_with_SHA512:
      return sha512;
    default:
      return NULL;
    }
}

void
mado_cert_parsed_free (MadoCertParsed *cert)
{
  if (cert == NULL)
    return;
  ASN1_INTEGER_free (cert->serial);
  X509_NAME_free (cert->issuer);
  X509_NAME_free (cert->subject);
  ASN1_OCTET_STRING_free (cert->authority_key_id);
  g_free (cert);
}

static gboolean
parse_extension (MadoCertParsed *c, const Element *ext)
{
  const guint8 *p = ext->content;
  gsize left = ext->content_len;
  Element oid, value, e;
  gboolean critical = FALSE;

  if (!expect (&p, &left, V_ASN1_OBJECT, V_ASN1_UNIVERSAL, &oid))
    return FALSE;
  if (!next (&p, &left, &e))
    return FALSE;
  if (e.tag == V_ASN1_BOOLEAN && e.cls == V_ASN1_UNIVERSAL)
    {
      if (e.content_len != 1)
        return FALSE;
      critical = e.content[0] != 0;
      if (!expect (&p, &left, V_ASN1_OCTET_STRING, V_ASN1_UNIVERSAL, &value))
        return FALSE;
    }
  else if (e.tag == V_ASN1_OCTET_STRING && e.cls == V_ASN1_UNIVERSAL)
    value = e;
  else
    return FALSE;
  if (left != 0)
    return FALSE;

  const unsigned char *q = oid.whole;
  g_autoptr (ASN1_OBJECT) obj = d2i_ASN1_OBJECT (NULL, &q, (long)oid.whole_len);
  int nid = obj != NULL ? OBJ_obj2nid (obj) : NID_undef;
  const unsigned char *v = value.content;
  long vlen = (long)value.content_len;

  switch (nid)
    {
    case NID_key_usage:
      {
        g_autoptr (ASN1_BIT_STRING) bits = d2i_ASN1_BIT_STRING (NULL, &v, vlen);
        if (bits == NULL)
          return FALSE;
        c->key_usage = 0;
        int n = ASN1_STRING_length (bits);
        const unsigned char *d = ASN1_STRING_get0_data (bits);
        if (n > 0)
          c->key_usage = d[0];
        if (n > 1)
          c->key_usage |= (guint32)d[1] << 8;
        return TRUE;
      }
    case NID_basic_constraints:
      {
        g_autoptr (BASIC_CONSTRAINTS) bc = d2i_BASIC_CONSTRAINTS (NULL, &v, vlen);
        if (bc == NULL)
          return FALSE;
        c->ca = bc->ca != 0;
        return TRUE;
      }
    case NID_authority_key_identifier:
      {
        g_autoptr (AUTHORITY_KEYID) akid = d2i_AUTHORITY_KEYID (NULL, &v, vlen);
        if (akid == NULL)
          return FALSE;
        if (akid->keyid != NULL)
          c->authority_key_id = ASN1_OCTET_STRING_dup (akid->keyid);
        return TRUE;
      }
    case NID_subject_key_identifier:
    case NID_subject_alt_name:
    case NID_issuer_alt_name:
    case NID_certificate_policies:
    case NID_crl_distribution_points:
    case NID_ext_key_usage:
    case NID_info_access:
      return TRUE; /* known; not needed for the judgement */
    default:
      if (critical && c->unsupported_critical == NULL)
        c->unsupported_critical = "an unsupported critical extension";
      return TRUE;
    }
}

MadoCertParsed *
mado_cert_parse (const guint8 *der, gsize len)
{
  g_autoptr (MadoCertParsed) c = g_new0 (MadoCertParsed, 1);
  const guint8 *p = der;
  gsize left = len;
  Element cert, tbs, alg_outer, sig, e;

  c->key_usage = UINT32_MAX;
  if (der == NULL || !expect (&p, &left, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &cert) || left != 0)
    return NULL;

  p = cert.content;
  left = cert.content_len;
  if (!expect (&p, &left, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &tbs)
      || !expect (&p, &left, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &alg_outer)
      || !expect (&p, &left, V_ASN1_BIT_STRING, V_ASN1_UNIVERSAL, &sig) || left != 0)
    return NULL;
  if (sig.content_len < 2 || sig.content[0] != 0) /* no unused bits in a signature */
    return NULL;
  c->tbs = tbs.whole;
  c->tbs_len = tbs.whole_len;
  c->signature = sig.content + 1;
  c->signature_len = sig.content_len - 1;

  const unsigned char *q = alg_outer.whole;
  g_autoptr (X509_ALGOR) algor = d2i_X509_ALGOR (NULL, &q, (long)alg_outer.whole_len);
  if (algor == NULL)
    return NULL;
  int nid = OBJ_obj2nid (algor->algorithm);
  c->md = digest (nid);
  c->key_type
      = nid == NID_ecdsa_with_SHA256 || nid == NID_ecdsa_with_SHA384 || nid == NID_ecdsa_with_SHA512
            ? EVP_PKEY_EC
            : EVP_PKEY_RSA;

  /* TBSCertificate */
  p = tbs.content;
  left = tbs.content_len;
  if (!next (&p, &left, &e))
    return NULL;
  if (e.cls == V_ASN1_CONTEXT_SPECIFIC && e.tag == 0) /* [0] version */
    {
      if (!next (&p, &left, &e))
        return NULL;
    }
  if (e.tag != V_ASN1_INTEGER || e.cls != V_ASN1_UNIVERSAL)
    return NULL;
  q = e.whole;
  c->serial = d2i_ASN1_INTEGER (NULL, &q, (long)e.whole_len);
  Element alg_inner, issuer, validity, subject, spki;
  if (c->serial == NULL || !expect (&p, &left, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &alg_inner)
      || alg_inner.whole_len != alg_outer.whole_len
      || memcmp (alg_inner.whole, alg_outer.whole, alg_inner.whole_len) != 0
      || !expect (&p, &left, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &issuer)
      || !expect (&p, &left, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &validity)
      || !expect (&p, &left, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &subject)
      || !expect (&p, &left, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &spki))
    return NULL;
  c->spki = spki.whole;
  c->spki_len = spki.whole_len;
  q = issuer.whole;
  c->issuer = d2i_X509_NAME (NULL, &q, (long)issuer.whole_len);
  q = subject.whole;
  c->subject = d2i_X509_NAME (NULL, &q, (long)subject.whole_len);
  if (c->issuer == NULL || c->subject == NULL)
    return NULL;

  const guint8 *vp = validity.content;
  gsize vleft = validity.content_len;
  Element t1, t2;
  if (!next (&vp, &vleft, &t1) || !next (&vp, &vleft, &t2) || vleft != 0)
    return NULL;
  c->not_before = time_of (&t1);
  c->not_after = time_of (&t2);
  if (c->not_before == G_MININT64 || c->not_after == G_MININT64)
    return NULL;

  /* [1] issuerUniqueID, [2] subjectUniqueID, [3] extensions */
  while (left > 0)
    {
      if (!next (&p, &left, &e) || e.cls != V_ASN1_CONTEXT_SPECIFIC)
        return NULL;
      if (e.tag != 3)
        continue;
      const guint8 *xp = e.content;
      gsize xleft = e.content_len;
      Element list, ext;
      if (!expect (&xp, &xleft, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &list) || xleft != 0)
        return NULL;
      xp = list.content;
      xleft = list.content_len;
      while (xleft > 0)
        if (!expect (&xp, &xleft, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &ext)
            || !parse_extension (c, &ext))
          return NULL;
    }
  return g_steal_pointer (&c);
}

MadoCertParsed *
mado_cert_parse_bytes (GBytes *der)
{
  gsize len = 0;
  const guint8 *data = der != NULL ? g_bytes_get_data (der, &len) : NULL;
  return len > 0 ? mado_cert_parse (data, len) : NULL;
}

gboolean
mado_cert_parsed_verify (const MadoCertParsed *cert, EVP_PKEY *key)
{
  if (cert->md == NULL || EVP_PKEY_get_base_id (key) != cert->key_type)
    return FALSE;
  g_autoptr (EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  EVP_PKEY_CTX *pctx = NULL;
  if (ctx == NULL || EVP_DigestVerifyInit (ctx, &pctx, cert->md, NULL, key) != 1)
    return FALSE;
  if (cert->key_type == EVP_PKEY_RSA && EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PADDING) != 1)
    return FALSE;
  return EVP_DigestVerify (ctx, cert->signature, cert->signature_len, cert->tbs, cert->tbs_len)
         == 1;
}

/* ---- the subject public key ---------------------------------------------------------- */

/* rsaEncryption, 1.2.840.113549.1.1.1: the OBJECT IDENTIFIER's content octets */
static const guint8 rsa_encryption[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };

/* The modulus may have up to 16384 bits (OpenSSL's own limit for RSA). */
#define MAX_RSA_BYTES 2048

/* A positive DER INTEGER's magnitude (minimal encoding, not zero), at most @max bytes. */
static gboolean
positive_integer (const guint8 **p, gsize *left, gsize max, const guint8 **magnitude,
                  gsize *magnitude_len)
{
  Element e;
  if (!expect (p, left, V_ASN1_INTEGER, V_ASN1_UNIVERSAL, &e) || e.constructed || e.content_len == 0
      || (e.content[0] & 0x80) != 0)
    return FALSE;
  const guint8 *m = e.content;
  gsize n = e.content_len;
  if (m[0] == 0)
    {
      if (n == 1 || (m[1] & 0x80) == 0) /* zero, or not minimal */
        return FALSE;
      m++;
      n--;
    }
  if (n > max)
    return FALSE;
  *magnitude = m;
  *magnitude_len = n;
  return TRUE;
}

/* OSSL_PARAM_construct_BN() takes an unsigned integer in the machine's byte order. */
static void
to_native (guint8 *out, const guint8 *big_endian, gsize len)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  for (gsize i = 0; i < len; i++)
    out[i] = big_endian[len - 1 - i];
#else
  memcpy (out, big_endian, len);
#endif
}

static EVP_PKEY *
rsa_public_key (const Element *bits)
{
  /* BIT STRING: no unused bits, then RSAPublicKey ::= SEQUENCE { modulus, publicExponent } */
  if (bits->constructed || bits->content_len < 1 || bits->content[0] != 0)
    return NULL;
  const guint8 *p = bits->content + 1;
  gsize left = bits->content_len - 1;
  Element seq;
  if (!expect (&p, &left, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &seq) || left != 0)
    return NULL;
  p = seq.content;
  left = seq.content_len;
  const guint8 *n = NULL, *e = NULL;
  gsize n_len = 0, e_len = 0;
  if (!positive_integer (&p, &left, MAX_RSA_BYTES, &n, &n_len)
      || !positive_integer (&p, &left, n_len, &e, &e_len) || left != 0)
    return NULL;

  g_autofree guint8 *native = g_malloc (n_len + e_len);
  to_native (native, n, n_len);
  to_native (native + n_len, e, e_len);
  OSSL_PARAM params[] = {
    OSSL_PARAM_construct_BN (OSSL_PKEY_PARAM_RSA_N, native, n_len),
    OSSL_PARAM_construct_BN (OSSL_PKEY_PARAM_RSA_E, native + n_len, e_len),
    OSSL_PARAM_construct_end (),
  };
  g_autoptr (EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new_from_name (NULL, "RSA", NULL);
  EVP_PKEY *key = NULL;
  if (ctx == NULL || EVP_PKEY_fromdata_init (ctx) != 1
      || EVP_PKEY_fromdata (ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
    return NULL;
  return key;
}

EVP_PKEY *
mado_spki_public_key (const guint8 *spki, gsize len)
{
  const guint8 *p = spki;
  gsize left = len;
  Element outer, alg, bits, oid, params;

  if (spki == NULL || !expect (&p, &left, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &outer) || left != 0)
    return NULL;
  p = outer.content;
  left = outer.content_len;
  if (!expect (&p, &left, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, &alg)
      || !expect (&p, &left, V_ASN1_BIT_STRING, V_ASN1_UNIVERSAL, &bits) || left != 0)
    return NULL;
  p = alg.content;
  left = alg.content_len;
  if (!expect (&p, &left, V_ASN1_OBJECT, V_ASN1_UNIVERSAL, &oid))
    return NULL;

  if (oid.content_len == sizeof rsa_encryption
      && memcmp (oid.content, rsa_encryption, sizeof rsa_encryption) == 0)
    {
      /* parameters: NULL (RFC 3279), or absent as OpenSSL also accepts */
      if (left != 0
          && (!expect (&p, &left, V_ASN1_NULL, V_ASN1_UNIVERSAL, &params) || params.content_len != 0
              || left != 0))
        return NULL;
      return rsa_public_key (&bits);
    }

  /* Anything else (EC: the next card generation) through OpenSSL's decoders. */
  const unsigned char *q = spki;
  EVP_PKEY *key = d2i_PUBKEY (NULL, &q, (long)len);
  if (key != NULL && q != spki + len)
    g_clear_pointer (&key, EVP_PKEY_free);
  return key;
}
