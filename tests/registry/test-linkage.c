/* SPDX-License-Identifier: GPL-3.0-or-later
 * registry/linkage: the RFC 4180 codec (quoting, line numbers, refusals), the three exports
 * (item order from docs/linkage.md, codes, dates, quoting of 方書 with commas and quotes), the
 * round trip of seeded residents export → import into another store, and the import's
 * refusals: bad rows listed by line and item name, nothing applied, and never a value in a
 * message.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "mado-csv.h"
#include "mado-linkage.h"
#include "mado-registry-store.h"
#include "mado-seed.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static char *
sample_path (const char *name)
{
  return g_build_filename (g_getenv ("MADO_SOURCE_DIR"), "tests", "model", "samples", name, NULL);
}

static gpointer
load_sample (const char *name, gpointer (*from_data) (const char *, gssize, GError **))
{
  g_autofree char *path = sample_path (name);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  gpointer object;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  object = from_data (text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (object);
  return object;
}

/* The whole CSV an export wrote. */
static char *
export_to_string (gboolean (*export) (GPtrArray *, MadoLinkageFlags, GOutputStream *,
                                      GCancellable *, GError **),
                  GPtrArray *objects, MadoLinkageFlags flags)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;

  g_assert_true (export(objects, flags, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL)); /* NUL */
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static GInputStream *
input_of (const char *text)
{
  return g_memory_input_stream_new_from_data (g_strdup (text), (gssize)strlen (text), g_free);
}

/* The records of @text as the reader sees them (asserting no error). */
static GPtrArray *
read_all (const char *text, GArray *lines)
{
  g_autoptr (GInputStream) in = input_of (text);
  g_autoptr (MadoCsvReader) reader = mado_csv_reader_new (in, 0);
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
  g_autoptr (GError) error = NULL;
  GPtrArray *fields;
  guint line;

  while (mado_csv_reader_next (reader, &fields, &line, NULL, &error))
    {
      g_ptr_array_add (records, fields);
      if (lines != NULL)
        g_array_append_val (lines, line);
    }
  g_assert_no_error (error);
  return records;
}

static const char *
field (GPtrArray *records, guint record, guint index)
{
  GPtrArray *fields = g_ptr_array_index (records, record);
  g_assert_cmpuint (index, <, fields->len);
  return g_ptr_array_index (fields, index);
}

/* The index of the column named @header in @format. */
static guint
column (MadoLinkageFormat format, const char *header)
{
  const char *h;
  for (guint i = 0; mado_linkage_get_column (format, i, &h, NULL); i++)
    if (g_str_equal (h, header))
      return i;
  g_error ("no column %s", header);
}

static char *
header_line (MadoLinkageFormat format)
{
  g_autoptr (GString) line = g_string_new (NULL);
  const char *h;
  for (guint i = 0; mado_linkage_get_column (format, i, &h, NULL); i++)
    mado_csv_append_field (line, h, i == 0);
  mado_csv_end_record (line);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

typedef struct
{
  char *dir;
} TempDir;

static MadoRegistryStore *
open_store (TempDir *t, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dsn = g_strdup_printf ("sqlite:%s/%s", t->dir, name);
  MadoRegistryStore *store = mado_registry_store_open (dsn, &error);
  g_assert_no_error (error);
  return store;
}

static void
temp_set_up (TempDir *t, gconstpointer data)
{
  t->dir = g_dir_make_tmp ("mado-linkage-XXXXXX", NULL);
  g_assert_nonnull (t->dir);
}

static void
temp_tear_down (TempDir *t, gconstpointer data)
{
  GDir *d = g_dir_open (t->dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (t->dir, name, NULL);
      g_unlink (path);
    }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (t->dir);
  g_free (t->dir);
}

/* ---- the codec ---------------------------------------------------------------------------- */

static void
test_csv_quoting (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));

  mado_csv_append_field (out, "plain", TRUE);
  mado_csv_append_field (out, "a,b", FALSE);
  mado_csv_append_field (out, "say \"hi\"", FALSE);
  mado_csv_append_field (out, "two\r\nlines", FALSE);
  mado_csv_append_field (out, "", FALSE);
  mado_csv_append_field (out, " 空白 ", FALSE);
  mado_csv_end_record (out);
  mado_csv_append_field (out, "next", TRUE);
  mado_csv_end_record (out);
  g_assert_cmpstr (out->str, ==,
                   "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",, 空白 \r\nnext\r\n");

  /* Read back: the same fields; the second record starts on line 3 (the first spans two). */
  records = read_all (out->str, lines);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpuint (((GPtrArray *)g_ptr_array_index (records, 0))->len, ==, 6);
  g_assert_cmpstr (field (records, 0, 1), ==, "a,b");
  g_assert_cmpstr (field (records, 0, 2), ==, "say \"hi\"");
  g_assert_cmpstr (field (records, 0, 3), ==, "two\r\nlines");
  g_assert_cmpstr (field (records, 0, 4), ==, "");
  g_assert_cmpstr (field (records, 0, 5), ==, " 空白 ");
  g_assert_cmpuint (g_array_index (lines, guint, 0), ==, 1);
  g_assert_cmpuint (g_array_index (lines, guint, 1), ==, 3);
}

static void
test_csv_reader_forms (void)
{
  g_autoptr (GPtrArray) r = NULL;
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));

  /* LF endings, no final line ending, a byte order mark, empty fields, a trailing comma. */
  r = read_all ("\xEF\xBB\xBF"
                "a,b\nc,\n,\"\"\n\"x\"\"y\",z",
                lines);
  g_assert_cmpuint (r->len, ==, 4);
  g_assert_cmpstr (field (r, 0, 0), ==, "a");
  g_assert_cmpstr (field (r, 1, 1), ==, "");
  g_assert_cmpuint (((GPtrArray *)g_ptr_array_index (r, 1))->len, ==, 2);
  g_assert_cmpstr (field (r, 2, 0), ==, "");
  g_assert_cmpstr (field (r, 2, 1), ==, "");
  g_assert_cmpstr (field (r, 3, 0), ==, "x\"y");
  g_assert_cmpuint (g_array_index (lines, guint, 3), ==, 4);
  g_clear_pointer (&r, g_ptr_array_unref);

  /* Empty input: no record. A lone line ending: one record of one empty field. */
  r = read_all ("", NULL);
  g_assert_cmpuint (r->len, ==, 0);
  g_clear_pointer (&r, g_ptr_array_unref);
  r = read_all ("\r\n", NULL);
  g_assert_cmpuint (r->len, ==, 1);
}

/* Each broken input: the error names the line of the broken record, not its text. */
static void
test_csv_reader_refusals (void)
{
#define CASE(text, message)                                                                        \
  {                                                                                                \
    text, sizeof (text) - 1, message                                                               \
  }
  static const struct
  {
    const char *text;
    gsize length; /* the text may hold a NUL */
    const char *message;
  } cases[] = {
    CASE ("a,b\r\n\"secret,c\r\n", "line 2: a quoted field is not closed"),
    CASE ("a\r\n\"secret\"x,c\r\n", "line 2: text after a closing quote"),
    CASE ("a\r\nse\"cret,c\r\n", "line 2: a quote inside an unquoted field"),
    CASE ("a\r\nb\r\nsec\rret\r\n", "line 3: a carriage return without a line feed"),
    CASE ("a\r\n\"multi\r\nline\",x\r\nsec\0ret\r\n", "line 4: a NUL byte"),
  };
#undef CASE

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GInputStream) in
          = g_memory_input_stream_new_from_data (cases[i].text, (gssize)cases[i].length, NULL);
      g_autoptr (MadoCsvReader) reader = mado_csv_reader_new (in, 0);
      g_autoptr (GError) error = NULL;
      GPtrArray *fields;
      guint line;
      gboolean ok;

      while ((ok = mado_csv_reader_next (reader, &fields, &line, NULL, &error)))
        g_ptr_array_unref (fields);
      g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_null (strstr (error->message, "secret"));
      g_assert_null (strstr (error->message, "sec"));
      /* After an error the reader is done. */
      g_clear_error (&error);
      g_assert_false (mado_csv_reader_next (reader, &fields, &line, NULL, &error));
      g_assert_no_error (error);
    }

  /* A record over the limit. */
  {
    g_autofree char *big = g_strnfill (200, 'x');
    g_autoptr (GInputStream) in = input_of (big);
    g_autoptr (MadoCsvReader) reader = mado_csv_reader_new (in, 100);
    g_autoptr (GError) error = NULL;
    GPtrArray *fields;
    guint line;
    g_assert_false (mado_csv_reader_next (reader, &fields, &line, NULL, &error));
    g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==, "line 1: the record is longer than the limit");
  }
}

/* ---- columns and the docs ----------------------------------------------------------------- */

static void
test_columns_documented (void)
{
  static const struct
  {
    MadoLinkageFormat format;
    const char *section;
  } formats[] = {
    { MADO_LINKAGE_RESIDENTS, "## 住民データ" },
    { MADO_LINKAGE_MOVE_NOTICES, "## 住民異動届" },
    { MADO_LINKAGE_ISSUANCES, "## 証明書交付申請" },
  };
  g_autofree char *path
      = g_build_filename (g_getenv ("MADO_SOURCE_DIR"), "docs", "linkage.md", NULL);
  g_autofree char *docs = NULL;

  g_assert_true (g_file_get_contents (path, &docs, NULL, NULL));
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autoptr (GHashTable) headers = g_hash_table_new (g_str_hash, g_str_equal);
      const char *at = strstr (docs, formats[f].section);
      const char *end;
      const char *header, *json;

      g_assert_nonnull (at);
      end = strstr (at + 3, "\n## ");
      for (guint i = 0; mado_linkage_get_column (formats[f].format, i, &header, &json); i++)
        {
          /* "| n | header | `field` |", in order, inside the format's section. */
          g_autofree char *row = g_strdup_printf ("| %u | %s | `%s` |", i + 1, header, json);
          const char *found = strstr (at, row);
          if (found == NULL || (end != NULL && found > end))
            g_error ("docs/linkage.md %s: no row “%s” after the previous one", formats[f].section,
                     row);
          at = found;
          g_assert_true (g_hash_table_add (headers, (gpointer)header)); /* unique names */
        }
    }
}

/* ---- exports ------------------------------------------------------------------------------ */

static void
test_export_residents (void)
{
  g_autoptr (GPtrArray) persons = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_person_free);
  g_autoptr (GPtrArray) records = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *with_bom = NULL;
  g_autofree char *header = header_line (MADO_LINKAGE_RESIDENTS);
  MadoPerson *japanese
      = load_sample ("person-japanese.json",
                     (gpointer (*) (const char *, gssize, GError **))mado_person_new_from_data);
  MadoPerson *foreign
      = load_sample ("person-foreign.json",
                     (gpointer (*) (const char *, gssize, GError **))mado_person_new_from_data);

  /* 方書 with a comma and quotes (a newline is not text the model accepts). */
  g_free (japanese->address->katagaki);
  japanese->address->katagaki = g_strdup ("窓口ハイツ, 101 \"東棟\"");
  g_ptr_array_add (persons, japanese);
  g_ptr_array_add (persons, foreign);
  csv = export_to_string (mado_linkage_export_residents, persons, MADO_LINKAGE_FLAGS_NONE);

  g_assert_true (g_str_has_prefix (csv, header));
  g_assert_true (
      g_str_has_prefix (csv, "宛名番号,世帯番号,住民種別,住民状態,住民票コード,個人番号,氏名,"));
  g_assert_nonnull (strstr (csv, ",\"窓口ハイツ, 101 \"\"東棟\"\"\","));
  g_assert_true (g_str_has_suffix (csv, "\r\n"));
  records = read_all (csv, NULL);
  g_assert_cmpuint (records->len, ==, 3);

  /* Codes, dates (西暦 YYYYMMDD; 00 for what is unknown), qualifiers, booleans. */
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_RESIDENTS, "住民種別")), ==, "1");
  g_assert_cmpstr (field (records, 2, column (MADO_LINKAGE_RESIDENTS, "住民種別")), ==, "2");
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_RESIDENTS, "性別")), ==, "2");
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_RESIDENTS, "生年月日")), ==, "19850412");
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_RESIDENTS, "住民となった年月日")), ==,
                   "19850000");
  g_assert_cmpstr (
      field (records, 1, column (MADO_LINKAGE_RESIDENTS, "住民となった年月日_不詳の表記")), ==,
      "頃");
  g_assert_cmpstr (field (records, 2, column (MADO_LINKAGE_RESIDENTS, "生年月日")), ==, "00000000");
  g_assert_cmpstr (field (records, 2, column (MADO_LINKAGE_RESIDENTS, "住民となった年月日")), ==,
                   "20210431"); /* kept as registered */
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_RESIDENTS, "フリガナ確認フラグ")), ==,
                   "1");
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_RESIDENTS, "氏名")), ==,
                   japanese->name); /* the variation selector and 𠮷 kept */
  g_assert_cmpstr (field (records, 2, column (MADO_LINKAGE_RESIDENTS, "第30条45規定区分")), ==,
                   "中長期在留者");
  g_assert_cmpstr (field (records, 2, column (MADO_LINKAGE_RESIDENTS, "在留期間の満了の日")), ==,
                   "20280331");
  g_assert_cmpstr (field (records, 2, column (MADO_LINKAGE_RESIDENTS, "本籍")), ==, "");

  /* The byte order mark only when asked for. */
  g_assert_false (g_str_has_prefix (csv, "\xEF\xBB\xBF"));
  with_bom = export_to_string (mado_linkage_export_residents, persons, MADO_LINKAGE_FLAG_BOM);
  g_assert_true (g_str_has_prefix (with_bom, "\xEF\xBB\xBF宛名番号,"));

  /* An invalid person is refused, by path, without its value. */
  japanese->birth_date.month = 13;
  {
    g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
    g_autoptr (GError) error = NULL;
    g_assert_false (mado_linkage_export_residents (persons, 0, out, NULL, &error));
    g_assert_nonnull (error);
    g_assert_true (g_str_has_prefix (error->message, "persons[0].birth_date"));
  }
}

static void
test_export_move_notices (void)
{
  g_autoptr (GPtrArray) drafts
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_move_draft_free);
  g_autoptr (GPtrArray) records = NULL;
  g_autofree char *csv = NULL;
  MadoMoveDraft *draft
      = load_sample ("move-draft.json",
                     (gpointer (*) (const char *, gssize, GError **))mado_move_draft_new_from_data);

  g_ptr_array_add (drafts, draft);
  csv = export_to_string (mado_linkage_export_move_notices, drafts, MADO_LINKAGE_FLAGS_NONE);
  records = read_all (csv, NULL);
  /* One row per 異動者, the notice's items on each. */
  g_assert_cmpuint (records->len, ==, 3);
  for (guint r = 1; r <= 2; r++)
    {
      g_assert_cmpstr (field (records, r, 0), ==, "D-20261126-0042");
      g_assert_cmpstr (field (records, r, column (MADO_LINKAGE_MOVE_NOTICES, "届出の種別")), ==,
                       "転入");
      g_assert_cmpstr (field (records, r, column (MADO_LINKAGE_MOVE_NOTICES, "状態")), ==,
                       "仮登録");
      g_assert_cmpstr (field (records, r, column (MADO_LINKAGE_MOVE_NOTICES, "届出日")), ==,
                       "20261126");
      g_assert_cmpstr (field (records, r, column (MADO_LINKAGE_MOVE_NOTICES, "新住所_方書")), ==,
                       "一番町レジデンス305");
      g_assert_cmpstr (field (records, r, column (MADO_LINKAGE_MOVE_NOTICES, "券面事項_個人番号")),
                       ==, "123456789018");
    }
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_MOVE_NOTICES, "異動者の番号")), ==, "1");
  g_assert_cmpstr (field (records, 2, column (MADO_LINKAGE_MOVE_NOTICES, "異動者の番号")), ==, "2");
  g_assert_cmpstr (field (records, 2, column (MADO_LINKAGE_MOVE_NOTICES, "異動者_続柄")), ==,
                   "妻（未届）");
  g_assert_cmpstr (field (records, 2, column (MADO_LINKAGE_MOVE_NOTICES, "異動者_生年月日")), ==,
                   "19910000");
  g_assert_cmpstr (field (records, 2, column (MADO_LINKAGE_MOVE_NOTICES, "異動者_外国人住民")), ==,
                   "1");
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_MOVE_NOTICES, "異動者_外国人住民")), ==,
                   "0");
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_MOVE_NOTICES, "世帯変更の内容")), ==,
                   "");

  /* A draft the resident has not confirmed is not exported. */
  draft->status = MADO_MOVE_STATUS_DRAFT;
  g_clear_pointer (&draft->provisional_by, g_free);
  {
    g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
    g_autoptr (GError) error = NULL;
    g_assert_false (mado_linkage_export_move_notices (drafts, 0, out, NULL, &error));
    g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==,
                     "drafts[0].status: a draft not yet submitted is not exported");
  }
}

static void
test_export_issuances (void)
{
  g_autoptr (GPtrArray) issuances
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_issuance_free);
  g_autoptr (GPtrArray) records = NULL;
  g_autofree char *csv = NULL;
  MadoIssuance *issuance = load_sample (
      "issuance.json", (gpointer (*) (const char *, gssize, GError **))mado_issuance_new_from_data);

  g_ptr_array_add (issuances, issuance);
  csv = export_to_string (mado_linkage_export_issuances, issuances, MADO_LINKAGE_FLAGS_NONE);
  records = read_all (csv, NULL);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpstr (field (records, 1, 0), ==, "20261126-131016-K01-P001-0123");
  g_assert_cmpstr (field (records, 1, 1), ==, "住民票の写し");
  g_assert_cmpstr (field (records, 1, 2), ==, "無効");
  g_assert_cmpstr (field (records, 1, 3), ==, "キオスク端末");
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_ISSUANCES, "対象者の宛名番号")), ==,
                   "0000000019 0000000035");
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_ISSUANCES, "記載事項_世帯主・続柄")), ==,
                   "1");
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_ISSUANCES, "記載事項_本籍・筆頭者")), ==,
                   "0");
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_ISSUANCES, "枚数")), ==, "2");
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_ISSUANCES, "手数料（円）")), ==, "0");
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_ISSUANCES, "交付日時")), ==, "");
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_ISSUANCES, "無効日時")), ==,
                   "2026-11-26T09:46:02+09:00");
  g_assert_cmpstr (field (records, 1, column (MADO_LINKAGE_ISSUANCES, "無効の理由")), ==,
                   "紙詰まり");
}

/* ---- round trip --------------------------------------------------------------------------- */

/* Seeded persons (with their 個人番号, read through the logged path) → CSV → another store:
 * every person and household comes back the same. */
static void
test_round_trip (TempDir *t, gconstpointer data)
{
  g_autoptr (MadoRegistryStore) a = open_store (t, "a.db");
  g_autoptr (MadoRegistryStore) b = open_store (t, "b.db");
  g_autoptr (GPtrArray) persons = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_person_free);
  g_autoptr (GPtrArray) copies = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_person_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *again = NULL;
  g_autoptr (GInputStream) in = NULL;
  MadoLinkageImportOptions options;
  MadoLinkageImportReport report = { 0 };
  MadoSeedOptions seed;
  MadoSeedReport seeded;

  mado_seed_options_init (&seed);
  seed.count = 400;
  seed.seed = 4;
  seed.foreign_share = 0.2; /* plenty of foreign residents' items and partial dates */
  g_assert_true (mado_registry_seed (a, &seed, &seeded, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < seed.count; i++)
    {
      g_autofree char *atena = mado_seed_atena_number (i);
      MadoPerson *p = mado_registry_store_get_person (a, atena, &error);
      g_assert_no_error (error);
      g_assert_true (mado_registry_store_read_kojin_bango (a, atena, "test-linkage", "export",
                                                           1775000000, &p->kojin_bango, &error));
      g_assert_no_error (error);
      g_ptr_array_add (persons, p);
    }
  csv = export_to_string (mado_linkage_export_residents, persons, MADO_LINKAGE_FLAGS_NONE);

  mado_linkage_import_options_init (&options);
  options.processed_on = "2026-04-02";
  options.terminal = "linkage-test";
  in = input_of (csv);
  g_assert_true (mado_linkage_import_residents (b, in, &options, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.rows, ==, seed.count);
  g_assert_cmpuint (report.persons, ==, seed.count);
  g_assert_cmpuint (report.households, ==, seeded.households);
  g_assert_cmpuint (report.problems->len, ==, 0);
  mado_linkage_import_report_clear (&report);

  for (guint i = 0; i < persons->len; i++)
    {
      MadoPerson *original = g_ptr_array_index (persons, i);
      MadoPerson *copy = mado_registry_store_get_person (b, original->atena_number, &error);
      g_autoptr (GPtrArray) history = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *got = NULL;
      g_assert_no_error (error);
      g_assert_true (mado_registry_store_read_kojin_bango (b, original->atena_number,
                                                           "test-linkage", "compare", 1775000000,
                                                           &copy->kojin_bango, &error));
      g_assert_no_error (error);
      g_ptr_array_add (copies, copy);
      expected = mado_person_to_data (original, NULL);
      got = mado_person_to_data (copy, NULL);
      g_assert_cmpstr (got, ==, expected);
      history = mado_registry_store_list_history (b, original->atena_number, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (history->len, ==, 1);
      g_assert_cmpint (((MadoHistoryEntry *)g_ptr_array_index (history, 0))->reason, ==,
                       MADO_MOVE_REASON_ENTRY_REMAKING);
      if (original->head)
        {
          g_autoptr (MadoHousehold) ha
              = mado_registry_store_get_household (a, original->household_number, &error);
          g_autoptr (MadoHousehold) hb
              = mado_registry_store_get_household (b, original->household_number, &error);
          g_assert_no_error (error);
          g_autofree char *ja = mado_household_to_data (ha, NULL);
          g_autofree char *jb = mado_household_to_data (hb, NULL);
          g_assert_cmpstr (ja, ==, jb);
        }
    }

  /* Exporting what was imported gives the same bytes. */
  again = export_to_string (mado_linkage_export_residents, copies, MADO_LINKAGE_FLAGS_NONE);
  g_assert_cmpstr (again, ==, csv);
}

/* ---- import refusals ---------------------------------------------------------------------- */

/* A valid resident row from the sample, with @column set to @value (NULL: as it is). */
static char *
resident_row (const char *atena_base, const char *column_name, const char *value)
{
  g_autoptr (GPtrArray) persons = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_person_free);
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GString) row = g_string_new (NULL);
  g_autofree char *csv = NULL;
  MadoPerson *p
      = load_sample ("person-japanese.json",
                     (gpointer (*) (const char *, gssize, GError **))mado_person_new_from_data);
  GPtrArray *fields;

  g_free (p->atena_number);
  p->atena_number = mado_atena_number_complete (atena_base);
  g_ptr_array_add (persons, p);
  csv = export_to_string (mado_linkage_export_residents, persons, MADO_LINKAGE_FLAGS_NONE);
  records = read_all (csv, NULL);
  fields = g_ptr_array_index (records, 1);
  if (column_name != NULL)
    {
      guint i = column (MADO_LINKAGE_RESIDENTS, column_name);
      g_free (g_ptr_array_index (fields, i));
      g_ptr_array_index (fields, i) = g_strdup (value);
    }
  for (guint i = 0; i < fields->len; i++)
    mado_csv_append_field (row, g_ptr_array_index (fields, i), i == 0);
  mado_csv_end_record (row);
  return g_string_free (g_steal_pointer (&row), FALSE);
}

static gboolean
store_has (MadoRegistryStore *store, const char *atena_base)
{
  g_autofree char *atena = mado_atena_number_complete (atena_base);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoPerson) p = mado_registry_store_get_person (store, atena, &error);
  if (p == NULL)
    g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  return p != NULL;
}

/* Bad rows: each listed with its line and item name; nothing of the file is applied. */
static void
test_import_bad_rows (TempDir *t, gconstpointer data)
{
  g_autoptr (MadoRegistryStore) store = open_store (t, "bad.db");
  g_autofree char *header = header_line (MADO_LINKAGE_RESIDENTS);
  g_autofree char *good1 = resident_row ("100000001", NULL, NULL);
  g_autofree char *bad_date = resident_row ("100000002", "生年月日", "19851312");
  g_autofree char *good2 = resident_row ("100000003", "続柄", "子");
  g_autofree char *bad_code = resident_row ("100000004", "住民種別", "7");
  g_autofree char *short_row = g_strdup ("1000000042,5000000010\r\n");
  g_autofree char *csv = g_strconcat (header, good1, bad_date, good2, bad_code, short_row, NULL);
  g_autoptr (GInputStream) in = input_of (csv);
  g_autoptr (GError) error = NULL;
  MadoLinkageImportReport report = { 0 };

  g_assert_false (mado_linkage_import_residents (store, in, NULL, &report, NULL, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "3 bad rows, nothing imported; the first: line 3, 生年月日 (birth_date): the "
                   "month is not 01–12");
  g_assert_cmpuint (report.rows, ==, 5);
  g_assert_cmpuint (report.persons, ==, 0);
  g_assert_cmpuint (report.problems->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (report.problems, 1), ==,
                   "line 5, 住民種別 (kind): not one of the codes (docs/linkage.md)");
  g_assert_cmpstr (g_ptr_array_index (report.problems, 2), ==, "line 6: 2 fields, expected 46");
  mado_linkage_import_report_clear (&report);
  /* All or nothing: the good rows were not applied either. */
  g_assert_false (store_has (store, "100000001"));
  g_assert_false (store_has (store, "100000003"));

  /* The same rows checked without a store give the same problems. */
  g_clear_error (&error);
  g_clear_object (&in);
  in = input_of (csv);
  g_assert_false (mado_linkage_check_residents (in, &report, NULL, &error));
  g_assert_cmpuint (report.problems->len, ==, 3);
  mado_linkage_import_report_clear (&report);

  /* Without the bad rows the file goes in. */
  g_free (csv);
  csv = g_strconcat (header, good1, good2, NULL);
  g_clear_error (&error);
  g_clear_object (&in);
  in = input_of (csv);
  g_assert_true (mado_linkage_import_residents (store, in, NULL, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.persons, ==, 2);
  g_assert_cmpuint (report.households, ==, 1);
  mado_linkage_import_report_clear (&report);
  g_assert_true (store_has (store, "100000001"));
  g_assert_true (store_has (store, "100000003"));
}

static gboolean
collect (const MadoPerson *person, gpointer user_data, GError **error)
{
  g_ptr_array_add (user_data, mado_person_copy (person));
  return TRUE;
}

static gboolean
write_one (const MadoPerson *person, gpointer user_data, GError **error)
{
  return mado_linkage_writer_add (user_data, person, NULL, error);
}

/* The streaming writer, fed person by person from the store (what `mado-registry-admin export
 * --what residents` does, never holding them all), writes the same bytes as the export of the
 * whole array. */
static void
test_writer_streams (TempDir *t, gconstpointer data)
{
  g_autoptr (MadoRegistryStore) store = open_store (t, "stream.db");
  g_autoptr (GPtrArray) persons = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_person_free);
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;
  MadoSeedOptions seed;
  MadoSeedReport seeded;
  (void)data;

  mado_seed_options_init (&seed);
  seed.count = 300;
  seed.seed = 9;
  g_assert_true (mado_registry_seed (store, &seed, &seeded, &error));
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_foreach_person (store, collect, persons, &error));
  g_assert_no_error (error);
  g_autofree char *whole
      = export_to_string (mado_linkage_export_residents, persons, MADO_LINKAGE_FLAG_BOM);

  g_autoptr (MadoLinkageWriter) writer
      = mado_linkage_writer_new (MADO_LINKAGE_RESIDENTS, MADO_LINKAGE_FLAG_BOM, out);
  g_assert_true (mado_registry_store_foreach_person (store, write_one, writer, &error));
  g_assert_no_error (error);
  g_assert_true (mado_linkage_writer_finish (writer, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mado_linkage_writer_get_count (writer), ==, 300);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL)); /* NUL */
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  g_assert_cmpstr (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)), ==, whole);
  g_assert_cmpuint (strlen (whole), >, 300 * 100);
}

/* A person imported as moved out (転出) loses their registered seal (印鑑登録) in the same
 * import, on the day of the change; the report counts it. */
static void
test_import_abolishes_seal (TempDir *t, gconstpointer data)
{
  g_autoptr (MadoRegistryStore) store = open_store (t, "seal.db");
  g_autofree char *header = header_line (MADO_LINKAGE_RESIDENTS);
  g_autofree char *first = resident_row ("100000001", NULL, NULL);
  g_autoptr (GError) error = NULL;
  MadoLinkageImportOptions options;
  MadoLinkageImportReport report = { 0 };
  g_autofree char *atena = mado_atena_number_complete ("100000001");
  (void)data;

  mado_linkage_import_options_init (&options);
  options.processed_on = "2026-04-01";
  {
    g_autofree char *csv = g_strconcat (header, first, NULL);
    g_autoptr (GInputStream) in = input_of (csv);
    g_assert_true (mado_linkage_import_residents (store, in, &options, &report, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (report.seals_abolished, ==, 0);
    mado_linkage_import_report_clear (&report);
  }
  g_autofree char *text
      = g_strdup_printf ("{\"registration_number\":\"IN-1\",\"atena_number\":\"%s\","
                         "\"status\":\"registered\",\"registered_on\":\"2020-02-03\","
                         "\"seal_image_png\":\"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAMAAAAoyzS7AAAAA1B"
                         "MVEXQHBzYhQn4AAAACklEQVR42mNgAAAAAgAB5Sfe/AAAAABJRU5ErkJggg==\"}",
                         atena);
  g_autoptr (MadoSealRegistration) seal = mado_seal_registration_new_from_data (text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_put_seal_registration (store, seal, &error));
  g_assert_no_error (error);

  /* The same person again, now 住民状態 2 (転出者). */
  g_autofree char *moved = resident_row ("100000001", "住民状態", "2");
  g_autofree char *csv = g_strconcat (header, moved, NULL);
  g_autoptr (GInputStream) in = input_of (csv);
  options.processed_on = "2026-05-10";
  g_assert_true (mado_linkage_import_residents (store, in, &options, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.persons, ==, 1);
  g_assert_cmpuint (report.seals_abolished, ==, 1);
  mado_linkage_import_report_clear (&report);

  g_autoptr (MadoSealRegistration) read
      = mado_registry_store_get_seal_registration (store, "IN-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->status, ==, MADO_SEAL_STATUS_ABOLISHED);
  g_autofree char *day = mado_date_to_iso (&read->abolished_on);
  g_assert_cmpstr (day, ==, "2026-05-10");
  g_assert_cmpstr (read->abolition_reason, ==, "転出による廃止");
  g_assert_null (mado_registry_store_find_seal_registration (store, atena, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

/* Personal values in bad fields never reach a message. */
static void
test_import_no_values (void)
{
  static const struct
  {
    const char *column;
    const char *value;
    const char *secret; /* what must not appear */
    const char *problem;
  } cases[] = {
    { "個人番号", "123456789017", "123456789017",
      "line 2, 個人番号 (kojin_bango): the check digit (番号法施行令 §8) does not match" },
    { "生年月日", "1985年4月12日", "1985", "line 2, 生年月日 (birth_date): not a date YYYYMMDD" },
    { "氏名", "山田\t太郎", "山田", "line 2, 氏名 (name): " },
    { "住所_方書", "秘密荘\r\n202", "秘密荘", "line 2, 住所_方書 (address.katagaki): " },
    { "住民票コード", "12345-67890", "12345", "line 2, 住民票コード (juminhyo_code): " },
    { "氏名の振り仮名", "やまだ たろう", "やまだ", "line 2, 氏名の振り仮名 (furigana): " },
    { "在留カード等番号", "AB1234567XYZ", "AB1234567XYZ", "line 2, " },
    { "住所_郵便番号", "1000001", "1000001", "line 2, 住所_郵便番号 (address.postal_code): " },
    { "性別", "女", "女", "line 2, 性別 (sex): not one of the codes" },
    { "フリガナ確認フラグ", "はい", "はい", "line 2, フリガナ確認フラグ (furigana_confirmed): " },
    { "生年月日_不詳の表記", "\x01秘", "秘",
      "line 2, 生年月日_不詳の表記 (birth_date.qualifier): " },
    { "宛名番号", "\xff\xfe", "\xff", "line 2, 宛名番号 (atena_number): not UTF-8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *header = header_line (MADO_LINKAGE_RESIDENTS);
      g_autofree char *row = resident_row ("100000001", cases[i].column, cases[i].value);
      g_autofree char *csv = g_strconcat (header, row, NULL);
      g_autoptr (GInputStream) in = input_of (csv);
      g_autoptr (GError) error = NULL;
      MadoLinkageImportReport report = { 0 };

      g_assert_false (mado_linkage_check_residents (in, &report, NULL, &error));
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_cmpuint (report.problems->len, ==, 1);
      g_assert_true (g_str_has_prefix (g_ptr_array_index (report.problems, 0), cases[i].problem));
      g_assert_null (strstr (error->message, cases[i].secret));
      g_assert_null (strstr (g_ptr_array_index (report.problems, 0), cases[i].secret));
      mado_linkage_import_report_clear (&report);
    }
}

/* A quoted newline: the record spans two lines; later line numbers count both. */
static void
test_import_line_numbers (void)
{
  g_autofree char *header = header_line (MADO_LINKAGE_RESIDENTS);
  g_autofree char *newline = resident_row ("100000001", "住所_方書", "二行\n目");
  g_autofree char *bad = resident_row ("100000002", "性別", "x");
  g_autofree char *csv = g_strconcat (header, newline, bad, NULL);
  g_autoptr (GInputStream) in = input_of (csv);
  g_autoptr (GError) error = NULL;
  MadoLinkageImportReport report = { 0 };

  g_assert_false (mado_linkage_check_residents (in, &report, NULL, &error));
  g_assert_cmpuint (report.problems->len, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (report.problems, 0),
                                   "line 2, 住所_方書 (address.katagaki): "));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (report.problems, 1), "line 4, 性別 (sex): "));
  mado_linkage_import_report_clear (&report);
}

/* Rules across rows: a 宛名番号 once, one address and one 世帯主 per 世帯番号. */
static void
test_import_across_rows (void)
{
  g_autofree char *header = header_line (MADO_LINKAGE_RESIDENTS);
  g_autofree char *first = resident_row ("100000001", NULL, NULL);
  g_autofree char *again = resident_row ("100000001", "続柄", "子");
  g_autofree char *second_head = resident_row ("100000002", NULL, NULL);
  g_autofree char *elsewhere = resident_row ("100000003", "住所_番地・号", "9番9号");
  g_autofree char *csv = g_strconcat (header, first, again, second_head, elsewhere, NULL);
  g_autoptr (GInputStream) in = input_of (csv);
  g_autoptr (GError) error = NULL;
  MadoLinkageImportReport report = { 0 };

  g_assert_false (mado_linkage_check_residents (in, &report, NULL, &error));
  g_assert_cmpuint (report.problems->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (report.problems, 0), ==,
                   "line 3, 宛名番号 (atena_number): the same 宛名番号 as line 2");
  g_assert_cmpstr (g_ptr_array_index (report.problems, 1), ==,
                   "line 4, 続柄 (relationship): a second 世帯主 of the same 世帯番号 (the first "
                   "on line 2)");
  g_assert_cmpstr (g_ptr_array_index (report.problems, 2), ==,
                   "line 5, 住所 (address): differs from the address of the same 世帯番号 on "
                   "line 2");
  mado_linkage_import_report_clear (&report);
}

static void
test_import_header (void)
{
  static const char *const inputs[] = {
    "",
    "宛名番号,世帯番号\r\n",
    "山田 太郎,1985\r\n",
  };
  g_autofree char *header = header_line (MADO_LINKAGE_RESIDENTS);
  g_autofree char *swapped = g_strdup (header);
  char *p = strstr (swapped, "氏名,");

  /* 氏名 ↔ a wrong name at the same place: the column named, not the text found. */
  memcpy (p, "姓名", strlen ("姓名"));
  for (guint i = 0; i <= G_N_ELEMENTS (inputs); i++)
    {
      const char *text = i < G_N_ELEMENTS (inputs) ? inputs[i] : swapped;
      g_autoptr (GInputStream) in = input_of (text);
      g_autoptr (GError) error = NULL;
      MadoLinkageImportReport report = { 0 };
      g_assert_false (mado_linkage_check_residents (in, &report, NULL, &error));
      g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_null (strstr (error->message, "山田"));
      g_assert_null (strstr (error->message, "姓名"));
      if (i == 3)
        g_assert_cmpstr (error->message, ==, "line 1: column 7 of the header should be 「氏名」");
      mado_linkage_import_report_clear (&report);
    }
}

/* A byte order mark (spreadsheet programs write one) is accepted. */
static void
test_import_bom (void)
{
  g_autofree char *header = header_line (MADO_LINKAGE_RESIDENTS);
  g_autofree char *row = resident_row ("100000001", NULL, NULL);
  g_autofree char *csv = g_strconcat ("\xEF\xBB\xBF", header, row, NULL);
  g_autoptr (GInputStream) in = input_of (csv);
  g_autoptr (GError) error = NULL;
  MadoLinkageImportReport report = { 0 };

  g_assert_true (mado_linkage_check_residents (in, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.rows, ==, 1);
  mado_linkage_import_report_clear (&report);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/registry/linkage/csv/quoting", test_csv_quoting);
  g_test_add_func ("/registry/linkage/csv/reader-forms", test_csv_reader_forms);
  g_test_add_func ("/registry/linkage/csv/reader-refusals", test_csv_reader_refusals);
  g_test_add_func ("/registry/linkage/columns-documented", test_columns_documented);
  g_test_add_func ("/registry/linkage/export/residents", test_export_residents);
  g_test_add_func ("/registry/linkage/export/move-notices", test_export_move_notices);
  g_test_add_func ("/registry/linkage/export/issuances", test_export_issuances);
  g_test_add ("/registry/linkage/round-trip", TempDir, NULL, temp_set_up, test_round_trip,
              temp_tear_down);
  g_test_add ("/registry/linkage/import/bad-rows", TempDir, NULL, temp_set_up, test_import_bad_rows,
              temp_tear_down);
  g_test_add ("/registry/linkage/export/writer-streams", TempDir, NULL, temp_set_up,
              test_writer_streams, temp_tear_down);
  g_test_add ("/registry/linkage/import/abolishes-seal", TempDir, NULL, temp_set_up,
              test_import_abolishes_seal, temp_tear_down);
  g_test_add_func ("/registry/linkage/import/no-values", test_import_no_values);
  g_test_add_func ("/registry/linkage/import/line-numbers", test_import_line_numbers);
  g_test_add_func ("/registry/linkage/import/across-rows", test_import_across_rows);
  g_test_add_func ("/registry/linkage/import/header", test_import_header);
  g_test_add_func ("/registry/linkage/import/bom", test_import_bom);
  return g_test_run ();
}
