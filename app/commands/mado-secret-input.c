/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-secret-input.h"

#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "mado-app-error.h"

#define SECRET_MAX 64

void
mado_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, SECRET_MAX);
  g_free (secret);
}

char *
mado_secret_read (gboolean from_stdin, const char *prompt, GError **error)
{
  gboolean tty = isatty (STDIN_FILENO);
  struct termios saved, quiet;
  gboolean echo_off = FALSE;

  if (!from_stdin && !tty)
    {
      g_set_error_literal (error, MADO_APP_ERROR, MADO_APP_ERROR_USAGE,
                           "No terminal to ask for the PIN: pass it on standard input with "
                           "--pin-stdin");
      return NULL;
    }
  if (tty)
    {
      fprintf (stderr, "%s", prompt);
      fflush (stderr);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= (tcflag_t)~ECHO;
          echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }

  /* Byte by byte with read(2): no stdio buffer keeps a copy of the secret. */
  char *secret = g_malloc0 (SECRET_MAX);
  gsize len = 0;
  gboolean too_long = FALSE;
  for (;;)
    {
      char c;
      ssize_t n = read (STDIN_FILENO, &c, 1);
      if (n <= 0 || c == '\n')
        break;
      if (c == '\r')
        continue;
      if (len + 1 >= SECRET_MAX)
        too_long = TRUE;
      else
        secret[len++] = c;
    }

  if (echo_off)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      fputc ('\n', stderr);
    }
  if (too_long)
    {
      mado_secret_free (secret);
      g_set_error_literal (error, MADO_APP_ERROR, MADO_APP_ERROR_USAGE,
                           "The PIN entry is far too long");
      return NULL;
    }
  return secret;
}
