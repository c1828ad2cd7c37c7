//! Rate limits per client address on what costs the portal (or a subject)
//! something: submitting (each sends a mail), verifying (each guesses a
//! code) and logging in (each guesses a password). The limits per e-mail
//! address live with their rules: codes per address per day
//! (`CODES_PER_DAY`), attempts per code (`CODE_MAX_ATTEMPTS`), failed logins
//! per address. Counters are in the database, so several servers share
//! them.

use super::{db, now, Seals};
use crate::store::Store;
use domain::AppError;
use std::fmt;

/// What a limit counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bucket {
    Submit,
    Verify,
    Login,
}

impl Bucket {
    fn as_str(self) -> &'static str {
        match self {
            Bucket::Submit => "submit",
            Bucket::Verify => "verify",
            Bucket::Login => "login",
        }
    }
}

/// At most `hits` in any fixed window of `window_secs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub hits: i64,
    pub window_secs: i64,
}

impl Limit {
    /// `20/600`: 20 per 600 seconds.
    pub fn parse(raw: &str) -> Option<Limit> {
        let (hits, window) = raw.trim().split_once('/')?;
        let limit = Limit {
            hits: hits.trim().parse().ok()?,
            window_secs: window.trim().parse().ok()?,
        };
        (limit.hits > 0 && (1..=86_400).contains(&limit.window_secs)).then_some(limit)
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.hits, self.window_secs)
    }
}

/// The limit of each bucket; `None` switches one off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    pub submit: Option<Limit>,
    pub verify: Option<Limit>,
    pub login: Option<Limit>,
}

impl Default for RateLimits {
    /// Generous for a person (a household behind one address included),
    /// tight for a script: 20 submissions, 30 code attempts and 20 logins
    /// per address per 10 minutes.
    fn default() -> RateLimits {
        RateLimits {
            submit: Some(Limit {
                hits: 20,
                window_secs: 600,
            }),
            verify: Some(Limit {
                hits: 30,
                window_secs: 600,
            }),
            login: Some(Limit {
                hits: 20,
                window_secs: 600,
            }),
        }
    }
}

/// Refused: try again after this many seconds.
#[derive(Debug)]
pub struct Throttled {
    pub retry_after: i64,
}

/// The rate limits of the doors that strangers can hammer.
#[derive(Clone)]
pub struct Throttle {
    pub(super) store: Store,
    pub(super) limits: RateLimits,
    pub(super) seals: Seals,
}

impl Throttle {
    /// Counts one attempt at `bucket` from `client` (its address), refusing
    /// it when the window's limit is reached.
    pub async fn throttle(&self, bucket: Bucket, client: &str) -> Result<(), ThrottleError> {
        let limit = match bucket {
            Bucket::Submit => self.limits.submit,
            Bucket::Verify => self.limits.verify,
            Bucket::Login => self.limits.login,
        };
        let Some(limit) = limit else { return Ok(()) };
        let at = now();
        let window_start = at - at.rem_euclid(limit.window_secs);
        // Addresses are kept keyed-hashed, and only for a day.
        let key = crate::crypto::keyed_hash(
            self.seals.secret(),
            &format!("{}:{}", bucket.as_str(), network(client)),
        );
        let hits = Store::hit(
            self.store.pool(),
            &format!("{}:{key}", bucket.as_str()),
            window_start,
        )
        .await
        .map_err(|e| ThrottleError::App(db(e)))?;
        if hits > limit.hits {
            tracing::info!(bucket = bucket.as_str(), hits, "rate limited");
            return Err(ThrottleError::Throttled(Throttled {
                retry_after: window_start + limit.window_secs - at,
            }));
        }
        Ok(())
    }

    /// What quotas and lockouts store about a client: a keyed hash of its
    /// network, never its address.
    pub fn client_key(&self, client: &crate::door::ClientAddress) -> String {
        crate::crypto::keyed_hash(
            self.seals.secret(),
            &format!("client\0{}", network(&client.0)),
        )
    }

    pub async fn forget_rate_limits(&self) -> Result<u64, AppError> {
        Store::forget_rate_limits(self.store.pool(), now() - 86_400)
            .await
            .map_err(db)
    }
}

/// What a limit counts as one client: an IPv4 address, or an IPv6 /64
/// (one household or server is given a whole /64 and can pick any address
/// in it). Anything else (no address known) is counted as it is.
fn network(client: &str) -> String {
    match client.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V6(v6)) => v6.to_ipv4_mapped().expect("checked").to_string(),
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => client.to_owned(),
    }
}

#[derive(Debug)]
pub enum ThrottleError {
    Throttled(Throttled),
    App(AppError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_client_is_its_slash_64() {
        assert_eq!(network("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            network("2001:db8:1:2:ffff:1:2:3"),
            network("2001:db8:1:2::9")
        );
        assert_ne!(network("2001:db8:1:3::1"), network("2001:db8:1:2::1"));
        assert_eq!(network("::ffff:203.0.113.9"), "203.0.113.9");
        assert_eq!(network("203.0.113.9"), "203.0.113.9");
        assert_eq!(network("unknown"), "unknown");
    }

    #[test]
    fn limits_are_read_as_hits_per_seconds() {
        assert_eq!(
            Limit::parse("20/600"),
            Some(Limit {
                hits: 20,
                window_secs: 600
            })
        );
        assert_eq!(
            Limit::parse(" 5 / 60 "),
            Some(Limit {
                hits: 5,
                window_secs: 60
            })
        );
        for wrong in [
            "", "20", "0/600", "20/0", "20/86401", "-1/60", "x/60", "20/600/1",
        ] {
            assert_eq!(Limit::parse(wrong), None, "{wrong:?}");
        }
        assert_eq!(Limit::parse("20/600").unwrap().to_string(), "20/600");
    }
}
