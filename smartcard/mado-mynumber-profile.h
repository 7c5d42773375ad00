/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-mynumber-profile.h — what one generation of the My Number card looks like to the driver:
 * applet AIDs, file and key IDs, PIN rules. The next generation is a new table, not new code.
 * Sources: ../shared/reference/mynumber-card.md §1.1, §1.3, §1.4, §2, §4.1.
 */
#pragma once

#include "mado-mynumber-card.h"

G_BEGIN_DECLS

typedef enum
{
  MADO_APPLET_JPKI, /* 公的個人認証AP */
  MADO_APPLET_TEXT, /* 券面事項入力補助AP */
  MADO_APPLET_COUNT,
} MadoAppletId;

typedef enum
{
  MADO_PIN_RULE_DIGITS,      /* exactly min_length ASCII digits */
  MADO_PIN_RULE_ALNUM_MIXED, /* min..max of A–Z 0–9, at least one letter and one digit */
} MadoPinRule;

typedef struct
{
  const char *name;
  guint8 aid[16];
  gsize aid_len;
} MadoAppletSpec;

typedef struct
{
  MadoAppletId applet;
  guint16 fid; /* elementary file ID; every EF of the card is addressable by SFI (fid ≤ 0x1E) */
} MadoFileSpec;

typedef struct
{
  MadoAppletId applet;
  guint16 key_fid;
  MadoPinRule rule;
  guint min_length;
  guint max_length;
  int max_tries; /* what a fresh counter holds (used when the card answers 90 00 to a query) */
  const char *label;
} MadoPinSpec;

typedef struct
{
  const char *name;
  MadoAppletSpec applets[MADO_APPLET_COUNT];
  MadoPinSpec pins[MADO_PIN_COUNT];
  MadoFileSpec certs[MADO_CERT_COUNT];
  MadoPinKind cert_pin[MADO_CERT_COUNT]; /* MADO_PIN_COUNT = free */
  MadoFileSpec individual_number;        /* 個人番号 */
  MadoFileSpec attributes;               /* 基本4情報 */
  MadoFileSpec auth_key;                 /* 利用者証明用秘密鍵 */
  guint32 number_tag;                    /* FF 10 */
  guint32 attributes_tag;                /* FF 20 */
  guint32 attribute_tags[5]; /* DF21 offsets, DF22 name, DF23 address, DF24 birth, DF25 sex */
  guint8 sign_cla;           /* COMPUTE DIGITAL SIGNATURE is proprietary: 80 2A */
} MadoCardProfile;

/* The card issued since 2016 (contact and contactless). */
const MadoCardProfile *mado_mynumber_profile_2016 (void);

static inline guint8
mado_file_sfi (const MadoFileSpec *file)
{
  return (guint8)(file->fid & 0x1Fu);
}

G_END_DECLS
