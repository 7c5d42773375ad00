/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-layout-juminhyo.c — 住民票の写し in its two layouts, 世帯連記式 (four persons to an A4 page)
 * and 個人票 (one person to a page), and 住民票記載事項証明書 (世帯連記式 blocks). The items the
 * options leave out are not printed at all; 認証文, 公印 and the QR code go on the last page of
 * each copy.
 */
#include <string.h>

#include "mado-print-error.h"
#include "mado-render-private.h"

#define PERSONS_PER_PAGE 4
#define BLOCK_SLOT 135.0
#define FOOTER_TOP 694.0

typedef struct
{
  gboolean head, honseki, code, number, furigana;
} Options;

static Options
read_options (MadoRenderContext *ctx)
{
  JsonObject *o = mado_json_get_object (ctx->root, "options");
  Options opt = {
    mado_json_get_bool (o, "setai_nushi_zokugara"),
    mado_json_get_bool (o, "honseki_hittosha"),
    mado_json_get_bool (o, "juminhyo_code"),
    mado_json_get_bool (o, "kojin_bango"),
    mado_json_get_bool (o, "furigana"),
  };
  return opt;
}

static gboolean
is_kojin (MadoRenderContext *ctx)
{
  return ctx->kind == MADO_DOCUMENT_JUMINHYO
         && g_strcmp0 (mado_json_get_string (ctx->root, "layout"), "kojin") == 0;
}

int
mado_layout_juminhyo_page_count (MadoRenderContext *ctx)
{
  guint n = json_array_get_length (mado_json_get_array (ctx->root, "persons"));
  return is_kojin (ctx) ? (int)n : (int)((n + PERSONS_PER_PAGE - 1) / PERSONS_PER_PAGE);
}

/* 「住民 太郎（ジュウミン タロウ）」: the reading in katakana in parentheses after the name. */
static char *
name_with_reading (JsonObject *p, const Options *opt)
{
  const char *furigana = mado_json_get_string (p, "furigana");
  if (opt->furigana && furigana != NULL)
    return g_strdup_printf ("%s（%s）", mado_json_get_string (p, "name"), furigana);
  return g_strdup (mado_json_get_string (p, "name"));
}

static char *
household_address (MadoRenderContext *ctx)
{
  JsonObject *h = mado_json_get_object (ctx->root, "household");
  const char *katagaki = mado_json_get_string (h, "katagaki");
  return g_strconcat (mado_json_get_string (h, "address"), katagaki != NULL ? "　" : "",
                      katagaki != NULL ? katagaki : "", NULL);
}

static MadoDateStyle
birth_style (JsonObject *p)
{
  /* foreign residents' 生年月日 in 西暦, everything else in 和暦 (standard j90) */
  return mado_json_get_bool (p, "foreign") ? MADO_DATE_STYLE_GREGORIAN : MADO_DATE_STYLE_WAREKI;
}

typedef struct
{
  const char *label;
  char *value;
  MadoFontRole role;
  double size, min_size;
  int lines;
  char *field;
  double weight; /* share of the row's width */
} Cell;

static void
cell_clear (Cell *c)
{
  g_free (c->value);
  g_free (c->field);
}

static gboolean
draw_row (MadoRenderContext *ctx, double x, double y, double width, double h, Cell *cells, guint n,
          GError **error)
{
  double total = 0;
  gboolean ok = TRUE;
  for (guint i = 0; i < n; i++)
    total += cells[i].weight;
  for (guint i = 0; i < n && ok; i++)
    {
      double w = width * cells[i].weight / total;
      ok = mado_render_cell (ctx, x, y, w, h, cells[i].label, cells[i].value, cells[i].role,
                             cells[i].size, cells[i].min_size, cells[i].lines, cells[i].field,
                             error);
      x += w;
    }
  for (guint i = 0; i < n; i++)
    cell_clear (&cells[i]);
  return ok;
}

#define CELL(L, V, R, S, M, N, F, W) ((Cell){ (L), (V), (R), (S), (M), (N), (F), (W) })
#define FIELD(i, m) g_strdup_printf ("persons[%d].%s", (i), (m))

/* One person of the 世帯連記式: at most 134 pt high. */
static gboolean
person_block (MadoRenderContext *ctx, JsonObject *p, int i, const Options *opt, double y,
              GError **error)
{
  double x = MADO_MARGIN, w = ctx->page_width - 2 * MADO_MARGIN;
  Cell row[4];
  guint n = 0;

  row[0] = CELL ("氏名", name_with_reading (p, opt), MADO_FONT_NAME, 12.0, 7.0, 2,
                 FIELD (i, "name"), 0.52);
  row[1] = CELL ("生年月日", mado_json_format_date (p, "birth_date", birth_style (p)),
                 MADO_FONT_SANS, 10.0, 7.0, 1, FIELD (i, "birth_date"), 0.30);
  row[2] = CELL ("性別", g_strdup (mado_sex_label (mado_json_get_string (p, "sex"))),
                 MADO_FONT_SANS, 10.0, 7.0, 1, FIELD (i, "sex"), 0.18);
  if (!draw_row (ctx, x, y, w, 34, row, 3, error))
    return FALSE;
  y += 34;

  n = 0;
  if (opt->head)
    row[n++] = CELL ("続柄", g_strdup (mado_json_get_string (p, "relationship")), MADO_FONT_SANS,
                     10.0, 6.0, 1, FIELD (i, "relationship"), 1);
  row[n++] = CELL ("住民となった年月日",
                   mado_json_format_date (p, "resident_since", MADO_DATE_STYLE_WAREKI),
                   MADO_FONT_SANS, 9.5, 6.5, 1, FIELD (i, "resident_since"), 1);
  row[n++] = CELL ("住所を定めた年月日",
                   mado_json_format_date (p, "address_since", MADO_DATE_STYLE_WAREKI),
                   MADO_FONT_SANS, 9.5, 6.5, 1, FIELD (i, "address_since"), 1);
  row[n++] = CELL ("届出日", mado_json_format_date (p, "notified_on", MADO_DATE_STYLE_WAREKI),
                   MADO_FONT_SANS, 9.5, 6.5, 1, FIELD (i, "notified_on"), 1);
  if (!draw_row (ctx, x, y, w, 24, row, n, error))
    return FALSE;
  y += 24;

  row[0] = CELL ("転入前住所", g_strdup (mado_json_get_string (p, "previous_address")),
                 MADO_FONT_NAME, 9.5, 6.0, 2, FIELD (i, "previous_address"), 1);
  if (!draw_row (ctx, x, y, w, 26, row, 1, error))
    return FALSE;
  y += 26;

  if (opt->honseki)
    {
      row[0] = CELL ("本籍", g_strdup (mado_json_get_string (p, "honseki")), MADO_FONT_NAME, 9.5,
                     6.0, 2, FIELD (i, "honseki"), 0.68);
      row[1] = CELL ("筆頭者", g_strdup (mado_json_get_string (p, "hittosha")), MADO_FONT_NAME,
                     10.0, 6.0, 2, FIELD (i, "hittosha"), 0.32);
      if (!draw_row (ctx, x, y, w, 26, row, 2, error))
        return FALSE;
      y += 26;
    }

  n = 0;
  if (opt->code)
    row[n++] = CELL ("住民票コード", g_strdup (mado_json_get_string (p, "juminhyo_code")),
                     MADO_FONT_SANS, 9.5, 7.0, 1, FIELD (i, "juminhyo_code"), 0.22);
  if (opt->number)
    row[n++] = CELL ("個人番号", g_strdup (mado_json_get_string (p, "kojin_bango")), MADO_FONT_SANS,
                     9.5, 7.0, 1, FIELD (i, "kojin_bango"), 0.24);
  row[n++]
      = CELL ("備考", g_strdup (mado_json_get_string (p, "remarks")), MADO_FONT_SANS, 8.5, 6.0, 2,
              FIELD (i, "remarks"), 1.0 - (opt->code ? 0.22 : 0) - (opt->number ? 0.24 : 0));
  if (!draw_row (ctx, x, y, w, 24, row, n, error))
    return FALSE;
  return TRUE;
}

/* One 個人票 page: label column and value column. */
static gboolean
kojin_row (MadoRenderContext *ctx, double *y, double h, const char *label, char *value,
           MadoFontRole role, double size, double min_size, int lines, char *field, GError **error)
{
  double x = MADO_MARGIN, w = ctx->page_width - 2 * MADO_MARGIN, lw = 110;
  gboolean ok;

  mado_render_frame (ctx, x, *y, lw, h, 0.5);
  mado_render_frame (ctx, x + lw, *y, w - lw, h, 0.5);
  cairo_set_source_rgb (ctx->cr, 0, 0, 0);
  ok = mado_render_fit (ctx, MADO_FONT_SANS, label, label, 9.5, 9.5, 1, x + 6, *y, lw - 12, h,
                        MADO_ALIGN_LEFT, error)
       && (value == NULL || *value == '\0'
           || mado_render_fit (ctx, role, value, field, size, min_size, lines, x + lw + 6, *y + 2,
                               w - lw - 12, h - 4, MADO_ALIGN_LEFT, error));
  *y += h;
  g_free (value);
  g_free (field);
  return ok;
}

static gboolean
kojin_page (MadoRenderContext *ctx, JsonObject *p, int i, const Options *opt, double y,
            GError **error)
{
  JsonObject *h = mado_json_get_object (ctx->root, "household");
  MadoFontRole N = MADO_FONT_NAME, S = MADO_FONT_SANS;

  if (!kojin_row (ctx, &y, 40, "氏名", name_with_reading (p, opt), N, 14, 8, 2, FIELD (i, "name"),
                  error)
      || !kojin_row (ctx, &y, 26, "生年月日",
                     mado_json_format_date (p, "birth_date", birth_style (p)), S, 11, 8, 1,
                     FIELD (i, "birth_date"), error)
      || !kojin_row (ctx, &y, 26, "性別",
                     g_strdup (mado_sex_label (mado_json_get_string (p, "sex"))), S, 11, 8, 1,
                     FIELD (i, "sex"), error)
      || !kojin_row (ctx, &y, 40, "住所", household_address (ctx), N, 12, 7, 2,
                     g_strdup ("household.address"), error))
    return FALSE;
  if (opt->head
      && (!kojin_row (ctx, &y, 26, "世帯主", g_strdup (mado_json_get_string (h, "head_name")), N,
                      12, 8, 1, g_strdup ("household.head_name"), error)
          || !kojin_row (ctx, &y, 26, "続柄", g_strdup (mado_json_get_string (p, "relationship")),
                         S, 11, 7, 1, FIELD (i, "relationship"), error)))
    return FALSE;
  if (!kojin_row (ctx, &y, 26, "住民となった年月日",
                  mado_json_format_date (p, "resident_since", MADO_DATE_STYLE_WAREKI), S, 11, 8, 1,
                  FIELD (i, "resident_since"), error)
      || !kojin_row (ctx, &y, 26, "住所を定めた年月日",
                     mado_json_format_date (p, "address_since", MADO_DATE_STYLE_WAREKI), S, 11, 8,
                     1, FIELD (i, "address_since"), error)
      || !kojin_row (ctx, &y, 26, "届出日",
                     mado_json_format_date (p, "notified_on", MADO_DATE_STYLE_WAREKI), S, 11, 8, 1,
                     FIELD (i, "notified_on"), error)
      || !kojin_row (ctx, &y, 36, "転入前住所",
                     g_strdup (mado_json_get_string (p, "previous_address")), N, 11, 7, 2,
                     FIELD (i, "previous_address"), error))
    return FALSE;
  if (opt->honseki
      && (!kojin_row (ctx, &y, 36, "本籍", g_strdup (mado_json_get_string (p, "honseki")), N, 11, 7,
                      2, FIELD (i, "honseki"), error)
          || !kojin_row (ctx, &y, 26, "筆頭者", g_strdup (mado_json_get_string (p, "hittosha")), N,
                         11, 7, 1, FIELD (i, "hittosha"), error)))
    return FALSE;
  if (opt->code
      && !kojin_row (ctx, &y, 26, "住民票コード",
                     g_strdup (mado_json_get_string (p, "juminhyo_code")), S, 11, 8, 1,
                     FIELD (i, "juminhyo_code"), error))
    return FALSE;
  if (opt->number
      && !kojin_row (ctx, &y, 26, "個人番号", g_strdup (mado_json_get_string (p, "kojin_bango")), S,
                     11, 8, 1, FIELD (i, "kojin_bango"), error))
    return FALSE;
  return kojin_row (ctx, &y, 36, "備考", g_strdup (mado_json_get_string (p, "remarks")), S, 10, 6.5,
                    2, FIELD (i, "remarks"), error);
}

/* Title, and for the 世帯連記式 the household's address and head. Returns the y below it. */
static double
header (MadoRenderContext *ctx, gboolean kojin, const Options *opt, GError **error)
{
  double x = MADO_MARGIN, w = ctx->page_width - 2 * MADO_MARGIN, y = 30;
  JsonObject *h = mado_json_get_object (ctx->root, "household");
  const char *purpose = mado_json_get_string (ctx->root, "purpose");

  cairo_set_source_rgb (ctx->cr, 0, 0, 0);
  if (mado_render_text (ctx, MADO_FONT_SERIF_BOLD, 22, mado_document_kind_get_title (ctx->kind), x,
                        y, w, MADO_ALIGN_CENTER, error)
      < 0)
    return -1;
  y += 38;
  if (purpose != NULL)
    {
      g_autofree char *line = g_strconcat ("使用目的　", purpose, NULL);
      if (!mado_render_fit (ctx, MADO_FONT_SANS, line, "purpose", 9, 7, 1, x, y - 8, w, 12,
                            MADO_ALIGN_LEFT, error))
        return -1;
      y += 8;
    }
  if (kojin)
    return y + 6;

  g_autofree char *address = household_address (ctx);
  if (!mado_render_cell (ctx, x, y, w, 38, "住所", address, MADO_FONT_NAME, 12, 7, 2,
                         "household.address", error))
    return -1;
  y += 38;
  if (opt->head)
    {
      if (!mado_render_cell (ctx, x, y, w * 0.52, 26, "世帯主",
                             mado_json_get_string (h, "head_name"), MADO_FONT_NAME, 12, 8, 1,
                             "household.head_name", error))
        return -1;
      y += 26;
    }
  return y + 6;
}

gboolean
mado_layout_juminhyo (MadoRenderContext *ctx, GError **error)
{
  JsonArray *persons = mado_json_get_array (ctx->root, "persons");
  guint n = json_array_get_length (persons);
  gboolean kojin = is_kojin (ctx);
  Options opt = read_options (ctx);

  ctx->page_count = mado_layout_juminhyo_page_count (ctx);
  for (ctx->page = 1; ctx->page <= ctx->page_count; ctx->page++)
    {
      mado_render_page_begin (ctx);
      double y = header (ctx, kojin, &opt, error);
      if (y < 0)
        return FALSE;
      if (kojin)
        {
          int i = ctx->page - 1;
          if (!kojin_page (ctx, json_array_get_object_element (persons, (guint)i), i, &opt, y,
                           error))
            return FALSE;
        }
      else
        for (guint k = 0; k < PERSONS_PER_PAGE; k++)
          {
            guint i = (guint)(ctx->page - 1) * PERSONS_PER_PAGE + k;
            if (i >= n)
              break;
            if (!person_block (ctx, json_array_get_object_element (persons, i), (int)i, &opt,
                               y + k * BLOCK_SLOT, error))
              return FALSE;
          }

      if (ctx->page < ctx->page_count)
        {
          cairo_set_source_rgb (ctx->cr, 0, 0, 0);
          if (mado_render_text (ctx, MADO_FONT_SANS, 9, "（次ページに続く）", MADO_MARGIN,
                                FOOTER_TOP, ctx->page_width - 2 * MADO_MARGIN, MADO_ALIGN_RIGHT,
                                error)
              < 0)
            return FALSE;
        }
      else if (!mado_render_attestation (
                   ctx,
                   ctx->kind == MADO_DOCUMENT_KISAI_JIKO
                       ? "上記の事項は、住民票に記載されていることを証明する。"
                       : "この写しは、住民票の原本と相違ないことを証明する。",
                   FOOTER_TOP, error))
        return FALSE;
      if (!mado_render_page_end (ctx, error))
        return FALSE;
    }
  return TRUE;
}
