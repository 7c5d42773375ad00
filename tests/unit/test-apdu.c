/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-apdu.h"
#include "mado-card-error.h"

static void
check_encoding (const MadoApdu *apdu, gboolean force_extended, const guint8 *expect,
                gsize expect_len)
{
  guint8 out[64];
  g_autoptr (GError) error = NULL;
  gsize n = mado_apdu_encode (apdu, force_extended, out, sizeof out, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (out, n, expect, expect_len);

  /* And back again. */
  MadoApdu back;
  gboolean extended = FALSE;
  g_assert_true (mado_apdu_decode (out, n, &back, &extended));
  g_assert_cmpuint (back.ins, ==, apdu->ins);
  g_assert_cmpuint (back.data_len, ==, apdu->data_len);
  g_assert_cmpuint (back.le, ==, apdu->le);
  g_assert_cmpint (extended, ==, force_extended || mado_apdu_needs_extended (apdu));
}

static void
test_cases (void)
{
  const guint8 aid[] = { 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01 };
  const guint8 data3[] = { 1, 2, 3 };

  /* case 1 */
  MadoApdu c1 = { .cla = 0x00, .ins = 0x20, .p1 = 0x00, .p2 = 0x98 };
  check_encoding (&c1, FALSE, (const guint8[]){ 0x00, 0x20, 0x00, 0x98 }, 4);
  /* case 2 short, Le 256 encodes as 00 */
  MadoApdu c2 = { .ins = 0xB0, .p1 = 0x8A, .le = 256 };
  check_encoding (&c2, FALSE, (const guint8[]){ 0x00, 0xB0, 0x8A, 0x00, 0x00 }, 5);
  /* case 2 extended, Le 65536 encodes as 00 00 00 */
  MadoApdu c2e = { .ins = 0xB0, .p1 = 0x8A, .le = 65536 };
  check_encoding (&c2e, FALSE, (const guint8[]){ 0x00, 0xB0, 0x8A, 0x00, 0x00, 0x00, 0x00 }, 7);
  /* case 2 extended, Le 1000 */
  MadoApdu c2f = { .ins = 0xB0, .le = 1000 };
  check_encoding (&c2f, FALSE, (const guint8[]){ 0x00, 0xB0, 0x00, 0x00, 0x00, 0x03, 0xE8 }, 7);
  /* case 3 short: SELECT by AID */
  MadoApdu c3 = { .ins = 0xA4, .p1 = 0x04, .p2 = 0x0C, .data = aid, .data_len = sizeof aid };
  check_encoding (&c3, FALSE,
                  (const guint8[]){ 0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26,
                                    0x01, 0x00, 0x00, 0x00, 0x01 },
                  15);
  /* case 4 short */
  MadoApdu c4 = { .cla = 0x80, .ins = 0x2A, .p2 = 0x97, .data = data3, .data_len = 3, .le = 256 };
  check_encoding (&c4, FALSE, (const guint8[]){ 0x80, 0x2A, 0x00, 0x97, 0x03, 1, 2, 3, 0x00 }, 9);
  /* case 4 extended (forced) */
  check_encoding (&c4, TRUE,
                  (const guint8[]){ 0x80, 0x2A, 0x00, 0x97, 0x00, 0x00, 0x03, 1, 2, 3, 0x01, 0x00 },
                  12);
  /* case 3 extended (forced) */
  MadoApdu c3e = { .ins = 0x20, .p2 = 0x98, .data = data3, .data_len = 3 };
  check_encoding (&c3e, TRUE, (const guint8[]){ 0x00, 0x20, 0x00, 0x98, 0x00, 0x00, 0x03, 1, 2, 3 },
                  10);
}

static void
test_limits (void)
{
  guint8 out[8];
  g_autoptr (GError) error = NULL;
  MadoApdu too_big = { .ins = 0xB0, .le = 65537 };
  g_assert_cmpuint (mado_apdu_encode (&too_big, FALSE, out, sizeof out, &error), ==, 0);
  g_assert_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  const guint8 data[16] = { 0 };
  MadoApdu no_room = { .ins = 0xD6, .data = data, .data_len = sizeof data };
  g_assert_cmpuint (mado_apdu_encode (&no_room, FALSE, out, sizeof out, &error), ==, 0);
  g_assert_nonnull (error);
}

static void
test_decode_invalid (void)
{
  MadoApdu a;
  g_assert_false (mado_apdu_decode ((const guint8[]){ 0x00, 0xB0, 0x00 }, 3, &a, NULL));
  /* short Lc claims 5, only 2 present */
  g_assert_false (
      mado_apdu_decode ((const guint8[]){ 0x00, 0x20, 0x00, 0x98, 0x05, 1, 2 }, 7, &a, NULL));
  /* extended Lc of zero */
  g_assert_false (mado_apdu_decode ((const guint8[]){ 0x00, 0x20, 0x00, 0x98, 0x00, 0x00, 0x00, 1 },
                                    8, &a, NULL));
  /* two-byte body starting with 00 is neither form */
  g_assert_false (
      mado_apdu_decode ((const guint8[]){ 0x00, 0xB0, 0x00, 0x00, 0x00, 0x01 }, 6, &a, NULL));
}

static void
test_sw_describe (void)
{
  g_assert_cmpstr (mado_sw_describe (0x9000), ==, "ok");
  g_assert_cmpstr (mado_sw_describe (0x63C2), ==, "verification failed, counter");
  g_assert_cmpstr (mado_sw_describe (0x6982), ==, "security status not satisfied");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/smartcard/apdu/cases", test_cases);
  g_test_add_func ("/smartcard/apdu/limits", test_limits);
  g_test_add_func ("/smartcard/apdu/decode-invalid", test_decode_invalid);
  g_test_add_func ("/smartcard/apdu/sw-describe", test_sw_describe);
  return g_test_run ();
}
