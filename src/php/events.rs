//! System events (spec §9.2): listeners per event name, deferred events replayed to late
//! subscribers. Listener failures are logged and survived; no borrow is held across a call.

use std::cell::RefCell;

use ext_php_rs::types::Zval;

use super::logger::{Level, Logger};
use super::userland::{self, CallError};

#[derive(Default)]
pub struct EventBus {
    listeners: RefCell<Vec<(String, Zval)>>,
    /// First deferred firing of each event: (event, args, err).
    deferred: RefCell<Vec<(String, Zval, Zval)>>,
}

impl EventBus {
    /// `on(event, fn)`: subscribes, then replays the remembered deferred firing to all listeners.
    pub fn on(&self, event: &str, listener: &Zval, logger: &Logger) {
        self.listeners.borrow_mut().push((event.to_string(), listener.shallow_clone()));
        let replay = self
            .deferred
            .borrow()
            .iter()
            .find(|(e, _, _)| e == event)
            .map(|(_, a, r)| (a.shallow_clone(), r.shallow_clone()));
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
            gc.add_all(deferred.iter().flat_map(|(_, args, err)| [args, err]));
        }
    }

    /// True when nobody listens to `event` and it would not be remembered.
    pub fn is_idle(&self, event: &str, deferred: bool) -> bool {
        let has_listener = self.listeners.borrow().iter().any(|(e, _)| e == event);
        let remember = deferred && !self.deferred.borrow().iter().any(|(e, _, _)| e == event);
        !has_listener && !remember
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
        if deferred && !self.deferred.borrow().iter().any(|(e, _, _)| e == event) {
            self.deferred.borrow_mut().push((event.to_string(), args.shallow_clone(), err.shallow_clone()));
        }
    }
}
