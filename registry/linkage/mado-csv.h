/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-csv.h — RFC 4180 CSV, strictly: a streaming reader over a GInputStream and the writer's
 * quoting. Records end with CRLF (LF alone is read too); a field is quoted when it holds a comma,
 * a quote, CR or LF, and a quote inside is doubled. docs/linkage.md.
 *
 * The reader refuses what RFC 4180 does not allow (a quote inside an unquoted field, text after
 * a closing quote, an unclosed quote, a CR without LF outside quotes) and what would be unsafe
 * to pass on (a NUL byte, a record over the size limit). Its messages name the line, never the
 * text (CSV from the registry holds personal data). MADO_REGISTRY_ERROR_INVALID.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The default limit of one record (all its fields and separators), in bytes. */
#define MADO_CSV_MAX_RECORD (1024 * 1024)
/* At most this many fields in a record. */
#define MADO_CSV_MAX_FIELDS 1024

typedef struct _MadoCsvReader MadoCsvReader;

/* A reader over @input (borrowed; kept referenced). A UTF-8 byte order mark at the very start is
 * skipped. @max_record 0 means MADO_CSV_MAX_RECORD. */
MadoCsvReader *mado_csv_reader_new (GInputStream *input, gsize max_record);
void mado_csv_reader_free (MadoCsvReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoCsvReader, mado_csv_reader_free)

/* The next record: TRUE with *@fields (a new GPtrArray of new strings, bytes as read — check
 * UTF-8 yourself) and *@line (the physical line, 1-based, where the record starts); FALSE and
 * *@fields NULL at the end of the input (no error) or on an error (@error set). After an error
 * the reader is done: every later call returns FALSE with no error. */
gboolean mado_csv_reader_next (MadoCsvReader *reader, GPtrArray **fields, guint *line,
                               GCancellable *cancellable, GError **error);

/* Appends @value as one field to @record, after a comma unless @first; quoted when needed. */
void mado_csv_append_field (GString *record, const char *value, gboolean first);
/* Ends the record: CRLF. */
void mado_csv_end_record (GString *record);

G_END_DECLS
