/* SPDX-License-Identifier: GPL-3.0-or-later
 * The tint's latent 「複写」: invisible on the original, visible on a copy.
 *
 * The tint is rasterised at 600 dpi (a laser printer's resolution; at 300 dpi cairo's
 * rasteriser loses about a third of the 0.3 pt fine dots' ink). "What the eye sees" is that
 * image blurred over 0.72 mm (17×17 box: the fine and coarse dots both average out). "A copy"
 * is the image blurred as a copier's optics do (two 5×5 box passes, σ about 0.085 mm), then
 * thresholded to black and white at 0.75.
 * The latent word's contrast is |mean(word) − mean(background)| over pixels fully inside and
 * fully outside the word (the mask mado_antiforgery_draw_latent_mask draws). The images are
 * written as PNG (MADO_BUILD_DIR/tests/security/tint-*.png) to be looked at.
 */
#include <math.h>

#include <cairo.h>

#include "mado-antiforgery.h"

#define DPI 600.0
#define REGION_W 283.46 /* 100 mm */
#define REGION_H 170.08 /* 60 mm */

typedef struct
{
  int w, h;
  double *v; /* 0 black … 1 white */
} Grey;

static Grey
grey_new (int w, int h)
{
  Grey g = { w, h, g_new0 (double, (gsize)w *h) };
  return g;
}

static Grey
grey_from_surface (cairo_surface_t *s)
{
  cairo_surface_flush (s);
  int w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s);
  int stride = cairo_image_surface_get_stride (s);
  const guint8 *data = cairo_image_surface_get_data (s);
  Grey g = grey_new (w, h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = *(const guint32 *)(gconstpointer)(data + y * stride + x * 4);
        double r = ((px >> 16) & 0xff) / 255.0, gr = ((px >> 8) & 0xff) / 255.0,
               b = (px & 0xff) / 255.0;
        g.v[y * w + x] = 0.299 * r + 0.587 * gr + 0.114 * b;
      }
  return g;
}

static Grey
box_blur (Grey in, int radius)
{
  Grey tmp = grey_new (in.w, in.h), out = grey_new (in.w, in.h);
  for (int y = 0; y < in.h; y++)
    for (int x = 0; x < in.w; x++)
      {
        double sum = 0;
        int n = 0;
        for (int k = -radius; k <= radius; k++)
          if (x + k >= 0 && x + k < in.w)
            sum += in.v[y * in.w + x + k], n++;
        tmp.v[y * in.w + x] = sum / n;
      }
  for (int y = 0; y < in.h; y++)
    for (int x = 0; x < in.w; x++)
      {
        double sum = 0;
        int n = 0;
        for (int k = -radius; k <= radius; k++)
          if (y + k >= 0 && y + k < in.h)
            sum += tmp.v[(y + k) * in.w + x], n++;
        out.v[y * in.w + x] = sum / n;
      }
  g_free (tmp.v);
  return out;
}

static void
write_png (Grey g, const char *name)
{
  const char *build = g_getenv ("MADO_BUILD_DIR");
  g_autofree char *dir = build != NULL ? g_build_filename (build, "tests", "security", NULL)
                                       : g_strdup (g_get_tmp_dir ());
  g_autofree char *path = g_build_filename (dir, name, NULL);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, g.w, g.h);
  guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  for (int y = 0; y < g.h; y++)
    for (int x = 0; x < g.w; x++)
      {
        guint32 v = (guint32)lround (CLAMP (g.v[y * g.w + x], 0, 1) * 255);
        *(guint32 *)(gpointer)(data + y * stride + x * 4) = (v << 16) | (v << 8) | v;
      }
  cairo_surface_mark_dirty (s);
  g_assert_cmpint (cairo_surface_write_to_png (s, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);
  g_test_message ("wrote %s", path);
}

/* |mean inside the word − mean outside| */
static double
contrast (Grey g, const guint8 *mask, int stride, double *inside, double *outside)
{
  double si = 0, so = 0;
  gsize ni = 0, no = 0;
  /* skip a margin: the blurs see past the edge */
  for (int y = 8; y < g.h - 8; y++)
    for (int x = 8; x < g.w - 8; x++)
      {
        guint8 m = mask[y * stride + x];
        if (m == 255)
          si += g.v[y * g.w + x], ni++;
        else if (m == 0)
          so += g.v[y * g.w + x], no++;
      }
  g_assert_cmpuint (ni, >, 1000);
  g_assert_cmpuint (no, >, 1000);
  *inside = si / (double)ni;
  *outside = so / (double)no;
  return fabs (*inside - *outside);
}

static void
test_latent_word (void)
{
  double scale = DPI / 72.0;
  int w = (int)(REGION_W * scale), h = (int)(REGION_H * scale);

  cairo_surface_t *page = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (page);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  mado_antiforgery_draw_tint (cr, 0, 0, REGION_W, REGION_H);
  cairo_destroy (cr);

  cairo_surface_t *mask = cairo_image_surface_create (CAIRO_FORMAT_A8, w, h);
  cr = cairo_create (mask);
  cairo_scale (cr, scale, scale);
  cairo_set_source_rgb (cr, 0, 0, 0);
  mado_antiforgery_draw_latent_mask (cr, 0, 0, REGION_W, REGION_H);
  cairo_destroy (cr);
  cairo_surface_flush (mask);
  const guint8 *m = cairo_image_surface_get_data (mask);
  int mstride = cairo_image_surface_get_stride (mask);

  Grey original = grey_from_surface (page);
  cairo_surface_destroy (page);

  /* what the eye sees at reading distance */
  Grey seen = box_blur (original, 8);
  /* the copier: optics blur, then black or white */
  Grey b1 = box_blur (original, 2);
  Grey copy = box_blur (b1, 2);
  for (int i = 0; i < copy.w * copy.h; i++)
    copy.v[i] = copy.v[i] < 0.75 ? 0.0 : 1.0;
  Grey copy_seen = box_blur (copy, 8);

  double oi, oo, ci, co, ri, ro;
  double raw = contrast (original, m, mstride, &ri, &ro);
  double before = contrast (seen, m, mstride, &oi, &oo);
  double after = contrast (copy_seen, m, mstride, &ci, &co);
  g_test_message ("original: mean grey word %.4f, background %.4f (raw pixels %.4f / %.4f)", oi, oo,
                  ri, ro);
  g_test_message ("copy:     mean grey word %.4f, background %.4f", ci, co);
  g_test_message ("latent word contrast: original %.4f, copy %.4f, ratio %.1f", before, after,
                  after / MAX (before, 1e-4));
  (void)raw;

  /* the tint is light: readable text over it */
  g_assert_cmpfloat (oo, >, 0.9);
  /* invisible on the original (under 1 % grey difference) */
  g_assert_cmpfloat (before, <, 0.01);
  /* plain on the copy */
  g_assert_cmpfloat (after, >, 0.08);
  g_assert_cmpfloat (after / MAX (before, 1e-4), >, 10);

  write_png (original, "tint-original.png");
  write_png (copy, "tint-copy.png");
  write_png (seen, "tint-original-seen.png");
  write_png (copy_seen, "tint-copy-seen.png");

  g_free (original.v);
  g_free (seen.v);
  g_free (b1.v);
  g_free (copy.v);
  g_free (copy_seen.v);
  cairo_surface_destroy (mask);
}

static void
test_microtext (void)
{
  /* a 1.2 pt line: at 300 dpi no taller than about 1.5 pt of ink, and present along its length */
  double scale = DPI / 72.0;
  int w = (int)(200 * scale), h = (int)(20 * scale);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (s);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  mado_antiforgery_draw_microtext (cr, 10, 10, 180, "MADOGUCHI 窓口 131016");
  cairo_destroy (cr);
  Grey g = grey_from_surface (s);
  int top = h, bottom = -1, left = w, right = -1;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (g.v[y * w + x] < 0.8)
        {
          top = MIN (top, y), bottom = MAX (bottom, y);
          left = MIN (left, x), right = MAX (right, x);
        }
  g_assert_cmpint (bottom, >=, 0);
  double height_pt = (bottom - top + 1) / scale, left_pt = left / scale, right_pt = right / scale;
  g_test_message ("microtext ink: %.2f pt tall, from %.1f to %.1f pt", height_pt, left_pt,
                  right_pt);
  g_assert_cmpfloat (height_pt, <, 2.0);
  g_assert_cmpfloat (left_pt, <, 11);
  g_assert_cmpfloat (right_pt, >, 185);
  g_assert_cmpfloat (right_pt, <=, 190.5);
  write_png (g, "microtext.png");
  g_free (g.v);
  cairo_surface_destroy (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tint/latent-word", test_latent_word);
  g_test_add_func ("/tint/microtext", test_microtext);
  return g_test_run ();
}
