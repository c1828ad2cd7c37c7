//! The WebAssembly entry point: hydrates the islands of the server-rendered
//! page (the interactive parts) and nothing else.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Links the islands of `app` into this module.
    #[allow(unused_imports)]
    use app::*;
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
