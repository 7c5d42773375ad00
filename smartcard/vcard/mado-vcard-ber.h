/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-vcard-ber.h — a small BER-TLV writer, for building the emulated card's files.
 *
 * Reading TLVs is smartcard/mado-tlv.h's job; this only writes. Tags are given as their raw octets
 * packed big-endian (0x30, 0xDF22, 0xFF20), as mado-tlv.h returns them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The number of octets of the minimal definite length encoding of @length. */
gsize mado_vcard_ber_length_size (gsize length);

/* Appends the raw tag octets of @tag (leading zero octets skipped; 0 writes one 00 octet). */
void mado_vcard_ber_put_tag (GByteArray *out, guint32 tag);

/* Appends a definite length: minimal (short form below 128, else 81 xx / 82 xx xx / 83 …), or,
 * with @force_two_octets, always the long form 82 HH LL (non-minimal below 256, as some cards
 * write it). @length must fit in 24 bits. */
void mado_vcard_ber_put_length (GByteArray *out, gsize length, gboolean force_two_octets);

/* Appends tag, minimal length and @value. */
void mado_vcard_ber_put_tlv (GByteArray *out, guint32 tag, const guint8 *value, gsize length);

G_END_DECLS
