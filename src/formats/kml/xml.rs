//! A small, hostile-input-safe XML element tree for the KML reader.
//!
//! The document is parsed with quick-xml's pull parser into an arena of [`Node`]s without
//! recursion, so deep nesting cannot overflow the stack; nesting beyond [`MAX_DEPTH`] is refused.
//! Entities are never expanded: the five predefined ones and character references are resolved,
//! a DOCTYPE's entity declarations are ignored (with a warning), and any other `&name;` is kept
//! literally with a warning. Errors carry the 1-based line and column of the problem.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;

use crate::formats::{FormatError, Warning};

/// Elements nested deeper than this are refused (KML needs about a dozen levels).
pub const MAX_DEPTH: usize = 256;

/// Individual warnings about unknown entity references before they are only counted.
const MAX_ENTITY_WARNINGS: usize = 20;

/// One element: its local name (namespace prefix dropped), attributes, the text directly inside
/// it (text and CDATA concatenated, entities resolved) and its child elements.
#[derive(Debug, Default)]
pub struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<usize>,
    /// 1-based line of the start tag.
    pub line: usize,
}

/// The parsed document: `nodes[0]` is the root element.
#[derive(Debug)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    pub fn root(&self) -> &Node {
        &self.nodes[0]
    }

    pub fn node(&self, id: usize) -> &Node {
        &self.nodes[id]
    }

    /// Child elements of `id` with the local name `name`.
    pub fn children<'a>(&'a self, id: usize, name: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.nodes[id]
            .children
            .iter()
            .copied()
            .filter(move |&c| self.nodes[c].name == name)
    }

    /// The first child element of `id` called `name`.
    pub fn child(&self, id: usize, name: &str) -> Option<usize> {
        self.children(id, name).next()
    }

    /// The trimmed text of the first child called `name`, if it is not empty.
    pub fn child_text(&self, id: usize, name: &str) -> Option<&str> {
        let t = self.nodes[self.child(id, name)?].text.trim();
        (!t.is_empty()).then_some(t)
    }

    /// The value of attribute `name` of element `id`.
    pub fn attr(&self, id: usize, name: &str) -> Option<&str> {
        self.nodes[id]
            .attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// All text inside `id`, its descendants' included, in document order (for descriptions
    /// written as unescaped XHTML).
    pub fn deep_text(&self, id: usize) -> String {
        let mut out = String::new();
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            out.push_str(&self.nodes[n].text);
            stack.extend(self.nodes[n].children.iter().rev());
        }
        out
    }
}

/// A parsed document and the warnings parsing raised (unknown entities, a DOCTYPE).
#[derive(Debug)]
pub struct Parsed {
    pub tree: Tree,
    pub warnings: Vec<Warning>,
}

/// Byte offsets of line starts, to turn quick-xml's byte positions into line and column.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// 1-based line and column (in characters) of byte offset `pos`.
    pub fn line_col(&self, pos: usize) -> (usize, usize) {
        let pos = pos.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= pos).max(1);
        let start = self.starts[line - 1];
        let col = self
            .text
            .get(start..pos)
            .map_or(pos - start, |s| s.chars().count());
        (line, col + 1)
    }

    /// 1-based line of byte offset `pos`. Does not count the column: that walks the line, and
    /// doing it for every element of a one-line (minified) file was quadratic.
    pub fn line(&self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        self.starts.partition_point(|&s| s <= pos).max(1)
    }
}

/// The parser's state while it builds the tree.
struct Builder<'a> {
    lines: LineIndex<'a>,
    nodes: Vec<Node>,
    /// Open elements, innermost last.
    open: Vec<usize>,
    /// Whether the root element has been closed.
    done: bool,
    warnings: Vec<Warning>,
    unknown_entities: usize,
}

/// Parses `text` into a tree. Fails on anything not well-formed, on content after the root
/// element and on nesting deeper than [`MAX_DEPTH`].
pub fn parse(text: &str) -> Result<Parsed, FormatError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut b = Builder {
        lines: LineIndex::new(text),
        nodes: Vec::new(),
        open: Vec::new(),
        done: false,
        warnings: Vec::new(),
        unknown_entities: 0,
    };
    loop {
        let pos = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => return Err(b.error_at(reader.error_position() as usize, &e.to_string())),
        };
        match event {
            Event::Start(e) => b.open_element(&e, pos, false)?,
            Event::Empty(e) => b.open_element(&e, pos, true)?,
            Event::End(_) => {
                b.open.pop();
                b.done = b.open.is_empty();
            }
            Event::Text(t) => b.push_text(&t.xml10_content()),
            Event::CData(t) => b.push_text(&t.xml10_content()),
            Event::GeneralRef(r) => b.push_reference(&r, pos),
            Event::DocType(d) => b.doctype(&d, pos),
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    b.finish()
}

impl Builder<'_> {
    fn error_at(&self, pos: usize, message: &str) -> FormatError {
        let (line, column) = self.lines.line_col(pos);
        FormatError {
            line: Some(line),
            column: Some(column),
            message: format!("not well-formed XML: {message}"),
        }
    }

    fn warn(&mut self, pos: usize, message: String) {
        self.warnings.push(Warning {
            location: format!("line {}", self.lines.line(pos)),
            message,
        });
    }

    fn open_element(
        &mut self,
        e: &BytesStart<'_>,
        pos: usize,
        empty: bool,
    ) -> Result<(), FormatError> {
        let name = e.local_name().into_inner().to_owned();
        if self.done || (self.open.is_empty() && !self.nodes.is_empty()) {
            return Err(self.error_at(
                pos,
                &format!("<{name}> after the end of the root element (a document has one root)"),
            ));
        }
        if self.open.len() >= MAX_DEPTH {
            return Err(self.error_at(
                pos,
                &format!("elements are nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        let attrs = self.attributes(e, pos)?;
        let id = self.nodes.len();
        self.nodes.push(Node {
            name,
            attrs,
            line: self.lines.line(pos),
            ..Default::default()
        });
        if let Some(&parent) = self.open.last() {
            self.nodes[parent].children.push(id);
        }
        if empty {
            self.done = self.open.is_empty();
        } else {
            self.open.push(id);
        }
        Ok(())
    }

    fn attributes(
        &mut self,
        e: &BytesStart<'_>,
        pos: usize,
    ) -> Result<Vec<(String, String)>, FormatError> {
        let mut out = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|err| self.error_at(pos, &format!("bad attribute: {err}")))?;
            let key = a.key.local_name().into_inner().to_owned();
            let value = match a.normalized_value(XmlVersion::Implicit1_0) {
                Ok(v) => v.into_owned(),
                Err(err) => {
                    self.warn(
                        pos,
                        format!("attribute {key}: {err}; its value is kept unresolved"),
                    );
                    a.value.clone().into_owned()
                }
            };
            out.push((key, value));
        }
        Ok(out)
    }

    fn push_text(&mut self, text: &str) {
        if let Some(&top) = self.open.last() {
            self.nodes[top].text.push_str(text);
        }
    }

    /// `&name;` in text: the predefined entities and character references are resolved; any
    /// other name is kept literally (never expanded from a DTD) with a warning.
    fn push_reference(&mut self, r: &BytesRef<'_>, pos: usize) {
        let name: &str = r;
        let resolved = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ if r.is_char_ref() => r.resolve_char_ref().ok().flatten(),
            _ => None,
        };
        match resolved {
            Some(c) => self.push_text(c.encode_utf8(&mut [0; 4])),
            None => {
                self.unknown_entities += 1;
                if self.unknown_entities <= MAX_ENTITY_WARNINGS {
                    let what = if r.is_char_ref() {
                        "invalid character reference"
                    } else {
                        "unknown entity"
                    };
                    self.warn(pos, format!("{what} &{name}; kept as text, not expanded"));
                }
                self.push_text(&format!("&{name};"));
            }
        }
    }

    fn doctype(&mut self, d: &str, pos: usize) {
        if d.contains("<!ENTITY") {
            self.warn(
                pos,
                "the DOCTYPE declares entities; they are ignored, never expanded".into(),
            );
        }
    }

    fn finish(mut self) -> Result<Parsed, FormatError> {
        if let Some(&open) = self.open.last() {
            let n = &self.nodes[open];
            return Err(FormatError {
                line: Some(n.line),
                column: None,
                message: format!(
                    "not well-formed XML: <{}> opened on line {} is never closed (the file ends first)",
                    n.name, n.line
                ),
            });
        }
        if self.nodes.is_empty() {
            return Err(FormatError::new("no XML element found: not a KML file"));
        }
        if self.unknown_entities > MAX_ENTITY_WARNINGS {
            self.warnings.push(Warning {
                location: "document".into(),
                message: format!(
                    "{} more unknown entity references kept as text",
                    self.unknown_entities - MAX_ENTITY_WARNINGS
                ),
            });
        }
        Ok(Parsed {
            tree: Tree { nodes: self.nodes },
            warnings: self.warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_tree_with_text_cdata_and_references() {
        let p = parse("<kml><a x='1 &amp; 2'>x &lt; <![CDATA[<b>]]> &#65;&#x42;</a><b/></kml>")
            .unwrap();
        let t = &p.tree;
        assert_eq!(t.root().name, "kml");
        let a = t.child(0, "a").unwrap();
        assert_eq!(t.node(a).text, "x < <b> AB");
        assert_eq!(t.attr(a, "x"), Some("1 & 2"));
        assert!(t.child(0, "b").is_some());
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn line_and_column_of_byte_offsets() {
        let l = LineIndex::new("ab\ncdé\nf");
        assert_eq!(l.line_col(0), (1, 1));
        assert_eq!(l.line_col(3), (2, 1));
        assert_eq!(l.line_col(7), (2, 4));
        assert_eq!(l.line_col(8), (3, 1));
    }

    #[test]
    fn unknown_entities_warn_and_stay_literal() {
        let p = parse("<kml>\n<a>&foo; &#0;</a></kml>").unwrap();
        assert_eq!(p.tree.node(1).text, "&foo; &#0;");
        assert_eq!(p.warnings.len(), 2);
        assert_eq!(p.warnings[0].location, "line 2");
        assert!(p.warnings[0].message.contains("unknown entity &foo;"));
    }

    #[test]
    fn unclosed_mismatched_and_too_deep_are_errors() {
        let e = parse("<kml>\n<a>\n</kml>").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let e = parse("<kml>\n<a>").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(
            e.message.contains("<a> opened on line 2 is never closed"),
            "{e}"
        );
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        let e = parse(&deep).unwrap_err();
        assert!(e.message.contains("nested more than 256"), "{e}");
        let e = parse("<kml/><kml/>").unwrap_err();
        assert!(e.message.contains("after the end of the root"), "{e}");
    }
}
