/* SPDX-License-Identifier: GPL-3.0-or-later
 * app/model's values: partial dates and their two rules, the numbers with their check digits
 * (vectors computed by hand in docs/model.md), and the text forms (振り仮名, 続柄, ids, times).
 */
#include "mado-model.h"
#include "mado-model-text.h"

static void
test_date_precisions (void)
{
  static const struct
  {
    const char *iso;
    MadoDatePrecision precision;
    int y, m, d;
  } cases[] = {
    { "1985-04-12", MADO_DATE_DAY, 1985, 4, 12 },
    { "1985-04", MADO_DATE_MONTH, 1985, 4, 0 },
    { "1985", MADO_DATE_YEAR, 1985, 0, 0 },
    { "0001-01-01", MADO_DATE_DAY, 1, 1, 1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      MadoDate d = { 0 };
      g_assert_true (mado_date_parse (cases[i].iso, MADO_DATE_RULE_CALENDAR, FALSE, &d, NULL));
      g_assert_cmpint (d.precision, ==, cases[i].precision);
      g_assert_cmpint (d.year, ==, cases[i].y);
      g_assert_cmpint (d.month, ==, cases[i].m);
      g_assert_cmpint (d.day, ==, cases[i].d);
      g_autofree char *iso = mado_date_to_iso (&d);
      g_assert_cmpstr (iso, ==, cases[i].iso);
    }

  /* null: unknown, only as registered */
  MadoDate d = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_true (mado_date_parse (NULL, MADO_DATE_RULE_AS_REGISTERED, FALSE, &d, NULL));
  g_assert_cmpint (d.precision, ==, MADO_DATE_UNKNOWN);
  g_assert_null (mado_date_to_iso (&d));
  g_assert_false (mado_date_parse (NULL, MADO_DATE_RULE_CALENDAR, FALSE, &d, &error));
  g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID);
}

static void
test_date_invalid_forms (void)
{
  static const char *const bad[]
      = { "",         "85-04-12",   "1985-4-12",  "1985/04/12", "19850412",
          "0000",     "1985-00",    "1985-04-00", "1985-04-1",  "1985-04-12Z",
          "１９８５", "1985-04-32", "1985-13",    "1985-13-01", "-985" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    for (int rule = 0; rule < 2; rule++)
      {
        MadoDate d = { 0 };
        g_autoptr (GError) error = NULL;
        g_test_message ("%s", bad[i]);
        g_assert_false (mado_date_parse (bad[i], (MadoDateRule)rule, FALSE, &d, &error));
        g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID);
        /* the value is never echoed (it may be a birth date) */
        if (*bad[i] != '\0')
          g_assert_null (strstr (error->message, bad[i]));
      }
}

static void
test_date_calendar_days (void)
{
  /* day 31 in April, 2/29 of a common year: refused as calendar dates, kept as registered
   * (標準仕様 j80) */
  static const char *const lacking[] = { "2021-04-31", "2023-02-29", "1900-02-29", "2021-06-31" };
  for (gsize i = 0; i < G_N_ELEMENTS (lacking); i++)
    {
      MadoDate d = { 0 };
      g_autoptr (GError) error = NULL;
      g_assert_false (mado_date_parse (lacking[i], MADO_DATE_RULE_CALENDAR, TRUE, &d, &error));
      g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID);
      g_assert_true (mado_date_parse (lacking[i], MADO_DATE_RULE_AS_REGISTERED, TRUE, &d, NULL));
      g_assert_cmpint (d.precision, ==, MADO_DATE_DAY);
    }
  static const char *const real[] = { "2024-02-29", "2000-02-29", "2021-04-30", "2021-12-31" };
  for (gsize i = 0; i < G_N_ELEMENTS (real); i++)
    {
      MadoDate d = { 0 };
      g_assert_true (mado_date_parse (real[i], MADO_DATE_RULE_CALENDAR, TRUE, &d, NULL));
    }
  /* full_only */
  MadoDate d = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_false (mado_date_parse ("2021-04", MADO_DATE_RULE_CALENDAR, TRUE, &d, &error));
  g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID);
}

static JsonNode *
parse (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_date_qualifier (void)
{
  static const struct
  {
    const char *json;
    MadoDateRule rule;
    int code; /* 0: accepted */
    const char *iso, *qualifier;
  } cases[] = {
    { "{\"date\": \"1985\", \"qualifier\": \"頃\"}", MADO_DATE_RULE_AS_REGISTERED, 0, "1985",
      "頃" },
    { "{\"date\": \"2019-06\", \"qualifier\": \"上旬\"}", MADO_DATE_RULE_AS_REGISTERED, 0,
      "2019-06", "上旬" },
    { "{\"date\": null, \"qualifier\": \"年月日不詳\"}", MADO_DATE_RULE_AS_REGISTERED, 0, NULL,
      "年月日不詳" },
    { "\"1985-04-12\"", MADO_DATE_RULE_AS_REGISTERED, 0, "1985-04-12", NULL },
    { "null", MADO_DATE_RULE_AS_REGISTERED, 0, NULL, NULL },
    /* a calendar date takes no qualifier and is never null */
    { "{\"date\": \"1985-04-12\", \"qualifier\": \"頃\"}", MADO_DATE_RULE_CALENDAR,
      MADO_MODEL_ERROR_INVALID },
    { "null", MADO_DATE_RULE_CALENDAR, MADO_MODEL_ERROR_INVALID },
    /* the object's form */
    { "{\"date\": \"1985\"}", MADO_DATE_RULE_AS_REGISTERED, MADO_MODEL_ERROR_MISSING },
    { "{\"date\": \"1985\", \"qualifier\": \"頃\", \"era\": \"昭和\"}",
      MADO_DATE_RULE_AS_REGISTERED, MADO_MODEL_ERROR_UNKNOWN_FIELD },
    { "{\"date\": \"1985\", \"qualifier\": \"\"}", MADO_DATE_RULE_AS_REGISTERED,
      MADO_MODEL_ERROR_INVALID },
    { "{\"date\": \"1985\", \"qualifier\": 1}", MADO_DATE_RULE_AS_REGISTERED,
      MADO_MODEL_ERROR_INVALID },
    { "{\"date\": \"1985-13\", \"qualifier\": \"頃\"}", MADO_DATE_RULE_AS_REGISTERED,
      MADO_MODEL_ERROR_INVALID },
    { "19850412", MADO_DATE_RULE_AS_REGISTERED, MADO_MODEL_ERROR_INVALID },
    { "[\"1985\"]", MADO_DATE_RULE_AS_REGISTERED, MADO_MODEL_ERROR_INVALID },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonNode) node = parse (cases[i].json);
      g_autoptr (GError) error = NULL;
      MadoDate d = { 0 };
      g_test_message ("%s", cases[i].json);
      gboolean ok = mado_date_from_json (node, cases[i].rule, FALSE, &d, &error);
      if (cases[i].code != 0)
        {
          g_assert_false (ok);
          g_assert_error (error, MADO_MODEL_ERROR, cases[i].code);
          continue;
        }
      g_assert_no_error (error);
      g_autofree char *iso = mado_date_to_iso (&d);
      g_assert_cmpstr (iso, ==, cases[i].iso);
      g_assert_cmpstr (d.qualifier, ==, cases[i].qualifier);
      /* and back */
      g_autoptr (JsonNode) back = mado_date_to_json (&d);
      g_assert_true (json_node_equal (back, node));
      mado_date_clear (&d);
    }
}

static void
test_mod11_vectors (void)
{
  /* worked in docs/model.md: 1234567892 (remainder 9), 0000000060 (remainder 1 → 0),
   * 123456789012340 (remainder 0 → 0), 0000000019 */
  static const struct
  {
    const char *base;
    const char *full;
  } vectors[] = {
    { "123456789", "1234567892" },           { "000000006", "0000000060" },
    { "12345678901234", "123456789012340" }, { "000000001", "0000000019" },
    { "500000001", "5000000010" },           { "100000000", "1000000007" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *full = mado_atena_number_complete (vectors[i].base);
      g_assert_cmpstr (full, ==, vectors[i].full);
      g_assert_true (mado_atena_number_check (full, NULL));

      /* off by one in the check digit, and in a base digit */
      g_autofree char *bad = g_strdup (full);
      gsize last = strlen (bad) - 1;
      bad[last] = (char)('0' + (bad[last] - '0' + 1) % 10);
      g_autoptr (GError) error = NULL;
      g_assert_false (mado_atena_number_check (bad, &error));
      g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_CHECK_DIGIT);
      g_assert_null (strstr (error->message, bad));
      g_clear_error (&error);
      g_free (bad);
      bad = g_strdup (full);
      bad[0] = (char)('0' + (bad[0] - '0' + 1) % 10);
      g_assert_false (mado_atena_number_check (bad, &error));
      g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_CHECK_DIGIT);
    }

  static const char *const malformed[]
      = { "", "1", "12a4", "１２３４５６７８９２", "12345678901234567", " 1234567892" };
  for (gsize i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (mado_atena_number_check (malformed[i], &error));
      g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID);
    }
  g_assert_null (mado_atena_number_complete ("12x"));
  g_assert_null (mado_atena_number_complete (""));
  g_assert_cmpint (mado_mod11_check_digit ("12x", 3), ==, -1);
}

static void
test_kojin_bango (void)
{
  /* 123456789018: Σ Pn·Qn = 212, remainder 3, check 8 (worked in docs/model.md) */
  g_assert_true (mado_kojin_bango_check ("123456789018", NULL));
  static const char *const off[] = { "123456789017", "123456789019", "223456789018" };
  for (gsize i = 0; i < G_N_ELEMENTS (off); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (mado_kojin_bango_check (off[i], &error));
      g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_CHECK_DIGIT);
      g_assert_null (strstr (error->message, off[i]));
    }
  static const char *const malformed[] = { "12345678901", "1234567890180", "12345678901a", "" };
  for (gsize i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (mado_kojin_bango_check (malformed[i], &error));
      g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID);
    }
}

static void
test_other_codes (void)
{
  g_assert_true (mado_juminhyo_code_check ("12345678901", NULL));
  g_assert_false (mado_juminhyo_code_check ("1234567890", NULL));
  g_assert_false (mado_juminhyo_code_check ("1234567890a", NULL));

  g_assert_true (mado_address_code_check ("13101001001", NULL));
  g_assert_true (mado_address_code_check ("47201000000", NULL));
  g_assert_false (mado_address_code_check ("48101001001", NULL));
  g_assert_false (mado_address_code_check ("00101001001", NULL));
  g_assert_false (mado_address_code_check ("1310100100", NULL));

  g_assert_true (mado_postal_code_check ("100-0001", NULL));
  g_assert_false (mado_postal_code_check ("1000001", NULL));
  g_assert_false (mado_postal_code_check ("１００-０００１", NULL));

  g_assert_true (mado_residence_card_number_check ("AB12345678CD", NULL));
  g_assert_false (mado_residence_card_number_check ("ab12345678cd", NULL));
  g_assert_false (mado_residence_card_number_check ("AB1234567CD", NULL));
  g_assert_false (mado_residence_card_number_check ("A112345678CD", NULL));
}

static void
test_text_forms (void)
{
  /* text keeps what it is given: variation selectors, supplementary planes, PUA (MJ+) */
  g_assert_true (mado_text_is_valid ("渡\xE9\x82\x89\xF3\xA0\x84\x90", 0));
  g_assert_true (mado_text_is_valid ("\xF0\xA0\xAE\xB7", 0)); /* 𠮷 */
  g_assert_true (mado_text_is_valid ("\xF3\xB0\x80\x80", 0)); /* U+F0000, plane 15 PUA */
  g_assert_false (mado_text_is_valid ("", 0));
  g_assert_false (mado_text_is_valid ("a\nb", 0));
  g_assert_false (mado_text_is_valid ("a\x7f", 0));
  g_assert_false (mado_text_is_valid ("a\xC2\x85", 0)); /* NEL, C1 */
  g_assert_false (mado_text_is_valid ("\xff", 0));
  g_assert_true (mado_text_is_valid ("あいう", 3));
  g_assert_false (mado_text_is_valid ("あいうえ", 3));

  g_assert_true (mado_kana_is_valid ("ヤマダ タロウ"));
  g_assert_true (mado_kana_is_valid ("ヴァン・デル　ルーヴェ"));
  g_assert_false (mado_kana_is_valid ("やまだ"));
  g_assert_false (mado_kana_is_valid ("ﾔﾏﾀﾞ"));
  g_assert_false (mado_kana_is_valid ("YAMADA"));
  g_assert_false (mado_kana_is_valid ("　"));

  static const char *const good[]
      = { "世帯主", "妻",     "夫（未届）",    "子", "子の妻", "妻の母", "子の子の子の子",
          "縁故者", "同居人", "妻（未届）の子" };
  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (mado_relationship_is_valid (good[i]));
  static const char *const bad[]
      = { "祖父",       "孫", "準世帯主", "子の子の子の子の子", "妻(未届)", "の子", "子の", "子子",
          "世帯主の妻", "",   "おじ" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("%s", bad[i]);
      g_assert_false (mado_relationship_is_valid (bad[i]));
    }

  g_assert_true (mado_datetime_is_valid ("2026-11-26T09:41:00+09:00"));
  g_assert_true (mado_datetime_is_valid ("2026-11-26T00:41:00Z"));
  g_assert_false (mado_datetime_is_valid ("2026-11-26T09:41:00"));
  g_assert_false (mado_datetime_is_valid ("2026-11-26 09:41:00Z"));
  g_assert_false (mado_datetime_is_valid ("2026-02-30T09:41:00Z"));
  g_assert_false (mado_datetime_is_valid ("2026-11-26T25:41:00Z"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/date/precisions", test_date_precisions);
  g_test_add_func ("/model/date/invalid-forms", test_date_invalid_forms);
  g_test_add_func ("/model/date/calendar-days", test_date_calendar_days);
  g_test_add_func ("/model/date/qualifier", test_date_qualifier);
  g_test_add_func ("/model/numbers/mod11", test_mod11_vectors);
  g_test_add_func ("/model/numbers/kojin-bango", test_kojin_bango);
  g_test_add_func ("/model/numbers/codes", test_other_codes);
  g_test_add_func ("/model/text/forms", test_text_forms);
  return g_test_run ();
}
