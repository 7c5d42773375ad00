/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-identifiers.h — the standard's numbers and codes, with their check digits
 * (docs/model.md "Numbers and check digits" has the rules with worked examples).
 *
 * Each check sets MADO_MODEL_ERROR_INVALID for a wrong form and MADO_MODEL_ERROR_CHECK_DIGIT for
 * a wrong check digit; messages never repeat the number.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 宛名番号 / 世帯番号 (標準仕様 j130): modulus 11, weights 2, 3, 4, 5, 6, 7, 2, 3… from the
 * rightmost digit of the base number; check = 11 − (sum mod 11), and 0 when the remainder is
 * 0 or 1. Returns the check digit of the @len digits at @digits, or -1 if they are not digits. */
int mado_mod11_check_digit (const char *digits, gsize len);
/* A base number (1–15 digits) with its check digit appended; NULL if not digits. */
char *mado_atena_number_complete (const char *base);
/* 2–16 ASCII digits, the last the check digit of the others. (世帯番号 follows the same rule.) */
gboolean mado_atena_number_check (const char *number, GError **error);
/* 個人番号: 12 digits and the check digit of 番号法施行令 §8 (the rule lives in smartcard/,
 * mado_individual_number_is_valid()). */
gboolean mado_kojin_bango_check (const char *number, GError **error);
/* 住民票コード: 11 digits. The reference gives no check-digit rule, so digits only. */
gboolean mado_juminhyo_code_check (const char *code, GError **error);
/* 住所コード (j250): 11 digits = 都道府県 2 + 市区町村 3 + 大字 3 + 小字 3; the prefecture 01–47.
 */
gboolean mado_address_code_check (const char *code, GError **error);
/* 郵便番号: NNN-NNNN, ASCII. */
gboolean mado_postal_code_check (const char *code, GError **error);
/* 在留カード等番号: 2 letters, 8 digits, 2 letters (A–Z), as 在留カード and
 * 特別永住者証明書 print it (AB12345678CD). */
gboolean mado_residence_card_number_check (const char *number, GError **error);

G_END_DECLS
