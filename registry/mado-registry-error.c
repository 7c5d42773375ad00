/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-registry-error.h"

/* The quark's name is a string GLib builds from these tokens: keep them unspaced. */
/* clang-format off */
G_DEFINE_QUARK (mado-registry-error-quark, mado_registry_error)
/* clang-format on */
