//! Files in and out: staff complete a request with attachments (a multipart
//! upload, which server functions do not handle without JavaScript), and
//! staff and the subject download them. Each handler learns its caller from
//! the extractors of `identity`, calls the service and maps the result,
//! like every other door. Uploads are authorised before their body is read:
//! a stranger's 50 MB are refused, not parsed.

use axum::{
    extract::{DefaultBodyLimit, FromRef, FromRequestParts, Multipart, Path, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use domain::views::console::CaseDone;
use domain::{AppError, OutcomeForm, Reference, StaffAction};
use portal::door::{ApiError, MaybeSubject, StaffCaller};
use portal::service::{
    Download, DownloadBody, Service, StaffMember, Upload, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES,
};
use std::sync::Arc;

/// The largest completion upload: every file at its limit, plus the form.
pub const MAX_UPLOAD_BYTES: usize = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 256 * 1024;

/// Types a browser may show inline-safe as downloads; anything else is sent
/// as `application/octet-stream`.
const KNOWN_TYPES: [&str; 9] = [
    "application/pdf",
    "application/zip",
    "application/json",
    "text/csv",
    "text/plain",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
];

/// The routes that carry files; the upload route has its own body limit.
pub fn router(service: Arc<Service>) -> Router {
    Router::new()
        .route(
            "/console/o/{org}/requests/{reference}/complete",
            post(complete).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route(
            "/console/o/{org}/requests/{reference}/export-data",
            post(add_export_data).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route(
            "/console/o/{org}/requests/{reference}/collect",
            post(collect_sources),
        )
        .route(
            "/console/o/{org}/requests/{reference}/execute",
            post(execute_on_sources),
        )
        .route(
            "/console/o/{org}/requests/{reference}/without",
            post(complete_without_source),
        )
        .route(
            "/console/o/{org}/requests/{reference}/export/release",
            post(release_export),
        )
        .route(
            "/console/o/{org}/requests/{reference}/export",
            get(staff_export).post(build_export),
        )
        .route(
            "/console/o/{org}/requests/{reference}/attachments/{id}",
            get(staff_download),
        )
        .route(
            "/o/{org}/requests/{reference}/attachments/{id}",
            get(subject_download),
        )
        .route("/o/{org}/requests/{reference}/export", get(subject_export))
        .route("/console/o/{org}/figures.csv", get(figures_csv))
        .route("/console/o/{org}/opt-outs.csv", get(opt_outs_csv))
        .route("/console/o/{org}/consents.csv", get(consents_csv))
        .with_state(service)
}

fn parse_reference(raw: &str) -> Result<Reference, AppError> {
    Reference::parse(raw).map_err(|_| AppError::NotFound)
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A content type as the browser sent it, if it is a plain `type/subtype`.
fn clean_content_type(raw: Option<&str>) -> String {
    let raw = raw
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let plain = raw.split_once('/').is_some_and(|(a, b)| {
        let ok = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        };
        ok(a) && ok(b)
    });
    if plain {
        raw
    } else {
        "application/octet-stream".into()
    }
}

/// The completion form: the response, the kind's outcome fields and files.
pub(super) struct CompletionForm {
    pub(super) response: String,
    pub(super) outcome: OutcomeForm,
    pub(super) uploads: Vec<Upload>,
}

pub(super) async fn read_form(mut multipart: Multipart) -> Result<CompletionForm, AppError> {
    let malformed = |_| AppError::MalformedBody;
    let mut form = CompletionForm {
        response: String::new(),
        outcome: OutcomeForm::default(),
        uploads: Vec::new(),
    };
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "attachments" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let content_type = clean_content_type(field.content_type());
            let mut data = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(malformed)? {
                if data.len() + chunk.len() > MAX_ATTACHMENT_BYTES {
                    return Err(AppError::validation(
                        "attachments",
                        domain::FieldErrorCode::TooLong,
                    ));
                }
                data.extend_from_slice(&chunk);
            }
            // An empty file input still sends a part, without a name.
            if file_name.is_empty() && data.is_empty() {
                continue;
            }
            if form.uploads.len() == MAX_ATTACHMENTS {
                return Err(AppError::validation(
                    "attachments",
                    domain::FieldErrorCode::TooLong,
                ));
            }
            form.uploads.push(Upload {
                file_name,
                content_type,
                data,
            });
            continue;
        }
        let value = field.text().await.map_err(malformed)?;
        match name.as_str() {
            "response" => form.response = value,
            "exceptions" => form.outcome.exceptions.push(value),
            "retained" => form.outcome.retained = Some(value),
            "decision" => form.outcome.decision = Some(value),
            "reviewer" => form.outcome.reviewer = Some(value),
            "considered" => form.outcome.considered = Some(value),
            // The hidden fields of the page's other forms are harmless.
            _ => {}
        }
    }
    Ok(form)
}

/// A console form posted to one request (`/console/o/{org}/requests/
/// {reference}/…`): the member (401 without a staff session), the request
/// it names, and who posted it. Browsers are sent back to the request's
/// page, with `done=` or the error code; other clients get a status and
/// the API's JSON error. Strangers get the plain refusal either way.
struct CasePost {
    member: StaffMember,
    org: String,
    reference: String,
    html: bool,
}

impl<S> FromRequestParts<S> for CasePost
where
    Arc<Service>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let StaffCaller(member) = StaffCaller::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Path((org, reference)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(CasePost {
            member,
            org,
            reference,
            html: wants_html(&parts.headers),
        })
    }
}

impl CasePost {
    /// Runs `work` on the request the form names and answers with its
    /// result.
    async fn answer(
        self,
        work: impl AsyncFnOnce(&StaffMember, &str, &Reference) -> Result<CaseDone, AppError>,
    ) -> Response {
        let result = match parse_reference(&self.reference) {
            Ok(reference) => work(&self.member, &self.org, &reference).await,
            Err(error) => Err(error),
        };
        let page = format!("/console/o/{}/requests/{}", self.org, self.reference);
        match result {
            Ok(done) if self.html => see_other(&format!("{page}?done={done}")),
            Ok(_) => StatusCode::NO_CONTENT.into_response(),
            Err(error @ (AppError::Unauthenticated | AppError::NotFound)) => {
                ApiError(error).into_response()
            }
            Err(error) if self.html => {
                let field = error
                    .field_errors()
                    .first()
                    .map(|f| format!("&field={}", f.field))
                    .unwrap_or_default();
                see_other(&format!("{page}?error={}{field}", error.code()))
            }
            Err(error) => ApiError(error).into_response(),
        }
    }
}

/// Completes a request with a response, the kind's outcome and files. Staff
/// of the request's organisation only; they are checked before the body is
/// read.
#[tracing::instrument(name = "http.complete", skip_all)]
async fn complete(
    State(service): State<Arc<Service>>,
    post: CasePost,
    multipart: Multipart,
) -> Response {
    post.answer(async |member, org, reference| {
        service.console.may_work(member, org, reference).await?;
        let form = read_form(multipart).await?;
        let action = StaffAction::Complete {
            response: form.response,
            outcome: form.outcome,
        };
        let done = service
            .cases
            .staff_act_with_files(member, org, reference, action, form.uploads)
            .await?;
        Ok(CaseDone::Acted(done.event))
    })
    .await
}

/// Adds a CSV or JSON file of what one source holds in one category to an
/// access or portability request. Staff of its organisation only.
#[tracing::instrument(name = "http.add_export_data", skip_all)]
async fn add_export_data(
    State(service): State<Arc<Service>>,
    post: CasePost,
    multipart: Multipart,
) -> Response {
    post.answer(async |member, org, reference| {
        service.console.may_work(member, org, reference).await?;
        let (category, name, bytes) = read_data_file(multipart).await?;
        service
            .exports
            .add_export_data(member, org, reference, &category, &name, &bytes)
            .await?;
        Ok(CaseDone::DataAdded)
    })
    .await
}

/// A data file for one category, as the console's form and the API post
/// it: `category` and `file`, read no further than a data file may be.
pub(super) async fn read_data_file(
    mut multipart: Multipart,
) -> Result<(String, String, Vec<u8>), AppError> {
    let (mut category, mut file) = (String::new(), None);
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::MalformedBody)?
    {
        match field.name().unwrap_or_default() {
            "category" => category = field.text().await.map_err(|_| AppError::MalformedBody)?,
            "file" => {
                // Read no more than a data file may hold.
                let name = field.file_name().unwrap_or_default().to_owned();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| AppError::MalformedBody)? {
                    if bytes.len() + chunk.len() > portal::service::MAX_EXPORT_FILE_BYTES {
                        return Err(AppError::validation(
                            "file",
                            domain::FieldErrorCode::TooLong,
                        ));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let (name, bytes) = file
        .filter(|(name, _)| !name.is_empty())
        .ok_or_else(|| AppError::validation("file", domain::FieldErrorCode::Required))?;
    Ok((category, name, bytes))
}

/// Which source the package comes without, and the team's words on it.
#[derive(serde::Deserialize)]
pub(super) struct WithoutForm {
    pub(super) source: String,
    #[serde(default)]
    pub(super) text: String,
}

/// Records that the package comes without a source that did not answer.
/// Staff of the request's organisation only.
#[tracing::instrument(name = "http.complete_without_source", skip_all)]
async fn complete_without_source(
    State(service): State<Arc<Service>>,
    post: CasePost,
    form: Result<axum::Form<WithoutForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    post.answer(async |member, org, reference| {
        let axum::Form(form) = form.map_err(|_| AppError::MalformedBody)?;
        service
            .exports
            .complete_without_source(member, org, reference, &form.source, &form.text)
            .await?;
        Ok(CaseDone::WithoutSource)
    })
    .await
}

/// Builds the package and offers it to the subject. Staff of the request's
/// organisation only.
#[tracing::instrument(name = "http.build_export", skip_all)]
async fn build_export(State(service): State<Arc<Service>>, post: CasePost) -> Response {
    post.answer(async |member, org, reference| {
        service.exports.build_export(member, org, reference).await?;
        Ok(CaseDone::ExportBuilt)
    })
    .await
}

/// Asks every data source about the subject. Staff of the request's
/// organisation only. Failed sources are shown on the request's page.
#[tracing::instrument(name = "http.collect_sources", skip_all)]
async fn collect_sources(State(service): State<Arc<Service>>, post: CasePost) -> Response {
    post.answer(async |member, org, reference| {
        let failed = service
            .exports
            .collect_sources(member, org, reference)
            .await?;
        Ok(if failed == 0 {
            CaseDone::Collected
        } else {
            CaseDone::CollectedWithFailures
        })
    })
    .await
}

/// Carries out an erasure or restriction on every source that supports it.
/// Staff of the request's organisation only.
#[tracing::instrument(name = "http.execute_on_sources", skip_all)]
async fn execute_on_sources(State(service): State<Arc<Service>>, post: CasePost) -> Response {
    post.answer(async |member, org, reference| {
        let failed = service
            .cases
            .execute_on_sources(member, org, reference)
            .await?;
        Ok(if failed == 0 {
            CaseDone::Executed
        } else {
            CaseDone::ExecutedWithFailures
        })
    })
    .await
}

/// Releases a reviewed package to the subject. Staff of the request's
/// organisation only.
#[tracing::instrument(name = "http.release_export", skip_all)]
async fn release_export(State(service): State<Arc<Service>>, post: CasePost) -> Response {
    post.answer(async |member, org, reference| {
        service
            .exports
            .release_export(member, org, reference)
            .await?;
        Ok(CaseDone::ExportReleased)
    })
    .await
}

/// The newest package, for staff of the request's organisation to review
/// (others: 401 or 404). Audited.
async fn staff_export(
    State(service): State<Arc<Service>>,
    Path((org, reference)): Path<(String, String)>,
    StaffCaller(member): StaffCaller,
) -> Result<Response, ApiError> {
    Ok(download_response(
        service
            .exports
            .staff_export(&member, &org, &parse_reference(&reference)?)
            .await?,
    ))
}

/// The signed-in subject's data package. Browsers that come too late are
/// sent to the request's page, which explains; others get 410.
async fn subject_export(
    State(service): State<Arc<Service>>,
    Path((org, reference)): Path<(String, String)>,
    caller: MaybeSubject,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let subject = caller.in_org(&org)?;
    match service
        .exports
        .subject_export(&subject, &parse_reference(&reference)?)
        .await
    {
        Ok(download) => Ok(download_response(download)),
        Err(AppError::ExportExpired) if wants_html(&headers) => {
            Ok(see_other(&format!("/o/{org}/requests/{reference}")))
        }
        Err(error) => Err(ApiError(error)),
    }
}

/// The same for API clients with a bearer token.
pub async fn api_export(
    service: &Service,
    subject: &portal::service::Subject,
    reference: &str,
) -> Result<Response, ApiError> {
    let reference = parse_reference(reference)?;
    Ok(download_response(
        service.exports.subject_export(subject, &reference).await?,
    ))
}

pub(super) fn download_response(download: Download) -> Response {
    let content_type = if KNOWN_TYPES.contains(&download.content_type.as_str()) {
        download.content_type
    } else {
        "application/octet-stream".into()
    };
    let encoded = percent_encoding::utf8_percent_encode(
        &download.file_name,
        percent_encoding::NON_ALPHANUMERIC,
    );
    let ascii: String = download
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = match download.data {
        DownloadBody::Bytes(bytes) => bytes.into_response(),
        DownloadBody::Stream { length, chunks } => {
            let mut response = axum::body::Body::from_stream(chunks).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
            response
        }
    };
    let headers = response.headers_mut();
    let mut set = |name: header::HeaderName, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    set(header::CONTENT_TYPE, &content_type);
    set(header::CONTENT_DISPOSITION, &disposition);
    set(header::CACHE_CONTROL, "no-store");
    set(
        header::CONTENT_SECURITY_POLICY,
        "sandbox; default-src 'none'",
    );
    response
}

/// An attachment for staff of the request's organisation (others: 401 or
/// 404). Audited.
async fn staff_download(
    State(service): State<Arc<Service>>,
    Path((org, reference, id)): Path<(String, String, i64)>,
    StaffCaller(member): StaffCaller,
) -> Result<Response, ApiError> {
    let reference = parse_reference(&reference)?;
    Ok(download_response(
        service
            .console
            .staff_attachment(&member, &org, &reference, id)
            .await?,
    ))
}

/// An organisation's request figures as CSV, for its admins.
async fn figures_csv(
    State(service): State<Arc<Service>>,
    Path(org): Path<String>,
    StaffCaller(member): StaffCaller,
) -> Result<Response, ApiError> {
    Ok(download_response(
        service.console.org_figures_csv(&member, &org).await?,
    ))
}

/// An organisation's opt-out list as CSV, for its admins (audited).
async fn opt_outs_csv(
    State(service): State<Arc<Service>>,
    Path(org): Path<String>,
    StaffCaller(member): StaffCaller,
) -> Result<Response, ApiError> {
    Ok(download_response(
        service.console.opt_outs_csv(&member, &org).await?,
    ))
}

/// An organisation's consent receipts as CSV, for its admins (audited).
async fn consents_csv(
    State(service): State<Arc<Service>>,
    Path(org): Path<String>,
    StaffCaller(member): StaffCaller,
) -> Result<Response, ApiError> {
    Ok(download_response(
        service.console.consents_csv(&member, &org).await?,
    ))
}

/// An attachment of the signed-in subject's own request (others: 401 or
/// 404). Audited.
async fn subject_download(
    State(service): State<Arc<Service>>,
    Path((org, reference, id)): Path<(String, String, i64)>,
    caller: MaybeSubject,
) -> Result<Response, ApiError> {
    let subject = caller.in_org(&org)?;
    let reference = parse_reference(&reference)?;
    Ok(download_response(
        service
            .console
            .subject_attachment(&subject, &reference, id)
            .await?,
    ))
}

/// The same for API clients with a bearer token.
pub async fn api_download(
    service: &Service,
    subject: &portal::service::Subject,
    reference: &str,
    id: i64,
) -> Result<Response, ApiError> {
    let reference = parse_reference(reference)?;
    Ok(download_response(
        service
            .console
            .subject_attachment(subject, &reference, id)
            .await?,
    ))
}
