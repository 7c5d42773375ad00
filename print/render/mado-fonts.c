/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-fonts.c — fontconfig coverage and FreeType variation-sequence checks.
 */
#include "mado-fonts.h"

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include "mado-print-error.h"

typedef struct
{
  char *family;
  char *file;
  FcCharSet *charset;
  FT_Face face;
} Font;

struct _MadoFontSet
{
  FT_Library library;
  GArray *fonts; /* Font */
  char *family_list;
};

static void
font_clear (gpointer p)
{
  Font *f = p;
  g_free (f->family);
  g_free (f->file);
  if (f->charset != NULL)
    FcCharSetDestroy (f->charset);
  if (f->face != NULL)
    FT_Done_Face (f->face);
}

gboolean
mado_is_variation_selector (gunichar c)
{
  return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

static gboolean
pattern_has_family (FcPattern *pattern, const char *family)
{
  FcChar8 *name = NULL;
  for (int i = 0; FcPatternGetString (pattern, FC_FAMILY, i, &name) == FcResultMatch; i++)
    if (g_ascii_strcasecmp ((const char *)name, family) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
font_open (MadoFontSet *set, const char *family, Font *out, GError **error)
{
  FcPattern *pattern = FcPatternCreate ();
  FcResult result = FcResultNoMatch;
  FcChar8 *file = NULL;
  FcCharSet *charset = NULL;
  int index = 0;
  gboolean ok = FALSE;

  FcPatternAddString (pattern, FC_FAMILY, (const FcChar8 *)family);
  FcConfigSubstitute (NULL, pattern, FcMatchPattern);
  FcDefaultSubstitute (pattern);
  FcPattern *match = FcFontMatch (NULL, pattern, &result);
  FcPatternDestroy (pattern);

  if (match == NULL || result != FcResultMatch || !pattern_has_family (match, family)
      || FcPatternGetString (match, FC_FILE, 0, &file) != FcResultMatch
      || FcPatternGetCharSet (match, FC_CHARSET, 0, &charset) != FcResultMatch)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_FONT,
                   "font “%s” is not installed (fontconfig has no such family)", family);
      goto out;
    }
  FcPatternGetInteger (match, FC_INDEX, 0, &index);
  out->family = g_strdup (family);
  out->file = g_strdup ((const char *)file);
  out->charset = FcCharSetCopy (charset);
  if (FT_New_Face (set->library, out->file, index, &out->face) != 0)
    {
      out->face = NULL;
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_FONT,
                   "font “%s” (%s) cannot be opened", family, out->file);
      goto out;
    }
  ok = TRUE;
out:
  if (match != NULL)
    FcPatternDestroy (match);
  return ok;
}

MadoFontSet *
mado_font_set_new (const char *const *families, GError **error)
{
  g_autoptr (MadoFontSet) set = g_new0 (MadoFontSet, 1);
  g_autoptr (GString) list = g_string_new (NULL);

  g_return_val_if_fail (families != NULL && families[0] != NULL, NULL);

  if (!FcInit () || FT_Init_FreeType (&set->library) != 0)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_FONT,
                   "fontconfig or FreeType cannot start");
      return NULL;
    }
  set->fonts = g_array_new (FALSE, TRUE, sizeof (Font));
  g_array_set_clear_func (set->fonts, font_clear);
  for (guint i = 0; families[i] != NULL; i++)
    {
      Font f = { 0 };
      if (!font_open (set, families[i], &f, error))
        {
          font_clear (&f);
          return NULL;
        }
      g_array_append_val (set->fonts, f);
      if (list->len > 0)
        g_string_append_c (list, ',');
      g_string_append (list, families[i]);
    }
  set->family_list = g_string_free (g_steal_pointer (&list), FALSE);
  return g_steal_pointer (&set);
}

void
mado_font_set_free (MadoFontSet *set)
{
  if (set == NULL)
    return;
  if (set->fonts != NULL)
    g_array_unref (set->fonts);
  if (set->library != NULL)
    FT_Done_FreeType (set->library);
  g_free (set->family_list);
  g_free (set);
}

const char *
mado_font_set_get_family_list (MadoFontSet *set)
{
  return set->family_list;
}

gboolean
mado_font_set_check_text (MadoFontSet *set, const char *text, const char *field, GError **error)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);
      gunichar vs = *next != '\0' ? g_utf8_get_char (next) : 0;
      Font *font = NULL;

      if (mado_is_variation_selector (c))
        {
          g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNSUPPORTED_VARIATION,
                       "U+%04X in %s: a variation selector without a base character", c, field);
          return FALSE;
        }
      for (guint i = 0; i < set->fonts->len && font == NULL; i++)
        if (FcCharSetHasChar (g_array_index (set->fonts, Font, i).charset, c))
          font = &g_array_index (set->fonts, Font, i);
      if (font == NULL)
        {
          g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNRESOLVED_CHARACTER,
                       "U+%04X in %s: no configured font (%s) holds this character", c, field,
                       set->family_list);
          return FALSE;
        }
      if (mado_is_variation_selector (vs))
        {
          if (FT_Face_GetCharVariantIndex (font->face, c, vs) == 0)
            {
              g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNSUPPORTED_VARIATION,
                           "U+%04X U+%04X in %s: the font %s does not register this variation "
                           "sequence",
                           c, vs, field, font->family);
              return FALSE;
            }
          p = next; /* the selector is consumed with its base */
        }
    }
  return TRUE;
}
