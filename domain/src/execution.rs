//! Carrying a decision out on the organisation's data sources: what is
//! asked of them and what each answered.

use crate::RequestKind;
use serde::{Deserialize, Serialize};

/// What an approved erasure or restriction asks a source to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    Erase,
    Restrict,
}

impl Operation {
    /// The operation a request of `kind` asks of the sources, if any.
    pub fn asked_by(kind: RequestKind) -> Option<Operation> {
        match kind {
            RequestKind::Erasure => Some(Operation::Erase),
            RequestKind::Restriction => Some(Operation::Restrict),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Erase => "erase",
            Operation::Restrict => "restrict",
        }
    }
}

/// What a source answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExecutionOutcome {
    Done,
    /// Kept under an exception (a legal obligation, say).
    Exception,
    Failed,
}

impl ExecutionOutcome {
    pub const ALL: [ExecutionOutcome; 3] = [
        ExecutionOutcome::Done,
        ExecutionOutcome::Exception,
        ExecutionOutcome::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionOutcome::Done => "done",
            ExecutionOutcome::Exception => "exception",
            ExecutionOutcome::Failed => "failed",
        }
    }
}

impl TryFrom<String> for ExecutionOutcome {
    type Error = String;

    fn try_from(name: String) -> Result<ExecutionOutcome, String> {
        ExecutionOutcome::ALL
            .into_iter()
            .find(|o| o.as_str() == name)
            .ok_or_else(|| format!("unknown outcome {name:?}"))
    }
}

impl TryFrom<String> for Operation {
    type Error = String;

    fn try_from(name: String) -> Result<Operation, String> {
        [Operation::Erase, Operation::Restrict]
            .into_iter()
            .find(|o| o.as_str() == name)
            .ok_or_else(|| format!("unknown operation {name:?}"))
    }
}
