//! One request in full, as staff see it: the request's view, who works on
//! it, its duplicates, its outcome and trail, and the panels of an export
//! (sources, categories, data) and of an erasure or restriction carried out
//! on the sources. Reads only; `Console::case` audits the view first.

use super::{entry_view, flags, today};
use crate::content::Content;
use crate::sealing::{Column, Row};
use crate::service::views::{self, views_for};
use crate::service::{db, Seals};
use crate::sources::Operation;
use crate::store::{AuditQuery, Conn, RequestRow, Store};
use domain::views::console::{
    CaseView, CategoryOption, Colleague, ExecutionView, ExportDataSummary, SourceRunView,
};
use domain::{AppError, Outcome};

pub(super) async fn case_view(
    conn: &mut Conn,
    content: &Content,
    seals: &Seals,
    org: &str,
    row: RequestRow,
) -> Result<CaseView, AppError> {
    let request = views_for(
        &mut *conn,
        std::slice::from_ref(&row),
        false,
        content,
        seals.keys(),
    )
    .await?
    .remove(0);
    let colleagues: Vec<Colleague> = Store::staff_of_org(&mut *conn, org)
        .await
        .map_err(db)?
        .into_iter()
        .map(|c| Colleague {
            id: c.id,
            email: c.email,
        })
        .collect();
    let assignee = row
        .assignee_id
        .and_then(|id| colleagues.iter().find(|c| c.id == id).cloned());
    let email = seals.request_email(&row)?;
    let duplicates = Store::duplicates_of(
        &mut *conn,
        org,
        &seals.email_index(&email),
        row.kind.as_str(),
        row.id,
    )
    .await
    .map_err(db)?;
    let outcome = Store::outcome_of(&mut *conn, row.id)
        .await
        .map_err(db)?
        .map(|sealed| {
            seals.open(
                Column::RequestOutcome,
                Row::Request(&row.reference),
                &sealed,
            )
        })
        .transpose()?
        .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok())
        .and_then(|value| serde_json::from_value::<Outcome>(value.get("outcome")?.clone()).ok());
    let orgs = [row.org.to_string()];
    let query = AuditQuery {
        orgs: &orgs,
        target: Some(&row.reference),
        limit: 200,
        ..AuditQuery::default()
    };
    let (trail, _) = Store::audit_page(&mut *conn, &query).await.map_err(db)?;
    let (overdue, due_soon) = flags(request.status, row.due_date, today());
    let (export_categories, export_data, sources) = if request.kind.exportable() {
        export_panel(&mut *conn, content, seals, org, &row).await?
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let (executable_sources, executions) = match Operation::asked_by(request.kind) {
        Some(operation) => {
            execution_panel(&mut *conn, content, seals, org, &row, operation).await?
        }
        None => (Vec::new(), Vec::new()),
    };
    Ok(CaseView {
        org: org.to_owned(),
        email,
        language: row.language,
        assignee,
        colleagues,
        state: row.state(),
        overdue,
        due_soon,
        duplicates: if request.status.is_closed() {
            Vec::new()
        } else {
            duplicates
        },
        outcome,
        trail: trail.into_iter().rev().map(entry_view).collect(),
        export_categories,
        export_data,
        sources,
        executable_sources,
        executions,
        request,
    })
}

/// What an access or portability request's package is made of so far:
/// the organisation's categories, the data staff added, and each source's
/// latest answer.
async fn export_panel(
    conn: &mut Conn,
    content: &Content,
    seals: &Seals,
    org: &str,
    row: &RequestRow,
) -> Result<
    (
        Vec<CategoryOption>,
        Vec<ExportDataSummary>,
        Vec<SourceRunView>,
    ),
    AppError,
> {
    let settings = &content.organisation(org)?.settings;
    let runs = Store::latest_source_runs(&mut *conn, row.id)
        .await
        .map_err(db)?;
    let bound = Row::Request(&row.reference);
    let sources = settings
        .sources
        .iter()
        .map(|s| match runs.iter().find(|r| r.source == s.name) {
            Some(run) => Ok(SourceRunView {
                source: s.name.clone(),
                at: Some(views::rfc3339(run.at)),
                ok: run.ok,
                records: run.records,
                detail: run
                    .detail
                    .as_deref()
                    .map(|d| seals.open(Column::SourceFailure, bound, d))
                    .transpose()?,
            }),
            None => Ok(SourceRunView {
                source: s.name.clone(),
                at: None,
                ok: false,
                records: 0,
                detail: None,
            }),
        })
        .collect::<Result<_, AppError>>()?;
    let categories = settings
        .categories
        .iter()
        .map(|c| CategoryOption {
            id: c.id.clone(),
            name: c.name.clone(),
        })
        .collect();
    let data = Store::export_data_of(&mut *conn, row.id)
        .await
        .map_err(db)?
        .into_iter()
        .map(|d| ExportDataSummary {
            records: usize::try_from(d.record_count).unwrap_or(0),
            category: d.category,
            source: d.source,
        })
        .collect();
    Ok((categories, data, sources))
}

/// An erasure or restriction on the sources: which sources can carry it
/// out, and what each reported.
async fn execution_panel(
    conn: &mut Conn,
    content: &Content,
    seals: &Seals,
    org: &str,
    row: &RequestRow,
    operation: Operation,
) -> Result<(Vec<String>, Vec<ExecutionView>), AppError> {
    let executable = content
        .organisation(org)?
        .settings
        .sources
        .iter()
        .filter(|s| s.supports(operation))
        .map(|s| s.name.clone())
        .collect();
    let executions = Store::executions_of(&mut *conn, row.id)
        .await
        .map_err(db)?
        .into_iter()
        .map(|e| {
            Ok(ExecutionView {
                detail: seals.open(
                    Column::SourceReport,
                    Row::Request(&row.reference),
                    &e.detail,
                )?,
                source: e.source,
                operation: e.operation,
                outcome: e.outcome,
                at: views::rfc3339(e.at),
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok((executable, executions))
}
