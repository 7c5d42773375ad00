/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-identity-setup.h — a certificate verifier as the configuration ([identity], see
 * docs/configuration.md) describes it: the trust store in its mode, the CRL indexes (indexing
 * the configured CRL files), the OCSP responder. Commands and, later, the kiosk and the registry
 * build theirs here.
 */
#pragma once

#include "mado-cert-verifier.h"
#include "mado-config.h"

G_BEGIN_DECLS

typedef struct
{
  const char *trust_dir;         /* instead of [identity] trust-dir */
  const char *const *extra_crls; /* CRL files in addition to [identity] crl */
  const char *ocsp_url;          /* instead of [identity] ocsp-url */
  MadoClock *clock;              /* NULL: the system clock */
} MadoIdentityOverrides;

/* Errors: MADO_IDENTITY_ERROR_TRUST_STORE (no root, an unpinned root in production, an
 * unreadable directory), _CRL, _CRL_INDEX. */
MadoCertVerifier *mado_identity_verifier_new_from_config (MadoConfig *config,
                                                          const MadoIdentityOverrides *overrides,
                                                          GError **error);

G_END_DECLS
