/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-pdf-attachment.h — the document's canonical content travels inside its PDF as an embedded
 * file (docs/documents.md names the method), so mado-verify can recompute the digest the QR
 * vouches for.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MADO_PDF_CONTENT_NAME "madoguchi-document.json"

/* Adds @data as the embedded file @name to the PDF at @path (in place, atomically). */
gboolean mado_pdf_attach (const char *path, const char *name, GBytes *data, GError **error);
/* The embedded file @name of the PDF at @path; NULL with MADO_PRINT_ERROR_PDF when absent. */
GBytes *mado_pdf_read_attachment (const char *path, const char *name, GError **error);

G_END_DECLS
