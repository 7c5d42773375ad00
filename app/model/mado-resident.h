/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-resident.h — the resident record of the standard (標準仕様 j10–j200): the person with
 * their address, 本籍 and foreign residents' items, the household, a full-row history entry and
 * an issuance block. JSON names, types and rules: docs/model.md. Personal data: never log it.
 */
#pragma once

#include "mado-model-object.h"

G_BEGIN_DECLS

typedef enum
{
  MADO_SEX_MALE,   /* 男 (住基 code 1) */
  MADO_SEX_FEMALE, /* 女 (住基 code 2) */
} MadoSex;

typedef enum
{
  MADO_RESIDENT_KIND_JAPANESE, /* 日本人住民 (住民種別 1) */
  MADO_RESIDENT_KIND_FOREIGN,  /* 外国人住民 (住民種別 2) */
} MadoResidentKind;

typedef enum
{
  MADO_RESIDENT_STATUS_RESIDENT,  /* 住民 (住民状態 1) */
  MADO_RESIDENT_STATUS_MOVED_OUT, /* 転出者 (2) */
  MADO_RESIDENT_STATUS_DECEASED,  /* 死亡者 (3) */
  MADO_RESIDENT_STATUS_REMOVED,   /* その他消除者 (9) */
} MadoResidentStatus;

/* 第30条の45 区分 */
typedef enum
{
  MADO_FOREIGN_CATEGORY_MID_LONG_TERM,     /* 中長期在留者 */
  MADO_FOREIGN_CATEGORY_SPECIAL_PERMANENT, /* 特別永住者 */
  MADO_FOREIGN_CATEGORY_TEMPORARY_REFUGE,  /* 一時庇護許可者 */
  MADO_FOREIGN_CATEGORY_PROVISIONAL_STAY,  /* 仮滞在許可者 */
  MADO_FOREIGN_CATEGORY_TRANSITIONAL,      /* 出生・国籍喪失による経過滞在者 */
} MadoForeignCategory;

/* 住所: code plus 町字・番地・方書 (j250). Also 前住所 and a move's addresses. */
typedef struct
{
  char *code; /* 住所コード, 11 digits; NULL when unknown (another municipality, abroad) */
  char *postal_code;  /* 郵便番号 NNN-NNNN */
  char *municipality; /* 都道府県・市区町村 (or the country, abroad) */
  char *town;         /* 町字 */
  char *banchi;       /* 番地・号 */
  char *katagaki;     /* 方書 */
} MadoAddress;

/* 本籍・筆頭者 (j120: 「なし」「不明」 allowed as text). */
typedef struct
{
  char *place;    /* 本籍 */
  char *hittosha; /* 筆頭者 */
} MadoHonseki;

/* 外国人住民の記載事項 (法30条の45). */
typedef struct
{
  char *alphabet_name;          /* 氏名（アルファベット） */
  char *tsusho;                 /* 通称 */
  char *tsusho_furigana;        /* 通称のフリガナ */
  char *nationality;            /* 国籍・地域 */
  MadoForeignCategory category; /* 第30条45規定区分 */
  char *status_of_residence;    /* 在留資格 */
  char *period_of_stay;         /* 在留期間 (「3年」「5年」) */
  MadoDate period_expires;      /* 在留期間の満了の日; absent for 永住者 (無期限) */
  char *card_number;            /* 在留カード等番号 */
  MadoDate foreign_resident_since; /* 外国人住民となった年月日 */
} MadoForeignResident;

typedef struct
{
  char *atena_number;            /* 宛名番号 */
  char *household_number;        /* 世帯番号 */
  MadoResidentKind kind;         /* 住民種別 */
  MadoResidentStatus status;     /* 住民状態 */
  char *juminhyo_code;           /* 住民票コード */
  char *kojin_bango;             /* 個人番号 */
  char *name;                    /* 氏名, as registered (variation selectors kept) */
  char *furigana;                /* 氏名の振り仮名, katakana */
  gboolean furigana_confirmed;   /* フリガナ確認フラグ */
  char *former_surname;          /* 旧氏 */
  MadoDate birth_date;           /* 生年月日 (as registered) */
  MadoSex sex;                   /* 性別 */
  char *relationship;            /* 続柄 */
  gboolean head;                 /* 世帯主 */
  MadoAddress *address;          /* 住所 */
  MadoDate resident_since;       /* 住民となった年月日 */
  MadoDate address_since;        /* 住所を定めた年月日 */
  MadoDate notified_on;          /* 届出の年月日 */
  MadoAddress *previous_address; /* 転入前住所 (前住所) */
  MadoHonseki *honseki;          /* 本籍・筆頭者 (日本人) */
  MadoForeignResident *foreign;  /* 外国人住民の記載事項 */
  char *card_link_hash;          /* the card link hash (DESIGN.md), 64 hex */
  char *remarks;                 /* 備考 */
} MadoPerson;

typedef struct
{
  char *household_number; /* 世帯番号 */
  MadoAddress *address;   /* 住所 */
  GPtrArray *members;     /* MadoPerson *, 世帯員 in the registry's order */
} MadoHousehold;

/* 異動事由 (j210); the class is 記載, 消除 or 修正. */
typedef enum
{
  /* 記載 */
  MADO_MOVE_REASON_DOMESTIC_MOVE_IN,       /* 国内転入 */
  MADO_MOVE_REASON_OVERSEAS_MOVE_IN,       /* 国外転入等 */
  MADO_MOVE_REASON_BIRTH,                  /* 出生 */
  MADO_MOVE_REASON_ENTRY_NATURALIZATION,   /* 職権記載（帰化等） */
  MADO_MOVE_REASON_ENTRY_NATIONALITY_LOSS, /* 職権記載（国籍喪失） */
  MADO_MOVE_REASON_ENTRY_EX_OFFICIO,       /* 職権記載 */
  MADO_MOVE_REASON_ENTRY_REMAKING,         /* 改製（記載） */
  MADO_MOVE_REASON_ENTRY_REISSUE,          /* 再製（記載） */
  MADO_MOVE_REASON_CANCEL_INCREASE,        /* 異動の取消し（増） */
  /* 消除 */
  MADO_MOVE_REASON_DOMESTIC_MOVE_OUT,        /* 国内転出 */
  MADO_MOVE_REASON_OVERSEAS_MOVE_OUT,        /* 国外転出 */
  MADO_MOVE_REASON_DEATH,                    /* 死亡 */
  MADO_MOVE_REASON_REMOVAL_NATURALIZATION,   /* 職権消除（帰化等） */
  MADO_MOVE_REASON_REMOVAL_NATIONALITY_LOSS, /* 職権消除（国籍喪失） */
  MADO_MOVE_REASON_REMOVAL_EX_OFFICIO,       /* 職権消除 */
  MADO_MOVE_REASON_REMOVAL_REMAKING,         /* 改製（消除） */
  MADO_MOVE_REASON_REMOVAL_REISSUE,          /* 再製（消除） */
  MADO_MOVE_REASON_CANCEL_DECREASE,          /* 異動の取消し（減） */
  /* 修正 */
  MADO_MOVE_REASON_MOVE_WITHIN,             /* 転居 */
  MADO_MOVE_REASON_MINOR_CORRECTION,        /* 軽微な修正 */
  MADO_MOVE_REASON_EX_OFFICIO_CORRECTION,   /* 職権修正 */
  MADO_MOVE_REASON_CLERICAL_CORRECTION,     /* 誤記修正 */
  MADO_MOVE_REASON_KOJIN_BANGO_CHANGE,      /* 個人番号の変更請求 */
  MADO_MOVE_REASON_KOJIN_BANGO_CORRECTION,  /* 個人番号の職権修正 */
  MADO_MOVE_REASON_KOJIN_BANGO_ENTRY,       /* 個人番号の職権記載 */
  MADO_MOVE_REASON_JUMINHYO_CODE_CHANGE,    /* 住民票コードの変更請求 */
  MADO_MOVE_REASON_JUMINHYO_CODE_ENTRY,     /* 住民票コードの職権記載 */
  MADO_MOVE_REASON_HOUSEHOLD_SEPARATION,    /* 世帯分離 */
  MADO_MOVE_REASON_HOUSEHOLD_MERGER,        /* 世帯合併 */
  MADO_MOVE_REASON_HOUSEHOLD_CHANGE,        /* 世帯変更 */
  MADO_MOVE_REASON_HEAD_CHANGE,             /* 世帯主変更 */
  MADO_MOVE_REASON_FORMER_SURNAME_ENTRY,    /* 旧氏の記載 */
  MADO_MOVE_REASON_FORMER_SURNAME_CHANGE,   /* 旧氏の変更 */
  MADO_MOVE_REASON_FORMER_SURNAME_DELETION, /* 旧氏の削除 */
  MADO_MOVE_REASON_TSUSHO_ENTRY,            /* 通称の記載 */
  MADO_MOVE_REASON_TSUSHO_DELETION,         /* 通称の削除 */
  MADO_MOVE_REASON_CANCEL_CORRECTION,       /* 異動の取消し（修正） */
} MadoMoveReason;

/* One full-row snapshot of the person after a change (j200), keyed (宛名番号, 履歴番号). */
typedef struct
{
  char *atena_number;    /* 宛名番号 */
  guint history_number;  /* 履歴番号 1, 2, 3… */
  MadoMoveReason reason; /* 異動事由 */
  MadoDate moved_on;     /* 異動日 */
  MadoDate notified_on;  /* 届出日 (申出日・通知日・請求日) */
  MadoDate processed_on; /* 処理日 */
  char *place;           /* 入力場所 */
  char *terminal;        /* 入力端末 */
  MadoPerson *person;    /* the row as it stands after the change */
} MadoHistoryEntry;

typedef enum
{
  MADO_BLOCK_KIND_SUPPORT_MEASURE, /* 支援措置 (DV, ストーカー…) */
  MADO_BLOCK_KIND_SUPPRESSION,     /* 抑止 */
} MadoBlockKind;

typedef enum
{
  MADO_BLOCK_LEVEL_ERROR, /* the process is refused */
  MADO_BLOCK_LEVEL_ALERT, /* the clerk is warned */
} MadoBlockLevel;

/* Which processes a block stops (j410): 異動入力, 証明書発行, 照会. */
typedef struct
{
  gboolean move;
  gboolean issuance;
  gboolean inquiry;
} MadoBlockScope;

/* 抑止 / 支援措置 on a person or a household (exactly one of the two numbers). */
typedef struct
{
  char *block_id;
  MadoBlockKind kind;
  MadoBlockLevel level;
  char *atena_number;     /* 宛名番号: the person */
  char *household_number; /* 世帯番号: the household */
  MadoBlockScope *scope;
  MadoDate starts_on;
  MadoDate ends_on;        /* none: until lifted */
  MadoDate released_until; /* 一時解除: a temporary release, ends by itself */
} MadoIssuanceBlock;

MADO_MODEL_DECLARE_OBJECT (MadoAddress, mado_address)
MADO_MODEL_DECLARE_OBJECT (MadoPerson, mado_person)
MADO_MODEL_DECLARE_OBJECT (MadoHousehold, mado_household)
MADO_MODEL_DECLARE_OBJECT (MadoHistoryEntry, mado_history_entry)
MADO_MODEL_DECLARE_OBJECT (MadoIssuanceBlock, mado_issuance_block)

/* The member flagged 世帯主, borrowed; NULL when 世帯主未設定 (j100). */
MadoPerson *mado_household_get_head (const MadoHousehold *household);
/* 「記載」, 「消除」 or 「修正」. */
const char *mado_move_reason_get_class (MadoMoveReason reason);
const char *mado_move_reason_to_string (MadoMoveReason reason);
/* Whether the block stops @process ("move", "issuance", "inquiry") on @date (YYYY-MM-DD, a
 * calendar day), taking its period and any temporary release into account. */
gboolean mado_issuance_block_applies (const MadoIssuanceBlock *block, const char *process,
                                      const MadoDate *date);

/* Whether @status_of_residence (在留資格, as printed) has no 在留期間: 永住者 and 高度専門職2号.
 * A 中長期在留者 with one has neither 在留期間 nor 在留期間の満了の日; every other needs the
 * 満了の日. */
gboolean mado_status_of_residence_is_indefinite (const char *status_of_residence);

G_END_DECLS
