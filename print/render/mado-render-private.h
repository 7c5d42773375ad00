/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-render-private.h — what the layouts share with the renderer (private to render/).
 */
#pragma once

#include <cairo.h>
#include <pango/pango.h>

#include "mado-document.h"
#include "mado-fonts.h"

G_BEGIN_DECLS

#define MADO_A4_WIDTH 595.28
#define MADO_A4_HEIGHT 841.89
#define MADO_MM (72.0 / 25.4)
#define MADO_MARGIN 36.0

typedef enum
{
  MADO_FONT_NAME,  /* IPAmj明朝 (+ MJ+): names and addresses */
  MADO_FONT_SANS,  /* Noto Sans CJK JP */
  MADO_FONT_BOLD,  /* Noto Sans CJK JP Bold */
  MADO_FONT_SERIF, /* Noto Serif CJK JP */
  MADO_FONT_SERIF_BOLD,
} MadoFontRole;

typedef struct
{
  cairo_t *cr;
  PangoContext *pango;
  MadoDocument *doc;
  JsonObject *root;
  MadoDocumentKind kind;
  gboolean test_mode;
  const char *family[5]; /* by MadoFontRole */
  double page_width, page_height;
  /* the copy being drawn */
  const char *issue_number; /* 発行番号 (certificates) or 下書き番号 (notices) */
  const char *qr_payload;   /* the signed payload of this copy; NULL for tickets */
  int page, page_count;     /* within the copy, from 1 */
} MadoRenderContext;

typedef enum
{
  MADO_ALIGN_LEFT,
  MADO_ALIGN_CENTER,
  MADO_ALIGN_RIGHT
} MadoAlign;

/* Draws fixed text (labels, titles) at (x, y) top-left, in a box @width wide; returns its
 * height. Unknown glyphs are an error (MADO_PRINT_ERROR_UNRESOLVED_CHARACTER). */
double mado_render_text (MadoRenderContext *ctx, MadoFontRole role, double size, const char *text,
                         double x, double y, double width, MadoAlign align, GError **error);

/* The fit rule (docs/documents.md, "Long names and addresses"): from @size down to @min_size in
 * 0.5 pt steps, @text is wrapped to @width; the first size at which it takes at most @max_lines
 * lines and at most @height points is drawn, vertically centred in the box. Otherwise
 * MADO_PRINT_ERROR_TOO_LONG naming @field: nothing is ever clipped. */
gboolean mado_render_fit (MadoRenderContext *ctx, MadoFontRole role, const char *text,
                          const char *field, double size, double min_size, int max_lines, double x,
                          double y, double width, double height, MadoAlign align, GError **error);

/* A labelled cell: a thin frame, @label small at the top left, @value fitted below it. */
gboolean mado_render_cell (MadoRenderContext *ctx, double x, double y, double w, double h,
                           const char *label, const char *value, MadoFontRole role, double size,
                           double min_size, int max_lines, const char *field, GError **error);

void mado_render_frame (MadoRenderContext *ctx, double x, double y, double w, double h,
                        double line_width);

/* Starts a page: the anti-forgery tint (not on tickets). */
void mado_render_page_begin (MadoRenderContext *ctx);
/* Ends a page: microtext, 発行番号 and 「ページ x/y」, the test mark, then shows the page. */
gboolean mado_render_page_end (MadoRenderContext *ctx, GError **error);

/* The electronic official seal: a red square of @size points, the text in columns. */
gboolean mado_render_seal (MadoRenderContext *ctx, double x, double y, double size,
                           const char *text, GError **error);
/* The copy's signed QR code, @size points square, with a caption under it. */
gboolean mado_render_qr (MadoRenderContext *ctx, double x, double y, double size,
                         const char *caption, GError **error);
/* The 認証文 block of a certificate's last page: @text, the date, the mayor and the seal, and the
 * copy's QR code to the right. Occupies the band from @y to the footer. */
gboolean mado_render_attestation (MadoRenderContext *ctx, const char *text, double y,
                                  GError **error);

const char *mado_sex_label (const char *sex);

/* The layouts. juminhyo() draws juminhyo and kisai_jiko. */
gboolean mado_layout_juminhyo (MadoRenderContext *ctx, GError **error);
int mado_layout_juminhyo_page_count (MadoRenderContext *ctx);
gboolean mado_layout_inkan (MadoRenderContext *ctx, GError **error);
gboolean mado_layout_notice (MadoRenderContext *ctx, GError **error);
/* Draws the ticket at the top of an 80 mm wide page; *@height gets the height it used. */
gboolean mado_layout_ticket (MadoRenderContext *ctx, double *height, GError **error);

G_END_DECLS
