//! The HTTP surface besides the Leptos pages: the REST API, the error
//! mapping, and the middleware every response passes through.

pub mod api;
pub mod error;
pub mod guard;
pub mod redirects;
