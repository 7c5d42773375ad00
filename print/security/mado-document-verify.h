/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-document-verify.h — verify a file (PDF, PNG, JPEG): every Madoguchi QR code found is
 * decoded and its signature checked with the given public keys; for a PDF, the canonical content
 * it carries (MADO_PDF_CONTENT_NAME) is digested again and compared with what each QR vouches
 * for. docs/documents.md, "Verifying a paper".
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>

#include "mado-signed-qr.h"

G_BEGIN_DECLS

typedef struct
{
  guint page;
  char *payload;        /* as scanned */
  MadoQrClaims *claims; /* what it vouches for when the signature verifies, else NULL */
  GError *error;        /* why not (TAMPERED, UNKNOWN_SIGNER), else NULL */
  int digest_match;     /* PDF: 1 the content digest equals this QR's, 0 differs, -1 unknown */
} MadoQrCheck;

typedef enum
{
  MADO_DIGEST_NOT_CHECKED = -1, /* not a PDF (a scan carries no content) */
  MADO_DIGEST_MISMATCH = 0,     /* content absent, unreadable, or not what a QR vouches for */
  MADO_DIGEST_MATCH = 1,
} MadoDigestMatch;

typedef struct
{
  char *file;
  gboolean is_pdf;
  GPtrArray *checks; /* MadoQrCheck *, Madoguchi QR codes only (payloads starting MDG1.) */
  guint other_qr;    /* QR codes found that are not ours (ignored) */
  gboolean has_content;
  guint8 content_digest[32]; /* SHA-256 of the canonical form of the embedded content */
  char *content_problem;     /* PDF: why the content could not be checked, or NULL */
  MadoDigestMatch digest_match;
} MadoVerification;

void mado_verification_free (MadoVerification *verification);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoVerification, mado_verification_free)

/* Scans and checks @path. NULL only when the file cannot be read at all (MADO_PRINT_ERROR_PDF). */
MadoVerification *mado_document_verify (const char *path, GPtrArray *public_keys, GError **error);

/* The verdict: TRUE when there is at least one Madoguchi QR, every one verifies, and (PDF) the
 * content digest matches. Otherwise FALSE with, by precedence: _TAMPERED (a signature or the
 * digest), _UNKNOWN_SIGNER, _PDF (a PDF without readable content), _NO_QR. */
gboolean mado_verification_ok (const MadoVerification *verification, GError **error);

G_END_DECLS
