/* SPDX-License-Identifier: GPL-3.0-or-later
 * outbox-crash-helper — enqueues records into an outbox until it is killed (test-outbox's
 * /outbox/crash/sigkill kills it with SIGKILL at a random moment). After each enqueue returns
 * (committed), prints "ID IDEMPOTENCY-KEY" on stdout, so the parent knows what must survive.
 * Usage: outbox-crash-helper DB KEYFILE
 */
#include <stdio.h>

#include "mado-outbox.h"

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  if (argc != 3)
    {
      fprintf (stderr, "usage: outbox-crash-helper DB KEYFILE\n");
      return 2;
    }
  g_autoptr (MadoOutboxKey) key = mado_outbox_key_load (argv[2], &error);
  if (key == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  g_autoptr (MadoOutbox) outbox = mado_outbox_open (argv[1], key, &error);
  if (outbox == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  /* A bound, in case nobody kills us. */
  for (guint seq = 0; seq < 200000; seq++)
    {
      g_autofree char *payload = g_strdup_printf (
          "{\"name\": \"山田 花子\", \"seq\": %u, \"filler\": \"%0*u\"}", seq, (int)(seq % 512), 0);
      g_autoptr (MadoOutboxRecord) record
          = mado_outbox_enqueue (outbox, "move_draft", payload, 1700000000 + seq, &error);
      if (record == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      printf ("%" G_GINT64_FORMAT " %s\n", record->id, record->idempotency_key);
      fflush (stdout);
    }
  return 0;
}
