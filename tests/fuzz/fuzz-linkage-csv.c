/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: the 住民データ CSV import (registry/linkage), as files from another system
 * arrive. The first byte picks the mode (modulo 3): 0 — the rest is the whole file, header and
 * all; 1 — the valid header is put first and the rest is the rows (so the fuzzer spends its time
 * on rows, not on the header); 2 — the RFC 4180 reader alone, with a small record limit.
 * Checks: a refusal is MADO_REGISTRY_ERROR_INVALID with every problem naming its line; an
 * accepted file has no problems and counts its rows; messages are UTF-8 (a raw field leaking
 * into one would break that first).
 */
#include <string.h>

#include "mado-csv.h"
#include "mado-linkage.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static char *
header_line (void)
{
  GString *line = g_string_new (NULL);
  const char *header;
  for (guint i = 0; mado_linkage_get_column (MADO_LINKAGE_RESIDENTS, i, &header, NULL); i++)
    mado_csv_append_field (line, header, i == 0);
  mado_csv_end_record (line);
  return g_string_free (line, FALSE);
}

static void
read_raw (const guint8 *data, gsize size)
{
  g_autoptr (GInputStream) in = g_memory_input_stream_new_from_data (data, (gssize)size, NULL);
  g_autoptr (MadoCsvReader) reader = mado_csv_reader_new (in, 256);
  g_autoptr (GError) error = NULL;
  GPtrArray *fields;
  guint line, last = 0;

  while (mado_csv_reader_next (reader, &fields, &line, NULL, &error))
    {
      if (line <= last && last != 0)
        abort (); /* records start on later lines */
      last = line;
      if (fields->len == 0 || fields->len > MADO_CSV_MAX_FIELDS)
        abort ();
      g_ptr_array_unref (fields);
    }
  if (error != NULL
      && (error->domain != MADO_REGISTRY_ERROR || !g_str_has_prefix (error->message, "line ")))
    abort ();
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static char *header;
  g_autoptr (GInputStream) in = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *joined = NULL;
  MadoLinkageImportReport report = { 0 };
  gboolean ok;

  if (size < 1)
    return 0;
  if (header == NULL)
    header = header_line ();
  switch (data[0] % 3)
    {
    case 0:
      in = g_memory_input_stream_new_from_data (data + 1, (gssize)(size - 1), NULL);
      break;
    case 1:
      {
        gsize length = strlen (header);
        joined = g_malloc (length + size - 1);
        memcpy (joined, header, length);
        memcpy (joined + length, data + 1, size - 1);
        in = g_memory_input_stream_new_from_data (joined, (gssize)(length + size - 1), NULL);
      }
      break;
    default:
      read_raw (data + 1, size - 1);
      return 0;
    }

  ok = mado_linkage_check_residents (in, &report, NULL, &error);
  if (ok)
    {
      if (error != NULL || report.problems->len != 0 || report.persons != 0)
        abort ();
    }
  else
    {
      if (error == NULL || error->domain != MADO_REGISTRY_ERROR
          || !g_utf8_validate (error->message, -1, NULL))
        abort ();
      for (guint i = 0; i < report.problems->len; i++)
        {
          const char *problem = g_ptr_array_index (report.problems, i);
          if (!g_str_has_prefix (problem, "line ") || !g_utf8_validate (problem, -1, NULL))
            abort ();
        }
    }
  mado_linkage_import_report_clear (&report);
  return 0;
}
