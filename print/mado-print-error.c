/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-print-error.h"

/* The quark's name is a string GLib builds from these tokens: keep them unspaced. */
/* clang-format off */
G_DEFINE_QUARK (mado-print-error-quark, mado_print_error)
/* clang-format on */
