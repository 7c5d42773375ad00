/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: what the outbox's delivery reads of a registry answer, the API's error body
 * ({"error":{"code":…}}), whose code may become a set-aside reason. The network feeds it: any
 * bytes. Whatever comes in, the code that comes out is an identifier or nothing.
 */
#include <string.h>

#include "mado-sync-transport.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  /* the client hands over NUL-terminated bodies without NUL bytes inside */
  if (memchr (data, '\0', size) != NULL)
    return 0;
  g_autofree char *body = g_strndup ((const char *)data, size);
  g_autoptr (MadoSyncResponse) response = mado_sync_response_new (422, body, FALSE);
  g_autofree char *code = mado_sync_response_dup_error_code (response);
  if (code != NULL)
    {
      g_assert (*code != '\0' && strlen (code) <= 64);
      for (const char *p = code; *p != '\0'; p++)
        g_assert (g_ascii_islower (*p) || g_ascii_isdigit (*p) || strchr ("_.-", *p) != NULL);
    }
  return 0;
}
