/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-tlv.h — a lenient, bounds-checked BER-TLV reader.
 *
 * The card uses non-minimal encodings (FF 10 for tag 16, 82 00 9F for a length of 159), so this
 * reader accepts any definite length form of up to four length octets and any tag of up to four
 * octets. It never reads past the buffer it was given: a length that runs past the end, an
 * indefinite length, a tag that never ends, are errors (MADO_CARD_ERROR_MALFORMED).
 *
 * Tags are returned as their raw octets packed big-endian: 0x30, 0x7F21, 0xDF22, 0xFF10.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const guint8 *pos;
  gsize left;
} MadoTlvCursor;

typedef struct
{
  guint32 tag;          /* raw tag octets, big-endian packed */
  gboolean constructed; /* bit 6 of the first tag octet */
  guint8 tag_class;     /* 0 universal, 1 application, 2 context, 3 private */
  guint32 tag_number;   /* the number, decoded */
  const guint8 *value;  /* borrowed from the cursor's buffer */
  gsize length;
  gsize header_length; /* tag + length octets */
} MadoTlv;

void mado_tlv_cursor_init (MadoTlvCursor *cursor, const guint8 *data, gsize len);

/* Reads the next TLV. Returns FALSE with @error unset at the end of the buffer, FALSE with @error
 * set on malformed input (the cursor is then left where it was). */
gboolean mado_tlv_next (MadoTlvCursor *cursor, MadoTlv *tlv, GError **error);

/* Decodes only the header at @data: the number of octets the whole TLV spans
 * (header + value), even when the value runs past @len (used to size a file from its first read).
 */
gboolean mado_tlv_peek_size (const guint8 *data, gsize len, guint32 *tag, gsize *total_size,
                             GError **error);

/* Finds the first TLV tagged @tag among the immediate children of @data. */
gboolean mado_tlv_find (const guint8 *data, gsize len, guint32 tag, MadoTlv *tlv, GError **error);

G_END_DECLS
