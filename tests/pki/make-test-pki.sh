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

# ca_init NAME — an `openssl ca` database under $out/ca/NAME.
ca_init ()
{
  local dir="$out/ca/$1"
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
default_crl_days = 30
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none
preserve = yes
[policy_any]
countryName = optional
organizationName = optional
organizationalUnitName = optional
localityName = optional
commonName = optional
EOF
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
  {
    cat <<EOF
[ext]
keyUsage = critical,digitalSignature
certificatePolicies = $OID_POLICY_AUTH
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
issuerAltName = ASN1:SEQUENCE:jpki_gn
EOF
    jpki_general_names_section
  } >"$rdir/auth-ext.cnf"
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
  local cert_sex
  case $sex in
    1 | 2) cert_sex=$sex ;;
    *) cert_sex=3 ;; # the certificate's "unknown"
  esac
  new_rsa_key "$rdir/sign.key"
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
  } >"$rdir/sign-ext.cnf"
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
rm -rf "$out/ca" "$out/.stamp" "$out"/auth-ca.* "$out"/sign-ca.*
for t in "${templates[@]}"; do
  b=$(basename "$t" .ini)
  rm -rf "${out:?}/$b" "$out/$b.ini"
done

make_auth_root
make_sign_root
for t in "${templates[@]}"; do
  make_resident "$t"
done
echo "$stamp" >"$out/.stamp"
