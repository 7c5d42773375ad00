/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-app-error.h — the GError domain of app/ and the error catalogue across all parts.
 *
 * The catalogue (docs/errors.md is its human form; tests/unit/test-error-catalogue checks they
 * agree) gives every code of every part a stable id ("card.no-card"), the exit code a command
 * ends with, what happened and the remedy a person is told. Texts are Japanese, the source
 * language of the UI, and go through gettext.
 */
#pragma once

#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

#define MADO_APP_ERROR (mado_app_error_quark ())
GQuark mado_app_error_quark (void);

typedef enum
{
  MADO_APP_ERROR_USAGE = 1,         /* bad command line */
  MADO_APP_ERROR_CONFIG,            /* configuration file unreadable or invalid */
  MADO_APP_ERROR_IO,                /* a file could not be read or written */
  MADO_APP_ERROR_SIGNATURE_INVALID, /* a signature did not verify with the certificate's key */
  MADO_APP_ERROR_CERTIFICATE_PARSE, /* a certificate does not parse as X.509 */
  MADO_APP_ERROR_TIMEOUT,           /* waited for a card or an event longer than allowed */
} MadoAppError;

typedef struct
{
  const char *id; /* stable, e.g. "card.pin-wrong"; never translated */
  GQuark (*domain) (void);
  int code;
  int exit_code;
  const char *summary; /* N_(): what happened */
  const char *remedy;  /* N_(): what the person should do */
} MadoErrorEntry;

/* The entry for @error; the generic entry for errors outside the catalogue. Never NULL. */
const MadoErrorEntry *mado_error_lookup (const GError *error);
int mado_error_exit_code (const GError *error);

/* All entries, terminated by an entry whose id is NULL. */
const MadoErrorEntry *mado_error_catalogue (void);

/* Prints "PROG: <summary> [<id>]\n  <detail>\n  対処: <remedy>" — translated. */
void mado_error_print (FILE *stream, const char *program, const GError *error);

G_END_DECLS
