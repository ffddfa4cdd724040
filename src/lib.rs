//! convert_sdk: PHP extension (ext-php-rs) exposing the Convert Experiences PHP SDK API.
use ext_php_rs::prelude::*;

mod allocator;
pub mod php;

#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    let module = module.info_function(php::module_info::php_module_info);
    let module = php::enums::register(module);
    let module = php::exceptions::register(module);
    let module = php::dtos::register(module);
    let module = php::bucketing_attributes::register(module);
    let module = php::interfaces::register(module);
    let module = php::array_cache::register(module);
    let module = module.request_startup_function(php::changes_cache::on_request_start);
    let module = module.request_shutdown_function(php::tracking::on_request_shutdown);
    // Context before Core: Core::createContext's return type is checked against the interface.
    module.class::<php::context::Context>().class::<php::core::Core>().class::<php::core::ConvertSdk>()
}
