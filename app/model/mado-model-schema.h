/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-model-schema.h — the model's objects as tables (private to app/model and its tests):
 * one table per object names each JSON member, its type, where it lives in the C struct, whether
 * it is required, and the standard's item name. One engine reads, writes, frees and copies every
 * object from its table, so the JSON contract (docs/model.md) and the C structs cannot drift.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "mado-date.h"
#include "mado-model-error.h"

G_BEGIN_DECLS

typedef enum
{
  MADO_FIELD_TEXT,           /* char *: text (mado_text_is_valid), at most max_chars */
  MADO_FIELD_KANA,           /* char *: 振り仮名 in katakana */
  MADO_FIELD_BOOL,           /* gboolean: absent reads FALSE, always written */
  MADO_FIELD_UINT,           /* guint: an integer min..max */
  MADO_FIELD_DATE,           /* MadoDate: as registered (partial, null, qualifier) */
  MADO_FIELD_CALENDAR_DATE,  /* MadoDate: a real calendar date YYYY-MM-DD */
  MADO_FIELD_DATETIME,       /* char *: RFC 3339 time stamp */
  MADO_FIELD_ATENA_NUMBER,   /* char *: 宛名番号 / 世帯番号 with check digit */
  MADO_FIELD_KOJIN_BANGO,    /* char *: 個人番号 with check digit */
  MADO_FIELD_JUMINHYO_CODE,  /* char *: 住民票コード */
  MADO_FIELD_ADDRESS_CODE,   /* char *: 住所コード */
  MADO_FIELD_POSTAL_CODE,    /* char *: 郵便番号 */
  MADO_FIELD_RESIDENCE_CARD, /* char *: 在留カード等番号 */
  MADO_FIELD_RELATIONSHIP,   /* char *: 続柄 */
  MADO_FIELD_QR_ID,          /* char *: 1–max of A–Z 0–9 - (max 0: 32) */
  MADO_FIELD_ASCII_ID,       /* char *: 1–64 of A–Z a–z 0–9 . _ - */
  MADO_FIELD_HEX64,          /* char *: 64 lowercase hex */
  MADO_FIELD_ENUM,           /* int (a C enum): one of the names in `names`, by index */
  MADO_FIELD_OBJECT,         /* gpointer: an object of schema `sub`; NULL when absent */
  MADO_FIELD_OBJECT_ARRAY,   /* GPtrArray *: objects of schema `sub`; NULL when absent */
  MADO_FIELD_ATENA_ARRAY,    /* GPtrArray *: 宛名番号 strings */
  MADO_FIELD_PNG_BASE64,     /* char *: base64 of a PNG image of at most `max` bytes */
} MadoFieldType;

typedef enum
{
  MADO_FIELD_OPTIONAL = 0,
  MADO_FIELD_REQUIRED = 1 << 0, /* the member must be present */
  MADO_FIELD_NULLABLE = 1 << 1, /* MADO_FIELD_DATE: null (unknown) is allowed */
  MADO_FIELD_NONEMPTY = 1 << 2, /* arrays: at least one element */
} MadoFieldFlags;

typedef struct _MadoModelSchema MadoModelSchema;

typedef struct
{
  const char *name; /* JSON member */
  MadoFieldType type;
  gsize offset;
  MadoFieldFlags flags;
  const MadoModelSchema *sub; /* MADO_FIELD_OBJECT, MADO_FIELD_OBJECT_ARRAY */
  const char *const *names;   /* MADO_FIELD_ENUM: NULL-terminated, value = index */
  guint min, max;             /* MADO_FIELD_UINT bounds; arrays: max elements (0: no limit);
                                 MADO_FIELD_TEXT: max characters in `max` (0: no limit);
                                 MADO_FIELD_QR_ID: max characters (0: 32);
                                 MADO_FIELD_PNG_BASE64: max bytes decoded */
  const char *standard_name;  /* the standard's item name, for docs/model.md */
} MadoModelField;

/* Rules across fields, run after every field has been read; @path is the object's own path
 * ("" at the top). */
typedef gboolean (*MadoModelCheckFunc) (gconstpointer object, const char *path, GError **error);

struct _MadoModelSchema
{
  const char *name; /* "person" */
  gsize size;       /* sizeof the C struct */
  const MadoModelField *fields;
  gsize n_fields;
  MadoModelCheckFunc check;
};

/* A zeroed object. */
gpointer mado_model_object_new (const MadoModelSchema *schema);
void mado_model_object_free (const MadoModelSchema *schema, gpointer object);
/* Reads @node strictly: unknown members, missing required ones and malformed values are errors
 * naming the path (@path is the prefix, "" at the top). */
gpointer mado_model_object_from_json (const MadoModelSchema *schema, JsonNode *node,
                                      const char *path, GError **error);
/* Writes every present field, in table order. */
JsonNode *mado_model_object_to_json (const MadoModelSchema *schema, gconstpointer object);
/* Validates an object built in C (writes it out and reads it back). */
gboolean mado_model_object_validate (const MadoModelSchema *schema, gconstpointer object,
                                     GError **error);
/* A deep copy (through JSON: the copy is validated). NULL if @object is not valid. */
gpointer mado_model_object_copy (const MadoModelSchema *schema, gconstpointer object);
/* Parses UTF-8 JSON text (an object) and reads it. */
gpointer mado_model_object_from_data (const MadoModelSchema *schema, const char *data,
                                      gssize length, GError **error);
/* Compact JSON text. */
char *mado_model_object_to_data (const MadoModelSchema *schema, gconstpointer object,
                                 gsize *length);

/* Helpers for check functions: an error naming @path + "." + @member (or @member at the top). */
gboolean mado_model_fail (GError **error, MadoModelError code, const char *path, const char *member,
                          const char *format, ...) G_GNUC_PRINTF (5, 6);
char *mado_model_path_join (const char *path, const char *member);

#define MADO_MODEL_FIELD(Struct, member, json, type, flags, std)                                   \
  {                                                                                                \
    json, type, G_STRUCT_OFFSET (Struct, member), flags, NULL, NULL, 0, 0, std                     \
  }
#define MADO_MODEL_TEXT_FIELD(Struct, member, json, flags, max, std)                               \
  {                                                                                                \
    json, MADO_FIELD_TEXT, G_STRUCT_OFFSET (Struct, member), flags, NULL, NULL, 0, max, std        \
  }
#define MADO_MODEL_QR_ID_FIELD(Struct, member, json, flags, max, std)                              \
  {                                                                                                \
    json, MADO_FIELD_QR_ID, G_STRUCT_OFFSET (Struct, member), flags, NULL, NULL, 0, max, std       \
  }
#define MADO_MODEL_PNG_FIELD(Struct, member, json, flags, max_bytes, std)                          \
  {                                                                                                \
    json, MADO_FIELD_PNG_BASE64, G_STRUCT_OFFSET (Struct, member), flags, NULL, NULL, 0,           \
        max_bytes, std                                                                             \
  }
#define MADO_MODEL_UINT_FIELD(Struct, member, json, flags, min, max, std)                          \
  {                                                                                                \
    json, MADO_FIELD_UINT, G_STRUCT_OFFSET (Struct, member), flags, NULL, NULL, min, max, std      \
  }
#define MADO_MODEL_ENUM_FIELD(Struct, member, json, flags, names, std)                             \
  {                                                                                                \
    json, MADO_FIELD_ENUM, G_STRUCT_OFFSET (Struct, member), flags, NULL, names, 0, 0, std         \
  }
#define MADO_MODEL_OBJECT_FIELD(Struct, member, json, flags, sub, std)                             \
  {                                                                                                \
    json, MADO_FIELD_OBJECT, G_STRUCT_OFFSET (Struct, member), flags, sub, NULL, 0, 0, std         \
  }
#define MADO_MODEL_ARRAY_FIELD(Struct, member, json, flags, sub, max, std)                         \
  {                                                                                                \
    json, MADO_FIELD_OBJECT_ARRAY, G_STRUCT_OFFSET (Struct, member), flags, sub, NULL, 0, max, std \
  }

G_END_DECLS
