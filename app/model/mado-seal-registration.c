/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-seal-registration.c — the 印鑑登録's table, its rules and its life cycle.
 */
#include "mado-seal-registration.h"

#include "mado-model-schema-tables.h"
#include "mado-model-text.h"

static const char *const status_names[] = { "registered", "abolished", NULL };

/* A calendar date (MADO_DATE_DAY) as one comparable number. */
static int
day_key (const MadoDate *d)
{
  return d->year * 10000 + d->month * 100 + d->day;
}

static gboolean
seal_check (gconstpointer object, const char *path, GError **error)
{
  const MadoSealRegistration *r = object;
  gboolean abolished = r->status == MADO_SEAL_STATUS_ABOLISHED;

  if (abolished != (r->abolished_on.precision != MADO_DATE_ABSENT))
    return mado_model_fail (error, abolished ? MADO_MODEL_ERROR_MISSING : MADO_MODEL_ERROR_INVALID,
                            path, "abolished_on", "given exactly when abolished");
  if (!abolished && r->abolition_reason != NULL)
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "abolition_reason",
                            "given only when abolished");
  if (abolished && day_key (&r->abolished_on) < day_key (&r->registered_on))
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "abolished_on",
                            "before “registered_on”");
  return TRUE;
}

static const MadoModelField seal_fields[] = {
  MADO_MODEL_QR_ID_FIELD (MadoSealRegistration, registration_number, "registration_number",
                          MADO_FIELD_REQUIRED, 16, "印鑑登録番号"),
  MADO_MODEL_FIELD (MadoSealRegistration, atena_number, "atena_number", MADO_FIELD_ATENA_NUMBER,
                    MADO_FIELD_REQUIRED, "宛名番号"),
  MADO_MODEL_ENUM_FIELD (MadoSealRegistration, status, "status", MADO_FIELD_REQUIRED, status_names,
                         "登録状態"),
  MADO_MODEL_FIELD (MadoSealRegistration, registered_on, "registered_on", MADO_FIELD_CALENDAR_DATE,
                    MADO_FIELD_REQUIRED, "登録日"),
  MADO_MODEL_FIELD (MadoSealRegistration, abolished_on, "abolished_on", MADO_FIELD_CALENDAR_DATE, 0,
                    "廃止日"),
  MADO_MODEL_TEXT_FIELD (MadoSealRegistration, abolition_reason, "abolition_reason", 0, 256,
                         "廃止の理由"),
  MADO_MODEL_QR_ID_FIELD (MadoSealRegistration, card_number, "card_number", 0, 16,
                          "印鑑登録証番号"),
  MADO_MODEL_PNG_FIELD (MadoSealRegistration, seal_image_png, "seal_image_png", MADO_FIELD_REQUIRED,
                        MADO_SEAL_IMAGE_MAX_BYTES, "印影"),
};
const MadoModelSchema mado_seal_registration_schema
    = { "seal registration", sizeof (MadoSealRegistration), seal_fields, G_N_ELEMENTS (seal_fields),
        seal_check };

MADO_MODEL_DEFINE_OBJECT (MadoSealRegistration, mado_seal_registration,
                          mado_seal_registration_schema)

const char *
mado_seal_status_to_string (MadoSealStatus status)
{
  return status <= MADO_SEAL_STATUS_ABOLISHED ? status_names[status] : NULL;
}

gboolean
mado_seal_registration_abolish (MadoSealRegistration *reg, const char *on, const char *reason,
                                GError **error)
{
  MadoDate day = { 0 };

  g_return_val_if_fail (reg != NULL, FALSE);
  if (reg->status != MADO_SEAL_STATUS_REGISTERED)
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION,
                           "status: only a registered seal can be abolished (廃止 is final)");
      return FALSE;
    }
  if (on == NULL || !mado_date_parse (on, MADO_DATE_RULE_CALENDAR, TRUE, &day, NULL))
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION,
                           "abolished_on: the day of the abolition is not a calendar date "
                           "YYYY-MM-DD");
      return FALSE;
    }
  if (reg->registered_on.precision == MADO_DATE_DAY
      && day_key (&day) < day_key (&reg->registered_on))
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION,
                           "abolished_on: before “registered_on”");
      return FALSE;
    }
  if (reason != NULL && !mado_text_is_valid (reason, 256))
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION,
                           "abolition_reason: not text of 1–256 characters without control "
                           "characters");
      return FALSE;
    }
  reg->status = MADO_SEAL_STATUS_ABOLISHED;
  mado_date_clear (&reg->abolished_on);
  reg->abolished_on = day; /* a calendar date: no qualifier to own */
  g_free (reg->abolition_reason);
  reg->abolition_reason = g_strdup (reason);
  return TRUE;
}

GBytes *
mado_seal_registration_get_image (const MadoSealRegistration *reg)
{
  guchar *bytes;
  gsize length = 0;

  g_return_val_if_fail (reg != NULL, NULL);
  if (reg->seal_image_png == NULL)
    return NULL;
  bytes = g_base64_decode (reg->seal_image_png, &length);
  return g_bytes_new_take (bytes, length);
}
