/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-registry-admin.h — the subcommands of mado-registry-admin that live in their own files
 * (mado-registry-admin-data.c: seeding and the CSV linkage). Each takes argv after the
 * subcommand's name (argv[0] is the name) and returns the exit code.
 */
#pragma once

int mado_registry_admin_seed (int argc, char **argv);
int mado_registry_admin_export (int argc, char **argv);
int mado_registry_admin_import (int argc, char **argv);
