/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-verdict.h — what a certificate check answers: valid, revoked, invalid, or unknown, with a
 * reason. Unknown is never valid: a caller that needs a person's identity treats everything but
 * MADO_VERDICT_VALID as a refusal, and says why. The string forms are the contract of
 * `mado-card verify --json` and the registry API (docs/identity.md).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  MADO_VERDICT_VALID,
  MADO_VERDICT_REVOKED,
  MADO_VERDICT_INVALID,
  MADO_VERDICT_UNKNOWN, /* revocation (or the time) could not be checked */
} MadoVerdictKind;

typedef enum
{
  MADO_REASON_NONE = 0, /* valid */

  /* invalid */
  MADO_REASON_MALFORMED,         /* "malformed": not a DER X.509 certificate (or signature) */
  MADO_REASON_EXPIRED,           /* "expired" */
  MADO_REASON_NOT_YET_VALID,     /* "not-yet-valid" */
  MADO_REASON_UNKNOWN_ISSUER,    /* "unknown-issuer": no trusted root of that name */
  MADO_REASON_BAD_SIGNATURE,     /* "bad-signature": no root of that name signed it */
  MADO_REASON_WRONG_USAGE,       /* "wrong-usage": key usage, basic constraints or policy */
  MADO_REASON_TEST_ROOT,         /* "test-root": issued under a test root outside test mode */
  MADO_REASON_SIGNATURE_INVALID, /* "signature-invalid": the challenge signature does not verify */
  MADO_REASON_NONCE,             /* "nonce": unknown, used twice or expired challenge */

  /* revoked */
  MADO_REASON_REVOKED_CRL,  /* "revoked-crl" */
  MADO_REASON_REVOKED_OCSP, /* "revoked-ocsp" */

  /* unknown */
  MADO_REASON_NO_REVOCATION_SOURCE, /* "no-revocation-source": no CRL for the issuer, no OCSP */
  MADO_REASON_CRL_STALE,            /* "crl-stale": past its nextUpdate (or not yet valid) */
  MADO_REASON_CRL_INDEX,            /* "crl-index": the index is corrupt */
  MADO_REASON_OCSP_UNREACHABLE,     /* "ocsp-unreachable" */
  MADO_REASON_OCSP_TIMEOUT,         /* "ocsp-timeout" */
  MADO_REASON_OCSP_BAD_RESPONSE, /* "ocsp-bad-response": unparsable, unsuccessful, bad signature */
  MADO_REASON_OCSP_NONCE,        /* "ocsp-nonce": missing or different nonce (a replay) */
  MADO_REASON_OCSP_STALE,        /* "ocsp-stale": thisUpdate/nextUpdate out of range */
  MADO_REASON_OCSP_WRONG_CERT,   /* "ocsp-wrong-certificate": no answer for this certificate */
  MADO_REASON_OCSP_STATUS_UNKNOWN, /* "ocsp-status-unknown": the responder does not know it */
  MADO_REASON_OCSP_NOT_ALLOWED,    /* "ocsp-not-allowed": responder URL not allow-listed */
  MADO_REASON_CLOCK_SKEW,          /* "clock-skew": our clock disagrees with the registry's */
} MadoVerdictReason;

const char *mado_verdict_kind_to_string (MadoVerdictKind kind);
const char *mado_verdict_reason_to_string (MadoVerdictReason reason);
/* The kind a reason implies (MADO_REASON_NONE → valid). */
MadoVerdictKind mado_verdict_reason_kind (MadoVerdictReason reason);

/* How a revocation source answered for one certificate. */
typedef struct
{
  MadoVerdictReason reason; /* NONE: good; REVOKED_*: revoked; an unknown reason otherwise */
  gint64 revoked_at;        /* unix seconds, when revoked */
  int crl_reason;           /* the CRLReason code when given, else -1 */
  char *detail;             /* English, for logs and IT staff; never personal data */
} MadoRevocationAnswer;

void mado_revocation_answer_clear (MadoRevocationAnswer *answer);

G_END_DECLS
