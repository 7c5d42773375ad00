/* SPDX-License-Identifier: GPL-3.0-or-later
 * bench-verify [--key CERT_KEY.pem] [--ec-cert EC.der --ec-key EC_KEY.pem] TRUST_DIR CERT.der CRL
 *              [OCSP_URL] — verifications per second on one core:
 *   openssl_verify   OpenSSL's X509_verify alone (the signature: the floor)
 *   d2i_x509         OpenSSL's d2i_X509 of the certificate alone (what a full parse costs)
 *   chain            our chain check: parse, issuer by key, validity, usage
 *   chain_crl        the same plus the CRL index lookup (the registry's check without OCSP)
 *   chain_crl_ocsp   the same plus an OCSP exchange (when a URL is given)
 *   challenge        with --key: the registry's work for one identity session (in memory): a
 *                    nonce issued, then mado_challenge_check (nonce taken, the card's signature,
 *                    chain, CRL); the card's signature is made outside the timed part
 *   challenge_ecdsa  with --ec-cert/--ec-key: the same for an ECDSA P-384 card (chain only, the
 *                    raw r‖s signature)
 * Prints one JSON object. Run by tests/bench/run-identity.sh.
 */
#include <openssl/pem.h>
#include <stdio.h>
#include <time.h>

#include "mado-challenge.h"
#include "mado-crl-source.h"
#include "mado-identity-setup.h"
#include "mado-ocsp.h"
#include "mado-openssl-private.h"

/* The thread's CPU time: what the work costs, whatever else the machine runs. The OCSP row,
 * which waits on its responder, is timed by the wall clock. */
static double
cpu_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
wall_s (void)
{
  return (double)g_get_monotonic_time () / 1e6;
}

typedef gboolean (*Op) (gpointer data);

static double
rate (Op op, gpointer data, double seconds, double (*now_s) (void))
{
  guint64 n = 0;
  double start = now_s (), t;
  do
    {
      for (int i = 0; i < 64; i++)
        if (!op (data))
          g_error ("the operation failed during the benchmark");
      n += 64;
      t = now_s () - start;
    }
  while (t < seconds);
  return (double)n / t;
}

typedef struct
{
  MadoCertVerifier *verifier;
  GBytes *der;
  MadoCheckFlags flags;
  X509 *cert;
  EVP_PKEY *issuer_key;
} Ctx;

static gboolean
op_verify (gpointer data)
{
  Ctx *c = data;
  g_autoptr (MadoVerdict) v
      = mado_cert_verifier_verify (c->verifier, c->der, MADO_CERT_PURPOSE_AUTH, c->flags, NULL);
  return v->kind == MADO_VERDICT_VALID;
}

static gboolean
op_openssl (gpointer data)
{
  Ctx *c = data;
  return X509_verify (c->cert, c->issuer_key) == 1;
}

static gboolean
op_d2i (gpointer data)
{
  Ctx *c = data;
  gsize len = 0;
  const unsigned char *p = g_bytes_get_data (c->der, &len);
  g_autoptr (X509) x = d2i_X509 (NULL, &p, (long)len);
  return x != NULL;
}

/* The card's side: RSA PKCS#1 v1.5 over SHA-256, or ECDSA over SHA-384 as raw r‖s. */
static GBytes *
card_sign (EVP_PKEY *key, GBytes *nonce)
{
  gboolean ec = EVP_PKEY_get_base_id (key) == EVP_PKEY_EC;
  g_autoptr (EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  size_t len = 0;
  gsize n = 0;
  const guint8 *msg = g_bytes_get_data (nonce, &n);
  if (EVP_DigestSignInit (ctx, NULL, ec ? EVP_sha384 () : EVP_sha256 (), NULL, key) != 1
      || EVP_DigestSign (ctx, NULL, &len, msg, n) != 1)
    g_error ("cannot sign");
  g_autofree guint8 *sig = g_malloc (len);
  if (EVP_DigestSign (ctx, sig, &len, msg, n) != 1)
    g_error ("cannot sign");
  if (!ec)
    return g_bytes_new (sig, len);
  const unsigned char *p = sig;
  g_autoptr (ECDSA_SIG) es = d2i_ECDSA_SIG (NULL, &p, (long)len);
  guint8 raw[96];
  if (es == NULL || BN_bn2binpad (ECDSA_SIG_get0_r (es), raw, 48) != 48
      || BN_bn2binpad (ECDSA_SIG_get0_s (es), raw + 48, 48) != 48)
    g_error ("cannot make r‖s");
  return g_bytes_new (raw, sizeof raw);
}

/* Sessions per second: the nonce and the check timed, the card's signature not. */
static double
challenge_rate (MadoCertVerifier *verifier, GBytes *der, EVP_PKEY *key, MadoCheckFlags flags,
                double seconds)
{
  MadoClock *clock = mado_cert_verifier_get_clock (verifier);
  GBytes *nonces[64], *sigs[64];
  guint64 n = 0;
  double spent = 0;
  while (spent < seconds)
    {
      /* a store per batch: the memory store scans all its entries at each take */
      g_autoptr (MadoNonceStore) store = mado_memory_nonce_store_new ();
      double t0 = cpu_s ();
      for (int i = 0; i < 64; i++)
        nonces[i] = mado_challenge_issue (store, clock, 600, NULL);
      spent += cpu_s () - t0;
      for (int i = 0; i < 64; i++)
        sigs[i] = card_sign (key, nonces[i]);
      t0 = cpu_s ();
      for (int i = 0; i < 64; i++)
        {
          g_autoptr (MadoVerdict) v
              = mado_challenge_check (verifier, store, nonces[i], sigs[i], der, flags, NULL);
          if (v->kind != MADO_VERDICT_VALID)
            g_error ("challenge: %s", v->detail);
        }
      spent += cpu_s () - t0;
      for (int i = 0; i < 64; i++)
        {
          g_bytes_unref (nonces[i]);
          g_bytes_unref (sigs[i]);
        }
      n += 64;
    }
  return (double)n / spent;
}

static EVP_PKEY *
read_key (const char *path)
{
  BIO *bio = BIO_new_file (path, "r");
  EVP_PKEY *key = bio != NULL ? PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL) : NULL;
  BIO_free (bio);
  if (key == NULL)
    g_error ("cannot read the key %s", path);
  return key;
}

static GBytes *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &data, &len, &error))
    g_error ("%s", error->message);
  return g_bytes_new_take (data, len);
}

static MadoCertVerifier *
make_verifier (const char *trust_dir, const char *crl, const char *ocsp_url, const char *state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoConfig) config = mado_config_new_defaults ();
  mado_config_set (config, "general", "mode", "test", NULL);
  mado_config_set (config, "identity", "crl-index-dir", state, NULL);
  if (ocsp_url != NULL)
    mado_config_set (config, "identity", "ocsp-allowed-urls", ocsp_url, NULL);
  const char *crls[] = { crl, NULL };
  MadoIdentityOverrides o
      = { .trust_dir = trust_dir, .extra_crls = crl != NULL ? crls : NULL, .ocsp_url = ocsp_url };
  MadoCertVerifier *v = mado_identity_verifier_new_from_config (config, &o, &error);
  if (v == NULL)
    g_error ("%s", error->message);
  return v;
}

int
main (int argc, char **argv)
{
  g_autofree char *key_path = NULL, *ec_cert = NULL, *ec_key = NULL;
  GOptionEntry entries[] = {
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path, "the certificate's private key (PEM)", NULL },
    { "ec-cert", 0, 0, G_OPTION_ARG_FILENAME, &ec_cert, "an ECDSA P-384 certificate (DER)", NULL },
    { "ec-key", 0, 0, G_OPTION_ARG_FILENAME, &ec_key, "its private key (PEM)", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) options = g_option_context_new ("TRUST_DIR CERT.der CRL [OCSP_URL]");
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, NULL) || argc < 4)
    {
      fprintf (stderr, "usage: bench-verify [--key KEY.pem] [--ec-cert EC.der --ec-key "
                       "EC_KEY.pem] TRUST_DIR CERT.der CRL [OCSP_URL]\n");
      return 2;
    }
  const char *ocsp_url = argc > 4 ? argv[4] : NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *state = g_dir_make_tmp ("bench-verify-XXXXXX", &error);
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (argv[2], &data, &len, &error))
    g_error ("%s", error->message);

  Ctx c = { 0 };
  c.der = g_bytes_new (data, len);
  const unsigned char *p = (const unsigned char *)data;
  c.cert = d2i_X509 (NULL, &p, (long)len);

  g_autoptr (MadoCertVerifier) chain = make_verifier (argv[1], NULL, NULL, state);
  g_autoptr (MadoCertVerifier) with_crl = make_verifier (argv[1], argv[3], NULL, state);

  /* the issuer's key, for the OpenSSL floor */
  MadoTrustStore *store = mado_cert_verifier_get_trust_store (chain);
  for (guint i = 0; i < mado_trust_store_get_n_roots (store); i++)
    if (X509_verify (c.cert, mado_trust_store_get_root (store, i)->key) == 1)
      c.issuer_key = mado_trust_store_get_root (store, i)->key;

  printf ("{\n");
  printf ("  \"openssl_verify_per_s\": %.0f,\n", rate (op_openssl, &c, 1.0, cpu_s));
  printf ("  \"d2i_x509_per_s\": %.0f,\n", rate (op_d2i, &c, 1.0, cpu_s));
  c.verifier = chain;
  c.flags = MADO_CHECK_CHAIN;
  printf ("  \"chain_per_s\": %.0f,\n", rate (op_verify, &c, 1.0, cpu_s));
  c.verifier = with_crl;
  c.flags = MADO_CHECK_ALL;
  printf ("  \"chain_crl_per_s\": %.0f", rate (op_verify, &c, 1.0, cpu_s));
  if (key_path != NULL)
    {
      g_autoptr (EVP_PKEY) key = read_key (key_path);
      double r = challenge_rate (with_crl, c.der, key, MADO_CHECK_ALL, 2.0);
      printf (",\n  \"challenge_per_s\": %.0f,\n  \"challenge_us\": %.1f", r, 1e6 / r);
    }
  if (ec_cert != NULL && ec_key != NULL)
    {
      g_autoptr (EVP_PKEY) key = read_key (ec_key);
      g_autoptr (GBytes) der = read_file (ec_cert);
      double r = challenge_rate (chain, der, key, MADO_CHECK_CHAIN, 2.0);
      printf (",\n  \"challenge_ecdsa_per_s\": %.0f,\n  \"challenge_ecdsa_us\": %.1f", r, 1e6 / r);
    }
  if (ocsp_url != NULL)
    {
      g_autoptr (MadoCertVerifier) with_ocsp = make_verifier (argv[1], argv[3], ocsp_url, state);
      c.verifier = with_ocsp;
      printf (",\n  \"chain_crl_ocsp_per_s\": %.0f", rate (op_verify, &c, 2.0, wall_s));
    }
  printf ("\n}\n");
  X509_free (c.cert);
  g_bytes_unref (c.der);
  return 0;
}
