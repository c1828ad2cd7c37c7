//! What every door shares, so that no door does it its own way: who the
//! caller is (`identity`), the cookies that carry sessions (`cookies`) and
//! the one mapping from an error to an HTTP answer (`error`). The doors
//! themselves (server functions in `app`, REST and file routes in `server`)
//! only extract a caller, call a use case and map its error.

pub mod cookies;
pub mod error;
pub mod identity;

pub use cookies::Framing;
pub use error::ApiError;
pub use identity::{
    Caller, Client, ClientAddress, HostOrg, MaybeStaff, MaybeSubject, PendingLogin, StaffCaller,
    SubjectCaller, TokenCaller, TokenToShow,
};
