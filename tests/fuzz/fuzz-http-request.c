/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: the registry's HTTP request parser (registry/http) over the input as a
 * connection's byte stream — requests parsed one after another until one is incomplete or refused,
 * with the default limits and with small ones. Every request is looked at (headers, query
 * parameters) and its promises checked: the path starts with '/', holds no NUL, no "." or ".."
 * segment and is UTF-8; the body has the length consumed for it. For short inputs, every prefix
 * of the first request (copied, so ASan sees a read past its end) must be incomplete or have the
 * whole's verdict.
 */
#include <string.h>

#include "mado-http.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_request (const MadoHttpRequest *r, gsize consumed)
{
  if (r->method == NULL || r->target == NULL || r->path == NULL || r->body == NULL)
    abort ();
  if (r->path[0] != '/' || !g_utf8_validate (r->path, -1, NULL))
    abort ();
  g_auto (GStrv) segments = g_strsplit (r->path, "/", -1);
  for (char **s = segments; *s != NULL; s++)
    if (strcmp (*s, ".") == 0 || strcmp (*s, "..") == 0)
      abort ();
  if (g_bytes_get_size (r->body) > consumed)
    abort ();
  if (r->header_names->len != r->header_values->len)
    abort ();
  for (guint i = 0; i < r->header_names->len; i++)
    {
      const char *name = g_ptr_array_index (r->header_names, i);
      if (mado_http_request_get_header (r, name) == NULL)
        abort ();
      for (const char *p = name; *p != '\0'; p++)
        if (g_ascii_isupper (*p))
          abort ();
    }
  const char *content_length = mado_http_request_get_header (r, "content-length");
  if (content_length != NULL
      && g_ascii_strtoull (content_length, NULL, 10) != g_bytes_get_size (r->body))
    abort ();
  if (r->query != NULL)
    {
      /* every key as sent, and a few names */
      g_auto (GStrv) parts = g_strsplit (r->query, "&", -1);
      for (char **p = parts; *p != NULL; p++)
        {
          char *eq = strchr (*p, '=');
          if (eq != NULL)
            *eq = '\0';
          g_free (mado_http_request_dup_query_param (r, *p));
        }
      const char *names[] = { "a", "id", "q", "", " " };
      for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *value = mado_http_request_dup_query_param (r, names[i]);
          if (value != NULL && !g_utf8_validate (value, -1, NULL))
            abort ();
        }
    }
}

static void
parse_stream (const guint8 *data, size_t size, const MadoHttpLimits *limits)
{
  gsize offset = 0;
  while (offset < size)
    {
      g_autoptr (MadoHttpRequest) request = NULL;
      gsize consumed = 0;
      guint status = 0;
      MadoHttpParseResult result = mado_http_request_parse (data + offset, size - offset, limits,
                                                            &request, &consumed, &status);
      if (result != MADO_HTTP_PARSE_DONE)
        {
          if (request != NULL || consumed != 0)
            abort ();
          if (result == MADO_HTTP_PARSE_ERROR && status != 400 && status != 411 && status != 413
              && status != 414 && status != 431 && status != 501 && status != 505)
            abort ();
          return;
        }
      if (request == NULL || consumed == 0 || consumed > size - offset)
        abort ();
      check_request (request, consumed);
      offset += consumed;
    }
}

/* Every prefix of the first request is INCOMPLETE or has the whole's verdict. */
static void
check_prefixes (const guint8 *data, size_t size, const MadoHttpLimits *limits)
{
  g_autoptr (MadoHttpRequest) whole = NULL;
  gsize consumed = 0;
  guint status = 0;
  MadoHttpParseResult result
      = mado_http_request_parse (data, size, limits, &whole, &consumed, &status);
  gsize end = result == MADO_HTTP_PARSE_DONE ? consumed : size;
  for (gsize n = 0; n < end; n++)
    {
      g_autofree guint8 *prefix = g_memdup2 (data, n);
      g_autoptr (MadoHttpRequest) partial = NULL;
      gsize partial_consumed = 0;
      guint partial_status = 0;
      MadoHttpParseResult r = mado_http_request_parse (prefix, n, limits, &partial,
                                                       &partial_consumed, &partial_status);
      if (r == MADO_HTTP_PARSE_INCOMPLETE)
        continue;
      if (r != MADO_HTTP_PARSE_ERROR || result != MADO_HTTP_PARSE_ERROR || partial_status != status)
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  MadoHttpLimits small = { .max_header_bytes = 200, .max_body_bytes = 32, .max_headers = 4 };

  parse_stream (data, size, NULL);
  parse_stream (data, size, &small);
  if (size <= 600)
    {
      check_prefixes (data, size, NULL);
      check_prefixes (data, size, &small);
    }
  return 0;
}
