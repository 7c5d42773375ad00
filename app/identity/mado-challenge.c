/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mado-identity"

#include "mado-challenge.h"

#include <openssl/rand.h>

#include "mado-cert-verifier-private.h"
#include "mado-identity-error.h"

GBytes *
mado_challenge_issue (MadoNonceStore *store, MadoClock *clock, gint64 ttl_seconds, GError **error)
{
  guint8 nonce[MADO_NONCE_LENGTH];

  if (RAND_bytes (nonce, sizeof nonce) != 1)
    {
      g_set_error_literal (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_NONCE,
                           "No random bytes for a nonce");
      return NULL;
    }
  if (!mado_nonce_store_put (store, nonce, mado_clock_now (clock) + ttl_seconds, error))
    return NULL;
  return g_bytes_new (nonce, sizeof nonce);
}

MadoVerdict *
mado_challenge_check (MadoCertVerifier *verifier, MadoNonceStore *store, GBytes *nonce,
                      GBytes *signature, GBytes *certificate_der, MadoCheckFlags flags,
                      GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  MadoNonceState state = MADO_NONCE_UNKNOWN;

  /* The nonce first: a replay is refused whatever else the request holds. */
  if (nonce != NULL && g_bytes_get_size (nonce) == MADO_NONCE_LENGTH)
    state
        = mado_nonce_store_take (store, g_bytes_get_data (nonce, NULL),
                                 mado_clock_now (mado_cert_verifier_get_clock (verifier)), &error);

  MadoVerdictReason reason = MADO_REASON_NONE;
  g_autofree char *detail = NULL;
  if (state != MADO_NONCE_FRESH)
    {
      reason = MADO_REASON_NONCE;
      detail = g_strdup_printf ("the challenge is %s%s%s", mado_nonce_state_to_string (state),
                                error != NULL ? ": " : "", error != NULL ? error->message : "");
    }

  /* The certificate parsed once, for the signature and for the chain. A malformed one fails
   * the signature check, and the verdict then says malformed. */
  g_autoptr (MadoCertParsed) cert = mado_cert_parse_bytes (certificate_der);
  if (reason == MADO_REASON_NONE
      && (signature == NULL || cert == NULL
          || !mado_cert_parsed_signature_verify (cert, nonce, signature)))
    {
      reason = MADO_REASON_SIGNATURE_INVALID;
      detail = g_strdup ("the signature does not verify with the certificate's public key");
    }

  /* Only a sound request earns the revocation check (which may go to the network). */
  MadoVerdict *v = mado_cert_verifier_verify_parsed (
      verifier, certificate_der, cert, MADO_CERT_PURPOSE_AUTH,
      reason == MADO_REASON_NONE ? flags : MADO_CHECK_CHAIN, cancellable);
  if (reason != MADO_REASON_NONE && v->reason != MADO_REASON_MALFORMED)
    {
      v->reason = reason;
      v->kind = mado_verdict_reason_kind (reason);
      g_free (v->detail);
      v->detail = g_steal_pointer (&detail);
    }
  return v;
}
