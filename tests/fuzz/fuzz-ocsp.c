/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: bytes from an OCSP responder. Each input goes through the whole check twice:
 * mado_ocsp_check() with a fake transport that returns the input (request building, transport
 * result, response checking), and mado_ocsp_request_check_response() against a fixed request
 * (fixed nonce, fixed certificates, fixed time) so that validly signed seeds reach the nonce,
 * CertID, date and status checks.
 *
 * The seeds in corpus/ocsp/ were made with `openssl ocsp -reqin REQ -respout SEED` (the issuer's
 * key and a delegated responder's, both thrown away afterwards) for the fixed request below:
 * good, good without nextUpdate, revoked, unknown, delegated, delegated by key id, without
 * certificates, without nonce; plus a tampered signature, an unsuccessful status and garbage.
 * FIXED_NOW is a few minutes after they were made, so they stay current forever.
 */
#include <string.h>

#include <openssl/pem.h>

#include "mado-ocsp.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define FIXED_NOW G_GINT64_CONSTANT (1795705200)

/* The fuzzing hierarchy's root (its key is gone) and the end entity asked about. */
static const char issuer_pem[]
    = "-----BEGIN CERTIFICATE-----\n"
      "MIIDszCCApugAwIBAgIUI34u7QAFvnUKzouZ+/y21s0MHvIwDQYJKoZIhvcNAQEL\n"
      "BQAwYTELMAkGA1UEBhMCSlAxEjAQBgNVBAoMCUpQS0ktVEVTVDElMCMGA1UECwwc\n"
      "SlBLSSBmb3IgdXNlciBhdXRoZW50aWNhdGlvbjEXMBUGA1UECwwOTWFkb2d1Y2hp\n"
      "IGZ1enowHhcNMjYxMTI2MTQ1NzQ5WhcNNDYxMTIxMTQ1NzQ5WjBhMQswCQYDVQQG\n"
      "EwJKUDESMBAGA1UECgwJSlBLSS1URVNUMSUwIwYDVQQLDBxKUEtJIGZvciB1c2Vy\n"
      "IGF1dGhlbnRpY2F0aW9uMRcwFQYDVQQLDA5NYWRvZ3VjaGkgZnV6ejCCASIwDQYJ\n"
      "KoZIhvcNAQEBBQADggEPADCCAQoCggEBANMTkKZCCvigr9eMqK9IEtI3ramhZva+\n"
      "+Kqa23RAOmgHb9vHFP3sFKtSu6JWTqAFPcatkvG4YLVbCujYesrU6LN79fTm7fu7\n"
      "ZkgmWwBwA4/B73jSiYp1P6xNOXm4t22L0t9+8pWozX6mO9teS8YZY5cxujhOkNj9\n"
      "O3rZDqmTcxQsuIHbk+eWZy1d+XOVMvLpvp3kD3W8ZLRQ5VF4C+2J6SJjZL8nb0iz\n"
      "cmw/oUU9XKl79d48jap0vIyd0mRXolion+veI13Ga9CCTi2jDl3yoB7v9MffNGoV\n"
      "j/nlGpcOnLw1jEu3AFHRXllrGZJEIKbL+1ZQ5RvlF3SAWuHOnSDN8/MCAwEAAaNj\n"
      "MGEwHQYDVR0OBBYEFGWnJg7DGrr6YDTFAcVLWUtGqTskMB8GA1UdIwQYMBaAFGWn\n"
      "Jg7DGrr6YDTFAcVLWUtGqTskMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQD\n"
      "AgEGMA0GCSqGSIb3DQEBCwUAA4IBAQC0M+F8GL4c/rld344y99AAzgYRMDjo3fDz\n"
      "6BB7PNnRrb2m50+4InXMolwHCfWk+i84vGE1epq+AYPl8GG6CQjU+x9IVdNa35+m\n"
      "Ug4HZIvEk3XpG8Cz9SKGLT67+iGNR+u60/ZNWCEb+q7x2nQchcoeQRxTWJWSMT+7\n"
      "mW7y9Xf84cW1eIWDIquRdpdwvXrslFIQnZQSdFYt5hYxNBjqMpRT1iYDH11ve6QH\n"
      "MslLBj3b56zQ6l+1Ag8vzJRFzOez1cRutN3/Svy/jWY6IvVHc1oE1Q6l0VmCx2tJ\n"
      "YDq1Sexq1f53cbFAchQIZ2tEHz0zB/yNtcxd8ZDnxNzaA1arOota\n"
      "-----END CERTIFICATE-----\n";
static const char ee_pem[] = "-----BEGIN CERTIFICATE-----\n"
                             "MIIDXjCCAkagAwIBAgICEAEwDQYJKoZIhvcNAQELBQAwYTELMAkGA1UEBhMCSlAx\n"
                             "EjAQBgNVBAoMCUpQS0ktVEVTVDElMCMGA1UECwwcSlBLSSBmb3IgdXNlciBhdXRo\n"
                             "ZW50aWNhdGlvbjEXMBUGA1UECwwOTWFkb2d1Y2hpIGZ1enowHhcNMjYxMTI2MTQ1\n"
                             "NzQ5WhcNNDYxMTIxMTQ1NzQ5WjAvMQswCQYDVQQGEwJKUDEgMB4GA1UEAwwXTUFE\n"
                             "T1RFU1QwMDAwMDAwMEZVWlpFRTEwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK\n"
                             "AoIBAQCwPHAk9mIpHAhxL+z6/OdJRpN2Wdmn5W4iHoBEwBoBG8lY54bk3lp8nlpz\n"
                             "g/5q3zGUGeXP7T5Le6npvQMM5lIFtw4YbzxrVa5Esgh0/2I5KvxzXAksw9PyNjQw\n"
                             "cNfjH75V4ph5AJrIwbBsU+AhGhyPqJ2/bSjoWnC6Huznl0g789BY1lYHn75g9GZY\n"
                             "r/i+gQAwRwo4zDgOsrgTyFMrkU9wiQ7si4n+ojobGmqAOtU6j2AIFMX5uwXTYnr3\n"
                             "HYxJSsJ1zdYFUROfMuzHYrv6rZpJjU60LrT10iVWTh+QAVboFFY6z7teECRmLaTy\n"
                             "x0yZ/kdY5/T8TTfY15WyrmqCqkDHAgMBAAGjUjBQMA4GA1UdDwEB/wQEAwIHgDAf\n"
                             "BgNVHSMEGDAWgBRlpyYOwxq6+mA0xQHFS1lLRqk7JDAdBgNVHQ4EFgQUA/ewMhyf\n"
                             "iI6MeCOWUhefSDf5mNkwDQYJKoZIhvcNAQELBQADggEBAAH1oS+w+YupILEhCAyC\n"
                             "RaoGXOmeO7EeJ32ofm2DVSpnEc4TkYJrEGt3qlr3T+J70BI40lwGl63ToYW1fSBi\n"
                             "rEVpy56yXyoFVNrkKpdjBjDn1vnCx3jgRoMS4B/I7eU71NIeNKbeXV0KpogE9yRZ\n"
                             "6ZXGUxiukDvWzh3TOrYUBUdeSg9GyCBlhZZV5iXyhuUfLJHfCRiKSMznJIrexyO2\n"
                             "Zp9ZleiFa0119p5ltg3KqUmXTbQ8Ixlq/+bEWtngMZY7DIVGzd+GcqLjmFU/OJLK\n"
                             "FRUPV/QQ9X5XElFisa3YU7kxy1Kqblu4YkwpoIMpY68A0YEZ2mc1cKSPCwg4TStM\n"
                             "I5c=\n"
                             "-----END CERTIFICATE-----\n";

/* --- a transport that answers with the input ------------------------------------------------- */

#define FUZZ_TYPE_TRANSPORT (fuzz_transport_get_type ())
G_DECLARE_FINAL_TYPE (FuzzTransport, fuzz_transport, FUZZ, TRANSPORT, GObject)

struct _FuzzTransport
{
  GObject parent_instance;
  GBytes *answer;
};

static void fuzz_transport_iface_init (MadoOcspTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FuzzTransport, fuzz_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_OCSP_TRANSPORT,
                                                      fuzz_transport_iface_init))

static void
fuzz_transport_class_init (FuzzTransportClass *klass)
{
}

static void
fuzz_transport_init (FuzzTransport *self)
{
}

static GBytes *
fuzz_transport_post (MadoOcspTransport *transport, const char *url, GBytes *body, guint timeout_ms,
                     GCancellable *cancellable, GError **error)
{
  return g_bytes_ref (FUZZ_TRANSPORT (transport)->answer);
}

static void
fuzz_transport_iface_init (MadoOcspTransportInterface *iface)
{
  iface->post = fuzz_transport_post;
}

/* --- the fixed world ------------------------------------------------------------------------- */

static X509 *issuer, *ee;
static MadoOcspRequest *request;
static FuzzTransport *transport;
static MadoOcspOptions options;
static const char *const allowed[] = { "http://ocsp.fuzz/", NULL };

static X509 *
parse_pem (const char *pem)
{
  BIO *bio = BIO_new_mem_buf (pem, -1);
  X509 *cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  BIO_free (bio);
  g_assert (cert != NULL);
  return cert;
}

static void
init_once (void)
{
  guint8 nonce[32];

  if (request != NULL)
    return;
  issuer = parse_pem (issuer_pem);
  ee = parse_pem (ee_pem);
  for (guint i = 0; i < sizeof nonce; i++)
    nonce[i] = (guint8)i;
  request = mado_ocsp_request_new_with_nonce (ee, issuer, nonce, sizeof nonce, NULL);
  g_assert (request != NULL);
  transport = g_object_new (FUZZ_TYPE_TRANSPORT, NULL);
  mado_ocsp_options_init (&options);
  options.allowed_url_prefixes = allowed;
  options.transport = MADO_OCSP_TRANSPORT (transport);
  options.max_age = G_GINT64_CONSTANT (20) * 365 * 86400;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  MadoRevocationAnswer answer = { 0 };

  init_once ();
  g_autoptr (GBytes) input = g_bytes_new_static (data, size);

  transport->answer = input;
  mado_ocsp_check (ee, issuer, "http://ocsp.fuzz/auth", &options, FIXED_NOW, NULL, &answer, NULL);
  transport->answer = NULL;
  /* a fresh random nonce: nothing from outside can be good */
  g_assert (answer.reason != MADO_REASON_NONE && answer.reason != MADO_REASON_REVOKED_OCSP);

  mado_ocsp_request_check_response (request, issuer, input, &options, FIXED_NOW, &answer);
  g_assert (answer.detail != NULL);
  g_assert (answer.reason != MADO_REASON_REVOKED_OCSP || answer.revoked_at != 0);
  mado_revocation_answer_clear (&answer);
  return 0;
}
