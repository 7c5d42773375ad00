/* SPDX-License-Identifier: GPL-3.0-or-later
 * app/identity: the certificate verifier, trust store modes, challenges, the subject public key
 * taken without d2i_X509, the signature certificate's attributes and the card link — on
 * certificates made in-process (test-pki.c).
 */
#include <glib/gstdio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "mado-card-link.h"
#include "mado-cert-parse.h"
#include "mado-challenge.h"
#include "mado-identity-error.h"
#include "mado-jpki-attributes.h"
#include "mado-openssl-private.h"
#include "mado-trust-store.h"
#include "test-pki.h"

#define NOW ((gint64)1795000000) /* 2026-11-18 */
#define DAY ((gint64)86400)
#define YEAR (365 * DAY)
#define AUTH_OU "JPKI for user authentication"

typedef struct
{
  EVP_PKEY *root_key[3];
  X509 *root[3]; /* three generations, one name */
  EVP_PKEY *impostor_key;
  X509 *impostor;   /* the same name, another key: never trusted */
  X509 *other_root; /* another name: never trusted */
  EVP_PKEY *ee_key;
  EVP_PKEY *ec_root_key, *ec_key;
  X509 *ec_root;
} Pki;

static Pki pki;

static X509 *
make_root (EVP_PKEY *key, const char *ou, gint64 from, gint64 to)
{
  TestCertSpec spec = { .key = key,
                        .not_before = from,
                        .not_after = to,
                        .ca = TRUE,
                        .key_usage = "critical,keyCertSign,cRLSign",
                        .root_ou = ou };
  return test_pki_make (&spec);
}

static void
pki_init (void)
{
  for (int g = 0; g < 3; g++)
    {
      pki.root_key[g] = test_pki_rsa_key ();
      pki.root[g]
          = make_root (pki.root_key[g], AUTH_OU, NOW - (3 - g) * YEAR, NOW + (7 + g) * YEAR);
    }
  pki.impostor_key = test_pki_rsa_key ();
  pki.impostor = make_root (pki.impostor_key, AUTH_OU, NOW - YEAR, NOW + YEAR);
  pki.other_root = make_root (pki.impostor_key, "Somebody else", NOW - YEAR, NOW + YEAR);
  pki.ee_key = test_pki_rsa_key ();
  pki.ec_root_key = test_pki_ec_key ();
  pki.ec_root = make_root (pki.ec_root_key, "JPKI for user authentication (ECDSA)", NOW - YEAR,
                           NOW + 10 * YEAR);
  pki.ec_key = test_pki_ec_key ();
}

/* An end-entity certificate issued by root @g (or anything else through @spec overrides). */
static GBytes *
make_ee (TestCertSpec spec)
{
  if (spec.subject_cn == NULL)
    spec.subject_cn = "MADOTEST0000000000AUTH1";
  if (spec.key == NULL)
    spec.key = pki.ee_key;
  if (spec.not_before == 0)
    spec.not_before = NOW - 30 * DAY;
  if (spec.not_after == 0)
    spec.not_after = NOW + 4 * YEAR;
  if (spec.serial == 0)
    spec.serial = 0x1234;
  X509 *cert = test_pki_make (&spec);
  GBytes *der = test_pki_der (cert);
  X509_free (cert);
  return der;
}

static GBytes *
make_auth (int g)
{
  return make_ee ((TestCertSpec){ .issuer = pki.root[g],
                                  .issuer_key = pki.root_key[g],
                                  .key_usage = "critical,digitalSignature" });
}

static MadoTrustStore *
test_store (void)
{
  MadoTrustStore *store = mado_trust_store_new (TRUE);
  for (int g = 0; g < 3; g++)
    g_assert_true (mado_trust_store_add (store, pki.root[g], "gen", NULL));
  g_assert_true (mado_trust_store_add (store, pki.ec_root, "ec", NULL));
  return store;
}

static MadoCertVerifier *
test_verifier (MadoClock **clock_out)
{
  g_autoptr (MadoTrustStore) store = test_store ();
  MadoClock *clock = mado_fixed_clock_new (NOW);
  MadoCertVerifier *v = mado_cert_verifier_new (store, clock);
  if (clock_out != NULL)
    *clock_out = clock;
  else
    g_object_unref (clock);
  return v;
}

static void
assert_verdict (MadoVerdict *v, MadoVerdictKind kind, MadoVerdictReason reason)
{
  g_test_message ("verdict %s (%s): %s", mado_verdict_kind_to_string (v->kind),
                  mado_verdict_reason_to_string (v->reason), v->detail);
  g_assert_cmpstr (mado_verdict_kind_to_string (v->kind), ==, mado_verdict_kind_to_string (kind));
  g_assert_cmpstr (mado_verdict_reason_to_string (v->reason), ==,
                   mado_verdict_reason_to_string (reason));
}

static void
test_each_generation (void)
{
  g_autoptr (MadoCertVerifier) verifier = test_verifier (NULL);
  for (int g = 0; g < 3; g++)
    {
      g_autoptr (GBytes) der = make_auth (g);
      g_autoptr (MadoVerdict) v = mado_cert_verifier_verify (verifier, der, MADO_CERT_PURPOSE_AUTH,
                                                             MADO_CHECK_CHAIN, NULL);
      assert_verdict (v, MADO_VERDICT_VALID, MADO_REASON_NONE);
      /* the issuer was chosen by key and signature: the root of that generation */
      g_autofree char *fp = mado_certificate_fingerprint (pki.root[g]);
      g_assert_cmpstr (v->root_fingerprint, ==, fp);
      g_assert_cmpstr (v->serial, ==, "1234");
      g_assert_true (v->test_root);
      g_assert_cmpint (v->not_after, ==, NOW + 4 * YEAR);
    }
}

static void
test_invalid (void)
{
  g_autoptr (MadoCertVerifier) verifier = test_verifier (NULL);
  const struct
  {
    const char *what;
    TestCertSpec spec;
    MadoCertPurpose purpose;
    MadoVerdictReason reason;
  } cases[] = {
    { "expired",
      { .issuer = pki.root[2],
        .issuer_key = pki.root_key[2],
        .key_usage = "critical,digitalSignature",
        .not_before = NOW - 6 * YEAR,
        .not_after = NOW - DAY },
      MADO_CERT_PURPOSE_AUTH,
      MADO_REASON_EXPIRED },
    { "not yet valid",
      { .issuer = pki.root[2],
        .issuer_key = pki.root_key[2],
        .key_usage = "critical,digitalSignature",
        .not_before = NOW + DAY,
        .not_after = NOW + YEAR },
      MADO_CERT_PURPOSE_AUTH,
      MADO_REASON_NOT_YET_VALID },
    { "unknown root",
      { .issuer = pki.other_root,
        .issuer_key = pki.impostor_key,
        .key_usage = "critical,digitalSignature" },
      MADO_CERT_PURPOSE_AUTH,
      MADO_REASON_UNKNOWN_ISSUER },
    { "a root of the right name but the wrong key",
      { .issuer = pki.impostor,
        .issuer_key = pki.impostor_key,
        .key_usage = "critical,digitalSignature" },
      MADO_CERT_PURPOSE_AUTH,
      MADO_REASON_BAD_SIGNATURE },
    { "wrong key usage",
      { .issuer = pki.root[2],
        .issuer_key = pki.root_key[2],
        .key_usage = "critical,keyEncipherment" },
      MADO_CERT_PURPOSE_AUTH,
      MADO_REASON_WRONG_USAGE },
    { "no key usage",
      { .issuer = pki.root[2], .issuer_key = pki.root_key[2] },
      MADO_CERT_PURPOSE_AUTH,
      MADO_REASON_WRONG_USAGE },
    { "an end entity that is a CA",
      { .issuer = pki.root[2],
        .issuer_key = pki.root_key[2],
        .ca = TRUE,
        .key_usage = "critical,digitalSignature" },
      MADO_CERT_PURPOSE_AUTH,
      MADO_REASON_WRONG_USAGE },
    { "an unknown critical extension",
      { .issuer = pki.root[2],
        .issuer_key = pki.root_key[2],
        .key_usage = "critical,digitalSignature",
        .critical_oid = "1.2.3.4.5" },
      MADO_CERT_PURPOSE_AUTH,
      MADO_REASON_WRONG_USAGE },
    { "an authentication certificate used for signing",
      { .issuer = pki.root[2],
        .issuer_key = pki.root_key[2],
        .key_usage = "critical,digitalSignature" },
      MADO_CERT_PURPOSE_SIGN,
      MADO_REASON_WRONG_USAGE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case: %s", cases[i].what);
      g_autoptr (GBytes) der = make_ee (cases[i].spec);
      g_autoptr (MadoVerdict) v
          = mado_cert_verifier_verify (verifier, der, cases[i].purpose, MADO_CHECK_ALL, NULL);
      assert_verdict (v, MADO_VERDICT_INVALID, cases[i].reason);
    }

  /* a tampered signature */
  g_autoptr (GBytes) good = make_auth (2);
  g_autoptr (GBytes) tampered = test_pki_tamper (good);
  g_autoptr (MadoVerdict) t = mado_cert_verifier_verify (verifier, tampered, MADO_CERT_PURPOSE_AUTH,
                                                         MADO_CHECK_ALL, NULL);
  assert_verdict (t, MADO_VERDICT_INVALID, MADO_REASON_BAD_SIGNATURE);

  /* garbage, empty, trailing bytes */
  const char *garbage[] = { "", "\x30\x03\x02\x01\x01", "not a certificate at all" };
  for (gsize i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr (GBytes) der = g_bytes_new (garbage[i], strlen (garbage[i]));
      g_autoptr (MadoVerdict) v
          = mado_cert_verifier_verify (verifier, der, MADO_CERT_PURPOSE_AUTH, MADO_CHECK_ALL, NULL);
      assert_verdict (v, MADO_VERDICT_INVALID, MADO_REASON_MALFORMED);
    }
  g_autoptr (GByteArray) longer = g_byte_array_new ();
  g_byte_array_append (longer, g_bytes_get_data (good, NULL), (guint)g_bytes_get_size (good));
  g_byte_array_append (longer, (const guint8 *)"\0", 1);
  g_autoptr (GBytes) trailing = g_byte_array_free_to_bytes (g_steal_pointer (&longer));
  g_autoptr (MadoVerdict) tr = mado_cert_verifier_verify (
      verifier, trailing, MADO_CERT_PURPOSE_AUTH, MADO_CHECK_ALL, NULL);
  assert_verdict (tr, MADO_VERDICT_INVALID, MADO_REASON_MALFORMED);
}

/* ---- revocation sources, faked ---------------------------------------------------------- */

#define TEST_TYPE_SOURCE (test_source_get_type ())
G_DECLARE_FINAL_TYPE (TestSource, test_source, TEST, SOURCE, GObject)

struct _TestSource
{
  GObject parent_instance;
  MadoVerdictReason reason;
  guint calls;
};

static void
test_source_check (MadoRevocationSource *source, GBytes *certificate_der,
                   const ASN1_INTEGER *serial, const MadoTrustRoot *root, gint64 now,
                   GCancellable *cancellable, MadoRevocationAnswer *answer)
{
  TestSource *self = TEST_SOURCE (source);
  self->calls++;
  answer->reason = self->reason;
  answer->detail = g_strdup ("test source");
  if (mado_verdict_reason_kind (self->reason) == MADO_VERDICT_REVOKED)
    {
      answer->revoked_at = NOW - DAY;
      answer->crl_reason = 1;
    }
}

static void
test_source_iface_init (MadoRevocationSourceInterface *iface)
{
  iface->check = test_source_check;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestSource, test_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_REVOCATION_SOURCE,
                                                      test_source_iface_init))

static void
test_source_class_init (TestSourceClass *klass)
{
}

static void
test_source_init (TestSource *self)
{
}

static TestSource *
test_source_new (MadoVerdictReason reason)
{
  TestSource *s = g_object_new (TEST_TYPE_SOURCE, NULL);
  s->reason = reason;
  return s;
}

static void
test_revocation (void)
{
  const struct
  {
    MadoVerdictReason sources[2];
    guint n;
    MadoVerdictKind kind;
    MadoVerdictReason reason;
  } cases[] = {
    { { MADO_REASON_NONE }, 1, MADO_VERDICT_VALID, MADO_REASON_NONE },
    { { MADO_REASON_REVOKED_CRL }, 1, MADO_VERDICT_REVOKED, MADO_REASON_REVOKED_CRL },
    { { MADO_REASON_CRL_STALE }, 1, MADO_VERDICT_UNKNOWN, MADO_REASON_CRL_STALE },
    { { MADO_REASON_OCSP_TIMEOUT, MADO_REASON_NONE }, 2, MADO_VERDICT_VALID, MADO_REASON_NONE },
    { { MADO_REASON_NONE, MADO_REASON_REVOKED_OCSP },
      2,
      MADO_VERDICT_REVOKED,
      MADO_REASON_REVOKED_OCSP },
    { { MADO_REASON_CRL_STALE, MADO_REASON_OCSP_UNREACHABLE },
      2,
      MADO_VERDICT_UNKNOWN,
      MADO_REASON_CRL_STALE },
    /* a source answering something that is no revocation answer is unknown, never valid */
    { { MADO_REASON_EXPIRED }, 1, MADO_VERDICT_UNKNOWN, MADO_REASON_NO_REVOCATION_SOURCE },
    { { 0 }, 0, MADO_VERDICT_UNKNOWN, MADO_REASON_NO_REVOCATION_SOURCE },
  };
  g_autoptr (GBytes) der = make_auth (2);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (MadoCertVerifier) verifier = test_verifier (NULL);
      for (guint k = 0; k < cases[i].n; k++)
        {
          g_autoptr (TestSource) s = test_source_new (cases[i].sources[k]);
          mado_cert_verifier_add_revocation_source (verifier, MADO_REVOCATION_SOURCE (s));
        }
      g_autoptr (MadoVerdict) v
          = mado_cert_verifier_verify (verifier, der, MADO_CERT_PURPOSE_AUTH, MADO_CHECK_ALL, NULL);
      assert_verdict (v, cases[i].kind, cases[i].reason);
      if (cases[i].kind == MADO_VERDICT_REVOKED)
        {
          g_assert_cmpint (v->revoked_at, ==, NOW - DAY);
          g_assert_cmpint (v->crl_reason, ==, 1);
        }
    }

  /* the kiosk's pre-check (chain only) never asks a source */
  g_autoptr (MadoCertVerifier) verifier = test_verifier (NULL);
  g_autoptr (TestSource) s = test_source_new (MADO_REASON_REVOKED_CRL);
  mado_cert_verifier_add_revocation_source (verifier, MADO_REVOCATION_SOURCE (s));
  g_autoptr (MadoVerdict) v
      = mado_cert_verifier_verify (verifier, der, MADO_CERT_PURPOSE_AUTH, MADO_CHECK_CHAIN, NULL);
  assert_verdict (v, MADO_VERDICT_VALID, MADO_REASON_NONE);
  g_assert_cmpuint (s->calls, ==, 0);
}

static void
test_clock_skew (void)
{
  g_autoptr (MadoCertVerifier) verifier = test_verifier (NULL);
  g_autoptr (MadoClock) registry = mado_fixed_clock_new (NOW + 301);
  g_autoptr (TestSource) good = test_source_new (MADO_REASON_NONE);
  mado_cert_verifier_add_revocation_source (verifier, MADO_REVOCATION_SOURCE (good));
  mado_cert_verifier_set_reference_clock (verifier, registry, 300);
  g_autoptr (GBytes) der = make_auth (2);

  g_autoptr (MadoVerdict) off
      = mado_cert_verifier_verify (verifier, der, MADO_CERT_PURPOSE_AUTH, MADO_CHECK_ALL, NULL);
  assert_verdict (off, MADO_VERDICT_UNKNOWN, MADO_REASON_CLOCK_SKEW);

  mado_fixed_clock_set (MADO_FIXED_CLOCK (registry), NOW - 300);
  g_autoptr (MadoVerdict) within
      = mado_cert_verifier_verify (verifier, der, MADO_CERT_PURPOSE_AUTH, MADO_CHECK_ALL, NULL);
  assert_verdict (within, MADO_VERDICT_VALID, MADO_REASON_NONE);
}

static char *
write_pem (X509 *cert)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mado-trust-XXXXXX", &error);
  g_assert_no_error (error);
  char *path = g_build_filename (dir, "root.pem", NULL);
  FILE *f = fopen (path, "w");
  PEM_write_X509 (f, cert);
  fclose (f);
  return path;
}

static void
test_production_mode (void)
{
  g_autofree char *path = write_pem (pki.root[1]);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *fp = mado_certificate_fingerprint (pki.root[1]);
  g_autoptr (GError) error = NULL;

  /* an unpinned root in production mode: refused at load, naming it */
  g_autoptr (MadoTrustStore) refuse = mado_trust_store_new (FALSE);
  g_assert_false (mado_trust_store_load_dir (refuse, dir, &error));
  g_assert_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_TRUST_STORE);
  g_assert_nonnull (strstr (error->message, fp));
  g_clear_error (&error);

  /* pinned (with colons and upper case): trusted as production */
  g_autoptr (MadoTrustStore) store = mado_trust_store_new (FALSE);
  GString *colons = g_string_new (NULL);
  for (int i = 0; fp[i] != '\0'; i += 2)
    g_string_append_printf (colons, "%s%c%c", i ? ":" : "", g_ascii_toupper (fp[i]),
                            g_ascii_toupper (fp[i + 1]));
  g_assert_true (mado_trust_store_pin (store, colons->str, &error));
  g_string_free (colons, TRUE);
  g_assert_true (mado_trust_store_load_dir (store, dir, &error));
  g_assert_no_error (error);
  g_assert_false (mado_trust_store_pin (store, "abcd", &error));
  g_clear_error (&error);

  g_autoptr (MadoClock) clock = mado_fixed_clock_new (NOW);
  g_autoptr (MadoCertVerifier) verifier = mado_cert_verifier_new (store, clock);
  g_autoptr (GBytes) der = make_auth (1);
  g_autoptr (MadoVerdict) v
      = mado_cert_verifier_verify (verifier, der, MADO_CERT_PURPOSE_AUTH, MADO_CHECK_CHAIN, NULL);
  assert_verdict (v, MADO_VERDICT_VALID, MADO_REASON_NONE);
  g_assert_false (v->test_root);

  /* a certificate under another generation, not in this production store: unknown issuer
   * would be wrong — the name is known, but no pinned root of it signed: bad signature */
  g_autoptr (GBytes) other = make_auth (2);
  g_autoptr (MadoVerdict) o
      = mado_cert_verifier_verify (verifier, other, MADO_CERT_PURPOSE_AUTH, MADO_CHECK_CHAIN, NULL);
  assert_verdict (o, MADO_VERDICT_INVALID, MADO_REASON_BAD_SIGNATURE);

  /* a test root in production mode, reached past the loader (as a registry might add one) */
  g_autoptr (MadoTrustStore) mixed = mado_trust_store_new (TRUE);
  g_assert_true (mado_trust_store_add (mixed, pki.root[2], "test", NULL));
  g_autoptr (MadoCertVerifier) test_mode = mado_cert_verifier_new (mixed, clock);
  g_autoptr (GBytes) der2 = make_auth (2);
  g_autoptr (MadoVerdict) t
      = mado_cert_verifier_verify (test_mode, der2, MADO_CERT_PURPOSE_AUTH, MADO_CHECK_CHAIN, NULL);
  assert_verdict (t, MADO_VERDICT_VALID, MADO_REASON_NONE);
  g_assert_true (t->test_root);

  g_unlink (path);
  g_rmdir (dir);
}

static GBytes *
sign_rsa (EVP_PKEY *key, GBytes *message)
{
  g_autoptr (EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  size_t len = 0;
  g_assert_cmpint (EVP_DigestSignInit (ctx, NULL, EVP_sha256 (), NULL, key), ==, 1);
  g_assert_cmpint (EVP_DigestSign (ctx, NULL, &len, g_bytes_get_data (message, NULL),
                                   g_bytes_get_size (message)),
                   ==, 1);
  guint8 *sig = g_malloc (len);
  g_assert_cmpint (
      EVP_DigestSign (ctx, sig, &len, g_bytes_get_data (message, NULL), g_bytes_get_size (message)),
      ==, 1);
  return g_bytes_new_take (sig, len);
}

static void
test_challenge (void)
{
  MadoClock *clock = NULL;
  g_autoptr (MadoCertVerifier) verifier = test_verifier (&clock);
  g_autoptr (MadoNonceStore) store = mado_memory_nonce_store_new ();
  g_autoptr (TestSource) good = test_source_new (MADO_REASON_NONE);
  mado_cert_verifier_add_revocation_source (verifier, MADO_REVOCATION_SOURCE (good));
  g_autoptr (GBytes) der = make_auth (2);
  g_autoptr (GError) error = NULL;

  g_autoptr (GBytes) nonce = mado_challenge_issue (store, clock, 120, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (nonce), ==, 32);
  g_autoptr (GBytes) sig = sign_rsa (pki.ee_key, nonce);

  g_autoptr (MadoVerdict) ok
      = mado_challenge_check (verifier, store, nonce, sig, der, MADO_CHECK_ALL, NULL);
  assert_verdict (ok, MADO_VERDICT_VALID, MADO_REASON_NONE);
  g_assert_cmpuint (good->calls, ==, 1);

  /* the same nonce twice */
  g_autoptr (MadoVerdict) twice
      = mado_challenge_check (verifier, store, nonce, sig, der, MADO_CHECK_ALL, NULL);
  assert_verdict (twice, MADO_VERDICT_INVALID, MADO_REASON_NONCE);
  g_assert_nonnull (strstr (twice->detail, "used"));
  g_assert_cmpuint (good->calls, ==, 1); /* a bad request never reaches revocation */

  /* a nonce never issued */
  guint8 random[32] = { 1, 2, 3 };
  g_autoptr (GBytes) unknown = g_bytes_new (random, sizeof random);
  g_autoptr (GBytes) sig2 = sign_rsa (pki.ee_key, unknown);
  g_autoptr (MadoVerdict) u
      = mado_challenge_check (verifier, store, unknown, sig2, der, MADO_CHECK_ALL, NULL);
  assert_verdict (u, MADO_VERDICT_INVALID, MADO_REASON_NONCE);

  /* expired */
  g_autoptr (GBytes) late = mado_challenge_issue (store, clock, 120, &error);
  g_autoptr (GBytes) sig3 = sign_rsa (pki.ee_key, late);
  mado_fixed_clock_set (MADO_FIXED_CLOCK (clock), NOW + 121);
  g_autoptr (MadoVerdict) e
      = mado_challenge_check (verifier, store, late, sig3, der, MADO_CHECK_ALL, NULL);
  assert_verdict (e, MADO_VERDICT_INVALID, MADO_REASON_NONCE);
  g_assert_nonnull (strstr (e->detail, "expired"));
  mado_fixed_clock_set (MADO_FIXED_CLOCK (clock), NOW);

  /* signed by another key */
  g_autoptr (GBytes) fresh = mado_challenge_issue (store, clock, 120, &error);
  g_autoptr (GBytes) wrong = sign_rsa (pki.impostor_key, fresh);
  g_autoptr (MadoVerdict) w
      = mado_challenge_check (verifier, store, fresh, wrong, der, MADO_CHECK_ALL, NULL);
  assert_verdict (w, MADO_VERDICT_INVALID, MADO_REASON_SIGNATURE_INVALID);
  g_object_unref (clock);
}

static void
test_ecdsa (void)
{
  g_autoptr (MadoCertVerifier) verifier = test_verifier (NULL);
  g_autoptr (GBytes) der = make_ee ((TestCertSpec){ .issuer = pki.ec_root,
                                                    .issuer_key = pki.ec_root_key,
                                                    .key = pki.ec_key,
                                                    .key_usage = "critical,digitalSignature" });
  g_autoptr (MadoVerdict) v
      = mado_cert_verifier_verify (verifier, der, MADO_CERT_PURPOSE_AUTH, MADO_CHECK_CHAIN, NULL);
  assert_verdict (v, MADO_VERDICT_VALID, MADO_REASON_NONE);

  /* a SHA-384 ECDSA signature, DER and raw r‖s */
  g_autoptr (GBytes) msg = g_bytes_new_static ("challenge", 9);
  g_autoptr (EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  size_t len = 0;
  g_assert_cmpint (EVP_DigestSignInit (ctx, NULL, EVP_sha384 (), NULL, pki.ec_key), ==, 1);
  g_assert_cmpint (EVP_DigestSign (ctx, NULL, &len, (const guint8 *)"challenge", 9), ==, 1);
  g_autofree guint8 *sig = g_malloc (len);
  g_assert_cmpint (EVP_DigestSign (ctx, sig, &len, (const guint8 *)"challenge", 9), ==, 1);
  g_autoptr (GBytes) der_sig = g_bytes_new (sig, len);
  g_assert_true (mado_signature_verify (der, msg, der_sig));

  const unsigned char *p = sig;
  ECDSA_SIG *es = d2i_ECDSA_SIG (NULL, &p, (long)len);
  guint8 raw[96];
  g_assert_cmpint (BN_bn2binpad (ECDSA_SIG_get0_r (es), raw, 48), ==, 48);
  g_assert_cmpint (BN_bn2binpad (ECDSA_SIG_get0_s (es), raw + 48, 48), ==, 48);
  ECDSA_SIG_free (es);
  g_autoptr (GBytes) raw_sig = g_bytes_new (raw, sizeof raw);
  g_assert_true (mado_signature_verify (der, msg, raw_sig));
  raw[10] ^= 1;
  g_autoptr (GBytes) bad_sig = g_bytes_new (raw, sizeof raw);
  g_assert_false (mado_signature_verify (der, msg, bad_sig));
}

/* ---- the subject public key, without d2i_X509 ------------------------------------------- */

/* One DER element (short or two-byte long form lengths). */
static void
der_append (GByteArray *out, guint8 tag, const guint8 *content, gsize len)
{
  guint8 head[4] = { tag };
  guint n = 1;
  g_assert_cmpuint (len, <=, 0xffff);
  if (len < 0x80)
    head[n++] = (guint8)len;
  else if (len < 0x100)
    {
      head[n++] = 0x81;
      head[n++] = (guint8)len;
    }
  else
    {
      head[n++] = 0x82;
      head[n++] = (guint8)(len >> 8);
      head[n++] = (guint8)len;
    }
  g_byte_array_append (out, head, n);
  g_byte_array_append (out, content, (guint)len);
}

typedef struct
{
  GBytes *n, *e;         /* the INTEGERs' content octets */
  const char *params;    /* the AlgorithmIdentifier's parameters, whole (NULL: 05 00) */
  gsize params_len;      /* 0 with params NULL: NULL; with params "": absent */
  guint8 unused_bits;    /* of the BIT STRING */
  gboolean extra_in_key; /* a third INTEGER in RSAPublicKey */
  gboolean extra_after;  /* a byte after the SubjectPublicKeyInfo */
} RsaSpki;

static GBytes *
rsa_spki (const RsaSpki *s)
{
  static const guint8 rsa_oid[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
  g_autoptr (GByteArray) alg = g_byte_array_new ();
  der_append (alg, 0x06, rsa_oid, sizeof rsa_oid);
  if (s->params == NULL)
    g_byte_array_append (alg, (const guint8 *)"\x05\x00", 2);
  else
    g_byte_array_append (alg, (const guint8 *)s->params, (guint)s->params_len);
  g_autoptr (GByteArray) ints = g_byte_array_new ();
  der_append (ints, 0x02, g_bytes_get_data (s->n, NULL), g_bytes_get_size (s->n));
  der_append (ints, 0x02, g_bytes_get_data (s->e, NULL), g_bytes_get_size (s->e));
  if (s->extra_in_key)
    der_append (ints, 0x02, (const guint8 *)"\x01", 1);
  g_autoptr (GByteArray) bits = g_byte_array_new ();
  g_byte_array_append (bits, &s->unused_bits, 1);
  der_append (bits, 0x30, ints->data, ints->len);
  g_autoptr (GByteArray) body = g_byte_array_new ();
  der_append (body, 0x30, alg->data, alg->len);
  der_append (body, 0x03, bits->data, bits->len);
  GByteArray *out = g_byte_array_new ();
  der_append (out, 0x30, body->data, body->len);
  if (s->extra_after)
    g_byte_array_append (out, (const guint8 *)"", 1);
  return g_byte_array_free_to_bytes (out);
}

static EVP_PKEY *
spki_key (GBytes *spki)
{
  return mado_spki_public_key (g_bytes_get_data (spki, NULL), g_bytes_get_size (spki));
}

/* An INTEGER's content for @bn: big-endian, with a zero sign byte when the top bit is set. */
static GBytes *
integer_content (const char *param, EVP_PKEY *key)
{
  g_autoptr (BIGNUM) bn = NULL;
  g_assert_cmpint (EVP_PKEY_get_bn_param (key, param, &bn), ==, 1);
  int n = BN_num_bytes (bn);
  guint8 *out = g_malloc0 ((gsize)n + 1);
  BN_bn2bin (bn, out + 1);
  gboolean pad = (out[1] & 0x80) != 0;
  GBytes *all = g_bytes_new_take (out, (gsize)n + 1);
  GBytes *content = g_bytes_new_from_bytes (all, pad ? 0 : 1, (gsize)n + (pad ? 1 : 0));
  g_bytes_unref (all);
  return content;
}

static GBytes *
concat (const char *prefix, gsize prefix_len, GBytes *rest)
{
  GByteArray *out = g_byte_array_new ();
  g_byte_array_append (out, (const guint8 *)prefix, (guint)prefix_len);
  g_byte_array_append (out, g_bytes_get_data (rest, NULL), (guint)g_bytes_get_size (rest));
  return g_byte_array_free_to_bytes (out);
}

static void
assert_refused (const RsaSpki *s)
{
  g_autoptr (GBytes) spki = rsa_spki (s);
  g_autoptr (EVP_PKEY) key = spki_key (spki);
  g_assert_null (key);
}

static void
test_spki_public_key (void)
{
  /* From certificates: the key equals the one certified, RSA by the walk, EC by the decoders. */
  struct
  {
    GBytes *der;
    EVP_PKEY *key;
    int type;
  } certs[] = {
    { make_auth (2), pki.ee_key, EVP_PKEY_RSA },
    { make_ee ((TestCertSpec){ .issuer = pki.ec_root,
                               .issuer_key = pki.ec_root_key,
                               .key = pki.ec_key,
                               .key_usage = "critical,digitalSignature" }),
      pki.ec_key, EVP_PKEY_EC },
  };
  for (guint i = 0; i < G_N_ELEMENTS (certs); i++)
    {
      g_autoptr (MadoCertParsed) cert = mado_cert_parse_bytes (certs[i].der);
      g_assert_nonnull (cert);
      g_autoptr (EVP_PKEY) key = mado_spki_public_key (cert->spki, cert->spki_len);
      g_assert_nonnull (key);
      g_assert_cmpint (EVP_PKEY_get_base_id (key), ==, certs[i].type);
      g_assert_cmpint (EVP_PKEY_eq (key, certs[i].key), ==, 1);
      g_assert_cmpint (EVP_PKEY_get_bits (key), ==, EVP_PKEY_get_bits (certs[i].key));
      /* the SPKI is the certified key's DER, and any cut of it is refused */
      unsigned char *expected = NULL;
      int expected_len = i2d_PUBKEY (certs[i].key, &expected);
      g_assert_cmpmem (cert->spki, cert->spki_len, expected, expected_len);
      OPENSSL_free (expected);
      for (gsize cut = 0; cut < cert->spki_len; cut++)
        g_assert_null (mado_spki_public_key (cert->spki, cut));
      g_autofree guint8 *longer = g_malloc0 (cert->spki_len + 1);
      memcpy (longer, cert->spki, cert->spki_len);
      g_assert_null (mado_spki_public_key (longer, cert->spki_len + 1));
      g_bytes_unref (certs[i].der);
    }

  /* Hand-made RSA keys: the well-formed one is the certified key; each defect is refused. */
  g_autoptr (GBytes) n = integer_content (OSSL_PKEY_PARAM_RSA_N, pki.ee_key);
  g_autoptr (GBytes) e = integer_content (OSSL_PKEY_PARAM_RSA_E, pki.ee_key);
  g_assert_cmpuint (g_bytes_get_size (n), ==, 257); /* 2048 bits and the sign byte */
  RsaSpki good = { .n = n, .e = e };
  g_autoptr (GBytes) spki = rsa_spki (&good);
  g_autoptr (EVP_PKEY) key = spki_key (spki);
  g_assert_nonnull (key);
  g_assert_cmpint (EVP_PKEY_eq (key, pki.ee_key), ==, 1);
  RsaSpki absent = { .n = n, .e = e, .params = "", .params_len = 0 };
  g_autoptr (GBytes) spki2 = rsa_spki (&absent);
  g_autoptr (EVP_PKEY) key2 = spki_key (spki2);
  g_assert_nonnull (key2); /* parameters absent: accepted, as OpenSSL does */
  g_assert_cmpint (EVP_PKEY_eq (key2, pki.ee_key), ==, 1);

  g_autoptr (GBytes) n_negative = g_bytes_new_from_bytes (n, 1, 256);
  g_autoptr (GBytes) n_padded = concat ("\x00", 1, n);
  g_autoptr (GBytes) e_padded = concat ("\x00", 1, e);
  g_autoptr (GBytes) zero = g_bytes_new_static ("\x00", 1);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autofree guint8 *huge_data = g_malloc0 (2050);
  huge_data[1] = 0x80; /* 2049 bytes of magnitude: past OpenSSL's 16384 bits */
  g_autoptr (GBytes) huge = g_bytes_new (huge_data, 2050);
  g_autoptr (GBytes) e_long = concat ("\x01", 1, n); /* an exponent longer than the modulus */
  const RsaSpki bad[] = {
    { .n = n_negative, .e = e },                               /* a negative modulus */
    { .n = n_padded, .e = e },                                 /* a non-minimal modulus */
    { .n = n, .e = e_padded },                                 /* a non-minimal exponent */
    { .n = zero, .e = e },                                     /* a zero modulus */
    { .n = n, .e = zero },                                     /* a zero exponent */
    { .n = empty, .e = e },                                    /* an empty INTEGER */
    { .n = huge, .e = e },                                     /* too large */
    { .n = n, .e = e_long },                                   /* exponent longer than modulus */
    { .n = n, .e = e, .params = "\x04\x00", .params_len = 2 }, /* parameters not NULL */
    { .n = n, .e = e, .params = "\x05\x01\x00", .params_len = 3 },     /* a NULL with content */
    { .n = n, .e = e, .params = "\x05\x00\x05\x00", .params_len = 4 }, /* two parameters */
    { .n = n, .e = e, .unused_bits = 1 },     /* unused bits in the BIT STRING */
    { .n = n, .e = e, .extra_in_key = TRUE }, /* a third INTEGER */
    { .n = n, .e = e, .extra_after = TRUE },  /* bytes after the SPKI */
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("malformed RSA SPKI %u", i);
      assert_refused (&bad[i]);
    }

  /* Not DER at all. */
  g_assert_null (mado_spki_public_key (NULL, 0));
  g_assert_null (mado_spki_public_key ((const guint8 *)"\x30\x00", 2));
  g_assert_null (mado_spki_public_key ((const guint8 *)"\x30\x80\x00\x00", 4));
}

/* The challenge signature uses that key: a certificate whose key was altered never verifies. */
static void
test_signature_altered_key (void)
{
  g_autoptr (GBytes) der = make_auth (2);
  g_autoptr (GBytes) msg = g_bytes_new_static ("challenge", 9);
  g_autoptr (GBytes) sig = sign_rsa (pki.ee_key, msg);
  g_assert_true (mado_signature_verify (der, msg, sig));

  g_autoptr (MadoCertParsed) cert = mado_cert_parse_bytes (der);
  gsize at = (gsize)(cert->spki - (const guint8 *)g_bytes_get_data (der, NULL));
  /* the modulus's sign byte: 30 82 01 22 | 30 0d <alg> | 03 82 01 0f 00 | 30 82 01 0a | 02 82 01 01
   * 00 */
  gsize sign_byte = at + 4 + 15 + 5 + 4 + 4;
  g_assert_cmpuint (((const guint8 *)g_bytes_get_data (der, NULL))[sign_byte - 1], ==, 0x01);
  g_assert_cmpuint (((const guint8 *)g_bytes_get_data (der, NULL))[sign_byte], ==, 0x00);
  const gsize changes[] = { sign_byte + 100, sign_byte };
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
      copy[changes[i]] ^= 0x80; /* another modulus; then a negative one (a refused key) */
      g_autoptr (GBytes) altered = g_bytes_new (copy, g_bytes_get_size (der));
      g_assert_false (mado_signature_verify (altered, msg, sig));
    }
  g_autoptr (GBytes) garbage = g_bytes_new_static ("\x30\x03\x02\x01\x01", 5);
  g_assert_false (mado_signature_verify (garbage, msg, sig));
}

static GBytes *
make_sign_cert (const char *address)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (names, g_strdup ("1.2.392.200149.8.5.5.1=窓口　花子"));
  g_ptr_array_add (names, g_strdup ("1.2.392.200149.8.5.5.2=00010"));
  g_ptr_array_add (names, g_strdup ("1.2.392.200149.8.5.5.3=2"));
  g_ptr_array_add (names, g_strdup ("1.2.392.200149.8.5.5.4=319850412"));
  g_ptr_array_add (names, g_strdup_printf ("1.2.392.200149.8.5.5.5=%s", address));
  g_ptr_array_add (names, g_strdup ("1.2.392.200149.8.5.5.6=0"));
  return make_ee ((TestCertSpec){ .issuer = pki.root[2],
                                  .issuer_key = pki.root_key[2],
                                  .key_usage = "critical,digitalSignature,nonRepudiation",
                                  .other_names = names });
}

static void
test_attributes (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) der = make_sign_cert ("東京都千代田区霞が関１丁目２番３号");
  g_autoptr (MadoJpkiAttributes) a = mado_jpki_attributes_from_certificate (der, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->name, ==, "窓口　花子");
  g_assert_cmpstr (a->birth_date, ==, "1985-04-12");
  g_assert_cmpint (a->era, ==, 3); /* 昭和 */
  g_assert_cmpstr (a->sex, ==, "2");

  /* the card's four, as read-text gives them: all agree (ASCII digits equal full-width after
   * NFKC, and the name's 4th character is a substitute: anything matches there) */
  g_autoptr (GPtrArray) none = mado_jpki_attributes_compare (
      a, "窓口　髙子", "東京都千代田区霞が関1丁目2番3号", "1985-04-12", "2");
  g_assert_cmpuint (none->len, ==, 0);

  /* a stale card address, and a sex that differs */
  g_autoptr (GPtrArray) two
      = mado_jpki_attributes_compare (a, "窓口　花子", "大阪府大阪市北区１番", "1985-04-12", "1");
  g_assert_cmpuint (two->len, ==, 2);
  g_assert_cmpstr (((MadoAttributeMismatch *)two->pdata[0])->field, ==, "address");
  g_assert_cmpstr (((MadoAttributeMismatch *)two->pdata[0])->card, ==, "大阪府大阪市北区１番");
  g_assert_cmpstr (((MadoAttributeMismatch *)two->pdata[1])->field, ==, "sex");

  g_autoptr (GPtrArray) birth = mado_jpki_attributes_compare (
      a, "窓口　花子", "東京都千代田区霞が関１丁目２番３号", "1985-04-13", "2");
  g_assert_cmpuint (birth->len, ==, 1);
  g_assert_cmpstr (((MadoAttributeMismatch *)birth->pdata[0])->field, ==, "birth_date");

  /* an authentication certificate has none of them */
  g_autoptr (GBytes) auth = make_auth (2);
  g_autoptr (MadoJpkiAttributes) none_there = mado_jpki_attributes_from_certificate (auth, &error);
  g_assert_null (none_there);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);

  /* and the signature certificate verifies for signing */
  g_autoptr (MadoCertVerifier) verifier = test_verifier (NULL);
  g_autoptr (MadoVerdict) v
      = mado_cert_verifier_verify (verifier, der, MADO_CERT_PURPOSE_SIGN, MADO_CHECK_CHAIN, NULL);
  assert_verdict (v, MADO_VERDICT_VALID, MADO_REASON_NONE);
}

static void
test_card_link (void)
{
  g_autoptr (GBytes) der = make_auth (2);
  const unsigned char *p = g_bytes_get_data (der, NULL);
  X509 *cert = d2i_X509 (NULL, &p, (long)g_bytes_get_size (der));
  g_autoptr (GBytes) kid = NULL;
  g_autoptr (GBytes) serial = NULL;
  g_assert_true (mado_card_link_get (cert, &kid, &serial));
  /* the serial 0x1234: its big-endian magnitude, no sign byte */
  g_assert_cmpmem (g_bytes_get_data (serial, NULL), g_bytes_get_size (serial), "\x12\x34", 2);
  /* the key identifier is the root's subject key identifier (SHA-1 of its key: 20 bytes) */
  const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id (pki.root[2]);
  g_assert_cmpmem (g_bytes_get_data (kid, NULL), g_bytes_get_size (kid),
                   ASN1_STRING_get0_data (skid), ASN1_STRING_length (skid));

  /* the hash: SHA-256 over key identifier then serial, lowercase hex */
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, g_bytes_get_data (kid, NULL), (gssize)g_bytes_get_size (kid));
  g_checksum_update (sum, (const guchar *)"\x12\x34", 2);
  g_autofree char *link = mado_card_link_hash (cert);
  g_assert_cmpstr (link, ==, g_checksum_get_string (sum));
  g_assert_cmpuint (strlen (link), ==, 64);

  g_autoptr (MadoCertVerifier) verifier = test_verifier (NULL);
  g_autoptr (MadoVerdict) v
      = mado_cert_verifier_verify (verifier, der, MADO_CERT_PURPOSE_AUTH, MADO_CHECK_CHAIN, NULL);
  g_assert_cmpstr (v->card_link, ==, link);
  X509_free (cert);

  /* a root has no authority key identifier: no link */
  g_assert_null (mado_card_link_hash (pki.root[0]));

  /* the same pair from DER by the strict parse (the registry's card-link writes) */
  g_autoptr (GBytes) kid2 = NULL;
  g_autoptr (GBytes) serial2 = NULL;
  g_assert_true (mado_card_link_get_der (der, &kid2, &serial2));
  g_assert_true (g_bytes_equal (kid2, kid));
  g_assert_true (g_bytes_equal (serial2, serial));
  g_autoptr (GBytes) root_der = test_pki_der (pki.root[0]);
  g_autoptr (GBytes) garbage = g_bytes_new_static ("\x30\x00", 2);
  g_assert_false (mado_card_link_get_der (root_der, &kid2, &serial2));
  g_assert_false (mado_card_link_get_der (garbage, &kid2, &serial2));
}

static void
on_verified (GObject *source, GAsyncResult *result, gpointer data)
{
  MadoVerdict **out = data;
  g_autoptr (GError) error = NULL;
  *out = mado_cert_verifier_verify_finish (MADO_CERT_VERIFIER (source), result, &error);
  g_assert_no_error (error);
  g_main_context_wakeup (NULL);
}

static void
test_async (void)
{
  g_autoptr (MadoCertVerifier) verifier = test_verifier (NULL);
  g_autoptr (GBytes) der = make_auth (0);
  MadoVerdict *v = NULL;
  mado_cert_verifier_verify_async (verifier, der, MADO_CERT_PURPOSE_AUTH, MADO_CHECK_CHAIN, NULL,
                                   on_verified, &v);
  while (v == NULL)
    g_main_context_iteration (NULL, TRUE);
  assert_verdict (v, MADO_VERDICT_VALID, MADO_REASON_NONE);
  mado_verdict_free (v);
}

static void
test_time_parse (void)
{
  gint64 t = 0;
  g_assert_true (mado_time_parse ("2026-11-26T12:00:00Z", &t, NULL));
  g_assert_cmpint (t, ==, 1795694400);
  g_assert_true (mado_time_parse ("2026-11-26", &t, NULL));
  g_assert_cmpint (t, ==, 1795651200);
  g_assert_true (mado_time_parse ("2026-11-26T21:00:00+09:00", &t, NULL));
  g_assert_cmpint (t, ==, 1795694400);
  g_assert_false (mado_time_parse ("yesterday", &t, NULL));
  g_autofree char *s = mado_time_format (1795694400);
  g_assert_cmpstr (s, ==, "2026-11-26T12:00:00Z");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pki_init ();
  g_test_add_func ("/identity/verify/each-generation", test_each_generation);
  g_test_add_func ("/identity/verify/invalid", test_invalid);
  g_test_add_func ("/identity/verify/revocation", test_revocation);
  g_test_add_func ("/identity/verify/clock-skew", test_clock_skew);
  g_test_add_func ("/identity/trust-store/production-mode", test_production_mode);
  g_test_add_func ("/identity/challenge", test_challenge);
  g_test_add_func ("/identity/ecdsa-p384", test_ecdsa);
  g_test_add_func ("/identity/spki-public-key", test_spki_public_key);
  g_test_add_func ("/identity/signature/altered-key", test_signature_altered_key);
  g_test_add_func ("/identity/sign-attributes", test_attributes);
  g_test_add_func ("/identity/card-link", test_card_link);
  g_test_add_func ("/identity/verify/async", test_async);
  g_test_add_func ("/identity/time-parse", test_time_parse);
  return g_test_run ();
}
