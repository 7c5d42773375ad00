/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-registry-store.h — MadoRegistryStore, the one storage interface of the registry. Both
 * backends implement it: SQLite (MadoSqliteStore, the embedded default) and PostgreSQL
 * (MadoPgStore). Schema, migrations, idempotency and backup: docs/registry-storage.md.
 *
 * Every function here BLOCKS on the database (the HTTP layer wraps them in GTasks). A store is
 * one connection; it may be shared between threads (calls are serialised), and several stores
 * (threads or processes) may open the same database. Every write is one transaction; several
 * writes that must stand or fall together (a write and the idempotency record guarding it) run
 * inside mado_registry_store_run_in_transaction().
 *
 * Objects are app/model's (docs/model.md): returned objects are new (the caller frees them),
 * arguments are borrowed. Times given as gint64 are Unix seconds (UTC). The 個人番号 is never
 * handed out by get_person() or list_history(): only read_kojin_bango() gives it, and it writes
 * an access-log row in the same transaction.
 */
#pragma once

#include <gio/gio.h>

#include "mado-model.h"
#include "mado-nonce-store.h"
#include "mado-registry-error.h"

G_BEGIN_DECLS

/* Keys are kept, and a record is accepted, for this long (DESIGN.md: at least 30 days). */
#define MADO_REGISTRY_IDEMPOTENCY_RETENTION ((gint64)30 * 24 * 60 * 60)

/* A stored idempotency record (scope = the enrolled kiosk or console, key = Idempotency-Key). */
typedef struct
{
  char *scope;
  char *key;
  char *request_digest; /* whatever the API hashes the request to (hex) */
  char *response_json;  /* the original response, replayed as is */
  gint64 created_at;
} MadoIdempotentRecord;

void mado_idempotent_record_free (MadoIdempotentRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoIdempotentRecord, mado_idempotent_record_free)

/* One read of a 個人番号: who (an operator or terminal id), why (the purpose), when, whose. */
typedef struct
{
  gint64 id;
  gint64 at;
  char *who;
  char *why;
  char *atena_number;
} MadoAccessRecord;

void mado_access_record_free (MadoAccessRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoAccessRecord, mado_access_record_free)

/* An enrolled terminal (kiosk or console) as one of its client certificates shows it. */
typedef struct
{
  char *terminal_id;  /* stable across renewals: 1–64 of A–Z a–z 0–9 . _ - */
  char *kind;         /* "kiosk" | "console" */
  char *serial_hex;   /* the certificate's serial: lower-case hex, no leading zeros */
  gint64 not_after;   /* the certificate's notAfter */
  gint64 enrolled_at; /* when this certificate was enrolled */
  gint64 revoked_at;  /* 0 = not revoked; else when the terminal (or this certificate) was */
} MadoTerminalRecord;

void mado_terminal_record_free (MadoTerminalRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoTerminalRecord, mado_terminal_record_free)

typedef enum
{
  MADO_OPERATOR_ROLE_CLERK,
  MADO_OPERATOR_ROLE_SUPERVISOR,
  MADO_OPERATOR_ROLE_ADMINISTRATOR,
} MadoOperatorRole;

/* "clerk", "supervisor", "administrator"; NULL for anything else. */
const char *mado_operator_role_to_string (MadoOperatorRole role);
gboolean mado_operator_role_from_string (const char *s, MadoOperatorRole *out);

/* An operator (clerk). The password hash is the caller's (the store keeps the string only). */
typedef struct
{
  char *login;        /* 1–64 of A–Z a–z 0–9 . _ - (the model's operator ids) */
  char *display_name; /* 1–64 characters */
  MadoOperatorRole role;
  char *password_hash; /* 1–512 printable ASCII characters (a PHC string, say) */
  gboolean disabled;
  gint64 created_at;
} MadoOperatorRecord;

void mado_operator_record_free (MadoOperatorRecord *record); /* wipes the hash */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoOperatorRecord, mado_operator_record_free)

/* A session: a resident's identity session at a kiosk, or an operator's. The token is never
 * stored, only its SHA-256 (hex, computed by the caller). */
typedef struct
{
  char *token_hash;  /* 64 hex digits (stored and returned lower case) */
  char *kind;        /* "identity" | "operator" */
  char *subject;     /* 宛名番号 (identity) or the operator's login */
  char *terminal_id; /* the terminal the session was opened at */
  char *card_link;   /* identity only: the card link hash (64 hex) or NULL */
  gint64 created_at;
  gint64 expires_at; /* > created_at; the session is gone from this second on */
} MadoSessionRecord;

void mado_session_record_free (MadoSessionRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoSessionRecord, mado_session_record_free)

#define MADO_TYPE_REGISTRY_STORE (mado_registry_store_get_type ())
G_DECLARE_INTERFACE (MadoRegistryStore, mado_registry_store, MADO, REGISTRY_STORE, GObject)

typedef gboolean (*MadoRegistryStoreTxFunc) (MadoRegistryStore *store, gpointer user_data,
                                             GError **error);
/* Called by mado_registry_store_foreach_person() for each person; FALSE (with @error set) stops
 * the walk with that error. @person is borrowed for the call. */
typedef gboolean (*MadoRegistryStorePersonFunc) (const MadoPerson *person, gpointer user_data,
                                                 GError **error);

struct _MadoRegistryStoreInterface
{
  GTypeInterface parent_iface;

  guint (*get_schema_version) (MadoRegistryStore *self);
  gboolean (*run_in_transaction) (MadoRegistryStore *self, MadoRegistryStoreTxFunc func,
                                  gpointer user_data, GError **error);

  gboolean (*put_household) (MadoRegistryStore *self, const MadoHousehold *household,
                             GError **error);
  MadoHousehold *(*get_household) (MadoRegistryStore *self, const char *household_number,
                                   GError **error);
  guint (*record_change) (MadoRegistryStore *self, const MadoHistoryEntry *entry, GError **error);
  MadoPerson *(*get_person) (MadoRegistryStore *self, const char *atena_number, GError **error);
  GPtrArray *(*list_history) (MadoRegistryStore *self, const char *atena_number, GError **error);
  gboolean (*read_kojin_bango) (MadoRegistryStore *self, const char *atena_number, const char *who,
                                const char *why, gint64 at, char **kojin_bango, GError **error);
  GPtrArray *(*list_access) (MadoRegistryStore *self, const char *atena_number, GError **error);

  gboolean (*put_block) (MadoRegistryStore *self, const MadoIssuanceBlock *block, GError **error);
  GPtrArray *(*list_blocks) (MadoRegistryStore *self, const char *atena_number,
                             const char *household_number, GError **error);

  gboolean (*link_card) (MadoRegistryStore *self, GBytes *key_identifier, GBytes *serial,
                         const char *atena_number, gint64 at, GError **error);
  char *(*find_card_link) (MadoRegistryStore *self, GBytes *key_identifier, GBytes *serial,
                           GError **error);
  char *(*find_card_link_by_hash) (MadoRegistryStore *self, const char *link_hash, GError **error);

  gboolean (*set_ticket_range) (MadoRegistryStore *self, const char *category, guint first,
                                guint last, GError **error);
  gboolean (*issue_ticket) (MadoRegistryStore *self, MadoQueueTicket *ticket, GError **error);
  MadoQueueTicket *(*get_ticket) (MadoRegistryStore *self, const char *ticket_id, GError **error);
  gboolean (*update_ticket) (MadoRegistryStore *self, const MadoQueueTicket *ticket,
                             GError **error);

  GPtrArray *(*reserve_issuances) (MadoRegistryStore *self, const MadoIssuance *request,
                                   const char *prefix, GError **error);
  MadoIssuance *(*get_issuance) (MadoRegistryStore *self, const char *issue_number, GError **error);
  gboolean (*mark_printed) (MadoRegistryStore *self, const char *issue_number, const char *at,
                            GError **error);
  gboolean (*void_issuance) (MadoRegistryStore *self, const char *issue_number, const char *at,
                             MadoVoidReason reason, GError **error);

  gboolean (*put_idempotent) (MadoRegistryStore *self, const char *scope, const char *key,
                              const char *request_digest, const char *response_json,
                              gint64 created_at, GError **error);
  gboolean (*get_idempotent) (MadoRegistryStore *self, const char *scope, const char *key,
                              MadoIdempotentRecord **record, GError **error);
  gboolean (*purge_idempotent) (MadoRegistryStore *self, gint64 before, guint64 *purged,
                                GError **error);

  gboolean (*backup) (MadoRegistryStore *self, const char *path, GError **error);

  /* Schema 4. */
  gboolean (*enrol_terminal) (MadoRegistryStore *self, const char *terminal_id, const char *kind,
                              const char *serial_hex, gint64 not_after, gint64 at, GError **error);
  MadoTerminalRecord *(*find_terminal_by_serial) (MadoRegistryStore *self, const char *serial_hex,
                                                  GError **error);
  gboolean (*revoke_terminal) (MadoRegistryStore *self, const char *terminal_id, gint64 at,
                               GError **error);
  GPtrArray *(*list_terminals) (MadoRegistryStore *self, GError **error);

  gboolean (*put_operator) (MadoRegistryStore *self, const MadoOperatorRecord *op, GError **error);
  MadoOperatorRecord *(*get_operator) (MadoRegistryStore *self, const char *login, GError **error);

  gboolean (*put_session) (MadoRegistryStore *self, const MadoSessionRecord *s, GError **error);
  MadoSessionRecord *(*get_session) (MadoRegistryStore *self, const char *token_hash, gint64 now,
                                     GError **error);
  gboolean (*delete_session) (MadoRegistryStore *self, const char *token_hash, GError **error);

  gboolean (*put_nonce) (MadoRegistryStore *self, const guint8 *nonce, gint64 expires_at,
                         GError **error);
  MadoNonceState (*take_nonce) (MadoRegistryStore *self, const guint8 *nonce, gint64 now,
                                GError **error);

  gboolean (*put_move_draft) (MadoRegistryStore *self, const MadoMoveDraft *draft, GError **error);
  MadoMoveDraft *(*get_move_draft) (MadoRegistryStore *self, const char *draft_id, GError **error);
  gboolean (*update_move_draft) (MadoRegistryStore *self, const MadoMoveDraft *draft,
                                 MadoMoveStatus expected_status, GError **error);
  GPtrArray *(*list_move_drafts) (MadoRegistryStore *self, int status, guint limit, GError **error);

  gboolean (*set_issuance_document) (MadoRegistryStore *self, const char *issue_number,
                                     const char *digest_hex, const char *document_json,
                                     GError **error);
  gboolean (*get_issuance_document) (MadoRegistryStore *self, const char *issue_number,
                                     char **digest_hex, char **document_json, GError **error);

  GPtrArray *(*list_tickets) (MadoRegistryStore *self, const char *day, int status, GError **error);
  MadoQueueTicket *(*call_next_ticket) (MadoRegistryStore *self, const char *const *categories,
                                        const char *day, const char *counter, GError **error);
  gboolean (*reserve_ticket_block) (MadoRegistryStore *self, const char *category, const char *day,
                                    guint count, guint *first, guint *last, GError **error);
  gboolean (*put_offline_ticket) (MadoRegistryStore *self, const MadoQueueTicket *ticket,
                                  GError **error);

  GPtrArray *(*list_issuances) (MadoRegistryStore *self, const char *day, GError **error);
  gboolean (*foreach_person) (MadoRegistryStore *self, MadoRegistryStorePersonFunc func,
                              gpointer user_data, GError **error);

  gboolean (*put_seal_registration) (MadoRegistryStore *self, const MadoSealRegistration *reg,
                                     GError **error);
  MadoSealRegistration *(*get_seal_registration) (MadoRegistryStore *self,
                                                  const char *registration_number, GError **error);
  MadoSealRegistration *(*find_seal_registration) (MadoRegistryStore *self,
                                                   const char *atena_number, GError **error);
};

/* Opens a store by DSN: `sqlite:PATH` (created if missing) or a libpq URI `postgresql://…` /
 * `postgres://…` (the database must exist; MadoPgStore). The schema is migrated forward; a newer
 * schema is refused. Messages never repeat the DSN. */
MadoRegistryStore *mado_registry_store_open (const char *dsn, GError **error);

/* The schema version the database is at after opening (the latest this build knows). */
guint mado_registry_store_get_schema_version (MadoRegistryStore *self);

/* Runs @func inside one write transaction: committed when it returns TRUE, rolled back when it
 * returns FALSE (it must set @error). Store calls made by @func on the same store join the
 * transaction; other threads using this store wait until it ends. */
gboolean mado_registry_store_run_in_transaction (MadoRegistryStore *self,
                                                 MadoRegistryStoreTxFunc func, gpointer user_data,
                                                 GError **error);

/* Households: the row holds the number and the address; the members are the persons whose
 * current row names the household and whose status is `resident`, 世帯主 first, then in the
 * order they were first recorded. put_household inserts or replaces the row. */
gboolean mado_registry_store_put_household (MadoRegistryStore *self, const MadoHousehold *household,
                                            GError **error);
MadoHousehold *mado_registry_store_get_household (MadoRegistryStore *self,
                                                  const char *household_number, GError **error);

/* Persons: every change appends a full-row history entry (異動事由, 異動日, 届出日, 処理日 and
 * the person after it); the current row is the latest entry. @entry->history_number is ignored:
 * the store gives the next one (1 for a new person) and returns it (0 on error). */
guint mado_registry_store_record_change (MadoRegistryStore *self, const MadoHistoryEntry *entry,
                                         GError **error);
/* The current row, without its 個人番号. */
MadoPerson *mado_registry_store_get_person (MadoRegistryStore *self, const char *atena_number,
                                            GError **error);
/* Every person's current row (as get_person: without its 個人番号), in 宛名番号 order (their
 * text order, the same on both backends: 宛名番号 are ASCII digits), read in pages of
 * MADO_REGISTRY_STORE_PERSON_PAGE rows so that memory does not grow with the registry. @func is
 * called without the store's lock (unless the caller is inside run_in_transaction), so other
 * threads go on meanwhile and @func may use the store; a person changed or added during the walk
 * is seen as it is when its page is read. @func returning FALSE stops the walk with its error. */
#define MADO_REGISTRY_STORE_PERSON_PAGE 1000
gboolean mado_registry_store_foreach_person (MadoRegistryStore *self,
                                             MadoRegistryStorePersonFunc func, gpointer user_data,
                                             GError **error);
/* MadoHistoryEntry *, oldest first, each without its 個人番号. */
GPtrArray *mado_registry_store_list_history (MadoRegistryStore *self, const char *atena_number,
                                             GError **error);
/* The 個人番号 of the current row (NULL without error when the person has none), and an
 * access-log row (@who, @why, @at, the person) written in the same transaction. */
gboolean mado_registry_store_read_kojin_bango (MadoRegistryStore *self, const char *atena_number,
                                               const char *who, const char *why, gint64 at,
                                               char **kojin_bango, GError **error);
/* MadoAccessRecord *, oldest first. */
GPtrArray *mado_registry_store_list_access (MadoRegistryStore *self, const char *atena_number,
                                            GError **error);

/* Issuance blocks: put inserts or replaces by block_id; list gives the blocks (MadoIssuanceBlock
 * *) on the person or on the household (either argument may be NULL). */
gboolean mado_registry_store_put_block (MadoRegistryStore *self, const MadoIssuanceBlock *block,
                                        GError **error);
GPtrArray *mado_registry_store_list_blocks (MadoRegistryStore *self, const char *atena_number,
                                            const char *household_number, GError **error);

/* Card links (DESIGN.md): (issuer key identifier, serial number) → person. A person has one
 * link: linking a renewed certificate replaces the old one; a pair links one person. */
gboolean mado_registry_store_link_card (MadoRegistryStore *self, GBytes *key_identifier,
                                        GBytes *serial, const char *atena_number, gint64 at,
                                        GError **error);
/* The 宛名番号 linked to the pair; NULL and NOT_FOUND when none. */
char *mado_registry_store_find_card_link (MadoRegistryStore *self, GBytes *key_identifier,
                                          GBytes *serial, GError **error);
/* The same by the pair's hash (mado_card_link_hash_parts: 64 lowercase hex, as a verdict's
 * card_link), so a caller holding a verdict need not parse the certificate again; NULL and
 * NOT_FOUND when no link has that hash (anything but 64 lowercase hex digits has none). */
char *mado_registry_store_find_card_link_by_hash (MadoRegistryStore *self, const char *link_hash,
                                                  GError **error);

/* Queue tickets. Each category (A–Z) numbers from @first to @last (1–9999); a category without
 * a range numbers 1–999. Numbering restarts every day: the day is the date part of the
 * ticket's issued_at (its local date, as the offset says). issue_ticket takes a ticket with
 * every field but `number`, gives it the next number atomically and stores it; RANGE_EXHAUSTED
 * when the range is used up for the day. */
gboolean mado_registry_store_set_ticket_range (MadoRegistryStore *self, const char *category,
                                               guint first, guint last, GError **error);
gboolean mado_registry_store_issue_ticket (MadoRegistryStore *self, MadoQueueTicket *ticket,
                                           GError **error);
MadoQueueTicket *mado_registry_store_get_ticket (MadoRegistryStore *self, const char *ticket_id,
                                                 GError **error);
/* Replaces the stored ticket of the same id (status, counter…); id, category, day and number
 * must not change (CONFLICT). */
gboolean mado_registry_store_update_ticket (MadoRegistryStore *self, const MadoQueueTicket *ticket,
                                            GError **error);

/* Certificate issuances: reserves @request->copies copies (MadoIssuance *, copy 1…n), each
 * `reserved` with its own 発行番号 "@prefix-NNNNNN" from one registry-wide counter that never
 * goes back, so a number is never given twice, voided or not. @request's issue_number, status,
 * copy and the printed/voided fields are ignored. */
GPtrArray *mado_registry_store_reserve_issuances (MadoRegistryStore *self,
                                                  const MadoIssuance *request, const char *prefix,
                                                  GError **error);
MadoIssuance *mado_registry_store_get_issuance (MadoRegistryStore *self, const char *issue_number,
                                                GError **error);
/* MadoIssuance *, in issue order (the registry-wide counter behind the 発行番号), of one day —
 * those whose reserved_at's date part (its first 10 characters: the local date as written) is
 * @day, "YYYY-MM-DD" (INVALID otherwise) — or all of them when @day is NULL. For the CSV
 * linkage export (証明書交付申請). */
GPtrArray *mado_registry_store_list_issuances (MadoRegistryStore *self, const char *day,
                                               GError **error);
/* reserved → printed, reserved → voided (fee 0): the model's life cycle; anything else is
 * MADO_MODEL_ERROR_TRANSITION and nothing changes. */
gboolean mado_registry_store_mark_printed (MadoRegistryStore *self, const char *issue_number,
                                           const char *at, GError **error);
gboolean mado_registry_store_void_issuance (MadoRegistryStore *self, const char *issue_number,
                                            const char *at, MadoVoidReason reason, GError **error);

/* Idempotency. put stores the response for (@scope, @key) — IDEMPOTENCY_CONFLICT when the key
 * is already there; get gives it (TRUE and *@record NULL when absent); purge removes records
 * created before @before. The API calls, inside one transaction, replay() and then, when it
 * returned no response, its write and put_idempotent(). */
gboolean mado_registry_store_put_idempotent (MadoRegistryStore *self, const char *scope,
                                             const char *key, const char *request_digest,
                                             const char *response_json, gint64 created_at,
                                             GError **error);
gboolean mado_registry_store_get_idempotent (MadoRegistryStore *self, const char *scope,
                                             const char *key, MadoIdempotentRecord **record,
                                             GError **error);
gboolean mado_registry_store_purge_idempotent (MadoRegistryStore *self, gint64 before,
                                               guint64 *purged, GError **error);
/* TRUE and *@response NULL: a new key, go on with the write. TRUE and *@response set: a replay,
 * answer it. FALSE: IDEMPOTENCY_CONFLICT (another request digest) or IDEMPOTENCY_STALE (the
 * stored record is older than the retention at @now). */
gboolean mado_registry_store_replay (MadoRegistryStore *self, const char *scope, const char *key,
                                     const char *request_digest, gint64 now, char **response,
                                     GError **error);
/* A record made at @created_at (by a kiosk) is refused as IDEMPOTENCY_STALE at @now when it is
 * older than the retention: its key may already have been purged, so applying it could apply
 * it twice. Pure; the API calls it before anything else. */
gboolean mado_registry_idempotency_check_fresh (gint64 created_at, gint64 now, GError **error);

/* An online copy of the whole database at @path (replaced atomically), taken while the store
 * stays in use. Restore = open the copy (or put it in place while the registry is stopped). */
gboolean mado_registry_store_backup (MadoRegistryStore *self, const char *path, GError **error);

/* ---- schema 4 ------------------------------------------------------------------------------
 * Every write below is one transaction and joins run_in_transaction() like the calls above. */

/* Terminals. enrol adds a certificate (@serial_hex, @not_after) to @terminal_id, enrolled at
 * @at: a new terminal or a renewal (the id stays). CONFLICT when the serial is already stored
 * (for any terminal), when @kind differs from the terminal's, or when the terminal is revoked
 * (revocation is final for that id). @kind is "kiosk" or "console"; a serial is 1–64 hex digits
 * in either case, kept lower case without leading zeros. */
gboolean mado_registry_store_enrol_terminal (MadoRegistryStore *self, const char *terminal_id,
                                             const char *kind, const char *serial_hex,
                                             gint64 not_after, gint64 at, GError **error);
/* The terminal and the certificate with that serial; NOT_FOUND when unknown. revoked_at is set
 * when the terminal or this certificate is revoked. */
MadoTerminalRecord *mado_registry_store_find_terminal_by_serial (MadoRegistryStore *self,
                                                                 const char *serial_hex,
                                                                 GError **error);
/* Revokes the terminal and every certificate of it at @at (> 0); NOT_FOUND when unknown. Revoking
 * again keeps the first time. */
gboolean mado_registry_store_revoke_terminal (MadoRegistryStore *self, const char *terminal_id,
                                              gint64 at, GError **error);
/* MadoTerminalRecord *, one per terminal (its latest certificate: last enrolled), by id. */
GPtrArray *mado_registry_store_list_terminals (MadoRegistryStore *self, GError **error);

/* Operators: put inserts or replaces every field by login; get is NOT_FOUND when absent. */
gboolean mado_registry_store_put_operator (MadoRegistryStore *self, const MadoOperatorRecord *op,
                                           GError **error);
MadoOperatorRecord *mado_registry_store_get_operator (MadoRegistryStore *self, const char *login,
                                                      GError **error);

/* Sessions: put inserts or replaces by token_hash (and purges sessions expired at @s's
 * created_at); get is NOT_FOUND when absent or expired at @now (now >= expires_at); delete
 * succeeds whether or not the session was there. */
gboolean mado_registry_store_put_session (MadoRegistryStore *self, const MadoSessionRecord *s,
                                          GError **error);
MadoSessionRecord *mado_registry_store_get_session (MadoRegistryStore *self, const char *token_hash,
                                                    gint64 now, GError **error);
gboolean mado_registry_store_delete_session (MadoRegistryStore *self, const char *token_hash,
                                             GError **error);

/* Challenge nonces (MADO_NONCE_LENGTH bytes) for app/identity's MadoNonceStore: see
 * mado-store-nonce.h. put: CONFLICT when the nonce is already stored. take consumes it
 * atomically — FRESH at most once, across connections and processes; UNKNOWN (with @error set)
 * when the database fails. A taken nonce stays as a tombstone, and every row is purged an hour
 * after it expires. */
gboolean mado_registry_store_put_nonce (MadoRegistryStore *self,
                                        const guint8 nonce[MADO_NONCE_LENGTH], gint64 expires_at,
                                        GError **error);
MadoNonceState mado_registry_store_take_nonce (MadoRegistryStore *self,
                                               const guint8 nonce[MADO_NONCE_LENGTH], gint64 now,
                                               GError **error);

/* Move drafts (the model's, with the card's facts as given). put inserts (CONFLICT when the
 * draft_id exists). update replaces the draft of the same id only if its stored status is still
 * @expected_status (CONFLICT otherwise: another clerk got there first; NOT_FOUND when absent);
 * the new status must be @expected_status or a step of the model's life cycle from it, and a
 * registered or rejected draft never changes (MADO_MODEL_ERROR_TRANSITION). list gives
 * MadoMoveDraft *, oldest (first stored) first, of one MadoMoveStatus or all (-1), at most
 * @limit (0: no limit). */
gboolean mado_registry_store_put_move_draft (MadoRegistryStore *self, const MadoMoveDraft *draft,
                                             GError **error);
MadoMoveDraft *mado_registry_store_get_move_draft (MadoRegistryStore *self, const char *draft_id,
                                                   GError **error);
gboolean mado_registry_store_update_move_draft (MadoRegistryStore *self, const MadoMoveDraft *draft,
                                                MadoMoveStatus expected_status, GError **error);
GPtrArray *mado_registry_store_list_move_drafts (MadoRegistryStore *self, int status, guint limit,
                                                 GError **error);

/* The digest of an issuance's document (SHA-256 hex of the canonical document JSON), for the
 * lookup by 発行番号. set: NOT_FOUND when no such issuance; written once (the same digest again
 * is fine, another is CONFLICT). get: NULL and NOT_FOUND when no such issuance, NULL without
 * error when no digest was set. */
gboolean mado_registry_store_set_issuance_digest (MadoRegistryStore *self, const char *issue_number,
                                                  const char *digest_hex, GError **error);
char *mado_registry_store_get_issuance_digest (MadoRegistryStore *self, const char *issue_number,
                                               GError **error);
/* The same with the document itself (its canonical JSON as print/ renders it, which the registry
 * keeps so any registry process can render the PDF later): set writes both once (NULL
 * @document_json: the digest alone); get gives both (each NULL when not set; NULL pointers may be
 * passed for what is not wanted). */
gboolean mado_registry_store_set_issuance_document (MadoRegistryStore *self,
                                                    const char *issue_number,
                                                    const char *digest_hex,
                                                    const char *document_json, GError **error);
gboolean mado_registry_store_get_issuance_document (MadoRegistryStore *self,
                                                    const char *issue_number, char **digest_hex,
                                                    char **document_json, GError **error);

/* Queue calling. @day is "YYYY-MM-DD", the ticket's local day as issue_ticket numbers it.
 * list_tickets: MadoQueueTicket *, by category then number, of one MadoTicketStatus or all
 * (-1). call_next_ticket: atomically, the oldest (by issued_at, as an instant) waiting ticket of
 * @categories (NULL-terminated, at least one) that day becomes `called` at @counter and is
 * returned; NOT_FOUND when none waits. Two consoles calling at once never get the same ticket. */
GPtrArray *mado_registry_store_list_tickets (MadoRegistryStore *self, const char *day, int status,
                                             GError **error);
MadoQueueTicket *mado_registry_store_call_next_ticket (MadoRegistryStore *self,
                                                       const char *const *categories,
                                                       const char *day, const char *counter,
                                                       GError **error);
/* Offline blocks: takes @count (1–9999) numbers off the same daily counter issue_ticket uses, so
 * an online and an offline number never collide; *@first…*@last is the block. RANGE_EXHAUSTED
 * (and nothing taken) when the category's range has not that many left today. */
gboolean mado_registry_store_reserve_ticket_block (MadoRegistryStore *self, const char *category,
                                                   const char *day, guint count, guint *first,
                                                   guint *last, GError **error);
/* Stores a ticket issued offline with its own number: INVALID unless the number lies in a block
 * reserved for that day (of its issued_at) and category; CONFLICT when that number or that
 * ticket_id is already stored. The stored ticket is marked offline. */
gboolean mado_registry_store_put_offline_ticket (MadoRegistryStore *self,
                                                 const MadoQueueTicket *ticket, GError **error);

/* Seal registrations (印鑑登録, the model's MadoSealRegistration with its 印影). put inserts, or
 * replaces the registration of the same registration_number, in one transaction: NOT_FOUND when
 * the person (atena_number) is not stored; CONFLICT when the stored registration of that number
 * is another person's, or when @reg is `registered` while the person has another registered one
 * (a person has at most one registered seal: abolish it first); an abolished registration never
 * becomes registered again (MADO_MODEL_ERROR_TRANSITION: 廃止 is final, a new registration gets
 * a new number). get: by number, NOT_FOUND when absent. find: the person's registered one (the
 * current seal), NOT_FOUND when the person has none. */
gboolean mado_registry_store_put_seal_registration (MadoRegistryStore *self,
                                                    const MadoSealRegistration *reg,
                                                    GError **error);
MadoSealRegistration *mado_registry_store_get_seal_registration (MadoRegistryStore *self,
                                                                 const char *registration_number,
                                                                 GError **error);
MadoSealRegistration *mado_registry_store_find_seal_registration (MadoRegistryStore *self,
                                                                  const char *atena_number,
                                                                  GError **error);

G_END_DECLS
