/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-model.h — the model of the standard (app/model), one include for all of it, and the
 * object kinds by name (for the registry's routes, the fuzz target and tools).
 */
#pragma once

#include "mado-date.h"
#include "mado-identifiers.h"
#include "mado-issuance.h"
#include "mado-model-error.h"
#include "mado-move-draft.h"
#include "mado-queue-ticket.h"
#include "mado-resident.h"
#include "mado-seal-registration.h"

G_BEGIN_DECLS

typedef enum
{
  MADO_MODEL_KIND_ADDRESS,
  MADO_MODEL_KIND_PERSON,
  MADO_MODEL_KIND_HOUSEHOLD,
  MADO_MODEL_KIND_HISTORY_ENTRY,
  MADO_MODEL_KIND_ISSUANCE_BLOCK,
  MADO_MODEL_KIND_MOVE_DRAFT,
  MADO_MODEL_KIND_QUEUE_TICKET,
  MADO_MODEL_KIND_ISSUANCE,
  MADO_MODEL_KIND_SEAL_REGISTRATION,
  MADO_MODEL_KIND_COUNT,
} MadoModelKind;

/* "person", "household", "history_entry", "issuance_block", "move_draft", "queue_ticket",
 * "issuance", "seal_registration", "address". */
const char *mado_model_kind_to_string (MadoModelKind kind);
gboolean mado_model_kind_from_string (const char *name, MadoModelKind *out);
/* Reads @node as @kind strictly and, on success, writes it back in the model's own form
 * (a new node); NULL with the error naming the field otherwise. */
JsonNode *mado_model_normalize (MadoModelKind kind, JsonNode *node, GError **error);

G_END_DECLS
