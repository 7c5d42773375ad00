/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-qr-scan.h — find and decode the QR codes in an image (zbar on a grey image): a cairo
 * image surface, a PNG or JPEG (gdk-pixbuf), or every page of a PDF (poppler, rendered at
 * MADO_QR_SCAN_DPI and, where nothing is found, again at twice that).
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

#define MADO_QR_SCAN_DPI 200.0

typedef struct
{
  guint page; /* 1-based; 1 for an image */
  char *text; /* what the QR code holds, as zbar decoded it */
} MadoQrFound;

void mado_qr_found_free (MadoQrFound *found);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoQrFound, mado_qr_found_free)

/* The QR codes of a grey (8 bits, 0 black) image, appended to @found (MadoQrFound *). */
void mado_qr_scan_grey (const guint8 *pixels, guint width, guint height, guint stride, guint page,
                        GPtrArray *found);
/* The QR codes of an image surface (any format cairo_image_surface_create makes). */
void mado_qr_scan_surface (cairo_surface_t *surface, guint page, GPtrArray *found);

/* TRUE if the file starts like a PDF. */
gboolean mado_qr_scan_is_pdf (const char *path);

/* Every QR code of the file (PDF, PNG, JPEG…) in page order: a new array of MadoQrFound *.
 * NULL with MADO_PRINT_ERROR_PDF for a file that cannot be read as a PDF or an image. */
GPtrArray *mado_qr_scan_file (const char *path, GError **error);

G_END_DECLS
