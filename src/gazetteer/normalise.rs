//! Place-name keys for matching: one key per spelling family, so that "Khan Sheikhun",
//! "Khan Shaykhun", "Khan Cheikhoun", "KHAN SHEIKHOUN" and "Khān Shaykhūn" all give the same
//! key, and "خان شيخون" gives the same Arabic key however it is vowelled.
//!
//! Latin names: case-fold, diacritics to plain letters (a table, no Unicode database), ʿayn and
//! hamza marks dropped, the article ("al-", "el-", "ash-", "ad-" …) dropped, then a phonetic
//! key: sch/ch → sh, kh → k, q → k, gh → g, th → t, dh → d, ph → f, dj → j, w after a vowel → u, doubled
//! letters once, a final "h" after a vowel dropped, and every run of vowels (y included, except
//! at the start of a word) written as one "a". The key is deliberately coarse: it is only used to
//! find candidates, which are then ranked (exact spelling first, then population).
//!
//! Arabic names: tashkeel and tatweel stripped, alef forms (أ إ آ ٱ) → ا, ة → ه, ى → ي, ؤ → و,
//! ئ → ي, and the article ال dropped from words longer than three letters.

/// One word of a text or name, as matching sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Byte range of the word in the text it came from (for a name: in the name).
    pub start: usize,
    pub end: usize,
    /// The word's key, or empty for an article ("al", "el", "ال" alone …).
    pub key: String,
    /// Latin word starting with an upper-case letter.
    pub capitalised: bool,
    /// Written in Arabic script.
    pub arabic: bool,
}

/// The articles dropped from Latin names (as separate words, after splitting on hyphens).
const ARTICLES: &[&str] = &[
    "al", "el", "il", "ul", "ad", "ed", "ash", "esh", "as", "es", "at", "et", "ar", "er", "az",
    "ez", "an", "en", "adh", "ath", "dh", "ech",
];

/// Folds one Latin character to lower-case ASCII letters; `None` for a mark to drop
/// (apostrophes, ʿayn, hamza), `Some("")` never.
fn fold_char(c: char) -> Option<&'static str> {
    let s = match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' => return None, // handled by the caller
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'ă' | 'ą' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å'
        | 'Ā' | 'Ă' | 'Ą' | 'ạ' | 'Ạ' | 'ả' | 'ǎ' => "a",
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' | 'Ç' | 'Ć' | 'Č' => "c",
        'ď' | 'đ' | 'ḍ' | 'ḏ' | 'Ď' | 'Đ' | 'Ḍ' | 'Ḏ' => "d",
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'ẹ' | 'É' | 'È' | 'Ê' | 'Ë' | 'Ē'
        | 'Ė' | 'Ę' | 'Ě' | 'Ẹ' | 'ə' | 'Ə' | 'ẽ' => "e",
        'ğ' | 'ǧ' | 'ġ' | 'ģ' | 'Ğ' | 'Ǧ' | 'Ġ' | 'Ģ' => "g",
        'ḥ' | 'ḩ' | 'ħ' | 'ĥ' | 'ḫ' | 'Ḥ' | 'Ḩ' | 'Ħ' | 'Ḫ' => "h",
        'í' | 'ì' | 'î' | 'ï' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ị' | 'Í' | 'Ì' | 'Î' | 'Ï' | 'Ī' | 'İ'
        | 'Į' | 'Ị' => "i",
        'ĵ' | 'Ĵ' => "j",
        'ķ' | 'ḳ' | 'Ķ' | 'Ḳ' => "k",
        'ł' | 'ľ' | 'ļ' | 'ĺ' | 'Ł' | 'Ľ' | 'Ļ' | 'Ĺ' => "l",
        'ñ' | 'ń' | 'ň' | 'ņ' | 'Ñ' | 'Ń' | 'Ň' | 'Ņ' => "n",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ō' | 'ŏ' | 'ő' | 'ø' | 'ọ' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ'
        | 'Ō' | 'Ő' | 'Ø' | 'Ọ' => "o",
        'ŕ' | 'ř' | 'ŗ' | 'ṛ' | 'Ŕ' | 'Ř' | 'Ŗ' | 'Ṛ' => "r",
        'ś' | 'ş' | 'š' | 'ṣ' | 'ș' | 'ŝ' | 'Ś' | 'Ş' | 'Š' | 'Ṣ' | 'Ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ṭ' | 'ț' | 'Ť' | 'Ţ' | 'Ṭ' | 'Ț' => "t",
        'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ụ' | 'Ú' | 'Ù' | 'Û' | 'Ü' | 'Ū'
        | 'Ů' | 'Ű' | 'Ų' | 'Ụ' => "u",
        'ý' | 'ÿ' | 'ŷ' | 'Ý' | 'Ÿ' | 'Ŷ' => "y",
        'ź' | 'ž' | 'ż' | 'ẓ' | 'Ź' | 'Ž' | 'Ż' | 'Ẓ' => "z",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'þ' | 'Þ' => "th",
        _ => return None,
    };
    Some(s)
}

/// Marks inside a word that are dropped (ʿayn, hamza, apostrophes).
fn is_mark(c: char) -> bool {
    matches!(
        c,
        '\'' | '’' | '‘' | 'ʿ' | 'ʾ' | 'ʼ' | 'ʻ' | '`' | '´' | 'ʽ' | 'ˈ' | 'ʹ'
    )
}

fn is_arabic(c: char) -> bool {
    matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c) || is_arabic(c) && !is_arabic_punct(c)
}

fn is_arabic_punct(c: char) -> bool {
    matches!(c, '،' | '؛' | '؟' | '٪' | '۔')
}

/// Splits `text` into words (letters, digits and in-word marks; hyphens and spaces separate)
/// and gives each its key. A trailing possessive "'s" is not part of the key ("Aleppo's").
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, is_word_char(c)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                push_word(text, s, i, &mut out);
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn push_word(text: &str, start: usize, end: usize, out: &mut Vec<Word>) {
    let mut raw = &text[start..end];
    // Marks at the edges are quotes, not ʿayn: "‘Aleppo’" → Aleppo.
    let lead = raw.len() - raw.trim_start_matches(is_mark).len();
    raw = raw.trim_start_matches(is_mark);
    let start = start + lead;
    for poss in ["'s", "’s", "'S", "’S"] {
        if let Some(r) = raw.strip_suffix(poss) {
            raw = r;
        }
    }
    raw = raw.trim_end_matches(is_mark);
    if raw.is_empty() {
        return;
    }
    let end = start + raw.len();
    let first = raw.chars().next().unwrap_or(' ');
    let arabic = is_arabic(first);
    let key = if arabic {
        arabic_key(raw)
    } else {
        latin_word_key(raw)
    };
    out.push(Word {
        start,
        end,
        key,
        capitalised: first.is_uppercase(),
        arabic,
    });
}

/// The key of a whole name or query: its words' keys, articles dropped, joined by spaces.
pub fn key(name: &str) -> String {
    let mut out = String::new();
    for w in words(name) {
        if !w.key.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&w.key);
        }
    }
    out
}

/// Lower-case ASCII spelling of a Latin word: diacritics folded, marks dropped.
pub fn fold(word: &str) -> String {
    let mut s = String::with_capacity(word.len());
    for c in word.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if let Some(f) = fold_char(c) {
            s.push_str(f);
        } else if is_mark(c) {
        } else {
            s.extend(c.to_lowercase());
        }
    }
    s
}

/// Phonetic key of one Latin word; empty for an article.
fn latin_word_key(word: &str) -> String {
    let f = fold(word);
    if ARTICLES.contains(&f.as_str()) {
        return String::new();
    }
    phonetic(&f)
}

fn phonetic(f: &str) -> String {
    // One pass: consonant spellings → one unit each ('S' stands for "sh" until the end), vowel
    // runs (y included, except word-initially) → 'a', a unit repeated → once.
    let b = f.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut prev: Option<char> = None;
    let mut i = 0;
    while i < b.len() {
        let two = |x: &[u8]| b[i..].starts_with(x);
        let (unit, n) = if two(b"sch") || two(b"tch") {
            ('S', 3)
        } else if two(b"sh") || two(b"ch") {
            ('S', 2)
        } else if two(b"kh") || two(b"ck") {
            ('k', 2)
        } else if two(b"gh") {
            ('g', 2)
        } else if two(b"th") {
            ('t', 2)
        } else if two(b"dh") {
            ('d', 2)
        } else if two(b"ph") {
            ('f', 2)
        } else if two(b"dj") {
            ('j', 2)
        } else {
            let ch = f[i..].chars().next().unwrap_or(' ');
            let unit = match ch {
                'q' | 'c' => 'k',
                // "aw", "ow" are vowels ("Zawr" = "Zour"); a "w" elsewhere is a consonant.
                'w' if prev == Some('a') => 'a',
                'a' | 'e' | 'i' | 'o' | 'u' => 'a',
                'y' if i > 0 => 'a',
                _ => ch,
            };
            (unit, ch.len_utf8())
        };
        if prev != Some(unit) {
            out.push(unit);
            prev = Some(unit);
        }
        i += n;
    }
    // A final "h" after a vowel is a spelling of the ta marbuta: Hamah = Hama.
    if out.len() > 2 && out.ends_with("ah") {
        out.pop();
    }
    if out.contains('S') {
        out = out.replace('S', "sh");
    }
    out
}

/// Key of one Arabic word: tashkeel stripped, letters unified, article dropped.
pub fn arabic_key(word: &str) -> String {
    let mut s = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{200C}'..='\u{200F}' => {}
            'أ' | 'إ' | 'آ' | 'ٱ' => s.push('ا'),
            'ة' => s.push('ه'),
            'ى' | 'ئ' | 'ی' => s.push('ي'),
            'ؤ' => s.push('و'),
            'ک' => s.push('ك'),
            _ => s.push(c),
        }
    }
    if s.chars().count() > 3
        && let Some(rest) = s.strip_prefix("ال")
    {
        return rest.to_owned();
    }
    if s == "ال" {
        return String::new();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_variants_share_a_key() {
        let k = key("Khan Sheikhun");
        for v in [
            "Khan Shaykhun",
            "Khan Cheikhoun",
            "KHAN SHEIKHOUN",
            "Khān Shaykhūn",
            "Khan Sheikhoun",
            "khan shaikhun",
        ] {
            assert_eq!(key(v), k, "{v}");
        }
        assert_eq!(key("al-Qaterji"), key("Qaterji"));
        assert_eq!(key("Al Qaterji"), key("qaterji"));
        assert_eq!(key("Hamah"), key("Hama"));
        assert_eq!(key("Raqqa"), key("Ar-Raqqah"));
        assert_eq!(key("Ma'arrat al-Nu'man"), key("Maarat al-Numan"));
        assert_ne!(key("Homs"), key("Hama"));
        assert_ne!(key("east"), key("west"));
        assert_eq!(key("Deir ez-Zor"), key("Dayr az Zawr"));
    }

    #[test]
    fn arabic_forms_share_a_key() {
        assert_eq!(key("خان شيخون"), key("خَانُ شَيْخُون"));
        assert_eq!(key("إدلب"), key("ادلب"));
        assert_eq!(key("القاطرجي"), key("قاطرجي"));
        assert_eq!(key("معرة النعمان"), key("معره نعمان"));
    }

    #[test]
    fn words_keep_their_spans_and_drop_possessives() {
        let t = "hit the Aleppo’s east, “Idlib”";
        let w = words(t);
        let aleppo = w.iter().find(|w| w.key == key("Aleppo")).unwrap();
        assert_eq!(&t[aleppo.start..aleppo.end], "Aleppo");
        assert!(aleppo.capitalised);
        assert!(w.iter().any(|w| &t[w.start..w.end] == "Idlib"));
        assert!(words("").is_empty());
        assert!(words("’ ‘ -- ").is_empty());
    }
}
