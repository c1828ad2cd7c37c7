//! A notice file: TOML front matter (the facts, checked) and Markdown.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = portal::notice::parse_text(text, &["identity".to_owned()]);
});
