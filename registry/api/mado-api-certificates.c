/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-api-certificates.c — certificates: what a person may have and for how much, issuance as
 * a transaction (reserved, one 発行番号 per copy → printed, or voided with the reason; a voided
 * number is never reused and keeps no fee), the finished PDF (rendered here with print/ and the
 * office key, which never leaves the registry), and the public lookup of a paper's digest.
 *
 *   GET  /v1/certificates/options[?atena_number=]   identity session, or a clerk for a person
 *   POST /v1/certificates/issuances                 idempotent {kind, copies, options, layout,
 *                                                   subjects?, atena_number? (clerk)}
 *   GET  /v1/issuances/{n}                          the terminal that reserved it, or a console
 *   GET  /v1/issuances/{n}/document                 application/pdf
 *   POST /v1/issuances/{n}/printed                  idempotent {at?}
 *   POST /v1/issuances/{n}/void                     idempotent {reason, at?}
 *   GET  /v1/public/issuances/{n}?digest=HEX        public: status and whether the digest matches
 */
#define G_LOG_DOMAIN "mado-registry"

#include <glib/gstdio.h>
#include <string.h>

#include "mado-api-private.h"
#include "mado-canonical-json.h"
#include "mado-document.h"

typedef struct
{
  MadoCertificateKind kind;
  const char *name;
  const char *title;
} KindInfo;

static const KindInfo kinds[] = {
  { MADO_CERTIFICATE_JUMINHYO, "juminhyo", "住民票の写し" },
  { MADO_CERTIFICATE_KISAI_JIKO, "kisai_jiko", "住民票記載事項証明書" },
  { MADO_CERTIFICATE_INKAN, "inkan", "印鑑登録証明書" },
};

static guint
fee_for (MadoRegistryApi *api, MadoCertificateKind kind)
{
  switch (kind)
    {
    case MADO_CERTIFICATE_JUMINHYO:
      return api->options.fee_juminhyo;
    case MADO_CERTIFICATE_KISAI_JIKO:
      return api->options.fee_kisai_jiko;
    case MADO_CERTIFICATE_INKAN:
      return api->options.fee_inkan;
    }
  return 0;
}

static gboolean
is_kiosk (MadoApiCall *call)
{
  return g_strcmp0 (call->terminal->kind, "kiosk") == 0;
}

/* The person asking: the identity session's, or the one a clerk names. */
static const char *
requester_of (MadoApiCall *call, JsonObject *body)
{
  if (call->session != NULL && g_strcmp0 (call->session->kind, "identity") == 0)
    return call->session->subject;
  if (call->operator_ != NULL)
    {
      const char *atena = body != NULL ? mado_api_member_string (body, "atena_number") : NULL;
      return atena;
    }
  return NULL;
}

/* The card link stored with the requester: an identity session was opened by finding it, so
 * it is the session's; at the counter, the one stored with the person (if any). */
static const char *
card_link_of (MadoApiCall *call, const MadoPerson *person)
{
  if (call->session != NULL && g_strcmp0 (call->session->kind, "identity") == 0
      && g_strcmp0 (call->session->subject, person->atena_number) == 0)
    return call->session->card_link;
  return person->card_link_hash;
}

/* Whether @birth makes the person younger than @years on @today (unknown parts count young). */
static gboolean
younger_than (const MadoDate *birth, guint years, GDateTime *today)
{
  if (birth->precision < MADO_DATE_YEAR)
    return TRUE;
  int y = g_date_time_get_year (today), m = g_date_time_get_month (today),
      d = g_date_time_get_day_of_month (today);
  int bm = birth->precision >= MADO_DATE_MONTH ? birth->month : 12;
  int bd = birth->precision >= MADO_DATE_DAY ? birth->day : 31;
  int age = y - birth->year - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
  return age < (int)years;
}

typedef struct
{
  const char *code;    /* "" when eligible */
  const char *message; /* for the resident (Japanese) */
} Refusal;

/* The reasons a person may not have @kind here, in the order a resident should hear them. */
static Refusal
eligibility (MadoApiCall *call, MadoPerson *person, MadoCertificateKind kind, GError **error)
{
  g_autoptr (GDateTime) today = mado_api_local_time (call->now);
  MadoDate date = { MADO_DATE_DAY, g_date_time_get_year (today), g_date_time_get_month (today),
                    g_date_time_get_day_of_month (today), NULL };

  if (person->status != MADO_RESIDENT_STATUS_RESIDENT)
    return (Refusal){ "certificate.moved-out",
                      "転出などで住民票が消除されています。窓口でお申し込みください。" };
  g_autoptr (GPtrArray) blocks = mado_registry_store_list_blocks (call->store, person->atena_number,
                                                                  person->household_number, error);
  if (blocks == NULL)
    return (Refusal){ "internal", "" };
  for (guint i = 0; i < blocks->len; i++)
    if (mado_issuance_block_applies (g_ptr_array_index (blocks, i), "issuance", &date))
      return (Refusal){ "certificate.blocked",
                        "この証明書は端末では発行できません。窓口でご相談ください。" };
  if (is_kiosk (call)
      && younger_than (&person->birth_date, call->api->options.kiosk_min_age, today))
    return (Refusal){ "certificate.age",
                      "15歳未満の方は端末では発行できません。窓口でお申し込みください。" };
  if (kind == MADO_CERTIFICATE_INKAN)
    {
      g_autoptr (GError) local = NULL;
      g_autoptr (MadoSealRegistration) seal
          = mado_registry_store_find_seal_registration (call->store, person->atena_number, &local);
      if (seal == NULL
          && !g_error_matches (local, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return (Refusal){ "internal", "" };
        }
      if (seal == NULL)
        return (Refusal){ "certificate.no-seal-registration",
                          "印鑑登録がありません。窓口でお申し込みください。" };
    }
  return (Refusal){ "", "" };
}

static void
add_date (JsonBuilder *b, const char *name, const MadoDate *date)
{
  if (date->precision == MADO_DATE_ABSENT)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_value (b, mado_date_to_json (date));
}

static char *
address_text (const MadoAddress *a)
{
  if (a == NULL)
    return NULL;
  return g_strconcat (a->municipality != NULL ? a->municipality : "",
                      a->town != NULL ? a->town : "", a->banchi != NULL ? a->banchi : "", NULL);
}

typedef struct
{
  MadoCertificateKind kind;
  gboolean kojin_layout;
  MadoCertificateOptions options;
  guint copies;
  GPtrArray *subjects; /* char * 宛名番号 */
  char *purpose;
} IssuanceAsk;

static void
issuance_ask_clear (IssuanceAsk *ask)
{
  g_clear_pointer (&ask->subjects, g_ptr_array_unref);
  g_clear_pointer (&ask->purpose, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IssuanceAsk, issuance_ask_clear)

/* The 印鑑登録証明書's own part (docs/documents.md "inkan"): the registration, the person and
 * the registered 印影. */
static gboolean
add_inkan (MadoApiCall *call, JsonBuilder *b, MadoHousehold *household, const char *requester,
           GError **error)
{
  g_autoptr (MadoSealRegistration) seal
      = mado_registry_store_find_seal_registration (call->store, requester, error);
  if (seal == NULL)
    return FALSE;
  MadoPerson *p = NULL;
  for (guint i = 0; i < household->members->len; i++)
    if (g_strcmp0 (((MadoPerson *)g_ptr_array_index (household->members, i))->atena_number,
                   requester)
        == 0)
      p = g_ptr_array_index (household->members, i);
  if (p == NULL)
    {
      g_set_error_literal (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND,
                           "the requester is not in the household");
      return FALSE;
    }
  json_builder_set_member_name (b, "registration_number");
  json_builder_add_string_value (b, seal->registration_number);
  json_builder_set_member_name (b, "person");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, p->name);
  if (p->furigana != NULL)
    {
      json_builder_set_member_name (b, "furigana");
      json_builder_add_string_value (b, p->furigana);
    }
  json_builder_set_member_name (b, "birth_date");
  json_builder_add_value (b, mado_date_to_json (&p->birth_date));
  json_builder_set_member_name (b, "sex");
  json_builder_add_string_value (b, p->sex == MADO_SEX_MALE ? "male" : "female");
  if (p->kind == MADO_RESIDENT_KIND_FOREIGN)
    {
      json_builder_set_member_name (b, "foreign");
      json_builder_add_boolean_value (b, TRUE);
    }
  g_autofree char *address = address_text (household->address);
  json_builder_set_member_name (b, "address");
  json_builder_add_string_value (b, address);
  if (household->address != NULL && household->address->katagaki != NULL)
    {
      json_builder_set_member_name (b, "katagaki");
      json_builder_add_string_value (b, household->address->katagaki);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "seal_image");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "png_base64");
  json_builder_add_string_value (b, seal->seal_image_png);
  json_builder_end_object (b);
  return TRUE;
}

/* The document (docs/documents.md) for @ask, copies given later. Reads the 個人番号 of each
 * subject when asked (each read logged with @why). */
static JsonNode *
build_document (MadoApiCall *call, const IssuanceAsk *ask, MadoHousehold *household,
                const char *card_link, const char *why, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *day = mado_api_day (call->now);
  json_builder_begin_object (b);
  if (call->api->options.test_mode)
    {
      json_builder_set_member_name (b, "test_mode");
      json_builder_add_boolean_value (b, TRUE);
    }
  json_builder_set_member_name (b, "office");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, call->api->office_code);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, call->api->office_name);
  json_builder_set_member_name (b, "mayor");
  json_builder_add_string_value (b, call->api->mayor);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "date");
  json_builder_add_string_value (b, day);
  json_builder_set_member_name (b, "copies");
  json_builder_begin_array (b);
  json_builder_end_array (b);
  if (card_link != NULL)
    {
      json_builder_set_member_name (b, "card_link_hash");
      json_builder_add_string_value (b, card_link);
    }
  if (ask->kind == MADO_CERTIFICATE_INKAN)
    {
      if (!add_inkan (call, b, household, g_ptr_array_index (ask->subjects, 0), error))
        return NULL;
      json_builder_end_object (b);
      return json_builder_get_root (b);
    }
  if (ask->kind == MADO_CERTIFICATE_JUMINHYO)
    {
      json_builder_set_member_name (b, "layout");
      json_builder_add_string_value (b, ask->kojin_layout ? "kojin" : "setai");
    }
  else if (ask->purpose != NULL)
    {
      json_builder_set_member_name (b, "purpose");
      json_builder_add_string_value (b, ask->purpose);
    }
  const MadoCertificateOptions *o = &ask->options;
  json_builder_set_member_name (b, "options");
  json_builder_begin_object (b);
  const struct
  {
    const char *name;
    gboolean value;
  } flags[] = {
    { "setai_nushi_zokugara", o->setai_nushi_zokugara },
    { "honseki_hittosha", o->honseki_hittosha },
    { "juminhyo_code", o->juminhyo_code },
    { "kojin_bango", o->kojin_bango },
    { "furigana", o->furigana },
  };
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      json_builder_set_member_name (b, flags[i].name);
      json_builder_add_boolean_value (b, flags[i].value);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "household");
  json_builder_begin_object (b);
  g_autofree char *address = address_text (household->address);
  json_builder_set_member_name (b, "address");
  json_builder_add_string_value (b, address);
  if (household->address != NULL && household->address->katagaki != NULL)
    {
      json_builder_set_member_name (b, "katagaki");
      json_builder_add_string_value (b, household->address->katagaki);
    }
  MadoPerson *head = mado_household_get_head (household);
  if (o->setai_nushi_zokugara && head != NULL)
    {
      json_builder_set_member_name (b, "head_name");
      json_builder_add_string_value (b, head->name);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "persons");
  json_builder_begin_array (b);
  for (guint i = 0; i < household->members->len; i++)
    {
      MadoPerson *p = g_ptr_array_index (household->members, i);
      if (!g_ptr_array_find_with_equal_func (ask->subjects, p->atena_number, g_str_equal, NULL))
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, p->name);
      if (o->furigana && p->furigana != NULL)
        {
          json_builder_set_member_name (b, "furigana");
          json_builder_add_string_value (b, p->furigana);
        }
      json_builder_set_member_name (b, "birth_date");
      json_builder_add_value (b, mado_date_to_json (&p->birth_date));
      json_builder_set_member_name (b, "sex");
      json_builder_add_string_value (b, p->sex == MADO_SEX_MALE ? "male" : "female");
      if (p->kind == MADO_RESIDENT_KIND_FOREIGN)
        {
          json_builder_set_member_name (b, "foreign");
          json_builder_add_boolean_value (b, TRUE);
        }
      if (o->setai_nushi_zokugara)
        {
          json_builder_set_member_name (b, "relationship");
          json_builder_add_string_value (b, p->relationship != NULL ? p->relationship : "");
        }
      json_builder_set_member_name (b, "resident_since");
      json_builder_add_value (b, mado_date_to_json (&p->resident_since));
      add_date (b, "address_since", &p->address_since);
      add_date (b, "notified_on", &p->notified_on);
      g_autofree char *previous = address_text (p->previous_address);
      if (previous != NULL && *previous != '\0')
        {
          json_builder_set_member_name (b, "previous_address");
          json_builder_add_string_value (b, previous);
        }
      if (o->honseki_hittosha)
        {
          json_builder_set_member_name (b, "honseki");
          json_builder_add_string_value (
              b, p->honseki != NULL && p->honseki->place != NULL ? p->honseki->place : "なし");
          json_builder_set_member_name (b, "hittosha");
          json_builder_add_string_value (b, p->honseki != NULL && p->honseki->hittosha != NULL
                                                ? p->honseki->hittosha
                                                : "なし");
        }
      if (o->juminhyo_code && p->juminhyo_code == NULL)
        {
          mado_api_fail (
              call, error, 422, "certificate.item-missing",
              "記載を希望された項目が登録されていない方がいます。窓口でお申し込みください。");
          return NULL;
        }
      if (o->juminhyo_code)
        {
          json_builder_set_member_name (b, "juminhyo_code");
          json_builder_add_string_value (b, p->juminhyo_code);
        }
      if (o->kojin_bango)
        {
          g_autofree char *who = g_strdup_printf ("terminal:%s", call->terminal->terminal_id);
          g_autofree char *number = NULL;
          if (!mado_registry_store_read_kojin_bango (call->store, p->atena_number, who, why,
                                                     call->now, &number, error))
            return NULL;
          if (number == NULL)
            {
              mado_api_fail (
                  call, error, 422, "certificate.item-missing",
                  "記載を希望された項目が登録されていない方がいます。窓口でお申し込みください。");
              return NULL;
            }
          json_builder_set_member_name (b, "kojin_bango");
          json_builder_add_string_value (b, number);
          explicit_bzero (number, strlen (number));
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
parse_kind (MadoApiCall *call, JsonObject *o, IssuanceAsk *ask, GError **error)
{
  const char *kind = mado_api_member_string (o, "kind");
  gboolean found = FALSE;
  for (guint i = 0; kind != NULL && i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (kind, kinds[i].name) == 0)
      {
        ask->kind = kinds[i].kind;
        found = TRUE;
      }
  if (!found)
    {
      mado_api_fail (call, error, 400, "api.invalid", "kind must be juminhyo, kisai_jiko or inkan");
      return FALSE;
    }
  return TRUE;
}

/* Parses the rest of the request into @ask; FALSE with the refusal set on @call. */
static gboolean
parse_ask (MadoApiCall *call, JsonObject *o, MadoHousehold *household, const char *requester,
           IssuanceAsk *ask, GError **error)
{
  JsonNode *copies = json_object_get_member (o, "copies");
  gint64 n = copies != NULL && JSON_NODE_HOLDS_VALUE (copies)
                     && json_node_get_value_type (copies) == G_TYPE_INT64
                 ? json_node_get_int (copies)
                 : 0;
  if (n < 1 || n > call->api->options.max_copies)
    {
      mado_api_fail (call, error, 400, "api.invalid", "copies must be an integer from 1 to 10");
      return FALSE;
    }
  ask->copies = (guint)n;
  const char *layout = mado_api_member_string (o, "layout");
  ask->kojin_layout = layout != NULL && strcmp (layout, "kojin") == 0;
  if (layout != NULL && !ask->kojin_layout && strcmp (layout, "setai") != 0)
    {
      mado_api_fail (call, error, 400, "api.invalid", "layout must be setai or kojin");
      return FALSE;
    }
  const char *purpose = mado_api_member_string (o, "purpose");
  ask->purpose = g_strdup (purpose);
  JsonNode *opts = json_object_get_member (o, "options");
  if (ask->kind != MADO_CERTIFICATE_INKAN)
    {
      if (opts == NULL || !JSON_NODE_HOLDS_OBJECT (opts))
        {
          mado_api_fail (call, error, 400, "api.invalid", "options must be an object");
          return FALSE;
        }
      JsonObject *oo = json_node_get_object (opts);
      gboolean *fields[]
          = { &ask->options.setai_nushi_zokugara, &ask->options.honseki_hittosha,
              &ask->options.juminhyo_code, &ask->options.kojin_bango, &ask->options.furigana };
      const char *names[] = { "setai_nushi_zokugara", "honseki_hittosha", "juminhyo_code",
                              "kojin_bango", "furigana" };
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          JsonNode *v = json_object_get_member (oo, names[i]);
          if (v == NULL || !JSON_NODE_HOLDS_VALUE (v)
              || json_node_get_value_type (v) != G_TYPE_BOOLEAN)
            {
              mado_api_fail (call, error, 400, "api.invalid",
                             "every option must be given as true or false");
              return FALSE;
            }
          *fields[i] = json_node_get_boolean (v);
        }
      if (ask->options.juminhyo_code && is_kiosk (call))
        {
          mado_api_fail (call, error, 403, "certificate.channel",
                         "住民票コードの記載は窓口でお申し込みください。");
          return FALSE;
        }
    }
  ask->subjects = g_ptr_array_new_with_free_func (g_free);
  JsonNode *subjects = json_object_get_member (o, "subjects");
  if (subjects != NULL && JSON_NODE_HOLDS_ARRAY (subjects))
    {
      JsonArray *arr = json_node_get_array (subjects);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *e = json_array_get_element (arr, i);
          if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
            {
              mado_api_fail (call, error, 400, "api.invalid", "subjects must be 宛名番号 strings");
              return FALSE;
            }
          g_ptr_array_add (ask->subjects, g_strdup (json_node_get_string (e)));
        }
    }
  else if (subjects != NULL)
    {
      mado_api_fail (call, error, 400, "api.invalid", "subjects must be an array");
      return FALSE;
    }
  else if (ask->kojin_layout || ask->kind == MADO_CERTIFICATE_INKAN)
    g_ptr_array_add (ask->subjects, g_strdup (requester));
  else
    for (guint i = 0; i < household->members->len; i++)
      g_ptr_array_add (
          ask->subjects,
          g_strdup (((MadoPerson *)g_ptr_array_index (household->members, i))->atena_number));
  /* Every subject is in the household, and the requester is one of them (the QR's card link
   * is the requester's, who must appear in the document). */
  if (ask->subjects->len == 0
      || !g_ptr_array_find_with_equal_func (ask->subjects, requester, g_str_equal, NULL))
    {
      mado_api_fail (call, error, 400, "certificate.requester-absent",
                     "証明書には申請されたご本人が記載されている必要があります。");
      return FALSE;
    }
  for (guint i = 0; i < ask->subjects->len; i++)
    {
      gboolean member = FALSE;
      for (guint j = 0; j < household->members->len; j++)
        member
            = member
              || g_strcmp0 (((MadoPerson *)g_ptr_array_index (household->members, j))->atena_number,
                            g_ptr_array_index (ask->subjects, i))
                     == 0;
      if (!member)
        {
          mado_api_fail (call, error, 403, "certificate.not-in-household",
                         "同じ世帯の方の証明書のみ発行できます。窓口でお申し込みください。");
          return FALSE;
        }
    }
  return TRUE;
}

static JsonNode *
issuance_summary (GPtrArray *issuances, const char *digest)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  guint total = 0;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "issuances");
  json_builder_begin_array (b);
  for (guint i = 0; i < issuances->len; i++)
    {
      MadoIssuance *is = g_ptr_array_index (issuances, i);
      json_builder_add_value (b, mado_issuance_to_json (is));
      total += is->fee;
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "total_fee");
  json_builder_add_int_value (b, total);
  json_builder_set_member_name (b, "digest");
  json_builder_add_string_value (b, digest);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
write_issuance (MadoApiCall *call, guint *status, JsonNode **answer, gpointer user_data,
                GError **error)
{
  (void)user_data;
  JsonObject *o = json_node_get_object (call->body);
  const char *requester = requester_of (call, o);
  if (requester == NULL)
    {
      mado_api_fail (call, error, 400, "api.invalid", "atena_number is required");
      return FALSE;
    }
  g_autoptr (MadoPerson) person = mado_registry_store_get_person (call->store, requester, error);
  if (person == NULL)
    return FALSE;
  g_autoptr (MadoHousehold) household
      = mado_registry_store_get_household (call->store, person->household_number, error);
  if (household == NULL)
    return FALSE;
  g_auto (IssuanceAsk) ask = { 0 };
  if (!parse_kind (call, o, &ask, error))
    return FALSE;
  /* Eligibility first: its reasons are the ones a resident must hear. */
  Refusal refusal = eligibility (call, person, ask.kind, error);
  if (strcmp (refusal.code, "internal") == 0)
    return FALSE;
  if (*refusal.code != '\0')
    {
      mado_api_fail (call, error, 403, refusal.code, refusal.message);
      return FALSE;
    }
  if (!parse_ask (call, o, household, requester, &ask, error))
    return FALSE;

  /* Reserve: one 発行番号 per copy, from the registry-wide counter. */
  g_autoptr (MadoIssuance) request = g_new0 (MadoIssuance, 1);
  request->kind = ask.kind;
  request->channel = is_kiosk (call) ? MADO_CHANNEL_KIOSK : MADO_CHANNEL_COUNTER;
  request->terminal = g_strdup (call->terminal->terminal_id);
  request->requester = g_strdup (requester);
  request->subjects = g_ptr_array_ref (ask.subjects);
  if (ask.kind != MADO_CERTIFICATE_INKAN)
    request->options = g_memdup2 (&ask.options, sizeof ask.options);
  request->copies = ask.copies;
  request->fee = fee_for (call->api, ask.kind);
  request->reserved_at = mado_api_rfc3339 (call->now);
  g_autoptr (GPtrArray) issued
      = mado_registry_store_reserve_issuances (call->store, request, call->api->office_code, error);
  if (issued == NULL)
    return FALSE;

  /* The document: the card link stored with the requester goes into every QR. */
  g_autofree char *why
      = g_strdup_printf ("%s の交付 (%s)", kinds[ask.kind].title,
                         ((MadoIssuance *)g_ptr_array_index (issued, 0))->issue_number);
  g_autoptr (JsonNode) doc_node
      = build_document (call, &ask, household, card_link_of (call, person), why, error);
  if (doc_node == NULL)
    return FALSE;
  JsonArray *copies = json_object_get_array_member (json_node_get_object (doc_node), "copies");
  for (guint i = 0; i < issued->len; i++)
    {
      JsonObject *c = json_object_new ();
      json_object_set_string_member (c, "issue_number",
                                     ((MadoIssuance *)g_ptr_array_index (issued, i))->issue_number);
      json_array_add_object_element (copies, c);
    }
  /* Characters no configured font holds (外字 not yet resolved) refuse here, before payment. */
  g_autoptr (GError) doc_error = NULL;
  g_autoptr (MadoDocument) doc = mado_document_new (
      kinds[ask.kind].kind == MADO_CERTIFICATE_JUMINHYO ? MADO_DOCUMENT_JUMINHYO
      : ask.kind == MADO_CERTIFICATE_KISAI_JIKO         ? MADO_DOCUMENT_KISAI_JIKO
                                                        : MADO_DOCUMENT_INKAN,
      doc_node, &doc_error);
  if (doc == NULL)
    {
      g_warning ("document refused: %s", doc_error->message);
      mado_api_fail (call, error, 500, "certificate.document",
                     "証明書を作成できませんでした。窓口でお申し込みください。");
      return FALSE;
    }
  g_mutex_lock (&call->api->render_lock);
  gboolean chars_ok = mado_renderer_check_characters (call->api->renderer, doc, &doc_error);
  g_mutex_unlock (&call->api->render_lock);
  if (!chars_ok)
    {
      mado_api_fail (call, error, 422, "certificate.unresolved-character",
                     "お名前などに端末で印刷できない文字があります。窓口でお申し込みください。");
      return FALSE;
    }
  /* The digest the QR carries (print/: SHA-256 of the canonical form), in hex. */
  g_autoptr (GBytes) canonical = mado_canonical_json (doc_node);
  g_autofree char *digest_hex = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, canonical);
  g_autofree char *doc_text = json_to_string (doc_node, FALSE);
  for (guint i = 0; i < issued->len; i++)
    if (!mado_registry_store_set_issuance_document (
            call->store, ((MadoIssuance *)g_ptr_array_index (issued, i))->issue_number, digest_hex,
            doc_text, error))
      return FALSE;
  explicit_bzero (doc_text, strlen (doc_text));
  *answer = issuance_summary (issued, digest_hex);
  *status = 201;
  return TRUE;
}

static MadoHttpResponse *
get_options (MadoApiCall *call)
{
  g_autofree char *asked = mado_http_request_dup_query_param (call->request, "atena_number");
  const char *requester = call->operator_ != NULL ? asked : call->session->subject;
  if (requester == NULL)
    return mado_api_error (400, "api.invalid", "atena_number is required");
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoPerson) person = mado_registry_store_get_person (call->store, requester, &error);
  if (person == NULL)
    return mado_api_error_from_gerror (error);
  g_autoptr (MadoHousehold) household
      = mado_registry_store_get_household (call->store, person->household_number, &error);
  if (household == NULL)
    return mado_api_error_from_gerror (error);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "channel");
  json_builder_add_string_value (b, is_kiosk (call) ? "kiosk" : "counter");
  json_builder_set_member_name (b, "certificates");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      Refusal r = eligibility (call, person, kinds[i].kind, &error);
      if (strcmp (r.code, "internal") == 0)
        return mado_api_error_from_gerror (error);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, kinds[i].name);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, kinds[i].title);
      json_builder_set_member_name (b, "eligible");
      json_builder_add_boolean_value (b, *r.code == '\0');
      if (*r.code != '\0')
        {
          json_builder_set_member_name (b, "reason");
          json_builder_add_string_value (b, r.code);
          json_builder_set_member_name (b, "message");
          json_builder_add_string_value (b, r.message);
        }
      json_builder_set_member_name (b, "fee");
      json_builder_add_int_value (b, fee_for (call->api, kinds[i].kind));
      json_builder_set_member_name (b, "max_copies");
      json_builder_add_int_value (b, call->api->options.max_copies);
      json_builder_set_member_name (b, "juminhyo_code_allowed");
      json_builder_add_boolean_value (b, !is_kiosk (call));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  /* Who may appear in the document: the household, as the kiosk lists it for choosing. */
  json_builder_set_member_name (b, "household");
  json_builder_begin_array (b);
  for (guint i = 0; i < household->members->len; i++)
    {
      MadoPerson *p = g_ptr_array_index (household->members, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "atena_number");
      json_builder_add_string_value (b, p->atena_number);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, p->name);
      json_builder_set_member_name (b, "relationship");
      json_builder_add_string_value (b, p->relationship != NULL ? p->relationship : "");
      json_builder_set_member_name (b, "requester");
      json_builder_add_boolean_value (b, strcmp (p->atena_number, requester) == 0);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return mado_api_json (200, json_builder_get_root (b));
}

/* The issuance, if this caller may see it: the terminal that reserved it, or a console. */
static MadoIssuance *
visible_issuance (MadoApiCall *call, const char *number, MadoHttpResponse **refused)
{
  g_autoptr (GError) error = NULL;
  MadoIssuance *is = mado_registry_store_get_issuance (call->store, number, &error);
  if (is == NULL)
    *refused = mado_api_error_from_gerror (error);
  else if (g_strcmp0 (is->terminal, call->terminal->terminal_id) != 0
           && g_strcmp0 (call->terminal->kind, "console") != 0)
    {
      *refused = mado_api_error (404, "registry.not-found", "no such issuance here");
      g_clear_pointer (&is, mado_issuance_free);
    }
  return is;
}

GBytes *
mado_registry_api_render_document (MadoRegistryApi *api, const char *issue_number, GError **error)
{
  MadoRegistryStore *store = g_async_queue_pop (api->pool);
  g_autofree char *digest = NULL;
  g_autofree char *text = NULL;
  g_autoptr (MadoIssuance) is = mado_registry_store_get_issuance (store, issue_number, error);
  gboolean ok
      = is != NULL
        && mado_registry_store_get_issuance_document (store, issue_number, &digest, &text, error);
  g_async_queue_push (api->pool, store);
  if (!ok)
    return NULL;
  if (text == NULL)
    {
      g_set_error_literal (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND,
                           "The issuance has no document");
      return NULL;
    }
  g_autoptr (JsonNode) node = json_from_string (text, error);
  explicit_bzero (text, strlen (text));
  if (node == NULL)
    return NULL;
  MadoDocumentKind kind = is->kind == MADO_CERTIFICATE_JUMINHYO     ? MADO_DOCUMENT_JUMINHYO
                          : is->kind == MADO_CERTIFICATE_KISAI_JIKO ? MADO_DOCUMENT_KISAI_JIKO
                                                                    : MADO_DOCUMENT_INKAN;
  g_autoptr (MadoDocument) doc = mado_document_new (kind, node, error);
  if (doc == NULL)
    return NULL;
  g_autofree char *dir = g_dir_make_tmp ("mado-render-XXXXXX", error);
  if (dir == NULL)
    return NULL;
  g_autofree char *path = g_build_filename (dir, "document.pdf", NULL);
  g_mutex_lock (&api->render_lock);
  ok = mado_renderer_render (api->renderer, doc, api->office_key, api->options.test_mode, path,
                             error);
  g_mutex_unlock (&api->render_lock);
  char *bytes = NULL;
  gsize length = 0;
  ok = ok && g_file_get_contents (path, &bytes, &length, error);
  g_unlink (path);
  g_rmdir (dir);
  return ok ? g_bytes_new_take (bytes, length) : NULL;
}

typedef struct
{
  const char *number;
  gboolean void_it;
} MarkAsk;

static const char *const void_reasons[] = {
  [MADO_VOID_REASON_PAPER_JAM] = "paper_jam",
  [MADO_VOID_REASON_PAPER_OUT] = "paper_out",
  [MADO_VOID_REASON_PRINTER_ERROR] = "printer_error",
  [MADO_VOID_REASON_PAYMENT_CANCELLED] = "payment_cancelled",
  [MADO_VOID_REASON_CANCELLED] = "cancelled",
  [MADO_VOID_REASON_CARD_MISMATCH] = "card_mismatch",
};

static gboolean
write_mark (MadoApiCall *call, guint *status, JsonNode **answer, gpointer user_data, GError **error)
{
  MarkAsk *ask = user_data;
  JsonObject *o = call->body != NULL ? json_node_get_object (call->body) : NULL;
  const char *at = o != NULL ? mado_api_member_string (o, "at") : NULL;
  g_autofree char *now = mado_api_rfc3339 (call->now);
  if (at == NULL)
    at = now;
  gboolean ok;
  if (ask->void_it)
    {
      const char *reason = o != NULL ? mado_api_member_string (o, "reason") : NULL;
      MadoVoidReason r = MADO_VOID_REASON_NONE;
      for (guint i = 1; reason != NULL && i < G_N_ELEMENTS (void_reasons); i++)
        if (strcmp (reason, void_reasons[i]) == 0)
          r = (MadoVoidReason)i;
      if (r == MADO_VOID_REASON_NONE)
        {
          mado_api_fail (call, error, 400, "api.invalid",
                         "reason must be paper_jam, paper_out, printer_error, payment_cancelled, "
                         "cancelled or card_mismatch");
          return FALSE;
        }
      ok = mado_registry_store_void_issuance (call->store, ask->number, at, r, error);
    }
  else
    ok = mado_registry_store_mark_printed (call->store, ask->number, at, error);
  if (!ok)
    return FALSE;
  g_autoptr (MadoIssuance) is = mado_registry_store_get_issuance (call->store, ask->number, error);
  if (is == NULL)
    return FALSE;
  *answer = mado_issuance_to_json (is);
  *status = 200;
  return TRUE;
}

static MadoHttpResponse *
route_issuance (MadoApiCall *call, const char *number, const char *action)
{
  MadoHttpResponse *refused = NULL;
  g_autoptr (MadoIssuance) is = visible_issuance (call, number, &refused);
  if (is == NULL)
    return refused;
  gboolean get = strcmp (call->request->method, "GET") == 0;
  if (action == NULL && get)
    return mado_api_json (200, mado_issuance_to_json (is));
  if (action != NULL && strcmp (action, "document") == 0 && get)
    {
      if (is->status != MADO_ISSUANCE_RESERVED)
        return mado_api_error (409, "certificate.not-reserved",
                               "この証明書はすでに交付済みか取り消されています。");
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) pdf = mado_registry_api_render_document (call->api, number, &error);
      if (pdf == NULL)
        return mado_api_error_from_gerror (error);
      return mado_http_response_new (200, "application/pdf", pdf);
    }
  if (action != NULL && strcmp (call->request->method, "POST") == 0
      && (strcmp (action, "printed") == 0 || strcmp (action, "void") == 0))
    {
      if ((refused = mado_api_parse_body (call, FALSE)) != NULL)
        return refused;
      MarkAsk ask = { number, strcmp (action, "void") == 0 };
      return mado_api_idempotent_write (call, write_mark, &ask);
    }
  return NULL;
}

MadoHttpResponse *
mado_api_route_certificates (MadoApiCall *call)
{
  char **s = call->segments;
  guint n = call->n_segments;
  MadoHttpResponse *refused = NULL;

  if (n == 2 && strcmp (s[0], "certificates") == 0 && strcmp (s[1], "options") == 0
      && strcmp (call->request->method, "GET") == 0)
    {
      if ((refused = mado_api_require (call, MADO_API_NEED_PERSON)) != NULL)
        return refused;
      return get_options (call);
    }
  if (n == 2 && strcmp (s[0], "certificates") == 0 && strcmp (s[1], "issuances") == 0
      && strcmp (call->request->method, "POST") == 0)
    {
      if ((refused = mado_api_require (call, MADO_API_NEED_PERSON)) != NULL
          || (refused = mado_api_parse_body (call, TRUE)) != NULL)
        return refused;
      return mado_api_idempotent_write (call, write_issuance, NULL);
    }
  if ((n == 2 || n == 3) && strcmp (s[0], "issuances") == 0)
    return route_issuance (call, s[1], n == 3 ? s[2] : NULL);
  return NULL;
}

/* Public: GET /v1/public/issuances/{n}?digest=HEX. Says whether the paper is one the registry
 * issued and printed, and whether its digest is the one recorded; nothing personal. */
MadoHttpResponse *
mado_api_public_issuance (MadoApiCall *call, const char *number)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoIssuance) is = mado_registry_store_get_issuance (call->store, number, &error);
  if (is == NULL)
    return mado_api_error_from_gerror (error);
  g_autofree char *digest = NULL;
  g_autofree char *text = NULL;
  if (!mado_registry_store_get_issuance_document (call->store, number, &digest, &text, &error))
    return mado_api_error_from_gerror (error);
  if (text != NULL)
    explicit_bzero (text, strlen (text));
  g_autofree char *asked = mado_http_request_dup_query_param (call->request, "digest");
  static const char *const statuses[] = { "reserved", "printed", "voided" };
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "issue_number");
  json_builder_add_string_value (b, is->issue_number);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, mado_certificate_kind_to_string (is->kind));
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, statuses[is->status]);
  json_builder_set_member_name (b, "valid");
  json_builder_add_boolean_value (b, is->status == MADO_ISSUANCE_PRINTED);
  if (asked != NULL)
    {
      json_builder_set_member_name (b, "digest_matches");
      json_builder_add_boolean_value (b, digest != NULL && g_ascii_strcasecmp (asked, digest) == 0);
    }
  json_builder_end_object (b);
  return mado_api_json (200, json_builder_get_root (b));
}
