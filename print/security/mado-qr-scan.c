/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-qr-scan.c — QR codes out of images and PDF pages with zbar.
 */
#include "mado-qr-scan.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <poppler.h>
#include <zbar.h>

#include "mado-print-error.h"

void
mado_qr_found_free (MadoQrFound *found)
{
  if (found == NULL)
    return;
  g_free (found->text);
  g_free (found);
}

void
mado_qr_scan_grey (const guint8 *pixels, guint width, guint height, guint stride, guint page,
                   GPtrArray *found)
{
  if (width == 0 || height == 0)
    return;
  /* zbar wants a packed Y800 image */
  guint8 *packed = g_malloc ((gsize)width * height);
  for (guint y = 0; y < height; y++)
    memcpy (packed + (gsize)y * width, pixels + (gsize)y * stride, width);

  zbar_image_scanner_t *scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_t *image = zbar_image_create ();
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, width, height);
  zbar_image_set_data (image, packed, (unsigned long)width * height, NULL);

  if (zbar_scan_image (scanner, image) > 0)
    for (const zbar_symbol_t *s = zbar_image_first_symbol (image); s != NULL;
         s = zbar_symbol_next (s))
      {
        if (zbar_symbol_get_type (s) != ZBAR_QRCODE)
          continue;
        MadoQrFound *f = g_new0 (MadoQrFound, 1);
        f->page = page;
        f->text = g_strndup (zbar_symbol_get_data (s), zbar_symbol_get_data_length (s));
        g_ptr_array_add (found, f);
      }
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  g_free (packed);
}

static guint8
luma (guint r, guint g, guint b)
{
  return (guint8)((r * 299 + g * 587 + b * 114) / 1000);
}

void
mado_qr_scan_surface (cairo_surface_t *surface, guint page, GPtrArray *found)
{
  cairo_surface_flush (surface);
  cairo_format_t format = cairo_image_surface_get_format (surface);
  guint width = (guint)cairo_image_surface_get_width (surface);
  guint height = (guint)cairo_image_surface_get_height (surface);
  guint stride = (guint)cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  if (data == NULL)
    return;
  if (format == CAIRO_FORMAT_A8)
    {
      mado_qr_scan_grey (data, width, height, stride, page, found);
      return;
    }
  if (format != CAIRO_FORMAT_RGB24 && format != CAIRO_FORMAT_ARGB32)
    return;
  guint8 *grey = g_malloc ((gsize)width * height);
  for (guint y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *)(gconstpointer)(data + (gsize)y * stride);
      for (guint x = 0; x < width; x++)
        {
          guint32 px = row[x];
          guint a = format == CAIRO_FORMAT_ARGB32 ? (px >> 24) & 0xff : 0xff;
          /* premultiplied over white */
          guint r = ((px >> 16) & 0xff) + 255 - a, g = ((px >> 8) & 0xff) + 255 - a,
                b = (px & 0xff) + 255 - a;
          grey[(gsize)y * width + x] = luma (MIN (r, 255u), MIN (g, 255u), MIN (b, 255u));
        }
    }
  mado_qr_scan_grey (grey, width, height, width, page, found);
  g_free (grey);
}

gboolean
mado_qr_scan_is_pdf (const char *path)
{
  char head[5] = { 0 };
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    return FALSE;
  gsize n = fread (head, 1, sizeof head, f);
  fclose (f);
  return n == sizeof head && memcmp (head, "%PDF-", 5) == 0;
}

static void
scan_pdf_page (PopplerPage *page, guint number, double dpi, GPtrArray *found)
{
  double w = 0, h = 0;
  poppler_page_get_size (page, &w, &h);
  double scale = dpi / 72.0;
  int pw = (int)(w * scale + 0.5), ph = (int)(h * scale + 0.5);
  if (pw <= 0 || ph <= 0 || pw > 20000 || ph > 20000)
    return;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, pw, ph);
  cairo_t *cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  mado_qr_scan_surface (surface, number, found);
  cairo_surface_destroy (surface);
}

static GPtrArray *
scan_pdf (const char *path, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr (GError) local = NULL;
  PopplerDocument *doc = poppler_document_new_from_file (uri, NULL, &local);
  if (doc == NULL)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF, "%s: %s", path,
                   local != NULL ? local->message : "cannot open the PDF");
      return NULL;
    }
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_qr_found_free);
  int pages = poppler_document_get_n_pages (doc);
  for (int i = 0; i < pages; i++)
    {
      PopplerPage *page = poppler_document_get_page (doc, i);
      if (page == NULL)
        continue;
      guint before = found->len;
      scan_pdf_page (page, (guint)i + 1, MADO_QR_SCAN_DPI, found);
      if (found->len == before) /* small modules: look closer */
        scan_pdf_page (page, (guint)i + 1, MADO_QR_SCAN_DPI * 2, found);
      g_object_unref (page);
    }
  g_object_unref (doc);
  return found;
}

static GPtrArray *
scan_image (const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GdkPixbuf) loaded = gdk_pixbuf_new_from_file (path, &local);
  if (loaded == NULL)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF,
                   "%s is neither a PDF nor an image that can be read: %s", path,
                   local != NULL ? local->message : "unknown format");
      return NULL;
    }
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_apply_embedded_orientation (loaded);
  guint width = (guint)gdk_pixbuf_get_width (pixbuf);
  guint height = (guint)gdk_pixbuf_get_height (pixbuf);
  guint stride = (guint)gdk_pixbuf_get_rowstride (pixbuf);
  guint channels = (guint)gdk_pixbuf_get_n_channels (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  const guint8 *data = gdk_pixbuf_read_pixels (pixbuf);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_qr_found_free);
  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 || channels < 3)
    return found;
  guint8 *grey = g_malloc ((gsize)width * height);
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        const guint8 *px = data + (gsize)y * stride + (gsize)x * channels;
        guint a = alpha ? px[3] : 255;
        /* over white */
        guint r = (px[0] * a + 255 * (255 - a)) / 255, g = (px[1] * a + 255 * (255 - a)) / 255,
              b = (px[2] * a + 255 * (255 - a)) / 255;
        grey[(gsize)y * width + x] = luma (r, g, b);
      }
  mado_qr_scan_grey (grey, width, height, width, 1, found);
  g_free (grey);
  return found;
}

GPtrArray *
mado_qr_scan_file (const char *path, GError **error)
{
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF, "%s: no such file", path);
      return NULL;
    }
  return mado_qr_scan_is_pdf (path) ? scan_pdf (path, error) : scan_image (path, error);
}
