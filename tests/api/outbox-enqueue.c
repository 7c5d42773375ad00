/* SPDX-License-Identifier: GPL-3.0-or-later
 * outbox-enqueue — what a kiosk does when a resident confirms something: stores it in the outbox
 * first. For the API fault tests (test-api-faults.py), which then run and kill mado-outbox.
 *
 *   outbox-enqueue --new-key KEYFILE                 a new outbox key (0600)
 *   outbox-enqueue OUTBOX KEYFILE KIND JSONFILE [AGE] one record (AGE: seconds in the past)
 *                                                    → "<id> <idempotency key>"
 */
#include <stdio.h>
#include <string.h>

#include "mado-outbox.h"

static int
enqueue (int argc, char **argv, GError **error)
{
  g_autoptr (MadoOutboxKey) key = mado_outbox_key_load (argv[2], error);
  if (key == NULL)
    return 1;
  g_autoptr (MadoOutbox) outbox = mado_outbox_open (argv[1], key, error);
  g_autofree char *json = NULL;
  if (outbox == NULL || !g_file_get_contents (argv[4], &json, NULL, error))
    return 1;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  if (argc == 6)
    now -= g_ascii_strtoll (argv[5], NULL, 10);
  g_autoptr (MadoOutboxRecord) record = mado_outbox_enqueue (outbox, argv[3], json, now, error);
  if (record == NULL)
    return 1;
  printf ("%" G_GINT64_FORMAT " %s\n", record->id, record->idempotency_key);
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  if (argc == 3 && strcmp (argv[1], "--new-key") == 0)
    {
      g_autoptr (MadoOutboxKey) key = mado_outbox_key_generate (&error);
      if (key == NULL || !mado_outbox_key_save (key, argv[2], &error))
        goto fail;
      return 0;
    }
  if (argc != 5 && argc != 6)
    {
      fprintf (stderr, "usage: outbox-enqueue OUTBOX KEYFILE KIND JSONFILE [AGE]\n");
      return 2;
    }
  if (enqueue (argc, argv, &error) != 0)
    goto fail;
  return 0;
fail:
  fprintf (stderr, "outbox-enqueue: %s\n", error->message);
  return 1;
}
