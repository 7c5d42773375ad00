/* SPDX-License-Identifier: GPL-3.0-or-later
 * bench-verify TRUST_DIR CERT.der CRL [OCSP_URL] — verifications per second on one core:
 *   openssl_verify   OpenSSL's X509_verify alone (the signature: the floor)
 *   chain            our chain check: parse, issuer by key, validity, usage
 *   chain_crl        the same plus the CRL index lookup (the registry's check without OCSP)
 *   chain_crl_ocsp   the same plus an OCSP exchange (when a URL is given)
 * Prints one JSON object. Run by tests/bench/run-identity.sh.
 */
#include <stdio.h>

#include "mado-crl-source.h"
#include "mado-identity-setup.h"
#include "mado-ocsp.h"
#include "mado-openssl-private.h"

static double
now_s (void)
{
  return (double)g_get_monotonic_time () / 1e6;
}

typedef gboolean (*Op) (gpointer data);

static double
rate (Op op, gpointer data, double seconds)
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
  if (argc < 4)
    {
      fprintf (stderr, "usage: bench-verify TRUST_DIR CERT.der CRL [OCSP_URL]\n");
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
  printf ("  \"openssl_verify_per_s\": %.0f,\n", rate (op_openssl, &c, 1.0));
  c.verifier = chain;
  c.flags = MADO_CHECK_CHAIN;
  printf ("  \"chain_per_s\": %.0f,\n", rate (op_verify, &c, 1.0));
  c.verifier = with_crl;
  c.flags = MADO_CHECK_ALL;
  printf ("  \"chain_crl_per_s\": %.0f", rate (op_verify, &c, 1.0));
  if (ocsp_url != NULL)
    {
      g_autoptr (MadoCertVerifier) with_ocsp = make_verifier (argv[1], argv[3], ocsp_url, state);
      c.verifier = with_ocsp;
      printf (",\n  \"chain_crl_ocsp_per_s\": %.0f", rate (op_verify, &c, 2.0));
    }
  printf ("\n}\n");
  X509_free (c.cert);
  g_bytes_unref (c.der);
  return 0;
}
