/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-model-schema.c — one engine for every object of the model: read (strict), write, free.
 */
#include "mado-model-schema.h"

#include <string.h>

#include "mado-identifiers.h"
#include "mado-model-text.h"

#define FIELD_PTR(object, f) ((guint8 *)(object) + (f)->offset)
#define FIELD_CPTR(object, f) ((const guint8 *)(object) + (f)->offset)

char *
mado_model_path_join (const char *path, const char *member)
{
  if (path == NULL || *path == '\0')
    return g_strdup (member);
  return g_strconcat (path, ".", member, NULL);
}

gboolean
mado_model_fail (GError **error, MadoModelError code, const char *path, const char *member,
                 const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  g_autofree char *full = member != NULL ? mado_model_path_join (path, member) : g_strdup (path);
  g_set_error (error, MADO_MODEL_ERROR, code, "%s: %s", *full != '\0' ? full : "(top)", what);
  return FALSE;
}

gpointer
mado_model_object_new (const MadoModelSchema *schema)
{
  return g_malloc0 (schema->size);
}

static void
free_atena (gpointer p)
{
  g_free (p);
}

static void
field_clear (const MadoModelField *f, gpointer object)
{
  gpointer p = FIELD_PTR (object, f);
  switch (f->type)
    {
    case MADO_FIELD_BOOL:
    case MADO_FIELD_UINT:
    case MADO_FIELD_ENUM:
      break;
    case MADO_FIELD_DATE:
    case MADO_FIELD_CALENDAR_DATE:
      mado_date_clear (p);
      break;
    case MADO_FIELD_OBJECT:
      {
        gpointer *sub = p;
        if (*sub != NULL)
          mado_model_object_free (f->sub, *sub);
        *sub = NULL;
      }
      break;
    case MADO_FIELD_OBJECT_ARRAY:
      {
        GPtrArray **array = p;
        if (*array != NULL)
          {
            for (guint i = 0; i < (*array)->len; i++)
              mado_model_object_free (f->sub, g_ptr_array_index (*array, i));
            g_ptr_array_free (*array, TRUE);
          }
        *array = NULL;
      }
      break;
    case MADO_FIELD_ATENA_ARRAY:
      g_clear_pointer ((GPtrArray **)p, g_ptr_array_unref);
      break;
    default: /* strings */
      g_clear_pointer ((char **)p, g_free);
      break;
    }
}

void
mado_model_object_free (const MadoModelSchema *schema, gpointer object)
{
  if (object == NULL)
    return;
  for (gsize i = 0; i < schema->n_fields; i++)
    field_clear (&schema->fields[i], object);
  g_free (object);
}

static gboolean
holds_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* Checks a string field's form; on failure sets an error without path (prefixed by the caller). */
static gboolean
check_string (const MadoModelField *f, const char *s, GError **error)
{
  switch (f->type)
    {
    case MADO_FIELD_TEXT:
      if (mado_text_is_valid (s, (glong)f->max))
        return TRUE;
      if (f->max > 0)
        g_set_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                     "not text of 1–%u characters without control characters", f->max);
      else
        g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                             "not non-empty text without control characters");
      return FALSE;
    case MADO_FIELD_KANA:
      if (mado_kana_is_valid (s))
        return TRUE;
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                           "not a reading in katakana");
      return FALSE;
    case MADO_FIELD_DATETIME:
      if (mado_datetime_is_valid (s))
        return TRUE;
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                           "not a time stamp YYYY-MM-DDThh:mm:ss with Z or ±hh:mm");
      return FALSE;
    case MADO_FIELD_ATENA_NUMBER:
      return mado_atena_number_check (s, error);
    case MADO_FIELD_KOJIN_BANGO:
      return mado_kojin_bango_check (s, error);
    case MADO_FIELD_JUMINHYO_CODE:
      return mado_juminhyo_code_check (s, error);
    case MADO_FIELD_ADDRESS_CODE:
      return mado_address_code_check (s, error);
    case MADO_FIELD_POSTAL_CODE:
      return mado_postal_code_check (s, error);
    case MADO_FIELD_RESIDENCE_CARD:
      return mado_residence_card_number_check (s, error);
    case MADO_FIELD_RELATIONSHIP:
      if (mado_relationship_is_valid (s))
        return TRUE;
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                           "not a 続柄 of the standard (j110)");
      return FALSE;
    case MADO_FIELD_QR_ID:
      {
        guint max = f->max > 0 ? f->max : 32;
        if (mado_qr_id_is_valid (s, max))
          return TRUE;
        g_set_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                     "not 1–%u of A–Z, 0–9 and “-”", max);
        return FALSE;
      }
    case MADO_FIELD_ASCII_ID:
      if (mado_ascii_id_is_valid (s))
        return TRUE;
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                           "not 1–64 of A–Z, a–z, 0–9, “.”, “_” and “-”");
      return FALSE;
    case MADO_FIELD_HEX64:
      if (mado_hex64_is_valid (s))
        return TRUE;
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID,
                           "not 64 lowercase hex digits");
      return FALSE;
    case MADO_FIELD_PNG_BASE64:
      return mado_png_base64_check (s, f->max, error);
    default:
      g_assert_not_reached ();
    }
}

static gboolean
read_field (const MadoModelField *f, JsonNode *node, gpointer object, const char *path,
            GError **error)
{
  gpointer p = FIELD_PTR (object, f);
  GError *local = NULL;

  switch (f->type)
    {
    case MADO_FIELD_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, NULL, "not true or false");
      *(gboolean *)p = json_node_get_boolean (node);
      return TRUE;
    case MADO_FIELD_UINT:
      {
        if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
            || json_node_get_int (node) < f->min || json_node_get_int (node) > f->max)
          return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, NULL,
                                  "not an integer %u–%u", f->min, f->max);
        *(guint *)p = (guint)json_node_get_int (node);
        return TRUE;
      }
    case MADO_FIELD_ENUM:
      if (holds_string (node))
        for (int i = 0; f->names[i] != NULL; i++)
          if (f->names[i][0] != '\0' && g_str_equal (json_node_get_string (node), f->names[i]))
            {
              *(int *)p = i;
              return TRUE;
            }
      {
        /* an optional enum's names[0] is "", the absent value */
        g_autofree char *list
            = g_strjoinv ("”, “", (char **)(f->names[0][0] == '\0' ? f->names + 1 : f->names));
        return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, NULL, "not one of “%s”",
                                list);
      }
    case MADO_FIELD_DATE:
    case MADO_FIELD_CALENDAR_DATE:
      {
        MadoDateRule rule
            = f->type == MADO_FIELD_DATE ? MADO_DATE_RULE_AS_REGISTERED : MADO_DATE_RULE_CALENDAR;
        if (JSON_NODE_HOLDS_NULL (node) && !(f->flags & MADO_FIELD_NULLABLE))
          return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, NULL,
                                  "a date is required here (null, unknown, is not allowed)");
        if (!mado_date_from_json (node, rule, f->type == MADO_FIELD_CALENDAR_DATE, p, &local))
          {
            g_prefix_error (&local, "%s: ", path);
            g_propagate_error (error, local);
            return FALSE;
          }
        if (((MadoDate *)p)->precision == MADO_DATE_UNKNOWN && !(f->flags & MADO_FIELD_NULLABLE))
          {
            mado_date_clear (p);
            return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, NULL,
                                    "a date is required here (null, unknown, is not allowed)");
          }
        return TRUE;
      }
    case MADO_FIELD_OBJECT:
      {
        gpointer sub = mado_model_object_from_json (f->sub, node, path, error);
        if (sub == NULL)
          return FALSE;
        *(gpointer *)p = sub;
        return TRUE;
      }
    case MADO_FIELD_OBJECT_ARRAY:
    case MADO_FIELD_ATENA_ARRAY:
      {
        if (!JSON_NODE_HOLDS_ARRAY (node))
          return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, NULL, "not an array");
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);
        if (n == 0 && (f->flags & MADO_FIELD_NONEMPTY))
          return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, NULL,
                                  "an empty array (at least one element is required)");
        if (f->max > 0 && n > f->max)
          return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, NULL,
                                  "more than %u elements", f->max);
        GPtrArray *out
            = g_ptr_array_new_full (n, f->type == MADO_FIELD_ATENA_ARRAY ? free_atena : NULL);
        *(GPtrArray **)p = out; /* freed with the object on failure */
        for (guint i = 0; i < n; i++)
          {
            g_autofree char *item_path = g_strdup_printf ("%s[%u]", path, i);
            JsonNode *item = json_array_get_element (array, i);
            if (f->type == MADO_FIELD_OBJECT_ARRAY)
              {
                gpointer sub = mado_model_object_from_json (f->sub, item, item_path, error);
                if (sub == NULL)
                  return FALSE;
                g_ptr_array_add (out, sub);
              }
            else
              {
                if (!holds_string (item))
                  return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, item_path, NULL,
                                          "not a string");
                if (!mado_atena_number_check (json_node_get_string (item), &local))
                  {
                    g_prefix_error (&local, "%s: ", item_path);
                    g_propagate_error (error, local);
                    return FALSE;
                  }
                g_ptr_array_add (out, g_strdup (json_node_get_string (item)));
              }
          }
        return TRUE;
      }
    default: /* strings */
      if (!holds_string (node))
        return mado_model_fail (error, MADO_MODEL_ERROR_INVALID, path, NULL, "not a string");
      if (!check_string (f, json_node_get_string (node), &local))
        {
          g_prefix_error (&local, "%s: ", path);
          g_propagate_error (error, local);
          return FALSE;
        }
      *(char **)p = g_strdup (json_node_get_string (node));
      return TRUE;
    }
}

gpointer
mado_model_object_from_json (const MadoModelSchema *schema, JsonNode *node, const char *path,
                             GError **error)
{
  if (path == NULL)
    path = "";
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      mado_model_fail (error, *path == '\0' ? MADO_MODEL_ERROR_SYNTAX : MADO_MODEL_ERROR_INVALID,
                       path, NULL, "not a JSON object (%s)", schema->name);
      return NULL;
    }
  JsonObject *o = json_node_get_object (node);

  /* unknown members first: a typo must never pass as an absent optional field */
  g_autoptr (GList) members = json_object_get_members (o);
  for (GList *l = members; l != NULL; l = l->next)
    {
      gsize i;
      for (i = 0; i < schema->n_fields; i++)
        if (g_str_equal (schema->fields[i].name, l->data))
          break;
      if (i == schema->n_fields)
        {
          mado_model_fail (error, MADO_MODEL_ERROR_UNKNOWN_FIELD, path, l->data,
                           "not a field of %s", schema->name);
          return NULL;
        }
    }

  gpointer object = mado_model_object_new (schema);
  for (gsize i = 0; i < schema->n_fields; i++)
    {
      const MadoModelField *f = &schema->fields[i];
      JsonNode *member = json_object_get_member (o, f->name);
      g_autofree char *member_path = mado_model_path_join (path, f->name);
      if (member == NULL)
        {
          if (f->flags & MADO_FIELD_REQUIRED)
            {
              mado_model_fail (error, MADO_MODEL_ERROR_MISSING, member_path, NULL, "required (%s)",
                               f->standard_name);
              mado_model_object_free (schema, object);
              return NULL;
            }
          continue;
        }
      if (!read_field (f, member, object, member_path, error))
        {
          mado_model_object_free (schema, object);
          return NULL;
        }
    }
  if (schema->check != NULL && !schema->check (object, path, error))
    {
      mado_model_object_free (schema, object);
      return NULL;
    }
  return object;
}

static JsonNode *
write_field (const MadoModelField *f, gconstpointer object)
{
  gconstpointer p = FIELD_CPTR (object, f);
  JsonNode *node = NULL;

  switch (f->type)
    {
    case MADO_FIELD_BOOL:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, *(const gboolean *)p);
      return node;
    case MADO_FIELD_UINT:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_int (node, *(const guint *)p);
      return node;
    case MADO_FIELD_ENUM:
      {
        int v = *(const int *)p;
        int n = 0;
        while (f->names[n] != NULL)
          n++;
        if (v == 0 && f->names[0][0] == '\0')
          return NULL;
        node = json_node_new (JSON_NODE_VALUE);
        /* an out-of-range value is written as "" so that validation refuses it */
        json_node_set_string (node, v >= 0 && v < n ? f->names[v] : "");
        return node;
      }
    case MADO_FIELD_DATE:
    case MADO_FIELD_CALENDAR_DATE:
      return mado_date_to_json (p);
    case MADO_FIELD_OBJECT:
      {
        gconstpointer sub = *(gconstpointer const *)p;
        return sub != NULL ? mado_model_object_to_json (f->sub, sub) : NULL;
      }
    case MADO_FIELD_OBJECT_ARRAY:
    case MADO_FIELD_ATENA_ARRAY:
      {
        const GPtrArray *array = *(GPtrArray *const *)p;
        if (array == NULL)
          return NULL;
        JsonArray *out = json_array_sized_new (array->len);
        for (guint i = 0; i < array->len; i++)
          {
            gconstpointer item = g_ptr_array_index ((GPtrArray *)array, i);
            if (f->type == MADO_FIELD_OBJECT_ARRAY)
              json_array_add_element (out, mado_model_object_to_json (f->sub, item));
            else
              json_array_add_string_element (out, item);
          }
        JsonNode *array_node = json_node_init_array (json_node_alloc (), out);
        json_array_unref (out); /* the node took its own reference */
        return array_node;
      }
    default:
      {
        const char *s = *(const char *const *)p;
        return s != NULL ? json_node_init_string (json_node_alloc (), s) : NULL;
      }
    }
}

JsonNode *
mado_model_object_to_json (const MadoModelSchema *schema, gconstpointer object)
{
  JsonObject *o = json_object_new ();
  for (gsize i = 0; i < schema->n_fields; i++)
    {
      JsonNode *member = write_field (&schema->fields[i], object);
      if (member != NULL)
        json_object_set_member (o, schema->fields[i].name, member);
    }
  JsonNode *node = json_node_init_object (json_node_alloc (), o);
  json_object_unref (o); /* the node took its own reference */
  return node;
}

gboolean
mado_model_object_validate (const MadoModelSchema *schema, gconstpointer object, GError **error)
{
  g_autoptr (JsonNode) node = mado_model_object_to_json (schema, object);
  gpointer copy = mado_model_object_from_json (schema, node, "", error);
  if (copy == NULL)
    return FALSE;
  mado_model_object_free (schema, copy);
  return TRUE;
}

gpointer
mado_model_object_copy (const MadoModelSchema *schema, gconstpointer object)
{
  g_autoptr (JsonNode) node = mado_model_object_to_json (schema, object);
  return mado_model_object_from_json (schema, node, "", NULL);
}

gpointer
mado_model_object_from_data (const MadoModelSchema *schema, const char *data, gssize length,
                             GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  if (length < 0)
    length = (gssize)strlen (data);
  if (!g_utf8_validate (data, length, NULL))
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_SYNTAX,
                           "(top): not UTF-8 text");
      return NULL;
    }
  /* json-glib's message may quote the text: it is not passed on (personal data) */
  if (!json_parser_load_from_data (parser, data, length, NULL))
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_SYNTAX, "(top): not JSON");
      return NULL;
    }
  return mado_model_object_from_json (schema, json_parser_get_root (parser), "", error);
}

char *
mado_model_object_to_data (const MadoModelSchema *schema, gconstpointer object, gsize *length)
{
  g_autoptr (JsonNode) node = mado_model_object_to_json (schema, object);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, length);
}
