//! [`SharedStr`]: an immutable string that clones cheaply, for the incident fields whose values
//! repeat across a dataset (category, region, place, publisher), and [`Interner`], which hands
//! out one copy of each repeated value while a file is read.

use std::borrow::Borrow;
use std::fmt;
use std::hash::BuildHasher;
use std::ops::Deref;
use std::sync::Arc;

use hashbrown::HashTable;

use super::hash::IdHash;

/// An immutable string shared by reference counting: cloning it copies a pointer, so a million
/// incidents of the same category hold one copy of its name. Reads as a `&str` (it derefs to
/// one) and compares equal to the same text as a `str`, `&str` or `String`. Make one with
/// `.into()` from a `&str` or `String`; a reader sharing the values of a whole file uses an
/// [`Interner`].
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for SharedStr {
    /// The empty text, shared with the other empty ones of this thread: making a default
    /// incident (three of these) allocates nothing.
    fn default() -> SharedStr {
        thread_local! {
            static EMPTY: Arc<str> = Arc::from("");
        }
        SharedStr(EMPTY.with(Arc::clone))
    }
}

impl Deref for SharedStr {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> SharedStr {
        SharedStr(Arc::from(s))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> SharedStr {
        SharedStr(Arc::from(s))
    }
}

impl From<&String> for SharedStr {
    fn from(s: &String) -> SharedStr {
        SharedStr(Arc::from(s.as_str()))
    }
}

impl From<Arc<str>> for SharedStr {
    fn from(s: Arc<str>) -> SharedStr {
        SharedStr(s)
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> String {
        s.0.as_ref().to_owned()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == *other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

/// Hands out one [`SharedStr`] (or other shared text `T`) per distinct value while a file is
/// read, so that the rows with the same category, region or place share it. Gives up on values
/// that hardly repeat (after [`TRIAL`](Self::TRIAL) values of which seven in eight were new),
/// where it would cost time and hold memory for nothing, and keeps at most [`MAX`](Self::MAX)
/// values.
#[derive(Debug)]
pub struct Interner<T = SharedStr> {
    /// The value added last, with its number: in an export sorted by date or place, the next
    /// rows often have it.
    last: Option<(T, u32)>,
    /// The values, each with its number (the order it was added in).
    seen: HashTable<(T, u32)>,
    lookups: u32,
    misses: u32,
    off: bool,
}

impl<T> Default for Interner<T> {
    fn default() -> Interner<T> {
        Interner {
            last: None,
            seen: HashTable::new(),
            lookups: 0,
            misses: 0,
            off: false,
        }
    }
}

/// Text an [`Interner`] hands out.
pub trait InternedText: Clone + for<'a> From<&'a str> {
    /// The text's bytes (compared and hashed as they are, without a UTF-8 check).
    fn text_bytes(&self) -> &[u8];
}

impl InternedText for SharedStr {
    fn text_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl<T: InternedText> Interner<T> {
    /// After this many values, an interner whose values were nearly all new stops sharing.
    /// (Not "most": the titles of an ACLED export, a category and a place, are two-thirds new
    /// in its first thousand rows, yet a million rows have fewer than ten thousand of them.)
    pub const TRIAL: u32 = 1024;
    /// At most this many distinct values are kept.
    pub const MAX: usize = 1 << 16;

    /// `s` as a shared `T`: the copy handed out before when there is one.
    pub fn get(&mut self, s: &str) -> T {
        self.get_numbered(s).0
    }

    /// As [`get`](Self::get), with the number of the value (0 for the first value added, 1
    /// for the next, …), which stands for it as long as the interner keeps it: `None` once
    /// it has given up sharing or is full.
    pub fn get_numbered(&mut self, s: &str) -> (T, Option<u32>) {
        if self.off {
            return (s.into(), None);
        }
        if let Some((last, n)) =
            (self.last.as_ref()).filter(|(last, _)| same(last.text_bytes(), s.as_bytes()))
        {
            return (last.clone(), Some(*n));
        }
        let hash = hash(s.as_bytes());
        self.lookups = self.lookups.saturating_add(1);
        if let Some((v, n)) = self
            .seen
            .find(hash, |(v, _)| same(v.text_bytes(), s.as_bytes()))
        {
            // (`last` stays: replacing it would cost two reference counts more per value,
            // a tenth of a large load, for runs of an older value only.)
            return (v.clone(), Some(*n));
        }
        let v = T::from(s);
        self.misses = self.misses.saturating_add(1);
        if self.lookups == Self::TRIAL && self.misses > Self::TRIAL / 8 * 7 {
            self.off = true;
            self.seen = HashTable::new();
            self.last = None;
            (v, None)
        } else if self.seen.len() < Self::MAX {
            let n = self.seen.len() as u32;
            self.seen
                .insert_unique(hash, (v.clone(), n), |(v, _)| self::hash(v.text_bytes()));
            self.last = Some((v.clone(), n));
            (v, Some(n))
        } else {
            (v, None)
        }
    }

    /// Whether the interner has given up sharing (its values hardly repeat).
    pub fn is_off(&self) -> bool {
        self.off
    }

    /// How many distinct values it holds.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

fn hash(s: &[u8]) -> u64 {
    IdHash::default().hash_one(s)
}

/// Whether two texts' bytes are equal, compared here a word at a time, the last word ending
/// where the texts do (overlapping the one before): the values interned are short, and a
/// call to `memcmp` for each was a sixth of the time spent making incidents.
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], i: usize| u64::from_ne_bytes(s[i..i + 8].try_into().unwrap_or_default());
    let half = |s: &[u8], i: usize| u32::from_ne_bytes(s[i..i + 4].try_into().unwrap_or_default());
    match n {
        0..4 => a.iter().zip(b).all(|(p, q)| p == q),
        4..8 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        _ => {
            let mut i = 0;
            while i + 8 < n {
                if word(a, i) != word(b, i) {
                    return false;
                }
                i += 8;
            }
            word(a, n - 8) == word(b, n - 8)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_texts_of_every_length() {
        let text = "Military Forces of Syria (2000-2024) — قوات";
        for n in 0..=text.len() {
            let Some(a) = text.get(..n) else { continue };
            let copy = String::from(a);
            assert!(same(a.as_bytes(), copy.as_bytes()));
            for m in 0..n {
                if let Some(b) = text.get(..m) {
                    assert!(!same(a.as_bytes(), b.as_bytes()) && !same(b.as_bytes(), a.as_bytes()));
                }
            }
            // The same length, one byte different, at every place.
            for i in 0..n {
                let mut c = a.as_bytes().to_vec();
                c[i] ^= 1;
                assert!(!same(a.as_bytes(), &c), "{a:?} {c:?}");
            }
        }
    }

    #[test]
    fn reads_and_compares_as_a_str() {
        let s: SharedStr = "Aleppo".into();
        assert_eq!(s, "Aleppo");
        assert_eq!("Aleppo", s);
        assert_eq!(s, "Aleppo".to_owned());
        assert_eq!(s.len(), 6);
        assert_eq!(format!("{s} {s:?}"), r#"Aleppo "Aleppo""#);
        assert_eq!(SharedStr::default(), "");
    }

    #[test]
    fn interned_values_share_one_copy() {
        let mut i: Interner = Interner::default();
        let (a, b) = (i.get("Hama"), i.get("Idlib"));
        let (c, d) = (i.get("Hama"), i.get("Idlib"));
        assert!(Arc::ptr_eq(&a.0, &c.0) && Arc::ptr_eq(&b.0, &d.0));
        assert_eq!(i.len(), 2);
    }

    #[test]
    fn values_are_numbered_in_the_order_they_came() {
        let mut i: Interner = Interner::default();
        assert_eq!(i.get_numbered("Hama").1, Some(0));
        assert_eq!(i.get_numbered("Idlib").1, Some(1));
        assert_eq!(i.get_numbered("Idlib").1, Some(1));
        assert_eq!(i.get_numbered("Hama").1, Some(0));
        let mut off: Interner = Interner::default();
        let numbers: Vec<Option<u32>> = (0..Interner::<SharedStr>::TRIAL + 1)
            .map(|n| off.get_numbered(&n.to_string()).1)
            .collect();
        // The last one is not kept: the interner gave up sharing at the end of its trial.
        assert_eq!(numbers[0], Some(0));
        assert_eq!(numbers[numbers.len() - 2], None);
        assert!(off.is_off() && off.get_numbered("0").1.is_none());
    }

    #[test]
    fn values_that_hardly_repeat_are_no_longer_shared() {
        let mut i: Interner = Interner::default();
        for n in 0..Interner::<SharedStr>::TRIAL {
            i.get(&n.to_string());
        }
        assert!(i.is_off() && i.is_empty());
        let mut i: Interner = Interner::default();
        for n in 0..2 * Interner::<SharedStr>::TRIAL {
            i.get(&(n % 7).to_string());
        }
        assert!(!i.is_off() && i.len() == 7);
        // Two values in three new over the trial (0, 1, 0, 3, 4, 3, …): still shared.
        let mut i: Interner = Interner::default();
        for n in 0..2 * Interner::<SharedStr>::TRIAL {
            i.get(&(if n % 3 == 2 { n - 2 } else { n }).to_string());
        }
        assert!(!i.is_off());
    }
}
