/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-document.h — a document as data: its kind and its JSON, checked against the kind's schema
 * (docs/documents.md is the contract). A loaded document has every required field, every field of
 * its type, and no field the schema does not name.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "mado-japanese-date.h"

G_BEGIN_DECLS

typedef enum
{
  MADO_DOCUMENT_JUMINHYO,    /* 住民票の写し */
  MADO_DOCUMENT_KISAI_JIKO,  /* 住民票記載事項証明書 */
  MADO_DOCUMENT_INKAN,       /* 印鑑登録証明書 */
  MADO_DOCUMENT_TENNYU,      /* 転入届 */
  MADO_DOCUMENT_TENSHUTSU,   /* 転出届 */
  MADO_DOCUMENT_TENKYO,      /* 転居届 */
  MADO_DOCUMENT_SETAI_HENKO, /* 世帯変更届 */
  MADO_DOCUMENT_TICKET,      /* 整理券 */
} MadoDocumentKind;

/* What a string field holds, so the renderer knows which fonts must hold its characters. */
typedef enum
{
  MADO_TEXT_NAME, /* names and addresses: IPAmj明朝 (and the configured MJ+ fonts) */
  MADO_TEXT_PLAIN /* other text: Noto CJK */
} MadoTextClass;

typedef struct _MadoDocument MadoDocument;

/* "juminhyo" → MADO_DOCUMENT_JUMINHYO; MADO_PRINT_ERROR_UNKNOWN_KIND otherwise. */
gboolean mado_document_kind_from_string (const char *name, MadoDocumentKind *out, GError **error);
const char *mado_document_kind_to_string (MadoDocumentKind kind);
/* The printed title: 「住民票の写し」, 「転入届」… */
const char *mado_document_kind_get_title (MadoDocumentKind kind);
gboolean mado_document_kind_is_certificate (MadoDocumentKind kind);
gboolean mado_document_kind_is_notice (MadoDocumentKind kind);

/* Takes a copy of @node and validates it as @kind. */
MadoDocument *mado_document_new (MadoDocumentKind kind, JsonNode *node, GError **error);
MadoDocument *mado_document_new_from_file (const char *kind, const char *path, GError **error);
MadoDocument *mado_document_ref (MadoDocument *doc);
void mado_document_unref (MadoDocument *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoDocument, mado_document_unref)

MadoDocumentKind mado_document_get_kind (MadoDocument *doc);
/* The data, borrowed. */
JsonNode *mado_document_get_node (MadoDocument *doc);
JsonObject *mado_document_get_root (MadoDocument *doc);
/* "test_mode" of the data. */
gboolean mado_document_get_test_mode (MadoDocument *doc);

typedef gboolean (*MadoDocumentTextFunc) (const char *path, const char *text, MadoTextClass cls,
                                          gpointer user_data, GError **error);
/* Calls @func for every string the document will print, with its path ("persons[2].name"),
 * stopping at the first FALSE. */
gboolean mado_document_foreach_text (MadoDocument *doc, MadoDocumentTextFunc func,
                                     gpointer user_data, GError **error);

/* Helpers for layouts (the document is valid, so they only read). NULL or FALSE when absent. */
const char *mado_json_get_string (JsonObject *obj, const char *member);
gboolean mado_json_get_bool (JsonObject *obj, const char *member);
JsonObject *mado_json_get_object (JsonObject *obj, const char *member);
JsonArray *mado_json_get_array (JsonObject *obj, const char *member);
/* A date field (a string, null, or {"date": …, "qualifier": …}) formatted for a form;
 * 「不詳」 when null, NULL when the member is absent. */
char *mado_json_format_date (JsonObject *obj, const char *member, MadoDateStyle style);

G_END_DECLS
