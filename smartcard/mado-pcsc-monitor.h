/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-pcsc-monitor.h — follows readers and cards through SCardGetStatusChange in a worker thread
 * and reports on the main context it was created in. Survives pcscd stopping and starting again
 * (state goes to NO_SERVICE, then back) and readers coming and going (\\?PnP?\Notification).
 */
#pragma once

#include <gio/gio.h>

#include "mado-pcsc-reader.h"

G_BEGIN_DECLS

#define MADO_TYPE_PCSC_MONITOR (mado_pcsc_monitor_get_type ())
G_DECLARE_FINAL_TYPE (MadoPcscMonitor, mado_pcsc_monitor, MADO, PCSC_MONITOR, GObject)

/* Signals (emitted in the GMainContext that was thread-default at mado_pcsc_monitor_new()):
 *   "state-changed"  (MadoPcscState state)
 *   "reader-added"   (const char *reader)
 *   "reader-removed" (const char *reader)
 *   "card-inserted"  (const char *reader, GBytes *atr)
 *   "card-removed"   (const char *reader)
 */
MadoPcscMonitor *mado_pcsc_monitor_new (void);
void mado_pcsc_monitor_start (MadoPcscMonitor *self);
/* Cancels the wait (SCardCancel) and joins the thread; no signal is emitted afterwards. */
void mado_pcsc_monitor_stop (MadoPcscMonitor *self);
MadoPcscState mado_pcsc_monitor_get_state (MadoPcscMonitor *self);

G_END_DECLS
