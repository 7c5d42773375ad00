/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-store-common.h — private to registry/store: what both backends share and is not SQL (the
 * JSON columns, card-link bytes, argument checks, the error shapes).
 */
#pragma once

#include "mado-model.h"
#include "mado-registry-error.h"

G_BEGIN_DECLS

/* A string member of @object, or the "date" of a {"date", "qualifier"} member; NULL otherwise. */
const char *mado_store_json_text (JsonObject *object, const char *name);
/* A person from its stored JSON, without the 個人番号 (only read_kojin_bango() gives it). */
MadoPerson *mado_store_person_from_json_text (const char *text, GError **error);
/* Set MADO_REGISTRY_ERROR_NOT_FOUND / _INVALID and return FALSE. */
gboolean mado_store_not_found (const char *what, GError **error);
gboolean mado_store_invalid (const char *message, GError **error);
/* A ticket category is one letter A–Z. */
gboolean mado_store_category_is_valid (const char *category);
/* A 発行番号 prefix: A–Z, 0–9 and '-', short enough for "-NNNNNN" in a 32-character id. */
gboolean mado_store_prefix_is_valid (const char *prefix);
/* The ticket's day: the date part of issued_at (new string). */
char *mado_store_ticket_day (const MadoQueueTicket *ticket, GError **error);

G_END_DECLS
