/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-antiforgery.h — what makes a copy tell on itself (../shared/reference/municipal-domain.md
 * §3): a background tint whose latent 「複写」 stays invisible on the original and shows on a
 * photocopy, and a microtext line. Drawn with cairo into any surface (PDF pages, tests' images).
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Fills the rectangle (in the current user space, points) with the tint; the latent word is
 * repeated across it. Call before drawing the document's content. */
void mado_antiforgery_draw_tint (cairo_t *cr, double x, double y, double width, double height);

/* For tests: fills (with the current source) exactly the area where the tint's latent word lies,
 * for the same rectangle. */
void mado_antiforgery_draw_latent_mask (cairo_t *cr, double x, double y, double width,
                                        double height);

/* A line of microtext (about 1.2 pt: a dotted line to the eye, text under a loupe) from x to
 * x + width at baseline y, repeating @text. */
void mado_antiforgery_draw_microtext (cairo_t *cr, double x, double y, double width,
                                      const char *text);

G_END_DECLS
