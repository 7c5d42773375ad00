/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-verify end to end: a signed PDF (tint, microtext, QR, embedded content), its page as PNG
 * and JPEG (pdftoppm), zbarimg's reading of it, an altered PDF, a wrong key, no QR, bad usage.
 * MADO_VERIFY names the executable (set by meson).
 */
#include <string.h>

#include <glib/gstdio.h>

#include "mado-print-commands.h"
#include "mado-pdf-attachment.h"
#include "mado-print-error.h"
#include "security-test-util.h"

static char *dir, *pdf, *pub, *other_pub;
static EVP_PKEY *office_key;

static int
run (const char *const *argv, char **out, char **err)
{
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static int
verify (const char *key, const char *file, gboolean json, JsonNode **result, char **out_text)
{
  const char *verify_exe = g_getenv ("MADO_VERIFY");
  g_assert_nonnull (verify_exe);
  const char *argv[8];
  int n = 0;
  argv[n++] = verify_exe;
  if (key != NULL && g_file_test (key, G_FILE_TEST_IS_DIR))
    {
      argv[n++] = "--key-dir"; /* the configured keys: a directory of PEM files */
      argv[n++] = key;
    }
  else if (key != NULL)
    {
      argv[n++] = "--key";
      argv[n++] = key;
    }
  if (json)
    argv[n++] = "--json";
  argv[n++] = file;
  argv[n] = NULL;
  g_autofree char *out = NULL, *err = NULL;
  int code = run (argv, &out, &err);
  g_test_message ("mado-verify %s → %d\n%s%s", file, code, out, err);
  if (json && result != NULL)
    {
      g_autoptr (GError) error = NULL;
      *result = json_from_string (out, &error);
      g_assert_no_error (error);
    }
  if (out_text != NULL)
    *out_text = g_steal_pointer (&out);
  return code;
}

static int
exit_code_of (MadoPrintError code)
{
  g_autoptr (GError) e = g_error_new_literal (MADO_PRINT_ERROR, code, "x");
  return mado_print_exit_code (e);
}

static void
check_valid_json (JsonNode *result, gboolean pdf_digest)
{
  JsonObject *o = json_node_get_object (result);
  g_assert_true (json_object_get_boolean_member (o, "valid"));
  JsonArray *qr = json_object_get_array_member (o, "qr");
  g_assert_cmpuint (json_array_get_length (qr), ==, 1);
  JsonObject *q = json_array_get_object_element (qr, 0);
  g_assert_true (json_object_get_boolean_member (q, "valid"));
  g_assert_cmpstr (json_object_get_string_member (q, "kind"), ==, "juminhyo");
  g_assert_cmpstr (json_object_get_string_member (q, "issue_number"), ==, "2026-000123");
  g_assert_cmpstr (json_object_get_string_member (q, "date"), ==, "2026-11-26");
  g_assert_cmpstr (json_object_get_string_member (q, "office"), ==, "131016");
  g_assert_cmpuint (strlen (json_object_get_string_member (q, "digest")), ==, 64);
  g_assert_cmpuint (strlen (json_object_get_string_member (q, "card_link")), ==, 64);
  g_autofree char *id = mado_key_id (office_key);
  g_assert_cmpstr (json_object_get_string_member (q, "key_id"), ==, id);
  JsonNode *match = json_object_get_member (o, "digest_match");
  if (pdf_digest)
    g_assert_true (json_node_get_boolean (match));
  else
    g_assert_true (JSON_NODE_HOLDS_NULL (match));
}

static void
test_pdf_valid (void)
{
  g_autoptr (JsonNode) result = NULL;
  g_assert_cmpint (verify (pub, pdf, TRUE, &result, NULL), ==, 0);
  check_valid_json (result, TRUE);
  g_autofree char *text = NULL;
  g_assert_cmpint (verify (pub, pdf, FALSE, NULL, &text), ==, 0);
  g_assert_nonnull (strstr (text, "有効"));
  g_assert_nonnull (strstr (text, "2026-000123"));
  g_assert_nonnull (strstr (text, "一致"));
}

static void
test_key_dir (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *keys_dir = g_dir_make_tmp ("mado-verify-keys-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (pub, &data, &len, &error));
  g_autofree char *copy = g_build_filename (keys_dir, "office.pem", NULL);
  g_assert_true (g_file_set_contents (copy, data, (gssize)len, &error));
  g_autoptr (JsonNode) result = NULL;
  g_assert_cmpint (verify (keys_dir, pdf, TRUE, &result, NULL), ==, 0);
  check_valid_json (result, TRUE);
  g_unlink (copy);
  g_rmdir (keys_dir);
}

static gboolean
rasterise (const char *format, char **out)
{
  g_autofree char *pdftoppm = g_find_program_in_path ("pdftoppm");
  if (pdftoppm == NULL)
    return FALSE;
  g_autofree char *root = g_build_filename (dir, format, NULL);
  g_autofree char *flag = g_strconcat ("-", format, NULL);
  const char *argv[] = { pdftoppm, "-r", "200", flag, "-singlefile", pdf, root, NULL };
  g_assert_cmpint (run (argv, NULL, NULL), ==, 0);
  *out = g_strconcat (root, g_str_equal (format, "png") ? ".png" : ".jpg", NULL);
  return TRUE;
}

static void
test_image_valid (void)
{
  const char *formats[] = { "png", "jpeg" };
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *image = NULL;
      if (!rasterise (formats[i], &image))
        {
          g_test_skip ("pdftoppm not installed");
          return;
        }
      g_autoptr (JsonNode) result = NULL;
      g_assert_cmpint (verify (pub, image, TRUE, &result, NULL), ==, 0);
      check_valid_json (result, FALSE);
    }
}

static void
test_zbarimg (void)
{
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");
  g_autofree char *image = NULL;
  if (zbarimg == NULL || !rasterise ("png", &image))
    {
      g_test_skip ("zbarimg or pdftoppm not installed");
      return;
    }
  const char *argv[] = { zbarimg, "-q", image, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_assert_cmpint (run (argv, &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, "QR-Code:MDG1.JUMINHYO.2026-000123.2026-11-26.131016."));
}

static void
test_altered (void)
{
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (pdf, &bytes, &len, NULL));
  /* the embedded content says 山田 次郎 instead of 山田 太郎 */
  char *at = memmem (bytes, len, "太郎", strlen ("太郎"));
  g_assert_nonnull (at);
  memcpy (at, "次郎", strlen ("次郎"));
  g_autofree char *altered = g_build_filename (dir, "altered.pdf", NULL);
  g_assert_true (g_file_set_contents (altered, bytes, (gssize)len, NULL));
  g_autoptr (JsonNode) result = NULL;
  g_assert_cmpint (verify (pub, altered, TRUE, &result, NULL), ==,
                   exit_code_of (MADO_PRINT_ERROR_TAMPERED));
  JsonObject *o = json_node_get_object (result);
  g_assert_false (json_object_get_boolean_member (o, "valid"));
  g_assert_false (json_object_get_boolean_member (o, "digest_match"));
  g_assert_cmpstr (json_object_get_string_member (o, "error"), ==, "print.tampered");
  g_autofree char *text = NULL;
  g_assert_cmpint (verify (pub, altered, FALSE, NULL, &text), ==,
                   exit_code_of (MADO_PRINT_ERROR_TAMPERED));
  g_assert_nonnull (strstr (text, "不一致"));
}

static void
test_wrong_key_and_no_qr (void)
{
  g_autoptr (JsonNode) result = NULL;
  g_assert_cmpint (verify (other_pub, pdf, TRUE, &result, NULL), ==,
                   exit_code_of (MADO_PRINT_ERROR_UNKNOWN_SIGNER));
  g_assert_cmpint (verify (NULL, pdf, FALSE, NULL, NULL), ==,
                   exit_code_of (MADO_PRINT_ERROR_UNKNOWN_SIGNER));

  g_autofree char *blank = g_build_filename (dir, "blank.png", NULL);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 200, 200);
  g_assert_cmpint (cairo_surface_write_to_png (s, blank), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);
  g_assert_cmpint (verify (pub, blank, FALSE, NULL, NULL), ==,
                   exit_code_of (MADO_PRINT_ERROR_NO_QR));
}

/* The renderer's own output (mado-print render, another part of print/): a 住民票 of two copies
 * signed with a PEM key; the PDF, its PNG and an altered PDF. */
static void
test_rendered (void)
{
  const char *mado_print = g_getenv ("MADO_PRINT");
  const char *source = g_getenv ("MADO_SOURCE_DIR");
  g_autofree char *sample = source != NULL ? g_build_filename (source, "data", "samples",
                                                               "documents", "juminhyo.json", NULL)
                                           : NULL;
  if (mado_print == NULL || sample == NULL || !g_file_test (sample, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("mado-print or its samples not built");
      return;
    }
  g_autofree char *key = g_build_filename (dir, "office-key.pem", NULL);
  mado_test_write_private_pem (office_key, key);
  g_autofree char *out = g_build_filename (dir, "rendered.pdf", NULL);
  const char *argv[] = { mado_print, "render", "--doc",      "juminhyo", "--data", sample,
                         "--out",    out,      "--sign-key", key,        NULL };
  g_autofree char *o = NULL, *e = NULL;
  g_assert_cmpint (run (argv, &o, &e), ==, 0);

  g_autoptr (JsonNode) result = NULL;
  g_assert_cmpint (verify (pub, out, TRUE, &result, NULL), ==, 0);
  JsonObject *r = json_node_get_object (result);
  g_assert_true (json_object_get_boolean_member (r, "digest_match"));
  JsonArray *qrs = json_object_get_array_member (r, "qr");
  g_assert_cmpuint (json_array_get_length (qrs), >=, 1);
  /* the QR is on the last page of each copy */
  g_autofree char *page = g_strdup_printf (
      "%" G_GINT64_FORMAT,
      json_object_get_int_member (json_array_get_object_element (qrs, 0), "page"));

  g_autofree char *pdftoppm = g_find_program_in_path ("pdftoppm");
  if (pdftoppm != NULL)
    {
      g_autofree char *root = g_build_filename (dir, "rendered", NULL);
      const char *ppm[] = { pdftoppm, "-r", "200",         "-png", "-f", page,
                            "-l",     page, "-singlefile", out,    root, NULL };
      g_assert_cmpint (run (ppm, NULL, NULL), ==, 0);
      g_autofree char *png = g_strconcat (root, ".png", NULL);
      g_assert_cmpint (verify (pub, png, FALSE, NULL, NULL), ==, 0);
    }

  /* one digit of the embedded content changed */
  g_autoptr (GBytes) content = mado_pdf_read_attachment (out, MADO_PDF_CONTENT_NAME, NULL);
  g_assert_nonnull (content);
  gsize clen = 0, len = 0;
  const char *c = g_bytes_get_data (content, &clen);
  g_autofree char *bytes = NULL;
  g_assert_true (g_file_get_contents (out, &bytes, &len, NULL));
  char *at = memmem (bytes, len, c, clen);
  g_assert_nonnull (at);
  char *digit = at + strcspn (at, "0123456789");
  g_assert_true (digit < at + clen);
  *digit = *digit == '9' ? '8' : (char)(*digit + 1);
  g_autofree char *altered = g_build_filename (dir, "rendered-altered.pdf", NULL);
  g_assert_true (g_file_set_contents (altered, bytes, (gssize)len, NULL));
  g_assert_cmpint (verify (pub, altered, FALSE, NULL, NULL), ==,
                   exit_code_of (MADO_PRINT_ERROR_TAMPERED));
}

static void
test_bad_usage (void)
{
  g_autofree char *text_file = g_build_filename (dir, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (text_file, "not a key", -1, NULL));
  g_assert_cmpint (verify (text_file, pdf, FALSE, NULL, NULL), ==,
                   exit_code_of (MADO_PRINT_ERROR_KEY));
  g_assert_cmpint (verify (pub, text_file, FALSE, NULL, NULL), ==,
                   exit_code_of (MADO_PRINT_ERROR_PDF));
  const char *argv[] = { g_getenv ("MADO_VERIFY"), NULL };
  g_assert_cmpint (run (argv, NULL, NULL), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("MADO_VERIFY") == NULL)
    {
      g_test_skip ("MADO_VERIFY not set");
      return 77;
    }
  office_key = mado_test_new_key ();
  g_autoptr (EVP_PKEY) other = mado_test_new_key ();
  dir = mado_test_tmpdir ();
  pdf = g_build_filename (dir, "juminhyo.pdf", NULL);
  pub = g_build_filename (dir, "office.pem", NULL);
  other_pub = g_build_filename (dir, "other.pem", NULL);
  mado_test_write_public_pem (office_key, pub);
  mado_test_write_public_pem (other, other_pub);
  g_autoptr (JsonNode) doc = mado_test_sample_document ();
  mado_test_make_pdf (pdf, doc, office_key);

  g_test_add_func ("/verify-cli/pdf-valid", test_pdf_valid);
  g_test_add_func ("/verify-cli/key-dir", test_key_dir);
  g_test_add_func ("/verify-cli/image-valid", test_image_valid);
  g_test_add_func ("/verify-cli/zbarimg", test_zbarimg);
  g_test_add_func ("/verify-cli/altered", test_altered);
  g_test_add_func ("/verify-cli/wrong-key-and-no-qr", test_wrong_key_and_no_qr);
  g_test_add_func ("/verify-cli/rendered", test_rendered);
  g_test_add_func ("/verify-cli/bad-usage", test_bad_usage);
  int status = g_test_run ();
  mado_test_rmdir (dir);
  g_free (dir);
  g_free (pdf);
  g_free (pub);
  g_free (other_pub);
  EVP_PKEY_free (office_key);
  return status;
}
