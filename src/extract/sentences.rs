//! Sentence splitting for pasted reports: byte spans into the original text, so every quote
//! taken from them is verbatim.
//!
//! A sentence ends at `.`, `!`, `?` (or the Arabic `؟`), after any closing quotes or brackets,
//! when whitespace and then a capital letter, a digit, an opening quote or Arabic script follow
//! — unless the word before the full stop is an abbreviation ("Mr.", "Sept.", "U.S.") or an
//! initial. A blank line always ends a sentence (headlines, captions, datelines). A single line
//! break ends one too, unless the text looks hard-wrapped (most lines of a paragraph 40–100
//! characters long), in which case it is a space.

use std::ops::Range;

/// One sentence: its byte span in the text, and the paragraph it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    pub span: Range<usize>,
    /// Index of the paragraph (blank-line-separated block), counting from 0.
    pub paragraph: usize,
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "capt", "maj", "brig", "cpl", "pvt",
    "prof", "sen", "rep", "gov", "st", "no", "nos", "vs", "approx", "est", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed",
    "thu", "thur", "thurs", "fri", "sat", "sun", "a.m", "p.m", "u.s", "u.n", "u.k", "e.u", "i.e",
    "e.g", "cf", "fig", "km", "inc", "ltd", "co", "corp", "dept", "jr", "sr", "mt",
];

/// Splits `text` into sentences (spans trimmed of surrounding whitespace; empty ones dropped).
pub fn split(text: &str) -> Vec<Sentence> {
    let wrapped = looks_hard_wrapped(text);
    let mut out = Vec::new();
    let mut paragraph = 0;
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    let push = |from: usize, to: usize, paragraph: usize, out: &mut Vec<Sentence>| {
        let s = &text[from..to];
        let lead = s.len() - s.trim_start().len();
        let t = s.trim();
        if !t.is_empty() {
            out.push(Sentence {
                span: from + lead..from + lead + t.len(),
                paragraph,
            });
        }
    };
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        let n = c.len_utf8();
        if c == '\n' {
            // A blank line (only whitespace until the next newline) ends the paragraph.
            let rest = &text[i + 1..];
            let line_end = rest.find('\n').map(|k| i + 1 + k);
            let blank = line_end.is_some_and(|e| text[i + 1..e].trim().is_empty());
            if blank {
                push(start, i, paragraph, &mut out);
                // Skip all following blank lines.
                let mut j = i + 1;
                while let Some(k) = text[j..].find('\n') {
                    if text[j..j + k].trim().is_empty() {
                        j += k + 1;
                    } else {
                        break;
                    }
                }
                if text[j..].trim().is_empty() {
                    j = text.len();
                }
                paragraph += 1;
                start = j;
                i = j;
                continue;
            }
            if !wrapped {
                push(start, i, paragraph, &mut out);
                start = i + 1;
            }
            i += n;
            continue;
        }
        if matches!(c, '.' | '!' | '?' | '؟') && ends_sentence(text, bytes, i, start) {
            // Include closing quotes and brackets.
            let mut end = i + n;
            while let Some(q) = text[end..].chars().next() {
                if matches!(q, '"' | '”' | '’' | '\'' | ')' | ']' | '»') {
                    end += q.len_utf8();
                } else {
                    break;
                }
            }
            push(start, end, paragraph, &mut out);
            start = end;
            i = end;
            continue;
        }
        i += n;
    }
    push(start, text.len(), paragraph, &mut out);
    out
}

/// Whether the full stop (or ! ?) at `i` ends a sentence.
fn ends_sentence(text: &str, bytes: &[u8], i: usize, start: usize) -> bool {
    // What follows: closing quotes/brackets, then whitespace, then a sentence start.
    let mut j = i + text[i..].chars().next().map_or(1, char::len_utf8);
    while let Some(q) = text[j..].chars().next() {
        if matches!(
            q,
            '"' | '”' | '’' | '\'' | ')' | ']' | '»' | '.' | '!' | '?'
        ) {
            j += q.len_utf8();
        } else {
            break;
        }
    }
    let after = &text[j..];
    let trimmed = after.trim_start();
    if trimmed.len() == after.len() && !after.is_empty() {
        return false; // "3.5", "U.S.-backed", "e.g.," …
    }
    let Some(next) = trimmed.chars().next() else {
        return true;
    };
    let starts = next.is_uppercase()
        || next.is_ascii_digit()
        || matches!(next, '"' | '“' | '‘' | '\'' | '(' | '[' | '«')
        || ('\u{0600}'..='\u{06FF}').contains(&next);
    if !starts {
        return false;
    }
    if bytes[i] != b'.' {
        return true;
    }
    // The word before the full stop.
    let before = &text[start..i];
    let word = before
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“' | '['))
        .next()
        .unwrap_or("");
    let w = word.to_lowercase();
    if ABBREVIATIONS.contains(&w.as_str()) {
        return false;
    }
    // An initial ("John F. Kennedy") or a dotted abbreviation ("U.S", "a.m").
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 1 && word.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    if word.contains('.') && letters <= 4 {
        return false;
    }
    true
}

/// Whether line breaks inside paragraphs look like hard wrapping rather than line ends.
fn looks_hard_wrapped(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    let mut inner = 0usize; // lines followed by another non-blank line
    let mut wrapped_like = 0usize;
    for w in lines.windows(2) {
        let (a, b) = (w[0].trim(), w[1].trim());
        if a.is_empty() || b.is_empty() {
            continue;
        }
        inner += 1;
        let len = a.chars().count();
        if (40..=100).contains(&len) {
            wrapped_like += 1;
        }
    }
    let max = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    inner >= 3 && max <= 110 && wrapped_like * 10 >= inner * 7
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &str) -> Vec<&str> {
        split(t).into_iter().map(|s| &t[s.span]).collect()
    }

    #[test]
    fn abbreviations_initials_and_numbers_do_not_end_sentences() {
        let t = "Mr. Kerry met the U.S. envoy on Sept. 19 at 2 p.m. in New York. \
                 Gen. John F. Kennedy said 3.5 km away. “It is over,” he said. Then it rained!";
        assert_eq!(
            texts(t),
            [
                "Mr. Kerry met the U.S. envoy on Sept. 19 at 2 p.m. in New York.",
                "Gen. John F. Kennedy said 3.5 km away.",
                "“It is over,” he said.",
                "Then it rained!",
            ]
        );
    }

    #[test]
    fn lines_and_paragraphs() {
        let t = "Headline without stop\nCaption line [Photo/Reuters]\n\n \nFirst. Second.\n";
        let s = split(t);
        assert_eq!(
            texts(t),
            [
                "Headline without stop",
                "Caption line [Photo/Reuters]",
                "First.",
                "Second."
            ]
        );
        assert_eq!(s[1].paragraph, 0);
        assert_eq!(s[2].paragraph, 1);
        assert!(split("").is_empty());
        assert!(split(" \n\n \r\n").is_empty());
    }

    #[test]
    fn hard_wrapped_paragraphs_are_joined() {
        let t = "Syrian government warplanes struck the town of Saraqib on\n\
                 Tuesday, killing at least seven people, a war monitor said on\n\
                 Wednesday. Rescue workers pulled bodies from the rubble for\n\
                 hours after the strike, witnesses told Reuters by telephone.\n";
        let s = texts(t);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[0].ends_with("said on\nWednesday."));
    }

    #[test]
    fn arabic_question_mark_and_crlf() {
        let t = "Is it over؟ Nobody knows.\r\nNext line.";
        assert_eq!(texts(t), ["Is it over؟", "Nobody knows.", "Next line."]);
    }
}
