//! How the outbox and the webhook queue wait between tries: doubling from
//! a first pause up to a cap, and giving up only after days, so that a mail
//! server or a receiver that is away for a weekend loses nothing.

/// A retry schedule.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    /// Seconds before the first retry; doubled for each further one...
    pub first_secs: i64,
    /// ...up to this.
    pub max_secs: i64,
    /// A message still not accepted this long after it was written is
    /// given up (and shown to admins as failed).
    pub give_up_after_secs: i64,
    /// How long a claimed message is its worker's before another may take it.
    pub lease_secs: i64,
}

const DAY: i64 = 24 * 60 * 60;

impl Backoff {
    /// Mail: 15 s, 30 s, 1 min, … every hour at most, for three days.
    pub fn for_mail() -> Backoff {
        Backoff {
            first_secs: 15,
            max_secs: 60 * 60,
            give_up_after_secs: 3 * DAY,
            lease_secs: 120,
        }
    }

    /// Webhooks: 10 s, 20 s, 40 s, … every hour at most, for three days
    /// and an hour (the "at least three days", with the last try
    /// after the third day). A try takes at most `webhooks::TIMEOUT`,
    /// well inside the lease.
    pub fn for_webhooks() -> Backoff {
        Backoff {
            first_secs: 10,
            max_secs: 60 * 60,
            give_up_after_secs: 3 * DAY + 60 * 60,
            lease_secs: 60,
        }
    }

    /// When the try after `attempts` failed ones is due.
    pub fn next_after(&self, attempts: i64, at: i64) -> i64 {
        let doublings = attempts.clamp(1, 31) - 1;
        let wait = self
            .first_secs
            .saturating_mul(1 << doublings)
            .min(self.max_secs);
        at + wait.max(1)
    }

    /// Whether a message written at `created_at` is given up at `at`.
    pub fn gives_up(&self, created_at: i64, at: i64) -> bool {
        at - created_at >= self.give_up_after_secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_up_to_the_cap() {
        let retry = Backoff::for_mail();
        let waits: Vec<i64> = (1..=10).map(|n| retry.next_after(n, 0)).collect();
        assert_eq!(&waits[..4], &[15, 30, 60, 120]);
        assert_eq!(waits[9], 3600);
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
        // No overflow however long the server stays away.
        assert_eq!(retry.next_after(10_000, 100), 3700);
    }

    #[test]
    fn webhooks_are_tried_for_more_than_three_days() {
        let retry = Backoff::for_webhooks();
        // Every try at its latest: the last comes after the third day.
        let (mut at, mut tries) = (0, 1);
        while !retry.gives_up(0, at) {
            at = retry.next_after(tries, at);
            tries += 1;
        }
        assert!(at >= 3 * DAY, "given up after {at} s");
        assert!(tries > 70, "{tries} tries");
        assert!(!retry.gives_up(0, 3 * DAY));
    }
}
