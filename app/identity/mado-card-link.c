/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-card-link.h"

#include "mado-cert-parse.h"
#include "mado-openssl-private.h"

GBytes *
mado_card_link_serial_magnitude (const ASN1_INTEGER *serial)
{
  g_autoptr (BIGNUM) bn = ASN1_INTEGER_to_BN (serial, NULL);
  if (bn == NULL || BN_is_negative (bn))
    return NULL;
  int n = BN_num_bytes (bn);
  if (n == 0)
    return g_bytes_new ("", 1); /* a zero serial: one zero byte */
  guint8 *magnitude = g_malloc ((gsize)n);
  BN_bn2bin (bn, magnitude);
  return g_bytes_new_take (magnitude, (gsize)n);
}

GBytes *
mado_card_link_magnitude (GBytes *serial)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (serial, &length);
  gsize skip = 0;

  while (skip + 1 < length && data[skip] == 0)
    skip++;
  return g_bytes_new_from_bytes (serial, skip, length - skip);
}

char *
mado_card_link_hash_parts (GBytes *key_identifier, GBytes *serial)
{
  g_autoptr (GBytes) magnitude = mado_card_link_magnitude (serial);
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize length;
  const guint8 *data = g_bytes_get_data (key_identifier, &length);

  g_checksum_update (sum, data, (gssize)length);
  data = g_bytes_get_data (magnitude, &length);
  g_checksum_update (sum, data, (gssize)length);
  return g_strdup (g_checksum_get_string (sum)); /* lowercase hex */
}

gboolean
mado_card_link_get (X509 *certificate, GBytes **key_identifier, GBytes **serial)
{
  const ASN1_OCTET_STRING *kid = X509_get0_authority_key_id (certificate);
  if (kid == NULL || ASN1_STRING_length (kid) <= 0)
    return FALSE;
  GBytes *magnitude = mado_card_link_serial_magnitude (X509_get0_serialNumber (certificate));
  if (magnitude == NULL)
    return FALSE;
  *key_identifier = g_bytes_new (ASN1_STRING_get0_data (kid), (gsize)ASN1_STRING_length (kid));
  *serial = magnitude;
  return TRUE;
}

char *
mado_card_link_hash (X509 *certificate)
{
  g_autoptr (GBytes) kid = NULL;
  g_autoptr (GBytes) serial = NULL;
  if (!mado_card_link_get (certificate, &kid, &serial))
    return NULL;
  return mado_card_link_hash_parts (kid, serial);
}

char *
mado_card_link_hash_der (GBytes *certificate_der)
{
  gsize len;
  const unsigned char *p = g_bytes_get_data (certificate_der, &len);
  g_autoptr (X509) cert = d2i_X509 (NULL, &p, (long)len);
  return cert != NULL ? mado_card_link_hash (cert) : NULL;
}

gboolean
mado_card_link_get_der (GBytes *certificate_der, GBytes **key_identifier, GBytes **serial)
{
  g_autoptr (MadoCertParsed) cert = mado_cert_parse_bytes (certificate_der);
  if (cert == NULL || cert->authority_key_id == NULL
      || ASN1_STRING_length (cert->authority_key_id) <= 0)
    return FALSE;
  GBytes *magnitude = mado_card_link_serial_magnitude (cert->serial);
  if (magnitude == NULL)
    return FALSE;
  *key_identifier = g_bytes_new (ASN1_STRING_get0_data (cert->authority_key_id),
                                 (gsize)ASN1_STRING_length (cert->authority_key_id));
  *serial = magnitude;
  return TRUE;
}
