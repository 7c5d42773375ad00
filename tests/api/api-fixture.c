/* SPDX-License-Identifier: GPL-3.0-or-later
 * api-fixture — puts the API tests' residents into a registry database through the store and
 * prints who they are (JSON) for the test script:
 *
 *   api-fixture DSN  →  {"head": "…", "wife": "…", "child": "…", "blocked": "…",
 *                        "moved_out": "…", "gaiji": "…", "other_household": "…"}
 *
 * Fictional people. 髙橋 健一's household (head, wife, a 10-year-old child); 佐藤 花子 under a
 * 支援措置 on issuance; 鈴木 一郎, moved out; 山田 太郎 whose name holds a private-use character
 * no font has (an unresolved 外字); 田中 美咲 in another household.
 */
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "mado-identifiers.h"
#include "mado-registry-store.h"

static MadoRegistryStore *store;

static char *
number (const char *base)
{
  return mado_atena_number_complete (base);
}

/* The household's address, which its members' rows repeat. */
static char *
address_json (const char *katagaki)
{
  return g_strdup_printf ("{\"code\": \"13101001001\", \"postal_code\": \"102-0074\", "
                          "\"municipality\": \"東京都千代田区\", \"town\": \"九段南一丁目\", "
                          "\"banchi\": \"6番17号\"%s%s%s}",
                          katagaki ? ", \"katagaki\": \"" : "", katagaki ? katagaki : "",
                          katagaki ? "\"" : "");
}

static void
put_household (const char *household, const char *katagaki, const char *head_json)
{
  g_autofree char *address = address_json (katagaki);
  g_autofree char *json
      = g_strdup_printf ("{\"household_number\": \"%s\", \"address\": %s, \"members\": [%s]}",
                         household, address, head_json);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = json_from_string (json, &error);
  g_assert_no_error (error);
  g_autoptr (MadoHousehold) h = mado_household_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_put_household (store, h, &error));
  g_assert_no_error (error);
}

static char *
put_person (const char *atena, const char *household, const char *katagaki, const char *name,
            const char *furigana, const char *birth, const char *sex, const char *relationship,
            gboolean head, const char *status, const char *kojin_bango)
{
  g_autofree char *kb = kojin_bango != NULL
                            ? g_strdup_printf ("\"kojin_bango\": \"%s\", ", kojin_bango)
                            : g_strdup ("");
  g_autofree char *address = address_json (katagaki);
  g_autofree char *person = g_strdup_printf (
      "{\"atena_number\": \"%s\", \"household_number\": \"%s\", \"kind\": \"japanese\", "
      "\"status\": \"%s\", \"juminhyo_code\": \"12345678901\", %s\"name\": \"%s\", "
      "\"furigana\": \"%s\", \"birth_date\": \"%s\", \"sex\": \"%s\", \"relationship\": \"%s\", "
      "\"head\": %s, \"address\": %s, "
      "\"resident_since\": \"2012-04-01\", \"notified_on\": \"2012-04-03\", "
      "\"previous_address\": {\"municipality\": \"神奈川県横浜市港北区\", \"town\": "
      "\"日吉本町二丁目\", \"banchi\": \"5番3号\"}, "
      "\"honseki\": {\"place\": \"東京都千代田区九段南一丁目2番\", \"hittosha\": \"髙橋 健一\"}}",
      atena, household, status, kb, name, furigana, birth, sex, relationship,
      head ? "true" : "false", address);
  g_autofree char *json = g_strdup_printf (
      "{\"atena_number\": \"%s\", \"history_number\": 1, \"reason\": \"domestic_move_in\", "
      "\"moved_on\": \"2012-04-01\", \"notified_on\": \"2012-04-03\", \"processed_on\": "
      "\"2012-04-03\", \"place\": \"本庁 市民課\", \"terminal\": \"fixture\", "
      "\"person\": %s}",
      atena, person);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = json_from_string (json, &error);
  g_assert_no_error (error);
  g_autoptr (MadoHistoryEntry) entry = mado_history_entry_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mado_registry_store_record_change (store, entry, &error), ==, 1);
  g_assert_no_error (error);
  return g_steal_pointer (&person);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  if (argc != 2)
    {
      fprintf (stderr, "usage: api-fixture DSN\n");
      return 2;
    }
  store = mado_registry_store_open (argv[1], &error);
  g_assert_no_error (error);

  g_autofree char *h1 = number ("500000001"), *h2 = number ("500000002"),
                  *h3 = number ("500000003"), *h4 = number ("500000004"),
                  *h5 = number ("500000005");
  g_autofree char *head = number ("000000101"), *wife = number ("000000102"),
                  *child = number ("000000103"), *blocked = number ("000000201"),
                  *moved = number ("000000301"), *gaiji = number ("000000401"),
                  *other = number ("000000501");
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *child_birth = g_strdup_printf ("%04d-04-01", g_date_time_get_year (now) - 10);

  g_autofree char *p_head
      = put_person (head, h1, "九段グリーンハイツ501号室", "髙橋 健一", "タカハシ ケンイチ",
                    "1968-07-21", "male", "世帯主", TRUE, "resident", "123456789018");
  g_free (put_person (wife, h1, "九段グリーンハイツ501号室", "髙橋 美穂", "タカハシ ミホ",
                      "1971-02-03", "female", "妻", FALSE, "resident", NULL));
  g_free (put_person (child, h1, "九段グリーンハイツ501号室", "髙橋 翔太", "タカハシ ショウタ",
                      child_birth, "male", "子", FALSE, "resident", NULL));
  g_autofree char *p_blocked
      = put_person (blocked, h2, NULL, "佐藤 花子", "サトウ ハナコ", "1985-05-05", "female",
                    "世帯主", TRUE, "resident", NULL);
  g_autofree char *p_moved = put_person (moved, h3, NULL, "鈴木 一郎", "スズキ イチロウ",
                                         "1950-01-01", "male", "世帯主", TRUE, "moved_out", NULL);
  g_autofree char *p_gaiji = put_person (gaiji, h4, NULL, "山田 \xee\x80\x80郎", "ヤマダ タロウ",
                                         "1980-03-03", "male", "世帯主", TRUE, "resident", NULL);
  g_autofree char *p_other = put_person (other, h5, NULL, "田中 美咲", "タナカ ミサキ",
                                         "1990-09-09", "female", "世帯主", TRUE, "resident", NULL);
  put_household (h1, "九段グリーンハイツ501号室", p_head);
  put_household (h2, NULL, p_blocked);
  put_household (h3, NULL, p_moved);
  put_household (h4, NULL, p_gaiji);
  put_household (h5, NULL, p_other);

  g_autofree char *block_json = g_strdup_printf (
      "{\"block_id\": \"B-TEST-0001\", \"kind\": \"support_measure\", \"level\": \"error\", "
      "\"atena_number\": \"%s\", \"scope\": {\"move\": true, \"issuance\": true, \"inquiry\": "
      "true}, \"starts_on\": \"2020-04-01\"}",
      blocked);
  g_autoptr (JsonNode) bnode = json_from_string (block_json, NULL);
  g_autoptr (MadoIssuanceBlock) block = mado_issuance_block_new_from_json (bnode, &error);
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_put_block (store, block, &error));

  printf ("{\"head\": \"%s\", \"wife\": \"%s\", \"child\": \"%s\", \"blocked\": \"%s\", "
          "\"moved_out\": \"%s\", \"gaiji\": \"%s\", \"other_household\": \"%s\"}\n",
          head, wife, child, blocked, moved, gaiji, other);
  g_object_unref (store);
  return 0;
}
