/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-document-verify.c — a file's QR codes, their signatures and (PDF) its content digest.
 */
#include "mado-document-verify.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "mado-canonical-json.h"
#include "mado-pdf-attachment.h"
#include "mado-print-error.h"
#include "mado-qr-scan.h"

static void
check_free (MadoQrCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->payload);
  mado_qr_claims_free (check->claims);
  g_clear_error (&check->error);
  g_free (check);
}

void
mado_verification_free (MadoVerification *v)
{
  if (v == NULL)
    return;
  g_free (v->file);
  g_clear_pointer (&v->checks, g_ptr_array_unref);
  g_free (v->content_problem);
  g_free (v);
}

static void
read_content (MadoVerification *v)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) content = mado_pdf_read_attachment (v->file, MADO_PDF_CONTENT_NAME, &error);
  if (content == NULL)
    {
      v->content_problem = g_strdup (error->message);
      return;
    }
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  gsize len = 0;
  const char *data = g_bytes_get_data (content, &len);
  if (len > G_MAXSSIZE || !json_parser_load_from_data (parser, data, (gssize)len, &error))
    {
      v->content_problem = g_strdup_printf ("the embedded content is not JSON: %s",
                                            error != NULL ? error->message : "too large");
      return;
    }
  mado_canonical_json_digest (json_parser_get_root (parser), v->content_digest);
  v->has_content = TRUE;
}

MadoVerification *
mado_document_verify (const char *path, GPtrArray *public_keys, GError **error)
{
  g_autoptr (GPtrArray) found = mado_qr_scan_file (path, error);
  if (found == NULL)
    return NULL;
  MadoVerification *v = g_new0 (MadoVerification, 1);
  v->file = g_strdup (path);
  v->is_pdf = mado_qr_scan_is_pdf (path);
  v->checks = g_ptr_array_new_with_free_func ((GDestroyNotify)check_free);
  v->digest_match = MADO_DIGEST_NOT_CHECKED;
  if (v->is_pdf)
    read_content (v);

  for (guint i = 0; i < found->len; i++)
    {
      MadoQrFound *f = g_ptr_array_index (found, i);
      if (!g_str_has_prefix (f->text, "MDG1."))
        {
          v->other_qr++;
          continue;
        }
      MadoQrCheck *check = g_new0 (MadoQrCheck, 1);
      check->page = f->page;
      check->payload = g_strdup (f->text);
      check->claims = mado_signed_qr_decode (f->text, public_keys, &check->error);
      check->digest_match = -1;
      if (check->claims != NULL && v->is_pdf)
        check->digest_match
            = v->has_content && memcmp (v->content_digest, check->claims->digest, 32) == 0;
      g_ptr_array_add (v->checks, check);
    }

  if (v->is_pdf)
    {
      v->digest_match = MADO_DIGEST_MATCH;
      gboolean any = FALSE;
      for (guint i = 0; i < v->checks->len; i++)
        {
          MadoQrCheck *check = g_ptr_array_index (v->checks, i);
          if (check->claims == NULL)
            continue;
          any = TRUE;
          if (check->digest_match != 1)
            v->digest_match = MADO_DIGEST_MISMATCH;
        }
      if (!any)
        v->digest_match = v->has_content ? MADO_DIGEST_NOT_CHECKED : MADO_DIGEST_MISMATCH;
    }
  return v;
}

gboolean
mado_verification_ok (const MadoVerification *v, GError **error)
{
  if (v->checks->len == 0)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_NO_QR,
                   "%s: no Madoguchi QR code found%s", v->file,
                   v->other_qr > 0 ? " (only other QR codes)" : "");
      return FALSE;
    }
  const MadoQrCheck *unknown = NULL;
  for (guint i = 0; i < v->checks->len; i++)
    {
      const MadoQrCheck *check = g_ptr_array_index (v->checks, i);
      if (check->error != NULL
          && g_error_matches (check->error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNKNOWN_SIGNER))
        unknown = unknown != NULL ? unknown : check;
      else if (check->error != NULL)
        {
          g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_TAMPERED, "page %u: %s",
                       check->page, check->error->message);
          return FALSE;
        }
    }
  if (v->is_pdf && v->has_content && v->digest_match == MADO_DIGEST_MISMATCH)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_TAMPERED,
                   "%s: the content the PDF carries is not what its QR code vouches for", v->file);
      return FALSE;
    }
  if (unknown != NULL)
    {
      g_set_error_literal (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNKNOWN_SIGNER,
                           unknown->error->message);
      return FALSE;
    }
  if (v->is_pdf && !v->has_content)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_PDF,
                   "the QR codes verify, but the PDF's content cannot be checked: %s",
                   v->content_problem != NULL ? v->content_problem : "absent");
      return FALSE;
    }
  return TRUE;
}
