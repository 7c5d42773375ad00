/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-layout-ticket.c — the queue ticket on 80 mm roll paper: number, service, time, people
 * ahead and a QR code to the ticket's public status page. No personal data, no signature, no tint
 * (a thermal head cannot print a tint, and the ticket vouches for nothing).
 */
#include <string.h>

#include "mado-print-error.h"
#include "mado-render-private.h"

static gboolean
line (MadoRenderContext *ctx, MadoFontRole role, double size, const char *text, double *y,
      double gap, GError **error)
{
  double m = 8, h;
  h = mado_render_text (ctx, role, size, text, m, *y, ctx->page_width - 2 * m, MADO_ALIGN_CENTER,
                        error);
  if (h < 0)
    return FALSE;
  *y += h + gap;
  return TRUE;
}

gboolean
mado_layout_ticket (MadoRenderContext *ctx, double *height, GError **error)
{
  JsonObject *office = mado_json_get_object (ctx->root, "office");
  const char *at = mado_json_get_string (ctx->root, "issued_at");
  double w = ctx->page_width, m = 8, y = ctx->test_mode ? 18 : 10;
  double qr = 118;
  int month = (at[5] - '0') * 10 + (at[6] - '0'), day = (at[8] - '0') * 10 + (at[9] - '0');
  int hour = (at[11] - '0') * 10 + (at[12] - '0');
  g_autofree char *when = g_strdup_printf ("%d月%d日 %d:%.2s 発券", month, day, hour, at + 14);
  g_autofree char *ahead = g_strdup_printf ("あなたの前に %" G_GINT64_FORMAT " 人お待ちです",
                                            json_object_get_int_member (ctx->root, "people_ahead"));

  cairo_set_source_rgb (ctx->cr, 0, 0, 0);
  if ((office != NULL
       && !line (ctx, MADO_FONT_SANS, 9, mado_json_get_string (office, "name"), &y, 2, error))
      || !line (ctx, MADO_FONT_SANS, 10, "受付番号", &y, 0, error))
    return FALSE;
  if (!mado_render_fit (ctx, MADO_FONT_BOLD, mado_json_get_string (ctx->root, "ticket_number"),
                        "ticket_number", 56, 28, 1, m, y, w - 2 * m, 80, MADO_ALIGN_CENTER, error))
    return FALSE;
  y += 82;
  if (!mado_render_fit (ctx, MADO_FONT_BOLD, mado_json_get_string (ctx->root, "service"), "service",
                        14, 9, 2, m, y, w - 2 * m, 40, MADO_ALIGN_CENTER, error))
    return FALSE;
  y += 44;
  if (!line (ctx, MADO_FONT_SANS, 10, when, &y, 2, error)
      || !line (ctx, MADO_FONT_SANS, 11, ahead, &y, 8, error))
    return FALSE;
  if (!mado_render_qr (ctx, (w - qr) / 2, y, qr, NULL, error))
    return FALSE;
  y += qr + 4;
  if (!line (ctx, MADO_FONT_SANS, 7.5,
             "呼び出し状況はスマートフォンでこのコードから確認できます（お名前などの個人情報は含み"
             "ません）",
             &y, 0, error))
    return FALSE;
  *height = y + (ctx->test_mode ? 22 : 12);
  return TRUE;
}
