/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-document.c — document kinds, their schemas, validation. The tables below are the
 * machine form of docs/documents.md.
 */
#include "mado-document.h"

#include <string.h>

#include "mado-print-error.h"

typedef enum
{
  T_OBJECT,
  T_ARRAY,    /* of objects, at least one */
  T_STRING,   /* non-empty UTF-8 text, no control characters */
  T_ASCII_ID, /* [A-Za-z0-9._-]+ */
  T_QR_ID,    /* [A-Z0-9-]{1,32}: what the QR payload carries (発行番号, office code) */
  T_BOOL,
  T_COUNT,    /* integer ≥ 0 */
  T_DATE,     /* "YYYY[-MM[-DD]]", null, or {"date": …, "qualifier": …} */
  T_FULLDATE, /* "YYYY-MM-DD" */
  T_DATETIME, /* "YYYY-MM-DDThh:mm[:ss][zone]" */
  T_DIGITS11, /* 住民票コード */
  T_DIGITS12, /* 個人番号 */
  T_HEX64,    /* SHA-256, lowercase hex */
  T_SEX,      /* "male" | "female" */
  T_LAYOUT,   /* "setai" | "kojin" */
  T_URL,      /* http(s)://, ASCII */
  T_BASE64,
} FieldType;

enum
{
  REQ = 1 << 0,  /* required */
  NAME = 1 << 1, /* a name or an address: the name fonts */
  TEXT = 1 << 2, /* other printed text: the text fonts */
};

typedef struct
{
  const char *path; /* "persons[].name": [] iterates an array */
  FieldType type;
  guint flags;
  const char *required_if; /* a boolean at the root (a path) that makes the field required */
} FieldSpec;

#define END_OF_SPEC                                                                                \
  {                                                                                                \
    NULL, 0, 0, NULL                                                                               \
  }

#define OFFICE_FIELDS                                                                              \
  { "office", T_OBJECT, REQ, NULL }, { "office.code", T_QR_ID, REQ, NULL },                        \
  {                                                                                                \
    "office.name", T_STRING, REQ | TEXT, NULL                                                      \
  }

#define PERSON_FIELDS(P)                                                                           \
  { P, T_ARRAY, REQ, NULL }, { P "[].name", T_STRING, REQ | NAME, NULL },                          \
      { P "[].furigana", T_STRING, NAME, "options.furigana" },                                     \
      { P "[].birth_date", T_DATE, REQ, NULL }, { P "[].sex", T_SEX, REQ, NULL },                  \
      { P "[].foreign", T_BOOL, 0, NULL },                                                         \
      { P "[].relationship", T_STRING, TEXT, "options.setai_nushi_zokugara" },                     \
      { P "[].resident_since", T_DATE, REQ, NULL }, { P "[].address_since", T_DATE, 0, NULL },     \
      { P "[].notified_on", T_DATE, 0, NULL }, { P "[].previous_address", T_STRING, NAME, NULL },  \
      { P "[].honseki", T_STRING, NAME, "options.honseki_hittosha" },                              \
      { P "[].hittosha", T_STRING, NAME, "options.honseki_hittosha" },                             \
      { P "[].juminhyo_code", T_DIGITS11, 0, "options.juminhyo_code" },                            \
      { P "[].kojin_bango", T_DIGITS12, 0, "options.kojin_bango" },                                \
  {                                                                                                \
    P "[].remarks", T_STRING, TEXT, NULL                                                           \
  }

#define CERTIFICATE_FIELDS                                                                         \
  { "test_mode", T_BOOL, 0, NULL }, OFFICE_FIELDS, { "office.mayor", T_STRING, REQ | TEXT, NULL }, \
      { "office.seal_text", T_STRING, TEXT, NULL }, { "date", T_FULLDATE, REQ, NULL },             \
      { "copies", T_ARRAY, REQ, NULL }, { "copies[].issue_number", T_QR_ID, REQ, NULL },           \
  {                                                                                                \
    "card_link_hash", T_HEX64, 0, NULL                                                             \
  }

#define OPTION_FIELDS                                                                              \
  { "options", T_OBJECT, REQ, NULL }, { "options.setai_nushi_zokugara", T_BOOL, REQ, NULL },       \
      { "options.honseki_hittosha", T_BOOL, REQ, NULL },                                           \
      { "options.juminhyo_code", T_BOOL, REQ, NULL },                                              \
      { "options.kojin_bango", T_BOOL, REQ, NULL },                                                \
  {                                                                                                \
    "options.furigana", T_BOOL, REQ, NULL                                                          \
  }

#define HOUSEHOLD_FIELDS                                                                           \
  { "household", T_OBJECT, REQ, NULL }, { "household.address", T_STRING, REQ | NAME, NULL },       \
      { "household.katagaki", T_STRING, NAME, NULL },                                              \
  {                                                                                                \
    "household.head_name", T_STRING, NAME, "options.setai_nushi_zokugara"                          \
  }

static const FieldSpec juminhyo_spec[] = {
  CERTIFICATE_FIELDS, { "layout", T_LAYOUT, REQ, NULL }, OPTION_FIELDS,
  HOUSEHOLD_FIELDS,   PERSON_FIELDS ("persons"),         END_OF_SPEC,
};

static const FieldSpec kisai_jiko_spec[] = {
  CERTIFICATE_FIELDS, { "purpose", T_STRING, TEXT, NULL }, OPTION_FIELDS,
  HOUSEHOLD_FIELDS,   PERSON_FIELDS ("persons"),           END_OF_SPEC,
};

static const FieldSpec inkan_spec[] = {
  CERTIFICATE_FIELDS,
  { "registration_number", T_ASCII_ID, REQ, NULL },
  { "person", T_OBJECT, REQ, NULL },
  { "person.name", T_STRING, REQ | NAME, NULL },
  { "person.furigana", T_STRING, NAME, NULL },
  { "person.birth_date", T_DATE, REQ, NULL },
  { "person.sex", T_SEX, REQ, NULL },
  { "person.foreign", T_BOOL, 0, NULL },
  { "person.address", T_STRING, REQ | NAME, NULL },
  { "person.katagaki", T_STRING, NAME, NULL },
  { "seal_image", T_OBJECT, REQ, NULL },
  { "seal_image.png_path", T_STRING, 0, NULL },
  { "seal_image.png_base64", T_BASE64, 0, NULL },
  END_OF_SPEC,
};

#define NOTICE_FIELDS                                                                              \
  { "test_mode", T_BOOL, 0, NULL }, OFFICE_FIELDS, { "draft_id", T_QR_ID, REQ, NULL },             \
      { "date", T_FULLDATE, REQ, NULL }, { "card", T_OBJECT, REQ, NULL },                          \
      { "card.name", T_STRING, REQ | NAME, NULL }, { "card.address", T_STRING, REQ | NAME, NULL }, \
      { "card.birth_date", T_DATE, REQ, NULL }, { "card.sex", T_SEX, REQ, NULL },                  \
      { "card.kojin_bango", T_DIGITS12, 0, NULL }, { "entered", T_OBJECT, REQ, NULL },             \
      { "entered.move_date", T_DATE, REQ, NULL }, { "entered.phone", T_STRING, TEXT, NULL },       \
      { "entered.new_head_name", T_STRING, NAME, NULL }, { "members", T_ARRAY, REQ, NULL },        \
      { "members[].name", T_STRING, REQ | NAME, NULL },                                            \
      { "members[].furigana", T_STRING, NAME, NULL },                                              \
      { "members[].birth_date", T_DATE, REQ, NULL }, { "members[].sex", T_SEX, REQ, NULL },        \
      { "members[].foreign", T_BOOL, 0, NULL },                                                    \
  {                                                                                                \
    "members[].relationship", T_STRING, REQ | TEXT, NULL                                           \
  }

static const FieldSpec tennyu_spec[] = {
  NOTICE_FIELDS,
  { "entered.previous_address", T_STRING, REQ | NAME, NULL },
  { "entered.new_address", T_STRING, REQ | NAME, NULL },
  { "entered.new_katagaki", T_STRING, NAME, NULL },
  END_OF_SPEC,
};

static const FieldSpec tenshutsu_spec[] = {
  NOTICE_FIELDS,
  { "entered.new_address", T_STRING, REQ | NAME, NULL },
  { "entered.new_katagaki", T_STRING, NAME, NULL },
  END_OF_SPEC,
};

static const FieldSpec tenkyo_spec[] = {
  NOTICE_FIELDS,
  { "entered.new_address", T_STRING, REQ | NAME, NULL },
  { "entered.new_katagaki", T_STRING, NAME, NULL },
  END_OF_SPEC,
};

static const FieldSpec setai_henko_spec[] = {
  NOTICE_FIELDS,
  { "entered.reason", T_STRING, REQ | TEXT, NULL },
  END_OF_SPEC,
};

static const FieldSpec ticket_spec[] = {
  { "test_mode", T_BOOL, 0, NULL },
  { "office", T_OBJECT, 0, NULL },
  { "office.name", T_STRING, REQ | TEXT, NULL },
  { "ticket_number", T_STRING, REQ | TEXT, NULL },
  { "service", T_STRING, REQ | TEXT, NULL },
  { "issued_at", T_DATETIME, REQ, NULL },
  { "people_ahead", T_COUNT, REQ, NULL },
  { "status_url", T_URL, REQ, NULL },
  END_OF_SPEC,
};

static const struct
{
  const char *name;
  const char *title;
  const FieldSpec *spec;
} kinds[] = {
  [MADO_DOCUMENT_JUMINHYO] = { "juminhyo", "住民票の写し", juminhyo_spec },
  [MADO_DOCUMENT_KISAI_JIKO] = { "kisai_jiko", "住民票記載事項証明書", kisai_jiko_spec },
  [MADO_DOCUMENT_INKAN] = { "inkan", "印鑑登録証明書", inkan_spec },
  [MADO_DOCUMENT_TENNYU] = { "tennyu", "転入届", tennyu_spec },
  [MADO_DOCUMENT_TENSHUTSU] = { "tenshutsu", "転出届", tenshutsu_spec },
  [MADO_DOCUMENT_TENKYO] = { "tenkyo", "転居届", tenkyo_spec },
  [MADO_DOCUMENT_SETAI_HENKO] = { "setai_henko", "世帯変更届", setai_henko_spec },
  [MADO_DOCUMENT_TICKET] = { "ticket", "整理券", ticket_spec },
};

struct _MadoDocument
{
  gatomicrefcount ref;
  MadoDocumentKind kind;
  JsonNode *node;
};

gboolean
mado_document_kind_from_string (const char *name, MadoDocumentKind *out, GError **error)
{
  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (name, kinds[i].name))
      {
        *out = (MadoDocumentKind)i;
        return TRUE;
      }
  g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNKNOWN_KIND,
               "unknown document kind “%s” (juminhyo, kisai_jiko, inkan, tennyu, tenshutsu, "
               "tenkyo, setai_henko, ticket)",
               name != NULL ? name : "");
  return FALSE;
}

const char *
mado_document_kind_to_string (MadoDocumentKind kind)
{
  g_return_val_if_fail ((gsize)kind < G_N_ELEMENTS (kinds), NULL);
  return kinds[kind].name;
}

const char *
mado_document_kind_get_title (MadoDocumentKind kind)
{
  g_return_val_if_fail ((gsize)kind < G_N_ELEMENTS (kinds), NULL);
  return kinds[kind].title;
}

gboolean
mado_document_kind_is_certificate (MadoDocumentKind kind)
{
  return kind == MADO_DOCUMENT_JUMINHYO || kind == MADO_DOCUMENT_KISAI_JIKO
         || kind == MADO_DOCUMENT_INKAN;
}

gboolean
mado_document_kind_is_notice (MadoDocumentKind kind)
{
  return kind == MADO_DOCUMENT_TENNYU || kind == MADO_DOCUMENT_TENSHUTSU
         || kind == MADO_DOCUMENT_TENKYO || kind == MADO_DOCUMENT_SETAI_HENKO;
}

/* ---- type checks ---- */

static gboolean
is_ascii_id (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isalnum (*s) && *s != '-' && *s != '_' && *s != '.')
      return FALSE;
  return TRUE;
}

static gboolean
is_digits (const char *s, gsize n)
{
  if (strlen (s) != n)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_text (const char *s)
{
  if (*s == '\0' || !g_utf8_validate (s, -1, NULL))
    return FALSE;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c < 0x20 || (c >= 0x7f && c < 0xa0))
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_url (const char *s)
{
  if (!g_str_has_prefix (s, "https://") && !g_str_has_prefix (s, "http://"))
    return FALSE;
  for (; *s != '\0'; s++)
    if ((guchar)*s <= 0x20 || (guchar)*s >= 0x7f)
      return FALSE;
  return TRUE;
}

static gboolean
is_datetime (const char *s)
{
  /* YYYY-MM-DDThh:mm, then anything ISO allows (seconds, zone) */
  MadoPartialDate d;
  g_autofree char *date = g_strndup (s, 10);
  return strlen (s) >= 16 && mado_partial_date_parse (date, &d, NULL) && d.day != 0 && s[10] == 'T'
         && g_ascii_isdigit (s[11]) && g_ascii_isdigit (s[12]) && s[13] == ':'
         && g_ascii_isdigit (s[14]) && g_ascii_isdigit (s[15]) && g_utf8_validate (s, -1, NULL);
}

static gboolean
check_date_string (JsonNode *node, gboolean full)
{
  MadoPartialDate d;
  if (JSON_NODE_HOLDS_NULL (node))
    return !full;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  if (!mado_partial_date_parse (json_node_get_string (node), &d, NULL))
    return FALSE;
  return !full || d.day != 0;
}

static const char *
type_description (FieldType type)
{
  switch (type)
    {
    case T_OBJECT:
      return "an object";
    case T_ARRAY:
      return "a non-empty array of objects";
    case T_STRING:
      return "non-empty text without control characters";
    case T_ASCII_ID:
      return "ASCII letters, digits, “.”, “_” or “-”";
    case T_QR_ID:
      return "1–32 of A–Z, 0–9 and “-”";
    case T_BOOL:
      return "true or false";
    case T_COUNT:
      return "an integer ≥ 0";
    case T_DATE:
      return "an ISO date (YYYY, YYYY-MM, YYYY-MM-DD), null, or {\"date\", \"qualifier\"}";
    case T_FULLDATE:
      return "a date YYYY-MM-DD";
    case T_DATETIME:
      return "an ISO date and time YYYY-MM-DDThh:mm…";
    case T_DIGITS11:
      return "11 digits";
    case T_DIGITS12:
      return "12 digits";
    case T_HEX64:
      return "64 lowercase hex digits";
    case T_SEX:
      return "\"male\" or \"female\"";
    case T_LAYOUT:
      return "\"setai\" or \"kojin\"";
    case T_URL:
      return "an ASCII http(s) URL";
    case T_BASE64:
      return "base64";
    default:
      return "?";
    }
}

static gboolean
check_type (JsonNode *node, FieldType type)
{
  const char *s = NULL;

  switch (type)
    {
    case T_OBJECT:
      return JSON_NODE_HOLDS_OBJECT (node);
    case T_ARRAY:
      if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
        return FALSE;
      for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
        if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (json_node_get_array (node), i)))
          return FALSE;
      return TRUE;
    case T_BOOL:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
    case T_COUNT:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
             && json_node_get_int (node) >= 0;
    case T_DATE:
      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *o = json_node_get_object (node);
          JsonNode *date = json_object_get_member (o, "date");
          JsonNode *q = json_object_get_member (o, "qualifier");
          if (date == NULL || !check_date_string (date, FALSE))
            return FALSE;
          if (q != NULL
              && (!JSON_NODE_HOLDS_VALUE (q) || json_node_get_value_type (q) != G_TYPE_STRING
                  || !is_text (json_node_get_string (q))))
            return FALSE;
          return json_object_get_size (o) == (q != NULL ? 2u : 1u);
        }
      return check_date_string (node, FALSE);
    case T_FULLDATE:
      return check_date_string (node, TRUE);
    default:
      break;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  s = json_node_get_string (node);
  switch (type)
    {
    case T_STRING:
      return is_text (s);
    case T_ASCII_ID:
      return is_ascii_id (s);
    case T_QR_ID:
      if (*s == '\0' || strlen (s) > 32)
        return FALSE;
      for (; *s != '\0'; s++)
        if (!g_ascii_isdigit (*s) && !g_ascii_isupper (*s) && *s != '-')
          return FALSE;
      return TRUE;
    case T_DATETIME:
      return is_datetime (s);
    case T_DIGITS11:
      return is_digits (s, 11);
    case T_DIGITS12:
      return is_digits (s, 12);
    case T_HEX64:
      if (strlen (s) != 64)
        return FALSE;
      for (; *s != '\0'; s++)
        if (!g_ascii_isxdigit (*s) || g_ascii_isupper (*s))
          return FALSE;
      return TRUE;
    case T_SEX:
      return g_str_equal (s, "male") || g_str_equal (s, "female");
    case T_LAYOUT:
      return g_str_equal (s, "setai") || g_str_equal (s, "kojin");
    case T_URL:
      return is_url (s);
    case T_BASE64:
      {
        gsize n = 0;
        for (const char *p = s; *p != '\0'; p++)
          if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=' && *p != '\n')
            return FALSE;
        g_free (g_base64_decode (s, &n));
        return n > 0;
      }
    default:
      return FALSE;
    }
}

/* ---- walking paths ---- */

static JsonNode *
lookup_path (JsonObject *root, const char *path)
{
  g_auto (GStrv) segs = g_strsplit (path, ".", -1);
  JsonObject *o = root;
  JsonNode *n = NULL;
  for (guint i = 0; segs[i] != NULL; i++)
    {
      if (o == NULL || !json_object_has_member (o, segs[i]))
        return NULL;
      n = json_object_get_member (o, segs[i]);
      o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
    }
  return n;
}

typedef gboolean (*LeafFunc) (JsonObject *parent, const char *member, const char *concrete,
                              gpointer data, GError **error);

/* Calls @func for every parent object that holds (or would hold) the last segment of @segs. */
static gboolean
walk (JsonObject *obj, char **segs, GString *concrete, LeafFunc func, gpointer data, GError **error)
{
  const char *seg = segs[0];
  gsize mark = concrete->len;
  gboolean ok = TRUE;

  if (concrete->len > 0)
    g_string_append_c (concrete, '.');
  if (segs[1] == NULL)
    {
      g_string_append (concrete, seg);
      ok = func (obj, seg, concrete->str, data, error);
      g_string_truncate (concrete, mark);
      return ok;
    }

  if (g_str_has_suffix (seg, "[]"))
    {
      g_autofree char *name = g_strndup (seg, strlen (seg) - 2);
      JsonNode *n = json_object_get_member (obj, name);
      if (n != NULL && JSON_NODE_HOLDS_ARRAY (n))
        {
          JsonArray *a = json_node_get_array (n);
          for (guint i = 0; ok && i < json_array_get_length (a); i++)
            {
              JsonNode *e = json_array_get_element (a, i);
              gsize inner = concrete->len;
              g_string_append_printf (concrete, "%s[%u]", name, i);
              if (JSON_NODE_HOLDS_OBJECT (e))
                {
                  ok = walk (json_node_get_object (e), segs + 1, concrete, func, data, error);
                }
              g_string_truncate (concrete, inner);
            }
        }
    }
  else
    {
      JsonNode *n = json_object_get_member (obj, seg);
      g_string_append (concrete, seg);
      if (n != NULL && JSON_NODE_HOLDS_OBJECT (n))
        ok = walk (json_node_get_object (n), segs + 1, concrete, func, data, error);
    }
  g_string_truncate (concrete, mark);
  return ok;
}

typedef struct
{
  const FieldSpec *spec;
  JsonObject *root;
} CheckData;

static gboolean
check_leaf (JsonObject *parent, const char *member, const char *concrete, gpointer data,
            GError **error)
{
  CheckData *cd = data;
  const FieldSpec *spec = cd->spec;
  g_autofree char *name = g_str_has_suffix (member, "[]") ? g_strndup (member, strlen (member) - 2)
                                                          : g_strdup (member);
  g_autofree char *path = g_str_has_suffix (concrete, "[]")
                              ? g_strndup (concrete, strlen (concrete) - 2)
                              : g_strdup (concrete);
  JsonNode *n = json_object_get_member (parent, name);
  gboolean required = (spec->flags & REQ) != 0;

  if (spec->required_if != NULL)
    {
      JsonNode *cond = lookup_path (cd->root, spec->required_if);
      required = cond != NULL && JSON_NODE_HOLDS_VALUE (cond)
                 && json_node_get_value_type (cond) == G_TYPE_BOOLEAN
                 && json_node_get_boolean (cond);
    }
  if (n == NULL)
    {
      if (required)
        {
          if (spec->required_if != NULL)
            g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_MISSING_FIELD,
                         "missing field “%s” (required when %s is true)", path, spec->required_if);
          else
            g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_MISSING_FIELD,
                         "missing field “%s”", path);
          return FALSE;
        }
      return TRUE;
    }
  if (!check_type (n, spec->type))
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_INVALID_FIELD, "field “%s” must be %s",
                   path, type_description (spec->type));
      return FALSE;
    }
  return TRUE;
}

static const FieldSpec *
find_spec (const FieldSpec *spec, const char *pattern)
{
  for (; spec->path != NULL; spec++)
    if (g_str_equal (spec->path, pattern))
      return spec;
  return NULL;
}

/* No field the schema does not name: a ticket carries no personal data, and a typo in an option
 * is an error rather than an item silently printed or left out. */
static gboolean
check_unknown (const FieldSpec *spec, JsonObject *obj, const char *pattern, GString *concrete,
               GError **error)
{
  g_autoptr (GList) members = json_object_get_members (obj);
  for (GList *m = members; m != NULL; m = m->next)
    {
      const char *name = m->data;
      g_autofree char *p
          = *pattern != '\0' ? g_strconcat (pattern, ".", name, NULL) : g_strdup (name);
      g_autofree char *pa = g_strconcat (p, "[]", NULL);
      const FieldSpec *s = find_spec (spec, p);
      const FieldSpec *sa = find_spec (spec, pa);
      JsonNode *n = json_object_get_member (obj, name);
      gsize mark = concrete->len;

      if (concrete->len > 0)
        g_string_append_c (concrete, '.');
      g_string_append (concrete, name);
      if (s == NULL && sa == NULL)
        {
          g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_INVALID_FIELD,
                       "unknown field “%s”", concrete->str);
          return FALSE;
        }
      if (s != NULL && s->type == T_OBJECT && JSON_NODE_HOLDS_OBJECT (n))
        {
          if (!check_unknown (spec, json_node_get_object (n), p, concrete, error))
            return FALSE;
        }
      else if (sa == NULL && s != NULL && s->type == T_ARRAY && JSON_NODE_HOLDS_ARRAY (n))
        {
          JsonArray *a = json_node_get_array (n);
          g_autofree char *ap = g_strconcat (p, "[]", NULL);
          for (guint i = 0; i < json_array_get_length (a); i++)
            {
              JsonNode *e = json_array_get_element (a, i);
              gsize inner = concrete->len;
              g_string_append_printf (concrete, "[%u]", i);
              if (JSON_NODE_HOLDS_OBJECT (e)
                  && !check_unknown (spec, json_node_get_object (e), ap, concrete, error))
                return FALSE;
              g_string_truncate (concrete, inner);
            }
        }
      g_string_truncate (concrete, mark);
    }
  return TRUE;
}

static gboolean
validate (MadoDocumentKind kind, JsonObject *root, GError **error)
{
  const FieldSpec *spec = kinds[kind].spec;
  g_autoptr (GString) concrete = g_string_new (NULL);

  for (const FieldSpec *s = spec; s->path != NULL; s++)
    {
      g_auto (GStrv) segs = g_strsplit (s->path, ".", -1);
      CheckData cd = { s, root };
      g_string_truncate (concrete, 0);
      if (!walk (root, segs, concrete, check_leaf, &cd, error))
        return FALSE;
    }
  g_string_truncate (concrete, 0);
  if (!check_unknown (spec, root, "", concrete, error))
    return FALSE;

  if (kind == MADO_DOCUMENT_INKAN)
    {
      JsonObject *img = mado_json_get_object (root, "seal_image");
      gboolean has_path = json_object_has_member (img, "png_path");
      gboolean has_b64 = json_object_has_member (img, "png_base64");
      if (has_path == has_b64)
        {
          g_set_error (error, MADO_PRINT_ERROR,
                       has_path ? MADO_PRINT_ERROR_INVALID_FIELD : MADO_PRINT_ERROR_MISSING_FIELD,
                       "field “seal_image” needs exactly one of “png_path” and “png_base64”");
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- the object ---- */

MadoDocument *
mado_document_new (MadoDocumentKind kind, JsonNode *node, GError **error)
{
  g_return_val_if_fail ((gsize)kind < G_N_ELEMENTS (kinds), NULL);
  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_INVALID_FIELD,
                   "a %s document must be a JSON object", kinds[kind].name);
      return NULL;
    }
  if (!validate (kind, json_node_get_object (node), error))
    return NULL;

  MadoDocument *doc = g_new0 (MadoDocument, 1);
  g_atomic_ref_count_init (&doc->ref);
  doc->kind = kind;
  doc->node = json_node_copy (node);
  return doc;
}

MadoDocument *
mado_document_new_from_file (const char *kind, const char *path, GError **error)
{
  MadoDocumentKind k;
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local = NULL;

  if (!mado_document_kind_from_string (kind, &k, error))
    return NULL;
  if (!json_parser_load_from_file (parser, path, &local))
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_INVALID_FIELD, "%s: %s", path,
                   local->message);
      return NULL;
    }
  return mado_document_new (k, json_parser_get_root (parser), error);
}

MadoDocument *
mado_document_ref (MadoDocument *doc)
{
  g_atomic_ref_count_inc (&doc->ref);
  return doc;
}

void
mado_document_unref (MadoDocument *doc)
{
  if (doc != NULL && g_atomic_ref_count_dec (&doc->ref))
    {
      json_node_unref (doc->node);
      g_free (doc);
    }
}

MadoDocumentKind
mado_document_get_kind (MadoDocument *doc)
{
  return doc->kind;
}

JsonNode *
mado_document_get_node (MadoDocument *doc)
{
  return doc->node;
}

JsonObject *
mado_document_get_root (MadoDocument *doc)
{
  return json_node_get_object (doc->node);
}

gboolean
mado_document_get_test_mode (MadoDocument *doc)
{
  return mado_json_get_bool (mado_document_get_root (doc), "test_mode");
}

typedef struct
{
  const FieldSpec *spec;
  MadoDocumentTextFunc func;
  gpointer user_data;
} TextData;

static gboolean
text_leaf (JsonObject *parent, const char *member, const char *concrete, gpointer data,
           GError **error)
{
  TextData *td = data;
  const char *s = mado_json_get_string (parent, member);
  if (s == NULL)
    return TRUE;
  return td->func (concrete, s, (td->spec->flags & NAME) ? MADO_TEXT_NAME : MADO_TEXT_PLAIN,
                   td->user_data, error);
}

gboolean
mado_document_foreach_text (MadoDocument *doc, MadoDocumentTextFunc func, gpointer user_data,
                            GError **error)
{
  g_autoptr (GString) concrete = g_string_new (NULL);
  for (const FieldSpec *s = kinds[doc->kind].spec; s->path != NULL; s++)
    {
      if ((s->flags & (NAME | TEXT)) == 0)
        continue;
      g_auto (GStrv) segs = g_strsplit (s->path, ".", -1);
      TextData td = { s, func, user_data };
      g_string_truncate (concrete, 0);
      if (!walk (mado_document_get_root (doc), segs, concrete, text_leaf, &td, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- helpers ---- */

const char *
mado_json_get_string (JsonObject *obj, const char *member)
{
  JsonNode *n = obj != NULL ? json_object_get_member (obj, member) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

gboolean
mado_json_get_bool (JsonObject *obj, const char *member)
{
  JsonNode *n = obj != NULL ? json_object_get_member (obj, member) : NULL;
  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_BOOLEAN
         && json_node_get_boolean (n);
}

JsonObject *
mado_json_get_object (JsonObject *obj, const char *member)
{
  JsonNode *n = obj != NULL ? json_object_get_member (obj, member) : NULL;
  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

JsonArray *
mado_json_get_array (JsonObject *obj, const char *member)
{
  JsonNode *n = obj != NULL ? json_object_get_member (obj, member) : NULL;
  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

char *
mado_json_format_date (JsonObject *obj, const char *member, MadoDateStyle style)
{
  JsonNode *n = obj != NULL ? json_object_get_member (obj, member) : NULL;
  const char *iso = NULL;
  const char *qualifier = NULL;
  MadoPartialDate d;

  if (n == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (n))
    {
      iso = mado_json_get_string (json_node_get_object (n), "date");
      qualifier = mado_json_get_string (json_node_get_object (n), "qualifier");
    }
  else if (JSON_NODE_HOLDS_VALUE (n))
    iso = json_node_get_string (n);
  if (!mado_partial_date_parse (iso, &d, NULL))
    return NULL;
  return mado_partial_date_format (&d, style, qualifier);
}
