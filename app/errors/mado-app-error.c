/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-app-error.c — the error catalogue. Add a row when a part adds a code, and the same row to
 * docs/errors.md (the test that compares them fails otherwise).
 */
#include "mado-app-error.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "mado-card-error.h"
#include "mado-identity-error.h"
#include "mado-model-error.h"
#include "mado-outbox-error.h"
#include "mado-print-error.h"
#include "mado-sync-error.h"

/* The quark's name is a string GLib builds from these tokens: keep them unspaced. */
/* clang-format off */
G_DEFINE_QUARK (mado-app-error-quark, mado_app_error)
/* clang-format on */

/* registry/ depends on app/, not the other way: its domain is named here by its quark string and
 * its codes by number (MadoRegistryError, registry/mado-registry-error.h); the catalogue test
 * links both and checks they agree. */
static GQuark
registry_error_quark (void)
{
  return g_quark_from_static_string ("mado-registry-error-quark");
}

/* Likewise registry/http's domain (MadoHttpError, registry/http/mado-http.h). */
static GQuark
http_error_quark (void)
{
  return g_quark_from_static_string ("mado-http-error-quark");
}

/* Exit codes: 0 success, 1 unknown failure, 2 usage, 3–9 app, 10–29 card, 30–39 identity,
 * 40–69 print, 70–79 model, 80–89 outbox, 90–109 registry, 110–119 sync,
 * 120–129 the registry's HTTP server. */
static const MadoErrorEntry catalogue[] = {
  { "app.usage", mado_app_error_quark, MADO_APP_ERROR_USAGE, 2,
    N_ ("コマンドの使い方が正しくありません"), N_ ("--help で使い方を確認してください。") },
  { "app.config", mado_app_error_quark, MADO_APP_ERROR_CONFIG, 3, N_ ("設定ファイルを読めません"),
    N_ ("表示された行を docs/configuration.md に沿って直してください。") },
  { "app.io", mado_app_error_quark, MADO_APP_ERROR_IO, 4, N_ ("ファイルを読み書きできません"),
    N_ ("パスと権限、ディスクの空きを確認してください。") },
  { "app.signature-invalid", mado_app_error_quark, MADO_APP_ERROR_SIGNATURE_INVALID, 5,
    N_ ("署名が証明書の公開鍵で検証できません"),
    N_ ("カードが改変されたおそれがあります。このカードでの手続きを止め、職員に知らせてください"
        "。") },
  { "app.certificate-parse", mado_app_error_quark, MADO_APP_ERROR_CERTIFICATE_PARSE, 6,
    N_ ("証明書を解析できません"),
    N_ ("カードの証明書が壊れています。市区町村の窓口でカードの確認を受けてください。") },
  { "app.timeout", mado_app_error_quark, MADO_APP_ERROR_TIMEOUT, 7, N_ ("待ち時間を過ぎました"),
    N_ ("カードを挿し直して、もう一度お試しください。") },
  { "app.cancelled", g_io_error_quark, G_IO_ERROR_CANCELLED, 8, N_ ("操作を取り消しました"),
    N_ ("必要なら最初からやり直してください。") },

  { "card.no-service", mado_card_error_quark, MADO_CARD_ERROR_NO_SERVICE, 10,
    N_ ("カードリーダーのサービス (pcscd) に接続できません"),
    N_ ("pcscd が動いているか確認してください (systemctl status pcscd)。") },
  { "card.no-reader", mado_card_error_quark, MADO_CARD_ERROR_NO_READER, 11,
    N_ ("カードリーダーが見つかりません"),
    N_ ("リーダーの USB ケーブルを確認し、設定の [card] reader "
        "の名前が正しいか確かめてください。") },
  { "card.no-card", mado_card_error_quark, MADO_CARD_ERROR_NO_CARD, 12,
    N_ ("カードが置かれていません"), N_ ("マイナンバーカードをリーダーに置いてください。") },
  { "card.removed", mado_card_error_quark, MADO_CARD_ERROR_CARD_REMOVED, 13,
    N_ ("読み取りの途中でカードが外されました"),
    N_ ("読み取りが終わるまでカードを置いたまま、もう一度お試しください。") },
  { "card.reset", mado_card_error_quark, MADO_CARD_ERROR_CARD_RESET, 14,
    N_ ("カードがリセットされました"),
    N_ ("別のプログラムがカードを使ったため、暗証番号の入力からやり直してください。") },
  { "card.busy", mado_card_error_quark, MADO_CARD_ERROR_READER_BUSY, 15,
    N_ ("カードリーダーを別のプログラムが使っています"),
    N_ ("そのプログラムを終えてから、もう一度お試しください。") },
  { "card.not-mynumber", mado_card_error_quark, MADO_CARD_ERROR_NOT_MYNUMBER, 16,
    N_ ("マイナンバーカードではありません"),
    N_ ("マイナンバーカード (個人番号カード) を置いてください。") },
  { "card.pin-format", mado_card_error_quark, MADO_CARD_ERROR_PIN_FORMAT, 17,
    N_ ("暗証番号の形式が正しくありません (回数は減っていません)"),
    N_ ("暗証番号は数字4桁、署名用パスワードは英大文字と数字を混ぜた6〜16文字です。") },
  { "card.pin-wrong", mado_card_error_quark, MADO_CARD_ERROR_PIN_WRONG, 18,
    N_ ("暗証番号が違います"),
    N_ ("残りの回数に注意して入力し直してください。わからない場合は窓口で再設定できます。") },
  { "card.pin-blocked", mado_card_error_quark, MADO_CARD_ERROR_PIN_BLOCKED, 19,
    N_ ("暗証番号がロックされています"),
    N_ ("お住まいの市区町村の窓口で、本人確認のうえ暗証番号の再設定を受けてください。") },
  { "card.security-status", mado_card_error_quark, MADO_CARD_ERROR_SECURITY_STATUS, 20,
    N_ ("この操作には先に暗証番号の入力が必要です"),
    N_ ("暗証番号を入力してから、もう一度お試しください。") },
  { "card.file-not-found", mado_card_error_quark, MADO_CARD_ERROR_FILE_NOT_FOUND, 21,
    N_ ("カードに必要なデータがありません"),
    N_ ("電子証明書が失効・未搭載の可能性があります。窓口で確認してください。") },
  { "card.malformed", mado_card_error_quark, MADO_CARD_ERROR_MALFORMED, 22,
    N_ ("カードから読んだデータが壊れています"),
    N_ ("カードを置き直してもう一度お試しください。続く場合は窓口でカードの確認を受けてください"
        "。") },
  { "card.unexpected-status", mado_card_error_quark, MADO_CARD_ERROR_UNEXPECTED_STATUS, 23,
    N_ ("カードが予期しない応答を返しました"),
    N_ ("カードを置き直してもう一度お試しください。続く場合は --trace の出力を添えて IT "
        "担当へ。") },
  { "card.not-supported", mado_card_error_quark, MADO_CARD_ERROR_NOT_SUPPORTED, 24,
    N_ ("このリーダーまたはカードはこの操作に対応していません"),
    N_ ("別のカードリーダーをお使いください。") },
  { "card.transport", mado_card_error_quark, MADO_CARD_ERROR_TRANSPORT, 25,
    N_ ("カードリーダーとの通信に失敗しました"),
    N_ ("リーダーを挿し直し、続く場合は --trace と pcscd のログを添えて IT 担当へ。") },
  { "card.script-mismatch", mado_card_error_quark, MADO_CARD_ERROR_SCRIPT_MISMATCH, 26,
    N_ ("試験用の記録リーダーが想定外のコマンドを受けました"),
    N_ ("試験の記録 (transcript) とドライバーの動きを見比べてください (試験専用)。") },

  { "identity.trust-store", mado_identity_error_quark, MADO_IDENTITY_ERROR_TRUST_STORE, 30,
    N_ ("信頼する認証局 (トラストストア) を読み込めません"),
    N_ ("[identity] trust-dir の証明書と pinned-roots の指紋を確かめてください。本番モードでは固定 "
        "(pin) された J-LIS のルートだけを信頼します。") },
  { "identity.crl", mado_identity_error_quark, MADO_IDENTITY_ERROR_CRL, 31,
    N_ ("失効リスト (CRL) を読めません"),
    N_ ("J-LIS から受け取った CRL "
        "ファイルが壊れていないか、発行した認証局が信頼されているか確かめてください。") },
  { "identity.crl-index", mado_identity_error_quark, MADO_IDENTITY_ERROR_CRL_INDEX, 32,
    N_ ("失効リストの索引が壊れています"),
    N_ ("索引を消して CRL から作り直してください (--crl FILE)。") },
  { "identity.crl-not-newer", mado_identity_error_quark, MADO_IDENTITY_ERROR_CRL_NOT_NEWER, 33,
    N_ ("この失効リストは索引にあるものより新しくありません"),
    N_ ("新しい CRL を J-LIS から受け取ってください。今の索引はそのまま使われます。") },
  { "identity.nonce", mado_identity_error_quark, MADO_IDENTITY_ERROR_NONCE, 34,
    N_ ("認証のチャレンジが無効です"), N_ ("最初から本人確認をやり直してください。") },
  { "identity.ocsp-not-allowed", mado_identity_error_quark, MADO_IDENTITY_ERROR_OCSP_NOT_ALLOWED,
    35, N_ ("許可されていない OCSP レスポンダーです"),
    N_ ("[identity] ocsp-allowed-urls に載っているレスポンダーだけを使えます。") },
  { "identity.revoked", mado_identity_error_quark, MADO_IDENTITY_ERROR_REVOKED, 36,
    N_ ("この電子証明書は失効しています"),
    N_ ("住所・氏名の変更などで失効した可能性があります。市区町村の窓口で電子証明書の更新を受けてく"
        "ださい。") },
  { "identity.invalid", mado_identity_error_quark, MADO_IDENTITY_ERROR_INVALID, 37,
    N_ ("この電子証明書は有効ではありません"),
    N_ ("期限切れ・発行元不明・改ざんなどの理由が表示されています。窓口で確認を受けてください。") },
  { "identity.unknown", mado_identity_error_quark, MADO_IDENTITY_ERROR_UNKNOWN, 38,
    N_ ("電子証明書の失効を確認できません"),
    N_ ("失効情報 (CRL・OCSP) "
        "や時計を確かめられないため、本人確認はできません。しばらくしてからお試しいただくか、窓口へ"
        "お越しください。") },
  { "identity.attributes-mismatch", mado_identity_error_quark, MADO_IDENTITY_ERROR_ATTRIBUTES, 39,
    N_ ("署名用電子証明書とカードの券面事項が一致しません"),
    N_ ("住所や氏名の変更後に電子証明書が更新されていない可能性があります。窓口で確認を受けてくださ"
        "い。") },
  { "print.unknown-kind", mado_print_error_quark, MADO_PRINT_ERROR_UNKNOWN_KIND, 40,
    N_ ("その種類の帳票はありません"),
    N_ ("帳票の種類 (kind) を docs/documents.md で確かめてください。") },
  { "print.missing-field", mado_print_error_quark, MADO_PRINT_ERROR_MISSING_FIELD, 41,
    N_ ("帳票に必要な項目がありません"), N_ ("表示された項目をデータに加えてください。") },
  { "print.invalid-field", mado_print_error_quark, MADO_PRINT_ERROR_INVALID_FIELD, 42,
    N_ ("帳票の項目の形式が正しくありません"),
    N_ ("表示された項目の型と書式を docs/documents.md で確かめてください。") },
  { "print.unresolved-character", mado_print_error_quark, MADO_PRINT_ERROR_UNRESOLVED_CHARACTER, 43,
    N_ ("印字できない文字 (外字) があります"),
    N_ ("表示された文字を持つフォントを設定するか、住民記録で文字を同定してください。外字が解決する"
        "まで交付できません。") },
  { "print.unsupported-variation", mado_print_error_quark, MADO_PRINT_ERROR_UNSUPPORTED_VARIATION,
    44, N_ ("フォントにない異体字 (IVS) があります"),
    N_ ("表示された異体字を登録したフォント (MJ+ など) "
        "を設定してください。別の字体で印字することはしません。") },
  { "print.too-long", mado_print_error_quark, MADO_PRINT_ERROR_TOO_LONG, 45,
    N_ ("文字が長すぎて欄に収まりません"),
    N_ ("窓口で様式を確かめてください。文字を切り詰めて印字することはしません。") },
  { "print.font", mado_print_error_quark, MADO_PRINT_ERROR_FONT, 46,
    N_ ("必要なフォントがインストールされていません"),
    N_ ("fonts-ipamj-mincho と fonts-noto-cjk を入れてください。") },
  { "print.render", mado_print_error_quark, MADO_PRINT_ERROR_RENDER, 47,
    N_ ("帳票を描画できません"), N_ ("詳細を添えて IT 担当へ連絡してください。") },
  { "print.key", mado_print_error_quark, MADO_PRINT_ERROR_KEY, 48,
    N_ ("署名鍵または公開鍵を使えません"),
    N_ ("鍵ファイルのパスと形式 (PEM, ECDSA P-256) を確かめてください。") },
  { "print.no-qr", mado_print_error_quark, MADO_PRINT_ERROR_NO_QR, 49,
    N_ ("窓口システムの QR コードが見つかりません"),
    N_ ("書類全体がはっきり写るようにもう一度読み取ってください。") },
  { "print.tampered", mado_print_error_quark, MADO_PRINT_ERROR_TAMPERED, 50,
    N_ ("書類が改ざんされているか、QR と内容が一致しません"),
    N_ ("この書類は受け付けず、発行元に照会してください。") },
  { "print.unknown-signer", mado_print_error_quark, MADO_PRINT_ERROR_UNKNOWN_SIGNER, 51,
    N_ ("署名した鍵が登録されていません"), N_ ("発行元の公開鍵を設定してください。") },
  { "print.pdf", mado_print_error_quark, MADO_PRINT_ERROR_PDF, 52, N_ ("PDF を読み書きできません"),
    N_ ("ファイルのパスと内容を確かめてください。") },
  { "print.printer-not-found", mado_print_error_quark, MADO_PRINT_ERROR_PRINTER_NOT_FOUND, 53,
    N_ ("プリンターが見つかりません"), N_ ("キュー名またはプリンターの URI を確かめてください。") },
  { "print.printer-unreachable", mado_print_error_quark, MADO_PRINT_ERROR_PRINTER_UNREACHABLE, 54,
    N_ ("プリンター (CUPS) に接続できません"),
    N_ ("プリンターの電源とネットワーク、CUPS の状態を確かめてください。") },
  { "print.printer-stopped", mado_print_error_quark, MADO_PRINT_ERROR_PRINTER_STOPPED, 55,
    N_ ("プリンターが停止しました"),
    N_ ("プリンターの状態を確かめ、直したら再開 (cupsenable) "
        "してください。発行は取り消して記録します。") },
  { "print.media-jam", mado_print_error_quark, MADO_PRINT_ERROR_MEDIA_JAM, 56, N_ ("紙詰まりです"),
    N_ ("詰まった用紙を取り除いてください。この発行は取り消して記録します。") },
  { "print.media-empty", mado_print_error_quark, MADO_PRINT_ERROR_MEDIA_EMPTY, 57,
    N_ ("用紙がありません"), N_ ("用紙を補充してください。この発行は取り消して記録します。") },
  { "print.job-aborted", mado_print_error_quark, MADO_PRINT_ERROR_JOB_ABORTED, 58,
    N_ ("印刷が中断されました"),
    N_ ("プリンターの表示を確かめてください。この発行は取り消して記録します。") },
  { "print.job-canceled", mado_print_error_quark, MADO_PRINT_ERROR_JOB_CANCELED, 59,
    N_ ("印刷が取り消されました"), N_ ("必要なら最初からやり直してください。") },
  { "print.job-held", mado_print_error_quark, MADO_PRINT_ERROR_JOB_HELD, 60,
    N_ ("印刷が保留されています"), N_ ("CUPS の保留を解除するか、取り消してください。") },
  { "print.timeout", mado_print_error_quark, MADO_PRINT_ERROR_TIMEOUT, 61,
    N_ ("印刷が時間内に終わりませんでした"),
    N_ ("プリンターの状態を確かめてください。印刷が終わったと確認できるまで交付済みにしません。") },
  { "print.not-issued", mado_print_error_quark, MADO_PRINT_ERROR_NOT_ISSUED, 62,
    N_ ("発行元がこの書面を交付済みと確認できません"),
    N_ ("無効にされた、または内容の異なる書面です。発行元の窓口に問い合わせてください。") },
  { "print.registry", mado_print_error_quark, MADO_PRINT_ERROR_REGISTRY, 63,
    N_ ("発行元に問い合わせできませんでした"),
    N_ ("ネットワークと --registry の URL、--ca の証明書を確かめてください。") },
  { "model.syntax", mado_model_error_quark, MADO_MODEL_ERROR_SYNTAX, 70,
    N_ ("データが JSON として読めません"),
    N_ ("送り元のシステムに、壊れていないデータを送り直してもらってください。") },
  { "model.missing-field", mado_model_error_quark, MADO_MODEL_ERROR_MISSING, 71,
    N_ ("必要な項目がありません"),
    N_ ("表示された項目 (パス) を docs/model.md で確かめ、データに加えてください。") },
  { "model.invalid-field", mado_model_error_quark, MADO_MODEL_ERROR_INVALID, 72,
    N_ ("項目の形式が正しくありません"),
    N_ ("表示された項目の型と書式を docs/model.md で確かめてください。") },
  { "model.unknown-field", mado_model_error_quark, MADO_MODEL_ERROR_UNKNOWN_FIELD, 73,
    N_ ("取り決めにない項目があります"), N_ ("項目名の綴りを docs/model.md で確かめてください。") },
  { "model.check-digit", mado_model_error_quark, MADO_MODEL_ERROR_CHECK_DIGIT, 74,
    N_ ("番号の検査用数字が合いません"),
    N_ ("宛名番号・世帯番号・個人番号を原本と照らし合わせてください。") },
  { "model.transition", mado_model_error_quark, MADO_MODEL_ERROR_TRANSITION, 75,
    N_ ("その状態の変更はできません"),
    N_ ("届の状態 (下書き→提出→仮登録→本登録) と、仮登録した職員と別の職員か確かめてください。") },
  { "outbox.io", mado_outbox_error_quark, MADO_OUTBOX_ERROR_IO, 80,
    N_ ("送信待ちの記録 (アウトボックス) を読み書きできません"),
    N_ ("ディスクの空きと権限を確かめ、IT 担当へ連絡してください。記録は消えていません。") },
  { "outbox.schema", mado_outbox_error_quark, MADO_OUTBOX_ERROR_SCHEMA, 81,
    N_ ("アウトボックスの形式が違います"),
    N_ ("別のファイルか、新しい版で作られたものです。パスと版を確かめてください。") },
  { "outbox.key-file", mado_outbox_error_quark, MADO_OUTBOX_ERROR_KEY_FILE, 82,
    N_ ("アウトボックスの鍵ファイルを使えません"),
    N_ ("鍵ファイルの場所と権限 (所有者のみ読み取り可) を確かめてください。") },
  { "outbox.key", mado_outbox_error_quark, MADO_OUTBOX_ERROR_KEY, 83,
    N_ ("この記録は別の鍵で暗号化されています"),
    N_ ("キオスクの鍵が入れ替わっていないか IT 担当が確かめてください。") },
  { "outbox.tampered", mado_outbox_error_quark, MADO_OUTBOX_ERROR_TAMPERED, 84,
    N_ ("送信待ちの記録が改ざんされています"),
    N_ ("この記録は送らず、IT 担当へ連絡してください。") },
  { "outbox.not-found", mado_outbox_error_quark, MADO_OUTBOX_ERROR_NOT_FOUND, 85,
    N_ ("その記録はありません"), N_ ("すでに送信済み (削除済み) の可能性があります。") },
  { "outbox.state", mado_outbox_error_quark, MADO_OUTBOX_ERROR_STATE, 86,
    N_ ("記録の状態に合わない操作です"), N_ ("記録の状態 (待機・保留) を確かめてください。") },
  { "outbox.invalid", mado_outbox_error_quark, MADO_OUTBOX_ERROR_INVALID, 87,
    N_ ("記録の形式が正しくありません"),
    N_ ("種類・内容・理由の書式を docs/outbox.md で確かめてください。") },
  { "outbox.crypto", mado_outbox_error_quark, MADO_OUTBOX_ERROR_CRYPTO, 88,
    N_ ("暗号処理に失敗しました"), N_ ("IT 担当へ連絡してください。") },
  { "registry.dsn", registry_error_quark, 1, 90,
    N_ ("データベースの指定 (--db) が正しくありません"),
    N_ ("sqlite:PATH か postgresql://… の形で指定してください。") },
  { "registry.open", registry_error_quark, 2, 91, N_ ("データベースを開けません"),
    N_ ("パスと権限、ディスクの空きを確かめてください。") },
  { "registry.schema-too-new", registry_error_quark, 3, 92,
    N_ ("新しい版で作られたデータベースです"),
    N_ ("同じか新しい版の mado-registryd で開いてください。データベースは変更していません。") },
  { "registry.migration", registry_error_quark, 4, 93,
    N_ ("データベースの更新 (移行) に失敗しました"),
    N_ ("何も適用されていません。バックアップから戻せることを確かめ、IT "
        "担当へ連絡してください。") },
  { "registry.database", registry_error_quark, 5, 94, N_ ("データベースの処理に失敗しました"),
    N_ ("詳細を添えて IT 担当へ連絡してください。") },
  { "registry.busy", registry_error_quark, 6, 95, N_ ("データベースが混み合っています"),
    N_ ("しばらくしてからもう一度お試しください。") },
  { "registry.not-found", registry_error_quark, 7, 96, N_ ("該当する記録がありません"),
    N_ ("番号を確かめてください。") },
  { "registry.invalid", registry_error_quark, 8, 97, N_ ("記録の内容が取り決めに合いません"),
    N_ ("docs/model.md で項目を確かめてください。") },
  { "registry.conflict", registry_error_quark, 9, 98, N_ ("記録がすでにある内容と矛盾します"),
    N_ ("重複して登録しようとしていないか確かめてください。") },
  { "registry.idempotency-conflict", registry_error_quark, 10, 99,
    N_ ("同じ冪等キーで別の依頼が届きました"),
    N_ ("送り元のシステムの不具合です。IT 担当へ連絡してください。") },
  { "registry.idempotency-stale", registry_error_quark, 11, 100,
    N_ ("古すぎる依頼です (30日を過ぎています)"),
    N_ ("この依頼は適用しません。必要なら新しく作り直してください。") },
  { "registry.range-exhausted", registry_error_quark, 12, 101,
    N_ ("本日の受付番号を使い切りました"),
    N_ ("受付番号の範囲を広げるか、窓口で案内してください。") },
  { "registry.backup", registry_error_quark, 13, 102, N_ ("バックアップに失敗しました"),
    N_ ("書き込み先の空きと権限を確かめてください。途中のファイルは消しました。") },
  { "registry.enrol", registry_error_quark, 14, 103,
    N_ ("端末の登録 (認証局・証明書・鍵) に失敗しました"),
    N_ ("認証局のディレクトリと権限を確かめ、詳細を添えて IT 担当へ連絡してください。") },
  { "registry.serve", registry_error_quark, 15, 104, N_ ("住民記録サービスを開始できません"),
    N_ ("TLS の証明書と鍵、待ち受けアドレスの指定を確かめてください。") },
  { "registry.unavailable", registry_error_quark, 16, 105,
    N_ ("データベースサーバーとの接続が切れました"),
    N_ ("しばらくしてからもう一度お試しください。続くときはデータベースサーバーの状態を IT "
        "担当が確かめてください。") },
  { "sync.network", mado_sync_error_quark, MADO_SYNC_ERROR_NETWORK, 110,
    N_ ("住民記録システムに接続できません"),
    N_ ("ネットワークと住民記録システムの状態を確かめてください。送信待ちの記録は消えず、つながり次"
        "第送ります。") },
  { "sync.tls", mado_sync_error_quark, MADO_SYNC_ERROR_TLS, 111,
    N_ ("住民記録システムとの暗号化通信 (TLS) を確立できません"),
    N_ ("[registry] ca の認証局と、端末の証明書 (client-certificate) が有効で登録済みか IT "
        "担当が確かめてください。") },
  { "sync.timeout", mado_sync_error_quark, MADO_SYNC_ERROR_TIMEOUT, 112,
    N_ ("住民記録システムが時間内に応答しません"),
    N_ ("しばらくしてからもう一度お試しください。送信待ちの記録は消えていません。") },
  { "sync.protocol", mado_sync_error_quark, MADO_SYNC_ERROR_PROTOCOL, 113,
    N_ ("住民記録システムの応答が取り決めに合いません"),
    N_ ("[registry] url が住民記録システムを指しているか確かめ、詳細を添えて IT "
        "担当へ連絡してください。") },
  { "sync.rejected", mado_sync_error_quark, MADO_SYNC_ERROR_REJECTED, 114,
    N_ ("住民記録システムが依頼を受け付けませんでした"),
    N_ ("表示された理由を確かめてください。記録は保留として残り、職員が確認できます。") },
  { "sync.config", mado_sync_error_quark, MADO_SYNC_ERROR_CONFIG, 115,
    N_ ("住民記録システムへの接続設定を使えません"),
    N_ ("[registry] の url・client-certificate・client-key・ca を docs/configuration.md "
        "に沿って直してください。") },
  { "sync.invalid", mado_sync_error_quark, MADO_SYNC_ERROR_INVALID, 116,
    N_ ("送れない形の依頼です"),
    N_ ("送り元のプログラムの不具合です。IT 担当へ連絡してください。") },
  { "http.tls", http_error_quark, 1, 120, N_ ("TLS の証明書・鍵・CA ファイルを使えません"),
    N_ ("ファイルのパスと権限、PEM 形式であること、鍵が証明書と対であることを確かめてください。") },
  { "http.listen", http_error_quark, 2, 121, N_ ("指定のアドレスで待ち受けできません"),
    N_ ("アドレスの形 (127.0.0.1:8443、[::1]:8443) "
        "と、そのポートを別のプログラムが使っていないかを確かめてください。") },
  { NULL, NULL, 0, 0, NULL, NULL },
};

static const MadoErrorEntry generic_entry
    = { "app.unknown",
        NULL,
        0,
        1,
        N_ ("予期しないエラーが起きました"),
        N_ ("表示された詳細を添えて IT 担当に連絡してください。") };

const MadoErrorEntry *
mado_error_catalogue (void)
{
  return catalogue;
}

const MadoErrorEntry *
mado_error_lookup (const GError *error)
{
  if (error == NULL)
    return &generic_entry;
  for (const MadoErrorEntry *e = catalogue; e->id != NULL; e++)
    if (error->domain == e->domain () && error->code == e->code)
      return e;
  return &generic_entry;
}

int
mado_error_exit_code (const GError *error)
{
  return mado_error_lookup (error)->exit_code;
}

void
mado_error_print (FILE *stream, const char *program, const GError *error)
{
  const MadoErrorEntry *e = mado_error_lookup (error);
  fprintf (stream, "%s: %s [%s]\n", program, _ (e->summary), e->id);
  if (error != NULL && error->message != NULL)
    fprintf (stream, "  %s\n", error->message);
  fprintf (stream, "  %s %s\n", _ ("対処:"), _ (e->remedy));
}
