//! A fast, unkeyed hasher for the tables built while loading (ids, shared values).

/// A fast hasher for ids and their 64-bit hashes (FxHash-style multiply-rotate over 8-byte
/// words, with a final avalanche so that every bit of the result depends on every input bit).
///
/// It is not keyed, so someone who crafts a file could make many ids share a hash: that only
/// makes loading that file slower (ids and shared values stay correct), and flooding a
/// local desktop app with its own file is not a concern.
#[derive(Clone, Copy, Debug, Default)]
pub struct IdHasher(u64);

impl IdHasher {
    const K: u64 = 0xf135_7aea_2e62_a9c5;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(26) ^ word).wrapping_mul(Self::K);
    }
}

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(w);
            self.add(u64::from_le_bytes(buf));
        }
        // The length tells `"a"` from `"a\0"` (both pad to the same word).
        self.add(tail(words.remainder(), bytes) ^ ((bytes.len() as u64) << 56));
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // MurmurHash3's fmix64.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// The last bytes of `bytes`, `rest` (fewer than 8), as a little-endian word padded with
/// zeros, read with whole-word loads: copying them into a zeroed word called `memcpy` and
/// then stalled reading the word back, a quarter of the time of interning a value.
fn tail(rest: &[u8], bytes: &[u8]) -> u64 {
    let r = rest.len();
    let word = |s: &[u8]| u64::from_le_bytes(s.try_into().unwrap_or_default());
    let half = |s: &[u8]| u64::from(u32::from_le_bytes(s.try_into().unwrap_or_default()));
    match r {
        0 => 0,
        // The word that ends where the bytes do, without what was hashed before.
        _ if bytes.len() >= 8 => word(&bytes[bytes.len() - 8..]) >> (8 * (8 - r)),
        // Two half words, the second ending where the bytes do (they overlap in the middle).
        4.. => half(&rest[..4]) | half(&rest[r - 4..]) << (8 * (r - 4)),
        _ => {
            let at = |i: usize| u64::from(rest[i]) << (8 * i);
            at(0) | at(r / 2) | at(r - 1)
        }
    }
}

/// Builds [`IdHasher`]s.
pub type IdHash = std::hash::BuildHasherDefault<IdHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_of_a_text_is_its_last_bytes_padded_with_zeros() {
        let text = b"0123456789abcdefghij";
        for len in 0..text.len() {
            let bytes = &text[..len];
            let rest = &bytes[len - len % 8..];
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            assert_eq!(tail(rest, bytes), u64::from_le_bytes(buf), "{len}");
        }
    }
}
