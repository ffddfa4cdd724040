//! (in progress)
use ext_php_rs::prelude::*;

/// Adds this file's classes to the module.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
}
