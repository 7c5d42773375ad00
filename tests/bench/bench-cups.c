/* SPDX-License-Identifier: GPL-3.0-or-later
 * bench-cups — time from a job's completion in CUPS to our report of it (README.md, "Printing
 * benchmark"). Completion in CUPS is the moment the printer's command (ippeveprinter -c) or the
 * backend (cupsd) exits: each writes `date +%s.%N` just before `exit 0`. Our report is the moment
 * mado_print_job_wait() returns COMPLETED. Jobs are named "jitter…", so the fake programs sleep
 * 0–200 ms at random first and the completion falls at a random phase of our polling.
 *
 *   tests/harness/private-net.sh build/tests/bench/bench-cups [--runs 40] [--poll-ms 50,20]
 */
#include <stdio.h>
#include <stdlib.h>

#include <cups/cups.h>

#include "mado-cups-harness.h"
#include "mado-print-job.h"

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void
measure (const char *label, const char *target, const char *done_dir, const char *pdf, int runs,
         guint poll_ms)
{
  g_autofree double *latency = g_new0 (double, runs);
  g_autofree double *total = g_new0 (double, runs);
  int n = 0;

  for (int i = 0; i < runs; i++)
    {
      g_autoptr (GError) error = NULL;
      gint64 start = g_get_real_time ();
      g_autoptr (MadoPrintJob) job
          = mado_print_job_submit (target, pdf, "jitter", NULL, NULL, &error);
      if (job == NULL)
        {
          fprintf (stderr, "%s: %s\n", label, error->message);
          continue;
        }
      mado_print_job_set_poll_interval (job, poll_ms);
      MadoPrintJobState state = mado_print_job_wait (job, 30000, NULL, &error);
      gint64 reported = g_get_real_time ();
      if (state != MADO_PRINT_JOB_STATE_COMPLETED)
        {
          fprintf (stderr, "%s: %s\n", label, error->message);
          continue;
        }
      double done = mado_test_done_time (done_dir, mado_print_job_get_id (job));
      latency[n] = ((double)reported / G_USEC_PER_SEC - done) * 1000.0;
      total[n] = (double)(reported - start) / 1000.0;
      n++;
    }
  if (n == 0)
    return;
  qsort (latency, (size_t)n, sizeof *latency, compare_doubles);
  qsort (total, (size_t)n, sizeof *total, compare_doubles);
  double sum = 0;
  for (int i = 0; i < n; i++)
    sum += latency[i];
  printf ("| %-24s | %4u | %3d | %6.1f | %6.1f | %6.1f | %6.1f | %6.1f | %7.1f |\n", label, poll_ms,
          n, latency[0], latency[n / 2], sum / n, latency[(n * 9) / 10], latency[n - 1],
          total[n / 2]);
}

int
main (int argc, char **argv)
{
  int runs = 40;
  g_autofree char *polls_text = g_strdup ("50,20");
  const GOptionEntry entries[] = {
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Jobs per row", "N" },
    { "poll-ms", 0, 0, G_OPTION_ARG_STRING, &polls_text, "Poll intervals, comma-separated",
      "MS,…" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— completion-to-report latency");
  g_autoptr (GError) error = NULL;
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || runs < 1)
    {
      fprintf (stderr, "bench-cups: %s\n", error != NULL ? error->message : "bad --runs");
      return 2;
    }

  g_autofree char *pdf = mado_test_make_pdf ("bench.pdf", 595.28, 841.89);
  MadoTestPrinter *printer = mado_test_printer_start ("bench", NULL);
  const char *queues[] = { "jitterq", NULL };
  MadoTestCupsd *cupsd = mado_test_cupsd_start (queues);
  if (printer == NULL || cupsd == NULL)
    {
      fprintf (stderr, "bench-cups: could not start ippeveprinter or cupsd\n");
      mado_test_printer_stop (printer);
      mado_test_cupsd_stop (cupsd);
      mado_test_cleanup ();
      return 1;
    }
  g_setenv ("CUPS_SERVER", cupsd->server, TRUE);
  cupsSetServer (cupsd->server);

  printf ("completion in CUPS → our report, ms (%d jobs a row; completion at a random phase)\n\n",
          runs);
  printf ("| %-24s | %4s | %3s | %6s | %6s | %6s | %6s | %6s | %7s |\n", "path", "poll", "n", "min",
          "median", "mean", "p90", "max", "submit→report median");
  printf ("|---|---|---|---|---|---|---|---|---|\n");
  g_auto (GStrv) polls = g_strsplit (polls_text, ",", 0);
  for (gsize i = 0; polls[i] != NULL; i++)
    {
      guint poll_ms = (guint)g_ascii_strtoull (polls[i], NULL, 10);
      measure ("ippeveprinter (ipp://)", printer->uri, printer->dir, pdf, runs, poll_ms);
      measure ("cupsd raw queue, backend", "jitterq", cupsd->dir, pdf, runs, poll_ms);
    }

  mado_test_printer_stop (printer);
  mado_test_cupsd_stop (cupsd);
  mado_test_cleanup ();
  return 0;
}
