//! An organisation's `org.toml`: parsed and every rule checked.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = portal::content::parse_org_settings(text);
});
