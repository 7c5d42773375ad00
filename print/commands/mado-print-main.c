/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-print — render documents to PDF, submit them to CUPS. See docs/cli.md.
 */
#include <locale.h>
#include <stdio.h>

#include "mado-print-commands.h"
#include "mado-print-error.h"

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  if (argc >= 2 && g_str_equal (argv[1], "render"))
    return mado_print_render_command (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "submit"))
    return mado_print_submit_command (argc - 1, argv + 1);
  fprintf (stderr, "usage: mado-print render|submit [OPTION…]  (mado-print SUBCOMMAND --help)\n");
  return 2;
}
