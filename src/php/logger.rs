//! The SDK logger (spec §1.9): PSR-3 loggers with a level each. Messages are built lazily,
//! only when at least one logger accepts the level.

use std::sync::atomic::{AtomicU64, Ordering};

use ext_php_rs::types::Zval;

use super::userland;

/// Messages built since the process started (shown by `phpinfo()`): stays flat when logging is off.
pub static MESSAGES_FORMATTED: AtomicU64 = AtomicU64::new(0);

/// Log levels of `ConvertSdk\Enums\LogLevel` (int values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Trace = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,
    Silent = 5,
}

impl Level {
    pub fn from_int(i: i64) -> Option<Level> {
        Some(match i {
            0 => Level::Trace,
            1 => Level::Debug,
            2 => Level::Info,
            3 => Level::Warn,
            4 => Level::Error,
            5 => Level::Silent,
            _ => return None,
        })
    }

    /// The PSR-3 method a message of this level is sent to.
    fn psr3_method(self) -> &'static str {
        match self {
            Level::Trace | Level::Debug => "debug",
            Level::Info | Level::Silent => "info",
            Level::Warn => "warning",
            Level::Error => "error",
        }
    }
}

/// The configured PSR-3 clients and their levels.
#[derive(Default)]
pub struct Logger {
    clients: Vec<(Zval, Level)>,
}

impl Logger {
    pub fn add(&mut self, logger: Zval, level: Level) {
        self.clients.push((logger, level));
    }

    /// The client objects, for the cycle collector.
    pub fn report_zvals(&self, gc: &mut super::gc::GcBuffer) {
        gc.add_all(self.clients.iter().map(|(z, _)| z));
    }

    /// True when a message at `level` would reach at least one client.
    pub fn enabled(&self, level: Level) -> bool {
        level != Level::Silent && self.clients.iter().any(|(_, l)| level >= *l)
    }

    /// Sends `message()` to every client accepting `level`; builds it only when needed.
    /// Failures of a logger are swallowed (a logger must never break a request).
    pub fn log(&self, level: Level, message: impl FnOnce() -> String) {
        if !self.enabled(level) {
            return;
        }
        let text = message();
        MESSAGES_FORMATTED.fetch_add(1, Ordering::Relaxed);
        let targets: Vec<Zval> =
            self.clients.iter().filter(|(_, l)| level >= *l).map(|(z, _)| z.shallow_clone()).collect();
        let context = Zval::new_array();
        for target in targets {
            if let Err(userland::CallError::Exit) =
                userland::call_method(&target, level.psr3_method(), vec![&text, &context])
            {
                return;
            }
        }
    }
}
