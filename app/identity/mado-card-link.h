/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-card-link.h — a card link (../shared/DESIGN.md): the pair (issuer key identifier from the
 * certificate's authority key identifier, serial number); hashed, SHA-256 over the key
 * identifier bytes followed by the serial's big-endian magnitude bytes, as lowercase hex.
 */
#pragma once

#include <glib.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

/* A serial's big-endian magnitude: no sign byte, no leading zeros (one zero byte for zero);
 * NULL for a negative serial. */
GBytes *mado_card_link_serial_magnitude (const ASN1_INTEGER *serial);
/* The same for serial bytes already big-endian (leading zero bytes dropped). */
GBytes *mado_card_link_magnitude (GBytes *serial);
/* The hash from the pair itself (the serial's leading zero bytes are dropped first). Every
 * card-link hash of the project — verifier, registry — comes from here. */
char *mado_card_link_hash_parts (GBytes *key_identifier, GBytes *serial);

/* The pair. Fails (NULL) when the certificate has no authority key identifier. */
gboolean mado_card_link_get (X509 *certificate, GBytes **key_identifier, GBytes **serial);
/* The hash, 64 lowercase hex digits; NULL without an authority key identifier. */
char *mado_card_link_hash (X509 *certificate);
char *mado_card_link_hash_der (GBytes *certificate_der);
/* The pair from DER by the verifier's strict parse (mado-cert-parse.h: no d2i_X509(), whose
 * public-key decoding is the cost); FALSE when malformed or without an authority key id. */
gboolean mado_card_link_get_der (GBytes *certificate_der, GBytes **key_identifier, GBytes **serial);

G_END_DECLS
