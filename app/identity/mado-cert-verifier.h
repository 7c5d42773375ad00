/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-cert-verifier.h — is this JPKI certificate genuine, current and not revoked?
 *
 * DER in, a MadoVerdict out: valid, revoked, invalid (with why) or unknown (with why). Card-free:
 * the kiosk and the registry share it. The chain is one step — J-LIS roots issue the end-entity
 * certificates directly — and the issuer is chosen by key and signature among the trusted roots
 * of the issuer's name (three generations share one name). Then validity at the clock's time
 * (certificate and root), key usage for the purpose, basic constraints; then, when asked,
 * revocation from every source in turn: revoked by any is revoked; valid needs at least one
 * source that knows and says good; otherwise unknown, never valid.
 */
#pragma once

#include <gio/gio.h>

#include "mado-clock.h"
#include "mado-revocation-source.h"
#include "mado-trust-store.h"
#include "mado-verdict.h"

G_BEGIN_DECLS

typedef enum
{
  MADO_CERT_PURPOSE_AUTH, /* 利用者証明用: digitalSignature */
  MADO_CERT_PURPOSE_SIGN, /* 署名用: digitalSignature and nonRepudiation */
} MadoCertPurpose;

typedef enum
{
  MADO_CHECK_CHAIN = 1 << 0,      /* issuer, signature, validity, usage (the kiosk's pre-check) */
  MADO_CHECK_REVOCATION = 1 << 1, /* CRL / OCSP (the registry's full check) */
  MADO_CHECK_ALL = MADO_CHECK_CHAIN | MADO_CHECK_REVOCATION,
} MadoCheckFlags;

typedef struct
{
  MadoVerdictKind kind;
  MadoVerdictReason reason;
  char *detail;      /* English, for IT staff; never personal data */
  char *serial;      /* uppercase hex, as OpenSSL prints it */
  char *subject;     /* the subject in RFC 2253 form */
  gint64 not_before; /* Unix seconds */
  gint64 not_after;
  char *root_fingerprint; /* the trusted root that issued it, when found */
  gboolean test_root;     /* that root is a test root (test mode) */
  gint64 revoked_at;      /* when revoked */
  int crl_reason;         /* the CRLReason code when revoked and given, else -1 */
  char *card_link;        /* the card link (DESIGN.md) when the certificate has an AKI */
} MadoVerdict;

void mado_verdict_free (MadoVerdict *verdict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoVerdict, mado_verdict_free)

#define MADO_TYPE_CERT_VERIFIER (mado_cert_verifier_get_type ())
G_DECLARE_FINAL_TYPE (MadoCertVerifier, mado_cert_verifier, MADO, CERT_VERIFIER, GObject)

MadoCertVerifier *mado_cert_verifier_new (MadoTrustStore *store, MadoClock *clock);

/* Borrowed. */
MadoClock *mado_cert_verifier_get_clock (MadoCertVerifier *self);
MadoTrustStore *mado_cert_verifier_get_trust_store (MadoCertVerifier *self);

/* Sources are asked in the order added. */
void mado_cert_verifier_add_revocation_source (MadoCertVerifier *self,
                                               MadoRevocationSource *source);

/* The registry's clock (or any authority's): when our clock and it disagree by more than
 * @max_skew_seconds, every verdict is unknown (clock-skew). */
void mado_cert_verifier_set_reference_clock (MadoCertVerifier *self, MadoClock *reference,
                                             gint64 max_skew_seconds);

/* Never NULL. Thread-safe (sources must be too). */
MadoVerdict *mado_cert_verifier_verify (MadoCertVerifier *self, GBytes *der,
                                        MadoCertPurpose purpose, MadoCheckFlags flags,
                                        GCancellable *cancellable);
void mado_cert_verifier_verify_async (MadoCertVerifier *self, GBytes *der, MadoCertPurpose purpose,
                                      MadoCheckFlags flags, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
MadoVerdict *mado_cert_verifier_verify_finish (MadoCertVerifier *self, GAsyncResult *result,
                                               GError **error);

/* Checks @signature over @message (the challenge) with the certificate's key: RSA PKCS#1 v1.5
 * over SHA-256 (the card signs the DigestInfo of SHA-256(challenge)), or ECDSA P-384 over
 * SHA-384, the signature either DER or the raw r‖s of 96 bytes. */
gboolean mado_signature_verify (GBytes *certificate_der, GBytes *message, GBytes *signature);

G_END_DECLS
