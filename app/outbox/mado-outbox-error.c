/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-outbox-error.h"

G_DEFINE_QUARK (mado - outbox - error - quark, mado_outbox_error)
