//! The organisation API: an integration (a CRM, a ticketing or mailing
//! system) works one organisation's queue with an API token, under
//! `/api/v1/orgs/{org}/…`. Every handler learns the token from the same
//! extractor (`TokenCaller`), calls the use case the console calls, with
//! the same rules, and maps the error; none holds a rule of its own. A
//! token of another organisation is no token here (401); what its role
//! does not allow is not found (404), as in the console.

use super::api::{EventResource, JsonBody, MessageResource};
use super::files::{download_response, read_data_file, read_form};
use axum::{
    extract::{DefaultBodyLimit, Multipart, Path, Query, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
    Json, Router,
};
use domain::views::console::{CaseView, QueueFilter, QueueItem};
use domain::{AppError, Language, Move, Reference, StaffAction, Transition};
use portal::door::error::ErrorBody;
use portal::door::{ApiError, HostOrg, TokenCaller};
use portal::service::{ApiClient, Service};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::{IntoParams, ToSchema};

/// The largest JSON body an action takes: a text of 10,000 characters,
/// each escaped as JSON may escape it (12 bytes for a character outside
/// the BMP), and room besides; more is 413.
pub const MAX_ACTION_BYTES: usize = 256 * 1024;

/// The organisation API's routes, with their own body limits: up to five
/// files of 10 MB for a completion and a data file, `MAX_ACTION_BYTES`
/// for the rest (outside the pages' 64 KiB).
pub fn router(service: Arc<Service>) -> Router {
    let upload = || {
        (
            DefaultBodyLimit::max(super::files::MAX_UPLOAD_BYTES),
            RequestBodyLimitLayer::new(super::files::MAX_UPLOAD_BYTES),
        )
    };
    let uploads = Router::new()
        .route(
            "/api/v1/orgs/{org}/requests/{reference}/complete",
            post(complete),
        )
        .route(
            "/api/v1/orgs/{org}/requests/{reference}/export-data",
            post(add_export_data),
        )
        .route_layer(upload());
    Router::new()
        .route("/api/v1/orgs/{org}/requests", get(list))
        .route("/api/v1/orgs/{org}/requests/{reference}", get(read))
        .route(
            "/api/v1/orgs/{org}/requests/{reference}/assign",
            post(assign),
        )
        .route("/api/v1/orgs/{org}/requests/{reference}/start", post(start))
        .route(
            "/api/v1/orgs/{org}/requests/{reference}/messages",
            post(message),
        )
        .route(
            "/api/v1/orgs/{org}/requests/{reference}/questions",
            post(ask),
        )
        .route(
            "/api/v1/orgs/{org}/requests/{reference}/extend",
            post(extend),
        )
        .route(
            "/api/v1/orgs/{org}/requests/{reference}/reject",
            post(reject),
        )
        .route(
            "/api/v1/orgs/{org}/requests/{reference}/execute",
            post(execute),
        )
        .route(
            "/api/v1/orgs/{org}/requests/{reference}/collect",
            post(collect),
        )
        .route(
            "/api/v1/orgs/{org}/requests/{reference}/without-source",
            post(without_source),
        )
        .route(
            "/api/v1/orgs/{org}/requests/{reference}/export",
            get(download_export).post(build_export),
        )
        .route(
            "/api/v1/orgs/{org}/requests/{reference}/export/release",
            post(release_export),
        )
        .route(
            "/api/v1/orgs/{org}/requests/{reference}/attachments/{id}",
            get(download_attachment),
        )
        .route("/api/v1/orgs/{org}/opt-outs", get(opt_outs))
        .route("/api/v1/orgs/{org}/consents", get(consents))
        .route_layer(RequestBodyLimitLayer::new(MAX_ACTION_BYTES))
        .merge(uploads)
        .with_state(service)
}

/// The token, in the organisation the path names, on a host that serves it.
fn in_org<'a>(
    caller: &'a TokenCaller,
    host: &HostOrg,
    org: &str,
) -> Result<&'a ApiClient, ApiError> {
    host.serves(org).map_err(|_| AppError::Unauthenticated)?;
    Ok(caller.0.in_org(org)?)
}

fn reference(raw: &str) -> Result<Reference, ApiError> {
    Reference::parse(raw).map_err(|_| ApiError(AppError::NotFound))
}

/// A query parameter that is there must say something: the document's
/// patterns allow no empty value (the console's forms send empty ones, the
/// API does not take them).
fn given(field: &str, value: Option<String>) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) if v.is_empty() => Err(ApiError(AppError::validation(
            field,
            domain::FieldErrorCode::InvalidChoice,
        ))),
        other => Ok(other),
    }
}

/// A JSON number that is a whole number, written `3` or `3.0` (JSON Schema
/// counts both as an integer), in range for `T`.
fn whole<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    use serde::de::Error;
    let number = serde_json::Number::deserialize(deserializer)?;
    let value = number.as_i64().or_else(|| {
        number
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    });
    value
        .and_then(|v| T::try_from(v).ok())
        .ok_or_else(|| D::Error::custom("not a whole number in range"))
}

fn string_enum(values: impl IntoIterator<Item = &'static str>) -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .build()
}

fn kind_schema() -> utoipa::openapi::schema::Object {
    string_enum(domain::RequestKind::ALL.iter().map(|k| k.as_str()))
}

fn status_schema() -> utoipa::openapi::schema::Object {
    string_enum(domain::Status::ALL.iter().map(|s| s.as_str()))
}

fn ground_schema() -> utoipa::openapi::schema::Object {
    string_enum(domain::RefusalGround::ALL.iter().map(|g| g.as_str()))
}

fn event_schema() -> utoipa::openapi::schema::Object {
    string_enum(domain::EventKind::ALL.iter().map(|e| e.as_str()))
}

/// What the queue's filters mean, as the console's.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A status, `open` (the default: not yet answered) or `all`.
    #[param(
        pattern = r"^(open|all|pending_verification|received|in_progress|awaiting_subject|completed|rejected|cancelled)$"
    )]
    status: Option<String>,
    /// One kind of request.
    #[param(schema_with = kind_schema)]
    kind: Option<String>,
    /// A member's id, or `none` (unassigned).
    #[param(pattern = r"^(none|[0-9]{1,18})$")]
    assignee: Option<String>,
    /// `next_cursor` of the page before; absent for the first page.
    #[param(pattern = r"^[0-9]{1,18}$")]
    cursor: Option<String>,
    /// At most this many requests (1–100, default 100).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct QueueEntry {
    reference: String,
    #[schema(schema_with = kind_schema)]
    kind: String,
    #[schema(schema_with = status_schema)]
    status: String,
    /// RFC 3339: when its clock started to run (or it was made).
    #[schema(format = DateTime)]
    received_at: String,
    /// ISO date; set once the subject confirmed it.
    #[schema(format = Date)]
    due_date: Option<String>,
    /// The assignee's address.
    assignee: Option<String>,
    overdue: bool,
    due_soon: bool,
    /// Another open request of the same subject and kind exists.
    duplicate: bool,
}

impl From<QueueItem> for QueueEntry {
    fn from(item: QueueItem) -> Self {
        QueueEntry {
            reference: item.reference.to_string(),
            kind: item.kind.as_str().into(),
            status: item.status.as_str().into(),
            received_at: item.received_at,
            due_date: item.due_date,
            assignee: item.assignee,
            overdue: item.overdue,
            due_soon: item.due_soon,
            duplicate: item.duplicate,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct QueuePage {
    /// Oldest first.
    requests: Vec<QueueEntry>,
    /// Send as `cursor` for the next page; `null` on the last one.
    next_cursor: Option<String>,
}

/// The organisation's requests, filtered as the console's queue, oldest
/// first, a page at a time. A token of the organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/requests", operation_id = "org_list_requests",
    params(("org" = String, Path), ListQuery),
    security(("org_token" = [])),
    responses(
        (status = 200, body = QueuePage),
        (status = 400, description = "A parameter that is not of its type", body = ErrorBody),
        (status = 401, description = "No live token of this organisation", body = ErrorBody),
        (status = 422, description = "A filter, cursor or limit out of range", body = ErrorBody),
    ))]
async fn list(
    State(service): State<Arc<Service>>,
    Path(org): Path<String>,
    host: HostOrg,
    caller: TokenCaller,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<QueuePage>, ApiError> {
    let client = in_org(&caller, &host, &org)?;
    let Query(query) = query.map_err(|_| AppError::MalformedBody)?;
    let filter = QueueFilter {
        status: given("status", query.status)?,
        kind: given("kind", query.kind)?,
        assignee: given("assignee", query.assignee)?,
        page: None,
    };
    let cursor = given("cursor", query.cursor)?;
    let page = service
        .console
        .work_page(client, &org, &filter, cursor.as_deref(), query.limit)
        .await?;
    Ok(Json(QueuePage {
        requests: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Member {
    id: i64,
    email: String,
}

#[derive(Serialize, ToSchema)]
pub struct StaffAttachment {
    id: i64,
    name: String,
    size: i64,
    /// Hex SHA-256 of the file.
    sha256: String,
    url: String,
}

#[derive(Serialize, ToSchema)]
pub struct SourceResult {
    source: String,
    /// RFC 3339 of its newest run; `null` if never asked.
    at: Option<String>,
    ok: bool,
    records: i64,
    /// Why it failed.
    detail: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ExecutionResult {
    source: String,
    /// `erase` or `restrict`.
    operation: String,
    /// `done`, `kept` (under an exception) or `failed`.
    outcome: String,
    detail: String,
    at: String,
}

/// One request in full, as its console page shows it.
#[derive(Serialize, ToSchema)]
pub struct CaseResource {
    reference: String,
    #[schema(schema_with = kind_schema)]
    kind: String,
    #[schema(schema_with = status_schema)]
    status: String,
    /// The subject's address and language.
    email: String,
    #[schema(pattern = "^(en|nb|nl)$")]
    language: String,
    #[schema(format = DateTime)]
    received_at: String,
    verified_at: Option<String>,
    #[schema(format = Date)]
    due_date: Option<String>,
    extended: bool,
    overdue: bool,
    due_soon: bool,
    assignee: Option<Member>,
    /// Who it may be assigned to.
    colleagues: Vec<Member>,
    /// Other open requests of the same subject and kind.
    duplicates: Vec<String>,
    /// What the kind asks, as the subject answered.
    #[schema(value_type = Object)]
    details: serde_json::Value,
    /// The recorded decision, once completed.
    #[schema(value_type = Option<Object>)]
    outcome: Option<serde_json::Value>,
    history: Vec<EventResource>,
    messages: Vec<MessageResource>,
    attachments: Vec<StaffAttachment>,
    /// The actions its status allows now: `assign`, `start`, `ask`,
    /// `message`, `extend`, `complete`, `reject`.
    actions: Vec<String>,
    /// Access and portability: each data source's newest answer.
    sources: Vec<SourceResult>,
    /// Erasure and restriction: what each source did.
    executions: Vec<ExecutionResult>,
}

const ACTIONS: [(Move, &str); 7] = [
    (Move::Assign, "assign"),
    (Move::Start, "start"),
    (Move::AskSubject, "ask"),
    (Move::Message, "message"),
    (Move::Extend, "extend"),
    (Move::Complete, "complete"),
    (Move::Reject, "reject"),
];

impl From<CaseView> for CaseResource {
    fn from(case: CaseView) -> Self {
        let view = &case.request;
        let member = |c: &domain::views::console::Colleague| Member {
            id: c.id,
            email: c.email.clone(),
        };
        CaseResource {
            reference: view.reference.to_string(),
            kind: view.kind.as_str().into(),
            status: view.status.as_str().into(),
            email: case.email.clone(),
            language: case.language.code().into(),
            received_at: view.received_at.clone(),
            verified_at: view.verified_at.clone(),
            due_date: view.due_date.clone(),
            extended: case.state.extended,
            overdue: case.overdue,
            due_soon: case.due_soon,
            assignee: case.assignee.as_ref().map(member),
            colleagues: case.colleagues.iter().map(member).collect(),
            duplicates: case.duplicates.clone(),
            details: serde_json::to_value(&view.details).unwrap_or_default(),
            outcome: case
                .outcome
                .as_ref()
                .and_then(|o| serde_json::to_value(o).ok()),
            // The staff's language is English (see the README).
            history: EventResource::history(view, Language::En),
            messages: MessageResource::conversation(view),
            attachments: view
                .attachments
                .iter()
                .map(|a| StaffAttachment {
                    id: a.id,
                    name: a.file_name.clone(),
                    size: a.size,
                    sha256: a.sha256.clone(),
                    url: format!(
                        "/api/v1/orgs/{}/requests/{}/attachments/{}",
                        case.org, view.reference, a.id
                    ),
                })
                .collect(),
            actions: ACTIONS
                .iter()
                .filter(|(step, _)| case.state.allows(*step).is_ok())
                .map(|(_, name)| (*name).to_owned())
                .collect(),
            sources: case
                .sources
                .iter()
                .map(|s| SourceResult {
                    source: s.source.clone(),
                    at: s.at.clone(),
                    ok: s.ok,
                    records: s.records,
                    detail: s.detail.clone(),
                })
                .collect(),
            executions: case
                .executions
                .iter()
                .map(|e| ExecutionResult {
                    source: e.source.clone(),
                    operation: e.operation.as_str().into(),
                    outcome: e.outcome.as_str().into(),
                    detail: e.detail.clone(),
                    at: e.at.clone(),
                })
                .collect(),
        }
    }
}

/// One request in full, with the subject's address (the read is audited,
/// `request.viewed`). A token of its organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/requests/{reference}", operation_id = "org_get_request",
    params(("org" = String, Path), ("reference" = String, Path, description = "e.g. PR-7K3M-Q9XD")),
    security(("org_token" = [])),
    responses(
        (status = 200, body = CaseResource),
        (status = 401, description = "No live token of this organisation", body = ErrorBody),
        (status = 404, description = "No such request in this organisation", body = ErrorBody),
    ))]
async fn read(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
) -> Result<Json<CaseResource>, ApiError> {
    let client = in_org(&caller, &host, &org)?;
    let case = service
        .console
        .case(client, &org, &reference(&raw)?)
        .await?;
    Ok(Json(case.into()))
}

/// What an action did: the event it wrote and where the request stands.
#[derive(Serialize, ToSchema)]
pub struct ActionDone {
    #[schema(schema_with = event_schema)]
    event: String,
    #[schema(schema_with = status_schema)]
    status: String,
    #[schema(format = Date)]
    due_date: Option<String>,
    /// The assignee's member id.
    assignee: Option<i64>,
}

impl From<Transition> for ActionDone {
    fn from(done: Transition) -> Self {
        ActionDone {
            event: done.event.as_str().into(),
            status: done.state.status.as_str().into(),
            due_date: done.state.due.map(|d| d.to_string()),
            assignee: done.state.assignee,
        }
    }
}

async fn act(
    service: &Service,
    caller: &TokenCaller,
    host: &HostOrg,
    org: &str,
    raw: &str,
    action: StaffAction,
) -> Result<Json<ActionDone>, ApiError> {
    let client = in_org(caller, host, org)?;
    let done = service
        .cases
        .staff_act(client, org, &reference(raw)?, action)
        .await?;
    Ok(Json(done.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// A member of the organisation (`colleagues` of the request).
    #[serde(deserialize_with = "whole")]
    to: i64,
    /// A note for them (the team's, never the subject's).
    #[schema(max_length = 10000)]
    note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextBody {
    /// Told to the subject (at most 10,000 characters).
    #[schema(min_length = 1, max_length = 10000)]
    text: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendBody {
    /// By one or two months (Art. 12(3)), once.
    #[schema(minimum = 1, maximum = 2)]
    #[serde(deserialize_with = "whole")]
    months: u8,
    /// Why, told to the subject.
    #[schema(min_length = 1, max_length = 10000)]
    reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    /// Why, told to the subject with their right to complain (Art. 12(4)).
    #[schema(min_length = 1, max_length = 10000)]
    reason: String,
    /// The legal ground (Art. 12(4)), one of those the request's kind
    /// allows: `manifestly_unfounded`, `excessive`, `cannot_identify`,
    /// `national_law` for every kind, and each right's own (`rights_of_others`
    /// for access and portability, `accurate` for rectification, the
    /// Art. 17(1) and 17(3)(a)–(e) grounds for erasure, …); another is 422.
    #[schema(schema_with = ground_schema)]
    legal_ground: String,
}

/// Shared by every action: the statuses a rule, not the door, may answer.
macro_rules! action_path {
    ($fn:ident, $path:literal, $id:literal, $summary:literal, $body:ty) => {
        #[utoipa::path(post, path = $path, operation_id = $id, description = $summary,
            params(("org" = String, Path), ("reference" = String, Path)),
            request_body = $body,
            security(("org_token" = [])),
            responses(
                (status = 200, description = "Done", body = ActionDone),
                (status = 400, description = "No JSON body, or not this one", body = ErrorBody),
                (status = 401, description = "No live token of this organisation", body = ErrorBody),
                (status = 404, description = "No such request in this organisation", body = ErrorBody),
                (status = 409, description = "Its status does not allow this now", body = ErrorBody),
                (status = 413, description = "Body over 64 KiB", body = ErrorBody),
                (status = 422, description = "A field is missing, too long or not a choice", body = ErrorBody),
            ))]
        #[allow(dead_code)]
        fn $fn() {}
    };
}

action_path!(
    assign_doc,
    "/api/v1/orgs/{org}/requests/{reference}/assign",
    "org_assign",
    "Assigns the request to a member of the organisation.",
    AssignBody
);
action_path!(
    message_doc,
    "/api/v1/orgs/{org}/requests/{reference}/messages",
    "org_message",
    "Writes to the subject (they are mailed that there is news, never the words).",
    TextBody
);
action_path!(
    ask_doc,
    "/api/v1/orgs/{org}/requests/{reference}/questions",
    "org_ask",
    "Asks the subject for information: `awaiting_subject` (the deadline keeps running).",
    TextBody
);
action_path!(
    extend_doc,
    "/api/v1/orgs/{org}/requests/{reference}/extend",
    "org_extend",
    "Extends the deadline once, by one or two months, telling the subject why.",
    ExtendBody
);
action_path!(
    reject_doc,
    "/api/v1/orgs/{org}/requests/{reference}/reject",
    "org_reject",
    "Refuses the request with a reason and a legal ground.",
    RejectBody
);

async fn assign(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
    JsonBody(body): JsonBody<AssignBody>,
) -> Result<Json<ActionDone>, ApiError> {
    let action = StaffAction::Assign {
        to: body.to,
        note: body.note.filter(|n| !n.trim().is_empty()),
    };
    act(&service, &caller, &host, &org, &raw, action).await
}

/// Starts work on the request (`in_progress`); for access and portability
/// it also asks the data sources.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/requests/{reference}/start", operation_id = "org_start",
    params(("org" = String, Path), ("reference" = String, Path)),
    security(("org_token" = [])),
    responses(
        (status = 200, description = "Done", body = ActionDone),
        (status = 401, description = "No live token of this organisation", body = ErrorBody),
        (status = 404, description = "No such request in this organisation", body = ErrorBody),
        (status = 409, description = "Its status does not allow this now", body = ErrorBody),
    ))]
async fn start(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
) -> Result<Json<ActionDone>, ApiError> {
    act(&service, &caller, &host, &org, &raw, StaffAction::Start).await
}

async fn message(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
    JsonBody(body): JsonBody<TextBody>,
) -> Result<Json<ActionDone>, ApiError> {
    let action = StaffAction::Message { body: body.text };
    act(&service, &caller, &host, &org, &raw, action).await
}

async fn ask(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
    JsonBody(body): JsonBody<TextBody>,
) -> Result<Json<ActionDone>, ApiError> {
    let action = StaffAction::AskSubject {
        question: body.text,
    };
    act(&service, &caller, &host, &org, &raw, action).await
}

async fn extend(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
    JsonBody(body): JsonBody<ExtendBody>,
) -> Result<Json<ActionDone>, ApiError> {
    let action = StaffAction::Extend {
        months: body.months,
        reason: body.reason,
    };
    act(&service, &caller, &host, &org, &raw, action).await
}

async fn reject(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
    JsonBody(body): JsonBody<RejectBody>,
) -> Result<Json<ActionDone>, ApiError> {
    let action = StaffAction::Reject {
        reason: body.reason,
        legal_ground: body.legal_ground,
    };
    act(&service, &caller, &host, &org, &raw, action).await
}

/// The completion form, as the console posts it.
// Deserialize only for `deny_unknown_fields`: the schema then says
// `additionalProperties: false`, as the form takes no other parts.
#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct CompleteForm {
    /// The answer, told to the subject.
    response: String,
    /// Erasure: the Art. 17(3) exceptions applied (`freedom_of_expression`,
    /// `legal_obligation`, `public_health`, `archiving`, `legal_claims`),
    /// one part each.
    exceptions: Option<Vec<String>>,
    /// Erasure: what was kept and why (required with an exception).
    retained: Option<String>,
    /// Restriction (applied?) and objection (upheld?): `yes` or `no`; a
    /// reviewed automated decision (Art. 22(3)): `upheld` or `changed`.
    decision: Option<String>,
    /// A reviewed automated decision: the person who reviewed it.
    reviewer: Option<String>,
    /// A reviewed automated decision: what they considered.
    considered: Option<String>,
    /// Up to five files of 10 MB each, for the subject.
    #[schema(value_type = Option<Vec<String>>, format = Binary)]
    attachments: Option<Vec<Vec<u8>>>,
}

/// Completes the request with a response, the kind's outcome and up to
/// five files (multipart), as the console's form does.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/requests/{reference}/complete", operation_id = "org_complete",
    params(("org" = String, Path), ("reference" = String, Path)),
    request_body(content = CompleteForm, content_type = "multipart/form-data"),
    security(("org_token" = [])),
    responses(
        (status = 200, description = "Done", body = ActionDone),
        (status = 400, description = "Not a multipart form", body = ErrorBody),
        (status = 401, description = "No live token of this organisation", body = ErrorBody),
        (status = 404, description = "No such request in this organisation", body = ErrorBody),
        (status = 409, description = "Its status does not allow this now", body = ErrorBody),
        (status = 413, description = "Over five files of 10 MB", body = ErrorBody),
        (status = 422, description = "A field is missing, too long or not a choice", body = ErrorBody),
    ))]
async fn complete(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<ActionDone>, ApiError> {
    let client = in_org(&caller, &host, &org)?;
    let reference = reference(&raw)?;
    // Authorised before the body is read.
    service.console.may_work(client, &org, &reference).await?;
    let form = read_form(multipart.map_err(|_| AppError::MalformedBody)?).await?;
    let action = StaffAction::Complete {
        response: form.response,
        outcome: form.outcome,
    };
    let done = service
        .cases
        .staff_act_with_files(client, &org, &reference, action, form.uploads)
        .await?;
    Ok(Json(done.into()))
}

/// How many sources did not answer, or could not carry it out.
#[derive(Serialize, ToSchema)]
pub struct SourcesDone {
    failed: usize,
}

/// Carries an approved erasure or restriction out on every data source
/// that can.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/requests/{reference}/execute", operation_id = "org_execute",
    params(("org" = String, Path), ("reference" = String, Path)),
    security(("org_token" = [])),
    responses(
        (status = 200, description = "Each source's result is on the request", body = SourcesDone),
        (status = 401, description = "No live token of this organisation", body = ErrorBody),
        (status = 404, description = "No such request in this organisation", body = ErrorBody),
        (status = 409, description = "Its status does not allow this now", body = ErrorBody),
        (status = 422, description = "Not an erasure or restriction, or no source can", body = ErrorBody),
    ))]
async fn execute(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
) -> Result<Json<SourcesDone>, ApiError> {
    let client = in_org(&caller, &host, &org)?;
    let failed = service
        .cases
        .execute_on_sources(client, &org, &reference(&raw)?)
        .await?;
    Ok(Json(SourcesDone { failed }))
}

/// Asks every data source about the subject again (access, portability).
#[utoipa::path(post, path = "/api/v1/orgs/{org}/requests/{reference}/collect", operation_id = "org_collect",
    params(("org" = String, Path), ("reference" = String, Path)),
    security(("org_token" = [])),
    responses(
        (status = 200, description = "Each source's answer is on the request", body = SourcesDone),
        (status = 401, description = "No live token of this organisation", body = ErrorBody),
        (status = 404, description = "No such request in this organisation", body = ErrorBody),
        (status = 409, description = "Its status does not allow this now", body = ErrorBody),
        (status = 422, description = "Not an access or portability request", body = ErrorBody),
    ))]
async fn collect(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
) -> Result<Json<SourcesDone>, ApiError> {
    let client = in_org(&caller, &host, &org)?;
    let failed = service
        .exports
        .collect_sources(client, &org, &reference(&raw)?)
        .await?;
    Ok(Json(SourcesDone { failed }))
}

/// The source the package comes without, and the team's words on it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithoutSourceBody {
    /// A data source of the organisation that did not answer.
    #[schema(min_length = 1, max_length = 200)]
    source: String,
    /// Why the package comes without it, and what the team will do (told to the subject).
    #[schema(min_length = 1, max_length = 10000)]
    text: String,
}

/// Records that the package comes without a source that did not answer;
/// the package and the tracking page say so, with these words. Until then
/// a package is built only when every source answered (Art. 15).
#[utoipa::path(post, path = "/api/v1/orgs/{org}/requests/{reference}/without-source", operation_id = "org_without_source",
    params(("org" = String, Path), ("reference" = String, Path)),
    request_body = WithoutSourceBody,
    security(("org_token" = [])),
    responses(
        (status = 204, description = "Recorded"),
        (status = 400, description = "No JSON body, or not this one", body = ErrorBody),
        (status = 401, description = "No live token of this organisation", body = ErrorBody),
        (status = 404, description = "No such request in this organisation", body = ErrorBody),
        (status = 409, description = "Its status does not allow this now", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 422, description = "Not one of its sources, one that answered, not this kind, or no text", body = ErrorBody),
    ))]
async fn without_source(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
    JsonBody(body): JsonBody<WithoutSourceBody>,
) -> Result<StatusCode, ApiError> {
    let client = in_org(&caller, &host, &org)?;
    service
        .exports
        .complete_without_source(client, &org, &reference(&raw)?, &body.source, &body.text)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A data file for one category, as the console's form posts it.
#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct DataFileForm {
    /// One of the organisation's categories.
    category: String,
    /// CSV with a header row, or JSON (an object or a list of objects).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Serialize, ToSchema)]
pub struct DataAdded {
    records: usize,
}

/// Adds what a system holds about the subject in one category to an
/// access or portability request's package.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/requests/{reference}/export-data", operation_id = "org_add_export_data",
    params(("org" = String, Path), ("reference" = String, Path)),
    request_body(content = DataFileForm, content_type = "multipart/form-data"),
    security(("org_token" = [])),
    responses(
        (status = 200, description = "Added", body = DataAdded),
        (status = 400, description = "Not a multipart form", body = ErrorBody),
        (status = 401, description = "No live token of this organisation", body = ErrorBody),
        (status = 404, description = "No such request in this organisation", body = ErrorBody),
        (status = 409, description = "Its status does not allow this now", body = ErrorBody),
        (status = 413, description = "Too large", body = ErrorBody),
        (status = 422, description = "Unknown category, not CSV or JSON, or not this kind", body = ErrorBody),
    ))]
async fn add_export_data(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<DataAdded>, ApiError> {
    let client = in_org(&caller, &host, &org)?;
    let reference = reference(&raw)?;
    service.console.may_work(client, &org, &reference).await?;
    let multipart = multipart.map_err(|_| AppError::MalformedBody)?;
    let (category, name, bytes) = read_data_file(multipart).await?;
    let records = service
        .exports
        .add_export_data(client, &org, &reference, &category, &name, &bytes)
        .await?;
    Ok(Json(DataAdded { records }))
}

/// Builds the package from what was collected and, unless the
/// organisation reviews packages first, offers it to the subject.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/requests/{reference}/export", operation_id = "org_build_export",
    params(("org" = String, Path), ("reference" = String, Path)),
    security(("org_token" = [])),
    responses(
        (status = 204, description = "Built"),
        (status = 401, description = "No live token of this organisation", body = ErrorBody),
        (status = 404, description = "No such request in this organisation", body = ErrorBody),
        (status = 409, description = "Its status does not allow this now", body = ErrorBody),
        (status = 422, description = "Not an access or portability request, or nothing collected", body = ErrorBody),
    ))]
async fn build_export(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
) -> Result<StatusCode, ApiError> {
    let client = in_org(&caller, &host, &org)?;
    service
        .exports
        .build_export(client, &org, &reference(&raw)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Releases a reviewed package to the subject.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/requests/{reference}/export/release", operation_id = "org_release_export",
    params(("org" = String, Path), ("reference" = String, Path)),
    security(("org_token" = [])),
    responses(
        (status = 204, description = "Released"),
        (status = 401, description = "No live token of this organisation", body = ErrorBody),
        (status = 404, description = "No package waiting on this request", body = ErrorBody),
        (status = 409, description = "Its status does not allow this now", body = ErrorBody),
        (status = 422, description = "Not an access or portability request", body = ErrorBody),
    ))]
async fn release_export(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
) -> Result<StatusCode, ApiError> {
    let client = in_org(&caller, &host, &org)?;
    service
        .exports
        .release_export(client, &org, &reference(&raw)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The newest package, released or not, to review (audited).
#[utoipa::path(get, path = "/api/v1/orgs/{org}/requests/{reference}/export", operation_id = "org_download_export",
    params(("org" = String, Path), ("reference" = String, Path)),
    security(("org_token" = [])),
    responses(
        (status = 200, description = "The package, a zip", content_type = "application/zip"),
        (status = 401, description = "No live token of this organisation", body = ErrorBody),
        (status = 404, description = "No package on this request", body = ErrorBody),
        (status = 410, description = "Its download period is over", body = ErrorBody),
    ))]
async fn download_export(
    State(service): State<Arc<Service>>,
    Path((org, raw)): Path<(String, String)>,
    host: HostOrg,
    caller: TokenCaller,
) -> Result<Response, ApiError> {
    let client = in_org(&caller, &host, &org)?;
    let download = service
        .exports
        .staff_export(client, &org, &reference(&raw)?)
        .await?;
    Ok(download_response(download))
}

/// A file of the request (audited).
#[utoipa::path(get, path = "/api/v1/orgs/{org}/requests/{reference}/attachments/{id}", operation_id = "org_download_attachment",
    params(("org" = String, Path), ("reference" = String, Path), ("id" = i64, Path, description = "The file's id; anything else is no such file")),
    security(("org_token" = [])),
    responses(
        (status = 200, description = "The file, as an attachment", content_type = "application/octet-stream"),
        (status = 401, description = "No live token of this organisation", body = ErrorBody),
        (status = 404, description = "No such file on this request", body = ErrorBody),
    ))]
async fn download_attachment(
    State(service): State<Arc<Service>>,
    Path((org, raw, id)): Path<(String, String, String)>,
    host: HostOrg,
    caller: TokenCaller,
) -> Result<Response, ApiError> {
    let client = in_org(&caller, &host, &org)?;
    let id: i64 = id.parse().map_err(|_| ApiError(AppError::NotFound))?;
    let download = service
        .console
        .staff_attachment(client, &org, &reference(&raw)?, id)
        .await?;
    Ok(download_response(download))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// `cursor` of the answer before; absent for the beginning.
    #[param(pattern = r"^[0-9]{1,18}$")]
    cursor: Option<String>,
    /// At most this many entries (1–100, default 100).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct OptOutResource {
    /// The subject's address: stop mailing it.
    #[schema(format = Email)]
    email: String,
    /// `marketing_opt_out` (all marketing) or `withdraw_consent` (`purpose`).
    #[schema(pattern = "^(marketing_opt_out|withdraw_consent)$")]
    kind: String,
    purpose: Option<String>,
    /// The request that asked.
    reference: String,
    #[schema(format = DateTime)]
    at: String,
}

#[derive(Serialize, ToSchema)]
pub struct OptOutFeed {
    /// Oldest first.
    opt_outs: Vec<OptOutResource>,
    /// Send as `cursor` next time to get what came after.
    cursor: String,
}

#[derive(Serialize, ToSchema)]
pub struct ConsentResource {
    #[schema(format = Email)]
    email: String,
    /// A consent id of the organisation's `org.toml`.
    purpose: String,
    #[schema(pattern = "^(granted|withdrawn)$")]
    decision: String,
    /// Where it was given: `preferences_page`, `unsubscribe_link`, `gpc`, …
    method: String,
    /// The notice's `last_updated` when it was given.
    notice_version: String,
    #[schema(format = DateTime)]
    at: String,
}

#[derive(Serialize, ToSchema)]
pub struct ConsentFeed {
    /// Oldest first.
    receipts: Vec<ConsentResource>,
    cursor: String,
}

/// The opt-out list's changes since `cursor`: who must no longer get
/// marketing, or what they withdrew. An admin token (it carries
/// addresses); every read is audited.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/opt-outs", operation_id = "org_opt_outs",
    params(("org" = String, Path), FeedQuery),
    security(("org_token" = [])),
    responses(
        (status = 200, body = OptOutFeed),
        (status = 400, description = "A parameter that is not of its type", body = ErrorBody),
        (status = 401, description = "No live token of this organisation", body = ErrorBody),
        (status = 404, description = "Not an admin token", body = ErrorBody),
        (status = 422, description = "A cursor or limit out of range", body = ErrorBody),
    ))]
async fn opt_outs(
    State(service): State<Arc<Service>>,
    Path(org): Path<String>,
    host: HostOrg,
    caller: TokenCaller,
    query: Result<Query<FeedQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<OptOutFeed>, ApiError> {
    let client = in_org(&caller, &host, &org)?;
    let Query(query) = query.map_err(|_| AppError::MalformedBody)?;
    let cursor = given("cursor", query.cursor)?;
    let feed = service
        .console
        .opt_out_feed(client, &org, cursor.as_deref(), query.limit)
        .await?;
    Ok(Json(OptOutFeed {
        opt_outs: feed
            .entries
            .into_iter()
            .map(|e| OptOutResource {
                email: e.email,
                kind: e.kind.as_str().into(),
                purpose: e.purpose,
                reference: e.reference,
                at: e.at,
            })
            .collect(),
        cursor: feed.cursor,
    }))
}

/// Consent receipts written since `cursor`. An admin token; audited.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/consents", operation_id = "org_consents",
    params(("org" = String, Path), FeedQuery),
    security(("org_token" = [])),
    responses(
        (status = 200, body = ConsentFeed),
        (status = 400, description = "A parameter that is not of its type", body = ErrorBody),
        (status = 401, description = "No live token of this organisation", body = ErrorBody),
        (status = 404, description = "Not an admin token", body = ErrorBody),
        (status = 422, description = "A cursor or limit out of range", body = ErrorBody),
    ))]
async fn consents(
    State(service): State<Arc<Service>>,
    Path(org): Path<String>,
    host: HostOrg,
    caller: TokenCaller,
    query: Result<Query<FeedQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ConsentFeed>, ApiError> {
    let client = in_org(&caller, &host, &org)?;
    let Query(query) = query.map_err(|_| AppError::MalformedBody)?;
    let cursor = given("cursor", query.cursor)?;
    let feed = service
        .console
        .consent_feed(client, &org, cursor.as_deref(), query.limit)
        .await?;
    Ok(Json(ConsentFeed {
        receipts: feed
            .entries
            .into_iter()
            .map(|e| ConsentResource {
                email: e.email,
                purpose: e.purpose,
                decision: e.decision,
                method: e.method,
                notice_version: e.notice_version,
                at: e.at,
            })
            .collect(),
        cursor: feed.cursor,
    }))
}
