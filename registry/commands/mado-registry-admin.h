/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-registry-admin.h — the subcommands of mado-registry-admin that live in their own files
 * (mado-registry-admin-data.c: seeding and the CSV linkage). Each takes argv after the
 * subcommand's name (argv[0] is the name) and returns the exit code.
 */
#pragma once

#include <glib.h>

/* What every subcommand shares: print @error the catalogue's way and return its exit code; a
 * usage error; option parsing whose failures are usage errors. */
int mado_registry_admin_fail (GError *error);
int mado_registry_admin_usage (const char *text);
gboolean mado_registry_admin_parse (int *argc, char ***argv, GOptionEntry *entries,
                                    const char *what, GError **error);

int mado_registry_admin_seed (int argc, char **argv);
int mado_registry_admin_export (int argc, char **argv);
int mado_registry_admin_import (int argc, char **argv);
