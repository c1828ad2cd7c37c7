//! Reading the privacy notice: in the reader's language, any version, the
//! changes between two, and whether a verified subject should be told that
//! it changed since they last saw it.

use super::{db, views};
use crate::content::Content;
use crate::store::Store;
use domain::views::{NoticeChanged, NoticeChangesView, NoticeView};
use domain::{AppError, Language};
use std::sync::Arc;

/// The privacy notice: its current text, its versions and what changed.
#[derive(Clone)]
pub struct Notices {
    pub(super) store: Store,
    pub(super) content: Arc<Content>,
}

impl Notices {
    pub fn notice(&self, org: &str, language: Language) -> Result<NoticeView, AppError> {
        let organisation = self.content.organisation(org)?;
        Ok(organisation
            .notice
            .view(organisation.view.clone(), language))
    }

    /// From version `from` to version `to` (the current one if `None`),
    /// in the reader's language when both versions have it.
    pub fn notice_changes(
        &self,
        org: &str,
        from: &str,
        to: Option<&str>,
        language: Language,
    ) -> Result<NoticeChangesView, AppError> {
        let organisation = self.content.organisation(org)?;
        let notice = &organisation.notice;
        let before = notice.version(from).ok_or(AppError::NotFound)?;
        let after = match to {
            Some(to) => notice.version(to).ok_or(AppError::NotFound)?,
            None => notice.current(),
        };
        if before.date >= after.date {
            return Err(AppError::NotFound);
        }
        // Compare like with like: the language both versions have.
        let (language, new) = after.text(language);
        let (language, new) = match before.texts.get(&language) {
            Some(_) => (language, new),
            None => after.text(before.text(language).0),
        };
        let (_, old) = before.text(language);
        Ok(NoticeChangesView {
            org: organisation.view.clone(),
            title: new.title.clone(),
            from: before.date.clone(),
            to: after.date.clone(),
            language,
            changes: crate::notice::changes(&old.source, &new.source),
        })
    }

    /// For a verified subject: the notice changed after they last confirmed
    /// an address here (when they last read it as part of a request), and
    /// they have not looked at the changes since (`seen`, the newest version
    /// whose changes they opened, from a cookie).
    pub async fn notice_changed(
        &self,
        subject: &super::Subject,
        seen: Option<&str>,
    ) -> Result<Option<NoticeChanged>, AppError> {
        let organisation = self.content.organisation(&subject.org)?;
        let mut conn = self.store.conn().await.map_err(db)?;
        let rows = Store::requests_of_subject(&mut conn, &subject.org, &subject.email_index)
            .await
            .map_err(db)?;
        let Some(verified) = rows.iter().filter_map(|r| r.verified_at).max() else {
            return Ok(None);
        };
        let seen_on = views::rfc3339(verified)[..10].to_owned();
        let notice = &organisation.notice;
        let Some(then) = notice.version_on(&seen_on) else {
            return Ok(None);
        };
        let current = &notice.current().date;
        let acknowledged = seen.is_some_and(|seen| seen >= current.as_str());
        Ok(
            (then.date != *current && !acknowledged).then(|| NoticeChanged {
                seen_on,
                from: then.date.clone(),
            }),
        )
    }
}
