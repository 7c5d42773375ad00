/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mado-identity"

#include "mado-crl-source.h"

#include "mado-identity-error.h"
#include "mado-openssl-private.h"

struct _MadoCrlSource
{
  GObject parent_instance;
  MadoCrlIndexDir *dir;
};

static void
crl_check (MadoRevocationSource *source, GBytes *certificate_der, const ASN1_INTEGER *serial_number,
           const MadoTrustRoot *root, gint64 now, GCancellable *cancellable,
           MadoRevocationAnswer *answer)
{
  MadoCrlSource *self = MADO_CRL_SOURCE (source);
  g_autoptr (BIGNUM) bn = ASN1_INTEGER_to_BN (serial_number, NULL);
  guint8 serial[MADO_CRL_INDEX_MAX_SERIAL];
  int n = bn != NULL ? BN_num_bytes (bn) : -1;

  if (n < 0 || n > MADO_CRL_INDEX_MAX_SERIAL)
    {
      answer->reason = MADO_REASON_NO_REVOCATION_SOURCE;
      answer->detail = g_strdup ("a serial number no CRL index can hold");
      return;
    }
  if (n == 0)
    serial[0] = 0, n = 1;
  else
    BN_bn2bin (bn, serial);
  mado_crl_index_dir_check (self->dir, root->key_sha256, serial, (gsize)n, now, answer);
}

static void
crl_source_iface_init (MadoRevocationSourceInterface *iface)
{
  iface->check = crl_check;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (MadoCrlSource, mado_crl_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_REVOCATION_SOURCE,
                                                      crl_source_iface_init))

static void
mado_crl_source_finalize (GObject *object)
{
  g_clear_pointer (&MADO_CRL_SOURCE (object)->dir, mado_crl_index_dir_unref);
  G_OBJECT_CLASS (mado_crl_source_parent_class)->finalize (object);
}

static void
mado_crl_source_class_init (MadoCrlSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mado_crl_source_finalize;
}

static void
mado_crl_source_init (MadoCrlSource *self)
{
}

MadoRevocationSource *
mado_crl_source_new (MadoCrlIndexDir *dir)
{
  MadoCrlSource *self = g_object_new (MADO_TYPE_CRL_SOURCE, NULL);
  self->dir = mado_crl_index_dir_ref (dir);
  return MADO_REVOCATION_SOURCE (self);
}

/* The trusted roots of the CRL issuer's name, as keys (borrowed from the store). */
static GPtrArray *
issuer_keys (const guint8 *issuer_name_der, gsize issuer_name_len, const guint8 *akid,
             gsize akid_len, gpointer user_data)
{
  MadoTrustStore *store = user_data;
  const unsigned char *p = issuer_name_der;
  g_autoptr (X509_NAME) name = d2i_X509_NAME (NULL, &p, (long)issuer_name_len);
  if (name == NULL)
    return NULL;
  g_autoptr (GPtrArray) roots = mado_trust_store_find_by_subject (store, name);
  GPtrArray *keys = g_ptr_array_new ();
  for (guint i = 0; i < roots->len; i++)
    g_ptr_array_add (keys, ((MadoTrustRoot *)g_ptr_array_index (roots, i))->key);
  return keys;
}

gboolean
mado_crl_source_add_crl (MadoCrlSource *self, MadoTrustStore *store, const char *crl_path,
                         gboolean *replaced, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (MadoCrlIndex) index
      = mado_crl_index_dir_add_crl (self->dir, crl_path, issuer_keys, store, &local);
  if (replaced != NULL)
    *replaced = index != NULL;
  if (index != NULL)
    return TRUE;
  if (g_error_matches (local, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_CRL_NOT_NEWER))
    {
      g_debug ("%s: %s", crl_path, local->message);
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}
