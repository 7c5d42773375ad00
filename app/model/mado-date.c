/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-date.c — partial dates, their two rules and their JSON form.
 */
#include "mado-date.h"

#include <string.h>

#include "mado-model-error.h"
#include "mado-model-text.h"

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
mado_date_is_calendar_day (int year, int month, int day)
{
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1
         && g_date_valid_dmy ((GDateDay)day, (GDateMonth)month, (GDateYear)year);
}

gboolean
mado_date_parse (const char *iso, MadoDateRule rule, gboolean full_only, MadoDate *out,
                 GError **error)
{
  MadoDate d = { MADO_DATE_UNKNOWN, 0, 0, 0, NULL };

  if (iso == NULL)
    {
      if (rule == MADO_DATE_RULE_CALENDAR)
        {
          g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                               "a date is required here (null, unknown, is not allowed)");
          return FALSE;
        }
      *out = d;
      return TRUE;
    }

  gsize len = strlen (iso);
  if ((len != 4 && len != 7 && len != 10) || !parse_digits (iso, 4, &d.year) || d.year < 1)
    goto bad_form;
  d.precision = MADO_DATE_YEAR;
  if (len >= 7)
    {
      if (iso[4] != '-' || !parse_digits (iso + 5, 2, &d.month))
        goto bad_form;
      if (d.month < 1 || d.month > 12)
        {
          g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                               "the month is not 01–12");
          return FALSE;
        }
      d.precision = MADO_DATE_MONTH;
    }
  if (len == 10)
    {
      if (iso[7] != '-' || !parse_digits (iso + 8, 2, &d.day))
        goto bad_form;
      if (d.day < 1 || d.day > 31)
        {
          g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                               "the day is not 01–31");
          return FALSE;
        }
      if (rule == MADO_DATE_RULE_CALENDAR && !mado_date_is_calendar_day (d.year, d.month, d.day))
        {
          g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                               "the day does not exist in that month");
          return FALSE;
        }
      d.precision = MADO_DATE_DAY;
    }
  if (full_only && d.precision != MADO_DATE_DAY)
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                           "a full date YYYY-MM-DD is required here");
      return FALSE;
    }
  *out = d;
  return TRUE;

bad_form:
  g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                       "not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)");
  return FALSE;
}

char *
mado_date_to_iso (const MadoDate *date)
{
  switch (date->precision)
    {
    case MADO_DATE_YEAR:
      return g_strdup_printf ("%04d", date->year);
    case MADO_DATE_MONTH:
      return g_strdup_printf ("%04d-%02d", date->year, date->month);
    case MADO_DATE_DAY:
      return g_strdup_printf ("%04d-%02d-%02d", date->year, date->month, date->day);
    case MADO_DATE_ABSENT:
    case MADO_DATE_UNKNOWN:
    default:
      return NULL;
    }
}

void
mado_date_clear (MadoDate *date)
{
  g_clear_pointer (&date->qualifier, g_free);
  *date = (MadoDate){ MADO_DATE_ABSENT, 0, 0, 0, NULL };
}

void
mado_date_copy (const MadoDate *src, MadoDate *dest)
{
  *dest = *src;
  dest->qualifier = g_strdup (src->qualifier);
}

gboolean
mado_date_equal (const MadoDate *a, const MadoDate *b)
{
  return a->precision == b->precision && a->year == b->year && a->month == b->month
         && a->day == b->day && g_strcmp0 (a->qualifier, b->qualifier) == 0;
}

JsonNode *
mado_date_to_json (const MadoDate *date)
{
  if (date->precision == MADO_DATE_ABSENT)
    return NULL;
  g_autofree char *iso = mado_date_to_iso (date);
  JsonNode *value = json_node_new (JSON_NODE_NULL);
  if (iso != NULL)
    json_node_init_string (value, iso);
  if (date->qualifier == NULL)
    return value;
  JsonObject *o = json_object_new ();
  json_object_set_member (o, "date", value);
  json_object_set_string_member (o, "qualifier", date->qualifier);
  JsonNode *node = json_node_init_object (json_node_alloc (), o);
  json_object_unref (o); /* the node took its own reference */
  return node;
}

static gboolean
string_or_null (JsonNode *node, const char **out)
{
  if (JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      *out = json_node_get_string (node);
      return TRUE;
    }
  return FALSE;
}

gboolean
mado_date_from_json (JsonNode *node, MadoDateRule rule, gboolean full_only, MadoDate *out,
                     GError **error)
{
  const char *iso = NULL;
  const char *qualifier = NULL;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      if (rule == MADO_DATE_RULE_CALENDAR)
        {
          g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                               "this date takes no qualifier (a calendar date)");
          return FALSE;
        }
      g_autoptr (GList) members = json_object_get_members (o);
      for (GList *l = members; l != NULL; l = l->next)
        if (!g_str_equal (l->data, "date") && !g_str_equal (l->data, "qualifier"))
          {
            g_set_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_UNKNOWN_FIELD,
                         "a date object has only “date” and “qualifier”, not “%s”",
                         (const char *)l->data);
            return FALSE;
          }
      JsonNode *d = json_object_get_member (o, "date");
      JsonNode *q = json_object_get_member (o, "qualifier");
      if (d == NULL || q == NULL)
        {
          g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_MISSING,
                               "a date object needs both “date” and “qualifier”");
          return FALSE;
        }
      if (!string_or_null (d, &iso))
        goto bad_type;
      if (!JSON_NODE_HOLDS_VALUE (q) || json_node_get_value_type (q) != G_TYPE_STRING
          || !mado_text_is_valid (json_node_get_string (q), 32))
        {
          g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                               "the qualifier is not text of 1–32 characters");
          return FALSE;
        }
      qualifier = json_node_get_string (q);
    }
  else if (!string_or_null (node, &iso))
    goto bad_type;

  if (!mado_date_parse (iso, rule, full_only, out, error))
    return FALSE;
  out->qualifier = g_strdup (qualifier);
  return TRUE;

bad_type:
  g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                       rule == MADO_DATE_RULE_CALENDAR
                           ? "not a date string YYYY-MM-DD"
                           : "not a date (a string, null, or {\"date\", \"qualifier\"})");
  return FALSE;
}
