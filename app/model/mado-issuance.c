/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-issuance.c — the certificate copy's table, its rules and its life cycle.
 */
#include "mado-issuance.h"

#include "mado-model-schema-tables.h"
#include "mado-model-text.h"

static const char *const kind_names[] = { "juminhyo", "kisai_jiko", "inkan", NULL };
static const char *const status_names[] = { "reserved", "printed", "voided", NULL };
static const char *const channel_names[] = { "kiosk", "counter", NULL };
static const char *const void_names[]
    = { "",          "paper_jam",     "paper_out", "printer_error", "payment_cancelled",
        "cancelled", "card_mismatch", NULL };

static const MadoModelField options_fields[] = {
  MADO_MODEL_FIELD (MadoCertificateOptions, setai_nushi_zokugara, "setai_nushi_zokugara",
                    MADO_FIELD_BOOL, MADO_FIELD_REQUIRED, "世帯主・続柄"),
  MADO_MODEL_FIELD (MadoCertificateOptions, honseki_hittosha, "honseki_hittosha", MADO_FIELD_BOOL,
                    MADO_FIELD_REQUIRED, "本籍・筆頭者"),
  MADO_MODEL_FIELD (MadoCertificateOptions, juminhyo_code, "juminhyo_code", MADO_FIELD_BOOL,
                    MADO_FIELD_REQUIRED, "住民票コード"),
  MADO_MODEL_FIELD (MadoCertificateOptions, kojin_bango, "kojin_bango", MADO_FIELD_BOOL,
                    MADO_FIELD_REQUIRED, "個人番号"),
  MADO_MODEL_FIELD (MadoCertificateOptions, furigana, "furigana", MADO_FIELD_BOOL,
                    MADO_FIELD_REQUIRED, "振り仮名"),
};
static const MadoModelSchema options_schema
    = { "certificate options", sizeof (MadoCertificateOptions), options_fields,
        G_N_ELEMENTS (options_fields), NULL };

static gboolean
issuance_check (gconstpointer object, const char *path, GError **error)
{
  const MadoIssuance *i = object;
  gboolean is_juminhyo = i->kind != MADO_CERTIFICATE_INKAN;

  if (is_juminhyo != (i->options != NULL))
    return mado_model_fail (error,
                            is_juminhyo ? MADO_MODEL_ERROR_MISSING : MADO_MODEL_ERROR_INVALID, path,
                            "options", "given exactly for 住民票の写し and 住民票記載事項証明書");
  if (i->kind == MADO_CERTIFICATE_INKAN && i->subjects->len != 1)
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "subjects",
                            "an 印鑑登録証明書 is for one person");
  if (i->channel == MADO_CHANNEL_KIOSK && i->options != NULL && i->options->juminhyo_code)
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "options.juminhyo_code",
                            "a kiosk never prints the 住民票コード");
  if (i->copy > i->copies)
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "copy", "beyond “copies”");
  if ((i->status == MADO_ISSUANCE_PRINTED) != (i->printed_at != NULL))
    return mado_model_fail (error,
                            i->status == MADO_ISSUANCE_PRINTED ? MADO_MODEL_ERROR_MISSING
                                                               : MADO_MODEL_ERROR_INVALID,
                            path, "printed_at", "given exactly when printed");
  if ((i->status == MADO_ISSUANCE_VOIDED) != (i->voided_at != NULL))
    return mado_model_fail (error,
                            i->status == MADO_ISSUANCE_VOIDED ? MADO_MODEL_ERROR_MISSING
                                                              : MADO_MODEL_ERROR_INVALID,
                            path, "voided_at", "given exactly when voided");
  if ((i->status == MADO_ISSUANCE_VOIDED) != (i->void_reason != MADO_VOID_REASON_NONE))
    return mado_model_fail (error,
                            i->status == MADO_ISSUANCE_VOIDED ? MADO_MODEL_ERROR_MISSING
                                                              : MADO_MODEL_ERROR_INVALID,
                            path, "void_reason", "given exactly when voided");
  return TRUE;
}

static const MadoModelField issuance_fields[] = {
  MADO_MODEL_FIELD (MadoIssuance, issue_number, "issue_number", MADO_FIELD_QR_ID,
                    MADO_FIELD_REQUIRED, "発行番号"),
  MADO_MODEL_ENUM_FIELD (MadoIssuance, kind, "kind", MADO_FIELD_REQUIRED, kind_names,
                         "証明書の種別"),
  MADO_MODEL_ENUM_FIELD (MadoIssuance, status, "status", MADO_FIELD_REQUIRED, status_names, "状態"),
  MADO_MODEL_ENUM_FIELD (MadoIssuance, channel, "channel", MADO_FIELD_REQUIRED, channel_names,
                         "交付場所"),
  MADO_MODEL_FIELD (MadoIssuance, terminal, "terminal", MADO_FIELD_ASCII_ID, MADO_FIELD_REQUIRED,
                    "端末"),
  MADO_MODEL_FIELD (MadoIssuance, requester, "requester", MADO_FIELD_ATENA_NUMBER,
                    MADO_FIELD_REQUIRED, "請求者の宛名番号"),
  { "subjects", MADO_FIELD_ATENA_ARRAY, G_STRUCT_OFFSET (MadoIssuance, subjects),
    MADO_FIELD_REQUIRED | MADO_FIELD_NONEMPTY, NULL, NULL, 0, 64, "対象者の宛名番号" },
  MADO_MODEL_OBJECT_FIELD (MadoIssuance, options, "options", 0, &options_schema, "記載事項の選択"),
  MADO_MODEL_UINT_FIELD (MadoIssuance, copy, "copy", MADO_FIELD_REQUIRED, 1, 99, "通番"),
  MADO_MODEL_UINT_FIELD (MadoIssuance, copies, "copies", MADO_FIELD_REQUIRED, 1, 99, "枚数"),
  MADO_MODEL_UINT_FIELD (MadoIssuance, fee, "fee", MADO_FIELD_REQUIRED, 0, 100000, "手数料（円）"),
  MADO_MODEL_FIELD (MadoIssuance, reserved_at, "reserved_at", MADO_FIELD_DATETIME,
                    MADO_FIELD_REQUIRED, "予約日時"),
  MADO_MODEL_FIELD (MadoIssuance, printed_at, "printed_at", MADO_FIELD_DATETIME, 0, "交付日時"),
  MADO_MODEL_FIELD (MadoIssuance, voided_at, "voided_at", MADO_FIELD_DATETIME, 0, "無効日時"),
  MADO_MODEL_ENUM_FIELD (MadoIssuance, void_reason, "void_reason", 0, void_names, "無効の理由"),
};
const MadoModelSchema mado_issuance_schema = { "issuance", sizeof (MadoIssuance), issuance_fields,
                                               G_N_ELEMENTS (issuance_fields), issuance_check };

MADO_MODEL_DEFINE_OBJECT (MadoIssuance, mado_issuance, mado_issuance_schema)

const char *
mado_certificate_kind_to_string (MadoCertificateKind kind)
{
  return kind <= MADO_CERTIFICATE_INKAN ? kind_names[kind] : NULL;
}

static gboolean
from_reserved (const MadoIssuance *issuance, const char *at, GError **error)
{
  if (issuance->status != MADO_ISSUANCE_RESERVED)
    {
      g_set_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION,
                   "status: an issuance “%s” is final", status_names[issuance->status]);
      return FALSE;
    }
  if (!mado_datetime_is_valid (at))
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION,
                           "status: the time of the change is not an RFC 3339 time stamp");
      return FALSE;
    }
  return TRUE;
}

gboolean
mado_issuance_mark_printed (MadoIssuance *issuance, const char *at, GError **error)
{
  if (!from_reserved (issuance, at, error))
    return FALSE;
  issuance->status = MADO_ISSUANCE_PRINTED;
  issuance->printed_at = g_strdup (at);
  return TRUE;
}

gboolean
mado_issuance_void (MadoIssuance *issuance, const char *at, MadoVoidReason reason, GError **error)
{
  if (!from_reserved (issuance, at, error))
    return FALSE;
  if (reason == MADO_VOID_REASON_NONE || reason > MADO_VOID_REASON_CARD_MISMATCH)
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION,
                           "void_reason: voiding needs its reason");
      return FALSE;
    }
  issuance->status = MADO_ISSUANCE_VOIDED;
  issuance->voided_at = g_strdup (at);
  issuance->void_reason = reason;
  issuance->fee = 0; /* a voided copy keeps no fee */
  return TRUE;
}
