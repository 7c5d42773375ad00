/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-api-private.h — what the API's files share: the request being served (MadoApiCall), its
 * authentication, the idempotent-write wrapper, JSON and error answers. docs/api.md is the
 * contract.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <openssl/evp.h>

#include "mado-model.h"
#include "mado-registry-api.h"
#include "mado-api-writer.h"
#include "mado-renderer.h"

G_BEGIN_DECLS

struct _MadoRegistryApi
{
  MadoRegistryApiOptions options; /* strings below are owned copies */
  char *dsn, *office_key_path, *office_code, *office_name, *mayor;
  GAsyncQueue *pool; /* MadoRegistryStore * */
  GPtrArray *stores; /* all of them, for freeing */
  MadoCertVerifier *verifier;
  MadoClock *clock;
  MadoApiWriter *writer;  /* every write: group commit (mado-api-writer.h) */
  MadoNonceStore *nonces; /* over the writer */
  EVP_PKEY *office_key;
  MadoRenderer *renderer;
  GMutex render_lock; /* pango/fontconfig state: one render at a time */
};

/* Who is asking. */
typedef enum
{
  MADO_API_NEED_NONE = 0,       /* public */
  MADO_API_NEED_TERMINAL = 1,   /* an enrolled kiosk or console */
  MADO_API_NEED_CONSOLE = 2,    /* a console (no session) */
  MADO_API_NEED_IDENTITY = 3,   /* a resident's identity session (kiosk) */
  MADO_API_NEED_CLERK = 4,      /* an operator session, any role */
  MADO_API_NEED_SUPERVISOR = 5, /* supervisor or administrator */
  MADO_API_NEED_PERSON = 6,     /* an identity session, or an operator acting for a person */
} MadoApiNeed;

typedef struct
{
  MadoRegistryApi *api;
  const MadoHttpRequest *request;
  const MadoHttpPeer *peer;
  MadoRegistryStore *store;
  gint64 now;
  char **segments; /* path split on '/', after "v1" */
  guint n_segments;
  MadoTerminalRecord *terminal;
  MadoSessionRecord *session; /* when a Bearer token came */
  MadoOperatorRecord *operator_;
  JsonNode *body; /* parsed request body (object) or NULL */
  /* the answer of a refused write (set before returning FALSE from a MadoApiWriteFunc) */
  guint fail_status;
  char *fail_code;
  char *fail_message;
} MadoApiCall;

/* Answers. */
MadoHttpResponse *mado_api_json (guint status, JsonNode *node); /* takes @node */
MadoHttpResponse *mado_api_error (guint status, const char *code, const char *message);
MadoHttpResponse *mado_api_error_from_gerror (const GError *error);
void mado_api_fail (MadoApiCall *call, GError **error, guint status, const char *code,
                    const char *message);

/* Checks the caller against @need; NULL when allowed, else the refusal. */
MadoHttpResponse *mado_api_require (MadoApiCall *call, MadoApiNeed need);
/* The request body as a JSON object (400 on anything else). */
MadoHttpResponse *mado_api_parse_body (MadoApiCall *call, gboolean required);

typedef gboolean (*MadoApiWriteFunc) (MadoApiCall *call, guint *status, JsonNode **answer,
                                      gpointer user_data, GError **error);
/* Every write: Idempotency-Key required, Mado-Created-At checked for staleness, then inside one
 * transaction the replay check, @func and the stored answer. */
MadoHttpResponse *mado_api_idempotent_write (MadoApiCall *call, MadoApiWriteFunc func,
                                             gpointer user_data);

/* @unix in the local time zone (new; the zone is the one the process started with). */
GDateTime *mado_api_local_time (gint64 unix_seconds);
/* "2026-11-26T10:15:00+09:00" for @unix in local time (new). */
char *mado_api_rfc3339 (gint64 unix_seconds);
/* "2026-11-26": the local day of @unix (new). */
char *mado_api_day (gint64 unix_seconds);
char *mado_api_random_id (guint bytes); /* lower-case base32 (a–z 2–7) */
char *mado_api_sha256_hex (const void *data, gsize length);

const char *mado_api_member_string (JsonObject *object, const char *name);

/* Handlers: return NULL when the route is not theirs. */
MadoHttpResponse *mado_api_route_identity (MadoApiCall *call);
MadoHttpResponse *mado_api_route_certificates (MadoApiCall *call);
MadoHttpResponse *mado_api_route_drafts (MadoApiCall *call);
MadoHttpResponse *mado_api_route_tickets (MadoApiCall *call);
MadoHttpResponse *mado_api_route_seals (MadoApiCall *call);
MadoHttpResponse *mado_api_route_public (MadoApiCall *call);
/* GET /v1/persons/{atena}/seal-registration (mado-api-seals.c). */
MadoHttpResponse *mado_api_get_seal_registration (MadoApiCall *call, const char *atena);
/* GET /v1/public/issuances/{n} (mado-api-certificates.c). */
MadoHttpResponse *mado_api_public_issuance (MadoApiCall *call, const char *number);

G_END_DECLS
