/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-scripted-reader.h — a reader that plays a transcript: an ATR, then for each exchange the
 * expected command (or "any") and the response to give. For unit tests and fuzzing.
 *
 * Text transcript format (one item per line, '#' starts a comment, hex may contain spaces):
 *   atr 3B E0 00 FF 81 31 FE 45 14
 *   > 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01      expected command (exact bytes)
 *   > *                                                  any command
 *   < 90 00                                              its response (data then SW1 SW2)
 *   < !removed                                           the card is pulled instead of answering
 *   < !reset                                             the card was reset by another party
 *
 * Binary transcript format (OpenSC's fuzzing reader): a sequence of [u16 big-endian length][bytes]
 * chunks; the first is the ATR, each later one a response (data + SW) to whatever is sent. When
 * the chunks run out, the card is gone (MADO_CARD_ERROR_CARD_REMOVED).
 */
#pragma once

#include "mado-reader.h"

G_BEGIN_DECLS

#define MADO_TYPE_SCRIPTED_READER (mado_scripted_reader_get_type ())
G_DECLARE_FINAL_TYPE (MadoScriptedReader, mado_scripted_reader, MADO, SCRIPTED_READER, MadoReader)

MadoReader *mado_scripted_reader_new_from_text (const char *transcript, GError **error);
MadoReader *mado_scripted_reader_new_from_binary (const guint8 *data, gsize len);

/* Exchanges left unplayed; a test asserts 0 at its end. */
guint mado_scripted_reader_get_remaining (MadoScriptedReader *self);
/* Commands received so far (borrowed), for assertions such as "never a fourth VERIFY". */
GPtrArray *mado_scripted_reader_get_commands (MadoScriptedReader *self);

G_END_DECLS
