/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-signed-qr.h — the QR code on every copy: an ASCII payload (scanners type what they read)
 * carrying the document kind, the 発行番号, the date, the office, the digest of the canonical
 * content, for a certificate the hash of the card link stored with the person it describes, and
 * an ECDSA P-256 signature over all of it. Its exact form is in docs/documents.md.
 *
 * The key is an argument: certificates are signed with the office key (registry only), move
 * notices with the enrolled kiosk's key, tickets not at all.
 */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <openssl/evp.h>

G_BEGIN_DECLS

typedef struct
{
  char *kind;         /* document kind, e.g. "juminhyo" */
  char *issue_number; /* 発行番号 (ASCII) */
  char *date;         /* ISO 8601 date of issue */
  char *office;       /* issuing office code (ASCII) */
  guint8 digest[32];  /* SHA-256 of the canonical content */
  gboolean has_card_link;
  guint8 card_link[32]; /* SHA-256 card link of the person the document describes */
  char *key_id;         /* which key signed (hex of the first bytes of SHA-256 of its SPKI) */
} MadoQrClaims;

void mado_qr_claims_free (MadoQrClaims *claims);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoQrClaims, mado_qr_claims_free)

/* The payload for @claims signed with @key (an EC P-256 private key). ASCII only. */
char *mado_signed_qr_encode (const MadoQrClaims *claims, EVP_PKEY *key, GError **error);

/* Parses @payload and checks its signature with whichever of @public_keys (EVP_PKEY *) names
 * its key id. MADO_PRINT_ERROR_NO_QR for a payload that is not ours, _UNKNOWN_SIGNER for a key
 * not given, _TAMPERED for a signature that does not verify. */
MadoQrClaims *mado_signed_qr_decode (const char *payload, GPtrArray *public_keys, GError **error);

/* Draws the QR code of @payload (ASCII) as a square of @size points at (x, y), with its quiet
 * zone inside the square. */
gboolean mado_qr_draw (cairo_t *cr, const char *payload, double x, double y, double size,
                       GError **error);

/* The key id of @key (private or public): lowercase hex of the first 8 bytes of SHA-256 over its
 * SubjectPublicKeyInfo DER. */
char *mado_key_id (EVP_PKEY *key);

/* Loads a PEM private or public key (MADO_PRINT_ERROR_KEY); a public key may also be given as a
 * PEM certificate. EC P-256 only. */
EVP_PKEY *mado_signing_key_load (const char *path, GError **error);
EVP_PKEY *mado_public_key_load (const char *path, GError **error);

G_END_DECLS
