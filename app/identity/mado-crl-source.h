/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-crl-source.h — CRL indexes (mado-crl-index.h) as a revocation source: a certificate is
 * looked up in the index of the root that issued it (by the root's key).
 */
#pragma once

#include "mado-crl-index.h"
#include "mado-revocation-source.h"
#include "mado-trust-store.h"

G_BEGIN_DECLS

#define MADO_TYPE_CRL_SOURCE (mado_crl_source_get_type ())
G_DECLARE_FINAL_TYPE (MadoCrlSource, mado_crl_source, MADO, CRL_SOURCE, GObject)

MadoRevocationSource *mado_crl_source_new (MadoCrlIndexDir *dir);

/* Indexes @crl_path into the source's directory; the CRL's signature must verify with a trusted
 * root of its issuer's name. A list no newer than the indexed one keeps the index (not an error:
 * @replaced says which). */
gboolean mado_crl_source_add_crl (MadoCrlSource *self, MadoTrustStore *store, const char *crl_path,
                                  gboolean *replaced, GError **error);

G_END_DECLS
