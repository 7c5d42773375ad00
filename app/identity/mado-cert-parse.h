/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-cert-parse.h — private to app/identity: a strict DER parse of an X.509 certificate that
 * takes what verification needs and leaves the subject public key undecoded.
 *
 * Why: OpenSSL 3.0's d2i_X509() decodes the public key through its decoder framework at about
 * 70–90 µs a certificate — five times the cost of the RSA signature check itself — and the chain
 * check never needs the end entity's key (the root's key checks the signature over the TBS
 * bytes). The challenge signature, which does, takes the key from the SubjectPublicKeyInfo
 * bytes kept here (mado_spki_public_key: an RSA key in about 3 µs, without the decoders).
 * Every length is checked by ASN1_get_object(); anything short of well-formed DER is refused.
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

typedef struct
{
  const guint8 *tbs; /* the TBSCertificate, header included (what is signed) */
  gsize tbs_len;
  const EVP_MD *md;        /* the signature's digest (fetched once, not owned) */
  int key_type;            /* EVP_PKEY_RSA or EVP_PKEY_EC: what the signature algorithm needs */
  const guint8 *signature; /* the BIT STRING's bits */
  gsize signature_len;
  ASN1_INTEGER *serial;
  X509_NAME *issuer;
  X509_NAME *subject;
  const guint8 *spki; /* the SubjectPublicKeyInfo, header included (not checked here) */
  gsize spki_len;
  gint64 not_before; /* Unix seconds */
  gint64 not_after;
  guint32 key_usage; /* KU_* bits; UINT32_MAX when there is no key usage extension */
  gboolean ca;       /* basicConstraints cA */
  ASN1_OCTET_STRING *authority_key_id; /* the keyIdentifier, or NULL */
  const char *unsupported_critical;    /* a critical extension we do not understand, or NULL */
} MadoCertParsed;

/* NULL when @der is not one well-formed DER certificate (nothing may follow it). */
MadoCertParsed *mado_cert_parse (const guint8 *der, gsize len);
/* The same for @der's bytes; NULL when @der is NULL or empty. */
MadoCertParsed *mado_cert_parse_bytes (GBytes *der);
void mado_cert_parsed_free (MadoCertParsed *cert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoCertParsed, mado_cert_parsed_free)

/* An ASN1_TIME as Unix seconds; G_MININT64 when it is not a time. */
gint64 mado_asn1_time_to_unix (const ASN1_TIME *t);

/* Whether @key signed the certificate. */
gboolean mado_cert_parsed_verify (const MadoCertParsed *cert, EVP_PKEY *key);

/* The public key of a DER SubjectPublicKeyInfo (@spki, header included, nothing after it).
 * rsaEncryption (parameters NULL or absent) is walked strictly here — the BIT STRING without
 * unused bits holding RSAPublicKey { modulus, publicExponent }, both positive minimal INTEGERs,
 * nothing after either — and built with EVP_PKEY_fromdata(), not OpenSSL's decoder framework;
 * any other algorithm (EC) goes through d2i_PUBKEY(). NULL when malformed. */
EVP_PKEY *mado_spki_public_key (const guint8 *spki, gsize len);

G_END_DECLS
