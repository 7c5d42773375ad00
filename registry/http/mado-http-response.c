/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-http-response.c — responses and their bytes: the status line, the headers every answer
 * carries (Date as an IMF-fixdate, Content-Length, Cache-Control: no-store because answers hold
 * personal data, X-Content-Type-Options: nosniff, Connection) and the body.
 */
#include "mado-http.h"

#include <string.h>

MadoHttpResponse *
mado_http_response_new (guint status, const char *content_type, GBytes *body)
{
  g_return_val_if_fail (status >= 100 && status <= 599, NULL);
  MadoHttpResponse *r = g_new0 (MadoHttpResponse, 1);
  r->status = status;
  r->content_type = g_strdup (content_type);
  r->body = body != NULL ? g_bytes_ref (body) : NULL;
  return r;
}

MadoHttpResponse *
mado_http_response_new_json (guint status, const char *json_text)
{
  g_return_val_if_fail (json_text != NULL, NULL);
  g_autoptr (GBytes) body = g_bytes_new (json_text, strlen (json_text));
  return mado_http_response_new (status, "application/json", body);
}

static gboolean
header_text_is_valid (const char *text, gboolean is_name)
{
  if (*text == '\0' && is_name)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      guint8 c = (guint8)*p;
      if (c == '\r' || c == '\n' || (c < 0x20 && c != '\t') || c == 0x7f)
        return FALSE;
      if (is_name && (c <= 0x20 || c == ':'))
        return FALSE;
    }
  return TRUE;
}

void
mado_http_response_add_header (MadoHttpResponse *response, const char *name, const char *value)
{
  g_return_if_fail (response != NULL && name != NULL && value != NULL);
  g_return_if_fail (header_text_is_valid (name, TRUE));
  g_return_if_fail (header_text_is_valid (value, FALSE));
  if (response->extra_headers == NULL)
    response->extra_headers = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (response->extra_headers, g_strdup_printf ("%s: %s", name, value));
}

void
mado_http_response_free (MadoHttpResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->content_type);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->extra_headers, g_ptr_array_unref);
  g_free (response);
}

static const struct
{
  guint status;
  const char *reason;
} reasons[] = {
  { 100, "Continue" },
  { 200, "OK" },
  { 201, "Created" },
  { 202, "Accepted" },
  { 204, "No Content" },
  { 301, "Moved Permanently" },
  { 302, "Found" },
  { 303, "See Other" },
  { 304, "Not Modified" },
  { 307, "Temporary Redirect" },
  { 308, "Permanent Redirect" },
  { 400, "Bad Request" },
  { 401, "Unauthorized" },
  { 403, "Forbidden" },
  { 404, "Not Found" },
  { 405, "Method Not Allowed" },
  { 406, "Not Acceptable" },
  { 408, "Request Timeout" },
  { 409, "Conflict" },
  { 410, "Gone" },
  { 411, "Length Required" },
  { 412, "Precondition Failed" },
  { 413, "Content Too Large" },
  { 414, "URI Too Long" },
  { 415, "Unsupported Media Type" },
  { 416, "Range Not Satisfiable" },
  { 417, "Expectation Failed" },
  { 422, "Unprocessable Content" },
  { 425, "Too Early" },
  { 426, "Upgrade Required" },
  { 428, "Precondition Required" },
  { 429, "Too Many Requests" },
  { 431, "Request Header Fields Too Large" },
  { 500, "Internal Server Error" },
  { 501, "Not Implemented" },
  { 502, "Bad Gateway" },
  { 503, "Service Unavailable" },
  { 504, "Gateway Timeout" },
  { 505, "HTTP Version Not Supported" },
};

const char *
mado_http_status_reason (guint status)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (reasons[i].status == status)
      return reasons[i].reason;
  return "Unknown";
}

/* RFC 9110 §5.6.7 IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT": English names whatever the
 * locale. */
static void
append_date (GString *out)
{
  static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char *const months[]
      = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_string_append_printf (
      out, "Date: %s, %02d %s %04d %02d:%02d:%02d GMT\r\n",
      days[g_date_time_get_day_of_week (now) - 1], g_date_time_get_day_of_month (now),
      months[g_date_time_get_month (now) - 1], g_date_time_get_year (now),
      g_date_time_get_hour (now), g_date_time_get_minute (now), g_date_time_get_second (now));
}

GBytes *
mado_http_response_serialize (const MadoHttpResponse *response, gboolean keep_alive)
{
  g_return_val_if_fail (response != NULL, NULL);
  GString *out = g_string_sized_new (256);
  /* 1xx, 204 and 304 have no body and (1xx, 204) no Content-Length (RFC 9110 §8.6) */
  gboolean bodiless = response->status < 200 || response->status == 204 || response->status == 304;
  gsize body_len = response->body != NULL && !bodiless ? g_bytes_get_size (response->body) : 0;

  g_string_append_printf (out, "HTTP/1.1 %u %s\r\n", response->status,
                          mado_http_status_reason (response->status));
  append_date (out);
  if (response->content_type != NULL && !bodiless)
    g_string_append_printf (out, "Content-Type: %s\r\n", response->content_type);
  if (!bodiless)
    g_string_append_printf (out, "Content-Length: %" G_GSIZE_FORMAT "\r\n", body_len);
  g_string_append (out, "Cache-Control: no-store\r\n");
  g_string_append (out, "X-Content-Type-Options: nosniff\r\n");
  g_string_append_printf (out, "Connection: %s\r\n",
                          keep_alive && !response->close ? "keep-alive" : "close");
  if (response->extra_headers != NULL)
    for (guint i = 0; i < response->extra_headers->len; i++)
      g_string_append_printf (out, "%s\r\n",
                              (const char *)g_ptr_array_index (response->extra_headers, i));
  g_string_append (out, "\r\n");
  if (body_len > 0)
    g_string_append_len (out, g_bytes_get_data (response->body, NULL), (gssize)body_len);
  return g_string_free_to_bytes (out);
}
