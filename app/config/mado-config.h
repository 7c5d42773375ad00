/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-config.h — the configuration key file (docs/configuration.md).
 *
 * One search path, first file found wins:
 *   1. the file named by --config (an error if it is missing),
 *   2. $MADOGUCHI_CONFIG (an error if it is missing),
 *   3. $XDG_CONFIG_HOME/madoguchi/madoguchi.conf,
 *   4. /etc/madoguchi/madoguchi.conf.
 * No file at all means the defaults. Every key is declared in one schema table; an unknown
 * section or key, or a value of the wrong type, is an error naming the file and the key, so a
 * typo never silently falls back to a default. Command-line flags override the file.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  MADO_CONFIG_STRING,
  MADO_CONFIG_BOOLEAN,
  MADO_CONFIG_INTEGER,
  MADO_CONFIG_CHOICE, /* one of a '|'-separated list */
  MADO_CONFIG_LIST,   /* strings separated by ';' (GKeyFile lists) */
} MadoConfigType;

typedef struct
{
  const char *section;
  const char *key;
  MadoConfigType type;
  const char *default_value;
  const char *choices; /* for MADO_CONFIG_CHOICE: "production|test" */
  gint64 min, max;     /* for MADO_CONFIG_INTEGER */
  const char *help;
} MadoConfigKey;

typedef struct _MadoConfig MadoConfig;

/* The schema, terminated by an entry whose section is NULL. */
const MadoConfigKey *mado_config_schema (void);

/* Loads along the search path (@explicit_path from --config may be NULL). */
MadoConfig *mado_config_load (const char *explicit_path, GError **error);
/* Loads exactly this file (used by tests and by mado_config_load). */
MadoConfig *mado_config_load_file (const char *path, GError **error);
MadoConfig *mado_config_new_defaults (void);
void mado_config_free (MadoConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MadoConfig, mado_config_free)

/* The file that was read, or NULL for defaults. Borrowed. */
const char *mado_config_get_path (MadoConfig *config);

/* Values: the file's, or the schema default. Asking for a key not in the schema is a programming
 * error. Strings are borrowed. */
const char *mado_config_get_string (MadoConfig *config, const char *section, const char *key);
gboolean mado_config_get_boolean (MadoConfig *config, const char *section, const char *key);
gint64 mado_config_get_integer (MadoConfig *config, const char *section, const char *key);
/* A list key's items (empty items dropped, each stripped); a new array, never NULL. */
GStrv mado_config_get_list (MadoConfig *config, const char *section, const char *key);

/* A flag's override, validated like the file's values. */
gboolean mado_config_set (MadoConfig *config, const char *section, const char *key,
                          const char *value, GError **error);

/* Whether the configuration says test mode ([general] mode = test). */
gboolean mado_config_is_test_mode (MadoConfig *config);

G_END_DECLS
