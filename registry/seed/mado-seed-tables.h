/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-seed-tables.h — the seed's word lists (private to mado-seed.c): common Japanese surnames
 * and given names by era with their readings, the demo city's 町字 (千代田区), other
 * municipalities for 転入前住所 and 本籍, building names for 方書, and foreign residents'
 * nationalities, names and 在留資格. Real common words, combined at random: no real person.
 * Readings are katakana, as the model keeps 振り仮名 (標準仕様 j180).
 */
#pragma once

#include <glib.h>

typedef struct
{
  const char *written; /* as registered */
  const char *reading; /* katakana */
} SeedName;

/* About the 200 most common surnames, most common first (the seed draws with a skew toward the
 * top). A few are in their registered variant forms (髙橋, 齋藤, 渡邊), one with a variation
 * selector (渡邉 U+9089 U+E0110) and one outside the BMP (𠮷田 U+20BB7): real registrations
 * have them, and every round trip must keep them. */
static const SeedName seed_surnames[] = {
  { "佐藤", "サトウ" },
  { "鈴木", "スズキ" },
  { "高橋", "タカハシ" },
  { "田中", "タナカ" },
  { "伊藤", "イトウ" },
  { "渡辺", "ワタナベ" },
  { "山本", "ヤマモト" },
  { "中村", "ナカムラ" },
  { "小林", "コバヤシ" },
  { "加藤", "カトウ" },
  { "吉田", "ヨシダ" },
  { "山田", "ヤマダ" },
  { "佐々木", "ササキ" },
  { "山口", "ヤマグチ" },
  { "松本", "マツモト" },
  { "井上", "イノウエ" },
  { "木村", "キムラ" },
  { "林", "ハヤシ" },
  { "斎藤", "サイトウ" },
  { "清水", "シミズ" },
  { "山崎", "ヤマザキ" },
  { "森", "モリ" },
  { "池田", "イケダ" },
  { "橋本", "ハシモト" },
  { "阿部", "アベ" },
  { "石川", "イシカワ" },
  { "山下", "ヤマシタ" },
  { "中島", "ナカジマ" },
  { "石井", "イシイ" },
  { "小川", "オガワ" },
  { "前田", "マエダ" },
  { "岡田", "オカダ" },
  { "長谷川", "ハセガワ" },
  { "藤田", "フジタ" },
  { "後藤", "ゴトウ" },
  { "近藤", "コンドウ" },
  { "村上", "ムラカミ" },
  { "遠藤", "エンドウ" },
  { "青木", "アオキ" },
  { "坂本", "サカモト" },
  { "斉藤", "サイトウ" },
  { "福田", "フクダ" },
  { "太田", "オオタ" },
  { "西村", "ニシムラ" },
  { "藤井", "フジイ" },
  { "金子", "カネコ" },
  { "岡本", "オカモト" },
  { "藤原", "フジワラ" },
  { "中野", "ナカノ" },
  { "三浦", "ミウラ" },
  { "原田", "ハラダ" },
  { "中川", "ナカガワ" },
  { "松田", "マツダ" },
  { "竹内", "タケウチ" },
  { "小野", "オノ" },
  { "田村", "タムラ" },
  { "中山", "ナカヤマ" },
  { "和田", "ワダ" },
  { "石田", "イシダ" },
  { "森田", "モリタ" },
  { "上田", "ウエダ" },
  { "原", "ハラ" },
  { "内田", "ウチダ" },
  { "柴田", "シバタ" },
  { "酒井", "サカイ" },
  { "宮崎", "ミヤザキ" },
  { "横山", "ヨコヤマ" },
  { "高木", "タカギ" },
  { "安藤", "アンドウ" },
  { "宮本", "ミヤモト" },
  { "大野", "オオノ" },
  { "小島", "コジマ" },
  { "谷口", "タニグチ" },
  { "今井", "イマイ" },
  { "工藤", "クドウ" },
  { "高田", "タカダ" },
  { "増田", "マスダ" },
  { "丸山", "マルヤマ" },
  { "杉山", "スギヤマ" },
  { "村田", "ムラタ" },
  { "大塚", "オオツカ" },
  { "小山", "コヤマ" },
  { "藤本", "フジモト" },
  { "平野", "ヒラノ" },
  { "新井", "アライ" },
  { "河野", "コウノ" },
  { "上野", "ウエノ" },
  { "野口", "ノグチ" },
  { "武田", "タケダ" },
  { "松井", "マツイ" },
  { "千葉", "チバ" },
  { "岩崎", "イワサキ" },
  { "菅原", "スガワラ" },
  { "木下", "キノシタ" },
  { "久保", "クボ" },
  { "佐野", "サノ" },
  { "野村", "ノムラ" },
  { "松尾", "マツオ" },
  { "市川", "イチカワ" },
  { "菊地", "キクチ" },
  { "杉本", "スギモト" },
  { "古川", "フルカワ" },
  { "大西", "オオニシ" },
  { "島田", "シマダ" },
  { "水野", "ミズノ" },
  { "桜井", "サクライ" },
  { "高野", "タカノ" },
  { "渡部", "ワタナベ" },
  { "吉川", "ヨシカワ" },
  { "山内", "ヤマウチ" },
  { "西田", "ニシダ" },
  { "飯田", "イイダ" },
  { "菊池", "キクチ" },
  { "西川", "ニシカワ" },
  { "小松", "コマツ" },
  { "北村", "キタムラ" },
  { "安田", "ヤスダ" },
  { "五十嵐", "イガラシ" },
  { "川口", "カワグチ" },
  { "平田", "ヒラタ" },
  { "関", "セキ" },
  { "中田", "ナカタ" },
  { "久保田", "クボタ" },
  { "服部", "ハットリ" },
  { "東", "ヒガシ" },
  { "岩田", "イワタ" },
  { "土屋", "ツチヤ" },
  { "川崎", "カワサキ" },
  { "福島", "フクシマ" },
  { "本田", "ホンダ" },
  { "辻", "ツジ" },
  { "樋口", "ヒグチ" },
  { "秋山", "アキヤマ" },
  { "田口", "タグチ" },
  { "永井", "ナガイ" },
  { "山中", "ヤマナカ" },
  { "中西", "ナカニシ" },
  { "吉村", "ヨシムラ" },
  { "川上", "カワカミ" },
  { "石原", "イシハラ" },
  { "大橋", "オオハシ" },
  { "松岡", "マツオカ" },
  { "馬場", "ババ" },
  { "浅野", "アサノ" },
  { "荒木", "アラキ" },
  { "大久保", "オオクボ" },
  { "野田", "ノダ" },
  { "小池", "コイケ" },
  { "松下", "マツシタ" },
  { "熊谷", "クマガイ" },
  { "菅野", "カンノ" },
  { "田辺", "タナベ" },
  { "川村", "カワムラ" },
  { "大島", "オオシマ" },
  { "星野", "ホシノ" },
  { "黒田", "クロダ" },
  { "堀", "ホリ" },
  { "尾崎", "オザキ" },
  { "望月", "モチヅキ" },
  { "永田", "ナガタ" },
  { "松浦", "マツウラ" },
  { "内藤", "ナイトウ" },
  { "荒井", "アライ" },
  { "平井", "ヒライ" },
  { "大川", "オオカワ" },
  { "早川", "ハヤカワ" },
  { "松村", "マツムラ" },
  { "竹田", "タケダ" },
  { "岡崎", "オカザキ" },
  { "小田", "オダ" },
  { "中尾", "ナカオ" },
  { "西山", "ニシヤマ" },
  { "片山", "カタヤマ" },
  { "高山", "タカヤマ" },
  { "北川", "キタガワ" },
  { "福井", "フクイ" },
  { "成田", "ナリタ" },
  { "岡", "オカ" },
  { "富田", "トミタ" },
  { "小西", "コニシ" },
  { "小沢", "オザワ" },
  { "上原", "ウエハラ" },
  { "関口", "セキグチ" },
  { "村井", "ムライ" },
  { "杉田", "スギタ" },
  { "坂口", "サカグチ" },
  { "大谷", "オオタニ" },
  { "宮田", "ミヤタ" },
  { "矢野", "ヤノ" },
  { "桑原", "クワハラ" },
  { "今村", "イマムラ" },
  { "髙橋", "タカハシ" },
  { "齋藤", "サイトウ" },
  { "渡邊", "ワタナベ" },
  { "渡\u9089\U000E0110", "ワタナベ" },
  { "\U00020BB7田", "ヨシダ" },
};

/* Given names by the era of birth (naming fashions change): before 1960, 1960–1989, 1990 on. */
static const SeedName seed_male_old[] = {
  { "清", "キヨシ" },       { "茂", "シゲル" },     { "博", "ヒロシ" },     { "実", "ミノル" },
  { "勇", "イサム" },       { "進", "ススム" },     { "弘", "ヒロシ" },     { "正", "タダシ" },
  { "勝", "マサル" },       { "隆", "タカシ" },     { "修", "オサム" },     { "武", "タケシ" },
  { "昭", "アキラ" },       { "稔", "ミノル" },     { "豊", "ユタカ" },     { "和夫", "カズオ" },
  { "正男", "マサオ" },     { "一郎", "イチロウ" }, { "健一", "ケンイチ" }, { "幸雄", "ユキオ" },
  { "義雄", "ヨシオ" },     { "三郎", "サブロウ" }, { "昭二", "ショウジ" }, { "光男", "ミツオ" },
  { "秀夫", "ヒデオ" },     { "敏夫", "トシオ" },   { "茂雄", "シゲオ" },   { "久雄", "ヒサオ" },
  { "正一", "ショウイチ" }, { "忠", "タダシ" },
};
static const SeedName seed_male_mid[] = {
  { "誠", "マコト" },     { "浩", "ヒロシ" },     { "健", "ケン" },       { "大輔", "ダイスケ" },
  { "拓也", "タクヤ" },   { "直樹", "ナオキ" },   { "和也", "カズヤ" },   { "達也", "タツヤ" },
  { "哲也", "テツヤ" },   { "剛", "ツヨシ" },     { "学", "マナブ" },     { "聡", "サトシ" },
  { "淳", "ジュン" },     { "健太", "ケンタ" },   { "隆之", "タカユキ" }, { "秀樹", "ヒデキ" },
  { "浩二", "コウジ" },   { "健二", "ケンジ" },   { "雅之", "マサユキ" }, { "裕介", "ユウスケ" },
  { "亮", "リョウ" },     { "智之", "トモユキ" }, { "康弘", "ヤスヒロ" }, { "洋平", "ヨウヘイ" },
  { "慎一", "シンイチ" }, { "一樹", "カズキ" },   { "翔", "ショウ" },     { "大介", "ダイスケ" },
  { "隆", "タカシ" },     { "正樹", "マサキ" },
};
static const SeedName seed_male_young[] = {
  { "蓮", "レン" },         { "陽翔", "ハルト" }, { "湊", "ミナト" },
  { "大翔", "ヒロト" },     { "蒼", "アオイ" },   { "樹", "イツキ" },
  { "悠真", "ユウマ" },     { "陽太", "ヨウタ" }, { "颯太", "ソウタ" },
  { "翔太", "ショウタ" },   { "大和", "ヤマト" }, { "悠人", "ユウト" },
  { "海斗", "カイト" },     { "拓海", "タクミ" }, { "優斗", "ユウト" },
  { "駿", "シュン" },       { "翼", "ツバサ" },   { "結翔", "ユイト" },
  { "律", "リツ" },         { "朝陽", "アサヒ" }, { "碧", "アオ" },
  { "奏太", "ソウタ" },     { "陸", "リク" },     { "健太郎", "ケンタロウ" },
  { "涼介", "リョウスケ" }, { "大輝", "ダイキ" }, { "蒼空", "ソラ" },
  { "悠斗", "ハルト" },     { "颯", "ハヤテ" },   { "新", "アラタ" },
};
static const SeedName seed_female_old[] = {
  { "和子", "カズコ" }, { "幸子", "サチコ" },   { "洋子", "ヨウコ" },   { "節子", "セツコ" },
  { "恵子", "ケイコ" }, { "京子", "キョウコ" }, { "美智子", "ミチコ" }, { "久子", "ヒサコ" },
  { "弘子", "ヒロコ" }, { "順子", "ジュンコ" }, { "悦子", "エツコ" },   { "文子", "フミコ" },
  { "静子", "シズコ" }, { "千代子", "チヨコ" }, { "清子", "キヨコ" },   { "光子", "ミツコ" },
  { "正子", "マサコ" }, { "信子", "ノブコ" },   { "良子", "ヨシコ" },   { "敏子", "トシコ" },
  { "春子", "ハルコ" }, { "美代子", "ミヨコ" }, { "孝子", "タカコ" },   { "栄子", "エイコ" },
  { "ハナ", "ハナ" },   { "キヨ", "キヨ" },     { "フミ", "フミ" },     { "トシ子", "トシコ" },
  { "照子", "テルコ" }, { "房子", "フサコ" },
};
static const SeedName seed_female_mid[] = {
  { "由美子", "ユミコ" }, { "直美", "ナオミ" },   { "裕子", "ユウコ" },   { "真由美", "マユミ" },
  { "久美子", "クミコ" }, { "智子", "トモコ" },   { "明美", "アケミ" },   { "陽子", "ヨウコ" },
  { "恵美", "エミ" },     { "香織", "カオリ" },   { "美香", "ミカ" },     { "愛", "アイ" },
  { "恵", "メグミ" },     { "綾", "アヤ" },       { "麻衣", "マイ" },     { "彩", "アヤ" },
  { "舞", "マイ" },       { "沙織", "サオリ" },   { "直子", "ナオコ" },   { "美穂", "ミホ" },
  { "理恵", "リエ" },     { "由香", "ユカ" },     { "純子", "ジュンコ" }, { "真理子", "マリコ" },
  { "千尋", "チヒロ" },   { "亜希子", "アキコ" }, { "奈々", "ナナ" },     { "早苗", "サナエ" },
  { "美紀", "ミキ" },     { "絵美", "エミ" },
};
static const SeedName seed_female_young[] = {
  { "陽葵", "ヒマリ" },   { "凛", "リン" },     { "結菜", "ユイナ" }, { "葵", "アオイ" },
  { "芽依", "メイ" },     { "紬", "ツムギ" },   { "美咲", "ミサキ" }, { "結衣", "ユイ" },
  { "さくら", "サクラ" }, { "陽菜", "ヒナ" },   { "莉子", "リコ" },   { "愛菜", "マナ" },
  { "花", "ハナ" },       { "杏", "アン" },     { "澪", "ミオ" },     { "心春", "コハル" },
  { "彩花", "アヤカ" },   { "七海", "ナナミ" }, { "美羽", "ミウ" },   { "優奈", "ユウナ" },
  { "楓", "カエデ" },     { "琴音", "コトネ" }, { "咲良", "サクラ" }, { "茜", "アカネ" },
  { "詩", "ウタ" },       { "美月", "ミヅキ" }, { "結愛", "ユア" },   { "ひなた", "ヒナタ" },
  { "芽衣", "メイ" },     { "杏奈", "アンナ" },
};

/* The demo city's 町字 (千代田区; 郵便番号 as the city's). `chome` is the number of 丁目 (0: the
 * 町 has none); `weight` is how residential it is. The 住所コード's 大字 is the row (1-based),
 * the 小字 the 丁目: our numbering, not the city's address dictionary. */
typedef struct
{
  const char *name;
  guint chome;
  const char *postal_code;
  guint weight;
} SeedTown;

static const SeedTown seed_towns[] = {
  { "飯田橋", 4, "102-0072", 6 },       { "一番町", 0, "102-0082", 6 },
  { "二番町", 0, "102-0084", 5 },       { "三番町", 0, "102-0075", 5 },
  { "四番町", 0, "102-0081", 5 },       { "五番町", 0, "102-0076", 4 },
  { "六番町", 0, "102-0085", 5 },       { "九段北", 4, "102-0073", 6 },
  { "九段南", 4, "102-0074", 5 },       { "麹町", 6, "102-0083", 8 },
  { "平河町", 2, "102-0093", 3 },       { "紀尾井町", 0, "102-0094", 1 },
  { "隼町", 0, "102-0092", 1 },         { "富士見", 2, "102-0071", 6 },
  { "神田駿河台", 4, "101-0062", 3 },   { "神田神保町", 3, "101-0051", 4 },
  { "神田小川町", 3, "101-0052", 2 },   { "神田錦町", 3, "101-0054", 2 },
  { "神田淡路町", 2, "101-0063", 3 },   { "神田須田町", 2, "101-0041", 3 },
  { "神田佐久間町", 4, "101-0025", 4 }, { "神田和泉町", 0, "101-0024", 2 },
  { "神田練塀町", 0, "101-0022", 2 },   { "神田松永町", 0, "101-0023", 1 },
  { "神田岩本町", 0, "101-0033", 2 },   { "神田東松下町", 0, "101-0042", 2 },
  { "神田司町", 2, "101-0048", 2 },     { "神田多町", 2, "101-0046", 2 },
  { "内神田", 3, "101-0047", 3 },       { "東神田", 3, "101-0031", 4 },
  { "西神田", 3, "101-0065", 3 },       { "岩本町", 3, "101-0032", 4 },
  { "外神田", 6, "101-0021", 4 },       { "猿楽町", 2, "101-0064", 3 },
  { "三崎町", 3, "101-0061", 3 },       { "一ツ橋", 2, "101-0003", 1 },
  { "鍛冶町", 2, "101-0044", 2 },       { "永田町", 2, "100-0014", 1 },
  { "霞が関", 3, "100-0013", 1 },       { "内幸町", 2, "100-0011", 1 },
  { "有楽町", 2, "100-0006", 1 },       { "丸の内", 3, "100-0005", 1 },
  { "大手町", 2, "100-0004", 1 },       { "千代田", 0, "100-0001", 1 },
};

static const char *const seed_chome[]
    = { "", "一丁目", "二丁目", "三丁目", "四丁目", "五丁目", "六丁目" };

/* Elsewhere: 転入前住所 and 本籍 outside the city. */
typedef struct
{
  const char *municipality;
  const char *town;
} SeedPlace;

static const SeedPlace seed_places[] = {
  { "東京都新宿区", "西新宿" },         { "東京都世田谷区", "三軒茶屋" },
  { "東京都練馬区", "光が丘" },         { "東京都八王子市", "明神町" },
  { "東京都文京区", "本駒込" },         { "東京都江東区", "豊洲" },
  { "神奈川県横浜市港北区", "日吉" },   { "神奈川県川崎市中原区", "小杉町" },
  { "埼玉県さいたま市浦和区", "高砂" }, { "千葉県千葉市中央区", "中央" },
  { "千葉県船橋市", "本町" },           { "大阪府大阪市北区", "梅田" },
  { "愛知県名古屋市中区", "栄" },       { "北海道札幌市中央区", "北一条西" },
  { "宮城県仙台市青葉区", "一番町" },   { "福岡県福岡市博多区", "博多駅前" },
  { "広島県広島市中区", "紙屋町" },     { "京都府京都市左京区", "北白川" },
  { "兵庫県神戸市中央区", "三宮町" },   { "新潟県新潟市中央区", "古町通" },
  { "静岡県静岡市葵区", "呉服町" },     { "長野県長野市", "大字鶴賀" },
  { "茨城県水戸市", "南町" },           { "栃木県宇都宮市", "本町" },
  { "群馬県前橋市", "千代田町" },       { "岡山県岡山市北区", "表町" },
  { "熊本県熊本市中央区", "手取本町" }, { "鹿児島県鹿児島市", "山之口町" },
  { "沖縄県那覇市", "久茂地" },         { "青森県青森市", "新町" },
  { "石川県金沢市", "香林坊" },         { "愛媛県松山市", "大街道" },
};

/* 方書: a brand and the 町 (パークハウス麹町1203), or a small building named after its owner
 * (コーポ鈴木201). */
static const char *const seed_building_brands[] = {
  "パークハウス", "プラウド",         "ライオンズマンション", "グランドメゾン", "ブリリア",
  "パークコート", "ザ・パークハウス", "クレストフォルム",     "ルネ",           "シティハウス",
};
static const char *const seed_building_small[] = {
  "コーポ", "メゾン", "ハイツ", "パレス", "レジデンス", "ヴィラ",
};

/* Foreign residents: names with the alphabet form (氏名（アルファベット）), the reading and,
 * for kanji-using countries, the registered kanji. */
typedef struct
{
  const char *latin;
  const char *reading;
  const char *kanji; /* NULL: the alphabet name is the 氏名 */
} SeedForeignName;

typedef struct
{
  const char *nationality; /* 国籍・地域 as registered */
  guint weight;            /* share of foreign residents, per mille (2024 order of size) */
  const SeedForeignName *family;
  guint n_family;
  const SeedForeignName *male;
  guint n_male;
  const SeedForeignName *female;
  guint n_female;
  gboolean keeps_surname;        /* a wife keeps her own family name */
  guint special_permanent_share; /* 特別永住者, percent */
} SeedNationality;

static const SeedForeignName cn_family[] = {
  { "WANG", "ワン", "王" },    { "LI", "リ", "李" },       { "ZHANG", "チャン", "張" },
  { "LIU", "リュウ", "劉" },   { "CHEN", "チェン", "陳" }, { "YANG", "ヤン", "楊" },
  { "HUANG", "ホアン", "黄" }, { "ZHAO", "チャオ", "趙" }, { "ZHOU", "チョウ", "周" },
  { "WU", "ウー", "呉" },
};
static const SeedForeignName cn_male[] = {
  { "WEI", "ウェイ", "偉" }, { "QIANG", "チアン", "強" }, { "LEI", "レイ", "磊" },
  { "JUN", "ジュン", "軍" }, { "YANG", "ヤン", "洋" },    { "HAO", "ハオ", "浩" },
  { "MING", "ミン", "明" },  { "JIE", "ジエ", "傑" },
};
static const SeedForeignName cn_female[] = {
  { "FANG", "ファン", "芳" },        { "NA", "ナー", "娜" },
  { "XIUYING", "シウイン", "秀英" }, { "MIN", "ミン", "敏" },
  { "JING", "ジン", "静" },          { "LI", "リー", "麗" },
  { "YULIN", "ユウリン", "玉蓮" },   { "XIAOMEI", "シャオメイ", "小梅" },
};
static const SeedForeignName kr_family[] = {
  { "KIM", "キム", "金" },  { "LEE", "イ", "李" },      { "PARK", "パク", "朴" },
  { "CHOI", "チェ", "崔" }, { "JUNG", "チョン", "鄭" }, { "KANG", "カン", "姜" },
};
static const SeedForeignName kr_male[] = {
  { "MINJUN", "ミンジュン", "民俊" },   { "SUNGHO", "ソンホ", "成浩" },
  { "JIHOON", "ジフン", "志勲" },       { "YOUNGSOO", "ヨンス", "永洙" },
  { "DONGHYUN", "ドンヒョン", "東賢" },
};
static const SeedForeignName kr_female[] = {
  { "SEOYEON", "ソヨン", "瑞妍" }, { "JIEUN", "ジウン", "智恩" },  { "YOUNGHEE", "ヨンヒ", "英姫" },
  { "MINJI", "ミンジ", "旼智" },   { "SOOJIN", "スジン", "秀珍" },
};
static const SeedForeignName vn_family[] = {
  { "NGUYEN", "グエン", NULL }, { "TRAN", "チャン", NULL },  { "LE", "レ", NULL },
  { "PHAM", "ファム", NULL },   { "HOANG", "ホアン", NULL }, { "VU", "ヴー", NULL },
  { "DANG", "ダン", NULL },     { "BUI", "ブイ", NULL },
};
static const SeedForeignName vn_male[] = {
  { "VAN MINH", "ヴァン ミン", NULL },     { "DUC ANH", "ドゥック アイン", NULL },
  { "VAN HUNG", "ヴァン フン", NULL },     { "QUANG HUY", "クアン フイ", NULL },
  { "THANH TUNG", "タイン トゥン", NULL },
};
static const SeedForeignName vn_female[] = {
  { "THI LINH", "ティ リン", NULL },     { "THI THAO", "ティ タオ", NULL },
  { "THI HUONG", "ティ フオン", NULL },  { "THU TRANG", "トゥー チャン", NULL },
  { "NGOC ANH", "ゴック アイン", NULL },
};
static const SeedForeignName ph_family[] = {
  { "SANTOS", "サントス", NULL },       { "REYES", "レイエス", NULL },
  { "CRUZ", "クルス", NULL },           { "GARCIA", "ガルシア", NULL },
  { "BAUTISTA", "バウティスタ", NULL }, { "MENDOZA", "メンドーサ", NULL },
};
static const SeedForeignName ph_male[] = {
  { "JOSE", "ホセ", NULL },
  { "MARK", "マーク", NULL },
  { "JOHN PAUL", "ジョン ポール", NULL },
  { "RAMON", "ラモン", NULL },
};
static const SeedForeignName ph_female[] = {
  { "MARIA", "マリア", NULL },
  { "ANGELICA", "アンジェリカ", NULL },
  { "CHRISTINE", "クリスティン", NULL },
  { "MARY GRACE", "メアリー グレース", NULL },
};
static const SeedForeignName br_family[] = {
  { "SILVA", "シルバ", NULL }, { "SANTOS", "サントス", NULL },  { "OLIVEIRA", "オリベイラ", NULL },
  { "SOUZA", "ソウザ", NULL }, { "PEREIRA", "ペレイラ", NULL }, { "COSTA", "コスタ", NULL },
};
static const SeedForeignName br_male[] = {
  { "LUCAS", "ルーカス", NULL },
  { "GABRIEL", "ガブリエル", NULL },
  { "RAFAEL", "ハファエル", NULL },
  { "PEDRO", "ペドロ", NULL },
};
static const SeedForeignName br_female[] = {
  { "ANA", "アナ", NULL },
  { "JULIANA", "ジュリアナ", NULL },
  { "BEATRIZ", "ベアトリス", NULL },
  { "LARISSA", "ラリッサ", NULL },
};
static const SeedForeignName np_family[] = {
  { "GURUNG", "グルン", NULL }, { "TAMANG", "タマン", NULL }, { "SHRESTHA", "シュレスタ", NULL },
  { "RAI", "ライ", NULL },      { "THAPA", "タパ", NULL },
};
static const SeedForeignName np_male[] = {
  { "RAM", "ラム", NULL },
  { "BIKASH", "ビカス", NULL },
  { "SURESH", "スレス", NULL },
  { "ANIL", "アニル", NULL },
};
static const SeedForeignName np_female[] = {
  { "SITA", "シタ", NULL },
  { "ANITA", "アニタ", NULL },
  { "SABINA", "サビナ", NULL },
  { "PUJA", "プジャ", NULL },
};
static const SeedForeignName id_family[] = {
  { "SAPUTRA", "サプトラ", NULL },
  { "LESTARI", "レスタリ", NULL },
  { "WIJAYA", "ウィジャヤ", NULL },
  { "HIDAYAT", "ヒダヤット", NULL },
};
static const SeedForeignName id_male[] = {
  { "ADI", "アディ", NULL },
  { "BUDI", "ブディ", NULL },
  { "RIZKI", "リズキ", NULL },
  { "AGUS", "アグス", NULL },
};
static const SeedForeignName id_female[] = {
  { "DEWI", "デウィ", NULL },
  { "SITI", "シティ", NULL },
  { "PUTRI", "プトゥリ", NULL },
  { "AYU", "アユ", NULL },
};
static const SeedForeignName us_family[] = {
  { "SMITH", "スミス", NULL },          { "JOHNSON", "ジョンソン", NULL },
  { "WILLIAMS", "ウィリアムズ", NULL }, { "BROWN", "ブラウン", NULL },
  { "JONES", "ジョーンズ", NULL },      { "MILLER", "ミラー", NULL },
};
static const SeedForeignName us_male[] = {
  { "JAMES", "ジェームズ", NULL },
  { "MICHAEL", "マイケル", NULL },
  { "DAVID", "デビッド", NULL },
  { "DANIEL", "ダニエル", NULL },
};
static const SeedForeignName us_female[] = {
  { "EMILY", "エミリー", NULL },
  { "SARAH", "サラ", NULL },
  { "JESSICA", "ジェシカ", NULL },
  { "KATE", "ケイト", NULL },
};

#define SEED_NAMES(x) x, G_N_ELEMENTS (x)

static const SeedNationality seed_nationalities[] = {
  { "中国", 260, SEED_NAMES (cn_family), SEED_NAMES (cn_male), SEED_NAMES (cn_female), TRUE, 0 },
  { "ベトナム", 170, SEED_NAMES (vn_family), SEED_NAMES (vn_male), SEED_NAMES (vn_female), TRUE,
    0 },
  { "韓国", 130, SEED_NAMES (kr_family), SEED_NAMES (kr_male), SEED_NAMES (kr_female), TRUE, 55 },
  { "朝鮮", 8, SEED_NAMES (kr_family), SEED_NAMES (kr_male), SEED_NAMES (kr_female), TRUE, 100 },
  { "フィリピン", 95, SEED_NAMES (ph_family), SEED_NAMES (ph_male), SEED_NAMES (ph_female), FALSE,
    0 },
  { "ブラジル", 60, SEED_NAMES (br_family), SEED_NAMES (br_male), SEED_NAMES (br_female), FALSE,
    0 },
  { "ネパール", 60, SEED_NAMES (np_family), SEED_NAMES (np_male), SEED_NAMES (np_female), TRUE, 0 },
  { "インドネシア", 50, SEED_NAMES (id_family), SEED_NAMES (id_male), SEED_NAMES (id_female), TRUE,
    0 },
  { "米国", 20, SEED_NAMES (us_family), SEED_NAMES (us_male), SEED_NAMES (us_female), FALSE, 0 },
};

/* 在留資格 of 中長期在留者. `family`: may bring a family (the others live alone or in a shared
 * house); dependants get `dependant`. 永住者 has no 在留期間 (periods NULL): no 在留期間 and no
 * 在留期間の満了の日 (mado_status_of_residence_is_indefinite). */
typedef struct
{
  const char *status;
  const char *periods[3];
  guint weight;
  gboolean family;
  const char *dependant;
} SeedStatus;

static const SeedStatus seed_statuses[] = {
  { "技術・人文知識・国際業務", { "5年", "3年", "1年" }, 30, TRUE, "家族滞在" },
  { "留学", { "4年3月", "2年", "1年" }, 15, FALSE, NULL },
  { "技能実習", { "1年", "1年", "6月" }, 10, FALSE, NULL },
  { "特定技能", { "1年", "1年", "6月" }, 10, FALSE, NULL },
  { "定住者", { "5年", "3年", "1年" }, 8, TRUE, "定住者" },
  { "日本人の配偶者等", { "3年", "1年", "5年" }, 6, FALSE, NULL },
  { "永住者の配偶者等", { "3年", "1年", "5年" }, 3, FALSE, NULL },
  { "経営・管理", { "3年", "1年", "5年" }, 5, TRUE, "家族滞在" },
  { "特定活動", { "1年", "6月", "3月" }, 4, FALSE, NULL },
  { "教授", { "5年", "3年", "1年" }, 2, TRUE, "家族滞在" },
  { "高度専門職1号ロ", { "5年", "5年", "5年" }, 3, TRUE, "家族滞在" },
  { "企業内転勤", { "3年", "1年", "5年" }, 4, TRUE, "家族滞在" },
  { "永住者", { NULL, NULL, NULL }, 20, TRUE, "永住者の配偶者等" },
};
