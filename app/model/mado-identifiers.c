/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-identifiers.c — 宛名番号, 世帯番号, 個人番号, 住民票コード, 住所コード, 郵便番号,
 * 在留カード等番号.
 */
#include "mado-identifiers.h"

#include <string.h>

#include "mado-model-error.h"
#include "mado-mynumber-card.h"

static gboolean
all_digits (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID, what);
  return FALSE;
}

int
mado_mod11_check_digit (const char *digits, gsize len)
{
  if (digits == NULL || !all_digits (digits, len))
    return -1;
  int sum = 0;
  for (gsize n = 0; n < len; n++)
    {
      int p = digits[len - 1 - n] - '0';
      int weight = 2 + (int)(n % 6);
      sum += p * weight;
    }
  int r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
}

char *
mado_atena_number_complete (const char *base)
{
  gsize len = base != NULL ? strlen (base) : 0;
  if (len < 1 || len > 15)
    return NULL;
  int check = mado_mod11_check_digit (base, len);
  if (check < 0)
    return NULL;
  return g_strdup_printf ("%s%d", base, check);
}

gboolean
mado_atena_number_check (const char *number, GError **error)
{
  gsize len = number != NULL ? strlen (number) : 0;
  if (len < 2 || len > 16 || !all_digits (number, len))
    return invalid (error, "not 2–16 digits");
  if (mado_mod11_check_digit (number, len - 1) != number[len - 1] - '0')
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_CHECK_DIGIT,
                           "the check digit (modulus 11, weights 2–7) does not match");
      return FALSE;
    }
  return TRUE;
}

gboolean
mado_kojin_bango_check (const char *number, GError **error)
{
  if (number == NULL || strlen (number) != 12 || !all_digits (number, 12))
    return invalid (error, "not 12 digits");
  if (!mado_individual_number_is_valid (number))
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_CHECK_DIGIT,
                           "the check digit (番号法施行令 §8) does not match");
      return FALSE;
    }
  return TRUE;
}

gboolean
mado_juminhyo_code_check (const char *code, GError **error)
{
  if (code == NULL || strlen (code) != 11 || !all_digits (code, 11))
    return invalid (error, "not 11 digits");
  return TRUE;
}

gboolean
mado_address_code_check (const char *code, GError **error)
{
  if (code == NULL || strlen (code) != 11 || !all_digits (code, 11))
    return invalid (error, "not 11 digits");
  int prefecture = (code[0] - '0') * 10 + (code[1] - '0');
  if (prefecture < 1 || prefecture > 47)
    return invalid (error, "the prefecture (first two digits) is not 01–47");
  return TRUE;
}

gboolean
mado_postal_code_check (const char *code, GError **error)
{
  if (code == NULL || strlen (code) != 8 || !all_digits (code, 3) || code[3] != '-'
      || !all_digits (code + 4, 4))
    return invalid (error, "not a postal code NNN-NNNN");
  return TRUE;
}

gboolean
mado_residence_card_number_check (const char *number, GError **error)
{
  if (number == NULL || strlen (number) != 12 || !g_ascii_isupper (number[0])
      || !g_ascii_isupper (number[1]) || !all_digits (number + 2, 8)
      || !g_ascii_isupper (number[10]) || !g_ascii_isupper (number[11]))
    return invalid (error, "not a residence card number (2 letters, 8 digits, 2 letters)");
  return TRUE;
}
