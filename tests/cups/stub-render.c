/* SPDX-License-Identifier: GPL-3.0-or-later
 * stub-render.c — only for tests/cups while print/commands/mado-print-render.c does not exist:
 * lets mado-print link so the submit command can be tested.
 */
#include <stdio.h>

#include "mado-print-commands.h"

int
mado_print_render_command (int argc, char **argv)
{
  fprintf (stderr, "mado-print render: not built in this test binary\n");
  return 2;
}
