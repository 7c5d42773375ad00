/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-http-request.c — the request parser: one pass over the bytes in their order, as a state
 * machine, so that feeding a request byte by byte gives the same verdict as feeding it whole (a
 * check only ever looks at bytes before the one being read). Nothing is allocated until the whole
 * request (headers and Content-Length body) is there; then a second pass over the checked bytes
 * builds the MadoHttpRequest. Fed by the network and fuzzed (tests/fuzz/fuzz-http-request.c).
 */
#include "mado-http.h"

#include <string.h>

/* The longest request-target accepted (414 beyond); the longest method looked at (501 beyond). */
#define MAX_TARGET 8192
#define MAX_METHOD 16

void
mado_http_limits_fill_defaults (MadoHttpLimits *limits)
{
  g_return_if_fail (limits != NULL);
  if (limits->max_header_bytes == 0)
    limits->max_header_bytes = 16 * 1024;
  if (limits->max_body_bytes == 0)
    limits->max_body_bytes = 1024 * 1024;
  if (limits->max_headers == 0)
    limits->max_headers = 64;
  if (limits->header_timeout_ms == 0)
    limits->header_timeout_ms = 10 * 1000;
  if (limits->idle_timeout_ms == 0)
    limits->idle_timeout_ms = 30 * 1000;
  if (limits->max_connections == 0)
    limits->max_connections = 512;
}

/* ---- character classes (RFC 9110 §5.6.2, RFC 3986 §2) ---------------------------------------- */

static gboolean
is_tchar (guint8 c)
{
  if (g_ascii_isalnum (c))
    return TRUE;
  return c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Characters of an origin-form target: pchar, '/', '?' and '%' (checked as pct-encoded later). */
static gboolean
is_target_char (guint8 c)
{
  if (g_ascii_isalnum (c))
    return TRUE;
  return c != '\0' && strchr ("-._~!$&'()*+,;=:@/?%", c) != NULL;
}

static gboolean
is_field_vchar (guint8 c)
{
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int
hex_value (guint8 c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
span_equal_ci (const guint8 *data, gsize len, const char *word)
{
  gsize n = strlen (word);
  return len == n && g_ascii_strncasecmp ((const char *)data, word, n) == 0;
}

static void
trim_ows (const guint8 **value, gsize *len)
{
  while (*len > 0 && ((*value)[0] == ' ' || (*value)[0] == '\t'))
    {
      (*value)++;
      (*len)--;
    }
  while (*len > 0 && ((*value)[*len - 1] == ' ' || (*value)[*len - 1] == '\t'))
    (*len)--;
}

/* Percent-decodes @len bytes into @out (room for @len bytes) and returns the decoded length; '+'
 * becomes a space when @plus_is_space. An invalid escape is kept as it is (the parser has refused
 * those already). */
static gsize
percent_decode_into (const char *text, gsize len, gboolean plus_is_space, char *out)
{
  gsize n = 0;
  for (gsize i = 0; i < len; i++)
    {
      int hi, lo;
      if (text[i] == '%' && i + 2 < len && (hi = hex_value ((guint8)text[i + 1])) >= 0
          && (lo = hex_value ((guint8)text[i + 2])) >= 0)
        {
          out[n++] = (char)(hi * 16 + lo);
          i += 2;
        }
      else if (text[i] == '+' && plus_is_space)
        out[n++] = ' ';
      else
        out[n++] = text[i];
    }
  return n;
}

static GString *
percent_decode (const char *text, gsize len, gboolean plus_is_space)
{
  GString *out = g_string_sized_new (len + 1);
  g_string_set_size (out, len);
  g_string_set_size (out, percent_decode_into (text, len, plus_is_space, out->str));
  return out;
}

/* ---- the target ------------------------------------------------------------------------------ */

/* Checks an origin-form target of at most MAX_TARGET target characters, without allocating (the
 * parser runs again on every read of a request). */
static gboolean
target_is_valid (const guint8 *target, gsize len)
{
  const char *t = (const char *)target;
  char decoded[MAX_TARGET];
  gsize path_len = len;

  g_assert (len <= MAX_TARGET);
  if (len == 0 || t[0] != '/')
    return FALSE; /* asterisk-form, absolute-form, authority-form */
  for (gsize i = 0; i < len; i++)
    if (t[i] == '%')
      {
        if (i + 2 >= len || hex_value (target[i + 1]) < 0 || hex_value (target[i + 2]) < 0)
          return FALSE;
        if (target[i + 1] == '0' && target[i + 2] == '0')
          return FALSE; /* %00 */
        i += 2;
      }
  const char *question = memchr (t, '?', len);
  if (question != NULL)
    path_len = (gsize)(question - t);

  /* the decoded path: UTF-8 without control characters, and no "." or ".." segment */
  gsize n = percent_decode_into (t, path_len, FALSE, decoded);
  if (!g_utf8_validate (decoded, (gssize)n, NULL))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if ((guint8)decoded[i] < 0x20 || decoded[i] == 0x7f)
      return FALSE;
  for (gsize start = 0; start < n;)
    {
      const char *slash = memchr (decoded + start, '/', n - start);
      gsize end = slash != NULL ? (gsize)(slash - decoded) : n;
      gsize seg = end - start;
      if ((seg == 1 && decoded[start] == '.')
          || (seg == 2 && decoded[start] == '.' && decoded[start + 1] == '.'))
        return FALSE;
      start = end + 1;
    }

  /* the query, decoded form-style, is UTF-8 (so is then each key and value: '&' and '=' are
   * ASCII); %00 was refused above */
  if (question != NULL)
    {
      gsize q_len = len - path_len - 1;
      n = percent_decode_into (question + 1, q_len, TRUE, decoded);
      if (!g_utf8_validate (decoded, (gssize)n, NULL))
        return FALSE;
    }
  return TRUE;
}

static gboolean
method_is_known (const guint8 *method, gsize len)
{
  static const char *const known[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" };
  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    if (len == strlen (known[i]) && memcmp (method, known[i], len) == 0)
      return TRUE;
  return FALSE;
}

/* ---- the scan -------------------------------------------------------------------------------- */

typedef enum
{
  S_LEAD,     /* before the request line: empty lines are skipped (RFC 9112 §2.2) */
  S_LEAD_LF,  /* after a CR of a leading empty line */
  S_METHOD,   /* in the method */
  S_TARGET,   /* in the request-target */
  S_VERSION,  /* in the HTTP-version */
  S_LINE_LF,  /* after the request line's CR */
  S_LINE,     /* at the start of a header line or of the empty line */
  S_NAME,     /* in a field name */
  S_VALUE,    /* in a field value */
  S_VALUE_LF, /* after a field line's CR */
  S_END_LF,   /* after the empty line's CR */
} ScanState;

typedef struct
{
  gsize method_start, method_len;
  gsize target_start, target_len;
  gsize headers_start; /* the first header line */
  gsize header_end;    /* after the empty line */
  int minor;           /* HTTP/1.minor */
  guint n_headers;
  gboolean has_length;
  guint64 content_length; /* saturates at G_MAXUINT64 */
  gboolean has_host;
} Scan;

/* Called at the end of each field line: the fields whose syntax and count matter here. Returns
 * 0 or an error status. */
static guint
check_field (Scan *scan, const guint8 *data, gsize name_start, gsize name_len, gsize value_start,
             gsize value_len)
{
  const guint8 *name = data + name_start;
  const guint8 *value = data + value_start;

  trim_ows (&value, &value_len);
  if (span_equal_ci (name, name_len, "transfer-encoding"))
    return 411; /* chunked or any other coding: only Content-Length bodies */
  if (span_equal_ci (name, name_len, "content-length"))
    {
      if (scan->has_length || value_len == 0)
        return 400;
      scan->has_length = TRUE;
      scan->content_length = 0;
      for (gsize i = 0; i < value_len; i++)
        {
          if (!g_ascii_isdigit (value[i]))
            return 400; /* also "5, 5": a list is refused, not reconciled */
          guint64 digit = (guint64)(value[i] - '0');
          if (scan->content_length > (G_MAXUINT64 - digit) / 10)
            scan->content_length = G_MAXUINT64;
          else
            scan->content_length = scan->content_length * 10 + digit;
        }
    }
  else if (span_equal_ci (name, name_len, "host"))
    {
      if (scan->has_host)
        return 400;
      scan->has_host = TRUE;
    }
  return 0;
}

/* Scans the request line and the header fields. Returns DONE with @scan filled when the empty
 * line was read, ERROR with *@status, or INCOMPLETE. */
static MadoHttpParseResult
scan_head (const guint8 *data, gsize length, const MadoHttpLimits *limits, Scan *scan,
           guint *status)
{
  ScanState state = S_LEAD;
  gsize name_start = 0, name_len = 0, value_start = 0, version_start = 0;

#define FAIL(code)                                                                                 \
  do                                                                                               \
    {                                                                                              \
      *status = (code);                                                                            \
      return MADO_HTTP_PARSE_ERROR;                                                                \
    }                                                                                              \
  while (0)

  memset (scan, 0, sizeof *scan);
  for (gsize pos = 0; pos < length; pos++)
    {
      guint8 c = data[pos];

      if (state == S_TARGET && c != ' ' && pos - scan->target_start >= MAX_TARGET)
        FAIL (414);
      if (pos >= limits->max_header_bytes)
        FAIL (431);

      switch (state)
        {
        case S_LEAD:
          if (c == '\r')
            state = S_LEAD_LF;
          else if (is_tchar (c))
            {
              scan->method_start = pos;
              scan->method_len = 1;
              state = S_METHOD;
            }
          else
            FAIL (400);
          break;
        case S_LEAD_LF:
          if (c != '\n')
            FAIL (400);
          state = S_LEAD;
          break;
        case S_METHOD:
          if (c == ' ')
            {
              if (!method_is_known (data + scan->method_start, scan->method_len))
                FAIL (501);
              scan->target_start = pos + 1;
              state = S_TARGET;
            }
          else if (!is_tchar (c))
            FAIL (400);
          else if (++scan->method_len > MAX_METHOD)
            FAIL (501);
          break;
        case S_TARGET:
          if (c == ' ')
            {
              scan->target_len = pos - scan->target_start;
              if (!target_is_valid (data + scan->target_start, scan->target_len))
                FAIL (400);
              version_start = pos + 1;
              state = S_VERSION;
            }
          else if (!is_target_char (c))
            FAIL (400);
          break;
        case S_VERSION:
          if (c == '\r')
            {
              const guint8 *v = data + version_start;
              if (pos - version_start != 8 || memcmp (v, "HTTP/", 5) != 0 || !g_ascii_isdigit (v[5])
                  || v[6] != '.' || !g_ascii_isdigit (v[7]))
                FAIL (400);
              if (v[5] != '1' || (v[7] != '0' && v[7] != '1'))
                FAIL (505);
              scan->minor = v[7] - '0';
              state = S_LINE_LF;
            }
          else if (c <= 0x20 || c >= 0x7f || pos - version_start >= 8)
            FAIL (400);
          break;
        case S_LINE_LF:
          if (c != '\n')
            FAIL (400);
          scan->headers_start = pos + 1;
          state = S_LINE;
          break;
        case S_LINE:
          if (c == '\r')
            state = S_END_LF;
          else if (is_tchar (c))
            {
              name_start = pos;
              name_len = 1;
              state = S_NAME;
            }
          else
            FAIL (400); /* obs-fold (SP or HTAB first), a bare LF, a stray byte */
          break;
        case S_NAME:
          if (c == ':')
            {
              value_start = pos + 1;
              state = S_VALUE;
            }
          else if (is_tchar (c))
            name_len++;
          else
            FAIL (400); /* also whitespace before the colon (RFC 9112 §5.1) */
          break;
        case S_VALUE:
          if (c == '\r')
            state = S_VALUE_LF;
          else if (!is_field_vchar (c))
            FAIL (400); /* NUL, bare LF, other controls */
          break;
        case S_VALUE_LF:
          {
            if (c != '\n')
              FAIL (400);
            if (++scan->n_headers > limits->max_headers)
              FAIL (431);
            guint field_status = check_field (scan, data, name_start, name_len, value_start,
                                              pos - 1 - value_start);
            if (field_status != 0)
              FAIL (field_status);
            state = S_LINE;
          }
          break;
        case S_END_LF:
          if (c != '\n')
            FAIL (400);
          scan->header_end = pos + 1;
          if (scan->minor == 1 && !scan->has_host)
            FAIL (400); /* RFC 9112 §3.2: HTTP/1.1 needs Host */
          if (scan->has_length && scan->content_length > limits->max_body_bytes)
            FAIL (413);
          return MADO_HTTP_PARSE_DONE;
        default:
          g_assert_not_reached ();
        }
    }
  return MADO_HTTP_PARSE_INCOMPLETE;
#undef FAIL
}

/* ---- the request ----------------------------------------------------------------------------- */

void
mado_http_request_free (MadoHttpRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->method);
  g_free (request->target);
  g_free (request->path);
  g_free (request->query);
  g_clear_pointer (&request->header_names, g_ptr_array_unref);
  g_clear_pointer (&request->header_values, g_ptr_array_unref);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request);
}

/* Whether a comma-separated list header (Connection) holds @token, case-insensitively. */
static gboolean
list_has_token (const char *list, const char *token)
{
  const char *p = list;
  while (*p != '\0')
    {
      const char *comma = strchr (p, ',');
      const guint8 *item = (const guint8 *)p;
      gsize len = comma != NULL ? (gsize)(comma - p) : strlen (p);
      trim_ows (&item, &len);
      if (span_equal_ci (item, len, token))
        return TRUE;
      if (comma == NULL)
        break;
      p = comma + 1;
    }
  return FALSE;
}

static MadoHttpRequest *
build_request (const guint8 *data, const Scan *scan)
{
  MadoHttpRequest *r = g_new0 (MadoHttpRequest, 1);
  const char *text = (const char *)data;
  const char *target = text + scan->target_start;
  const char *question = memchr (target, '?', scan->target_len);
  gsize path_len = question != NULL ? (gsize)(question - target) : scan->target_len;
  gboolean has_close = FALSE, has_keep_alive = FALSE;

  r->method = g_strndup (text + scan->method_start, scan->method_len);
  r->target = g_strndup (target, scan->target_len);
  r->path = g_string_free (percent_decode (target, path_len, FALSE), FALSE);
  if (question != NULL)
    r->query = g_strndup (question + 1, scan->target_len - path_len - 1);
  r->header_names = g_ptr_array_new_with_free_func (g_free);
  r->header_values = g_ptr_array_new_with_free_func (g_free);

  /* the field lines were checked: "name:value\r\n" each, up to the empty line */
  for (gsize pos = scan->headers_start; pos + 2 < scan->header_end;)
    {
      const guint8 *line = data + pos;
      const guint8 *cr = memchr (line, '\r', scan->header_end - pos);
      const guint8 *colon = memchr (line, ':', (gsize)(cr - line));
      const guint8 *value = colon + 1;
      gsize value_len = (gsize)(cr - value);
      trim_ows (&value, &value_len);
      g_ptr_array_add (r->header_names, g_ascii_strdown ((const char *)line, colon - line));
      g_ptr_array_add (r->header_values, g_strndup ((const char *)value, value_len));
      pos += (gsize)(cr - line) + 2;
    }

  for (guint i = 0; i < r->header_names->len; i++)
    if (strcmp (g_ptr_array_index (r->header_names, i), "connection") == 0)
      {
        const char *v = g_ptr_array_index (r->header_values, i);
        has_close = has_close || list_has_token (v, "close");
        has_keep_alive = has_keep_alive || list_has_token (v, "keep-alive");
      }
  r->keep_alive = !has_close && (scan->minor == 1 || has_keep_alive);
  r->body = g_bytes_new (data + scan->header_end, scan->has_length ? scan->content_length : 0);
  return r;
}

MadoHttpParseResult
mado_http_request_parse (const guint8 *data, gsize length, const MadoHttpLimits *limits,
                         MadoHttpRequest **request, gsize *consumed, guint *status)
{
  MadoHttpLimits filled = { 0 };
  Scan scan;
  guint scan_status = 0;

  g_return_val_if_fail (data != NULL || length == 0, MADO_HTTP_PARSE_ERROR);
  g_return_val_if_fail (request != NULL && consumed != NULL && status != NULL,
                        MADO_HTTP_PARSE_ERROR);
  *request = NULL;
  *consumed = 0;
  *status = 0;
  if (limits != NULL)
    filled = *limits;
  mado_http_limits_fill_defaults (&filled);

  switch (scan_head (data, length, &filled, &scan, &scan_status))
    {
    case MADO_HTTP_PARSE_INCOMPLETE:
      return MADO_HTTP_PARSE_INCOMPLETE;
    case MADO_HTTP_PARSE_ERROR:
      *status = scan_status;
      return MADO_HTTP_PARSE_ERROR;
    case MADO_HTTP_PARSE_DONE:
    default:
      break;
    }
  /* the body: exactly Content-Length bytes (bounded by max_body_bytes, checked in the scan) */
  gsize body_len = scan.has_length ? (gsize)scan.content_length : 0;
  if (length - scan.header_end < body_len)
    return MADO_HTTP_PARSE_INCOMPLETE;
  *request = build_request (data, &scan);
  *consumed = scan.header_end + body_len;
  return MADO_HTTP_PARSE_DONE;
}

const char *
mado_http_request_get_header (const MadoHttpRequest *request, const char *name)
{
  g_return_val_if_fail (request != NULL && name != NULL, NULL);
  if (request->header_names == NULL || request->header_values == NULL)
    return NULL;
  for (guint i = 0; i < request->header_names->len && i < request->header_values->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (request->header_names, i), name) == 0)
      return g_ptr_array_index (request->header_values, i);
  return NULL;
}

char *
mado_http_request_dup_query_param (const MadoHttpRequest *request, const char *name)
{
  g_return_val_if_fail (request != NULL && name != NULL, NULL);
  if (request->query == NULL)
    return NULL;

  const char *q = request->query;
  const char *q_end = q + strlen (q);
  for (;;)
    {
      const char *amp = strchr (q, '&');
      const char *part_end = amp != NULL ? amp : q_end;
      const char *eq = memchr (q, '=', (gsize)(part_end - q));
      const char *key_end = eq != NULL ? eq : part_end;
      g_autoptr (GString) key = percent_decode (q, (gsize)(key_end - q), TRUE);
      if (key->len == strlen (name) && memcmp (key->str, name, key->len) == 0)
        {
          const char *value = eq != NULL ? eq + 1 : part_end;
          GString *decoded = percent_decode (value, (gsize)(part_end - value), TRUE);
          if (memchr (decoded->str, '\0', decoded->len) != NULL)
            {
              /* only in a request not made by the parser (it refuses %00) */
              g_string_free (decoded, TRUE);
              return NULL;
            }
          return g_string_free (decoded, FALSE);
        }
      if (amp == NULL)
        return NULL;
      q = amp + 1;
    }
}
