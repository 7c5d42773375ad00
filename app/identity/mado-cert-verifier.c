/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-cert-verifier.c — see the header. Every failure path ends in a verdict with a reason;
 * nothing here ever answers valid by default.
 */
#define G_LOG_DOMAIN "mado-identity"

#include "mado-cert-verifier.h"

#include <openssl/core_names.h>

#include "mado-card-link.h"
#include "mado-cert-parse.h"
#include "mado-cert-verifier-private.h"
#include "mado-openssl-private.h"

G_DEFINE_INTERFACE (MadoRevocationSource, mado_revocation_source, G_TYPE_OBJECT)

static void
mado_revocation_source_default_init (MadoRevocationSourceInterface *iface)
{
}

void
mado_revocation_source_check (MadoRevocationSource *self, GBytes *certificate_der,
                              const ASN1_INTEGER *serial, const MadoTrustRoot *root, gint64 now,
                              GCancellable *cancellable, MadoRevocationAnswer *answer)
{
  g_return_if_fail (MADO_IS_REVOCATION_SOURCE (self));
  MADO_REVOCATION_SOURCE_GET_IFACE (self)->check (self, certificate_der, serial, root, now,
                                                  cancellable, answer);
}

struct _MadoCertVerifier
{
  GObject parent_instance;

  MadoTrustStore *store;
  MadoClock *clock;
  MadoClock *reference;
  gint64 max_skew;
  GPtrArray *sources; /* MadoRevocationSource */
};

G_DEFINE_FINAL_TYPE (MadoCertVerifier, mado_cert_verifier, G_TYPE_OBJECT)

static void
mado_cert_verifier_finalize (GObject *object)
{
  MadoCertVerifier *self = MADO_CERT_VERIFIER (object);
  g_clear_pointer (&self->store, mado_trust_store_unref);
  g_clear_object (&self->clock);
  g_clear_object (&self->reference);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  G_OBJECT_CLASS (mado_cert_verifier_parent_class)->finalize (object);
}

static void
mado_cert_verifier_class_init (MadoCertVerifierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mado_cert_verifier_finalize;
}

static void
mado_cert_verifier_init (MadoCertVerifier *self)
{
  self->sources = g_ptr_array_new_with_free_func (g_object_unref);
}

MadoCertVerifier *
mado_cert_verifier_new (MadoTrustStore *store, MadoClock *clock)
{
  g_return_val_if_fail (store != NULL && MADO_IS_CLOCK (clock), NULL);
  MadoCertVerifier *self = g_object_new (MADO_TYPE_CERT_VERIFIER, NULL);
  self->store = mado_trust_store_ref (store);
  self->clock = g_object_ref (clock);
  return self;
}

MadoClock *
mado_cert_verifier_get_clock (MadoCertVerifier *self)
{
  return self->clock;
}

MadoTrustStore *
mado_cert_verifier_get_trust_store (MadoCertVerifier *self)
{
  return self->store;
}

void
mado_cert_verifier_add_revocation_source (MadoCertVerifier *self, MadoRevocationSource *source)
{
  g_ptr_array_add (self->sources, g_object_ref (source));
}

void
mado_cert_verifier_set_reference_clock (MadoCertVerifier *self, MadoClock *reference,
                                        gint64 max_skew_seconds)
{
  g_set_object (&self->reference, reference);
  self->max_skew = max_skew_seconds;
}

void
mado_verdict_free (MadoVerdict *verdict)
{
  if (verdict == NULL)
    return;
  g_free (verdict->detail);
  g_free (verdict->serial);
  g_free (verdict->subject);
  g_free (verdict->root_fingerprint);
  g_free (verdict->card_link);
  g_free (verdict);
}

static MadoVerdict *conclude (MadoVerdict *v, MadoVerdictReason reason, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

static MadoVerdict *
conclude (MadoVerdict *v, MadoVerdictReason reason, const char *format, ...)
{
  va_list args;
  v->reason = reason;
  v->kind = mado_verdict_reason_kind (reason);
  g_free (v->detail);
  va_start (args, format);
  v->detail = g_strdup_vprintf (format, args);
  va_end (args);
  return v;
}

static char *
card_link_of (const MadoCertParsed *cert)
{
  if (cert->authority_key_id == NULL || ASN1_STRING_length (cert->authority_key_id) <= 0)
    return NULL;
  g_autoptr (GBytes) serial = mado_card_link_serial_magnitude (cert->serial);
  if (serial == NULL)
    return NULL;
  g_autoptr (GBytes) kid = g_bytes_new (ASN1_STRING_get0_data (cert->authority_key_id),
                                        (gsize)ASN1_STRING_length (cert->authority_key_id));
  return mado_card_link_hash_parts (kid, serial);
}

static void
describe (MadoVerdict *v, const MadoCertParsed *cert)
{
  g_autoptr (BIGNUM) bn = ASN1_INTEGER_to_BN (cert->serial, NULL);
  char *hex = bn != NULL ? BN_bn2hex (bn) : NULL;
  v->serial = g_strdup (hex != NULL ? hex : "");
  OPENSSL_free (hex);

  BIO *bio = BIO_new (BIO_s_mem ());
  X509_NAME_print_ex (bio, cert->subject, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char *data = NULL;
  long len = BIO_get_mem_data (bio, &data);
  v->subject = g_strndup (data, (gsize)MAX (len, 0));
  BIO_free (bio);

  v->not_before = cert->not_before;
  v->not_after = cert->not_after;
  v->card_link = card_link_of (cert);
}

/* Key usage and basic constraints for an end-entity certificate of @purpose. */
static gboolean
usage_ok (const MadoCertParsed *cert, MadoCertPurpose purpose, const char **why)
{
  uint32_t need = KU_DIGITAL_SIGNATURE;
  if (purpose == MADO_CERT_PURPOSE_SIGN)
    need |= KU_NON_REPUDIATION;

  if (cert->ca)
    {
      *why = "an end-entity certificate must not be a CA";
      return FALSE;
    }
  if (cert->unsupported_critical != NULL)
    {
      *why = cert->unsupported_critical;
      return FALSE;
    }
  if (cert->key_usage == UINT32_MAX)
    {
      *why = "no key usage extension";
      return FALSE;
    }
  if ((cert->key_usage & need) != need)
    {
      *why = purpose == MADO_CERT_PURPOSE_SIGN
                 ? "key usage lacks digitalSignature or nonRepudiation"
                 : "key usage lacks digitalSignature";
      return FALSE;
    }
  return TRUE;
}

/* The root among those of the issuer's name whose key signed @cert; NULL when none did. */
static const MadoTrustRoot *
find_issuer (MadoCertVerifier *self, const MadoCertParsed *cert, gboolean *name_known)
{
  g_autoptr (GPtrArray) candidates = mado_trust_store_find_by_subject (self->store, cert->issuer);
  *name_known = candidates->len > 0;

  /* Try the root whose subject key identifier matches the authority key identifier first:
   * usually the only signature check needed. */
  const MadoTrustRoot *tried = NULL;
  if (cert->authority_key_id != NULL)
    for (guint i = 0; i < candidates->len && tried == NULL; i++)
      {
        const MadoTrustRoot *root = g_ptr_array_index (candidates, i);
        const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id (root->certificate);
        if (skid != NULL && ASN1_OCTET_STRING_cmp (cert->authority_key_id, skid) == 0)
          {
            if (mado_cert_parsed_verify (cert, root->key))
              return root;
            tried = root;
          }
      }
  for (guint i = 0; i < candidates->len; i++)
    {
      const MadoTrustRoot *root = g_ptr_array_index (candidates, i);
      if (root != tried && mado_cert_parsed_verify (cert, root->key))
        return root;
    }
  return NULL;
}

MadoVerdict *
mado_cert_verifier_verify_parsed (MadoCertVerifier *self, GBytes *der, const MadoCertParsed *cert,
                                  MadoCertPurpose purpose, MadoCheckFlags flags,
                                  GCancellable *cancellable)
{
  MadoVerdict *v = g_new0 (MadoVerdict, 1);
  v->crl_reason = -1;

  if (cert == NULL)
    return conclude (v, MADO_REASON_MALFORMED, "not a DER X.509 certificate");
  describe (v, cert);

  gint64 now = mado_clock_now (self->clock);
  if (self->reference != NULL)
    {
      gint64 ref = mado_clock_now (self->reference);
      gint64 skew = now > ref ? now - ref : ref - now;
      if (skew > self->max_skew)
        return conclude (v, MADO_REASON_CLOCK_SKEW,
                         "this clock and the reference differ by %" G_GINT64_FORMAT
                         " s (allowed %" G_GINT64_FORMAT " s)",
                         skew, self->max_skew);
    }

  gboolean name_known = FALSE;
  const MadoTrustRoot *root = find_issuer (self, cert, &name_known);
  if (root == NULL)
    {
      if (!name_known)
        return conclude (v, MADO_REASON_UNKNOWN_ISSUER, "no trusted root has the issuer's name");
      return conclude (v, MADO_REASON_BAD_SIGNATURE,
                       "no trusted root of the issuer's name signed this certificate");
    }
  v->root_fingerprint = g_strdup (root->fingerprint);
  v->test_root = !root->pinned;
  if (!root->pinned && !mado_trust_store_get_test_mode (self->store))
    return conclude (v, MADO_REASON_TEST_ROOT, "issued under a test root outside test mode");

  if (now < v->not_before)
    return conclude (v, MADO_REASON_NOT_YET_VALID, "valid only from the certificate's notBefore");
  if (now > v->not_after)
    return conclude (v, MADO_REASON_EXPIRED, "expired at the certificate's notAfter");
  if (now < mado_asn1_time_to_unix (X509_get0_notBefore (root->certificate)))
    return conclude (v, MADO_REASON_NOT_YET_VALID, "the issuing root is not yet valid");
  if (now > mado_asn1_time_to_unix (X509_get0_notAfter (root->certificate)))
    return conclude (v, MADO_REASON_EXPIRED, "the issuing root has expired");

  const char *why = NULL;
  if (!usage_ok (cert, purpose, &why))
    return conclude (v, MADO_REASON_WRONG_USAGE, "%s", why);

  if (!(flags & MADO_CHECK_REVOCATION))
    return conclude (v, MADO_REASON_NONE, "chain and validity checked; revocation not asked");

  if (self->sources->len == 0)
    return conclude (v, MADO_REASON_NO_REVOCATION_SOURCE, "no CRL and no OCSP responder");

  /* Revoked by any source is revoked; good needs a source that knows; else the first unknown. */
  MadoVerdictReason first_unknown = MADO_REASON_NONE;
  g_autofree char *first_detail = NULL;
  gboolean good = FALSE;
  for (guint i = 0; i < self->sources->len; i++)
    {
      MadoRevocationAnswer answer = { .crl_reason = -1 };
      mado_revocation_source_check (g_ptr_array_index (self->sources, i), der, cert->serial, root,
                                    now, cancellable, &answer);
      MadoVerdictKind kind = mado_verdict_reason_kind (answer.reason);
      if (kind == MADO_VERDICT_REVOKED)
        {
          v->revoked_at = answer.revoked_at;
          v->crl_reason = answer.crl_reason;
          conclude (v, answer.reason, "%s", answer.detail != NULL ? answer.detail : "revoked");
          mado_revocation_answer_clear (&answer);
          return v;
        }
      if (kind == MADO_VERDICT_VALID)
        good = TRUE;
      else if (first_unknown == MADO_REASON_NONE
               || first_unknown == MADO_REASON_NO_REVOCATION_SOURCE)
        {
          /* a source that has nothing for this issuer says less than one that tried and could
           * not: report the latter */
          /* an answer that is neither good nor revoked can only mean "could not check" */
          first_unknown
              = kind == MADO_VERDICT_UNKNOWN ? answer.reason : MADO_REASON_NO_REVOCATION_SOURCE;
          g_free (first_detail);
          first_detail = g_strdup (answer.detail);
        }
      mado_revocation_answer_clear (&answer);
    }
  if (good)
    return conclude (v, MADO_REASON_NONE, "chain, validity and revocation checked");
  return conclude (v, first_unknown, "%s",
                   first_detail != NULL ? first_detail : "revocation could not be checked");
}

static MadoVerdict *
verify (MadoCertVerifier *self, GBytes *der, MadoCertPurpose purpose, MadoCheckFlags flags,
        GCancellable *cancellable)
{
  g_autoptr (MadoCertParsed) cert = mado_cert_parse_bytes (der);
  return mado_cert_verifier_verify_parsed (self, der, cert, purpose, flags, cancellable);
}

MadoVerdict *
mado_cert_verifier_verify (MadoCertVerifier *self, GBytes *der, MadoCertPurpose purpose,
                           MadoCheckFlags flags, GCancellable *cancellable)
{
  g_return_val_if_fail (MADO_IS_CERT_VERIFIER (self), NULL);
  return verify (self, der, purpose, flags, cancellable);
}

typedef struct
{
  GBytes *der;
  MadoCertPurpose purpose;
  MadoCheckFlags flags;
} VerifyData;

static void
verify_data_free (VerifyData *d)
{
  g_bytes_unref (d->der);
  g_free (d);
}

static void
verify_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  VerifyData *d = task_data;
  if (g_task_return_error_if_cancelled (task))
    return;
  MadoVerdict *v = verify (source, d->der, d->purpose, d->flags, cancellable);
  g_task_return_pointer (task, v, (GDestroyNotify)mado_verdict_free);
}

void
mado_cert_verifier_verify_async (MadoCertVerifier *self, GBytes *der, MadoCertPurpose purpose,
                                 MadoCheckFlags flags, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  VerifyData *d = g_new0 (VerifyData, 1);
  d->der = g_bytes_ref (der);
  d->purpose = purpose;
  d->flags = flags;
  g_task_set_source_tag (task, mado_cert_verifier_verify_async);
  g_task_set_task_data (task, d, (GDestroyNotify)verify_data_free);
  g_task_run_in_thread (task, verify_thread);
}

MadoVerdict *
mado_cert_verifier_verify_finish (MadoCertVerifier *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- challenge signatures ------------------------------------------------------------- */

gboolean
mado_signature_verify (GBytes *certificate_der, GBytes *message, GBytes *signature)
{
  g_autoptr (MadoCertParsed) cert = mado_cert_parse_bytes (certificate_der);
  return cert != NULL && mado_cert_parsed_signature_verify (cert, message, signature);
}

/* The key from the certificate's SubjectPublicKeyInfo (mado_spki_public_key): no d2i_X509(),
 * whose public-key decoding alone cost five RSA signature checks. */
gboolean
mado_cert_parsed_signature_verify (const MadoCertParsed *cert, GBytes *message, GBytes *signature)
{
  g_autoptr (EVP_PKEY) key = mado_spki_public_key (cert->spki, cert->spki_len);
  if (key == NULL)
    return FALSE;

  gsize sig_len;
  const guint8 *sig = g_bytes_get_data (signature, &sig_len);
  g_autofree guint8 *der_sig = NULL;
  const EVP_MD *md = EVP_sha256 ();

  if (EVP_PKEY_get_base_id (key) == EVP_PKEY_EC)
    {
      /* The next card generation: ECDSA P-384 with SHA-384. Its card commands are not published,
       * so accept the raw r‖s form as well as DER. */
      md = EVP_sha384 ();
      int bits = EVP_PKEY_get_bits (key);
      gsize half = (gsize)(bits + 7) / 8;
      if (sig_len == 2 * half)
        {
          g_autoptr (ECDSA_SIG) es = ECDSA_SIG_new ();
          BIGNUM *r = BN_bin2bn (sig, (int)half, NULL);
          BIGNUM *s = BN_bin2bn (sig + half, (int)half, NULL);
          if (es == NULL || r == NULL || s == NULL || ECDSA_SIG_set0 (es, r, s) != 1)
            {
              BN_free (r);
              BN_free (s);
              return FALSE;
            }
          unsigned char *out = NULL;
          int n = i2d_ECDSA_SIG (es, &out);
          if (n <= 0)
            return FALSE;
          der_sig = g_memdup2 (out, (gsize)n);
          OPENSSL_free (out);
          sig = der_sig;
          sig_len = (gsize)n;
        }
    }
  else if (EVP_PKEY_get_base_id (key) != EVP_PKEY_RSA)
    return FALSE;

  g_autoptr (EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  EVP_PKEY_CTX *pctx = NULL;
  if (ctx == NULL || EVP_DigestVerifyInit (ctx, &pctx, md, NULL, key) != 1)
    return FALSE;
  if (EVP_PKEY_get_base_id (key) == EVP_PKEY_RSA
      && EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PADDING) != 1)
    return FALSE;
  return EVP_DigestVerify (ctx, sig, sig_len, g_bytes_get_data (message, NULL),
                           g_bytes_get_size (message))
         == 1;
}
