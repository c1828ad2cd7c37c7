//! Mail to staff about their organisation's requests: a new verified
//! request, the subject writing, an assignment. Written in the use case's
//! transaction, like every mail (`outbox`), to the members who want it
//! (`StaffMailSettings`, all on by default). A mail names the reference and
//! the kind and links to the console; it never carries the subject's
//! address, words or details, since mailboxes are not the console's access
//! control.

use super::outbox::{About, Outbox};
use super::{db, Links};
use crate::content::Content;
use crate::store::{Conn, RequestRow, Store};
use domain::{AppError, Email, Language, StaffNews};
use serde::Serialize;
use std::sync::Arc;

/// Whom a piece of news goes to.
#[derive(Clone, Copy, Debug)]
pub enum Audience {
    /// Every member of the organisation who wants it.
    Team,
    /// One member, if they want it.
    Member(i64),
}

#[derive(Serialize)]
struct NewsMail<'a> {
    what: &'a str,
    org_name: &'a str,
    reference: &'a str,
    kind: String,
    case_url: String,
}

#[derive(Clone)]
pub struct TeamMail {
    pub(super) outbox: Outbox,
    pub(super) links: Links,
    pub(super) content: Arc<Content>,
}

impl TeamMail {
    /// Writes the news about `row` to its audience, in `conn`'s
    /// transaction, leaving out `except` (the member who caused it). The
    /// caller wakes the outbox after the commit.
    pub async fn tell(
        &self,
        conn: &mut Conn,
        row: &RequestRow,
        news: StaffNews,
        audience: Audience,
        except: Option<i64>,
        at: i64,
    ) -> Result<(), AppError> {
        let only = match audience {
            Audience::Team => None,
            Audience::Member(id) => Some(id),
        };
        let recipients = Store::staff_to_tell(conn, &row.org, news, only)
            .await
            .map_err(db)?;
        let org_name = self.content.org_name(&row.org);
        // The subject's reply is linked to where it is read: the conversation.
        let anchor = if news == StaffNews::SubjectWrote {
            "#conversation-heading"
        } else {
            ""
        };
        let case_url = self.links.url(&format!(
            "/console/o/{}/requests/{}{anchor}",
            row.org, row.reference
        ));
        for recipient in recipients.iter().filter(|r| Some(r.id) != except) {
            let Ok(to) = Email::parse(&recipient.email) else {
                continue;
            };
            let mail = NewsMail {
                what: news.as_str(),
                org_name: &org_name,
                reference: row.reference.as_str(),
                kind: row.kind.staff_name(),
                case_url: case_url.clone(),
            };
            let about = About {
                org: Some(row.org.as_str()),
                request_id: Some(row.id),
            };
            // Staff mail is in English, like the console.
            self.outbox
                .write(conn, about, &to, Language::En, "staff_news", &mail, at)
                .await?;
        }
        Ok(())
    }

    pub fn sent(&self) {
        self.outbox.wake();
    }
}
