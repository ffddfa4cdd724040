//! Immutable PHP values that outlive requests: what opcache does for array literals, done for config
//! values the SDK hands out again and again (`changes` of a served variation).
//!
//! A [`PersistentValue`] is allocated with the C allocator, never with the request heap. Its arrays
//! carry `GC_IMMUTABLE` (refcount 2: PHP copies such an array before any write and never frees it)
//! and its strings are flagged interned (PHP neither counts nor frees them). A zval pointing into it
//! is not reference-counted, so handing it out costs a 16-byte copy, and the request heap never holds
//! its memory. The value must stay alive while any request can still see it: see `changes_cache`.
//!
//! PHP 8.2 layouts (NTS): `zend_string` = 24-byte header + bytes + NUL; array data as built by the
//! engine's own `zend_hash_*` functions on a table flagged persistent.

use std::alloc::{Layout, alloc, dealloc};
use std::ptr;

use ext_php_rs::ffi::{self, zend_array, zend_string};
use ext_php_rs::types::{ArrayKey, Zval};
use serde_json::Value;

unsafe extern "C" {
    /// `pefree(ptr, 1)`: the engine allocates persistent hash data with the C allocator.
    fn free(ptr: *mut std::ffi::c_void);
}

const GC_NOT_COLLECTABLE: u32 = 1 << 4;
const GC_PERSISTENT: u32 = 1 << 7;
/// `IS_STR_INTERNED` (= `GC_IMMUTABLE`) and `IS_STR_PERSISTENT` (= `GC_PERSISTENT`).
const IS_STR_INTERNED: u32 = ffi::GC_IMMUTABLE;
const IS_STR_PERSISTENT: u32 = GC_PERSISTENT;
const HASH_FLAG_PACKED: u32 = 1 << 2;
const HASH_FLAG_UNINITIALIZED: u32 = 1 << 3;
/// Offset of `val` in `zend_string` (refcount, type_info, h, len).
const STRING_HEADER: usize = 24;

/// Two `uint32_t` hash slots set to `HT_INVALID_IDX`: the data of an uninitialised table.
static UNINITIALIZED_BUCKET: [u32; 2] = [u32::MAX, u32::MAX];

/// An immutable PHP value and everything it points to, freed on drop.
pub struct PersistentValue {
    zval: Zval,
}

impl PersistentValue {
    /// Builds the PHP form of `v` (as `convert::value_to_zval` would: lists stay lists, numeric-string
    /// keys become integer keys, int/float identity kept).
    pub fn new(v: &Value) -> PersistentValue {
        // SAFETY: every pointer stored is freshly allocated here and owned by the result.
        PersistentValue { zval: unsafe { build(v) } }
    }

    /// A zval for PHP: not reference-counted, shares this value's memory.
    pub fn zval(&self) -> Zval {
        let mut z = Zval::new();
        z.value = self.zval.value;
        z.u1 = self.zval.u1;
        z
    }
}

impl Drop for PersistentValue {
    fn drop(&mut self) {
        // SAFETY: built by `build`; the caller guarantees no PHP value refers to it any more.
        unsafe { release(&self.zval) };
        self.zval.u1.type_info = ffi::IS_NULL;
    }
}

/// DJBX33A of `bytes` with the high bit set: `zend_inline_hash_func` on 64-bit builds. An interned
/// key is looked up by this hash, so it must be PHP's exactly.
fn php_hash(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 5381;
    for &b in bytes {
        hash = hash.wrapping_mul(33).wrapping_add(u64::from(b));
    }
    hash | 0x8000_0000_0000_0000
}

fn string_layout(len: usize) -> Layout {
    Layout::from_size_align((STRING_HEADER + len + 1 + 7) & !7, 8).expect("string layout")
}

/// A persistent string flagged interned (never counted, never freed by PHP), hash precomputed.
unsafe fn string(s: &str) -> *mut zend_string {
    unsafe {
        let p = alloc(string_layout(s.len())).cast::<zend_string>();
        assert!(!p.is_null(), "out of memory");
        (*p).gc.refcount = 1;
        (*p).gc.u.type_info = ffi::IS_STRING | ((GC_NOT_COLLECTABLE | IS_STR_INTERNED | IS_STR_PERSISTENT) << ffi::GC_FLAGS_SHIFT);
        (*p).h = php_hash(s.as_bytes());
        (*p).len = s.len();
        let val = p.cast::<u8>().add(STRING_HEADER);
        ptr::copy_nonoverlapping(s.as_ptr(), val, s.len());
        *val.add(s.len()) = 0;
        p
    }
}

unsafe fn build(v: &Value) -> Zval {
    let mut z = Zval::new();
    if super::convert::set_scalar(&mut z, v) {
        return z;
    }
    match v {
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
        Value::String(s) => {
            z.value.str_ = unsafe { string(s) };
            z.u1.type_info = ffi::IS_STRING; // not refcounted: interned
        }
        Value::Array(list) => unsafe {
            let ht = new_table();
            for x in list {
                let mut item = build(x);
                ffi::zend_hash_next_index_insert(ht, &raw mut item);
                std::mem::forget(item); // moved into the table
            }
            seal(&mut z, ht);
        },
        Value::Object(map) => unsafe {
            let ht = new_table();
            for (k, x) in map {
                let mut item = build(x);
                match ArrayKey::from(k.as_str()) {
                    ArrayKey::Long(i) => {
                        ffi::zend_hash_index_update(ht, i as ffi::zend_ulong, &raw mut item);
                    }
                    _ => {
                        ffi::zend_hash_update(ht, string(k), &raw mut item);
                    }
                }
                std::mem::forget(item);
            }
            seal(&mut z, ht);
        },
    }
    z
}

/// An empty table that allocates its data with the C allocator (`_zend_hash_init(ht, 8, NULL, 1)`).
pub(super) unsafe fn new_table() -> *mut zend_array {
    unsafe {
        let ht = Box::into_raw(Box::new(std::mem::zeroed::<zend_array>()));
        (*ht).gc.refcount = 1;
        (*ht).gc.u.type_info = ffi::IS_ARRAY | ((GC_PERSISTENT | GC_NOT_COLLECTABLE) << ffi::GC_FLAGS_SHIFT);
        (*ht).u.flags = HASH_FLAG_UNINITIALIZED;
        (*ht).nTableMask = u32::MAX - 1; // HT_MIN_MASK
        (*ht).__bindgen_anon_1.arData = UNINITIALIZED_BUCKET.as_ptr().add(2).cast_mut().cast();
        (*ht).nTableSize = ffi::HT_MIN_SIZE;
        (*ht).nNextFreeElement = i64::MIN;
        ht
    }
}

/// Marks a filled table immutable and points `z` at it (an immutable array zval is not counted).
pub(super) unsafe fn seal(z: &mut Zval, ht: *mut zend_array) {
    unsafe {
        (*ht).gc.refcount = 2;
        (*ht).gc.u.type_info |= ffi::GC_IMMUTABLE << ffi::GC_FLAGS_SHIFT;
        z.value.arr = ht;
        z.u1.type_info = ffi::IS_ARRAY;
    }
}

/// Address of a table's data block: it starts before `arData`, at the hash slots
/// (`HT_GET_DATA_ADDR`).
pub(super) fn data_block(ht: &zend_array) -> usize {
    let hash_bytes = (-(ht.nTableMask as i32)) as usize * 4;
    // SAFETY: reading the pointer member of the union (both members alias the same address).
    unsafe { ht.__bindgen_anon_1.arData as usize - hash_bytes }
}

/// Frees what `build` allocated for `z`.
unsafe fn release(z: &Zval) {
    unsafe {
        match z.u1.type_info & 0xff {
            t if t == ffi::IS_STRING => free_string(z.value.str_),
            t if t == ffi::IS_ARRAY => free_table(z.value.arr),
            _ => {}
        }
    }
}

unsafe fn free_string(s: *mut zend_string) {
    unsafe { dealloc(s.cast(), string_layout((*s).len)) };
}

unsafe fn free_table(ht: *mut zend_array) {
    unsafe {
        let arr = &*ht;
        for (_, value) in super::convert::entries(arr) {
            release(value);
        }
        if arr.u.flags & HASH_FLAG_UNINITIALIZED == 0 {
            // Not packed: free the string keys too.
            if arr.u.flags & HASH_FLAG_PACKED == 0 {
                for i in 0..arr.nNumUsed as usize {
                    let b = &*arr.__bindgen_anon_1.arData.add(i);
                    if b.val.u1.type_info & 0xff != 0 && !b.key.is_null() {
                        free_string(b.key);
                    }
                }
            }
            free(data_block(arr) as *mut std::ffi::c_void);
        }
        drop(Box::from_raw(ht));
    }
}

#[cfg(test)]
mod tests {
    use super::php_hash;

    #[test]
    fn hash_is_phps_djbx33a_with_the_high_bit() {
        // zend_inline_hash_func("") = 5381 | high bit; "a" = 5381 * 33 + 97
        assert_eq!(php_hash(b""), 5381 | 0x8000_0000_0000_0000);
        assert_eq!(php_hash(b"a"), (5381 * 33 + 97) | 0x8000_0000_0000_0000);
    }
}
