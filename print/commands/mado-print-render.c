/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-print render --doc KIND --data FILE.json --out FILE.pdf [--sign-key KEY.pem] [--test-mode]
 * [--name-font FAMILY]… — one document to PDF (docs/documents.md, docs/cli.md).
 */
#include <locale.h>
#include <stdio.h>

#include "mado-document.h"
#include "mado-print-commands.h"
#include "mado-print-error.h"
#include "mado-renderer.h"
#include "mado-signed-qr.h"

int
mado_print_render_command (int argc, char **argv)
{
  g_autofree char *kind = NULL, *data = NULL, *out = NULL, *key_path = NULL;
  g_auto (GStrv) name_fonts = NULL;
  gboolean test_mode = FALSE;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "doc", 'd', 0, G_OPTION_ARG_STRING, &kind,
      "document kind: juminhyo, kisai_jiko, inkan, tennyu, tenshutsu, tenkyo, setai_henko, ticket",
      "KIND" },
    { "data", 'i', 0, G_OPTION_ARG_FILENAME, &data, "the document's data (JSON)", "FILE" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "the PDF to write", "FILE" },
    { "sign-key", 'k', 0, G_OPTION_ARG_FILENAME, &key_path,
      "EC P-256 private key (PEM) that signs the QR codes (certificates, notices)", "KEY" },
    { "test-mode", 't', 0, G_OPTION_ARG_NONE, &test_mode, "print 「見本・テスト」 on every page",
      NULL },
    { "name-font", 0, 0, G_OPTION_ARG_STRING_ARRAY, &name_fonts,
      "font family for names and addresses, in order (default IPAmjMincho; repeat to add an MJ+ "
      "font)",
      "FAMILY" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— render a document to PDF");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mado_print_fail ("mado-print render", error);
  if (kind == NULL || data == NULL || out == NULL || argc > 1)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "usage: mado-print render --doc KIND --data FILE.json --out FILE.pdf "
                   "[--sign-key KEY.pem] [--test-mode]");
      return mado_print_fail ("mado-print render", error);
    }

  g_autoptr (MadoDocument) doc = mado_document_new_from_file (kind, data, &error);
  if (doc == NULL)
    return mado_print_fail ("mado-print render", error);

  EVP_PKEY *key = NULL;
  if (key_path != NULL)
    {
      key = mado_signing_key_load (key_path, &error);
      if (key == NULL)
        return mado_print_fail ("mado-print render", error);
    }

  MadoRendererOptions options = { (const char *const *)name_fonts, NULL, NULL };
  g_autoptr (MadoRenderer) renderer = mado_renderer_new (&options, &error);
  gboolean ok
      = renderer != NULL && mado_renderer_render (renderer, doc, key, test_mode, out, &error);
  if (key != NULL)
    EVP_PKEY_free (key);
  if (!ok)
    return mado_print_fail ("mado-print render", error);
  return 0;
}
