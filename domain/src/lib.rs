//! The domain vocabulary shared by the browser and the server: request kinds,
//! statuses, deadlines, validated input, the request lifecycle, the error
//! codes, the read models the pages show (`views`) and the words for all of
//! them in three languages (`i18n`). Everything here is pure (no I/O), so the
//! same parser runs in the browser for instant feedback and on the server for
//! the real check, and both the UI (`app`) and the use cases (`portal`) speak
//! the same types.

pub mod actor;
pub mod audit_action;
pub mod deadline;
pub mod details;
pub mod email;
pub mod error;
pub mod event;
pub mod event_note;
pub mod execution;
pub mod i18n;
pub mod intake;
pub mod kind;
pub mod language;
pub mod lifecycle;
pub mod org_slug;
pub mod outcome;
pub mod reference;
pub mod refusal;
pub mod role;
pub mod staff_action;
pub mod staff_news;
pub mod status;
pub mod submission;
pub mod views;
pub mod webhook_event;

pub use actor::{Actor, ActorKind, Task};
pub use audit_action::AuditAction;
pub use deadline::{add_months, one_month_after, DueDate};
pub use details::{Details, ErasureScope, Field, ValidDetails, MAX_DETAIL_CHARS};
pub use email::Email;
pub use error::{AppError, FieldError, FieldErrorCode};
pub use event::EventKind;
pub use event_note::EventNote;
pub use execution::{ExecutionOutcome, Operation};
pub use intake::{Arrival, Channel};
pub use kind::RequestKind;
pub use language::Language;
pub use lifecycle::{Action, Move, RequestState, Transition, TransitionError};
pub use org_slug::OrgSlug;
pub use outcome::{ErasureException, Outcome, OutcomeForm};
pub use reference::Reference;
pub use refusal::{RefusalGround, SupervisoryAuthority};
pub use role::Role;
pub use staff_action::{ActionForm, StaffAction};
pub use staff_news::{DigestHour, DigestTime, StaffMailSettings, StaffNews};
pub use status::Status;
pub use submission::Submission;
pub use webhook_event::WebhookEvent;
