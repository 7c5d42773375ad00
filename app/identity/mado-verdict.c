/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-verdict.h"

#include "mado-identity-error.h"

/* The quark's name is a string GLib builds from these tokens: keep them unspaced. */
/* clang-format off */
G_DEFINE_QUARK (mado-identity-error-quark, mado_identity_error)
/* clang-format on */

static const struct
{
  MadoVerdictReason reason;
  MadoVerdictKind kind;
  const char *name;
} reasons[] = {
  { MADO_REASON_NONE, MADO_VERDICT_VALID, "none" },
  { MADO_REASON_MALFORMED, MADO_VERDICT_INVALID, "malformed" },
  { MADO_REASON_EXPIRED, MADO_VERDICT_INVALID, "expired" },
  { MADO_REASON_NOT_YET_VALID, MADO_VERDICT_INVALID, "not-yet-valid" },
  { MADO_REASON_UNKNOWN_ISSUER, MADO_VERDICT_INVALID, "unknown-issuer" },
  { MADO_REASON_BAD_SIGNATURE, MADO_VERDICT_INVALID, "bad-signature" },
  { MADO_REASON_WRONG_USAGE, MADO_VERDICT_INVALID, "wrong-usage" },
  { MADO_REASON_TEST_ROOT, MADO_VERDICT_INVALID, "test-root" },
  { MADO_REASON_SIGNATURE_INVALID, MADO_VERDICT_INVALID, "signature-invalid" },
  { MADO_REASON_NONCE, MADO_VERDICT_INVALID, "nonce" },
  { MADO_REASON_REVOKED_CRL, MADO_VERDICT_REVOKED, "revoked-crl" },
  { MADO_REASON_REVOKED_OCSP, MADO_VERDICT_REVOKED, "revoked-ocsp" },
  { MADO_REASON_NO_REVOCATION_SOURCE, MADO_VERDICT_UNKNOWN, "no-revocation-source" },
  { MADO_REASON_CRL_STALE, MADO_VERDICT_UNKNOWN, "crl-stale" },
  { MADO_REASON_CRL_INDEX, MADO_VERDICT_UNKNOWN, "crl-index" },
  { MADO_REASON_OCSP_UNREACHABLE, MADO_VERDICT_UNKNOWN, "ocsp-unreachable" },
  { MADO_REASON_OCSP_TIMEOUT, MADO_VERDICT_UNKNOWN, "ocsp-timeout" },
  { MADO_REASON_OCSP_BAD_RESPONSE, MADO_VERDICT_UNKNOWN, "ocsp-bad-response" },
  { MADO_REASON_OCSP_NONCE, MADO_VERDICT_UNKNOWN, "ocsp-nonce" },
  { MADO_REASON_OCSP_STALE, MADO_VERDICT_UNKNOWN, "ocsp-stale" },
  { MADO_REASON_OCSP_WRONG_CERT, MADO_VERDICT_UNKNOWN, "ocsp-wrong-certificate" },
  { MADO_REASON_OCSP_STATUS_UNKNOWN, MADO_VERDICT_UNKNOWN, "ocsp-status-unknown" },
  { MADO_REASON_OCSP_NOT_ALLOWED, MADO_VERDICT_UNKNOWN, "ocsp-not-allowed" },
  { MADO_REASON_CLOCK_SKEW, MADO_VERDICT_UNKNOWN, "clock-skew" },
};

const char *
mado_verdict_kind_to_string (MadoVerdictKind kind)
{
  switch (kind)
    {
    case MADO_VERDICT_VALID:
      return "valid";
    case MADO_VERDICT_REVOKED:
      return "revoked";
    case MADO_VERDICT_INVALID:
      return "invalid";
    case MADO_VERDICT_UNKNOWN:
    default:
      return "unknown";
    }
}

const char *
mado_verdict_reason_to_string (MadoVerdictReason reason)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (reasons[i].reason == reason)
      return reasons[i].name;
  return "unknown";
}

MadoVerdictKind
mado_verdict_reason_kind (MadoVerdictReason reason)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (reasons[i].reason == reason)
      return reasons[i].kind;
  return MADO_VERDICT_UNKNOWN; /* never silently valid */
}

void
mado_revocation_answer_clear (MadoRevocationAnswer *answer)
{
  g_clear_pointer (&answer->detail, g_free);
  answer->reason = MADO_REASON_NONE;
  answer->revoked_at = 0;
  answer->crl_reason = -1;
}
