/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-fonts.h — the configured fonts and the character check that runs before anything is
 * drawn (../shared/reference/municipal-domain.md §6). A character no configured font holds, or a
 * base character + variation selector the font does not register in its cmap format 14 table,
 * is an error naming it: Pango would print a box, or silently the base glyph (a different 字体).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MadoFontSet MadoFontSet;

/* Resolves each family with fontconfig (MADO_PRINT_ERROR_FONT when one is not installed: a
 * fallback font is never taken for a configured one) and opens it with FreeType. The order is
 * the order of preference, as in a Pango family list. */
MadoFontSet *mado_font_set_new (const char *const *families, GError **error);
void mado_font_set_free (MadoFontSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoFontSet, mado_font_set_free)

/* "IPAmjMincho,Extra MJ" — for pango_font_description_set_family(). */
const char *mado_font_set_get_family_list (MadoFontSet *set);

/* Checks every character of @text. The first font (in order) that holds a base character is the
 * one Pango will draw it with, so a variation selector after it must be registered in that font.
 * MADO_PRINT_ERROR_UNRESOLVED_CHARACTER ("U+E000 in persons[0].name: no configured font holds
 * it") or MADO_PRINT_ERROR_UNSUPPORTED_VARIATION ("U+845B U+E0100 …"). @field names the field. */
gboolean mado_font_set_check_text (MadoFontSet *set, const char *text, const char *field,
                                   GError **error);

/* TRUE for U+FE00–U+FE0F and U+E0100–U+E01EF. */
gboolean mado_is_variation_selector (gunichar c);

G_END_DECLS
