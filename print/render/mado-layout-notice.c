/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-layout-notice.c — the pre-filled move notices (転入届, 転出届, 転居届, 世帯変更届): what the
 * card gave, what the resident entered, the members who move, a signature box, and the QR code of
 * exactly the confirmed fields, signed with the kiosk's key. One A4 page.
 */
#include "mado-print-error.h"
#include "mado-render-private.h"

#define MAX_MEMBERS 8

static gboolean
heading (MadoRenderContext *ctx, const char *text, double *y, GError **error)
{
  cairo_set_source_rgb (ctx->cr, 0, 0, 0);
  if (mado_render_text (ctx, MADO_FONT_BOLD, 10, text, MADO_MARGIN, *y,
                        ctx->page_width - 2 * MADO_MARGIN, MADO_ALIGN_LEFT, error)
      < 0)
    return FALSE;
  *y += 16;
  return TRUE;
}

static char *
with_katagaki (const char *address, const char *katagaki)
{
  return g_strconcat (address, katagaki != NULL ? "　" : "", katagaki != NULL ? katagaki : "",
                      NULL);
}

gboolean
mado_layout_notice (MadoRenderContext *ctx, GError **error)
{
  JsonObject *card = mado_json_get_object (ctx->root, "card");
  JsonObject *in = mado_json_get_object (ctx->root, "entered");
  JsonObject *office = mado_json_get_object (ctx->root, "office");
  JsonArray *members = mado_json_get_array (ctx->root, "members");
  guint n = json_array_get_length (members);
  double x = MADO_MARGIN, w = ctx->page_width - 2 * MADO_MARGIN, y = 30;
  MadoFontRole N = MADO_FONT_NAME, S = MADO_FONT_SANS;
  g_autofree char *title
      = g_strdup_printf ("住民異動届（%s）", mado_document_kind_get_title (ctx->kind));
  g_autofree char *date = mado_json_format_date (ctx->root, "date", MADO_DATE_STYLE_WAREKI);
  g_autofree char *card_birth = mado_json_format_date (card, "birth_date", MADO_DATE_STYLE_WAREKI);
  g_autofree char *move_date = mado_json_format_date (in, "move_date", MADO_DATE_STYLE_WAREKI);
  const char *kojin_bango = mado_json_get_string (card, "kojin_bango");

  if (n > MAX_MEMBERS)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_TOO_LONG,
                   "members: %u persons, the form holds %d (the counter completes the rest)", n,
                   MAX_MEMBERS);
      return FALSE;
    }

  mado_render_page_begin (ctx);
  cairo_set_source_rgb (ctx->cr, 0, 0, 0);
  if (mado_render_text (ctx, MADO_FONT_SERIF_BOLD, 20, title, x, y, w, MADO_ALIGN_CENTER, error) < 0
      || mado_render_text (
             ctx, S, 8.5,
             "窓口端末で作成した届書の下書きです。内容をご確認のうえ、署名欄に自署してください。",
             x, y + 32, w, MADO_ALIGN_CENTER, error)
             < 0)
    return FALSE;
  y = 80;
  if (!mado_render_cell (ctx, x, y, w * 0.5, 26, "届出日", date, S, 11, 8, 1, "date", error)
      || !mado_render_cell (ctx, x + w * 0.5, y, w * 0.5, 26, "届出先",
                            mado_json_get_string (office, "name"), S, 11, 8, 1, "office.name",
                            error))
    return FALSE;
  y += 32;

  if (!heading (ctx, "個人番号カードから読み取った事項", &y, error)
      || !mado_render_cell (ctx, x, y, w * 0.5, 34, "氏名", mado_json_get_string (card, "name"), N,
                            13, 8, 2, "card.name", error)
      || !mado_render_cell (ctx, x + w * 0.5, y, w * 0.3, 34, "生年月日", card_birth, S, 11, 8, 1,
                            "card.birth_date", error)
      || !mado_render_cell (ctx, x + w * 0.8, y, w * 0.2, 34, "性別",
                            mado_sex_label (mado_json_get_string (card, "sex")), S, 11, 8, 1,
                            "card.sex", error))
    return FALSE;
  y += 34;
  if (!mado_render_cell (ctx, x, y, w, 32, "住所（カード記載）",
                         mado_json_get_string (card, "address"), N, 11, 7, 2, "card.address",
                         error))
    return FALSE;
  y += 32;
  if (kojin_bango != NULL)
    {
      if (!mado_render_cell (ctx, x, y, w * 0.5, 24, "個人番号", kojin_bango, S, 11, 8, 1,
                             "card.kojin_bango", error))
        return FALSE;
      y += 24;
    }
  y += 8;

  if (!heading (ctx, "ご本人が入力した事項", &y, error))
    return FALSE;
  const char *date_label = ctx->kind == MADO_DOCUMENT_TENSHUTSU ? "転出予定日"
                           : ctx->kind == MADO_DOCUMENT_TENNYU  ? "転入した日"
                           : ctx->kind == MADO_DOCUMENT_TENKYO  ? "転居した日"
                                                                : "変更の日";
  if (!mado_render_cell (ctx, x, y, w * 0.3, 30, date_label, move_date, S, 11, 8, 1,
                         "entered.move_date", error)
      || !mado_render_cell (ctx, x + w * 0.3, y, w * 0.4, 30, "新しい世帯主",
                            mado_json_get_string (in, "new_head_name"), N, 12, 8, 1,
                            "entered.new_head_name", error)
      || !mado_render_cell (ctx, x + w * 0.7, y, w * 0.3, 30, "日中の連絡先",
                            mado_json_get_string (in, "phone"), S, 11, 8, 1, "entered.phone",
                            error))
    return FALSE;
  y += 30;
  if (ctx->kind == MADO_DOCUMENT_TENNYU)
    {
      if (!mado_render_cell (ctx, x, y, w, 34, "前住所",
                             mado_json_get_string (in, "previous_address"), N, 11, 7, 2,
                             "entered.previous_address", error))
        return FALSE;
      y += 34;
    }
  if (ctx->kind == MADO_DOCUMENT_SETAI_HENKO)
    {
      if (!mado_render_cell (ctx, x, y, w, 34, "変更の内容", mado_json_get_string (in, "reason"), S,
                             11, 7, 2, "entered.reason", error))
        return FALSE;
      y += 34;
    }
  else
    {
      g_autofree char *addr = with_katagaki (mado_json_get_string (in, "new_address"),
                                             mado_json_get_string (in, "new_katagaki"));
      if (!mado_render_cell (ctx, x, y, w, 34,
                             ctx->kind == MADO_DOCUMENT_TENSHUTSU ? "転出先の住所" : "新しい住所",
                             addr, N, 11, 7, 2, "entered.new_address", error))
        return FALSE;
      y += 34;
    }
  y += 8;

  if (!heading (ctx, "異動する方", &y, error))
    return FALSE;
  static const char *const cols[] = { "氏名", "フリガナ", "生年月日", "性別", "続柄" };
  static const double share[] = { 0.30, 0.25, 0.22, 0.08, 0.15 };
  double cx = x;
  for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
    {
      mado_render_frame (ctx, cx, y, w * share[c], 16, 0.5);
      cairo_set_source_rgb (ctx->cr, 0.25, 0.25, 0.25);
      if (mado_render_text (ctx, S, 8, cols[c], cx, y + 3, w * share[c], MADO_ALIGN_CENTER, error)
          < 0)
        return FALSE;
      cx += w * share[c];
    }
  y += 16;
  for (guint i = 0; i < MAX_MEMBERS; i++)
    {
      JsonObject *m = i < n ? json_array_get_object_element (members, i) : NULL;
      g_autofree char *birth = m != NULL ? mado_json_format_date (m, "birth_date",
                                                                  mado_json_get_bool (m, "foreign")
                                                                      ? MADO_DATE_STYLE_GREGORIAN
                                                                      : MADO_DATE_STYLE_WAREKI)
                                         : NULL;
      const char *values[]
          = { mado_json_get_string (m, "name"), mado_json_get_string (m, "furigana"), birth,
              m != NULL ? mado_sex_label (mado_json_get_string (m, "sex")) : NULL,
              mado_json_get_string (m, "relationship") };
      static const char *const members_field[]
          = { "name", "furigana", "birth_date", "sex", "relationship" };
      cx = x;
      for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
        {
          g_autofree char *field = g_strdup_printf ("members[%u].%s", i, members_field[c]);
          double cw = w * share[c];
          mado_render_frame (ctx, cx, y, cw, 24, 0.5);
          cairo_set_source_rgb (ctx->cr, 0, 0, 0);
          if (values[c] != NULL
              && !mado_render_fit (ctx, c <= 1 ? N : S, values[c], field, c == 0 ? 11 : 9.5, 6, 2,
                                   cx + 3, y + 2, cw - 6, 20, MADO_ALIGN_LEFT, error))
            return FALSE;
          cx += cw;
        }
      y += 24;
    }

  /* the signature box and the signed QR code of the confirmed fields */
  y = 640;
  mado_render_frame (ctx, x, y, 320, 76, 0.8);
  cairo_set_source_rgb (ctx->cr, 0.25, 0.25, 0.25);
  if (mado_render_text (ctx, S, 8, "届出人署名（自署）", x + 4, y + 3, 200, MADO_ALIGN_LEFT, error)
      < 0)
    return FALSE;
  cairo_set_source_rgb (ctx->cr, 0, 0, 0);
  if (!mado_render_qr (ctx, ctx->page_width - MADO_MARGIN - 100, y - 10, 100,
                       "確認済みの内容（端末の署名付き）", error))
    return FALSE;
  return mado_render_page_end (ctx, error);
}
