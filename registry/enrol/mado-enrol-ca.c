/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mado-registry"

#include "mado-enrol-ca.h"

#include <fcntl.h>
#include <string.h>
#include <glib/gstdio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mado-registry-error.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIGNUM, BN_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_EXTENSION, X509_EXTENSION_free)

static const char *const kind_names[] = { "kiosk", "console", "server" };

const char *
mado_enrol_kind_to_string (MadoEnrolKind kind)
{
  return (guint)kind < G_N_ELEMENTS (kind_names) ? kind_names[kind] : "?";
}

gboolean
mado_enrol_kind_from_string (const char *name, MadoEnrolKind *out)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (kind_names); i++)
    if (strcmp (name, kind_names[i]) == 0)
      {
        *out = (MadoEnrolKind)i;
        return TRUE;
      }
  return FALSE;
}

void
mado_enrol_issued_free (MadoEnrolIssued *issued)
{
  if (issued == NULL)
    return;
  g_free (issued->serial_hex);
  g_free (issued);
}

gboolean
mado_enrol_terminal_id_is_valid (const char *id)
{
  gsize n = id != NULL ? strlen (id) : 0;
  if (n == 0 || n > 64)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (id[i]) && id[i] != '-' && id[i] != '_' && id[i] != '.')
      return FALSE;
  return TRUE;
}

char *
mado_enrol_normalize_serial (const char *serial_hex)
{
  if (serial_hex == NULL || *serial_hex == '\0')
    return NULL;
  for (const char *p = serial_hex; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return NULL;
  while (serial_hex[0] == '0' && serial_hex[1] != '\0')
    serial_hex++;
  return g_ascii_strup (serial_hex, -1);
}

static gboolean
fail (GError **error, const char *what)
{
  g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_ENROL, "%s", what);
  return FALSE;
}

static EVP_PKEY *
new_p256 (void)
{
  return EVP_EC_gen ("P-256");
}

static gboolean
write_pem_key (const char *path, EVP_PKEY *key, GError **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail (error, "The key file cannot be written");
  FILE *f = fdopen (fd, "w");
  if (f == NULL)
    {
      close (fd);
      return fail (error, "The key file cannot be written");
    }
  gboolean ok = PEM_write_PrivateKey (f, key, NULL, NULL, 0, NULL, NULL) == 1;
  ok = (fclose (f) == 0) && ok;
  return ok ? TRUE : fail (error, "The key file cannot be written");
}

static gboolean
write_pem_cert (const char *path, X509 *cert, GError **error)
{
  FILE *f = fopen (path, "w");
  if (f == NULL)
    return fail (error, "The certificate file cannot be written");
  gboolean ok = PEM_write_X509 (f, cert) == 1;
  ok = (fclose (f) == 0) && ok;
  return ok ? TRUE : fail (error, "The certificate file cannot be written");
}

static gboolean
add_ext (X509 *cert, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb (&ctx);
  X509V3_set_ctx (&ctx, issuer, cert, NULL, NULL, 0);
  g_autoptr (X509_EXTENSION) ext = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);
  return ext != NULL && X509_add_ext (cert, ext, -1) == 1;
}

/* A random positive 128-bit serial. */
static gboolean
set_random_serial (X509 *cert)
{
  guint8 bytes[16];
  if (RAND_bytes (bytes, sizeof bytes) != 1)
    return FALSE;
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01; /* never a leading zero byte: 16 bytes always */
  g_autoptr (BIGNUM) bn = BN_bin2bn (bytes, sizeof bytes, NULL);
  return bn != NULL && BN_to_ASN1_INTEGER (bn, X509_get_serialNumber (cert)) != NULL;
}

static X509 *
new_cert (EVP_PKEY *key, const char *cn, const char *ou, const char *org, guint days)
{
  g_autoptr (X509) cert = X509_new ();
  if (cert == NULL || X509_set_version (cert, 2) != 1 || !set_random_serial (cert)
      || X509_gmtime_adj (X509_getm_notBefore (cert), -300) == NULL
      || X509_gmtime_adj (X509_getm_notAfter (cert), (long)days * 86400) == NULL
      || X509_set_pubkey (cert, key) != 1)
    return NULL;
  X509_NAME *name = X509_get_subject_name (cert);
  if (X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8, (const guchar *)org, -1, -1, 0) != 1
      || (ou != NULL
          && X509_NAME_add_entry_by_txt (name, "OU", MBSTRING_UTF8, (const guchar *)ou, -1, -1, 0)
                 != 1)
      || X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const guchar *)cn, -1, -1, 0) != 1)
    return NULL;
  return g_steal_pointer (&cert);
}

static gint64
asn1_time_to_unix (const ASN1_TIME *t)
{
  struct tm tm;
  if (ASN1_TIME_to_tm (t, &tm) != 1)
    return 0;
  g_autoptr (GDateTime) dt = g_date_time_new_utc (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                                                  tm.tm_hour, tm.tm_min, tm.tm_sec);
  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}

gboolean
mado_enrol_ca_init (const char *dir, const char *organisation, guint days, GError **error)
{
  g_autofree char *cert_path = g_build_filename (dir, "ca.pem", NULL);
  g_autofree char *key_path = g_build_filename (dir, "ca.key", NULL);

  if (g_file_test (cert_path, G_FILE_TEST_EXISTS) || g_file_test (key_path, G_FILE_TEST_EXISTS))
    return fail (error, "A CA is already there: it is never overwritten");
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return fail (error, "The CA directory cannot be made");
  g_autoptr (EVP_PKEY) key = new_p256 ();
  g_autofree char *cn = g_strdup_printf ("%s 窓口端末認証局", organisation);
  g_autoptr (X509) cert = key != NULL ? new_cert (key, cn, NULL, organisation, days) : NULL;
  if (cert == NULL || X509_set_issuer_name (cert, X509_get_subject_name (cert)) != 1
      || !add_ext (cert, cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0")
      || !add_ext (cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign")
      || !add_ext (cert, cert, NID_subject_key_identifier, "hash")
      || X509_sign (cert, key, EVP_sha256 ()) <= 0)
    return fail (error, "The CA certificate could not be made");
  return write_pem_key (key_path, key, error) && write_pem_cert (cert_path, cert, error);
}

static gboolean
load_ca (const char *ca_dir, X509 **cert, EVP_PKEY **key, GError **error)
{
  g_autofree char *cert_path = g_build_filename (ca_dir, "ca.pem", NULL);
  g_autofree char *key_path = g_build_filename (ca_dir, "ca.key", NULL);
  FILE *f = fopen (cert_path, "r");
  if (f == NULL)
    return fail (error, "The CA certificate cannot be read (run mado-registry-admin init)");
  *cert = PEM_read_X509 (f, NULL, NULL, NULL);
  fclose (f);
  f = fopen (key_path, "r");
  if (f == NULL)
    return fail (error, "The CA key cannot be read");
  *key = PEM_read_PrivateKey (f, NULL, NULL, NULL);
  fclose (f);
  if (*cert == NULL || *key == NULL || X509_check_private_key (*cert, *key) != 1)
    return fail (error, "The CA certificate and key are unusable or do not match");
  return TRUE;
}

MadoEnrolIssued *
mado_enrol_issue (const char *ca_dir, MadoEnrolKind kind, const char *common_name,
                  const char *const *names, guint days, const char *cert_path, const char *key_path,
                  GError **error)
{
  g_autoptr (X509) ca = NULL;
  g_autoptr (EVP_PKEY) ca_key = NULL;

  if (!mado_enrol_terminal_id_is_valid (common_name))
    {
      fail (error, "The terminal id must be 1–64 of A–Z a–z 0–9 - _ .");
      return NULL;
    }
  if (!load_ca (ca_dir, &ca, &ca_key, error))
    return NULL;

  const char *org = "Madoguchi";
  X509_NAME *ca_name = X509_get_subject_name (ca);
  int org_index = X509_NAME_get_index_by_NID (ca_name, NID_organizationName, -1);
  g_autofree char *org_utf8 = NULL;
  if (org_index >= 0)
    {
      unsigned char *u = NULL;
      int n = ASN1_STRING_to_UTF8 (
          &u, X509_NAME_ENTRY_get_data (X509_NAME_get_entry (ca_name, org_index)));
      if (n > 0)
        org_utf8 = g_strndup ((const char *)u, (gsize)n);
      OPENSSL_free (u);
    }
  if (org_utf8 != NULL)
    org = org_utf8;

  g_autoptr (EVP_PKEY) key = new_p256 ();
  g_autoptr (X509) cert
      = key != NULL ? new_cert (key, common_name, mado_enrol_kind_to_string (kind), org, days)
                    : NULL;
  gboolean ok = cert != NULL && X509_set_issuer_name (cert, ca_name) == 1
                && add_ext (cert, ca, NID_basic_constraints, "critical,CA:FALSE")
                && add_ext (cert, ca, NID_key_usage, "critical,digitalSignature")
                && add_ext (cert, ca, NID_ext_key_usage,
                            kind == MADO_ENROL_KIND_SERVER ? "serverAuth" : "clientAuth")
                && add_ext (cert, ca, NID_authority_key_identifier, "keyid:always");
  if (ok && kind == MADO_ENROL_KIND_SERVER)
    {
      GString *san = g_string_new (NULL);
      for (guint i = 0; names != NULL && names[i] != NULL; i++)
        {
          gboolean ip = g_hostname_is_ip_address (names[i]);
          g_string_append_printf (san, "%s%s:%s", san->len ? "," : "", ip ? "IP" : "DNS", names[i]);
        }
      if (san->len == 0)
        g_string_append (san, "DNS:localhost,IP:127.0.0.1,IP:::1");
      ok = add_ext (cert, ca, NID_subject_alt_name, san->str);
      g_string_free (san, TRUE);
    }
  if (!ok || X509_sign (cert, ca_key, EVP_sha256 ()) <= 0)
    {
      fail (error, "The certificate could not be made");
      return NULL;
    }
  if (!write_pem_key (key_path, key, error) || !write_pem_cert (cert_path, cert, error))
    return NULL;

  g_autoptr (BIGNUM) bn = ASN1_INTEGER_to_BN (X509_get0_serialNumber (cert), NULL);
  char *hex = bn != NULL ? BN_bn2hex (bn) : NULL;
  MadoEnrolIssued *issued = g_new0 (MadoEnrolIssued, 1);
  issued->serial_hex = mado_enrol_normalize_serial (hex);
  OPENSSL_free (hex);
  issued->not_before = asn1_time_to_unix (X509_get0_notBefore (cert));
  issued->not_after = asn1_time_to_unix (X509_get0_notAfter (cert));
  return issued;
}

gboolean
mado_enrol_make_signing_key (const char *key_path, const char *public_path, GError **error)
{
  if (g_file_test (key_path, G_FILE_TEST_EXISTS))
    return fail (error, "The office key is already there: it is never overwritten");
  g_autoptr (EVP_PKEY) key = new_p256 ();
  if (key == NULL)
    return fail (error, "The office key could not be made");
  if (!write_pem_key (key_path, key, error))
    return FALSE;
  FILE *f = fopen (public_path, "w");
  if (f == NULL)
    return fail (error, "The office public key cannot be written");
  gboolean ok = PEM_write_PUBKEY (f, key) == 1;
  ok = (fclose (f) == 0) && ok;
  return ok ? TRUE : fail (error, "The office public key cannot be written");
}
