/* SPDX-License-Identifier: GPL-3.0-or-later
 * test-ocsp.c — OCSP response handling (app/identity/mado-ocsp.c) with responses built here with
 * OpenSSL's API and served by a fake transport: every way an answer can be wrong must give an
 * unknown reason, never a good.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "mado-ocsp.h"
#include "mado-openssl-private.h"

#define URL "http://ocsp.test/jpki"

static gint64 now;

/* The test hierarchy, made once (EC P-256 keys: fast). */
static EVP_PKEY *issuer_key, *other_key, *impostor_key, *ee_key, *responder_key;
static X509 *issuer, *other_root, *impostor, *ee, *ee2, *responder, *responder_no_eku,
    *responder_other;

static void
add_ext (X509 *cert, X509 *signer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509V3_set_ctx (&ctx, signer, cert, NULL, NULL, 0);
  X509_EXTENSION *ext = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);
  g_assert_nonnull (ext);
  g_assert_cmpint (X509_add_ext (cert, ext, -1), ==, 1);
  X509_EXTENSION_free (ext);
}

/* @signer NULL: self-signed with @key. */
static X509 *
make_cert (const char *cn, X509 *signer, EVP_PKEY *signer_key, EVP_PKEY *key, long serial,
           gboolean ca, const char *eku)
{
  X509 *cert = X509_new ();
  X509_set_version (cert, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (cert), serial);
  g_autoptr (X509_NAME) name = X509_NAME_new ();
  X509_NAME_add_entry_by_txt (name, "C", MBSTRING_UTF8, (const unsigned char *)"JP", -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
  X509_set_subject_name (cert, name);
  X509_set_issuer_name (cert, signer != NULL ? X509_get_subject_name (signer) : name);
  ASN1_TIME_set (X509_getm_notBefore (cert), (time_t)(now - 86400));
  ASN1_TIME_set (X509_getm_notAfter (cert), (time_t)(now + 365 * 86400));
  X509_set_pubkey (cert, key);
  X509 *ctx_issuer = signer != NULL ? signer : cert;
  add_ext (cert, ctx_issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add_ext (cert, ctx_issuer, NID_key_usage,
           ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  add_ext (cert, ctx_issuer, NID_subject_key_identifier, "hash");
  if (signer != NULL)
    add_ext (cert, ctx_issuer, NID_authority_key_identifier, "keyid:always");
  if (eku != NULL)
    add_ext (cert, ctx_issuer, NID_ext_key_usage, eku);
  g_assert_cmpint (X509_sign (cert, signer_key != NULL ? signer_key : key, EVP_sha256 ()), >, 0);
  return cert;
}

static void
make_hierarchy (void)
{
  issuer_key = EVP_EC_gen ("P-256");
  other_key = EVP_EC_gen ("P-256");
  impostor_key = EVP_EC_gen ("P-256");
  ee_key = EVP_EC_gen ("P-256");
  responder_key = EVP_EC_gen ("P-256");
  issuer = make_cert ("Test OCSP Root", NULL, NULL, issuer_key, 1, TRUE, NULL);
  other_root = make_cert ("Other Root", NULL, NULL, other_key, 1, TRUE, NULL);
  /* the issuer's name, another key */
  impostor = make_cert ("Test OCSP Root", NULL, NULL, impostor_key, 1, TRUE, NULL);
  ee = make_cert ("MADOTEST00000000OCSPEE1", issuer, issuer_key, ee_key, 1001, FALSE, NULL);
  ee2 = make_cert ("MADOTEST00000000OCSPEE2", issuer, issuer_key, ee_key, 1002, FALSE, NULL);
  responder = make_cert ("Test OCSP Responder", issuer, issuer_key, responder_key, 2001, FALSE,
                         "OCSPSigning");
  responder_no_eku
      = make_cert ("Test OCSP Responder", issuer, issuer_key, responder_key, 2002, FALSE, NULL);
  responder_other = make_cert ("Test OCSP Responder", other_root, other_key, responder_key, 2003,
                               FALSE, "OCSPSigning");
}

/* --- responses ------------------------------------------------------------------------------- */

typedef enum
{
  NONCE_ECHO,
  NONCE_NONE,
  NONCE_OTHER,
} NonceMode;

typedef struct
{
  int response_status; /* OCSP_RESPONSE_STATUS_* (0: successful) */
  int cert_status;     /* V_OCSP_CERTSTATUS_* (0: good) */
  X509 *answer_for;    /* NULL: ee */
  gint64 this_offset;  /* thisUpdate = now + this_offset */
  gboolean has_next;
  gint64 next_offset;
  NonceMode nonce;
  X509 *signer; /* NULL: the issuer */
  EVP_PKEY *signer_key;
  gboolean no_certs;   /* no certificates in the response (OCSP_NOCERTS) */
  gboolean tamper;     /* flip the last byte (with no_certs: the signature's) */
  const char *garbage; /* instead of a response */
  GError *fail;        /* the transport fails with this */
} Scenario;

static GBytes *
build_response (GBytes *request_der, const Scenario *sc)
{
  if (sc->garbage != NULL)
    return g_bytes_new (sc->garbage, strlen (sc->garbage));

  const unsigned char *p = g_bytes_get_data (request_der, NULL);
  g_autoptr (OCSP_REQUEST) request
      = d2i_OCSP_REQUEST (NULL, &p, (long)g_bytes_get_size (request_der));
  g_assert_nonnull (request);

  g_autoptr (OCSP_RESPONSE) response = NULL;
  if (sc->response_status != OCSP_RESPONSE_STATUS_SUCCESSFUL)
    response = OCSP_response_create (sc->response_status, NULL);
  else
    {
      g_autoptr (OCSP_BASICRESP) basic = OCSP_BASICRESP_new ();
      g_autoptr (OCSP_CERTID) id
          = OCSP_cert_to_id (EVP_sha1 (), sc->answer_for != NULL ? sc->answer_for : ee, issuer);
      g_autoptr (ASN1_TIME) this_update
          = ASN1_GENERALIZEDTIME_set (NULL, (time_t)(now + sc->this_offset));
      g_autoptr (ASN1_TIME) next_update
          = sc->has_next ? ASN1_GENERALIZEDTIME_set (NULL, (time_t)(now + sc->next_offset)) : NULL;
      g_autoptr (ASN1_TIME) revoked_at = ASN1_GENERALIZEDTIME_set (NULL, (time_t)(now - 3600));
      int status = sc->cert_status;
      g_assert_nonnull (OCSP_basic_add1_status (
          basic, id, status,
          status == V_OCSP_CERTSTATUS_REVOKED ? OCSP_REVOKED_STATUS_KEYCOMPROMISE : 0,
          status == V_OCSP_CERTSTATUS_REVOKED ? revoked_at : NULL, this_update, next_update));
      if (sc->nonce == NONCE_ECHO)
        g_assert_cmpint (OCSP_copy_nonce (basic, request), ==, 1);
      else if (sc->nonce == NONCE_OTHER)
        g_assert_cmpint (OCSP_basic_add1_nonce (basic, NULL, 32), ==, 1);
      X509 *signer = sc->signer != NULL ? sc->signer : issuer;
      EVP_PKEY *key = sc->signer_key != NULL ? sc->signer_key : issuer_key;
      STACK_OF (X509) *certs = sk_X509_new_null ();
      sk_X509_push (certs, signer);
      g_assert_cmpint (OCSP_basic_sign (basic, signer, key, EVP_sha256 (), certs,
                                        sc->no_certs ? OCSP_NOCERTS : 0),
                       ==, 1);
      sk_X509_free (certs);
      response = OCSP_response_create (OCSP_RESPONSE_STATUS_SUCCESSFUL, basic);
    }
  unsigned char *der = NULL;
  int len = i2d_OCSP_RESPONSE (response, &der);
  g_assert_cmpint (len, >, 0);
  if (sc->tamper)
    der[len - 1] ^= 0x01;
  GBytes *bytes = g_bytes_new (der, (gsize)len);
  OPENSSL_free (der);
  return bytes;
}

/* --- a fake transport ------------------------------------------------------------------------ */

#define FAKE_TYPE_TRANSPORT (fake_transport_get_type ())
G_DECLARE_FINAL_TYPE (FakeTransport, fake_transport, FAKE, TRANSPORT, GObject)

struct _FakeTransport
{
  GObject parent_instance;
  Scenario scenario;
  guint posts;
  char *last_url;
  GBytes *replay;        /* when set: served instead of a built response */
  GBytes *last_response; /* what was served last */
};

static void fake_transport_iface_init (MadoOcspTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeTransport, fake_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_OCSP_TRANSPORT,
                                                      fake_transport_iface_init))

static void
fake_transport_finalize (GObject *object)
{
  FakeTransport *self = FAKE_TRANSPORT (object);
  g_free (self->last_url);
  g_clear_pointer (&self->replay, g_bytes_unref);
  g_clear_pointer (&self->last_response, g_bytes_unref);
  g_clear_error (&self->scenario.fail);
  G_OBJECT_CLASS (fake_transport_parent_class)->finalize (object);
}

static void
fake_transport_class_init (FakeTransportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fake_transport_finalize;
}

static void
fake_transport_init (FakeTransport *self)
{
}

static GBytes *
fake_transport_post (MadoOcspTransport *transport, const char *url, GBytes *body, guint timeout_ms,
                     GCancellable *cancellable, GError **error)
{
  FakeTransport *self = FAKE_TRANSPORT (transport);

  self->posts++;
  g_free (self->last_url);
  self->last_url = g_strdup (url);
  g_assert_cmpuint (timeout_ms, >, 0);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (self->scenario.fail != NULL)
    {
      g_propagate_error (error, g_error_copy (self->scenario.fail));
      return NULL;
    }
  GBytes *response
      = self->replay != NULL ? g_bytes_ref (self->replay) : build_response (body, &self->scenario);
  g_clear_pointer (&self->last_response, g_bytes_unref);
  self->last_response = g_bytes_ref (response);
  return response;
}

static void
fake_transport_iface_init (MadoOcspTransportInterface *iface)
{
  iface->post = fake_transport_post;
}

static FakeTransport *
fake_new (const Scenario *scenario)
{
  FakeTransport *fake = g_object_new (FAKE_TYPE_TRANSPORT, NULL);
  if (scenario != NULL)
    fake->scenario = *scenario;
  return fake;
}

/* --- helpers --------------------------------------------------------------------------------- */

static const char *const allowed[] = { "http://ocsp.test/", NULL };

static void
options_for (MadoOcspOptions *options, FakeTransport *fake)
{
  mado_ocsp_options_init (options);
  options->allowed_url_prefixes = allowed;
  options->transport = MADO_OCSP_TRANSPORT (fake);
}

/* Runs one check of ee against @scenario and returns the reason; the answer in @out if given. */
static MadoVerdictReason
run (const Scenario *scenario, MadoRevocationAnswer *out)
{
  g_autoptr (FakeTransport) fake = fake_new (scenario);
  MadoOcspOptions options;
  MadoRevocationAnswer answer = { 0 };
  g_autoptr (GError) error = NULL;

  options_for (&options, fake);
  g_assert_true (mado_ocsp_check (ee, issuer, URL, &options, now, NULL, &answer, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake->posts, ==, 1);
  g_assert_cmpstr (fake->last_url, ==, URL);
  g_assert_nonnull (answer.detail);
  g_test_message ("%s: %s", mado_verdict_reason_to_string (answer.reason), answer.detail);
  MadoVerdictReason reason = answer.reason;
  if (reason != MADO_REASON_REVOKED_OCSP)
    {
      g_assert_cmpint (answer.revoked_at, ==, 0);
    }
  if (out != NULL)
    *out = answer;
  else
    mado_revocation_answer_clear (&answer);
  return reason;
}

/* --- tests ----------------------------------------------------------------------------------- */

static void
test_good (void)
{
  Scenario sc = { 0 };
  g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_NONE);
  /* nextUpdate in the future is fine */
  sc.has_next = TRUE;
  sc.next_offset = 3600;
  g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_NONE);
  /* signed by the issuer without its certificate in the response */
  Scenario bare = { .no_certs = TRUE };
  g_assert_cmpint (run (&bare, NULL), ==, MADO_REASON_NONE);
  /* a little clock skew either way is tolerated */
  sc.this_offset = 120;
  g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_NONE);
}

static void
test_revoked (void)
{
  Scenario sc = { .cert_status = V_OCSP_CERTSTATUS_REVOKED };
  MadoRevocationAnswer answer = { 0 };
  g_assert_cmpint (run (&sc, &answer), ==, MADO_REASON_REVOKED_OCSP);
  g_assert_cmpint (answer.revoked_at, ==, now - 3600);
  g_assert_cmpint (answer.crl_reason, ==, OCSP_REVOKED_STATUS_KEYCOMPROMISE);
  g_assert_cmpint (mado_verdict_reason_kind (answer.reason), ==, MADO_VERDICT_REVOKED);
  mado_revocation_answer_clear (&answer);
}

static void
test_unknown_status (void)
{
  Scenario sc = { .cert_status = V_OCSP_CERTSTATUS_UNKNOWN };
  g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_OCSP_STATUS_UNKNOWN);
}

static void
test_wrong_cert (void)
{
  Scenario sc = { .answer_for = ee2 };
  g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_OCSP_WRONG_CERT);
}

static void
test_stale (void)
{
  /* thisUpdate two days old, no nextUpdate */
  Scenario sc = { .this_offset = -2 * 86400 };
  g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_OCSP_STALE);
  /* thisUpdate older than max age even with a nextUpdate still ahead */
  sc.has_next = TRUE;
  sc.next_offset = 86400;
  g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_OCSP_STALE);
  /* thisUpdate an hour ahead of our clock */
  Scenario future = { .this_offset = 3600 };
  g_assert_cmpint (run (&future, NULL), ==, MADO_REASON_OCSP_STALE);
}

static void
test_past_next_update (void)
{
  Scenario sc = { .this_offset = -1000, .has_next = TRUE, .next_offset = -400 };
  g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_OCSP_STALE);
  /* within the skew it is still current */
  sc.next_offset = -200;
  g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_NONE);
  /* nextUpdate before thisUpdate is nonsense */
  Scenario backwards = { .this_offset = -10, .has_next = TRUE, .next_offset = -20 };
  g_assert_cmpint (run (&backwards, NULL), ==, MADO_REASON_OCSP_BAD_RESPONSE);
}

static void
test_nonce_missing (void)
{
  Scenario sc = { .nonce = NONCE_NONE };
  g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_OCSP_NONCE);
}

static void
test_nonce_wrong (void)
{
  Scenario sc = { .nonce = NONCE_OTHER };
  g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_OCSP_NONCE);
}

static void
test_replay (void)
{
  g_autoptr (FakeTransport) fake = fake_new (NULL);
  MadoOcspOptions options;
  MadoRevocationAnswer answer = { 0 };

  options_for (&options, fake);
  g_assert_true (mado_ocsp_check (ee, issuer, URL, &options, now, NULL, &answer, NULL));
  g_assert_cmpint (answer.reason, ==, MADO_REASON_NONE);
  /* the same (validly signed, current) response again, for a new request */
  fake->replay = g_bytes_ref (fake->last_response);
  g_assert_true (mado_ocsp_check (ee, issuer, URL, &options, now, NULL, &answer, NULL));
  g_assert_cmpint (answer.reason, ==, MADO_REASON_OCSP_NONCE);
  mado_revocation_answer_clear (&answer);
}

static void
test_bad_signature (void)
{
  /* signed by a key of the issuer's name that is not the issuer's */
  Scenario sc = { .signer = impostor, .signer_key = impostor_key };
  g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_OCSP_BAD_RESPONSE);
  /* a good response with one signature byte flipped */
  Scenario tampered = { .tamper = TRUE, .no_certs = TRUE };
  g_assert_cmpint (run (&tampered, NULL), ==, MADO_REASON_OCSP_BAD_RESPONSE);
  /* signed by the end entity itself */
  Scenario self = { .signer = ee, .signer_key = ee_key };
  g_assert_cmpint (run (&self, NULL), ==, MADO_REASON_OCSP_BAD_RESPONSE);
}

static void
test_delegated_responder (void)
{
  Scenario sc = { .signer = responder, .signer_key = responder_key };
  g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_NONE);
  Scenario revoked = { .signer = responder,
                       .signer_key = responder_key,
                       .cert_status = V_OCSP_CERTSTATUS_REVOKED };
  g_assert_cmpint (run (&revoked, NULL), ==, MADO_REASON_REVOKED_OCSP);
}

static void
test_unauthorised_responder (void)
{
  /* signed by the issuer, but without the OCSPSigning extended key usage */
  Scenario no_eku = { .signer = responder_no_eku, .signer_key = responder_key };
  g_assert_cmpint (run (&no_eku, NULL), ==, MADO_REASON_OCSP_BAD_RESPONSE);
  /* OCSPSigning, but from another CA */
  Scenario other = { .signer = responder_other, .signer_key = responder_key };
  g_assert_cmpint (run (&other, NULL), ==, MADO_REASON_OCSP_BAD_RESPONSE);
  /* another CA's root signing for our issuer's certificate */
  Scenario root = { .signer = other_root, .signer_key = other_key };
  g_assert_cmpint (run (&root, NULL), ==, MADO_REASON_OCSP_BAD_RESPONSE);
}

static void
test_responder_expired (void)
{
  /* the delegated responder's certificate checked at our time: a year on it has expired */
  g_autoptr (FakeTransport) fake = fake_new (NULL);
  fake->scenario.signer = responder;
  fake->scenario.signer_key = responder_key;
  fake->scenario.this_offset = 0;
  MadoOcspOptions options;
  MadoRevocationAnswer answer = { 0 };
  options_for (&options, fake);
  options.max_age = 3 * 365 * 86400; /* so that only the certificate's validity matters */
  gint64 later = now + 2 * 365 * 86400;
  fake->scenario.this_offset = later - now;
  g_assert_true (mado_ocsp_check (ee, issuer, URL, &options, later, NULL, &answer, NULL));
  g_assert_cmpint (answer.reason, ==, MADO_REASON_OCSP_BAD_RESPONSE);
  mado_revocation_answer_clear (&answer);
}

static void
test_garbage (void)
{
  Scenario sc = { .garbage = "\x30\x03\x0a\x01\x00 this is not OCSP" };
  g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_OCSP_BAD_RESPONSE);
  Scenario html = { .garbage = "<html>Service Unavailable</html>" };
  g_assert_cmpint (run (&html, NULL), ==, MADO_REASON_OCSP_BAD_RESPONSE);
  Scenario empty = { .garbage = "" };
  g_assert_cmpint (run (&empty, NULL), ==, MADO_REASON_OCSP_BAD_RESPONSE);

  /* a good response, truncated or followed by more bytes */
  g_autoptr (FakeTransport) fake = fake_new (NULL);
  MadoOcspOptions options;
  MadoRevocationAnswer answer = { 0 };
  options_for (&options, fake);
  g_assert_true (mado_ocsp_check (ee, issuer, URL, &options, now, NULL, &answer, NULL));
  g_assert_cmpint (answer.reason, ==, MADO_REASON_NONE);
  g_autoptr (GBytes) good = g_bytes_ref (fake->last_response);
  g_autoptr (MadoOcspRequest) request = mado_ocsp_request_new (ee, issuer, NULL);
  gsize size = g_bytes_get_size (good);
  for (gsize cut = 1; cut < size; cut += 37)
    {
      g_autoptr (GBytes) truncated = g_bytes_new_from_bytes (good, 0, cut);
      mado_ocsp_request_check_response (request, issuer, truncated, &options, now, &answer);
      g_assert_cmpint (answer.reason, ==, MADO_REASON_OCSP_BAD_RESPONSE);
    }
  g_autoptr (GByteArray) longer = g_byte_array_new ();
  g_byte_array_append (longer, g_bytes_get_data (good, NULL), (guint)size);
  g_byte_array_append (longer, (const guint8 *)"\0", 1);
  g_autoptr (GBytes) trailing = g_bytes_new (longer->data, longer->len);
  mado_ocsp_request_check_response (request, issuer, trailing, &options, now, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_OCSP_BAD_RESPONSE);
  mado_revocation_answer_clear (&answer);
}

static void
test_unsuccessful (void)
{
  const int statuses[] = { OCSP_RESPONSE_STATUS_MALFORMEDREQUEST,
                           OCSP_RESPONSE_STATUS_INTERNALERROR, OCSP_RESPONSE_STATUS_TRYLATER,
                           OCSP_RESPONSE_STATUS_SIGREQUIRED, OCSP_RESPONSE_STATUS_UNAUTHORIZED };
  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      Scenario sc = { .response_status = statuses[i] };
      g_assert_cmpint (run (&sc, NULL), ==, MADO_REASON_OCSP_BAD_RESPONSE);
    }
}

static void
test_not_allowed (void)
{
  g_autoptr (FakeTransport) fake = fake_new (NULL);
  MadoOcspOptions options;
  MadoRevocationAnswer answer = { 0 };
  const char *const urls[] = {
    "http://evil.test/",
    "http://ocsp.test.evil.test/",
    "http://ocsp.test",
    "https://ocsp.test/",
    "http://ocsp.test/ x",
    "http://ocsp.test/\r\nHost: x",
    "",
  };

  options_for (&options, fake);
  for (gsize i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_assert_true (mado_ocsp_check (ee, issuer, urls[i], &options, now, NULL, &answer, NULL));
      g_assert_cmpint (answer.reason, ==, MADO_REASON_OCSP_NOT_ALLOWED);
    }
  g_assert_true (mado_ocsp_check (ee, issuer, NULL, &options, now, NULL, &answer, NULL));
  g_assert_cmpint (answer.reason, ==, MADO_REASON_OCSP_NOT_ALLOWED);
  /* no allow-list at all: nothing is allowed */
  options.allowed_url_prefixes = NULL;
  g_assert_true (mado_ocsp_check (ee, issuer, URL, &options, now, NULL, &answer, NULL));
  g_assert_cmpint (answer.reason, ==, MADO_REASON_OCSP_NOT_ALLOWED);
  g_assert_cmpuint (fake->posts, ==, 0); /* nothing was sent */
  mado_revocation_answer_clear (&answer);
}

static void
test_url_allowed (void)
{
  const char *const prefixes[] = { "http://a.test", "http://b.test:8080/ocsp/", NULL };
  g_assert_true (mado_ocsp_url_allowed ("http://a.test", prefixes));
  g_assert_true (mado_ocsp_url_allowed ("http://a.test/", prefixes));
  g_assert_true (mado_ocsp_url_allowed ("http://a.test/x?y", prefixes));
  g_assert_true (mado_ocsp_url_allowed ("http://a.test?q", prefixes));
  g_assert_false (mado_ocsp_url_allowed ("http://a.test.evil/", prefixes));
  g_assert_false (mado_ocsp_url_allowed ("http://a.test:81/", prefixes));
  g_assert_false (mado_ocsp_url_allowed ("http://a.test@evil/", prefixes));
  g_assert_true (mado_ocsp_url_allowed ("http://b.test:8080/ocsp/auth", prefixes));
  g_assert_false (mado_ocsp_url_allowed ("http://b.test:8080/ocspx", prefixes));
  g_assert_false (mado_ocsp_url_allowed ("http://b.test:8080/", prefixes));
  g_assert_false (mado_ocsp_url_allowed ("http://a.test/\tx", prefixes));
  g_assert_false (mado_ocsp_url_allowed ("http://a.test/", NULL));
  const char *const empty[] = { "", NULL };
  g_assert_false (mado_ocsp_url_allowed ("http://a.test/", empty));
}

static void
test_transport_errors (void)
{
  const struct
  {
    int code;
    MadoVerdictReason reason;
  } cases[] = {
    { G_IO_ERROR_TIMED_OUT, MADO_REASON_OCSP_TIMEOUT },
    { G_IO_ERROR_CONNECTION_REFUSED, MADO_REASON_OCSP_UNREACHABLE },
    { G_IO_ERROR_HOST_UNREACHABLE, MADO_REASON_OCSP_UNREACHABLE },
    { G_IO_ERROR_NETWORK_UNREACHABLE, MADO_REASON_OCSP_UNREACHABLE },
    { G_IO_ERROR_CONNECTION_CLOSED, MADO_REASON_OCSP_UNREACHABLE },
    { G_IO_ERROR_INVALID_DATA, MADO_REASON_OCSP_BAD_RESPONSE },
    { G_IO_ERROR_MESSAGE_TOO_LARGE, MADO_REASON_OCSP_BAD_RESPONSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Scenario sc = { .fail = g_error_new_literal (G_IO_ERROR, cases[i].code, "fake failure") };
      g_assert_cmpint (run (&sc, NULL), ==, cases[i].reason);
    }
}

static void
test_cancelled (void)
{
  g_autoptr (FakeTransport) fake = fake_new (NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  MadoOcspOptions options;
  MadoRevocationAnswer answer = { 0 };
  g_autoptr (GError) error = NULL;

  options_for (&options, fake);
  g_cancellable_cancel (cancellable);
  g_assert_false (mado_ocsp_check (ee, issuer, URL, &options, now, cancellable, &answer, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_OCSP_UNREACHABLE);
  mado_revocation_answer_clear (&answer);
}

static void
on_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

static void
test_async (void)
{
  g_autoptr (FakeTransport) fake = fake_new (NULL);
  MadoOcspOptions options;
  MadoRevocationAnswer answer = { 0 };
  GAsyncResult *result = NULL;
  g_autoptr (GError) error = NULL;

  fake->scenario.cert_status = V_OCSP_CERTSTATUS_REVOKED;
  options_for (&options, fake);
  mado_ocsp_check_async (ee, issuer, URL, &options, now, NULL, on_checked, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (mado_ocsp_check_finish (result, &answer, &error));
  g_assert_no_error (error);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_REVOKED_OCSP);
  g_assert_cmpint (answer.crl_reason, ==, OCSP_REVOKED_STATUS_KEYCOMPROMISE);
  g_clear_object (&result);

  /* cancelled before it runs: an error, and the answer is not good */
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  fake->scenario.cert_status = V_OCSP_CERTSTATUS_GOOD;
  g_cancellable_cancel (cancellable);
  mado_ocsp_check_async (ee, issuer, URL, &options, now, cancellable, on_checked, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (mado_ocsp_check_finish (result, &answer, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (answer.reason, !=, MADO_REASON_NONE);
  g_clear_object (&result);
  mado_revocation_answer_clear (&answer);
}

static void
test_revocation_source (void)
{
  g_autoptr (FakeTransport) fake = fake_new (NULL);
  MadoOcspOptions options;
  MadoRevocationAnswer answer = { 0 };
  MadoTrustRoot root = { .certificate = issuer };

  options_for (&options, fake);
  g_autoptr (MadoRevocationSource) source = mado_ocsp_source_new (URL, &options);
  unsigned char *ee_der = NULL;
  int ee_len = i2d_X509 (ee, &ee_der);
  g_autoptr (GBytes) der = g_bytes_new (ee_der, (gsize)ee_len);
  OPENSSL_free (ee_der);
  const ASN1_INTEGER *serial = X509_get0_serialNumber (ee);
  mado_revocation_source_check (source, der, serial, &root, now, NULL, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_NONE);
  fake->scenario.nonce = NONCE_NONE;
  mado_revocation_source_check (source, der, serial, &root, now, NULL, &answer);
  g_assert_cmpint (answer.reason, ==, MADO_REASON_OCSP_NONCE);
  g_assert_cmpuint (fake->posts, ==, 2);
  mado_revocation_answer_clear (&answer);
}

static void
test_request (void)
{
  guint8 nonce[32];
  memset (nonce, 0x5a, sizeof nonce);
  g_autoptr (MadoOcspRequest) a = mado_ocsp_request_new (ee, issuer, NULL);
  g_autoptr (MadoOcspRequest) b = mado_ocsp_request_new (ee, issuer, NULL);
  g_autoptr (GBytes) da = mado_ocsp_request_get_der (a);
  g_autoptr (GBytes) db = mado_ocsp_request_get_der (b);
  /* fresh nonces: two requests for the same certificate differ */
  g_assert_false (g_bytes_equal (da, db));

  const unsigned char *p = g_bytes_get_data (da, NULL);
  g_autoptr (OCSP_REQUEST) parsed = d2i_OCSP_REQUEST (NULL, &p, (long)g_bytes_get_size (da));
  g_assert_nonnull (parsed);
  g_assert_cmpint (OCSP_request_onereq_count (parsed), ==, 1);
  OCSP_CERTID *id = OCSP_onereq_get0_id (OCSP_request_onereq_get0 (parsed, 0));
  ASN1_OBJECT *hash = NULL;
  g_assert_cmpint (OCSP_id_get0_info (NULL, &hash, NULL, NULL, id), ==, 1);
  g_assert_cmpint (OBJ_obj2nid (hash), ==, NID_sha1);
  int nonce_index = OCSP_REQUEST_get_ext_by_NID (parsed, NID_id_pkix_OCSP_Nonce, -1);
  g_assert_cmpint (nonce_index, >=, 0);
  ASN1_OCTET_STRING *value = X509_EXTENSION_get_data (OCSP_REQUEST_get_ext (parsed, nonce_index));
  /* the extension value is an OCTET STRING wrapping the 32 random bytes */
  g_assert_cmpint (ASN1_STRING_length (value), ==, 34);

  g_autoptr (MadoOcspRequest) fixed
      = mado_ocsp_request_new_with_nonce (ee, issuer, nonce, sizeof nonce, NULL);
  g_autoptr (MadoOcspRequest) fixed2
      = mado_ocsp_request_new_with_nonce (ee, issuer, nonce, sizeof nonce, NULL);
  g_autoptr (GBytes) df = mado_ocsp_request_get_der (fixed);
  g_autoptr (GBytes) df2 = mado_ocsp_request_get_der (fixed2);
  g_assert_true (g_bytes_equal (df, df2));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  now = g_get_real_time () / G_USEC_PER_SEC;
  make_hierarchy ();

  g_test_add_func ("/ocsp/request", test_request);
  g_test_add_func ("/ocsp/good", test_good);
  g_test_add_func ("/ocsp/revoked", test_revoked);
  g_test_add_func ("/ocsp/unknown-status", test_unknown_status);
  g_test_add_func ("/ocsp/wrong-cert", test_wrong_cert);
  g_test_add_func ("/ocsp/stale-this-update", test_stale);
  g_test_add_func ("/ocsp/past-next-update", test_past_next_update);
  g_test_add_func ("/ocsp/nonce-missing", test_nonce_missing);
  g_test_add_func ("/ocsp/nonce-wrong", test_nonce_wrong);
  g_test_add_func ("/ocsp/replay", test_replay);
  g_test_add_func ("/ocsp/bad-signature", test_bad_signature);
  g_test_add_func ("/ocsp/delegated-responder", test_delegated_responder);
  g_test_add_func ("/ocsp/unauthorised-responder", test_unauthorised_responder);
  g_test_add_func ("/ocsp/responder-expired", test_responder_expired);
  g_test_add_func ("/ocsp/garbage", test_garbage);
  g_test_add_func ("/ocsp/unsuccessful-status", test_unsuccessful);
  g_test_add_func ("/ocsp/not-allowed", test_not_allowed);
  g_test_add_func ("/ocsp/url-allowed", test_url_allowed);
  g_test_add_func ("/ocsp/transport-errors", test_transport_errors);
  g_test_add_func ("/ocsp/cancelled", test_cancelled);
  g_test_add_func ("/ocsp/async", test_async);
  g_test_add_func ("/ocsp/revocation-source", test_revocation_source);

  int status = g_test_run ();
  X509 *certs[]
      = { issuer, other_root, impostor, ee, ee2, responder, responder_no_eku, responder_other };
  for (gsize i = 0; i < G_N_ELEMENTS (certs); i++)
    X509_free (certs[i]);
  EVP_PKEY *keys[] = { issuer_key, other_key, impostor_key, ee_key, responder_key };
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    EVP_PKEY_free (keys[i]);
  return status;
}
