//! Calls into user PHP code (stores, loggers, listeners) that never let a user failure escape.
//!
//! A `\Throwable` thrown by user code is taken out of EG(exception) and reported as
//! `CallError::Threw`; `exit()`/fatal errors are left pending (touching them segfaults) and
//! reported as `CallError::Exit`, after which the caller must return to PHP at once.

use std::cell::Cell;

use ext_php_rs::convert::IntoZvalDyn;
use ext_php_rs::types::{ZendCallable, ZendHashTable, Zval};
use ext_php_rs::zend::{ExecutorGlobals, ce};

/// How a call into user code failed.
#[derive(Debug)]
pub enum CallError {
    NotCallable,
    /// The code threw; the exception was swallowed: (class, message).
    Threw(String, String),
    /// `exit()`/`die()` or a fatal error is unwinding the engine.
    Exit,
    Other(String),
}

impl CallError {
    /// Log text for the failure.
    pub fn describe(&self) -> String {
        match self {
            CallError::NotCallable => "not callable".to_string(),
            CallError::Threw(class, msg) => format!("{class}: {msg}"),
            CallError::Exit => "exit".to_string(),
            CallError::Other(m) => m.clone(),
        }
    }
}

/// Takes a pending Throwable (returns its class and message), leaves exit/fatal pending.
fn take_pending(fallback: String) -> CallError {
    {
        let eg = ExecutorGlobals::get();
        let Some(ex) = eg.exception() else { return CallError::Other(fallback) };
        if !ex.instance_of(ce::throwable()) {
            return CallError::Exit;
        }
    }
    let Some(ex) = ExecutorGlobals::take_exception() else { return CallError::Other(fallback) };
    let class = ex.get_class_name().unwrap_or_else(|_| "?".into());
    let msg = ex.try_call_method("getmessage", vec![]).ok().and_then(|z| z.string()).unwrap_or_default();
    CallError::Threw(class, msg)
}

/// True when an exit()/fatal error is unwinding and no more user code may run.
pub fn is_unwinding() -> bool {
    ExecutorGlobals::get().exception().is_some_and(|ex| !ex.instance_of(ce::throwable()))
}

/// Deepest nesting of calls into user code through the SDK (a logger that calls the SDK that logs,
/// a store whose `get` decides, a listener that fires its own event...). Deeper calls are refused
/// instead of recursing until the native stack overflows.
pub const MAX_REENTRY_DEPTH: u32 = 32;

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Calls a callable value with arguments.
pub fn call(callable: &Zval, args: Vec<&dyn IntoZvalDyn>) -> Result<Zval, CallError> {
    if is_unwinding() {
        return Err(CallError::Exit);
    }
    let depth = DEPTH.with(Cell::get);
    if depth >= MAX_REENTRY_DEPTH {
        return Err(CallError::Other(format!("re-entry deeper than {MAX_REENTRY_DEPTH} calls refused")));
    }
    let callable = ZendCallable::new(callable).map_err(|_| CallError::NotCallable)?;
    DEPTH.with(|d| d.set(depth + 1));
    let result = callable.try_call(args).map_err(|e| take_pending(e.to_string()));
    DEPTH.with(|d| d.set(depth));
    result
}

/// Calls `$target->$method(...$args)` through `[$target, $method]` (honours `__call`).
pub fn call_method(target: &Zval, method: &str, args: Vec<&dyn IntoZvalDyn>) -> Result<Zval, CallError> {
    let mut cb = ZendHashTable::new();
    cb.push(target.shallow_clone()).map_err(|e| CallError::Other(e.to_string()))?;
    cb.push(method).map_err(|e| CallError::Other(e.to_string()))?;
    let mut cbz = Zval::new();
    cbz.set_hashtable(cb);
    call(&cbz, args)
}

/// True when `$target->$method` can be called (a public method or `__call`).
pub fn has_callable_method(target: &Zval, method: &str) -> bool {
    let mut cb = ZendHashTable::new();
    if cb.push(target.shallow_clone()).is_err() || cb.push(method).is_err() {
        return false;
    }
    let mut cbz = Zval::new();
    cbz.set_hashtable(cb);
    cbz.is_callable()
}
