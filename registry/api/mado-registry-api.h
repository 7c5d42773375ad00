/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-registry-api.h — the registry's HTTP API (/v1), the contract of docs/api.md and
 * registry/openapi.yaml. Two handlers for MadoHttpServer: the main one (client certificates of
 * enrolled kiosks and consoles; personal data) and the public one (ticket status, call board,
 * the lookup of a paper by 発行番号: nothing personal), meant for separate listeners.
 *
 * The API holds a small pool of store connections (each request takes one for its duration),
 * the JPKI verifier (app/identity) with the database's nonce store, the office key that signs
 * certificates' QR codes (it never leaves the registry), and the renderer (print/).
 */
#pragma once

#include "mado-cert-verifier.h"
#include "mado-clock.h"
#include "mado-http.h"
#include "mado-registry-store.h"

G_BEGIN_DECLS

typedef struct
{
  const char *dsn;             /* sqlite:PATH or postgresql://… */
  guint pool_size;             /* store connections [4] */
  MadoCertVerifier *verifier;  /* JPKI verification (borrowed, reffed) */
  MadoClock *clock;            /* NULL: the system clock */
  const char *office_key_path; /* EC P-256 PEM: signs the certificates' QR codes */
  const char *office_code;     /* 地方公共団体コード (6 digits) */
  const char *office_name;     /* 「千代田区」 */
  const char *mayor;           /* 「千代田区長　窓口 太郎」 (認証文) */
  gboolean test_mode;          /* every document says 見本・テスト; test JPKI roots allowed */
  MadoCheckFlags identity_checks; /* [chain | revocation] */
  guint identity_session_seconds; /* [300] */
  guint operator_session_seconds; /* [8 h] */
  guint nonce_seconds;            /* [120] */
  guint fee_juminhyo;             /* yen per copy [300] */
  guint fee_kisai_jiko;           /* [300] */
  guint fee_inkan;                /* [300] */
  guint max_copies;               /* [10] */
  guint kiosk_min_age;            /* [15]: コンビニ交付 is for 15 and over */
  const char *const *name_fonts;  /* NULL: the renderer's default */
} MadoRegistryApiOptions;

typedef struct _MadoRegistryApi MadoRegistryApi;

MadoRegistryApi *mado_registry_api_new (const MadoRegistryApiOptions *options, GError **error);
void mado_registry_api_free (MadoRegistryApi *api);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoRegistryApi, mado_registry_api_free)

/* MadoHttpHandler for the main listener (user_data = the API). */
MadoHttpResponse *mado_registry_api_handle (const MadoHttpRequest *request,
                                            const MadoHttpPeer *peer, gpointer user_data);
/* MadoHttpHandler for the public listener. */
MadoHttpResponse *mado_registry_api_handle_public (const MadoHttpRequest *request,
                                                   const MadoHttpPeer *peer, gpointer user_data);

/* Renders issuance @issue_number's document to PDF bytes (what GET …/document answers). */
GBytes *mado_registry_api_render_document (MadoRegistryApi *api, const char *issue_number,
                                           GError **error);

G_END_DECLS
