/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-seal-registration.h — one 印鑑登録 (seal registration): the person's 宛名番号, the
 * 印鑑登録番号, the 印影 (the seal's impression, a PNG) and the 印鑑登録証 (card) number;
 * registered, then abolished (廃止) with the day and, optionally, the reason. Abolition is final: a
 * person who registers again gets a new registration. One registered seal per person is the
 * registry's rule (registry/store). JSON: docs/model.md.
 */
#pragma once

#include "mado-model-object.h"

G_BEGIN_DECLS

/* The 印影's limit, decoded: 256 KiB. */
#define MADO_SEAL_IMAGE_MAX_BYTES (256u * 1024u)

typedef enum
{
  MADO_SEAL_STATUS_REGISTERED, /* 登録 */
  MADO_SEAL_STATUS_ABOLISHED,  /* 廃止 (final) */
} MadoSealStatus;

typedef struct
{
  char *registration_number; /* 印鑑登録番号: 1–16 of A–Z 0–9 - */
  char *atena_number;        /* 宛名番号 of the registered person */
  MadoSealStatus status;
  MadoDate registered_on; /* 登録日 (calendar date) */
  MadoDate abolished_on;  /* 廃止日: given exactly when abolished, not before registered_on */
  char *abolition_reason; /* 廃止の理由: optional, only when abolished */
  char *card_number;      /* 印鑑登録証番号: optional, 1–16 of A–Z 0–9 - */
  char *seal_image_png;   /* 印影: base64 of a PNG of at most MADO_SEAL_IMAGE_MAX_BYTES */
} MadoSealRegistration;

MADO_MODEL_DECLARE_OBJECT (MadoSealRegistration, mado_seal_registration)

/* "registered", "abolished"; NULL for anything else. */
const char *mado_seal_status_to_string (MadoSealStatus status);

/* registered → abolished on @on (a calendar date YYYY-MM-DD, not before registered_on) with
 * @reason (text of 1–256 characters, or NULL). Anything else — an abolished registration, a
 * malformed day or reason — is MADO_MODEL_ERROR_TRANSITION and leaves @reg unchanged. */
gboolean mado_seal_registration_abolish (MadoSealRegistration *reg, const char *on,
                                         const char *reason, GError **error);

/* The 印影's PNG bytes (decoded), or NULL when @reg has none. */
GBytes *mado_seal_registration_get_image (const MadoSealRegistration *reg);

G_END_DECLS
