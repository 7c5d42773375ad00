/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-verify — is this paper (PDF, PNG, JPEG) what its QR codes vouch for?
 *
 *   mado-verify [--key PUB.pem]... [--registry URL [--ca CA.pem]] [--json] FILE
 *
 * Exit 0 only when every Madoguchi QR code verifies and, for a PDF, the content it carries has
 * the digest they vouch for; otherwise the exit code of the error catalogue (docs/errors.md):
 * print.tampered, print.unknown-signer, print.no-qr, print.pdf. docs/documents.md, "Verifying a
 * paper". With --registry, each QR's 発行番号 and digest are also looked up on the registry's
 * public listener (GET /v1/public/issuances/{n}?digest=…, docs/api.md): the paper is valid only
 * when the registry says that copy was printed (not voided) with that digest —
 * print.not-issued otherwise, print.registry when it cannot be asked.
 */
#include <locale.h>
#include <stdio.h>

#include <curl/curl.h>
#include <json-glib/json-glib.h>

#include "mado-document-verify.h"
#include "mado-print-commands.h"
#include "mado-print-error.h"
#include "mado-print-openssl-private.h"

static char *
hex (const guint8 *data, gsize len)
{
  GString *out = g_string_sized_new (len * 2 + 1);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

static void
print_human (const MadoVerification *v, const GError *verdict)
{
  printf ("%s: %s\n", v->file, verdict == NULL ? "有効 (valid)" : "無効 (NOT valid)");
  for (guint i = 0; i < v->checks->len; i++)
    {
      const MadoQrCheck *c = g_ptr_array_index (v->checks, i);
      printf ("  QR %u (%uページ): ", i + 1, c->page);
      if (c->claims == NULL)
        {
          const char *what
              = g_error_matches (c->error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNKNOWN_SIGNER)
                    ? "署名者不明 (unknown signer)"
                    : "改ざんまたは破損 (tampered or damaged)";
          printf ("%s — %s\n", what, c->error->message);
          continue;
        }
      g_autofree char *digest = hex (c->claims->digest, 32);
      g_autofree char *link
          = c->claims->has_card_link ? hex (c->claims->card_link, 32) : g_strdup ("なし (none)");
      printf ("署名は有効 (signature valid)\n");
      printf ("    種類 (kind):          %s\n", c->claims->kind);
      printf ("    発行番号 (issue no.): %s\n", c->claims->issue_number);
      printf ("    発行日 (date):        %s\n", c->claims->date);
      printf ("    発行元 (office):      %s\n", c->claims->office);
      printf ("    内容ダイジェスト:     %s\n", digest);
      printf ("    カード連携 (card link): %s\n", link);
      printf ("    署名鍵 (key id):      %s\n", c->claims->key_id);
    }
  if (v->other_qr > 0)
    printf ("  (他のQRコード %u 個は対象外 / %u other QR code(s) ignored)\n", v->other_qr,
            v->other_qr);
  if (v->is_pdf)
    {
      if (v->digest_match == MADO_DIGEST_MATCH)
        printf ("  PDFの内容: QRのダイジェストと一致 (content matches)\n");
      else if (!v->has_content)
        printf ("  PDFの内容: 確認できません (content cannot be checked: %s)\n",
                v->content_problem != NULL ? v->content_problem : "absent");
      else if (v->digest_match == MADO_DIGEST_MISMATCH)
        {
          g_autofree char *d = hex (v->content_digest, 32);
          printf ("  PDFの内容: QRのダイジェストと不一致 — 改ざんの疑い (content digest %s does "
                  "NOT match)\n",
                  d);
        }
    }
}

static void
print_json (const MadoVerification *v, const GError *verdict)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, v->file);
  json_builder_set_member_name (b, "valid");
  json_builder_add_boolean_value (b, verdict == NULL);
  json_builder_set_member_name (b, "qr");
  json_builder_begin_array (b);
  for (guint i = 0; i < v->checks->len; i++)
    {
      const MadoQrCheck *c = g_ptr_array_index (v->checks, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "page");
      json_builder_add_int_value (b, c->page);
      json_builder_set_member_name (b, "valid");
      json_builder_add_boolean_value (b, c->claims != NULL);
      if (c->claims != NULL)
        {
          g_autofree char *digest = hex (c->claims->digest, 32);
          json_builder_set_member_name (b, "kind");
          json_builder_add_string_value (b, c->claims->kind);
          json_builder_set_member_name (b, "issue_number");
          json_builder_add_string_value (b, c->claims->issue_number);
          json_builder_set_member_name (b, "date");
          json_builder_add_string_value (b, c->claims->date);
          json_builder_set_member_name (b, "office");
          json_builder_add_string_value (b, c->claims->office);
          json_builder_set_member_name (b, "digest");
          json_builder_add_string_value (b, digest);
          json_builder_set_member_name (b, "card_link");
          if (c->claims->has_card_link)
            {
              g_autofree char *link = hex (c->claims->card_link, 32);
              json_builder_add_string_value (b, link);
            }
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "key_id");
          json_builder_add_string_value (b, c->claims->key_id);
          if (c->digest_match >= 0)
            {
              json_builder_set_member_name (b, "digest_match");
              json_builder_add_boolean_value (b, c->digest_match == 1);
            }
        }
      else
        {
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, mado_print_error_id (c->error));
          json_builder_set_member_name (b, "message");
          json_builder_add_string_value (b, c->error->message);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "other_qr");
  json_builder_add_int_value (b, v->other_qr);
  json_builder_set_member_name (b, "digest_match");
  if (v->is_pdf && v->has_content && v->digest_match != MADO_DIGEST_NOT_CHECKED)
    json_builder_add_boolean_value (b, v->digest_match == MADO_DIGEST_MATCH);
  else
    json_builder_add_null_value (b);
  if (v->has_content)
    {
      g_autofree char *d = hex (v->content_digest, 32);
      json_builder_set_member_name (b, "content_digest");
      json_builder_add_string_value (b, d);
    }
  if (verdict != NULL)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, mado_print_error_id (verdict));
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, verdict->message);
    }
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = json_to_string (root, TRUE);
  printf ("%s\n", text);
}

static size_t
collect (char *data, size_t size, size_t n, void *user_data)
{
  GString *out = user_data;
  if (out->len + size * n > 64 * 1024)
    return 0; /* an answer this size is not the registry's */
  g_string_append_len (out, data, (gssize)(size * n));
  return size * n;
}

/* Asks the registry about every QR that verified: printed, not voided, and the same digest. */
static gboolean
check_registry (const MadoVerification *v, const char *base, const char *ca, GError **error)
{
  g_autoptr (GString) url = g_string_new (NULL);
  for (guint i = 0; i < v->checks->len; i++)
    {
      const MadoQrCheck *c = g_ptr_array_index (v->checks, i);
      if (c->claims == NULL)
        continue;
      g_autofree char *digest = hex (c->claims->digest, 32);
      g_autofree char *number = g_uri_escape_string (c->claims->issue_number, NULL, FALSE);
      g_string_printf (url, "%s/v1/public/issuances/%s?digest=%s", base, number, digest);
      g_autoptr (GString) body = g_string_new (NULL);
      CURL *curl = curl_easy_init ();
      if (curl == NULL)
        {
          g_set_error_literal (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_REGISTRY,
                               "libcurl could not start");
          return FALSE;
        }
      curl_easy_setopt (curl, CURLOPT_URL, url->str);
      curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https");
      if (ca != NULL)
        curl_easy_setopt (curl, CURLOPT_CAINFO, ca);
      curl_easy_setopt (curl, CURLOPT_TIMEOUT, 10L);
      curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect);
      curl_easy_setopt (curl, CURLOPT_WRITEDATA, body);
      CURLcode rc = curl_easy_perform (curl);
      long status = 0;
      curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
      curl_easy_cleanup (curl);
      if (rc != CURLE_OK)
        {
          g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_REGISTRY,
                       "The registry could not be asked: %s", curl_easy_strerror (rc));
          return FALSE;
        }
      if (status == 404)
        {
          g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_NOT_ISSUED,
                       "QR %u: the registry knows no such 発行番号", i + 1);
          return FALSE;
        }
      g_autoptr (JsonNode) node = status == 200 ? json_from_string (body->str, NULL) : NULL;
      JsonObject *o
          = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      if (o == NULL || !json_object_has_member (o, "valid")
          || !json_object_has_member (o, "digest_matches"))
        {
          g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_REGISTRY,
                       "The registry's answer is not understood (HTTP %ld)", status);
          return FALSE;
        }
      if (!json_object_get_boolean_member (o, "valid")
          || !json_object_get_boolean_member (o, "digest_matches"))
        {
          g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_NOT_ISSUED,
                       "QR %u: the registry says %s%s", i + 1,
                       json_object_get_boolean_member (o, "valid") ? "printed"
                                                                   : "not printed (voided or "
                                                                     "reserved only)",
                       json_object_get_boolean_member (o, "digest_matches")
                           ? ""
                           : ", and its digest differs");
          return FALSE;
        }
    }
  return TRUE;
}

#define DEFAULT_KEY_DIR "/etc/madoguchi/verify-keys"

static gboolean
load_key_dir (const char *dir, GPtrArray *keys, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  if (d == NULL)
    {
      (*error)->domain = MADO_PRINT_ERROR;
      (*error)->code = MADO_PRINT_ERROR_KEY;
      return FALSE;
    }
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (!g_str_has_suffix (name, ".pem"))
        continue;
      g_autofree char *path = g_build_filename (dir, name, NULL);
      EVP_PKEY *key = mado_public_key_load (path, error);
      if (key == NULL)
        return FALSE;
      g_ptr_array_add (keys, key);
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_auto (GStrv) key_paths = NULL;
  g_autofree char *key_dir = NULL, *registry = NULL, *ca = NULL;
  gboolean json = FALSE;
  g_autoptr (GError) error = NULL;
  const GOptionEntry entries[] = {
    { "key", 'k', 0, G_OPTION_ARG_FILENAME_ARRAY, &key_paths,
      "a public key (PEM, or a PEM certificate) whose signatures are trusted; repeatable",
      "PUB.pem" },
    { "key-dir", 0, 0, G_OPTION_ARG_FILENAME, &key_dir,
      "every *.pem in DIR is a trusted public key (default without --key: " DEFAULT_KEY_DIR
      ", when it exists)",
      "DIR" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "print the result as JSON", NULL },
    { "registry", 0, 0, G_OPTION_ARG_STRING, &registry,
      "also ask the registry's public listener (https://host:port) that each copy was printed "
      "with this digest",
      "URL" },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &ca, "the CA that issued the registry's certificate",
      "CA.pem" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE — verify a Madoguchi paper");
  g_option_context_set_summary (context,
                                "Finds the QR codes of a PDF, PNG or JPEG, checks their signatures "
                                "and, for a PDF, the content it carries.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return mado_print_fail ("mado-verify", error);
  if (argc != 2)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "give exactly one FILE");
      return mado_print_fail ("mado-verify", error);
    }

  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify)EVP_PKEY_free);
  for (guint i = 0; key_paths != NULL && key_paths[i] != NULL; i++)
    {
      EVP_PKEY *key = mado_public_key_load (key_paths[i], &error);
      if (key == NULL)
        return mado_print_fail ("mado-verify", error);
      g_ptr_array_add (keys, key);
    }
  /* The configured keys: the office's and the enrolled kiosks' public keys, one PEM each. */
  if (key_dir == NULL && key_paths == NULL && g_file_test (DEFAULT_KEY_DIR, G_FILE_TEST_IS_DIR))
    key_dir = g_strdup (DEFAULT_KEY_DIR);
  if (key_dir != NULL && !load_key_dir (key_dir, keys, &error))
    return mado_print_fail ("mado-verify", error);

  g_autoptr (MadoVerification) v = mado_document_verify (argv[1], keys, &error);
  if (v == NULL)
    return mado_print_fail ("mado-verify", error);
  if (mado_verification_ok (v, &error) && registry != NULL)
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      check_registry (v, registry, ca, &error);
      curl_global_cleanup ();
    }
  if (json)
    print_json (v, error);
  else
    print_human (v, error);
  fflush (stdout);
  return error != NULL ? mado_print_fail ("mado-verify", error) : 0;
}
