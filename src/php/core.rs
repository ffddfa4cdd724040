//! `ConvertSdk\ConvertSDK` (the factory) and `ConvertSdk\Core` (the SDK instance), spec §1.2–§1.3.
#![allow(non_snake_case)] // PHP parameter names (named arguments) are camelCase

use std::rc::Rc;
use std::sync::Arc;

use convert_sdk_engine::config::Config;

use super::config_source::{self, Loaded};
use ext_php_rs::flags::ClassFlags;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendClassObject, ZendHashTable, Zval};

use super::args::{bytes_arg, optional_array, type_error};
use super::context::Context;
use super::convert::zval_to_value;
use super::exceptions;
use super::gc::{GcBuffer, HoldsZvals};
use super::instance::Instance;
use super::logger::Level;
use super::options::{self, SdkOptions};

/// The factory: `ConvertSDK::create(array $config = []): Core`.
#[php_class]
#[php(name = "ConvertSdk\\ConvertSDK")]
#[php(flags = ClassFlags::Final)]
pub struct ConvertSdk;

#[php_impl]
impl ConvertSdk {
    /// Private: the SDK is built with `ConvertSDK::create()`.
    #[php(vis = "private")]
    pub fn __construct() -> PhpResult<Self> {
        Err(not_constructible("ConvertSdk\\ConvertSDK", "ConvertSDK::create()"))
    }

    /// Builds an SDK instance from options (§1.2). Config problems do not throw: they are
    /// reported through the `ready` event and `isReady() === false`.
    #[php(optional = config)]
    pub fn create(config: Option<&ZendHashTable>) -> PhpResult<Core> {
        let empty = ZendHashTable::new();
        let options = options::parse(config.unwrap_or(&empty))?;
        Ok(Core::initialise(options))
    }
}

/// The SDK instance returned by `create()`.
#[php_class]
#[php(name = "ConvertSdk\\Core")]
#[php(flags = ClassFlags::Final)]
#[php(implements(super::interfaces::PhpInterfaceCoreInterface))]
pub struct Core {
    instance: Rc<Instance>,
}

/// The error for constructing a class that only the SDK may build.
pub fn not_constructible(class: &str, instead: &str) -> ext_php_rs::exception::PhpException {
    ext_php_rs::exception::PhpException::new(format!("{class} cannot be constructed directly; use {instead}"), 0, ext_php_rs::zend::ce::error())
}

impl Core {
    /// Initialisation (§1.2.2): never throws; failures are delivered as the `ready` error.
    fn initialise(options: SdkOptions) -> Core {
        let (config, err, updated) = match config_source::load(&options) {
            Loaded::Config { config, updated } => (Some(config), Zval::null(), updated),
            Loaded::Failed(e) => (None, e, false),
        };
        let instance = Instance::new(options, config);
        super::tracking::register_shutdown();
        if instance.config.is_none() {
            instance.log(Level::Error, || "SDK initialisation failed; see the 'ready' event error".into());
        }
        instance.events.fire("ready", &Zval::new_array(), &err, true, &instance.options.logger);
        if updated {
            instance.fire("config.updated", || serde_json::Value::Array(Vec::new()), true);
        }
        Core { instance }
    }

    fn ready_config(&self) -> Option<&Arc<Config>> {
        self.instance.config.as_ref().filter(|c| c.is_ready())
    }
}

impl HoldsZvals for Core {
    /// The instance's zvals. Only while this object is the instance's sole owner, which is always
    /// the case (see `Instance`); the check keeps a future `Rc` clone from turning into a
    /// use-after-free (it would make such cycles uncollectable instead).
    fn report_zvals(&self, gc: &mut GcBuffer) {
        if Rc::strong_count(&self.instance) == 1 {
            self.instance.report_zvals(gc);
        }
    }
}

/// A counted reference to a `Core` object: how a `Context` (and the request-end release list) reaches
/// its SDK instance. Holding the object (not a second `Rc<Instance>`) keeps the instance single-owned,
/// so that a cycle through a context (`$sdk->on('x', fn () => $context)`) is visible to the cycle
/// collector as context → Core → listener → context.
pub struct CoreRef(Zval);

impl Clone for CoreRef {
    fn clone(&self) -> CoreRef {
        CoreRef(self.0.shallow_clone())
    }
}

impl CoreRef {
    fn new(core: &mut ZendClassObject<Core>) -> CoreRef {
        let mut zv = Zval::new();
        zv.set_object(core.get_mut_zend_obj());
        CoreRef(zv)
    }

    /// The SDK instance. The referenced object lives as long as this reference: it is only destroyed
    /// early by the cycle collector, together with the holder of this reference, and never while
    /// one of the holder's methods runs.
    pub fn instance(&self) -> &Instance {
        self.instance_rc()
    }

    /// The instance's owning `Rc`, to take a `Weak` (which keeps the instance single-owned).
    pub fn instance_rc(&self) -> &Rc<Instance> {
        let core = self.0.object().and_then(ZendClassObject::<Core>::from_zend_obj).and_then(|c| c.obj.as_ref());
        &core.expect("a Context's Core object is alive and initialised").instance
    }

    /// The object zval, for the cycle collector.
    pub fn zval(&self) -> &Zval {
        &self.0
    }
}

#[php_impl]
impl Core {
    /// Private: instances come from `ConvertSDK::create()`.
    #[php(vis = "private")]
    pub fn __construct() -> PhpResult<Self> {
        Err(not_constructible("ConvertSdk\\Core", "ConvertSDK::create()"))
    }

    pub const DEFAULT_DATA_REFRESH_INTERVAL: i64 = 300;

    /// `createContext(string $visitorId, ?array $visitorAttributes = null): ?ContextInterface`.
    #[php(optional = visitorAttributes)]
    pub fn create_context(
        self_: &mut ZendClassObject<Core>,
        visitorId: &Zval,
        visitorAttributes: Option<&Zval>,
    ) -> PhpResult<Option<Context>> {
        let visitor_id = bytes_arg(visitorId, "ConvertSdk\\Core::createContext", 1, "visitorId")?;
        if visitor_id.is_empty() {
            return Err(exceptions::invalid_argument("Visitor ID must not be empty"));
        }
        let attributes = optional_array(visitorAttributes, "ConvertSdk\\Core::createContext", 2, "visitorAttributes")?;
        let Some(config) = self_.ready_config().cloned() else {
            self_.instance.log(Level::Error, || "createContext: the SDK is not ready".into());
            return Ok(None);
        };
        let attributes = attributes.map(zval_to_value);
        Ok(Some(Context::new(CoreRef::new(self_), config, visitor_id, attributes)))
    }

    /// `on(string|SystemEvents $event, callable $fn): void` (§9.2).
    pub fn on(&self, event: &Zval, r#fn: &Zval) -> PhpResult<()> {
        let name = match zval_to_value(event) {
            serde_json::Value::String(s) => s,
            _ => return Err(type_error("ConvertSdk\\Core::on", 1, "event", "string", event)),
        };
        if !r#fn.is_callable() {
            return Err(type_error("ConvertSdk\\Core::on", 2, "fn", "callable", r#fn));
        }
        self.instance.events.on(&name, r#fn, &self.instance.options.logger);
        Ok(())
    }

    /// True iff initialised with a config that has a truthy `account_id` and `project`.
    pub fn is_ready(&self) -> bool {
        self.ready_config().is_some()
    }

    /// Deprecated alias of `isReady()`.
    pub fn on_ready(&self) -> bool {
        self.is_ready()
    }

    /// Releases the tracking queue now (reason `flush`).
    pub fn flush(&self) {
        self.instance.release_queue(Some("flush"));
    }
}
