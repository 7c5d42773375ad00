/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "security-test-util.h"

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <openssl/pem.h>
#include <pango/pangocairo.h>

#include "mado-antiforgery.h"
#include "mado-canonical-json.h"
#include "mado-pdf-attachment.h"

EVP_PKEY *
mado_test_new_key (void)
{
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  g_assert_nonnull (key);
  return key;
}

void
mado_test_write_public_pem (EVP_PKEY *key, const char *path)
{
  FILE *f = fopen (path, "w");
  g_assert_nonnull (f);
  g_assert_cmpint (PEM_write_PUBKEY (f, key), ==, 1);
  fclose (f);
}

void
mado_test_write_private_pem (EVP_PKEY *key, const char *path)
{
  FILE *f = fopen (path, "w");
  g_assert_nonnull (f);
  g_assert_cmpint (PEM_write_PrivateKey (f, key, NULL, NULL, 0, NULL, NULL), ==, 1);
  fclose (f);
}

JsonNode *
mado_test_sample_document (void)
{
  static const char json[]
      = "{\"kind\":\"juminhyo\",\"issue_number\":\"2026-000123\",\"office\":\"131016\","
        "\"persons\":[{\"name\":\"葛\xf3\xa0\x84\x81城 花子\",\"birth\":\"1985-04\","
        "\"relation\":\"世帯主\"},{\"name\":\"山田 太郎\",\"birth\":null}],"
        "\"address\":\"東京都千代田区霞が関1-2-3\",\"copies\":1,\"fee\":300}";
  return json_from_string (json, NULL);
}

MadoQrClaims *
mado_test_sample_claims (JsonNode *content, gboolean card_link)
{
  MadoQrClaims *c = g_new0 (MadoQrClaims, 1);
  c->kind = g_strdup ("juminhyo");
  c->issue_number = g_strdup ("2026-000123");
  c->date = g_strdup ("2026-11-26");
  c->office = g_strdup ("131016");
  mado_canonical_json_digest (content, c->digest);
  c->has_card_link = card_link;
  for (int i = 0; i < 32 && card_link; i++)
    c->card_link[i] = (guint8)(0xA0 + i);
  return c;
}

void
mado_test_make_pdf (const char *path, JsonNode *content, EVP_PKEY *key)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, MADO_TEST_A4_W, MADO_TEST_A4_H);
  cairo_t *cr = cairo_create (surface);
  mado_antiforgery_draw_tint (cr, 0, 0, MADO_TEST_A4_W, MADO_TEST_A4_H);

  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Noto Sans CJK JP 24");
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, "住民票の写し（試験）", -1);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_move_to (cr, 72, 72);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);

  mado_antiforgery_draw_microtext (cr, 72, 130, MADO_TEST_A4_W - 144, "MADOGUCHI 窓口 131016");

  g_autoptr (MadoQrClaims) claims = mado_test_sample_claims (content, TRUE);
  g_autoptr (GError) error = NULL;
  g_autofree char *payload = mado_signed_qr_encode (claims, key, &error);
  g_assert_no_error (error);
  g_assert_true (mado_qr_draw (cr, payload, MADO_TEST_A4_W - 72 - MADO_TEST_QR_SIZE,
                               MADO_TEST_A4_H - 72 - MADO_TEST_QR_SIZE, MADO_TEST_QR_SIZE, &error));
  g_assert_no_error (error);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  g_autoptr (GBytes) canonical = mado_canonical_json (content);
  g_assert_true (mado_pdf_attach (path, MADO_PDF_CONTENT_NAME, canonical, &error));
  g_assert_no_error (error);
}

char *
mado_test_tmpdir (void)
{
  char *dir = g_dir_make_tmp ("mado-security-XXXXXX", NULL);
  g_assert_nonnull (dir);
  return dir;
}

void
mado_test_rmdir (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_unlink (p);
    }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
}
