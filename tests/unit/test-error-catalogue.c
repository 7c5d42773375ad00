/* SPDX-License-Identifier: GPL-3.0-or-later
 * The error catalogue in code and docs/errors.md agree: every id with its exit code, and every
 * code of the card's GError domain has an entry.
 */
#include "mado-app-error.h"
#include "mado-card-error.h"
#include "mado-identity-error.h"
#include "mado-print-commands.h"
#include "mado-model-error.h"
#include "mado-outbox-error.h"
#include "mado-registry-error.h"
#include "mado-http.h"
#include "mado-print-error.h"
#include "mado-sync-error.h"

static void
test_docs_agree (void)
{
  g_autofree char *doc_path
      = g_build_filename (g_getenv ("MADO_SOURCE_DIR"), "docs", "errors.md", NULL);
  g_autofree char *doc = NULL;
  g_assert_true (g_file_get_contents (doc_path, &doc, NULL, NULL));

  GHashTable *exit_codes = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (const MadoErrorEntry *e = mado_error_catalogue (); e->id != NULL; e++)
    {
      /* documented as a table row: | `id` | exit | ... */
      g_autofree char *row = g_strdup_printf ("| `%s` | %d |", e->id, e->exit_code);
      g_test_message ("%s", row);
      g_assert_nonnull (strstr (doc, row));
      /* exit codes are distinct */
      g_assert_false (g_hash_table_contains (exit_codes, GINT_TO_POINTER (e->exit_code)));
      g_hash_table_add (exit_codes, GINT_TO_POINTER (e->exit_code));
      g_assert_nonnull (e->summary);
      g_assert_nonnull (e->remedy);
    }
  g_hash_table_unref (exit_codes);
}

static void
test_card_domain_complete (void)
{
  for (int code = MADO_CARD_ERROR_NO_SERVICE; code <= MADO_CARD_ERROR_SCRIPT_MISMATCH; code++)
    {
      g_autoptr (GError) e = g_error_new_literal (MADO_CARD_ERROR, code, "x");
      g_assert_cmpstr (mado_error_lookup (e)->id, !=, "app.unknown");
      g_assert_cmpint (mado_error_exit_code (e), >=, 10);
    }
  for (int code = MADO_IDENTITY_ERROR_TRUST_STORE; code <= MADO_IDENTITY_ERROR_ATTRIBUTES; code++)
    {
      g_autoptr (GError) e = g_error_new_literal (MADO_IDENTITY_ERROR, code, "x");
      g_assert_cmpstr (mado_error_lookup (e)->id, !=, "app.unknown");
      g_assert_cmpint (mado_error_exit_code (e), >=, 30);
      g_assert_cmpint (mado_error_exit_code (e), <=, 39);
    }
  for (int code = MADO_MODEL_ERROR_SYNTAX; code <= MADO_MODEL_ERROR_TRANSITION; code++)
    {
      g_autoptr (GError) e = g_error_new_literal (MADO_MODEL_ERROR, code, "x");
      g_assert_cmpstr (mado_error_lookup (e)->id, !=, "app.unknown");
      g_assert_cmpint (mado_error_exit_code (e), >=, 70);
      g_assert_cmpint (mado_error_exit_code (e), <=, 79);
    }
  for (int code = MADO_OUTBOX_ERROR_IO; code <= MADO_OUTBOX_ERROR_CRYPTO; code++)
    {
      g_autoptr (GError) e = g_error_new_literal (MADO_OUTBOX_ERROR, code, "x");
      g_assert_cmpstr (mado_error_lookup (e)->id, !=, "app.unknown");
      g_assert_cmpint (mado_error_exit_code (e), >=, 80);
      g_assert_cmpint (mado_error_exit_code (e), <=, 89);
    }
  /* registry/ is named in the catalogue by its quark string: the real domain must match */
  for (int code = MADO_REGISTRY_ERROR_DSN; code <= MADO_REGISTRY_ERROR_UNAVAILABLE; code++)
    {
      g_autoptr (GError) e = g_error_new_literal (MADO_REGISTRY_ERROR, code, "x");
      g_assert_cmpstr (mado_error_lookup (e)->id, !=, "app.unknown");
      g_assert_cmpint (mado_error_exit_code (e), >=, 90);
      g_assert_cmpint (mado_error_exit_code (e), <=, 109);
    }
  for (int code = MADO_SYNC_ERROR_NETWORK; code <= MADO_SYNC_ERROR_INVALID; code++)
    {
      g_autoptr (GError) e = g_error_new_literal (MADO_SYNC_ERROR, code, "x");
      g_assert_cmpstr (mado_error_lookup (e)->id, !=, "app.unknown");
      g_assert_cmpint (mado_error_exit_code (e), >=, 110);
      g_assert_cmpint (mado_error_exit_code (e), <=, 119);
    }
  /* registry/http is named by its quark string too, with a range of its own */
  for (int code = MADO_HTTP_ERROR_TLS; code <= MADO_HTTP_ERROR_LISTEN; code++)
    {
      g_autoptr (GError) e = g_error_new_literal (MADO_HTTP_ERROR, code, "x");
      g_assert_cmpstr (mado_error_lookup (e)->id, !=, "app.unknown");
      g_assert_cmpint (mado_error_exit_code (e), >=, 120);
      g_assert_cmpint (mado_error_exit_code (e), <=, 129);
    }
  /* print/ mirrors its rows for its own commands (it cannot see app/): they must agree */
  for (int code = MADO_PRINT_ERROR_UNKNOWN_KIND; code <= MADO_PRINT_ERROR_TIMEOUT; code++)
    {
      g_autoptr (GError) e = g_error_new_literal (MADO_PRINT_ERROR, code, "x");
      g_assert_cmpstr (mado_error_lookup (e)->id, ==, mado_print_error_id (e));
      g_assert_cmpint (mado_error_exit_code (e), ==, mado_print_exit_code (e));
    }
  g_autoptr (GError) other = g_error_new_literal (G_FILE_ERROR, G_FILE_ERROR_NOENT, "x");
  g_assert_cmpint (mado_error_exit_code (other), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/errors/docs-agree", test_docs_agree);
  g_test_add_func ("/app/errors/card-domain-complete", test_card_domain_complete);
  return g_test_run ();
}
