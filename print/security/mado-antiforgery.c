/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-antiforgery.c — the tint (地紋) with a latent 「複写」 (けん制文字) and the microtext line.
 *
 * The tint is a void pantograph: the background is fine dots (0.30 pt on a 0.72 pt grid), the
 * latent word is coarse dots (0.80 pt on a 1.92 pt grid). Both cover the same fraction of the
 * area (diameter / pitch = 5/12, about 13.6 % ink), so on the original the word has the same
 * mean grey as its surroundings and the eye sees one even light tint. A copier scans at a
 * resolution where the fine dots blur into a light grey that its threshold drops to white,
 * while the coarse dots stay dark: on the copy the word stands out. Pitches are whole pixels
 * at 300 and 600 dpi (no beat pattern when rasterised). The dots are drawn as tiling
 * patterns (one PDF pattern each), so a page costs a few hundred bytes, not a million dots.
 */
#include "mado-antiforgery.h"

#include <pango/pangocairo.h>

#define TINT_INK 0.45 /* grey of the dots (0 black, 1 white) */
#define FINE_PITCH 0.72
#define FINE_DOT 0.30
#define COARSE_PITCH 1.92
#define COARSE_DOT 0.80
#define LATENT_WORD "複写"
#define LATENT_FONT "Noto Sans CJK JP Bold 72px"
#define LATENT_STEP_X 216.0 /* one word every 3 inches across, rows staggered */
#define LATENT_STEP_Y 144.0
#define MICROTEXT_FONT "Noto Sans CJK JP 1.2px"
#define MICROTEXT_INK 0.2

/* A tile of DOTS_PER_TILE × DOTS_PER_TILE dots. A recording surface's extents are whole units,
 * and 25 pitches of either grid are (18 pt, 48 pt); the tile is drawn at its natural size (a
 * scaled pattern matrix made poppler's cairo renderer ten times slower). */
#define DOTS_PER_TILE 25

static cairo_pattern_t *
dot_pattern (double pitch, double dot)
{
  double side = pitch * DOTS_PER_TILE;
  cairo_rectangle_t extents = { 0, 0, side, side };
  cairo_surface_t *tile = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, &extents);
  cairo_t *cr = cairo_create (tile);
  cairo_set_source_rgb (cr, TINT_INK, TINT_INK, TINT_INK);
  for (int row = 0; row < DOTS_PER_TILE; row++)
    for (int col = 0; col < DOTS_PER_TILE; col++)
      {
        double cx = (col + 0.5) * pitch, cy = (row + 0.5) * pitch;
        cairo_new_sub_path (cr);
        cairo_arc (cr, cx, cy, dot / 2, 0, 2 * G_PI);
      }
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_pattern_t *pattern = cairo_pattern_create_for_surface (tile);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_REPEAT);
  cairo_surface_destroy (tile);
  return pattern;
}

/* The outlines of the repeated word, as the current path. */
static void
latent_words_path (cairo_t *cr, double x, double y, double width, double height)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string (LATENT_FONT);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, LATENT_WORD, -1);
  pango_font_description_free (font);

  cairo_new_path (cr);
  int row = 0;
  for (double wy = y + 24; wy < y + height; wy += LATENT_STEP_Y, row++)
    for (double wx = x + 24 + (row % 2) * LATENT_STEP_X / 2 - LATENT_STEP_X; wx < x + width;
         wx += LATENT_STEP_X)
      {
        cairo_move_to (cr, wx, wy);
        pango_cairo_layout_path (cr, layout);
      }
  g_object_unref (layout);
}

void
mado_antiforgery_draw_tint (cairo_t *cr, double x, double y, double width, double height)
{
  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  cairo_clip (cr);

  latent_words_path (cr, x, y, width, height);
  cairo_path_t *words = cairo_copy_path (cr);

  /* background: the rectangle less the words (even-odd), in fine dots */
  cairo_pattern_t *fine = dot_pattern (FINE_PITCH, FINE_DOT);
  cairo_new_path (cr);
  cairo_rectangle (cr, x, y, width, height);
  cairo_append_path (cr, words);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_set_source (cr, fine);
  cairo_fill (cr);
  cairo_pattern_destroy (fine);

  /* the words, in coarse dots */
  cairo_pattern_t *coarse = dot_pattern (COARSE_PITCH, COARSE_DOT);
  cairo_new_path (cr);
  cairo_append_path (cr, words);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);
  cairo_set_source (cr, coarse);
  cairo_fill (cr);
  cairo_pattern_destroy (coarse);

  cairo_path_destroy (words);
  cairo_restore (cr);
}

void
mado_antiforgery_draw_latent_mask (cairo_t *cr, double x, double y, double width, double height)
{
  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  cairo_clip (cr);
  latent_words_path (cr, x, y, width, height);
  cairo_fill (cr);
  cairo_restore (cr);
}

void
mado_antiforgery_draw_microtext (cairo_t *cr, double x, double y, double width, const char *text)
{
  if (text == NULL || *text == '\0' || width <= 0)
    return;
  cairo_save (cr);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (pango_layout_get_context (layout), options);
  pango_layout_context_changed (layout);
  cairo_font_options_destroy (options);
  PangoFontDescription *font = pango_font_description_from_string (MICROTEXT_FONT);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);

  /* measure one repetition, then repeat until the line is full */
  g_autofree char *unit = g_strconcat (text, "\u3000", NULL);
  pango_layout_set_text (layout, unit, -1);
  int unit_width = 0;
  pango_layout_get_size (layout, &unit_width, NULL);
  double unit_pt = (double)unit_width / PANGO_SCALE;
  guint repeats = unit_pt > 0 ? (guint)(width / unit_pt) + 2 : 1;
  GString *line = g_string_new (NULL);
  for (guint i = 0; i < repeats && i < 10000; i++)
    g_string_append (line, unit);
  pango_layout_set_text (layout, line->str, (int)line->len);
  g_string_free (line, TRUE);

  double baseline = (double)pango_layout_get_baseline (layout) / PANGO_SCALE;
  cairo_rectangle (cr, x, y - 16, width, 32); /* clip the ends of the line only */
  cairo_clip (cr);
  cairo_set_source_rgb (cr, MICROTEXT_INK, MICROTEXT_INK, MICROTEXT_INK);
  cairo_move_to (cr, x, y - baseline);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
  cairo_restore (cr);
}
