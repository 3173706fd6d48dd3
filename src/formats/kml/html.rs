//! KML descriptions are HTML (Google Earth shows them in a balloon), usually inside CDATA.
//! [`to_text`] turns one into readable plain text for a source quote and finds its first link;
//! [`escape`] goes the other way for the writer.

/// Plain text and the first `<a href>` of an HTML fragment.
#[derive(Debug, Default, PartialEq)]
pub struct HtmlText {
    pub text: String,
    pub link: Option<String>,
}

/// Block-level tags whose start or end breaks the line.
const BREAKING: [&str; 14] = [
    "br", "p", "li", "div", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table",
];

/// Strips tags (block tags become line breaks, `script`/`style` content is dropped), decodes
/// character entities and tidies whitespace: spaces collapsed, lines trimmed, at most one blank
/// line in a row.
pub fn to_text(html: &str) -> HtmlText {
    // In HTML, line breaks in the source are spaces; in plain text they are kept.
    let is_html = html
        .match_indices('<')
        .any(|(i, _)| starts_tag(&html[i + 1..]));
    let mut raw = String::with_capacity(html.len());
    let push_chunk = |raw: &mut String, chunk: &str| {
        if is_html {
            raw.extend(
                chunk
                    .chars()
                    .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
            );
        } else {
            raw.push_str(chunk);
        }
    };
    let mut link = None;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_chunk(&mut raw, &rest[..lt]);
        let after = &rest[lt + 1..];
        if !starts_tag(after) {
            raw.push('<');
            rest = after;
            continue;
        }
        let Some(gt) = tag_end(after) else {
            // An unterminated tag: keep the text as it is rather than lose it.
            raw.push('<');
            rest = after;
            continue;
        };
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        let name = tag_name(tag);
        if name == "script" || name == "style" {
            rest = skip_until_close(rest, &name);
        } else if name == "br" || (BREAKING.contains(&name.as_str()) && !at_line_start(&raw)) {
            raw.push('\n');
        } else if name == "a" && !tag.starts_with('/') && link.is_none() {
            link = href(tag);
        } else if name == "td" || name == "th" {
            raw.push(' ');
        }
    }
    push_chunk(&mut raw, rest);
    HtmlText {
        text: tidy(&decode_entities(&raw)),
        link,
    }
}

/// Whether the text after a `<` is a tag (`<b`, `</b`, `<!--`), not a lone "less than".
fn starts_tag(after: &str) -> bool {
    after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!')
}

/// Whether nothing but spaces follows the last line break (or nothing was written yet).
fn at_line_start(raw: &str) -> bool {
    let t = raw.trim_end_matches([' ', '\t']);
    t.is_empty() || t.ends_with('\n')
}

/// Index of the `>` closing the tag that starts at `s`, quotes respected.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '>') => return Some(i),
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    None
}

/// Lower-case name of a tag's inside (`/p` → `p`, `br/` → `br`, `a href=…` → `a`).
fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('/')
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn skip_until_close<'a>(s: &'a str, name: &str) -> &'a str {
    let close = format!("</{name}");
    let lower = s.to_ascii_lowercase();
    match lower.find(&close) {
        Some(i) => s[i..].find('>').map_or("", |j| &s[i + j + 1..]),
        None => "",
    }
}

/// The `href` attribute of an `<a …>` tag's inside, entities decoded.
fn href(tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("href") {
        let at = from + i;
        from = at + 4;
        let before_ok = at == 0 || lower[..at].ends_with(char::is_whitespace);
        let rest = tag[at + 4..].trim_start();
        let Some(rest) = rest.strip_prefix('=').filter(|_| before_ok) else {
            continue;
        };
        let rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest.split(char::is_whitespace).next().unwrap_or(""),
        };
        let value = decode_entities(value).trim().to_owned();
        return (!value.is_empty()).then_some(value);
    }
    None
}

/// Decodes `&amp; &lt; &gt; &quot; &apos; &#NNN; &#xHH; &nbsp;` and a few common typographic
/// entities; anything else is left as written.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest[1..]
            .find(';')
            .filter(|&semi| semi <= 10)
            .and_then(|semi| entity(&rest[1..=semi]).map(|c| (c, semi + 2)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        _ => return None,
    })
}

/// Collapses runs of spaces, trims each line and keeps at most one blank line in a row.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(&line);
    }
    out
}

/// Escapes text for HTML (and XML): `& < > " '`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_keeps_breaks_and_first_link() {
        let h = to_text(
            "<p>Shelling of <b>Bustan al-Qasr</b>&nbsp;&amp; nearby.<br/>12 killed</p>\
             <ul><li>one</li><li>two &#x2014; &#8220;q&#8221;</li></ul>\
             <script>alert(1)</script><a href=\"https://x.org/a?b=1&amp;c=2\">link</a> \
             <a href='https://second'>2</a> 3 < 4",
        );
        assert_eq!(
            h.text,
            "Shelling of Bustan al-Qasr & nearby.\n12 killed\none\ntwo — “q”\nlink 2 3 < 4"
        );
        assert_eq!(h.link.as_deref(), Some("https://x.org/a?b=1&c=2"));
    }

    #[test]
    fn plain_text_and_unknown_entities_pass_through() {
        let h = to_text("  a &foo; b\n\n\n c &#0; ");
        assert_eq!(h.text, "a &foo; b\n\nc &#0;");
        assert_eq!(h.link, None);
        assert_eq!(to_text("<unterminated").text, "<unterminated");
    }

    #[test]
    fn escape_round_trips_through_to_text() {
        let s = "A & B <c> \"d\" 'e'";
        assert_eq!(to_text(&escape(s)).text, s);
    }
}
