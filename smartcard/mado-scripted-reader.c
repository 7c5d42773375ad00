/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-scripted-reader.c — plays a transcript (see the header for its two formats).
 */
#define G_LOG_DOMAIN "mado-smartcard"

#include "mado-scripted-reader.h"

#include "mado-card-error.h"

typedef enum
{
  STEP_RESPOND,
  STEP_REMOVED,
  STEP_RESET,
} StepAction;

typedef struct
{
  GBytes *expect; /* NULL = any command */
  GBytes *response;
  StepAction action;
} Step;

struct _MadoScriptedReader
{
  MadoReader parent_instance;

  GArray *steps; /* Step */
  guint next;
  gboolean strict; /* text transcripts: an extra command is a mismatch */
  gboolean removed;
  gboolean connected;
  GPtrArray *commands; /* GBytes of every command received */
};

G_DEFINE_FINAL_TYPE (MadoScriptedReader, mado_scripted_reader, MADO_TYPE_READER)

static void
step_clear (gpointer data)
{
  Step *step = data;
  g_clear_pointer (&step->expect, g_bytes_unref);
  g_clear_pointer (&step->response, g_bytes_unref);
}

static void
mado_scripted_reader_finalize (GObject *object)
{
  MadoScriptedReader *self = MADO_SCRIPTED_READER (object);

  g_clear_pointer (&self->steps, g_array_unref);
  g_clear_pointer (&self->commands, g_ptr_array_unref);
  G_OBJECT_CLASS (mado_scripted_reader_parent_class)->finalize (object);
}

static gboolean
scripted_connect (MadoReader *reader, GError **error)
{
  MadoScriptedReader *self = MADO_SCRIPTED_READER (reader);
  if (self->removed)
    {
      g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_NO_CARD, "No card");
      return FALSE;
    }
  self->connected = TRUE;
  return TRUE;
}

static void
scripted_disconnect (MadoReader *reader)
{
  MADO_SCRIPTED_READER (reader)->connected = FALSE;
}

static gboolean
scripted_reconnect (MadoReader *reader, GError **error)
{
  return scripted_connect (reader, error);
}

static gboolean
scripted_begin (MadoReader *reader, GError **error)
{
  MadoScriptedReader *self = MADO_SCRIPTED_READER (reader);
  if (self->removed)
    {
      g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_REMOVED,
                           "The card was removed");
      return FALSE;
    }
  return TRUE;
}

static void
scripted_end (MadoReader *reader)
{
}

static gboolean
scripted_transmit (MadoReader *reader, const guint8 *command, gsize command_len, guint8 *response,
                   gsize *response_len, GError **error)
{
  MadoScriptedReader *self = MADO_SCRIPTED_READER (reader);

  if (self->removed)
    {
      g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_REMOVED,
                           "The card was removed");
      return FALSE;
    }

  g_ptr_array_add (self->commands, g_bytes_new (command, command_len));

  if (self->next >= self->steps->len)
    {
      if (self->strict)
        {
          g_autofree char *hex = g_strdup_printf ("%02X %02X %02X %02X", command[0], command[1],
                                                  command[2], command[3]);
          g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_SCRIPT_MISMATCH,
                       "Unexpected command %s after the end of the transcript", hex);
        }
      else
        {
          self->removed = TRUE;
          g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_REMOVED,
                               "The card was removed (end of transcript)");
        }
      return FALSE;
    }

  Step *step = &g_array_index (self->steps, Step, self->next);
  self->next++;

  if (step->expect != NULL)
    {
      gsize elen;
      const guint8 *expect = g_bytes_get_data (step->expect, &elen);
      if (elen != command_len || memcmp (expect, command, elen) != 0)
        {
          g_set_error (error, MADO_CARD_ERROR, MADO_CARD_ERROR_SCRIPT_MISMATCH,
                       "Step %u: command %02X %02X %02X %02X (%" G_GSIZE_FORMAT
                       " bytes) is not the expected one",
                       self->next, command[0], command[1], command[2], command[3], command_len);
          return FALSE;
        }
    }

  switch (step->action)
    {
    case STEP_REMOVED:
      self->removed = TRUE;
      g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_REMOVED,
                           "The card was removed");
      return FALSE;
    case STEP_RESET:
      g_set_error_literal (error, MADO_CARD_ERROR, MADO_CARD_ERROR_CARD_RESET,
                           "The card was reset by another party");
      return FALSE;
    case STEP_RESPOND:
    default:
      break;
    }

  gsize rlen;
  const guint8 *r = g_bytes_get_data (step->response, &rlen);
  if (rlen > *response_len)
    rlen = *response_len;
  if (rlen > 0)
    memcpy (response, r, rlen);
  *response_len = rlen;
  return TRUE;
}

static void
mado_scripted_reader_class_init (MadoScriptedReaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mado_scripted_reader_finalize;
  MadoReaderClass *reader_class = MADO_READER_CLASS (klass);
  reader_class->connect = scripted_connect;
  reader_class->disconnect = scripted_disconnect;
  reader_class->reconnect = scripted_reconnect;
  reader_class->begin_transaction = scripted_begin;
  reader_class->end_transaction = scripted_end;
  reader_class->transmit = scripted_transmit;
}

static void
mado_scripted_reader_init (MadoScriptedReader *self)
{
  self->steps = g_array_new (FALSE, TRUE, sizeof (Step));
  g_array_set_clear_func (self->steps, step_clear);
  self->commands = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  mado_reader_set_name (MADO_READER (self), "Scripted reader");
}

static GBytes *
parse_hex (const char *text, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  int nibble = -1;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || *p == ':')
        continue;
      int v = g_ascii_xdigit_value (*p);
      if (v < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not hex: '%c'", *p);
          return NULL;
        }
      if (nibble < 0)
        nibble = v;
      else
        {
          guint8 b = (guint8)((nibble << 4) | v);
          g_byte_array_append (out, &b, 1);
          nibble = -1;
        }
    }
  if (nibble >= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Odd number of hex digits");
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

MadoReader *
mado_scripted_reader_new_from_text (const char *transcript, GError **error)
{
  g_autoptr (MadoScriptedReader) self = g_object_new (MADO_TYPE_SCRIPTED_READER, NULL);
  g_auto (GStrv) lines = g_strsplit (transcript, "\n", -1);
  GBytes *pending_expect = NULL;
  gboolean have_pending = FALSE;

  self->strict = TRUE;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      char *hash = strchr (line, '#');
      if (hash != NULL)
        *hash = '\0';
      g_strstrip (line);
      if (*line == '\0')
        continue;

      g_autoptr (GError) local = NULL;
      if (g_str_has_prefix (line, "atr "))
        {
          g_autoptr (GBytes) atr = parse_hex (line + 4, &local);
          if (atr == NULL)
            goto fail;
          mado_reader_set_atr (MADO_READER (self), g_bytes_get_data (atr, NULL),
                               g_bytes_get_size (atr));
        }
      else if (line[0] == '>')
        {
          if (have_pending)
            {
              g_set_error (&local, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "two commands in a row");
              goto fail;
            }
          const char *rest = g_strstrip (line + 1);
          pending_expect = g_str_equal (rest, "*") ? NULL : parse_hex (rest, &local);
          if (local != NULL)
            goto fail;
          have_pending = TRUE;
        }
      else if (line[0] == '<')
        {
          if (!have_pending)
            {
              g_set_error (&local, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "response without command");
              goto fail;
            }
          const char *rest = g_strstrip (line + 1);
          Step step = { .expect = pending_expect, .action = STEP_RESPOND };
          if (g_str_equal (rest, "!removed"))
            step.action = STEP_REMOVED;
          else if (g_str_equal (rest, "!reset"))
            step.action = STEP_RESET;
          else
            {
              step.response = parse_hex (rest, &local);
              /* Shorter than SW1 SW2 is allowed: a broken answer the reader layer must refuse. */
              if (step.response == NULL)
                {
                  g_clear_pointer (&pending_expect, g_bytes_unref);
                  goto fail;
                }
            }
          g_array_append_val (self->steps, step);
          pending_expect = NULL;
          have_pending = FALSE;
        }
      else
        {
          g_set_error (&local, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unknown item");
          goto fail;
        }
      continue;

    fail:
      g_clear_pointer (&pending_expect, g_bytes_unref);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Transcript line %u: %s", i + 1,
                   local->message);
      return NULL;
    }

  if (have_pending)
    {
      g_clear_pointer (&pending_expect, g_bytes_unref);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "Transcript ends with a command without response");
      return NULL;
    }
  return MADO_READER (g_steal_pointer (&self));
}

MadoReader *
mado_scripted_reader_new_from_binary (const guint8 *data, gsize len)
{
  MadoScriptedReader *self = g_object_new (MADO_TYPE_SCRIPTED_READER, NULL);
  gboolean first = TRUE;

  self->strict = FALSE;
  while (len >= 2)
    {
      gsize chunk = ((gsize)data[0] << 8) | data[1];
      data += 2;
      len -= 2;
      if (chunk > len)
        chunk = len;
      if (first)
        {
          mado_reader_set_atr (MADO_READER (self), data, chunk);
          first = FALSE;
        }
      else
        {
          Step step = { .action = STEP_RESPOND, .response = g_bytes_new (data, chunk) };
          g_array_append_val (self->steps, step);
        }
      data += chunk;
      len -= chunk;
    }
  return MADO_READER (self);
}

guint
mado_scripted_reader_get_remaining (MadoScriptedReader *self)
{
  g_return_val_if_fail (MADO_IS_SCRIPTED_READER (self), 0);
  return self->steps->len - self->next;
}

GPtrArray *
mado_scripted_reader_get_commands (MadoScriptedReader *self)
{
  g_return_val_if_fail (MADO_IS_SCRIPTED_READER (self), NULL);
  return self->commands;
}
