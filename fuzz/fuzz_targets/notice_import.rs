//! A notice pasted from a company's site, turned into the portal's format;
//! whatever comes out must load as a notice.
#![no_main]
use domain::Language;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(imported) = portal::notice_import::import(text, Language::Nb, None, "2026-01-01") {
        if let Err(error) = portal::notice::parse_text(&imported, &[]) {
            panic!("an imported notice does not load: {error:#}\n{imported}");
        }
    }
});
