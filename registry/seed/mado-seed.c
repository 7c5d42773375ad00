/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-seed.c — synthetic residents: households planned with GRand (one stream per seed, so the
 * same seed makes the same persons in the same order), numbers and card links from a pure hash
 * of (seed, person index) so that tests can name them without the store. docs/seed.md.
 */
#include "mado-seed.h"

#include <string.h>

#include "mado-card-link.h"
#include "mado-model-text.h"
#include "mado-seed-seals.h"
#include "mado-seed-tables.h"

/* Numbering (docs/seed.md): person i gets 宛名番号 (100000001 + i) with its check digit,
 * household h gets 世帯番号 (500000001 + h) with its check digit. */
#define SEED_FIRST_ATENA 100000001u
#define SEED_FIRST_HOUSEHOLD 500000001u
#define SEED_MAX_COUNT 50000000u
#define SEED_ISSUER_GENERATIONS 4
#define SEED_MAX_MEMBERS 7
#define UNIX_EPOCH_JULIAN 719163 /* GDate's Julian day of 1970-01-01 */

/* 外国人住民 exist in the 住民基本台帳 since 2012-07-09 (改正住基法). */
#define SEED_FOREIGN_START_YEAR 2012
#define SEED_FOREIGN_START_MONTH 7
#define SEED_FOREIGN_START_DAY 9

enum
{
  SALT_CARD = 1,
  SALT_GENERATION,
  SALT_SERIAL,
  SALT_LINKED_AT,
  SALT_JUMINHYO,
  SALT_KOJIN,
  SALT_BLOCK,
  SALT_BLOCK_TARGET,
  SALT_RESIDENCE_CARD,
  SALT_SEAL,
  SALT_SEAL_DAY,
};

/* ---- the pure part: hashes of (seed, index) ------------------------------------------------ */

static guint64
mix64 (guint64 x)
{
  /* splitmix64's finaliser */
  x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return x ^ (x >> 31);
}

static guint64
person_hash (guint64 seed, guint index, guint salt)
{
  return mix64 (mix64 (seed ^ ((guint64)salt << 56)) ^ (guint64)index);
}

/* A uniform double in [0, 1) from 53 bits of @h. */
static double
hash_unit (guint64 h)
{
  return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

void
mado_seed_options_init (MadoSeedOptions *options)
{
  memset (options, 0, sizeof *options);
  options->count = 1000;
  options->seed = 1;
  options->foreign_share = 0.025;
  options->card_link_share = 0.5;
  options->support_share = 0.003;
  options->suppression_share = 0.002;
  options->seal_share = 0.2;
  options->office_code = "131016";
  options->municipality = "東京都千代田区";
  options->today = "2026-04-01";
  options->batch_size = 5000;
}

char *
mado_seed_atena_number (guint index)
{
  char base[16];
  g_snprintf (base, sizeof base, "%09u", SEED_FIRST_ATENA + index);
  return mado_atena_number_complete (base);
}

char *
mado_seed_seal_registration_number (guint index)
{
  return g_strdup_printf ("IN-%09u", SEED_FIRST_ATENA + index);
}

static char *
household_number (guint index)
{
  char base[16];
  g_snprintf (base, sizeof base, "%09u", SEED_FIRST_HOUSEHOLD + index);
  return mado_atena_number_complete (base);
}

/* One issuer key per JPKI generation: SHA-1 over a label, the seed and the generation (20 bytes,
 * the size of a real authority key identifier). */
static GBytes *
issuer_key_identifier (guint64 seed, guint generation)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize length = sizeof digest;
  char label[96];

  g_snprintf (label, sizeof label, "mado-seed issuer %" G_GUINT64_FORMAT " generation %u", seed,
              generation);
  g_checksum_update (sum, (const guchar *)label, -1);
  g_checksum_get_digest (sum, digest, &length);
  return g_bytes_new (digest, length);
}

gboolean
mado_seed_card_link_for (const MadoSeedOptions *options, guint index, GBytes **key_identifier,
                         GBytes **serial)
{
  guint8 bytes[8];
  guint64 h;

  g_return_val_if_fail (options != NULL, FALSE);
  if (index >= options->count
      || hash_unit (person_hash (options->seed, index, SALT_CARD)) >= options->card_link_share)
    return FALSE;
  /* Four random-looking bytes (the first non-zero, below 0x80: a positive DER INTEGER without
   * a sign byte), then the index: unique within the seed. */
  h = person_hash (options->seed, index, SALT_SERIAL);
  bytes[0] = (guint8)(1 + h % 0x7f);
  bytes[1] = (guint8)(h >> 8);
  bytes[2] = (guint8)(h >> 16);
  bytes[3] = (guint8)(h >> 24);
  bytes[4] = (guint8)(index >> 24);
  bytes[5] = (guint8)(index >> 16);
  bytes[6] = (guint8)(index >> 8);
  bytes[7] = (guint8)index;
  if (key_identifier != NULL)
    *key_identifier = issuer_key_identifier (
        options->seed,
        (guint)(person_hash (options->seed, index, SALT_GENERATION) % SEED_ISSUER_GENERATIONS));
  if (serial != NULL)
    *serial = g_bytes_new (bytes, sizeof bytes);
  return TRUE;
}

/* 11 digits from a bijection of the index (an odd multiplier not divisible by 5 is invertible
 * modulo 10^11), so no two persons of a seed share a code. */
static void
eleven_digits (guint64 seed, guint index, guint salt, guint64 multiplier, char out[12])
{
  const guint64 modulus = G_GUINT64_CONSTANT (100000000000);
  guint64 offset = person_hash (seed, 0, salt) % modulus;
  guint64 value = ((guint64)index * multiplier + offset) % modulus;
  g_snprintf (out, 12, "%011" G_GUINT64_FORMAT, value);
}

static char *
juminhyo_code (guint64 seed, guint index)
{
  char digits[12];
  eleven_digits (seed, index, SALT_JUMINHYO, G_GUINT64_CONSTANT (3141592653), digits);
  return g_strdup (digits);
}

/* 個人番号: 11 digits and the one check digit the model (the card driver's rule, 番号法施行令
 * §8) accepts. */
static char *
kojin_bango (guint64 seed, guint index)
{
  char number[13];
  eleven_digits (seed, index, SALT_KOJIN, G_GUINT64_CONSTANT (2718281829), number);
  number[12] = '\0';
  for (char check = '0'; check <= '9'; check++)
    {
      number[11] = check;
      if (mado_kojin_bango_check (number, NULL))
        return g_strdup (number);
    }
  g_return_val_if_reached (NULL);
}

/* 在留カード等番号: AB12345678CD. */
static char *
residence_card_number (guint64 seed, guint index)
{
  guint64 h = person_hash (seed, index, SALT_RESIDENCE_CARD);
  char out[13];

  out[0] = (char)('A' + h % 26);
  out[1] = (char)('A' + (h >> 5) % 26);
  g_snprintf (out + 2, 9, "%08u", (guint)((h >> 10) % 100000000u));
  out[10] = (char)('A' + (h >> 40) % 26);
  out[11] = (char)('A' + (h >> 45) % 26);
  out[12] = '\0';
  return g_strdup (out);
}

/* ---- the seeder ------------------------------------------------------------------------- */

typedef struct
{
  MadoSeedOptions options;
  GRand *rand;
  guint32 today; /* Julian day */
  guint32 foreign_start;
  char address_prefix[6]; /* 都道府県 + 市区町村 of the 住所コード */
  guint town_weights;
  guint nationality_weights;
  guint status_weights;
  guint status_family_weights;
  guint32 surname_cumulative[G_N_ELEMENTS (seed_surnames)];
  char *seal_images[G_N_ELEMENTS (seed_seals)]; /* the 印影 as base64, made once */
  guint next_person;
  guint next_household;
  MadoSeedReport report;
} Seeder;

typedef enum
{
  ROLE_HEAD,
  ROLE_SPOUSE,
  ROLE_CHILD,
  ROLE_FATHER,
  ROLE_MOTHER,
  ROLE_LODGER, /* 同居人 (or 縁故者) */
} Role;

typedef enum
{
  FAMILY_SINGLE,
  FAMILY_COUPLE,        /* 世帯主, spouse, children, maybe parents */
  FAMILY_SINGLE_PARENT, /* 世帯主 and children */
  FAMILY_ELDER_CHILD,   /* an elderly 世帯主 and an adult 子 */
  FAMILY_WITH_MOTHER,   /* 世帯主 and 母 */
  FAMILY_SHARED,        /* unrelated 同居人 */
} FamilyType;

typedef struct
{
  Role role;
  MadoSex sex;
  int age;
  gboolean unmarried_partner; /* 妻（未届）/夫（未届） */
  gboolean twin;              /* born on the day of the member before */
} MemberPlan;

static int
rand_range (Seeder *s, int low, int high_inclusive)
{
  return g_rand_int_range (s->rand, low, high_inclusive + 1);
}

static gboolean
chance (Seeder *s, double p)
{
  return g_rand_double (s->rand) < p;
}

static const SeedName *
pick_name (Seeder *s, const SeedName *table, guint n)
{
  return &table[g_rand_int_range (s->rand, 0, (gint32)n)];
}

/* Surnames follow a Zipf-like law, weight 1/(rank + 10): 佐藤 ~3 % of the table's draws, the
 * last rows (𠮷田) ~0.15 %. */
static const SeedName *
pick_surname (Seeder *s)
{
  guint n = G_N_ELEMENTS (seed_surnames);
  guint32 pick = (guint32)g_rand_int_range (s->rand, 0, (gint32)s->surname_cumulative[n - 1]);
  guint low = 0, high = n - 1;

  while (low < high)
    {
      guint mid = (low + high) / 2;
      if (pick < s->surname_cumulative[mid])
        high = mid;
      else
        low = mid + 1;
    }
  return &seed_surnames[low];
}

static const SeedName *
pick_given (Seeder *s, MadoSex sex, int birth_year)
{
  if (sex == MADO_SEX_MALE)
    {
      if (birth_year < 1960)
        return pick_name (s, seed_male_old, G_N_ELEMENTS (seed_male_old));
      if (birth_year < 1990)
        return pick_name (s, seed_male_mid, G_N_ELEMENTS (seed_male_mid));
      return pick_name (s, seed_male_young, G_N_ELEMENTS (seed_male_young));
    }
  if (birth_year < 1960)
    return pick_name (s, seed_female_old, G_N_ELEMENTS (seed_female_old));
  if (birth_year < 1990)
    return pick_name (s, seed_female_mid, G_N_ELEMENTS (seed_female_mid));
  return pick_name (s, seed_female_young, G_N_ELEMENTS (seed_female_young));
}

static int
julian_year (guint32 julian)
{
  GDate date;
  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  return g_date_get_year (&date);
}

static void
date_from_julian (MadoDate *out, guint32 julian)
{
  GDate date;
  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  out->precision = MADO_DATE_DAY;
  out->year = g_date_get_year (&date);
  out->month = g_date_get_month (&date);
  out->day = g_date_get_day (&date);
  out->qualifier = NULL;
}

/* A birthday that makes the person @age years old today. */
static guint32
birth_for_age (Seeder *s, int age)
{
  GDate date;
  g_date_clear (&date, 1);
  g_date_set_julian (&date, s->today);
  g_date_subtract_years (&date, (guint)age);
  return g_date_get_julian (&date) - (guint32)rand_range (s, 0, 364);
}

/* ---- household composition -------------------------------------------------------------- */

/* The household's size: 1 ~38 %, 2 ~28 %, 3 ~18 %, 4 ~12 %, 5+ ~4 %. */
static guint
plan_size (Seeder *s)
{
  double u = g_rand_double (s->rand);
  if (u < 0.38)
    return 1;
  if (u < 0.66)
    return 2;
  if (u < 0.84)
    return 3;
  if (u < 0.96)
    return 4;
  if (u < 0.988)
    return 5;
  if (u < 0.997)
    return 6;
  return 7;
}

static void
add_member (MemberPlan *m, guint *n, Role role, MadoSex sex, int age)
{
  m[*n].role = role;
  m[*n].sex = sex;
  m[*n].age = CLAMP (age, 0, 104);
  m[*n].unmarried_partner = FALSE;
  m[*n].twin = FALSE;
  (*n)++;
}

/* 世帯主 and spouse; returns the mother's age (for the children). */
static int
add_couple (Seeder *s, MemberPlan *m, guint *n, int head_age)
{
  gboolean male_head = chance (s, 0.9);
  int spouse_age = male_head ? head_age - rand_range (s, -2, 5) : head_age + rand_range (s, -2, 5);

  spouse_age = MAX (spouse_age, 20);
  add_member (m, n, ROLE_HEAD, male_head ? MADO_SEX_MALE : MADO_SEX_FEMALE, head_age);
  add_member (m, n, ROLE_SPOUSE, male_head ? MADO_SEX_FEMALE : MADO_SEX_MALE, spouse_age);
  m[*n - 1].unmarried_partner = chance (s, 0.015);
  return male_head ? spouse_age : head_age;
}

/* Children born to a mother aged 20–38 (the oldest first), one to five years apart; a young
 * mother's children are closer together, twins (gap 0) when they must be. */
static void
add_children (Seeder *s, MemberPlan *m, guint *n, int mother_age, guint count)
{
  int gaps[SEED_MAX_MEMBERS] = { 0 };
  int limit = MAX (mother_age - 20, 0); /* the oldest child's greatest age */
  int span = 0;
  int age;

  for (guint i = 1; i < count; i++)
    span += gaps[i] = rand_range (s, 1, 5);
  while (span > limit)
    {
      guint widest = 1;
      for (guint i = 2; i < count; i++)
        if (gaps[i] > gaps[widest])
          widest = i;
      gaps[widest]--;
      span--;
    }
  age = mother_age - rand_range (s, 24, 38);
  if (age < span)
    {
      int extra = rand_range (s, 0, 2);
      age = MIN (span + extra, limit);
    }
  for (guint i = 0; i < count; i++)
    {
      age -= gaps[i];
      add_member (m, n, ROLE_CHILD, chance (s, 0.512) ? MADO_SEX_MALE : MADO_SEX_FEMALE,
                  MAX (age, 0));
      m[*n - 1].twin = i > 0 && gaps[i] == 0;
    }
}

static FamilyType
plan_household (Seeder *s, guint size, gboolean migrant, MemberPlan *m, guint *n)
{
  double u = g_rand_double (s->rand);
  int age;

  *n = 0;
  if (size == 1 && migrant)
    {
      age = u < 0.85 ? rand_range (s, 19, 39) : rand_range (s, 40, 70);
      add_member (m, n, ROLE_HEAD, chance (s, 0.5) ? MADO_SEX_FEMALE : MADO_SEX_MALE, age);
      return FAMILY_SINGLE;
    }
  if (size == 1)
    {
      if (u < 0.45)
        age = rand_range (s, 20, 39);
      else if (u < 0.67)
        age = rand_range (s, 40, 64);
      else
        age = rand_range (s, 65, 94);
      add_member (m, n, ROLE_HEAD,
                  chance (s, age >= 65 ? 0.62 : 0.45) ? MADO_SEX_FEMALE : MADO_SEX_MALE, age);
      return FAMILY_SINGLE;
    }
  if (migrant && chance (s, 0.3))
    {
      MadoSex sex = chance (s, 0.5) ? MADO_SEX_MALE : MADO_SEX_FEMALE;
      for (guint i = 0; i < size; i++)
        add_member (m, n, i == 0 ? ROLE_HEAD : ROLE_LODGER, sex, rand_range (s, 19, 35));
      return FAMILY_SHARED;
    }
  if (size == 2)
    {
      if (u < 0.62 || (migrant && u >= 0.82))
        {
          add_couple (s, m, n,
                      chance (s, migrant ? 0.8 : 0.3) ? rand_range (s, 24, 49)
                                                      : rand_range (s, 50, 89));
          return FAMILY_COUPLE;
        }
      if (u < 0.82)
        {
          age = rand_range (s, 28, 55);
          add_member (m, n, ROLE_HEAD, chance (s, 0.8) ? MADO_SEX_FEMALE : MADO_SEX_MALE, age);
          add_children (s, m, n, age, 1);
          return FAMILY_SINGLE_PARENT;
        }
      if (u < 0.92)
        {
          age = rand_range (s, 65, 90);
          add_member (m, n, ROLE_HEAD, chance (s, 0.6) ? MADO_SEX_FEMALE : MADO_SEX_MALE, age);
          int child_age = age - rand_range (s, 25, 35);
          add_member (m, n, ROLE_CHILD, chance (s, 0.5) ? MADO_SEX_MALE : MADO_SEX_FEMALE,
                      MAX (child_age, 20));
          return FAMILY_ELDER_CHILD;
        }
      age = rand_range (s, 35, 60);
      add_member (m, n, ROLE_HEAD, chance (s, 0.5) ? MADO_SEX_MALE : MADO_SEX_FEMALE, age);
      add_member (m, n, ROLE_MOTHER, MADO_SEX_FEMALE, age + rand_range (s, 22, 35));
      return FAMILY_WITH_MOTHER;
    }
  if (size == 3 && u < 0.12)
    {
      age = rand_range (s, 30, 52);
      add_member (m, n, ROLE_HEAD, chance (s, 0.85) ? MADO_SEX_FEMALE : MADO_SEX_MALE, age);
      add_children (s, m, n, age, 2);
      return FAMILY_SINGLE_PARENT;
    }
  /* A couple with children, and from 3 persons on sometimes the 世帯主's parents. */
  {
    guint parents = 0;
    int head_age = migrant ? rand_range (s, 26, 50) : rand_range (s, 29, 66);
    int mother_age;

    if (size >= 3 && u > 0.86)
      parents = size >= 6 && chance (s, 0.5) ? 2 : 1;
    mother_age = add_couple (s, m, n, head_age);
    add_children (s, m, n, mother_age, size - 2 - parents);
    if (parents == 2)
      add_member (m, n, ROLE_FATHER, MADO_SEX_MALE, head_age + rand_range (s, 26, 38));
    if (parents >= 1)
      add_member (m, n, ROLE_MOTHER, MADO_SEX_FEMALE, head_age + rand_range (s, 22, 35));
    return FAMILY_COUPLE;
  }
}

/* ---- addresses ---------------------------------------------------------------------------- */

static const char *
kanji_digit (guint n)
{
  static const char *const digits[]
      = { "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九" };
  return digits[n % 10];
}

static MadoAddress *
make_home (Seeder *s, guint size)
{
  MadoAddress *address = mado_address_new ();
  guint pick = (guint)g_rand_int_range (s->rand, 0, (gint32)s->town_weights);
  guint t = 0;
  guint chome = 0;

  while (pick >= seed_towns[t].weight)
    pick -= seed_towns[t++].weight;
  if (seed_towns[t].chome > 0)
    chome = (guint)rand_range (s, 1, (int)seed_towns[t].chome);
  address->code = g_strdup_printf ("%s%03u%03u", s->address_prefix, t + 1, chome);
  address->postal_code = g_strdup (seed_towns[t].postal_code);
  address->municipality = g_strdup (s->options.municipality);
  address->town = g_strconcat (seed_towns[t].name, seed_chome[chome], NULL);
  address->banchi = g_strdup_printf ("%d番%d号", rand_range (s, 1, 24), rand_range (s, 1, 30));
  if (chance (s, size == 1 ? 0.85 : 0.6))
    {
      if (chance (s, 0.65))
        address->katagaki
            = g_strdup_printf ("%s%s%d%02d",
                               seed_building_brands[g_rand_int_range (
                                   s->rand, 0, G_N_ELEMENTS (seed_building_brands))],
                               seed_towns[t].name, rand_range (s, 1, 14), rand_range (s, 1, 12));
      else
        address->katagaki = g_strdup_printf (
            "%s%s%d%02d",
            seed_building_small[g_rand_int_range (s->rand, 0, G_N_ELEMENTS (seed_building_small))],
            pick_surname (s)->written, rand_range (s, 1, 3), rand_range (s, 1, 6));
    }
  return address;
}

static MadoAddress *
make_elsewhere (Seeder *s)
{
  const SeedPlace *place = &seed_places[g_rand_int_range (s->rand, 0, G_N_ELEMENTS (seed_places))];
  MadoAddress *address = mado_address_new ();

  address->municipality = g_strdup (place->municipality);
  address->town
      = g_strdup_printf ("%s%s丁目", place->town, kanji_digit ((guint)rand_range (s, 1, 5)));
  address->banchi = g_strdup_printf ("%d番%d号", rand_range (s, 1, 30), rand_range (s, 1, 25));
  if (chance (s, 0.5))
    address->katagaki = g_strdup_printf (
        "%s%s%d%02d",
        seed_building_small[g_rand_int_range (s->rand, 0, G_N_ELEMENTS (seed_building_small))],
        pick_surname (s)->written, rand_range (s, 1, 4), rand_range (s, 1, 8));
  return address;
}

/* A 本籍 in the city or elsewhere, in 地番 form (「…2番地」). */
static char *
make_honseki_place (Seeder *s)
{
  if (chance (s, 0.35))
    {
      guint t = (guint)g_rand_int_range (s->rand, 0, G_N_ELEMENTS (seed_towns));
      guint chome
          = seed_towns[t].chome > 0 ? (guint)rand_range (s, 1, (int)seed_towns[t].chome) : 0;
      return g_strdup_printf ("%s%s%s%d番地", s->options.municipality, seed_towns[t].name,
                              seed_chome[chome], rand_range (s, 1, 40));
    }
  const SeedPlace *place = &seed_places[g_rand_int_range (s->rand, 0, G_N_ELEMENTS (seed_places))];
  return g_strdup_printf ("%s%s%d番地", place->municipality, place->town, rand_range (s, 1, 2000));
}

/* ---- persons ---------------------------------------------------------------------------- */

/* What is decided about a member before the person is made: the birthday (everyone), and for a
 * Japanese resident the name and 本籍・筆頭者. */
typedef struct
{
  const SeedName *surname;
  const SeedName *given;
  guint32 birth; /* Julian day */
  char *honseki_place;
  char *hittosha;
} MemberFacts;

static char *
full_name (const char *family, const char *given)
{
  return g_strconcat (family, " ", given, NULL);
}

static MadoPerson *
person_new (Seeder *s, guint index, const char *household, const MadoAddress *home,
            const MemberPlan *plan)
{
  MadoPerson *p = mado_person_new ();

  p->atena_number = mado_seed_atena_number (index);
  p->household_number = g_strdup (household);
  p->status = MADO_RESIDENT_STATUS_RESIDENT;
  p->juminhyo_code = juminhyo_code (s->options.seed, index);
  p->kojin_bango = kojin_bango (s->options.seed, index);
  p->sex = plan->sex;
  p->head = plan->role == ROLE_HEAD;
  switch (plan->role)
    {
    case ROLE_HEAD:
      p->relationship = g_strdup ("世帯主");
      break;
    case ROLE_SPOUSE:
      p->relationship
          = g_strdup (plan->sex == MADO_SEX_MALE ? (plan->unmarried_partner ? "夫（未届）" : "夫")
                                                 : (plan->unmarried_partner ? "妻（未届）" : "妻"));
      break;
    case ROLE_CHILD:
      p->relationship = g_strdup ("子");
      break;
    case ROLE_FATHER:
      p->relationship = g_strdup ("父");
      break;
    case ROLE_MOTHER:
      p->relationship = g_strdup ("母");
      break;
    case ROLE_LODGER:
      p->relationship = g_strdup (chance (s, 0.05) ? "縁故者" : "同居人");
      break;
    }
  p->address = mado_address_copy (home);
  return p;
}

/* The 筆頭者 of the 世帯主's parents' 戸籍: the father. */
static char *
father_name (Seeder *s, const SeedName *surname, int child_birth_year)
{
  return full_name (surname->written,
                    pick_given (s, MADO_SEX_MALE, child_birth_year - 30)->written);
}

/* Names and 本籍・筆頭者 of a Japanese household (標準仕様 j120: a couple and their unmarried
 * children share one 戸籍 whose 筆頭者 is usually the husband). */
static void
plan_japanese (Seeder *s, FamilyType type, const MemberPlan *m, guint n, MemberFacts *j)
{
  const SeedName *surname = pick_surname (s);
  g_autofree char *family_place = make_honseki_place (s);
  g_autofree char *family_hittosha = NULL;
  g_autofree char *parents_place = make_honseki_place (s);
  g_autofree char *parents_hittosha = NULL;
  guint father = G_MAXUINT;

  for (guint i = 0; i < n; i++)
    {
      j[i].surname = surname;
      j[i].given = pick_given (s, m[i].sex, julian_year (j[i].birth));
      if ((m[i].role == ROLE_SPOUSE && m[i].unmarried_partner) || m[i].role == ROLE_LODGER)
        j[i].surname = pick_surname (s);
      if (m[i].role == ROLE_FATHER)
        father = i;
    }

  /* Whose name heads the household's 戸籍. */
  for (guint i = 0; i < n && family_hittosha == NULL; i++)
    if ((m[i].role == ROLE_HEAD || (m[i].role == ROLE_SPOUSE && !m[i].unmarried_partner))
        && m[i].sex == MADO_SEX_MALE && type == FAMILY_COUPLE)
      family_hittosha = full_name (j[i].surname->written, j[i].given->written);
  if (family_hittosha == NULL)
    {
      if (type == FAMILY_ELDER_CHILD && m[0].sex == MADO_SEX_FEMALE)
        family_hittosha
            = father_name (s, surname, julian_year (j[0].birth) + 30); /* late husband */
      else
        family_hittosha = full_name (j[0].surname->written, j[0].given->written);
    }
  parents_hittosha = father != G_MAXUINT
                         ? full_name (j[father].surname->written, j[father].given->written)
                         : father_name (s, surname, julian_year (j[0].birth));

  for (guint i = 0; i < n; i++)
    {
      gboolean own = FALSE;
      switch (m[i].role)
        {
        case ROLE_HEAD:
          if (type == FAMILY_SINGLE || type == FAMILY_WITH_MOTHER)
            {
              if (chance (s, 0.5))
                own = TRUE;
              else
                {
                  j[i].honseki_place = g_strdup (parents_place);
                  j[i].hittosha = g_strdup (parents_hittosha);
                }
            }
          else if (type == FAMILY_SHARED)
            own = TRUE;
          break;
        case ROLE_CHILD:
          if (m[i].age >= 30 && chance (s, 0.5))
            own = TRUE;
          break;
        case ROLE_SPOUSE:
          own = m[i].unmarried_partner;
          break;
        case ROLE_LODGER:
          own = TRUE;
          break;
        case ROLE_FATHER:
        case ROLE_MOTHER:
          j[i].honseki_place = g_strdup (parents_place);
          j[i].hittosha = g_strdup (parents_hittosha);
          break;
        }
      if (j[i].honseki_place != NULL)
        continue;
      if (own)
        {
          j[i].honseki_place = make_honseki_place (s);
          j[i].hittosha = full_name (j[i].surname->written, j[i].given->written);
        }
      else
        {
          j[i].honseki_place = g_strdup (family_place);
          j[i].hittosha = g_strdup (family_hittosha);
        }
      if (chance (s, 0.001))
        {
          g_free (j[i].honseki_place);
          g_free (j[i].hittosha);
          j[i].honseki_place = g_strdup ("不明");
          j[i].hittosha = g_strdup ("不明");
        }
    }
}

static const SeedNationality *
pick_nationality (Seeder *s)
{
  guint pick = (guint)g_rand_int_range (s->rand, 0, (gint32)s->nationality_weights);
  guint i = 0;
  while (pick >= seed_nationalities[i].weight)
    pick -= seed_nationalities[i++].weight;
  return &seed_nationalities[i];
}

static const SeedStatus *
pick_status (Seeder *s, gboolean with_family)
{
  guint total = with_family ? s->status_family_weights : s->status_weights;
  guint pick = (guint)g_rand_int_range (s->rand, 0, (gint32)total);
  for (guint i = 0; i < G_N_ELEMENTS (seed_statuses); i++)
    {
      if (with_family && !seed_statuses[i].family)
        continue;
      if (pick < seed_statuses[i].weight)
        return &seed_statuses[i];
      pick -= seed_statuses[i].weight;
    }
  g_return_val_if_reached (&seed_statuses[0]);
}

/* "5年" → days, "4年3月" → days. */
static int
period_days (const char *period)
{
  int years = 0, months = 0;
  const char *p = period;
  int value = 0;
  while (*p != '\0')
    {
      if (g_ascii_isdigit (*p))
        value = value * 10 + (*p++ - '0');
      else if (g_str_has_prefix (p, "年"))
        years = value, value = 0, p += strlen ("年");
      else if (g_str_has_prefix (p, "月"))
        months = value, value = 0, p += strlen ("月");
      else
        p = g_utf8_next_char (p);
    }
  return years * 365 + months * 30;
}

static void
fill_mid_long (Seeder *s, MadoForeignResident *f, const SeedStatus *status, guint index)
{
  const char *period = status->periods[g_rand_int_range (s->rand, 0, 3)];
  /* drawn for every status, so the random stream stays the same length */
  guint32 expires_in
      = (guint32)rand_range (s, 14, MAX (period != NULL ? period_days (period) : 0, 30));
  f->category = MADO_FOREIGN_CATEGORY_MID_LONG_TERM;
  f->status_of_residence = g_strdup (status->status);
  if (period != NULL) /* 永住者: 無期限, neither 在留期間 nor 満了の日 */
    {
      f->period_of_stay = g_strdup (period);
      date_from_julian (&f->period_expires, s->today + expires_in);
    }
  f->card_number = residence_card_number (s->options.seed, index);
}

/* Some foreign residents' 生年月日 are known only in part (標準仕様 j80): month, year, 「頃」, or
 * not at all. */
static void
blur_birth (Seeder *s, MadoDate *birth)
{
  double u = g_rand_double (s->rand);
  if (u < 0.4)
    birth->precision = MADO_DATE_MONTH, birth->day = 0;
  else if (u < 0.7)
    birth->precision = MADO_DATE_YEAR, birth->month = 0, birth->day = 0;
  else if (u < 0.9)
    {
      birth->precision = MADO_DATE_YEAR, birth->month = 0, birth->day = 0;
      birth->qualifier = g_strdup ("頃");
    }
  else
    birth->precision = MADO_DATE_UNKNOWN, birth->year = 0, birth->month = 0, birth->day = 0;
}

/* ---- writing ---------------------------------------------------------------------------- */

static gboolean
record_person (Seeder *s, MadoRegistryStore *store, MadoPerson *person, GError **error)
{
  g_autoptr (MadoHistoryEntry) entry = mado_history_entry_new ();

  /* The seed is a migration into the registry: one 改製 entry per person. */
  entry->atena_number = g_strdup (person->atena_number);
  entry->reason = MADO_MOVE_REASON_ENTRY_REMAKING;
  date_from_julian (&entry->moved_on, s->today);
  date_from_julian (&entry->processed_on, s->today);
  entry->terminal = g_strdup ("seed");
  entry->person = person;
  return mado_registry_store_record_change (store, entry, error) != 0;
}

static gboolean
add_block (Seeder *s, MadoRegistryStore *store, guint index, const char *atena_number,
           const char *household, GError **error)
{
  double u = hash_unit (person_hash (s->options.seed, index, SALT_BLOCK));
  g_autoptr (MadoIssuanceBlock) block = NULL;
  guint32 starts;

  if (u >= s->options.support_share + s->options.suppression_share)
    return TRUE;
  block = mado_issuance_block_new ();
  block->scope = g_new0 (MadoBlockScope, 1);
  if (u < s->options.support_share)
    {
      /* 支援措置 (DV, ストーカー…): one year at a time; issuance and inquiry refused. */
      block->block_id = g_strdup_printf ("seed-sm-%07u", ++s->report.support_measures);
      block->kind = MADO_BLOCK_KIND_SUPPORT_MEASURE;
      block->level = MADO_BLOCK_LEVEL_ERROR;
      block->atena_number = g_strdup (atena_number);
      block->scope->issuance = TRUE;
      block->scope->inquiry = TRUE;
      starts = s->today - (guint32)rand_range (s, 0, 364);
      date_from_julian (&block->starts_on, starts);
      date_from_julian (&block->ends_on, starts + 364);
    }
  else
    {
      /* 抑止: on the person, or now and then on the whole household. */
      block->block_id = g_strdup_printf ("seed-sp-%07u", ++s->report.suppressions);
      block->kind = MADO_BLOCK_KIND_SUPPRESSION;
      block->level = chance (s, 0.6) ? MADO_BLOCK_LEVEL_ERROR : MADO_BLOCK_LEVEL_ALERT;
      if (person_hash (s->options.seed, index, SALT_BLOCK_TARGET) % 5 == 0)
        block->household_number = g_strdup (household);
      else
        block->atena_number = g_strdup (atena_number);
      block->scope->issuance = chance (s, 0.8);
      block->scope->move = chance (s, 0.4);
      block->scope->inquiry
          = !block->scope->issuance && !block->scope->move ? TRUE : chance (s, 0.2);
      starts = s->today - (guint32)rand_range (s, 0, 3 * 365);
      date_from_julian (&block->starts_on, starts);
      if (chance (s, 0.4))
        date_from_julian (&block->ends_on, starts + (guint32)rand_range (s, 30, 730));
      if (chance (s, 0.05))
        date_from_julian (&block->released_until, s->today + (guint32)rand_range (s, 1, 30));
    }
  s->report.blocks++;
  return mado_registry_store_put_block (store, block, error);
}

static guint32
julian_add_years (guint32 julian, guint years)
{
  GDate date;
  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  g_date_add_years (&date, years);
  return g_date_get_julian (&date);
}

/* The 印影 of a surname: the image of its first character, or 「印」 (the last) when none. */
static guint
seal_for_surname (const char *surname)
{
  gsize length = (gsize)(g_utf8_next_char (surname) - surname);
  for (guint i = 0; i + 1 < G_N_ELEMENTS (seed_seals); i++)
    if (strlen (seed_seals[i].character) == length
        && memcmp (seed_seals[i].character, surname, length) == 0)
      return i;
  return G_N_ELEMENTS (seed_seals) - 1;
}

/* 印鑑登録: a share of the adult Japanese residents have a registered seal, from a day since
 * they were 15 and lived here, its 印影 the image of their surname's first character. Drawn from
 * the pure hash, not the household's random stream, so the persons stay what they were. */
static gboolean
add_seal (Seeder *s, MadoRegistryStore *store, guint index, const MemberPlan *plan,
          const MemberFacts *facts, guint32 since, const char *atena_number, GError **error)
{
  g_autoptr (MadoSealRegistration) reg = NULL;
  guint32 first;
  guint64 days;

  if (plan->age < 18
      || hash_unit (person_hash (s->options.seed, index, SALT_SEAL)) >= s->options.seal_share)
    return TRUE;
  first = MIN (MAX (since, julian_add_years (facts->birth, 15)), s->today);
  days = (guint64)(s->today - first) + 1;
  reg = mado_seal_registration_new ();
  reg->registration_number = mado_seed_seal_registration_number (index);
  reg->atena_number = g_strdup (atena_number);
  reg->status = MADO_SEAL_STATUS_REGISTERED;
  date_from_julian (&reg->registered_on,
                    first + (guint32)(person_hash (s->options.seed, index, SALT_SEAL_DAY) % days));
  reg->card_number = g_strdup_printf ("IC-%09u", SEED_FIRST_ATENA + index);
  reg->seal_image_png = g_strdup (s->seal_images[seal_for_surname (facts->surname->written)]);
  if (!mado_registry_store_put_seal_registration (store, reg, error))
    return FALSE;
  s->report.seal_registrations++;
  return TRUE;
}

static gboolean
seed_household (Seeder *s, MadoRegistryStore *store, GError **error)
{
  MemberPlan plan[SEED_MAX_MEMBERS];
  MemberFacts facts[SEED_MAX_MEMBERS] = { 0 };
  MadoPerson *members[SEED_MAX_MEMBERS] = { NULL };
  guint32 since_days[SEED_MAX_MEMBERS] = { 0 }; /* 住民となった年月日, Julian */
  guint planned = plan_size (s);                /* not inside MIN (): it draws */
  guint size = MIN (planned, s->options.count - s->next_person);
  gboolean foreign = chance (s, s->options.foreign_share);
  g_autofree char *number = household_number (s->next_household);
  g_autoptr (MadoAddress) home = NULL;
  g_autoptr (MadoAddress) previous = NULL;
  g_autoptr (MadoHousehold) household = NULL;
  const SeedNationality *nationality = NULL;
  const SeedStatus *head_status = NULL;
  gboolean special_permanent = FALSE;
  guint32 moved_in, moved_within = 0;
  FamilyType type;
  guint n = 0;
  gboolean ok = TRUE;

  if (foreign)
    {
      nationality = pick_nationality (s);
      special_permanent = (guint)rand_range (s, 0, 99) < nationality->special_permanent_share;
    }
  type = plan_household (s, size, foreign && !special_permanent, plan, &n);
  home = make_home (s, n);

  for (guint i = 0; i < n; i++)
    facts[i].birth = plan[i].twin ? facts[i - 1].birth : birth_for_age (s, plan[i].age);
  if (!foreign)
    plan_japanese (s, type, plan, n, facts);
  else if (!special_permanent)
    head_status = pick_status (s, n > 1 && type != FAMILY_SHARED);

  /* When the household came (or the 世帯主 was born here), and a move within the city. */
  if (!foreign && chance (s, 0.15))
    moved_in = facts[0].birth;
  else
    {
      int years = foreign && !special_permanent ? 12 : MAX (MIN (plan[0].age - 18, 45), 1);
      moved_in = s->today - (guint32)rand_range (s, 7, years * 365);
    }
  if (moved_in + 60 < s->today && chance (s, foreign ? 0.1 : 0.25))
    moved_within = moved_in + (guint32)rand_range (s, 30, (int)(s->today - moved_in) - 7);
  if (moved_in > facts[0].birth && chance (s, 0.7))
    previous = foreign && !special_permanent && chance (s, 0.75) ? NULL : make_elsewhere (s);
  if (previous == NULL && foreign && !special_permanent && moved_in > facts[0].birth)
    {
      previous = mado_address_new ();
      previous->municipality = g_strdup (nationality->nationality); /* abroad: the country */
    }

  for (guint i = 0; i < n; i++)
    {
      guint index = s->next_person + i;
      MadoPerson *p = person_new (s, index, number, home, &plan[i]);
      guint32 since = MAX (moved_in, facts[i].birth);
      guint32 latest;

      members[i] = p;
      date_from_julian (&p->birth_date, facts[i].birth);
      if (!foreign)
        {
          p->kind = MADO_RESIDENT_KIND_JAPANESE;
          p->name = full_name (facts[i].surname->written, facts[i].given->written);
          p->furigana = full_name (facts[i].surname->reading, facts[i].given->reading);
          p->furigana_confirmed = chance (s, 0.7);
          p->honseki = g_new0 (MadoHonseki, 1);
          p->honseki->place = g_steal_pointer (&facts[i].honseki_place);
          p->honseki->hittosha = g_steal_pointer (&facts[i].hittosha);
          if (plan[i].role == ROLE_SPOUSE && plan[i].sex == MADO_SEX_FEMALE
              && !plan[i].unmarried_partner && chance (s, 0.03))
            p->former_surname = g_strdup (pick_surname (s)->written); /* 旧氏 */
        }
      else
        {
          MadoForeignResident *f = g_new0 (MadoForeignResident, 1);
          const SeedForeignName *family
              = &nationality->family[i == 0 || plan[i].role == ROLE_CHILD
                                         ? (s->next_household * 7u) % nationality->n_family
                                         : (guint)g_rand_int_range (s->rand, 0,
                                                                    (gint32)nationality->n_family)];
          const SeedForeignName *given
              = plan[i].sex == MADO_SEX_MALE
                    ? &nationality->male[g_rand_int_range (s->rand, 0, (gint32)nationality->n_male)]
                    : &nationality
                           ->female[g_rand_int_range (s->rand, 0, (gint32)nationality->n_female)];
          /* A wife from a country where she keeps her name; otherwise the family's. */
          if (plan[i].role == ROLE_SPOUSE && !nationality->keeps_surname)
            family = &nationality->family[(s->next_household * 7u) % nationality->n_family];

          p->kind = MADO_RESIDENT_KIND_FOREIGN;
          f->alphabet_name = g_strconcat (family->latin, " ", given->latin, NULL);
          p->name = family->kanji != NULL ? full_name (family->kanji, given->kanji)
                                          : g_strdup (f->alphabet_name);
          p->furigana = full_name (family->reading, given->reading);
          p->furigana_confirmed = chance (s, 0.3);
          f->nationality = g_strdup (nationality->nationality);
          if (special_permanent)
            {
              f->category = MADO_FOREIGN_CATEGORY_SPECIAL_PERMANENT;
              f->card_number = residence_card_number (s->options.seed, index);
              if (chance (s, 0.7))
                {
                  /* 通称: a Japanese name in daily use. */
                  const SeedName *t_family = pick_surname (s);
                  const SeedName *t_given
                      = pick_given (s, plan[i].sex, julian_year (facts[i].birth));
                  f->tsusho = full_name (t_family->written, t_given->written);
                  f->tsusho_furigana = full_name (t_family->reading, t_given->reading);
                }
            }
          else if (plan[i].role == ROLE_CHILD && facts[i].birth + 60 > s->today)
            f->category = MADO_FOREIGN_CATEGORY_TRANSITIONAL; /* 出生による経過滞在者 */
          else if (type == FAMILY_SHARED)
            fill_mid_long (s, f, pick_status (s, FALSE), index);
          else if (i == 0 || head_status->dependant == NULL)
            fill_mid_long (s, f, head_status, index);
          else
            {
              SeedStatus dependant = *head_status;
              dependant.status = head_status->dependant;
              if (dependant.periods[0] == NULL) /* a 永住者's family: 永住者の配偶者等, 1–5 years */
                {
                  dependant.periods[0] = "3年";
                  dependant.periods[1] = "1年";
                  dependant.periods[2] = "5年";
                }
              fill_mid_long (s, f, &dependant, index);
            }
          since = MAX (since, s->foreign_start);
          date_from_julian (&f->foreign_resident_since, since);
          if (f->category == MADO_FOREIGN_CATEGORY_MID_LONG_TERM && plan[i].role != ROLE_CHILD
              && chance (s, 0.04))
            blur_birth (s, &p->birth_date);
          p->foreign = f;
        }
      date_from_julian (&p->resident_since, since);
      since_days[i] = since;
      latest = since;
      if (moved_within > since)
        {
          date_from_julian (&p->address_since, moved_within);
          latest = moved_within;
        }
      latest += (guint32)rand_range (s, 0, 13); /* 届出 within 14 days */
      date_from_julian (&p->notified_on, MIN (latest, s->today));
      if (previous != NULL && since == moved_in && moved_in > facts[i].birth)
        p->previous_address = mado_address_copy (previous);
    }

  /* Card links first into the rows (the person carries its link's hash), then the writes. */
  for (guint i = 0; i < n && ok; i++)
    {
      g_autoptr (GBytes) key = NULL;
      g_autoptr (GBytes) serial = NULL;
      if (mado_seed_card_link_for (&s->options, s->next_person + i, &key, &serial))
        members[i]->card_link_hash = mado_card_link_hash_parts (key, serial);
    }
  for (guint i = 0; i < n; i++)
    {
      MadoPerson *p = g_steal_pointer (&members[i]);
      if (ok)
        ok = record_person (s, store, p, error); /* takes p */
      else
        mado_person_free (p);
    }
  if (!ok)
    return FALSE;

  household = mado_household_new ();
  household->household_number = g_strdup (number);
  household->address = g_steal_pointer (&home);
  if (!mado_registry_store_put_household (store, household, error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      guint index = s->next_person + i;
      g_autoptr (GBytes) key = NULL;
      g_autoptr (GBytes) serial = NULL;
      g_autofree char *atena = mado_seed_atena_number (index);
      if (mado_seed_card_link_for (&s->options, index, &key, &serial))
        {
          /* Linked on a day of the last five years (noon UTC). */
          guint32 day
              = s->today
                - (guint32)(person_hash (s->options.seed, index, SALT_LINKED_AT) % (5 * 365));
          gint64 at = ((gint64)day - UNIX_EPOCH_JULIAN) * 86400 + 12 * 3600;
          if (!mado_registry_store_link_card (store, key, serial, atena, at, error))
            return FALSE;
          s->report.card_links++;
        }
      if (!add_block (s, store, index, atena, number, error))
        return FALSE;
      if (!foreign && !add_seal (s, store, index, &plan[i], &facts[i], since_days[i], atena, error))
        return FALSE;
    }
  if (foreign)
    s->report.foreign += n;
  s->report.persons += n;
  s->report.households++;
  s->next_person += n;
  s->next_household++;
  return TRUE;
}

/* ---- the run ------------------------------------------------------------------------------ */

static gboolean
seed_batch (MadoRegistryStore *store, gpointer user_data, GError **error)
{
  Seeder *s = user_data;
  guint target = s->next_person + MIN (s->options.batch_size, s->options.count - s->next_person);

  /* Whole households: the last one may go past the batch, never past the count. */
  while (s->next_person < target)
    if (!seed_household (s, store, error))
      return FALSE;
  return TRUE;
}

static gboolean
invalid_option (GError **error, const char *message)
{
  g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID, "seed options: %s",
               message);
  return FALSE;
}

static gboolean
check_options (const MadoSeedOptions *o, GError **error)
{
  const double shares[] = { o->foreign_share, o->card_link_share, o->support_share,
                            o->suppression_share, o->seal_share };

  if (o->count < 1 || o->count > SEED_MAX_COUNT)
    return invalid_option (error, "count is not 1–50000000");
  for (guint i = 0; i < G_N_ELEMENTS (shares); i++)
    if (!(shares[i] >= 0.0 && shares[i] <= 1.0))
      return invalid_option (error, "a share is not 0–1");
  if (o->support_share + o->suppression_share > 1.0)
    return invalid_option (error, "the block shares add up to more than 1");
  if (o->office_code == NULL || strlen (o->office_code) != 6
      || strspn (o->office_code, "0123456789") != 6 || strncmp (o->office_code, "01", 2) < 0
      || strncmp (o->office_code, "47", 2) > 0)
    return invalid_option (error, "office_code is not a 地方公共団体コード (6 digits)");
  if (o->municipality == NULL || !mado_text_is_valid (o->municipality, 64))
    return invalid_option (error, "municipality is not text of 1–64 characters");
  if (o->batch_size < 1)
    return invalid_option (error, "batch_size is 0");
  return TRUE;
}

gboolean
mado_registry_seed (MadoRegistryStore *store, const MadoSeedOptions *options,
                    MadoSeedReport *report, GError **error)
{
  Seeder s = { 0 };
  g_autoptr (GError) local = NULL;
  g_autoptr (MadoPerson) existing = NULL;
  g_autofree char *first = NULL;
  MadoDate today = { 0 };
  guint32 seed_words[2];
  gint64 started = g_get_monotonic_time ();
  GDate date;
  gboolean ok = TRUE;

  g_return_val_if_fail (MADO_IS_REGISTRY_STORE (store), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  if (!check_options (options, error))
    return FALSE;
  if (options->today == NULL
      || !mado_date_parse (options->today, MADO_DATE_RULE_CALENDAR, TRUE, &today, NULL))
    return invalid_option (error, "today is not a calendar date YYYY-MM-DD");

  /* A seed goes into a fresh database: its numbers must be free. */
  first = mado_seed_atena_number (0);
  existing = mado_registry_store_get_person (store, first, &local);
  if (existing != NULL)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT,
                   "the store already holds the seed's 宛名番号: seed a fresh database");
      return FALSE;
    }
  if (!g_error_matches (local, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  s.options = *options;
  seed_words[0] = (guint32)options->seed;
  seed_words[1] = (guint32)(options->seed >> 32);
  s.rand = g_rand_new_with_seed_array (seed_words, 2);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay)today.day, (GDateMonth)today.month, (GDateYear)today.year);
  s.today = g_date_get_julian (&date);
  g_date_set_dmy (&date, SEED_FOREIGN_START_DAY, SEED_FOREIGN_START_MONTH, SEED_FOREIGN_START_YEAR);
  s.foreign_start = g_date_get_julian (&date);
  memcpy (s.address_prefix, options->office_code, 5);
  s.address_prefix[5] = '\0';
  for (guint i = 0; i < G_N_ELEMENTS (seed_surnames); i++)
    s.surname_cumulative[i] = (i > 0 ? s.surname_cumulative[i - 1] : 0) + 1000000u / (i + 10);
  for (guint i = 0; i < G_N_ELEMENTS (seed_seals); i++)
    s.seal_images[i] = g_base64_encode (seed_seals[i].png, seed_seals[i].length);
  for (guint i = 0; i < G_N_ELEMENTS (seed_towns); i++)
    s.town_weights += seed_towns[i].weight;
  for (guint i = 0; i < G_N_ELEMENTS (seed_nationalities); i++)
    s.nationality_weights += seed_nationalities[i].weight;
  for (guint i = 0; i < G_N_ELEMENTS (seed_statuses); i++)
    {
      s.status_weights += seed_statuses[i].weight;
      if (seed_statuses[i].family)
        s.status_family_weights += seed_statuses[i].weight;
    }

  while (ok && s.next_person < options->count)
    {
      ok = mado_registry_store_run_in_transaction (store, seed_batch, &s, error);
      if (ok && options->progress != NULL)
        options->progress (s.next_person, options->count, options->progress_data);
    }
  g_rand_free (s.rand);
  for (guint i = 0; i < G_N_ELEMENTS (seed_seals); i++)
    g_free (s.seal_images[i]);
  mado_date_clear (&today);
  if (!ok)
    return FALSE;
  s.report.seconds = (double)(g_get_monotonic_time () - started) / G_USEC_PER_SEC;
  if (report != NULL)
    *report = s.report;
  return TRUE;
}
