//! A small, fast hasher for maps built from trusted data (the installed config's keys, addresses of
//! config entities): a lookup costs a few multiplies instead of SipHash. Not for maps whose keys an
//! outsider chooses (no protection against deliberate collisions).

use std::hash::{BuildHasherDefault, Hasher};

/// Multiply-rotate word hasher (the scheme of rustc's FxHasher).
#[derive(Default, Clone, Copy)]
pub struct FastHasher {
    hash: u64,
}

const K: u64 = 0x517c_c1b7_2722_0a95;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// `HashMap<K, V, FastBuild>` hashes with [`FastHasher`].
pub type FastBuild = BuildHasherDefault<FastHasher>;
pub type FastMap<K, V> = std::collections::HashMap<K, V, FastBuild>;
pub type FastSet<K> = std::collections::HashSet<K, FastBuild>;

/// Hasher for keys that are already well-mixed 64-bit hashes (from a keyed hash function): passes
/// the key through, so growing the table hashes nothing again.
#[derive(Default, Clone, Copy)]
pub struct PassThroughHasher {
    hash: u64,
}

impl Hasher for PassThroughHasher {
    fn write(&mut self, bytes: &[u8]) {
        // only `u64` keys are expected; anything else is still hashed (FxHasher scheme)
        let mut h = FastHasher { hash: self.hash };
        h.write(bytes);
        self.hash = h.hash;
    }

    fn write_u64(&mut self, i: u64) {
        self.hash = i;
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

pub type PassThroughBuild = BuildHasherDefault<PassThroughHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_keys_stay_distinct() {
        let mut m: FastMap<String, usize> = FastMap::default();
        let keys: Vec<String> = (0..2000).map(|i| format!("exp-{i}")).chain(["".into(), "a".into(), "ab".into()]).collect();
        for (i, k) in keys.iter().enumerate() {
            m.insert(k.clone(), i);
        }
        assert_eq!(m.len(), keys.len());
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(m.get(k.as_str()), Some(&i));
        }
        assert_eq!(m.get("exp-2000"), None);
    }
}
