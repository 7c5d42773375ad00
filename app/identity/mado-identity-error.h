/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-identity-error.h — the GError domain of app/identity: operational failures (a trust store
 * that cannot be loaded, a CRL file that cannot be indexed, a nonce that was never issued).
 * A certificate that fails verification is not an error: it is a MadoVerdict (mado-verdict.h).
 * Every code is in the error catalogue (app/errors, docs/errors.md).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MADO_IDENTITY_ERROR (mado_identity_error_quark ())
GQuark mado_identity_error_quark (void);

typedef enum
{
  MADO_IDENTITY_ERROR_TRUST_STORE = 1,  /* trust dir unreadable, a root not pinned in production */
  MADO_IDENTITY_ERROR_CRL,              /* a CRL file unreadable, malformed, or its signature bad */
  MADO_IDENTITY_ERROR_CRL_INDEX,        /* a CRL index file corrupt or of another version */
  MADO_IDENTITY_ERROR_CRL_NOT_NEWER,    /* a CRL older than (or as old as) the indexed one */
  MADO_IDENTITY_ERROR_NONCE,            /* a nonce unknown, already used or expired */
  MADO_IDENTITY_ERROR_OCSP_NOT_ALLOWED, /* an OCSP URL outside the allow-list */
  /* A verdict that is not valid, reported at a command's or a screen's boundary. */
  MADO_IDENTITY_ERROR_REVOKED,
  MADO_IDENTITY_ERROR_INVALID,
  MADO_IDENTITY_ERROR_UNKNOWN,
  /* The signature certificate's four attributes and the card's text disagree. */
  MADO_IDENTITY_ERROR_ATTRIBUTES,
} MadoIdentityError;

G_END_DECLS
