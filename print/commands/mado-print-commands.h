/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-print-commands.h — the subcommands of mado-print (docs/cli.md). Each returns an exit code;
 * print/ knows nothing of app/, so the exit codes are the print rows of the error catalogue,
 * mirrored in mado_print_exit_code().
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* mado-print render --doc KIND --data FILE.json --out FILE.pdf [--sign-key KEY] [--test-mode] */
int mado_print_render_command (int argc, char **argv);
/* mado-print submit --printer URI-OR-QUEUE [--wait] FILE.pdf */
int mado_print_submit_command (int argc, char **argv);

/* The exit code of a print error (the catalogue's, docs/errors.md); 1 for anything else. */
int mado_print_exit_code (const GError *error); /* commands/mado-print-exit.c */
/* The catalogue id of a print error ("print.tampered"); "unknown" for anything else. */
const char *mado_print_error_id (const GError *error);
/* Prints "PROG: <message> [<id>]" to stderr; returns mado_print_exit_code(). */
int mado_print_fail (const char *program, const GError *error);

G_END_DECLS
