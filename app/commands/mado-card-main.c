/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-card-command.h"

int
main (int argc, char **argv)
{
  return mado_card_command_main (argc, argv);
}
