/* SPDX-License-Identifier: GPL-3.0-or-later
 * security-test-util.h — keys and a sample signed PDF for the security tests.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "mado-print-openssl-private.h"
#include "mado-signed-qr.h"

G_BEGIN_DECLS

#define MADO_TEST_A4_W 595.28
#define MADO_TEST_A4_H 841.89
#define MADO_TEST_QR_SIZE (25.0 / 25.4 * 72.0) /* 25 mm */

EVP_PKEY *mado_test_new_key (void);
/* Writes @key's public half as PEM to @path. */
void mado_test_write_public_pem (EVP_PKEY *key, const char *path);
void mado_test_write_private_pem (EVP_PKEY *key, const char *path);

/* A sample document's data (Japanese text, a variation selector, numbers, nesting). */
JsonNode *mado_test_sample_document (void);

/* Sample claims for @content (digest filled in). */
MadoQrClaims *mado_test_sample_claims (JsonNode *content, gboolean card_link);

/* An A4 PDF at @path: tint, some text, a microtext line and the signed QR of @content (25 mm),
 * with @content's canonical form attached. */
void mado_test_make_pdf (const char *path, JsonNode *content, EVP_PKEY *key);

/* A fresh temporary directory (removed by the caller with mado_test_rmdir). */
char *mado_test_tmpdir (void);
void mado_test_rmdir (const char *dir);

G_END_DECLS
