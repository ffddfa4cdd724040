//! MurmurHash3 x86_32 and the bucket value derived from it (spec §4.1, traps 1-2).
//!
//! Self-contained implementation rather than the `murmur3` crate: that crate hashes through
//! `std::io::Read` (a `Result` per call and byte-stream plumbing on the hot path), while this
//! version works on slices and hashes `experienceId . visitorId` incrementally, so the
//! concatenation is never allocated.

const C1: u32 = 0xcc9e_2d51;
const C2: u32 = 0x1b87_3593;

/// Scrambles one 4-byte little-endian block (also used for the zero-padded tail).
fn scramble(k: u32) -> u32 {
    k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2)
}

/// Final avalanche of MurmurHash3 (fmix32).
fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Incremental MurmurHash3 x86_32 state: bytes may arrive in several slices.
struct Murmur3 {
    h: u32,
    pending: [u8; 4],
    pending_len: usize,
    total_len: usize,
}

impl Murmur3 {
    fn new(seed: u32) -> Self {
        Murmur3 {
            h: seed,
            pending: [0; 4],
            pending_len: 0,
            total_len: 0,
        }
    }

    fn mix_block(&mut self, block: [u8; 4]) {
        self.h ^= scramble(u32::from_le_bytes(block));
        self.h = self
            .h
            .rotate_left(13)
            .wrapping_mul(5)
            .wrapping_add(0xe654_6b64);
    }

    fn write(&mut self, mut bytes: &[u8]) {
        self.total_len += bytes.len();
        if self.pending_len > 0 {
            let take = (4 - self.pending_len).min(bytes.len());
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&bytes[..take]);
            self.pending_len += take;
            bytes = &bytes[take..];
            if self.pending_len < 4 {
                return;
            }
            self.mix_block(self.pending);
            self.pending_len = 0;
        }
        let mut blocks = bytes.chunks_exact(4);
        for block in &mut blocks {
            self.mix_block([block[0], block[1], block[2], block[3]]);
        }
        let rest = blocks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.pending_len = rest.len();
    }

    fn finish(self) -> u32 {
        let mut h = self.h;
        if self.pending_len > 0 {
            let mut tail = [0u8; 4];
            tail[..self.pending_len].copy_from_slice(&self.pending[..self.pending_len]);
            h ^= scramble(u32::from_le_bytes(tail));
        }
        // The reference algorithm mixes in the length as a 32-bit value (wrapping).
        fmix32(h ^ self.total_len as u32)
    }
}

/// MurmurHash3 x86_32 of `bytes` with `seed`; the result is unsigned (trap 1).
pub fn murmur3_32(bytes: &[u8], seed: u32) -> u32 {
    let mut state = Murmur3::new(seed);
    state.write(bytes);
    state.finish()
}

/// MurmurHash3 x86_32 of the concatenation `a ++ b`, without building it.
pub fn murmur3_32_concat(a: &[u8], b: &[u8], seed: u32) -> u32 {
    let mut state = Murmur3::new(seed);
    state.write(a);
    state.write(b);
    state.finish()
}

/// Bucket value of §4.1: `trunc((h / 2^32) * max_traffic)` in f64, `h` the hash of
/// `experience_id . visitor_id` (UTF-8, no separator). Truncates toward zero, never rounds;
/// a negative or NaN product saturates to 0.
pub fn bucket_value(experience_id: &str, visitor_id: &str, seed: u32, max_traffic: f64) -> u32 {
    bucket_value_bytes(experience_id, visitor_id.as_bytes(), seed, max_traffic)
}

/// `bucket_value` for a visitor id given as raw bytes (PHP strings need not be valid UTF-8; the
/// official SDK hashes their bytes as they are).
pub fn bucket_value_bytes(experience_id: &str, visitor_id: &[u8], seed: u32, max_traffic: f64) -> u32 {
    let h = murmur3_32_concat(experience_id.as_bytes(), visitor_id, seed);
    ((h as f64 / 4_294_967_296.0) * max_traffic) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_with_seed_zero_is_zero() {
        // With no blocks, no tail and length 0, fmix32(0) == 0.
        assert_eq!(murmur3_32(b"", 0), 0);
        assert_ne!(murmur3_32(b"", 1), 0);
    }

    #[test]
    fn concat_matches_joined_input_at_every_split() {
        let joined = "1003180877visitor-こんにちは-abcdefgh".as_bytes();
        for seed in [0, 9999, u32::MAX] {
            let whole = murmur3_32(joined, seed);
            for split in 0..=joined.len() {
                let (a, b) = joined.split_at(split);
                assert_eq!(
                    murmur3_32_concat(a, b, seed),
                    whole,
                    "split {split} seed {seed}"
                );
            }
        }
    }

    #[test]
    fn bucket_value_equals_integer_form_at_default_scale() {
        for visitor in ["a", "alice", "bob", "visitor-123", ""] {
            let h = murmur3_32_concat(b"1002", visitor.as_bytes(), 9999) as u64;
            assert_eq!(
                bucket_value("1002", visitor, 9999, 10000.0) as u64,
                (h * 10000) >> 32
            );
        }
    }

    #[test]
    fn bucket_value_respects_max_traffic_and_saturates() {
        // §4.1 example: 1002 . alice is 8941.707… at scale 10000, hence 89.417… at scale 100.
        assert_eq!(bucket_value("1002", "alice", 9999, 100.0), 89);
        assert_eq!(bucket_value("1002", "alice", 9999, 0.0), 0);
        assert_eq!(bucket_value("1002", "alice", 9999, -10000.0), 0);
        assert_eq!(bucket_value("1002", "alice", 9999, f64::NAN), 0);
    }
}
