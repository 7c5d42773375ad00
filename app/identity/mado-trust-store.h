/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-trust-store.h — the roots a verifier trusts, pinned by the SHA-256 fingerprint of their
 * DER. The J-LIS roots of several generations share one subject name, so the store hands out
 * every root of a name and the verifier picks by key and signature.
 *
 * Production mode: every root loaded must be pinned; a root that is not is refused, and loading
 * fails naming it (the program says so at start). Test mode: unpinned roots are accepted as test
 * roots, and every verdict that relies on one says so.
 */
#pragma once

#include <glib.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

typedef struct
{
  X509 *certificate;
  EVP_PKEY *key;         /* borrowed from certificate */
  char *fingerprint;     /* lowercase hex SHA-256 of the DER */
  guint8 key_sha256[32]; /* SHA-256 of the SubjectPublicKeyInfo DER: names CRL indexes */
  char *source;          /* the file it came from */
  gboolean pinned;       /* FALSE: a test root (test mode only) */
} MadoTrustRoot;

typedef struct _MadoTrustStore MadoTrustStore;

MadoTrustStore *mado_trust_store_new (gboolean test_mode);
MadoTrustStore *mado_trust_store_ref (MadoTrustStore *self);
void mado_trust_store_unref (MadoTrustStore *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoTrustStore, mado_trust_store_unref)

gboolean mado_trust_store_get_test_mode (MadoTrustStore *self);

/* Pins a fingerprint (64 hex digits, colons and case ignored). Pin before loading. */
gboolean mado_trust_store_pin (MadoTrustStore *self, const char *fingerprint, GError **error);

/* Loads every *.pem, *.crt, *.cer and *.der in @dir (PEM files may hold several certificates).
 * Only self-signed CA certificates are roots; anything else is an error naming the file. */
gboolean mado_trust_store_load_dir (MadoTrustStore *self, const char *dir, GError **error);
gboolean mado_trust_store_add (MadoTrustStore *self, X509 *certificate, const char *source,
                               GError **error);

/* Every root whose subject equals @name, in load order (borrowed). */
GPtrArray *mado_trust_store_find_by_subject (MadoTrustStore *self, const X509_NAME *name);
/* The root whose key has this SHA-256 (borrowed), or NULL. */
const MadoTrustRoot *mado_trust_store_find_by_key (MadoTrustStore *self, const guint8 *key_sha256);
guint mado_trust_store_get_n_roots (MadoTrustStore *self);
const MadoTrustRoot *mado_trust_store_get_root (MadoTrustStore *self, guint index);

/* Lowercase hex SHA-256 of a certificate's DER. */
char *mado_certificate_fingerprint (X509 *certificate);
/* SHA-256 of a certificate's SubjectPublicKeyInfo DER. */
gboolean mado_certificate_key_sha256 (X509 *certificate, guint8 *out32);

G_END_DECLS
