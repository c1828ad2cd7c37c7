//! Who did something: the data subject, a staff member, or the portal
//! itself (one of its tasks). The history and the audit log name actors
//! as written here.

use std::fmt;

/// The portal's own tasks, as the audit log names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// The portal answering a request (a code sent, an opt-out taking effect).
    Portal,
    /// The job worker (collecting from data sources).
    Jobs,
    /// The sweeper (expiry, retention, purges).
    Sweep,
    /// The operator's command line.
    CommandLine,
    /// The mailed password-reset link.
    PasswordReset,
}

impl Task {
    pub fn as_str(self) -> &'static str {
        match self {
            Task::Portal => "system",
            Task::Jobs => "jobs",
            Task::Sweep => "sweep",
            Task::CommandLine => "command-line",
            Task::PasswordReset => "password-reset",
        }
    }
}

/// The three kinds of actor, as the history and the audit log file them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorKind {
    Subject,
    Staff,
    System,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Subject => "subject",
            ActorKind::Staff => "staff",
            ActorKind::System => "system",
        }
    }
}

impl TryFrom<String> for ActorKind {
    type Error = String;

    fn try_from(name: String) -> Result<ActorKind, String> {
        [ActorKind::Subject, ActorKind::Staff, ActorKind::System]
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| format!("unknown actor kind {name:?}"))
    }
}

/// One actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// The data subject (named by the request, never by address).
    Subject,
    /// A staff member, by account id.
    Staff(i64),
    /// An organisation's API token, by id: an integration working the
    /// queue on the team's behalf (the subject sees the privacy team).
    Token(i64),
    System(Task),
}

impl Actor {
    pub fn kind(self) -> ActorKind {
        match self {
            Actor::Subject => ActorKind::Subject,
            Actor::Staff(_) | Actor::Token(_) => ActorKind::Staff,
            Actor::System(_) => ActorKind::System,
        }
    }

    /// How a staff account is named as an actor or a target: `staff:7`.
    pub fn staff_name(id: i64) -> String {
        Actor::Staff(id).to_string()
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Subject => f.write_str("subject"),
            Actor::Staff(id) => write!(f, "staff:{id}"),
            Actor::Token(id) => write!(f, "token:{id}"),
            Actor::System(task) => f.write_str(task.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_are_named_as_the_audit_log_has_always_named_them() {
        assert_eq!(Actor::Subject.to_string(), "subject");
        assert_eq!(Actor::Staff(7).to_string(), "staff:7");
        assert_eq!(Actor::System(Task::Sweep).to_string(), "sweep");
        assert_eq!(Actor::System(Task::Portal).kind(), ActorKind::System);
        assert_eq!(Actor::staff_name(3), "staff:3");
        assert_eq!(Actor::Token(4).to_string(), "token:4");
        assert_eq!(Actor::Token(4).kind(), ActorKind::Staff);
        for kind in [ActorKind::Subject, ActorKind::Staff, ActorKind::System] {
            assert_eq!(ActorKind::try_from(kind.as_str().to_owned()), Ok(kind));
        }
        assert!(ActorKind::try_from("robot".to_owned()).is_err());
    }
}
