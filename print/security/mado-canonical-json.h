/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-canonical-json.h — one byte string per document: JSON with object members sorted by key
 * (UTF-8 byte order), no insignificant whitespace, strings escaped minimally (only ", \ and
 * control characters), numbers as integers where they are integers. The digest a QR code
 * vouches for is SHA-256 over this form of the document's data (docs/documents.md).
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

GBytes *mado_canonical_json (JsonNode *node);
/* SHA-256 of mado_canonical_json(@node). */
void mado_canonical_json_digest (JsonNode *node, guint8 out[32]);

G_END_DECLS
