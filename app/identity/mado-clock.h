/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-clock.h — where verification gets "now". An interface, so that the registry plugs in its
 * own clock, `mado-card verify --at` a fixed time, and tests any time they like.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MADO_TYPE_CLOCK (mado_clock_get_type ())
G_DECLARE_INTERFACE (MadoClock, mado_clock, MADO, CLOCK, GObject)

struct _MadoClockInterface
{
  GTypeInterface parent_iface;

  /* Seconds since the Unix epoch, UTC. */
  gint64 (*now) (MadoClock *self);
};

gint64 mado_clock_now (MadoClock *self);

/* The system's real-time clock. */
#define MADO_TYPE_SYSTEM_CLOCK (mado_system_clock_get_type ())
G_DECLARE_FINAL_TYPE (MadoSystemClock, mado_system_clock, MADO, SYSTEM_CLOCK, GObject)
MadoClock *mado_system_clock_new (void);

/* A clock that says what it is told (tests, `--at TIME`). */
#define MADO_TYPE_FIXED_CLOCK (mado_fixed_clock_get_type ())
G_DECLARE_FINAL_TYPE (MadoFixedClock, mado_fixed_clock, MADO, FIXED_CLOCK, GObject)
MadoClock *mado_fixed_clock_new (gint64 now);
void mado_fixed_clock_set (MadoFixedClock *self, gint64 now);

/* Parses ISO 8601 ("2026-11-26T12:00:00Z", "2026-11-26", with or without an offset; no offset
 * means UTC) into Unix seconds. */
gboolean mado_time_parse (const char *text, gint64 *unix_seconds, GError **error);
/* "2026-11-26T12:00:00Z" */
char *mado_time_format (gint64 unix_seconds);

G_END_DECLS
