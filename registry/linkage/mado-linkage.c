/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-linkage.c — the linkage CSVs as column tables over the model's JSON form: an export
 * writes each object's JSON members in the table's order, converting codes and dates; the import
 * builds a person's JSON from a row and lets the model's strict reader judge it, so the CSV
 * accepts exactly what the model does. docs/linkage.md.
 */
#include "mado-linkage.h"

#include <string.h>

#include "mado-csv.h"
#include "mado-model-text.h"

#define FLUSH_AT 65536

typedef enum
{
  CELL_TEXT,      /* a string member, as is */
  CELL_ENUM,      /* a model name ↔ the standard's code or term */
  CELL_BOOL,      /* 1 / 0 (empty: left out, read as false) */
  CELL_DATE,      /* YYYYMMDD, 00 for an unknown part, 00000000 unknown */
  CELL_QUALIFIER, /* the 不詳 qualifier of the date in the column before */
  CELL_UINT,      /* a decimal integer */
  CELL_LIST,      /* an array of strings, separated by a space */
  CELL_INDEX,     /* the 1-based position of the row's member in `members` */
} CellKind;

typedef struct
{
  const char *header; /* the standard's item name */
  const char *field;  /* the JSON path; "members." paths are the row's member */
  CellKind kind;
  const char *const *model_values; /* CELL_ENUM: NULL-terminated */
  const char *const *csv_values;   /* CELL_ENUM: the same order */
} Column;

/* ---- codes and terms (docs/linkage.md "Codes") ------------------------------------------- */

static const char *const kind_model[] = { "japanese", "foreign", NULL };
static const char *const kind_csv[] = { "1", "2", NULL }; /* 住民種別 */
static const char *const status_model[] = { "resident", "moved_out", "deceased", "removed", NULL };
static const char *const status_csv[] = { "1", "2", "3", "9", NULL }; /* 住民状態 */
static const char *const sex_model[] = { "male", "female", NULL };
static const char *const sex_csv[] = { "1", "2", NULL }; /* 性別 */
static const char *const category_model[]
    = { "mid_long_term",    "special_permanent", "temporary_refuge",
        "provisional_stay", "transitional",      NULL };
static const char *const category_csv[] = {
  "中長期在留者", "特別永住者", "一時庇護許可者", "仮滞在許可者", "出生・国籍喪失による経過滞在者",
  NULL,
};
static const char *const move_kind_model[]
    = { "move_in", "move_out", "move_within", "household_change", NULL };
static const char *const move_kind_csv[] = { "転入", "転出", "転居", "世帯変更", NULL };
static const char *const move_status_model[]
    = { "draft", "submitted", "provisional", "registered", "rejected", NULL };
static const char *const move_status_csv[]
    = { "下書き", "提出済み", "仮登録", "本登録", "却下", NULL };
static const char *const change_model[] = { "separation", "merger", "change", "head_change", NULL };
static const char *const change_csv[] = { "世帯分離", "世帯合併", "世帯変更", "世帯主変更", NULL };
static const char *const certificate_model[] = { "juminhyo", "kisai_jiko", "inkan", NULL };
static const char *const certificate_csv[]
    = { "住民票の写し", "住民票記載事項証明書", "印鑑登録証明書", NULL };
static const char *const issuance_status_model[] = { "reserved", "printed", "voided", NULL };
static const char *const issuance_status_csv[] = { "予約", "交付済み", "無効", NULL };
static const char *const channel_model[] = { "kiosk", "counter", NULL };
static const char *const channel_csv[] = { "キオスク端末", "窓口", NULL };
static const char *const void_model[]
    = { "paper_jam",     "paper_out", "printer_error", "payment_cancelled", "cancelled",
        "card_mismatch", NULL };
static const char *const void_csv[] = {
  "紙詰まり", "用紙切れ", "プリンタの異常", "支払いの取消し", "取消し", "カードの不一致", NULL
};

#define TEXT(h, f)                                                                                 \
  {                                                                                                \
    h, f, CELL_TEXT, NULL, NULL                                                                    \
  }
#define ENUM(h, f, v)                                                                              \
  {                                                                                                \
    h, f, CELL_ENUM, v##_model, v##_csv                                                            \
  }
#define BOOL(h, f)                                                                                 \
  {                                                                                                \
    h, f, CELL_BOOL, NULL, NULL                                                                    \
  }
#define DATE(h, f)                                                                                 \
  {                                                                                                \
    h, f, CELL_DATE, NULL, NULL                                                                    \
  }
#define QUALIFIER(h, f)                                                                            \
  {                                                                                                \
    h, f ".qualifier", CELL_QUALIFIER, NULL, NULL                                                  \
  }
#define UINT(h, f)                                                                                 \
  {                                                                                                \
    h, f, CELL_UINT, NULL, NULL                                                                    \
  }
#define ADDRESS(prefix, f)                                                                         \
  TEXT (prefix "_住所コード", f ".code"), TEXT (prefix "_郵便番号", f ".postal_code"),             \
      TEXT (prefix "_都道府県・市区町村", f ".municipality"), TEXT (prefix "_町字", f ".town"),    \
      TEXT (prefix "_番地・号", f ".banchi"), TEXT (prefix "_方書", f ".katagaki")

/* 住民データ: the order of the 標準準拠 resident tables (reference §2): numbers, kind and
 * state, the codes, the name, sex and birth, 続柄, the address, the dates, 転入前住所, 本籍,
 * the foreign residents' items. */
static const Column resident_columns[] = {
  TEXT ("宛名番号", "atena_number"),
  TEXT ("世帯番号", "household_number"),
  ENUM ("住民種別", "kind", kind),
  ENUM ("住民状態", "status", status),
  TEXT ("住民票コード", "juminhyo_code"),
  TEXT ("個人番号", "kojin_bango"),
  TEXT ("氏名", "name"),
  TEXT ("氏名の振り仮名", "furigana"),
  BOOL ("フリガナ確認フラグ", "furigana_confirmed"),
  TEXT ("旧氏", "former_surname"),
  ENUM ("性別", "sex", sex),
  DATE ("生年月日", "birth_date"),
  QUALIFIER ("生年月日_不詳の表記", "birth_date"),
  TEXT ("続柄", "relationship"),
  ADDRESS ("住所", "address"),
  DATE ("住民となった年月日", "resident_since"),
  QUALIFIER ("住民となった年月日_不詳の表記", "resident_since"),
  DATE ("住所を定めた年月日", "address_since"),
  QUALIFIER ("住所を定めた年月日_不詳の表記", "address_since"),
  DATE ("届出の年月日", "notified_on"),
  ADDRESS ("転入前住所", "previous_address"),
  TEXT ("本籍", "honseki.place"),
  TEXT ("筆頭者", "honseki.hittosha"),
  TEXT ("氏名（アルファベット）", "foreign.alphabet_name"),
  TEXT ("通称", "foreign.tsusho"),
  TEXT ("通称のフリガナ", "foreign.tsusho_furigana"),
  TEXT ("国籍・地域", "foreign.nationality"),
  ENUM ("第30条45規定区分", "foreign.category", category),
  TEXT ("在留資格", "foreign.status_of_residence"),
  TEXT ("在留期間", "foreign.period_of_stay"),
  DATE ("在留期間の満了の日", "foreign.period_expires"),
  TEXT ("在留カード等番号", "foreign.card_number"),
  DATE ("外国人住民となった年月日", "foreign.foreign_resident_since"),
  QUALIFIER ("外国人住民となった年月日_不詳の表記", "foreign.foreign_resident_since"),
  TEXT ("利用者証明用電子証明書の紐付け", "card_link_hash"),
  TEXT ("備考", "remarks"),
};

/* 住民異動届: the notice's items on every row, then the 異動者's, then what the card gave and the
 * draft's processing. */
static const Column move_columns[] = {
  TEXT ("下書き番号", "draft_id"),
  ENUM ("届出の種別", "kind", move_kind),
  ENUM ("状態", "status", move_status),
  TEXT ("届出先（地方公共団体コード）", "office_code"),
  DATE ("届出日", "notified_on"),
  DATE ("異動日", "move_date"),
  ENUM ("世帯変更の内容", "household_change", change),
  ADDRESS ("前住所", "previous_address"),
  ADDRESS ("新住所", "new_address"),
  TEXT ("新しい世帯主", "new_head_name"),
  TEXT ("日中の連絡先", "phone"),
  { "異動者の番号", "members[]", CELL_INDEX, NULL, NULL },
  TEXT ("異動者_宛名番号", "members.atena_number"),
  TEXT ("異動者_氏名", "members.name"),
  TEXT ("異動者_振り仮名", "members.furigana"),
  ENUM ("異動者_性別", "members.sex", sex),
  DATE ("異動者_生年月日", "members.birth_date"),
  QUALIFIER ("異動者_生年月日_不詳の表記", "members.birth_date"),
  TEXT ("異動者_続柄", "members.relationship"),
  BOOL ("異動者_外国人住民", "members.foreign"),
  TEXT ("券面事項_氏名", "card.name"),
  TEXT ("券面事項_住所", "card.address"),
  ENUM ("券面事項_性別", "card.sex", sex),
  DATE ("券面事項_生年月日", "card.birth_date"),
  QUALIFIER ("券面事項_生年月日_不詳の表記", "card.birth_date"),
  TEXT ("券面事項_個人番号", "card.kojin_bango"),
  TEXT ("作成日時", "created_at"),
  TEXT ("入力端末", "terminal"),
  TEXT ("仮登録者", "provisional_by"),
  TEXT ("本登録者（決裁者）", "registered_by"),
  TEXT ("却下の理由", "rejection_reason"),
};

/* 証明書交付申請: one row per copy. */
static const Column issuance_columns[] = {
  TEXT ("発行番号", "issue_number"),
  ENUM ("証明書の種別", "kind", certificate),
  ENUM ("状態", "status", issuance_status),
  ENUM ("交付場所", "channel", channel),
  TEXT ("端末", "terminal"),
  TEXT ("請求者の宛名番号", "requester"),
  { "対象者の宛名番号", "subjects", CELL_LIST, NULL, NULL },
  BOOL ("記載事項_世帯主・続柄", "options.setai_nushi_zokugara"),
  BOOL ("記載事項_本籍・筆頭者", "options.honseki_hittosha"),
  BOOL ("記載事項_住民票コード", "options.juminhyo_code"),
  BOOL ("記載事項_個人番号", "options.kojin_bango"),
  BOOL ("記載事項_振り仮名", "options.furigana"),
  UINT ("通番", "copy"),
  UINT ("枚数", "copies"),
  UINT ("手数料（円）", "fee"),
  TEXT ("予約日時", "reserved_at"),
  TEXT ("交付日時", "printed_at"),
  TEXT ("無効日時", "voided_at"),
  ENUM ("無効の理由", "void_reason", void),
};

static const Column *
format_columns (MadoLinkageFormat format, guint *n)
{
  switch (format)
    {
    case MADO_LINKAGE_RESIDENTS:
      *n = G_N_ELEMENTS (resident_columns);
      return resident_columns;
    case MADO_LINKAGE_MOVE_NOTICES:
      *n = G_N_ELEMENTS (move_columns);
      return move_columns;
    case MADO_LINKAGE_ISSUANCES:
      *n = G_N_ELEMENTS (issuance_columns);
      return issuance_columns;
    }
  *n = 0;
  return NULL;
}

gboolean
mado_linkage_get_column (MadoLinkageFormat format, guint index, const char **header,
                         const char **field)
{
  guint n;
  const Column *columns = format_columns (format, &n);
  if (columns == NULL || index >= n)
    return FALSE;
  if (header != NULL)
    *header = columns[index].header;
  if (field != NULL)
    *field = columns[index].field;
  return TRUE;
}

/* ---- JSON paths --------------------------------------------------------------------------- */

/* The member at @path ("address.town"; a "members." path in @member), or NULL. A qualifier
 * column's path names the date. */
static JsonNode *
lookup (JsonObject *root, JsonObject *member, const Column *column)
{
  g_autofree char *path = g_strdup (column->field);
  JsonObject *object = root;
  char *segment = path;
  char *dot;

  if (column->kind == CELL_QUALIFIER)
    *strrchr (path, '.') = '\0';
  if (g_str_has_prefix (path, "members."))
    {
      object = member;
      segment = path + strlen ("members.");
    }
  while (object != NULL && (dot = strchr (segment, '.')) != NULL)
    {
      JsonNode *child;
      *dot = '\0';
      child = json_object_get_member (object, segment);
      object
          = child != NULL && JSON_NODE_HOLDS_OBJECT (child) ? json_node_get_object (child) : NULL;
      segment = dot + 1;
    }
  return object != NULL ? json_object_get_member (object, segment) : NULL;
}

static const char *
map_value (const char *const *from, const char *const *to, const char *value)
{
  for (guint i = 0; from[i] != NULL; i++)
    if (g_str_equal (from[i], value))
      return to[i];
  return NULL;
}

/* ISO at the precision known → YYYYMMDD with 00 for what is unknown. */
static void
append_date (GString *out, JsonNode *date)
{
  const char *iso;
  guint digits = 0;

  if (date != NULL && JSON_NODE_HOLDS_OBJECT (date))
    date = json_object_get_member (json_node_get_object (date), "date");
  if (date == NULL || JSON_NODE_HOLDS_NULL (date))
    {
      g_string_append (out, "00000000");
      return;
    }
  iso = json_node_get_string (date);
  for (const char *p = iso; p != NULL && *p != '\0' && digits < 8; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (out, *p), digits++;
  for (; digits < 8; digits++)
    g_string_append_c (out, '0');
}

/* ---- export ------------------------------------------------------------------------------- */

static gboolean
flush (GOutputStream *output, GString *buffer, GCancellable *cancellable, GError **error)
{
  gboolean ok
      = g_output_stream_write_all (output, buffer->str, buffer->len, NULL, cancellable, error);
  g_string_truncate (buffer, 0);
  return ok;
}

static void
append_header (GString *out, const Column *columns, guint n, MadoLinkageFlags flags)
{
  if (flags & MADO_LINKAGE_FLAG_BOM)
    g_string_append (out, "\xEF\xBB\xBF");
  for (guint i = 0; i < n; i++)
    mado_csv_append_field (out, columns[i].header, i == 0);
  mado_csv_end_record (out);
}

static void
append_row (GString *out, const Column *columns, guint n, JsonObject *root, JsonObject *member,
            guint member_index)
{
  g_autoptr (GString) cell = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      const Column *c = &columns[i];
      JsonNode *node = c->kind == CELL_INDEX ? NULL : lookup (root, member, c);

      g_string_truncate (cell, 0);
      switch (c->kind)
        {
        case CELL_INDEX:
          g_string_append_printf (cell, "%u", member_index + 1);
          break;
        case CELL_TEXT:
          if (node != NULL)
            g_string_append (cell, json_node_get_string (node));
          break;
        case CELL_ENUM:
          if (node != NULL)
            {
              const char *value
                  = map_value (c->model_values, c->csv_values, json_node_get_string (node));
              g_string_append (cell, value != NULL ? value : ""); /* validated: never NULL */
            }
          break;
        case CELL_BOOL:
          if (node != NULL)
            g_string_append (cell, json_node_get_boolean (node) ? "1" : "0");
          break;
        case CELL_DATE:
          if (node != NULL)
            append_date (cell, node);
          break;
        case CELL_QUALIFIER:
          if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
            g_string_append (
                cell, json_object_get_string_member (json_node_get_object (node), "qualifier"));
          break;
        case CELL_UINT:
          if (node != NULL)
            g_string_append_printf (cell, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case CELL_LIST:
          if (node != NULL)
            {
              JsonArray *array = json_node_get_array (node);
              for (guint k = 0; k < json_array_get_length (array); k++)
                {
                  if (k > 0)
                    g_string_append_c (cell, ' ');
                  g_string_append (cell, json_array_get_string_element (array, k));
                }
            }
          break;
        }
      mado_csv_append_field (out, cell->str, i == 0);
    }
  mado_csv_end_record (out);
}

typedef gboolean (*ValidateFunc) (gconstpointer object, GError **error);
typedef JsonNode *(*ToJsonFunc) (gconstpointer object);

struct _MadoLinkageWriter
{
  MadoLinkageFormat format;
  const Column *columns;
  guint n_columns;
  const char *what;
  ValidateFunc validate;
  ToJsonFunc to_json;
  GOutputStream *output;
  GString *out;
  guint count;
};

MadoLinkageWriter *
mado_linkage_writer_new (MadoLinkageFormat format, MadoLinkageFlags flags, GOutputStream *output)
{
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), NULL);
  MadoLinkageWriter *w = g_new0 (MadoLinkageWriter, 1);
  w->format = format;
  w->columns = format_columns (format, &w->n_columns);
  switch (format)
    {
    case MADO_LINKAGE_RESIDENTS:
      w->what = "persons";
      w->validate = (ValidateFunc)mado_person_validate;
      w->to_json = (ToJsonFunc)mado_person_to_json;
      break;
    case MADO_LINKAGE_MOVE_NOTICES:
      w->what = "drafts";
      w->validate = (ValidateFunc)mado_move_draft_validate;
      w->to_json = (ToJsonFunc)mado_move_draft_to_json;
      break;
    case MADO_LINKAGE_ISSUANCES:
    default:
      w->what = "issuances";
      w->validate = (ValidateFunc)mado_issuance_validate;
      w->to_json = (ToJsonFunc)mado_issuance_to_json;
      break;
    }
  w->output = g_object_ref (output);
  w->out = g_string_sized_new (FLUSH_AT + 4096);
  append_header (w->out, w->columns, w->n_columns, flags);
  return w;
}

void
mado_linkage_writer_free (MadoLinkageWriter *w)
{
  if (w == NULL)
    return;
  g_clear_object (&w->output);
  g_string_free (w->out, TRUE);
  g_free (w);
}

guint
mado_linkage_writer_get_count (const MadoLinkageWriter *w)
{
  return w->count;
}

gboolean
mado_linkage_writer_add (MadoLinkageWriter *w, gconstpointer object, GCancellable *cancellable,
                         GError **error)
{
  g_return_val_if_fail (w != NULL && object != NULL, FALSE);
  if (!w->validate (object, error))
    {
      g_prefix_error (error, "%s[%u].", w->what, w->count);
      return FALSE;
    }
  g_autoptr (JsonNode) node = w->to_json (object);
  JsonObject *root = json_node_get_object (node);
  if (w->format == MADO_LINKAGE_MOVE_NOTICES)
    {
      JsonArray *members = json_object_get_array_member (root, "members");
      if (g_str_equal (json_object_get_string_member (root, "status"), "draft"))
        {
          g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID,
                       "%s[%u].status: a draft not yet submitted is not exported", w->what,
                       w->count);
          return FALSE;
        }
      for (guint k = 0; k < json_array_get_length (members); k++)
        append_row (w->out, w->columns, w->n_columns, root,
                    json_array_get_object_element (members, k), k);
    }
  else
    append_row (w->out, w->columns, w->n_columns, root, NULL, 0);
  w->count++;
  if (w->out->len >= FLUSH_AT && !flush (w->output, w->out, cancellable, error))
    return FALSE;
  return TRUE;
}

gboolean
mado_linkage_writer_finish (MadoLinkageWriter *w, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (w != NULL, FALSE);
  return flush (w->output, w->out, cancellable, error);
}

static gboolean export(MadoLinkageFormat format, GPtrArray *objects, MadoLinkageFlags flags,
                       GOutputStream *output, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (objects != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), FALSE);
  g_autoptr (MadoLinkageWriter) w = mado_linkage_writer_new (format, flags, output);
  for (guint i = 0; i < objects->len; i++)
    if (!mado_linkage_writer_add (w, g_ptr_array_index (objects, i), cancellable, error))
      return FALSE;
  return mado_linkage_writer_finish (w, cancellable, error);
}

gboolean
mado_linkage_export_residents (GPtrArray *persons, MadoLinkageFlags flags, GOutputStream *output,
                               GCancellable *cancellable, GError **error)
{
  return export(MADO_LINKAGE_RESIDENTS, persons, flags, output, cancellable, error);
}

gboolean
mado_linkage_export_move_notices (GPtrArray *drafts, MadoLinkageFlags flags, GOutputStream *output,
                                  GCancellable *cancellable, GError **error)
{
  return export(MADO_LINKAGE_MOVE_NOTICES, drafts, flags, output, cancellable, error);
}

gboolean
mado_linkage_export_issuances (GPtrArray *issuances, MadoLinkageFlags flags, GOutputStream *output,
                               GCancellable *cancellable, GError **error)
{
  return export(MADO_LINKAGE_ISSUANCES, issuances, flags, output, cancellable, error);
}

/* ---- import ------------------------------------------------------------------------------- */

void
mado_linkage_import_options_init (MadoLinkageImportOptions *options)
{
  memset (options, 0, sizeof *options);
  options->reason = MADO_MOVE_REASON_ENTRY_REMAKING;
  options->max_problems = 100;
}

void
mado_linkage_import_report_clear (MadoLinkageImportReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->problems, g_ptr_array_unref);
  memset (report, 0, sizeof *report);
}

typedef struct
{
  guint64 address_hash; /* 住所コード, 都道府県・市区町村, 町字, 番地・号, 方書 (as the model
                           compares) */
  guint first_line;
  guint head_line; /* 0: no 世帯主 yet */
} HouseholdSeen;

typedef struct
{
  MadoRegistryStore *store; /* NULL: check only */
  GInputStream *input;
  MadoLinkageImportOptions options;
  MadoDate processed_on;
  GCancellable *cancellable;
  MadoLinkageImportReport report;
  GHashTable *atena_lines; /* 宛名番号 → first line (GUINT_TO_POINTER) */
  GHashTable *households;  /* 世帯番号 → HouseholdSeen * */
  gboolean stopped;        /* max_problems reached */
} Import;

static void
problem (Import *im, guint line, const Column *column, const char *message)
{
  if (column != NULL)
    g_ptr_array_add (im->report.problems, g_strdup_printf ("line %u, %s (%s): %s", line,
                                                           column->header, column->field, message));
  else
    g_ptr_array_add (im->report.problems, g_strdup_printf ("line %u: %s", line, message));
  if (im->report.problems->len >= im->options.max_problems)
    im->stopped = TRUE;
}

static const Column *
column_by_field (const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (resident_columns); i++)
    if (g_str_equal (resident_columns[i].field, field))
      return &resident_columns[i];
  return NULL;
}

/* A model error "path: message" as a problem of the path's column. The model never puts a
 * value in its messages. */
static void
model_problem (Import *im, guint line, const GError *error)
{
  const char *colon = strstr (error->message, ": ");
  g_autofree char *path
      = colon != NULL ? g_strndup (error->message, (gsize)(colon - error->message)) : NULL;
  const char *message = colon != NULL ? colon + 2 : error->message;
  const Column *column = NULL;

  if (path != NULL)
    column = g_str_equal (path, "head") ? column_by_field ("relationship") : column_by_field (path);
  if (column != NULL)
    problem (im, line, column, message);
  else
    {
      g_autofree char *text = g_strdup_printf ("%s: %s", path != NULL ? path : "(row)", message);
      problem (im, line, NULL, text);
    }
}

/* The object at the path's parent, made when @create. */
static JsonObject *
parent_object (JsonObject *root, const char *field, const char **leaf, gboolean create)
{
  const char *dot = strchr (field, '.');
  JsonNode *child;
  g_autofree char *name = NULL;

  if (dot == NULL)
    {
      *leaf = field;
      return root;
    }
  name = g_strndup (field, (gsize)(dot - field));
  *leaf = dot + 1;
  child = json_object_get_member (root, name);
  if (child == NULL)
    {
      if (!create)
        return NULL;
      json_object_set_object_member (root, name, json_object_new ());
      child = json_object_get_member (root, name);
    }
  return json_node_get_object (child);
}

/* YYYYMMDD (00 for an unknown part, 00000000 unknown) → the model's JSON date; NULL and
 * @message set when malformed. */
static JsonNode *
parse_date (const char *cell, const char *qualifier, const char **message)
{
  char iso[11];
  JsonNode *date;

  if (strlen (cell) != 8 || strspn (cell, "0123456789") != 8)
    return *message = "not a date YYYYMMDD (西暦, 00 for an unknown month or day)", NULL;
  if (strncmp (cell, "0000", 4) == 0)
    {
      if (strcmp (cell + 4, "0000") != 0)
        return *message = "a month or day without a year", NULL;
      date = json_node_new (JSON_NODE_NULL);
    }
  else
    {
      if (strncmp (cell + 4, "00", 2) == 0 && strcmp (cell + 6, "00") != 0)
        return *message = "a day without a month", NULL;
      if (strncmp (cell + 4, "00", 2) == 0)
        g_snprintf (iso, sizeof iso, "%.4s", cell);
      else if (strcmp (cell + 6, "00") == 0)
        g_snprintf (iso, sizeof iso, "%.4s-%.2s", cell, cell + 4);
      else
        g_snprintf (iso, sizeof iso, "%.4s-%.2s-%.2s", cell, cell + 4, cell + 6);
      date = json_node_init_string (json_node_alloc (), iso);
    }
  if (qualifier != NULL && *qualifier != '\0')
    {
      JsonObject *object = json_object_new ();
      JsonNode *node;
      json_object_set_member (object, "date", date);
      json_object_set_string_member (object, "qualifier", qualifier);
      node = json_node_init_object (json_node_alloc (), object);
      json_object_unref (object);
      return node;
    }
  return date;
}

/* One row → a person (NULL with the problems added). */
static MadoPerson *
row_to_person (Import *im, GPtrArray *fields, guint line)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (GError) error = NULL;
  JsonObject *root = json_object_new ();
  guint before = im->report.problems->len;
  MadoPerson *person;

  json_node_take_object (node, root);
  json_object_set_object_member (root, "address", json_object_new ()); /* required */
  for (guint i = 0; i < fields->len; i++)
    {
      const Column *c = &resident_columns[i];
      const char *cell = g_ptr_array_index (fields, i);
      const char *leaf;
      const char *message = NULL;
      JsonObject *parent;

      if (!g_utf8_validate (cell, -1, NULL))
        {
          problem (im, line, c, "not UTF-8");
          continue;
        }
      if (c->kind == CELL_QUALIFIER)
        {
          /* Read with its date (the column before); alone it is an error. */
          const char *date = g_ptr_array_index (fields, i - 1);
          if (*cell != '\0' && *date == '\0')
            problem (im, line, c, "a 不詳 qualifier without a date");
          else if (*cell != '\0' && !mado_text_is_valid (cell, 32))
            problem (im, line, c, "not text of 1–32 characters without control characters");
          continue;
        }
      if (*cell == '\0')
        continue;
      parent = parent_object (root, c->field, &leaf, TRUE);
      switch (c->kind)
        {
        case CELL_TEXT:
          json_object_set_string_member (parent, leaf, cell);
          break;
        case CELL_ENUM:
          {
            const char *value = map_value (c->csv_values, c->model_values, cell);
            if (value == NULL)
              problem (im, line, c, "not one of the codes (docs/linkage.md)");
            else
              json_object_set_string_member (parent, leaf, value);
          }
          break;
        case CELL_BOOL:
          if (g_str_equal (cell, "1") || g_str_equal (cell, "0"))
            json_object_set_boolean_member (parent, leaf, cell[0] == '1');
          else
            problem (im, line, c, "not 1 or 0");
          break;
        case CELL_DATE:
          {
            const char *qualifier = NULL;
            JsonNode *date;
            if (i + 1 < fields->len && resident_columns[i + 1].kind == CELL_QUALIFIER)
              {
                qualifier = g_ptr_array_index (fields, i + 1);
                if (!mado_text_is_valid (qualifier, 32))
                  qualifier = NULL; /* reported with its own column */
              }
            date = parse_date (cell, qualifier, &message);
            if (date == NULL)
              problem (im, line, c, message);
            else
              json_object_set_member (parent, leaf, date);
          }
          break;
        case CELL_QUALIFIER:
        case CELL_UINT:
        case CELL_LIST:
        case CELL_INDEX:
          g_assert_not_reached ();
        }
    }
  if (im->report.problems->len > before)
    return NULL;

  /* 世帯主 is the 続柄, not a column of its own. */
  if (json_object_has_member (root, "relationship")
      && g_str_equal (json_object_get_string_member (root, "relationship"), "世帯主"))
    json_object_set_boolean_member (root, "head", TRUE);
  person = mado_person_new_from_json (node, &error);
  if (person == NULL)
    model_problem (im, line, error);
  return person;
}

static guint64
address_hash (const MadoAddress *a)
{
  const char *parts[] = { a->code, a->municipality, a->town, a->banchi, a->katagaki };
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037); /* FNV-1a */

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      const char *p = parts[i] != NULL ? parts[i] : "";
      h ^= parts[i] != NULL ? 0x1f : 0x1e;
      h *= G_GUINT64_CONSTANT (1099511628211);
      for (; *p != '\0'; p++)
        {
          h ^= (guint8)*p;
          h *= G_GUINT64_CONSTANT (1099511628211);
        }
    }
  return h;
}

/* The rules across rows; TRUE when the row may be written. */
static gboolean
check_across (Import *im, const MadoPerson *person, guint line, gboolean *new_household)
{
  gpointer seen_line;
  HouseholdSeen *seen;
  guint64 hash = address_hash (person->address);

  *new_household = FALSE;
  if (g_hash_table_lookup_extended (im->atena_lines, person->atena_number, NULL, &seen_line))
    {
      g_autofree char *message
          = g_strdup_printf ("the same 宛名番号 as line %u", GPOINTER_TO_UINT (seen_line));
      problem (im, line, column_by_field ("atena_number"), message);
      return FALSE;
    }
  g_hash_table_insert (im->atena_lines, g_strdup (person->atena_number), GUINT_TO_POINTER (line));

  seen = g_hash_table_lookup (im->households, person->household_number);
  if (seen == NULL)
    {
      seen = g_new0 (HouseholdSeen, 1);
      seen->address_hash = hash;
      seen->first_line = line;
      g_hash_table_insert (im->households, g_strdup (person->household_number), seen);
      *new_household = TRUE;
    }
  else if (seen->address_hash != hash)
    {
      static const Column address = TEXT ("住所", "address");
      g_autofree char *message = g_strdup_printf (
          "differs from the address of the same 世帯番号 on line %u", seen->first_line);
      problem (im, line, &address, message);
      return FALSE;
    }
  if (person->head)
    {
      if (seen->head_line != 0)
        {
          g_autofree char *message = g_strdup_printf (
              "a second 世帯主 of the same 世帯番号 (the first on line %u)", seen->head_line);
          problem (im, line, column_by_field ("relationship"), message);
          return FALSE;
        }
      seen->head_line = line;
    }
  return TRUE;
}

/* 印鑑登録 ends with the registration in the 住民基本台帳: a person recorded as moved out (転出),
 * deceased (死亡) or otherwise removed (消除) has their registered seal abolished (職権による廃止)
 * in the same transaction, on the day of the change (never before the seal's 登録日). */
static gboolean
abolish_seal (Import *im, const char *atena_number, MadoResidentStatus status,
              const MadoDate *changed_on, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (MadoSealRegistration) reg
      = mado_registry_store_find_seal_registration (im->store, atena_number, &local);
  if (reg == NULL)
    {
      if (g_error_matches (local, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_autofree char *changed = mado_date_to_iso (changed_on);
  g_autofree char *registered = mado_date_to_iso (&reg->registered_on);
  const char *day = changed != NULL && registered != NULL && strcmp (changed, registered) < 0
                        ? registered
                        : changed;
  const char *reason = status == MADO_RESIDENT_STATUS_MOVED_OUT  ? "転出による廃止"
                       : status == MADO_RESIDENT_STATUS_DECEASED ? "死亡による廃止"
                                                                 : "住民票の消除による廃止";
  if (!mado_seal_registration_abolish (reg, day, reason, error)
      || !mado_registry_store_put_seal_registration (im->store, reg, error))
    return FALSE;
  im->report.seals_abolished++;
  return TRUE;
}

static gboolean
write_person (Import *im, MadoPerson *person, gboolean new_household, GError **error)
{
  g_autoptr (MadoHistoryEntry) entry = mado_history_entry_new ();

  if (new_household)
    {
      g_autoptr (MadoHousehold) household = mado_household_new ();
      household->household_number = g_strdup (person->household_number);
      household->address = mado_address_copy (person->address);
      if (!mado_registry_store_put_household (im->store, household, error))
        {
          mado_person_free (person);
          return FALSE;
        }
      im->report.households++;
    }
  entry->atena_number = g_strdup (person->atena_number);
  entry->reason = im->options.reason;
  mado_date_copy (&im->processed_on, &entry->moved_on);
  mado_date_copy (&im->processed_on, &entry->processed_on);
  entry->terminal = g_strdup (im->options.terminal);
  entry->person = person;
  if (mado_registry_store_record_change (im->store, entry, error) == 0)
    return FALSE;
  if (person->status != MADO_RESIDENT_STATUS_RESIDENT
      && !abolish_seal (im, person->atena_number, person->status, &entry->moved_on, error))
    return FALSE;
  im->report.persons++;
  return TRUE;
}

/* Reads everything; FALSE with @error on bad rows (all listed in the report) or a failure. */
static gboolean
import_all (MadoRegistryStore *store, gpointer user_data, GError **error)
{
  Import *im = user_data;
  g_autoptr (MadoCsvReader) reader = mado_csv_reader_new (im->input, 0);
  g_autoptr (GPtrArray) fields = NULL;
  g_autoptr (GError) local = NULL;
  guint n = G_N_ELEMENTS (resident_columns);
  guint line;

  /* The header: the columns in their order, by name. */
  if (!mado_csv_reader_next (reader, &fields, &line, im->cancellable, &local))
    {
      if (local == NULL)
        g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID,
                     "the input is empty: no header row");
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (fields->len != n)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID,
                   "line %u: the header has %u columns, expected %u (docs/linkage.md)", line,
                   fields->len, n);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    if (!g_str_equal (g_ptr_array_index (fields, i), resident_columns[i].header))
      {
        g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID,
                     "line %u: column %u of the header should be 「%s」", line, i + 1,
                     resident_columns[i].header);
        return FALSE;
      }
  g_clear_pointer (&fields, g_ptr_array_unref);

  while (!im->stopped)
    {
      MadoPerson *person;
      gboolean new_household;

      if (g_cancellable_set_error_if_cancelled (im->cancellable, error))
        return FALSE;
      g_clear_pointer (&fields, g_ptr_array_unref);
      if (!mado_csv_reader_next (reader, &fields, &line, im->cancellable, &local))
        {
          if (local == NULL)
            break; /* the end */
          if (local->domain != MADO_REGISTRY_ERROR)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE; /* reading failed */
            }
          g_ptr_array_add (im->report.problems, g_strdup (local->message));
          break; /* the CSV is broken: nothing after it can be trusted */
        }
      im->report.rows++;
      if (fields->len != n)
        {
          g_autofree char *message = g_strdup_printf ("%u fields, expected %u", fields->len, n);
          problem (im, line, NULL, message);
          continue;
        }
      person = row_to_person (im, fields, line);
      if (person == NULL)
        continue;
      if (!check_across (im, person, line, &new_household) || im->report.problems->len > 0
          || store == NULL)
        {
          mado_person_free (person);
          continue;
        }
      if (!write_person (im, person, new_household, error))
        return FALSE;
    }

  if (im->report.problems->len > 0)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID,
                   "%u bad row%s%s, nothing imported; the first: %s", im->report.problems->len,
                   im->report.problems->len == 1 ? "" : "s",
                   im->stopped ? " (stopped reading at the limit)" : "",
                   (const char *)g_ptr_array_index (im->report.problems, 0));
      return FALSE;
    }
  return TRUE;
}

static gboolean
run_import (MadoRegistryStore *store, GInputStream *input, const MadoLinkageImportOptions *options,
            MadoLinkageImportReport *report, GCancellable *cancellable, GError **error)
{
  Import im = { 0 };
  gboolean ok;

  g_return_val_if_fail (G_IS_INPUT_STREAM (input), FALSE);

  if (options != NULL)
    im.options = *options;
  else
    mado_linkage_import_options_init (&im.options);
  if (im.options.max_problems == 0)
    im.options.max_problems = 100;
  if (im.options.processed_on != NULL)
    {
      if (!mado_date_parse (im.options.processed_on, MADO_DATE_RULE_CALENDAR, TRUE,
                            &im.processed_on, NULL))
        {
          g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID,
                       "import options: processed_on is not a calendar date YYYY-MM-DD");
          return FALSE;
        }
    }
  else
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
      mado_date_parse (today, MADO_DATE_RULE_CALENDAR, TRUE, &im.processed_on, NULL);
    }
  if (im.options.terminal != NULL && !mado_ascii_id_is_valid (im.options.terminal))
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID,
                   "import options: terminal is not an ASCII id");
      mado_date_clear (&im.processed_on);
      return FALSE;
    }

  im.store = store;
  im.input = input;
  im.cancellable = cancellable;
  im.report.problems = g_ptr_array_new_with_free_func (g_free);
  im.atena_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  im.households = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (store != NULL)
    ok = mado_registry_store_run_in_transaction (store, import_all, &im, error);
  else
    ok = import_all (NULL, &im, error);
  if (!ok)
    {
      im.report.persons = 0; /* rolled back */
      im.report.households = 0;
    }

  g_hash_table_unref (im.atena_lines);
  g_hash_table_unref (im.households);
  mado_date_clear (&im.processed_on);
  if (report != NULL)
    *report = im.report;
  else
    g_ptr_array_unref (im.report.problems);
  return ok;
}

gboolean
mado_linkage_check_residents (GInputStream *input, MadoLinkageImportReport *report,
                              GCancellable *cancellable, GError **error)
{
  return run_import (NULL, input, NULL, report, cancellable, error);
}

gboolean
mado_linkage_import_residents (MadoRegistryStore *store, GInputStream *input,
                               const MadoLinkageImportOptions *options,
                               MadoLinkageImportReport *report, GCancellable *cancellable,
                               GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (store), FALSE);
  return run_import (store, input, options, report, cancellable, error);
}
