/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-secret-input.h — reads a PIN or password for a command: from standard input when asked
 * (--pin-stdin), or from the terminal without echo. Never from the command line. The buffer is
 * wiped by mado_secret_free().
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads one line (without its newline). @prompt is shown only on a terminal. */
char *mado_secret_read (gboolean from_stdin, const char *prompt, GError **error);
void mado_secret_free (char *secret);

typedef char MadoSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoSecret, mado_secret_free)

G_END_DECLS
