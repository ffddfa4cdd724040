//! libFuzzer entry point; the checks live in `convert_sdk_fuzz::rules` (shared with the regression tests).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| convert_sdk_fuzz::rules(data));
