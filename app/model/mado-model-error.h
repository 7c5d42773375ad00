/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-model-error.h — the GError domain of app/model: data that does not meet the model's
 * contract (docs/model.md). Every message names the field by its path (`members[1].birth_date`)
 * and never repeats the value (it may be personal data). Every code is in the error catalogue
 * (app/errors, docs/errors.md).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MADO_MODEL_ERROR (mado_model_error_quark ())
GQuark mado_model_error_quark (void);

typedef enum
{
  MADO_MODEL_ERROR_SYNTAX = 1,    /* not JSON, or not a JSON object where one is expected */
  MADO_MODEL_ERROR_MISSING,       /* a required field is absent */
  MADO_MODEL_ERROR_INVALID,       /* a field of the wrong type or form, or fields that disagree */
  MADO_MODEL_ERROR_UNKNOWN_FIELD, /* a member the contract does not name (the model is strict) */
  MADO_MODEL_ERROR_CHECK_DIGIT, /* 宛名番号, 世帯番号 or 個人番号 whose check digit is wrong */
  MADO_MODEL_ERROR_TRANSITION, /* a status change the life cycle does not allow */
} MadoModelError;

G_END_DECLS
