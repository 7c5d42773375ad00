/* SPDX-License-Identifier: GPL-3.0-or-later
 * bench-seed — seeds a registry database with synthetic residents (registry/seed) and reports
 * the time, the database's size and the peak RSS; then checks a few seeded card links through
 * the store. Not run by meson test (README.md, "Seed benchmark").
 *
 *   bench-seed --db sqlite:/tmp/x/registry.db [--count 1000000] [--seed 1] [--batch 5000]
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/resource.h>

#include "mado-registry-store.h"
#include "mado-seed.h"

static void
progress (guint done, guint total, gpointer user_data)
{
  gint64 *started = user_data;
  if (done % 100000 < 5000 || done == total)
    fprintf (stderr, "  %u / %u persons, %.1f s\n", done, total,
             (double)(g_get_monotonic_time () - *started) / G_USEC_PER_SEC);
}

static gint64
file_size (const char *path)
{
  GStatBuf st;
  return g_stat (path, &st) == 0 ? (gint64)st.st_size : 0;
}

int
main (int argc, char **argv)
{
  g_autofree char *dsn = NULL;
  gint64 count = 1000000, seed = 1, batch = 5000;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &dsn, "the store (sqlite:PATH or postgresql://…)", "DSN" },
    { "count", 0, 0, G_OPTION_ARG_INT64, &count, "persons", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "the seed", "S" },
    { "batch", 0, 0, G_OPTION_ARG_INT64, &batch, "persons per transaction", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— seed a registry database");
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoRegistryStore) store = NULL;
  MadoSeedOptions options;
  MadoSeedReport report;
  struct rusage usage;
  gint64 started;
  guint checked = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || dsn == NULL || count < 1
      || batch < 1)
    {
      fprintf (stderr, "%s\n", error ? error->message : "usage: bench-seed --db DSN [--count N]");
      return 2;
    }
  store = mado_registry_store_open (dsn, &error);
  if (store == NULL)
    {
      fprintf (stderr, "bench-seed: %s\n", error->message);
      return 1;
    }

  mado_seed_options_init (&options);
  options.count = (guint)count;
  options.seed = (guint64)seed;
  options.batch_size = (guint)batch;
  options.progress = progress;
  options.progress_data = &started;
  started = g_get_monotonic_time ();
  if (!mado_registry_seed (store, &options, &report, &error))
    {
      fprintf (stderr, "bench-seed: %s\n", error->message);
      return 1;
    }

  /* The pure function names the links the seed made. */
  for (guint i = 0; i < options.count && checked < 5; i++)
    {
      g_autoptr (GBytes) key = NULL;
      g_autoptr (GBytes) serial = NULL;
      g_autofree char *expected = mado_seed_atena_number (i);
      g_autofree char *found = NULL;
      if (!mado_seed_card_link_for (&options, i, &key, &serial))
        continue;
      found = mado_registry_store_find_card_link (store, key, serial, &error);
      if (g_strcmp0 (found, expected) != 0)
        {
          fprintf (stderr, "bench-seed: the card link of person %u is not in the store\n", i);
          return 1;
        }
      checked++;
    }

  getrusage (RUSAGE_SELF, &usage);
  printf ("persons %u households %u foreign %u blocks %u (支援措置 %u, 抑止 %u) card_links %u\n",
          report.persons, report.households, report.foreign, report.blocks, report.support_measures,
          report.suppressions, report.card_links);
  printf ("seconds %.1f persons/s %.0f peak_rss_mib %.0f\n", report.seconds,
          report.persons / report.seconds, (double)usage.ru_maxrss / 1024.0);
  if (g_str_has_prefix (dsn, "sqlite:"))
    {
      const char *path = dsn + strlen ("sqlite:");
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      printf ("db_mib %.0f wal_mib %.0f\n", (double)file_size (path) / 1048576.0,
              (double)file_size (wal) / 1048576.0);
    }
  return 0;
}
