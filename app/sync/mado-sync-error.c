/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-sync-error.h"

/* The quark's name is a string GLib builds from these tokens: keep them unspaced. */
/* clang-format off */
G_DEFINE_QUARK (mado-sync-error-quark, mado_sync_error)
/* clang-format on */
