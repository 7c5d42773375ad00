/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-cert-verifier-private.h — private to app/identity: the verifier and the challenge
 * signature on a certificate parsed once (mado-cert-parse.h), so that mado_challenge_check()
 * parses the card's certificate one time for the signature and the chain.
 */
#pragma once

#include "mado-cert-parse.h"
#include "mado-cert-verifier.h"

G_BEGIN_DECLS

/* mado_cert_verifier_verify() with @cert, the parse of @der (NULL: the verdict is malformed).
 * @der is still what revocation sources get (OCSP builds its request from it). */
MadoVerdict *mado_cert_verifier_verify_parsed (MadoCertVerifier *self, GBytes *der,
                                               const MadoCertParsed *cert, MadoCertPurpose purpose,
                                               MadoCheckFlags flags, GCancellable *cancellable);

/* mado_signature_verify() with the parsed certificate's key. */
gboolean mado_cert_parsed_signature_verify (const MadoCertParsed *cert, GBytes *message,
                                            GBytes *signature);

G_END_DECLS
