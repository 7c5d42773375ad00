/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-crl-index.h — large certificate revocation lists as a compact, sorted index on disk.
 *
 * J-LIS revocation lists hold on the order of a million entries. A CRL file (DER, or one PEM
 * "X509 CRL" block) is parsed streaming, 64 KiB at a time: its tbsCertList is hashed as it goes
 * by, each revoked entry becomes a fixed-width record (serial, revocation time, CRLReason), and at
 * the end the signature is checked against the issuer keys a callback offers (several J-LIS root
 * generations share one name: the key that verifies wins). Neither the file nor the parsed list
 * is ever held whole in memory: only the records are (serial width + 9 bytes each).
 *
 * The records are sorted and written atomically (temporary file in the same directory, fsync,
 * rename, fsync of the directory) as an index file named by the SHA-256 of the issuer's
 * SubjectPublicKeyInfo. An index already there for the same key is replaced only by a newer list
 * (higher cRLNumber; later thisUpdate when either list has no number).
 *
 * Opening an index maps it read-only and checks its magic, version, sizes, sort order and its
 * SHA-256 integrity digest; a lookup is a binary search over the mapping, without allocation.
 * The file format is described in mado-crl-index.c and docs/identity.md ("CRL index").
 *
 * Errors: MADO_IDENTITY_ERROR_CRL (unreadable, malformed or unverifiable CRL),
 * MADO_IDENTITY_ERROR_CRL_INDEX (corrupt index), MADO_IDENTITY_ERROR_CRL_NOT_NEWER.
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>

#include "mado-verdict.h"

G_BEGIN_DECLS

/* The longest serial magnitude accepted (RFC 5280 allows 20 octets; some CAs write more). */
#define MADO_CRL_INDEX_MAX_SERIAL 32
/* File name suffix of the indexes in an index directory: <sha256-hex>.crlidx */
#define MADO_CRL_INDEX_SUFFIX ".crlidx"

/* The keys that may have signed a CRL. Called once per build, after the whole list has streamed
 * by, with the DER of the CRL's issuer Name and the keyIdentifier of its authorityKeyIdentifier
 * extension (NULL, 0 when absent). Returns a GPtrArray of EVP_PKEY * (the array's free function,
 * if any, releases them), or NULL when there is none. Each is tried in turn; the first whose key
 * verifies the signature names the index. */
typedef GPtrArray *(*MadoCrlIssuerKeysFunc) (const guint8 *issuer_name_der, gsize issuer_name_len,
                                             const guint8 *authority_key_id,
                                             gsize authority_key_id_len, gpointer user_data);

typedef struct _MadoCrlIndex MadoCrlIndex;

/* Streams @crl_path, verifies it and writes its index to @index_path atomically. When an index
 * of the same issuer key is already at @index_path, it is replaced only by a newer list
 * (MADO_IDENTITY_ERROR_CRL_NOT_NEWER otherwise). Returns the new index, opened. */
MadoCrlIndex *mado_crl_index_build (const char *crl_path, const char *index_path,
                                    MadoCrlIssuerKeysFunc keys_func, gpointer user_data,
                                    GError **error);

/* Maps an index file and checks it (MADO_IDENTITY_ERROR_CRL_INDEX when truncated, tampered,
 * unsorted, or of another format version). */
MadoCrlIndex *mado_crl_index_open (const char *path, GError **error);

MadoCrlIndex *mado_crl_index_ref (MadoCrlIndex *self);
void mado_crl_index_unref (MadoCrlIndex *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoCrlIndex, mado_crl_index_unref)

const char *mado_crl_index_get_path (MadoCrlIndex *self);
/* SHA-256 of the SubjectPublicKeyInfo DER of the key that verified the list (32 bytes). */
const guint8 *mado_crl_index_get_issuer_key_sha256 (MadoCrlIndex *self);
/* SHA-256 of the DER of the CRL's issuer Name (32 bytes). */
const guint8 *mado_crl_index_get_issuer_name_sha256 (MadoCrlIndex *self);
gint64 mado_crl_index_get_this_update (MadoCrlIndex *self); /* Unix seconds */
gint64 mado_crl_index_get_next_update (MadoCrlIndex *self); /* Unix seconds */
/* The cRLNumber as a big-endian magnitude, or NULL (*len = 0) when the list has none. */
const guint8 *mado_crl_index_get_crl_number (MadoCrlIndex *self, gsize *len);
guint64 mado_crl_index_get_n_entries (MadoCrlIndex *self);
/* Width of the stored serials: the longest serial magnitude in the list (at least 1). */
guint mado_crl_index_get_serial_width (MadoCrlIndex *self);

/* TRUE when the serial (big-endian magnitude; leading zero octets are ignored) is listed; then
 * @revoked_at (Unix seconds) and @crl_reason (the CRLReason code, or -1 when the entry gives
 * none) are set when not NULL. No allocation. */
gboolean mado_crl_index_lookup (MadoCrlIndex *self, const guint8 *serial, gsize len,
                                gint64 *revoked_at, int *crl_reason);

/* The index's answer for a serial checked at @at (Unix seconds): REVOKED_CRL when listed (with
 * revoked_at and crl_reason), CRL_STALE when @at is outside [thisUpdate, nextUpdate], NONE
 * otherwise; @self NULL gives NO_REVOCATION_SOURCE. Replaces what @answer held. */
void mado_crl_index_answer (MadoCrlIndex *self, const guint8 *serial, gsize len, gint64 at,
                            MadoRevocationAnswer *answer);

/* Writes the index format's description fields into a string, for logs and `mado-card`. */
char *mado_crl_index_describe (MadoCrlIndex *self);

/* A directory of indexes, one per issuer key: <dir>/<sha256-hex of the key>.crlidx. Opened
 * indexes are cached and reopened when their file is replaced. Thread-safe. */
typedef struct _MadoCrlIndexDir MadoCrlIndexDir;

/* Creates @path (mode 0755) when missing. */
MadoCrlIndexDir *mado_crl_index_dir_new (const char *path, GError **error);
MadoCrlIndexDir *mado_crl_index_dir_ref (MadoCrlIndexDir *self);
void mado_crl_index_dir_unref (MadoCrlIndexDir *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoCrlIndexDir, mado_crl_index_dir_unref)

const char *mado_crl_index_dir_get_path (MadoCrlIndexDir *self);
/* <dir>/<hex>.crlidx for an issuer key SHA-256 (32 bytes). */
char *mado_crl_index_dir_path_for_key (MadoCrlIndexDir *self, const guint8 *key_sha256);

/* Builds the index of @crl_path into the directory (named by the key that verified it),
 * replacing an older list of the same key. Returns the new index. */
MadoCrlIndex *mado_crl_index_dir_add_crl (MadoCrlIndexDir *self, const char *crl_path,
                                          MadoCrlIssuerKeysFunc keys_func, gpointer user_data,
                                          GError **error);

/* The index for an issuer key: a new reference; NULL without @error set when the directory has
 * none; NULL with MADO_IDENTITY_ERROR_CRL_INDEX when the file is corrupt. */
MadoCrlIndex *mado_crl_index_dir_get_index (MadoCrlIndexDir *self, const guint8 *key_sha256,
                                            GError **error);

/* The revocation answer for a certificate serial whose chain ends at the root whose key has
 * SHA-256 @key_sha256, checked at @at (Unix seconds): as mado_crl_index_answer(), plus
 * NO_REVOCATION_SOURCE when there is no index for the key and CRL_INDEX when it is corrupt. */
void mado_crl_index_dir_check (MadoCrlIndexDir *self, const guint8 *key_sha256,
                               const guint8 *serial, gsize len, gint64 at,
                               MadoRevocationAnswer *answer);

G_END_DECLS
