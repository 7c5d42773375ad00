/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-model-error.h"

G_DEFINE_QUARK (mado - model - error - quark, mado_model_error)
