/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-print-exit.c — the print rows of the error catalogue (docs/errors.md): exit codes and ids,
 * shared by mado-print and mado-verify.
 */
#include <stdio.h>

#include "mado-print-commands.h"
#include "mado-print-error.h"

static const struct
{
  int code;
  const char *id;
  int exit_code;
} exit_codes[] = {
  { MADO_PRINT_ERROR_UNKNOWN_KIND, "print.unknown-kind", 40 },
  { MADO_PRINT_ERROR_MISSING_FIELD, "print.missing-field", 41 },
  { MADO_PRINT_ERROR_INVALID_FIELD, "print.invalid-field", 42 },
  { MADO_PRINT_ERROR_UNRESOLVED_CHARACTER, "print.unresolved-character", 43 },
  { MADO_PRINT_ERROR_UNSUPPORTED_VARIATION, "print.unsupported-variation", 44 },
  { MADO_PRINT_ERROR_TOO_LONG, "print.too-long", 45 },
  { MADO_PRINT_ERROR_FONT, "print.font", 46 },
  { MADO_PRINT_ERROR_RENDER, "print.render", 47 },
  { MADO_PRINT_ERROR_KEY, "print.key", 48 },
  { MADO_PRINT_ERROR_NO_QR, "print.no-qr", 49 },
  { MADO_PRINT_ERROR_TAMPERED, "print.tampered", 50 },
  { MADO_PRINT_ERROR_UNKNOWN_SIGNER, "print.unknown-signer", 51 },
  { MADO_PRINT_ERROR_PDF, "print.pdf", 52 },
  { MADO_PRINT_ERROR_PRINTER_NOT_FOUND, "print.printer-not-found", 53 },
  { MADO_PRINT_ERROR_PRINTER_UNREACHABLE, "print.printer-unreachable", 54 },
  { MADO_PRINT_ERROR_PRINTER_STOPPED, "print.printer-stopped", 55 },
  { MADO_PRINT_ERROR_MEDIA_JAM, "print.media-jam", 56 },
  { MADO_PRINT_ERROR_MEDIA_EMPTY, "print.media-empty", 57 },
  { MADO_PRINT_ERROR_JOB_ABORTED, "print.job-aborted", 58 },
  { MADO_PRINT_ERROR_JOB_CANCELED, "print.job-canceled", 59 },
  { MADO_PRINT_ERROR_JOB_HELD, "print.job-held", 60 },
  { MADO_PRINT_ERROR_TIMEOUT, "print.timeout", 61 },
  { MADO_PRINT_ERROR_NOT_ISSUED, "print.not-issued", 62 },
  { MADO_PRINT_ERROR_REGISTRY, "print.registry", 63 },
};

int
mado_print_exit_code (const GError *error)
{
  for (gsize i = 0; error != NULL && i < G_N_ELEMENTS (exit_codes); i++)
    if (error->domain == MADO_PRINT_ERROR && error->code == exit_codes[i].code)
      return exit_codes[i].exit_code;
  return error != NULL && error->domain == G_OPTION_ERROR ? 2 : 1;
}

const char *
mado_print_error_id (const GError *error)
{
  for (gsize i = 0; error != NULL && i < G_N_ELEMENTS (exit_codes); i++)
    if (error->domain == MADO_PRINT_ERROR && error->code == exit_codes[i].code)
      return exit_codes[i].id;
  return "unknown";
}

int
mado_print_fail (const char *program, const GError *error)
{
  const char *id = mado_print_error_id (error);
  fprintf (stderr, "%s: %s [%s]\n", program, error != NULL ? error->message : "failed", id);
  return mado_print_exit_code (error);
}
