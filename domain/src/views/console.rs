//! What the staff console's server functions send: views made for display.
//! They carry personal data only where a staff member needs it, and every
//! view that does is written to the audit log by the service.

use crate::views::RequestView;
use crate::{Language, Outcome, Reference, RequestKind, Role, Status};
use serde::{Deserialize, Serialize};

/// The signed-in staff member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffView {
    pub email: String,
    pub orgs: Vec<StaffOrg>,
    pub two_factor: bool,
    /// Organisations withheld until the member enrols a second factor.
    pub must_enrol_for: Vec<String>,
    /// The second factor was reset, or the account is new: nothing is
    /// reached until one is enrolled.
    pub must_enrol: bool,
    /// Invitations to other teams waiting for this member's answer.
    pub invitations: Vec<MyInvitation>,
}

/// When the member's digest goes, and the time zones they may choose.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DigestTimeView {
    pub time: crate::DigestTime,
    pub zones: Vec<String>,
}

/// What a member is mailed about in one organisation they work for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgMailSettings {
    pub org: String,
    pub org_name: String,
    pub settings: crate::StaffMailSettings,
}

impl StaffView {
    pub fn is_admin(&self) -> bool {
        self.orgs.iter().any(|o| o.role == Role::Admin)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffOrg {
    pub slug: String,
    pub name: String,
    pub role: Role,
}

/// The queue's filters as they come from the address bar; the service
/// parses them (an unknown value is a 422, not an empty list).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueFilter {
    /// A status, `open` (the default) or `all`.
    pub status: Option<String>,
    pub kind: Option<String>,
    /// A colleague's id, `me` or `none` (unassigned).
    pub assignee: Option<String>,
    pub page: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Colleague {
    pub id: i64,
    pub email: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueItem {
    pub org: String,
    pub reference: Reference,
    pub kind: RequestKind,
    pub status: Status,
    /// RFC 3339.
    pub received_at: String,
    /// ISO date.
    pub due_date: Option<String>,
    pub assignee: Option<String>,
    pub overdue: bool,
    pub due_soon: bool,
    /// Another open request of the same subject, kind and organisation exists.
    pub duplicate: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueView {
    pub items: Vec<QueueItem>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    /// Over all open requests of the member's organisations, whatever the filter.
    pub overdue: i64,
    pub due_soon: i64,
    pub colleagues: Vec<Colleague>,
    /// The caller's own id, for "assigned to me".
    pub me: i64,
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub id: i64,
    /// RFC 3339.
    pub at: String,
    pub actor_kind: String,
    pub actor: String,
    pub org: String,
    pub action: String,
    pub target: String,
    /// The entry's JSON detail, as stored.
    pub detail: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// An action or the start of one (`request.`).
    pub action: Option<String>,
    pub actor: Option<String>,
    pub target: Option<String>,
    pub page: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
    pub entries: Vec<AuditEntryView>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

/// Mail of the admin's organisations that has not arrived: waiting,
/// held up by the receiving server, or given up. Never the address or
/// the content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutgoingMailView {
    pub mails: Vec<UndeliveredMail>,
    /// The list shows at most this many, newest first.
    pub limit: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UndeliveredMail {
    pub org: String,
    /// The request it is about, if any.
    pub reference: Option<Reference>,
    /// Which mail: `verification`, `update`, `staff_invitation`, …
    pub template: String,
    pub state: crate::views::MailProgress,
    pub attempts: i64,
    /// RFC 3339: when it was written.
    pub written_at: String,
    /// RFC 3339: the next try, while it is still tried.
    pub next_try_at: Option<String>,
    /// What the receiving server said last (addresses left out).
    pub last_error: Option<String>,
}

/// An organisation's request figures: per kind and month of receipt, and
/// the months' totals the chart shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgFigures {
    pub org: String,
    pub name: String,
    pub rows: Vec<KindMonth>,
    pub months: Vec<MonthTotal>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KindMonth {
    /// `YYYY-MM`: the month the requests were received in.
    pub month: String,
    pub kind: RequestKind,
    pub received: u32,
    pub completed: u32,
    pub rejected: u32,
    pub rejected_by_ground: Vec<GroundCount>,
    pub cancelled: u32,
    /// Days from receipt to the answer (completed or rejected).
    pub median_days: Option<f64>,
    pub p95_days: Option<i64>,
    pub extended: u32,
    /// Answered after the deadline, or open past it.
    pub late: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroundCount {
    pub ground: String,
    pub count: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthTotal {
    pub month: String,
    pub received: u32,
    /// Completed or rejected.
    pub answered: u32,
    pub late: u32,
}

/// What the "Enter a request" form offers: the organisations the member
/// may enter requests for (agent or admin), and today (UTC), the latest day
/// a request can have arrived.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IntakeView {
    pub orgs: Vec<StaffOrg>,
    pub today: String,
}

/// The webhooks of the admin's organisations: each endpoint's state and
/// the newest deliveries, which can be sent again. Never a body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhooksView {
    pub orgs: Vec<OrgWebhooks>,
    /// Each organisation lists at most this many deliveries, newest first.
    pub limit: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgWebhooks {
    pub org: String,
    pub endpoints: Vec<EndpointView>,
    pub deliveries: Vec<DeliveryView>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointHealth {
    /// Its last deliveries were accepted.
    Healthy,
    /// Deliveries to it are being retried, or were given up.
    Failing,
    /// Nothing was sent to it yet.
    Idle,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EndpointView {
    pub name: String,
    /// Without its query string, which may hold a token.
    pub url: String,
    pub events: Vec<crate::WebhookEvent>,
    pub health: EndpointHealth,
    /// Deliveries still being tried.
    pub waiting: i64,
    /// Deliveries given up.
    pub failed: i64,
    /// RFC 3339: when the oldest waiting delivery was written.
    pub oldest_waiting_at: Option<String>,
    pub last_delivered_at: Option<String>,
    /// What the last failed try met, and when (RFC 3339).
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Written, not tried yet (or being tried).
    Waiting,
    /// Tried and not accepted; tried again at `next_try_at`.
    Retrying,
    Delivered,
    /// Not accepted for more than three days: given up.
    GivenUp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: i64,
    /// The `webhook-id` receivers see.
    pub message_id: String,
    pub endpoint: String,
    pub event: crate::WebhookEvent,
    pub reference: Option<Reference>,
    pub state: DeliveryState,
    pub attempts: i64,
    pub written_at: String,
    pub delivered_at: Option<String>,
    pub next_try_at: Option<String>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
}

impl DeliveryView {
    /// Delivered and given-up deliveries can be sent again.
    pub fn replayable(&self) -> bool {
        matches!(
            self.state,
            DeliveryState::Delivered | DeliveryState::GivenUp
        )
    }
}

/// A request as staff see it: everything the subject sees, and who they
/// are, how they proved it, duplicates and the internal record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseView {
    pub org: String,
    pub request: RequestView,
    pub email: String,
    pub language: Language,
    pub assignee: Option<Colleague>,
    pub colleagues: Vec<Colleague>,
    /// Where the request stands: its rules (`RequestState::allows`) decide
    /// which actions the page offers.
    pub state: crate::RequestState,
    pub overdue: bool,
    pub due_soon: bool,
    /// Other open requests of the same subject and kind.
    pub duplicates: Vec<String>,
    pub outcome: Option<Outcome>,
    /// The request's audit trail: verification attempts, views, actions.
    pub trail: Vec<AuditEntryView>,
    /// Access and portability: the organisation's data categories, and
    /// what was collected for the package so far.
    pub export_categories: Vec<CategoryOption>,
    pub export_data: Vec<ExportDataSummary>,
    /// The organisation's data sources and their newest run on this request.
    pub sources: Vec<SourceRunView>,
    /// Erasure and restriction: the sources that can carry it out, and
    /// what each did so far.
    pub executable_sources: Vec<String>,
    pub executions: Vec<ExecutionView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExecutionView {
    pub source: String,
    pub operation: crate::Operation,
    pub outcome: crate::ExecutionOutcome,
    pub detail: String,
    /// RFC 3339.
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceRunView {
    pub source: String,
    /// RFC 3339 of the newest run; `None` if never asked.
    pub at: Option<String>,
    pub ok: bool,
    pub records: i64,
    /// Why it failed.
    pub detail: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryOption {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportDataSummary {
    pub category: String,
    pub source: String,
    pub records: usize,
}

/// Authenticator enrolment: the secret as a QR code and as text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnrolmentView {
    pub secret: String,
    /// An SVG document made by the server from the otpauth URL.
    pub qr_svg: String,
    /// A working authenticator exists and will be replaced.
    pub replacing: bool,
}

/// One organisation's staff, for its admins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamView {
    pub org: String,
    pub name: String,
    pub members: Vec<TeamMember>,
    /// Invitations not yet accepted (they grant nothing yet).
    pub invitations: Vec<InvitationSummary>,
    /// The caller's own id (they cannot remove themselves).
    pub me: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub two_factor: bool,
    /// The caller administers every organisation this member belongs to,
    /// so may reset their second factor.
    pub may_reset_two_factor: bool,
}

/// An open invitation, as its team's admins see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationSummary {
    pub id: i64,
    pub email: String,
    pub role: Role,
    /// RFC 3339.
    pub expires_at: String,
}

/// An open invitation for the signed-in member's own address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyInvitation {
    pub id: i64,
    pub org_name: String,
    pub role: Role,
}

/// The page behind an invitation link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationView {
    pub org_name: String,
    pub role: Role,
    /// The address invited (the link went to it).
    pub email: String,
    /// RFC 3339.
    pub expires_at: String,
    pub step: InvitationStep,
}

/// What the holder of an invitation link does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationStep {
    /// No account has the address: choose a password.
    NewAccount,
    /// An account has it: sign in as it, then accept.
    SignIn,
    /// Signed in as the invited address: accept.
    Accept,
    /// Signed in as someone else: sign out first.
    OtherAccount,
}

/// What a request's page confirms after one of its forms succeeded: the
/// `done=` of the address it is sent back to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseDone {
    /// A staff action, by the event it recorded.
    Acted(crate::EventKind),
    DataAdded,
    Collected,
    CollectedWithFailures,
    Executed,
    ExecutedWithFailures,
    ExportBuilt,
    ExportReleased,
    /// The package will come without a source that did not answer.
    WithoutSource,
}

impl CaseDone {
    const OTHERS: [CaseDone; 8] = [
        CaseDone::DataAdded,
        CaseDone::Collected,
        CaseDone::CollectedWithFailures,
        CaseDone::Executed,
        CaseDone::ExecutedWithFailures,
        CaseDone::ExportBuilt,
        CaseDone::ExportReleased,
        CaseDone::WithoutSource,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseDone::Acted(event) => event.as_str(),
            CaseDone::DataAdded => "data_added",
            CaseDone::Collected => "collected",
            CaseDone::CollectedWithFailures => "collected_with_failures",
            CaseDone::Executed => "executed",
            CaseDone::ExecutedWithFailures => "executed_with_failures",
            CaseDone::ExportBuilt => "export_built",
            CaseDone::ExportReleased => "export_released",
            CaseDone::WithoutSource => "without_source",
        }
    }

    pub fn parse(code: &str) -> Option<CaseDone> {
        crate::EventKind::parse(code)
            .map(CaseDone::Acted)
            .or_else(|| {
                CaseDone::OTHERS
                    .into_iter()
                    .find(|done| done.as_str() == code)
            })
    }
}

impl std::fmt::Display for CaseDone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The API tokens of the organisations an admin administers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiTokensView {
    /// Organisations the admin may make tokens for.
    pub orgs: Vec<String>,
    pub tokens: Vec<ApiTokenView>,
    /// The longest a token may live, in days.
    pub max_days: u32,
}

/// One token, never its secret (shown once, when it was made).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiTokenView {
    pub id: i64,
    pub org: String,
    pub name: String,
    pub role: Role,
    /// Who made it (an address; `None` once their account is gone).
    pub created_by: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    pub uses: i64,
    pub state: ApiTokenState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiTokenState {
    Live,
    Expired,
    Revoked,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_confirmation_reads_back_as_itself() {
        let all = crate::EventKind::ALL
            .into_iter()
            .map(CaseDone::Acted)
            .chain(CaseDone::OTHERS);
        for done in all {
            assert_eq!(CaseDone::parse(done.as_str()), Some(done));
        }
        assert_eq!(CaseDone::parse("nonsense"), None);
    }
}
