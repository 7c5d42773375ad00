/* SPDX-License-Identifier: GPL-3.0-or-later
 * Without -Dfuzzing, each fuzz target links this main and replays its committed corpus (and any
 * crash files added there), so every input that once broke a parser stays a regression test.
 * Prints TAP: one line per input.
 */
#include <stdio.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
main (int argc, char **argv)
{
  guint n = 0;
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          GDir *dir = g_dir_open (argv[i], 0, NULL);
          const char *name;
          while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
            g_ptr_array_add (files, g_build_filename (argv[i], name, NULL));
          if (dir != NULL)
            g_dir_close (dir);
        }
      else
        g_ptr_array_add (files, g_strdup (argv[i]));
    }
  if (files->len == 0)
    {
      printf ("1..0 # SKIP no corpus\n");
      g_ptr_array_unref (files);
      return 1; /* an empty corpus is a broken test, not a pass */
    }

  printf ("1..%u\n", files->len);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      char *data = NULL;
      gsize len = 0;
      if (!g_file_get_contents (path, &data, &len, NULL))
        {
          printf ("not ok %u %s (unreadable)\n", ++n, path);
          continue;
        }
      LLVMFuzzerTestOneInput ((const guint8 *)data, len);
      g_free (data);
      printf ("ok %u %s\n", ++n, path);
    }
  g_ptr_array_unref (files);
  return 0;
}
