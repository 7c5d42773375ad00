/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-move-draft.c — the move draft's table, its rules and its life cycle.
 */
#include "mado-move-draft.h"

#include "mado-model-schema-tables.h"
#include "mado-model-text.h"

static const char *const kind_names[]
    = { "move_in", "move_out", "move_within", "household_change", NULL };
static const char *const status_names[]
    = { "draft", "submitted", "provisional", "registered", "rejected", NULL };
static const char *const change_names[]
    = { "", "separation", "merger", "change", "head_change", NULL };

static const MadoModelField card_fields[] = {
  MADO_MODEL_TEXT_FIELD (MadoCardFacts, name, "name", MADO_FIELD_REQUIRED, 64, "氏名"),
  MADO_MODEL_TEXT_FIELD (MadoCardFacts, address, "address", MADO_FIELD_REQUIRED, 200, "住所"),
  MADO_MODEL_FIELD (MadoCardFacts, birth_date, "birth_date", MADO_FIELD_DATE,
                    MADO_FIELD_REQUIRED | MADO_FIELD_NULLABLE, "生年月日"),
  MADO_MODEL_ENUM_FIELD (MadoCardFacts, sex, "sex", MADO_FIELD_REQUIRED, mado_sex_names, "性別"),
  MADO_MODEL_FIELD (MadoCardFacts, kojin_bango, "kojin_bango", MADO_FIELD_KOJIN_BANGO, 0,
                    "個人番号"),
};
static const MadoModelSchema card_schema
    = { "card facts", sizeof (MadoCardFacts), card_fields, G_N_ELEMENTS (card_fields), NULL };

static const MadoModelField member_fields[] = {
  MADO_MODEL_FIELD (MadoMoveMember, atena_number, "atena_number", MADO_FIELD_ATENA_NUMBER, 0,
                    "宛名番号"),
  MADO_MODEL_TEXT_FIELD (MadoMoveMember, name, "name", MADO_FIELD_REQUIRED, 64, "氏名"),
  MADO_MODEL_FIELD (MadoMoveMember, furigana, "furigana", MADO_FIELD_KANA, 0, "振り仮名"),
  MADO_MODEL_FIELD (MadoMoveMember, birth_date, "birth_date", MADO_FIELD_DATE,
                    MADO_FIELD_REQUIRED | MADO_FIELD_NULLABLE, "生年月日"),
  MADO_MODEL_ENUM_FIELD (MadoMoveMember, sex, "sex", MADO_FIELD_REQUIRED, mado_sex_names, "性別"),
  MADO_MODEL_FIELD (MadoMoveMember, relationship, "relationship", MADO_FIELD_RELATIONSHIP,
                    MADO_FIELD_REQUIRED, "続柄"),
  MADO_MODEL_FIELD (MadoMoveMember, foreign, "foreign", MADO_FIELD_BOOL, 0, "外国人住民"),
};
static const MadoModelSchema member_schema
    = { "move member", sizeof (MadoMoveMember), member_fields, G_N_ELEMENTS (member_fields), NULL };

static gboolean
draft_check (gconstpointer object, const char *path, GError **error)
{
  const MadoMoveDraft *d = object;

  if (d->kind == MADO_MOVE_KIND_MOVE_IN && d->previous_address == NULL)
    return mado_model_fail (error, MADO_MODEL_ERROR_MISSING, path, "previous_address",
                            "required for 転入 (前住所)");
  if (d->kind != MADO_MOVE_KIND_HOUSEHOLD_CHANGE && d->new_address == NULL)
    return mado_model_fail (error, MADO_MODEL_ERROR_MISSING, path, "new_address",
                            "required for 転入, 転出 and 転居");
  if ((d->kind == MADO_MOVE_KIND_HOUSEHOLD_CHANGE)
      != (d->household_change != MADO_HOUSEHOLD_CHANGE_NONE))
    return mado_model_fail (error,
                            d->kind == MADO_MOVE_KIND_HOUSEHOLD_CHANGE ? MADO_MODEL_ERROR_MISSING
                                                                       : MADO_MODEL_ERROR_INVALID,
                            path, "household_change", "given exactly for a 世帯変更");
  if ((d->status == MADO_MOVE_STATUS_REJECTED) != (d->rejection_reason != NULL))
    return mado_model_fail (error,
                            d->status == MADO_MOVE_STATUS_REJECTED ? MADO_MODEL_ERROR_MISSING
                                                                   : MADO_MODEL_ERROR_INVALID,
                            path, "rejection_reason", "given exactly when the status is rejected");
  gboolean needs_clerk
      = d->status == MADO_MOVE_STATUS_PROVISIONAL || d->status == MADO_MOVE_STATUS_REGISTERED;
  if (needs_clerk && d->provisional_by == NULL)
    return mado_model_fail (error, MADO_MODEL_ERROR_MISSING, path, "provisional_by",
                            "required once registered provisionally (仮登録)");
  if ((d->status == MADO_MOVE_STATUS_REGISTERED) != (d->registered_by != NULL))
    return mado_model_fail (error,
                            d->status == MADO_MOVE_STATUS_REGISTERED ? MADO_MODEL_ERROR_MISSING
                                                                     : MADO_MODEL_ERROR_INVALID,
                            path, "registered_by", "given exactly when registered (本登録)");
  if (d->registered_by != NULL && d->provisional_by != NULL
      && g_str_equal (d->registered_by, d->provisional_by))
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "registered_by",
                            "the same operator as the 仮登録: nobody approves their own work");
  return TRUE;
}

static const MadoModelField draft_fields[] = {
  MADO_MODEL_FIELD (MadoMoveDraft, draft_id, "draft_id", MADO_FIELD_QR_ID, MADO_FIELD_REQUIRED,
                    "下書き番号"),
  MADO_MODEL_ENUM_FIELD (MadoMoveDraft, kind, "kind", MADO_FIELD_REQUIRED, kind_names,
                         "届出の種別"),
  MADO_MODEL_ENUM_FIELD (MadoMoveDraft, status, "status", MADO_FIELD_REQUIRED, status_names,
                         "状態"),
  MADO_MODEL_FIELD (MadoMoveDraft, office_code, "office_code", MADO_FIELD_QR_ID,
                    MADO_FIELD_REQUIRED, "届出先（地方公共団体コード）"),
  MADO_MODEL_FIELD (MadoMoveDraft, notified_on, "notified_on", MADO_FIELD_CALENDAR_DATE,
                    MADO_FIELD_REQUIRED, "届出日"),
  MADO_MODEL_FIELD (MadoMoveDraft, move_date, "move_date", MADO_FIELD_CALENDAR_DATE,
                    MADO_FIELD_REQUIRED, "異動日"),
  MADO_MODEL_OBJECT_FIELD (MadoMoveDraft, card, "card", 0, &card_schema, "券面事項"),
  MADO_MODEL_OBJECT_FIELD (MadoMoveDraft, previous_address, "previous_address", 0,
                           &mado_address_schema, "前住所"),
  MADO_MODEL_OBJECT_FIELD (MadoMoveDraft, new_address, "new_address", 0, &mado_address_schema,
                           "新住所"),
  MADO_MODEL_ENUM_FIELD (MadoMoveDraft, household_change, "household_change", 0, change_names,
                         "世帯変更の内容"),
  MADO_MODEL_TEXT_FIELD (MadoMoveDraft, new_head_name, "new_head_name", 0, 64, "新しい世帯主"),
  MADO_MODEL_TEXT_FIELD (MadoMoveDraft, phone, "phone", 0, 32, "日中の連絡先"),
  MADO_MODEL_ARRAY_FIELD (MadoMoveDraft, members, "members",
                          MADO_FIELD_REQUIRED | MADO_FIELD_NONEMPTY, &member_schema, 64, "異動者"),
  MADO_MODEL_FIELD (MadoMoveDraft, created_at, "created_at", MADO_FIELD_DATETIME,
                    MADO_FIELD_REQUIRED, "作成日時"),
  MADO_MODEL_FIELD (MadoMoveDraft, terminal, "terminal", MADO_FIELD_ASCII_ID, MADO_FIELD_REQUIRED,
                    "入力端末"),
  MADO_MODEL_FIELD (MadoMoveDraft, provisional_by, "provisional_by", MADO_FIELD_ASCII_ID, 0,
                    "仮登録者"),
  MADO_MODEL_FIELD (MadoMoveDraft, registered_by, "registered_by", MADO_FIELD_ASCII_ID, 0,
                    "本登録者（決裁者）"),
  MADO_MODEL_TEXT_FIELD (MadoMoveDraft, rejection_reason, "rejection_reason", 0, 256, "却下の理由"),
};
const MadoModelSchema mado_move_draft_schema = { "move draft", sizeof (MadoMoveDraft), draft_fields,
                                                 G_N_ELEMENTS (draft_fields), draft_check };

MADO_MODEL_DEFINE_OBJECT (MadoMoveDraft, mado_move_draft, mado_move_draft_schema)

const char *
mado_move_kind_to_string (MadoMoveKind kind)
{
  return kind <= MADO_MOVE_KIND_HOUSEHOLD_CHANGE ? kind_names[kind] : NULL;
}

const char *
mado_move_status_to_string (MadoMoveStatus status)
{
  return status <= MADO_MOVE_STATUS_REJECTED ? status_names[status] : NULL;
}

gboolean
mado_move_status_can_change (MadoMoveStatus from, MadoMoveStatus to)
{
  switch (from)
    {
    case MADO_MOVE_STATUS_DRAFT:
      return to == MADO_MOVE_STATUS_SUBMITTED;
    case MADO_MOVE_STATUS_SUBMITTED:
      return to == MADO_MOVE_STATUS_PROVISIONAL || to == MADO_MOVE_STATUS_REJECTED;
    case MADO_MOVE_STATUS_PROVISIONAL:
      return to == MADO_MOVE_STATUS_REGISTERED || to == MADO_MOVE_STATUS_REJECTED;
    case MADO_MOVE_STATUS_REGISTERED:
    case MADO_MOVE_STATUS_REJECTED:
    default:
      return FALSE;
    }
}

gboolean
mado_move_draft_change_status (MadoMoveDraft *draft, MadoMoveStatus to, const char *actor,
                               const char *reason, GError **error)
{
  const char *from_name = mado_move_status_to_string (draft->status);
  const char *to_name = mado_move_status_to_string (to);

  if (!mado_move_status_can_change (draft->status, to))
    {
      g_set_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION,
                   "status: a draft cannot go from “%s” to “%s”", from_name ? from_name : "?",
                   to_name ? to_name : "?");
      return FALSE;
    }
  if ((to == MADO_MOVE_STATUS_PROVISIONAL || to == MADO_MOVE_STATUS_REGISTERED)
      && !mado_ascii_id_is_valid (actor))
    {
      g_set_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION,
                   "status: “%s” needs the operator's id", to_name);
      return FALSE;
    }
  if (to == MADO_MOVE_STATUS_REGISTERED && g_strcmp0 (actor, draft->provisional_by) == 0)
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION,
                           "registered_by: the clerk of the 仮登録 cannot also make the 本登録");
      return FALSE;
    }
  if (to == MADO_MOVE_STATUS_REJECTED && !mado_text_is_valid (reason, 256))
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION,
                           "rejection_reason: a rejection needs its reason (1–256 characters)");
      return FALSE;
    }

  draft->status = to;
  if (to == MADO_MOVE_STATUS_PROVISIONAL)
    {
      g_free (draft->provisional_by);
      draft->provisional_by = g_strdup (actor);
    }
  else if (to == MADO_MOVE_STATUS_REGISTERED)
    {
      g_free (draft->registered_by);
      draft->registered_by = g_strdup (actor);
    }
  else if (to == MADO_MOVE_STATUS_REJECTED)
    {
      g_free (draft->rejection_reason);
      draft->rejection_reason = g_strdup (reason);
    }
  return TRUE;
}
