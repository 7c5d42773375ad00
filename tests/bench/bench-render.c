/* SPDX-License-Identifier: GPL-3.0-or-later
 * bench-render — render time of each document kind (README.md, "Render benchmark"):
 *   warm: one process, one renderer, after a first rendering; to a file (with the attachment)
 *         and as a dry run (drawing and PDF output only, no file, no attachment);
 *   cold: `mado-print render` as a fresh process each time, fonts included.
 * bench-render [--runs N] [--cold-runs N] [--mado-print PATH]
 */
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "mado-document.h"
#include "mado-renderer.h"

typedef struct
{
  const char *label, *kind, *sample;
  gboolean one_copy; /* the household of 8: one copy, two pages */
} Case;

static const Case cases[] = {
  { "juminhyo, household of 8, 1 copy (2 pages)", "juminhyo", "juminhyo.json", TRUE },
  { "juminhyo, household of 8, 2 copies (4 pages)", "juminhyo", "juminhyo.json", FALSE },
  { "juminhyo kojin (1 page)", "juminhyo", "juminhyo-kojin.json", FALSE },
  { "kisai_jiko", "kisai_jiko", "kisai_jiko.json", FALSE },
  { "inkan (seal image)", "inkan", "inkan.json", FALSE },
  { "tennyu", "tennyu", "tennyu.json", FALSE },
  { "tenshutsu", "tenshutsu", "tenshutsu.json", FALSE },
  { "tenkyo", "tenkyo", "tenkyo.json", FALSE },
  { "setai_henko", "setai_henko", "setai_henko.json", FALSE },
  { "ticket (80 mm)", "ticket", "ticket.json", FALSE },
};

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static gboolean
json_to_file (const char *path, JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  return json_generator_to_file (gen, path, NULL);
}

static double
now_ms (void)
{
  return (double)g_get_monotonic_time () / 1000.0;
}

int
main (int argc, char **argv)
{
  int runs = 30, cold_runs = 10;
  g_autofree char *mado_print = NULL;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "warm renderings per kind (30)", "N" },
    { "cold-runs", 'c', 0, G_OPTION_ARG_INT, &cold_runs, "processes per kind (10)", "N" },
    { "mado-print", 0, 0, G_OPTION_ARG_FILENAME, &mado_print,
      "mado-print to time cold (default: BUILD/print/mado-print)", "PATH" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("— render benchmark");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || runs < 1 || cold_runs < 0)
    {
      fprintf (stderr, "bench-render: %s\n", error != NULL ? error->message : "bad counts");
      return 2;
    }
  const char *src = g_getenv ("MADO_SOURCE_DIR");
  g_autofree char *exe_dir = g_path_get_dirname (argv[0]);
  g_autofree char *default_src = g_build_filename (exe_dir, "..", "..", NULL);
  if (mado_print == NULL)
    mado_print = g_build_filename (exe_dir, "..", "..", "print", "mado-print", NULL);
  g_autofree char *samples = NULL;
  if (src == NULL)
    {
      /* the build tree's meson-info names the source tree */
      g_autofree char *info = g_build_filename (default_src, "meson-info", "meson-info.json", NULL);
      g_autoptr (JsonParser) p = json_parser_new ();
      if (json_parser_load_from_file (p, info, NULL))
        src = g_strdup (json_object_get_string_member (
            json_object_get_object_member (json_node_get_object (json_parser_get_root (p)),
                                           "directories"),
            "source"));
    }
  if (src == NULL)
    {
      fprintf (stderr, "bench-render: set MADO_SOURCE_DIR\n");
      return 2;
    }
  samples = g_build_filename (src, "data", "samples", "documents", NULL);

  g_autofree char *dir = g_dir_make_tmp ("mado-bench-render-XXXXXX", &error);
  g_assert_no_error (error);
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  g_autofree char *key_path = g_build_filename (dir, "key.pem", NULL);
  {
    FILE *f = fopen (key_path, "w");
    PEM_write_PrivateKey (f, key, NULL, NULL, 0, NULL, NULL);
    fclose (f);
  }
  gboolean have_cli = g_file_test (mado_print, G_FILE_TEST_IS_EXECUTABLE);

  double t0 = now_ms ();
  g_autoptr (MadoRenderer) renderer = mado_renderer_new (NULL, &error);
  g_assert_no_error (error);
  double t_new = now_ms () - t0;

  printf ("renderer creation (fonts checked and opened): %.1f ms\n\n", t_new);
  printf ("%-46s %9s %9s %9s %9s %9s\n", "document", "first", "warm", "warm-dry", "warm-p90",
          "cold");
  g_autoptr (GString) json = g_string_new ("{\"runs\": ");
  g_string_append_printf (json, "%d, \"cold_runs\": %d, \"renderer_new_ms\": %.2f, \"results\": [",
                          runs, cold_runs, t_new);

  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *path = g_build_filename (samples, cases[c].sample, NULL);
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_file (parser, path, NULL));
      JsonNode *root = json_parser_get_root (parser);
      if (cases[c].one_copy)
        {
          JsonArray *copies = json_object_get_array_member (json_node_get_object (root), "copies");
          json_array_remove_element (copies, 1);
        }
      MadoDocumentKind kind;
      g_assert_true (mado_document_kind_from_string (cases[c].kind, &kind, NULL));
      g_autoptr (MadoDocument) doc = mado_document_new (kind, root, &error);
      g_assert_no_error (error);
      g_autofree char *data = g_strdup_printf ("%s/case-%zu.json", dir, c);
      g_autofree char *out = g_strdup_printf ("%s/case-%zu.pdf", dir, c);
      g_assert_true (json_to_file (data, root));
      EVP_PKEY *k = kind == MADO_DOCUMENT_TICKET ? NULL : key;

      double first = now_ms ();
      g_assert_true (mado_renderer_render (renderer, doc, k, FALSE, out, &error));
      first = now_ms () - first;
      double *warm = g_new (double, runs), *dry = g_new (double, runs);
      for (int i = 0; i < runs; i++)
        {
          double t = now_ms ();
          g_assert_true (mado_renderer_render (renderer, doc, k, FALSE, out, &error));
          warm[i] = now_ms () - t;
          t = now_ms ();
          g_assert_true (mado_renderer_render (renderer, doc, k, FALSE, NULL, &error));
          dry[i] = now_ms () - t;
        }
      double warm_med = median (warm, runs), dry_med = median (dry, runs);
      double p90 = warm[(int)(runs * 0.9) < runs ? (int)(runs * 0.9) : runs - 1];

      double cold_med = -1;
      if (have_cli && cold_runs > 0)
        {
          double *cold = g_new (double, cold_runs);
          const char *av[] = { mado_print, "render", "--doc",      cases[c].kind, "--data", data,
                               "--out",    out,      "--sign-key", key_path,      NULL };
          for (int i = 0; i < cold_runs; i++)
            {
              int status = 0;
              double t = now_ms ();
              g_assert_true (g_spawn_sync (NULL, (char **)av, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                           NULL, NULL, &status, &error));
              cold[i] = now_ms () - t;
              g_assert_true (g_spawn_check_wait_status (status, NULL));
            }
          cold_med = median (cold, cold_runs);
          g_free (cold);
        }
      printf ("%-46s %6.1f ms %6.1f ms %6.1f ms %6.1f ms ", cases[c].label, first, warm_med,
              dry_med, p90);
      if (cold_med >= 0)
        printf ("%6.1f ms\n", cold_med);
      else
        printf ("%9s\n", "—");
      g_string_append_printf (json,
                              "%s{\"document\": \"%s\", \"first_ms\": %.2f, \"warm_ms\": %.2f, "
                              "\"warm_dry_ms\": %.2f, \"warm_p90_ms\": %.2f, \"cold_ms\": %.2f}",
                              c > 0 ? ", " : "", cases[c].label, first, warm_med, dry_med, p90,
                              cold_med);
      g_free (warm);
      g_free (dry);
    }
  g_string_append (json, "]}");
  printf ("\n%s\n", json->str);
  if (!have_cli)
    printf ("(cold: %s not built)\n", mado_print);

  g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);
  if (system (rm) != 0)
    fprintf (stderr, "bench-render: could not remove %s\n", dir);
  EVP_PKEY_free (key);
  return 0;
}
