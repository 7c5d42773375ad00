/* SPDX-License-Identifier: GPL-3.0-or-later
 * PDF attachments (incremental update, poppler read-back, qpdf's view) and the document verifier
 * on PDFs: valid, content altered, content missing, wrong key.
 */
#include <string.h>

#include <cairo-pdf.h>

#include "mado-canonical-json.h"
#include "mado-document-verify.h"
#include "mado-pdf-attachment.h"
#include "mado-print-error.h"
#include "security-test-util.h"

static EVP_PKEY *office_key;

static void
blank_pdf (const char *path, int pages)
{
  cairo_surface_t *s = cairo_pdf_surface_create (path, 595.28, 841.89);
  cairo_t *cr = cairo_create (s);
  for (int i = 0; i < pages; i++)
    {
      cairo_rectangle (cr, 100, 100, 50, 50);
      cairo_fill (cr);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static gboolean
qpdf_check (const char *path)
{
  g_autofree char *qpdf = g_find_program_in_path ("qpdf");
  if (qpdf == NULL)
    return TRUE;
  const char *argv[] = { qpdf, "--check", path, NULL };
  int status = 0;
  g_autofree char *out = NULL, *err = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_test_message ("qpdf --check %s:\n%s%s", path, out, err);
  return g_spawn_check_wait_status (status, NULL);
}

static void
test_attach_and_read (void)
{
  g_autofree char *dir = mado_test_tmpdir ();
  g_autofree char *pdf = g_build_filename (dir, "a.pdf", NULL);
  blank_pdf (pdf, 2);
  gsize before = 0;
  g_autofree char *orig = NULL;
  g_assert_true (g_file_get_contents (pdf, &orig, &before, NULL));

  const char content[] = "{\"氏名\":\"葛\xf3\xa0\x84\x81城\",\"n\":1}\n\r\x00 binary \xff";
  g_autoptr (GBytes) data = g_bytes_new_static (content, sizeof content);
  g_autoptr (GError) error = NULL;
  g_assert_true (mado_pdf_attach (pdf, MADO_PDF_CONTENT_NAME, data, &error));
  g_assert_no_error (error);

  /* an incremental update: the original bytes are untouched */
  g_autofree char *after = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (pdf, &after, &len, NULL));
  g_assert_cmpuint (len, >, before);
  g_assert_cmpmem (after, before, orig, before);
  g_assert_true (qpdf_check (pdf));

  g_autoptr (GBytes) back = mado_pdf_read_attachment (pdf, MADO_PDF_CONTENT_NAME, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, data));

  g_autoptr (GBytes) none = mado_pdf_read_attachment (pdf, "other.json", &error);
  g_assert_null (none);
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF);
  g_clear_error (&error);

  /* a second attachment: the catalog already has /Names, so qpdf adds it (if installed) */
  g_autofree char *qpdf = g_find_program_in_path ("qpdf");
  if (qpdf != NULL)
    {
      g_autoptr (GBytes) second = g_bytes_new_static ("{}", 2);
      g_assert_true (mado_pdf_attach (pdf, "second.json", second, &error));
      g_assert_no_error (error);
      g_autoptr (GBytes) a = mado_pdf_read_attachment (pdf, MADO_PDF_CONTENT_NAME, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (a, data));
      g_autoptr (GBytes) b = mado_pdf_read_attachment (pdf, "second.json", &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (b, second));
    }

  /* not a PDF */
  g_autofree char *txt = g_build_filename (dir, "x.pdf", NULL);
  g_assert_true (g_file_set_contents (txt, "hello", -1, NULL));
  g_assert_false (mado_pdf_attach (txt, MADO_PDF_CONTENT_NAME, data, &error));
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF);
  mado_test_rmdir (dir);
}

static GPtrArray *
keys (EVP_PKEY *key)
{
  GPtrArray *k = g_ptr_array_new ();
  g_ptr_array_add (k, key);
  return k;
}

static void
test_verify_pdf (void)
{
  g_autofree char *dir = mado_test_tmpdir ();
  g_autofree char *pdf = g_build_filename (dir, "doc.pdf", NULL);
  g_autoptr (JsonNode) doc = mado_test_sample_document ();
  mado_test_make_pdf (pdf, doc, office_key);
  g_assert_true (qpdf_check (pdf));

  g_autoptr (GPtrArray) k = keys (office_key);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoVerification) v = mado_document_verify (pdf, k, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (v->checks->len, ==, 1);
  g_assert_true (v->is_pdf);
  g_assert_true (v->has_content);
  g_assert_cmpint (v->digest_match, ==, MADO_DIGEST_MATCH);
  g_assert_true (mado_verification_ok (v, &error));
  g_assert_no_error (error);
  MadoQrCheck *c = g_ptr_array_index (v->checks, 0);
  g_assert_cmpstr (c->claims->issue_number, ==, "2026-000123");

  /* the content altered in the file (same length: 太郎 → 次郎) */
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (pdf, &bytes, &len, NULL));
  char *at = memmem (bytes, len, "太郎", strlen ("太郎"));
  g_assert_nonnull (at);
  memcpy (at, "次郎", strlen ("次郎"));
  g_autofree char *altered = g_build_filename (dir, "altered.pdf", NULL);
  g_assert_true (g_file_set_contents (altered, bytes, (gssize)len, NULL));
  g_autoptr (MadoVerification) va = mado_document_verify (altered, k, &error);
  g_assert_no_error (error);
  g_assert_cmpint (va->digest_match, ==, MADO_DIGEST_MISMATCH);
  g_assert_false (mado_verification_ok (va, &error));
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_TAMPERED);
  g_clear_error (&error);

  /* the content made unreadable (not JSON) */
  char *start = memmem (bytes, len, "{\"address\"", 10);
  g_assert_nonnull (start);
  start[0] = '['; /* no longer JSON */
  g_autofree char *broken = g_build_filename (dir, "broken.pdf", NULL);
  g_assert_true (g_file_set_contents (broken, bytes, (gssize)len, NULL));
  g_autoptr (MadoVerification) vb = mado_document_verify (broken, k, &error);
  g_assert_no_error (error);
  g_assert_false (vb->has_content);
  g_assert_false (mado_verification_ok (vb, &error));
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF);
  g_clear_error (&error);

  /* a key not configured */
  g_autoptr (EVP_PKEY) other = mado_test_new_key ();
  g_autoptr (GPtrArray) ko = keys (other);
  g_autoptr (MadoVerification) vu = mado_document_verify (pdf, ko, &error);
  g_assert_no_error (error);
  g_assert_false (mado_verification_ok (vu, &error));
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNKNOWN_SIGNER);
  g_clear_error (&error);

  /* a PDF without a QR */
  g_autofree char *blank = g_build_filename (dir, "blank.pdf", NULL);
  blank_pdf (blank, 1);
  g_autoptr (MadoVerification) vn = mado_document_verify (blank, k, &error);
  g_assert_no_error (error);
  g_assert_false (mado_verification_ok (vn, &error));
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_NO_QR);
  g_clear_error (&error);

  /* no such file */
  g_autofree char *missing = g_build_filename (dir, "missing.pdf", NULL);
  g_assert_null (mado_document_verify (missing, k, &error));
  g_assert_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF);
  mado_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  office_key = mado_test_new_key ();
  g_test_add_func ("/pdf-attachment/attach-and-read", test_attach_and_read);
  g_test_add_func ("/pdf-attachment/verify-pdf", test_verify_pdf);
  int status = g_test_run ();
  EVP_PKEY_free (office_key);
  return status;
}
