//! A notice pasted from a company's site, turned into the portal's format;
//! whatever comes out must load as a notice.
#![no_main]
use app::domain::Language;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(imported) = server::notice_import::import(text, Language::Nb, None, "2026-01-01") {
        if let Err(error) = server::notice::parse_text(&imported, &[]) {
            panic!("an imported notice does not load: {error:#}\n{imported}");
        }
    }
});
