/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-japanese-date.h — dates at the precision known (DESIGN.md: `1985-04-12`, `1985-04`, `1985`,
 * or null when unknown, with an optional qualifier such as 「頃」), shown as a form shows them:
 * 和暦 (令和・平成・昭和・大正・明治, 元年 for the first year) or 西暦.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int year;  /* 0: unknown (the whole date is unknown) */
  int month; /* 0: unknown */
  int day;   /* 0: unknown */
} MadoPartialDate;

typedef enum
{
  MADO_DATE_STYLE_WAREKI,   /* 和暦: 昭和60年4月12日 */
  MADO_DATE_STYLE_GREGORIAN /* 西暦: 1985年4月12日 */
} MadoDateStyle;

/* Parses an ISO 8601 date at the precision known ("1985-04-12", "1985-04", "1985"); NULL means
 * unknown. Month 1–12, day 1–31: like the standard, a day the calendar lacks (2/29 of a common
 * year) is kept as registered. MADO_PRINT_ERROR_INVALID_FIELD otherwise. */
gboolean mado_partial_date_parse (const char *iso, MadoPartialDate *out, GError **error);

/* The date as the form shows it, with @qualifier (may be NULL) appended: 「昭和60年頃」. An
 * unknown date reads 「不詳」. A year or month whose era changed in it takes the era in force on
 * its last day (1989 → 平成元年, 2019-04 → 平成31年4月). Dates before 明治 are shown in 西暦. */
char *mado_partial_date_format (const MadoPartialDate *date, MadoDateStyle style,
                                const char *qualifier);

G_END_DECLS
