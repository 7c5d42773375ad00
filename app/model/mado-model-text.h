/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-model-text.h — the forms of text the model accepts (docs/model.md "Conventions").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* UTF-8, 1–@max_chars characters (0: no limit), no control characters (C0, DEL, C1).
 * Everything else is kept as given, variation selectors included: nothing is normalised. */
gboolean mado_text_is_valid (const char *s, glong max_chars);
/* 振り仮名: katakana (U+30A1–U+30FA, ー, ・, ヽ, ヾ) and spaces (U+3000, U+0020), not only
 * spaces. */
gboolean mado_kana_is_valid (const char *s);
/* 続柄 (標準仕様 j110): 世帯主, 縁故者, 同居人, or 1–4 links of 夫 妻 夫（未届） 妻（未届） 子
 * 父 母 兄 姉 弟 妹 joined by 「の」 (子の妻, 妻の母, 子の子の子の子). */
gboolean mado_relationship_is_valid (const char *s);
/* ASCII identifiers: 1–@max of A–Z 0–9 and '-' (QR id, docs/documents.md). */
gboolean mado_qr_id_is_valid (const char *s, gsize max);
/* Operator and terminal ids: 1–64 of A–Z a–z 0–9 . _ - */
gboolean mado_ascii_id_is_valid (const char *s);
/* 64 lowercase hex digits. */
gboolean mado_hex64_is_valid (const char *s);
/* YYYY-MM-DDThh:mm:ss with Z or ±hh:mm (RFC 3339), a real date and time. */
gboolean mado_datetime_is_valid (const char *s);
/* A PNG image as base64 (RFC 4648 §4: A–Z a–z 0–9 + /, padded with '=', no line breaks or
 * spaces, in its one canonical form) of at most @max_bytes decoded (0: no limit), whose bytes
 * start with the PNG signature and the IHDR chunk's header. MADO_MODEL_ERROR_INVALID (without
 * the value, and without a path: the caller prefixes it) otherwise. */
gboolean mado_png_base64_check (const char *s, gsize max_bytes, GError **error);

G_END_DECLS
