/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-card-link.h"

#include "mado-openssl-private.h"

gboolean
mado_card_link_get (X509 *certificate, GBytes **key_identifier, GBytes **serial)
{
  const ASN1_OCTET_STRING *kid = X509_get0_authority_key_id (certificate);
  if (kid == NULL || ASN1_STRING_length (kid) <= 0)
    return FALSE;

  g_autoptr (BIGNUM) bn = ASN1_INTEGER_to_BN (X509_get0_serialNumber (certificate), NULL);
  if (bn == NULL)
    return FALSE;
  int n = BN_num_bytes (bn);
  guint8 *magnitude = g_malloc (n > 0 ? (gsize)n : 1);
  if (n == 0)
    magnitude[0] = 0, n = 1; /* a zero serial: one zero byte */
  else
    BN_bn2bin (bn, magnitude);

  *key_identifier = g_bytes_new (ASN1_STRING_get0_data (kid), (gsize)ASN1_STRING_length (kid));
  *serial = g_bytes_new_take (magnitude, (gsize)n);
  return TRUE;
}

char *
mado_card_link_hash (X509 *certificate)
{
  g_autoptr (GBytes) kid = NULL;
  g_autoptr (GBytes) serial = NULL;
  if (!mado_card_link_get (certificate, &kid, &serial))
    return NULL;

  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, g_bytes_get_data (kid, NULL), (gssize)g_bytes_get_size (kid));
  g_checksum_update (sum, g_bytes_get_data (serial, NULL), (gssize)g_bytes_get_size (serial));
  return g_strdup (g_checksum_get_string (sum)); /* lowercase hex */
}

char *
mado_card_link_hash_der (GBytes *certificate_der)
{
  gsize len;
  const unsigned char *p = g_bytes_get_data (certificate_der, &len);
  g_autoptr (X509) cert = d2i_X509 (NULL, &p, (long)len);
  return cert != NULL ? mado_card_link_hash (cert) : NULL;
}
