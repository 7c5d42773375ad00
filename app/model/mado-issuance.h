/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-issuance.h — one copy of a certificate (証明書交付): reserved with its 発行番号, then
 * printed, or voided with the reason. A voided 発行番号 is never reused and keeps no fee.
 * JSON: docs/model.md.
 */
#pragma once

#include "mado-model-object.h"

G_BEGIN_DECLS

typedef enum
{
  MADO_CERTIFICATE_JUMINHYO,   /* 住民票の写し (print/ kind "juminhyo") */
  MADO_CERTIFICATE_KISAI_JIKO, /* 住民票記載事項証明書 ("kisai_jiko") */
  MADO_CERTIFICATE_INKAN,      /* 印鑑登録証明書 ("inkan") */
} MadoCertificateKind;

typedef enum
{
  MADO_ISSUANCE_RESERVED, /* 予約: 発行番号 taken, not yet printed */
  MADO_ISSUANCE_PRINTED,  /* 交付済み (final) */
  MADO_ISSUANCE_VOIDED,   /* 無効 with the reason (final) */
} MadoIssuanceStatus;

typedef enum
{
  MADO_VOID_REASON_NONE,              /* absent: not voided */
  MADO_VOID_REASON_PAPER_JAM,         /* 紙詰まり */
  MADO_VOID_REASON_PAPER_OUT,         /* 用紙切れ */
  MADO_VOID_REASON_PRINTER_ERROR,     /* other printer failures */
  MADO_VOID_REASON_PAYMENT_CANCELLED, /* the payment was not completed */
  MADO_VOID_REASON_CANCELLED,         /* the resident or the clerk cancelled */
  MADO_VOID_REASON_CARD_MISMATCH,     /* the card in the reader differs from the QR's card link */
} MadoVoidReason;

typedef enum
{
  MADO_CHANNEL_KIOSK,   /* キオスク端末 */
  MADO_CHANNEL_COUNTER, /* 窓口 */
} MadoChannel;

/* The per-item options of a 住民票 (print/'s `options`). */
typedef struct
{
  gboolean setai_nushi_zokugara; /* 世帯主・続柄 */
  gboolean honseki_hittosha;     /* 本籍・筆頭者 */
  gboolean juminhyo_code;        /* 住民票コード (never at a kiosk) */
  gboolean kojin_bango;          /* 個人番号 */
  gboolean furigana;             /* 振り仮名 */
} MadoCertificateOptions;

typedef struct
{
  char *issue_number; /* 発行番号 (QR id), one per copy */
  MadoCertificateKind kind;
  MadoIssuanceStatus status;
  MadoChannel channel;
  char *terminal;                  /* 端末 */
  char *requester;                 /* 宛名番号 of the person who asked */
  GPtrArray *subjects;             /* 宛名番号 of the persons in the document */
  MadoCertificateOptions *options; /* 住民票 and 記載事項証明書 */
  guint copy;                      /* this copy, 1… */
  guint copies;                    /* of how many */
  guint fee;                       /* yen, for this copy */
  char *reserved_at;               /* RFC 3339 */
  char *printed_at;
  char *voided_at;
  MadoVoidReason void_reason;
} MadoIssuance;

MADO_MODEL_DECLARE_OBJECT (MadoIssuance, mado_issuance)

const char *mado_certificate_kind_to_string (MadoCertificateKind kind); /* print/'s kind */
/* reserved → printed (@at the time) or reserved → voided (@at, @reason ≠ NONE); nothing else.
 * MADO_MODEL_ERROR_TRANSITION otherwise, the issuance unchanged. */
gboolean mado_issuance_mark_printed (MadoIssuance *issuance, const char *at, GError **error);
gboolean mado_issuance_void (MadoIssuance *issuance, const char *at, MadoVoidReason reason,
                             GError **error);

G_END_DECLS
