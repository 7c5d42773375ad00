/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-print-error.h — the one GError domain of print/. Every code is in the error catalogue
 * (app/errors, docs/errors.md) with its exit code and remedy.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MADO_PRINT_ERROR (mado_print_error_quark ())
GQuark mado_print_error_quark (void);

typedef enum
{
  /* documents */
  MADO_PRINT_ERROR_UNKNOWN_KIND = 1,     /* no such document kind */
  MADO_PRINT_ERROR_MISSING_FIELD,        /* a required field is absent (the message names it) */
  MADO_PRINT_ERROR_INVALID_FIELD,        /* a field of the wrong type or form */
  MADO_PRINT_ERROR_UNRESOLVED_CHARACTER, /* 外字: no configured font holds the character (named) */
  MADO_PRINT_ERROR_UNSUPPORTED_VARIATION, /* the font does not register this variation sequence */
  MADO_PRINT_ERROR_TOO_LONG,              /* text that cannot fit even at the smallest size */
  MADO_PRINT_ERROR_FONT,                  /* a configured font is not installed */
  MADO_PRINT_ERROR_RENDER,                /* cairo or pango failed */
  /* signing and verification */
  MADO_PRINT_ERROR_KEY,            /* a signing or public key that cannot be used */
  MADO_PRINT_ERROR_NO_QR,          /* mado-verify found no Madoguchi QR code */
  MADO_PRINT_ERROR_TAMPERED,       /* a QR signature or the document digest does not match */
  MADO_PRINT_ERROR_UNKNOWN_SIGNER, /* signed by a key not configured */
  MADO_PRINT_ERROR_PDF,            /* a PDF that cannot be read or written */
  /* printing */
  MADO_PRINT_ERROR_PRINTER_NOT_FOUND,   /* no such queue or IPP printer */
  MADO_PRINT_ERROR_PRINTER_UNREACHABLE, /* CUPS or the printer does not answer */
  MADO_PRINT_ERROR_PRINTER_STOPPED,     /* the printer stopped (CUPS put the job back to pending) */
  MADO_PRINT_ERROR_MEDIA_JAM,           /* paper jam */
  MADO_PRINT_ERROR_MEDIA_EMPTY,         /* out of paper */
  MADO_PRINT_ERROR_JOB_ABORTED,         /* the job was aborted by the system or the printer */
  MADO_PRINT_ERROR_JOB_CANCELED,        /* the job was cancelled */
  MADO_PRINT_ERROR_JOB_HELD,            /* the job is held */
  MADO_PRINT_ERROR_TIMEOUT,             /* the job did not finish in time */
  MADO_PRINT_ERROR_NOT_ISSUED, /* the registry knows no printed paper of this number and digest */
  MADO_PRINT_ERROR_REGISTRY,   /* the registry could not be asked (mado-verify --registry) */
} MadoPrintError;

G_END_DECLS
