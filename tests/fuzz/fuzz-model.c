/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: the model's JSON as the registry and the kiosks exchange it. The first byte
 * picks the object kind (person, household, move draft… by index modulo their number), the rest
 * is the JSON — parsed, read strictly, and when valid written back, read again and written again
 * (the two texts must agree: writing is a fixpoint) and copied.
 */
#include <string.h>

#include "mado-model.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  if (size < 1)
    return 0;
  MadoModelKind kind = (MadoModelKind)(data[0] % MADO_MODEL_KIND_COUNT);
  const char *text = (const char *)data + 1;
  gsize len = size - 1;

  if (!g_utf8_validate (text, (gssize)len, NULL))
    return 0;
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, (gssize)len, NULL))
    return 0;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL)
    return 0;

  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) once = mado_model_normalize (kind, root, &error);
  if (once == NULL)
    {
      /* every refusal names its field and is of the model's domain */
      if (error == NULL || error->domain != MADO_MODEL_ERROR
          || strstr (error->message, ": ") == NULL)
        abort ();
      return 0;
    }
  g_autoptr (JsonNode) twice = mado_model_normalize (kind, once, &error);
  if (twice == NULL)
    abort (); /* what the model wrote, it must read */
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, once);
  g_autofree char *a = json_generator_to_data (gen, NULL);
  json_generator_set_root (gen, twice);
  g_autofree char *b = json_generator_to_data (gen, NULL);
  if (strcmp (a, b) != 0)
    abort ();
  return 0;
}
