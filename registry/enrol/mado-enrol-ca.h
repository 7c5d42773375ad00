/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-enrol-ca.h — the registry's own certificate authority (docs/operations.md). It issues the
 * client certificates of kiosks and consoles at enrolment (and the registry's server certificate
 * for a town without a PKI of its own). A CA directory holds:
 *   ca.pem   the CA certificate (give it to terminals: they trust the registry through it)
 *   ca.key   its EC P-256 key, mode 0600; never leaves the registry's host
 * Certificates are EC P-256, serials 128 random bits, subject CN = the terminal id and
 * OU = its kind. Whether a terminal is still enrolled is the database's answer (terminals table),
 * so a revocation takes effect at once in every registry process, without CRL distribution.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  MADO_ENROL_KIND_KIOSK,   /* "kiosk": a self-service terminal (clientAuth) */
  MADO_ENROL_KIND_CONSOLE, /* "console": a clerk's counter console (clientAuth) */
  MADO_ENROL_KIND_SERVER,  /* "server": the registry's listener (serverAuth, names in SAN) */
} MadoEnrolKind;

const char *mado_enrol_kind_to_string (MadoEnrolKind kind);
gboolean mado_enrol_kind_from_string (const char *name, MadoEnrolKind *out);

/* Creates @dir (0700) with a new CA named "@organisation 窓口端末認証局"; refuses when a CA is
 * already there (an existing CA is never overwritten). */
gboolean mado_enrol_ca_init (const char *dir, const char *organisation, guint days, GError **error);

typedef struct
{
  char *serial_hex; /* upper-case hex without leading zeros (mado_enrol_normalize_serial) */
  gint64 not_before;
  gint64 not_after;
} MadoEnrolIssued;

void mado_enrol_issued_free (MadoEnrolIssued *issued);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoEnrolIssued, mado_enrol_issued_free)

/* Issues a certificate and a new key for @common_name (a terminal id: 1–64 of A–Z a–z 0–9 - _ .)
 * and writes them as PEM to @cert_path and @key_path (0600). @names: the server's DNS names and
 * IP addresses (server kind only). */
MadoEnrolIssued *mado_enrol_issue (const char *ca_dir, MadoEnrolKind kind, const char *common_name,
                                   const char *const *names, guint days, const char *cert_path,
                                   const char *key_path, GError **error);

/* Writes a new EC P-256 key (PEM, 0600) and its public key (PEM) — the office key that signs the
 * QR codes of certificates. */
gboolean mado_enrol_make_signing_key (const char *key_path, const char *public_path,
                                      GError **error);

/* Upper case, no leading zeros ("0" for zero), NULL when not hex. */
char *mado_enrol_normalize_serial (const char *serial_hex);

/* A terminal id as the enrolment accepts it. */
gboolean mado_enrol_terminal_id_is_valid (const char *id);

G_END_DECLS
