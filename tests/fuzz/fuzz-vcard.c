/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: the card emulator's command parser, which takes APDUs from vpcd's socket.
 * The input is a sequence of [u16 big-endian length][command] chunks; a zero-length chunk is a
 * reset. The card holds the demo identity and PINs (no certificates: no key material needed).
 */
#include "mado-vcard-card.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const char profile[] = "[identity]\n"
                              "name=窓口　花子\n"
                              "address=東京都千代田区霞が関１丁目２番３号\n"
                              "birth_date=19850412\n"
                              "sex=2\n"
                              "individual_number=314792789018\n"
                              "[pins]\n"
                              "auth_pin=1234\n"
                              "text_pin=1234\n"
                              "sign_password=ABC123\n";

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static MadoVcard *card;
  if (card == NULL)
    {
      g_autoptr (GKeyFile) key_file = g_key_file_new ();
      g_assert_true (
          g_key_file_load_from_data (key_file, profile, sizeof profile - 1, G_KEY_FILE_NONE, NULL));
      card = mado_vcard_new_from_key_file (key_file, NULL, NULL);
      g_assert_nonnull (card);
    }
  mado_vcard_reset (card);
  /* Counters change with wrong PINs: start every input from a fresh card state. */
  mado_vcard_set_malform (card, MADO_VCARD_MALFORM_NONE);

  g_autoptr (GByteArray) response = g_byte_array_new ();
  volatile gsize sink = 0;
  while (size >= 2)
    {
      gsize len = ((gsize)data[0] << 8) | data[1];
      data += 2;
      size -= 2;
      if (len > size)
        len = size;
      if (len == 0)
        mado_vcard_reset (card);
      else
        {
          g_byte_array_set_size (response, 0);
          sink += mado_vcard_process (card, data, len, response);
          sink += response->len;
        }
      data += len;
      size -= len;
    }
  (void)sink;
  return 0;
}
