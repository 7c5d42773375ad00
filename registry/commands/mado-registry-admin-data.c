/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-registry-admin-data.c — the data subcommands of mado-registry-admin: seed (synthetic
 * residents, registry/seed) and the standard's CSV linkage (registry/linkage): export of
 * submitted move notices, certificate requests and residents, import of residents.
 */
#define G_LOG_DOMAIN "mado-registry"

#include <stdio.h>
#include <string.h>

#include "mado-app-error.h"
#include "mado-linkage.h"
#include "mado-registry-admin.h"
#include "mado-registry-store.h"
#include "mado-seed.h"

static void
progress (guint done, guint total, gpointer user_data)
{
  (void)user_data;
  fprintf (stderr, "\r%u / %u", done, total);
  if (done == total)
    fputc ('\n', stderr);
}

int
mado_registry_admin_seed (int argc, char **argv)
{
  g_autofree char *db = NULL, *today = NULL;
  int count = 0;
  gint64 seed = 1;
  gboolean quiet = FALSE;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, "the database (fresh)", "DSN" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "residents to make", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "the random seed (default 1)", "S" },
    { "today", 0, 0, G_OPTION_ARG_STRING, &today, "reference day (YYYY-MM-DD)", "DAY" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no progress", NULL },
    G_OPTION_ENTRY_NULL,
  };
  if (!mado_registry_admin_parse (&argc, &argv, entries,
                                  "— synthetic residents for demos and benchmarks", &error))
    return mado_registry_admin_fail (error);
  if (db == NULL || count < 1 || seed < 0)
    return mado_registry_admin_usage ("seed --db DSN --count N [--seed S]");
  g_autoptr (MadoRegistryStore) store = mado_registry_store_open (db, &error);
  if (store == NULL)
    return mado_registry_admin_fail (error);
  MadoSeedOptions options;
  mado_seed_options_init (&options);
  options.count = (guint)count;
  options.seed = (guint64)seed;
  if (today != NULL)
    options.today = today;
  if (!quiet)
    options.progress = progress;
  MadoSeedReport report = { 0 };
  if (!mado_registry_seed (store, &options, &report, &error))
    return mado_registry_admin_fail (error);
  printf ("persons %u households %u foreign %u blocks %u card_links %u seal_registrations %u "
          "seconds %.1f\n",
          report.persons, report.households, report.foreign, report.blocks, report.card_links,
          report.seal_registrations, report.seconds);
  return 0;
}

static gboolean
write_person (const MadoPerson *person, gpointer user_data, GError **error)
{
  return mado_linkage_writer_add (user_data, person, NULL, error);
}

int
mado_registry_admin_export (int argc, char **argv)
{
  g_autofree char *db = NULL, *what = NULL, *out = NULL, *day = NULL, *status = NULL;
  gboolean bom = FALSE;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, "the database", "DSN" },
    { "what", 0, 0, G_OPTION_ARG_STRING, &what, "moves, issuances or residents", "WHAT" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "the CSV file to write", "FILE" },
    { "day", 0, 0, G_OPTION_ARG_STRING, &day, "issuances of this day only (YYYY-MM-DD)", "DAY" },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status,
      "moves in this status (default submitted; all: every draft)", "STATUS" },
    { "bom", 0, 0, G_OPTION_ARG_NONE, &bom, "start with a byte order mark (spreadsheets)", NULL },
    G_OPTION_ENTRY_NULL,
  };
  if (!mado_registry_admin_parse (&argc, &argv, entries,
                                  "— the standard's CSV linkage (docs/linkage.md)", &error))
    return mado_registry_admin_fail (error);
  if (db == NULL || what == NULL || out == NULL)
    return mado_registry_admin_usage (
        "export --db DSN --what moves|issuances|residents --out FILE.csv");
  int wanted = MADO_MOVE_STATUS_SUBMITTED;
  if (status != NULL)
    {
      static const char *const names[]
          = { "draft", "submitted", "provisional", "registered", "rejected" };
      wanted = strcmp (status, "all") == 0 ? -1 : -2;
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        if (strcmp (status, names[i]) == 0)
          wanted = (int)i;
      if (wanted == -2)
        return mado_registry_admin_usage (
            "export … --status draft|submitted|provisional|registered|rejected|all");
    }
  g_autoptr (MadoRegistryStore) store = mado_registry_store_open (db, &error);
  if (store == NULL)
    return mado_registry_admin_fail (error);
  g_autoptr (GFile) file = g_file_new_for_path (out);
  g_autoptr (GFileOutputStream) stream
      = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &error);
  if (stream == NULL)
    return mado_registry_admin_fail (error);
  MadoLinkageFlags flags = bom ? MADO_LINKAGE_FLAG_BOM : MADO_LINKAGE_FLAGS_NONE;
  GOutputStream *os = G_OUTPUT_STREAM (stream);
  gboolean ok;
  g_autoptr (GPtrArray) items = NULL;
  guint count = 0;
  if (strcmp (what, "moves") == 0)
    ok = (items = mado_registry_store_list_move_drafts (store, wanted, 0, &error)) != NULL
         && mado_linkage_export_move_notices (items, flags, os, NULL, &error);
  else if (strcmp (what, "issuances") == 0)
    ok = (items = mado_registry_store_list_issuances (store, day, &error)) != NULL
         && mado_linkage_export_issuances (items, flags, os, NULL, &error);
  else if (strcmp (what, "residents") == 0)
    {
      /* every resident: one at a time from the store to the file, never all in memory */
      g_autoptr (MadoLinkageWriter) writer
          = mado_linkage_writer_new (MADO_LINKAGE_RESIDENTS, flags, os);
      ok = mado_registry_store_foreach_person (store, write_person, writer, &error)
           && mado_linkage_writer_finish (writer, NULL, &error);
      count = mado_linkage_writer_get_count (writer);
    }
  else
    return mado_registry_admin_usage ("export --what moves|issuances|residents");
  if (!ok || !g_output_stream_close (os, NULL, &error))
    {
      g_file_delete (file, NULL, NULL);
      return mado_registry_admin_fail (error);
    }
  printf ("%u\n", items != NULL ? items->len : count);
  return 0;
}

int
mado_registry_admin_import (int argc, char **argv)
{
  g_autofree char *db = NULL, *residents = NULL;
  gboolean check = FALSE;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, "the database", "DSN" },
    { "residents", 0, 0, G_OPTION_ARG_FILENAME, &residents, "residents CSV (docs/linkage.md)",
      "FILE" },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check, "only check the file; write nothing", NULL },
    G_OPTION_ENTRY_NULL,
  };
  if (!mado_registry_admin_parse (&argc, &argv, entries, "— import residents (all or nothing)",
                                  &error))
    return mado_registry_admin_fail (error);
  if ((db == NULL && !check) || residents == NULL)
    return mado_registry_admin_usage ("import --db DSN --residents FILE.csv [--check]");
  g_autoptr (GFile) file = g_file_new_for_path (residents);
  g_autoptr (GFileInputStream) stream = g_file_read (file, NULL, &error);
  if (stream == NULL)
    return mado_registry_admin_fail (error);
  MadoLinkageImportReport report = { 0 };
  gboolean ok;
  if (check)
    ok = mado_linkage_check_residents (G_INPUT_STREAM (stream), &report, NULL, &error);
  else
    {
      g_autoptr (MadoRegistryStore) store = mado_registry_store_open (db, &error);
      MadoLinkageImportOptions options;
      mado_linkage_import_options_init (&options);
      ok = store != NULL
           && mado_linkage_import_residents (store, G_INPUT_STREAM (stream), &options, &report,
                                             NULL, &error);
    }
  for (guint i = 0; report.problems != NULL && i < report.problems->len; i++)
    fprintf (stderr, "%s\n", (const char *)g_ptr_array_index (report.problems, i));
  printf ("rows %u persons %u households %u seals-abolished %u\n", report.rows, report.persons,
          report.households, report.seals_abolished);
  mado_linkage_import_report_clear (&report);
  return ok ? 0 : mado_registry_admin_fail (error);
}
