/* SPDX-License-Identifier: GPL-3.0-or-later
 * bench-rss RUNS STDIN_TEXT -- COMMAND...: runs COMMAND RUNS times with STDIN_TEXT on its
 * standard input and prints {"runs", "wall_ms" (median), "peak_rss_kb" (largest)} as JSON.
 * Written in C so that the peak RSS wait4() reports is the command's, not a large parent's
 * image before exec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int
main (int argc, char **argv)
{
  if (argc < 5 || strcmp (argv[3], "--") != 0)
    {
      fprintf (stderr, "usage: bench-rss RUNS STDIN_TEXT -- COMMAND...\n");
      return 2;
    }
  int runs = atoi (argv[1]);
  const char *input = argv[2];
  double *walls = calloc ((size_t)runs, sizeof *walls);
  long peak = 0;

  for (int i = 0; i < runs; i++)
    {
      int fds[2];
      struct timespec t0, t1;
      if (pipe (fds) != 0)
        return 1;
      clock_gettime (CLOCK_MONOTONIC, &t0);
      pid_t pid = fork ();
      if (pid == 0)
        {
          dup2 (fds[0], STDIN_FILENO);
          close (fds[0]);
          close (fds[1]);
          freopen ("/dev/null", "w", stdout);
          freopen ("/dev/null", "w", stderr);
          execvp (argv[4], argv + 4);
          _exit (127);
        }
      close (fds[0]);
      if (write (fds[1], input, strlen (input)) < 0)
        return 1;
      if (strlen (input) > 0 && write (fds[1], "\n", 1) < 0)
        return 1;
      close (fds[1]);
      int status;
      struct rusage usage;
      wait4 (pid, &status, 0, &usage);
      clock_gettime (CLOCK_MONOTONIC, &t1);
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
        {
          printf ("{\"error\": \"%s exited %d\"}\n", argv[4], WEXITSTATUS (status));
          return 1;
        }
      walls[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
      if (usage.ru_maxrss > peak)
        peak = usage.ru_maxrss;
    }
  qsort (walls, (size_t)runs, sizeof *walls, compare_double);
  printf ("{\"runs\": %d, \"wall_ms\": %.2f, \"peak_rss_kb\": %ld}\n", runs, walls[runs / 2], peak);
  free (walls);
  return 0;
}
