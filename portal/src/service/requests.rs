//! Taking in requests and showing them to their subject.

use super::{db, now, Seals, StaffMember, Throttle, Trail, Verification};
use crate::content::Content;
use crate::door::ClientAddress;
use crate::sealing::{Column, Row};
use crate::store::NewEvent;
use crate::{
    crypto,
    store::{NewRequest, Store},
};
use domain::{Actor, AuditAction};
use domain::{ActorKind, EventKind};
use domain::{AppError, Arrival, FieldErrorCode, Reference, Role, Submission};
use std::sync::Arc;

/// A client's `Idempotency-Key`: 1 to 255 visible ASCII characters (a UUID,
/// say). Parsed at the edge; the service takes only this type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(text: &str) -> Result<IdempotencyKey, AppError> {
        let field = "idempotency_key";
        if text.is_empty() {
            return Err(AppError::validation(field, FieldErrorCode::Required));
        }
        if text.len() > 255 {
            return Err(AppError::validation(field, FieldErrorCode::TooLong));
        }
        if !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(AppError::validation(field, FieldErrorCode::InvalidChoice));
        }
        Ok(IdempotencyKey(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who brings a request in.
#[derive(Clone, Copy)]
enum Intake<'a> {
    /// Its subject, in the portal.
    Portal,
    /// A member of the team, for a request that arrived another way.
    Staff {
        member: &'a StaffMember,
        arrival: Arrival,
    },
}

impl Intake<'_> {
    fn actor(self) -> Actor {
        match self {
            Intake::Portal => Actor::Subject,
            Intake::Staff { member, .. } => Actor::Staff(member.id),
        }
    }

    fn actor_kind(self) -> ActorKind {
        match self {
            Intake::Portal => ActorKind::Subject,
            Intake::Staff { .. } => ActorKind::Staff,
        }
    }
}

/// Taking requests in: stored unverified, with a code mailed to prove the
/// address.
#[derive(Clone)]
pub struct Requests {
    pub(super) store: Store,
    pub(super) seals: Seals,
    pub(super) content: Arc<Content>,
    pub(super) trail: Trail,
    pub(super) throttle: Throttle,
    pub(super) verification: Verification,
}

impl Requests {
    /// Stores a new request as `pending_verification` and mails its code.
    /// The reply is the same whatever the address: a known subject, an
    /// unknown one, or one over the daily code limit (then no mail goes out
    /// and "send a new code" explains the limit).
    pub async fn submit(
        &self,
        submission: Submission,
        client: &ClientAddress,
    ) -> Result<Reference, AppError> {
        Ok(self.submit_once(submission, None, client).await?.0)
    }

    /// [`Service::submit`], once per `key`: the same key with the same
    /// submission within a day answers with the request already made
    /// (`true`: a replay, nothing stored or mailed again); with a different
    /// submission it is refused.
    #[tracing::instrument(name = "service.submit", skip_all, fields(org = %submission.org, kind = %submission.kind))]
    pub async fn submit_once(
        &self,
        submission: Submission,
        key: Option<&IdempotencyKey>,
        client: &ClientAddress,
    ) -> Result<(Reference, bool), AppError> {
        self.take_in(submission, key, client, Intake::Portal).await
    }

    /// A request that reached the organisation by post, phone, e-mail or in
    /// person, entered by a member of its team (an agent or admin; anyone
    /// else is told it does not exist). It is taken in as the subject's own
    /// would be (the subject gets the code mail and proves the address as
    /// usual), but its deadline runs from the day it arrived, and the history
    /// and audit log say who entered it and how it came.
    #[tracing::instrument(name = "service.enter_request", skip_all, fields(org = %submission.org, kind = %submission.kind))]
    /// `channel` and `arrived_on` are as the form gives them (`Arrival::parse`).
    pub async fn enter(
        &self,
        member: &StaffMember,
        submission: Submission,
        channel: &str,
        arrived_on: &str,
        client: &ClientAddress,
    ) -> Result<Reference, AppError> {
        if !member.may(&submission.org, Role::Agent) {
            return Err(AppError::NotFound);
        }
        let today = time::OffsetDateTime::now_utc().date();
        let arrival = Arrival::parse(channel, arrived_on, today)?;
        let intake = Intake::Staff { member, arrival };
        Ok(self.take_in(submission, None, client, intake).await?.0)
    }

    /// Where `enter` takes requests for: the member's organisations in
    /// which they are an agent or admin.
    pub fn intake(&self, member: &StaffMember) -> domain::views::console::IntakeView {
        let orgs = member
            .roles
            .iter()
            .filter(|(_, role)| role.covers(Role::Agent))
            .map(|(slug, role)| domain::views::console::StaffOrg {
                slug: slug.to_string(),
                name: self.content.org_name(slug),
                role: *role,
            })
            .collect();
        domain::views::console::IntakeView {
            orgs,
            today: time::OffsetDateTime::now_utc().date().to_string(),
        }
    }

    async fn take_in(
        &self,
        submission: Submission,
        key: Option<&IdempotencyKey>,
        client: &ClientAddress,
        intake: Intake<'_>,
    ) -> Result<(Reference, bool), AppError> {
        let org = self.content.organisation(&submission.org)?;
        let details_json =
            serde_json::to_string(&submission.details).map_err(|_| AppError::Internal)?;
        let at = now();
        let mut tx = self.store.begin().await.map_err(db)?;
        // Keyed: it covers the address and answers, which are otherwise sealed.
        let fingerprint = crypto::keyed_hash(
            self.seals.secret(),
            &format!(
                "{}\n{}\n{}\n{}\n{details_json}",
                org.slug,
                submission.kind.as_str(),
                submission.email.as_str(),
                submission.language.code()
            ),
        );
        if let Some(key) = key {
            let earlier = Store::idempotent_submission(&mut tx, &org.slug, key.as_str(), at)
                .await
                .map_err(db)?;
            if let Some((earlier_fingerprint, reference)) = earlier {
                if earlier_fingerprint != fingerprint {
                    return Err(AppError::IdempotencyConflict);
                }
                let reference = Reference::parse(&reference).map_err(|_| AppError::Internal)?;
                tracing::info!(reference = %reference, "submission replayed for its idempotency key");
                return Ok((reference, true));
            }
        }
        // 40 random bits: a collision is rare, and retried when it happens.
        let mut attempt = 0;
        let (reference, request_id, email) = loop {
            let reference = Reference::from_random(crypto::reference_bits());
            // Sealed values are bound to the request they belong to.
            let sealed_details = self.seals.seal(
                Column::RequestDetails,
                Row::Request(reference.as_str()),
                &details_json,
            );
            let email = self
                .seals
                .store_request_email(reference.as_str(), submission.email.as_str());
            let tracking_key = crypto::tracking_key(self.seals.secret(), reference.as_str());
            let tracking_key_hash = crypto::token_hash(crypto::expose(&tracking_key));
            let inserted = Store::insert_request(
                &mut tx,
                NewRequest {
                    reference: reference.as_str(),
                    org: &org.slug,
                    kind: submission.kind,
                    email: &email,
                    language: submission.language,
                    details_json: &sealed_details,
                    tracking_key_hash: &tracking_key_hash,
                    now: at,
                    entered: match intake {
                        Intake::Portal => None,
                        Intake::Staff { member, arrival } => Some((arrival, member.id)),
                    },
                },
            )
            .await;
            match inserted {
                Ok(id) => break (reference, id, email),
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() && attempt < 5 => {
                    attempt += 1
                }
                Err(e) => return Err(db(e)),
            }
        };
        Store::insert_event(
            &mut tx,
            NewEvent {
                request_id,
                at,
                event: EventKind::Submitted,
                actor: intake.actor_kind(),
                note: None,
            },
        )
        .await
        .map_err(db)?;
        let mut detail = serde_json::json!({ "kind": submission.kind.as_str(), "language": submission.language.code() });
        if let Intake::Staff { arrival, .. } = intake {
            detail["entered_by_staff"] = true.into();
            detail["channel"] = arrival.channel.as_str().into();
            detail["arrived_on"] = arrival.on.to_string().into();
        }
        self.trail
            .record(
                &mut tx,
                intake.actor(),
                &org.slug,
                AuditAction::Request(EventKind::Submitted),
                reference.as_str(),
                detail,
                at,
            )
            .await?;
        let client = self.throttle.client_key(client);
        let request = super::verification::CodeFor {
            id: request_id,
            reference: reference.as_str(),
            org: &org.slug,
            email_index: &email.index,
            client: &client,
            asked: super::verification::Asked::Submission,
        };
        let issued = match self.verification.issue_code(&mut tx, request, at).await? {
            super::verification::Issue::Issued(issued) => Some(issued),
            _ => None,
        };
        if let Some(key) = key {
            Store::remember_idempotency_key(
                &mut tx,
                &org.slug,
                key.as_str(),
                &fingerprint,
                reference.as_str(),
                at,
            )
            .await
            .map_err(db)?;
        }
        if let Some(issued) = issued {
            let row = Store::find_request_by_id(&mut tx, request_id)
                .await
                .map_err(db)?
                .ok_or(AppError::Internal)?;
            self.verification
                .mail_code(&mut tx, &row, &issued, at)
                .await?;
        }
        tx.commit().await.map_err(db)?;
        self.verification.sent();
        tracing::info!(reference = %reference, "request submitted");
        Ok((reference, false))
    }

    /// Forgets idempotency keys past their day (the sweep).
    pub async fn forget_idempotency_keys(&self) -> Result<u64, AppError> {
        self.store.forget_idempotency_keys(now()).await.map_err(db)
    }
}
