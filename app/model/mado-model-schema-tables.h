/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-model-schema-tables.h — every object's table (private to app/model and its tests, which
 * compare them with docs/model.md).
 */
#pragma once

#include "mado-model-schema.h"

G_BEGIN_DECLS

extern const char *const mado_sex_names[];
extern const char *const mado_move_reason_names[];

extern const MadoModelSchema mado_address_schema;
extern const MadoModelSchema mado_honseki_schema;
extern const MadoModelSchema mado_foreign_resident_schema;
extern const MadoModelSchema mado_person_schema;
extern const MadoModelSchema mado_household_schema;
extern const MadoModelSchema mado_history_entry_schema;
extern const MadoModelSchema mado_issuance_block_schema;
extern const MadoModelSchema mado_move_draft_schema;
extern const MadoModelSchema mado_queue_ticket_schema;
extern const MadoModelSchema mado_issuance_schema;
extern const MadoModelSchema mado_seal_registration_schema;

G_END_DECLS
