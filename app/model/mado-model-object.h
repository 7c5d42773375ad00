/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-model-object.h — the functions every model object has, declared by one macro:
 *
 *   Type *prefix_new (void);                                  zeroed; fill it in C
 *   void prefix_free (Type *);                                deep (g_autoptr works)
 *   Type *prefix_new_from_json (JsonNode *, GError **);       strict (docs/model.md)
 *   Type *prefix_new_from_data (const char *, gssize, GError **);
 *   JsonNode *prefix_to_json (const Type *);                  new node
 *   char *prefix_to_data (const Type *, gsize *length);       compact JSON text
 *   gboolean prefix_validate (const Type *, GError **);       an object built in C
 *   Type *prefix_copy (const Type *);                         deep; NULL if not valid
 */
#pragma once

#include <json-glib/json-glib.h>

#include "mado-date.h"
#include "mado-model-error.h"

#define MADO_MODEL_DECLARE_OBJECT(Type, prefix)                                                    \
  Type *prefix##_new (void);                                                                       \
  void prefix##_free (Type *object);                                                               \
  Type *prefix##_new_from_json (JsonNode *node, GError **error);                                   \
  Type *prefix##_new_from_data (const char *data, gssize length, GError **error);                  \
  JsonNode *prefix##_to_json (const Type *object);                                                 \
  char *prefix##_to_data (const Type *object, gsize *length);                                      \
  gboolean prefix##_validate (const Type *object, GError **error);                                 \
  Type *prefix##_copy (const Type *object);                                                        \
  G_DEFINE_AUTOPTR_CLEANUP_FUNC (Type, prefix##_free)

#define MADO_MODEL_DEFINE_OBJECT(Type, prefix, schema)                                             \
  Type *prefix##_new (void)                                                                        \
  {                                                                                                \
    return mado_model_object_new (&schema);                                                        \
  }                                                                                                \
  void prefix##_free (Type *object)                                                                \
  {                                                                                                \
    mado_model_object_free (&schema, object);                                                      \
  }                                                                                                \
  Type *prefix##_new_from_json (JsonNode *node, GError **error)                                    \
  {                                                                                                \
    return mado_model_object_from_json (&schema, node, "", error);                                 \
  }                                                                                                \
  Type *prefix##_new_from_data (const char *data, gssize length, GError **error)                   \
  {                                                                                                \
    return mado_model_object_from_data (&schema, data, length, error);                             \
  }                                                                                                \
  JsonNode *prefix##_to_json (const Type *object)                                                  \
  {                                                                                                \
    return mado_model_object_to_json (&schema, object);                                            \
  }                                                                                                \
  char *prefix##_to_data (const Type *object, gsize *length)                                       \
  {                                                                                                \
    return mado_model_object_to_data (&schema, object, length);                                    \
  }                                                                                                \
  gboolean prefix##_validate (const Type *object, GError **error)                                  \
  {                                                                                                \
    return mado_model_object_validate (&schema, object, error);                                    \
  }                                                                                                \
  Type *prefix##_copy (const Type *object)                                                         \
  {                                                                                                \
    return mado_model_object_copy (&schema, object);                                               \
  }
