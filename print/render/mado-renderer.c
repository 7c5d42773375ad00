/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-renderer.c — the renderer: fonts, the character check, pages, the shared drawing helpers
 * the layouts use, the signed QR per copy, the PDF and its attachment.
 */
#include "mado-renderer.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>
#include <string.h>
#include <unistd.h>

#include "mado-antiforgery.h"
#include "mado-canonical-json.h"
#include "mado-fonts.h"
#include "mado-pdf-attachment.h"
#include "mado-print-error.h"
#include "mado-render-private.h"
#include "mado-signed-qr.h"

struct _MadoRenderer
{
  GMutex lock;
  MadoFontSet *names; /* names and addresses */
  MadoFontSet *text;  /* other text (sans) */
  MadoFontSet *serif;
  char *sans_family;
  char *serif_family;
  PangoFontMap *fontmap;
};

static const char *const default_name_families[] = { "IPAmjMincho", NULL };

MadoRenderer *
mado_renderer_new (const MadoRendererOptions *options, GError **error)
{
  MadoRendererOptions defaults = { 0 };
  const MadoRendererOptions *o = options != NULL ? options : &defaults;
  g_autoptr (MadoRenderer) r = g_new0 (MadoRenderer, 1);

  g_mutex_init (&r->lock);
  r->sans_family = g_strdup (o->sans_family != NULL ? o->sans_family : "Noto Sans CJK JP");
  r->serif_family = g_strdup (o->serif_family != NULL ? o->serif_family : "Noto Serif CJK JP");
  const char *const sans[] = { r->sans_family, NULL };
  const char *const serif[] = { r->serif_family, NULL };
  r->names = mado_font_set_new (o->name_families != NULL && o->name_families[0] != NULL
                                    ? o->name_families
                                    : default_name_families,
                                error);
  if (r->names == NULL)
    return NULL;
  r->text = mado_font_set_new (sans, error);
  if (r->text == NULL)
    return NULL;
  r->serif = mado_font_set_new (serif, error);
  if (r->serif == NULL)
    return NULL;
  r->fontmap = pango_cairo_font_map_new ();
  pango_cairo_font_map_set_resolution (PANGO_CAIRO_FONT_MAP (r->fontmap), 72.0);
  return g_steal_pointer (&r);
}

void
mado_renderer_free (MadoRenderer *r)
{
  if (r == NULL)
    return;
  g_clear_object (&r->fontmap);
  g_clear_pointer (&r->names, mado_font_set_free);
  g_clear_pointer (&r->text, mado_font_set_free);
  g_clear_pointer (&r->serif, mado_font_set_free);
  g_free (r->sans_family);
  g_free (r->serif_family);
  g_mutex_clear (&r->lock);
  g_free (r);
}

static gboolean
check_one (const char *path, const char *text, MadoTextClass cls, gpointer user_data,
           GError **error)
{
  MadoRenderer *r = user_data;
  return mado_font_set_check_text (cls == MADO_TEXT_NAME ? r->names : r->text, text, path, error);
}

gboolean
mado_renderer_check_characters (MadoRenderer *r, MadoDocument *doc, GError **error)
{
  return mado_document_foreach_text (doc, check_one, r, error);
}

/* ---- drawing helpers ---- */

static PangoLayout *
make_layout (MadoRenderContext *ctx, MadoFontRole role, double size, const char *text, double width,
             MadoAlign align)
{
  PangoLayout *layout = pango_layout_new (ctx->pango);
  PangoFontDescription *fd = pango_font_description_new ();

  pango_font_description_set_family (fd, ctx->family[role]);
  pango_font_description_set_weight (fd, role == MADO_FONT_BOLD || role == MADO_FONT_SERIF_BOLD
                                             ? PANGO_WEIGHT_BOLD
                                             : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size (fd, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, fd);
  pango_font_description_free (fd);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int)(width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_alignment (layout, align == MADO_ALIGN_CENTER  ? PANGO_ALIGN_CENTER
                                      : align == MADO_ALIGN_RIGHT ? PANGO_ALIGN_RIGHT
                                                                  : PANGO_ALIGN_LEFT);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static gboolean
check_unknown_glyphs (PangoLayout *layout, const char *what, GError **error)
{
  /* A second line of defence: the check before drawing (mado-fonts.c) is the real one, since
   * Pango does not count an unregistered variation sequence as unknown. */
  if (pango_layout_get_unknown_glyphs_count (layout) > 0)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNRESOLVED_CHARACTER,
                   "%s: a character has no glyph in the configured fonts", what);
      return FALSE;
    }
  return TRUE;
}

double
mado_render_text (MadoRenderContext *ctx, MadoFontRole role, double size, const char *text,
                  double x, double y, double width, MadoAlign align, GError **error)
{
  g_autoptr (PangoLayout) layout = make_layout (ctx, role, size, text, width, align);
  int w = 0, h = 0;

  if (!check_unknown_glyphs (layout, text, error))
    return -1;
  pango_layout_get_size (layout, &w, &h);
  cairo_move_to (ctx->cr, x, y);
  pango_cairo_show_layout (ctx->cr, layout);
  return (double)h / PANGO_SCALE;
}

gboolean
mado_render_fit (MadoRenderContext *ctx, MadoFontRole role, const char *text, const char *field,
                 double size, double min_size, int max_lines, double x, double y, double width,
                 double height, MadoAlign align, GError **error)
{
  for (double s = size; s >= min_size - 0.001; s -= 0.5)
    {
      g_autoptr (PangoLayout) layout = make_layout (ctx, role, s, text, width, align);
      PangoRectangle logical;
      pango_layout_get_extents (layout, NULL, &logical);
      double h = (double)logical.height / PANGO_SCALE;
      double w = (double)logical.width / PANGO_SCALE;

      if (pango_layout_get_line_count (layout) > max_lines || h > height + 0.01 || w > width + 0.01)
        continue;
      if (!check_unknown_glyphs (layout, field, error))
        return FALSE;
      cairo_move_to (ctx->cr, x, y + (height - h) / 2);
      pango_cairo_show_layout (ctx->cr, layout);
      return TRUE;
    }
  g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_TOO_LONG,
               "%s does not fit its field (%.0f × %.0f pt, at most %d line%s) even at %.1f pt, "
               "the smallest size allowed",
               field, width, height, max_lines, max_lines == 1 ? "" : "s", min_size);
  return FALSE;
}

void
mado_render_frame (MadoRenderContext *ctx, double x, double y, double w, double h,
                   double line_width)
{
  cairo_save (ctx->cr);
  cairo_set_source_rgb (ctx->cr, 0.15, 0.15, 0.15);
  cairo_set_line_width (ctx->cr, line_width);
  cairo_rectangle (ctx->cr, x, y, w, h);
  cairo_stroke (ctx->cr);
  cairo_restore (ctx->cr);
}

gboolean
mado_render_cell (MadoRenderContext *ctx, double x, double y, double w, double h, const char *label,
                  const char *value, MadoFontRole role, double size, double min_size, int max_lines,
                  const char *field, GError **error)
{
  mado_render_frame (ctx, x, y, w, h, 0.5);
  cairo_set_source_rgb (ctx->cr, 0.3, 0.3, 0.3);
  if (mado_render_text (ctx, MADO_FONT_SANS, 6.0, label, x + 2.5, y + 1.0, w - 5, MADO_ALIGN_LEFT,
                        error)
      < 0)
    return FALSE;
  cairo_set_source_rgb (ctx->cr, 0, 0, 0);
  if (value == NULL || *value == '\0')
    return TRUE;
  return mado_render_fit (ctx, role, value, field, size, min_size, max_lines, x + 4, y + 9.0, w - 8,
                          h - 10.0, MADO_ALIGN_LEFT, error);
}

void
mado_render_page_begin (MadoRenderContext *ctx)
{
  if (ctx->kind == MADO_DOCUMENT_TICKET)
    return;
  cairo_save (ctx->cr);
  mado_antiforgery_draw_tint (ctx->cr, 0, 0, ctx->page_width, ctx->page_height);
  cairo_restore (ctx->cr);
  cairo_new_path (ctx->cr);
  cairo_set_source_rgb (ctx->cr, 0, 0, 0);
}

static gboolean
draw_test_mark (MadoRenderContext *ctx, GError **error)
{
  cairo_t *cr = ctx->cr;
  double w = ctx->page_width, h = ctx->page_height;
  gboolean ticket = ctx->kind == MADO_DOCUMENT_TICKET;

  /* a banner at the top that pdftotext and a person both read, */
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.85, 0.0, 0.0);
  if (mado_render_text (ctx, MADO_FONT_BOLD, ticket ? 9.0 : 10.0,
                        ticket ? "見本・テスト（試験用）"
                               : "見本・テスト　この書類は試験用であり、効力はありません",
                        0, ticket ? 3.0 : 12.0, w, MADO_ALIGN_CENTER, error)
      < 0)
    {
      cairo_restore (cr);
      return FALSE;
    }
  cairo_restore (cr);

  /* and across the page, large and light, so no cut-out hides it; a ticket repeats the banner
   * at its foot instead (its QR code must stay clean) */
  if (ticket)
    {
      cairo_save (cr);
      cairo_set_source_rgb (cr, 0.85, 0.0, 0.0);
      double hb = mado_render_text (ctx, MADO_FONT_BOLD, 9.0, "見本・テスト（試験用）", 0, h - 14.0,
                                    w, MADO_ALIGN_CENTER, error);
      cairo_restore (cr);
      return hb >= 0;
    }
  cairo_save (cr);
  cairo_translate (cr, w / 2, h / 2);
  {
    /* along the diagonal, from the lower left (cos = w/d, sin = -h/d), without libm */
    double d = w + h;
    for (int i = 0; i < 30; i++)
      d = 0.5 * (d + (w * w + h * h) / d);
    cairo_matrix_t m;
    cairo_matrix_init (&m, w / d, -h / d, h / d, w / d, 0, 0);
    cairo_transform (cr, &m);
  }
  cairo_set_source_rgba (cr, 0.85, 0.0, 0.0, 0.22);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *fd = pango_font_description_new ();
  pango_font_description_set_family (fd, ctx->family[MADO_FONT_BOLD]);
  pango_font_description_set_weight (fd, PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size (fd, 84.0 * PANGO_SCALE);
  pango_layout_set_font_description (layout, fd);
  pango_font_description_free (fd);
  pango_layout_set_text (layout, "見本・テスト", -1);
  int lw = 0, lh = 0;
  pango_layout_get_size (layout, &lw, &lh);
  cairo_move_to (cr, -(double)lw / PANGO_SCALE / 2, -(double)lh / PANGO_SCALE / 2);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
  cairo_restore (cr);
  return TRUE;
}

gboolean
mado_render_page_end (MadoRenderContext *ctx, GError **error)
{
  cairo_t *cr = ctx->cr;
  JsonObject *office = mado_json_get_object (ctx->root, "office");

  if (ctx->kind != MADO_DOCUMENT_TICKET)
    {
      double y = ctx->page_height - 30.0;
      g_autofree char *micro = g_strdup_printf (
          "%s %s %s ", office != NULL ? mado_json_get_string (office, "name") : "",
          mado_document_kind_get_title (ctx->kind),
          ctx->issue_number != NULL ? ctx->issue_number : "");
      g_autofree char *page = g_strdup_printf ("ページ %d/%d", ctx->page, ctx->page_count);
      g_autofree char *number = g_strdup_printf (
          "%s %s", mado_document_kind_is_notice (ctx->kind) ? "下書き番号" : "発行番号",
          ctx->issue_number != NULL ? ctx->issue_number : "");

      cairo_save (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      mado_antiforgery_draw_microtext (cr, MADO_MARGIN, y - 6.0, ctx->page_width - 2 * MADO_MARGIN,
                                       micro);
      cairo_restore (cr);
      cairo_new_path (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      if (mado_render_text (ctx, MADO_FONT_SANS, 8.0, number, MADO_MARGIN, y,
                            ctx->page_width - 2 * MADO_MARGIN, MADO_ALIGN_LEFT, error)
              < 0
          || mado_render_text (ctx, MADO_FONT_SANS, 8.0, page, MADO_MARGIN, y,
                               ctx->page_width - 2 * MADO_MARGIN, MADO_ALIGN_RIGHT, error)
                 < 0)
        return FALSE;
    }
  if (ctx->test_mode && !draw_test_mark (ctx, error))
    return FALSE;
  cairo_show_page (cr);
  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_RENDER, "cairo: %s",
                   cairo_status_to_string (cairo_status (cr)));
      return FALSE;
    }
  return TRUE;
}

gboolean
mado_render_seal (MadoRenderContext *ctx, double x, double y, double size, const char *text,
                  GError **error)
{
  cairo_t *cr = ctx->cr;
  int n = (int)g_utf8_strlen (text, -1);
  int cols = n <= 2 ? 1 : n <= 6 ? 2 : 3;
  int tall = (n + cols - 1) / cols; /* the longest column */
  double inner = size - 9.0;
  double cw = inner / cols;
  double fs = MIN (cw, inner / tall) * 0.9;
  const char *p = text;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.82, 0.08, 0.08);
  cairo_set_line_width (cr, 2.4);
  cairo_rectangle (cr, x + 1.2, y + 1.2, size - 2.4, size - 2.4);
  cairo_stroke (cr);
  cairo_set_line_width (cr, 0.7);
  cairo_rectangle (cr, x + 3.2, y + 3.2, size - 6.4, size - 6.4);
  cairo_stroke (cr);
  /* columns from the right, each read from the top, as a seal is; the first n % cols columns
   * take one character more, and each column spreads its characters over the full height */
  for (int col = 0; col < cols; col++)
    {
      int k = n / cols + (col < n % cols ? 1 : 0);
      double cx = x + 4.5 + inner - (col + 0.5) * cw;
      for (int row = 0; row < k; row++, p = g_utf8_next_char (p))
        {
          g_autofree char *ch = g_strndup (p, (gsize)(g_utf8_next_char (p) - p));
          g_autoptr (PangoLayout) layout
              = make_layout (ctx, MADO_FONT_SERIF_BOLD, fs, ch, 0, MADO_ALIGN_LEFT);
          PangoRectangle ink;
          double cy = y + 4.5 + (row + 0.5) * inner / k;
          if (!check_unknown_glyphs (layout, "office.seal_text", error))
            {
              cairo_restore (cr);
              return FALSE;
            }
          pango_layout_get_extents (layout, &ink, NULL);
          cairo_move_to (cr, cx - ((double)ink.x + ink.width / 2.0) / PANGO_SCALE,
                         cy - ((double)ink.y + ink.height / 2.0) / PANGO_SCALE);
          pango_cairo_show_layout (cr, layout);
        }
    }
  cairo_restore (cr);
  return TRUE;
}

gboolean
mado_render_qr (MadoRenderContext *ctx, double x, double y, double size, const char *caption,
                GError **error)
{
  cairo_save (ctx->cr);
  cairo_set_source_rgb (ctx->cr, 1, 1, 1);
  cairo_rectangle (ctx->cr, x, y, size, size);
  cairo_fill (ctx->cr);
  cairo_set_source_rgb (ctx->cr, 0, 0, 0);
  gboolean ok = mado_qr_draw (ctx->cr, ctx->qr_payload, x, y, size, error);
  cairo_restore (ctx->cr);
  if (!ok)
    return FALSE;
  cairo_new_path (ctx->cr);
  if (caption != NULL
      && mado_render_text (ctx, MADO_FONT_SANS, 6.0, caption, x - 10, y + size + 1, size + 20,
                           MADO_ALIGN_CENTER, error)
             < 0)
    return FALSE;
  return TRUE;
}

gboolean
mado_render_attestation (MadoRenderContext *ctx, const char *text, double y, GError **error)
{
  JsonObject *office = mado_json_get_object (ctx->root, "office");
  const char *seal_text = mado_json_get_string (office, "seal_text");
  g_autofree char *default_seal
      = g_strconcat (mado_json_get_string (office, "name"), "長之印", NULL);
  g_autofree char *date = mado_json_format_date (ctx->root, "date", MADO_DATE_STYLE_WAREKI);
  double x = MADO_MARGIN, w = 330.0;
  double seal = 25.0 * MADO_MM;
  double qr = 92.0;

  cairo_set_source_rgb (ctx->cr, 0, 0, 0);
  if (mado_render_text (ctx, MADO_FONT_SERIF, 10.5, text, x, y, w, MADO_ALIGN_LEFT, error) < 0
      || mado_render_text (ctx, MADO_FONT_SERIF, 10.5, date, x + 12, y + 30, w, MADO_ALIGN_LEFT,
                           error)
             < 0
      || !mado_render_fit (ctx, MADO_FONT_SERIF, mado_json_get_string (office, "mayor"),
                           "office.mayor", 13.0, 9.0, 1, x, y + 52, w - seal * 0.45, 20,
                           MADO_ALIGN_RIGHT, error)
      || !mado_render_seal (ctx, x + w - seal * 0.62, y + 62 - seal / 2, seal,
                            seal_text != NULL ? seal_text : default_seal, error))
    return FALSE;
  return mado_render_qr (ctx, ctx->page_width - MADO_MARGIN - qr, y - 4, qr,
                         "改ざん検知用コード（署名付き）", error);
}

const char *
mado_sex_label (const char *sex)
{
  return g_strcmp0 (sex, "male") == 0 ? "男" : g_strcmp0 (sex, "female") == 0 ? "女" : "";
}

/* ---- rendering ---- */

static cairo_status_t
write_to_null (void *closure, const unsigned char *data, unsigned int length)
{
  return CAIRO_STATUS_SUCCESS;
}

static char *
sign_copy (MadoRenderContext *ctx, const char *issue_number, const guint8 digest[32], EVP_PKEY *key,
           GError **error)
{
  JsonObject *office = mado_json_get_object (ctx->root, "office");
  const char *link = mado_json_get_string (ctx->root, "card_link_hash");
  MadoQrClaims claims = { 0 };
  /* the payload's kind is lowercase letters, digits and '-': "kisai_jiko" → "kisai-jiko" */
  g_autofree char *kind
      = g_strdelimit (g_strdup (mado_document_kind_to_string (ctx->kind)), "_", '-');

  claims.kind = kind;
  claims.issue_number = (char *)issue_number;
  claims.date = (char *)mado_json_get_string (ctx->root, "date");
  claims.office = (char *)mado_json_get_string (office, "code");
  memcpy (claims.digest, digest, 32);
  if (link != NULL)
    {
      claims.has_card_link = TRUE;
      for (int i = 0; i < 32; i++)
        claims.card_link[i] = (guint8)(g_ascii_xdigit_value (link[2 * i]) << 4
                                       | g_ascii_xdigit_value (link[2 * i + 1]));
    }
  return mado_signed_qr_encode (&claims, key, error);
}

static gboolean
render_document (MadoRenderer *r, MadoRenderContext *ctx, cairo_surface_t *surface, EVP_PKEY *key,
                 GError **error)
{
  guint8 digest[32];
  gboolean signed_kind
      = mado_document_kind_is_certificate (ctx->kind) || mado_document_kind_is_notice (ctx->kind);

  if (signed_kind)
    mado_canonical_json_digest (mado_document_get_node (ctx->doc), digest);

  if (ctx->kind == MADO_DOCUMENT_JUMINHYO || ctx->kind == MADO_DOCUMENT_KISAI_JIKO
      || ctx->kind == MADO_DOCUMENT_INKAN)
    {
      JsonArray *copies = mado_json_get_array (ctx->root, "copies");
      for (guint i = 0; i < json_array_get_length (copies); i++)
        {
          JsonObject *copy = json_array_get_object_element (copies, i);
          g_autofree char *payload = NULL;
          ctx->issue_number = mado_json_get_string (copy, "issue_number");
          payload = sign_copy (ctx, ctx->issue_number, digest, key, error);
          if (payload == NULL)
            return FALSE;
          ctx->qr_payload = payload;
          ctx->page = 1;
          if (!(ctx->kind == MADO_DOCUMENT_INKAN ? mado_layout_inkan (ctx, error)
                                                 : mado_layout_juminhyo (ctx, error)))
            return FALSE;
          ctx->qr_payload = NULL;
        }
      return TRUE;
    }
  if (mado_document_kind_is_notice (ctx->kind))
    {
      g_autofree char *payload = NULL;
      ctx->issue_number = mado_json_get_string (ctx->root, "draft_id");
      payload = sign_copy (ctx, ctx->issue_number, digest, key, error);
      if (payload == NULL)
        return FALSE;
      ctx->qr_payload = payload;
      ctx->page = 1;
      ctx->page_count = 1;
      gboolean ok = mado_layout_notice (ctx, error);
      ctx->qr_payload = NULL;
      return ok;
    }

  /* the ticket: measure on a recording surface, then draw on a page of that height */
  ctx->qr_payload = mado_json_get_string (ctx->root, "status_url");
  ctx->page = ctx->page_count = 1;
  double height = 0;
  {
    cairo_surface_t *rec = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
    cairo_t *real = ctx->cr;
    ctx->cr = cairo_create (rec);
    pango_cairo_update_context (ctx->cr, ctx->pango);
    gboolean ok = mado_layout_ticket (ctx, &height, error);
    cairo_destroy (ctx->cr);
    cairo_surface_destroy (rec);
    ctx->cr = real;
    pango_cairo_update_context (ctx->cr, ctx->pango);
    if (!ok)
      return FALSE;
  }
  ctx->page_height = (double)(long)height + 1.0;
  cairo_pdf_surface_set_size (surface, ctx->page_width, ctx->page_height);
  if (!mado_layout_ticket (ctx, &height, error))
    return FALSE;
  return mado_render_page_end (ctx, error);
}

gboolean
mado_renderer_render (MadoRenderer *r, MadoDocument *doc, EVP_PKEY *key, gboolean test_mode,
                      const char *out_path, GError **error)
{
  g_autoptr (GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&r->lock);
  MadoDocumentKind kind = mado_document_get_kind (doc);
  gboolean signed_kind
      = mado_document_kind_is_certificate (kind) || mado_document_kind_is_notice (kind);
  MadoRenderContext ctx = { 0 };
  g_autofree char *tmp = NULL;
  cairo_surface_t *surface = NULL;
  gboolean ok = FALSE;

  /* every character first: nothing is drawn for a document that cannot be printed as registered */
  if (!mado_renderer_check_characters (r, doc, error))
    return FALSE;
  if (signed_kind && key == NULL)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_KEY,
                   "a %s is only ever issued signed: give the signing key (--sign-key)",
                   mado_document_kind_to_string (kind));
      return FALSE;
    }

  ctx.doc = doc;
  ctx.root = mado_document_get_root (doc);
  ctx.kind = kind;
  ctx.test_mode = test_mode || mado_document_get_test_mode (doc);
  ctx.family[MADO_FONT_NAME] = mado_font_set_get_family_list (r->names);
  ctx.family[MADO_FONT_SANS] = r->sans_family;
  ctx.family[MADO_FONT_BOLD] = r->sans_family;
  ctx.family[MADO_FONT_SERIF] = r->serif_family;
  ctx.family[MADO_FONT_SERIF_BOLD] = r->serif_family;
  if (kind == MADO_DOCUMENT_TICKET)
    {
      ctx.page_width = 80.0 * MADO_MM;
      ctx.page_height = 200.0 * MADO_MM; /* until measured */
    }
  else
    {
      ctx.page_width = MADO_A4_WIDTH;
      ctx.page_height = MADO_A4_HEIGHT;
    }

  if (out_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (out_path);
      g_autofree char *base = g_path_get_basename (out_path);
      tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
      int fd = g_mkstemp (tmp);
      if (fd < 0)
        {
          g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF, "%s: %s", tmp,
                       g_strerror (errno));
          g_clear_pointer (&tmp, g_free);
          return FALSE;
        }
      close (fd);
      surface = cairo_pdf_surface_create (tmp, ctx.page_width, ctx.page_height);
    }
  else /* a dry run: render and discard (benchmarks) */
    surface = cairo_pdf_surface_create_for_stream (write_to_null, NULL, ctx.page_width,
                                                   ctx.page_height);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                  mado_document_kind_get_title (kind));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Madoguchi mado-print");

  ctx.cr = cairo_create (surface);
  ctx.pango = pango_font_map_create_context (r->fontmap);
  {
    cairo_font_options_t *fo = cairo_font_options_create ();
    cairo_font_options_set_hint_style (fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics (fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options (ctx.pango, fo);
    cairo_font_options_destroy (fo);
  }
  pango_context_set_language (ctx.pango, pango_language_from_string ("ja-jp"));
  pango_cairo_update_context (ctx.cr, ctx.pango);

  ok = render_document (r, &ctx, surface, key, error);

  cairo_destroy (ctx.cr);
  g_object_unref (ctx.pango);
  cairo_surface_finish (surface);
  if (ok && cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_RENDER, "cairo: %s",
                   cairo_status_to_string (cairo_surface_status (surface)));
      ok = FALSE;
    }
  cairo_surface_destroy (surface);

  if (ok && tmp != NULL && signed_kind)
    {
      g_autoptr (GBytes) canonical = mado_canonical_json (mado_document_get_node (doc));
      ok = mado_pdf_attach (tmp, MADO_PDF_CONTENT_NAME, canonical, error);
    }
  if (ok && tmp != NULL && g_rename (tmp, out_path) != 0)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF, "%s: %s", out_path,
                   g_strerror (errno));
      ok = FALSE;
    }
  if (!ok && tmp != NULL)
    g_unlink (tmp);
  return ok;
}

typedef struct
{
  MadoRenderer *renderer;
  MadoDocument *doc;
  EVP_PKEY *key;
  gboolean test_mode;
  char *out_path;
} RenderTask;

static void
render_task_free (gpointer p)
{
  RenderTask *t = p;
  mado_document_unref (t->doc);
  if (t->key != NULL)
    EVP_PKEY_free (t->key);
  g_free (t->out_path);
  g_free (t);
}

static void
render_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  RenderTask *t = data;
  GError *error = NULL;
  if (g_task_return_error_if_cancelled (task))
    return;
  if (mado_renderer_render (t->renderer, t->doc, t->key, t->test_mode, t->out_path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
mado_renderer_render_async (MadoRenderer *renderer, MadoDocument *doc, EVP_PKEY *key,
                            gboolean test_mode, const char *out_path, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  /* the renderer is not a GObject: it must outlive the task, as its owner guarantees */
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  RenderTask *t = g_new0 (RenderTask, 1);
  t->renderer = renderer;
  t->doc = mado_document_ref (doc);
  if (key != NULL && EVP_PKEY_up_ref (key) == 1)
    t->key = key;
  t->test_mode = test_mode;
  t->out_path = g_strdup (out_path);
  g_task_set_source_tag (task, mado_renderer_render_async);
  g_task_set_task_data (task, t, render_task_free);
  g_task_run_in_thread (task, render_thread);
}

gboolean
mado_renderer_render_finish (MadoRenderer *renderer, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
