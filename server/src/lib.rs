//! The server: the command line, start-up (the router, the middleware and
//! the background work) and the HTTP doors beside the server functions (the
//! REST API, file routes, consent forms). The use cases and storage are the
//! `portal` crate's; this crate only wires them to the network.

pub mod http;
pub mod monitoring;
pub mod startup;
pub mod telemetry;
