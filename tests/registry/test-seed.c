/* SPDX-License-Identifier: GPL-3.0-or-later
 * registry/seed: 2,000 synthetic residents in a temp SQLite store — the report's counts against
 * the store, check digits, every person and household valid per the model, households with the
 * 世帯主 first and roles whose ages fit, the shares within tolerance, the card links the pure
 * function names, blocks, seal registrations (adult Japanese residents, a PNG 印影, the share),
 * determinism (same seed → same first persons and seals; another seed → others), and refusals
 * (bad options, a store already seeded).
 */
#include <glib/gstdio.h>

#include "mado-card-link.h"
#include "mado-model-text.h"
#include "mado-registry-store.h"
#include "mado-seed.h"

#define COUNT 2000

typedef struct
{
  char *dir;
  MadoRegistryStore *store;
  MadoSeedOptions options;
  MadoSeedReport report;
} Fixture;

static MadoRegistryStore *
open_store (const char *dir, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dsn = g_strdup_printf ("sqlite:%s/%s", dir, name);
  MadoRegistryStore *store = mado_registry_store_open (dsn, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("mado-seed-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = open_store (f->dir, "registry.db");
  mado_seed_options_init (&f->options);
  f->options.count = COUNT;
  f->options.seed = 20260401;
  f->options.batch_size = 500;
}

static void
remove_dir (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  remove_dir (f->dir);
  g_free (f->dir);
}

static void
seed (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (mado_registry_seed (f->store, &f->options, &f->report, &error));
  g_assert_no_error (error);
}

static MadoPerson *
person_at (MadoRegistryStore *store, guint index)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *atena = mado_seed_atena_number (index);
  MadoPerson *person = mado_registry_store_get_person (store, atena, &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);
  return person;
}

static int
birth_key (const MadoDate *d)
{
  return d->precision == MADO_DATE_DAY ? d->year * 10000 + d->month * 100 + d->day : 0;
}

/* The person's registered seal, or NULL (NOT_FOUND). */
static MadoSealRegistration *
seal_of (MadoRegistryStore *store, const char *atena_number)
{
  g_autoptr (GError) error = NULL;
  MadoSealRegistration *reg
      = mado_registry_store_find_seal_registration (store, atena_number, &error);
  if (reg == NULL)
    g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  return reg;
}

/* Whole years from @birth to @day (both calendar days). */
static int
age_on (const MadoDate *birth, const MadoDate *day)
{
  int age = day->year - birth->year;
  if (day->month < birth->month || (day->month == birth->month && day->day < birth->day))
    age--;
  return age;
}

static void
progress (guint done, guint total, gpointer user_data)
{
  guint *calls = user_data;
  g_assert_cmpuint (done, <=, total);
  (*calls)++;
}

/* Every person valid and numbered; the report's counts are what the store holds. */
static void
test_counts (Fixture *f, gconstpointer data)
{
  g_autoptr (GHashTable) households = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint foreign = 0, linked = 0, progress_calls = 0, partial_dates = 0;
  guint sealed = 0, adult_japanese = 0;
  MadoDate today = { 0 };

  f->options.progress = progress;
  f->options.progress_data = &progress_calls;
  seed (f);
  g_assert_cmpuint (f->report.persons, ==, COUNT);
  g_assert_cmpuint (progress_calls, >=, COUNT / 500);
  g_assert_cmpfloat (f->report.seconds, >, 0.0);
  g_assert_true (mado_date_parse (f->options.today, MADO_DATE_RULE_CALENDAR, TRUE, &today, NULL));

  for (guint i = 0; i < COUNT; i++)
    {
      g_autoptr (MadoPerson) p = person_at (f->store, i);
      g_autoptr (GError) error = NULL;
      g_autofree char *json = NULL;
      g_autoptr (MadoPerson) back = NULL;
      g_autofree char *kojin = NULL;

      g_assert_true (mado_person_validate (p, &error));
      g_assert_no_error (error);
      /* The JSON is the model's: read back strictly, written the same. */
      json = mado_person_to_data (p, NULL);
      back = mado_person_new_from_data (json, -1, &error);
      g_assert_no_error (error);
      g_autofree char *again = mado_person_to_data (back, NULL);
      g_assert_cmpstr (json, ==, again);

      g_assert_true (mado_atena_number_check (p->atena_number, NULL));
      g_assert_true (mado_atena_number_check (p->household_number, NULL));
      g_assert_true (mado_juminhyo_code_check (p->juminhyo_code, NULL));
      g_assert_true (mado_address_code_check (p->address->code, NULL));
      g_assert_true (g_str_has_prefix (p->address->code, "13101"));
      g_assert_cmpint (p->status, ==, MADO_RESIDENT_STATUS_RESIDENT);
      g_assert_nonnull (p->furigana);
      if (i % 97 == 0)
        {
          /* The 個人番号 is stored and valid (the card driver's check digit). */
          g_assert_true (mado_registry_store_read_kojin_bango (
              f->store, p->atena_number, "test-seed", "check digit", 1775000000, &kojin, &error));
          g_assert_no_error (error);
          g_assert_true (mado_kojin_bango_check (kojin, NULL));
        }
      if (p->kind == MADO_RESIDENT_KIND_FOREIGN)
        {
          foreign++;
          g_assert_nonnull (p->foreign);
          g_assert_null (p->honseki);
          if (p->birth_date.precision != MADO_DATE_DAY)
            partial_dates++;
        }
      else
        {
          g_assert_nonnull (p->honseki);
          g_assert_cmpint (p->birth_date.precision, ==, MADO_DATE_DAY);
        }
      if (p->card_link_hash != NULL)
        linked++;
      g_hash_table_add (households, g_strdup (p->household_number));

      /* 印鑑登録: adult Japanese residents only, valid, registered since they were 15. */
      g_autoptr (MadoSealRegistration) reg = seal_of (f->store, p->atena_number);
      gboolean adult
          = p->kind == MADO_RESIDENT_KIND_JAPANESE && age_on (&p->birth_date, &today) >= 18;
      if (adult)
        adult_japanese++;
      if (reg != NULL)
        {
          g_autofree char *number = mado_seed_seal_registration_number (i);
          g_autoptr (GBytes) image = mado_seal_registration_get_image (reg);
          g_autoptr (MadoSealRegistration) by_number = NULL;

          sealed++;
          g_assert_true (adult);
          g_assert_true (mado_seal_registration_validate (reg, &error));
          g_assert_no_error (error);
          g_assert_cmpstr (reg->registration_number, ==, number);
          g_assert_cmpint (reg->status, ==, MADO_SEAL_STATUS_REGISTERED);
          g_assert_nonnull (reg->card_number);
          g_assert_cmpint (age_on (&p->birth_date, &reg->registered_on), >=, 15);
          g_assert_cmpint (age_on (&reg->registered_on, &today), >=, 0); /* not after today */
          g_assert_cmpmem (g_bytes_get_data (image, NULL), 4, "\x89PNG", 4);
          g_assert_cmpuint (g_bytes_get_size (image), <, 1024);
          by_number = mado_registry_store_get_seal_registration (f->store, number, &error);
          g_assert_no_error (error);
          g_assert_cmpstr (by_number->atena_number, ==, p->atena_number);
        }
    }
  g_assert_cmpuint (sealed, ==, f->report.seal_registrations);
  /* 20 % ± 5 % of the adult Japanese residents */
  g_assert_cmpuint (sealed, >=, adult_japanese * 15 / 100);
  g_assert_cmpuint (sealed, <=, adult_japanese * 25 / 100);
  mado_date_clear (&today);
  g_assert_cmpuint (foreign, ==, f->report.foreign);
  g_assert_cmpuint (linked, ==, f->report.card_links);
  g_assert_cmpuint (g_hash_table_size (households), ==, f->report.households);
  g_assert_cmpuint (f->report.blocks, ==, f->report.support_measures + f->report.suppressions);
  g_test_message ("persons %u households %u foreign %u (partial birth dates %u) card links %u "
                  "支援措置 %u 抑止 %u 印鑑登録 %u (of %u adult Japanese residents)",
                  f->report.persons, f->report.households, foreign, partial_dates, linked,
                  f->report.support_measures, f->report.suppressions, sealed, adult_japanese);
}

/* Shares within tolerance of 2,000 persons (wide enough for any seed, narrow enough to catch a
 * wrong distribution). */
static void
test_shares (Fixture *f, gconstpointer data)
{
  guint sizes[8] = { 0 };
  double persons_per_household;

  seed (f);
  persons_per_household = (double)f->report.persons / f->report.households;
  /* 1 ~38 %, 2 ~28 %, 3 ~18 %, 4 ~12 %, 5+ ~4 %: about 2.2 persons per household */
  g_assert_cmpfloat (persons_per_household, >, 2.0);
  g_assert_cmpfloat (persons_per_household, <, 2.45);
  g_assert_cmpuint (f->report.foreign, >=, COUNT * 5 / 1000);    /* 2.5 % ± 2 % */
  g_assert_cmpuint (f->report.foreign, <=, COUNT * 45 / 1000);   /* (by household) */
  g_assert_cmpuint (f->report.card_links, >=, COUNT * 45 / 100); /* 50 % ± 5 % */
  g_assert_cmpuint (f->report.card_links, <=, COUNT * 55 / 100);
  g_assert_cmpuint (f->report.support_measures, <=, 20); /* 0.3 %: 6 expected */
  g_assert_cmpuint (f->report.suppressions, <=, 16);     /* 0.2 %: 4 expected */
  g_assert_cmpuint (f->report.blocks, >=, 1);

  for (guint h = 0; h < f->report.households; h++)
    {
      /* Household numbers are sequential too: 500000001 + h with the check digit. */
      char base[16];
      g_autofree char *number = NULL;
      g_autoptr (MadoHousehold) household = NULL;
      g_autoptr (GError) error = NULL;
      g_snprintf (base, sizeof base, "%09u", 500000001u + h);
      number = mado_atena_number_complete (base);
      household = mado_registry_store_get_household (f->store, number, &error);
      g_assert_no_error (error);
      sizes[MIN (household->members->len, 7u)]++;
    }
  g_test_message ("household sizes 1:%u 2:%u 3:%u 4:%u 5:%u 6:%u 7:%u", sizes[1], sizes[2],
                  sizes[3], sizes[4], sizes[5], sizes[6], sizes[7]);
  g_assert_cmpuint (sizes[0], ==, 0);
  g_assert_cmpfloat ((double)sizes[1] / f->report.households, >, 0.32);
  g_assert_cmpfloat ((double)sizes[1] / f->report.households, <, 0.44);
  g_assert_cmpfloat ((double)sizes[2] / f->report.households, >, 0.22);
  g_assert_cmpfloat ((double)sizes[2] / f->report.households, <, 0.34);
  g_assert_cmpfloat ((double)(sizes[5] + sizes[6] + sizes[7]) / f->report.households, <, 0.08);
}

/* Households: valid per the model, the 世帯主 first, roles whose ages fit. */
static void
test_households (Fixture *f, gconstpointer data)
{
  seed (f);
  for (guint h = 0; h < f->report.households; h++)
    {
      char base[16];
      g_autofree char *number = NULL;
      g_autoptr (MadoHousehold) household = NULL;
      g_autoptr (GError) error = NULL;
      const MadoPerson *head;
      guint spouses = 0;

      g_snprintf (base, sizeof base, "%09u", 500000001u + h);
      number = mado_atena_number_complete (base);
      household = mado_registry_store_get_household (f->store, number, &error);
      g_assert_no_error (error);
      g_assert_true (mado_household_validate (household, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (household->members->len, >=, 1);
      g_assert_cmpuint (household->members->len, <=, 7);
      head = g_ptr_array_index (household->members, 0);
      g_assert_true (head->head);
      g_assert_cmpstr (head->relationship, ==, "世帯主");
      g_assert_true (mado_household_get_head (household) == head);
      for (guint i = 1; i < household->members->len; i++)
        {
          const MadoPerson *m = g_ptr_array_index (household->members, i);
          int head_birth = birth_key (&head->birth_date), birth = birth_key (&m->birth_date);
          g_assert_false (m->head);
          g_assert_true (mado_relationship_is_valid (m->relationship));
          /* Everyone shares the household's kind (foreign households are whole). */
          g_assert_cmpint (m->kind, ==, head->kind);
          if (g_str_has_prefix (m->relationship, "妻") || g_str_has_prefix (m->relationship, "夫"))
            spouses++;
          if (head_birth == 0 || birth == 0)
            continue;
          if (g_str_equal (m->relationship, "子"))
            g_assert_cmpint (birth, >, head_birth + 150000); /* 15 years younger at least */
          if (g_str_equal (m->relationship, "父") || g_str_equal (m->relationship, "母"))
            g_assert_cmpint (birth, <, head_birth - 150000);
        }
      g_assert_cmpuint (spouses, <=, 1);
    }
}

/* The pure function names exactly the links the seed made. */
static void
test_card_links (Fixture *f, gconstpointer data)
{
  g_autoptr (GHashTable) keys
      = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
  guint linked = 0;

  seed (f);
  for (guint i = 0; i < COUNT; i++)
    {
      g_autoptr (GBytes) key = NULL;
      g_autoptr (GBytes) serial = NULL;
      g_autoptr (MadoPerson) p = person_at (f->store, i);

      if (!mado_seed_card_link_for (&f->options, i, &key, &serial))
        {
          g_assert_null (p->card_link_hash);
          continue;
        }
      g_autoptr (GError) error = NULL;
      g_autofree char *found = mado_registry_store_find_card_link (f->store, key, serial, &error);
      g_autofree char *hash = mado_card_link_hash_parts (key, serial);
      g_assert_no_error (error);
      g_assert_cmpstr (found, ==, p->atena_number);
      g_assert_cmpstr (hash, ==, p->card_link_hash);
      g_assert_cmpuint (g_bytes_get_size (key), ==, 20);
      g_hash_table_add (keys, g_bytes_ref (key));
      linked++;
    }
  g_assert_cmpuint (linked, ==, f->report.card_links);
  /* One issuer key per JPKI generation: a few, shared by many persons. */
  g_assert_cmpuint (g_hash_table_size (keys), >=, 2);
  g_assert_cmpuint (g_hash_table_size (keys), <=, 4);
  /* Past the count: no link. */
  g_assert_false (mado_seed_card_link_for (&f->options, COUNT, NULL, NULL));
}

/* Blocks: valid, on seeded persons or households, in force where a 支援措置. */
static void
test_blocks (Fixture *f, gconstpointer data)
{
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  MadoDate today = { 0 };
  guint support = 0;

  f->options.support_share = 0.02; /* enough to see some of each in 2,000 */
  f->options.suppression_share = 0.02;
  seed (f);
  g_assert_true (mado_date_parse (f->options.today, MADO_DATE_RULE_CALENDAR, TRUE, &today, NULL));
  for (guint i = 0; i < COUNT; i++)
    {
      g_autoptr (MadoPerson) p = person_at (f->store, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) blocks = mado_registry_store_list_blocks (f->store, p->atena_number,
                                                                      p->household_number, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < blocks->len; k++)
        {
          const MadoIssuanceBlock *b = g_ptr_array_index (blocks, k);
          g_assert_true (mado_issuance_block_validate (b, NULL));
          if (!g_hash_table_add (ids, g_strdup (b->block_id)))
            continue;
          if (b->kind == MADO_BLOCK_KIND_SUPPORT_MEASURE)
            {
              support++;
              g_assert_true (mado_issuance_block_applies (b, "issuance", &today));
            }
        }
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, f->report.blocks);
  g_assert_cmpuint (support, ==, f->report.support_measures);
  g_assert_cmpuint (f->report.support_measures, >=, 10);
  g_assert_cmpuint (f->report.suppressions, >=, 10);
  mado_date_clear (&today);
}

/* The same seed makes the same persons (whatever the count); another seed others. */
static void
test_determinism (Fixture *f, gconstpointer data)
{
  g_autoptr (MadoRegistryStore) again = open_store (f->dir, "again.db");
  g_autoptr (MadoRegistryStore) other = open_store (f->dir, "other.db");
  g_autoptr (GError) error = NULL;
  MadoSeedOptions options = f->options;
  guint same = 0;

  seed (f);
  options.count = 300;
  options.batch_size = 77;
  g_assert_true (mado_registry_seed (again, &options, NULL, &error));
  g_assert_no_error (error);
  options.seed = f->options.seed + 1;
  g_assert_true (mado_registry_seed (other, &options, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr (MadoPerson) a = person_at (f->store, i);
      g_autoptr (MadoPerson) b = person_at (again, i);
      g_autoptr (MadoPerson) c = person_at (other, i);
      g_autofree char *ja = mado_person_to_data (a, NULL);
      g_autofree char *jb = mado_person_to_data (b, NULL);
      g_autofree char *jc = mado_person_to_data (c, NULL);
      g_autoptr (MadoSealRegistration) sa = seal_of (f->store, a->atena_number);
      g_autoptr (MadoSealRegistration) sb = seal_of (again, b->atena_number);
      g_assert_cmpstr (ja, ==, jb);
      if (g_str_equal (ja, jc))
        same++;
      g_assert_true ((sa == NULL) == (sb == NULL));
      if (sa != NULL)
        {
          g_autofree char *ka = mado_seal_registration_to_data (sa, NULL);
          g_autofree char *kb = mado_seal_registration_to_data (sb, NULL);
          g_assert_cmpstr (ka, ==, kb);
        }
    }
  g_assert_cmpuint (same, <, 5);
}

static void
test_refusals (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  MadoSeedOptions options = f->options;

  options.count = 0;
  g_assert_false (mado_registry_seed (f->store, &options, NULL, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  options = f->options;
  options.foreign_share = 1.5;
  g_assert_false (mado_registry_seed (f->store, &options, NULL, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  options = f->options;
  options.seal_share = -0.1;
  g_assert_false (mado_registry_seed (f->store, &options, NULL, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  options = f->options;
  options.office_code = "991016";
  g_assert_false (mado_registry_seed (f->store, &options, NULL, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  options = f->options;
  options.today = "2026-02-30";
  g_assert_false (mado_registry_seed (f->store, &options, NULL, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);

  /* A seeded store is not seeded again. */
  options = f->options;
  options.count = 10;
  g_assert_true (mado_registry_seed (f->store, &options, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (mado_registry_seed (f->store, &options, NULL, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/registry/seed/counts", test_counts);
  ADD ("/registry/seed/shares", test_shares);
  ADD ("/registry/seed/households", test_households);
  ADD ("/registry/seed/card-links", test_card_links);
  ADD ("/registry/seed/blocks", test_blocks);
  ADD ("/registry/seed/determinism", test_determinism);
  ADD ("/registry/seed/refusals", test_refusals);
  return g_test_run ();
}
