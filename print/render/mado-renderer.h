/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-renderer.h — documents to PDF with cairo and Pango. A renderer holds the fonts (checked
 * and opened once) and a private Pango font map, so a long-lived process renders warm. Each
 * rendering checks every printed character against the fonts first (mado-fonts.h), signs one QR
 * per copy, writes the PDF next to @out_path and renames it into place only when complete, then
 * attaches the canonical content (docs/documents.md).
 */
#pragma once

#include <gio/gio.h>
#include <openssl/evp.h>

#include "mado-document.h"

G_BEGIN_DECLS

typedef struct
{
  /* Names and addresses, in order of preference: IPAmj明朝, then any MJ+ additions font.
   * NULL: { "IPAmjMincho", NULL }. */
  const char *const *name_families;
  const char *sans_family;  /* NULL: "Noto Sans CJK JP" */
  const char *serif_family; /* NULL: "Noto Serif CJK JP" */
} MadoRendererOptions;

typedef struct _MadoRenderer MadoRenderer;

/* MADO_PRINT_ERROR_FONT when a configured font is not installed. @options may be NULL. */
MadoRenderer *mado_renderer_new (const MadoRendererOptions *options, GError **error);
void mado_renderer_free (MadoRenderer *renderer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoRenderer, mado_renderer_free)

/* Checks the characters of @doc against the fonts (no drawing). */
gboolean mado_renderer_check_characters (MadoRenderer *renderer, MadoDocument *doc, GError **error);

/* Renders @doc to @out_path. @key signs the QR codes: required for certificates and notices
 * (MADO_PRINT_ERROR_KEY without it), unused for tickets. @test_mode adds 「見本・テスト」 to every
 * page (so does "test_mode": true in the data). The file appears only when complete. A NULL
 * @out_path renders and discards the PDF (no file, no attachment: benchmarks). */
gboolean mado_renderer_render (MadoRenderer *renderer, MadoDocument *doc, EVP_PKEY *key,
                               gboolean test_mode, const char *out_path, GError **error);

/* The same in a worker thread (renderings of one renderer run one at a time). @key is
 * referenced until the task ends. */
void mado_renderer_render_async (MadoRenderer *renderer, MadoDocument *doc, EVP_PKEY *key,
                                 gboolean test_mode, const char *out_path,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean mado_renderer_render_finish (MadoRenderer *renderer, GAsyncResult *result, GError **error);

G_END_DECLS
