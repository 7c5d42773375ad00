/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-model-text.c — text forms: plain text, katakana readings, 続柄, ids, timestamps, PNG
 * images as base64.
 */
#include "mado-model-text.h"

#include <string.h>

#include "mado-model-error.h"

gboolean
mado_text_is_valid (const char *s, glong max_chars)
{
  if (s == NULL || *s == '\0' || !g_utf8_validate (s, -1, NULL))
    return FALSE;
  glong n = 0;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);
      if (c < 0x20 || (c >= 0x7f && c < 0xa0))
        return FALSE;
    }
  return max_chars <= 0 || n <= max_chars;
}

gboolean
mado_kana_is_valid (const char *s)
{
  gboolean letter = FALSE;
  if (s == NULL || *s == '\0' || !g_utf8_validate (s, -1, NULL))
    return FALSE;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if ((c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC || c == 0x30FD || c == 0x30FE)
        letter = TRUE;
      else if (c != 0x30FB && c != 0x3000 && c != 0x20)
        return FALSE;
    }
  return letter;
}

gboolean
mado_relationship_is_valid (const char *s)
{
  static const char *const whole[] = { "世帯主", "縁故者", "同居人" };
  /* longest first, so 夫（未届） is tried before 夫 */
  static const char *const links[]
      = { "夫（未届）", "妻（未届）", "夫", "妻", "子", "父", "母", "兄", "姉", "弟", "妹" };

  if (s == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (whole); i++)
    if (g_str_equal (s, whole[i]))
      return TRUE;

  const char *p = s;
  for (int n = 1; n <= 4; n++)
    {
      gsize i;
      for (i = 0; i < G_N_ELEMENTS (links); i++)
        if (g_str_has_prefix (p, links[i]))
          break;
      if (i == G_N_ELEMENTS (links))
        return FALSE;
      p += strlen (links[i]);
      if (*p == '\0')
        return TRUE;
      if (!g_str_has_prefix (p, "の"))
        return FALSE;
      p += strlen ("の");
    }
  return FALSE; /* five links or more: the standard says 縁故者 */
}

gboolean
mado_qr_id_is_valid (const char *s, gsize max)
{
  if (s == NULL || *s == '\0' || strlen (s) > max)
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s) && !g_ascii_isupper (*s) && *s != '-')
      return FALSE;
  return TRUE;
}

gboolean
mado_ascii_id_is_valid (const char *s)
{
  if (s == NULL || *s == '\0' || strlen (s) > 64)
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isalnum (*s) && *s != '.' && *s != '_' && *s != '-')
      return FALSE;
  return TRUE;
}

gboolean
mado_hex64_is_valid (const char *s)
{
  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isxdigit (*s) || g_ascii_isupper (*s))
      return FALSE;
  return TRUE;
}

gboolean
mado_datetime_is_valid (const char *s)
{
  /* RFC 3339 without fractions: 2026-11-26T09:41:00+09:00 or …Z */
  if (s == NULL)
    return FALSE;
  gsize len = strlen (s);
  if (len != 20 && len != 25)
    return FALSE;
  static const char shape[] = "dddd-dd-ddTdd:dd:dd";
  for (gsize i = 0; i < 19; i++)
    if (shape[i] == 'd' ? !g_ascii_isdigit (s[i]) : s[i] != shape[i])
      return FALSE;
  if (len == 20
          ? s[19] != 'Z'
          : ((s[19] != '+' && s[19] != '-') || !g_ascii_isdigit (s[20]) || !g_ascii_isdigit (s[21])
             || s[22] != ':' || !g_ascii_isdigit (s[23]) || !g_ascii_isdigit (s[24])))
    return FALSE;
  g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (s, NULL);
  return dt != NULL;
}

/* RFC 4648 §4 characters, '=' only as the last one or two, a multiple of four. */
static gboolean
base64_form_is_valid (const char *s, gsize len)
{
  const char *pad = strchr (s, '=');
  const char *end = pad != NULL ? pad : s + len;

  if (len == 0 || len % 4 != 0)
    return FALSE;
  for (const char *p = s; p < end; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/')
      return FALSE;
  return pad == NULL || (pad >= s + len - 2 && strspn (pad, "=") == (gsize)(s + len - pad));
}

gboolean
mado_png_base64_check (const char *s, gsize max_bytes, GError **error)
{
  /* the signature, then the first chunk: length 13, type IHDR (PNG §5.2, §11.2.2) */
  static const guint8 png_start[16]
      = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
  gsize len = strlen (s);
  g_autofree guint8 *bytes = NULL;
  g_autofree char *again = NULL;
  gsize n = 0;

  /* Too long is refused before anything is decoded. */
  if (max_bytes > 0 && len / 4 > (max_bytes + 2) / 3)
    {
      g_set_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                   "an image of more than %" G_GSIZE_FORMAT " bytes", max_bytes);
      return FALSE;
    }
  if (base64_form_is_valid (s, len))
    {
      bytes = g_base64_decode (s, &n);
      again = g_base64_encode (bytes, n);
    }
  /* The one canonical form: also the unused bits of the last group are zero. */
  if (again == NULL || strcmp (again, s) != 0)
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                           "not base64 (A–Z, a–z, 0–9, “+”, “/”, padded with “=”, one line)");
      return FALSE;
    }
  if (max_bytes > 0 && n > max_bytes)
    {
      g_set_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                   "an image of more than %" G_GSIZE_FORMAT " bytes", max_bytes);
      return FALSE;
    }
  if (n < sizeof png_start || memcmp (bytes, png_start, sizeof png_start) != 0)
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                           "not a PNG image (no PNG signature and IHDR chunk)");
      return FALSE;
    }
  return TRUE;
}
