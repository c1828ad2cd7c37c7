//! The server's configuration file (`PORTAL_CONFIG`), then every setting.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(sources) = portal::config::Sources::new(Vec::new(), Some(("portal.toml", text))) {
        let _ = portal::config::Settings::from_sources(&sources);
        let _ = sources.json_logs();
    }
});
