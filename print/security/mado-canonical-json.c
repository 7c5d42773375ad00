/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-canonical-json.c — the canonical byte form of a JSON tree (see the header and
 * docs/documents.md, "QR payload").
 */
#include "mado-canonical-json.h"

#include <math.h>
#include <string.h>

#include <openssl/sha.h>

static void write_node (GString *out, JsonNode *node);

static void
write_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", (unsigned)*p);
          else
            g_string_append_c (out, (char)*p); /* UTF-8 (and variation selectors) as is */
        }
    }
  g_string_append_c (out, '"');
}

static void
write_double (GString *out, double d)
{
  /* JSON has no NaN or infinity; json-glib never parses them, but a tree built in code could
   * hold one: write null rather than invalid JSON. */
  if (!isfinite (d))
    {
      g_string_append (out, "null");
      return;
    }
  if (fabs (d) < 9007199254740992.0 && d == (double)(gint64)d) /* 2^53: exact as an integer */
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64)d);
      return;
    }
  /* the shortest %.Ng (C locale) that reads back as the same double */
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (int precision = 1; precision <= 17; precision++)
    {
      char format[8];
      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, d);
      if (g_ascii_strtod (buf, NULL) == d)
        break;
    }
  g_string_append (out, buf);
}

static int
compare_keys (gconstpointer a, gconstpointer b)
{
  /* UTF-8 byte order is code point order */
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static void
write_object (GString *out, JsonObject *object)
{
  GList *members = json_object_get_members (object);
  guint n = g_list_length (members);
  g_autofree const char **keys = g_new0 (const char *, n + 1);
  guint i = 0;
  for (GList *l = members; l != NULL; l = l->next)
    keys[i++] = l->data;
  g_list_free (members);
  qsort (keys, n, sizeof *keys, compare_keys);

  g_string_append_c (out, '{');
  for (i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      write_string (out, keys[i]);
      g_string_append_c (out, ':');
      write_node (out, json_object_get_member (object, keys[i]));
    }
  g_string_append_c (out, '}');
}

static void
write_node (GString *out, JsonNode *node)
{
  if (node == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      write_object (out, json_node_get_object (node));
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);
        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            write_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
        break;
      }
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);
        if (type == G_TYPE_INT64)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else if (type == G_TYPE_DOUBLE)
          write_double (out, json_node_get_double (node));
        else if (type == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else if (type == G_TYPE_STRING)
          write_string (out, json_node_get_string (node));
        else
          g_string_append (out, "null");
        break;
      }
    }
}

GBytes *
mado_canonical_json (JsonNode *node)
{
  GString *out = g_string_sized_new (1024);
  write_node (out, node);
  return g_string_free_to_bytes (out);
}

void
mado_canonical_json_digest (JsonNode *node, guint8 out[32])
{
  g_autoptr (GBytes) bytes = mado_canonical_json (node);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  SHA256 (data, len, out);
}
