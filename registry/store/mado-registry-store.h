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

#define MADO_TYPE_REGISTRY_STORE (mado_registry_store_get_type ())
G_DECLARE_INTERFACE (MadoRegistryStore, mado_registry_store, MADO, REGISTRY_STORE, GObject)

typedef gboolean (*MadoRegistryStoreTxFunc) (MadoRegistryStore *store, gpointer user_data,
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

G_END_DECLS
