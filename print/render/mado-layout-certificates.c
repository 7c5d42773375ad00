/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-layout-certificates.c — 印鑑登録証明書: the registered seal image (印影) and the person's
 * registered items, one A4 page per copy. (住民票記載事項証明書 shares the 住民票 layout.)
 */
#include <string.h>

#include "mado-print-error.h"
#include "mado-render-private.h"

typedef struct
{
  const guint8 *data;
  gsize len, pos;
} PngReader;

static cairo_status_t
read_png (void *closure, unsigned char *data, unsigned int length)
{
  PngReader *r = closure;
  if (r->len - r->pos < length)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, r->data + r->pos, length);
  r->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *
load_seal_image (MadoRenderContext *ctx, GError **error)
{
  JsonObject *img = mado_json_get_object (ctx->root, "seal_image");
  const char *path = mado_json_get_string (img, "png_path");
  cairo_surface_t *surface = NULL;

  if (path != NULL)
    surface = cairo_image_surface_create_from_png (path);
  else
    {
      gsize len = 0;
      g_autofree guint8 *png = g_base64_decode (mado_json_get_string (img, "png_base64"), &len);
      PngReader r = { png, len, 0 };
      surface = cairo_image_surface_create_from_png_stream (read_png, &r);
    }
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_INVALID_FIELD,
                   "field “seal_image.%s” is not a readable PNG image (%s)",
                   path != NULL ? "png_path" : "png_base64",
                   cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return NULL;
    }
  return surface;
}

static gboolean
draw_seal_image (MadoRenderContext *ctx, cairo_surface_t *image, double x, double y, double box)
{
  double iw = cairo_image_surface_get_width (image), ih = cairo_image_surface_get_height (image);
  double scale = MIN (box / iw, box / ih);

  cairo_save (ctx->cr);
  cairo_translate (ctx->cr, x + (box - iw * scale) / 2, y + (box - ih * scale) / 2);
  cairo_scale (ctx->cr, scale, scale);
  cairo_set_source_surface (ctx->cr, image, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (ctx->cr), CAIRO_FILTER_GOOD);
  cairo_paint (ctx->cr);
  cairo_restore (ctx->cr);
  return TRUE;
}

gboolean
mado_layout_inkan (MadoRenderContext *ctx, GError **error)
{
  JsonObject *p = mado_json_get_object (ctx->root, "person");
  const char *furigana = mado_json_get_string (p, "furigana");
  const char *katagaki = mado_json_get_string (p, "katagaki");
  double x = MADO_MARGIN, w = ctx->page_width - 2 * MADO_MARGIN;
  double box = 200, y = 90, tx = x + box + 12, tw = w - box - 12;
  cairo_surface_t *image = load_seal_image (ctx, error);
  gboolean ok = FALSE;

  if (image == NULL)
    return FALSE;
  g_autofree char *name
      = furigana != NULL ? g_strdup_printf ("%s（%s）", mado_json_get_string (p, "name"), furigana)
                         : g_strdup (mado_json_get_string (p, "name"));
  g_autofree char *address
      = g_strconcat (mado_json_get_string (p, "address"), katagaki != NULL ? "　" : "",
                     katagaki != NULL ? katagaki : "", NULL);
  g_autofree char *birth = mado_json_format_date (
      p, "birth_date",
      mado_json_get_bool (p, "foreign") ? MADO_DATE_STYLE_GREGORIAN : MADO_DATE_STYLE_WAREKI);

  ctx->page_count = 1;
  ctx->page = 1;
  mado_render_page_begin (ctx);
  cairo_set_source_rgb (ctx->cr, 0, 0, 0);
  if (mado_render_text (ctx, MADO_FONT_SERIF_BOLD, 22, mado_document_kind_get_title (ctx->kind), x,
                        30, w, MADO_ALIGN_CENTER, error)
      < 0)
    goto out;

  if (!mado_render_cell (ctx, x, y, box, box, "印影", NULL, MADO_FONT_SANS, 10, 10, 1, "seal_image",
                         error))
    goto out;
  draw_seal_image (ctx, image, x + 14, y + 14, box - 28);

  if (!mado_render_cell (ctx, tx, y, tw, 30, "登録番号",
                         mado_json_get_string (ctx->root, "registration_number"), MADO_FONT_SANS,
                         11, 8, 1, "registration_number", error)
      || !mado_render_cell (ctx, tx, y + 30, tw, 44, "氏名", name, MADO_FONT_NAME, 14, 8, 2,
                            "person.name", error)
      || !mado_render_cell (ctx, tx, y + 74, tw * 0.65, 30, "生年月日", birth, MADO_FONT_SANS, 11,
                            8, 1, "person.birth_date", error)
      || !mado_render_cell (ctx, tx + tw * 0.65, y + 74, tw * 0.35, 30, "性別",
                            mado_sex_label (mado_json_get_string (p, "sex")), MADO_FONT_SANS, 11, 8,
                            1, "person.sex", error)
      || !mado_render_cell (ctx, tx, y + 104, tw, 96, "住所", address, MADO_FONT_NAME, 12, 7, 4,
                            "person.address", error))
    goto out;

  if (!mado_render_attestation (ctx, "この写しは、登録されている印影と相違ないことを証明する。",
                                694, error)
      || !mado_render_page_end (ctx, error))
    goto out;
  ok = TRUE;
out:
  cairo_surface_destroy (image);
  return ok;
}
