//! [`Extra`]: the properties of an incident this program does not interpret, kept so that saving
//! loses nothing, in a form that stays small at a million incidents.
//!
//! A CSV export gives every row the same dozen or two uninterpreted columns (actors, admin
//! areas, source scale, …), and most of their values repeat. So the keys of an [`Extra`] are one
//! list shared by every incident with the same keys, and each value is a shared string: an
//! [`ExtraBuilder`] hands out one copy of a repeated value per dataset. Values stay the exact
//! text of the cell (numbers too), so writing them back is byte-identical; values that are not
//! text (GeoJSON numbers, arrays, objects, `null`) are kept as JSON.

use std::collections::HashMap;
use std::fmt;
use std::ops::Index;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::hash::IdHash;
use super::{InternedText, Interner};

/// The keys of an [`Extra`], in order: one list for every incident of a dataset that has them.
/// (An `Arc` of a `Vec` rather than of a slice, so that an [`Extra`] holds a thin pointer.)
type Keys = Arc<Vec<Box<str>>>;

/// The properties of an incident this program does not interpret: an ordered map from key to
/// [`ExtraValue`], as read from the file.
///
/// Iteration follows the order the keys were added in; equality, like that of a JSON object,
/// ignores the order. Build the extras of a whole file with an [`ExtraBuilder`] so that they
/// share their keys and repeated values; [`Extra::insert`] and `From<Map>` are for the odd one.
#[derive(Clone, Default)]
pub struct Extra {
    /// The keys, in order; shared with the other incidents of the dataset that have the same.
    /// `None` when there are none (so that an empty `Extra` holds no allocation).
    keys: Option<Keys>,
    /// The value of each key, in the same order.
    values: Box<[ExtraValue]>,
}

/// One value of an [`Extra`]: text (the exact text of a cell, shared with equal values of the
/// dataset), or any other JSON value. Compares equal to a `&str` or a [`Value`] holding the same.
///
/// One pointer wide (the value itself is shared and reference-counted), since an incident of a
/// CSV export holds a dozen or two of them.
#[derive(Clone, PartialEq)]
pub struct ExtraValue(Arc<Repr>);

#[derive(PartialEq)]
enum Repr {
    /// Text of up to [`SHORT`] bytes, held inline: most values that do not repeat (a
    /// timestamp, a number) are short, and so need no allocation of their own.
    Short { len: u8, bytes: [u8; SHORT] },
    /// Longer text. (Text of up to [`SHORT`] bytes is always `Short`, so equal values have one
    /// representation.)
    Text(Box<str>),
    /// Never a `Value::String` (that is text), so equal values have one representation.
    Json(Box<Value>),
}

/// The longest text held inline: as much as fits beside the tag in the 24 bytes that `Text`
/// takes anyway.
const SHORT: usize = 22;

static NULL: Value = Value::Null;

impl Repr {
    fn text(s: &str) -> Repr {
        match u8::try_from(s.len()) {
            Ok(len) if s.len() <= SHORT => {
                let mut bytes = [0; SHORT];
                bytes[..s.len()].copy_from_slice(s.as_bytes());
                Repr::Short { len, bytes }
            }
            _ => Repr::Text(s.into()),
        }
    }

    /// The bytes of text (nothing for a JSON value).
    fn bytes(&self) -> &[u8] {
        match self {
            Repr::Short { len, bytes } => &bytes[..usize::from(*len)],
            Repr::Text(s) => s.as_bytes(),
            Repr::Json(_) => &[],
        }
    }

    /// The text, or else the JSON value.
    fn get(&self) -> Result<&str, &Value> {
        match self {
            Repr::Short { len, bytes } => {
                Ok(std::str::from_utf8(&bytes[..usize::from(*len)]).expect("made from a str"))
            }
            Repr::Text(s) => Ok(s),
            Repr::Json(v) => Err(v),
        }
    }
}

impl ExtraValue {
    /// A text value.
    pub fn text(s: &str) -> ExtraValue {
        ExtraValue(Arc::new(Repr::text(s)))
    }

    /// The text, for a text value.
    pub fn as_str(&self) -> Option<&str> {
        self.0.get().ok()
    }

    /// The value as JSON (text as a JSON string).
    pub fn to_json(&self) -> Value {
        match self.0.get() {
            Ok(s) => Value::String(s.to_owned()),
            Err(v) => v.clone(),
        }
    }

    /// The value as it reads in a text cell: text as it is, `null` as nothing, other JSON
    /// values written as JSON.
    pub fn to_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self.0.get() {
            Ok(s) => Some(std::borrow::Cow::Borrowed(s)),
            Err(v) if v.is_null() => None,
            Err(v) => Some(std::borrow::Cow::Owned(v.to_string())),
        }
    }
}

impl From<Value> for ExtraValue {
    fn from(v: Value) -> ExtraValue {
        match v {
            Value::String(s) => ExtraValue::text(&s),
            other => ExtraValue(Arc::new(Repr::Json(Box::new(other)))),
        }
    }
}

impl From<&str> for ExtraValue {
    fn from(s: &str) -> ExtraValue {
        ExtraValue::text(s)
    }
}

impl fmt::Debug for ExtraValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.get() {
            Ok(s) => fmt::Debug::fmt(s, f),
            Err(v) => fmt::Display::fmt(v, f),
        }
    }
}

impl PartialEq<str> for ExtraValue {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for ExtraValue {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<String> for ExtraValue {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}

impl PartialEq<Value> for ExtraValue {
    fn eq(&self, other: &Value) -> bool {
        match (self.0.get(), other) {
            (Ok(s), Value::String(t)) => s == t,
            (Err(v), other) => v == other,
            _ => false,
        }
    }
}

/// Indexes into a JSON object value as [`Value`] does: `Null` when there is no such key.
impl Index<&str> for ExtraValue {
    type Output = Value;

    fn index(&self, key: &str) -> &Value {
        match &*self.0 {
            Repr::Json(v) => &v[key],
            Repr::Short { .. } | Repr::Text(_) => &NULL,
        }
    }
}

/// Indexes into a JSON array value as [`Value`] does: `Null` when there is no such element.
impl Index<usize> for ExtraValue {
    type Output = Value;

    fn index(&self, i: usize) -> &Value {
        match &*self.0 {
            Repr::Json(v) => &v[i],
            Repr::Short { .. } | Repr::Text(_) => &NULL,
        }
    }
}

impl Extra {
    fn key_list(&self) -> &[Box<str>] {
        self.keys.as_deref().map_or(&[], |k| k.as_slice())
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.key_list().iter().position(|k| **k == *key)
    }

    pub fn get(&self, key: &str) -> Option<&ExtraValue> {
        self.position(key).map(|i| &self.values[i])
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// The keys and values, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &ExtraValue)> {
        self.key_list().iter().map(|k| &**k).zip(self.values.iter())
    }

    /// Sets `key` to `value`: in place when the key is there, else as the last key. Returns
    /// the value it replaces. (This copies the key list: for a whole file, an
    /// [`ExtraBuilder`] shares it.)
    pub fn insert(&mut self, key: String, value: Value) -> Option<ExtraValue> {
        let value = ExtraValue::from(value);
        if let Some(i) = self.position(&key) {
            return Some(std::mem::replace(&mut self.values[i], value));
        }
        let mut keys = self.key_list().to_vec();
        keys.push(key.into_boxed_str());
        self.keys = Some(Arc::new(keys));
        let mut values = std::mem::take(&mut self.values).into_vec();
        values.push(value);
        self.values = values.into_boxed_slice();
        None
    }

    /// The properties as a JSON object, in order.
    pub fn to_json_map(&self) -> Map<String, Value> {
        self.iter()
            .map(|(k, v)| (k.to_owned(), v.to_json()))
            .collect()
    }
}

impl From<Map<String, Value>> for Extra {
    fn from(map: Map<String, Value>) -> Extra {
        let (keys, values): (Vec<Box<str>>, Vec<ExtraValue>) = map
            .into_iter()
            .map(|(k, v)| (k.into_boxed_str(), ExtraValue::from(v)))
            .unzip();
        Extra {
            keys: (!keys.is_empty()).then(|| Arc::new(keys)),
            values: values.into_boxed_slice(),
        }
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a str, &'a ExtraValue);
    type IntoIter = std::iter::Zip<
        std::iter::Map<std::slice::Iter<'a, Box<str>>, fn(&Box<str>) -> &str>,
        std::slice::Iter<'a, ExtraValue>,
    >;

    fn into_iter(self) -> Self::IntoIter {
        let key: fn(&Box<str>) -> &str = |k| k;
        self.key_list().iter().map(key).zip(self.values.iter())
    }
}

/// As for a JSON object: the same keys with equal values, in any order.
impl PartialEq for Extra {
    fn eq(&self, other: &Extra) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// The value of `key`; panics when there is none (as indexing a `serde_json::Map` does).
impl Index<&str> for Extra {
    type Output = ExtraValue;

    fn index(&self, key: &str) -> &ExtraValue {
        self.get(key)
            .unwrap_or_else(|| panic!("no extra property {key:?}"))
    }
}

/// A text [`ExtraValue`] as an [`ExtraBuilder`] shares it (its [`Interner`] compares and hashes
/// the bytes of its text).
#[derive(Clone, Debug)]
struct SharedText(ExtraValue);

impl From<&str> for SharedText {
    fn from(s: &str) -> SharedText {
        SharedText(ExtraValue::text(s))
    }
}

impl InternedText for SharedText {
    fn text_bytes(&self) -> &[u8] {
        self.0.0.bytes()
    }
}

/// A key registered with an [`ExtraBuilder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtraKey(u32);

/// Builds the [`Extra`]s of one file, one row at a time ([`push`](Self::push) the row's
/// values, then [`finish`](Self::finish) it): rows with the same keys share one key list, and
/// the repeated values of a key (an actor, an admin area) share one string.
#[derive(Debug, Default)]
pub struct ExtraBuilder {
    /// The keys registered, by [`ExtraKey`].
    names: Vec<Box<str>>,
    ids: HashMap<Box<str>, ExtraKey, IdHash>,
    /// The shared values of each key, by [`ExtraKey`].
    values: Vec<Interner<SharedText>>,
    /// The row being built.
    row: Vec<(ExtraKey, ExtraValue)>,
    /// By [`ExtraKey`]: where in `row` the key is, if it is there.
    in_row: Vec<Option<u32>>,
    /// The key lists built so far, by their keys.
    lists: HashMap<Box<[u32]>, Keys, IdHash>,
    scratch: Vec<u32>,
}

impl ExtraBuilder {
    /// The key named `name`, registered on first use.
    pub fn key(&mut self, name: &str) -> ExtraKey {
        if let Some(&k) = self.ids.get(name) {
            return k;
        }
        let k = ExtraKey(u32::try_from(self.names.len()).expect("fewer than 2^32 keys"));
        self.names.push(name.into());
        self.ids.insert(name.into(), k);
        self.values.push(Interner::default());
        self.in_row.push(None);
        k
    }

    /// Sets `key` to the text `value` in the current row (replacing a value it has there).
    pub fn push(&mut self, key: ExtraKey, value: &str) {
        let value = self.values[key.0 as usize].get(value).0;
        self.push_value(key, value);
    }

    /// Sets the key named `name` to the text `value` in the current row.
    pub fn push_named(&mut self, name: &str, value: &str) {
        let key = self.key(name);
        self.push(key, value);
    }

    fn push_value(&mut self, key: ExtraKey, value: ExtraValue) {
        let at = &mut self.in_row[key.0 as usize];
        match *at {
            Some(i) => self.row[i as usize].1 = value,
            None => {
                *at = u32::try_from(self.row.len()).ok();
                self.row.push((key, value));
            }
        }
    }

    /// The current row's [`Extra`]; the next row starts empty.
    pub fn finish(&mut self) -> Extra {
        if self.row.is_empty() {
            return Extra::default();
        }
        self.scratch.clear();
        self.scratch.extend(self.row.iter().map(|(k, _)| k.0));
        for &k in &self.scratch {
            self.in_row[k as usize] = None;
        }
        let keys = match self.lists.get(self.scratch.as_slice()) {
            Some(keys) => keys.clone(),
            None => {
                let keys: Keys = Arc::new(
                    (self.scratch.iter())
                        .map(|&k| self.names[k as usize].clone())
                        .collect(),
                );
                self.lists
                    .insert(self.scratch.as_slice().into(), keys.clone());
                keys
            }
        };
        Extra {
            keys: Some(keys),
            values: self.row.drain(..).map(|(_, v)| v).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_share_keys_and_repeated_values() {
        let mut b = ExtraBuilder::default();
        let (actor, scale) = (b.key("actor1"), b.key("source_scale"));
        b.push(actor, "Military Forces of Syria");
        b.push(scale, "National");
        let one = b.finish();
        b.push(actor, "Military Forces of Syria");
        b.push(scale, "Local");
        let two = b.finish();
        assert!(Arc::ptr_eq(
            one.keys.as_ref().unwrap(),
            two.keys.as_ref().unwrap()
        ));
        assert!(Arc::ptr_eq(&one.values[0].0, &two.values[0].0));
        assert_eq!(two["source_scale"], "Local");
        assert_eq!(b.finish(), Extra::default());
    }

    #[test]
    fn a_key_whose_values_hardly_repeat_is_no_longer_interned() {
        // As ACLED's `timestamp`: a new value on every row. Its table is dropped after the
        // interner's trial, rather than growing with the file; a repeating key keeps sharing.
        let mut b = ExtraBuilder::default();
        let (stamp, scale) = (b.key("timestamp"), b.key("source_scale"));
        let rows = 4 * Interner::<SharedText>::TRIAL;
        let mut last = Vec::new();
        for n in 0..rows {
            b.push(stamp, &(1_737_329_622 + n).to_string());
            b.push(scale, ["National", "Local", "Subnational"][n as usize % 3]);
            last.push(b.finish());
        }
        let stamps = &b.values[stamp.0 as usize];
        assert!(stamps.is_off() && stamps.is_empty());
        let scales = &b.values[scale.0 as usize];
        assert!(!scales.is_off() && scales.len() == 3);
        // The values are kept all the same.
        let first = &last[0];
        let end = &last[rows as usize - 1];
        assert_eq!(first["timestamp"], "1737329622");
        assert_eq!(end["timestamp"], (1_737_329_622 + rows - 1).to_string());
        assert!(Arc::ptr_eq(&first.values[1].0, &last[3].values[1].0));
    }

    #[test]
    fn short_and_long_text_values_read_back_the_same() {
        assert_eq!(std::mem::size_of::<Repr>(), 24);
        assert_eq!(std::mem::size_of::<ExtraValue>(), 8);
        for s in [
            "",
            "1737329622",
            "é".repeat(11).as_str(),
            "x".repeat(23).as_str(),
        ] {
            let v = ExtraValue::text(s);
            assert_eq!(v, s);
            assert_eq!(v, Value::String(s.to_owned()));
            assert_eq!(v.to_text().as_deref(), Some(s));
            assert_eq!(format!("{v:?}"), format!("{s:?}"));
        }
        assert!(matches!(
            *ExtraValue::text(&"x".repeat(22)).0,
            Repr::Short { .. }
        ));
        assert!(matches!(
            *ExtraValue::text(&"x".repeat(23)).0,
            Repr::Text(_)
        ));
    }

    #[test]
    fn a_key_set_twice_in_a_row_keeps_its_place_and_the_last_value() {
        let mut b = ExtraBuilder::default();
        b.push_named("a", "1");
        b.push_named("b", "2");
        b.push_named("a", "3");
        let e = b.finish();
        let pairs: Vec<(&str, Option<&str>)> = e.iter().map(|(k, v)| (k, v.as_str())).collect();
        assert_eq!(pairs, [("a", Some("3")), ("b", Some("2"))]);
    }

    #[test]
    fn behaves_as_a_json_object() {
        let map: Map<String, Value> = serde_json::from_value(json!({
            "n": 1, "s": "x", "z": null, "nested": {"coordinates": [1, 2, 3]}
        }))
        .unwrap();
        let mut e = Extra::from(map.clone());
        assert_eq!(e.to_json_map(), map);
        assert_eq!(e["n"], json!(1));
        assert_eq!(e["s"], "x");
        assert_eq!(e["s"], json!("x"));
        assert_eq!(e["nested"]["coordinates"][2], json!(3));
        assert_eq!(e["s"]["anything"], Value::Null);
        assert_eq!(e["z"].to_text(), None);
        assert_eq!(e["nested"].to_text().unwrap(), r#"{"coordinates":[1,2,3]}"#);
        // Equality ignores the order, as for a JSON object.
        let mut other = Extra::default();
        for (k, v) in map.iter().rev() {
            other.insert(k.clone(), v.clone());
        }
        assert_eq!(e, other);
        assert_eq!(e.insert("s".into(), "y".into()).unwrap(), "x");
        assert_ne!(e, other);
        assert_eq!(e.len(), 4);
        assert_eq!(format!("{:?}", Extra::from(Map::new())), "{}");
    }
}
