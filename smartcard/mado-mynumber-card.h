/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-mynumber-card.h — the My Number card (個人番号カード) driver.
 *
 * Hands out neutral records — the card's text attributes, JPKI certificates as DER, PIN tries,
 * a signature — so that no other part sees AIDs, file IDs or status words. What differs between
 * card generations lives in a MadoCardProfile table (mado-mynumber-profile.h).
 *
 * PINs: every entry is checked for form before any APDU is sent, never retried automatically,
 * and its buffers are wiped.
 */
#pragma once

#include <gio/gio.h>

#include "mado-reader.h"

G_BEGIN_DECLS

typedef enum
{
  MADO_PIN_AUTH, /* 利用者証明用電子証明書 暗証番号 (4 digits) */
  MADO_PIN_SIGN, /* 署名用電子証明書 暗証番号 (6–16 A–Z 0–9, letters and digits mixed) */
  MADO_PIN_TEXT, /* 券面事項入力補助用 暗証番号 (4 digits) */
  MADO_PIN_COUNT,
} MadoPinKind;

typedef enum
{
  MADO_CERT_AUTH,    /* 利用者証明用電子証明書 — no PIN */
  MADO_CERT_AUTH_CA, /* 利用者証明用CA証明書 — no PIN */
  MADO_CERT_SIGN,    /* 署名用電子証明書 — after the signature password */
  MADO_CERT_SIGN_CA, /* 署名用CA証明書 — no PIN */
  MADO_CERT_COUNT,
} MadoCertKind;

/* The card's 4 basic attributes (基本4情報) and the individual number (個人番号), as the
 * 券面事項入力補助AP holds them. Personal data: free with mado_card_attributes_free(), which wipes.
 */
typedef struct
{
  char *name;              /* 氏名, UTF-8, family and given name separated by U+3000 */
  char *address;           /* 住所, UTF-8, as on the card (full-width digits) */
  char *birth_date;        /* ISO 8601 YYYY-MM-DD (the card holds Gregorian YYYYMMDD) */
  char *sex;               /* the card's code: "1" male, "2" female, "9" not applicable */
  char *individual_number; /* 個人番号, 12 digits */
} MadoCardAttributes;

void mado_card_attributes_free (MadoCardAttributes *attributes);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoCardAttributes, mado_card_attributes_free)

/* "********9018": borrowed input, new string. */
char *mado_individual_number_mask (const char *number);
/* The check digit rule of the 個人番号 (番号法施行令 §8). */
gboolean mado_individual_number_is_valid (const char *number);

const char *mado_pin_kind_to_string (MadoPinKind kind);   /* "auth", "sign", "text" */
const char *mado_cert_kind_to_string (MadoCertKind kind); /* "auth", "auth-ca", "sign", "sign-ca" */

/* Checks an entry's form for @kind without touching the card. On failure sets
 * MADO_CARD_ERROR_PIN_FORMAT with what is wrong (never the entry itself). The PINs are 4 digits;
 * the signature password is 6–16 characters of A–Z and 0–9 with at least one of each (lower case
 * is accepted and upper-cased before it is sent). */
gboolean mado_pin_check_form (MadoPinKind kind, const char *pin, GError **error);

#define MADO_TYPE_MYNUMBER_CARD (mado_mynumber_card_get_type ())
G_DECLARE_FINAL_TYPE (MadoMynumberCard, mado_mynumber_card, MADO, MYNUMBER_CARD, GObject)

/* Takes a connected reader. Nothing is sent until the first operation. */
MadoMynumberCard *mado_mynumber_card_new (MadoReader *reader);
/* Borrowed. */
MadoReader *mado_mynumber_card_get_reader (MadoMynumberCard *self);

/* Confirms a My Number card by selecting its JPKI applet (never by ATR).
 * MADO_CARD_ERROR_NOT_MYNUMBER otherwise. Every operation below also recognises the card on its
 * first selection, so calling this is needed only to ask "is this a My Number card?". */
gboolean mado_mynumber_card_recognise (MadoMynumberCard *self, GError **error);

/* Tries left for @kind without spending one (an empty VERIFY). 0 means blocked. */
gboolean mado_mynumber_card_get_pin_tries (MadoMynumberCard *self, MadoPinKind kind, int *tries,
                                           GError **error);

/* Checks the form of @pin, then VERIFY once. Never retried. Errors: PIN_FORMAT (no try spent),
 * PIN_WRONG (tries left in the error, see mado_card_error_get_tries_left()), PIN_BLOCKED. */
gboolean mado_mynumber_card_verify_pin (MadoMynumberCard *self, MadoPinKind kind, const char *pin,
                                        GError **error);

/* Needs MADO_PIN_TEXT verified. The individual number and the 4 attributes. */
MadoCardAttributes *mado_mynumber_card_read_attributes (MadoMynumberCard *self, GError **error);

/* DER, trimmed to the certificate. MADO_CERT_SIGN needs MADO_PIN_SIGN verified. */
GBytes *mado_mynumber_card_read_certificate (MadoMynumberCard *self, MadoCertKind kind,
                                             GError **error);

/* Signs the SHA-256 @digest (32 bytes) as a PKCS#1 v1.5 signature over its DigestInfo with the
 * user-authentication key. Needs MADO_PIN_AUTH verified. */
GBytes *mado_mynumber_card_sign_sha256 (MadoMynumberCard *self, const guint8 *digest,
                                        gsize digest_len, GError **error);

/* Async forms for screens: the work runs in a GTask thread; @pin is copied and wiped. */
void mado_mynumber_card_get_pin_tries_async (MadoMynumberCard *self, MadoPinKind kind,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
gboolean mado_mynumber_card_get_pin_tries_finish (MadoMynumberCard *self, GAsyncResult *result,
                                                  int *tries, GError **error);
void mado_mynumber_card_verify_pin_async (MadoMynumberCard *self, MadoPinKind kind, const char *pin,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
gboolean mado_mynumber_card_verify_pin_finish (MadoMynumberCard *self, GAsyncResult *result,
                                               GError **error);
void mado_mynumber_card_read_attributes_async (MadoMynumberCard *self, GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
MadoCardAttributes *mado_mynumber_card_read_attributes_finish (MadoMynumberCard *self,
                                                               GAsyncResult *result,
                                                               GError **error);
void mado_mynumber_card_read_certificate_async (MadoMynumberCard *self, MadoCertKind kind,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
GBytes *mado_mynumber_card_read_certificate_finish (MadoMynumberCard *self, GAsyncResult *result,
                                                    GError **error);
void mado_mynumber_card_sign_sha256_async (MadoMynumberCard *self, const guint8 *digest,
                                           gsize digest_len, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
GBytes *mado_mynumber_card_sign_sha256_finish (MadoMynumberCard *self, GAsyncResult *result,
                                               GError **error);

G_END_DECLS
