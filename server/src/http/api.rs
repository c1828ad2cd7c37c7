//! REST API v1: submit, verify and follow requests. Each handler parses its
//! input, authenticates, calls the service and maps the result; the OpenAPI
//! document at `/api/v1/openapi.json` is generated from these definitions.

use super::org_api as org;
use axum::{
    extract::{FromRequest, Path, Request, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use domain::views::RequestView;
use domain::{AppError, Details, FieldErrorCode, Reference, Submission};
use portal::door::error::ErrorBody;
use portal::door::{cookies, ApiError, Client, Framing, HostOrg, SubjectCaller};
use portal::service::{IdempotencyKey, Service};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(title = "Privacy portal API", version = "1", description = "Submit, verify and follow data subject requests (a subject's token); work an organisation's queue and read its opt-outs and consents (an organisation's API token, made by its admins in the console)."),
    paths(submit, verify, resend, get_request, list_requests, download_attachment, download_export, export_schema, notice,
        org::list, org::read, org::assign_doc, org::start, org::message_doc, org::ask_doc, org::extend_doc, org::reject_doc,
        org::complete, org::execute, org::collect, org::without_source, org::add_export_data, org::build_export, org::release_export,
        org::download_export, org::download_attachment, org::opt_outs, org::consents),
    components(schemas(SubmitBody, DetailsBody, Submitted, VerifyBody, Verified, ResendBody, RequestResource, EventResource, MessageResource, AttachmentResource, RequestList, ErrorBody,
        org::QueuePage, org::QueueEntry, org::CaseResource, org::Member, org::StaffAttachment, org::SourceResult, org::ExecutionResult,
        org::ActionDone, org::AssignBody, org::TextBody, org::ExtendBody, org::RejectBody, org::CompleteForm, org::SourcesDone,
        org::DataFileForm, org::DataAdded, org::WithoutSourceBody, org::OptOutFeed, org::OptOutResource, org::ConsentFeed, org::ConsentResource)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "access_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "org_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An organisation's API token (`ppo_…`)"))
                    .build(),
            ),
        );
    }
}

pub fn router(service: Arc<Service>) -> Router {
    Router::new()
        .route("/requests", post(submit).get(list_requests))
        .route("/requests/{reference}", get(get_request))
        .route("/requests/{reference}/verify", post(verify))
        .route("/requests/{reference}/resend", post(resend))
        .route(
            "/requests/{reference}/attachments/{id}",
            get(download_attachment),
        )
        .route("/requests/{reference}/export", get(download_export))
        .route("/schemas/export.json", get(export_schema))
        .route("/orgs/{org}/notice.json", get(notice))
        .route("/openapi.json", get(openapi))
        .fallback(|| async { ApiError(AppError::NotFound) })
        .with_state(service)
}

/// The OpenAPI document. Anyone.
async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// `Json` whose rejections are the API's JSON errors, not plain text, and
/// which takes only an object: serde would also read a struct from an array
/// (`["demo", "access", …]`), which the document does not allow.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::JsonRejection;
        let malformed = ApiError(AppError::MalformedBody);
        match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(object @ serde_json::Value::Object(_))) => serde_json::from_value(object)
                .map(JsonBody)
                .map_err(|_| malformed),
            Ok(Json(_)) => Err(malformed),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError(AppError::PayloadTooLarge)),
            Err(_) => Err(malformed),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitBody {
    /// The organisation's slug, e.g. `demo`.
    org: String,
    /// The right exercised.
    #[schema(schema_with = kind_schema)]
    kind: String,
    /// The subject's address: every later mail goes there, and they prove
    /// they read it.
    #[schema(format = Email, max_length = 254, pattern = r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")]
    email: String,
    /// The language of our mails. Default `en`.
    #[serde(default)]
    #[schema(schema_with = language_schema)]
    language: Option<String>,
    /// What the kind asks (see `DetailsBody`); each answer at most 10,000 characters.
    #[serde(default)]
    #[schema(value_type = Option<DetailsBody>)]
    details: Option<Details>,
}

/// `kind` is one of the request kinds, named as `RequestKind` names them.
fn kind_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(domain::RequestKind::ALL.iter().map(|k| k.as_str())))
        .build()
}

/// `language` is one of the portal's languages, or absent.
fn language_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(
            domain::Language::ALL
                .iter()
                .map(|l| Some(l.code()))
                .chain([None]),
        ))
        .build()
}

impl SubmitBody {
    fn into_submission(self) -> Result<Submission, AppError> {
        let details = self.details.unwrap_or_default();
        Submission::parse(
            &self.org,
            &self.kind,
            &self.email,
            self.language.as_deref(),
            &details,
        )
    }
}

/// A submission's JSON body as the API reads it, for the fuzz target
/// (`fuzz/`): the same parsing and validation, without a server.
pub fn parse_submission(body: &[u8]) -> Result<Submission, AppError> {
    serde_json::from_slice::<SubmitBody>(body)
        .map_err(|_| AppError::MalformedBody)?
        .into_submission()
}

/// Kind-specific answers. Rectification requires `inaccurate` and `correction`;
/// erasure `erasure_scope` (`all` or `specific`, the latter with `description`);
/// restriction and objection `grounds`; automated_decision `decision`;
/// withdraw_consent `purpose`; access and portability accept `description`.
/// Answers a kind does not ask for are refused.
// Deserialize only for `deny_unknown_fields`, which the schema then says
// (`additionalProperties: false`), as `Details` refuses unknown answers.
#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct DetailsBody {
    description: Option<String>,
    inaccurate: Option<String>,
    correction: Option<String>,
    erasure_scope: Option<String>,
    grounds: Option<String>,
    decision: Option<String>,
    purpose: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Submitted {
    reference: String,
    /// Always `pending_verification`.
    status: String,
}

/// Takes a request. Anyone; the answer is the same whatever the address.
#[utoipa::path(post, path = "/api/v1/requests", request_body = SubmitBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 visible ASCII characters, e.g. a UUID. Sent again within 24 hours with the same body, the answer is the request already made (header Idempotent-Replayed: true); with another body, 409.")),
    responses(
        (status = 201, description = "Stored; a code was mailed (or, for a repeated Idempotency-Key, the request already made)", body = Submitted),
        (status = 409, description = "Idempotency-Key already used for a different request", body = ErrorBody),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 404, description = "Unknown organisation", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 422, description = "Invalid fields or unknown kind", body = ErrorBody),
    ))]
async fn submit(
    State(service): State<Arc<Service>>,
    host: HostOrg,
    Client(client): Client,
    headers: HeaderMap,
    JsonBody(body): JsonBody<SubmitBody>,
) -> Result<Response, ApiError> {
    let key = headers
        .get("idempotency-key")
        .map(|v| {
            v.to_str()
                .map_err(|_| AppError::validation("idempotency_key", FieldErrorCode::InvalidChoice))
                .and_then(IdempotencyKey::parse)
        })
        .transpose()?;
    let submission = body.into_submission()?;
    if !host.allows(&submission.org) {
        return Err(ApiError(AppError::UnknownOrganisation));
    }
    let (reference, replayed) = service
        .requests
        .submit_once(submission, key.as_ref(), &client)
        .await?;
    let created = Submitted {
        reference: reference.to_string(),
        status: "pending_verification".into(),
    };
    let mut response = (StatusCode::CREATED, Json(created)).into_response();
    if replayed {
        response.headers_mut().insert(
            "idempotent-replayed",
            axum::http::HeaderValue::from_static("true"),
        );
    }
    Ok(response)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    /// The six-digit code from the mail.
    code: String,
}

#[derive(Serialize, ToSchema)]
pub struct Verified {
    status: String,
    /// Send as `Authorization: Bearer …`; valid 30 minutes idle, 12 hours at most.
    access_token: String,
    expires_in: u64,
}

fn parse_reference(raw: &str) -> Result<Reference, ApiError> {
    Reference::parse(raw).map_err(|_| ApiError(AppError::NotFound))
}

/// Checks a mailed code. Anyone holding the code (the code is the credential).
#[utoipa::path(post, path = "/api/v1/requests/{reference}/verify", request_body = VerifyBody,
    params(("reference" = String, Path, description = "e.g. PR-7K3M-Q9XD")),
    responses(
        (status = 200, description = "Verified; a session cookie is set too", body = Verified),
        (status = 400, description = "No JSON body, or not this one", body = ErrorBody),
        (status = 404, description = "No such request", body = ErrorBody),
        (status = 410, description = "Expired: not verified within 7 days", body = ErrorBody),
        (status = 422, description = "Wrong, expired, used or burned code", body = ErrorBody),
    ))]
async fn verify(
    State(service): State<Arc<Service>>,
    Path(reference): Path<String>,
    host: HostOrg,
    Client(client): Client,
    JsonBody(body): JsonBody<VerifyBody>,
) -> Result<Response, ApiError> {
    let reference = parse_reference(&reference)?;
    // On an organisation's own host name, only its requests are found.
    let (_, grant) = service
        .verification
        .verify_code(host.0.as_deref(), &reference, &body.code, &client)
        .await?;
    let subject = service.sessions.subject(&grant.token).await?;
    let status = service
        .tracking
        .request_of(&subject, &reference)
        .await?
        .status;
    let cookie = cookies::subject_session(
        service.secure_cookies(),
        Framing::Top,
        Some(&grant.token),
        grant.max_age_secs as i64,
    );
    let mut response = Json(Verified {
        status: status.as_str().into(),
        // The REST client's bearer token: the one place it is written out.
        access_token: grant.token.expose().to_owned(),
        expires_in: grant.max_age_secs,
    })
    .into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ResendBody {
    /// The `key` of the personal tracking link mailed with the first code:
    /// its holder reads the mailbox, so draws on the owner's quota, which
    /// nobody else can use up.
    #[serde(default)]
    key: Option<String>,
}

/// Mails a new code to the request's own address. Anyone; unknown references look the same.
#[utoipa::path(post, path = "/api/v1/requests/{reference}/resend",
    params(("reference" = String, Path)),
    request_body(content = Option<ResendBody>, description = "Optional: the tracking link's key"),
    responses(
        (status = 202, description = "A new code was mailed to the request's address, or the one mailed less than a minute ago is still on its way (also answered for unknown references)"),
        (status = 400, description = "A body that is not this JSON object", body = ErrorBody),
        (status = 410, description = "Expired", body = ErrorBody),
        (status = 429, description = "The address's or the request's code quota for the day is used up", body = ErrorBody),
    ))]
async fn resend(
    State(service): State<Arc<Service>>,
    Path(reference): Path<String>,
    host: HostOrg,
    Client(client): Client,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    // No body, or JSON `null` (the schema's "optional"), is no key; else
    // an object (serde would also read a struct from an array).
    let malformed = |_| ApiError(AppError::MalformedBody);
    let body: ResendBody = if body.is_empty() {
        ResendBody::default()
    } else {
        match serde_json::from_slice::<serde_json::Value>(&body).map_err(malformed)? {
            serde_json::Value::Null => ResendBody::default(),
            object @ serde_json::Value::Object(_) => {
                serde_json::from_value(object).map_err(malformed)?
            }
            _ => return Err(ApiError(AppError::MalformedBody)),
        }
    };
    let Ok(reference) = Reference::parse(&reference) else {
        return Ok(StatusCode::ACCEPTED);
    };
    service
        .verification
        .resend_code(host.0.as_deref(), &reference, body.key.as_deref(), &client)
        .await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Serialize, ToSchema)]
pub struct EventResource {
    at: String,
    /// `submitted`, `code_sent`, `verified`, `expired_unverified`, `assigned`, `started`,
    /// `asked_subject`, `subject_answered`, `extended`, `completed`, `rejected`, `cancelled`, `message`.
    event: String,
    /// What the subject is told with the event (an extension's or a refusal's
    /// reason), in the request's language where the portal words it.
    note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MessageResource {
    at: String,
    /// `staff` or `subject`.
    from: String,
    body: String,
}

#[derive(Serialize, ToSchema)]
pub struct RequestResource {
    reference: String,
    kind: String,
    status: String,
    received_at: String,
    verified_at: Option<String>,
    /// ISO date; one calendar month after verification (GDPR Art. 12(3)).
    due_date: Option<String>,
    #[schema(value_type = Object)]
    details: serde_json::Value,
    history: Vec<EventResource>,
    /// The conversation with the privacy team, oldest first.
    messages: Vec<MessageResource>,
    /// Files the privacy team attached to its answer.
    attachments: Vec<AttachmentResource>,
    /// A link to the export package once one is ready.
    export_url: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentResource {
    name: String,
    size: i64,
    /// Hex SHA-256 of the file.
    sha256: String,
    /// Download with the same bearer token.
    url: String,
}

impl EventResource {
    /// A request's history; the portal's own words (a note) in `language`.
    pub(super) fn history(view: &RequestView, language: domain::Language) -> Vec<EventResource> {
        view.history
            .iter()
            .map(|e| EventResource {
                at: e.at.clone(),
                event: e.event.as_str().to_owned(),
                note: e
                    .note
                    .as_ref()
                    .map(|note| domain::i18n::event_note(language, note)),
            })
            .collect()
    }
}

impl MessageResource {
    pub(super) fn conversation(view: &RequestView) -> Vec<MessageResource> {
        view.messages
            .iter()
            .map(|m| MessageResource {
                at: m.at.clone(),
                from: if m.from_staff { "staff" } else { "subject" }.into(),
                body: m.body.clone(),
            })
            .collect()
    }
}

impl From<RequestView> for RequestResource {
    fn from(view: RequestView) -> Self {
        RequestResource {
            history: EventResource::history(&view, view.language),
            messages: MessageResource::conversation(&view),
            reference: view.reference.to_string(),
            kind: view.kind.as_str().into(),
            status: view.status.as_str().into(),
            received_at: view.received_at,
            verified_at: view.verified_at,
            due_date: view.due_date,
            details: serde_json::to_value(&view.details).unwrap_or_default(),
            attachments: view
                .attachments
                .iter()
                .map(|a| AttachmentResource {
                    name: a.file_name.clone(),
                    size: a.size,
                    sha256: a.sha256.clone(),
                    url: format!("/api/v1/requests/{}/attachments/{}", view.reference, a.id),
                })
                .collect(),
            export_url: view
                .export
                .as_ref()
                .filter(|e| !e.expired)
                .map(|_| format!("/api/v1/requests/{}/export", view.reference)),
        }
    }
}

/// One request. Its subject's bearer token or session only; others get 401 or 404.
#[utoipa::path(get, path = "/api/v1/requests/{reference}", params(("reference" = String, Path)),
    security(("access_token" = [])),
    responses(
        (status = 200, body = RequestResource),
        (status = 401, description = "No or expired token", body = ErrorBody),
        (status = 404, description = "No such request for this subject", body = ErrorBody),
    ))]
async fn get_request(
    State(service): State<Arc<Service>>,
    Path(reference): Path<String>,
    SubjectCaller(subject): SubjectCaller,
) -> Result<Json<RequestResource>, ApiError> {
    let reference = parse_reference(&reference)?;
    Ok(Json(
        service
            .tracking
            .request_of(&subject, &reference)
            .await?
            .into(),
    ))
}

/// A file of the subject's own request. Its subject only; others get 401 or 404.
#[utoipa::path(get, path = "/api/v1/requests/{reference}/attachments/{id}",
    params(("reference" = String, Path), ("id" = i64, Path, description = "The file's id; anything else is no such file")),
    security(("access_token" = [])),
    responses(
        (status = 200, description = "The file, as an attachment", content_type = "application/octet-stream"),
        (status = 401, description = "No or expired token", body = ErrorBody),
        (status = 404, description = "No such file on this subject's request", body = ErrorBody),
    ))]
async fn download_attachment(
    State(service): State<Arc<Service>>,
    Path((reference, id)): Path<(String, String)>,
    SubjectCaller(subject): SubjectCaller,
) -> Result<Response, ApiError> {
    // Parsed here, so that an id no file can have is not found (404), as
    // the document says, rather than a 400 from the path extractor.
    let id: i64 = id.parse().map_err(|_| ApiError(AppError::NotFound))?;
    super::files::api_download(&service, &subject, &reference, id).await
}

/// The subject's newest data package, while it has not expired. Its subject
/// only; others get 401 or 404; an expired package 410.
#[utoipa::path(get, path = "/api/v1/requests/{reference}/export", params(("reference" = String, Path)),
    security(("access_token" = [])),
    responses(
        (status = 200, description = "The package, a zip", content_type = "application/zip"),
        (status = 401, description = "No or expired token", body = ErrorBody),
        (status = 404, description = "No package for this subject's request", body = ErrorBody),
        (status = 410, description = "The download period is over", body = ErrorBody),
    ))]
async fn download_export(
    State(service): State<Arc<Service>>,
    Path(reference): Path<String>,
    SubjectCaller(subject): SubjectCaller,
) -> Result<Response, ApiError> {
    super::files::api_export(&service, &subject, &reference).await
}

/// An organisation's privacy notice as JSON, with W3C DPV terms for
/// personal data, purposes and legal bases. Anyone.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/notice.json", params(("org" = String, Path), ("lang" = Option<String>, Query, description = "en, nb or nl; else the cookie, then Accept-Language")),
    responses((status = 200, description = "The notice, JSON-LD flavoured", content_type = "application/json"),
              (status = 404, description = "No such organisation", body = ErrorBody)))]
async fn notice(
    State(service): State<Arc<Service>>,
    Path(org): Path<String>,
    host: HostOrg,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !host.allows(&org) {
        return Err(ApiError(AppError::UnknownOrganisation));
    }
    let organisation = service.organisation(&org)?;
    // The same choice as the pages: ?lang=, cookie, Accept-Language.
    let language = super::language::from_url(&uri)
        .or_else(|| super::language::from_headers(&headers))
        .unwrap_or_default();
    let body =
        portal::notice_json::notice_json(organisation, service.base_url().as_str(), language);
    Ok(([(header::CACHE_CONTROL, "public, max-age=300")], Json(body)).into_response())
}

/// The JSON Schema of an export package's `data.json`. Anyone.
#[utoipa::path(get, path = "/api/v1/schemas/export.json",
    responses((status = 200, description = "JSON Schema (draft 2020-12)", content_type = "application/schema+json")))]
async fn export_schema() -> Response {
    (
        [(header::CONTENT_TYPE, "application/schema+json")],
        portal::export::SCHEMA,
    )
        .into_response()
}

#[derive(Serialize, ToSchema)]
pub struct RequestList {
    requests: Vec<RequestResource>,
}

/// The subject's requests in the token's organisation. Bearer token or session only.
#[utoipa::path(get, path = "/api/v1/requests", security(("access_token" = [])),
    responses(
        (status = 200, description = "The subject's requests in the token's organisation, newest first", body = RequestList),
        (status = 401, body = ErrorBody),
    ))]
async fn list_requests(
    State(service): State<Arc<Service>>,
    SubjectCaller(subject): SubjectCaller,
) -> Result<Json<RequestList>, ApiError> {
    let requests = service.tracking.requests_of(&subject).await?;
    Ok(Json(RequestList {
        requests: requests.into_iter().map(Into::into).collect(),
    }))
}
