/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-linkage.h — the standard's CSV linkage (標準仕様 j1430, j1410): export of submitted move
 * notices (住民異動届), of certificate requests (証明書交付申請) and of residents (住民データ), and
 * the strict import of residents in the same form as their export. Columns, codes, dates,
 * encoding and the import's rules: docs/linkage.md.
 *
 * CSV is UTF-8 (no byte order mark unless asked for; one is accepted on import), RFC 4180
 * quoting, CRLF, a header row of the standard's item names. Dates are 西暦 YYYYMMDD with 00 for
 * an unknown month or day and 00000000 for an unknown date; a 不詳 qualifier has its own column.
 *
 * Errors never hold a value from the data: a bad row is reported by its line and the column's
 * item name (MADO_REGISTRY_ERROR_INVALID). Exports refuse an object the model refuses.
 */
#pragma once

#include <gio/gio.h>

#include "mado-registry-store.h"

G_BEGIN_DECLS

typedef enum
{
  MADO_LINKAGE_RESIDENTS,    /* 住民データ: one row per person (export and import) */
  MADO_LINKAGE_MOVE_NOTICES, /* 住民異動届: one row per 異動者 of a notice */
  MADO_LINKAGE_ISSUANCES,    /* 証明書交付申請: one row per copy */
} MadoLinkageFormat;

typedef enum
{
  MADO_LINKAGE_FLAGS_NONE = 0,
  MADO_LINKAGE_FLAG_BOM = 1 << 0, /* export: start with U+FEFF (for spreadsheet programs) */
} MadoLinkageFlags;

/* The @index-th column (0-based) of @format: the header (the standard's item name) and the
 * model's JSON field it carries ("address.town", "members.name"). FALSE past the last. */
gboolean mado_linkage_get_column (MadoLinkageFormat format, guint index, const char **header,
                                  const char **field);

/* MadoPerson * → 住民データ. The 個人番号 column is filled only for persons that carry one
 * (the store's get_person never gives it: read it through read_kojin_bango, which logs). */
gboolean mado_linkage_export_residents (GPtrArray *persons, MadoLinkageFlags flags,
                                        GOutputStream *output, GCancellable *cancellable,
                                        GError **error);
/* MadoMoveDraft * → 住民異動届. A draft still in status `draft` (not confirmed by the resident)
 * is refused. */
gboolean mado_linkage_export_move_notices (GPtrArray *drafts, MadoLinkageFlags flags,
                                           GOutputStream *output, GCancellable *cancellable,
                                           GError **error);
/* MadoIssuance * → 証明書交付申請. */
gboolean mado_linkage_export_issuances (GPtrArray *issuances, MadoLinkageFlags flags,
                                        GOutputStream *output, GCancellable *cancellable,
                                        GError **error);

/* The same CSV one object at a time, for exports too large to hold (every resident): the
 * header is written by _new, each _add validates and appends its row(s), _finish writes what is
 * buffered (the caller closes @output). A refused object leaves the rows before it written. */
typedef struct _MadoLinkageWriter MadoLinkageWriter;
MadoLinkageWriter *mado_linkage_writer_new (MadoLinkageFormat format, MadoLinkageFlags flags,
                                            GOutputStream *output);
gboolean mado_linkage_writer_add (MadoLinkageWriter *writer, gconstpointer object,
                                  GCancellable *cancellable, GError **error);
gboolean mado_linkage_writer_finish (MadoLinkageWriter *writer, GCancellable *cancellable,
                                     GError **error);
guint mado_linkage_writer_get_count (const MadoLinkageWriter *writer); /* objects added */
void mado_linkage_writer_free (MadoLinkageWriter *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoLinkageWriter, mado_linkage_writer_free)

typedef struct
{
  MadoMoveReason reason; /* 異動事由 of each history entry; default 改製 (entry_remaking) */
  const char *processed_on; /* 処理日 and 異動日, YYYY-MM-DD; NULL: today (local) */
  const char *terminal;     /* 入力端末 (ASCII id) or NULL */
  guint max_problems;       /* stop reading after this many bad rows; default 100 */
} MadoLinkageImportOptions;

typedef struct
{
  guint rows;            /* data rows read (the header not counted) */
  guint persons;         /* persons recorded (0 when anything was refused) */
  guint households;      /* households written */
  guint seals_abolished; /* 印鑑登録 abolished because the person is no longer a resident */
  GPtrArray *problems;   /* char *: "line 12, 生年月日 (birth_date): …"; never a value */
} MadoLinkageImportReport;

void mado_linkage_import_options_init (MadoLinkageImportOptions *options);
/* Frees the problems; the report can be reused. */
void mado_linkage_import_report_clear (MadoLinkageImportReport *report);

/* @report (may be NULL) is overwritten: clear a report used before. */

/* Reads 住民データ and checks every row as the import does (columns, codes, dates, the model's
 * rules, one 宛名番号 once, one address and at most one 世帯主 per 世帯番号) without a store.
 * FALSE when any row is bad: @error gives the first problem and the count, @report (may be NULL;
 * clear it after) all of them up to the limit. */
gboolean mado_linkage_check_residents (GInputStream *input, MadoLinkageImportReport *report,
                                       GCancellable *cancellable, GError **error);

/* Imports 住民データ into @store in ONE transaction: every row is checked, each person is
 * recorded (a full-row history entry, @options' 異動事由) and each household written with its
 * address; if any row is bad or any write fails, nothing is applied. @options may be NULL
 * (defaults). */
gboolean mado_linkage_import_residents (MadoRegistryStore *store, GInputStream *input,
                                        const MadoLinkageImportOptions *options,
                                        MadoLinkageImportReport *report, GCancellable *cancellable,
                                        GError **error);

G_END_DECLS
