/* SPDX-License-Identifier: GPL-3.0-or-later
 * registry/http: the request parser and the response's bytes, without a socket. Every status the
 * parser answers, from a table; each table row fed whole and byte by byte (a prefix is either
 * incomplete or already has the whole input's verdict); pipelined requests; bodies; the query's
 * and the path's decoding; header lookup; the keep-alive rules; the response's head.
 */
#include <string.h>

#include "mado-http.h"

typedef struct
{
  const char *name;
  const char *input;
  gsize length; /* the input may hold NUL bytes */
  MadoHttpParseResult result;
  guint status; /* for ERROR */
} ParseCase;

#define H "Host: registry.example\r\n"
#define CASE(name, input, result, status)                                                          \
  {                                                                                                \
    name, input, sizeof (input) - 1, result, status                                                \
  }

static const ParseCase cases[] = {
  /* accepted */
  CASE ("get", "GET /v1/tickets HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_DONE, 0),
  CASE ("post-body", "POST /v1/moves HTTP/1.1\r\n" H "Content-Length: 2\r\n\r\n{}",
        MADO_HTTP_PARSE_DONE, 0),
  CASE ("every-method", "OPTIONS /x HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_DONE, 0),
  CASE ("http-1.0-no-host", "GET / HTTP/1.0\r\n\r\n", MADO_HTTP_PARSE_DONE, 0),
  CASE ("leading-empty-line", "\r\nGET / HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_DONE, 0),
  CASE ("content-length-zero", "PUT /a HTTP/1.1\r\n" H "Content-Length: 000\r\n\r\n",
        MADO_HTTP_PARSE_DONE, 0),
  CASE ("dots-inside-segment", "GET /a/..b/.../c. HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_DONE, 0),
  CASE ("utf8-path", "GET /v1/%E7%AA%93%E5%8F%A3 HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_DONE, 0),
  CASE ("empty-query", "GET /a? HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_DONE, 0),
  CASE ("tab-in-value", "GET / HTTP/1.1\r\n" H "X-A:\tb\tc\t\r\n\r\n", MADO_HTTP_PARSE_DONE, 0),
  CASE ("obs-text-in-value", "GET / HTTP/1.1\r\n" H "X-A: \xe7\xaa\x93\r\n\r\n",
        MADO_HTTP_PARSE_DONE, 0),

  /* 400: the request line */
  CASE ("no-version", "GET /\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("two-spaces", "GET  / HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("trailing-space", "GET / HTTP/1.1 \r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("version-garbage", "GET / HTTX/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("version-no-dot", "GET / HTTP/11\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("version-long", "GET / HTTP/1.10\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("method-bad-char", "GE(T / HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("starts-with-space", " GET / HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("bare-lf-request-line", "GET / HTTP/1.1\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("bare-cr-request-line", "GET / HTTP/1.1\rX" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("bare-lf-leading", "\nGET / HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  /* 400: the target */
  CASE ("asterisk-form", "OPTIONS * HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("absolute-form", "GET http://registry.example/ HTTP/1.1\r\n" H "\r\n",
        MADO_HTTP_PARSE_ERROR, 400),
  CASE ("authority-form", "GET registry.example:443 HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR,
        400),
  CASE ("dot-dot", "GET /v1/../etc HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("dot-dot-end", "GET /v1/.. HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("dot-segment", "GET /v1/./x HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("dot-dot-encoded", "GET /v1/%2e%2E/etc HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("dot-dot-half-encoded", "GET /v1/.%2e/etc HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR,
        400),
  CASE ("dot-dot-encoded-slash", "GET /v1%2F..%2Fetc HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR,
        400),
  CASE ("percent-nul", "GET /a%00b HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("percent-nul-query", "GET /a?x=%00 HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("percent-short", "GET /a%2 HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("percent-not-hex", "GET /a%zz HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("path-not-utf8", "GET /a%FF HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("path-control", "GET /a%0Ab HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("query-not-utf8", "GET /a?x=%C3 HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("target-nul", "GET /a\0b HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("target-quote", "GET /a\"b HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("target-backslash", "GET /a\\b HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("target-fragment", "GET /a#b HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("target-raw-utf8", "GET /\xe7\xaa\x93 HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  /* 400: the header fields */
  CASE ("obs-fold", "GET / HTTP/1.1\r\n" H "X-A: b\r\n c\r\n\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("obs-fold-tab", "GET / HTTP/1.1\r\n" H "X-A: b\r\n\tc\r\n\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("space-before-colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("no-colon", "GET / HTTP/1.1\r\n" H "X-A\r\n\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("empty-name", "GET / HTTP/1.1\r\n" H ": b\r\n\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("nul-in-value", "GET / HTTP/1.1\r\n" H "X-A: b\0c\r\n\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("nul-in-name", "GET / HTTP/1.1\r\n" H "X\0A: b\r\n\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("bare-cr-in-value", "GET / HTTP/1.1\r\n" H "X-A: b\rc\r\n\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("bare-lf-in-value", "GET / HTTP/1.1\r\n" H "X-A: b\nc\r\n\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("bare-lf-end", "GET / HTTP/1.1\r\n" H "\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("bare-lf-line", "GET / HTTP/1.1\r\n" H "X-A: b\n\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("control-in-value", "GET / HTTP/1.1\r\n" H "X-A: b\x01\r\n\r\n", MADO_HTTP_PARSE_ERROR,
        400),
  CASE ("del-in-value", "GET / HTTP/1.1\r\n" H "X-A: b\x7f\r\n\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("no-host", "GET / HTTP/1.1\r\n\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("two-hosts", "GET / HTTP/1.1\r\n" H H "\r\n", MADO_HTTP_PARSE_ERROR, 400),
  CASE ("content-length-twice",
        "POST / HTTP/1.1\r\n" H "Content-Length: 1\r\nContent-Length: 1\r\n\r\nx",
        MADO_HTTP_PARSE_ERROR, 400),
  CASE ("content-length-list", "POST / HTTP/1.1\r\n" H "Content-Length: 1, 1\r\n\r\nx",
        MADO_HTTP_PARSE_ERROR, 400),
  CASE ("content-length-negative", "POST / HTTP/1.1\r\n" H "Content-Length: -1\r\n\r\n",
        MADO_HTTP_PARSE_ERROR, 400),
  CASE ("content-length-plus", "POST / HTTP/1.1\r\n" H "Content-Length: +1\r\n\r\nx",
        MADO_HTTP_PARSE_ERROR, 400),
  CASE ("content-length-hex", "POST / HTTP/1.1\r\n" H "Content-Length: 0x10\r\n\r\n",
        MADO_HTTP_PARSE_ERROR, 400),
  CASE ("content-length-empty", "POST / HTTP/1.1\r\n" H "Content-Length: \r\n\r\n",
        MADO_HTTP_PARSE_ERROR, 400),
  /* 411 */
  CASE ("chunked", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        MADO_HTTP_PARSE_ERROR, 411),
  CASE ("identity-coding", "POST / HTTP/1.1\r\n" H "transfer-encoding: identity\r\n\r\n",
        MADO_HTTP_PARSE_ERROR, 411),
  CASE ("chunked-and-length",
        "POST / HTTP/1.1\r\n" H "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
        MADO_HTTP_PARSE_ERROR, 411),
  CASE ("chunked-1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        MADO_HTTP_PARSE_ERROR, 411),
  /* 413: decided on Content-Length, before the body */
  CASE ("body-too-large", "POST / HTTP/1.1\r\n" H "Content-Length: 1048577\r\n\r\n",
        MADO_HTTP_PARSE_ERROR, 413),
  CASE ("body-absurd", "POST / HTTP/1.1\r\n" H "Content-Length: 99999999999999999999999999\r\n\r\n",
        MADO_HTTP_PARSE_ERROR, 413),
  /* 501 */
  CASE ("unknown-method", "BREW /pot HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 501),
  CASE ("lower-case-method", "get / HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 501),
  CASE ("connect", "CONNECT registry.example:443 HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR,
        501),
  CASE ("trace", "TRACE / HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 501),
  CASE ("long-method", "ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR,
        501),
  /* 505 */
  CASE ("http-2", "GET / HTTP/2.0\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 505),
  CASE ("http-1.2", "GET / HTTP/1.2\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 505),
  CASE ("http-0.9", "GET / HTTP/0.9\r\n" H "\r\n", MADO_HTTP_PARSE_ERROR, 505),
};

/* Feeds @input whole, then every prefix: a prefix is INCOMPLETE or has the whole's verdict. */
static void
check_case (const ParseCase *c, const MadoHttpLimits *limits)
{
  gsize length = c->length;
  g_autoptr (MadoHttpRequest) request = NULL;
  gsize consumed = 0;
  guint status = 0;

  g_test_message ("case %s", c->name);
  MadoHttpParseResult result = mado_http_request_parse ((const guint8 *)c->input, length, limits,
                                                        &request, &consumed, &status);
  g_assert_cmpint (result, ==, c->result);
  if (result == MADO_HTTP_PARSE_DONE)
    {
      g_assert_nonnull (request);
      g_assert_cmpuint (consumed, ==, length);
      g_assert_cmpuint (status, ==, 0);
    }
  else
    {
      g_assert_null (request);
      g_assert_cmpuint (consumed, ==, 0);
      g_assert_cmpuint (status, ==, c->status);
    }

  /* the same bytes, arriving one at a time (the copy makes ASan see reads past the prefix) */
  gboolean failed = FALSE;
  for (gsize n = 0; n < length; n++)
    {
      g_autofree guint8 *prefix = g_memdup2 (c->input, n);
      g_autoptr (MadoHttpRequest) partial = NULL;
      MadoHttpParseResult r
          = mado_http_request_parse (prefix, n, limits, &partial, &consumed, &status);
      if (r == MADO_HTTP_PARSE_INCOMPLETE)
        {
          g_assert_false (failed); /* once refused, refused for good */
          g_assert_null (partial);
          continue;
        }
      g_assert_cmpint (r, ==, MADO_HTTP_PARSE_ERROR); /* a strict prefix is never a request */
      g_assert_cmpint (c->result, ==, MADO_HTTP_PARSE_ERROR);
      g_assert_cmpuint (status, ==, c->status);
      g_assert_null (partial);
      failed = TRUE;
    }
}

static void
test_table (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    check_case (&cases[i], NULL);
}

static void
test_limits (void)
{
  /* 414: a target of 8 KiB passes, one byte more does not (decided before the line ends) */
  for (gsize extra = 0; extra < 2; extra++)
    {
      GString *s = g_string_new ("GET /");
      for (gsize i = 1; i < 8192 + extra; i++)
        g_string_append_c (s, 'a');
      g_string_append (s, " HTTP/1.1\r\n" H "\r\n");
      ParseCase c
          = { "target-size", s->str, s->len,
              extra == 0 ? MADO_HTTP_PARSE_DONE : MADO_HTTP_PARSE_ERROR, extra == 0 ? 0 : 414 };
      check_case (&c, NULL);
      g_string_free (s, TRUE);
    }

  /* 431: the head beyond 16 KiB, by one long field or by many */
  {
    GString *s = g_string_new ("GET / HTTP/1.1\r\n" H "X-Long: ");
    for (gsize i = 0; i < 16 * 1024; i++)
      g_string_append_c (s, 'v');
    g_string_append (s, "\r\n\r\n");
    ParseCase c = { "long-field", s->str, s->len, MADO_HTTP_PARSE_ERROR, 431 };
    check_case (&c, NULL);
    g_string_free (s, TRUE);
  }
  {
    GString *s = g_string_new ("GET / HTTP/1.1\r\n" H);
    for (guint i = 0; i < 64; i++)
      g_string_append_printf (s, "X-N%u: %u\r\n", i, i);
    g_string_append (s, "\r\n");
    ParseCase c = { "65-fields", s->str, s->len, MADO_HTTP_PARSE_ERROR, 431 };
    check_case (&c, NULL);
    g_string_free (s, TRUE);
  }
  {
    /* leading empty lines count towards the head */
    GString *s = g_string_new (NULL);
    for (guint i = 0; i < 9000; i++)
      g_string_append (s, "\r\n");
    g_string_append (s, "GET / HTTP/1.1\r\n" H "\r\n");
    ParseCase c = { "many-empty-lines", s->str, s->len, MADO_HTTP_PARSE_ERROR, 431 };
    check_case (&c, NULL);
    g_string_free (s, TRUE);
  }

  /* limits of one's own */
  MadoHttpLimits limits = { .max_header_bytes = 64, .max_body_bytes = 4, .max_headers = 2 };
  const ParseCase own[] = {
    CASE ("small-ok", "POST / HTTP/1.1\r\n" H "Content-Length: 4\r\n\r\nabcd", MADO_HTTP_PARSE_DONE,
          0),
    CASE ("small-body", "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\n\r\nabcde",
          MADO_HTTP_PARSE_ERROR, 413),
    CASE ("small-count", "GET / HTTP/1.1\r\n" H "A: 1\r\nB: 2\r\n\r\n", MADO_HTTP_PARSE_ERROR, 431),
    CASE ("small-head", "GET / HTTP/1.1\r\n" H "X-Abcdefghijklmnopqrstuvwxyz: 0123456789\r\n\r\n",
          MADO_HTTP_PARSE_ERROR, 431),
  };
  for (gsize i = 0; i < G_N_ELEMENTS (own); i++)
    check_case (&own[i], &limits);

  /* zero fields take the defaults */
  MadoHttpLimits filled = { .max_body_bytes = 7 };
  mado_http_limits_fill_defaults (&filled);
  g_assert_cmpuint (filled.max_header_bytes, ==, 16 * 1024);
  g_assert_cmpuint (filled.max_body_bytes, ==, 7);
  g_assert_cmpuint (filled.max_headers, ==, 64);
  g_assert_cmpuint (filled.header_timeout_ms, ==, 10000);
  g_assert_cmpuint (filled.idle_timeout_ms, ==, 30000);
  g_assert_cmpuint (filled.max_connections, ==, 512);
}

static MadoHttpRequest *
parse_ok (const char *text, gsize *consumed)
{
  MadoHttpRequest *request = NULL;
  guint status = 0;
  gsize used = 0;
  g_assert_cmpint (
      mado_http_request_parse ((const guint8 *)text, strlen (text), NULL, &request, &used, &status),
      ==, MADO_HTTP_PARSE_DONE);
  if (consumed != NULL)
    *consumed = used;
  return request;
}

static void
test_body_and_pipelining (void)
{
  const char *first = "GET /a HTTP/1.1\r\n" H "\r\n";
  const char *second = "POST /b HTTP/1.1\r\n" H "Content-Length: 5\r\n\r\nhello";
  const char *third = "DELETE /c HTTP/1.1\r\n" H "\r\n";
  g_autofree char *all = g_strconcat (first, second, third, NULL);
  gsize offset = 0, consumed = 0;

  g_autoptr (MadoHttpRequest) a = parse_ok (all, &consumed);
  g_assert_cmpuint (consumed, ==, strlen (first));
  g_assert_cmpstr (a->method, ==, "GET");
  g_assert_cmpstr (a->path, ==, "/a");
  g_assert_cmpuint (g_bytes_get_size (a->body), ==, 0);
  offset += consumed;

  g_autoptr (MadoHttpRequest) b = parse_ok (all + offset, &consumed);
  g_assert_cmpuint (consumed, ==, strlen (second));
  g_assert_cmpstr (b->method, ==, "POST");
  gsize size = 0;
  const char *body = g_bytes_get_data (b->body, &size);
  g_assert_cmpmem (body, size, "hello", 5);
  offset += consumed;

  g_autoptr (MadoHttpRequest) c = parse_ok (all + offset, &consumed);
  g_assert_cmpuint (consumed, ==, strlen (third));
  g_assert_cmpstr (c->method, ==, "DELETE");
  offset += consumed;
  g_assert_cmpuint (offset, ==, strlen (all));

  /* a body not all there yet: INCOMPLETE, nothing consumed; never read past the length given */
  g_autoptr (MadoHttpRequest) none = NULL;
  guint status = 7;
  gsize length = strlen (second) - 2;
  g_autofree guint8 *partial = g_memdup2 (second, length);
  g_assert_cmpint (mado_http_request_parse (partial, length, NULL, &none, &consumed, &status), ==,
                   MADO_HTTP_PARSE_INCOMPLETE);
  g_assert_null (none);
  g_assert_cmpuint (consumed, ==, 0);
  g_assert_cmpuint (mado_http_request_parse (partial, 0, NULL, &none, &consumed, &status), ==,
                    MADO_HTTP_PARSE_INCOMPLETE);
}

static void
test_target_and_query (void)
{
  g_autoptr (MadoHttpRequest) r = parse_ok (
      "GET /v1/%E7%AA%93%E5%8F%A3/x+y?name=%E7%AA%93%E5%8F%A3+%E8%8A%B1%E5%AD%90&empty=&flag"
      "&a%20b=c%2Bd&dup=1&dup=2&plus=1+1%3D2&eq=a=b&&last HTTP/1.1\r\n" H "\r\n",
      NULL);
  g_assert_cmpstr (r->path, ==, "/v1/窓口/x+y"); /* '+' is a space in the query only */
  g_assert_true (g_str_has_prefix (r->target, "/v1/%E7%AA%93%E5%8F%A3/x+y?name="));
  g_assert_true (g_str_has_prefix (r->query, "name=%E7"));

  const struct
  {
    const char *name;
    const char *value;
  } params[] = {
    { "name", "窓口 花子" }, { "empty", "" },     { "flag", "" },  { "a b", "c+d" },
    { "dup", "1" },          { "plus", "1 1=2" }, { "eq", "a=b" }, { "last", "" },
    { "missing", NULL },     { "nam", NULL },     { "", "" }, /* the empty part between "&&" */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (params); i++)
    {
      g_autofree char *value = mado_http_request_dup_query_param (r, params[i].name);
      g_assert_cmpstr (value, ==, params[i].value);
    }

  g_autoptr (MadoHttpRequest) no_query = parse_ok ("GET /a HTTP/1.1\r\n" H "\r\n", NULL);
  g_assert_null (no_query->query);
  g_autofree char *absent = mado_http_request_dup_query_param (no_query, "a");
  g_assert_null (absent);

  g_autoptr (MadoHttpRequest) empty_query = parse_ok ("GET /a? HTTP/1.1\r\n" H "\r\n", NULL);
  g_assert_cmpstr (empty_query->query, ==, "");
  g_assert_cmpstr (empty_query->path, ==, "/a");
}

static void
test_headers (void)
{
  g_autoptr (MadoHttpRequest) r
      = parse_ok ("GET / HTTP/1.1\r\n" H "X-Custom-Thing:   value with  spaces \t \r\nX-Empty:\r\n"
                  "Accept: a\r\nACCEPT: b\r\n\r\n",
                  NULL);
  g_assert_cmpuint (r->header_names->len, ==, 5);
  g_assert_cmpuint (r->header_values->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (r->header_names, 1), ==, "x-custom-thing");
  g_assert_cmpstr (g_ptr_array_index (r->header_names, 4), ==, "accept");
  g_assert_cmpstr (mado_http_request_get_header (r, "x-custom-thing"), ==, "value with  spaces");
  g_assert_cmpstr (mado_http_request_get_header (r, "X-CUSTOM-THING"), ==, "value with  spaces");
  g_assert_cmpstr (mado_http_request_get_header (r, "Host"), ==, "registry.example");
  g_assert_cmpstr (mado_http_request_get_header (r, "x-empty"), ==, "");
  g_assert_cmpstr (mado_http_request_get_header (r, "accept"), ==, "a"); /* the first */
  g_assert_null (mado_http_request_get_header (r, "x-missing"));
  g_assert_null (mado_http_request_get_header (r, "x-custom"));
}

static void
test_keep_alive (void)
{
  const struct
  {
    const char *text;
    gboolean keep_alive;
  } rules[] = {
    { "GET / HTTP/1.1\r\n" H "\r\n", TRUE },
    { "GET / HTTP/1.1\r\n" H "Connection: close\r\n\r\n", FALSE },
    { "GET / HTTP/1.1\r\n" H "Connection: CLOSE\r\n\r\n", FALSE },
    { "GET / HTTP/1.1\r\n" H "Connection: keep-alive, close\r\n\r\n", FALSE },
    { "GET / HTTP/1.1\r\n" H "Connection: keep-alive\r\nConnection: close\r\n\r\n", FALSE },
    { "GET / HTTP/1.1\r\n" H "Connection: closed\r\n\r\n", TRUE },
    { "GET / HTTP/1.1\r\n" H "Connection: upgrade\r\n\r\n", TRUE },
    { "GET / HTTP/1.0\r\n\r\n", FALSE },
    { "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", TRUE },
    { "GET / HTTP/1.0\r\nConnection: te ,  Keep-Alive \r\n\r\n", TRUE },
    { "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", FALSE },
    { "GET / HTTP/1.0\r\nKeep-Alive: timeout=5\r\n\r\n", FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autoptr (MadoHttpRequest) r = parse_ok (rules[i].text, NULL);
      g_test_message ("rule %" G_GSIZE_FORMAT, i);
      g_assert_cmpint (r->keep_alive, ==, rules[i].keep_alive);
    }
}

/* The head of @bytes as text, and its body. */
static char *
split_response (GBytes *bytes, GBytes **body)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  const char *end = g_strstr_len (data, (gssize)size, "\r\n\r\n");
  g_assert_nonnull (end);
  gsize head = (gsize)(end - data) + 4;
  *body = g_bytes_new_from_bytes (bytes, head, size - head);
  return g_strndup (data, head);
}

static void
test_response (void)
{
  g_autoptr (MadoHttpResponse) json = mado_http_response_new_json (201, "{\"id\":\"T-1\"}");
  mado_http_response_add_header (json, "Location", "/v1/tickets/T-1");
  g_autoptr (GBytes) bytes = mado_http_response_serialize (json, TRUE);
  g_autoptr (GBytes) body = NULL;
  g_autofree char *head = split_response (bytes, &body);

  g_assert_true (g_str_has_prefix (head, "HTTP/1.1 201 Created\r\n"));
  g_assert_nonnull (strstr (head, "\r\nContent-Type: application/json\r\n"));
  g_assert_nonnull (strstr (head, "\r\nContent-Length: 12\r\n"));
  g_assert_nonnull (strstr (head, "\r\nCache-Control: no-store\r\n"));
  g_assert_nonnull (strstr (head, "\r\nX-Content-Type-Options: nosniff\r\n"));
  g_assert_nonnull (strstr (head, "\r\nConnection: keep-alive\r\n"));
  g_assert_nonnull (strstr (head, "\r\nLocation: /v1/tickets/T-1\r\n"));
  g_assert_true (g_regex_match_simple ("\r\nDate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} "
                                       "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                                       "[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT\r\n",
                                       head, 0, 0));
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "{\"id\":\"T-1\"}", 12);

  /* closing: asked by the caller or by the response */
  g_autoptr (GBytes) closing = mado_http_response_serialize (json, FALSE);
  g_autoptr (GBytes) closing_body = NULL;
  g_autofree char *closing_head = split_response (closing, &closing_body);
  g_assert_nonnull (strstr (closing_head, "\r\nConnection: close\r\n"));
  json->close = TRUE;
  g_autoptr (GBytes) asked = mado_http_response_serialize (json, TRUE);
  g_autoptr (GBytes) asked_body = NULL;
  g_autofree char *asked_head = split_response (asked, &asked_body);
  g_assert_nonnull (strstr (asked_head, "\r\nConnection: close\r\n"));

  /* no body: Content-Length 0, no type; 204: neither length nor body */
  g_autoptr (MadoHttpResponse) empty = mado_http_response_new (200, NULL, NULL);
  g_autoptr (GBytes) empty_bytes = mado_http_response_serialize (empty, TRUE);
  g_autoptr (GBytes) empty_body = NULL;
  g_autofree char *empty_head = split_response (empty_bytes, &empty_body);
  g_assert_nonnull (strstr (empty_head, "\r\nContent-Length: 0\r\n"));
  g_assert_null (strstr (empty_head, "\r\nContent-Type:"));
  g_assert_cmpuint (g_bytes_get_size (empty_body), ==, 0);

  g_autoptr (GBytes) ignored = g_bytes_new_static ("x", 1);
  g_autoptr (MadoHttpResponse) no_content = mado_http_response_new (204, "text/plain", ignored);
  g_autoptr (GBytes) nc_bytes = mado_http_response_serialize (no_content, TRUE);
  g_autoptr (GBytes) nc_body = NULL;
  g_autofree char *nc_head = split_response (nc_bytes, &nc_body);
  g_assert_true (g_str_has_prefix (nc_head, "HTTP/1.1 204 No Content\r\n"));
  g_assert_null (strstr (nc_head, "Content-Length"));
  g_assert_cmpuint (g_bytes_get_size (nc_body), ==, 0);

  /* reason phrases */
  const guint statuses[] = { 200, 400, 404, 408, 409, 411, 413, 414, 431, 500, 501, 503, 505 };
  const char *const reasons[] = { "OK",
                                  "Bad Request",
                                  "Not Found",
                                  "Request Timeout",
                                  "Conflict",
                                  "Length Required",
                                  "Content Too Large",
                                  "URI Too Long",
                                  "Request Header Fields Too Large",
                                  "Internal Server Error",
                                  "Not Implemented",
                                  "Service Unavailable",
                                  "HTTP Version Not Supported" };
  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    g_assert_cmpstr (mado_http_status_reason (statuses[i]), ==, reasons[i]);
  g_assert_cmpstr (mado_http_status_reason (299), ==, "Unknown");

  /* a header with CR/LF is refused (a critical: fatal under G_DEBUG=fatal-criticals) */
  if (g_test_undefined ())
    {
      g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*header_text_is_valid*");
      mado_http_response_add_header (empty, "X-Evil", "a\r\nSet-Cookie: b");
      g_test_assert_expected_messages ();
      g_assert_null (empty->extra_headers);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/registry/http/parser/table", test_table);
  g_test_add_func ("/registry/http/parser/limits", test_limits);
  g_test_add_func ("/registry/http/parser/body-and-pipelining", test_body_and_pipelining);
  g_test_add_func ("/registry/http/parser/target-and-query", test_target_and_query);
  g_test_add_func ("/registry/http/parser/headers", test_headers);
  g_test_add_func ("/registry/http/parser/keep-alive", test_keep_alive);
  g_test_add_func ("/registry/http/response", test_response);
  return g_test_run ();
}
