/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-tlv.c — lenient, bounds-checked BER-TLV reader. Every read goes through the cursor, which
 * only ever shrinks; nothing is dereferenced past cursor->left.
 */
#define G_LOG_DOMAIN "mado-smartcard"

#include "mado-tlv.h"

#include "mado-card-error.h"

#define MAX_TAG_OCTETS 4
#define MAX_LENGTH_OCTETS 4

void
mado_tlv_cursor_init (MadoTlvCursor *cursor, const guint8 *data, gsize len)
{
  cursor->pos = data;
  cursor->left = data != NULL ? len : 0;
}

static gboolean
malformed (GError **error, const char *what, gsize offset)
{
  g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED,
               "Malformed BER-TLV: %s at octet %" G_GSIZE_FORMAT, what, offset);
  return FALSE;
}

/* Decodes tag and length at @p (@left octets). On success fills @tlv except value. */
static gboolean
decode_header (const guint8 *p, gsize left, MadoTlv *tlv, gsize *value_length, GError **error)
{
  gsize i = 0;

  if (left == 0)
    return malformed (error, "empty input", 0);

  guint8 first = p[i++];
  guint32 tag = first;
  guint32 number = first & 0x1Fu;
  tlv->tag_class = (guint8)(first >> 6);
  tlv->constructed = (first & 0x20u) != 0;

  if ((first & 0x1Fu) == 0x1Fu)
    {
      /* High tag number form; non-minimal forms (FF 10 for 16) are accepted. */
      number = 0;
      for (;;)
        {
          if (i >= left)
            return malformed (error, "tag runs past the end", i);
          if (i >= MAX_TAG_OCTETS)
            return malformed (error, "tag longer than 4 octets", i);
          guint8 b = p[i++];
          tag = (tag << 8) | b;
          number = (number << 7) | (b & 0x7Fu);
          if ((b & 0x80u) == 0)
            break;
        }
    }
  tlv->tag = tag;
  tlv->tag_number = number;

  if (i >= left)
    return malformed (error, "length missing", i);
  guint8 lb = p[i++];
  gsize length;
  if (lb < 0x80u)
    length = lb;
  else if (lb == 0x80u)
    return malformed (error, "indefinite length", i - 1);
  else
    {
      gsize n = lb & 0x7Fu;
      if (n > MAX_LENGTH_OCTETS)
        return malformed (error, "length of more than 4 octets", i - 1);
      if (n > left - i)
        return malformed (error, "length octets run past the end", i);
      length = 0;
      for (gsize k = 0; k < n; k++)
        length = (length << 8) | p[i++]; /* non-minimal (82 00 9F) accepted */
    }

  tlv->header_length = i;
  *value_length = length;
  return TRUE;
}

gboolean
mado_tlv_next (MadoTlvCursor *cursor, MadoTlv *tlv, GError **error)
{
  g_return_val_if_fail (cursor != NULL && tlv != NULL, FALSE);

  if (cursor->left == 0)
    return FALSE;

  MadoTlv out = { 0 };
  gsize length = 0;
  if (!decode_header (cursor->pos, cursor->left, &out, &length, error))
    return FALSE;
  if (length > cursor->left - out.header_length)
    return malformed (error, "value runs past the end", out.header_length);

  out.value = cursor->pos + out.header_length;
  out.length = length;
  cursor->pos += out.header_length + length;
  cursor->left -= out.header_length + length;
  *tlv = out;
  return TRUE;
}

gboolean
mado_tlv_peek_size (const guint8 *data, gsize len, guint32 *tag, gsize *total_size, GError **error)
{
  MadoTlv tlv = { 0 };
  gsize length = 0;

  if (!decode_header (data, len, &tlv, &length, error))
    return FALSE;
  if (length > G_MAXSIZE - tlv.header_length)
    return malformed (error, "length overflows", tlv.header_length);
  if (tag != NULL)
    *tag = tlv.tag;
  *total_size = tlv.header_length + length;
  return TRUE;
}

gboolean
mado_tlv_find (const guint8 *data, gsize len, guint32 tag, MadoTlv *tlv, GError **error)
{
  MadoTlvCursor cursor;
  MadoTlv item;

  mado_tlv_cursor_init (&cursor, data, len);
  while (mado_tlv_next (&cursor, &item, error))
    {
      if (item.tag == tag)
        {
          *tlv = item;
          return TRUE;
        }
    }
  if (error != NULL && *error != NULL)
    return FALSE;
  g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_MALFORMED, "BER-TLV: tag %X not found", tag);
  return FALSE;
}
