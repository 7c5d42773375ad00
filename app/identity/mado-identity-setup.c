/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mado-identity"

#include "mado-identity-setup.h"

#include <gio/gio.h>

#include "mado-crl-source.h"
#include "mado-identity-error.h"
#include "mado-ocsp.h"

static char *
default_index_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "madoguchi", "crl", NULL);
}

MadoCertVerifier *
mado_identity_verifier_new_from_config (MadoConfig *config, const MadoIdentityOverrides *overrides,
                                        GError **error)
{
  MadoIdentityOverrides none = { 0 };
  if (overrides == NULL)
    overrides = &none;

  gboolean test_mode = mado_config_is_test_mode (config);
  g_autoptr (MadoTrustStore) store = mado_trust_store_new (test_mode);
  g_auto (GStrv) pins = mado_config_get_list (config, "identity", "pinned-roots");
  for (guint i = 0; pins[i] != NULL; i++)
    if (!mado_trust_store_pin (store, pins[i], error))
      return NULL;

  const char *trust_dir = overrides->trust_dir != NULL
                              ? overrides->trust_dir
                              : mado_config_get_string (config, "identity", "trust-dir");
  if (!mado_trust_store_load_dir (store, trust_dir, error))
    return NULL;
  if (mado_trust_store_get_n_roots (store) == 0)
    {
      g_set_error (error, MADO_IDENTITY_ERROR, MADO_IDENTITY_ERROR_TRUST_STORE,
                   "No trusted root in %s", trust_dir);
      return NULL;
    }

  g_autoptr (MadoClock) system_clock = overrides->clock == NULL ? mado_system_clock_new () : NULL;
  MadoClock *clock = overrides->clock != NULL ? overrides->clock : system_clock;
  g_autoptr (MadoCertVerifier) verifier = mado_cert_verifier_new (store, clock);

  /* CRLs first: local and fast; OCSP after. */
  const char *configured_dir = mado_config_get_string (config, "identity", "crl-index-dir");
  g_autofree char *index_dir = configured_dir != NULL && *configured_dir != '\0'
                                   ? g_strdup (configured_dir)
                                   : default_index_dir ();
  g_autoptr (MadoCrlIndexDir) dir = mado_crl_index_dir_new (index_dir, error);
  if (dir == NULL)
    return NULL;
  g_autoptr (MadoRevocationSource) crl_source = mado_crl_source_new (dir);
  g_auto (GStrv) crls = mado_config_get_list (config, "identity", "crl");
  for (guint i = 0; crls[i] != NULL; i++)
    if (!mado_crl_source_add_crl (MADO_CRL_SOURCE (crl_source), store, crls[i], NULL, error))
      return NULL;
  for (guint i = 0; overrides->extra_crls != NULL && overrides->extra_crls[i] != NULL; i++)
    if (!mado_crl_source_add_crl (MADO_CRL_SOURCE (crl_source), store, overrides->extra_crls[i],
                                  NULL, error))
      return NULL;
  mado_cert_verifier_add_revocation_source (verifier, crl_source);

  const char *ocsp_url = overrides->ocsp_url != NULL
                             ? overrides->ocsp_url
                             : mado_config_get_string (config, "identity", "ocsp-url");
  if (ocsp_url != NULL && *ocsp_url != '\0')
    {
      g_auto (GStrv) allowed = mado_config_get_list (config, "identity", "ocsp-allowed-urls");
      MadoOcspOptions options;
      mado_ocsp_options_init (&options);
      options.allowed_url_prefixes = (const char *const *)allowed;
      options.timeout_ms = (guint)mado_config_get_integer (config, "identity", "ocsp-timeout-ms");
      options.max_skew = mado_config_get_integer (config, "identity", "max-clock-skew-seconds");
      g_autoptr (MadoRevocationSource) ocsp = mado_ocsp_source_new (ocsp_url, &options);
      mado_cert_verifier_add_revocation_source (verifier, ocsp);
    }
  return g_steal_pointer (&verifier);
}
