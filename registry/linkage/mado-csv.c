/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-csv.c — RFC 4180 CSV: a byte-level state machine over a buffered GInputStream, and the
 * writer's quoting. Messages name lines, never text.
 */
#include "mado-csv.h"

#include <string.h>

#include "mado-registry-error.h"

#define BUFFER_SIZE 65536
#define END_OF_INPUT (-1)
#define READ_ERROR (-2)

struct _MadoCsvReader
{
  GInputStream *input;
  guint8 *buffer;
  gsize length;
  gsize position;
  gboolean eof;     /* the stream has ended */
  gboolean done;    /* the end was returned or an error was: no more records */
  gboolean started; /* the byte order mark is dealt with */
  guint line;       /* the physical line the next byte is on */
  gsize max_record;
};

MadoCsvReader *
mado_csv_reader_new (GInputStream *input, gsize max_record)
{
  MadoCsvReader *reader = g_new0 (MadoCsvReader, 1);

  g_return_val_if_fail (G_IS_INPUT_STREAM (input), NULL);
  reader->input = g_object_ref (input);
  reader->buffer = g_malloc (BUFFER_SIZE);
  reader->line = 1;
  reader->max_record = max_record > 0 ? max_record : MADO_CSV_MAX_RECORD;
  return reader;
}

void
mado_csv_reader_free (MadoCsvReader *reader)
{
  if (reader == NULL)
    return;
  g_object_unref (reader->input);
  g_free (reader->buffer);
  g_free (reader);
}

/* Reads more into the buffer (keeping nothing: callers consume byte by byte). */
static gboolean
fill (MadoCsvReader *r, GCancellable *cancellable, GError **error)
{
  r->length = 0;
  r->position = 0;
  while (!r->eof && r->length < BUFFER_SIZE)
    {
      gssize n = g_input_stream_read (r->input, r->buffer + r->length, BUFFER_SIZE - r->length,
                                      cancellable, error);
      if (n < 0)
        return FALSE;
      if (n == 0)
        r->eof = TRUE;
      r->length += (gsize)n;
      /* The first fill gathers at least the three bytes of a byte order mark. */
      if (r->started || r->length >= 3)
        break;
    }
  if (!r->started)
    {
      r->started = TRUE;
      if (r->length >= 3 && memcmp (r->buffer, "\xEF\xBB\xBF", 3) == 0)
        r->position = 3;
    }
  return TRUE;
}

static int
next_byte (MadoCsvReader *r, GCancellable *cancellable, GError **error)
{
  if (r->position >= r->length)
    {
      if (r->eof && r->started)
        return END_OF_INPUT;
      if (!fill (r, cancellable, error))
        return READ_ERROR;
      if (r->position >= r->length)
        return END_OF_INPUT;
    }
  return r->buffer[r->position++];
}

static int
peek_byte (MadoCsvReader *r, GCancellable *cancellable, GError **error)
{
  int c = next_byte (r, cancellable, error);
  if (c >= 0)
    r->position--; /* next_byte never refills after a byte it returned */
  return c;
}

static gboolean
fail (MadoCsvReader *r, GError **error, guint line, const char *what)
{
  r->done = TRUE;
  g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID, "line %u: %s", line, what);
  return FALSE;
}

gboolean
mado_csv_reader_next (MadoCsvReader *r, GPtrArray **fields, guint *line, GCancellable *cancellable,
                      GError **error)
{
  g_autoptr (GPtrArray) record = NULL;
  g_autoptr (GString) field = NULL;
  guint start = r->line;
  gsize size = 0;
  int c;

  *fields = NULL;
  *line = start;
  if (r->done)
    return FALSE;
  c = next_byte (r, cancellable, error);
  if (c == READ_ERROR)
    return r->done = TRUE, FALSE;
  if (c == END_OF_INPUT)
    return r->done = TRUE, FALSE;

  record = g_ptr_array_new_with_free_func (g_free);
  field = g_string_sized_new (64);
  for (;;)
    {
      g_string_truncate (field, 0);
      if (c == '"')
        {
          for (;;)
            {
              c = next_byte (r, cancellable, error);
              if (c == READ_ERROR)
                return r->done = TRUE, FALSE;
              if (c == END_OF_INPUT)
                return fail (r, error, start, "a quoted field is not closed");
              if (c == '"')
                {
                  int after = peek_byte (r, cancellable, error);
                  if (after == READ_ERROR)
                    return r->done = TRUE, FALSE;
                  if (after != '"')
                    break;
                  r->position++;
                }
              else if (c == '\n')
                r->line++;
              else if (c == '\0')
                return fail (r, error, start, "a NUL byte");
              g_string_append_c (field, (char)c);
              if (size + field->len > r->max_record)
                return fail (r, error, start, "the record is longer than the limit");
            }
          c = next_byte (r, cancellable, error);
          if (c == READ_ERROR)
            return r->done = TRUE, FALSE;
          if (c != ',' && c != '\r' && c != '\n' && c != END_OF_INPUT)
            return fail (r, error, start, "text after a closing quote");
        }
      else
        {
          while (c != ',' && c != '\r' && c != '\n' && c != END_OF_INPUT)
            {
              if (c == READ_ERROR)
                return r->done = TRUE, FALSE;
              if (c == '"')
                return fail (r, error, start, "a quote inside an unquoted field");
              if (c == '\0')
                return fail (r, error, start, "a NUL byte");
              g_string_append_c (field, (char)c);
              if (size + field->len > r->max_record)
                return fail (r, error, start, "the record is longer than the limit");
              c = next_byte (r, cancellable, error);
            }
          if (c == READ_ERROR)
            return r->done = TRUE, FALSE;
        }

      size += field->len + 1;
      if (record->len >= MADO_CSV_MAX_FIELDS)
        return fail (r, error, start, "more fields than the limit");
      g_ptr_array_add (record, g_strndup (field->str, field->len));

      if (c == ',')
        {
          c = next_byte (r, cancellable, error);
          if (c == READ_ERROR)
            return r->done = TRUE, FALSE;
          continue;
        }
      if (c == '\r')
        {
          c = next_byte (r, cancellable, error);
          if (c == READ_ERROR)
            return r->done = TRUE, FALSE;
          if (c != '\n')
            return fail (r, error, start, "a carriage return without a line feed");
        }
      if (c == '\n')
        r->line++;
      break; /* the end of the record (or of the input) */
    }
  *fields = g_steal_pointer (&record);
  return TRUE;
}

void
mado_csv_append_field (GString *record, const char *value, gboolean first)
{
  if (!first)
    g_string_append_c (record, ',');
  if (value == NULL || *value == '\0')
    return;
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (record, value);
      return;
    }
  g_string_append_c (record, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (record, '"');
      g_string_append_c (record, *p);
    }
  g_string_append_c (record, '"');
}

void
mado_csv_end_record (GString *record)
{
  g_string_append (record, "\r\n");
}
