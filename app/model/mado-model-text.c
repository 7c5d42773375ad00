/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-model-text.c — text forms: plain text, katakana readings, 続柄, ids, timestamps.
 */
#include "mado-model-text.h"

#include <string.h>

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
