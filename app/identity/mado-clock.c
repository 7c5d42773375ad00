/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-clock.h"

#include <gio/gio.h>

G_DEFINE_INTERFACE (MadoClock, mado_clock, G_TYPE_OBJECT)

static void
mado_clock_default_init (MadoClockInterface *iface)
{
}

gint64
mado_clock_now (MadoClock *self)
{
  g_return_val_if_fail (MADO_IS_CLOCK (self), 0);
  return MADO_CLOCK_GET_IFACE (self)->now (self);
}

struct _MadoSystemClock
{
  GObject parent_instance;
};

static gint64
system_now (MadoClock *clock)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
system_clock_iface_init (MadoClockInterface *iface)
{
  iface->now = system_now;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (MadoSystemClock, mado_system_clock, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_CLOCK, system_clock_iface_init))

static void
mado_system_clock_class_init (MadoSystemClockClass *klass)
{
}

static void
mado_system_clock_init (MadoSystemClock *self)
{
}

MadoClock *
mado_system_clock_new (void)
{
  return g_object_new (MADO_TYPE_SYSTEM_CLOCK, NULL);
}

struct _MadoFixedClock
{
  GObject parent_instance;
  gint64 now;
};

static gint64
fixed_now (MadoClock *clock)
{
  return MADO_FIXED_CLOCK (clock)->now;
}

static void
fixed_clock_iface_init (MadoClockInterface *iface)
{
  iface->now = fixed_now;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (MadoFixedClock, mado_fixed_clock, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_CLOCK, fixed_clock_iface_init))

static void
mado_fixed_clock_class_init (MadoFixedClockClass *klass)
{
}

static void
mado_fixed_clock_init (MadoFixedClock *self)
{
}

MadoClock *
mado_fixed_clock_new (gint64 now)
{
  MadoFixedClock *self = g_object_new (MADO_TYPE_FIXED_CLOCK, NULL);
  self->now = now;
  return MADO_CLOCK (self);
}

void
mado_fixed_clock_set (MadoFixedClock *self, gint64 now)
{
  self->now = now;
}

gboolean
mado_time_parse (const char *text, gint64 *unix_seconds, GError **error)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) dt = NULL;

  if (text != NULL && strlen (text) == 10)
    {
      g_autofree char *full = g_strdup_printf ("%sT00:00:00", text);
      dt = g_date_time_new_from_iso8601 (full, utc);
    }
  else if (text != NULL)
    dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an ISO 8601 time (2026-11-26T12:00:00Z)", text ? text : "");
      return FALSE;
    }
  *unix_seconds = g_date_time_to_unix (dt);
  return TRUE;
}

char *
mado_time_format (gint64 unix_seconds)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);
  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
}
