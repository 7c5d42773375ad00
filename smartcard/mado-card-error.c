/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-card-error.h"

#include <string.h>

/* The quark's name is a string GLib builds from these tokens: keep them unspaced. */
/* clang-format off */
G_DEFINE_QUARK (mado-card-error-quark, mado_card_error)
/* clang-format on */

/* The tries left travel inside the message, in a fixed form, so that a GError stays a plain
 * GError (it crosses threads and GTask unchanged). */
#define TRIES_MARK "; tries left: "

void
mado_card_set_pin_wrong_error (GError **error, const char *pin_label, int tries_left)
{
  g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_PIN_WRONG,
               "The card refused the %s PIN" TRIES_MARK "%d", pin_label, tries_left);
}

int
mado_card_error_get_tries_left (const GError *error)
{
  if (error == NULL || !g_error_matches (error, MADO_CARD_ERROR, MADO_CARD_ERROR_PIN_WRONG))
    return -1;
  const char *mark = g_strrstr (error->message, TRIES_MARK);
  if (mark == NULL)
    return -1;
  return (int)g_ascii_strtoll (mark + strlen (TRIES_MARK), NULL, 10);
}
