//! A REST submission body: JSON, then every field parsed and validated.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Ok(submission) = server::http::api::parse_submission(body) {
        // What is accepted is what the rules allow.
        assert!(submission.email.as_str().contains('@'));
    }
});
