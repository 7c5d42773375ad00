/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-model-error.h"

/* The quark's name is a string GLib builds from these tokens: keep them unspaced. */
/* clang-format off */
G_DEFINE_QUARK (mado-model-error-quark, mado_model_error)
/* clang-format on */
