/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-card-error.h"
#include "mado-tlv.h"

static void
test_simple (void)
{
  const guint8 data[] = { 0xDF, 0x22, 0x03, 'a', 'b', 'c', 0x04, 0x00 };
  MadoTlvCursor c;
  MadoTlv t;
  g_autoptr (GError) error = NULL;

  mado_tlv_cursor_init (&c, data, sizeof data);
  g_assert_true (mado_tlv_next (&c, &t, &error));
  g_assert_no_error (error);
  g_assert_cmphex (t.tag, ==, 0xDF22);
  g_assert_cmpuint (t.tag_class, ==, 3);
  g_assert_false (t.constructed);
  g_assert_cmpuint (t.tag_number, ==, 0x22);
  g_assert_cmpuint (t.length, ==, 3);
  g_assert_cmpmem (t.value, t.length, "abc", 3);
  g_assert_true (mado_tlv_next (&c, &t, &error));
  g_assert_cmphex (t.tag, ==, 0x04);
  g_assert_cmpuint (t.length, ==, 0);
  g_assert_false (mado_tlv_next (&c, &t, &error));
  g_assert_no_error (error);
}

static void
test_non_minimal (void)
{
  /* FF 10 is private constructed tag 16 in the (non-minimal) high-tag form; 82 00 03 a
   * non-minimal length of 3. The card uses both. */
  const guint8 data[] = { 0xFF, 0x10, 0x82, 0x00, 0x03, '1', '2', '3', 0xFF, 0xFF };
  MadoTlvCursor c;
  MadoTlv t;
  g_autoptr (GError) error = NULL;

  mado_tlv_cursor_init (&c, data, sizeof data);
  g_assert_true (mado_tlv_next (&c, &t, &error));
  g_assert_cmphex (t.tag, ==, 0xFF10);
  g_assert_cmpuint (t.tag_number, ==, 16);
  g_assert_true (t.constructed);
  g_assert_cmpuint (t.header_length, ==, 5);
  g_assert_cmpuint (t.length, ==, 3);

  gsize total = 0;
  guint32 tag = 0;
  g_assert_true (mado_tlv_peek_size (data, 3, &tag, &total, &error)
                 == FALSE); /* header cut inside the length octets */
  g_clear_error (&error);
  g_assert_true (mado_tlv_peek_size (data, 5, &tag, &total, &error));
  g_assert_cmpuint (total, ==, 8);
  g_assert_cmphex (tag, ==, 0xFF10);
}

typedef struct
{
  const char *name;
  guint8 bytes[12];
  gsize len;
} Bad;

static void
test_malformed (void)
{
  static const Bad cases[] = {
    { "value past the end", { 0x30, 0x05, 0x01, 0x02 }, 4 },
    { "long length past the end", { 0x30, 0x82, 0x01, 0x00, 0x00 }, 5 },
    { "length octets cut", { 0x30, 0x82, 0x01 }, 3 },
    { "indefinite length", { 0x30, 0x80, 0x00, 0x00 }, 4 },
    { "five length octets", { 0x30, 0x85, 0, 0, 0, 0, 1, 0 }, 8 },
    { "tag never ends", { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, 6 },
    { "tag cut", { 0x1F, 0x81 }, 2 },
    { "no length", { 0x04 }, 1 },
    { "huge length", { 0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00 }, 7 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      MadoTlvCursor c;
      MadoTlv t;
      g_autoptr (GError) error = NULL;

      g_test_message ("case: %s", cases[i].name);
      mado_tlv_cursor_init (&c, cases[i].bytes, cases[i].len);
      g_assert_false (mado_tlv_next (&c, &t, &error));
      g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED);
      /* The cursor did not move: nothing partial is handed on. */
      g_assert_true (c.pos == cases[i].bytes);
      g_assert_cmpuint (c.left, ==, cases[i].len);
    }
}

static void
test_nested_overlong (void)
{
  /* The outer object is fine; an inner one claims more than its parent holds. */
  const guint8 data[] = { 0xFF, 0x20, 0x05, 0xDF, 0x22, 0x09, 'a', 'b' };
  MadoTlvCursor c, inner;
  MadoTlv t, u;
  g_autoptr (GError) error = NULL;

  mado_tlv_cursor_init (&c, data, sizeof data);
  g_assert_true (mado_tlv_next (&c, &t, &error));
  mado_tlv_cursor_init (&inner, t.value, t.length);
  g_assert_false (mado_tlv_next (&inner, &u, &error));
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED);
}

static void
test_find (void)
{
  const guint8 data[] = { 0xDF, 0x21, 0x01, 0x00, 0xDF, 0x24, 0x02, '1', '9' };
  MadoTlv t;
  g_autoptr (GError) error = NULL;

  g_assert_true (mado_tlv_find (data, sizeof data, 0xDF24, &t, &error));
  g_assert_cmpmem (t.value, t.length, "19", 2);
  g_assert_false (mado_tlv_find (data, sizeof data, 0xDF25, &t, &error));
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/smartcard/tlv/simple", test_simple);
  g_test_add_func ("/smartcard/tlv/non-minimal", test_non_minimal);
  g_test_add_func ("/smartcard/tlv/malformed", test_malformed);
  g_test_add_func ("/smartcard/tlv/nested-overlong", test_nested_overlong);
  g_test_add_func ("/smartcard/tlv/find", test_find);
  return g_test_run ();
}
