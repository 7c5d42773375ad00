/* SPDX-License-Identifier: GPL-3.0-or-later
 * The signed QR payload: round trip, every altered character caught, wrong key, garbage, the
 * payload's size and QR version, and a drawn QR read back by the scanner.
 */
#include <string.h>

#include <cairo.h>
#include <qrencode.h>

#include "mado-print-error.h"
#include "mado-qr-scan.h"
#include "mado-signed-qr.h"
#include "security-test-util.h"

static EVP_PKEY *office_key, *kiosk_key;

static GPtrArray *
keys (EVP_PKEY *a, EVP_PKEY *b)
{
  GPtrArray *k = g_ptr_array_new ();
  if (a != NULL)
    g_ptr_array_add (k, a);
  if (b != NULL)
    g_ptr_array_add (k, b);
  return k;
}

static char *
sample_payload (gboolean card_link)
{
  g_autoptr (JsonNode) doc = mado_test_sample_document ();
  g_autoptr (MadoQrClaims) claims = mado_test_sample_claims (doc, card_link);
  g_autoptr (GError) error = NULL;
  char *payload = mado_signed_qr_encode (claims, office_key, &error);
  g_assert_no_error (error);
  g_assert_nonnull (payload);
  return payload;
}

static void
test_round_trip (void)
{
  for (int link = 0; link <= 1; link++)
    {
      g_autoptr (JsonNode) doc = mado_test_sample_document ();
      g_autoptr (MadoQrClaims) in = mado_test_sample_claims (doc, link);
      g_autoptr (GError) error = NULL;
      g_autofree char *payload = mado_signed_qr_encode (in, office_key, &error);
      g_assert_no_error (error);
      g_test_message ("payload (%zu bytes): %s", strlen (payload), payload);
      g_assert_true (g_str_has_prefix (payload, "MDG1.JUMINHYO.2026-000123.2026-11-26.131016."));
      /* QR alphanumeric mode only: 0-9 A-Z and '-' '.' */
      g_assert_cmpuint (strspn (payload, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-."), ==,
                        strlen (payload));

      g_autoptr (GPtrArray) k = keys (kiosk_key, office_key);
      g_autoptr (MadoQrClaims) out = mado_signed_qr_decode (payload, k, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (out->kind, ==, "juminhyo");
      g_assert_cmpstr (out->issue_number, ==, in->issue_number);
      g_assert_cmpstr (out->date, ==, in->date);
      g_assert_cmpstr (out->office, ==, in->office);
      g_assert_cmpmem (out->digest, 32, in->digest, 32);
      g_assert_cmpint (out->has_card_link, ==, link);
      if (link)
        g_assert_cmpmem (out->card_link, 32, in->card_link, 32);
      g_autofree char *id = mado_key_id (office_key);
      g_assert_cmpstr (out->key_id, ==, id);
      g_assert_cmpuint (strlen (id), ==, 16);

      /* a scanner's Enter is tolerated */
      g_autofree char *with_enter = g_strconcat (payload, "\r\n", NULL);
      g_autoptr (MadoQrClaims) again = mado_signed_qr_decode (with_enter, k, &error);
      g_assert_nonnull (again);
      g_assert_no_error (error);
    }
}

static void
test_qr_version (void)
{
  g_autofree char *payload = sample_payload (TRUE);
  QRcode *code = QRcode_encodeString (payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  g_assert_nonnull (code);
  double module_mm = 25.0 / (code->width + 8);
  g_test_message ("payload %zu characters → QR version %d (%d×%d modules, ECC M); at 25 mm "
                  "with the quiet zone a module is %.3f mm",
                  strlen (payload), code->version, code->width, code->width, module_mm);
  g_assert_cmpint (code->version, <=, 10);
  g_assert_cmpfloat (module_mm, >=, 0.33);
  QRcode_free (code);
}

static int
field_of (const char *payload, gsize at)
{
  int field = 0;
  for (gsize i = 0; i < at; i++)
    field += payload[i] == '.';
  return field;
}

static void
test_every_character_altered (void)
{
  g_autofree char *payload = sample_payload (TRUE);
  g_autoptr (GPtrArray) k = keys (office_key, NULL);
  gsize n = strlen (payload);
  guint tampered = 0, unknown = 0;
  for (gsize i = 0; i < n; i++)
    {
      const char *swaps[] = { "0", "A", "7", "a", "-", "." };
      for (gsize s = 0; s < G_N_ELEMENTS (swaps); s++)
        {
          if (payload[i] == swaps[s][0])
            continue;
          g_autofree char *bad = g_strdup (payload);
          bad[i] = swaps[s][0];
          g_autoptr (GError) error = NULL;
          g_autoptr (MadoQrClaims) claims = mado_signed_qr_decode (bad, k, &error);
          g_assert_null (claims);
          if (i < 5)
            {
              /* the prefix: no longer ours, or ours and broken */
              g_assert_true (
                  g_error_matches (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_NO_QR)
                  || g_error_matches (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_TAMPERED));
              continue;
            }
          /* an altered key id names a key not configured: refused as an unknown signer (the
           * signature covers the key id, so it can never pass); every other change: tampered */
          if (payload[i] != '.' && field_of (payload, i) == 7 && g_ascii_isxdigit (swaps[s][0])
              && !g_ascii_islower (swaps[s][0]))
            {
              g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNKNOWN_SIGNER);
              unknown++;
            }
          else
            {
              g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_TAMPERED);
              tampered++;
            }
        }
    }
  g_test_message ("%u alterations tampered, %u unknown signer", tampered, unknown);

  /* truncated, extended, a field added */
  const char *cuts[] = { "", ".", ".AAAA" };
  for (gsize c = 0; c < G_N_ELEMENTS (cuts); c++)
    {
      g_autofree char *bad = g_strconcat (payload, cuts[c], NULL);
      if (c == 0)
        bad[n - 1] = '\0';
      g_autoptr (GError) error = NULL;
      g_autoptr (MadoQrClaims) claims = mado_signed_qr_decode (bad, k, &error);
      g_assert_null (claims);
      g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_TAMPERED);
    }
}

static void
test_wrong_key (void)
{
  g_autofree char *payload = sample_payload (FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) k = keys (kiosk_key, NULL);
  g_autoptr (MadoQrClaims) claims = mado_signed_qr_decode (payload, k, &error);
  g_assert_null (claims);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNKNOWN_SIGNER);
  g_clear_error (&error);
  g_autoptr (MadoQrClaims) none = mado_signed_qr_decode (payload, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNKNOWN_SIGNER);
}

static void
test_garbage (void)
{
  const char *garbage[] = {
    "", "https://registry.example/q/8f2a", "MDG", "MDG0.A.B", "mdg1.x", "\xff\xfe", "MDG2.JUMINHYO"
  };
  g_autoptr (GPtrArray) k = keys (office_key, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MadoQrClaims) claims = mado_signed_qr_decode (garbage[i], k, &error);
      g_assert_null (claims);
      g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_NO_QR);
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoQrClaims) claims = mado_signed_qr_decode (NULL, k, &error);
  g_assert_null (claims);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_NO_QR);
}

static void
test_bad_claims (void)
{
  g_autoptr (JsonNode) doc = mado_test_sample_document ();
  struct
  {
    const char *kind, *issue, *date, *office;
  } bad[] = {
    { "JUMINHYO", "1", "2026-11-26", "131016" },   { "juminhyo", "1.2", "2026-11-26", "131016" },
    { "juminhyo", "1", "2026-02-30", "131016" },   { "juminhyo", "1", "2026-11", "131016" },
    { "juminhyo", "1", "2026-11-26", "" },         { "住民票", "1", "2026-11-26", "131016" },
    { "juminhyo", "abc", "2026-11-26", "131016" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (MadoQrClaims) c = mado_test_sample_claims (doc, FALSE);
      g_free (c->kind);
      g_free (c->issue_number);
      g_free (c->date);
      g_free (c->office);
      c->kind = g_strdup (bad[i].kind);
      c->issue_number = g_strdup (bad[i].issue);
      c->date = g_strdup (bad[i].date);
      c->office = g_strdup (bad[i].office);
      g_autoptr (GError) error = NULL;
      g_autofree char *payload = mado_signed_qr_encode (c, office_key, &error);
      g_assert_null (payload);
      g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_INVALID_FIELD);
    }
  /* not a P-256 key */
  g_autoptr (EVP_PKEY) p384 = EVP_EC_gen ("P-384");
  g_autoptr (MadoQrClaims) c = mado_test_sample_claims (doc, FALSE);
  g_autoptr (GError) error = NULL;
  g_autofree char *payload = mado_signed_qr_encode (c, p384, &error);
  g_assert_null (payload);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_KEY);
}

static void
test_key_files (void)
{
  g_autofree char *dir = mado_test_tmpdir ();
  g_autofree char *pub = g_build_filename (dir, "pub.pem", NULL);
  g_autofree char *priv = g_build_filename (dir, "priv.pem", NULL);
  mado_test_write_public_pem (office_key, pub);
  mado_test_write_private_pem (office_key, priv);
  g_autoptr (GError) error = NULL;
  EVP_PKEY *p = mado_public_key_load (pub, &error);
  g_assert_no_error (error);
  EVP_PKEY *s = mado_signing_key_load (priv, &error);
  g_assert_no_error (error);
  g_autofree char *a = mado_key_id (p), *b = mado_key_id (s), *c = mado_key_id (office_key);
  g_assert_cmpstr (a, ==, c);
  g_assert_cmpstr (b, ==, c);
  EVP_PKEY_free (p);
  EVP_PKEY_free (s);
  g_assert_null (mado_signing_key_load (pub, &error)); /* a public key cannot sign */
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_KEY);
  g_clear_error (&error);
  g_autofree char *missing = g_build_filename (dir, "missing.pem", NULL);
  g_assert_null (mado_public_key_load (missing, &error));
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_KEY);
  mado_test_rmdir (dir);
}

static void
test_draw_and_scan (void)
{
  g_autofree char *payload = sample_payload (TRUE);
  const double dpis[] = { 200, 300 };
  for (gsize d = 0; d < G_N_ELEMENTS (dpis); d++)
    {
      double scale = dpis[d] / 72.0;
      int side = (int)(120 * scale);
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, side, side);
      cairo_t *cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 0.9, 0.9, 0.9);
      cairo_paint (cr);
      cairo_scale (cr, scale, scale);
      g_autoptr (GError) error = NULL;
      g_assert_true (mado_qr_draw (cr, payload, 20, 20, MADO_TEST_QR_SIZE, &error));
      g_assert_no_error (error);
      cairo_destroy (cr);
      g_autoptr (GPtrArray) found
          = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_qr_found_free);
      mado_qr_scan_surface (surface, 1, found);
      cairo_surface_destroy (surface);
      g_assert_cmpuint (found->len, ==, 1);
      MadoQrFound *f = g_ptr_array_index (found, 0);
      g_assert_cmpstr (f->text, ==, payload);
    }
  /* not ASCII: refused */
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 10, 10);
  cairo_t *cr = cairo_create (surface);
  g_autoptr (GError) error = NULL;
  g_assert_false (mado_qr_draw (cr, "住民票", 0, 0, 10, &error));
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_INVALID_FIELD);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  office_key = mado_test_new_key ();
  kiosk_key = mado_test_new_key ();
  g_test_add_func ("/signed-qr/round-trip", test_round_trip);
  g_test_add_func ("/signed-qr/qr-version", test_qr_version);
  g_test_add_func ("/signed-qr/every-character-altered", test_every_character_altered);
  g_test_add_func ("/signed-qr/wrong-key", test_wrong_key);
  g_test_add_func ("/signed-qr/garbage", test_garbage);
  g_test_add_func ("/signed-qr/bad-claims", test_bad_claims);
  g_test_add_func ("/signed-qr/key-files", test_key_files);
  g_test_add_func ("/signed-qr/draw-and-scan", test_draw_and_scan);
  int status = g_test_run ();
  EVP_PKEY_free (office_key);
  EVP_PKEY_free (kiosk_key);
  return status;
}
