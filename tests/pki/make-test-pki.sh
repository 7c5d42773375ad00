#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make-test-pki.sh — a JPKI-shaped TEST certificate hierarchy and ready mado-vcard profiles.
#
#   tests/pki/make-test-pki.sh [--force] OUTDIR [TEMPLATE.ini ...]
#
# Makes, with the openssl CLI only:
#   OUTDIR/auth-ca.{key,pem,der}       利用者証明用 test root (self-signed, RSA-2048, 10 years)
#   OUTDIR/sign-ca.{key,pem,der}       署名用 test root
#   OUTDIR/<resident>/auth.{key,pem,der}   利用者証明用電子証明書 (no personal data)
#   OUTDIR/<resident>/sign.{key,pem,der}   署名用電子証明書 (基本4情報 in otherName SAN entries)
#   OUTDIR/<resident>.ini              the template plus a [jpki] section: a ready mado-vcard profile
#   OUTDIR/ca/{auth,sign}/             `openssl ca` databases (index.txt, serial, crlnumber), kept
#                                      so CRLs and OCSP responses can be added later
#   OUTDIR/identity/                   the verification hierarchy (issue 3): three root
#                                      generations per purpose under one DN, an ECDSA P-384 root,
#                                      an impostor root, end entities for every case, CRLs, an
#                                      OCSP responder certificate and database, root fingerprints
#                                      (layout: docs/testing.md)
#
# One resident per TEMPLATE (default: tests/data/demo-resident.ini); <resident> is the template's
# base name. Identity, PINs and the [pki] ids come from the template (see docs/testing.md).
#
# Every certificate is made by one function (make_auth_root, make_sign_root, make_auth_ee,
# make_sign_ee); a new generation or algorithm is a new function next to them.
#
# Idempotent: OUTDIR/.stamp records a digest of this script and the templates; when it matches
# nothing is done. Otherwise (or with --force) the generated files are removed and remade.
# TEST ONLY: keys are written unencrypted.

set -euo pipefail
export LC_ALL=C

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
default_template="$script_dir/../data/demo-resident.ini"

# JPKI object identifiers (reference/mynumber-card.md §5.2)
readonly OID_POLICY_AUTH=1.2.392.200149.8.5.1.3.30
readonly OID_POLICY_SIGN_TEST=1.2.392.200149.8.5.1.0.20
readonly OID_SAN_NAME=1.2.392.200149.8.5.5.1
readonly OID_SAN_NAME_FLAGS=1.2.392.200149.8.5.5.2
readonly OID_SAN_SEX=1.2.392.200149.8.5.5.3
readonly OID_SAN_BIRTH=1.2.392.200149.8.5.5.4
readonly OID_SAN_ADDRESS=1.2.392.200149.8.5.5.5
readonly OID_SAN_ADDRESS_FLAGS=1.2.392.200149.8.5.5.6

readonly AUTH_ROOT_SUBJ="/C=JP/O=JPKI-TEST/OU=JPKI for user authentication/OU=Madoguchi test hierarchy"
readonly SIGN_ROOT_SUBJ="/C=JP/O=JPKI-TEST/OU=JPKI for digital signature/OU=Madoguchi test hierarchy"

die ()
{
  echo "make-test-pki.sh: $*" >&2
  exit 1
}

usage ()
{
  echo "usage: make-test-pki.sh [--force] OUTDIR [TEMPLATE.ini ...]" >&2
  exit 2
}

# --- small helpers ------------------------------------------------------------------------------

# ini_get FILE SECTION KEY — the value, surrounding blanks trimmed; empty when absent.
ini_get ()
{
  awk -v want_section="$2" -v want_key="$3" '
    /^[ \t]*[#;]/ { next }
    /^[ \t]*\[/ { s = $0; gsub(/^[ \t]*\[|\][ \t]*$/, "", s); section = s; next }
    section == want_section {
      eq = index($0, "=")
      if (eq == 0) next
      k = substr($0, 1, eq - 1); gsub(/^[ \t]+|[ \t]+$/, "", k)
      if (k != want_key) next
      v = substr($0, eq + 1); gsub(/^[ \t]+|[ \t\r]+$/, "", v)
      print v; exit
    }' "$1"
}

# utf8_chars STRING — the number of characters (UTF-8 continuation bytes not counted).
utf8_chars ()
{
  printf '%s' "$1" | tr -d '\200-\277' | wc -c | tr -d ' '
}

# zeros N — N times "0" (per-character substitute-character flags: none substituted).
zeros ()
{
  local n=$1 out=""
  while ((n-- > 0)); do out+="0"; done
  printf '%s' "$out"
}

# individual_number_ok NUMBER — the 個人番号 check digit rule: P_n digits counted from the lowest
# of the first 11, Q_n = n+1 (n ≤ 6) or n−5 (n ≥ 7); check = 11 − (Σ P_n·Q_n mod 11), 0 if the
# remainder is ≤ 1.
individual_number_ok ()
{
  local number=$1 sum=0 n p q r check
  [[ $number =~ ^[0-9]{12}$ ]] || return 1
  for ((n = 1; n <= 11; n++)); do
    p=${number:$((11 - n)):1}
    if ((n <= 6)); then q=$((n + 1)); else q=$((n - 5)); fi
    sum=$((sum + p * q))
  done
  r=$((sum % 11))
  if ((r <= 1)); then check=0; else check=$((11 - r)); fi
  [[ ${number:11:1} == "$check" ]]
}

# era_code YYYYMMDD — 1 明治, 2 大正, 3 昭和, 4 平成, 5 令和, 0 unknown (sign cert SAN .5.5.4).
era_code ()
{
  local d=$1
  if ((d >= 20190501)); then echo 5
  elif ((d >= 19890108)); then echo 4
  elif ((d >= 19261225)); then echo 3
  elif ((d >= 19120730)); then echo 2
  elif ((d >= 18681023)); then echo 1
  else echo 0
  fi
}

# asn1_time "DATE" — DATE (GNU date syntax) as the YYYYMMDDHHMMSSZ `openssl ca` accepts.
asn1_time ()
{
  date -u -d "$1" +%Y%m%d%H%M%SZ
}

new_rsa_key ()
{
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -pkeyopt rsa_keygen_pubexp:65537 \
    -out "$1" 2>/dev/null
}

# The issuerAltName / root subjectAltName of every JPKI certificate: DirName C=JP,
# O=公的個人認証サービス, written as an ASN.1 generator section so the UTF8String is not
# re-encoded (the dirName: form of the config parser reads values as Latin-1).
jpki_general_names_section ()
{
  cat <<'EOF'
[jpki_gn]
dir = EXPLICIT:4,SEQUENCE:jpki_gn_name
[jpki_gn_name]
c = SET:jpki_gn_c
o = SET:jpki_gn_o
[jpki_gn_c]
atv = SEQUENCE:jpki_gn_c_atv
[jpki_gn_c_atv]
type = OID:countryName
value = PRINTABLESTRING:JP
[jpki_gn_o]
atv = SEQUENCE:jpki_gn_o_atv
[jpki_gn_o_atv]
type = OID:organizationName
value = FORMAT:UTF8,UTF8String:公的個人認証サービス
EOF
}

# ca_db_init DIR CRL_DAYS [CRL_AKI] — an `openssl ca` database in DIR; with CRL_AKI=yes its CRLs
# carry an authorityKeyIdentifier (roots that share one name: a verifier picks the CRL by key).
ca_db_init ()
{
  local dir=$1 crl_days=$2 crl_ext=''
  [ "${3:-}" = yes ] && crl_ext=$'crl_extensions = crl_ext\n[crl_ext]\nauthorityKeyIdentifier = keyid:always'
  mkdir -p "$dir/newcerts"
  : >"$dir/index.txt"
  echo "unique_subject = no" >"$dir/index.txt.attr"
  echo 1000 >"$dir/crlnumber"
  cat >"$dir/ca.cnf" <<EOF
[ca]
default_ca = test_ca
[test_ca]
dir = $dir
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
default_crl_days = $crl_days
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none
preserve = yes
$crl_ext
[policy_any]
countryName = optional
organizationName = optional
organizationalUnitName = optional
localityName = optional
commonName = optional
EOF
}

# ca_init NAME — an `openssl ca` database under $out/ca/NAME.
ca_init ()
{
  ca_db_init "$out/ca/$1" 30
}

# ca_issue CA SUBJECT KEY EXTFILE NOT_BEFORE NOT_AFTER OUT_PEM [ISSUER_PEM ISSUER_KEY]
# Without an issuer the certificate is self-signed with KEY. Also writes OUT_PEM's .der twin.
ca_issue ()
{
  local ca=$1 subj=$2 key=$3 ext=$4 not_before=$5 not_after=$6 pem=$7
  local dir="$out/ca/$ca" csr
  csr="$(mktemp "$out/ca/req.XXXXXX")"
  openssl req -new -key "$key" -subj "$subj" -utf8 -out "$csr"
  local -a signer
  if (($# > 7)); then
    signer=(-cert "$8" -keyfile "$9")
  else
    signer=(-selfsign -keyfile "$key")
  fi
  openssl ca -config "$dir/ca.cnf" -batch -notext -utf8 -preserveDN -create_serial \
    "${signer[@]}" -subj "$subj" -in "$csr" -out "$pem" \
    -extfile "$ext" -extensions ext -startdate "$not_before" -enddate "$not_after" 2>/dev/null ||
    die "openssl ca failed for $subj"
  rm -f "$csr"
  openssl x509 -in "$pem" -outform DER -out "${pem%.pem}.der"
}

# --- one function per certificate ---------------------------------------------------------------

# make_root KIND SUBJECT — a self-signed J-LIS-shaped root (KIND auth or sign): RSA-2048,
# critical CA:TRUE and keyCertSign+cRLSign, SAN dirName C=JP, O=公的個人認証サービス, 10 years.
make_root ()
{
  local kind=$1 subject=$2
  ca_init "$kind"
  new_rsa_key "$out/$kind-ca.key"
  {
    cat <<EOF
[ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
subjectAltName = ASN1:SEQUENCE:jpki_gn
EOF
    jpki_general_names_section
  } >"$out/ca/$kind/root-ext.cnf"
  ca_issue "$kind" "$subject" "$out/$kind-ca.key" "$out/ca/$kind/root-ext.cnf" \
    "$(asn1_time "$today")" "$(asn1_time "$today + 10 years")" "$out/$kind-ca.pem"
}

make_auth_root ()
{
  make_root auth "$AUTH_ROOT_SUBJ"
}

make_sign_root ()
{
  make_root sign "$SIGN_ROOT_SUBJ"
}

# make_auth_ee RESIDENT_DIR AUTH_ID — 利用者証明用電子証明書: C=JP, CN=<opaque id>, no SAN.
make_auth_ee ()
{
  local rdir=$1 id=$2
  new_rsa_key "$rdir/auth.key"
  id_auth_ext "$rdir/auth-ext.cnf"
  ca_issue auth "/C=JP/CN=$id" "$rdir/auth.key" "$rdir/auth-ext.cnf" \
    "$(asn1_time "$today")" "$(asn1_time "$today + 5 years")" "$rdir/auth.pem" \
    "$out/auth-ca.pem" "$out/auth-ca.key"
  rm -f "$rdir/auth-ext.cnf"
}

# make_sign_ee RESIDENT_DIR SIGN_ID LOCALITY NAME ADDRESS BIRTH(YYYYMMDD) SEX(1|2|9)
# 署名用電子証明書: C=JP, L=<locality>, CN=<id>; SAN otherName UTF8String entries .5.5.1–.6.
make_sign_ee ()
{
  local rdir=$1 id=$2 locality=$3 name=$4 address=$5 birth=$6 sex=$7
  new_rsa_key "$rdir/sign.key"
  id_sign_ext "$rdir/sign-ext.cnf" "$name" "$address" "$birth" "$sex"
  ca_issue sign "/C=JP/L=$locality/CN=$id" "$rdir/sign.key" "$rdir/sign-ext.cnf" \
    "$(asn1_time "$today")" "$(asn1_time "$today + 5 years")" "$rdir/sign.pem" \
    "$out/sign-ca.pem" "$out/sign-ca.key"
  rm -f "$rdir/sign-ext.cnf"
}

# make_resident TEMPLATE — both end-entity certificates and the ready profile of one resident.
make_resident ()
{
  local template=$1 base
  base=$(basename "$template" .ini)
  local rdir="$out/$base"
  local name address birth sex number auth_id sign_id locality
  name=$(ini_get "$template" identity name)
  address=$(ini_get "$template" identity address)
  birth=$(ini_get "$template" identity birth_date)
  sex=$(ini_get "$template" identity sex)
  number=$(ini_get "$template" identity individual_number)
  auth_id=$(ini_get "$template" pki auth_id)
  sign_id=$(ini_get "$template" pki sign_id)
  locality=$(ini_get "$template" pki locality)
  [[ -n $name && -n $address && -n $sex ]] || die "$template: [identity] name, address, sex needed"
  [[ $birth =~ ^[0-9]{8}$ ]] || die "$template: [identity] birth_date must be YYYYMMDD"
  individual_number_ok "$number" || die "$template: individual_number has a bad check digit"
  [[ -n $auth_id && -n $sign_id && -n $locality ]] ||
    die "$template: [pki] auth_id, sign_id, locality needed"

  mkdir -p "$rdir"
  make_auth_ee "$rdir" "$auth_id"
  make_sign_ee "$rdir" "$sign_id" "$locality" "$name" "$address" "$birth" "$sex"
  {
    cat "$template"
    cat <<EOF

# --- written by make-test-pki.sh: paths relative to this file ---
[jpki]
auth_cert=$base/auth.der
auth_key=$base/auth.key
auth_ca_cert=auth-ca.der
sign_cert=$base/sign.der
sign_key=$base/sign.key
sign_ca_cert=sign-ca.der
EOF
  } >"$out/$base.ini"
}

# --- the identity hierarchy: OUTDIR/identity/ (issue 3; layout in docs/testing.md) ----------------
#
# Three root generations per purpose under one DN (gen3 = the roots above), an ECDSA P-384 root,
# an impostor root (right DN, wrong key), end-entity certificates for every verification case,
# CRLs, an OCSP responder's certificate and database, and the roots' SHA-256 fingerprints.

readonly OID_OCSP_NOCHECK=1.3.6.1.5.5.7.48.1.5

# id_ca_init DIR — an `openssl ca` database in DIR whose CRLs carry an authorityKeyIdentifier
# (three roots share one name: a verifier picks the CRL by key) and a cRLNumber.
id_ca_init ()
{
  ca_db_init "$1" 7 yes
}

# id_issue DBDIR SUBJECT KEY EXTFILE NOT_BEFORE NOT_AFTER OUT_DER MD [ISSUER_PEM ISSUER_KEY]
# Like ca_issue, but writes DER (and a PEM twin next to it only when OUT ends in .pem).
id_issue ()
{
  local dir=$1 subj=$2 key=$3 ext=$4 not_before=$5 not_after=$6 target=$7 md=$8
  local csr pem cn
  cn=${subj##*/CN=}
  [[ $subj != */CN=* || ${#cn} -eq 23 || $subj == /C=JP/O=* ]] || die "CN $cn is not 23 characters"
  csr="$(mktemp "$dir/req.XXXXXX")"
  pem="$(mktemp "$dir/cert.XXXXXX")"
  openssl req -new -key "$key" -subj "$subj" -utf8 -out "$csr"
  local -a signer
  if (($# > 8)); then
    signer=(-cert "$9" -keyfile "${10}")
  else
    signer=(-selfsign -keyfile "$key")
  fi
  openssl ca -config "$dir/ca.cnf" -batch -notext -utf8 -preserveDN -create_serial -md "$md" \
    "${signer[@]}" -subj "$subj" -in "$csr" -out "$pem" \
    -extfile "$ext" -extensions ext -startdate "$not_before" -enddate "$not_after" 2>/dev/null ||
    die "openssl ca failed for $subj ($target)"
  rm -f "$csr"
  case $target in
    *.pem) mv "$pem" "$target" ;;
    *)
      openssl x509 -in "$pem" -outform DER -out "$target"
      rm -f "$pem"
      ;;
  esac
}

new_ec_key ()
{
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 \
    -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null
}

# id_root_ext FILE — the J-LIS root profile (as make_root).
id_root_ext ()
{
  {
    cat <<EOF
[ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
subjectAltName = ASN1:SEQUENCE:jpki_gn
EOF
    jpki_general_names_section
  } >"$1"
}

# id_auth_ext FILE [KEY_USAGE [EXTRA_LINE]] — the auth end-entity profile (every auth EE).
id_auth_ext ()
{
  local usage=${2:-critical,digitalSignature}
  {
    cat <<EOF
[ext]
keyUsage = $usage
certificatePolicies = $OID_POLICY_AUTH
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
issuerAltName = ASN1:SEQUENCE:jpki_gn
${3:-}
EOF
    jpki_general_names_section
  } >"$1"
}

# id_sign_ext FILE NAME ADDRESS BIRTH SEX — the sign end-entity profile (every sign EE; sex
# 1|2, anything else is the certificate's 3 "unknown").
id_sign_ext ()
{
  local name=$2 address=$3 birth=$4 cert_sex
  case $5 in
    1 | 2) cert_sex=$5 ;;
    *) cert_sex=3 ;;
  esac
  {
    cat <<EOF
[ext]
keyUsage = critical,digitalSignature,nonRepudiation
certificatePolicies = $OID_POLICY_SIGN_TEST
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
issuerAltName = ASN1:SEQUENCE:jpki_gn
subjectAltName = @san
[san]
otherName.1 = $OID_SAN_NAME;FORMAT:UTF8,UTF8String:$name
otherName.2 = $OID_SAN_NAME_FLAGS;FORMAT:UTF8,UTF8String:$(zeros "$(utf8_chars "$name")")
otherName.3 = $OID_SAN_SEX;FORMAT:UTF8,UTF8String:$cert_sex
otherName.4 = $OID_SAN_BIRTH;FORMAT:UTF8,UTF8String:$(era_code "$birth")$birth
otherName.5 = $OID_SAN_ADDRESS;FORMAT:UTF8,UTF8String:$address
otherName.6 = $OID_SAN_ADDRESS_FLAGS;FORMAT:UTF8,UTF8String:$(zeros "$(utf8_chars "$address")")
EOF
    jpki_general_names_section
  } >"$1"
}

# id_keys FILE... — RSA-2048 keys (EC P-384 for names containing "ecdsa"), made in parallel.
id_keys ()
{
  local -a pids=()
  local f pid
  for f in "$@"; do
    if [[ $f == *ecdsa* ]]; then new_ec_key "$f" & else new_rsa_key "$f" & fi
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || die "key generation failed"
  done
}

# id_gencrl DBDIR ISSUER_PEM ISSUER_KEY OUT_DER MD [openssl ca -gencrl options...]
id_gencrl ()
{
  local dir=$1 cert=$2 key=$3 target=$4 md=$5
  shift 5
  openssl ca -config "$dir/ca.cnf" -batch -gencrl -md "$md" -cert "$cert" -keyfile "$key" \
    -out "$dir/crl.pem" "$@" 2>/dev/null || die "openssl ca -gencrl failed ($target)"
  openssl crl -in "$dir/crl.pem" -outform DER -out "$target"
  rm -f "$dir/crl.pem"
}

# id_revoke DBDIR ISSUER_PEM ISSUER_KEY CERT_DER REASON
id_revoke ()
{
  local dir=$1 cert=$2 key=$3 der=$4 reason=$5
  openssl x509 -inform DER -in "$der" -out "$dir/revoke.pem"
  openssl ca -config "$dir/ca.cnf" -batch -cert "$cert" -keyfile "$key" \
    -revoke "$dir/revoke.pem" -crl_reason "$reason" 2>/dev/null || die "revoking $der failed"
  rm -f "$dir/revoke.pem"
}

# flip_last_byte FILE — XOR the last byte (the end of the signature) with 0x01.
flip_last_byte ()
{
  local f=$1 size last
  size=$(wc -c <"$f")
  last=$(tail -c 1 "$f" | od -An -tu1 | tr -d ' ')
  head -c "$((size - 1))" "$f" >"$f.tmp"
  # shellcheck disable=SC2059 # the format is the octal escape of the flipped byte
  printf "\\$(printf '%03o' "$((last ^ 1))")" >>"$f.tmp"
  mv "$f.tmp" "$f"
}

# make_identity_keys — every key of the identity hierarchy, started in the background before the
# rest of the script so that generation overlaps with the demo card's certificates.
make_identity_keys ()
{
  local id="$out/identity" n
  mkdir -p "$id/roots" "$id/impostor" "$id/ee" "$id/crl" "$id/ocsp" "$id/ca"
  local -a keys=("$id/roots/auth-gen1.key.pem" "$id/roots/auth-gen2.key.pem"
    "$id/roots/sign-gen1.key.pem" "$id/roots/sign-gen2.key.pem" "$id/roots/ecdsa-auth.key.pem"
    "$id/impostor/auth-impostor.key.pem" "$id/ee/sign-gen3.key.pem"
    "$id/ee/sign-mismatch.key.pem" "$id/ee/ecdsa-auth.key.pem" "$id/ocsp/responder.key.pem")
  for n in gen1 gen2 gen3 other tampered revoked revoked-ocsp; do
    keys+=("$id/ee/auth-$n.key.pem")
  done
  id_keys "${keys[@]}"
}

make_identity ()
{
  local id="$out/identity"
  local roots="$id/roots" ee="$id/ee" crl="$id/crl" ocsp="$id/ocsp" db="$id/ca"
  local now_t n
  now_t=$(asn1_time "$today")

  wait "$identity_keys_pid" || die "key generation failed"
  # The pure negative cases share one key (each still has its own *.key.pem): key generation is
  # most of this script's run time.
  for n in expired not-yet-valid wrong-usage ca-flag impostor; do
    cp "$ee/auth-tampered.key.pem" "$ee/auth-$n.key.pem"
  done

  # Roots: gen1 and gen2 are older (still valid), gen3 is the existing root, copied.
  id_root_ext "$db/root-ext.cnf"
  local kind subj
  for kind in auth sign; do
    if [[ $kind == auth ]]; then subj=$AUTH_ROOT_SUBJ; else subj=$SIGN_ROOT_SUBJ; fi
    id_ca_init "$db/$kind-gen1"
    id_issue "$db/$kind-gen1" "$subj" "$roots/$kind-gen1.key.pem" "$db/root-ext.cnf" \
      "$(asn1_time "$today - 8 years")" "$(asn1_time "$today + 2 years")" \
      "$roots/$kind-gen1.pem" sha256
    id_ca_init "$db/$kind-gen2"
    id_issue "$db/$kind-gen2" "$subj" "$roots/$kind-gen2.key.pem" "$db/root-ext.cnf" \
      "$(asn1_time "$today - 4 years")" "$(asn1_time "$today + 6 years")" \
      "$roots/$kind-gen2.pem" sha256
    id_ca_init "$db/$kind-gen3"
    cp "$out/$kind-ca.pem" "$roots/$kind-gen3.pem"
    cp "$out/$kind-ca.key" "$roots/$kind-gen3.key.pem"
  done
  id_ca_init "$db/ecdsa-auth"
  id_issue "$db/ecdsa-auth" "/C=JP/O=JPKI-TEST/OU=JPKI for user authentication/OU=ECDSA/OU=Madoguchi test hierarchy" \
    "$roots/ecdsa-auth.key.pem" "$db/root-ext.cnf" "$now_t" "$(asn1_time "$today + 20 years")" \
    "$roots/ecdsa-auth.pem" sha384
  id_ca_init "$db/impostor"
  id_issue "$db/impostor" "$AUTH_ROOT_SUBJ" "$id/impostor/auth-impostor.key.pem" \
    "$db/root-ext.cnf" "$now_t" "$(asn1_time "$today + 10 years")" \
    "$id/impostor/auth-impostor.pem" sha256

  # End-entity certificates. IDs: 23 characters, no personal data.
  local five
  five=$(asn1_time "$today + 5 years")
  id_auth_ext "$db/auth-ext.cnf"
  local g
  for g in 1 2; do
    id_issue "$db/auth-gen$g" "/C=JP/CN=MADOTEST00000000AUTHG${g}A" "$ee/auth-gen$g.key.pem" \
      "$db/auth-ext.cnf" "$(asn1_time "$today - 1 year")" "$(asn1_time "$today + 4 years")" \
      "$ee/auth-gen$g.der" sha256 "$roots/auth-gen$g.pem" "$roots/auth-gen$g.key.pem"
  done
  local g3=("$roots/auth-gen3.pem" "$roots/auth-gen3.key.pem")
  id_issue "$db/auth-gen3" /C=JP/CN=MADOTEST00000000AUTHG3A "$ee/auth-gen3.key.pem" \
    "$db/auth-ext.cnf" "$now_t" "$five" "$ee/auth-gen3.der" sha256 "${g3[@]}"
  id_issue "$db/auth-gen3" /C=JP/CN=MADOTEST00000000AUTHOTH "$ee/auth-other.key.pem" \
    "$db/auth-ext.cnf" "$now_t" "$five" "$ee/auth-other.der" sha256 "${g3[@]}"
  id_issue "$db/auth-gen3" /C=JP/CN=MADOTEST00000000AUTHEXP "$ee/auth-expired.key.pem" \
    "$db/auth-ext.cnf" "$(asn1_time "$today - 5 years")" "$(asn1_time "$today - 1 day")" \
    "$ee/auth-expired.der" sha256 "${g3[@]}"
  id_issue "$db/auth-gen3" /C=JP/CN=MADOTEST00000000AUTHNYV "$ee/auth-not-yet-valid.key.pem" \
    "$db/auth-ext.cnf" "$(asn1_time "$today + 30 days")" "$(asn1_time "$today + 5 years")" \
    "$ee/auth-not-yet-valid.der" sha256 "${g3[@]}"
  id_issue "$db/auth-gen3" /C=JP/CN=MADOTEST00000000AUTHTMP "$ee/auth-tampered.key.pem" \
    "$db/auth-ext.cnf" "$now_t" "$five" "$ee/auth-tampered.der" sha256 "${g3[@]}"
  flip_last_byte "$ee/auth-tampered.der"
  id_issue "$db/auth-gen3" /C=JP/CN=MADOTEST00000000AUTHREV "$ee/auth-revoked.key.pem" \
    "$db/auth-ext.cnf" "$now_t" "$five" "$ee/auth-revoked.der" sha256 "${g3[@]}"
  id_issue "$db/auth-gen3" /C=JP/CN=MADOTEST00000000AUTHROC "$ee/auth-revoked-ocsp.key.pem" \
    "$db/auth-ext.cnf" "$now_t" "$five" "$ee/auth-revoked-ocsp.der" sha256 "${g3[@]}"
  id_auth_ext "$db/auth-usage-ext.cnf" critical,keyEncipherment
  id_issue "$db/auth-gen3" /C=JP/CN=MADOTEST00000000AUTHKEU "$ee/auth-wrong-usage.key.pem" \
    "$db/auth-usage-ext.cnf" "$now_t" "$five" "$ee/auth-wrong-usage.der" sha256 "${g3[@]}"
  id_auth_ext "$db/auth-ca-ext.cnf" critical,digitalSignature "basicConstraints = critical,CA:TRUE"
  id_issue "$db/auth-gen3" /C=JP/CN=MADOTEST00000000AUTHCAF "$ee/auth-ca-flag.key.pem" \
    "$db/auth-ca-ext.cnf" "$now_t" "$five" "$ee/auth-ca-flag.der" sha256 "${g3[@]}"
  id_issue "$db/impostor" /C=JP/CN=MADOTEST00000000AUTHIMP "$ee/auth-impostor.key.pem" \
    "$db/auth-ext.cnf" "$now_t" "$five" "$ee/auth-impostor.der" sha256 \
    "$id/impostor/auth-impostor.pem" "$id/impostor/auth-impostor.key.pem"
  id_issue "$db/ecdsa-auth" /C=JP/CN=MADOTEST0000000ECDSAG1A "$ee/ecdsa-auth.key.pem" \
    "$db/auth-ext.cnf" "$now_t" "$(asn1_time "$today + 10 years")" "$ee/ecdsa-auth.der" sha384 \
    "$roots/ecdsa-auth.pem" "$roots/ecdsa-auth.key.pem"

  # Sign certificates: the demo resident, and the same person at an older address (a stale card).
  local t=$default_template name address birth sex locality
  name=$(ini_get "$t" identity name)
  address=$(ini_get "$t" identity address)
  birth=$(ini_get "$t" identity birth_date)
  sex=$(ini_get "$t" identity sex)
  locality=$(ini_get "$t" pki locality)
  local -a s3=("$roots/sign-gen3.pem" "$roots/sign-gen3.key.pem")
  id_sign_ext "$db/sign-ext.cnf" "$name" "$address" "$birth" "$sex"
  id_issue "$db/sign-gen3" "/C=JP/L=$locality/CN=MADOTEST00000000SIGNG3A" "$ee/sign-gen3.key.pem" \
    "$db/sign-ext.cnf" "$now_t" "$five" "$ee/sign-gen3.der" sha256 "${s3[@]}"
  id_sign_ext "$db/sign-old-ext.cnf" "$name" "東京都千代田区永田町１丁目７番１号" "$birth" "$sex"
  id_issue "$db/sign-gen3" "/C=JP/L=$locality/CN=MADOTEST00000000SIGNOLD" \
    "$ee/sign-mismatch.key.pem" "$db/sign-old-ext.cnf" "$(asn1_time "$today - 2 years")" \
    "$(asn1_time "$today + 3 years")" "$ee/sign-mismatch.der" sha256 "${s3[@]}"

  # The delegated OCSP responder of the auth gen3 root.
  cat >"$db/ocsp-ext.cnf" <<EOF
[ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = OCSPSigning
$OID_OCSP_NOCHECK = ASN1:NULL
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
  id_issue "$db/auth-gen3" "/C=JP/O=JPKI-TEST/OU=Madoguchi test OCSP responder/CN=auth-gen3 OCSP" \
    "$ocsp/responder.key.pem" "$db/ocsp-ext.cnf" "$now_t" "$(asn1_time "$today + 2 years")" \
    "$ocsp/responder.pem" sha256 "${g3[@]}"

  # CRLs. The stale one is an old list, from before auth-revoked was revoked.
  id_gencrl "$db/auth-gen3" "${g3[@]}" "$crl/auth-gen3-stale.crl" sha256 \
    -crl_lastupdate "$(asn1_time "$today - 14 days")" \
    -crl_nextupdate "$(asn1_time "$today - 7 days")"
  id_revoke "$db/auth-gen3" "${g3[@]}" "$ee/auth-revoked.der" keyCompromise
  id_gencrl "$db/auth-gen3" "${g3[@]}" "$crl/auth-gen3.crl" sha256 -crldays 7
  for kind in auth sign; do
    for g in 1 2; do
      id_gencrl "$db/$kind-gen$g" "$roots/$kind-gen$g.pem" "$roots/$kind-gen$g.key.pem" \
        "$crl/$kind-gen$g.crl" sha256 -crldays 7
    done
  done
  id_gencrl "$db/sign-gen3" "${s3[@]}" "$crl/sign-gen3.crl" sha256 -crldays 7
  id_gencrl "$db/ecdsa-auth" "$roots/ecdsa-auth.pem" "$roots/ecdsa-auth.key.pem" \
    "$crl/ecdsa-auth.crl" sha384 -crldays 7

  # The responder's database: everything the auth gen3 root issued (the demo card's certificate
  # too), with auth-revoked-ocsp revoked after the CRL above was made (so only OCSP knows).
  id_revoke "$db/auth-gen3" "${g3[@]}" "$ee/auth-revoked-ocsp.der" affiliationChanged
  cat "$out/ca/auth/index.txt" "$db/auth-gen3/index.txt" >"$ocsp/index.txt"
  echo "unique_subject = no" >"$ocsp/index.txt.attr"

  # Pins: the SHA-256 of each root's DER (the impostor is not a root anyone trusts).
  local f
  for f in "$roots"/*.pem; do
    [[ $f == *.key.pem ]] && continue
    printf '%s %s\n' \
      "$(openssl x509 -in "$f" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)" \
      "roots/$(basename "$f")"
  done >"$id/fingerprints.txt"
  rm -f "$db"/*.cnf
}

# --- main ---------------------------------------------------------------------------------------

force=0
if [[ ${1:-} == --force ]]; then
  force=1
  shift
fi
(($# >= 1)) || usage
[[ $1 != -* ]] || usage
out_arg=$1
shift
templates=("$@")
((${#templates[@]} > 0)) || templates=("$default_template")
for t in "${templates[@]}"; do
  [[ -r $t ]] || die "cannot read template $t"
done

mkdir -p "$out_arg"
out=$(cd "$out_arg" && pwd)
today=$(date -u +%Y-%m-%d)

stamp=$(cat "${BASH_SOURCE[0]}" "${templates[@]}" | openssl dgst -sha256 -r | cut -d' ' -f1)
stamp="$stamp $today"
if ((!force)) && [[ -f $out/.stamp && $(cat "$out/.stamp") == "$stamp" ]]; then
  exit 0
fi

# Remove only what this script makes.
rm -rf "$out/ca" "$out/.stamp" "$out"/auth-ca.* "$out"/sign-ca.* "$out/identity"
for t in "${templates[@]}"; do
  b=$(basename "$t" .ini)
  rm -rf "${out:?}/$b" "$out/$b.ini"
done

make_identity_keys &
identity_keys_pid=$!
make_auth_root
make_sign_root
for t in "${templates[@]}"; do
  make_resident "$t"
done
make_identity
echo "$stamp" >"$out/.stamp"
