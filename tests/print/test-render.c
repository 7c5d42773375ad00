/* SPDX-License-Identifier: GPL-3.0-or-later
 * Documents and their rendering (suite 'print'): 和暦 dates, the schema's errors, the character
 * checks (a character no font has, a variation sequence IPAmj does not register), the fit rule,
 * and every sample kind rendered to PDF and read back with pdftotext, pdffonts, pdftoppm + zbarimg,
 * the signed QR decoded and the attachment compared with the canonical content.
 */
#include <string.h>

#include <glib/gstdio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "mado-canonical-json.h"
#include "mado-document.h"
#include "mado-japanese-date.h"
#include "mado-pdf-attachment.h"
#include "mado-print-error.h"
#include "mado-renderer.h"
#include "mado-signed-qr.h"

static EVP_PKEY *key;
static MadoRenderer *renderer;
static char *tmpdir;

/* ---- helpers ---- */

static char *
sample_path (const char *name)
{
  return g_build_filename (g_getenv ("MADO_SOURCE_DIR"), "data", "samples", "documents", name,
                           NULL);
}

static JsonNode *
load_sample (const char *name)
{
  g_autofree char *path = sample_path (name);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static char *
run (const char *command)
{
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  const char *argv[] = { "/bin/sh", "-c", command, NULL };
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&out);
}

static char *
out_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static gboolean
render_node (MadoDocumentKind kind, JsonNode *node, gboolean test_mode, const char *pdf,
             GError **error)
{
  g_autoptr (MadoDocument) doc = mado_document_new (kind, node, error);
  if (doc == NULL)
    return FALSE;
  return mado_renderer_render (renderer, doc, key, test_mode, pdf, error);
}

static JsonObject *
person (JsonNode *node, guint i)
{
  JsonArray *a = json_object_get_array_member (json_node_get_object (node), "persons");
  return json_array_get_object_element (a, i);
}

/* ---- dates ---- */

static void
test_dates (void)
{
  static const struct
  {
    const char *iso, *qualifier;
    MadoDateStyle style;
    const char *expected;
  } cases[] = {
    { "1985-04-12", NULL, MADO_DATE_STYLE_WAREKI, "昭和60年4月12日" },
    { "1985-04", NULL, MADO_DATE_STYLE_WAREKI, "昭和60年4月" },
    { "1985", "頃", MADO_DATE_STYLE_WAREKI, "昭和60年頃" },
    { NULL, NULL, MADO_DATE_STYLE_WAREKI, "不詳" },
    { "1989-01-07", NULL, MADO_DATE_STYLE_WAREKI, "昭和64年1月7日" },
    { "1989-01-08", NULL, MADO_DATE_STYLE_WAREKI, "平成元年1月8日" },
    { "1989", NULL, MADO_DATE_STYLE_WAREKI, "平成元年" },
    { "2019-04-30", NULL, MADO_DATE_STYLE_WAREKI, "平成31年4月30日" },
    { "2019-04", NULL, MADO_DATE_STYLE_WAREKI, "平成31年4月" },
    { "2019-05-01", NULL, MADO_DATE_STYLE_WAREKI, "令和元年5月1日" },
    { "2026-11-26", NULL, MADO_DATE_STYLE_WAREKI, "令和8年11月26日" },
    { "1926-12-25", NULL, MADO_DATE_STYLE_WAREKI, "昭和元年12月25日" },
    { "1926-12-24", NULL, MADO_DATE_STYLE_WAREKI, "大正15年12月24日" },
    { "1912-07-29", NULL, MADO_DATE_STYLE_WAREKI, "明治45年7月29日" },
    { "1912-07-30", NULL, MADO_DATE_STYLE_WAREKI, "大正元年7月30日" },
    { "1868-01-24", NULL, MADO_DATE_STYLE_WAREKI, "1868年1月24日" },
    { "2023-02-29", NULL, MADO_DATE_STYLE_WAREKI, "令和5年2月29日" }, /* kept as registered */
    { "1985-04-12", NULL, MADO_DATE_STYLE_GREGORIAN, "1985年4月12日" },
    { "1985", "頃", MADO_DATE_STYLE_GREGORIAN, "1985年頃" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      MadoPartialDate d;
      g_autoptr (GError) error = NULL;
      g_assert_true (mado_partial_date_parse (cases[i].iso, &d, &error));
      g_assert_no_error (error);
      g_autofree char *s = mado_partial_date_format (&d, cases[i].style, cases[i].qualifier);
      g_assert_cmpstr (s, ==, cases[i].expected);
    }
  static const char *const bad[] = { "85",         "1985-4-12", "1985-13",         "1985-04-32",
                                     "1985/04/12", "１９８５",  "1985-04-12T00:00" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      MadoPartialDate d;
      g_autoptr (GError) error = NULL;
      g_assert_false (mado_partial_date_parse (bad[i], &d, &error));
      g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_INVALID_FIELD);
    }
}

/* ---- schema ---- */

static void
test_samples_valid (void)
{
  static const char *const samples[][2] = {
    { "juminhyo", "juminhyo.json" },     { "juminhyo", "juminhyo-kojin.json" },
    { "kisai_jiko", "kisai_jiko.json" }, { "inkan", "inkan.json" },
    { "tennyu", "tennyu.json" },         { "tenshutsu", "tenshutsu.json" },
    { "tenkyo", "tenkyo.json" },         { "setai_henko", "setai_henko.json" },
    { "ticket", "ticket.json" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *path = sample_path (samples[i][1]);
      g_autoptr (GError) error = NULL;
      g_autoptr (MadoDocument) doc = mado_document_new_from_file (samples[i][0], path, &error);
      g_assert_no_error (error);
      g_assert_nonnull (doc);
      g_assert_true (mado_renderer_check_characters (renderer, doc, &error));
      g_assert_no_error (error);
    }
}

static void
assert_invalid (MadoDocumentKind kind, JsonNode *node, int code, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoDocument) doc = mado_document_new (kind, node, &error);
  g_assert_null (doc);
  g_assert_error (error, MADO_PRINT_ERROR, code);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” does not name “%s”", error->message, needle);
}

static void
test_schema_errors (void)
{
  g_autoptr (GError) error = NULL;
  MadoDocumentKind kind;

  g_assert_false (mado_document_kind_from_string ("koseki", &kind, &error));
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNKNOWN_KIND);
  g_clear_error (&error);
  g_autofree char *path = sample_path ("juminhyo.json");
  g_assert_null (mado_document_new_from_file ("koseki", path, &error));
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNKNOWN_KIND);

  {
    g_autoptr (JsonNode) n = load_sample ("juminhyo.json");
    json_object_remove_member (person (n, 2), "birth_date");
    assert_invalid (MADO_DOCUMENT_JUMINHYO, n, MADO_PRINT_ERROR_MISSING_FIELD,
                    "persons[2].birth_date");
  }
  {
    g_autoptr (JsonNode) n = load_sample ("juminhyo.json");
    json_object_remove_member (json_node_get_object (n), "office");
    assert_invalid (MADO_DOCUMENT_JUMINHYO, n, MADO_PRINT_ERROR_MISSING_FIELD, "office");
  }
  {
    /* 本籍 is required only when the option asks for it */
    g_autoptr (JsonNode) n = load_sample ("juminhyo.json");
    json_object_remove_member (person (n, 7), "honseki");
    assert_invalid (MADO_DOCUMENT_JUMINHYO, n, MADO_PRINT_ERROR_MISSING_FIELD,
                    "persons[7].honseki");
    json_object_set_boolean_member (
        json_object_get_object_member (json_node_get_object (n), "options"), "honseki_hittosha",
        FALSE);
    g_autoptr (MadoDocument) doc = mado_document_new (MADO_DOCUMENT_JUMINHYO, n, &error);
    g_assert_nonnull (doc);
  }
  {
    g_autoptr (JsonNode) n = load_sample ("juminhyo.json");
    json_object_set_string_member (person (n, 0), "birth_date", "S60.4.12");
    assert_invalid (MADO_DOCUMENT_JUMINHYO, n, MADO_PRINT_ERROR_INVALID_FIELD,
                    "persons[0].birth_date");
  }
  {
    g_autoptr (JsonNode) n = load_sample ("juminhyo.json");
    json_object_set_string_member (person (n, 0), "sex", "M");
    assert_invalid (MADO_DOCUMENT_JUMINHYO, n, MADO_PRINT_ERROR_INVALID_FIELD, "persons[0].sex");
  }
  {
    g_autoptr (JsonNode) n = load_sample ("juminhyo.json");
    json_object_set_string_member (person (n, 0), "nickname", "ケンちゃん");
    assert_invalid (MADO_DOCUMENT_JUMINHYO, n, MADO_PRINT_ERROR_INVALID_FIELD,
                    "persons[0].nickname");
  }
  {
    /* a ticket carries no personal data: a name is refused */
    g_autoptr (JsonNode) n = load_sample ("ticket.json");
    json_object_set_string_member (json_node_get_object (n), "name", "山田 太郎");
    assert_invalid (MADO_DOCUMENT_TICKET, n, MADO_PRINT_ERROR_INVALID_FIELD, "name");
  }
  {
    g_autoptr (JsonNode) n = load_sample ("ticket.json");
    json_object_set_string_member (json_node_get_object (n), "status_url", "ftp://x/");
    assert_invalid (MADO_DOCUMENT_TICKET, n, MADO_PRINT_ERROR_INVALID_FIELD, "status_url");
  }
  {
    g_autoptr (JsonNode) n = load_sample ("tennyu.json");
    json_object_remove_member (json_object_get_object_member (json_node_get_object (n), "entered"),
                               "previous_address");
    assert_invalid (MADO_DOCUMENT_TENNYU, n, MADO_PRINT_ERROR_MISSING_FIELD,
                    "entered.previous_address");
  }
  {
    /* the 発行番号 travels in the QR code: ASCII A–Z, 0–9, '-' */
    g_autoptr (JsonNode) n = load_sample ("inkan.json");
    JsonArray *copies = json_object_get_array_member (json_node_get_object (n), "copies");
    json_object_set_string_member (json_array_get_object_element (copies, 0), "issue_number",
                                   "第0127号");
    assert_invalid (MADO_DOCUMENT_INKAN, n, MADO_PRINT_ERROR_INVALID_FIELD,
                    "copies[0].issue_number");
  }
}

/* ---- characters and fit ---- */

static void
assert_render_error (MadoDocumentKind kind, JsonNode *node, int code, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pdf = out_path ("refused.pdf");
  g_assert_false (render_node (kind, node, FALSE, pdf, &error));
  g_assert_error (error, MADO_PRINT_ERROR, code);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” does not name “%s”", error->message, needle);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS)); /* nothing half-written */
}

static void
test_characters (void)
{
  {
    /* a Private Use Area character (an unregistered 外字) is in no font */
    g_autoptr (JsonNode) n = load_sample ("juminhyo.json");
    json_object_set_string_member (person (n, 3), "name", "髙橋 \xee\x80\x80子");
    assert_render_error (MADO_DOCUMENT_JUMINHYO, n, MADO_PRINT_ERROR_UNRESOLVED_CHARACTER,
                         "U+E000 in persons[3].name");
  }
  {
    /* 葛 + U+E0100 (an Adobe-Japan1 selector): IPAmj registers only the MJ ones for 葛 */
    g_autoptr (JsonNode) n = load_sample ("tennyu.json");
    JsonObject *in = json_object_get_object_member (json_node_get_object (n), "entered");
    json_object_set_string_member (in, "new_address", "東京都葛\xf3\xa0\x84\x80飾区立石五丁目");
    assert_render_error (MADO_DOCUMENT_TENNYU, n, MADO_PRINT_ERROR_UNSUPPORTED_VARIATION,
                         "U+845B U+E0100 in entered.new_address");
  }
  {
    /* 葛 + U+E0102 is registered (mj022335): accepted */
    g_autoptr (JsonNode) n = load_sample ("tennyu.json");
    JsonObject *in = json_object_get_object_member (json_node_get_object (n), "entered");
    json_object_set_string_member (in, "new_address", "東京都葛\xf3\xa0\x84\x82飾区立石五丁目");
    g_autoptr (GError) error = NULL;
    g_autofree char *pdf = out_path ("vs-ok.pdf");
    g_assert_true (render_node (MADO_DOCUMENT_TENNYU, n, FALSE, pdf, &error));
    g_assert_no_error (error);
  }
  {
    /* a selector with nothing before it */
    g_autoptr (JsonNode) n = load_sample ("ticket.json");
    json_object_set_string_member (json_node_get_object (n), "service", "\xef\xb8\x80証明書");
    assert_render_error (MADO_DOCUMENT_TICKET, n, MADO_PRINT_ERROR_UNSUPPORTED_VARIATION,
                         "U+FE00 in service");
  }
  {
    g_autoptr (GError) error = NULL;
    const char *const families[] = { "IPAmjMincho", "No Such MJ Plus Font", NULL };
    MadoRendererOptions o = { families, NULL, NULL };
    g_autoptr (MadoRenderer) r = mado_renderer_new (&o, &error);
    g_assert_null (r);
    g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_FONT);
    g_assert_nonnull (strstr (error->message, "No Such MJ Plus Font"));
  }
}

/* The registered 字体 is what prints: 葛 alone (mj022336) and 葛 U+E0102 (mj022335) must give
 * different pixels in the name's cell. Were the selector dropped or shaped to the base glyph
 * (reference §6), the crops would be identical. */
static void
test_variant_printed (void)
{
  static const char *const names[] = { "葛 太郎", "葛\xf3\xa0\x84\x82 太郎" };
  char *crops[2] = { NULL, NULL }; /* freed below: g_autofree would free only the first */
  for (int v = 0; v < 2; v++)
    {
      g_autoptr (JsonNode) n = load_sample ("kisai_jiko.json");
      g_autoptr (GError) error = NULL;
      g_autofree char *pdf = out_path (v == 0 ? "base.pdf" : "variant.pdf");
      json_object_set_string_member (person (n, 0), "name", names[v]);
      g_assert_true (render_node (MADO_DOCUMENT_KISAI_JIKO, n, FALSE, pdf, &error));
      g_assert_no_error (error);
      /* the first person's 氏名 cell, at 150 dpi */
      g_autofree char *cmd = g_strdup_printf (
          "pdftoppm -r 150 -gray -x 80 -y 320 -W 250 -H 60 '%s' | od -An -tx1 | tr -d ' \n'", pdf);
      crops[v] = run (cmd);
      g_assert_cmpuint (strlen (crops[v]), >, 1000);
    }
  g_assert_cmpstr (crops[0], !=, crops[1]);
  g_free (crops[0]);
  g_free (crops[1]);
}

static void
test_too_long (void)
{
  g_autoptr (JsonNode) n = load_sample ("juminhyo.json");
  g_autoptr (GString) name = g_string_new ("髙橋 ");
  for (int i = 0; i < 60; i++)
    g_string_append (name, "寿限無");
  json_object_set_string_member (person (n, 1), "name", name->str);
  assert_render_error (MADO_DOCUMENT_JUMINHYO, n, MADO_PRINT_ERROR_TOO_LONG, "persons[1].name");

  /* a long name that shrinks (and wraps) still prints, whole */
  g_autoptr (JsonNode) m = load_sample ("juminhyo.json");
  const char *longer = "髙橋 アレクサンドラ・エリザベス・ヴィクトリア・マルガリータ";
  json_object_set_string_member (person (m, 1), "name", longer);
  g_autoptr (GError) error = NULL;
  g_autofree char *pdf = out_path ("long.pdf");
  g_assert_true (render_node (MADO_DOCUMENT_JUMINHYO, m, FALSE, pdf, &error));
  g_assert_no_error (error);
  g_autofree char *cmd = g_strdup_printf ("pdftotext '%s' - | tr -d ' \\n'", pdf);
  g_autofree char *text = run (cmd);
  g_assert_nonnull (strstr (text, "アレクサンドラ・エリザベス・ヴィクトリア・マルガリータ"));
}

static void
test_key_required (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = sample_path ("juminhyo.json");
  g_autofree char *pdf = out_path ("unsigned.pdf");
  g_autoptr (MadoDocument) doc = mado_document_new_from_file ("juminhyo", path, &error);
  g_assert_false (mado_renderer_render (renderer, doc, NULL, FALSE, pdf, &error));
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_KEY);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

/* ---- every kind, read back ---- */

typedef struct
{
  const char *kind, *sample;
  const char *const *texts; /* in pdftotext -layout output, spaces removed */
  int pages;
  gboolean signed_qr;
} KindCase;

static const char *const juminhyo_texts[] = { "住民票の写し",
                                              "髙橋健一（タカハシケンイチ）",
                                              "𠮷田ハル",
                                              "昭和16年3月頃",
                                              "渡邉\xf3\xa0\x84\x90方",
                                              "九段グリーンハイツ501号室",
                                              "発行番号20261126-131016-K01-P001-0123",
                                              "発行番号20261126-131016-K01-P001-0124",
                                              "ページ1/2",
                                              "ページ2/2",
                                              "見本・テスト",
                                              "この写しは、住民票の原本と相違ないことを証明する。",
                                              "令和8年11月26日",
                                              "千代田区長",
                                              "本籍",
                                              "筆頭者",
                                              NULL };
static const char *const kojin_texts[]
    = { "住民票の写し", "個人番号", "123456789018", "ページ1/1", "世帯主", NULL };
static const char *const kisai_texts[]
    = { "住民票記載事項証明書", "佐藤花子", "勤務先への提出",
        "上記の事項は、住民票に記載されていることを証明する。", NULL };
static const char *const inkan_texts[]
    = { "印鑑登録証明書", "山田太郎（ヤマダタロウ）", "000482", "昭和60年4月12日", "印影", NULL };
static const char *const tennyu_texts[]
    = { "住民異動届（転入届）",          "鈴木一郎", "鈴木葵", "富士見テラス1203", "届出人署名",
        "下書き番号D-20261126-K01-0007", NULL };
static const char *const tenshutsu_texts[]
    = { "住民異動届（転出届）", "転出予定日", "令和8年12月15日", "福岡県福岡市博多区", NULL };
static const char *const tenkyo_texts[]
    = { "住民異動届（転居届）", "渡邉\xf3\xa0\x84\x90直子", "2年2月29日", NULL };
static const char *const setai_texts[]
    = { "住民異動届（世帯変更届）", "世帯分離", "小林拓也", NULL };
static const char *const ticket_texts[]
    = { "A-023", "住民票・印鑑証明などの証明書", "4人お待ちです", "9:41", NULL };

static const KindCase kind_cases[] = {
  { "juminhyo", "juminhyo.json", juminhyo_texts, 4, TRUE },
  { "juminhyo", "juminhyo-kojin.json", kojin_texts, 1, TRUE },
  { "kisai_jiko", "kisai_jiko.json", kisai_texts, 1, TRUE },
  { "inkan", "inkan.json", inkan_texts, 1, TRUE },
  { "tennyu", "tennyu.json", tennyu_texts, 1, TRUE },
  { "tenshutsu", "tenshutsu.json", tenshutsu_texts, 1, TRUE },
  { "tenkyo", "tenkyo.json", tenkyo_texts, 1, TRUE },
  { "setai_henko", "setai_henko.json", setai_texts, 1, TRUE },
  { "ticket", "ticket.json", ticket_texts, 1, FALSE },
};

static void
test_kind (gconstpointer data)
{
  const KindCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = sample_path (c->sample);
  g_autofree char *pdf = out_path (c->sample);
  g_autoptr (MadoDocument) doc = mado_document_new_from_file (c->kind, path, &error);
  g_assert_no_error (error);
  g_assert_true (
      mado_renderer_render (renderer, doc, c->signed_qr ? key : NULL, FALSE, pdf, &error));
  g_assert_no_error (error);

  /* the text, with the layout's spaces removed */
  g_autofree char *cmd = g_strdup_printf ("pdftotext -layout '%s' - | tr -d ' '", pdf);
  g_autofree char *text = run (cmd);
  for (guint i = 0; c->texts[i] != NULL; i++)
    if (strstr (text, c->texts[i]) == NULL)
      g_error ("%s: “%s” not in the text:\n%s", c->sample, c->texts[i], text);

  /* pages */
  g_autofree char *info_cmd = g_strdup_printf ("pdfinfo '%s' | sed -n 's/^Pages: *//p'", pdf);
  g_autofree char *pages = run (info_cmd);
  g_assert_cmpint (atoi (pages), ==, c->pages);

  /* the fonts: IPAmj明朝 for names and addresses (not on a ticket), Noto CJK for the rest,
   * all embedded */
  g_autofree char *fcmd = g_strdup_printf ("pdffonts '%s'", pdf);
  g_autofree char *fonts = run (fcmd);
  g_assert_nonnull (strstr (fonts, "NotoSansCJKjp"));
  if (!g_str_equal (c->kind, "ticket"))
    g_assert_nonnull (strstr (fonts, "IPAmjMincho"));
  g_auto (GStrv) lines = g_strsplit (fonts, "\n", -1);
  for (guint i = 2; lines[i] != NULL && lines[i][0] != '\0'; i++)
    if (strstr (lines[i], " yes ") == NULL || strstr (lines[i], " no ") != NULL)
      g_error ("%s: font not embedded (with ToUnicode): %s", c->sample, lines[i]);

  /* the QR codes, from a 200 dpi raster, one per copy */
  g_autofree char *zcmd = g_strdup_printf (
      "cd '%s' && rm -f qr-*.png && pdftoppm -r 200 -png '%s' qr && for f in qr-*.png; do zbarimg "
      "-q --raw \"$f\"; done",
      tmpdir, pdf);
  g_autofree char *qr = run (zcmd);
  g_auto (GStrv) codes = g_strsplit (g_strstrip (qr), "\n", -1);
  if (!c->signed_qr)
    {
      g_assert_cmpuint (g_strv_length (codes), ==, 1);
      g_assert_cmpstr (codes[0], ==, "https://madoguchi.example.jp/t/q7Xk2mP9vRt4LwZ8nB3c");
      return;
    }

  JsonArray *copies = json_object_has_member (mado_document_get_root (doc), "copies")
                          ? json_object_get_array_member (mado_document_get_root (doc), "copies")
                          : NULL;
  guint n_copies = copies != NULL ? json_array_get_length (copies) : 1;
  g_assert_cmpuint (g_strv_length (codes), ==, n_copies);
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  g_ptr_array_add (keys, key);
  guint8 digest[32];
  mado_canonical_json_digest (mado_document_get_node (doc), digest);
  for (guint i = 0; i < n_copies; i++)
    {
      g_assert_true (g_str_has_prefix (codes[i], "MDG1."));
      g_autoptr (MadoQrClaims) claims = mado_signed_qr_decode (codes[i], keys, &error);
      g_assert_no_error (error);
      const char *number
          = copies != NULL
                ? json_object_get_string_member (json_array_get_object_element (copies, i),
                                                 "issue_number")
                : json_object_get_string_member (mado_document_get_root (doc), "draft_id");
      g_assert_cmpstr (claims->issue_number, ==, number);
      g_assert_cmpstr (claims->date, ==, "2026-11-26");
      g_assert_cmpstr (claims->office, ==, "131016");
      g_assert_cmpmem (claims->digest, 32, digest, 32);
      g_assert_cmpint (claims->has_card_link, ==,
                       mado_document_kind_is_certificate (mado_document_get_kind (doc)));
    }

  /* the canonical content travels in the PDF */
  g_autoptr (GBytes) attached = mado_pdf_read_attachment (pdf, MADO_PDF_CONTENT_NAME, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) canonical = mado_canonical_json (mado_document_get_node (doc));
  g_assert_true (g_bytes_equal (attached, canonical));
}

static void
test_test_mode (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pdf = out_path ("plain.pdf");
  g_autofree char *pdf2 = out_path ("flagged.pdf");
  g_autoptr (JsonNode) n = load_sample ("juminhyo.json");
  JsonObject *root = json_node_get_object (n);

  /* off in the data and not asked: no mark; and the items not asked for are not printed */
  json_object_set_boolean_member (root, "test_mode", FALSE);
  JsonObject *opt = json_object_get_object_member (root, "options");
  json_object_set_boolean_member (opt, "honseki_hittosha", FALSE);
  json_object_set_boolean_member (opt, "furigana", FALSE);
  g_assert_true (render_node (MADO_DOCUMENT_JUMINHYO, n, FALSE, pdf, &error));
  g_assert_no_error (error);
  g_autofree char *cmd = g_strdup_printf ("pdftotext -layout '%s' - | tr -d ' '", pdf);
  g_autofree char *text = run (cmd);
  g_assert_null (strstr (text, "見本・テスト"));
  g_assert_null (strstr (text, "本籍"));
  g_assert_null (strstr (text, "筆頭者"));
  g_assert_null (strstr (text, "タカハシ"));
  g_assert_null (strstr (text, "個人番号"));
  g_assert_null (strstr (text, "住民票コード"));
  g_assert_nonnull (strstr (text, "髙橋健一"));

  /* asked by the renderer's flag (--test-mode): the mark on every page */
  g_assert_true (render_node (MADO_DOCUMENT_JUMINHYO, n, TRUE, pdf2, &error));
  g_assert_no_error (error);
  for (int page = 1; page <= 4; page++)
    {
      g_autofree char *pcmd
          = g_strdup_printf ("pdftotext -f %d -l %d '%s' - | tr -d ' '", page, page, pdf2);
      g_autofree char *ptext = run (pcmd);
      g_assert_nonnull (strstr (ptext, "見本・テスト"));
    }
}

typedef struct
{
  gboolean done, ok;
  GError *error;
} AsyncResult;

static void
render_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncResult *r = user_data;
  r->ok = mado_renderer_render_finish (renderer, result, &r->error);
  r->done = TRUE;
  g_main_context_wakeup (NULL);
}

static void
test_async (void)
{
  g_autoptr (GError) error = NULL;
  AsyncResult r = { FALSE, FALSE, NULL };
  g_autofree char *path = sample_path ("ticket.json");
  g_autofree char *pdf = out_path ("async.pdf");
  g_autoptr (MadoDocument) doc = mado_document_new_from_file ("ticket", path, &error);
  mado_renderer_render_async (renderer, doc, NULL, FALSE, pdf, NULL, render_done, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_test_init (&argc, &argv, NULL);

  key = EVP_EC_gen ("P-256");
  g_assert_nonnull (key);
  renderer = mado_renderer_new (NULL, &error);
  g_assert_no_error (error);
  tmpdir = g_dir_make_tmp ("mado-print-test-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/print/dates", test_dates);
  g_test_add_func ("/print/samples-valid", test_samples_valid);
  g_test_add_func ("/print/schema-errors", test_schema_errors);
  g_test_add_func ("/print/characters", test_characters);
  g_test_add_func ("/print/variant-printed", test_variant_printed);
  g_test_add_func ("/print/too-long", test_too_long);
  g_test_add_func ("/print/key-required", test_key_required);
  for (gsize i = 0; i < G_N_ELEMENTS (kind_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/print/render/%s", kind_cases[i].sample);
      g_test_add_data_func (name, &kind_cases[i], test_kind);
    }
  g_test_add_func ("/print/test-mode", test_test_mode);
  g_test_add_func ("/print/async", test_async);
  int status = g_test_run ();

  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", tmpdir);
  g_free (run (rm));
  mado_renderer_free (renderer);
  EVP_PKEY_free (key);
  g_free (tmpdir);
  return status;
}
