/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-signed-qr.c — the signed QR payload (docs/documents.md, "QR payload"):
 *
 *   MDG1.KIND.ISSUE.DATE.OFFICE.DIGEST.CARDLINK.KEYID.SIGNATURE
 *
 * Every character is in QR alphanumeric mode's set (0-9 A-Z - .) and types the same on US and
 * JIS keyboard layouts: binary fields are RFC 4648 base32 without padding, the key id is upper
 * case hex. The signature (ECDSA P-256, SHA-256, raw r‖s) covers the exact ASCII bytes before
 * the last '.'.
 */
#include "mado-signed-qr.h"

#include <string.h>

#include <openssl/pem.h>
#include <openssl/sha.h>
#include <qrencode.h>

#include "mado-print-error.h"
#include "mado-print-openssl-private.h"

#define PREFIX "MDG1"
#define N_FIELDS 9
#define TEXT_MAX 32
#define KEY_ID_BYTES 8
#define MAX_PAYLOAD 1024

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static char *
base32_encode (const guint8 *data, gsize len)
{
  GString *out = g_string_sized_new ((len * 8 + 4) / 5 + 1);
  guint32 buffer = 0;
  int bits = 0;
  for (gsize i = 0; i < len; i++)
    {
      buffer = (buffer << 8) | data[i];
      bits += 8;
      while (bits >= 5)
        {
          g_string_append_c (out, base32_alphabet[(buffer >> (bits - 5)) & 31]);
          bits -= 5;
        }
    }
  if (bits > 0)
    g_string_append_c (out, base32_alphabet[(buffer << (5 - bits)) & 31]);
  return g_string_free (out, FALSE);
}

/* Strict: exactly @len bytes, no padding, unused trailing bits zero (one spelling per value). */
static gboolean
base32_decode (const char *text, guint8 *out, gsize len)
{
  gsize n = strlen (text);
  if (n != (len * 8 + 4) / 5)
    return FALSE;
  guint32 buffer = 0;
  int bits = 0;
  gsize o = 0;
  for (gsize i = 0; i < n; i++)
    {
      const char *p = strchr (base32_alphabet, text[i]);
      if (text[i] == '\0' || p == NULL)
        return FALSE;
      buffer = (buffer << 5) | (guint32)(p - base32_alphabet);
      bits += 5;
      if (bits >= 8)
        {
          out[o++] = (guint8)(buffer >> (bits - 8));
          bits -= 8;
        }
      buffer &= (1u << bits) - 1;
    }
  return o == len && buffer == 0;
}

static gboolean
text_field_ok (const char *s, gboolean lower)
{
  gsize n = strlen (s);
  if (n == 0 || n > TEXT_MAX)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!(g_ascii_isdigit (s[i]) || s[i] == '-'
          || (lower ? g_ascii_islower (s[i]) : g_ascii_isupper (s[i]))))
      return FALSE;
  return TRUE;
}

static gboolean
date_ok (const char *s)
{
  if (strlen (s) != 10 || s[4] != '-' || s[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (s[i]))
      return FALSE;
  int y = atoi (s), m = atoi (s + 5), d = atoi (s + 8);
  return y >= 1 && m >= 1 && m <= 12 && d >= 1
         && g_date_valid_dmy ((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

void
mado_qr_claims_free (MadoQrClaims *claims)
{
  if (claims == NULL)
    return;
  g_free (claims->kind);
  g_free (claims->issue_number);
  g_free (claims->date);
  g_free (claims->office);
  g_free (claims->key_id);
  g_free (claims);
}

char *
mado_key_id (EVP_PKEY *key)
{
  unsigned char *der = NULL;
  int len = i2d_PUBKEY (key, &der);
  if (len <= 0)
    return NULL;
  guint8 hash[32];
  SHA256 (der, (size_t)len, hash);
  OPENSSL_free (der);
  GString *hex = g_string_sized_new (KEY_ID_BYTES * 2 + 1);
  for (int i = 0; i < KEY_ID_BYTES; i++)
    g_string_append_printf (hex, "%02x", hash[i]);
  return g_string_free (hex, FALSE);
}

static gboolean
key_is_p256 (EVP_PKEY *key)
{
  char group[64] = "";
  size_t len = 0;
  return key != NULL && EVP_PKEY_is_a (key, "EC")
         && EVP_PKEY_get_group_name (key, group, sizeof group, &len)
         && (g_str_equal (group, "prime256v1") || g_str_equal (group, "P-256"));
}

char *
mado_signed_qr_encode (const MadoQrClaims *claims, EVP_PKEY *key, GError **error)
{
  if (!key_is_p256 (key))
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_KEY,
                   "the signing key is not an EC P-256 key");
      return NULL;
    }
  struct
  {
    const char *name, *value;
    gboolean lower;
  } texts[] = {
    { "kind", claims->kind, TRUE },
    { "issue_number", claims->issue_number, FALSE },
    { "office", claims->office, FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i].value == NULL || !text_field_ok (texts[i].value, texts[i].lower))
      {
        g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_INVALID_FIELD,
                     "QR field %s must be 1–%d characters of %s, digits and '-'", texts[i].name,
                     TEXT_MAX, texts[i].lower ? "a–z" : "A–Z");
        return NULL;
      }
  if (claims->date == NULL || !date_ok (claims->date))
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_INVALID_FIELD,
                   "QR field date must be a full ISO 8601 date (YYYY-MM-DD)");
      return NULL;
    }

  g_autofree char *key_id = mado_key_id (key);
  g_autofree char *kind = g_ascii_strup (claims->kind, -1);
  g_autofree char *digest = base32_encode (claims->digest, 32);
  g_autofree char *card_link
      = claims->has_card_link ? base32_encode (claims->card_link, 32) : g_strdup ("");
  g_autofree char *key_id_up = key_id != NULL ? g_ascii_strup (key_id, -1) : NULL;
  if (key_id_up == NULL)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_KEY, "cannot encode the public key");
      return NULL;
    }
  g_autofree char *signed_part = g_strjoin (".", PREFIX, kind, claims->issue_number, claims->date,
                                            claims->office, digest, card_link, key_id_up, NULL);

  g_autoptr (EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  size_t der_len = 0;
  if (ctx == NULL || EVP_DigestSignInit (ctx, NULL, EVP_sha256 (), NULL, key) != 1
      || EVP_DigestSign (ctx, NULL, &der_len, (const guint8 *)signed_part, strlen (signed_part))
             != 1)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_KEY, "the key cannot sign");
      return NULL;
    }
  g_autofree guint8 *der = g_malloc (der_len);
  if (EVP_DigestSign (ctx, der, &der_len, (const guint8 *)signed_part, strlen (signed_part)) != 1)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_KEY, "signing failed");
      return NULL;
    }
  const guint8 *p = der;
  g_autoptr (ECDSA_SIG) sig = d2i_ECDSA_SIG (NULL, &p, (long)der_len);
  guint8 raw[64];
  if (sig == NULL || BN_bn2binpad (ECDSA_SIG_get0_r (sig), raw, 32) != 32
      || BN_bn2binpad (ECDSA_SIG_get0_s (sig), raw + 32, 32) != 32)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_KEY, "unexpected signature form");
      return NULL;
    }
  g_autofree char *sig_text = base32_encode (raw, sizeof raw);
  return g_strjoin (".", signed_part, sig_text, NULL);
}

static MadoQrClaims *
tampered (GError **error, const char *what)
{
  g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_TAMPERED,
               "the QR code is altered or damaged (%s)", what);
  return NULL;
}

MadoQrClaims *
mado_signed_qr_decode (const char *payload, GPtrArray *public_keys, GError **error)
{
  if (payload == NULL || !g_str_has_prefix (payload, PREFIX "."))
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_NO_QR,
                   "not a Madoguchi QR code (no " PREFIX " prefix)");
      return NULL;
    }
  gsize len = strnlen (payload, MAX_PAYLOAD + 1);
  while (len > 0 && (payload[len - 1] == '\n' || payload[len - 1] == '\r'))
    len--; /* a scanner's Enter */
  if (len > MAX_PAYLOAD)
    return tampered (error, "too long");
  g_autofree char *text = g_strndup (payload, len);
  g_auto (GStrv) f = g_strsplit (text, ".", N_FIELDS + 1);
  if (g_strv_length (f) != N_FIELDS)
    return tampered (error, "wrong number of fields");

  g_autoptr (MadoQrClaims) claims = g_new0 (MadoQrClaims, 1);
  guint8 sig_raw[64];
  if (!text_field_ok (f[1], FALSE))
    return tampered (error, "kind");
  if (!text_field_ok (f[2], FALSE))
    return tampered (error, "issue number");
  if (!date_ok (f[3]))
    return tampered (error, "date");
  if (!text_field_ok (f[4], FALSE))
    return tampered (error, "office");
  if (!base32_decode (f[5], claims->digest, 32))
    return tampered (error, "digest");
  claims->has_card_link = f[6][0] != '\0';
  if (claims->has_card_link && !base32_decode (f[6], claims->card_link, 32))
    return tampered (error, "card link");
  if (strlen (f[7]) != KEY_ID_BYTES * 2 || strspn (f[7], "0123456789ABCDEF") != strlen (f[7]))
    return tampered (error, "key id");
  if (!base32_decode (f[8], sig_raw, sizeof sig_raw))
    return tampered (error, "signature");
  claims->kind = g_ascii_strdown (f[1], -1);
  claims->issue_number = g_strdup (f[2]);
  claims->date = g_strdup (f[3]);
  claims->office = g_strdup (f[4]);
  claims->key_id = g_ascii_strdown (f[7], -1);

  EVP_PKEY *key = NULL;
  for (guint i = 0; public_keys != NULL && i < public_keys->len && key == NULL; i++)
    {
      g_autofree char *id = mado_key_id (g_ptr_array_index (public_keys, i));
      if (id != NULL && g_str_equal (id, claims->key_id))
        key = g_ptr_array_index (public_keys, i);
    }
  if (key == NULL)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_UNKNOWN_SIGNER,
                   "signed by key %s, which is not configured", claims->key_id);
      return NULL;
    }

  g_autoptr (ECDSA_SIG) sig = ECDSA_SIG_new ();
  BIGNUM *r = BN_bin2bn (sig_raw, 32, NULL);
  BIGNUM *s = BN_bin2bn (sig_raw + 32, 32, NULL);
  if (sig == NULL || r == NULL || s == NULL || ECDSA_SIG_set0 (sig, r, s) != 1)
    {
      BN_free (r);
      BN_free (s);
      return tampered (error, "signature");
    }
  unsigned char *der = NULL;
  int der_len = i2d_ECDSA_SIG (sig, &der);
  gsize signed_len = (gsize)(strrchr (text, '.') - text);
  g_autoptr (EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  int ok = der_len > 0 && ctx != NULL
           && EVP_DigestVerifyInit (ctx, NULL, EVP_sha256 (), NULL, key) == 1
           && EVP_DigestVerify (ctx, der, (size_t)der_len, (const guint8 *)text, signed_len) == 1;
  OPENSSL_free (der);
  if (!ok)
    return tampered (error, "the signature does not verify");
  return g_steal_pointer (&claims);
}

gboolean
mado_qr_draw (cairo_t *cr, const char *payload, double x, double y, double size, GError **error)
{
  for (const char *p = payload; p != NULL && *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7e)
      {
        g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_INVALID_FIELD,
                     "a QR payload must be printable ASCII");
        return FALSE;
      }
  QRcode *code = payload != NULL && *payload != '\0'
                     ? QRcode_encodeString (payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1)
                     : NULL;
  if (code == NULL)
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_RENDER,
                   "cannot encode the QR code (%s)", payload == NULL ? "no payload" : "too long?");
      return FALSE;
    }
  int n = code->width;
  double module = size / (n + 8); /* 4 modules of quiet zone on each side */

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, size, size);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  for (int row = 0; row < n; row++)
    {
      int col = 0;
      while (col < n)
        {
          if (!(code->data[row * n + col] & 1))
            {
              col++;
              continue;
            }
          int start = col;
          while (col < n && (code->data[row * n + col] & 1))
            col++;
          /* one rectangle per run of dark modules: no hairline seams between them */
          cairo_rectangle (cr, x + (start + 4) * module, y + (row + 4) * module,
                           (col - start) * module, module);
        }
    }
  cairo_fill (cr);
  cairo_restore (cr);
  QRcode_free (code);
  return TRUE;
}

static EVP_PKEY *
load_pem (const char *path, gboolean private_key, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_KEY, "cannot read key %s: %s", path,
                   local->message);
      return NULL;
    }
  g_autoptr (BIO) bio = BIO_new_mem_buf (data, (int)MIN (len, (gsize)G_MAXINT));
  EVP_PKEY *key = NULL;
  if (private_key)
    key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  else
    {
      key = PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
      if (key == NULL)
        {
          /* a certificate of the key will do as well */
          g_autoptr (BIO) bio2 = BIO_new_mem_buf (data, (int)MIN (len, (gsize)G_MAXINT));
          g_autoptr (X509) cert = PEM_read_bio_X509 (bio2, NULL, NULL, NULL);
          if (cert != NULL)
            key = X509_get_pubkey (cert);
        }
    }
  OPENSSL_cleanse (data, len);
  if (key == NULL || !key_is_p256 (key))
    {
      EVP_PKEY_free (key);
      g_set_error (error, MADO_PRINT_ERROR, MADO_PRINT_ERROR_KEY, "%s is not a PEM EC P-256 %s key",
                   path, private_key ? "private" : "public");
      return NULL;
    }
  return key;
}

EVP_PKEY *
mado_signing_key_load (const char *path, GError **error)
{
  return load_pem (path, TRUE, error);
}

EVP_PKEY *
mado_public_key_load (const char *path, GError **error)
{
  return load_pem (path, FALSE, error);
}
