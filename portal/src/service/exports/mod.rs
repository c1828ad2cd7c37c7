//! Export packages for access and portability requests. Staff add what each
//! source holds about the subject, per category (today: a CSV or JSON file
//! they upload; connectors feed the same table later), then build the
//! package: labelled, zipped, sealed with AES-256-GCM, stored, and offered
//! to the subject until it expires. Every step and download is audited.

mod staging;

use super::{
    db, now, views, CaseWorker, Download, DownloadBody, Notify, Packages, Seals, Subject, Trail,
};
use crate::content::Content;
use crate::sealing::Column;
use crate::store::NewEvent;
use crate::{
    audit::Entry,
    crypto,
    export::{self, seal, PackageInput, Record, SourceGap, Staged},
    sources::RecordSink,
    store::{RequestRow, Store},
};
use domain::{Actor, AuditAction, Task};
use domain::{ActorKind, EventKind};
use domain::{AppError, FieldErrorCode, Reference, Role, Status, TransitionError};
use futures_util::TryStreamExt;
use serde_json::{Map, Value};
use staging::{DatabaseChunks, Staging};
use std::sync::Arc;
use tokio::io::AsyncReadExt;

/// Export packages: what each source holds, built into one sealed package
/// for the subject, released by staff and downloaded until it expires.
#[derive(Clone)]
pub struct Exports {
    pub(super) store: Store,
    pub(super) seals: Seals,
    pub(super) content: Arc<Content>,
    pub(super) trail: Trail,
    pub(super) notify: Notify,
    pub(super) packages: Packages,
}

/// The largest data file staff may upload for one category.
pub const MAX_EXPORT_FILE_BYTES: usize = 20 * 1024 * 1024;

/// The source name under which a category nobody supplied data for appears
/// (as "no data found").
const TEAM_SOURCE: &str = "Privacy team";
use crate::store::COMPLETED_WITHOUT as WITHOUT;

/// Records from an uploaded file: CSV with a header row (every value a
/// string), or JSON (an array of objects, or one object).
pub fn parse_records(file_name: &str, bytes: &[u8]) -> Result<Vec<Map<String, Value>>, AppError> {
    let invalid = || AppError::validation("file", FieldErrorCode::InvalidChoice);
    if file_name.to_ascii_lowercase().ends_with(".csv") {
        let mut reader = csv::Reader::from_reader(bytes);
        let headers = reader.headers().map_err(|_| invalid())?.clone();
        let mut records = Vec::new();
        for row in reader.records() {
            let row = row.map_err(|_| invalid())?;
            records.push(
                headers
                    .iter()
                    .zip(row.iter())
                    .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
                    .collect(),
            );
        }
        return Ok(records);
    }
    match serde_json::from_slice::<Value>(bytes).map_err(|_| invalid())? {
        Value::Object(one) => Ok(vec![one]),
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::Object(record) => Ok(record),
                _ => Err(invalid()),
            })
            .collect(),
        _ => Err(invalid()),
    }
}

impl Exports {
    /// The request, for staff of its organisation, if it can take an export now.
    async fn exportable_request(
        &self,
        conn: &mut crate::store::Conn,
        member: &impl CaseWorker,
        org: &str,
        reference: &Reference,
    ) -> Result<RequestRow, AppError> {
        if !member.may(org, Role::Agent) {
            return Err(AppError::NotFound);
        }
        let row = Store::find_request(conn, org, reference.as_str())
            .await
            .map_err(db)?
            .ok_or(AppError::NotFound)?;
        let parsed = &row;
        if !parsed.kind.exportable() {
            return Err(AppError::validation("file", FieldErrorCode::NotApplicable));
        }
        if parsed.status.is_closed() || parsed.status == Status::PendingVerification {
            return Err(AppError::TransitionRefused {
                reason: TransitionError::NotInThisStatus,
            });
        }
        Ok(row)
    }

    /// Adds what one source holds about the subject in one category.
    #[tracing::instrument(name = "service.add_export_data", skip_all, fields(reference = %reference))]
    pub async fn add_export_data(
        &self,
        member: &impl CaseWorker,
        org: &str,
        reference: &Reference,
        category: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<usize, AppError> {
        if bytes.len() > MAX_EXPORT_FILE_BYTES {
            return Err(AppError::validation("file", FieldErrorCode::TooLong));
        }
        let organisation = self.content.organisation(org)?;
        if !organisation
            .settings
            .categories
            .iter()
            .any(|c| c.id == category)
        {
            return Err(AppError::validation(
                "category",
                FieldErrorCode::InvalidChoice,
            ));
        }
        let records = parse_records(file_name, bytes)?;
        let count = records.len();
        let at = now();
        let mut conn = self.store.conn().await.map_err(db)?;
        let row = self
            .exportable_request(&mut conn, member, org, reference)
            .await?;
        drop(conn);
        let source = format!(
            "Upload: {}",
            file_name.rsplit(['/', '\\']).next().unwrap_or(file_name)
        );
        let pool = self.store.pool();
        let mut staging = Staging::begin(
            pool,
            self.seals.keys().clone(),
            &row,
            &source,
            &[category],
            member.account(),
            at,
        )
        .await
        .map_err(db)?;
        let ids = staging.ids();
        let written = async {
            for record in records {
                staging
                    .record(category, Record::from(record))
                    .await
                    .map_err(|_| AppError::Unavailable)?;
            }
            let staged = staging.finish().await.map_err(db)?;
            let mut tx = self.store.begin().await.map_err(db)?;
            Staging::complete(&mut tx, &staged).await.map_err(db)?;
            // The file's name may name the subject: the log keeps what
            // identifies the file without it.
            use sha2::Digest;
            let sha256 = hex::encode(sha2::Sha256::digest(bytes));
            let detail = serde_json::json!({ "category": category, "source": "upload", "records": count, "size": bytes.len(), "sha256": sha256 });
            self.trail.record(
                &mut tx,
                member.actor(),
                org,
                AuditAction::ExportDataAdded,
                reference.as_str(),
                detail,
                at,
            )
            .await?;
            tx.commit().await.map_err(db)
        }
        .await;
        if written.is_err() {
            // Nothing half-written stays behind.
            let _ = Staging::discard(pool, &ids).await;
        }
        written.map(|()| count)
    }

    /// Asks every data source of the organisation about the subject, and
    /// keeps what each returns (replacing its earlier answer) or why it
    /// failed. Returns how many sources failed.
    #[tracing::instrument(name = "service.collect_sources", skip_all, fields(reference = %reference))]
    pub async fn collect_sources(
        &self,
        member: &impl CaseWorker,
        org: &str,
        reference: &Reference,
    ) -> Result<usize, AppError> {
        let mut conn = self.store.conn().await.map_err(db)?;
        let row = self
            .exportable_request(&mut conn, member, org, reference)
            .await?;
        drop(conn);
        self.collect_for(&row, member.actor()).await
    }

    /// Records that the package comes without a source that did not
    /// answer: why, and what the team will do about it (told to the
    /// subject in the package and on the tracking page). Only a source
    /// whose newest answer failed, or that was never reached.
    #[tracing::instrument(name = "service.complete_without_source", skip_all, fields(reference = %reference))]
    pub async fn complete_without_source(
        &self,
        member: &impl CaseWorker,
        org: &str,
        reference: &Reference,
        source: &str,
        note: &str,
    ) -> Result<(), AppError> {
        let note = note.trim();
        if note.is_empty() {
            return Err(AppError::validation("text", FieldErrorCode::Required));
        }
        if note.chars().count() > domain::MAX_DETAIL_CHARS {
            return Err(AppError::validation("text", FieldErrorCode::TooLong));
        }
        let organisation = self.content.organisation(org)?;
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        let row = self
            .exportable_request(&mut tx, member, org, reference)
            .await?;
        if !organisation
            .settings
            .sources
            .iter()
            .any(|s| s.name == source)
        {
            return Err(AppError::validation(
                "source",
                FieldErrorCode::InvalidChoice,
            ));
        }
        let answered = Store::latest_source_runs(&mut tx, row.id)
            .await
            .map_err(db)?
            .into_iter()
            .any(|r| r.source == source && r.ok);
        if answered {
            // It answered: there is nothing to complete without.
            return Err(AppError::validation(
                "source",
                FieldErrorCode::NotApplicable,
            ));
        }
        let sealed = self.seals.seal(
            Column::SourceFailure,
            crate::sealing::Row::Request(&row.reference),
            note,
        );
        let run = crate::store::SourceRunRow {
            request_id: row.id,
            source: source.to_owned(),
            ok: false,
            records: 0,
            detail: Some(sealed),
            failure: Some(WITHOUT.to_owned()),
            at,
        };
        Store::insert_source_run(&mut tx, row.id, &run)
            .await
            .map_err(db)?;
        self.trail
            .record(
                &mut tx,
                member.actor(),
                org,
                AuditAction::ExportSourceWithout,
                reference.as_str(),
                serde_json::json!({ "source": source }),
                at,
            )
            .await?;
        tx.commit().await.map_err(db)
    }

    /// Asks every source about the request's subject, for a staff member
    /// or (`None`) the job worker. Each source's answer is written in its
    /// own transaction, so progress shows source by source.
    pub(super) async fn collect_for(
        &self,
        row: &RequestRow,
        actor: Actor,
    ) -> Result<usize, AppError> {
        // What a staff account did is also filed under the account.
        let staff = match actor {
            Actor::Staff(id) => Some(id),
            _ => None,
        };
        let org = row.org.as_str();
        let organisation = self.content.organisation(org)?;
        let reference = row.reference.clone();
        let email = self.seals.request_email(row)?;
        let who = crate::sources::Identifiers {
            email: &email,
            reference: &row.reference,
        };
        let mut failed = 0;
        let pool = self.store.pool();
        for source in &organisation.settings.sources {
            let started = now();
            let mut staging = Staging::begin(
                pool,
                self.seals.keys().clone(),
                row,
                &source.name,
                &source.categories(),
                staff,
                started,
            )
            .await
            .map_err(db)?;
            let ids = staging.ids();
            let outcome = match source.collect(&who, &mut staging).await {
                Ok(()) => staging.finish().await.map_err(|error| {
                    tracing::error!(error = %error, "storing collected data failed");
                    crate::sources::Failure::Storage.error()
                }),
                Err(error) => Err(error),
            };
            let at = now();
            let mut tx = self.store.begin().await.map_err(db)?;
            let run = match &outcome {
                Ok(staged) => {
                    // This run replaces earlier ones, and what a run that died left.
                    Store::delete_export_data_of_source(&mut tx, row.id, &source.name, &ids)
                        .await
                        .map_err(db)?;
                    Staging::complete(&mut tx, staged).await.map_err(db)?;
                    let records = staged.iter().map(|s| s.records).sum();
                    crate::store::SourceRunRow {
                        request_id: row.id,
                        source: source.name.clone(),
                        ok: true,
                        records,
                        detail: None,
                        failure: None,
                        at,
                    }
                }
                Err(error) => {
                    failed += 1;
                    // The class only: the source's words may quote the subject.
                    tracing::warn!(source = %source.name, failure = error.failure.as_str(), status = ?error.status, "a data source failed");
                    crate::store::SourceRunRow {
                        request_id: row.id,
                        source: source.name.clone(),
                        ok: false,
                        records: 0,
                        detail: Some(self.seals.seal(
                            Column::SourceFailure,
                            crate::sealing::Row::Request(&row.reference),
                            &error.for_staff(),
                        )),
                        failure: Some(error.failure.as_str().to_owned()),
                        at,
                    }
                }
            };
            Store::insert_source_run(&mut tx, row.id, &run)
                .await
                .map_err(db)?;
            let status = outcome.as_ref().err().and_then(|e| e.status);
            let entry = Entry {
                actor,
                org,
                action: if run.ok {
                    AuditAction::ExportSourceCollected
                } else {
                    AuditAction::ExportSourceFailed
                },
                target: reference.as_str(),
                detail: serde_json::json!({ "source": run.source, "records": run.records, "failure": run.failure, "status": status }),
            };
            self.trail.append(&mut tx, entry, at).await.map_err(db)?;
            tx.commit().await.map_err(db)?;
            if outcome.is_err() {
                // Earlier results stay; this run's partial rows go.
                Staging::discard(pool, &ids).await.map_err(db)?;
            }
        }
        Ok(failed)
    }

    /// Builds, seals and stores the package, and offers it to the subject.
    #[tracing::instrument(name = "service.build_export", skip_all, fields(reference = %reference))]
    pub async fn build_export(
        &self,
        member: &impl CaseWorker,
        org: &str,
        reference: &Reference,
    ) -> Result<(), AppError> {
        let organisation = self.content.organisation(org)?;
        let categories = organisation.settings.categories.clone();
        if categories.is_empty() {
            return Err(AppError::validation("category", FieldErrorCode::Required));
        }
        let mut conn = self.store.conn().await.map_err(db)?;
        let row = self
            .exportable_request(&mut conn, member, org, reference)
            .await?;
        let kind = row.kind;
        let mut staged: Vec<Staged> = Store::export_data_of(&mut conn, row.id)
            .await
            .map_err(db)?
            .into_iter()
            .map(|d| Staged {
                id: d.id,
                source: d.source,
                category: d.category,
                records: d.record_count,
                bytes: d.bytes,
                fields: serde_json::from_str(&d.fields).unwrap_or_default(),
            })
            .collect();
        // Art. 15: a package says what every source holds. One that did not
        // answer is never "no data found": the package waits for it, or
        // staff say why it comes without it and what they will do.
        let runs = Store::latest_source_runs(&mut conn, row.id)
            .await
            .map_err(db)?;
        drop(conn);
        let mut gaps = Vec::new();
        for source in &organisation.settings.sources {
            let run = runs.iter().find(|r| r.source == source.name);
            match run {
                Some(run) if run.ok => {}
                Some(run) if run.failure.as_deref() == Some(WITHOUT) => gaps.push(SourceGap {
                    source: source.name.clone(),
                    categories: source.categories().iter().map(|c| c.to_string()).collect(),
                    note: run
                        .detail
                        .as_deref()
                        .map(|d| {
                            self.seals.open(
                                Column::SourceFailure,
                                crate::sealing::Row::Request(&row.reference),
                                d,
                            )
                        })
                        .transpose()?
                        .unwrap_or_default(),
                }),
                _ => return Err(AppError::validation("sources", FieldErrorCode::Required)),
            }
        }
        for category in &categories {
            let not_reached = gaps.iter().any(|g| g.categories.contains(&category.id));
            if !not_reached && !staged.iter().any(|s| s.category == category.id) {
                let team = Staged {
                    id: 0,
                    source: TEAM_SOURCE.into(),
                    category: category.id.clone(),
                    records: 0,
                    bytes: 0,
                    fields: vec![],
                };
                staged.push(team);
            }
        }
        let at = now();
        let generated_at = views::rfc3339(at);
        let (org_name, reference_text) =
            (organisation.settings.name.clone(), reference.to_string());
        let kind_name = kind.as_str();
        let (store, key) = (self.packages.store.clone(), self.packages.key.clone());
        let mut chunks = DatabaseChunks {
            keys: self.seals.keys().clone(),
            reference: row.reference.to_string(),
            pool: self.store.pool().clone(),
            runtime: tokio::runtime::Handle::current(),
        };
        // Built on a blocking thread, straight into a sealed scratch file:
        // the records pass through in chunks and nothing is held whole.
        let (sealed, built) = tokio::task::spawn_blocking(move || {
            let input = PackageInput {
                organisation: &org_name,
                reference: &reference_text,
                kind: kind_name,
                generated_at: &generated_at,
                categories: &categories,
                staged: &staged,
                gaps: &gaps,
            };
            let (file, path) = tempfile::NamedTempFile::new_in(store.scratch())?.into_parts();
            let out = export::SealWriter::new(
                &key,
                &reference_text,
                std::io::BufWriter::with_capacity(256 * 1024, file),
            )?;
            let (out, built) = export::build(&input, &mut chunks, out)?;
            let file = out.finish()?.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            Ok::<_, export::PackageError>((path, built))
        })
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|error| {
            tracing::error!(error = %error, "building the package failed");
            AppError::Internal
        })?;
        let (size, data_sha256) = (built.size as i64, built.data_sha256);
        let name = hex::encode(&crypto::random_key()[..16]);
        // The file is stored first: a failure after it leaves an unused
        // file, never a record pointing at nothing.
        self.packages
            .store
            .put(&name, sealed)
            .await
            .map_err(|error| {
                tracing::error!(error = %error, "storing the package failed");
                AppError::Unavailable
            })?;
        let expires_at = at + self.packages.days * 24 * 60 * 60;
        let review = organisation.settings.review_exports;
        let mut tx = self.store.begin().await.map_err(db)?;
        let released_at = (!review).then_some(at);
        let new = crate::store::NewExport {
            request_id: row.id,
            name: &name,
            size,
            data_sha256: &data_sha256,
            at,
            expires_at,
            staff_id: member.account(),
            released_at,
        };
        Store::insert_export(&mut tx, new).await.map_err(db)?;
        if !review {
            self.offer(&mut tx, &row, member, at, expires_at).await?;
        }
        let detail = serde_json::json!({
            "size": size, "data_sha256": data_sha256, "expires_at": views::rfc3339(expires_at), "released": !review,
        });
        self.trail
            .record(
                &mut tx,
                member.actor(),
                org,
                AuditAction::ExportBuilt,
                reference.as_str(),
                detail,
                at,
            )
            .await?;
        tx.commit().await.map_err(db)?;
        self.notify.sent();
        Ok(())
    }

    /// Tells the subject a package is theirs to download: carried out (no
    /// more cancelling), a message, and a mail (the caller wakes the outbox
    /// after its commit).
    async fn offer(
        &self,
        conn: &mut crate::store::Conn,
        row: &RequestRow,
        member: &impl CaseWorker,
        at: i64,
        expires_at: i64,
    ) -> Result<(), AppError> {
        Store::mark_executed(&mut *conn, row.id).await.map_err(db)?;
        // Written in the subject's language: it is shown to them as it is.
        let language = row.language;
        let date = domain::i18n::long_date(language, &views::rfc3339(expires_at));
        let message = self.seals.seal(
            Column::MessageBody,
            crate::sealing::Row::Request(&row.reference),
            &domain::i18n::t1(language, "package-ready", "date", date),
        );
        let new = crate::store::NewMessage {
            request_id: row.id,
            at,
            author: member.actor(),
            body: &message,
        };
        Store::insert_message(&mut *conn, new).await.map_err(db)?;
        Store::insert_event(
            conn,
            NewEvent {
                request_id: row.id,
                at,
                event: EventKind::Message,
                actor: ActorKind::Staff,
                note: None,
            },
        )
        .await
        .map_err(db)?;
        self.notify.mail_update(conn, row, at).await
    }

    /// Releases a reviewed package to the subject; the download period
    /// starts now.
    #[tracing::instrument(name = "service.release_export", skip_all, fields(reference = %reference))]
    pub async fn release_export(
        &self,
        member: &impl CaseWorker,
        org: &str,
        reference: &Reference,
    ) -> Result<(), AppError> {
        let at = now();
        let expires_at = at + self.packages.days * 24 * 60 * 60;
        let mut tx = self.store.begin().await.map_err(db)?;
        let row = self
            .exportable_request(&mut tx, member, org, reference)
            .await?;
        let package = Store::latest_exports(&mut tx, &[row.id], false)
            .await
            .map_err(db)?
            .pop()
            .ok_or(AppError::NotFound)?;
        if !Store::release_export(&mut tx, package.id, at, expires_at)
            .await
            .map_err(db)?
        {
            return Err(AppError::TransitionRefused {
                reason: TransitionError::NotInThisStatus,
            });
        }
        self.offer(&mut tx, &row, member, at, expires_at).await?;
        let detail = serde_json::json!({ "package": package.name, "expires_at": views::rfc3339(expires_at) });
        self.trail
            .record(
                &mut tx,
                member.actor(),
                org,
                AuditAction::ExportReleased,
                reference.as_str(),
                detail,
                at,
            )
            .await?;
        tx.commit().await.map_err(db)?;
        self.notify.sent();
        Ok(())
    }

    /// The newest package, released or not, for staff to review. Audited.
    pub async fn staff_export(
        &self,
        member: &impl CaseWorker,
        org: &str,
        reference: &Reference,
    ) -> Result<Download, AppError> {
        if !member.may(org, Role::Agent) {
            return Err(AppError::NotFound);
        }
        let at = now();
        let mut conn = self.store.conn().await.map_err(db)?;
        let row = Store::find_request(&mut conn, org, reference.as_str())
            .await
            .map_err(db)?
            .ok_or(AppError::NotFound)?;
        let package = Store::latest_exports(&mut conn, &[row.id], false)
            .await
            .map_err(db)?
            .pop()
            .ok_or(AppError::NotFound)?;
        drop(conn);
        if package.purged_at.is_some() {
            return Err(AppError::ExportExpired);
        }
        // Opened before the write transaction: reaching an object store
        // must not hold up every other writer.
        let data = self.open_package(&package, reference).await?;
        let mut tx = self.store.begin().await.map_err(db)?;
        let detail = serde_json::json!({ "package": package.name });
        self.trail
            .record(
                &mut tx,
                member.actor(),
                org,
                AuditAction::ExportReviewed,
                reference.as_str(),
                detail,
                at,
            )
            .await?;
        tx.commit().await.map_err(db)?;
        Ok(Download {
            file_name: format!("{reference}-data.zip"),
            content_type: "application/zip".into(),
            data,
        })
    }

    /// The package, opened segment by segment as it is sent. A damaged
    /// file or wrong key shows at the header, or ends the download early
    /// (logged) when a later segment does not open: never a wrong byte.
    async fn open_package(
        &self,
        package: &crate::store::ExportRow,
        reference: &Reference,
    ) -> Result<DownloadBody, AppError> {
        let damaged = || {
            tracing::error!(package = %package.name, "a stored package does not open: wrong key or damaged file");
            AppError::Internal
        };
        let mut reader = self
            .packages
            .store
            .get(&package.name)
            .await
            .map_err(|error| {
                tracing::error!(error = %error, "reading the package failed");
                AppError::Unavailable
            })?;
        let mut header = [0u8; seal::HEADER];
        reader
            .read_exact(&mut header)
            .await
            .map_err(|_| damaged())?;
        let opener = export::Opener::new(&self.packages.key, reference.as_str(), &header)
            .map_err(|_| damaged())?;
        let name = package.name.clone();
        let chunks = futures_util::stream::try_unfold((reader, opener), |(mut reader, mut opener)| async move {
            if opener.is_complete() {
                let mut after = [0u8; 1];
                return match reader.read(&mut after).await? {
                    0 => Ok(None),
                    _ => Err(std::io::Error::from(seal::SealError)),
                };
            }
            let mut segment = Vec::with_capacity(seal::SEALED_SEGMENT);
            (&mut reader).take(seal::SEALED_SEGMENT as u64).read_to_end(&mut segment).await?;
            opener.segment(&mut segment)?;
            Ok(Some((segment, (reader, opener))))
        })
        .inspect_err(move |error| tracing::error!(package = %name, error = %error, "a package stopped opening while sent"));
        Ok(DownloadBody::Stream {
            length: package.size as u64,
            chunks: Box::pin(chunks),
        })
    }

    /// The subject's newest package of their own request, while it has not
    /// expired. Audited.
    #[tracing::instrument(name = "service.subject_export", skip_all, fields(reference = %reference))]
    pub async fn subject_export(
        &self,
        subject: &Subject,
        reference: &Reference,
    ) -> Result<Download, AppError> {
        let at = now();
        let mut conn = self.store.conn().await.map_err(db)?;
        let row = Store::find_request(&mut conn, &subject.org, reference.as_str())
            .await
            .map_err(db)?
            .filter(|row| subject.owns(row))
            .ok_or(AppError::NotFound)?;
        let package = Store::latest_exports(&mut conn, &[row.id], true)
            .await
            .map_err(db)?
            .pop()
            .ok_or(AppError::NotFound)?;
        drop(conn);
        if package.expires_at <= at {
            return Err(AppError::ExportExpired);
        }
        // Opened before the write transaction, as for staff.
        let data = self.open_package(&package, reference).await?;
        let mut tx = self.store.begin().await.map_err(db)?;
        let entry = Entry {
            actor: Actor::Subject,
            org: &subject.org,
            action: AuditAction::ExportDownloaded,
            target: reference.as_str(),
            detail: serde_json::json!({ "package": package.name }),
        };
        self.trail.append(&mut tx, entry, at).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(Download {
            file_name: format!("{reference}-data.zip"),
            content_type: "application/zip".into(),
            data,
        })
    }
}

impl Exports {
    /// Deletes the files of packages whose download period is over, and
    /// what was collected for closed requests: the portal keeps a copy of
    /// a subject's data only as long as it has a use. Returns how many
    /// packages went.
    #[tracing::instrument(name = "service.purge_exports", skip_all)]
    pub async fn purge_exports(&self) -> Result<usize, AppError> {
        let at = now();
        let mut conn = self.store.conn().await.map_err(db)?;
        let expired = Store::exports_to_purge(&mut conn, at).await.map_err(db)?;
        drop(conn);
        for package in &expired {
            self.packages.store.delete(&package.name).await.map_err(|error| {
                tracing::error!(error = %error, package = %package.name, "deleting an expired package failed");
                AppError::Unavailable
            })?;
            let mut tx = self.store.begin().await.map_err(db)?;
            if !Store::mark_export_purged(&mut tx, package.id, at)
                .await
                .map_err(db)?
            {
                // Another server's sweep got there first and audited it.
                continue;
            }
            if let Some(row) = Store::find_request_by_id(&mut tx, package.request_id)
                .await
                .map_err(db)?
            {
                let entry = Entry {
                    actor: Actor::System(Task::Sweep),
                    org: &row.org,
                    action: AuditAction::ExportPurged,
                    target: &row.reference,
                    detail: serde_json::json!({ "package": package.name, "expired_at": views::rfc3339(package.expires_at) }),
                };
                self.trail.append(&mut tx, entry, at).await.map_err(db)?;
            }
            tx.commit().await.map_err(db)?;
        }
        let mut conn = self.store.conn().await.map_err(db)?;
        Store::delete_export_data_of_closed(&mut conn)
            .await
            .map_err(db)?;
        if !expired.is_empty() {
            tracing::info!(count = expired.len(), "expired packages deleted");
        }
        Ok(expired.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_json_files_become_records_and_anything_else_is_refused() {
        let csv = parse_records("meters.CSV", b"meter,kwh\n7070,12.5\n7071,3\n").unwrap();
        assert_eq!(csv.len(), 2);
        assert_eq!(csv[1]["kwh"], "3");
        let json = parse_records("crm.json", br#"[{"name":"Kari","tags":["a"]}]"#).unwrap();
        assert_eq!(json[0]["tags"][0], "a");
        assert_eq!(
            parse_records("one.json", br#"{"name":"Kari"}"#)
                .unwrap()
                .len(),
            1
        );
        for (name, bytes) in [
            ("x.json", &b"[1, 2]"[..]),
            ("x.json", b"not json"),
            ("x.csv", b"a,b\n1,2,3\n"),
        ] {
            assert!(
                parse_records(name, bytes).is_err(),
                "{name}: {:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
