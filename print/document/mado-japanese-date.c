/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-japanese-date.c — partial ISO dates and their 和暦/西暦 form.
 */
#include "mado-japanese-date.h"

#include <string.h>

#include "mado-print-error.h"

static const struct
{
  const char *name;
  int year, month, day; /* first day of the era (Gregorian) */
} eras[] = {
  { "令和", 2019, 5, 1 },  { "平成", 1989, 1, 8 },  { "昭和", 1926, 12, 25 },
  { "大正", 1912, 7, 30 }, { "明治", 1868, 1, 25 },
};

static gboolean
parse_digits (const char *s, gsize n, int *out)
{
  int v = 0;
  for (gsize i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      v = v * 10 + (s[i] - '0');
    }
  *out = v;
  return TRUE;
}

gboolean
mado_partial_date_parse (const char *iso, MadoPartialDate *out, GError **error)
{
  MadoPartialDate d = { 0, 0, 0 };
  gsize len = iso != NULL ? strlen (iso) : 0;

  if (iso == NULL)
    {
      *out = d;
      return TRUE;
    }
  if ((len != 4 && len != 7 && len != 10) || !parse_digits (iso, 4, &d.year) || d.year < 1
      || (len >= 7
          && (iso[4] != '-' || !parse_digits (iso + 5, 2, &d.month) || d.month < 1 || d.month > 12))
      || (len == 10
          && (iso[7] != '-' || !parse_digits (iso + 8, 2, &d.day) || d.day < 1 || d.day > 31)))
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_INVALID_FIELD,
                   "“%s” is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)", iso);
      return FALSE;
    }
  *out = d;
  return TRUE;
}

static int
date_key (int y, int m, int d)
{
  return y * 10000 + m * 100 + d;
}

char *
mado_partial_date_format (const MadoPartialDate *date, MadoDateStyle style, const char *qualifier)
{
  g_autoptr (GString) s = g_string_new (NULL);
  const char *q = qualifier != NULL ? qualifier : "";

  if (date == NULL || date->year == 0)
    return g_strconcat ("不詳", q, NULL);

  /* the latest day the known part allows decides the era */
  int last
      = date_key (date->year, date->month != 0 ? date->month : 12, date->day != 0 ? date->day : 31);
  gsize era = G_N_ELEMENTS (eras);
  if (style == MADO_DATE_STYLE_WAREKI)
    for (gsize i = 0; i < G_N_ELEMENTS (eras); i++)
      if (last >= date_key (eras[i].year, eras[i].month, eras[i].day))
        {
          era = i;
          break;
        }

  if (era < G_N_ELEMENTS (eras))
    {
      int y = date->year - eras[era].year + 1;
      if (y == 1)
        g_string_append_printf (s, "%s元年", eras[era].name);
      else
        g_string_append_printf (s, "%s%d年", eras[era].name, y);
    }
  else
    g_string_append_printf (s, "%d年", date->year);
  if (date->month != 0)
    g_string_append_printf (s, "%d月", date->month);
  if (date->month != 0 && date->day != 0)
    g_string_append_printf (s, "%d日", date->day);
  g_string_append (s, q);
  return g_string_free (g_steal_pointer (&s), FALSE);
}
