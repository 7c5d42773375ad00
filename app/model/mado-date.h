/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-date.h — dates at the precision known (DESIGN.md "Dates in every contract"): ISO 8601
 * `1985-04-12`, `1985-04`, `1985`, or null when unknown, with an optional qualifier (「頃」,
 * 「上旬」, 「年月日不詳」…) where the standard allows one.
 *
 * Two rules, from 標準仕様 j80:
 *   - MADO_DATE_RULE_CALENDAR: a real calendar date (異動日, 届出日, 在留期間の満了の日…);
 *     no qualifier, never null.
 *   - MADO_DATE_RULE_AS_REGISTERED: 生年月日, 住民となった年月日, 住所を定めた年月日,
 *     外国人住民となった年月日: also a day the calendar lacks (2/29 of a common year, 4/31) is
 *     kept as registered (month 1–12, day 1–31), null means unknown, and a qualifier may follow.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  MADO_DATE_ABSENT = 0, /* the field is not given (an optional field) */
  MADO_DATE_UNKNOWN,    /* null: 不詳 */
  MADO_DATE_YEAR,       /* 1985 */
  MADO_DATE_MONTH,      /* 1985-04 */
  MADO_DATE_DAY,        /* 1985-04-12 */
} MadoDatePrecision;

typedef enum
{
  MADO_DATE_RULE_CALENDAR,
  MADO_DATE_RULE_AS_REGISTERED,
} MadoDateRule;

typedef struct
{
  MadoDatePrecision precision;
  int year;        /* 1–9999 when known */
  int month;       /* 1–12 from MADO_DATE_MONTH, else 0 */
  int day;         /* 1–31 at MADO_DATE_DAY, else 0 */
  char *qualifier; /* owned; NULL when none */
} MadoDate;

/* Parses @iso under @rule; NULL @iso is an unknown date (refused by the calendar rule). With
 * @full_only the date must be YYYY-MM-DD. Sets MADO_MODEL_ERROR_INVALID (without the value). */
gboolean mado_date_parse (const char *iso, MadoDateRule rule, gboolean full_only, MadoDate *out,
                          GError **error);
/* The ISO form at the precision known; NULL when unknown or absent. */
char *mado_date_to_iso (const MadoDate *date);
/* Frees the qualifier and resets to MADO_DATE_ABSENT. */
void mado_date_clear (MadoDate *date);
void mado_date_copy (const MadoDate *src, MadoDate *dest);
gboolean mado_date_equal (const MadoDate *a, const MadoDate *b);
/* TRUE when y-m-d exists in the Gregorian calendar. */
gboolean mado_date_is_calendar_day (int year, int month, int day);

/* JSON: a string, null, or {"date": string|null, "qualifier": text}; absent dates give NULL. */
JsonNode *mado_date_to_json (const MadoDate *date);
gboolean mado_date_from_json (JsonNode *node, MadoDateRule rule, gboolean full_only, MadoDate *out,
                              GError **error);

G_END_DECLS
