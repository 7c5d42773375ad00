/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-move-draft.h — a move notice (住民異動届) as a draft: made at a kiosk or a counter,
 * submitted, registered provisionally by a clerk (仮登録) and finally by a supervisor who is not
 * that clerk (本登録), or rejected with a reason (標準仕様 j530). It feeds print/'s notices
 * (tennyu, tenshutsu, tenkyo, setai_henko). JSON: docs/model.md.
 */
#pragma once

#include "mado-resident.h"

G_BEGIN_DECLS

typedef enum
{
  MADO_MOVE_KIND_MOVE_IN,          /* 転入 (法22条) */
  MADO_MOVE_KIND_MOVE_OUT,         /* 転出 (法24条) */
  MADO_MOVE_KIND_MOVE_WITHIN,      /* 転居 (法23条) */
  MADO_MOVE_KIND_HOUSEHOLD_CHANGE, /* 世帯変更 (法25条) */
} MadoMoveKind;

typedef enum
{
  MADO_MOVE_STATUS_DRAFT,       /* 下書き: the resident is still filling it in */
  MADO_MOVE_STATUS_SUBMITTED,   /* 提出済み: confirmed and sent to the registry */
  MADO_MOVE_STATUS_PROVISIONAL, /* 仮登録 (a clerk) */
  MADO_MOVE_STATUS_REGISTERED,  /* 本登録 (a supervisor; final) */
  MADO_MOVE_STATUS_REJECTED,    /* 却下 with a reason (final) */
} MadoMoveStatus;

typedef enum
{
  MADO_HOUSEHOLD_CHANGE_NONE,       /* absent: not a 世帯変更 */
  MADO_HOUSEHOLD_CHANGE_SEPARATION, /* 世帯分離 */
  MADO_HOUSEHOLD_CHANGE_MERGER,     /* 世帯合併 */
  MADO_HOUSEHOLD_CHANGE_CHANGE,     /* 世帯変更 (世帯員の移動) */
  MADO_HOUSEHOLD_CHANGE_HEAD,       /* 世帯主変更 */
} MadoHouseholdChange;

/* What the card's 券面事項入力補助AP gave (printed apart from what the resident entered). */
typedef struct
{
  char *name;
  char *address;
  MadoDate birth_date;
  MadoSex sex;
  char *kojin_bango; /* 個人番号 */
} MadoCardFacts;

/* One person who moves. */
typedef struct
{
  char *atena_number; /* 宛名番号 when the registry knows the person */
  char *name;         /* 氏名 */
  char *furigana;     /* 振り仮名 */
  MadoDate birth_date;
  MadoSex sex;
  char *relationship; /* 続柄 in the household after the move */
  gboolean foreign;   /* 外国人住民 (生年月日 in 西暦 on forms) */
} MadoMoveMember;

typedef struct
{
  char *draft_id; /* the registry's id; the notice's QR id */
  MadoMoveKind kind;
  MadoMoveStatus status;
  char *office_code;    /* 届出先: 地方公共団体コード */
  MadoDate notified_on; /* 届出日 */
  MadoDate move_date; /* 異動日: 転入した日 / 転出予定日 / 転居した日 / 変更の日 */
  MadoCardFacts *card;                  /* what the card gave, if a card was read */
  MadoAddress *previous_address;        /* 前住所 (転入: required) */
  MadoAddress *new_address;             /* 新住所 (転出: 転出先) */
  MadoHouseholdChange household_change; /* 世帯変更 only */
  char *new_head_name;                  /* 新しい世帯主 */
  char *phone;                          /* 日中の連絡先 */
  GPtrArray *members;                   /* MadoMoveMember *, 異動者 */
  char *created_at;                     /* RFC 3339 */
  char *terminal;                       /* the kiosk or console that made it */
  char *provisional_by;                 /* the clerk of the 仮登録 */
  char *registered_by;                  /* the supervisor of the 本登録 */
  char *rejection_reason;               /* 却下の理由 */
} MadoMoveDraft;

MADO_MODEL_DECLARE_OBJECT (MadoMoveDraft, mado_move_draft)

const char *mado_move_kind_to_string (MadoMoveKind kind);       /* "move_in"… */
const char *mado_move_status_to_string (MadoMoveStatus status); /* "draft"… */
/* The life cycle: draft → submitted → provisional → registered; submitted or provisional →
 * rejected; nothing leaves registered or rejected. */
gboolean mado_move_status_can_change (MadoMoveStatus from, MadoMoveStatus to);
/* Moves @draft to @to as @actor (an operator id): provisional records the clerk, registered
 * the supervisor (who must differ from the clerk), rejected needs @reason. On any refusal
 * (MADO_MODEL_ERROR_TRANSITION) the draft is unchanged. */
gboolean mado_move_draft_change_status (MadoMoveDraft *draft, MadoMoveStatus to, const char *actor,
                                        const char *reason, GError **error);

G_END_DECLS
