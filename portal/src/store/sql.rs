//! Queries put together from pieces (filters, `IN` lists). sqlx's
//! `QueryBuilder` writes `?` placeholders for the Any driver, which
//! PostgreSQL refuses; this writes `$1`, `$2`, … which both backends read,
//! and keeps the values bound, never spliced into the text.

use sqlx::{any::AnyArguments, Any, Arguments, Encode, Type};
use std::fmt::Write;

pub struct Sql<'a> {
    text: String,
    args: AnyArguments<'a>,
}

impl<'a> Sql<'a> {
    pub fn new(text: impl Into<String>) -> Sql<'a> {
        Sql {
            text: text.into(),
            args: AnyArguments::default(),
        }
    }

    pub fn push(&mut self, text: impl AsRef<str>) -> &mut Self {
        self.text.push_str(text.as_ref());
        self
    }

    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'a + Encode<'a, Any> + Type<Any>,
    {
        // Encoding into `AnyArguments` only records the value; the types
        // used here (integers, strings) cannot fail.
        self.args
            .add(value)
            .expect("integers and strings always encode");
        write!(self.text, "${}", self.args.len()).expect("writing to a String");
        self
    }

    /// `v1, v2, …` as placeholders, for an `IN (…)` the caller opens and closes.
    pub fn push_list<T>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self
    where
        T: 'a + Encode<'a, Any> + Type<Any>,
    {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.push_bind(value);
        }
        self
    }

    /// The text and its values, for `sqlx::query_with` and friends.
    pub fn into_parts(self) -> (String, AnyArguments<'a>) {
        (self.text, self.args)
    }
}

/// `'received', 'in_progress', …`: statuses for the few statements that
/// are fixed text. The names are the domain's constants, never input.
pub fn status_list(statuses: &[domain::Status]) -> String {
    statuses
        .iter()
        .map(|status| format!("'{}'", status.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closed statuses, as `status_list` writes them.
pub fn closed_list() -> &'static str {
    static LIST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let closed: Vec<_> = domain::Status::ALL
            .into_iter()
            .filter(|s| s.is_closed())
            .collect();
        status_list(&closed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut sql = Sql::new("SELECT 1 FROM t WHERE a = ");
        sql.push_bind(7_i64).push(" AND b IN (");
        sql.push_list(["x", "y"]).push(")");
        let (text, args) = sql.into_parts();
        assert_eq!(text, "SELECT 1 FROM t WHERE a = $1 AND b IN ($2, $3)");
        assert_eq!(args.len(), 3);
    }

    #[test]
    fn status_lists_are_the_domains() {
        assert_eq!(closed_list(), "'completed', 'rejected', 'cancelled'");
        assert_eq!(
            status_list(&domain::Status::OPEN),
            "'received', 'in_progress', 'awaiting_subject'"
        );
    }
}
