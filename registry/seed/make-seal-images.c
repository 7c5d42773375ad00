/* SPDX-License-Identifier: GPL-3.0-or-later
 * make-seal-images.c — writes mado-seed-seals.h, the seed's 印影 (not built by meson; run by hand
 * when the images should change):
 *
 *   cc -O2 -Wall registry/seed/make-seal-images.c \
 *      $(pkg-config --cflags --libs pangocairo zlib) -o /tmp/make-seal-images
 *   /tmp/make-seal-images > registry/seed/mado-seed-seals.h
 *   clang-format -i registry/seed/mado-seed-seals.h
 *
 * Each image is a 40×40 認印: a red ring and one character in Noto Serif CJK JP Bold, drawn with
 * pango and cairo into an alpha mask, quantised to 16 levels and written as a 4-bit palette PNG
 * (one red, a tRNS alpha ramp; no time or text chunks), about 550 bytes. The seed embeds the
 * bytes instead of drawing at run time: the same seed gives the same database on every machine
 * whatever its fonts, and a million persons cost no rendering. The characters are the first
 * characters of the seed's most common surnames (about half the persons it makes), and 「印」
 * for everybody else.
 */
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#define SIZE 40

static const char *const characters[] = { "山", "佐", "中", "小", "高", "田", "松", "鈴", "渡",
                                          "石", "伊", "藤", "吉", "大", "岡", "加", "印" };

static void
put32 (GByteArray *out, guint32 v)
{
  guint8 b[4] = { (guint8)(v >> 24), (guint8)(v >> 16), (guint8)(v >> 8), (guint8)v };
  g_byte_array_append (out, b, 4);
}

static void
chunk (GByteArray *out, const char *type, const guint8 *data, guint32 length)
{
  uLong crc = crc32 (0, (const Bytef *)type, 4);

  put32 (out, length);
  g_byte_array_append (out, (const guint8 *)type, 4);
  if (length > 0)
    {
      g_byte_array_append (out, data, length);
      crc = crc32 (crc, data, length);
    }
  put32 (out, (guint32)crc);
}

static GByteArray *
seal_png (const char *character)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  /* width, height, bit depth 4, colour type 3 (palette), deflate, filter 0, no interlace */
  static const guint8 ihdr[13] = { 0, 0, 0, SIZE, 0, 0, 0, SIZE, 4, 3, 0, 0, 0 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, SIZE, SIZE);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Noto Serif CJK JP Bold");
  PangoRectangle ink;
  guint8 raw[SIZE * (1 + SIZE / 2)];
  guint8 palette[16 * 3], alpha[16];
  uLongf zlength = compressBound (sizeof raw);
  guint8 *z = g_malloc (zlength);
  GByteArray *out = g_byte_array_new ();
  const guint8 *pixels;
  int stride;

  cairo_set_line_width (cr, SIZE / 14.0);
  cairo_arc (cr, SIZE / 2.0, SIZE / 2.0, SIZE / 2.0 - SIZE / 14.0, 0, 2 * G_PI);
  cairo_stroke (cr);
  pango_font_description_set_absolute_size (font, SIZE * 0.58 * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, character, -1);
  pango_layout_get_pixel_extents (layout, &ink, NULL);
  cairo_move_to (cr, (SIZE - ink.width) / 2.0 - ink.x, (SIZE - ink.height) / 2.0 - ink.y);
  pango_cairo_show_layout (cr, layout);
  cairo_surface_flush (surface);

  /* Rows of 4-bit indices (the alpha in 16 levels), each after its filter byte (0: none). */
  pixels = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < SIZE; y++)
    {
      guint8 *row = raw + y * (1 + SIZE / 2);
      row[0] = 0;
      for (int x = 0; x < SIZE; x += 2)
        {
          int a = (pixels[y * stride + x] + 8) / 17, b = (pixels[y * stride + x + 1] + 8) / 17;
          row[1 + x / 2] = (guint8)(a << 4 | b);
        }
    }
  compress2 (z, &zlength, raw, sizeof raw, 9);
  for (int i = 0; i < 16; i++)
    {
      palette[i * 3] = 0xd0; /* 朱肉 red */
      palette[i * 3 + 1] = 0x1c;
      palette[i * 3 + 2] = 0x1c;
      alpha[i] = (guint8)(i * 17);
    }

  g_byte_array_append (out, signature, sizeof signature);
  chunk (out, "IHDR", ihdr, sizeof ihdr);
  chunk (out, "PLTE", palette, sizeof palette);
  chunk (out, "tRNS", alpha, sizeof alpha);
  chunk (out, "IDAT", z, (guint32)zlength);
  chunk (out, "IEND", NULL, 0);

  g_free (z);
  pango_font_description_free (font);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return out;
}

int
main (int argc, char **argv)
{
  if (argc == 2)
    {
      /* one image as a file, to look at: make-seal-images 佐 > sa.png */
      GByteArray *png = seal_png (argv[1]);
      fwrite (png->data, 1, png->len, stdout);
      g_byte_array_unref (png);
      return 0;
    }
  printf ("/* SPDX-License-Identifier: GPL-3.0-or-later\n"
          " * mado-seed-seals.h — the seed's 印影 (private to mado-seed.c): %u PNG images of %dx%d "
          "pixels,\n"
          " * a red ring and one character, made by make-seal-images.c (which says how). The "
          "last one,\n"
          " * 「印」, is for surnames whose first character has no image of its own.\n"
          " */\n"
          "#pragma once\n\n#include <glib.h>\n\n"
          "typedef struct\n{\n  const char *character; /* the surname's first character */\n"
          "  const guint8 *png;\n  gsize length;\n} SeedSeal;\n\n",
          (unsigned)G_N_ELEMENTS (characters), SIZE, SIZE);
  for (guint i = 0; i < G_N_ELEMENTS (characters); i++)
    {
      GByteArray *png = seal_png (characters[i]);
      printf ("static const guint8 seed_seal_%u[] = {", i);
      for (guint k = 0; k < png->len; k++)
        printf ("%s0x%02x", k ? ", " : " ", png->data[k]);
      printf (" };\n");
      g_byte_array_unref (png);
    }
  printf ("\nstatic const SeedSeal seed_seals[] = {\n");
  for (guint i = 0; i < G_N_ELEMENTS (characters); i++)
    printf ("  { \"%s\", seed_seal_%u, sizeof seed_seal_%u },\n", characters[i], i, i);
  printf ("};\n");
  return 0;
}
