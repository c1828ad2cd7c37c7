//! Staff roles, per organisation.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages staff and settings, and works requests.
    Admin,
    /// Works requests.
    Agent,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }

    /// Whether this role includes everything `needed` allows.
    pub fn covers(self, needed: Role) -> bool {
        self == Role::Admin || needed == Role::Agent
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRole;

impl fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a role is admin or agent")
    }
}

impl std::error::Error for UnknownRole {}

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "agent" => Ok(Role::Agent),
            _ => Err(UnknownRole),
        }
    }
}

impl TryFrom<String> for Role {
    type Error = UnknownRole;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_can_do_what_agents_can_but_not_the_reverse() {
        assert!(Role::Admin.covers(Role::Agent));
        assert!(Role::Admin.covers(Role::Admin));
        assert!(Role::Agent.covers(Role::Agent));
        assert!(!Role::Agent.covers(Role::Admin));
    }

    #[test]
    fn roles_parse_from_their_names_only() {
        assert_eq!("admin".parse(), Ok(Role::Admin));
        assert_eq!("agent".parse(), Ok(Role::Agent));
        assert_eq!("root".parse::<Role>(), Err(UnknownRole));
    }
}
