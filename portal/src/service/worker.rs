//! Who works requests: a member signed in to the console, or an
//! organisation's API token (an integration). The work use cases (the
//! queue, a case, every staff action, executions and exports) take either,
//! so the API and the console apply the same rules; the account's own use
//! cases (password, second factor, mail settings, the team) take a member
//! alone, so a token can never reach them.

use super::api_tokens::ApiClient;
use super::StaffMember;
use domain::{Actor, Role};

pub trait CaseWorker: Send + Sync {
    /// Whether this worker may act with `needed` in `org`.
    fn may(&self, org: &str, needed: Role) -> bool;
    /// How the history's messages and the audit log name them.
    fn actor(&self) -> Actor;
    /// The staff account behind them, for what only an account has: a
    /// file it uploaded, "assigned to me", not mailing oneself.
    fn account(&self) -> Option<i64>;
    /// Every organisation whose queue they see.
    fn orgs(&self) -> Vec<String>;
}

impl CaseWorker for StaffMember {
    fn may(&self, org: &str, needed: Role) -> bool {
        StaffMember::may(self, org, needed)
    }

    fn actor(&self) -> Actor {
        Actor::Staff(self.id)
    }

    fn account(&self) -> Option<i64> {
        Some(self.id)
    }

    fn orgs(&self) -> Vec<String> {
        self.roles.iter().map(|(org, _)| org.to_string()).collect()
    }
}

impl CaseWorker for ApiClient {
    fn may(&self, org: &str, needed: Role) -> bool {
        self.org == org && self.role.covers(needed)
    }

    fn actor(&self) -> Actor {
        Actor::Token(self.id)
    }

    fn account(&self) -> Option<i64> {
        None
    }

    fn orgs(&self) -> Vec<String> {
        vec![self.org.to_string()]
    }
}
