/* SPDX-License-Identifier: GPL-3.0-or-later
 * Canonical JSON: one byte string per document whatever the member order or spacing.
 */
#include <string.h>

#include "mado-canonical-json.h"

static char *
canonical (const char *json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = json_from_string (json, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = mado_canonical_json (node);
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  g_assert_cmpuint (strlen (data != NULL ? data : ""), <=, len);
  return g_strndup (data, len);
}

static void
test_order_and_whitespace (void)
{
  g_autofree char *a
      = canonical ("{\"b\": 1, \"a\": {\"z\": [3, 2, 1], \"y\": null}, \"c\": true}");
  g_autofree char *b = canonical ("{ \"c\":true,\n \"a\":{ \"y\":null, \"z\":[3,2,1] }, \"b\":1 }");
  g_assert_cmpstr (a, ==, "{\"a\":{\"y\":null,\"z\":[3,2,1]},\"b\":1,\"c\":true}");
  g_assert_cmpstr (a, ==, b);
}

static void
test_nested_arrays (void)
{
  g_autofree char *a = canonical ("[[], [[{\"k\": []}]], {}, [1, [2, [3]]]]");
  g_assert_cmpstr (a, ==, "[[],[[{\"k\":[]}]],{},[1,[2,[3]]]]");
}

static void
test_unicode (void)
{
  /* Japanese as is (not \u-escaped); 葛 + VS18 (U+E0101) keeps its selector; keys sort by UTF-8
   * bytes: "a" < "z" < "あ" (E3) < "住所" (E4) < "氏名" (E6). */
  g_autofree char *a = canonical ("{\"氏名\": \"葛\xf3\xa0\x84\x81城\", \"住所\": \"霞が関\","
                                  " \"あ\": \"\\u3042\", \"z\": 1, \"a\": 2}");
  g_assert_cmpstr (
      a, ==,
      "{\"a\":2,\"z\":1,\"あ\":\"あ\",\"住所\":\"霞が関\",\"氏名\":\"葛\xf3\xa0\x84\x81城\"}");
}

static void
test_escapes (void)
{
  g_autofree char *a = canonical ("{\"s\": \"q\\\"b\\\\s\\/t\\tn\\nc\\u0001e\\u00e9\"}");
  /* only ", \ and control characters are escaped; "/" and é are not */
  g_assert_cmpstr (a, ==, "{\"s\":\"q\\\"b\\\\s/t\\tn\\nc\\u0001eé\"}");
}

static void
test_numbers (void)
{
  g_autofree char *a
      = canonical ("[0, -0, 1.0, -3, 2.50, 1e3, 1.5e-3, 123456789012, 0.1, -0.0, 1e300, 3.25e-7, "
                   "-9007199254740993, 0.30000000000000004]");
  g_assert_cmpstr (a, ==,
                   "[0,0,1,-3,2.5,1000,0.0015,123456789012,0.1,0,1e+300,3.25e-07,"
                   "-9007199254740993,0.30000000000000004]");
}

static void
test_digest (void)
{
  g_autoptr (JsonNode) a = json_from_string ("{\"x\":\"東京\",\"y\":[1,2]}", NULL);
  g_autoptr (JsonNode) b = json_from_string ("{ \"y\" : [1,2], \"x\" : \"東京\" }", NULL);
  g_autoptr (JsonNode) c = json_from_string ("{\"x\":\"東京\",\"y\":[2,1]}", NULL);
  guint8 da[32], db[32], dc[32];
  mado_canonical_json_digest (a, da);
  mado_canonical_json_digest (b, db);
  mado_canonical_json_digest (c, dc);
  g_assert_cmpmem (da, 32, db, 32);
  g_assert_true (memcmp (da, dc, 32) != 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/canonical-json/order-and-whitespace", test_order_and_whitespace);
  g_test_add_func ("/canonical-json/nested-arrays", test_nested_arrays);
  g_test_add_func ("/canonical-json/unicode", test_unicode);
  g_test_add_func ("/canonical-json/escapes", test_escapes);
  g_test_add_func ("/canonical-json/numbers", test_numbers);
  g_test_add_func ("/canonical-json/digest", test_digest);
  return g_test_run ();
}
