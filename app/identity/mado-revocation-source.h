/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-revocation-source.h — where revocation answers come from: CRL indexes (mado-crl-index.h)
 * and OCSP (mado-ocsp.h) behind one interface, so the verifier asks them in turn and a test or
 * the registry can add its own.
 */
#pragma once

#include <gio/gio.h>
#include <openssl/x509.h>

#include "mado-trust-store.h"
#include "mado-verdict.h"

G_BEGIN_DECLS

#define MADO_TYPE_REVOCATION_SOURCE (mado_revocation_source_get_type ())
G_DECLARE_INTERFACE (MadoRevocationSource, mado_revocation_source, MADO, REVOCATION_SOURCE, GObject)

struct _MadoRevocationSourceInterface
{
  GTypeInterface parent_iface;

  /* Answers for the certificate @certificate_der (serial @serial, already parsed) issued by
   * @root, at @now (Unix seconds). The verifier has checked the chain; a source that needs more
   * of the certificate than its serial parses the DER itself (OCSP does; a CRL lookup does not,
   * which keeps the registry's common path free of OpenSSL's costly key decoding). Blocking: the
   * verifier runs it in a worker thread. Fills @answer (reason NONE = good). */
  void (*check) (MadoRevocationSource *self, GBytes *certificate_der, const ASN1_INTEGER *serial,
                 const MadoTrustRoot *root, gint64 now, GCancellable *cancellable,
                 MadoRevocationAnswer *answer);
};

void mado_revocation_source_check (MadoRevocationSource *self, GBytes *certificate_der,
                                   const ASN1_INTEGER *serial, const MadoTrustRoot *root,
                                   gint64 now, GCancellable *cancellable,
                                   MadoRevocationAnswer *answer);

G_END_DECLS
