/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-card-command.h — `mado-card`, the command that joins the card to the rest: readers, info,
 * read-text, certs, auth, watch. Output and exit codes are documented in docs/cli.md; the exit
 * codes come from the error catalogue (mado-app-error.h).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int mado_card_command_main (int argc, char **argv);

G_END_DECLS
