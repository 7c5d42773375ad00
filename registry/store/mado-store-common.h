/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-store-common.h — private to registry/store: what both backends share and is not SQL (the
 * JSON columns, card-link bytes, argument checks, the error shapes).
 */
#pragma once

#include "mado-model.h"
#include "mado-registry-error.h"
#include "mado-registry-store.h"

G_BEGIN_DECLS

/* A string member of @object, or the "date" of a {"date", "qualifier"} member; NULL otherwise. */
const char *mado_store_json_text (JsonObject *object, const char *name);
/* A person from its stored JSON, without the 個人番号 (only read_kojin_bango() gives it). */
MadoPerson *mado_store_person_from_json_text (const char *text, GError **error);
/* record_change's check and columns: @entry through its JSON form once — @history_number in,
 * the model's strict read of that tree (the check; NULL and the model's error when it fails),
 * then the same tree written out as the entry's text (*@entry_json) and its person's
 * (*@person_json), byte for byte what the model's to_data() writes for the checked entry and
 * its person. *@tree is the tree (the store's columns come from it). */
MadoHistoryEntry *mado_store_entry_check (const MadoHistoryEntry *entry, guint history_number,
                                          JsonNode **tree, char **entry_json, char **person_json,
                                          GError **error);
/* put_household's check of the address and its column: the model's strict read of its JSON
 * tree, then that tree's text (new), or NULL and the model's error. */
char *mado_store_address_check (const MadoAddress *address, GError **error);
/* Set MADO_REGISTRY_ERROR_NOT_FOUND / _INVALID and return FALSE. */
gboolean mado_store_not_found (const char *what, GError **error);
gboolean mado_store_invalid (const char *message, GError **error);
/* A ticket category is one letter A–Z. */
gboolean mado_store_category_is_valid (const char *category);
/* A 発行番号 prefix: A–Z, 0–9 and '-', short enough for "-NNNNNN" in a 32-character id. */
gboolean mado_store_prefix_is_valid (const char *prefix);
/* The ticket's day: the date part of issued_at (new string). */
char *mado_store_ticket_day (const MadoQueueTicket *ticket, GError **error);
/* The issuance's day, issuances.reserved_day: the date part of reserved_at (its first 10
 * characters, the local date as written); "" when it has none (new string). */
char *mado_store_issuance_day (const MadoIssuance *issuance);
/* @request as the JSON of one reserved copy, before its number: status `reserved`, nothing printed
 * or voided (new). Each copy sets `issue_number` and `copy` and reads it back, validated. */
JsonNode *mado_store_reservation_json (const MadoIssuance *request);

/* ---- schema 4: the argument checks both backends make the same way ---- */

/* "YYYY-MM-DD", a real date. */
gboolean mado_store_day_is_valid (const char *day);
/* 1–64 hex digits, either case → lower case without leading zeros ("0" for zero); new, or NULL
 * and INVALID. */
char *mado_store_serial_normalize (const char *serial_hex, GError **error);
/* 64 hex digits, either case → lower case; new, or NULL and INVALID naming @what. */
char *mado_store_hex64_normalize (const char *hex, const char *what, GError **error);
/* A terminal id (the model's operator and terminal ids) and kind ("kiosk", "console"). */
gboolean mado_store_check_terminal (const char *terminal_id, const char *kind, GError **error);
gboolean mado_store_check_operator (const MadoOperatorRecord *op, GError **error);
/* Checks @s; *@token_hash and *@card_link (NULL when none) are new, lower case. */
gboolean mado_store_check_session (const MadoSessionRecord *s, char **token_hash, char **card_link,
                                   GError **error);
/* update_move_draft's rule: @draft valid, its status @expected or one step of the life cycle
 * from it, and @expected not final (MADO_MODEL_ERROR_TRANSITION). */
gboolean mado_store_check_draft_update (const MadoMoveDraft *draft, MadoMoveStatus expected,
                                        GError **error);
/* The stored name of a MadoTicketStatus / MadoMoveStatus ("waiting"…); NULL when out of range.
 */
const char *mado_store_ticket_status_name (int status);
const char *mado_store_move_status_name (int status);
/* issued_at as Unix seconds (the order call_next_ticket calls in). */
gboolean mado_store_ticket_issued_unix (const MadoQueueTicket *ticket, gint64 *out, GError **error);
/* The categories as one string of letters ("AB"): each one letter A–Z, at least one, at most
 * 26; new, or NULL and INVALID. */
char *mado_store_categories_string (const char *const *categories, GError **error);
/* The stored ticket @ticket_json called at @counter: the ticket (new) and its JSON (*@json). */
MadoQueueTicket *mado_store_ticket_called (const char *ticket_json, const char *counter,
                                           char **json, GError **error);
/* The ticket as put_offline_ticket stores it (a valid copy, offline set): new, or NULL. */
MadoQueueTicket *mado_store_offline_ticket (const MadoQueueTicket *ticket, GError **error);
/* A CONFLICT error with @message; FALSE. */
gboolean mado_store_conflict (const char *message, GError **error);
/* put_seal_registration's rules against what is stored under @reg's registration_number
 * (@stored_atena and @stored_status NULL when nothing is): the same person, and an abolished
 * registration stays abolished (MADO_MODEL_ERROR_TRANSITION). @reg is valid (checked first). */
gboolean mado_store_check_seal_replace (const MadoSealRegistration *reg, const char *stored_atena,
                                        const char *stored_status, GError **error);
/* CONFLICT: the person already has another registered seal. */
gboolean mado_store_seal_conflict (GError **error);

G_END_DECLS
