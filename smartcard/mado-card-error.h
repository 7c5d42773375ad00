/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-card-error.h — the one GError domain of the smartcard/ part.
 *
 * Every code is listed in docs/errors.md with its exit code and the remedy a person is told;
 * app/errors/ maps them. Raw status words and PC/SC codes stay in debug messages only.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MADO_CARD_ERROR (mado_card_error_quark ())
GQuark mado_card_error_quark (void);

typedef enum
{
  MADO_CARD_ERROR_NO_SERVICE = 1,    /* pcscd is not running / not reachable */
  MADO_CARD_ERROR_NO_READER,         /* no (matching) reader attached */
  MADO_CARD_ERROR_NO_CARD,           /* reader present, no card in it */
  MADO_CARD_ERROR_CARD_REMOVED,      /* the card was pulled while we worked with it */
  MADO_CARD_ERROR_CARD_RESET,        /* another party reset the card; state (PINs) is gone */
  MADO_CARD_ERROR_READER_BUSY,       /* another process holds the card exclusively */
  MADO_CARD_ERROR_NOT_MYNUMBER,      /* the applet selection failed: not a My Number card */
  MADO_CARD_ERROR_PIN_FORMAT,        /* the entry is malformed; no try was spent */
  MADO_CARD_ERROR_PIN_WRONG,         /* the card refused the PIN; tries left in the message */
  MADO_CARD_ERROR_PIN_BLOCKED,       /* no tries left */
  MADO_CARD_ERROR_SECURITY_STATUS,   /* the operation needs a PIN first (69 82) */
  MADO_CARD_ERROR_FILE_NOT_FOUND,    /* an EF the table names is missing (6A 82) */
  MADO_CARD_ERROR_MALFORMED,         /* the card's answer does not parse */
  MADO_CARD_ERROR_UNEXPECTED_STATUS, /* a status word we do not expect here */
  MADO_CARD_ERROR_NOT_SUPPORTED,     /* the reader or card cannot do what was asked (e.g. extended
                                        length) */
  MADO_CARD_ERROR_TRANSPORT,         /* any other reader / PC/SC failure */
  MADO_CARD_ERROR_SCRIPT_MISMATCH,   /* scripted reader: the command is not the expected one */
} MadoCardError;

/* Tries left, carried with MADO_CARD_ERROR_PIN_WRONG (read it back with this helper). */
int mado_card_error_get_tries_left (const GError *error);
void mado_card_set_pin_wrong_error (GError **error, const char *pin_label, int tries_left);

G_END_DECLS
