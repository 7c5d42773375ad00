/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: documents as the registry sends them (JSON over the network): the first byte
 * picks the kind, the rest is the document's JSON — parsed, validated against the kind's schema,
 * walked for every printed text, its dates shown, and put in canonical form (what its QR's
 * digest covers). Rendering is left out: it draws what validation let through.
 */
#include <json-glib/json-glib.h>

#include "mado-canonical-json.h"
#include "mado-document.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static gboolean
count_text (const char *path, const char *text, MadoTextClass cls, gpointer user_data,
            GError **error)
{
  *(gsize *)user_data += strlen (path) + strlen (text);
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static const char *const kinds[] = { "juminhyo",  "kisai_jiko", "inkan",       "tennyu",
                                       "tenshutsu", "tenkyo",     "setai_henko", "ticket" };
  if (size < 1)
    return 0;
  MadoDocumentKind kind;
  if (!mado_document_kind_from_string (kinds[data[0] % G_N_ELEMENTS (kinds)], &kind, NULL))
    return 0;

  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, (const char *)data + 1, (gssize)(size - 1), NULL))
    return 0;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL)
    return 0;

  volatile gsize sink = 0;
  g_autoptr (GBytes) canonical = mado_canonical_json (root);
  sink += canonical != NULL ? g_bytes_get_size (canonical) : 0;

  g_autoptr (MadoDocument) doc = mado_document_new (kind, root, NULL);
  if (doc != NULL)
    {
      gsize n = 0;
      mado_document_foreach_text (doc, count_text, &n, NULL);
      sink += n;
    }
  (void)sink;
  return 0;
}
