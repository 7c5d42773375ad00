/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-seed.h — synthetic residents for the demo, tests and benchmarks: N persons in realistic
 * households (世帯主 and 続柄, ages that fit the roles, 住所 in the demo city, 本籍・筆頭者,
 * 転入前住所, a share of foreign residents with their items), valid 宛名番号/世帯番号/個人番号,
 * 住民票コード, some 支援措置 and 抑止 blocks, card links and registered seals (印鑑登録, with a
 * 印影) — all deterministic from one seed.
 *
 * Every name, number and address is made up (names and 町字 are common real words, combined at
 * random); nothing here is anybody's data. Layout of the numbers and what is made: docs/seed.md.
 */
#pragma once

#include "mado-registry-store.h"

G_BEGIN_DECLS

/* Called after each committed batch: @done of @total persons are in the store. */
typedef void (*MadoSeedProgressFunc) (guint done, guint total, gpointer user_data);

typedef struct
{
  guint count;              /* persons to make (≥ 1) */
  guint64 seed;             /* the same seed (and options) → the same persons, byte for byte */
  double foreign_share;     /* 外国人住民, of persons (by household); default 0.025 */
  double card_link_share;   /* persons with a card link; default 0.5 */
  double support_share;     /* persons under a 支援措置; default 0.003 */
  double suppression_share; /* persons under a 抑止 (some on their household); default 0.002 */
  double seal_share;        /* adult (18+) Japanese residents with a registered seal; default 0.2 */
  const char *office_code; /* 地方公共団体コード, 6 digits; default "131016" (千代田区) */
  const char *municipality; /* 都道府県・市区町村 of the addresses; default "東京都千代田区" */
  const char *today; /* the reference day (YYYY-MM-DD): ages, 処理日, periods; default 2026-04-01 */
  guint batch_size;              /* persons per transaction (whole households); default 5000 */
  MadoSeedProgressFunc progress; /* may be NULL */
  gpointer progress_data;
} MadoSeedOptions;

typedef struct
{
  guint persons;
  guint households;
  guint foreign;          /* 外国人住民 */
  guint support_measures; /* 支援措置 blocks (one person each) */
  guint suppressions;     /* 抑止 blocks (on a person or a household) */
  guint blocks;           /* support_measures + suppressions */
  guint card_links;
  guint seal_registrations; /* 印鑑登録, all registered */
  double seconds;           /* wall-clock time of the whole seed */
} MadoSeedReport;

/* The defaults above; then override what you need. */
void mado_seed_options_init (MadoSeedOptions *options);

/* Makes @options->count persons in @store, committed in batches of whole households
 * (mado_registry_store_run_in_transaction). The store must not hold the seed's numbers yet
 * (CONFLICT otherwise: seed a fresh database). On failure the batches committed before stay.
 * @report (may be NULL) is filled on success. */
gboolean mado_registry_seed (MadoRegistryStore *store, const MadoSeedOptions *options,
                             MadoSeedReport *report, GError **error);

/* The 宛名番号 of the person made @index-th (0-based) by any seed: the numbers are sequential,
 * so a test or benchmark can name a person without reading the store. New string. */
char *mado_seed_atena_number (guint index);

/* Whether the person made @index-th by a seed run with @options got a card link and, if so, the
 * pair it was linked with (issuer key identifier, 20 bytes; serial, big-endian): the same pure
 * function the seed uses, so benchmarks can authenticate as seeded persons. FALSE and nothing
 * set when that person has no link or @index ≥ @options->count. */
gboolean mado_seed_card_link_for (const MadoSeedOptions *options, guint index,
                                  GBytes **key_identifier, GBytes **serial);

/* The 印鑑登録番号 the seed gives the person made @index-th if it registers a seal for them:
 * "IN-" and the nine digits of the 宛名番号's base (its 印鑑登録証番号 is the same with "IC-").
 * Whether it does depends on the person (an adult Japanese resident, drawn at seal_share): find
 * it with mado_registry_store_find_seal_registration(). New string. */
char *mado_seed_seal_registration_number (guint index);

G_END_DECLS
