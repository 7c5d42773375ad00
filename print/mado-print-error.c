/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-print-error.h"

G_DEFINE_QUARK (mado - print - error - quark, mado_print_error)
