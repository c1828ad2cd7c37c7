//! A request and what belongs to it: the request itself, its history, its
//! conversation, and the writes of its lifecycle.

use super::{of_requests, Conn, EventRow, MessageRow, RequestRow, Store};
use crate::sealing::{EmailIndex, StoredEmail};
use domain::{Actor, ActorKind, DueDate, EventKind, Language, RequestKind, Status};

/// A request as first written.
pub struct NewRequest<'a> {
    pub reference: &'a str,
    pub org: &'a str,
    pub kind: RequestKind,
    pub email: &'a StoredEmail,
    pub language: Language,
    pub details_json: &'a str,
    pub tracking_key_hash: &'a str,
    pub now: i64,
    /// Entered by this staff member for a request that arrived so.
    pub entered: Option<(domain::Arrival, i64)>,
}

/// A request's state after a transition; `outcome` (sealed) is kept when
/// `None`.
pub struct Lifecycle<'a> {
    pub status: Status,
    pub due_date: Option<DueDate>,
    pub extended: bool,
    pub assignee_id: Option<i64>,
    pub outcome: Option<&'a str>,
}

impl<'a> Lifecycle<'a> {
    /// The write that records `state`, with the sealed outcome if one was
    /// decided.
    pub fn of(state: &domain::RequestState, outcome: Option<&'a str>) -> Lifecycle<'a> {
        Lifecycle {
            status: state.status,
            due_date: state.due.map(DueDate),
            extended: state.extended,
            assignee_id: state.assignee,
            outcome,
        }
    }
}

/// An event for a request's history; `note` is sealed (`Column::EventNote`).
pub struct NewEvent<'a> {
    pub request_id: i64,
    pub at: i64,
    pub event: EventKind,
    pub actor: ActorKind,
    pub note: Option<&'a str>,
}

/// A message for a request's conversation; `body` is sealed
/// (`Column::MessageBody`).
pub struct NewMessage<'a> {
    pub request_id: i64,
    pub at: i64,
    pub author: Actor,
    pub body: &'a str,
}

impl Store {
    pub async fn insert_request(conn: &mut Conn, new: NewRequest<'_>) -> Result<i64, sqlx::Error> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO requests (reference, org, kind, email, email_index, language, details, status,
                                   tracking_key_hash, created_at, updated_at, channel, arrived_on, entered_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(new.reference)
        .bind(new.org)
        .bind(new.kind.as_str())
        .bind(&new.email.sealed)
        .bind(new.email.index.as_str())
        .bind(new.language.code())
        .bind(new.details_json)
        .bind(Status::PendingVerification.as_str())
        .bind(new.tracking_key_hash)
        .bind(new.now)
        .bind(new.now)
        .bind(new.entered.map(|(arrival, _)| arrival.channel.as_str()))
        .bind(new.entered.map(|(arrival, _)| arrival.on.to_string()))
        .bind(new.entered.map(|(_, staff)| staff))
        .fetch_one(conn)
        .await?;
        Ok(id)
    }

    /// Adds an event to a request's history.
    pub async fn insert_event(conn: &mut Conn, new: NewEvent<'_>) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO request_events (request_id, at, event, actor, note) VALUES ($1, $2, $3, $4, $5)")
            .bind(new.request_id)
            .bind(new.at)
            .bind(new.event.as_str())
            .bind(new.actor.as_str())
            .bind(new.note)
            .execute(conn)
            .await?;
        Ok(())
    }

    pub async fn find_request(
        conn: &mut Conn,
        org: &str,
        reference: &str,
    ) -> Result<Option<RequestRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{} WHERE org = $1 AND reference = $2",
            RequestRow::SELECT
        ))
        .bind(org)
        .bind(reference)
        .fetch_optional(conn)
        .await
    }

    pub async fn find_request_by_reference(
        conn: &mut Conn,
        reference: &str,
    ) -> Result<Option<RequestRow>, sqlx::Error> {
        sqlx::query_as(&format!("{} WHERE reference = $1", RequestRow::SELECT))
            .bind(reference)
            .fetch_optional(conn)
            .await
    }

    pub async fn set_tracking_key(
        conn: &mut Conn,
        request_id: i64,
        key_hash: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE requests SET tracking_key_hash = $1 WHERE id = $2")
            .bind(key_hash)
            .bind(request_id)
            .execute(conn)
            .await?;
        Ok(())
    }

    pub async fn find_request_by_id(
        conn: &mut Conn,
        id: i64,
    ) -> Result<Option<RequestRow>, sqlx::Error> {
        sqlx::query_as(&format!("{} WHERE id = $1", RequestRow::SELECT))
            .bind(id)
            .fetch_optional(conn)
            .await
    }

    pub async fn requests_of_subject(
        conn: &mut Conn,
        org: &str,
        email: &EmailIndex,
    ) -> Result<Vec<RequestRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{} WHERE org = $1 AND email_index = $2 ORDER BY created_at DESC, id DESC",
            RequestRow::SELECT
        ))
        .bind(org)
        .bind(email.as_str())
        .fetch_all(conn)
        .await
    }

    /// The history of several requests in one query (no N+1).
    pub async fn events_of(
        conn: &mut Conn,
        request_ids: &[i64],
    ) -> Result<Vec<EventRow>, sqlx::Error> {
        of_requests(
            conn,
            "SELECT request_id, at, event, note FROM request_events",
            request_ids,
        )
        .await
    }

    /// The conversations of several requests in one query.
    pub async fn messages_of(
        conn: &mut Conn,
        request_ids: &[i64],
    ) -> Result<Vec<MessageRow>, sqlx::Error> {
        of_requests(
            conn,
            "SELECT request_id, at, author, body FROM request_messages",
            request_ids,
        )
        .await
    }

    /// A message of the conversation: the subject's, or a staff member's
    /// (kept with their account).
    pub async fn insert_message(conn: &mut Conn, new: NewMessage<'_>) -> Result<(), sqlx::Error> {
        let staff_id = match new.author {
            Actor::Staff(id) => Some(id),
            _ => None,
        };
        sqlx::query("INSERT INTO request_messages (request_id, at, author, staff_id, body) VALUES ($1, $2, $3, $4, $5)")
            .bind(new.request_id)
            .bind(new.at)
            .bind(new.author.kind().as_str())
            .bind(staff_id)
            .bind(new.body)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Writes the state a transition produced.
    pub async fn update_lifecycle(
        conn: &mut Conn,
        request_id: i64,
        state: Lifecycle<'_>,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE requests SET status = $1, due_date = $2, extended = $3, assignee_id = $4,
                    outcome = COALESCE($5, outcome), updated_at = $6
             WHERE id = $7",
        )
        .bind(state.status.as_str())
        .bind(state.due_date.map(|d| d.to_string()))
        .bind(i64::from(state.extended))
        .bind(state.assignee_id)
        .bind(state.outcome)
        .bind(now)
        .bind(request_id)
        .execute(conn)
        .await?;
        Ok(())
    }

    pub async fn mark_verified(
        conn: &mut Conn,
        request_id: i64,
        now: i64,
        due_date: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE requests SET status = $1, verified_at = $2, due_date = $3, updated_at = $4
             WHERE id = $5 AND status = $6",
        )
        .bind(Status::Received.as_str())
        .bind(now)
        .bind(due_date)
        .bind(now)
        .bind(request_id)
        .bind(Status::PendingVerification.as_str())
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Cancels unverified requests created before `cutoff`, returning them.
    /// Unconfirmed requests made before `cutoff` that were not reminded
    /// yet, and are not anonymised; each is marked reminded at `now`.
    pub async fn take_unreminded(
        conn: &mut Conn,
        cutoff: i64,
        now: i64,
    ) -> Result<Vec<RequestRow>, sqlx::Error> {
        let due: Vec<RequestRow> = sqlx::query_as(&format!(
            "{} WHERE status = $2 AND created_at < $1 AND reminded_at IS NULL AND email <> '' ORDER BY id",
            RequestRow::SELECT
        ))
        .bind(cutoff)
        .bind(Status::PendingVerification.as_str())
        .fetch_all(&mut *conn)
        .await?;
        for request in &due {
            sqlx::query("UPDATE requests SET reminded_at = $1 WHERE id = $2")
                .bind(now)
                .bind(request.id)
                .execute(&mut *conn)
                .await?;
        }
        Ok(due)
    }

    pub async fn expire_unverified(
        conn: &mut Conn,
        cutoff: i64,
        now: i64,
    ) -> Result<Vec<RequestRow>, sqlx::Error> {
        let expired: Vec<RequestRow> = sqlx::query_as(&format!(
            "{} WHERE status = $2 AND created_at < $1 ORDER BY id",
            RequestRow::SELECT
        ))
        .bind(cutoff)
        .bind(Status::PendingVerification.as_str())
        .fetch_all(&mut *conn)
        .await?;
        for request in &expired {
            sqlx::query("UPDATE requests SET status = $3, updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(request.id)
                .bind(Status::Cancelled.as_str())
                .execute(&mut *conn)
                .await?;
            sqlx::query("UPDATE verification_codes SET state = 'superseded' WHERE request_id = $1 AND state = 'active'")
                .bind(request.id)
                .execute(&mut *conn)
                .await?;
            let expired = NewEvent {
                request_id: request.id,
                at: now,
                event: EventKind::ExpiredUnverified,
                actor: ActorKind::System,
                note: None,
            };
            Self::insert_event(conn, expired).await?;
        }
        Ok(expired)
    }
}
