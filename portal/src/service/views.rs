//! Rows into views. Stored values were validated on the way in, so a value
//! that no longer parses means the database was changed behind our back: it
//! is reported as an internal error, not guessed at.

use super::{db, UNVERIFIED_TTL_SECS};
use crate::sealing::{Column, Row};
use crate::store::Store;
use crate::store::{AttachmentRow, EventRow, ExportRow, MessageRow, RequestRow};
use domain::views::{
    AttachmentView, EventView, ExportView, MessageView, RequestView, SourceProgress, SourceState,
    Summary,
};
use domain::{AppError, EventNote, Status, ValidDetails};
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

fn corrupt(what: &str) -> AppError {
    tracing::error!(field = what, "stored value does not parse");
    AppError::Internal
}

/// An unverified request past its 7 days, or one the sweep already closed.
pub fn is_expired(row: &RequestRow, status: Status, now: i64) -> bool {
    match status {
        Status::PendingVerification => row.created_at + UNVERIFIED_TTL_SECS <= now,
        Status::Cancelled => row.verified_at.is_none(),
        _ => false,
    }
}

pub fn summary(row: &RequestRow, now: i64) -> Result<Summary, AppError> {
    Ok(Summary {
        kind: row.kind,
        status: row.status,
        received_at: rfc3339(row.received_at()),
        due_date: row.due_date.map(|d| d.to_string()),
        expired: is_expired(row, row.status, now),
    })
}

/// The rows that belong to one request's page.
pub struct Related<'a> {
    pub events: &'a [EventRow],
    pub messages: &'a [MessageRow],
    pub attachments: &'a [AttachmentRow],
    pub exports: &'a [ExportRow],
    pub now: i64,
    /// Whether the subject reads these views: the team's notes are left out.
    pub subject_reads: bool,
    /// What opens the sealed details, notes and messages.
    pub keys: &'a crate::sealing::DataKeys,
}

pub fn request_view(row: &RequestRow, related: &Related<'_>) -> Result<RequestView, AppError> {
    let Related {
        events,
        messages,
        attachments,
        exports,
        now,
        subject_reads,
        keys,
    } = related;
    let parsed = row;
    let bound = Row::Request(&row.reference);
    let details: ValidDetails = serde_json::from_str(&super::open(
        keys,
        Column::RequestDetails,
        bound,
        &row.details,
    )?)
    .map_err(|_| corrupt("details"))?;
    let history = events
        .iter()
        .filter(|e| e.request_id == row.id)
        .map(|e| {
            Ok(EventView {
                at: rfc3339(e.at),
                event: e.event,
                note: e
                    .note
                    .as_deref()
                    .map(|note| super::open(keys, Column::EventNote, bound, note))
                    .transpose()?
                    .map(|note| EventNote::from_stored(&note))
                    .filter(|note| !*subject_reads || note.for_subject()),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let messages = messages
        .iter()
        .filter(|m| m.request_id == row.id)
        .map(|m| {
            Ok(MessageView {
                at: rfc3339(m.at),
                from_staff: m.author == domain::ActorKind::Staff,
                body: super::open(keys, Column::MessageBody, bound, &m.body)?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(RequestView {
        reference: parsed.reference.clone(),
        kind: parsed.kind,
        language: row.language,
        status: parsed.status,
        received_at: rfc3339(row.received_at()),
        verified_at: row.verified_at.map(rfc3339),
        due_date: row.due_date.map(|d| d.to_string()),
        details,
        history,
        messages,
        attachments: attachments
            .iter()
            .filter(|a| a.request_id == row.id)
            .map(|a| {
                Ok(AttachmentView {
                    id: a.id,
                    file_name: super::open(keys, Column::AttachmentName, bound, &a.file_name)?,
                    size: a.size,
                    sha256: a.sha256.clone(),
                })
            })
            .collect::<Result<_, AppError>>()?,
        export: exports
            .iter()
            .find(|e| e.request_id == row.id)
            .map(|e| ExportView {
                created_at: rfc3339(e.created_at),
                expires_at: rfc3339(e.expires_at),
                expired: e.expires_at <= *now,
                released: e.released_at.is_some(),
                size: e.size,
            }),
        collection: None,
        not_reached: Vec::new(),
    })
}

/// Requests with their history, conversation, attachments and package:
/// four queries whatever the number of requests.
pub async fn views_of(
    conn: &mut crate::store::Conn,
    rows: &[crate::store::RequestRow],
    content: &crate::content::Content,
    keys: &crate::sealing::DataKeys,
) -> Result<Vec<RequestView>, AppError> {
    views_for(conn, rows, true, content, keys).await
}

/// As `views_of`, for the subject (`subject_reads`) or for staff, who also
/// see a package that awaits their review and the team's notes.
pub async fn views_for(
    conn: &mut crate::store::Conn,
    rows: &[crate::store::RequestRow],
    subject_reads: bool,
    content: &crate::content::Content,
    keys: &crate::sealing::DataKeys,
) -> Result<Vec<RequestView>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let events = Store::events_of(conn, &ids).await.map_err(db)?;
    let messages = Store::messages_of(conn, &ids).await.map_err(db)?;
    let attachments = Store::attachments_of(conn, &ids).await.map_err(db)?;
    let exports = Store::latest_exports(conn, &ids, subject_reads)
        .await
        .map_err(db)?;
    let related = Related {
        keys,
        events: &events,
        messages: &messages,
        attachments: &attachments,
        exports: &exports,
        now: super::now(),
        subject_reads,
    };
    let jobs = Store::latest_jobs(conn, &ids).await.map_err(db)?;
    // Progress while a collection job is queued or running.
    let collecting: Vec<_> = jobs.iter().filter(|j| j.status.is_active()).collect();
    let all_runs = Store::latest_source_runs_of(conn, &ids).await.map_err(db)?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let mut view = request_view(row, &related)?;
        // What the team completed without, and its words on it.
        for run in all_runs.iter().filter(|r| {
            r.request_id == row.id && r.failure.as_deref() == Some(crate::store::COMPLETED_WITHOUT)
        }) {
            let note = match &run.detail {
                Some(sealed) => super::open(
                    keys,
                    Column::SourceFailure,
                    crate::sealing::Row::Request(&row.reference),
                    sealed,
                )?,
                None => String::new(),
            };
            view.not_reached.push((run.source.clone(), note));
        }
        if let Some(job) = collecting.iter().find(|j| j.request_id == row.id) {
            let runs: Vec<_> = all_runs.iter().filter(|r| r.request_id == row.id).collect();
            let sources = content
                .org(&row.org)
                .map(|o| o.settings.sources.as_slice())
                .unwrap_or_default();
            view.collection = Some(
                sources
                    .iter()
                    .map(|source| {
                        let run = runs
                            .iter()
                            .find(|r| r.source == source.name && r.at >= job.created_at);
                        let state = match run {
                            None => SourceState::Waiting,
                            Some(run) if run.ok => SourceState::Answered,
                            Some(_) => SourceState::Retrying,
                        };
                        SourceProgress {
                            source: source.name.clone(),
                            state,
                        }
                    })
                    .collect(),
            );
        }
        views.push(view);
    }
    Ok(views)
}
