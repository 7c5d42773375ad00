/* SPDX-License-Identifier: GPL-3.0-or-later
 * The My Number card driver over scripted transcripts: exact APDUs, APDU counts, and every bad
 * answer ending in the right error with nothing partial handed on.
 */
#include "mado-card-error.h"
#include "mado-mynumber-card.h"
#include "mado-scripted-reader.h"

#define SELECT_TEXT "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08"
#define SELECT_JPKI "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"
#define NUMBER "123456789018"

static char *
hex (const guint8 *data, gsize len)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02X ", data[i]);
  return g_string_free (s, FALSE);
}

static void
append_tlv (GByteArray *out, guint16 tag, const void *value, gsize len)
{
  guint8 t[2] = { (guint8)(tag >> 8), (guint8)tag };
  g_byte_array_append (out, t, 2);
  if (len < 0x80)
    {
      guint8 l = (guint8)len;
      g_byte_array_append (out, &l, 1);
    }
  else
    {
      guint8 l[3] = { 0x82, (guint8)(len >> 8), (guint8)len };
      g_byte_array_append (out, l, 3);
    }
  g_byte_array_append (out, value, (guint)len);
}

/* The 基本4情報 record as the card holds it, padded with FF to @pad bytes. */
static char *
attributes_record_hex (const char *address, gsize pad, gboolean truncate)
{
  g_autoptr (GByteArray) inner = g_byte_array_new ();
  const guint8 offsets[8] = { 0 };
  append_tlv (inner, 0xDF21, offsets, sizeof offsets);
  append_tlv (inner, 0xDF22, "窓口　花子", strlen ("窓口　花子"));
  append_tlv (inner, 0xDF23, address, strlen (address));
  append_tlv (inner, 0xDF24, "19850412", 8);
  append_tlv (inner, 0xDF25, "2", 1);
  g_autoptr (GByteArray) record = g_byte_array_new ();
  append_tlv (record, 0xFF20, inner->data, inner->len);
  if (truncate)
    g_byte_array_set_size (record, record->len - 5);
  while (record->len < pad)
    g_byte_array_append (record, (const guint8[]){ 0xFF }, 1);
  return hex (record->data, record->len);
}

static char *
number_record_hex (const char *number)
{
  g_autoptr (GByteArray) r = g_byte_array_new ();
  append_tlv (r, 0xFF10, number, strlen (number));
  g_byte_array_append (r, (const guint8[]){ 0xFF, 0xFF }, 2);
  return hex (r->data, r->len);
}

static MadoReader *
scripted (const char *transcript)
{
  g_autoptr (GError) error = NULL;
  MadoReader *reader = mado_scripted_reader_new_from_text (transcript, &error);
  g_assert_no_error (error);
  return reader;
}

static guint
count_commands (MadoReader *reader, guint8 ins, gboolean with_data)
{
  GPtrArray *commands = mado_scripted_reader_get_commands (MADO_SCRIPTED_READER (reader));
  guint n = 0;
  for (guint i = 0; i < commands->len; i++)
    {
      gsize len;
      const guint8 *c = g_bytes_get_data (g_ptr_array_index (commands, i), &len);
      if (c[1] == ins && (!with_data || len > 4))
        n++;
    }
  return n;
}

static void
assert_played (MadoReader *reader, guint apdus)
{
  MadoReaderStats stats;
  mado_reader_get_stats (reader, &stats);
  g_assert_cmpuint (mado_scripted_reader_get_remaining (MADO_SCRIPTED_READER (reader)), ==, 0);
  g_assert_cmpuint (stats.apdus, ==, apdus);
}

static void
test_read_text_in_five (void)
{
  g_autofree char *number = number_record_hex (NUMBER);
  g_autofree char *attrs = attributes_record_hex ("東京都千代田区霞が関１丁目２番３号", 512, FALSE);
  g_autofree char *t = g_strdup_printf ("atr 3B E0 00 FF 81 31 FE 45 14\n"
                                        "> " SELECT_TEXT "\n< 90 00\n"
                                        "> 00 20 00 91\n< 63 C3\n"
                                        "> 00 20 00 91 04 31 32 33 34\n< 90 00\n"
                                        "> 00 B0 81 00 00 00 00\n< %s 90 00\n"
                                        "> 00 B0 82 00 00 00 00\n< %s 90 00\n",
                                        number, attrs);
  g_autoptr (MadoReader) reader = scripted (t);
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (GError) error = NULL;
  int tries = -1;

  g_assert_true (mado_mynumber_card_get_pin_tries (card, MADO_PIN_TEXT, &tries, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tries, ==, 3);
  g_assert_true (mado_mynumber_card_verify_pin (card, MADO_PIN_TEXT, "1234", &error));
  g_autoptr (MadoCardAttributes) a = mado_mynumber_card_read_attributes (card, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->name, ==, "窓口　花子");
  g_assert_cmpstr (a->address, ==, "東京都千代田区霞が関１丁目２番３号");
  g_assert_cmpstr (a->birth_date, ==, "1985-04-12");
  g_assert_cmpstr (a->sex, ==, "2");
  g_assert_cmpstr (a->individual_number, ==, NUMBER);
  assert_played (reader, 5);
}

static void
test_short_reads_fallback (void)
{
  /* A reader without extended length: the card answers 67 00, the driver falls back to 256-byte
   * reads sized by the record's header, and remembers. */
  GString *address = g_string_new (NULL);
  for (int i = 0; i < 30; i++)
    g_string_append (address, "長い住所");
  g_autofree char *number = number_record_hex (NUMBER);
  g_autofree char *attrs = attributes_record_hex (address->str, 0, FALSE);
  g_string_free (address, TRUE);
  /* split the record after 256 bytes (3 hex chars per byte) */
  g_autofree char *first = g_strndup (attrs, 256 * 3);
  const char *rest = attrs + 256 * 3;
  gsize rest_len = strlen (rest) / 3;
  g_autofree char *t = g_strdup_printf ("> " SELECT_TEXT "\n< 90 00\n"
                                        "> 00 B0 81 00 00 00 00\n< 67 00\n"
                                        "> 00 B0 81 00 00\n< %s 90 00\n"
                                        "> 00 B0 82 00 00\n< %s 90 00\n"
                                        "> 00 B0 01 00 %02zX\n< %s 90 00\n",
                                        number, first, rest_len, rest);
  g_autoptr (MadoReader) reader = scripted (t);
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (GError) error = NULL;

  g_autoptr (MadoCardAttributes) a = mado_mynumber_card_read_attributes (card, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (a->address, "長い住所長い住所"));
  g_assert_cmpuint (strlen (a->address), ==, 30 * strlen ("長い住所"));
  g_assert_false (mado_reader_get_extended_length (reader));
  assert_played (reader, 5);
}

static char *
fake_certificate_hex (gsize body, gsize pad)
{
  g_autoptr (GByteArray) c = g_byte_array_new ();
  guint8 h[4] = { 0x30, 0x82, (guint8)(body >> 8), (guint8)body };
  g_byte_array_append (c, h, 4);
  for (gsize i = 0; i < body; i++)
    g_byte_array_append (c, (const guint8[]){ (guint8)i }, 1);
  while (c->len < pad)
    g_byte_array_append (c, (const guint8[]){ 0xFF }, 1);
  return hex (c->data, c->len);
}

static void
test_authenticate_in_five (void)
{
  g_autofree char *cert = fake_certificate_hex (1200, 2048);
  GString *sig = g_string_new (NULL);
  for (int i = 0; i < 256; i++)
    g_string_append (sig, "5A ");
  guint8 digest[32];
  memset (digest, 0xAB, sizeof digest);
  g_autofree char *t
      = g_strdup_printf ("> " SELECT_JPKI "\n< 90 00\n"
                         "> 00 B0 8A 00 00 00 00\n< %s 90 00\n"
                         "> 00 20 00 98\n< 63 C3\n"
                         "> 00 20 00 98 04 31 32 33 34\n< 90 00\n"
                         "> 80 2A 00 97 33 30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20"
                         " AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB "
                         "AB AB AB AB AB AB AB AB"
                         " 00\n< %s 90 00\n",
                         cert, sig->str);
  g_string_free (sig, TRUE);
  g_autoptr (MadoReader) reader = scripted (t);
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (GError) error = NULL;
  int tries;

  g_autoptr (GBytes) der = mado_mynumber_card_read_certificate (card, MADO_CERT_AUTH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (der), ==, 1204); /* trimmed: no filler */
  g_assert_true (mado_mynumber_card_get_pin_tries (card, MADO_PIN_AUTH, &tries, &error));
  g_assert_true (mado_mynumber_card_verify_pin (card, MADO_PIN_AUTH, "1234", &error));
  g_autoptr (GBytes) s = mado_mynumber_card_sign_sha256 (card, digest, 32, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (s), ==, 256);
  assert_played (reader, 5);
}

static void
test_wrong_pin_three_times (void)
{
  g_autoptr (MadoReader) reader = scripted ("> " SELECT_JPKI "\n< 90 00\n"
                                            "> 00 20 00 98\n< 63 C3\n"
                                            "> 00 20 00 98 04 30 30 30 30\n< 63 C2\n"
                                            "> 00 20 00 98 04 30 30 30 30\n< 63 C1\n"
                                            "> 00 20 00 98 04 30 30 30 30\n< 63 C0\n"
                                            "> 00 20 00 98\n< 63 C0\n");
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (GError) error = NULL;
  int tries;

  g_assert_true (mado_mynumber_card_get_pin_tries (card, MADO_PIN_AUTH, &tries, &error));
  g_assert_cmpint (tries, ==, 3);
  for (int expect = 2; expect >= 1; expect--)
    {
      g_assert_false (mado_mynumber_card_verify_pin (card, MADO_PIN_AUTH, "0000", &error));
      g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_PIN_WRONG);
      g_assert_cmpint (mado_card_error_get_tries_left (error), ==, expect);
      g_clear_error (&error);
    }
  g_assert_false (mado_mynumber_card_verify_pin (card, MADO_PIN_AUTH, "0000", &error));
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_PIN_BLOCKED);
  g_clear_error (&error);
  g_assert_true (mado_mynumber_card_get_pin_tries (card, MADO_PIN_AUTH, &tries, &error));
  g_assert_cmpint (tries, ==, 0);
  g_assert_cmpuint (count_commands (reader, 0x20, TRUE), ==, 3);
  assert_played (reader, 6);
}

static void
test_pin_form (void)
{
  /* Nothing reaches the card for a malformed entry: the transcript is empty. */
  g_autoptr (MadoReader) reader = scripted ("");
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  const struct
  {
    MadoPinKind kind;
    const char *pin;
  } bad[] = {
    { MADO_PIN_AUTH, "123" },     { MADO_PIN_AUTH, "12345" },
    { MADO_PIN_AUTH, "12a4" },    { MADO_PIN_TEXT, "" },
    { MADO_PIN_TEXT, NULL },      { MADO_PIN_SIGN, "ABC12" },
    { MADO_PIN_SIGN, "ABCDEFG" }, { MADO_PIN_SIGN, "1234567" },
    { MADO_PIN_SIGN, "ABC 123" }, { MADO_PIN_SIGN, "ABCDEFGH123456789" },
    { MADO_PIN_SIGN, "ÄBC123" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (mado_mynumber_card_verify_pin (card, bad[i].kind, bad[i].pin, &error));
      g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_PIN_FORMAT);
    }
  g_assert_true (mado_pin_check_form (MADO_PIN_SIGN, "abc123", NULL));
  g_assert_true (mado_pin_check_form (MADO_PIN_SIGN, "A1B2C3D4E5F6G7H8", NULL));
  g_assert_cmpuint (mado_scripted_reader_get_commands (MADO_SCRIPTED_READER (reader))->len, ==, 0);
}

static void
test_sign_password_upper_cased (void)
{
  g_autoptr (MadoReader) reader = scripted ("> " SELECT_JPKI "\n< 90 00\n"
                                            "> 00 20 00 9B 06 41 42 43 31 32 33\n< 90 00\n");
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (GError) error = NULL;
  g_assert_true (mado_mynumber_card_verify_pin (card, MADO_PIN_SIGN, "abc123", &error));
  g_assert_no_error (error);
}

static void
test_not_mynumber (void)
{
  g_autoptr (MadoReader) reader = scripted ("> " SELECT_JPKI "\n< 6A 82\n");
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (GError) error = NULL;
  g_assert_false (mado_mynumber_card_recognise (card, &error));
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NOT_MYNUMBER);
}

static void
expect_read_text_error (const char *number_hex, const char *attrs_response, int code)
{
  g_autofree char *t = g_strdup_printf ("> " SELECT_TEXT "\n< 90 00\n"
                                        "> 00 B0 81 00 00 00 00\n< %s 90 00\n"
                                        "> 00 B0 82 00 00 00 00\n< %s\n",
                                        number_hex, attrs_response);
  g_autoptr (MadoReader) reader = scripted (t);
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCardAttributes) a = mado_mynumber_card_read_attributes (card, &error);
  g_assert_null (a);
  g_assert_error (error, MADO_CARD_ERROR, code);
}

static void
test_bad_answers (void)
{
  g_autofree char *number = number_record_hex (NUMBER);
  g_autofree char *good = attributes_record_hex ("東京都", 0, FALSE);
  g_autofree char *good_sw = g_strdup_printf ("%s 90 00", good);
  g_autofree char *truncated = attributes_record_hex ("東京都", 0, TRUE);
  g_autofree char *truncated_sw = g_strdup_printf ("%s 90 00", truncated);

  /* pulled mid-read */
  expect_read_text_error (number, "!removed", MADO_CARD_ERROR_CARD_REMOVED);
  /* the record's outer length runs past the end of the file */
  expect_read_text_error (number, truncated_sw, MADO_CARD_ERROR_MALFORMED);
  /* wrong status words */
  expect_read_text_error (number, "6F 00", MADO_CARD_ERROR_UNEXPECTED_STATUS);
  expect_read_text_error (number, "69 82", MADO_CARD_ERROR_SECURITY_STATUS);
  /* a status word alone, one byte, garbage */
  expect_read_text_error (number, "90", MADO_CARD_ERROR_MALFORMED);
  expect_read_text_error (number, "DF 22 05 41 42 90 00", MADO_CARD_ERROR_MALFORMED);
  /* an individual number that fails its check digit, or is not digits */
  g_autofree char *bad_check = number_record_hex ("123456789011");
  expect_read_text_error (bad_check, good_sw, MADO_CARD_ERROR_MALFORMED);
  expect_read_text_error ("FF 10 0C 41 42 43 44 45 46 47 48 49 4A 4B 4C FF FF", good_sw,
                          MADO_CARD_ERROR_MALFORMED);
  /* an inner item longer than its parent */
  expect_read_text_error (number, "FF 20 05 DF 22 09 41 42 43 90 00", MADO_CARD_ERROR_MALFORMED);
  /* invalid UTF-8 in the name */
  expect_read_text_error (
      number,
      "FF 20 1A DF 22 02 C3 28 DF 23 03 41 42 43 DF 24 08 31 39 38 35 30 34 31 32"
      " DF 25 01 32 90 00",
      MADO_CARD_ERROR_MALFORMED);
  /* a birth date that is no date */
  expect_read_text_error (
      number,
      "FF 20 1A DF 22 02 41 42 DF 23 03 41 42 43 DF 24 08 31 39 38 35 31 33 34 30"
      " DF 25 01 32 90 00",
      MADO_CARD_ERROR_MALFORMED);
  /* an item missing */
  expect_read_text_error (number, "FF 20 09 DF 22 02 41 42 DF 25 01 32 90 00",
                          MADO_CARD_ERROR_MALFORMED);
}

static void
test_certificate_garbage (void)
{
  g_autoptr (MadoReader) reader
      = scripted ("> " SELECT_JPKI "\n< 90 00\n"
                  "> 00 B0 8A 00 00 00 00\n< 04 03 01 02 03 FF FF 90 00\n");
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) der = mado_mynumber_card_read_certificate (card, MADO_CERT_AUTH, &error);
  g_assert_null (der);
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED);
}

static void
test_get_response_and_wrong_le (void)
{
  /* 61xx: the rest comes with GET RESPONSE; 6Cxx: resend with the named Le. */
  g_autofree char *number = number_record_hex (NUMBER);
  g_autofree char *head = g_strndup (number, 10 * 3);
  const char *tail = number + 10 * 3;
  g_autofree char *t = g_strdup_printf ("> " SELECT_TEXT "\n< 90 00\n"
                                        "> 00 B0 81 00 00 00 00\n< %s 61 07\n"
                                        "> 00 C0 00 00 07\n< %s 90 00\n"
                                        "> 00 B0 82 00 00 00 00\n< 6C 1D\n"
                                        "> 00 B0 82 00 1D\n< "
                                        "FF 20 1A DF 22 02 41 42 DF 23 03 41 42 43 DF 24 08 31 39"
                                        " 38 35 30 34 31 32 DF 25 01 32 90 00\n",
                                        head, tail);
  g_autoptr (MadoReader) reader = scripted (t);
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCardAttributes) a = mado_mynumber_card_read_attributes (card, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->individual_number, ==, NUMBER);
  g_assert_cmpstr (a->name, ==, "AB");
  assert_played (reader, 5);
}

static void
test_reset_absorbed_without_pin (void)
{
  g_autofree char *cert = fake_certificate_hex (300, 0);
  g_autofree char *t = g_strdup_printf ("> " SELECT_JPKI "\n< 90 00\n"
                                        "> 00 B0 8A 00 00 00 00\n< !reset\n"
                                        "> " SELECT_JPKI "\n< 90 00\n"
                                        "> 00 B0 8A 00 00 00 00\n< %s 90 00\n",
                                        cert);
  g_autoptr (MadoReader) reader = scripted (t);
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) der = mado_mynumber_card_read_certificate (card, MADO_CERT_AUTH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (der), ==, 304);
  assert_played (reader, 4);
}

static void
test_reset_reported_with_pin (void)
{
  /* The PIN state died with the reset: report it, never re-send anything. */
  guint8 digest[32] = { 0 };
  g_autoptr (MadoReader) reader = scripted ("> " SELECT_JPKI "\n< 90 00\n"
                                            "> *\n< !reset\n");
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) sig = mado_mynumber_card_sign_sha256 (card, digest, 32, &error);
  g_assert_null (sig);
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_RESET);
  assert_played (reader, 2);
}

static void
test_sign_needs_pin (void)
{
  guint8 digest[32] = { 0 };
  g_autoptr (MadoReader) reader = scripted ("> " SELECT_JPKI "\n< 90 00\n> *\n< 69 82\n");
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) sig = mado_mynumber_card_sign_sha256 (card, digest, 32, &error);
  g_assert_null (sig);
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_SECURITY_STATUS);
}

static void
on_tries (GObject *source, GAsyncResult *result, gpointer data)
{
  int *tries = data;
  g_autoptr (GError) error = NULL;
  g_assert_true (
      mado_mynumber_card_get_pin_tries_finish (MADO_MYNUMBER_CARD (source), result, tries, &error));
  g_assert_no_error (error);
  g_main_context_wakeup (NULL);
}

static void
test_async (void)
{
  g_autoptr (MadoReader) reader = scripted ("> " SELECT_TEXT "\n< 90 00\n> 00 20 00 91\n< 63 C2\n");
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  int tries = -1;
  mado_mynumber_card_get_pin_tries_async (card, MADO_PIN_TEXT, NULL, on_tries, &tries);
  while (tries < 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (tries, ==, 2);
}

static void
test_number_helpers (void)
{
  g_autofree char *masked = mado_individual_number_mask (NUMBER);
  g_assert_cmpstr (masked, ==, "********9018");
  g_assert_true (mado_individual_number_is_valid (NUMBER));
  g_assert_false (mado_individual_number_is_valid ("123456789010"));
  g_assert_false (mado_individual_number_is_valid ("12345678901"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/smartcard/driver/read-text-in-five", test_read_text_in_five);
  g_test_add_func ("/smartcard/driver/short-reads-fallback", test_short_reads_fallback);
  g_test_add_func ("/smartcard/driver/authenticate-in-five", test_authenticate_in_five);
  g_test_add_func ("/smartcard/driver/wrong-pin-three-times", test_wrong_pin_three_times);
  g_test_add_func ("/smartcard/driver/pin-form", test_pin_form);
  g_test_add_func ("/smartcard/driver/sign-password-upper-cased", test_sign_password_upper_cased);
  g_test_add_func ("/smartcard/driver/not-mynumber", test_not_mynumber);
  g_test_add_func ("/smartcard/driver/bad-answers", test_bad_answers);
  g_test_add_func ("/smartcard/driver/certificate-garbage", test_certificate_garbage);
  g_test_add_func ("/smartcard/driver/get-response-and-wrong-le", test_get_response_and_wrong_le);
  g_test_add_func ("/smartcard/driver/reset-absorbed-without-pin", test_reset_absorbed_without_pin);
  g_test_add_func ("/smartcard/driver/reset-reported-with-pin", test_reset_reported_with_pin);
  g_test_add_func ("/smartcard/driver/sign-needs-pin", test_sign_needs_pin);
  g_test_add_func ("/smartcard/driver/async", test_async);
  g_test_add_func ("/smartcard/driver/number-helpers", test_number_helpers);
  return g_test_run ();
}
