/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-vcard-ber.c — a small BER-TLV writer for the emulator's files.
 */
#include "mado-vcard-ber.h"

gsize
mado_vcard_ber_length_size (gsize length)
{
  if (length < 0x80)
    return 1;
  if (length <= 0xFF)
    return 2;
  if (length <= 0xFFFF)
    return 3;
  return 4;
}

void
mado_vcard_ber_put_tag (GByteArray *out, guint32 tag)
{
  guint8 octets[4];
  guint n = 0;

  for (int shift = 24; shift >= 0; shift -= 8)
    {
      guint8 b = (guint8)((tag >> shift) & 0xFF);
      if (n == 0 && b == 0 && shift > 0)
        continue;
      octets[n++] = b;
    }
  g_byte_array_append (out, octets, n);
}

void
mado_vcard_ber_put_length (GByteArray *out, gsize length, gboolean force_two_octets)
{
  guint8 octets[4];
  guint n = 0;

  g_return_if_fail (length <= 0xFFFFFF);

  if (force_two_octets && length <= 0xFFFF)
    {
      octets[n++] = 0x82;
      octets[n++] = (guint8)(length >> 8);
      octets[n++] = (guint8)length;
    }
  else if (length < 0x80)
    octets[n++] = (guint8)length;
  else if (length <= 0xFF)
    {
      octets[n++] = 0x81;
      octets[n++] = (guint8)length;
    }
  else if (length <= 0xFFFF)
    {
      octets[n++] = 0x82;
      octets[n++] = (guint8)(length >> 8);
      octets[n++] = (guint8)length;
    }
  else
    {
      octets[n++] = 0x83;
      octets[n++] = (guint8)(length >> 16);
      octets[n++] = (guint8)(length >> 8);
      octets[n++] = (guint8)length;
    }
  g_byte_array_append (out, octets, n);
}

void
mado_vcard_ber_put_tlv (GByteArray *out, guint32 tag, const guint8 *value, gsize length)
{
  mado_vcard_ber_put_tag (out, tag);
  mado_vcard_ber_put_length (out, length, FALSE);
  if (length > 0)
    g_byte_array_append (out, value, (guint)length);
}
