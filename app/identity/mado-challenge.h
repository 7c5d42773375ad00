/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-challenge.h — challenge–response with the card's authentication key.
 *
 * The verifier issues a fresh 32-byte nonce and remembers it (MadoNonceStore) until it is used
 * once or expires; the card signs the DigestInfo of SHA-256(nonce); the verifier consumes the
 * nonce, checks the signature with the certificate's public key, and verifies the certificate
 * (chain, validity, revocation). One verdict comes out.
 */
#pragma once

#include "mado-cert-verifier.h"
#include "mado-nonce-store.h"

G_BEGIN_DECLS

/* A fresh nonce of MADO_NONCE_LENGTH random bytes, remembered for @ttl_seconds. */
GBytes *mado_challenge_issue (MadoNonceStore *store, MadoClock *clock, gint64 ttl_seconds,
                              GError **error);

/* Consumes @nonce (a second use is refused: reason "nonce"), checks @signature over it with the
 * certificate's key ("signature-invalid"), then verifies the certificate with @flags. */
MadoVerdict *mado_challenge_check (MadoCertVerifier *verifier, MadoNonceStore *store, GBytes *nonce,
                                   GBytes *signature, GBytes *certificate_der, MadoCheckFlags flags,
                                   GCancellable *cancellable);

G_END_DECLS
