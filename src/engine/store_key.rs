//! Store keys for visitor data (spec §6.2): `{account_id}-{project_id}-{visitorId}`, made safe for
//! every PSR-16 implementation.
//!
//! PSR-16 reserves `{}()/\@:` and only guarantees keys up to 64 characters. When the visitor id
//! contains a reserved character, starts with the digest marker `_`, or would make the key longer
//! than 64 bytes, the id part is replaced by `_` + the first 40 hex digits (160 bits) of
//! SHA-256(visitorId): `100123-100456-_3f79bb7b435b05321651daefd374cdc681dc06fa`. Ids starting with
//! `_` are always digested, so a digest can never equal a literal visitor id. Ids with whitespace or
//! control characters are digested too: Memcached (and PSR-16 caches built on it) rejects such keys.

use sha2::{Digest, Sha256};

/// Characters PSR-16 reserves in keys.
pub const RESERVED: &[char] = &['{', '}', '(', ')', '/', '\\', '@', ':'];
/// Longest key every PSR-16 implementation must accept.
pub const MAX_KEY_LEN: usize = 64;
/// Marker that starts the digest form of a visitor id.
const DIGEST_MARKER: char = '_';
/// Hex digits of the digest kept in the key.
const DIGEST_HEX_LEN: usize = 40;

/// The store key of a visitor in a project. The id is a PHP string (bytes); one that is not valid
/// UTF-8 is always digested, so distinct byte strings never share a key.
pub fn store_key(account_id: &str, project_id: &str, visitor_id: &[u8]) -> String {
    let plain_len = account_id.len() + project_id.len() + visitor_id.len() + 2;
    match std::str::from_utf8(visitor_id) {
        Ok(id) if plain_len <= MAX_KEY_LEN && !id.starts_with(DIGEST_MARKER) && !id.contains(needs_digest) => {
            format!("{account_id}-{project_id}-{id}")
        }
        _ => format!("{account_id}-{project_id}-{DIGEST_MARKER}{}", digest_hex(visitor_id)),
    }
}

/// A character that cannot appear in a key as is: PSR-16 reserved, whitespace or control.
fn needs_digest(c: char) -> bool {
    RESERVED.contains(&c) || c.is_whitespace() || c.is_control()
}

/// The key the official PHP SDK writes at run time (`--{visitorId}`, spec §14 row 1).
pub fn legacy_store_key(visitor_id: &str) -> String {
    format!("--{visitor_id}")
}

fn digest_hex(visitor_id: &[u8]) -> String {
    let digest = Sha256::digest(visitor_id);
    let mut hex = String::with_capacity(DIGEST_HEX_LEN);
    for byte in digest.iter().take(DIGEST_HEX_LEN / 2) {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ids_are_used_verbatim() {
        assert_eq!(store_key("100123", "100456", "alice".as_bytes()), "100123-100456-alice");
    }

    #[test]
    fn reserved_characters_and_long_ids_are_digested() {
        for id in ["a@b.com", "user:42", "x/y", "{}", "()", "a\\b", &"v".repeat(60), "a b", "tab\there", "nl\n", "nul\0", "nbsp\u{a0}x", "del\u{7f}"] {
            let key = store_key("100123", "100456", id.as_bytes());
            assert!(key.starts_with("100123-100456-_"), "{key}");
            assert_eq!(key.len(), "100123-100456-_".len() + DIGEST_HEX_LEN);
            assert!(!key.contains(RESERVED));
            assert!(key.len() <= MAX_KEY_LEN);
        }
        // first 40 hex digits of sha256("user:42"), from `printf 'user:42' | sha256sum`
        assert_eq!(store_key("1", "2", "user:42".as_bytes()), "1-2-_ea3fd43be1e57d62e163dae19fc740bd6d660eec");
    }

    #[test]
    fn digests_cannot_equal_literal_ids() {
        let digested = store_key("1", "2", "a@b".as_bytes());
        let literal_id = digested.trim_start_matches("1-2-");
        assert_ne!(store_key("1", "2", literal_id.as_bytes()), digested);
        assert_ne!(store_key("1", "2", "a@b".as_bytes()), store_key("1", "2", "a@c".as_bytes()));
    }

    #[test]
    fn invalid_utf8_ids_are_digested_by_their_bytes() {
        let a = store_key("1", "2", b"\xff");
        let b = store_key("1", "2", b"\xfe");
        assert!(a.starts_with("1-2-_") && b.starts_with("1-2-_"));
        assert_ne!(a, b);
        assert_ne!(a, store_key("1", "2", "\u{fffd}".as_bytes()));
    }

    #[test]
    fn boundary_length() {
        let id = "v".repeat(MAX_KEY_LEN - "1-2-".len());
        assert_eq!(store_key("1", "2", id.as_bytes()), format!("1-2-{id}"));
        let longer = format!("{id}v");
        assert!(store_key("1", "2", longer.as_bytes()).starts_with("1-2-_"));
    }
}
