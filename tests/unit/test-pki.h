/* SPDX-License-Identifier: GPL-3.0-or-later
 * test-pki.h — certificates made in-process for identity unit tests: J-LIS-shaped roots (several
 * generations of one name), end-entity certificates with every defect a test needs.
 */
#pragma once

#include <glib.h>
#include <openssl/x509.h>

typedef struct
{
  const char *subject_cn; /* end entity: CN; root: NULL */
  X509 *issuer;           /* NULL: self-signed root */
  EVP_PKEY *issuer_key;   /* the key that signs (may differ from issuer's: an impostor) */
  EVP_PKEY *key;          /* the subject's key */
  gint64 not_before;      /* Unix seconds */
  gint64 not_after;
  const char *key_usage; /* e.g. "critical,digitalSignature"; NULL: none */
  gboolean ca;           /* basicConstraints CA:TRUE */
  long serial;
  const char *root_ou;      /* for roots: the OU that names the purpose */
  const char *critical_oid; /* an extra critical extension of this OID (an unknown one) */
  GPtrArray *other_names;   /* of "OID=value" strings: otherName UTF8Strings (sign certificates) */
} TestCertSpec;

EVP_PKEY *test_pki_rsa_key (void);
EVP_PKEY *test_pki_ec_key (void);
X509 *test_pki_make (const TestCertSpec *spec);
GBytes *test_pki_der (X509 *cert);
/* A copy of @der with the last byte of the signature flipped. */
GBytes *test_pki_tamper (GBytes *der);
