//! Fonts and right-to-left text.
//!
//! egui's bundled fonts have no Arabic glyphs, so Noto Sans Arabic is embedded and added as a
//! fallback to every family. epaint 0.37 shapes each same-font run with harfrust (which joins
//! Arabic letters and lays a run out right-to-left) but has no bidi algorithm: the *order of the
//! runs* on a line stays logical, so "خان شيخون" would show its two words swapped. [`visual`]
//! fixes that before layout: it runs the Unicode bidi algorithm and, inside every right-to-left
//! level run, reverses the order of the words and neutral characters while leaving each word's
//! letters in logical order for the shaper.

use std::borrow::Cow;
use std::sync::Arc;

use unicode_bidi::{BidiClass, BidiInfo, bidi_class};

/// The non-ASCII symbols the interface uses; [`tests`] checks that the fonts have them all.
pub const UI_SYMBOLS: &str = "±·–—“”•…‹›−×°≥";

/// The embedded Arabic font (SIL Open Font License, see `assets/fonts/OFL.txt`).
pub const ARABIC_FONT: &[u8] = include_bytes!("../assets/fonts/NotoSansArabic-Regular.ttf");

/// egui's default fonts plus the embedded Arabic font as a fallback for every family.
pub fn font_definitions() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "noto-sans-arabic".to_owned(),
        Arc::new(egui::FontData::from_static(ARABIC_FONT)),
    );
    for family in fonts.families.values_mut() {
        family.push("noto-sans-arabic".to_owned());
    }
    fonts
}

/// Installs [`font_definitions`] in `ctx`.
pub fn install_fonts(ctx: &egui::Context) {
    ctx.set_fonts(font_definitions());
}

fn is_rtl_letter(c: char) -> bool {
    matches!(bidi_class(c), BidiClass::R | BidiClass::AL)
}

/// Characters that belong to the word around them (combining marks, joiners).
fn joins_word(c: char) -> bool {
    matches!(bidi_class(c), BidiClass::NSM | BidiClass::BN)
}

fn mirror(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        other => other,
    }
}

/// `text` rearranged for egui's left-to-right run layout (see the module docs). Text without
/// right-to-left characters is returned unchanged, without allocating.
pub fn visual(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_rtl_letter) {
        return Cow::Borrowed(text);
    }
    let info = BidiInfo::new(text, None);
    let mut out = String::with_capacity(text.len());
    for para in &info.paragraphs {
        // Reorder the line without its paragraph separator, which stays at the end.
        let mut line = para.range.clone();
        let ends_with_newline = text[line.clone()].ends_with('\n');
        if ends_with_newline {
            line.end -= 1;
        }
        let (levels, runs) = info.visual_runs(para, line.clone());
        for run in runs {
            let s = &text[run.clone()];
            if !levels[run.start].is_rtl() {
                out.push_str(s);
                continue;
            }
            // Split into words (kept in logical order for the shaper) and single neutral
            // characters, then emit them last to first.
            let mut pieces: Vec<Cow<'_, str>> = Vec::new();
            let mut word_start: Option<usize> = None;
            for (i, c) in s.char_indices() {
                let in_word = is_rtl_letter(c) || (word_start.is_some() && joins_word(c));
                match (in_word, word_start) {
                    (true, None) => word_start = Some(i),
                    (true, Some(_)) => {}
                    (false, start) => {
                        if let Some(w) = start {
                            pieces.push(Cow::Borrowed(&s[w..i]));
                            word_start = None;
                        }
                        pieces.push(Cow::Owned(mirror(c).to_string()));
                    }
                }
            }
            if let Some(w) = word_start {
                pieces.push(Cow::Borrowed(&s[w..]));
            }
            for piece in pieces.iter().rev() {
                out.push_str(piece);
            }
        }
        if ends_with_newline {
            out.push('\n');
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_text_is_borrowed_unchanged() {
        assert!(matches!(
            visual("Khan Sheikhun"),
            Cow::Borrowed("Khan Sheikhun")
        ));
    }

    #[test]
    fn arabic_words_are_put_in_visual_order() {
        // Two words: the first logical word ends up on the right.
        assert_eq!(visual("خان شيخون"), "شيخون خان");
        assert_eq!(visual("كرم القاطرجي"), "القاطرجي كرم");
        // A single word is left to the shaper.
        assert_eq!(visual("حلب"), "حلب");
    }

    #[test]
    fn mixed_lines_keep_latin_order_and_mirror_brackets_in_rtl_runs() {
        assert_eq!(
            visual("Khan Sheikhun (خان شيخون), Idlib"),
            "Khan Sheikhun (شيخون خان), Idlib"
        );
        // Numbers inside Arabic keep their digit order; brackets in an RTL paragraph mirror.
        assert_eq!(visual("قتل 18 شخصا (إدلب)"), "(إدلب) شخصا 18 قتل");
    }

    #[test]
    fn paragraphs_are_reordered_separately() {
        assert_eq!(
            visual("حلب الشرقية\nEast Aleppo"),
            "الشرقية حلب\nEast Aleppo"
        );
    }

    #[test]
    fn the_arabic_font_covers_the_sample_place_names() {
        let font = ARABIC_FONT;
        // A TrueType/OpenType font begins with 0x00010000 or 'OTTO'.
        assert!(font.starts_with(&[0, 1, 0, 0]) || font.starts_with(b"OTTO"));
        let ctx = egui::Context::default();
        install_fonts(&ctx);
        let mut out = ctx.run_ui(egui::RawInput::default(), |_| {});
        out.textures_delta.clear();
        for name in ["خان شيخون", "خان طومان", "أورم الكبرى", "كرم القاطرجي"]
        {
            for c in name.chars().filter(|c| !c.is_whitespace()) {
                let has = ctx.fonts_mut(|f| f.has_glyph(&egui::FontId::proportional(14.0), c));
                assert!(has, "no glyph for {c:?} in {name}");
            }
        }
    }

    /// Every symbol the interface writes is in the installed fonts (egui 0.37's default fonts
    /// have no emoji or dingbats; kittest fails on missing glyphs only where they are drawn).
    #[test]
    fn the_interface_symbols_have_glyphs() {
        let ctx = egui::Context::default();
        install_fonts(&ctx);
        let mut out = ctx.run_ui(egui::RawInput::default(), |_| {});
        out.textures_delta.clear();
        let missing: String = UI_SYMBOLS
            .chars()
            .filter(|&c| !ctx.fonts_mut(|f| f.has_glyph(&egui::FontId::proportional(14.0), c)))
            .collect();
        assert!(missing.is_empty(), "no glyph for {missing:?}");
    }
}
