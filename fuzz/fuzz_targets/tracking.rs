//! libFuzzer entry point; the checks live in `convert_sdk_fuzz::tracking` (shared with the regression tests).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| convert_sdk_fuzz::tracking(data));
