/* SPDX-License-Identifier: GPL-3.0-or-later
 * bench-crl [--entries N] [--lookups N] [--dir DIR]: a large CRL, OpenSSL's d2i_X509_CRL beside
 * our index, in one run (tests/bench/README.md, "CRL benchmark").
 *
 * Makes (once, cached in DIR) an N-entry CRL signed with RSA-2048: random serials of 8–16
 * bytes in random order, three in four entries with a CRLReason. Then each phase runs in its own
 * forked process, which resets its peak-RSS counter (/proc/self/clear_refs) when it starts, so
 * every peak is that phase's alone:
 *   a) OpenSSL: read the file, d2i_X509_CRL, X509_CRL_verify, the first lookup (which sorts),
 *      then per-lookup time;
 *   b) first load: mado_crl_index_dir_add_crl (stream, verify, sort, write atomically, open);
 *   c) restart: mado_crl_index_open of the existing index (map, digest, order check);
 *   d) per-lookup time of mado_crl_index_lookup, half of the serials listed.
 * Per-lookup times are the median over batches of 1000 lookups (time of the batch / 1000).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <openssl/pem.h>

#include "mado-crl-index.h"
#include "mado-openssl-private.h"

#define T0 G_GINT64_CONSTANT (1748736000) /* 2025-06-01 */
#define BATCH 1000

typedef struct
{
  double seconds;  /* the phase's main figure */
  double seconds2; /* a second figure (verify time, first lookup, ...) */
  double seconds3; /* a third (OpenSSL's sort) */
  double per_lookup_ns;
  double peak_mb;  /* VmHWM during the phase, MiB */
  double start_mb; /* VmRSS when the phase started, MiB */
  guint64 count;
  int ok;
} PhaseResult;

static guint64 n_entries = 1000000;
static guint64 n_lookups = 1000000;
static char *bench_dir;
static char *crl_path, *key_path, *idx_dir;

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* a field of /proc/self/status, in MiB */
static double
status_mb (const char *field)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return -1;
  const char *p = strstr (text, field);
  return p != NULL ? g_ascii_strtod (p + strlen (field) + 1, NULL) / 1024.0 : -1;
}

static void
reset_peak (PhaseResult *r)
{
  /* "5" resets VmHWM to the current RSS (Linux ≥ 4.0) */
  int fd = open ("/proc/self/clear_refs", O_WRONLY);
  if (fd >= 0)
    {
      if (write (fd, "5", 1) != 1)
        g_warning ("cannot reset the peak RSS");
      close (fd);
    }
  r->start_mb = status_mb ("VmRSS:");
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The i-th serial of the list (deterministic): 8–16 bytes, positive, no leading zero. */
static gsize
next_serial (GRand *rand, guint8 *out)
{
  gsize len = 8 + (gsize)g_rand_int_range (rand, 0, 9);
  guint32 w = 0;
  for (gsize i = 0; i < len; i++)
    {
      if (i % 4 == 0)
        w = g_rand_int (rand);
      out[i] = (guint8)(w >> (8 * (i % 4)));
    }
  out[0] = (guint8)(1 + out[0] % 0x7F);
  return len;
}

/* ---- generation ---------------------------------------------------------------------------- */

static void
put_len (GByteArray *out, gsize len)
{
  guint8 h[5];
  gsize n = 0;
  if (len < 0x80)
    h[n++] = (guint8)len;
  else if (len < 0x100)
    {
      h[n++] = 0x81;
      h[n++] = (guint8)len;
    }
  else if (len < 0x10000)
    {
      h[n++] = 0x82;
      h[n++] = (guint8)(len >> 8);
      h[n++] = (guint8)len;
    }
  else
    {
      h[n++] = 0x84;
      h[n++] = (guint8)(len >> 24);
      h[n++] = (guint8)(len >> 16);
      h[n++] = (guint8)(len >> 8);
      h[n++] = (guint8)len;
    }
  g_byte_array_append (out, h, (guint)n);
}

static void
put_tlv (GByteArray *out, guint8 tag, const guint8 *value, gsize len)
{
  g_byte_array_append (out, &tag, 1);
  put_len (out, len);
  g_byte_array_append (out, value, (guint)len);
}

static void
put_der (GByteArray *out, unsigned char *der, int len)
{
  g_assert (len > 0);
  g_byte_array_append (out, der, (guint)len);
  OPENSSL_free (der);
}

/* one revoked entry, encoded by hand (checked against i2d_X509_REVOKED for the first one) */
static void
put_entry (GByteArray *out, const guint8 *serial, gsize len, gint64 when, int reason)
{
  guint8 e[64];
  gsize n = 0;
  e[n++] = 0x02;
  e[n++] = (guint8)len;
  memcpy (e + n, serial, len);
  n += len;
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (when);
  g_autofree char *t = g_date_time_format (dt, "%y%m%d%H%M%SZ");
  e[n++] = 0x17;
  e[n++] = 13;
  memcpy (e + n, t, 13);
  n += 13;
  if (reason >= 0)
    {
      static const guint8 ext[]
          = { 0x30, 0x0C, 0x30, 0x0A, 0x06, 0x03, 0x55, 0x1D, 0x15, 0x04, 0x03, 0x0A, 0x01 };
      memcpy (e + n, ext, sizeof ext);
      n += sizeof ext;
      e[n++] = (guint8)reason;
    }
  put_tlv (out, 0x30, e, n);
}

static int
entry_reason (guint64 i)
{
  if (i % 4 == 0)
    return -1;
  int r = (int)(i % 11);
  return r == 7 || r == 8 ? 1 : r; /* neither unused (7) nor removeFromCRL (delta lists only) */
}

static int
generate (void)
{
  g_autoptr (EVP_PKEY) key = EVP_RSA_gen (2048);
  BIO *bio = BIO_new_file (key_path, "w");
  PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL);
  BIO_free (bio);

  /* the pieces OpenSSL encodes: algorithm, issuer, times, extensions */
  X509_ALGOR *alg = X509_ALGOR_new ();
  X509_ALGOR_set0 (alg, OBJ_nid2obj (NID_sha256WithRSAEncryption), V_ASN1_NULL, NULL);
  g_autoptr (X509_NAME) name = X509_NAME_new ();
  X509_NAME_add_entry_by_txt (name, "C", MBSTRING_ASC, (const guint8 *)"JP", -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "O", MBSTRING_ASC, (const guint8 *)"JPKI-TEST", -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "OU", MBSTRING_ASC,
                              (const guint8 *)"JPKI for user authentication", -1, -1, 0);
  g_autoptr (ASN1_TIME) t0 = ASN1_TIME_set (NULL, (time_t)T0);
  g_autoptr (ASN1_TIME) t1 = ASN1_TIME_set (NULL, (time_t)(T0 + 2 * 86400));
  STACK_OF (X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null ();
  g_autoptr (ASN1_INTEGER) number = ASN1_INTEGER_new ();
  ASN1_INTEGER_set (number, 20250601);
  X509V3_add1_i2d (&exts, NID_crl_number, number, 0, 0);

  GByteArray *tbs = g_byte_array_sized_new ((guint)(n_entries * 48 + 4096));
  GByteArray *list = g_byte_array_sized_new ((guint)(n_entries * 46));
  GByteArray *head = g_byte_array_new ();
  unsigned char *der;
  static const guint8 version[] = { 0x02, 0x01, 0x01 };
  g_byte_array_append (head, version, 3);
  der = NULL;
  put_der (head, der, i2d_X509_ALGOR (alg, &der));
  der = NULL;
  put_der (head, der, i2d_X509_NAME (name, &der));
  der = NULL;
  put_der (head, der, i2d_ASN1_TIME (t0, &der));
  der = NULL;
  put_der (head, der, i2d_ASN1_TIME (t1, &der));

  GRand *rand = g_rand_new_with_seed (20250601);
  guint8 serial[16];
  for (guint64 i = 0; i < n_entries; i++)
    {
      gsize len = next_serial (rand, serial);
      guint start = list->len;
      put_entry (list, serial, len, T0 - (gint64)i, entry_reason (i));
      if (i == 0)
        {
          /* the hand encoding is OpenSSL's */
          X509_REVOKED *rev = X509_REVOKED_new ();
          g_autoptr (BIGNUM) bn = BN_bin2bn (serial, (int)len, NULL);
          ASN1_INTEGER *ai = BN_to_ASN1_INTEGER (bn, NULL);
          X509_REVOKED_set_serialNumber (rev, ai);
          ASN1_TIME *rt = ASN1_TIME_set (NULL, (time_t)T0);
          X509_REVOKED_set_revocationDate (rev, rt);
          der = NULL;
          int dlen = i2d_X509_REVOKED (rev, &der);
          g_assert (entry_reason (0) < 0);
          g_assert ((guint)dlen == list->len - start
                    && memcmp (der, list->data + start, dlen) == 0);
          OPENSSL_free (der);
          ASN1_INTEGER_free (ai);
          ASN1_TIME_free (rt);
          X509_REVOKED_free (rev);
        }
    }
  g_rand_free (rand);

  GByteArray *body = g_byte_array_sized_new (list->len + head->len + 256);
  g_byte_array_append (body, head->data, head->len);
  put_tlv (body, 0x30, list->data, list->len);
  g_byte_array_unref (list);
  der = NULL;
  int elen = i2d_X509_EXTENSIONS (exts, &der);
  put_tlv (body, 0xA0, der, (gsize)elen);
  OPENSSL_free (der);
  put_tlv (tbs, 0x30, body->data, body->len);
  g_byte_array_unref (body);

  /* sign */
  g_autoptr (EVP_MD_CTX) md = EVP_MD_CTX_new ();
  gsize sig_len = 0;
  g_assert (EVP_DigestSignInit (md, NULL, EVP_sha256 (), NULL, key) == 1);
  g_assert (EVP_DigestSign (md, NULL, &sig_len, tbs->data, tbs->len) == 1);
  guint8 *sig = g_malloc (sig_len + 1);
  sig[0] = 0;
  g_assert (EVP_DigestSign (md, sig + 1, &sig_len, tbs->data, tbs->len) == 1);
  der = NULL;
  int alen = i2d_X509_ALGOR (alg, &der);
  g_byte_array_append (tbs, der, (guint)alen);
  OPENSSL_free (der);
  put_tlv (tbs, 0x03, sig, sig_len + 1);
  g_free (sig);

  GByteArray *file = g_byte_array_sized_new (tbs->len + 8);
  put_tlv (file, 0x30, tbs->data, tbs->len);
  g_byte_array_unref (tbs);
  g_autoptr (GError) error = NULL;
  if (!g_file_set_contents (crl_path, (const char *)file->data, file->len, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_byte_array_unref (file);
  g_byte_array_unref (head);
  X509_ALGOR_free (alg);
  sk_X509_EXTENSION_pop_free (exts, X509_EXTENSION_free);
  return 0;
}

/* ---- phases -------------------------------------------------------------------------------- */

static EVP_PKEY *
load_key (void)
{
  BIO *bio = BIO_new_file (key_path, "r");
  EVP_PKEY *key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  BIO_free (bio);
  g_assert (key != NULL);
  return key;
}

static GPtrArray *
the_key (const guint8 *name, gsize name_len, const guint8 *aki, gsize aki_len, gpointer data)
{
  GPtrArray *keys = g_ptr_array_new ();
  g_ptr_array_add (keys, data);
  return keys;
}

/* queries: even ones listed (from the list), odd ones not (one byte longer than any serial) */
static guint8 (*make_queries (guint64 n, gsize *lens))[17]
{
  guint8 (*q)[17] = g_malloc (n * 17);
  GRand *rand = g_rand_new_with_seed (20250601);
  GRand *pick = g_rand_new_with_seed (99);
  guint8 serial[16];
  guint64 listed_needed = n / 2;
  /* take listed serials spread over the list */
  guint64 step = MAX (n_entries / MAX (listed_needed, 1), 1), got = 0;
  for (guint64 i = 0; i < n_entries && got < listed_needed; i++)
    {
      gsize len = next_serial (rand, serial);
      if (i % step == 0)
        {
          memcpy (q[2 * got], serial, len);
          lens[2 * got] = len;
          got++;
        }
    }
  for (guint64 i = 0; i < n; i++)
    {
      if (i % 2 == 0 && i / 2 < got)
        continue;
      lens[i] = 17;
      for (gsize b = 0; b < 17; b++)
        q[i][b] = (guint8)g_rand_int (pick);
      q[i][0] = (guint8)(1 + q[i][0] % 0x7F);
    }
  /* shuffle */
  for (guint64 i = n; i > 1; i--)
    {
      guint64 j = (guint64)g_rand_int_range (pick, 0, (gint32)i);
      guint8 t[17];
      gsize tl = lens[i - 1];
      memcpy (t, q[i - 1], 17);
      memcpy (q[i - 1], q[j], 17);
      memcpy (q[j], t, 17);
      lens[i - 1] = lens[j];
      lens[j] = tl;
    }
  g_rand_free (rand);
  g_rand_free (pick);
  return q;
}

static double
median (double *v, gsize n)
{
  qsort (v, n, sizeof *v, compare_double);
  return n > 0 ? v[n / 2] : 0;
}

static void
phase_openssl (PhaseResult *r)
{
  /* queries prepared before the peak counter starts */
  guint64 nq = MIN (n_lookups, (guint64)200000);
  gsize *lens = g_new (gsize, nq);
  guint8 (*q)[17] = make_queries (nq, lens);
  ASN1_INTEGER **ints = g_new (ASN1_INTEGER *, nq);
  for (guint64 i = 0; i < nq; i++)
    {
      g_autoptr (BIGNUM) bn = BN_bin2bn (q[i], (int)lens[i], NULL);
      ints[i] = BN_to_ASN1_INTEGER (bn, NULL);
    }
  g_free (q);
  g_free (lens);
  g_autoptr (EVP_PKEY) key = load_key ();

  reset_peak (r);
  double t = now_s ();
  gchar *data = NULL;
  gsize len = 0;
  g_assert (g_file_get_contents (crl_path, &data, &len, NULL));
  const unsigned char *p = (const unsigned char *)data;
  X509_CRL *crl = d2i_X509_CRL (NULL, &p, (long)len);
  r->seconds = now_s () - t;
  g_assert (crl != NULL);
  g_free (data);
  t = now_s ();
  r->ok = X509_CRL_verify (crl, key) == 1;
  r->seconds2 = now_s () - t;
  r->count = (guint64)sk_X509_REVOKED_num (X509_CRL_get_REVOKED (crl));

  X509_REVOKED *rev;
  t = now_s ();
  X509_CRL_get0_by_serial (crl, &rev, ints[0]); /* sorts */
  double sort_s = now_s () - t;
  gsize nb = nq / BATCH;
  double *batches = g_new (double, nb);
  guint64 hits = 0;
  for (gsize b = 0; b < nb; b++)
    {
      t = now_s ();
      for (gsize i = b * BATCH; i < (b + 1) * BATCH; i++)
        hits += X509_CRL_get0_by_serial (crl, &rev, ints[i]) != 0;
      batches[b] = (now_s () - t) / BATCH * 1e9;
    }
  r->per_lookup_ns = median (batches, nb);
  r->peak_mb = status_mb ("VmHWM:");
  r->seconds3 = sort_s;
  if (hits != nb * BATCH / 2)
    g_printerr ("openssl: %" G_GUINT64_FORMAT " of %" G_GSIZE_FORMAT " lookups listed\n", hits,
                nb * BATCH);
  g_free (batches);
  X509_CRL_free (crl);
  for (guint64 i = 0; i < nq; i++)
    ASN1_INTEGER_free (ints[i]);
  g_free (ints);
}

static void
phase_build (PhaseResult *r)
{
  g_autoptr (EVP_PKEY) key = load_key ();
  g_autoptr (GError) error = NULL;
  /* a fresh directory: a first load, not a replacement */
  g_autofree char *old = NULL;
  g_autoptr (MadoCrlIndexDir) dir = mado_crl_index_dir_new (idx_dir, &error);
  g_assert_no_error (error);
  guint8 key_sha[32];
  unsigned char *der = NULL;
  int len = i2d_PUBKEY (key, &der);
  SHA256 (der, (size_t)len, key_sha);
  OPENSSL_free (der);
  old = mado_crl_index_dir_path_for_key (dir, key_sha);
  g_unlink (old);

  reset_peak (r);
  double t = now_s ();
  g_autoptr (MadoCrlIndex) index = mado_crl_index_dir_add_crl (dir, crl_path, the_key, key, &error);
  r->seconds = now_s () - t;
  r->peak_mb = status_mb ("VmHWM:");
  if (index == NULL)
    {
      g_printerr ("build: %s\n", error->message);
      return;
    }
  r->count = mado_crl_index_get_n_entries (index);
  r->ok = 1;
}

static char *
index_path (void)
{
  g_autoptr (EVP_PKEY) key = load_key ();
  g_autoptr (MadoCrlIndexDir) dir = mado_crl_index_dir_new (idx_dir, NULL);
  guint8 key_sha[32];
  unsigned char *der = NULL;
  int len = i2d_PUBKEY (key, &der);
  SHA256 (der, (size_t)len, key_sha);
  OPENSSL_free (der);
  return mado_crl_index_dir_path_for_key (dir, key_sha);
}

static void
phase_restart (PhaseResult *r)
{
  g_autofree char *path = index_path ();
  g_autoptr (GError) error = NULL;
  double runs[7];
  reset_peak (r);
  for (int i = 0; i < 7; i++)
    {
      double t = now_s ();
      g_autoptr (MadoCrlIndex) index = mado_crl_index_open (path, &error);
      runs[i] = now_s () - t;
      g_assert_no_error (error);
      r->count = mado_crl_index_get_n_entries (index);
      if (i == 0)
        r->seconds2 = runs[0];
    }
  r->seconds = median (runs, 7);
  r->peak_mb = status_mb ("VmHWM:");
  r->ok = 1;
}

static void
phase_lookup (PhaseResult *r)
{
  g_autofree char *path = index_path ();
  gsize *lens = g_new (gsize, n_lookups);
  guint8 (*q)[17] = make_queries (n_lookups, lens);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoCrlIndex) index = mado_crl_index_open (path, &error);
  g_assert_no_error (error);
  reset_peak (r);
  gsize nb = n_lookups / BATCH;
  double *batches = g_new (double, nb);
  guint64 hits = 0;
  for (gsize b = 0; b < nb; b++)
    {
      double t = now_s ();
      for (gsize i = b * BATCH; i < (b + 1) * BATCH; i++)
        hits += mado_crl_index_lookup (index, q[i], lens[i], NULL, NULL);
      batches[b] = (now_s () - t) / BATCH * 1e9;
    }
  r->per_lookup_ns = median (batches, nb);
  r->count = hits;
  r->peak_mb = status_mb ("VmHWM:");
  r->ok = hits > 0;
  g_free (batches);
  g_free (q);
  g_free (lens);
}

static PhaseResult
run_phase (void (*phase) (PhaseResult *))
{
  PhaseResult r = { 0 };
  int fds[2];
  g_assert (pipe (fds) == 0);
  pid_t pid = fork ();
  if (pid == 0)
    {
      close (fds[0]);
      phase (&r);
      if (write (fds[1], &r, sizeof r) != sizeof r)
        _exit (1);
      _exit (0);
    }
  close (fds[1]);
  if (read (fds[0], &r, sizeof r) != sizeof r)
    r.ok = -1;
  close (fds[0]);
  int status;
  waitpid (pid, &status, 0);
  return r;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir_opt = NULL;
  gint64 entries = (gint64)n_entries, lookups = (gint64)n_lookups;
  GOptionEntry options[] = {
    { "entries", 0, 0, G_OPTION_ARG_INT64, &entries, "CRL entries (1000000)", "N" },
    { "lookups", 0, 0, G_OPTION_ARG_INT64, &lookups, "lookups (1000000)", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir_opt, "cache directory", "DIR" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("— CRL index benchmark");
  g_option_context_add_main_entries (ctx, options, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  n_entries = (guint64)MAX (entries, 1);
  n_lookups = (guint64)MAX (lookups, BATCH);
  bench_dir = dir_opt != NULL ? g_strdup (dir_opt)
                              : g_build_filename (g_get_tmp_dir (), "madoguchi-bench-crl", NULL);
  g_mkdir_with_parents (bench_dir, 0755);
  g_autofree char *crl_name = g_strdup_printf ("crl-%" G_GUINT64_FORMAT ".der", n_entries);
  g_autofree char *key_name = g_strdup_printf ("key-%" G_GUINT64_FORMAT ".pem", n_entries);
  crl_path = g_build_filename (bench_dir, crl_name, NULL);
  key_path = g_build_filename (bench_dir, key_name, NULL);
  idx_dir = g_build_filename (bench_dir, "index", NULL);

  if (!g_file_test (crl_path, G_FILE_TEST_EXISTS) || !g_file_test (key_path, G_FILE_TEST_EXISTS))
    {
      g_printerr ("making %s ...\n", crl_path);
      double t = now_s ();
      pid_t pid = fork ();
      if (pid == 0)
        _exit (generate ());
      int status;
      waitpid (pid, &status, 0);
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
        return 1;
      g_printerr ("  made in %.1f s\n", now_s () - t);
    }
  GStatBuf st;
  g_stat (crl_path, &st);

  PhaseResult a = run_phase (phase_openssl);
  PhaseResult b = run_phase (phase_build);
  PhaseResult c = run_phase (phase_restart);
  PhaseResult d = run_phase (phase_lookup);
  g_autofree char *idx = index_path ();
  GStatBuf ist = { 0 };
  g_stat (idx, &ist);

  printf ("CRL: %s, %" G_GUINT64_FORMAT " entries, %.1f MB; index %.1f MB\n\n", crl_path, b.count,
          (double)st.st_size / 1e6, (double)ist.st_size / 1e6);
  printf ("| phase | time | per lookup | peak RSS | RSS at start | target |\n");
  printf ("|---|---:|---:|---:|---:|---|\n");
  printf ("| OpenSSL d2i_X509_CRL (read + parse) | %.0f ms | — | %.1f MB | %.1f MB | — |\n",
          a.seconds * 1e3, a.peak_mb, a.start_mb);
  printf ("| OpenSSL X509_CRL_verify | %.0f ms | — | | | — |\n", a.seconds2 * 1e3);
  printf ("| OpenSSL first X509_CRL_get0_by_serial (sorts) | %.0f ms | — | | | — |\n",
          a.seconds3 * 1e3);
  printf ("| OpenSSL X509_CRL_get0_by_serial (after its sort) | — | %.3f µs | | | — |\n",
          a.per_lookup_ns / 1e3);
  printf ("| first load: stream + verify + sort + write index | %.0f ms | — | %.1f MB | %.1f MB "
          "| < 1 s, < 48 MB |\n",
          b.seconds * 1e3, b.peak_mb, b.start_mb);
  printf ("| restart: open index (map + SHA-256 + order check), median of 7 | %.1f ms (first "
          "%.1f ms) | — | %.1f MB | %.1f MB | < 50 ms |\n",
          c.seconds * 1e3, c.seconds2 * 1e3, c.peak_mb, c.start_mb);
  printf ("| lookup (median of batches of %d, half listed) | — | %.3f µs | | | < 1 µs |\n\n", BATCH,
          d.per_lookup_ns / 1e3);

  g_autofree char *json = g_strdup_printf (
      "{\"entries\": %" G_GUINT64_FORMAT ", \"crl_bytes\": %lld, \"index_bytes\": %lld,\n"
      " \"openssl\": {\"d2i_ms\": %.1f, \"verify_ms\": %.1f, \"sort_ms\": %.1f, \"lookup_us\": "
      "%.3f, "
      "\"peak_rss_mb\": %.1f, \"start_rss_mb\": %.1f, \"verified\": %s},\n"
      " \"first_load\": {\"ms\": %.1f, \"peak_rss_mb\": %.1f, \"start_rss_mb\": %.1f},\n"
      " \"restart\": {\"ms\": %.2f, \"first_ms\": %.2f, \"peak_rss_mb\": %.1f},\n"
      " \"lookup\": {\"us\": %.3f, \"lookups\": %" G_GUINT64_FORMAT
      ", \"listed\": %" G_GUINT64_FORMAT "},\n"
      " \"targets\": {\"first_load_ms\": 1000, \"restart_ms\": 50, \"lookup_us\": 1, "
      "\"peak_rss_mb\": 48}}\n",
      b.count, (long long)st.st_size, (long long)ist.st_size, a.seconds * 1e3, a.seconds2 * 1e3,
      a.seconds3 * 1e3, a.per_lookup_ns / 1e3, a.peak_mb, a.start_mb, a.ok ? "true" : "false",
      b.seconds * 1e3, b.peak_mb, b.start_mb, c.seconds * 1e3, c.seconds2 * 1e3, c.peak_mb,
      d.per_lookup_ns / 1e3, n_lookups / BATCH * BATCH, d.count);
  printf ("%s", json);
  g_autofree char *json_path = g_build_filename (bench_dir, "results.json", NULL);
  g_file_set_contents (json_path, json, -1, NULL);
  return (a.ok == 1 && b.ok == 1 && c.ok == 1 && d.ok == 1) ? 0 : 1;
}
