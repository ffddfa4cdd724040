//! Cycle collection through zvals held in Rust: a `get_gc` object handler for the classes whose Rust
//! struct keeps PHP values (listeners, cache, dataStore, logger, a Context's Core).
//!
//! ext-php-rs' own `get_gc` reports only an object's property slots, so PHP's cycle collector cannot
//! see a reference held in Rust: `$sdk->on('x', function () use ($sdk) {})` stayed in memory until
//! the end of the request. Each class listed in [`install_handlers`] reports, through [`HoldsZvals`], every
//! zval it owns a counted reference to, plus its properties like the standard handler.
//!
//! Soundness rule for implementors: report a zval only if dropping the object's Rust value releases
//! that reference (the collector subtracts each reported reference from the target's count, and when
//! it finds the cycle garbage it calls `free_obj`, which drops the Rust value and with it the
//! reference). A zval shared with anything the collector cannot see (an `Rc` clone kept elsewhere)
//! must not be reported: reporting too little only keeps garbage alive, reporting too much frees
//! live values. Releasing a reference to an object the collector already destroyed is harmless: it
//! turns such objects into `IS_NULL` before calling `free_obj`.

use std::os::raw::c_int;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use ext_php_rs::class::RegisteredClass;
use ext_php_rs::ffi::{HashTable, ext_php_rs_executor_globals, zend_get_gc_buffer, zend_object};
use ext_php_rs::flags::ZvalTypeFlags;
use ext_php_rs::types::{ZendClassObject, Zval};

/// A class whose Rust value holds zvals the cycle collector must know about.
pub trait HoldsZvals {
    /// Adds every zval this value owns a reference to (see the module's soundness rule). Must not
    /// call into PHP, allocate PHP values or change reference counts; a `RefCell` that is borrowed
    /// mutably at this moment is skipped (reporting less is always safe).
    fn report_zvals(&self, gc: &mut GcBuffer);
}

/// Installs the handler on every class of the extension that holds zvals in Rust (called at MINIT).
pub fn install_handlers() -> Result<(), String> {
    install::<super::core::Core>();
    install::<super::context::Context>();
    install::<super::array_cache::ArrayCache>();
    Ok(())
}

/// Replaces `get_gc` in the handler table ext-php-rs made for `T`.
///
/// ext-php-rs keeps one table per class in its class metadata; every object of `T` points to it,
/// and `ZendClassObject::<T>::from_zend_obj` recognises `T`'s objects by that very pointer, so the
/// table is patched in place instead of giving the objects a copy. The write happens at MINIT,
/// before any object exists and while the process is single-threaded; Rust code never reads the
/// `get_gc` field, only PHP does, through the objects' `handlers` pointer. Idempotent.
fn install<T: RegisteredClass + HoldsZvals>() {
    let handlers = ptr::from_ref(T::get_metadata().handlers()).cast_mut();
    // SAFETY: `handlers` points to the 'static table in `T`'s metadata (see above).
    unsafe { (*handlers).get_gc = Some(get_gc::<T>) };
}

/// The `get_gc` handler: Rust-held zvals, then the property slots (the standard handler's answer).
///
/// # Safety
///
/// Called by PHP with a live object of class `T` and valid out-pointers.
unsafe extern "C" fn get_gc<T: RegisteredClass + HoldsZvals>(
    object: *mut zend_object,
    table: *mut *mut Zval,
    n: *mut c_int,
) -> *mut HashTable {
    // SAFETY: PHP passes a live object and writable out-pointers.
    let (obj, table, n) = unsafe { (&*object, &mut *table, &mut *n) };
    let mut gc = GcBuffer::create();
    // A panic must not unwind into the collector; everything reported before it stays valid (a
    // subset of the object's references) and the rest is simply not reported.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        if let Some(this) = ZendClassObject::<T>::from_zend_obj(obj).and_then(|o| o.obj.as_ref()) {
            this.report_zvals(&mut gc);
        }
    }));
    if obj.properties.is_null() {
        // No property table was built: the declared slots are the properties.
        // SAFETY: `properties_table` has `default_properties_count` slots (a flexible array
        // member, hence the pointer taken from `object`, not from the one-slot Rust field).
        let count = usize::try_from(unsafe { (*obj.ce).default_properties_count }).unwrap_or(0);
        let slots = unsafe { ptr::addr_of!((*object).properties_table) }.cast::<Zval>();
        for i in 0..count {
            // SAFETY: `i` is within the object's declared slots.
            gc.add(unsafe { &*slots.add(i) });
        }
        gc.finish(table, n);
        ptr::null_mut()
    } else {
        gc.finish(table, n);
        obj.properties
    }
}

/// The engine's scratch list for one `get_gc` answer, `EG(get_gc_buffer)`.
///
/// The same buffer and protocol as `zend_get_gc_buffer_create` / `_add_zval` / `_use` of
/// `Zend/zend_gc.h` (the inline helpers and their two exported functions are not in ext-php-rs'
/// bindings, and declaring PHP symbols ourselves breaks `cargo php stubs`): `start..cur` holds
/// bitwise copies of the reported zvals (no reference is taken), `end` is the capacity. The
/// collector reads the list before it calls the next `get_gc` and frees it with `efree` after each
/// run, so growth uses the Zend allocator.
pub struct GcBuffer {
    buf: *mut zend_get_gc_buffer,
}

impl GcBuffer {
    /// `zend_get_gc_buffer_create()`: the buffer, emptied.
    fn create() -> GcBuffer {
        // SAFETY: the executor globals are static and only touched by this thread (the collector
        // runs on the thread that owns them); the field is not otherwise borrowed in Rust.
        let buf = unsafe { ptr::addr_of_mut!((*ext_php_rs_executor_globals()).get_gc_buffer) };
        // SAFETY: as above.
        unsafe { (*buf).cur = (*buf).start };
        GcBuffer { buf }
    }

    /// `zend_get_gc_buffer_add_zval()`: reports `zv` when it is reference-counted.
    pub fn add(&mut self, zv: &Zval) {
        // SAFETY: reading the type word of a valid zval.
        let flags = ZvalTypeFlags::from_bits_truncate(unsafe { zv.u1.type_info });
        if !flags.contains(ZvalTypeFlags::RefCounted) {
            return;
        }
        // SAFETY: `buf` is EG(get_gc_buffer) (see `create`); `cur < end` after `grow`.
        unsafe {
            if (*self.buf).cur == (*self.buf).end && !self.grow() {
                return;
            }
            ptr::copy_nonoverlapping(ptr::from_ref(zv), (*self.buf).cur, 1);
            (*self.buf).cur = (*self.buf).cur.add(1);
        }
    }

    /// Adds each zval of `zvals`.
    pub fn add_all<'a>(&mut self, zvals: impl IntoIterator<Item = &'a Zval>) {
        for zv in zvals {
            self.add(zv);
        }
    }

    /// `zend_get_gc_buffer_grow()`: doubles the capacity (64 zvals at first). False when the
    /// allocation failed (the zval is then not reported).
    ///
    /// # Safety
    ///
    /// `self.buf` is valid (see `create`).
    unsafe fn grow(&mut self) -> bool {
        let b = unsafe { &mut *self.buf };
        let used = usize::try_from(unsafe { b.cur.offset_from(b.start) }).unwrap_or(0);
        let capacity = usize::try_from(unsafe { b.end.offset_from(b.start) }).unwrap_or(0);
        let new_capacity = if capacity == 0 { 64 } else { capacity * 2 };
        let Ok(layout) = std::alloc::Layout::array::<Zval>(new_capacity) else { return false };
        let new = ext_php_rs::alloc::emalloc(layout).cast::<Zval>();
        if new.is_null() {
            return false;
        }
        if !b.start.is_null() {
            // SAFETY: the old block holds `used` initialised zvals; the blocks do not overlap.
            unsafe {
                ptr::copy_nonoverlapping(b.start, new, used);
                ext_php_rs::alloc::efree(b.start.cast());
            }
        }
        b.start = new;
        // SAFETY: both stay within (or one past) the new block.
        b.cur = unsafe { new.add(used) };
        b.end = unsafe { new.add(new_capacity) };
        true
    }

    /// `zend_get_gc_buffer_use()`: hands the list to the collector.
    fn finish(self, table: &mut *mut Zval, n: &mut c_int) {
        // SAFETY: `buf` is valid (see `create`).
        let b = unsafe { &*self.buf };
        *table = b.start;
        *n = if b.start.is_null() {
            0
        } else {
            // SAFETY: `cur` and `start` point into the same block.
            c_int::try_from(unsafe { b.cur.offset_from(b.start) }).unwrap_or(0)
        };
    }
}
