/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-resident.c — the person, household, history entry and issuance block as tables, and the
 * rules across their fields.
 */
#include "mado-resident.h"

#include "mado-model-schema-tables.h"

const char *const mado_sex_names[] = { "male", "female", NULL };
static const char *const kind_names[] = { "japanese", "foreign", NULL };
static const char *const status_names[] = { "resident", "moved_out", "deceased", "removed", NULL };
static const char *const category_names[]
    = { "mid_long_term",    "special_permanent", "temporary_refuge",
        "provisional_stay", "transitional",      NULL };
const char *const mado_move_reason_names[] = {
  "domestic_move_in",
  "overseas_move_in",
  "birth",
  "entry_naturalization",
  "entry_nationality_loss",
  "entry_ex_officio",
  "entry_remaking",
  "entry_reissue",
  "cancel_increase",
  "domestic_move_out",
  "overseas_move_out",
  "death",
  "removal_naturalization",
  "removal_nationality_loss",
  "removal_ex_officio",
  "removal_remaking",
  "removal_reissue",
  "cancel_decrease",
  "move_within",
  "minor_correction",
  "ex_officio_correction",
  "clerical_correction",
  "kojin_bango_change",
  "kojin_bango_correction",
  "kojin_bango_entry",
  "juminhyo_code_change",
  "juminhyo_code_entry",
  "household_separation",
  "household_merger",
  "household_change",
  "head_change",
  "former_surname_entry",
  "former_surname_change",
  "former_surname_deletion",
  "tsusho_entry",
  "tsusho_deletion",
  "cancel_correction",
  NULL,
};
static const char *const block_kind_names[] = { "support_measure", "suppression", NULL };
static const char *const block_level_names[] = { "error", "alert", NULL };

/* ---- address ---- */

static const MadoModelField address_fields[] = {
  MADO_MODEL_FIELD (MadoAddress, code, "code", MADO_FIELD_ADDRESS_CODE, 0, "住所コード"),
  MADO_MODEL_FIELD (MadoAddress, postal_code, "postal_code", MADO_FIELD_POSTAL_CODE, 0, "郵便番号"),
  MADO_MODEL_TEXT_FIELD (MadoAddress, municipality, "municipality", MADO_FIELD_REQUIRED, 64,
                         "都道府県・市区町村"),
  MADO_MODEL_TEXT_FIELD (MadoAddress, town, "town", 0, 64, "町字"),
  MADO_MODEL_TEXT_FIELD (MadoAddress, banchi, "banchi", 0, 64, "番地・号"),
  MADO_MODEL_TEXT_FIELD (MadoAddress, katagaki, "katagaki", 0, 64, "方書"),
};
const MadoModelSchema mado_address_schema
    = { "address", sizeof (MadoAddress), address_fields, G_N_ELEMENTS (address_fields), NULL };

/* ---- 本籍・筆頭者 ---- */

static const MadoModelField honseki_fields[] = {
  MADO_MODEL_TEXT_FIELD (MadoHonseki, place, "place", MADO_FIELD_REQUIRED, 128, "本籍"),
  MADO_MODEL_TEXT_FIELD (MadoHonseki, hittosha, "hittosha", MADO_FIELD_REQUIRED, 64, "筆頭者"),
};
const MadoModelSchema mado_honseki_schema
    = { "honseki", sizeof (MadoHonseki), honseki_fields, G_N_ELEMENTS (honseki_fields), NULL };

/* ---- foreign residents' items ---- */

gboolean
mado_status_of_residence_is_indefinite (const char *status_of_residence)
{
  /* 入管法 別表第二 永住者, and 高度専門職 第2号: the 在留期間 is 無期限 (入管法施行規則 別表第二),
   * so the 住民票 carries no 在留期間 and no 満了の日. Written as the 在留カード prints them. */
  return status_of_residence != NULL
         && (g_str_equal (status_of_residence, "永住者")
             || g_str_equal (status_of_residence, "高度専門職2号")
             || g_str_equal (status_of_residence, "高度専門職２号"));
}

static gboolean
foreign_check (gconstpointer object, const char *path, GError **error)
{
  const MadoForeignResident *f = object;
  gboolean needs_card = f->category == MADO_FOREIGN_CATEGORY_MID_LONG_TERM
                        || f->category == MADO_FOREIGN_CATEGORY_SPECIAL_PERMANENT;
  if (needs_card && f->card_number == NULL)
    return mado_model_fail (error, MADO_MODEL_ERROR_MISSING, path, "card_number",
                            "required for 中長期在留者 and 特別永住者 (在留カード等番号)");
  if (f->category == MADO_FOREIGN_CATEGORY_MID_LONG_TERM)
    {
      if (f->status_of_residence == NULL)
        return mado_model_fail (error, MADO_MODEL_ERROR_MISSING, path, "status_of_residence",
                                "required for 中長期在留者 (在留資格)");
      gboolean indefinite = mado_status_of_residence_is_indefinite (f->status_of_residence);
      if (!indefinite && f->period_expires.precision == MADO_DATE_ABSENT)
        return mado_model_fail (error, MADO_MODEL_ERROR_MISSING, path, "period_expires",
                                "required for 中長期在留者 (在留期間の満了の日) other than 永住者 "
                                "and 高度専門職2号");
      if (indefinite && f->period_expires.precision != MADO_DATE_ABSENT)
        return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "period_expires",
                                "永住者 and 高度専門職2号 have no 在留期間の満了の日");
      if (indefinite && f->period_of_stay != NULL)
        return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "period_of_stay",
                                "永住者 and 高度専門職2号 have no 在留期間");
    }
  if (f->tsusho_furigana != NULL && f->tsusho == NULL)
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "tsusho_furigana",
                            "a reading without a 通称");
  return TRUE;
}

static const MadoModelField foreign_fields[] = {
  MADO_MODEL_TEXT_FIELD (MadoForeignResident, alphabet_name, "alphabet_name", MADO_FIELD_REQUIRED,
                         128, "氏名（アルファベット）"),
  MADO_MODEL_TEXT_FIELD (MadoForeignResident, tsusho, "tsusho", 0, 64, "通称"),
  MADO_MODEL_FIELD (MadoForeignResident, tsusho_furigana, "tsusho_furigana", MADO_FIELD_KANA, 0,
                    "通称のフリガナ"),
  MADO_MODEL_TEXT_FIELD (MadoForeignResident, nationality, "nationality", MADO_FIELD_REQUIRED, 64,
                         "国籍・地域"),
  MADO_MODEL_ENUM_FIELD (MadoForeignResident, category, "category", MADO_FIELD_REQUIRED,
                         category_names, "第30条45規定区分"),
  MADO_MODEL_TEXT_FIELD (MadoForeignResident, status_of_residence, "status_of_residence", 0, 64,
                         "在留資格"),
  MADO_MODEL_TEXT_FIELD (MadoForeignResident, period_of_stay, "period_of_stay", 0, 32, "在留期間"),
  MADO_MODEL_FIELD (MadoForeignResident, period_expires, "period_expires", MADO_FIELD_CALENDAR_DATE,
                    0, "在留期間の満了の日"),
  MADO_MODEL_FIELD (MadoForeignResident, card_number, "card_number", MADO_FIELD_RESIDENCE_CARD, 0,
                    "在留カード等番号"),
  MADO_MODEL_FIELD (MadoForeignResident, foreign_resident_since, "foreign_resident_since",
                    MADO_FIELD_DATE, MADO_FIELD_REQUIRED | MADO_FIELD_NULLABLE,
                    "外国人住民となった年月日"),
};
const MadoModelSchema mado_foreign_resident_schema
    = { "foreign resident's items", sizeof (MadoForeignResident), foreign_fields,
        G_N_ELEMENTS (foreign_fields), foreign_check };

/* ---- person ---- */

static gboolean
person_check (gconstpointer object, const char *path, GError **error)
{
  const MadoPerson *p = object;
  gboolean foreign = p->kind == MADO_RESIDENT_KIND_FOREIGN;

  if (foreign && p->foreign == NULL)
    return mado_model_fail (error, MADO_MODEL_ERROR_MISSING, path, "foreign",
                            "required for a foreign resident (外国人住民の記載事項)");
  if (!foreign && p->foreign != NULL)
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "foreign",
                            "only for a foreign resident (kind is “japanese”)");
  if (!foreign && p->honseki == NULL)
    return mado_model_fail (
        error, MADO_MODEL_ERROR_MISSING, path, "honseki",
        "required for a Japanese resident (本籍・筆頭者; 「なし」「不明」 allowed)");
  if (foreign && p->honseki != NULL)
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "honseki",
                            "a foreign resident has no 本籍");
  if (p->status == MADO_RESIDENT_STATUS_RESIDENT && p->juminhyo_code == NULL)
    return mado_model_fail (error, MADO_MODEL_ERROR_MISSING, path, "juminhyo_code",
                            "required while resident (住民票コード; j60)");
  if (p->head != (g_strcmp0 (p->relationship, "世帯主") == 0))
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "head",
                            "“head” and the 続柄 「世帯主」 disagree");
  if (p->furigana_confirmed && p->furigana == NULL)
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "furigana_confirmed",
                            "confirmed, but no 振り仮名");
  return TRUE;
}

static const MadoModelField person_fields[] = {
  MADO_MODEL_FIELD (MadoPerson, atena_number, "atena_number", MADO_FIELD_ATENA_NUMBER,
                    MADO_FIELD_REQUIRED, "宛名番号"),
  MADO_MODEL_FIELD (MadoPerson, household_number, "household_number", MADO_FIELD_ATENA_NUMBER,
                    MADO_FIELD_REQUIRED, "世帯番号"),
  MADO_MODEL_ENUM_FIELD (MadoPerson, kind, "kind", MADO_FIELD_REQUIRED, kind_names, "住民種別"),
  MADO_MODEL_ENUM_FIELD (MadoPerson, status, "status", MADO_FIELD_REQUIRED, status_names,
                         "住民状態"),
  MADO_MODEL_FIELD (MadoPerson, juminhyo_code, "juminhyo_code", MADO_FIELD_JUMINHYO_CODE, 0,
                    "住民票コード"),
  MADO_MODEL_FIELD (MadoPerson, kojin_bango, "kojin_bango", MADO_FIELD_KOJIN_BANGO, 0, "個人番号"),
  MADO_MODEL_TEXT_FIELD (MadoPerson, name, "name", MADO_FIELD_REQUIRED, 64, "氏名"),
  MADO_MODEL_FIELD (MadoPerson, furigana, "furigana", MADO_FIELD_KANA, 0, "氏名の振り仮名"),
  MADO_MODEL_FIELD (MadoPerson, furigana_confirmed, "furigana_confirmed", MADO_FIELD_BOOL, 0,
                    "フリガナ確認フラグ"),
  MADO_MODEL_TEXT_FIELD (MadoPerson, former_surname, "former_surname", 0, 32, "旧氏"),
  MADO_MODEL_FIELD (MadoPerson, birth_date, "birth_date", MADO_FIELD_DATE,
                    MADO_FIELD_REQUIRED | MADO_FIELD_NULLABLE, "生年月日"),
  MADO_MODEL_ENUM_FIELD (MadoPerson, sex, "sex", MADO_FIELD_REQUIRED, mado_sex_names, "性別"),
  MADO_MODEL_FIELD (MadoPerson, relationship, "relationship", MADO_FIELD_RELATIONSHIP,
                    MADO_FIELD_REQUIRED, "続柄"),
  MADO_MODEL_FIELD (MadoPerson, head, "head", MADO_FIELD_BOOL, 0, "世帯主"),
  MADO_MODEL_OBJECT_FIELD (MadoPerson, address, "address", MADO_FIELD_REQUIRED,
                           &mado_address_schema, "住所"),
  MADO_MODEL_FIELD (MadoPerson, resident_since, "resident_since", MADO_FIELD_DATE,
                    MADO_FIELD_REQUIRED | MADO_FIELD_NULLABLE, "住民となった年月日"),
  MADO_MODEL_FIELD (MadoPerson, address_since, "address_since", MADO_FIELD_DATE,
                    MADO_FIELD_NULLABLE, "住所を定めた年月日"),
  MADO_MODEL_FIELD (MadoPerson, notified_on, "notified_on", MADO_FIELD_CALENDAR_DATE, 0,
                    "届出の年月日"),
  MADO_MODEL_OBJECT_FIELD (MadoPerson, previous_address, "previous_address", 0,
                           &mado_address_schema, "転入前住所"),
  MADO_MODEL_OBJECT_FIELD (MadoPerson, honseki, "honseki", 0, &mado_honseki_schema, "本籍・筆頭者"),
  MADO_MODEL_OBJECT_FIELD (MadoPerson, foreign, "foreign", 0, &mado_foreign_resident_schema,
                           "外国人住民の記載事項"),
  MADO_MODEL_FIELD (MadoPerson, card_link_hash, "card_link_hash", MADO_FIELD_HEX64, 0,
                    "利用者証明用電子証明書の紐付け"),
  MADO_MODEL_TEXT_FIELD (MadoPerson, remarks, "remarks", 0, 256, "備考"),
};
const MadoModelSchema mado_person_schema
    = { "person", sizeof (MadoPerson), person_fields, G_N_ELEMENTS (person_fields), person_check };

/* ---- household ---- */

static gboolean
address_equal (const MadoAddress *a, const MadoAddress *b)
{
  return g_strcmp0 (a->code, b->code) == 0 && g_strcmp0 (a->municipality, b->municipality) == 0
         && g_strcmp0 (a->town, b->town) == 0 && g_strcmp0 (a->banchi, b->banchi) == 0
         && g_strcmp0 (a->katagaki, b->katagaki) == 0;
}

static gboolean
household_check (gconstpointer object, const char *path, GError **error)
{
  const MadoHousehold *h = object;
  guint heads = 0;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < h->members->len; i++)
    {
      const MadoPerson *p = g_ptr_array_index (h->members, i);
      g_autofree char *at = g_strdup_printf ("members[%u]", i);
      g_autofree char *member_path = mado_model_path_join (path, at);
      if (!g_str_equal (p->household_number, h->household_number))
        return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, member_path, "household_number",
                                "differs from the household's 世帯番号");
      if (!address_equal (p->address, h->address))
        return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, member_path, "address",
                                "differs from the household's 住所");
      if (!g_hash_table_add (seen, p->atena_number))
        return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, member_path, "atena_number",
                                "the same 宛名番号 twice in one household");
      if (p->head && ++heads > 1)
        return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, member_path, "head",
                                "a second 世帯主");
    }
  return TRUE;
}

static const MadoModelField household_fields[] = {
  MADO_MODEL_FIELD (MadoHousehold, household_number, "household_number", MADO_FIELD_ATENA_NUMBER,
                    MADO_FIELD_REQUIRED, "世帯番号"),
  MADO_MODEL_OBJECT_FIELD (MadoHousehold, address, "address", MADO_FIELD_REQUIRED,
                           &mado_address_schema, "住所"),
  MADO_MODEL_ARRAY_FIELD (MadoHousehold, members, "members",
                          MADO_FIELD_REQUIRED | MADO_FIELD_NONEMPTY, &mado_person_schema, 0,
                          "世帯員"),
};
const MadoModelSchema mado_household_schema
    = { "household", sizeof (MadoHousehold), household_fields, G_N_ELEMENTS (household_fields),
        household_check };

/* ---- history entry ---- */

static int
date_key (const MadoDate *d)
{
  return d->year * 10000 + d->month * 100 + d->day;
}

static gboolean
history_check (gconstpointer object, const char *path, GError **error)
{
  const MadoHistoryEntry *e = object;
  if (!g_str_equal (e->atena_number, e->person->atena_number))
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "person.atena_number",
                            "differs from the entry's 宛名番号");
  if (e->notified_on.precision == MADO_DATE_DAY
      && date_key (&e->notified_on) > date_key (&e->processed_on))
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "notified_on",
                            "after the 処理日");
  return TRUE;
}

static const MadoModelField history_fields[] = {
  MADO_MODEL_FIELD (MadoHistoryEntry, atena_number, "atena_number", MADO_FIELD_ATENA_NUMBER,
                    MADO_FIELD_REQUIRED, "宛名番号"),
  MADO_MODEL_UINT_FIELD (MadoHistoryEntry, history_number, "history_number", MADO_FIELD_REQUIRED, 1,
                         G_MAXINT32, "履歴番号"),
  MADO_MODEL_ENUM_FIELD (MadoHistoryEntry, reason, "reason", MADO_FIELD_REQUIRED,
                         mado_move_reason_names, "異動事由"),
  MADO_MODEL_FIELD (MadoHistoryEntry, moved_on, "moved_on", MADO_FIELD_DATE,
                    MADO_FIELD_REQUIRED | MADO_FIELD_NULLABLE, "異動日"),
  MADO_MODEL_FIELD (MadoHistoryEntry, notified_on, "notified_on", MADO_FIELD_CALENDAR_DATE, 0,
                    "届出日（申出日・通知日・請求日）"),
  MADO_MODEL_FIELD (MadoHistoryEntry, processed_on, "processed_on", MADO_FIELD_CALENDAR_DATE,
                    MADO_FIELD_REQUIRED, "処理日"),
  MADO_MODEL_TEXT_FIELD (MadoHistoryEntry, place, "place", 0, 64, "入力場所"),
  MADO_MODEL_FIELD (MadoHistoryEntry, terminal, "terminal", MADO_FIELD_ASCII_ID, 0, "入力端末"),
  MADO_MODEL_OBJECT_FIELD (MadoHistoryEntry, person, "person", MADO_FIELD_REQUIRED,
                           &mado_person_schema, "異動後の住民票（全項目）"),
};
const MadoModelSchema mado_history_entry_schema
    = { "history entry", sizeof (MadoHistoryEntry), history_fields, G_N_ELEMENTS (history_fields),
        history_check };

/* ---- issuance block ---- */

static gboolean
block_check (gconstpointer object, const char *path, GError **error)
{
  const MadoIssuanceBlock *b = object;
  if ((b->atena_number == NULL) == (b->household_number == NULL))
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "atena_number",
                            "exactly one of “atena_number” and “household_number” is required");
  if (!b->scope->move && !b->scope->issuance && !b->scope->inquiry)
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "scope",
                            "a block that stops nothing");
  if (b->kind == MADO_BLOCK_KIND_SUPPORT_MEASURE
      && (b->level != MADO_BLOCK_LEVEL_ERROR || !b->scope->issuance))
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "level",
                            "a 支援措置 refuses issuance (level “error”, scope.issuance true)");
  if (b->ends_on.precision == MADO_DATE_DAY && date_key (&b->ends_on) < date_key (&b->starts_on))
    return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, "ends_on", "before “starts_on”");
  return TRUE;
}

static const MadoModelField scope_fields[] = {
  MADO_MODEL_FIELD (MadoBlockScope, move, "move", MADO_FIELD_BOOL, 0, "異動入力"),
  MADO_MODEL_FIELD (MadoBlockScope, issuance, "issuance", MADO_FIELD_BOOL, 0, "証明書発行"),
  MADO_MODEL_FIELD (MadoBlockScope, inquiry, "inquiry", MADO_FIELD_BOOL, 0, "照会"),
};
static const MadoModelSchema scope_schema
    = { "block scope", sizeof (MadoBlockScope), scope_fields, G_N_ELEMENTS (scope_fields), NULL };

static const MadoModelField block_fields[] = {
  MADO_MODEL_FIELD (MadoIssuanceBlock, block_id, "block_id", MADO_FIELD_ASCII_ID,
                    MADO_FIELD_REQUIRED, "抑止番号"),
  MADO_MODEL_ENUM_FIELD (MadoIssuanceBlock, kind, "kind", MADO_FIELD_REQUIRED, block_kind_names,
                         "支援措置・抑止"),
  MADO_MODEL_ENUM_FIELD (MadoIssuanceBlock, level, "level", MADO_FIELD_REQUIRED, block_level_names,
                         "エラー・アラート"),
  MADO_MODEL_FIELD (MadoIssuanceBlock, atena_number, "atena_number", MADO_FIELD_ATENA_NUMBER, 0,
                    "宛名番号"),
  MADO_MODEL_FIELD (MadoIssuanceBlock, household_number, "household_number",
                    MADO_FIELD_ATENA_NUMBER, 0, "世帯番号"),
  MADO_MODEL_OBJECT_FIELD (MadoIssuanceBlock, scope, "scope", MADO_FIELD_REQUIRED, &scope_schema,
                           "抑止の対象業務"),
  MADO_MODEL_FIELD (MadoIssuanceBlock, starts_on, "starts_on", MADO_FIELD_CALENDAR_DATE,
                    MADO_FIELD_REQUIRED, "開始日"),
  MADO_MODEL_FIELD (MadoIssuanceBlock, ends_on, "ends_on", MADO_FIELD_CALENDAR_DATE, 0, "終了日"),
  MADO_MODEL_FIELD (MadoIssuanceBlock, released_until, "released_until", MADO_FIELD_CALENDAR_DATE,
                    0, "一時解除の期限"),
};
const MadoModelSchema mado_issuance_block_schema
    = { "issuance block", sizeof (MadoIssuanceBlock), block_fields, G_N_ELEMENTS (block_fields),
        block_check };

MADO_MODEL_DEFINE_OBJECT (MadoAddress, mado_address, mado_address_schema)
MADO_MODEL_DEFINE_OBJECT (MadoPerson, mado_person, mado_person_schema)
MADO_MODEL_DEFINE_OBJECT (MadoHousehold, mado_household, mado_household_schema)
MADO_MODEL_DEFINE_OBJECT (MadoHistoryEntry, mado_history_entry, mado_history_entry_schema)
MADO_MODEL_DEFINE_OBJECT (MadoIssuanceBlock, mado_issuance_block, mado_issuance_block_schema)

MadoPerson *
mado_household_get_head (const MadoHousehold *household)
{
  for (guint i = 0; household->members != NULL && i < household->members->len; i++)
    {
      MadoPerson *p = g_ptr_array_index (household->members, i);
      if (p->head)
        return p;
    }
  return NULL;
}

const char *
mado_move_reason_get_class (MadoMoveReason reason)
{
  if (reason <= MADO_MOVE_REASON_CANCEL_INCREASE)
    return "記載";
  if (reason <= MADO_MOVE_REASON_CANCEL_DECREASE)
    return "消除";
  return "修正";
}

const char *
mado_move_reason_to_string (MadoMoveReason reason)
{
  if (reason > MADO_MOVE_REASON_CANCEL_CORRECTION)
    return NULL;
  return mado_move_reason_names[reason];
}

gboolean
mado_issuance_block_applies (const MadoIssuanceBlock *block, const char *process,
                             const MadoDate *date)
{
  gboolean covers = (g_strcmp0 (process, "move") == 0 && block->scope->move)
                    || (g_strcmp0 (process, "issuance") == 0 && block->scope->issuance)
                    || (g_strcmp0 (process, "inquiry") == 0 && block->scope->inquiry);
  if (!covers || date->precision != MADO_DATE_DAY)
    return covers;
  int day = date_key (date);
  if (day < date_key (&block->starts_on))
    return FALSE;
  if (block->ends_on.precision == MADO_DATE_DAY && day > date_key (&block->ends_on))
    return FALSE;
  if (block->released_until.precision == MADO_DATE_DAY && day <= date_key (&block->released_until))
    return FALSE;
  return TRUE;
}
