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
    /// The value added last: in an export sorted by date or place, the next rows often have it.
    last: Option<T>,
    seen: HashTable<T>,
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
        if self.off {
            return s.into();
        }
        if let Some(last) =
            (self.last.as_ref()).filter(|last| same(last.text_bytes(), s.as_bytes()))
        {
            return last.clone();
        }
        let hash = hash(s.as_bytes());
        self.lookups = self.lookups.saturating_add(1);
        if let Some(v) = self.seen.find(hash, |v| same(v.text_bytes(), s.as_bytes())) {
            // (`last` stays: replacing it would cost two reference counts more per value,
            // a tenth of a large load, for runs of an older value only.)
            return v.clone();
        }
        let v = T::from(s);
        self.misses = self.misses.saturating_add(1);
        if self.lookups == Self::TRIAL && self.misses > Self::TRIAL / 8 * 7 {
            self.off = true;
            self.seen = HashTable::new();
            self.last = None;
        } else if self.seen.len() < Self::MAX {
            self.seen
                .insert_unique(hash, v.clone(), |v| self::hash(v.text_bytes()));
            self.last = Some(v.clone());
        }
        v
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

/// Whether two texts' bytes are equal, compared here eight bytes at a time: the values interned are
/// short, and a call to `memcmp` for each was a sixth of the time spent making incidents.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut x, mut y) = (a.chunks_exact(8), b.chunks_exact(8));
    let word = |w: &[u8]| u64::from_ne_bytes(w.try_into().unwrap_or_default());
    (&mut x).zip(&mut y).all(|(p, q)| word(p) == word(q))
        && (x.remainder().iter())
            .zip(y.remainder())
            .all(|(p, q)| p == q)
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
