/* SPDX-License-Identifier: GPL-3.0-or-later
 * The CRL index: streaming parse, signature against candidate keys, atomic replacement by newer
 * lists only, the index file's integrity checks, lookups and revocation answers. The CRLs are
 * made here with OpenSSL's API, signed by RSA-2048 keys made once per run.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <openssl/pem.h>

#include "mado-crl-index.h"
#include "mado-identity-error.h"
#include "mado-openssl-private.h"

/* 2025-06-01T00:00:00Z */
#define T0 G_GINT64_CONSTANT (1748736000)
#define DAY 86400

static EVP_PKEY *key1, *key2, *key_ec; /* key1 and key2: two generations, one name */

typedef struct
{
  const char *serial; /* hex magnitude */
  gint64 when;
  int reason; /* -1: no reason extension */
} Rev;

/* serials of several lengths: one needing a leading zero in DER (80), two of 20 bytes */
static const Rev revs[] = {
  { "01", T0 - 10 * DAY, 1 },
  { "7F", T0 - 9 * DAY, -1 },
  { "80", T0 - 8 * DAY, 5 },
  { "1234", T0 - 7 * DAY, 4 },
  { "0133C349", T0 - 6 * DAY, 0 },
  { "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFE", T0 - 5 * DAY, 3 },
  { "8000000000000000000000000000000000000001", T0 - 4 * DAY, 6 },
  { "ABCDEF0123", T0 - 3 * DAY, 10 },
};

typedef struct
{
  const Rev *revs;
  gsize n;
  gint64 this_update, next_update;
  long number;    /* -1: no cRLNumber */
  const char *cn; /* issuer CN, or NULL for the J-LIS-like name */
  gboolean sort;  /* FALSE keeps the entries in the order given */
} CrlSpec;

static X509_NAME *
issuer_name (const char *cn)
{
  X509_NAME *name = X509_NAME_new ();
  X509_NAME_add_entry_by_txt (name, "C", MBSTRING_ASC, (const guint8 *)"JP", -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "O", MBSTRING_ASC, (const guint8 *)"JPKI-TEST", -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "OU", MBSTRING_ASC,
                              (const guint8 *)(cn != NULL ? cn : "JPKI for user authentication"),
                              -1, -1, 0);
  return name;
}

static ASN1_INTEGER *
hex_integer (const char *hex)
{
  g_autoptr (BIGNUM) bn = NULL;
  g_assert_cmpint (BN_hex2bn (&bn, hex), >, 0);
  return BN_to_ASN1_INTEGER (bn, NULL);
}

static void
add_revoked (X509_CRL *crl, const char *hex, gint64 when, int reason)
{
  X509_REVOKED *rev = X509_REVOKED_new ();
  g_autoptr (ASN1_INTEGER) serial = hex_integer (hex);
  g_autoptr (ASN1_TIME) t = ASN1_TIME_set (NULL, (time_t)when);
  X509_REVOKED_set_serialNumber (rev, serial);
  X509_REVOKED_set_revocationDate (rev, t);
  if (reason >= 0)
    {
      g_autoptr (ASN1_ENUMERATED) e = ASN1_ENUMERATED_new ();
      ASN1_ENUMERATED_set (e, reason);
      g_assert_cmpint (X509_REVOKED_add1_ext_i2d (rev, NID_crl_reason, e, 0, 0), ==, 1);
    }
  g_assert_cmpint (X509_CRL_add0_revoked (crl, rev), ==, 1);
}

static void
add_aki (X509_CRL *crl, EVP_PKEY *key)
{
  unsigned char *der = NULL;
  int len = i2d_PUBKEY (key, &der);
  guint8 id[32];
  SHA256 (der, (size_t)len, id);
  OPENSSL_free (der);
  AUTHORITY_KEYID *akid = AUTHORITY_KEYID_new ();
  akid->keyid = ASN1_OCTET_STRING_new ();
  ASN1_OCTET_STRING_set (akid->keyid, id, 20);
  g_assert_cmpint (X509_CRL_add1_ext_i2d (crl, NID_authority_key_identifier, akid, 0, 0), ==, 1);
  AUTHORITY_KEYID_free (akid);
}

static X509_CRL *
make_crl (EVP_PKEY *key, const CrlSpec *spec)
{
  X509_CRL *crl = X509_CRL_new ();
  X509_CRL_set_version (crl, X509_CRL_VERSION_2);
  g_autoptr (X509_NAME) name = issuer_name (spec->cn);
  X509_CRL_set_issuer_name (crl, name);
  g_autoptr (ASN1_TIME) t0 = ASN1_TIME_set (NULL, (time_t)spec->this_update);
  g_autoptr (ASN1_TIME) t1 = ASN1_TIME_set (NULL, (time_t)spec->next_update);
  X509_CRL_set1_lastUpdate (crl, t0);
  X509_CRL_set1_nextUpdate (crl, t1);
  for (gsize i = 0; i < spec->n; i++)
    add_revoked (crl, spec->revs[i].serial, spec->revs[i].when, spec->revs[i].reason);
  if (spec->number >= 0)
    {
      g_autoptr (ASN1_INTEGER) number = ASN1_INTEGER_new ();
      ASN1_INTEGER_set (number, spec->number);
      g_assert_cmpint (X509_CRL_add1_ext_i2d (crl, NID_crl_number, number, 0, 0), ==, 1);
    }
  add_aki (crl, key);
  if (spec->sort)
    X509_CRL_sort (crl);
  const EVP_MD *md = EVP_PKEY_get_base_id (key) == EVP_PKEY_EC ? EVP_sha384 () : EVP_sha256 ();
  g_assert_cmpint (X509_CRL_sign (crl, key, md), >, 0);
  return crl;
}

static GBytes *
crl_der (X509_CRL *crl)
{
  unsigned char *der = NULL;
  int len = i2d_X509_CRL (crl, &der);
  g_assert_cmpint (len, >, 0);
  GBytes *bytes = g_bytes_new (der, (gsize)len);
  OPENSSL_free (der);
  return bytes;
}

static char *
write_file (const char *dir, const char *name, const void *data, gsize len)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, data, (gssize)len, &error));
  g_assert_no_error (error);
  return path;
}

static char *
write_crl (const char *dir, const char *name, EVP_PKEY *key, const CrlSpec *spec)
{
  g_autoptr (X509_CRL) crl = make_crl (key, spec);
  g_autoptr (GBytes) der = crl_der (crl);
  return write_file (dir, name, g_bytes_get_data (der, NULL), g_bytes_get_size (der));
}

/* the key callback: user_data is a GPtrArray of candidate keys (borrowed) */
static GPtrArray *
candidates (const guint8 *name, gsize name_len, const guint8 *aki, gsize aki_len,
            gpointer user_data)
{
  g_assert_nonnull (name);
  g_assert_cmpuint (name_len, >, 0);
  return user_data != NULL ? g_ptr_array_ref (user_data) : NULL;
}

static GPtrArray *
keys (EVP_PKEY *a, EVP_PKEY *b)
{
  GPtrArray *array = g_ptr_array_new ();
  if (a != NULL)
    g_ptr_array_add (array, a);
  if (b != NULL)
    g_ptr_array_add (array, b);
  return array;
}

static void
key_hash (EVP_PKEY *key, guint8 *out)
{
  unsigned char *der = NULL;
  int len = i2d_PUBKEY (key, &der);
  SHA256 (der, (size_t)len, out);
  OPENSSL_free (der);
}

static gsize
unhex (const char *hex, guint8 *out)
{
  gsize n = strlen (hex) / 2;
  for (gsize i = 0; i < n; i++)
    out[i] = (guint8)((g_ascii_xdigit_value (hex[2 * i]) << 4)
                      | g_ascii_xdigit_value (hex[2 * i + 1]));
  return n;
}

static gboolean
listed (MadoCrlIndex *index, const char *hex, gint64 *when, int *reason)
{
  guint8 buf[64];
  gsize n = unhex (hex, buf);
  return mado_crl_index_lookup (index, buf, n, when, reason);
}

static void
rm_rf (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
}

static guint
count_files (const char *dir)
{
  guint n = 0;
  GDir *d = g_dir_open (dir, 0, NULL);
  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  g_dir_close (d);
  return n;
}

static const CrlSpec base_spec = { revs, G_N_ELEMENTS (revs), T0, T0 + 7 * DAY, 42, NULL, TRUE };

static void
test_build_lookup (void)
{
  g_autofree char *dir = g_dir_make_tmp ("crl-XXXXXX", NULL);
  CrlSpec spec = base_spec;
  spec.sort = FALSE; /* our sort, not OpenSSL's */
  g_autofree char *crl_path = write_crl (dir, "list.crl", key1, &spec);
  g_autofree char *idx_path = g_build_filename (dir, "list.crlidx", NULL);
  g_autoptr (GPtrArray) cands = keys (key1, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCrlIndex) index
      = mado_crl_index_build (crl_path, idx_path, candidates, cands, &error);
  g_assert_no_error (error);
  g_assert_nonnull (index);

  g_assert_cmpuint (mado_crl_index_get_n_entries (index), ==, G_N_ELEMENTS (revs));
  g_assert_cmpuint (mado_crl_index_get_serial_width (index), ==, 20);
  g_assert_cmpint (mado_crl_index_get_this_update (index), ==, T0);
  g_assert_cmpint (mado_crl_index_get_next_update (index), ==, T0 + 7 * DAY);
  gsize len;
  const guint8 *number = mado_crl_index_get_crl_number (index, &len);
  g_assert_cmpuint (len, ==, 1);
  g_assert_cmpuint (number[0], ==, 42);
  guint8 expect[32];
  key_hash (key1, expect);
  g_assert_cmpmem (mado_crl_index_get_issuer_key_sha256 (index), 32, expect, 32);
  g_autoptr (X509_NAME) name = issuer_name (NULL);
  unsigned char *name_der = NULL;
  int name_len = i2d_X509_NAME (name, &name_der);
  SHA256 (name_der, (size_t)name_len, expect);
  OPENSSL_free (name_der);
  g_assert_cmpmem (mado_crl_index_get_issuer_name_sha256 (index), 32, expect, 32);

  for (gsize i = 0; i < G_N_ELEMENTS (revs); i++)
    {
      gint64 when = 0;
      int reason = -2;
      g_assert_true (listed (index, revs[i].serial, &when, &reason));
      g_assert_cmpint (when, ==, revs[i].when);
      g_assert_cmpint (reason, ==, revs[i].reason);
    }
  /* leading zeros in the query are ignored */
  g_assert_true (listed (index, "0000000001", NULL, NULL));
  g_assert_true (listed (index, "0080", NULL, NULL));
  /* neighbours and boundaries are not listed */
  const char *absent[] = { "00",
                           "02",
                           "7E",
                           "81",
                           "1233",
                           "1235",
                           "0133C348",
                           "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
                           "8000000000000000000000000000000000000000",
                           "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
                           "010000000000000000000000000000000000000001" };
  for (gsize i = 0; i < G_N_ELEMENTS (absent); i++)
    g_assert_false (listed (index, absent[i], NULL, NULL));
  g_assert_false (mado_crl_index_lookup (index, NULL, 0, NULL, NULL));

  g_autofree char *desc = mado_crl_index_describe (index);
  g_assert_nonnull (strstr (desc, "8 entries"));
  g_clear_pointer (&index, mado_crl_index_unref);
  rm_rf (dir);
}

static void
test_pem (void)
{
  g_autofree char *dir = g_dir_make_tmp ("crl-XXXXXX", NULL);
  g_autoptr (X509_CRL) crl = make_crl (key1, &base_spec);
  g_autofree char *pem_path = g_build_filename (dir, "list.pem", NULL);
  BIO *bio = BIO_new_file (pem_path, "w");
  BIO_puts (bio, "a comment before the block\n");
  PEM_write_bio_X509_CRL (bio, crl);
  BIO_free (bio);
  g_autofree char *idx_path = g_build_filename (dir, "list.crlidx", NULL);
  g_autoptr (GPtrArray) cands = keys (key1, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCrlIndex) index
      = mado_crl_index_build (pem_path, idx_path, candidates, cands, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mado_crl_index_get_n_entries (index), ==, G_N_ELEMENTS (revs));
  g_assert_true (listed (index, "ABCDEF0123", NULL, NULL));

  /* garbage after the END line, and a broken body */
  g_autofree char *text = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (pem_path, &text, &len, NULL));
  g_autofree char *tail = g_strconcat (text, "junk\n", NULL);
  g_autofree char *p2 = write_file (dir, "tail.pem", tail, strlen (tail));
  g_assert_null (mado_crl_index_build (p2, idx_path, candidates, cands, &error));
  g_assert_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL);
  g_assert_nonnull (strstr (error->message, "garbage"));
  g_clear_error (&error);
  char *body = strstr (text, "-----\n") + 6;
  body[10] = '*';
  g_autofree char *p3 = write_file (dir, "bad.pem", text, len);
  g_assert_null (mado_crl_index_build (p3, idx_path, candidates, cands, &error));
  g_assert_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL);
  g_clear_error (&error);
  char *end = strstr (text, "-----END");
  *end = '\0';
  g_autofree char *p4 = write_file (dir, "noend.pem", text, strlen (text));
  g_assert_null (mado_crl_index_build (p4, idx_path, candidates, cands, &error));
  g_assert_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL);
  g_clear_pointer (&index, mado_crl_index_unref);
  rm_rf (dir);
}

static void
test_key_choice (void)
{
  g_autofree char *dir = g_dir_make_tmp ("crl-XXXXXX", NULL);
  g_autofree char *idx_dir = g_build_filename (dir, "idx", NULL);
  g_autofree char *crl1 = write_crl (dir, "gen1.crl", key1, &base_spec);
  g_autofree char *crl2 = write_crl (dir, "gen2.crl", key2, &base_spec);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCrlIndexDir) d = mado_crl_index_dir_new (idx_dir, &error);
  g_assert_no_error (error);

  /* both generations offered, in either order: the key that verifies names the index */
  g_autoptr (GPtrArray) both = keys (key2, key1);
  guint8 h1[32], h2[32];
  key_hash (key1, h1);
  key_hash (key2, h2);
  g_autoptr (MadoCrlIndex) i1 = mado_crl_index_dir_add_crl (d, crl1, candidates, both, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (mado_crl_index_get_issuer_key_sha256 (i1), 32, h1, 32);
  g_autoptr (MadoCrlIndex) i2 = mado_crl_index_dir_add_crl (d, crl2, candidates, both, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (mado_crl_index_get_issuer_key_sha256 (i2), 32, h2, 32);
  g_autofree char *p1 = mado_crl_index_dir_path_for_key (d, h1);
  g_assert_cmpstr (mado_crl_index_get_path (i1), ==, p1);
  g_assert_true (g_str_has_suffix (p1, MADO_CRL_INDEX_SUFFIX));
  g_assert_cmpuint (count_files (idx_dir), ==, 2);

  /* the wrong key alone, or none */
  g_autoptr (GPtrArray) wrong = keys (key2, NULL);
  g_assert_null (mado_crl_index_dir_add_crl (d, crl1, candidates, wrong, &error));
  g_assert_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL);
  g_assert_nonnull (strstr (error->message, "does not verify"));
  g_clear_error (&error);
  g_assert_null (mado_crl_index_dir_add_crl (d, crl1, candidates, NULL, &error));
  g_assert_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL);
  g_clear_error (&error);
  g_autoptr (GPtrArray) ec_only = keys (key_ec, NULL);
  g_assert_null (mado_crl_index_dir_add_crl (d, crl1, candidates, ec_only, &error));
  g_assert_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL);
  g_clear_error (&error);
  g_assert_cmpuint (count_files (idx_dir), ==, 2);

  g_clear_pointer (&i1, mado_crl_index_unref);
  g_clear_pointer (&i2, mado_crl_index_unref);
  g_clear_pointer (&d, mado_crl_index_dir_unref);
  rm_rf (idx_dir);
  rm_rf (dir);
}

static void
test_ecdsa (void)
{
  g_autofree char *dir = g_dir_make_tmp ("crl-XXXXXX", NULL);
  g_autofree char *crl = write_crl (dir, "ec.crl", key_ec, &base_spec);
  g_autofree char *idx = g_build_filename (dir, "ec.crlidx", NULL);
  g_autoptr (GPtrArray) cands = keys (key1, key_ec);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCrlIndex) index = mado_crl_index_build (crl, idx, candidates, cands, &error);
  g_assert_no_error (error);
  g_assert_true (listed (index, "01", NULL, NULL));
  g_clear_pointer (&index, mado_crl_index_unref);
  rm_rf (dir);
}

/* a build that must fail with MADO_IDENTITY_ERROR_CRL and write nothing */
static void
expect_crl_error (const char *dir, const guint8 *data, gsize len, const char *fragment)
{
  g_autofree char *path = write_file (dir, "bad.crl", data, len);
  g_autofree char *idx = g_build_filename (dir, "bad.crlidx", NULL);
  g_autoptr (GPtrArray) cands = keys (key1, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_null (mado_crl_index_build (path, idx, candidates, cands, &error));
  g_assert_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s” not in “%s”", fragment, error->message);
  g_assert_false (g_file_test (idx, G_FILE_TEST_EXISTS));
  g_unlink (path);
}

static gsize
find (const guint8 *data, gsize len, const guint8 *needle, gsize nlen)
{
  const guint8 *p = memmem (data, len, needle, nlen);
  g_assert_nonnull (p);
  return (gsize)(p - data);
}

static void
test_malformed (void)
{
  g_autofree char *dir = g_dir_make_tmp ("crl-XXXXXX", NULL);
  g_autoptr (X509_CRL) crl = make_crl (key1, &base_spec);
  g_autoptr (GBytes) der = crl_der (crl);
  gsize len;
  const guint8 *orig = g_bytes_get_data (der, &len);
  g_autofree guint8 *buf = g_malloc (len + 16);

  /* a byte of a serial changed: the signature fails */
  static const guint8 serial_1234[] = { 0x02, 0x02, 0x12, 0x34 };
  memcpy (buf, orig, len);
  buf[find (buf, len, serial_1234, 4) + 3] ^= 1;
  expect_crl_error (dir, buf, len, "does not verify");
  /* a signature bit flipped */
  memcpy (buf, orig, len);
  buf[len - 5] ^= 0x40;
  expect_crl_error (dir, buf, len, "does not verify");

  /* truncated anywhere */
  gsize cuts[] = { 0, 1, 2, 10, 100, len / 2, len - 1 };
  for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++)
    expect_crl_error (dir, orig, cuts[i], NULL);
  expect_crl_error (dir, orig, len / 2, "truncated");

  /* garbage after the end */
  memcpy (buf, orig, len);
  buf[len] = 0;
  expect_crl_error (dir, buf, len + 1, "garbage");
  /* not a CRL at all */
  expect_crl_error (dir, (const guint8 *)"hello, world\n", 13, "PEM");
  static const guint8 random_der[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
  expect_crl_error (dir, random_der, sizeof random_der, NULL);
  /* an indefinite length */
  static const guint8 indefinite[] = { 0x30, 0x80, 0x30, 0x80, 0x00, 0x00, 0x00, 0x00 };
  expect_crl_error (dir, indefinite, sizeof indefinite, "indefinite");
  /* a length past the end of the file */
  memcpy (buf, orig, len);
  g_assert_cmpuint (buf[1], ==, 0x82);
  buf[2] = 0x7F;
  expect_crl_error (dir, buf, len, "past the end of the file");
  /* version 3 */
  static const guint8 v2[] = { 0x02, 0x01, 0x01, 0x30 };
  memcpy (buf, orig, len);
  buf[find (buf, len, v2, 4) + 2] = 2;
  expect_crl_error (dir, buf, len, "version");
  /* outer signature algorithm differs from the inner (sha256WithRSA → sha384WithRSA) */
  static const guint8 sha256rsa[] = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B };
  memcpy (buf, orig, len);
  gsize after_first = find (buf, len, sha256rsa, 9) + 9;
  const guint8 *second = memmem (buf + after_first, len - after_first, sha256rsa, 9);
  g_assert_nonnull (second);
  buf[(gsize)(second - buf) + 8] = 0x0C;
  expect_crl_error (dir, buf, len, "differs");
  rm_rf (dir);
}

static void
test_newer_replaces (void)
{
  g_autofree char *dir = g_dir_make_tmp ("crl-XXXXXX", NULL);
  g_autofree char *idx_dir = g_build_filename (dir, "idx", NULL);
  CrlSpec old_spec = base_spec, new_spec = base_spec;
  old_spec.n = 3;
  old_spec.number = 7;
  new_spec.number = 300; /* two bytes */
  g_autofree char *old_crl = write_crl (dir, "old.crl", key1, &old_spec);
  g_autofree char *new_crl = write_crl (dir, "new.crl", key1, &new_spec);
  g_autoptr (GPtrArray) cands = keys (key1, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCrlIndexDir) d = mado_crl_index_dir_new (idx_dir, &error);
  guint8 h1[32];
  key_hash (key1, h1);

  g_autoptr (MadoCrlIndex) a = mado_crl_index_dir_add_crl (d, old_crl, candidates, cands, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mado_crl_index_get_n_entries (a), ==, 3);
  g_autoptr (MadoCrlIndex) b = mado_crl_index_dir_add_crl (d, new_crl, candidates, cands, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mado_crl_index_get_n_entries (b), ==, G_N_ELEMENTS (revs));
  /* the old mapping still answers (its inode lives on) while the directory gives the new one */
  g_assert_true (listed (a, "01", NULL, NULL));
  g_assert_false (listed (a, "1234", NULL, NULL));
  g_autoptr (MadoCrlIndex) c = mado_crl_index_dir_get_index (d, h1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mado_crl_index_get_n_entries (c), ==, G_N_ELEMENTS (revs));

  /* older, and equal, are refused; the index stays */
  g_assert_null (mado_crl_index_dir_add_crl (d, old_crl, candidates, cands, &error));
  g_assert_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_NOT_NEWER);
  g_clear_error (&error);
  g_assert_null (mado_crl_index_dir_add_crl (d, new_crl, candidates, cands, &error));
  g_assert_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_NOT_NEWER);
  g_clear_error (&error);
  g_assert_cmpuint (count_files (idx_dir), ==, 1); /* no temporary file left behind */

  /* without numbers, thisUpdate decides */
  CrlSpec t1 = base_spec, t2 = base_spec;
  t1.number = t2.number = -1;
  t1.cn = t2.cn = "no numbers";
  t2.this_update = T0 + DAY;
  g_autofree char *c1 = write_crl (dir, "t1.crl", key2, &t1);
  g_autofree char *c2 = write_crl (dir, "t2.crl", key2, &t2);
  g_autoptr (GPtrArray) cands2 = keys (key2, NULL);
  g_autoptr (MadoCrlIndex) x = mado_crl_index_dir_add_crl (d, c2, candidates, cands2, &error);
  g_assert_no_error (error);
  g_assert_null (mado_crl_index_dir_add_crl (d, c1, candidates, cands2, &error));
  g_assert_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_NOT_NEWER);
  g_clear_error (&error);
  gsize nlen;
  g_assert_null (mado_crl_index_get_crl_number (x, &nlen));
  g_assert_cmpuint (nlen, ==, 0);

  g_clear_pointer (&a, mado_crl_index_unref);
  g_clear_pointer (&b, mado_crl_index_unref);
  g_clear_pointer (&c, mado_crl_index_unref);
  g_clear_pointer (&x, mado_crl_index_unref);
  g_clear_pointer (&d, mado_crl_index_dir_unref);
  rm_rf (idx_dir);
  rm_rf (dir);
}

static char *
build_index (const char *dir, const CrlSpec *spec)
{
  g_autofree char *crl = write_crl (dir, "list.crl", key1, spec);
  char *idx = g_build_filename (dir, "list.crlidx", NULL);
  g_autoptr (GPtrArray) cands = keys (key1, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCrlIndex) index = mado_crl_index_build (crl, idx, candidates, cands, &error);
  g_assert_no_error (error);
  g_assert_nonnull (index);
  return idx;
}

static void
expect_index_error (const char *path, const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_assert_null (mado_crl_index_open (path, &error));
  g_assert_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_INDEX);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s” not in “%s”", fragment, error->message);
}

static void
test_corrupt_index (void)
{
  g_autofree char *dir = g_dir_make_tmp ("crl-XXXXXX", NULL);
  g_autofree char *idx = build_index (dir, &base_spec);
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (idx, &data, &len, NULL));
  g_autofree char *copy = g_memdup2 (data, len);

  /* truncated, by one byte and to a bare header */
  g_assert_true (g_file_set_contents (idx, data, (gssize)len - 1, NULL));
  expect_index_error (idx, "size");
  g_assert_true (g_file_set_contents (idx, data, 100, NULL));
  expect_index_error (idx, "short");
  /* one bit of an entry flipped */
  copy[170] ^= 1;
  g_assert_true (g_file_set_contents (idx, copy, (gssize)len, NULL));
  expect_index_error (idx, "digest");
  /* wrong magic, another version */
  memcpy (copy, data, len);
  copy[0] = 'X';
  g_assert_true (g_file_set_contents (idx, copy, (gssize)len, NULL));
  expect_index_error (idx, "magic");
  memcpy (copy, data, len);
  copy[8] = 2;
  g_assert_true (g_file_set_contents (idx, copy, (gssize)len, NULL));
  expect_index_error (idx, "version");
  /* intact again */
  g_assert_true (g_file_set_contents (idx, data, (gssize)len, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCrlIndex) index = mado_crl_index_open (idx, &error);
  g_assert_no_error (error);

  /* the directory answers "crl-index" for a corrupt file */
  g_autoptr (MadoCrlIndexDir) d = mado_crl_index_dir_new (dir, &error);
  guint8 h1[32];
  key_hash (key1, h1);
  g_autofree char *named = mado_crl_index_dir_path_for_key (d, h1);
  copy[0] = 'X';
  g_assert_true (g_file_set_contents (named, copy, (gssize)len, NULL));
  MadoRevocationAnswer answer = { 0 };
  guint8 serial[] = { 0x01 };
  mado_crl_index_dir_check (d, h1, serial, 1, T0 + DAY, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_CRL_INDEX);
  g_assert_nonnull (answer.detail);
  /* replaced by a good one: noticed without a restart */
  g_assert_true (g_file_set_contents (named, data, (gssize)len, NULL));
  mado_crl_index_dir_check (d, h1, serial, 1, T0 + DAY, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_REVOKED_CRL);
  mado_revocation_answer_clear (&answer);

  g_clear_pointer (&index, mado_crl_index_unref);
  g_clear_pointer (&d, mado_crl_index_dir_unref);
  rm_rf (dir);
}

static void
test_answers (void)
{
  g_autofree char *dir = g_dir_make_tmp ("crl-XXXXXX", NULL);
  g_autofree char *idx = build_index (dir, &base_spec);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCrlIndex) index = mado_crl_index_open (idx, &error);
  g_assert_no_error (error);
  MadoRevocationAnswer answer = { 0 };
  guint8 listed_serial[] = { 0x12, 0x34 }, clean[] = { 0x12, 0x35 };

  mado_crl_index_answer (index, listed_serial, 2, T0 + DAY, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_REVOKED_CRL);
  g_assert_cmpint (answer.revoked_at, ==, T0 - 7 * DAY);
  g_assert_cmpint (answer.crl_reason, ==, 4);
  g_assert_cmpint (mado_verdict_reason_kind (answer.reason), ==, MADO_VERDICT_REVOKED);

  mado_crl_index_answer (index, clean, 2, T0 + DAY, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_NONE);
  g_assert_cmpint (answer.crl_reason, ==, -1);
  /* the edges of [thisUpdate, nextUpdate] are current */
  mado_crl_index_answer (index, clean, 2, T0, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_NONE);
  mado_crl_index_answer (index, clean, 2, T0 + 7 * DAY, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_NONE);
  /* past nextUpdate, before thisUpdate: stale */
  mado_crl_index_answer (index, clean, 2, T0 + 7 * DAY + 1, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_CRL_STALE);
  g_assert_nonnull (answer.detail);
  mado_crl_index_answer (index, clean, 2, T0 - 1, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_CRL_STALE);
  /* a listed serial stays revoked on a stale list */
  mado_crl_index_answer (index, listed_serial, 2, T0 + 30 * DAY, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_REVOKED_CRL);
  /* no index at all */
  mado_crl_index_answer (NULL, clean, 2, T0, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_NO_REVOCATION_SOURCE);

  g_autoptr (MadoCrlIndexDir) d = mado_crl_index_dir_new (dir, &error);
  guint8 unknown_key[32] = { 1, 2, 3 };
  mado_crl_index_dir_check (d, unknown_key, clean, 2, T0, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_NO_REVOCATION_SOURCE);
  g_assert_null (mado_crl_index_dir_get_index (d, unknown_key, &error));
  g_assert_no_error (error);
  mado_revocation_answer_clear (&answer);
  g_clear_pointer (&index, mado_crl_index_unref);
  g_clear_pointer (&d, mado_crl_index_dir_unref);
  rm_rf (dir);
}

static void
test_empty_list (void)
{
  g_autofree char *dir = g_dir_make_tmp ("crl-XXXXXX", NULL);
  CrlSpec spec = base_spec;
  spec.n = 0;
  g_autofree char *idx = build_index (dir, &spec);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCrlIndex) index = mado_crl_index_open (idx, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mado_crl_index_get_n_entries (index), ==, 0);
  g_assert_false (listed (index, "01", NULL, NULL));
  MadoRevocationAnswer answer = { 0 };
  guint8 serial[] = { 0x01 };
  mado_crl_index_answer (index, serial, 1, T0, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_NONE);
  mado_revocation_answer_clear (&answer);
  g_clear_pointer (&index, mado_crl_index_unref);
  rm_rf (dir);
}

static void
test_restart (void)
{
  g_autofree char *dir = g_dir_make_tmp ("crl-XXXXXX", NULL);
  g_autofree char *idx_dir = g_build_filename (dir, "idx", NULL);
  g_autofree char *crl = write_crl (dir, "list.crl", key1, &base_spec);
  g_autoptr (GPtrArray) cands = keys (key1, NULL);
  g_autoptr (GError) error = NULL;
  guint8 h1[32];
  key_hash (key1, h1);
  {
    g_autoptr (MadoCrlIndexDir) d = mado_crl_index_dir_new (idx_dir, &error);
    g_autoptr (MadoCrlIndex) index = mado_crl_index_dir_add_crl (d, crl, candidates, cands, &error);
    g_assert_no_error (error);
    g_assert_nonnull (index);
  }
  g_unlink (crl);
  /* a new process: only the directory and the issuer key */
  g_autoptr (MadoCrlIndexDir) d = mado_crl_index_dir_new (idx_dir, &error);
  g_autoptr (MadoCrlIndex) index = mado_crl_index_dir_get_index (d, h1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (index);
  g_assert_true (listed (index, "0133C349", NULL, NULL));
  /* cached: the same object while the file is unchanged */
  g_autoptr (MadoCrlIndex) again = mado_crl_index_dir_get_index (d, h1, &error);
  g_assert_true (again == index);
  MadoRevocationAnswer answer = { 0 };
  guint8 serial[] = { 0x01, 0x33, 0xC3, 0x49 };
  mado_crl_index_dir_check (d, h1, serial, 4, T0 + DAY, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_REVOKED_CRL);
  g_assert_cmpint (answer.crl_reason, ==, 0);
  mado_revocation_answer_clear (&answer);
  g_clear_pointer (&index, mado_crl_index_unref);
  g_clear_pointer (&again, mado_crl_index_unref);
  g_clear_pointer (&d, mado_crl_index_dir_unref);
  rm_rf (idx_dir);
  rm_rf (dir);
}

/* Many entries in random order and of random lengths: exercises widening and the sort. */
static void
test_many (void)
{
  const gsize n = 20000;
  g_autofree char *dir = g_dir_make_tmp ("crl-XXXXXX", NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  Rev *many = g_new0 (Rev, n + 1);
  char **hexes = g_new0 (char *, n + 2);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (gsize i = 0; i < n; i++)
    {
      /* short serials first, so that a longer one widens the records already there */
      gsize bytes = i < n / 2 ? 1 + (gsize)g_rand_int_range (rand, 0, 4)
                              : 1 + (gsize)g_rand_int_range (rand, 0, 20);
      GString *s = g_string_new (NULL);
      do
        {
          g_string_truncate (s, 0);
          g_string_append_printf (s, "%02X", (guint)g_rand_int_range (rand, 1, 256));
          for (gsize b = 1; b < bytes; b++)
            g_string_append_printf (s, "%02X", (guint)g_rand_int_range (rand, 0, 256));
        }
      while (g_hash_table_contains (seen, s->str) && ++bytes > 0);
      hexes[i] = g_string_free (s, FALSE);
      g_hash_table_add (seen, hexes[i]);
      many[i] = (Rev){ hexes[i], T0 - (gint64)i, (int)(i % 12) - 1 == 7 ? -1 : (int)(i % 12) - 1 };
    }
  /* one serial twice: the earlier revocation is kept */
  many[n] = (Rev){ hexes[5], T0 - 1000000, 2 };
  CrlSpec spec = { many, n + 1, T0, T0 + DAY, 1, NULL, FALSE };
  g_autofree char *idx = build_index (dir, &spec);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCrlIndex) index = mado_crl_index_open (idx, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mado_crl_index_get_n_entries (index), ==, n);
  for (gsize i = 0; i < n; i++)
    {
      gint64 when;
      int reason;
      g_assert_true (listed (index, hexes[i], &when, &reason));
      if (i == 5)
        {
          g_assert_cmpint (when, ==, T0 - 1000000);
          g_assert_cmpint (reason, ==, 2);
        }
      else
        {
          g_assert_cmpint (when, ==, many[i].when);
          g_assert_cmpint (reason, ==, many[i].reason);
        }
    }
  g_assert_false (listed (index, "00", NULL, NULL));
  g_clear_pointer (&index, mado_crl_index_unref);
  for (gsize i = 0; i < n; i++)
    g_free (hexes[i]);
  g_free (hexes);
  g_free (many);
  rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  key1 = EVP_RSA_gen (2048);
  key2 = EVP_RSA_gen (2048);
  key_ec = EVP_EC_gen ("P-384");
  g_assert_true (key1 != NULL && key2 != NULL && key_ec != NULL);

  g_test_add_func ("/crl-index/build-lookup", test_build_lookup);
  g_test_add_func ("/crl-index/pem", test_pem);
  g_test_add_func ("/crl-index/key-choice", test_key_choice);
  g_test_add_func ("/crl-index/ecdsa", test_ecdsa);
  g_test_add_func ("/crl-index/malformed", test_malformed);
  g_test_add_func ("/crl-index/newer-replaces", test_newer_replaces);
  g_test_add_func ("/crl-index/corrupt-index", test_corrupt_index);
  g_test_add_func ("/crl-index/answers", test_answers);
  g_test_add_func ("/crl-index/empty-list", test_empty_list);
  g_test_add_func ("/crl-index/restart", test_restart);
  g_test_add_func ("/crl-index/many", test_many);
  int status = g_test_run ();
  EVP_PKEY_free (key1);
  EVP_PKEY_free (key2);
  EVP_PKEY_free (key_ec);
  return status;
}
