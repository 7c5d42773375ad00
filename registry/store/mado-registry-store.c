/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-registry-store.c — the storage interface: dispatch, the DSN, idempotency checks.
 */
#include "mado-registry-store.h"

#include "mado-pg-store.h"
#include "mado-sqlite-store.h"
#include "mado-store-common.h"

#include <string.h>

G_DEFINE_INTERFACE (MadoRegistryStore, mado_registry_store, G_TYPE_OBJECT)

static void
mado_registry_store_default_init (MadoRegistryStoreInterface *iface)
{
}

void
mado_idempotent_record_free (MadoIdempotentRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->scope);
  g_free (record->key);
  g_free (record->request_digest);
  g_free (record->response_json);
  g_free (record);
}

void
mado_access_record_free (MadoAccessRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->who);
  g_free (record->why);
  g_free (record->atena_number);
  g_free (record);
}

void
mado_terminal_record_free (MadoTerminalRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->terminal_id);
  g_free (record->kind);
  g_free (record->serial_hex);
  g_free (record);
}

void
mado_operator_record_free (MadoOperatorRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->login);
  g_free (record->display_name);
  if (record->password_hash != NULL)
    explicit_bzero (record->password_hash, strlen (record->password_hash));
  g_free (record->password_hash);
  g_free (record);
}

void
mado_session_record_free (MadoSessionRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->token_hash);
  g_free (record->kind);
  g_free (record->subject);
  g_free (record->terminal_id);
  g_free (record->card_link);
  g_free (record);
}

static const char *const role_names[] = { "clerk", "supervisor", "administrator" };
G_STATIC_ASSERT (G_N_ELEMENTS (role_names) == MADO_OPERATOR_ROLE_ADMINISTRATOR + 1);

const char *
mado_operator_role_to_string (MadoOperatorRole role)
{
  return (guint)role < G_N_ELEMENTS (role_names) ? role_names[role] : NULL;
}

gboolean
mado_operator_role_from_string (const char *s, MadoOperatorRole *out)
{
  for (guint i = 0; s != NULL && i < G_N_ELEMENTS (role_names); i++)
    if (g_str_equal (s, role_names[i]))
      {
        if (out != NULL)
          *out = (MadoOperatorRole)i;
        return TRUE;
      }
  return FALSE;
}

MadoRegistryStore *
mado_registry_store_open (const char *dsn, GError **error)
{
  g_return_val_if_fail (dsn != NULL, NULL);

  if (g_str_has_prefix (dsn, "sqlite:"))
    {
      const char *path = dsn + strlen ("sqlite:");
      if (*path == '\0')
        {
          g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_DSN,
                       "the DSN sqlite:PATH names no file");
          return NULL;
        }
      return MADO_REGISTRY_STORE (mado_sqlite_store_new (path, error));
    }
  if (g_str_has_prefix (dsn, "postgresql:") || g_str_has_prefix (dsn, "postgres:"))
    {
      /* libpq takes the URI as is (postgresql://[user[:password]@][host][:port][/db][?…]). */
      return MADO_REGISTRY_STORE (mado_pg_store_new (dsn, error));
    }
  /* The DSN of a PostgreSQL server may hold a password: never echo it. */
  g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_DSN,
               "unknown database kind (expected sqlite:PATH or postgresql://…)");
  return NULL;
}

#define IFACE(self) MADO_REGISTRY_STORE_GET_IFACE (self)

guint
mado_registry_store_get_schema_version (MadoRegistryStore *self)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), 0);
  return IFACE (self)->get_schema_version (self);
}

gboolean
mado_registry_store_run_in_transaction (MadoRegistryStore *self, MadoRegistryStoreTxFunc func,
                                        gpointer user_data, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  return IFACE (self)->run_in_transaction (self, func, user_data, error);
}

gboolean
mado_registry_store_put_household (MadoRegistryStore *self, const MadoHousehold *household,
                                   GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (household != NULL, FALSE);
  return IFACE (self)->put_household (self, household, error);
}

MadoHousehold *
mado_registry_store_get_household (MadoRegistryStore *self, const char *household_number,
                                   GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (household_number != NULL, NULL);
  return IFACE (self)->get_household (self, household_number, error);
}

guint
mado_registry_store_record_change (MadoRegistryStore *self, const MadoHistoryEntry *entry,
                                   GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), 0);
  g_return_val_if_fail (entry != NULL, 0);
  return IFACE (self)->record_change (self, entry, error);
}

MadoPerson *
mado_registry_store_get_person (MadoRegistryStore *self, const char *atena_number, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (atena_number != NULL, NULL);
  return IFACE (self)->get_person (self, atena_number, error);
}

GPtrArray *
mado_registry_store_list_history (MadoRegistryStore *self, const char *atena_number, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (atena_number != NULL, NULL);
  return IFACE (self)->list_history (self, atena_number, error);
}

gboolean
mado_registry_store_read_kojin_bango (MadoRegistryStore *self, const char *atena_number,
                                      const char *who, const char *why, gint64 at,
                                      char **kojin_bango, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (atena_number != NULL && who != NULL && why != NULL, FALSE);
  g_return_val_if_fail (kojin_bango != NULL, FALSE);
  return IFACE (self)->read_kojin_bango (self, atena_number, who, why, at, kojin_bango, error);
}

GPtrArray *
mado_registry_store_list_access (MadoRegistryStore *self, const char *atena_number, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (atena_number != NULL, NULL);
  return IFACE (self)->list_access (self, atena_number, error);
}

gboolean
mado_registry_store_put_block (MadoRegistryStore *self, const MadoIssuanceBlock *block,
                               GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (block != NULL, FALSE);
  return IFACE (self)->put_block (self, block, error);
}

GPtrArray *
mado_registry_store_list_blocks (MadoRegistryStore *self, const char *atena_number,
                                 const char *household_number, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  return IFACE (self)->list_blocks (self, atena_number, household_number, error);
}

gboolean
mado_registry_store_link_card (MadoRegistryStore *self, GBytes *key_identifier, GBytes *serial,
                               const char *atena_number, gint64 at, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (key_identifier != NULL && serial != NULL && atena_number != NULL, FALSE);
  return IFACE (self)->link_card (self, key_identifier, serial, atena_number, at, error);
}

char *
mado_registry_store_find_card_link (MadoRegistryStore *self, GBytes *key_identifier, GBytes *serial,
                                    GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (key_identifier != NULL && serial != NULL, NULL);
  return IFACE (self)->find_card_link (self, key_identifier, serial, error);
}

char *
mado_registry_store_find_card_link_by_hash (MadoRegistryStore *self, const char *link_hash,
                                            GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (link_hash != NULL, NULL);
  gsize n = 0;
  while (n < 64 && g_ascii_isxdigit (link_hash[n]) && !g_ascii_isupper (link_hash[n]))
    n++;
  if (n != 64 || link_hash[64] != '\0')
    return mado_store_not_found ("card link", error), NULL;
  return IFACE (self)->find_card_link_by_hash (self, link_hash, error);
}

gboolean
mado_registry_store_set_ticket_range (MadoRegistryStore *self, const char *category, guint first,
                                      guint last, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (category != NULL, FALSE);
  return IFACE (self)->set_ticket_range (self, category, first, last, error);
}

gboolean
mado_registry_store_issue_ticket (MadoRegistryStore *self, MadoQueueTicket *ticket, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (ticket != NULL, FALSE);
  return IFACE (self)->issue_ticket (self, ticket, error);
}

MadoQueueTicket *
mado_registry_store_get_ticket (MadoRegistryStore *self, const char *ticket_id, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (ticket_id != NULL, NULL);
  return IFACE (self)->get_ticket (self, ticket_id, error);
}

gboolean
mado_registry_store_update_ticket (MadoRegistryStore *self, const MadoQueueTicket *ticket,
                                   GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (ticket != NULL, FALSE);
  return IFACE (self)->update_ticket (self, ticket, error);
}

GPtrArray *
mado_registry_store_reserve_issuances (MadoRegistryStore *self, const MadoIssuance *request,
                                       const char *prefix, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (request != NULL && prefix != NULL, NULL);
  return IFACE (self)->reserve_issuances (self, request, prefix, error);
}

GPtrArray *
mado_registry_store_list_issuances (MadoRegistryStore *self, const char *day, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  return IFACE (self)->list_issuances (self, day, error);
}

gboolean
mado_registry_store_foreach_person (MadoRegistryStore *self, MadoRegistryStorePersonFunc func,
                                    gpointer user_data, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  return IFACE (self)->foreach_person (self, func, user_data, error);
}

MadoIssuance *
mado_registry_store_get_issuance (MadoRegistryStore *self, const char *issue_number, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (issue_number != NULL, NULL);
  return IFACE (self)->get_issuance (self, issue_number, error);
}

gboolean
mado_registry_store_mark_printed (MadoRegistryStore *self, const char *issue_number, const char *at,
                                  GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (issue_number != NULL && at != NULL, FALSE);
  return IFACE (self)->mark_printed (self, issue_number, at, error);
}

gboolean
mado_registry_store_void_issuance (MadoRegistryStore *self, const char *issue_number,
                                   const char *at, MadoVoidReason reason, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (issue_number != NULL && at != NULL, FALSE);
  return IFACE (self)->void_issuance (self, issue_number, at, reason, error);
}

gboolean
mado_registry_store_put_idempotent (MadoRegistryStore *self, const char *scope, const char *key,
                                    const char *request_digest, const char *response_json,
                                    gint64 created_at, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (scope != NULL && key != NULL, FALSE);
  g_return_val_if_fail (request_digest != NULL && response_json != NULL, FALSE);
  return IFACE (self)->put_idempotent (self, scope, key, request_digest, response_json, created_at,
                                       error);
}

gboolean
mado_registry_store_get_idempotent (MadoRegistryStore *self, const char *scope, const char *key,
                                    MadoIdempotentRecord **record, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (scope != NULL && key != NULL && record != NULL, FALSE);
  return IFACE (self)->get_idempotent (self, scope, key, record, error);
}

gboolean
mado_registry_store_purge_idempotent (MadoRegistryStore *self, gint64 before, guint64 *purged,
                                      GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  return IFACE (self)->purge_idempotent (self, before, purged, error);
}

gboolean
mado_registry_idempotency_check_fresh (gint64 created_at, gint64 now, GError **error)
{
  if (now - created_at > MADO_REGISTRY_IDEMPOTENCY_RETENTION)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_IDEMPOTENCY_STALE,
                   "the record is older than the idempotency key retention (%d days)",
                   (int)(MADO_REGISTRY_IDEMPOTENCY_RETENTION / 86400));
      return FALSE;
    }
  return TRUE;
}

gboolean
mado_registry_store_replay (MadoRegistryStore *self, const char *scope, const char *key,
                            const char *request_digest, gint64 now, char **response, GError **error)
{
  g_autoptr (MadoIdempotentRecord) record = NULL;

  g_return_val_if_fail (request_digest != NULL && response != NULL, FALSE);
  *response = NULL;
  if (!mado_registry_store_get_idempotent (self, scope, key, &record, error))
    return FALSE;
  if (record == NULL)
    return TRUE;
  if (!mado_registry_idempotency_check_fresh (record->created_at, now, error))
    return FALSE;
  if (g_strcmp0 (record->request_digest, request_digest) != 0)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_IDEMPOTENCY_CONFLICT,
                   "the idempotency key was already used for a different request");
      return FALSE;
    }
  *response = g_steal_pointer (&record->response_json);
  return TRUE;
}

gboolean
mado_registry_store_backup (MadoRegistryStore *self, const char *path, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  return IFACE (self)->backup (self, path, error);
}

/* ---- schema 4 ------------------------------------------------------------------------------ */

gboolean
mado_registry_store_enrol_terminal (MadoRegistryStore *self, const char *terminal_id,
                                    const char *kind, const char *serial_hex, gint64 not_after,
                                    gint64 at, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (terminal_id != NULL && kind != NULL && serial_hex != NULL, FALSE);
  return IFACE (self)->enrol_terminal (self, terminal_id, kind, serial_hex, not_after, at, error);
}

MadoTerminalRecord *
mado_registry_store_find_terminal_by_serial (MadoRegistryStore *self, const char *serial_hex,
                                             GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (serial_hex != NULL, NULL);
  return IFACE (self)->find_terminal_by_serial (self, serial_hex, error);
}

gboolean
mado_registry_store_revoke_terminal (MadoRegistryStore *self, const char *terminal_id, gint64 at,
                                     GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (terminal_id != NULL, FALSE);
  return IFACE (self)->revoke_terminal (self, terminal_id, at, error);
}

GPtrArray *
mado_registry_store_list_terminals (MadoRegistryStore *self, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  return IFACE (self)->list_terminals (self, error);
}

gboolean
mado_registry_store_put_operator (MadoRegistryStore *self, const MadoOperatorRecord *op,
                                  GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (op != NULL, FALSE);
  return IFACE (self)->put_operator (self, op, error);
}

MadoOperatorRecord *
mado_registry_store_get_operator (MadoRegistryStore *self, const char *login, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (login != NULL, NULL);
  return IFACE (self)->get_operator (self, login, error);
}

gboolean
mado_registry_store_put_session (MadoRegistryStore *self, const MadoSessionRecord *s,
                                 GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (s != NULL, FALSE);
  return IFACE (self)->put_session (self, s, error);
}

MadoSessionRecord *
mado_registry_store_get_session (MadoRegistryStore *self, const char *token_hash, gint64 now,
                                 GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (token_hash != NULL, NULL);
  return IFACE (self)->get_session (self, token_hash, now, error);
}

gboolean
mado_registry_store_delete_session (MadoRegistryStore *self, const char *token_hash, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (token_hash != NULL, FALSE);
  return IFACE (self)->delete_session (self, token_hash, error);
}

gboolean
mado_registry_store_put_nonce (MadoRegistryStore *self, const guint8 nonce[MADO_NONCE_LENGTH],
                               gint64 expires_at, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (nonce != NULL, FALSE);
  return IFACE (self)->put_nonce (self, nonce, expires_at, error);
}

MadoNonceState
mado_registry_store_take_nonce (MadoRegistryStore *self, const guint8 nonce[MADO_NONCE_LENGTH],
                                gint64 now, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), MADO_NONCE_UNKNOWN);
  g_return_val_if_fail (nonce != NULL, MADO_NONCE_UNKNOWN);
  return IFACE (self)->take_nonce (self, nonce, now, error);
}

gboolean
mado_registry_store_put_move_draft (MadoRegistryStore *self, const MadoMoveDraft *draft,
                                    GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (draft != NULL, FALSE);
  return IFACE (self)->put_move_draft (self, draft, error);
}

MadoMoveDraft *
mado_registry_store_get_move_draft (MadoRegistryStore *self, const char *draft_id, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (draft_id != NULL, NULL);
  return IFACE (self)->get_move_draft (self, draft_id, error);
}

gboolean
mado_registry_store_update_move_draft (MadoRegistryStore *self, const MadoMoveDraft *draft,
                                       MadoMoveStatus expected_status, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (draft != NULL, FALSE);
  return IFACE (self)->update_move_draft (self, draft, expected_status, error);
}

GPtrArray *
mado_registry_store_list_move_drafts (MadoRegistryStore *self, int status, guint limit,
                                      GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  return IFACE (self)->list_move_drafts (self, status, limit, error);
}

gboolean
mado_registry_store_set_issuance_digest (MadoRegistryStore *self, const char *issue_number,
                                         const char *digest_hex, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (issue_number != NULL && digest_hex != NULL, FALSE);
  return IFACE (self)->set_issuance_document (self, issue_number, digest_hex, NULL, error);
}

char *
mado_registry_store_get_issuance_digest (MadoRegistryStore *self, const char *issue_number,
                                         GError **error)
{
  char *digest = NULL;
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (issue_number != NULL, NULL);
  if (!IFACE (self)->get_issuance_document (self, issue_number, &digest, NULL, error))
    return NULL;
  return digest;
}

gboolean
mado_registry_store_set_issuance_document (MadoRegistryStore *self, const char *issue_number,
                                           const char *digest_hex, const char *document_json,
                                           GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (issue_number != NULL && digest_hex != NULL, FALSE);
  return IFACE (self)->set_issuance_document (self, issue_number, digest_hex, document_json, error);
}

gboolean
mado_registry_store_get_issuance_document (MadoRegistryStore *self, const char *issue_number,
                                           char **digest_hex, char **document_json, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (issue_number != NULL, FALSE);
  return IFACE (self)->get_issuance_document (self, issue_number, digest_hex, document_json, error);
}

GPtrArray *
mado_registry_store_list_tickets (MadoRegistryStore *self, const char *day, int status,
                                  GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (day != NULL, NULL);
  return IFACE (self)->list_tickets (self, day, status, error);
}

MadoQueueTicket *
mado_registry_store_call_next_ticket (MadoRegistryStore *self, const char *const *categories,
                                      const char *day, const char *counter, GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (categories != NULL && day != NULL && counter != NULL, NULL);
  return IFACE (self)->call_next_ticket (self, categories, day, counter, error);
}

gboolean
mado_registry_store_reserve_ticket_block (MadoRegistryStore *self, const char *category,
                                          const char *day, guint count, guint *first, guint *last,
                                          GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (category != NULL && day != NULL, FALSE);
  g_return_val_if_fail (first != NULL && last != NULL, FALSE);
  return IFACE (self)->reserve_ticket_block (self, category, day, count, first, last, error);
}

gboolean
mado_registry_store_put_offline_ticket (MadoRegistryStore *self, const MadoQueueTicket *ticket,
                                        GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (ticket != NULL, FALSE);
  return IFACE (self)->put_offline_ticket (self, ticket, error);
}

gboolean
mado_registry_store_put_seal_registration (MadoRegistryStore *self, const MadoSealRegistration *reg,
                                           GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), FALSE);
  g_return_val_if_fail (reg != NULL, FALSE);
  return IFACE (self)->put_seal_registration (self, reg, error);
}

MadoSealRegistration *
mado_registry_store_get_seal_registration (MadoRegistryStore *self, const char *registration_number,
                                           GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (registration_number != NULL, NULL);
  return IFACE (self)->get_seal_registration (self, registration_number, error);
}

MadoSealRegistration *
mado_registry_store_find_seal_registration (MadoRegistryStore *self, const char *atena_number,
                                            GError **error)
{
  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (self), NULL);
  g_return_val_if_fail (atena_number != NULL, NULL);
  return IFACE (self)->find_seal_registration (self, atena_number, error);
}
