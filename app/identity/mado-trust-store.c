/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mado-identity"

#include "mado-trust-store.h"

#include <openssl/pem.h>

#include "mado-identity-error.h"
#include "mado-openssl-private.h"

struct _MadoTrustStore
{
  gatomicrefcount ref;
  gboolean test_mode;
  GHashTable *pins; /* lowercase hex fingerprints */
  GPtrArray *roots; /* MadoTrustRoot */
};

static void
root_free (gpointer data)
{
  MadoTrustRoot *root = data;
  X509_free (root->certificate);
  g_free (root->fingerprint);
  g_free (root->source);
  g_free (root);
}

MadoTrustStore *
mado_trust_store_new (gboolean test_mode)
{
  MadoTrustStore *self = g_new0 (MadoTrustStore, 1);
  g_atomic_ref_count_init (&self->ref);
  self->test_mode = test_mode;
  self->pins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->roots = g_ptr_array_new_with_free_func (root_free);
  return self;
}

MadoTrustStore *
mado_trust_store_ref (MadoTrustStore *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
mado_trust_store_unref (MadoTrustStore *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  g_hash_table_unref (self->pins);
  g_ptr_array_unref (self->roots);
  g_free (self);
}

gboolean
mado_trust_store_get_test_mode (MadoTrustStore *self)
{
  return self->test_mode;
}

gboolean
mado_trust_store_pin (MadoTrustStore *self, const char *fingerprint, GError **error)
{
  GString *hex = g_string_new (NULL);
  for (const char *p = fingerprint; p != NULL && *p != '\0'; p++)
    {
      if (*p == ':' || g_ascii_isspace (*p))
        continue;
      if (!g_ascii_isxdigit (*p))
        break;
      g_string_append_c (hex, g_ascii_tolower (*p));
    }
  if (hex->len != 64)
    {
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_TRUST_STORE,
                   "“%s” is not a SHA-256 fingerprint (64 hex digits)", fingerprint);
      g_string_free (hex, TRUE);
      return FALSE;
    }
  g_hash_table_add (self->pins, g_string_free (hex, FALSE));
  return TRUE;
}

char *
mado_certificate_fingerprint (X509 *certificate)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest (certificate, EVP_sha256 (), md, &len) != 1)
    return NULL;
  GString *hex = g_string_sized_new (64);
  for (unsigned int i = 0; i < len; i++)
    g_string_append_printf (hex, "%02x", md[i]);
  return g_string_free (hex, FALSE);
}

gboolean
mado_certificate_key_sha256 (X509 *certificate, guint8 *out32)
{
  unsigned char *der = NULL;
  int len = i2d_PUBKEY (X509_get0_pubkey (certificate), &der);
  if (len <= 0)
    return FALSE;
  gboolean ok = EVP_Digest (der, (size_t)len, out32, NULL, EVP_sha256 (), NULL) == 1;
  OPENSSL_free (der);
  return ok;
}

gboolean
mado_trust_store_add (MadoTrustStore *self, X509 *certificate, const char *source, GError **error)
{
  /* A root: self-issued, a CA that may sign certificates, and signed by its own key. */
  EVP_PKEY *key = X509_get0_pubkey (certificate);
  if (key == NULL
      || X509_NAME_cmp (X509_get_subject_name (certificate), X509_get_issuer_name (certificate))
             != 0
      || X509_check_ca (certificate) < 1 || X509_verify (certificate, key) != 1)
    {
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_TRUST_STORE,
                   "%s: not a self-signed CA certificate", source);
      return FALSE;
    }

  g_autofree char *fingerprint = mado_certificate_fingerprint (certificate);
  gboolean pinned = g_hash_table_contains (self->pins, fingerprint);
  if (!pinned && !self->test_mode)
    {
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_TRUST_STORE,
                   "%s: root %s is not pinned; in production mode only the pinned J-LIS roots "
                   "are trusted ([identity] pinned-roots)",
                   source, fingerprint);
      return FALSE;
    }
  for (guint i = 0; i < self->roots->len; i++)
    if (g_str_equal (((MadoTrustRoot *)g_ptr_array_index (self->roots, i))->fingerprint,
                     fingerprint))
      return TRUE; /* the same root twice */

  MadoTrustRoot *root = g_new0 (MadoTrustRoot, 1);
  X509_up_ref (certificate);
  root->certificate = certificate;
  root->key = key;
  root->fingerprint = g_steal_pointer (&fingerprint);
  root->source = g_strdup (source);
  root->pinned = pinned;
  if (!mado_certificate_key_sha256 (certificate, root->key_sha256))
    {
      root_free (root);
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_TRUST_STORE,
                   "%s: cannot encode the root's key", source);
      return FALSE;
    }
  g_ptr_array_add (self->roots, root);
  return TRUE;
}

static gboolean
load_file (MadoTrustStore *self, const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_TRUST_STORE, "%s",
                   local->message);
      return FALSE;
    }
  if (len > 0 && data[0] == 0x30)
    {
      const unsigned char *p = (const unsigned char *)data;
      g_autoptr (X509) cert = d2i_X509 (NULL, &p, (long)len);
      if (cert == NULL)
        goto bad;
      return mado_trust_store_add (self, cert, path, error);
    }

  BIO *bio = BIO_new_mem_buf (data, (int)len);
  for (;;)
    {
      g_autoptr (X509) cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
      if (cert == NULL)
        break;
      n++;
      if (!mado_trust_store_add (self, cert, path, error))
        {
          BIO_free (bio);
          return FALSE;
        }
    }
  BIO_free (bio);
  if (n > 0)
    return TRUE;
bad:
  g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_TRUST_STORE,
               "%s: no certificate in PEM or DER", path);
  return FALSE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

gboolean
mado_trust_store_load_dir (MadoTrustStore *self, const char *dir, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &local);
  if (d == NULL)
    {
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_TRUST_STORE,
                   "Trust store %s: %s", dir, local->message);
      return FALSE;
    }
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".pem") || g_str_has_suffix (name, ".crt")
        || g_str_has_suffix (name, ".cer") || g_str_has_suffix (name, ".der"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names); /* a stable order whatever the file system says */
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      if (!load_file (self, path, error))
        return FALSE;
    }
  return TRUE;
}

GPtrArray *
mado_trust_store_find_by_subject (MadoTrustStore *self, const X509_NAME *name)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < self->roots->len; i++)
    {
      MadoTrustRoot *root = g_ptr_array_index (self->roots, i);
      if (X509_NAME_cmp (X509_get_subject_name (root->certificate), name) == 0)
        g_ptr_array_add (out, root);
    }
  return out;
}

const MadoTrustRoot *
mado_trust_store_find_by_key (MadoTrustStore *self, const guint8 *key_sha256)
{
  for (guint i = 0; i < self->roots->len; i++)
    {
      MadoTrustRoot *root = g_ptr_array_index (self->roots, i);
      if (memcmp (root->key_sha256, key_sha256, 32) == 0)
        return root;
    }
  return NULL;
}

guint
mado_trust_store_get_n_roots (MadoTrustStore *self)
{
  return self->roots->len;
}

const MadoTrustRoot *
mado_trust_store_get_root (MadoTrustStore *self, guint index)
{
  g_return_val_if_fail (index < self->roots->len, NULL);
  return g_ptr_array_index (self->roots, index);
}
