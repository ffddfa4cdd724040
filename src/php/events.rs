//! System events (spec §9.2): listeners per event name, deferred events replayed to late
//! subscribers. Listener failures are logged and survived; no borrow is held across a call.

use std::cell::RefCell;

use ext_php_rs::types::Zval;
use serde_json::Value;

use super::convert::value_to_zval;
use super::logger::{Level, Logger};
use super::userland::{self, CallError};

#[derive(Default)]
pub struct EventBus {
    listeners: RefCell<Vec<(String, Zval)>>,
    /// First deferred firing of each event.
    deferred: RefCell<Vec<(String, Remembered)>>,
}

/// A remembered deferred firing: the arguments listeners were given, or, when nobody listened yet,
/// the engine value of `$args` (`$err` null), made a PHP value only if somebody subscribes.
enum Remembered {
    Given(Zval, Zval),
    Value(Value),
}

impl Remembered {
    fn arguments(&self) -> (Zval, Zval) {
        match self {
            Remembered::Given(args, err) => (args.shallow_clone(), err.shallow_clone()),
            Remembered::Value(args) => (value_to_zval(args), Zval::null()),
        }
    }
}

impl EventBus {
    /// `on(event, fn)`: subscribes, then replays the remembered deferred firing to all listeners.
    pub fn on(&self, event: &str, listener: &Zval, logger: &Logger) {
        self.listeners.borrow_mut().push((event.to_string(), listener.shallow_clone()));
        let replay = self
            .deferred
            .borrow()
            .iter()
            .find(|(e, _)| e == event)
            .map(|(_, remembered)| remembered.arguments());
        if let Some((args, err)) = replay {
            self.fire(event, &args, &err, false, logger);
        }
    }

    /// Listeners and remembered arguments, for the cycle collector (skipped while being modified).
    pub fn report_zvals(&self, gc: &mut super::gc::GcBuffer) {
        if let Ok(listeners) = self.listeners.try_borrow() {
            gc.add_all(listeners.iter().map(|(_, l)| l));
        }
        if let Ok(deferred) = self.deferred.try_borrow() {
            for (_, remembered) in deferred.iter() {
                if let Remembered::Given(args, err) = remembered {
                    gc.add_all([args, err]);
                }
            }
        }
    }

    /// True when nobody listens to `event` and it would not be remembered.
    pub fn is_idle(&self, event: &str, deferred: bool) -> bool {
        !self.has_listener(event) && !(deferred && !self.is_remembered(event))
    }

    pub fn has_listener(&self, event: &str) -> bool {
        self.listeners.borrow().iter().any(|(e, _)| e == event)
    }

    fn is_remembered(&self, event: &str) -> bool {
        self.deferred.borrow().iter().any(|(e, _)| e == event)
    }

    /// Remembers the first firing of a deferred event nobody listens to (`$err` null).
    pub fn remember(&self, event: &str, args: Value) {
        if !self.is_remembered(event) {
            self.deferred.borrow_mut().push((event.to_string(), Remembered::Value(args)));
        }
    }

    /// Calls every listener of `event` in registration order with `($args, $err)`.
    pub fn fire(&self, event: &str, args: &Zval, err: &Zval, deferred: bool, logger: &Logger) {
        let snapshot: Vec<Zval> = self
            .listeners
            .borrow()
            .iter()
            .filter(|(e, _)| e == event)
            .map(|(_, l)| l.shallow_clone())
            .collect();
        for listener in &snapshot {
            match userland::call(listener, vec![args, err]) {
                Ok(_) => {}
                Err(CallError::Exit) => return,
                Err(e) => logger.log(Level::Error, || format!("Event listener for '{event}' failed: {}", e.describe())),
            }
        }
        if deferred && !self.is_remembered(event) {
            self.deferred.borrow_mut().push((event.to_string(), Remembered::Given(args.shallow_clone(), err.shallow_clone())));
        }
    }
}
