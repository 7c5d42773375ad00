/* SPDX-License-Identifier: GPL-3.0-or-later
 * test-vcard-card.c — drives the emulated card in-process: selection, READ BINARY forms, VERIFY
 * counters and persistence, access rules, signatures (checked with OpenSSL against the
 * certificate), every malform kind.
 *
 * Needs MADO_SOURCE_DIR (set by meson) to run tests/pki/make-test-pki.sh into a temporary dir.
 */
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "mado-tlv.h"
#include "mado-vcard-ber.h"
#include "mado-mynumber-card.h"
#include "mado-vcard-card.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)

/* g_assert_cmpmem() takes int lengths; -Wconversion wants the casts spelled out */
#define assert_mem(a, a_len, b, b_len) g_assert_cmpmem ((a), (int)(a_len), (b), (int)(b_len))

static char *pki_dir;      /* temporary, made by make-test-pki.sh */
static char *profile_path; /* pki_dir/demo-resident.ini */

#define JPKI "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"
#define TEXT "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08"

/* --- helpers ------------------------------------------------------------------------------------
 */

static GByteArray *
hex (const char *text)
{
  GByteArray *a = g_byte_array_new ();
  int hi = -1;
  for (const char *p = text; *p; p++)
    {
      if (*p == ' ')
        continue;
      int v = g_ascii_xdigit_value (*p);
      g_assert_cmpint (v, >=, 0);
      if (hi < 0)
        hi = v;
      else
        {
          guint8 b = (guint8)(hi << 4 | v);
          g_byte_array_append (a, &b, 1);
          hi = -1;
        }
    }
  g_assert_cmpint (hi, <, 0);
  return a;
}

/* Sends @command (hex); returns the response data, the status word in @sw. */
static GByteArray *
xfer_bytes (MadoVcard *card, const guint8 *cmd, gsize len, guint16 *sw)
{
  GByteArray *r = g_byte_array_new ();
  guint16 s = mado_vcard_process (card, cmd, len, r);
  g_assert_cmpuint (r->len, >=, 2);
  g_assert_cmpuint (s, ==, (guint16)(r->data[r->len - 2] << 8 | r->data[r->len - 1]));
  g_byte_array_set_size (r, r->len - 2);
  *sw = s;
  return r;
}

static GByteArray *
xfer (MadoVcard *card, const char *command, guint16 *sw)
{
  g_autoptr (GByteArray) c = hex (command);
  return xfer_bytes (card, c->data, c->len, sw);
}

/* Sends @command and asserts the status word; no data expected unless @keep. */
static void
expect_sw (MadoVcard *card, const char *command, guint16 want)
{
  guint16 sw = 0;
  g_autoptr (GByteArray) r = xfer (card, command, &sw);
  if (sw != want)
    g_error ("%s: got %04X, want %04X", command, sw, want);
  if (want != 0x9000)
    g_assert_cmpuint (r->len, ==, 0);
}

/* Same for a binary command. */
static void
expect_sw_raw (MadoVcard *card, const GByteArray *command, guint16 want)
{
  guint16 sw = 0;
  g_autoptr (GByteArray) r = xfer_bytes (card, command->data, command->len, &sw);
  g_assert_cmphex (sw, ==, want);
  if (want != 0x9000)
    g_assert_cmpuint (r->len, ==, 0);
}

static MadoVcard *
load_card (void)
{
  g_autoptr (GError) error = NULL;
  MadoVcard *card = mado_vcard_new_from_file (profile_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (card);
  return card;
}

static GKeyFile *
load_profile_key_file (void)
{
  g_autoptr (GError) error = NULL;
  GKeyFile *kf = g_key_file_new ();
  g_key_file_load_from_file (kf, profile_path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  return kf;
}

static MadoVcard *
load_card_from_key_file (GKeyFile *kf)
{
  g_autoptr (GError) error = NULL;
  MadoVcard *card = mado_vcard_new_from_key_file (kf, pki_dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (card);
  return card;
}

static GBytes *
file_bytes (const char *relative)
{
  g_autofree char *path = g_build_filename (pki_dir, relative, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

/* Reads the whole current EF in short chunks of 256 (until 6B 00 or a short chunk). */
static GByteArray *
read_all_short (MadoVcard *card)
{
  GByteArray *all = g_byte_array_new ();
  for (guint offset = 0;; offset += 256)
    {
      g_autofree char *cmd = g_strdup_printf ("00 B0 %02X %02X 00", offset >> 8, offset & 0xFF);
      guint16 sw = 0;
      g_autoptr (GByteArray) r = xfer (card, cmd, &sw);
      if (sw == 0x6B00)
        break;
      g_assert_cmpuint (sw, ==, 0x9000);
      g_byte_array_append (all, r->data, r->len);
      if (r->len < 256)
        break;
    }
  return all;
}

/* SHA-256 DigestInfo of @msg. */
static GByteArray *
digest_info (const char *msg)
{
  static const guint8 prefix[] = { 0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                   0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };
  GByteArray *a = g_byte_array_new ();
  guint8 md[32];
  unsigned int md_len = 0;
  g_assert_true (EVP_Digest (msg, strlen (msg), md, &md_len, EVP_sha256 (), NULL));
  g_byte_array_append (a, prefix, sizeof prefix);
  g_byte_array_append (a, md, md_len);
  return a;
}

static GByteArray *
sign_apdu (guint8 p1, guint8 p2, const GByteArray *data)
{
  GByteArray *c = g_byte_array_new ();
  const guint8 head[] = { 0x80, 0x2A, p1, p2, (guint8)data->len };
  g_byte_array_append (c, head, sizeof head);
  g_byte_array_append (c, data->data, data->len);
  const guint8 le = 0x00;
  g_byte_array_append (c, &le, 1);
  return c;
}

static void
assert_signature_valid (const char *cert_file, const char *msg, const GByteArray *sig)
{
  g_autoptr (GBytes) der = file_bytes (cert_file);
  const unsigned char *p = g_bytes_get_data (der, NULL);
  g_autoptr (X509) x509 = d2i_X509 (NULL, &p, (long)g_bytes_get_size (der));
  g_assert_nonnull (x509);
  g_autoptr (EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  g_assert_cmpint (EVP_DigestVerifyInit (ctx, NULL, EVP_sha256 (), NULL, X509_get0_pubkey (x509)),
                   ==, 1);
  g_assert_cmpint (EVP_DigestVerify (ctx, sig->data, sig->len, (const guint8 *)msg, strlen (msg)),
                   ==, 1);
}

static gboolean
signature_valid (const char *cert_file, const char *msg, const GByteArray *sig)
{
  g_autoptr (GBytes) der = file_bytes (cert_file);
  const unsigned char *p = g_bytes_get_data (der, NULL);
  g_autoptr (X509) x509 = d2i_X509 (NULL, &p, (long)g_bytes_get_size (der));
  g_autoptr (EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  EVP_DigestVerifyInit (ctx, NULL, EVP_sha256 (), NULL, X509_get0_pubkey (x509));
  return EVP_DigestVerify (ctx, sig->data, sig->len, (const guint8 *)msg, strlen (msg)) == 1;
}

/* --- tests --------------------------------------------------------------------------------------
 */

static void
test_ber_writer (void)
{
  g_autoptr (GByteArray) a = g_byte_array_new ();
  mado_vcard_ber_put_tlv (a, 0xDF22, (const guint8 *)"ab", 2);
  mado_vcard_ber_put_tag (a, 0xFF20);
  mado_vcard_ber_put_length (a, 0x7F, FALSE);
  mado_vcard_ber_put_length (a, 0x80, FALSE);
  mado_vcard_ber_put_length (a, 0x100, FALSE);
  mado_vcard_ber_put_length (a, 0x10, TRUE);
  mado_vcard_ber_put_tag (a, 0x30);
  g_autoptr (GByteArray) want = hex ("DF 22 02 61 62 FF 20 7F 81 80 82 01 00 82 00 10 30");
  assert_mem (a->data, a->len, want->data, want->len);
  g_assert_cmpuint (mado_vcard_ber_length_size (0x7F), ==, 1);
  g_assert_cmpuint (mado_vcard_ber_length_size (0xFF), ==, 2);
  g_assert_cmpuint (mado_vcard_ber_length_size (0x100), ==, 3);
}

static void
test_atr_and_select (void)
{
  g_autoptr (MadoVcard) card = load_card ();
  g_autoptr (GByteArray) want_atr = hex ("3B E0 00 FF 81 31 FE 45 14");
  gsize atr_len = 0;
  const guint8 *atr = g_bytes_get_data (mado_vcard_get_atr (card), &atr_len);
  assert_mem (atr, atr_len, want_atr->data, want_atr->len);

  /* nothing selected after power on */
  expect_sw (card, "00 A4 00 00", 0x6A86);
  expect_sw (card, "00 A4 02 0C 02 00 0A", 0x6A82);
  expect_sw (card, "00 B0 00 00 04", 0x6986);
  expect_sw (card, "00 B0 8A 00 04", 0x6A82);
  expect_sw (card, "00 20 00 80", 0x6986);

  expect_sw (card, JPKI, 0x9000);
  expect_sw (card, "00 A4 00 00", 0x9000); /* MF with an applet current: no-op */
  expect_sw (card, "00 A4 02 0C 02 00 0A", 0x9000);
  expect_sw (card, "00 A4 02 0C 02 00 0C", 0x6A82);
  expect_sw (card, "00 A4 02 0C 02 3F 00", 0x6A82);
  expect_sw (card, "00 A4 02 0C 01 00", 0x6700);
  expect_sw (card, "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 02", 0x6A82);
  expect_sw (card, "00 A4 04 0C 09 D3 92 F0 00 26 01 00 00 00", 0x6A82);
  expect_sw (card, "00 A4 08 0C 02 00 0A", 0x6A86);

  /* with FCI */
  guint16 sw = 0;
  g_autoptr (GByteArray) fci = xfer (card, "00 A4 04 00 0A D3 92 10 00 31 00 01 01 04 08 00", &sw);
  g_assert_cmpuint (sw, ==, 0x9000);
  g_autoptr (GByteArray) want_fci = hex ("6F 0C 84 0A D3 92 10 00 31 00 01 01 04 08");
  assert_mem (fci->data, fci->len, want_fci->data, want_fci->len);
  /* the text AP is current now: JPKI files are not there */
  expect_sw (card, "00 A4 02 0C 02 00 0A", 0x6A82);
  expect_sw (card, "00 A4 02 0C 02 00 02", 0x9000);

  /* reset: back to nothing */
  mado_vcard_reset (card);
  expect_sw (card, "00 A4 02 0C 02 00 02", 0x6A82);
}

static void
test_read_binary (void)
{
  g_autoptr (MadoVcard) card = load_card ();
  g_autoptr (GBytes) der = file_bytes ("demo-resident/auth.der");
  gsize der_len = g_bytes_get_size (der);
  guint16 sw = 0;

  g_assert_cmpuint (der_len, <, 2048);
  expect_sw (card, JPKI, 0x9000);
  expect_sw (card, "00 A4 02 0C 02 00 0A", 0x9000);

  /* OpenSC: 4 bytes, then size = bytes 2–3 + 4 */
  g_autoptr (GByteArray) head = xfer (card, "00 B0 00 00 04", &sw);
  g_assert_cmpuint (sw, ==, 0x9000);
  assert_mem (head->data, head->len, g_bytes_get_data (der, NULL), 4);
  g_assert_cmpuint ((gsize)(head->data[2] << 8 | head->data[3]) + 4, ==, der_len);

  /* short chunks of 256: the whole fixed-size EF, DER then FF */
  g_autoptr (GByteArray) all = read_all_short (card);
  g_assert_cmpuint (all->len, ==, 2048);
  assert_mem (all->data, der_len, g_bytes_get_data (der, NULL), der_len);
  for (gsize i = der_len; i < all->len; i++)
    g_assert_cmpuint (all->data[i], ==, 0xFF);

  /* Le 00 = 256 */
  g_autoptr (GByteArray) r256 = xfer (card, "00 B0 00 00 00", &sw);
  g_assert_cmpuint (r256->len, ==, 256);
  /* exact Le */
  g_autoptr (GByteArray) r7 = xfer (card, "00 B0 00 01 07", &sw);
  assert_mem (r7->data, r7->len, (const guint8 *)g_bytes_get_data (der, NULL) + 1, 7);
  /* Le beyond the end: the remainder, 90 00 */
  g_autoptr (GByteArray) tail = xfer (card, "00 B0 07 F0 40", &sw);
  g_assert_cmpuint (sw, ==, 0x9000);
  g_assert_cmpuint (tail->len, ==, 16);
  /* offset at or beyond the end */
  expect_sw (card, "00 B0 08 00 01", 0x6B00);
  expect_sw (card, "00 B0 7F FF 01", 0x6B00);
  /* extended Le */
  g_autoptr (GByteArray) ext = xfer (card, "00 B0 00 04 00 04 00", &sw);
  g_assert_cmpuint (sw, ==, 0x9000);
  g_assert_cmpuint (ext->len, ==, 1024);
  assert_mem (ext->data, ext->len, all->data + 4, 1024);
  g_autoptr (GByteArray) whole = xfer (card, "00 B0 00 00 00 00 00", &sw);
  g_assert_cmpuint (sw, ==, 0x9000);
  assert_mem (whole->data, whole->len, all->data, all->len);
  /* no Le, data with READ BINARY */
  expect_sw (card, "00 B0 00 00", 0x6700);
  expect_sw (card, "00 B0 00 00 01 00 00", 0x6700);

  /* SFI: P1 = 80|SFI, P2 = offset; the EF becomes current */
  mado_vcard_reset (card);
  expect_sw (card, JPKI, 0x9000);
  g_autoptr (GByteArray) sfi = xfer (card, "00 B0 8B 00 04", &sw); /* 000B auth CA */
  g_assert_cmpuint (sw, ==, 0x9000);
  g_autoptr (GBytes) ca = file_bytes ("auth-ca.der");
  assert_mem (sfi->data, sfi->len, g_bytes_get_data (ca, NULL), 4);
  g_autoptr (GByteArray) sfi_rest = xfer (card, "00 B0 00 04 00 00 00", &sw); /* current = 000B */
  g_assert_cmpuint (sw, ==, 0x9000);
  assert_mem (sfi_rest->data, g_bytes_get_size (ca) - 4,
              (const guint8 *)g_bytes_get_data (ca, NULL) + 4, g_bytes_get_size (ca) - 4);
  g_autoptr (GByteArray) sfi_off = xfer (card, "00 B0 8A 04 00 00 10", &sw); /* MBE's form */
  g_assert_cmpuint (sfi_off->len, ==, 16);
  assert_mem (sfi_off->data, 16, (const guint8 *)g_bytes_get_data (der, NULL) + 4, 16);
  expect_sw (card, "00 B0 9E 00 04", 0x6A82); /* no EF 001E */
  expect_sw (card, "00 B0 A0 00 04", 0x6A86); /* P1 bits 7–6 must be 0 with SFI */
  expect_sw (card, "00 B0 98 00 04", 0x6981); /* a key is not a binary file */

  /* token info and 0008 */
  g_autoptr (GByteArray) token = xfer (card, "00 B0 86 00 00", &sw);
  g_assert_cmpuint (sw, ==, 0x9000);
  g_assert_cmpuint (token->len, ==, 160);
  assert_mem (token->data, 32, "JPKIAPICCTOKEN2                 ", 32);
  g_autoptr (GByteArray) flags = xfer (card, "00 B0 88 00 00", &sw);
  g_autoptr (GByteArray) want_flags = hex ("8F 8F 00");
  assert_mem (flags->data, flags->len, want_flags->data, want_flags->len);

  /* no extended length */
  mado_vcard_set_extended_length (card, FALSE);
  expect_sw (card, "00 B0 8A 00 00 00 00", 0x6700);
  expect_sw (card, "00 B0 8A 00 04", 0x9000);
}

static void
test_verify_counters (void)
{
  g_autoptr (MadoVcard) card = load_card ();

  expect_sw (card, JPKI, 0x9000);
  /* auth PIN by SFI (98): 3 tries; empty VERIFY spends none */
  expect_sw (card, "00 20 00 98", 0x63C3);
  expect_sw (card, "00 20 00 98", 0x63C3);
  expect_sw (card, "00 20 00 98 04 31 31 31 31", 0x63C2);
  expect_sw (card, "00 20 00 98", 0x63C2);
  /* success resets */
  expect_sw (card, "00 20 00 98 04 31 32 33 34", 0x9000);
  expect_sw (card, "00 20 00 98", 0x63C3); /* still 63 Cx when verified */
  /* wrong length is just wrong */
  expect_sw (card, "00 20 00 98 03 31 32 33", 0x63C2);
  expect_sw (card, "00 20 00 98 04 30 30 30 30", 0x63C1);
  expect_sw (card, "00 20 00 98 04 30 30 30 30", 0x63C0); /* the exhausting failure */
  expect_sw (card, "00 20 00 98 04 31 32 33 34", 0x6984); /* locked, even the right PIN */
  expect_sw (card, "00 20 00 98", 0x63C0);

  /* sign password via SELECT EF + P2=80: 5 tries; bytes compared exactly (no upper-casing) */
  expect_sw (card, "00 A4 02 0C 02 00 1B", 0x9000);
  expect_sw (card, "00 20 00 80", 0x63C5);
  expect_sw (card, "00 20 00 80 06 61 62 63 31 32 33", 0x63C4);
  expect_sw (card, "00 20 00 80 06 41 42 43 31 32 33", 0x9000);
  expect_sw (card, "00 20 00 80", 0x63C5);

  /* VERIFY on a non-key / absent key */
  expect_sw (card, "00 A4 02 0C 02 00 0A", 0x9000);
  expect_sw (card, "00 20 00 80", 0x6A88);
  expect_sw (card, "00 20 00 91", 0x6A88); /* 0011 is the text AP's */
  expect_sw (card, "00 20 01 98", 0x6A86);
  expect_sw (card, "00 20 00 00", 0x6A86);

  /* text PIN */
  expect_sw (card, TEXT, 0x9000);
  expect_sw (card, "00 20 00 91", 0x63C3);
  expect_sw (card, "00 20 00 91 04 31 32 33 34", 0x9000);

  /* verified_query_ok: the query answers 90 00 while verified */
  g_autoptr (GKeyFile) kf = load_profile_key_file ();
  g_key_file_set_boolean (kf, "card", "verified_query_ok", TRUE);
  g_key_file_set_integer (kf, "pins", "text_tries", 10);
  g_autoptr (MadoVcard) card2 = load_card_from_key_file (kf);
  expect_sw (card2, TEXT, 0x9000);
  expect_sw (card2, "00 20 00 91", 0x63CA);
  expect_sw (card2, "00 20 00 91 04 31 32 33 34", 0x9000);
  expect_sw (card2, "00 20 00 91", 0x9000);
}

static void
test_verify_persistence (void)
{
  g_autofree char *state = g_build_filename (pki_dir, "state.ini", NULL);
  g_autoptr (GError) error = NULL;

  g_unlink (state);
  {
    g_autoptr (MadoVcard) card = load_card ();
    g_assert_true (mado_vcard_set_state_file (card, state, &error));
    g_assert_no_error (error);
    expect_sw (card, JPKI, 0x9000);
    expect_sw (card, "00 20 00 98 04 39 39 39 39", 0x63C2);
    expect_sw (card, "00 20 00 9B 06 41 41 41 41 41 41", 0x63C4);
    expect_sw (card, TEXT, 0x9000);
    expect_sw (card, "00 20 00 91 04 39 39 39 39", 0x63C2);
    expect_sw (card, "00 20 00 91 04 39 39 39 39", 0x63C1);
    expect_sw (card, "00 20 00 91 04 39 39 39 39", 0x63C0);
  }
  g_assert_true (g_file_test (state, G_FILE_TEST_EXISTS));
  {
    /* a new emulator process with the same state file */
    g_autoptr (MadoVcard) card = load_card ();
    g_assert_true (mado_vcard_set_state_file (card, state, &error));
    g_assert_no_error (error);
    expect_sw (card, JPKI, 0x9000);
    expect_sw (card, "00 20 00 98", 0x63C2);
    expect_sw (card, "00 20 00 9B", 0x63C4);
    expect_sw (card, "00 20 00 98 04 31 32 33 34", 0x9000); /* resets, and persists that */
    expect_sw (card, TEXT, 0x9000);
    expect_sw (card, "00 20 00 91", 0x63C0);
    expect_sw (card, "00 20 00 91 04 31 32 33 34", 0x6984);
  }
  {
    g_autoptr (MadoVcard) card = load_card ();
    g_assert_true (mado_vcard_set_state_file (card, state, &error));
    expect_sw (card, JPKI, 0x9000);
    expect_sw (card, "00 20 00 98", 0x63C3);
  }
  /* without a state file, counters live in memory only */
  {
    g_autoptr (MadoVcard) card = load_card ();
    expect_sw (card, TEXT, 0x9000);
    expect_sw (card, "00 20 00 91", 0x63C3);
  }
  /* the profile may start a counter lower */
  {
    g_autoptr (GKeyFile) kf = load_profile_key_file ();
    g_key_file_set_integer (kf, "pins", "auth_tries_left", 0);
    g_autoptr (MadoVcard) card = load_card_from_key_file (kf);
    expect_sw (card, JPKI, 0x9000);
    expect_sw (card, "00 20 00 98", 0x63C0);
    expect_sw (card, "00 20 00 98 04 31 32 33 34", 0x6984);
  }
  /* a corrupt state file is an error */
  g_file_set_contents (state, "[auth]\ntries_left=99\n", -1, NULL);
  {
    g_autoptr (MadoVcard) card = load_card ();
    g_assert_false (mado_vcard_set_state_file (card, state, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
  g_unlink (state);
}

static void
test_access_rules (void)
{
  g_autoptr (MadoVcard) card = load_card ();
  guint16 sw = 0;

  /* sign cert needs the sign password */
  expect_sw (card, JPKI, 0x9000);
  expect_sw (card, "00 A4 02 0C 02 00 01", 0x9000);
  expect_sw (card, "00 B0 00 00 04", 0x6982);
  expect_sw (card, "00 B0 81 00 04", 0x6982);
  expect_sw (card, "00 B0 82 00 04", 0x9000);             /* sign CA is free */
  expect_sw (card, "00 20 00 98 04 31 32 33 34", 0x9000); /* the auth PIN does not open it */
  expect_sw (card, "00 B0 81 00 04", 0x6982);
  expect_sw (card, "00 20 00 9B 06 41 42 43 31 32 33", 0x9000);
  /* the verified state survives SELECT EF */
  expect_sw (card, "00 A4 02 0C 02 00 0A", 0x9000);
  expect_sw (card, "00 A4 02 0C 02 00 01", 0x9000);
  g_autoptr (GByteArray) sign = read_all_short (card);
  g_autoptr (GBytes) sign_der = file_bytes ("demo-resident/sign.der");
  assert_mem (sign->data, g_bytes_get_size (sign_der), g_bytes_get_data (sign_der, NULL),
              g_bytes_get_size (sign_der));
  /* re-selecting the applet logs out */
  expect_sw (card, JPKI, 0x9000);
  expect_sw (card, "00 B0 81 00 04", 0x6982);

  /* text AP: both files need 0011 */
  expect_sw (card, TEXT, 0x9000);
  expect_sw (card, "00 B0 81 00 11", 0x6982);
  expect_sw (card, "00 B0 82 00 00", 0x6982);
  expect_sw (card, "00 20 00 91 04 31 32 33 34", 0x9000);
  g_autoptr (GByteArray) number = xfer (card, "00 B0 81 00 11", &sw);
  g_assert_cmpuint (sw, ==, 0x9000);
  g_autoptr (GByteArray) want_number = hex ("FF 10 0C 33 31 34 37 39 32 37 38 39 30 31 38 FF FF");
  assert_mem (number->data, number->len, want_number->data, want_number->len);
  /* reading 7 bytes of a 17-byte file, and the rest */
  g_autoptr (GByteArray) rest = xfer (card, "00 B0 00 07 00", &sw);
  g_assert_cmpuint (rest->len, ==, 10);

  /* 基本4情報 */
  g_autoptr (GByteArray) attrs = xfer (card, "00 B0 82 00 00 00 00", &sw);
  g_assert_cmpuint (sw, ==, 0x9000);
  g_assert_cmpuint (attrs->len, ==, 512);
  MadoTlvCursor cursor;
  MadoTlv top, item;
  g_autoptr (GError) error = NULL;
  mado_tlv_cursor_init (&cursor, attrs->data, attrs->len);
  g_assert_true (mado_tlv_next (&cursor, &top, &error));
  g_assert_cmphex (top.tag, ==, 0xFF20);
  g_assert_cmpuint (top.header_length, ==, 3); /* minimal: FF 20 62 */
  const char *want[]
      = { NULL, "窓口　花子", "東京都千代田区霞が関１丁目２番３号", "19850412", "2" };
  guint16 offsets[4] = { 0 };
  mado_tlv_cursor_init (&cursor, top.value, top.length);
  for (guint i = 0; i < 5; i++)
    {
      g_assert_true (mado_tlv_next (&cursor, &item, &error));
      g_assert_cmphex (item.tag, ==, 0xDF21 + i);
      if (i == 0)
        {
          g_assert_cmpuint (item.length, ==, 8);
          for (guint k = 0; k < 4; k++)
            offsets[k] = (guint16)(item.value[2 * k] << 8 | item.value[2 * k + 1]);
        }
      else
        {
          assert_mem (item.value, item.length, want[i], strlen (want[i]));
          /* the offset table points at this tag */
          g_assert_cmpuint (offsets[i - 1], ==,
                            (gsize)(item.value - item.header_length - attrs->data));
        }
    }
  g_assert_false (mado_tlv_next (&cursor, &item, &error));
  g_assert_no_error (error);
  for (gsize i = top.header_length + top.length; i < attrs->len; i++)
    g_assert_cmpuint (attrs->data[i], ==, 0xFF);

  /* re-select clears: the text PIN is needed again */
  expect_sw (card, TEXT, 0x9000);
  expect_sw (card, "00 B0 81 00 11", 0x6982);
}

static void
test_attribute_lengths (void)
{
  guint16 sw = 0;
  g_autoptr (GError) error = NULL;

  /* nonminimal_lengths: the outer length as 82 00 LL */
  {
    g_autoptr (GKeyFile) kf = load_profile_key_file ();
    g_key_file_set_boolean (kf, "card", "nonminimal_lengths", TRUE);
    g_autoptr (MadoVcard) card = load_card_from_key_file (kf);
    expect_sw (card, TEXT, 0x9000);
    expect_sw (card, "00 20 00 91 04 31 32 33 34", 0x9000);
    g_autoptr (GByteArray) a = xfer (card, "00 B0 82 00 00", &sw);
    g_assert_cmpuint (sw, ==, 0x9000);
    g_assert_cmphex (a->data[2], ==, 0x82);
    g_assert_cmphex (a->data[3], ==, 0x00);
    MadoTlvCursor cursor;
    MadoTlv top, item;
    mado_tlv_cursor_init (&cursor, a->data, a->len);
    g_assert_true (mado_tlv_next (&cursor, &top, &error));
    g_assert_cmpuint (top.header_length, ==, 5);
    g_assert_true (mado_tlv_find (top.value, top.length, 0xDF21, &item, &error));
    g_assert_cmpuint (item.value[0] << 8 | item.value[1], ==, 5 + 11); /* name right after */
  }
  /* a long address: the outer length needs 81 xx or 82 xx xx; the file grows past 512 */
  {
    g_autoptr (GKeyFile) kf = load_profile_key_file ();
    GString *address = g_string_new ("東京都千代田区");
    for (guint i = 0; i < 200; i++)
      g_string_append (address, "１");
    g_key_file_set_string (kf, "identity", "address", address->str);
    g_key_file_set_integer (kf, "card", "attributes_ef_size", 64);
    g_autoptr (MadoVcard) card = load_card_from_key_file (kf);
    expect_sw (card, TEXT, 0x9000);
    expect_sw (card, "00 20 00 91 04 31 32 33 34", 0x9000);
    g_autoptr (GByteArray) a = xfer (card, "00 B0 82 00 00 00 00", &sw);
    g_assert_cmpuint (sw, ==, 0x9000);
    g_assert_cmpuint (a->len % 256, ==, 0);
    MadoTlv top, item;
    g_assert_true (mado_tlv_find (a->data, a->len, 0xFF20, &top, &error));
    g_assert_cmphex (a->data[2], ==, 0x82);
    g_assert_true (mado_tlv_find (top.value, top.length, 0xDF23, &item, &error));
    assert_mem (item.value, item.length, address->str, address->len);
    g_assert_cmphex (item.value[-3], ==, 0x82); /* DF 23 82 02 6C */
    g_string_free (address, TRUE);
  }
}

static void
test_signature (void)
{
  g_autoptr (MadoVcard) card = load_card ();
  g_autoptr (GByteArray) di = digest_info ("nonce from the registry");
  g_autoptr (GByteArray) cmd = sign_apdu (0x00, 0x80, di);
  g_autoptr (GByteArray) cmd_sfi = sign_apdu (0x00, 0x97, di);
  g_autoptr (GByteArray) cmd_sign_sfi = sign_apdu (0x00, 0x9A, di);
  g_autoptr (GByteArray) cmd_p1 = sign_apdu (0x01, 0x97, di);
  guint16 sw = 0;

  expect_sw (card, JPKI, 0x9000);
  /* no current EF / no PIN */
  expect_sw_raw (card, cmd, 0x6986);
  expect_sw_raw (card, cmd_sfi, 0x6982);

  expect_sw (card, "00 20 00 98 04 31 32 33 34", 0x9000);
  expect_sw (card, "00 A4 02 0C 02 00 17", 0x9000);
  g_autoptr (GByteArray) sig = xfer_bytes (card, cmd->data, cmd->len, &sw);
  g_assert_cmphex (sw, ==, 0x9000);
  g_assert_cmpuint (sig->len, ==, 256);
  assert_signature_valid ("demo-resident/auth.der", "nonce from the registry", sig);
  /* the SFI form gives the same bytes (PKCS#1 v1.5 is deterministic) */
  g_autoptr (GByteArray) sig2 = xfer_bytes (card, cmd_sfi->data, cmd_sfi->len, &sw);
  assert_mem (sig2->data, sig2->len, sig->data, sig->len);
  /* several signatures after one VERIFY */
  expect_sw_raw (card, cmd, 0x9000);

  /* the sign key needs the sign password */
  expect_sw_raw (card, cmd_sign_sfi, 0x6982);
  expect_sw (card, "00 20 00 9B 06 41 42 43 31 32 33", 0x9000);
  g_autoptr (GByteArray) ssig = xfer_bytes (card, cmd_sign_sfi->data, cmd_sign_sfi->len, &sw);
  g_assert_cmphex (sw, ==, 0x9000);
  assert_signature_valid ("demo-resident/sign.der", "nonce from the registry", ssig);

  /* wrong P1, not a key, lengths */
  expect_sw_raw (card, cmd_p1, 0x6A86);
  expect_sw (card, "80 2A 00 8A 01 00 00", 0x6981);
  expect_sw (card, "80 2A 00 9E 01 00 00", 0x6A82);
  expect_sw (card, "80 2A 00 97 00", 0x6700);
  {
    g_autoptr (GByteArray) big = g_byte_array_new ();
    g_byte_array_set_size (big, 246);
    memset (big->data, 0x42, big->len);
    g_autoptr (GByteArray) c = sign_apdu (0x00, 0x97, big);
    expect_sw_raw (card, c, 0x6700);
    g_byte_array_set_size (big, 245);
    g_autoptr (GByteArray) c2 = sign_apdu (0x00, 0x97, big);
    expect_sw_raw (card, c2, 0x9000);
  }
  /* ISO CLA for a proprietary command */
  expect_sw (card, "00 2A 00 97 01 00 00", 0x6E00);

  /* reset: the PIN is gone */
  mado_vcard_reset (card);
  expect_sw (card, JPKI, 0x9000);
  expect_sw_raw (card, cmd_sfi, 0x6982);
}

static void
test_class_and_instruction (void)
{
  g_autoptr (MadoVcard) card = load_card ();
  expect_sw (card, "00 CA 00 42 00", 0x6D00);
  expect_sw (card, "00 C0 00 00 00", 0x6D00);
  expect_sw (card, "A0 A4 04 0C 02 3F 00", 0x6E00);
  expect_sw (card, "80 B0 00 00 04", 0x6E00);
  expect_sw (card, "01 A4 04 0C 02 3F 00", 0x6881);
  expect_sw (card, "0C B0 00 00 04", 0x6882);
  expect_sw (card, "00 A4", 0x6700);
  expect_sw (card, "00 A4 04 0C 0A D3", 0x6700);
}

static void
test_profile_errors (void)
{
  g_autoptr (GError) error = NULL;

  /* a profile without [jpki] or [identity]: files absent, the card still answers */
  {
    g_autoptr (GKeyFile) kf = g_key_file_new ();
    g_autoptr (MadoVcard) card = mado_vcard_new_from_key_file (kf, NULL, &error);
    g_assert_no_error (error);
    expect_sw (card, JPKI, 0x9000);
    expect_sw (card, "00 A4 02 0C 02 00 0A", 0x6A82);
    guint16 sw = 0;
    g_autoptr (GByteArray) flags = xfer (card, "00 B0 88 00 00", &sw);
    g_autoptr (GByteArray) want = hex ("00 00 00");
    assert_mem (flags->data, flags->len, want->data, want->len);
    expect_sw (card, "00 20 00 98 04 31 32 33 34", 0x9000); /* default PIN */
    expect_sw (card, TEXT, 0x9000);
    expect_sw (card, "00 B0 81 00 00", 0x6A82);
  }
  const struct
  {
    const char *group, *key, *value;
  } bad[] = {
    { "card", "atr", "3B ZZ" },
    { "card", "cert_ef_size", "-1" },
    { "identity", "birth_date", "1985-04-12" },
    { "identity", "individual_number", "12345" },
    { "pins", "auth_tries", "0" },
    { "pins", "auth_pin", "12345678901234567" },
    { "jpki", "auth_key", "demo-resident/sign.key" }, /* does not match the auth cert */
    { "jpki", "auth_cert", "demo-resident/auth.key" },
    { "card", "nonminimal_lengths", "maybe" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GKeyFile) kf = load_profile_key_file ();
      g_key_file_set_string (kf, bad[i].group, bad[i].key, bad[i].value);
      g_autoptr (MadoVcard) card = mado_vcard_new_from_key_file (kf, pki_dir, &error);
      if (card != NULL)
        g_error ("[%s] %s=%s was accepted", bad[i].group, bad[i].key, bad[i].value);
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
  /* PEM certificates are accepted as well as DER */
  {
    g_autoptr (GKeyFile) kf = load_profile_key_file ();
    g_key_file_set_string (kf, "jpki", "auth_cert", "demo-resident/auth.pem");
    g_autoptr (MadoVcard) card = load_card_from_key_file (kf);
    g_autoptr (GBytes) der = file_bytes ("demo-resident/auth.der");
    guint16 sw = 0;
    expect_sw (card, JPKI, 0x9000);
    g_autoptr (GByteArray) r = xfer (card, "00 B0 8A 00 00 00 00", &sw);
    assert_mem (r->data, g_bytes_get_size (der), g_bytes_get_data (der, NULL),
                g_bytes_get_size (der));
  }
}

static void
test_malform (void)
{
  g_autoptr (GError) error = NULL;
  MadoVcardMalform m;
  guint16 sw = 0;

  for (const char *const *n = mado_vcard_malform_names (); *n != NULL; n++)
    {
      g_assert_true (mado_vcard_malform_from_string (*n, &m, &error));
      g_assert_no_error (error);
    }
  g_assert_false (mado_vcard_malform_from_string ("nonsense", &m, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_autoptr (MadoVcard) card = load_card ();
  g_autoptr (GBytes) der = file_bytes ("demo-resident/auth.der");
  gsize der_len = g_bytes_get_size (der);

  /* text-truncated: the outer length runs past the end of the file */
  mado_vcard_set_malform (card, MADO_VCARD_MALFORM_TEXT_TRUNCATED);
  expect_sw (card, TEXT, 0x9000);
  expect_sw (card, "00 20 00 91 04 31 32 33 34", 0x9000);
  {
    g_autoptr (GByteArray) a = xfer (card, "00 B0 82 00 00 00 00", &sw);
    g_assert_cmpuint (a->len, ==, 512);
    gsize total = 0;
    g_assert_true (mado_tlv_peek_size (a->data, a->len, NULL, &total, &error));
    g_assert_cmpuint (total, >, a->len);
    MadoTlvCursor cursor;
    MadoTlv top;
    mado_tlv_cursor_init (&cursor, a->data, a->len);
    g_assert_false (mado_tlv_next (&cursor, &top, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }

  /* text-overlong: DF25 claims more than its parent holds */
  mado_vcard_set_malform (card, MADO_VCARD_MALFORM_TEXT_OVERLONG);
  expect_sw (card, TEXT, 0x9000);
  expect_sw (card, "00 20 00 91 04 31 32 33 34", 0x9000);
  {
    g_autoptr (GByteArray) a = xfer (card, "00 B0 82 00 00 00 00", &sw);
    MadoTlv top, item;
    MadoTlvCursor cursor;
    g_assert_true (mado_tlv_find (a->data, a->len, 0xFF20, &top, &error));
    mado_tlv_cursor_init (&cursor, top.value, top.length);
    gboolean failed = FALSE;
    for (guint i = 0; i < 5 && !failed; i++)
      failed = !mado_tlv_next (&cursor, &item, &error);
    g_assert_true (failed);
    g_assert_nonnull (error); /* DF25 runs past FF20's end */
    g_clear_error (&error);
  }

  /* number-garbage and number-check-digit */
  mado_vcard_set_malform (card, MADO_VCARD_MALFORM_NUMBER_GARBAGE);
  expect_sw (card, TEXT, 0x9000);
  expect_sw (card, "00 20 00 91 04 31 32 33 34", 0x9000);
  {
    g_autoptr (GByteArray) a = xfer (card, "00 B0 81 00 00", &sw);
    g_assert_cmpuint (a->len, ==, 17);
    g_assert_false (a->data[0] == 0xFF && a->data[1] == 0x10);
  }
  mado_vcard_set_malform (card, MADO_VCARD_MALFORM_NUMBER_CHECK_DIGIT);
  expect_sw (card, TEXT, 0x9000);
  expect_sw (card, "00 20 00 91 04 31 32 33 34", 0x9000);
  {
    g_autoptr (GByteArray) a = xfer (card, "00 B0 81 00 00", &sw);
    g_autoptr (GByteArray) want = hex ("FF 10 0C 33 31 34 37 39 32 37 38 39 30 31 39 FF FF");
    assert_mem (a->data, a->len, want->data, want->len);
  }

  /* cert-garbage */
  mado_vcard_set_malform (card, MADO_VCARD_MALFORM_CERT_GARBAGE);
  expect_sw (card, JPKI, 0x9000);
  {
    g_autoptr (GByteArray) a = xfer (card, "00 B0 8A 00 00 00 00", &sw);
    g_assert_cmpuint (sw, ==, 0x9000);
    g_assert_cmpuint (a->len, ==, 2048);
    g_assert_cmphex (a->data[0], !=, 0x30);
    const unsigned char *p = a->data;
    X509 *x = d2i_X509 (NULL, &p, a->len);
    g_assert_null (x);
  }

  /* cert-truncated: the EF ends 64 bytes before the DER does */
  mado_vcard_set_malform (card, MADO_VCARD_MALFORM_CERT_TRUNCATED);
  expect_sw (card, JPKI, 0x9000);
  {
    g_autoptr (GByteArray) a = xfer (card, "00 B0 8A 00 00 00 00", &sw);
    g_assert_cmpuint (sw, ==, 0x9000);
    g_assert_cmpuint (a->len, ==, der_len - 64);
    assert_mem (a->data, 4, g_bytes_get_data (der, NULL), 4);
  }

  /* bad-sw */
  mado_vcard_set_malform (card, MADO_VCARD_MALFORM_BAD_SW);
  expect_sw (card, JPKI, 0x9000);
  expect_sw (card, "00 B0 8A 00 04", 0x6F00);
  expect_sw (card, "00 A4 02 0C 02 00 0A", 0x9000);
  expect_sw (card, "00 B0 00 00 04", 0x6F00);

  /* short-read */
  mado_vcard_set_malform (card, MADO_VCARD_MALFORM_SHORT_READ);
  expect_sw (card, JPKI, 0x9000);
  {
    g_autoptr (GByteArray) a = xfer (card, "00 B0 8A 00 04", &sw);
    g_assert_cmpuint (sw, ==, 0x9000);
    g_assert_cmpuint (a->len, ==, 3);
  }

  /* sign-wrong */
  mado_vcard_set_malform (card, MADO_VCARD_MALFORM_SIGN_WRONG);
  expect_sw (card, JPKI, 0x9000);
  expect_sw (card, "00 20 00 98 04 31 32 33 34", 0x9000);
  {
    g_autoptr (GByteArray) di = digest_info ("x");
    g_autoptr (GByteArray) c = sign_apdu (0x00, 0x97, di);
    g_autoptr (GByteArray) sig = xfer_bytes (card, c->data, c->len, &sw);
    g_assert_cmphex (sw, ==, 0x9000);
    g_assert_cmpuint (sig->len, ==, 256);
    g_assert_false (signature_valid ("demo-resident/auth.der", "x", sig));
  }

  /* no-applets: not a My Number card */
  mado_vcard_set_malform (card, MADO_VCARD_MALFORM_NO_APPLETS);
  mado_vcard_reset (card);
  expect_sw (card, JPKI, 0x6A82);
  expect_sw (card, TEXT, 0x6A82);
  expect_sw (card, "00 A4 04 00 0A D3 92 F0 00 26 01 00 00 00 01 00", 0x6A82);

  /* and back to a good card */
  mado_vcard_set_malform (card, MADO_VCARD_MALFORM_NONE);
  expect_sw (card, JPKI, 0x9000);
  {
    g_autoptr (GByteArray) a = xfer (card, "00 B0 8A 00 04", &sw);
    assert_mem (a->data, a->len, g_bytes_get_data (der, NULL), 4);
  }
}

static void
test_second_resident (void)
{
  /* make-test-pki.sh takes several templates; the second card differs */
  g_autofree char *path = g_build_filename (pki_dir, "second-resident.ini", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoVcard) card = mado_vcard_new_from_file (path, &error);
  g_assert_no_error (error);
  expect_sw (card, JPKI, 0x9000);
  expect_sw (card, "00 20 00 98 04 31 32 33 34", 0x63C2);
  expect_sw (card, "00 20 00 98 04 34 33 32 31", 0x9000);
  expect_sw (card, TEXT, 0x9000);
  expect_sw (card, "00 20 00 91 04 34 33 32 31", 0x9000);
  guint16 sw = 0;
  g_autoptr (GByteArray) a = xfer (card, "00 B0 81 00 00", &sw);
  assert_mem (a->data + 3, 12, "283348370024", 12);
}

static void
test_individual_numbers (void)
{
  g_assert_true (mado_individual_number_is_valid ("314792789018"));
  g_assert_true (mado_individual_number_is_valid ("283348370024"));
  g_assert_false (mado_individual_number_is_valid ("314792789019"));
  g_assert_true (mado_individual_number_is_valid ("123456789018")); /* the well-known example */
}

/* --- fixture ------------------------------------------------------------------------------------
 */

static void
make_pki (void)
{
  const char *src = g_getenv ("MADO_SOURCE_DIR");
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (src == NULL)
    g_error ("MADO_SOURCE_DIR is not set (meson test sets it)");
  pki_dir = g_dir_make_tmp ("mado-vcard-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *script = g_build_filename (src, "tests", "pki", "make-test-pki.sh", NULL);
  g_autofree char *demo = g_build_filename (src, "tests", "data", "demo-resident.ini", NULL);
  g_autofree char *second = g_build_filename (src, "tests", "data", "second-resident.ini", NULL);
  const char *argv[] = { "bash", script, pki_dir, demo, second, NULL };
  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  profile_path = g_build_filename (pki_dir, "demo-resident.ini", NULL);
}

static void
remove_pki (void)
{
  const char *argv[] = { "rm", "-rf", pki_dir, NULL };
  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  g_clear_pointer (&pki_dir, g_free);
  g_clear_pointer (&profile_path, g_free);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vcard/ber-writer", test_ber_writer);
  g_test_add_func ("/vcard/individual-numbers", test_individual_numbers);
  g_test_add_func ("/vcard/select", test_atr_and_select);
  g_test_add_func ("/vcard/read-binary", test_read_binary);
  g_test_add_func ("/vcard/verify/counters", test_verify_counters);
  g_test_add_func ("/vcard/verify/persistence", test_verify_persistence);
  g_test_add_func ("/vcard/access-rules", test_access_rules);
  g_test_add_func ("/vcard/attribute-lengths", test_attribute_lengths);
  g_test_add_func ("/vcard/signature", test_signature);
  g_test_add_func ("/vcard/class-and-instruction", test_class_and_instruction);
  g_test_add_func ("/vcard/profile-errors", test_profile_errors);
  g_test_add_func ("/vcard/malform", test_malform);
  g_test_add_func ("/vcard/second-resident", test_second_resident);

  make_pki ();
  int rc = g_test_run ();
  remove_pki ();
  return rc;
}
