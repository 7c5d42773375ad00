/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-card-command.c — `mado-card`. See docs/cli.md.
 *
 * The signature check of `auth` and the certificate summaries use OpenSSL directly; the JPKI
 * judgement (chain, validity, revocation) belongs to app/identity (issue 3), which will take
 * these helpers over.
 */
#define G_LOG_DOMAIN "mado-app"

#include "mado-card-command.h"

#include <locale.h>
#include <stdio.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "mado-app-error.h"
#include "mado-card-error.h"
#include "mado-challenge.h"
#include "mado-config.h"
#include "mado-identity-error.h"
#include "mado-identity-setup.h"
#include "mado-jpki-attributes.h"
#include "mado-mynumber-card.h"
#include "mado-pcsc-monitor.h"
#include "mado-pcsc-reader.h"
#include "mado-registry-client.h"
#include "mado-secret-input.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY_CTX, EVP_PKEY_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIGNUM, BN_free)

#define PROGRAM "mado-card"

/* Options shared by every subcommand. */
typedef struct
{
  char *config_path;
  char *reader;
  int wait_seconds;
  gboolean json;
  gboolean trace;
  gboolean no_extended;
  gboolean pin_stdin;
  gboolean sign_password_stdin;
  gboolean show_number;
  char *out_dir;
  char *challenge_hex;
  int count;
  char *trust_dir;
  char **crls;
  char *ocsp_url;
  char *at;
  gboolean compare_text;
  char *registry_url;

  MadoConfig *config;
  gint64 started_usec;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->config_path);
  g_free (o->reader);
  g_free (o->out_dir);
  g_free (o->challenge_hex);
  g_free (o->trust_dir);
  g_strfreev (o->crls);
  g_free (o->ocsp_url);
  g_free (o->at);
  g_free (o->registry_url);
  g_clear_pointer (&o->config, mado_config_free);
}

static gboolean json_errors; /* --json: errors also as one JSON object on standard output */

static int
fail (const GError *error)
{
  const MadoErrorEntry *entry = mado_error_lookup (error);
  int tries = mado_card_error_get_tries_left (error);

  mado_error_print (stderr, PROGRAM, error);
  if (tries >= 0)
    fprintf (stderr, _ ("  残り %d 回\n"), tries);
  if (json_errors)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "error");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, entry->id);
      json_builder_set_member_name (b, "exit_code");
      json_builder_add_int_value (b, entry->exit_code);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, error->message);
      if (tries >= 0)
        {
          json_builder_set_member_name (b, "tries_left");
          json_builder_add_int_value (b, tries);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      g_autofree char *text = json_to_string (root, FALSE);
      printf ("%s\n", text);
    }
  return entry->exit_code;
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
  explicit_bzero (text, strlen (text));
}

static char *
hex_string (const guint8 *data, gsize len)
{
  GString *s = g_string_sized_new (len * 2);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02X", data[i]);
  return g_string_free (s, FALSE);
}

static GBytes *
parse_hex (const char *text, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize len = strlen (text);
  if (len % 2 != 0)
    goto bad;
  for (gsize i = 0; i < len; i += 2)
    {
      int hi = g_ascii_xdigit_value (text[i]), lo = g_ascii_xdigit_value (text[i + 1]);
      if (hi < 0 || lo < 0)
        goto bad;
      guint8 b = (guint8)(hi << 4 | lo);
      g_byte_array_append (out, &b, 1);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
bad:
  g_set_error_literal (error, MADO_APP_ERROR, MADO_APP_ERROR_USAGE,
                       "--challenge takes an even number of hex digits");
  return NULL;
}

/* ---- tracing --------------------------------------------------------------------------- */

static void
trace_line (const char *line, gpointer user_data)
{
  fprintf (stderr, PROGRAM ": trace: %s\n", line);
}

static void
trace_summary (Options *o, MadoReader *reader)
{
  if (!o->trace || reader == NULL)
    return;
  MadoReaderStats stats;
  mado_reader_get_stats (reader, &stats);
  fprintf (stderr,
           PROGRAM ": trace: summary: %u APDUs, %" G_GUINT64_FORMAT
                   " bytes sent, %" G_GUINT64_FORMAT
                   " bytes received, %.3f ms in transmit, %.3f ms since start\n",
           stats.apdus, stats.bytes_sent, stats.bytes_received, (double)stats.busy_usec / 1000.0,
           (double)(g_get_monotonic_time () - o->started_usec) / 1000.0);
}

/* ---- opening the card -------------------------------------------------------------------- */

static MadoReader *
open_reader (Options *o, GError **error)
{
  const char *name = mado_config_get_string (o->config, "card", "reader");
  gint64 wait = mado_config_get_integer (o->config, "card", "wait-seconds");
  g_autoptr (MadoReader) reader = NULL;

  if (name != NULL && *name == '\0')
    name = NULL;
  if (wait > 0)
    reader = mado_pcsc_reader_wait_and_open (name, (int)(wait * 1000), NULL, error);
  else
    reader = mado_pcsc_reader_open (name, error);
  if (reader == NULL)
    return NULL;

  if (g_str_equal (mado_config_get_string (o->config, "card", "extended-length"), "off"))
    mado_reader_set_extended_length (reader, FALSE);
  if (mado_config_get_boolean (o->config, "card", "trace"))
    {
      o->trace = TRUE;
      mado_reader_set_trace_func (reader, trace_line, NULL, NULL);
    }
  return g_steal_pointer (&reader);
}

/* ---- certificate helpers (to move to app/identity with issue 3) ------------------------- */

static X509 *
parse_certificate (GBytes *der, const char *what, GError **error)
{
  gsize len;
  const unsigned char *p = g_bytes_get_data (der, &len);
  const unsigned char *start = p;
  X509 *cert = d2i_X509 (NULL, &p, (long)len);
  if (cert == NULL || (gsize)(p - start) != len)
    {
      X509_free (cert);
      g_set_error (error, MADO_APP_ERROR, MADO_APP_ERROR_CERTIFICATE_PARSE,
                   "The card's %s certificate is not a DER X.509 certificate", what);
      return NULL;
    }
  return cert;
}

static char *
asn1_time_iso (const ASN1_TIME *t)
{
  struct tm tm = { 0 };
  if (ASN1_TIME_to_tm (t, &tm) != 1)
    return g_strdup ("");
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
add_certificate_summary (JsonBuilder *b, X509 *cert)
{
  const ASN1_INTEGER *serial = X509_get0_serialNumber (cert);
  g_autoptr (BIGNUM) bn = ASN1_INTEGER_to_BN (serial, NULL);
  char *serial_hex = BN_bn2hex (bn);
  char *subject = X509_NAME_oneline (X509_get_subject_name (cert), NULL, 0);
  g_autofree char *not_before = asn1_time_iso (X509_get0_notBefore (cert));
  g_autofree char *not_after = asn1_time_iso (X509_get0_notAfter (cert));

  json_builder_set_member_name (b, "serial");
  json_builder_add_string_value (b, serial_hex);
  json_builder_set_member_name (b, "subject");
  json_builder_add_string_value (b, subject);
  json_builder_set_member_name (b, "not_before");
  json_builder_add_string_value (b, not_before);
  json_builder_set_member_name (b, "not_after");
  json_builder_add_string_value (b, not_after);
  OPENSSL_free (serial_hex);
  OPENSSL_free (subject);
}

static gboolean
verify_signature (X509 *cert, const guint8 *digest, GBytes *signature, GError **error)
{
  EVP_PKEY *key = X509_get0_pubkey (cert);
  g_autoptr (EVP_PKEY_CTX) ctx = key != NULL ? EVP_PKEY_CTX_new (key, NULL) : NULL;
  gsize sig_len;
  const guint8 *sig = g_bytes_get_data (signature, &sig_len);

  if (ctx == NULL || EVP_PKEY_verify_init (ctx) != 1
      || EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha256 ()) != 1
      || (EVP_PKEY_get_base_id (key) == EVP_PKEY_RSA
          && EVP_PKEY_CTX_set_rsa_padding (ctx, RSA_PKCS1_PADDING) != 1)
      || EVP_PKEY_verify (ctx, sig, sig_len, digest, 32) != 1)
    {
      g_set_error_literal (error, MADO_APP_ERROR, MADO_APP_ERROR_SIGNATURE_INVALID,
                           "The card's signature does not verify with its authentication "
                           "certificate's public key");
      return FALSE;
    }
  return TRUE;
}

/* ---- PIN entry -------------------------------------------------------------------------- */

/* Queries the tries (no try spent), refuses a blocked PIN without sending anything, reads the
 * entry, checks its form and verifies once. */
static gboolean
ask_and_verify (Options *o, MadoMynumberCard *card, MadoPinKind kind, gboolean from_stdin,
                GError **error)
{
  int tries = 0;
  if (!mado_mynumber_card_get_pin_tries (card, kind, &tries, error))
    return FALSE;
  if (tries == 0)
    {
      g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_PIN_BLOCKED, "The %s PIN is blocked",
                   mado_pin_kind_to_string (kind));
      return FALSE;
    }

  g_autofree char *prompt = NULL;
  switch (kind)
    {
    case MADO_PIN_AUTH:
      prompt
          = g_strdup_printf (_ ("利用者証明用電子証明書の暗証番号 (数字4桁, 残り%d回): "), tries);
      break;
    case MADO_PIN_TEXT:
      prompt = g_strdup_printf (_ ("券面事項入力補助用の暗証番号 (数字4桁, 残り%d回): "), tries);
      break;
    case MADO_PIN_SIGN:
    case MADO_PIN_COUNT:
    default:
      prompt = g_strdup_printf (_ ("署名用電子証明書のパスワード (英数字6〜16文字, 残り%d回): "),
                                tries);
      break;
    }
  g_autoptr (MadoSecret) pin = mado_secret_read (from_stdin, prompt, error);
  if (pin == NULL)
    return FALSE;
  return mado_mynumber_card_verify_pin (card, kind, pin, error);
}

/* ---- subcommands ------------------------------------------------------------------------ */

static int
cmd_readers (Options *o)
{
  g_autoptr (GError) error = NULL;
  MadoPcscState state;
  g_autoptr (GPtrArray) readers = mado_pcsc_list_readers (&state, &error);
  if (readers == NULL)
    return fail (error);

  /* "No service" and "no readers" are states of the reader service, but for a command they
   * are the answer: reported as the error they are (one JSON object, the error's). */
  if (state == MADO_PCSC_STATE_NO_SERVICE)
    {
      g_set_error_literal (&error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_SERVICE,
                           "The PC/SC service is not running");
      return fail (error);
    }
  if (state == MADO_PCSC_STATE_NO_READERS)
    {
      g_set_error_literal (&error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_READER,
                           "No reader attached");
      return fail (error);
    }
  if (o->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "readers");
      json_builder_begin_array (b);
      for (guint i = 0; i < readers->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (readers, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    for (guint i = 0; i < readers->len; i++)
      printf ("%s\n", (const char *)g_ptr_array_index (readers, i));
  return 0;
}

static int
cmd_info (Options *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoReader) reader = open_reader (o, &error);
  if (reader == NULL)
    return fail (error);
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);

  int tries[MADO_PIN_COUNT];
  g_autofree char *atr_hex = NULL;
  if (!mado_mynumber_card_recognise (card, &error))
    goto out;
  for (int k = 0; k < MADO_PIN_COUNT; k++)
    if (!mado_mynumber_card_get_pin_tries (card, (MadoPinKind)k, &tries[k], &error))
      goto out;

  gsize atr_len = 0;
  const guint8 *atr = g_bytes_get_data (mado_reader_get_atr (reader), &atr_len);
  atr_hex = hex_string (atr, atr_len);
  if (o->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "reader");
      json_builder_add_string_value (b, mado_reader_get_name (reader));
      json_builder_set_member_name (b, "atr");
      json_builder_add_string_value (b, atr_hex);
      json_builder_set_member_name (b, "card");
      json_builder_add_string_value (b, "mynumber");
      json_builder_set_member_name (b, "pins");
      json_builder_begin_object (b);
      for (int k = 0; k < MADO_PIN_COUNT; k++)
        {
          json_builder_set_member_name (b, mado_pin_kind_to_string ((MadoPinKind)k));
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "tries_left");
          json_builder_add_int_value (b, tries[k]);
          json_builder_set_member_name (b, "blocked");
          json_builder_add_boolean_value (b, tries[k] == 0);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      printf (_ ("リーダー: %s\n"), mado_reader_get_name (reader));
      printf ("ATR: %s\n", atr_hex);
      printf (_ ("カード: マイナンバーカード\n"));
      printf (_ ("利用者証明用暗証番号: 残り%d回\n"), tries[MADO_PIN_AUTH]);
      printf (_ ("署名用パスワード: 残り%d回\n"), tries[MADO_PIN_SIGN]);
      printf (_ ("券面事項入力補助用暗証番号: 残り%d回\n"), tries[MADO_PIN_TEXT]);
    }

out:
  trace_summary (o, reader);
  return error != NULL ? fail (error) : 0;
}

/* The card's sex code as a person reads it (JIS X 0303 codes; 9 = not applicable). */
static const char *
sex_label (const char *code)
{
  if (g_strcmp0 (code, "1") == 0)
    return _ ("男");
  if (g_strcmp0 (code, "2") == 0)
    return _ ("女");
  if (g_strcmp0 (code, "9") == 0)
    return _ ("適用不能");
  return _ ("不明");
}

static int
cmd_read_text (Options *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoReader) reader = open_reader (o, &error);
  if (reader == NULL)
    return fail (error);
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (MadoCardAttributes) attrs = NULL;
  g_autofree char *masked = NULL;

  if (!ask_and_verify (o, card, MADO_PIN_TEXT, o->pin_stdin, &error))
    goto out;
  attrs = mado_mynumber_card_read_attributes (card, &error);
  if (attrs == NULL)
    goto out;

  masked = mado_individual_number_mask (attrs->individual_number);
  const char *number = o->show_number ? attrs->individual_number : masked;
  if (o->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, attrs->name);
      json_builder_set_member_name (b, "address");
      json_builder_add_string_value (b, attrs->address);
      json_builder_set_member_name (b, "birth_date");
      json_builder_add_string_value (b, attrs->birth_date);
      json_builder_set_member_name (b, "sex");
      json_builder_add_string_value (b, attrs->sex);
      json_builder_set_member_name (b, "individual_number");
      json_builder_add_string_value (b, number);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      printf (_ ("氏名: %s\n"), attrs->name);
      printf (_ ("住所: %s\n"), attrs->address);
      printf (_ ("生年月日: %s\n"), attrs->birth_date);
      printf (_ ("性別: %s (%s)\n"), sex_label (attrs->sex), attrs->sex);
      printf (_ ("個人番号: %s\n"), number);
    }

out:
  trace_summary (o, reader);
  return error != NULL ? fail (error) : 0;
}

static int
cmd_certs (Options *o)
{
  g_autoptr (GError) error = NULL;
  if (o->out_dir == NULL)
    {
      g_set_error_literal (&error, MADO_APP_ERROR, MADO_APP_ERROR_USAGE, "certs needs --out DIR");
      return fail (error);
    }
  g_autoptr (MadoReader) reader = open_reader (o, &error);
  if (reader == NULL)
    return fail (error);
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  GBytes *der[MADO_CERT_COUNT] = { NULL };
  X509 *cert[MADO_CERT_COUNT] = { NULL };
  MadoCertKind kinds[] = { MADO_CERT_AUTH, MADO_CERT_AUTH_CA, MADO_CERT_SIGN_CA, MADO_CERT_SIGN };
  guint nkinds = o->sign_password_stdin ? 4 : 3;
  g_autoptr (JsonBuilder) b = NULL;

  /* Read and parse everything first; write only when all of it is sound. */
  for (guint i = 0; i < nkinds; i++)
    {
      MadoCertKind k = kinds[i];
      if (k == MADO_CERT_SIGN && !ask_and_verify (o, card, MADO_PIN_SIGN, TRUE, &error))
        goto out;
      der[k] = mado_mynumber_card_read_certificate (card, k, &error);
      if (der[k] == NULL)
        goto out;
      cert[k] = parse_certificate (der[k], mado_cert_kind_to_string (k), &error);
      if (cert[k] == NULL)
        goto out;
    }

  if (g_mkdir_with_parents (o->out_dir, 0700) != 0)
    {
      g_set_error (&error, MADO_APP_ERROR, MADO_APP_ERROR_IO, "%s: %s", o->out_dir,
                   g_strerror (errno));
      goto out;
    }
  b = json_builder_new ();
  json_builder_begin_object (b);
  for (guint i = 0; i < nkinds; i++)
    {
      MadoCertKind k = kinds[i];
      g_autofree char *file = g_strdup_printf ("%s.der", mado_cert_kind_to_string (k));
      g_autofree char *path = g_build_filename (o->out_dir, file, NULL);
      gsize len;
      const char *data = g_bytes_get_data (der[k], &len);
      if (!g_file_set_contents (path, data, (gssize)len, &error))
        {
          g_prefix_error (&error, "%s: ", path);
          error->domain = MADO_APP_ERROR;
          error->code = MADO_APP_ERROR_IO;
          goto out;
        }
      json_builder_set_member_name (b, mado_cert_kind_to_string (k));
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, path);
      add_certificate_summary (b, cert[k]);
      json_builder_end_object (b);
      if (!o->json)
        printf ("%s\n", path);
    }
  json_builder_end_object (b);
  if (o->json)
    print_json (b);

out:
  for (guint k = 0; k < MADO_CERT_COUNT; k++)
    {
      g_clear_pointer (&der[k], g_bytes_unref);
      g_clear_pointer (&cert[k], X509_free);
    }
  trace_summary (o, reader);
  return error != NULL ? fail (error) : 0;
}

static int
cmd_auth (Options *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) challenge = NULL;

  if (o->challenge_hex != NULL)
    challenge = parse_hex (o->challenge_hex, &error);
  else
    {
      guint8 random[32];
      if (RAND_bytes (random, sizeof random) != 1)
        g_set_error_literal (&error, MADO_APP_ERROR, MADO_APP_ERROR_IO, "No random bytes");
      else
        challenge = g_bytes_new (random, sizeof random);
    }
  if (challenge == NULL)
    return fail (error);

  g_autoptr (MadoReader) reader = open_reader (o, &error);
  if (reader == NULL)
    return fail (error);
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (GBytes) der = NULL;
  g_autoptr (X509) cert = NULL;
  g_autoptr (GBytes) signature = NULL;
  g_autofree char *challenge_hex = NULL;
  g_autofree char *signature_b64 = NULL;
  guint8 digest[32];
  gsize challenge_len;
  const guint8 *challenge_data = g_bytes_get_data (challenge, &challenge_len);

  /* The kiosk order: certificate (no PIN), tries, PIN, signature over SHA-256(challenge). */
  der = mado_mynumber_card_read_certificate (card, MADO_CERT_AUTH, &error);
  if (der == NULL)
    goto out;
  cert = parse_certificate (der, "authentication", &error);
  if (cert == NULL)
    goto out;
  if (!ask_and_verify (o, card, MADO_PIN_AUTH, o->pin_stdin, &error))
    goto out;
  if (EVP_Digest (challenge_data, challenge_len, digest, NULL, EVP_sha256 (), NULL) != 1)
    {
      g_set_error_literal (&error, MADO_APP_ERROR, MADO_APP_ERROR_IO, "SHA-256 failed");
      goto out;
    }
  signature = mado_mynumber_card_sign_sha256 (card, digest, sizeof digest, &error);
  if (signature == NULL)
    goto out;
  if (!verify_signature (cert, digest, signature, &error))
    goto out;

  challenge_hex = hex_string (challenge_data, challenge_len);
  signature_b64
      = g_base64_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  if (o->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "verified");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "challenge");
      json_builder_add_string_value (b, challenge_hex);
      json_builder_set_member_name (b, "signature");
      json_builder_add_string_value (b, signature_b64);
      json_builder_set_member_name (b, "certificate");
      json_builder_begin_object (b);
      add_certificate_summary (b, cert);
      json_builder_end_object (b);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    printf (_ ("署名を検証しました (チャレンジ %s)\n"), challenge_hex);

out:
  trace_summary (o, reader);
  return error != NULL ? fail (error) : 0;
}

/* watch: one JSON object per line per event */

typedef struct
{
  GMainLoop *loop;
  int remaining;
} WatchState;

static void
watch_emit (WatchState *w, const char *event, const char *reader, GBytes *atr)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, event);
  if (reader != NULL)
    {
      json_builder_set_member_name (b, "reader");
      json_builder_add_string_value (b, reader);
    }
  if (atr != NULL)
    {
      g_autofree char *hex = hex_string (g_bytes_get_data (atr, NULL), g_bytes_get_size (atr));
      json_builder_set_member_name (b, "atr");
      json_builder_add_string_value (b, hex);
    }
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *line = json_to_string (root, FALSE);
  printf ("%s\n", line);
  fflush (stdout);
  if (w->remaining > 0 && --w->remaining == 0)
    g_main_loop_quit (w->loop);
}

static void
on_state_changed (MadoPcscMonitor *m, MadoPcscState state, WatchState *w)
{
  watch_emit (w,
              state == MADO_PCSC_STATE_NO_SERVICE   ? "no-service"
              : state == MADO_PCSC_STATE_NO_READERS ? "no-readers"
                                                    : "ready",
              NULL, NULL);
}

static void
on_reader_added (MadoPcscMonitor *m, const char *reader, WatchState *w)
{
  watch_emit (w, "reader-added", reader, NULL);
}

static void
on_reader_removed (MadoPcscMonitor *m, const char *reader, WatchState *w)
{
  watch_emit (w, "reader-removed", reader, NULL);
}

static void
on_card_inserted (MadoPcscMonitor *m, const char *reader, GBytes *atr, WatchState *w)
{
  watch_emit (w, "card-inserted", reader, atr);
}

static void
on_card_removed (MadoPcscMonitor *m, const char *reader, WatchState *w)
{
  watch_emit (w, "card-removed", reader, NULL);
}

static gboolean
on_quit_signal (gpointer data)
{
  g_main_loop_quit (((WatchState *)data)->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_watch_timeout (gpointer data)
{
  WatchState *w = data;
  w->remaining = -2; /* mark: timed out */
  g_main_loop_quit (w->loop);
  return G_SOURCE_REMOVE;
}

static int
cmd_watch (Options *o)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  WatchState w = { loop, o->count };
  g_autoptr (MadoPcscMonitor) monitor = mado_pcsc_monitor_new ();

  g_signal_connect (monitor, "state-changed", G_CALLBACK (on_state_changed), &w);
  g_signal_connect (monitor, "reader-added", G_CALLBACK (on_reader_added), &w);
  g_signal_connect (monitor, "reader-removed", G_CALLBACK (on_reader_removed), &w);
  g_signal_connect (monitor, "card-inserted", G_CALLBACK (on_card_inserted), &w);
  g_signal_connect (monitor, "card-removed", G_CALLBACK (on_card_removed), &w);
  guint sigint = g_unix_signal_add (SIGINT, on_quit_signal, &w);
  guint sigterm = g_unix_signal_add (SIGTERM, on_quit_signal, &w);
  guint timeout = o->wait_seconds > 0
                      ? g_timeout_add_seconds ((guint)o->wait_seconds, on_watch_timeout, &w)
                      : 0;

  mado_pcsc_monitor_start (monitor);
  g_main_loop_run (loop);
  mado_pcsc_monitor_stop (monitor);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  if (w.remaining == -2)
    {
      g_autoptr (GError) error = g_error_new_literal (MADO_APP_ERROR, MADO_APP_ERROR_TIMEOUT,
                                                      "No more events within --wait");
      return fail (error);
    }
  if (timeout != 0)
    g_source_remove (timeout);
  return 0;
}

/* ---- identity: verify, login ------------------------------------------------------------ */

/* The verifier the configuration and the flags describe; built before the card is touched, so
 * a trust store that production mode refuses stops the command at start. */
static MadoCertVerifier *
identity_verifier (Options *o, GError **error)
{
  g_autoptr (MadoClock) clock = NULL;
  if (o->at != NULL)
    {
      gint64 at = 0;
      if (!mado_time_parse (o->at, &at, error))
        {
          (*error)->domain = MADO_APP_ERROR;
          (*error)->code = MADO_APP_ERROR_USAGE;
          return NULL;
        }
      clock = mado_fixed_clock_new (at);
    }
  MadoIdentityOverrides overrides = {
    .trust_dir = o->trust_dir,
    .extra_crls = (const char *const *)o->crls,
    .ocsp_url = o->ocsp_url,
    .clock = clock,
  };
  return mado_identity_verifier_new_from_config (o->config, &overrides, error);
}

static const char *
verdict_label (MadoVerdictKind kind)
{
  switch (kind)
    {
    case MADO_VERDICT_VALID:
      return _ ("有効");
    case MADO_VERDICT_REVOKED:
      return _ ("失効");
    case MADO_VERDICT_INVALID:
      return _ ("無効");
    case MADO_VERDICT_UNKNOWN:
    default:
      return _ ("確認できず");
    }
}

static void
add_verdict (JsonBuilder *b, const MadoVerdict *v)
{
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, mado_verdict_kind_to_string (v->kind));
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, mado_verdict_reason_to_string (v->reason));
  json_builder_set_member_name (b, "detail");
  json_builder_add_string_value (b, v->detail != NULL ? v->detail : "");
  json_builder_set_member_name (b, "serial");
  json_builder_add_string_value (b, v->serial != NULL ? v->serial : "");
  json_builder_set_member_name (b, "subject");
  json_builder_add_string_value (b, v->subject != NULL ? v->subject : "");
  g_autofree char *nb = v->serial != NULL ? mado_time_format (v->not_before) : g_strdup ("");
  g_autofree char *na = v->serial != NULL ? mado_time_format (v->not_after) : g_strdup ("");
  json_builder_set_member_name (b, "not_before");
  json_builder_add_string_value (b, nb);
  json_builder_set_member_name (b, "not_after");
  json_builder_add_string_value (b, na);
  json_builder_set_member_name (b, "root");
  json_builder_add_string_value (b, v->root_fingerprint != NULL ? v->root_fingerprint : "");
  json_builder_set_member_name (b, "test_root");
  json_builder_add_boolean_value (b, v->test_root);
  json_builder_set_member_name (b, "card_link");
  json_builder_add_string_value (b, v->card_link != NULL ? v->card_link : "");
  if (v->kind == MADO_VERDICT_REVOKED)
    {
      g_autofree char *at = mado_time_format (v->revoked_at);
      json_builder_set_member_name (b, "revoked_at");
      json_builder_add_string_value (b, at);
      json_builder_set_member_name (b, "crl_reason");
      json_builder_add_int_value (b, v->crl_reason);
    }
}

static void
print_verdict_human (const char *what, const MadoVerdict *v)
{
  g_autofree char *na = mado_time_format (v->not_after);
  printf (_ ("%s: %s (%s: %s)\n"), what, verdict_label (v->kind),
          mado_verdict_kind_to_string (v->kind), mado_verdict_reason_to_string (v->reason));
  printf (_ ("  シリアル番号: %s\n  有効期限: %s\n"), v->serial != NULL ? v->serial : "", na);
  if (v->test_root)
    printf (_ ("  ※ テスト用ルートによる証明書です (テストモード)\n"));
}

/* A verdict that is not valid, as the error a command ends with. */
static GError *
verdict_error (const char *what, const MadoVerdict *v)
{
  int code = v->kind == MADO_VERDICT_REVOKED   ? MADO_IDENTITY_ERROR_REVOKED
             : v->kind == MADO_VERDICT_INVALID ? MADO_IDENTITY_ERROR_INVALID
                                               : MADO_IDENTITY_ERROR_UNKNOWN;
  return g_error_new (MADO_IDENTITY_ERROR, code, "%s: %s (%s): %s", what,
                      mado_verdict_kind_to_string (v->kind),
                      mado_verdict_reason_to_string (v->reason), v->detail);
}

static int
cmd_verify (Options *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCertVerifier) verifier = identity_verifier (o, &error);
  if (verifier == NULL)
    return fail (error);
  g_autoptr (MadoReader) reader = open_reader (o, &error);
  if (reader == NULL)
    return fail (error);
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (GBytes) auth = NULL;
  g_autoptr (GBytes) sign = NULL;
  g_autoptr (MadoVerdict) auth_v = NULL;
  g_autoptr (MadoVerdict) sign_v = NULL;
  g_autoptr (MadoCardAttributes) text = NULL;
  g_autoptr (MadoJpkiAttributes) cert_attrs = NULL;
  g_autoptr (GPtrArray) mismatches = NULL;

  auth = mado_mynumber_card_read_certificate (card, MADO_CERT_AUTH, &error);
  if (auth == NULL)
    goto out;
  if (o->sign_password_stdin || o->compare_text)
    {
      if (!ask_and_verify (o, card, MADO_PIN_SIGN, TRUE, &error))
        goto out;
      sign = mado_mynumber_card_read_certificate (card, MADO_CERT_SIGN, &error);
      if (sign == NULL)
        goto out;
    }
  if (o->compare_text)
    {
      /* the four attributes as the signature certificate and the 券面事項入力補助AP hold them */
      cert_attrs = mado_jpki_attributes_from_certificate (sign, &error);
      if (cert_attrs == NULL)
        {
          error->domain = MADO_APP_ERROR;
          error->code = MADO_APP_ERROR_CERTIFICATE_PARSE;
          goto out;
        }
      if (!ask_and_verify (o, card, MADO_PIN_TEXT, TRUE, &error))
        goto out;
      text = mado_mynumber_card_read_attributes (card, &error);
      if (text == NULL)
        goto out;
      mismatches = mado_jpki_attributes_compare (cert_attrs, text->name, text->address,
                                                 text->birth_date, text->sex);
    }

  auth_v = mado_cert_verifier_verify (verifier, auth, MADO_CERT_PURPOSE_AUTH, MADO_CHECK_ALL, NULL);
  if (sign != NULL)
    sign_v
        = mado_cert_verifier_verify (verifier, sign, MADO_CERT_PURPOSE_SIGN, MADO_CHECK_ALL, NULL);
  if (o->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_verdict (b, auth_v);
      if (sign_v != NULL)
        {
          json_builder_set_member_name (b, "sign");
          json_builder_begin_object (b);
          add_verdict (b, sign_v);
          json_builder_end_object (b);
        }
      if (mismatches != NULL)
        {
          json_builder_set_member_name (b, "attributes");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "agree");
          json_builder_add_boolean_value (b, mismatches->len == 0);
          json_builder_set_member_name (b, "mismatches");
          json_builder_begin_array (b);
          for (guint i = 0; i < mismatches->len; i++)
            {
              const MadoAttributeMismatch *m = g_ptr_array_index (mismatches, i);
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "field");
              json_builder_add_string_value (b, m->field);
              json_builder_set_member_name (b, "card");
              json_builder_add_string_value (b, m->card);
              json_builder_set_member_name (b, "certificate");
              json_builder_add_string_value (b, m->certificate);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      print_verdict_human (_ ("利用者証明用電子証明書"), auth_v);
      if (sign_v != NULL)
        print_verdict_human (_ ("署名用電子証明書"), sign_v);
      if (mismatches != NULL && mismatches->len == 0)
        printf (_ ("券面事項入力補助APと署名用電子証明書の4情報は一致しています\n"));
      for (guint i = 0; mismatches != NULL && i < mismatches->len; i++)
        {
          const MadoAttributeMismatch *m = g_ptr_array_index (mismatches, i);
          printf (_ ("不一致 (%s): カード「%s」／証明書「%s」\n"), m->field, m->card,
                  m->certificate);
        }
    }
  if (auth_v->kind != MADO_VERDICT_VALID)
    error = verdict_error ("authentication certificate", auth_v);
  else if (sign_v != NULL && sign_v->kind != MADO_VERDICT_VALID)
    error = verdict_error ("signature certificate", sign_v);
  else if (mismatches != NULL && mismatches->len > 0)
    {
      GString *fields = g_string_new (NULL);
      for (guint i = 0; i < mismatches->len; i++)
        g_string_append_printf (
            fields, "%s%s", i > 0 ? ", " : "",
            ((const MadoAttributeMismatch *)g_ptr_array_index (mismatches, i))->field);
      error = g_error_new (MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_ATTRIBUTES,
                           "The card's text and its signature certificate disagree on: %s",
                           fields->str);
      g_string_free (fields, TRUE);
    }

out:
  trace_summary (o, reader);
  if (error == NULL)
    return 0;
  if (auth_v != NULL)
    json_errors = FALSE; /* the verdict object is the JSON answer: one object on stdout */
  return fail (error);
}

/* A refusal from the registry: HTTP status and the API's error code (docs/api.md), read by
 * the sync client's own parser. */
static void
set_refused (GError **error, const char *what, guint status, const char *body)
{
  g_autoptr (MadoSyncResponse) response = mado_sync_response_new (status, body, FALSE);
  g_autofree char *code = mado_sync_response_dup_error_code (response);
  g_set_error (error, MADO_SYNC_ERROR, MADO_SYNC_ERROR_REJECTED,
               "The registry refused %s (HTTP %u, %s)", what, status, code != NULL ? code : "?");
}

/* The kiosk's identity check against the registry (docs/api.md "Identity"): the registry's
 * nonce, signed by the card, the signature and certificate sent back; the registry verifies
 * (revocation included) and opens a session bound to the person and this kiosk. The PIN has
 * been verified on the card already. */
static gboolean
login_at_registry (Options *o, MadoMynumberCard *card, GBytes *der, GError **error)
{
  MadoRegistryClientOptions options = {
    .base_url = o->registry_url,
    .client_certificate = mado_config_get_string (o->config, "registry", "client-certificate"),
    .client_key = mado_config_get_string (o->config, "registry", "client-key"),
    .ca_file = mado_config_get_string (o->config, "registry", "ca"),
    .connect_timeout_ms
    = (guint)mado_config_get_integer (o->config, "registry", "connect-timeout-ms"),
    .timeout_ms = (guint)mado_config_get_integer (o->config, "registry", "timeout-ms"),
    .proxy = mado_config_get_string (o->config, "registry", "proxy"),
  };
  g_autoptr (MadoRegistryClient) client = mado_registry_client_new (&options, error);
  if (client == NULL)
    return FALSE;
  guint status = 0;
  g_autofree char *body = NULL;
  if (!mado_registry_client_request (client, "POST", "/v1/identity/nonce", NULL, NULL, 0, NULL,
                                     &status, &body, error))
    return FALSE;
  if (status != 201)
    {
      set_refused (error, "a nonce", status, body);
      return FALSE;
    }
  g_autoptr (JsonNode) answer = json_from_string (body, NULL);
  const char *nonce64 = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer)
                            ? json_object_get_string_member_with_default (
                                json_node_get_object (answer), "nonce", NULL)
                            : NULL;
  gsize nonce_len = 0;
  g_autofree guint8 *nonce = nonce64 != NULL ? g_base64_decode (nonce64, &nonce_len) : NULL;
  if (nonce == NULL || nonce_len != MADO_NONCE_LENGTH)
    {
      g_set_error (error, MADO_SYNC_ERROR, MADO_SYNC_ERROR_PROTOCOL,
                   "The registry gave no usable nonce (HTTP %u)", status);
      return FALSE;
    }
  guint8 digest[32];
  EVP_Digest (nonce, nonce_len, digest, NULL, EVP_sha256 (), NULL);
  g_autoptr (GBytes) signature
      = mado_mynumber_card_sign_sha256 (card, digest, sizeof digest, error);
  if (signature == NULL)
    return FALSE;
  g_autofree char *sig64
      = g_base64_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  g_autofree char *cert64 = g_base64_encode (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "nonce");
  json_builder_add_string_value (b, nonce64);
  json_builder_set_member_name (b, "signature");
  json_builder_add_string_value (b, sig64);
  json_builder_set_member_name (b, "certificate");
  json_builder_add_string_value (b, cert64);
  json_builder_end_object (b);
  g_autoptr (JsonNode) request = json_builder_get_root (b);
  g_autofree char *request_text = json_to_string (request, FALSE);
  g_clear_pointer (&body, g_free);
  if (!mado_registry_client_request (client, "POST", "/v1/identity/sessions", request_text, NULL, 0,
                                     NULL, &status, &body, error))
    return FALSE;
  g_clear_pointer (&answer, json_node_unref);
  answer = json_from_string (body, NULL);
  JsonObject *ao
      = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  if (status != 201 || ao == NULL)
    {
      set_refused (error, "the identity check", status, body);
      return FALSE;
    }
  if (o->json)
    {
      g_autoptr (JsonBuilder) out = json_builder_new ();
      json_builder_begin_object (out);
      const char *members[] = { "name", "status", "card_link", "expires_at", "token" };
      for (guint i = 0; i < G_N_ELEMENTS (members); i++)
        {
          json_builder_set_member_name (out, members[i]);
          json_builder_add_string_value (
              out, json_object_get_string_member_with_default (ao, members[i], ""));
        }
      json_builder_end_object (out);
      print_json (out);
    }
  else
    printf (_ ("本人確認: 住民記録システムが確認しました (%s 様、%s まで)\n"),
            json_object_get_string_member_with_default (ao, "name", ""),
            json_object_get_string_member_with_default (ao, "expires_at", ""));
  return TRUE;
}

static int
cmd_login (Options *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCertVerifier) verifier = identity_verifier (o, &error);
  if (verifier == NULL)
    return fail (error);
  g_autoptr (MadoReader) reader = open_reader (o, &error);
  if (reader == NULL)
    return fail (error);
  g_autoptr (MadoMynumberCard) card = mado_mynumber_card_new (reader);
  g_autoptr (MadoNonceStore) store = mado_memory_nonce_store_new ();
  g_autoptr (GBytes) der = NULL;
  g_autoptr (MadoVerdict) verdict = NULL;
  g_autoptr (GBytes) nonce = NULL;
  g_autoptr (GBytes) signature = NULL;
  guint8 digest[32];

  /* The kiosk's order (DESIGN.md): certificate, a chain-and-validity pre-check so nobody is
   * asked for a PIN on a card that cannot pass, then tries, PIN, a fresh nonce, the signature,
   * and the verifier's full judgement. */
  der = mado_mynumber_card_read_certificate (card, MADO_CERT_AUTH, &error);
  if (der == NULL)
    goto out;
  verdict
      = mado_cert_verifier_verify (verifier, der, MADO_CERT_PURPOSE_AUTH, MADO_CHECK_CHAIN, NULL);
  if (verdict->kind != MADO_VERDICT_VALID)
    goto report;
  g_clear_pointer (&verdict, mado_verdict_free);

  if (!ask_and_verify (o, card, MADO_PIN_AUTH, o->pin_stdin, &error))
    goto out;
  if (o->registry_url != NULL)
    {
      /* The registry is the authority: it issues the nonce and judges. */
      login_at_registry (o, card, der, &error);
      goto out;
    }
  nonce = mado_challenge_issue (
      store, mado_cert_verifier_get_clock (verifier),
      mado_config_get_integer (o->config, "identity", "nonce-ttl-seconds"), &error);
  if (nonce == NULL)
    goto out;
  EVP_Digest (g_bytes_get_data (nonce, NULL), g_bytes_get_size (nonce), digest, NULL, EVP_sha256 (),
              NULL);
  signature = mado_mynumber_card_sign_sha256 (card, digest, sizeof digest, &error);
  if (signature == NULL)
    goto out;
  verdict = mado_challenge_check (verifier, store, nonce, signature, der, MADO_CHECK_ALL, NULL);

report:
  if (o->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_verdict (b, verdict);
      json_builder_set_member_name (b, "pin_asked");
      json_builder_add_boolean_value (b, nonce != NULL);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    print_verdict_human (_ ("本人確認"), verdict);
  if (verdict->kind != MADO_VERDICT_VALID)
    {
      error = verdict_error ("login", verdict);
      json_errors = FALSE; /* the verdict object is the JSON answer */
    }

out:
  trace_summary (o, reader);
  return error != NULL ? fail (error) : 0;
}

/* ---- main --------------------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  int (*run) (Options *o);
  const char *summary;
} Subcommand;

static const Subcommand subcommands[] = {
  { "readers", cmd_readers, N_ ("PC/SC のリーダーを一覧します") },
  { "info", cmd_info, N_ ("カードの種類、ATR、各暗証番号の残り回数を表示します") },
  { "read-text", cmd_read_text, N_ ("券面事項入力補助APの4情報と個人番号を読みます (要暗証番号)") },
  { "certs", cmd_certs, N_ ("JPKI の証明書を DER ファイルに書き出します") },
  { "auth", cmd_auth, N_ ("利用者証明用の鍵でチャレンジに署名し、証明書の公開鍵で検証します") },
  { "watch", cmd_watch, N_ ("リーダーとカードの出入りを1行1件の JSON で表示します") },
  { "verify", cmd_verify, N_ ("JPKI の電子証明書を検証します (連鎖・有効期間・用途・失効)") },
  { "login", cmd_login,
    N_ ("本人確認をひととおり行います (暗証番号・チャレンジ署名・証明書の検証)") },
};

static int
usage_error (const char *message)
{
  g_autoptr (GError) error = g_error_new_literal (MADO_APP_ERROR, MADO_APP_ERROR_USAGE, message);
  return fail (error);
}

int
mado_card_command_main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  Options o = { .count = 0 };
  g_autofree char *wait_text = NULL;
  o.started_usec = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;

  const Subcommand *sub = NULL;

  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &o.config_path, N_ ("設定ファイル"), "FILE" },
    { "reader", 'r', 0, G_OPTION_ARG_STRING, &o.reader, N_ ("使うリーダーの名前"), "NAME" },
    { "wait", 'w', 0, G_OPTION_ARG_INT, &o.wait_seconds,
      N_ ("カードを待つ秒数 (watch: 全体の上限)"), "SECONDS" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &o.json, N_ ("機械向けの JSON で出力します"), NULL },
    { "trace", 't', 0, G_OPTION_ARG_NONE, &o.trace,
      N_ ("APDU ごとのヘッダー・長さ・ステータスを表示します (暗証番号と個人情報は出しません)"),
      NULL },
    { "no-extended", 0, 0, G_OPTION_ARG_NONE, &o.no_extended, N_ ("拡張長 APDU を使いません"),
      NULL },
    { "pin-stdin", 0, 0, G_OPTION_ARG_NONE, &o.pin_stdin,
      N_ ("暗証番号を標準入力から1行で読みます"), NULL },
    { "sign-password-stdin", 0, 0, G_OPTION_ARG_NONE, &o.sign_password_stdin,
      N_ ("certs: 署名用パスワードを標準入力から読み、署名用証明書も書き出します"), NULL },
    { "show-number", 0, 0, G_OPTION_ARG_NONE, &o.show_number,
      N_ ("read-text: 個人番号を伏せずに表示します"), NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &o.out_dir, N_ ("certs: 書き出し先"), "DIR" },
    { "challenge", 0, 0, G_OPTION_ARG_STRING, &o.challenge_hex,
      N_ ("auth: 署名するチャレンジ (16進; 省略時は32バイトの乱数)"), "HEX" },
    { "count", 'n', 0, G_OPTION_ARG_INT, &o.count, N_ ("watch: この件数で終わります"), "N" },
    { "trust-dir", 0, 0, G_OPTION_ARG_FILENAME, &o.trust_dir,
      N_ ("verify, login: 信頼するルート証明書のディレクトリ"), "DIR" },
    { "crl", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.crls,
      N_ ("verify, login: 失効リスト (繰り返し指定可)"), "FILE" },
    { "ocsp-url", 0, 0, G_OPTION_ARG_STRING, &o.ocsp_url,
      N_ ("verify, login: OCSP レスポンダー (ocsp-allowed-urls にあるもの)"), "URL" },
    { "compare-text", 0, 0, G_OPTION_ARG_NONE, &o.compare_text,
      N_ ("verify: 署名用電子証明書の4情報を券面事項入力補助APと照合します (標準入力: "
          "パスワード、暗証番号の2行)"),
      NULL },
    { "at", 0, 0, G_OPTION_ARG_STRING, &o.at, N_ ("verify, login: この時刻で検証します (ISO 8601)"),
      "TIME" },
    { "registry", 0, 0, G_OPTION_ARG_STRING, &o.registry_url,
      N_ ("login: 住民記録システム (https://HOST:PORT) に本人確認を依頼します ([registry] "
          "の証明書を使います)"),
      "URL" },
    { NULL },
  };

  GString *summary = g_string_new (_ ("サブコマンド:"));
  for (gsize i = 0; i < G_N_ELEMENTS (subcommands); i++)
    g_string_append_printf (summary, "\n  %-10s %s", subcommands[i].name,
                            _ (subcommands[i].summary));
  g_autoptr (GOptionContext) context
      = g_option_context_new (_ ("SUBCOMMAND — マイナンバーカードを読みます"));
  g_option_context_set_summary (context, summary->str);
  g_string_free (summary, TRUE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  int rc;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      rc = usage_error (error->message);
      goto done;
    }
  /* options may come before or after the subcommand: it is what parsing leaves */
  if (argc == 2)
    for (gsize i = 0; i < G_N_ELEMENTS (subcommands); i++)
      if (g_str_equal (argv[1], subcommands[i].name))
        sub = &subcommands[i];
  if (sub == NULL)
    {
      rc = usage_error (argc > 2    ? "One subcommand, please"
                        : argc == 2 ? "Unknown subcommand"
                                    : "A subcommand is needed");
      goto done;
    }

  o.config = mado_config_load (o.config_path, &error);
  if (o.config == NULL)
    {
      rc = fail (error);
      goto done;
    }
  json_errors = o.json;
  wait_text = g_strdup_printf ("%d", o.wait_seconds);
  if ((o.reader != NULL && !mado_config_set (o.config, "card", "reader", o.reader, &error))
      || (o.wait_seconds > 0 && sub->run != cmd_watch
          && !mado_config_set (o.config, "card", "wait-seconds", wait_text, &error))
      || (o.no_extended && !mado_config_set (o.config, "card", "extended-length", "off", &error))
      || (o.trace && !mado_config_set (o.config, "card", "trace", "true", &error)))
    {
      rc = fail (error);
      goto done;
    }
  rc = sub->run (&o);

done:
  options_clear (&o);
  return rc;
}
