//! Bearer secrets: the session tokens of subjects and staff, the pending
//! second step of a sign-in, and the tokens in links (confirmation,
//! password reset, invitation). Whoever holds one is let in, so they are a
//! type of their own: not `Serialize`, a `Debug` that shows no value, and
//! one way to the text, `expose`, used where a cookie, a link or the REST
//! sign-in answer is written. The store keeps only their digest (`hash`).

use crate::crypto;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

pub struct Token(SecretString);

impl Token {
    /// A fresh token: 256 bits from the operating system's CSPRNG.
    pub fn mint() -> Token {
        Token(crypto::new_token())
    }

    /// A token a caller presented: a cookie, a bearer header, a link's path.
    pub fn presented(text: impl Into<String>) -> Token {
        Token(SecretString::from(text.into()))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The stored form (SHA-256, hex): what sessions, links and invitations
    /// are looked up by.
    pub fn hash(&self) -> String {
        crypto::token_hash(self.expose())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_secret() {
        let token = Token::presented("s3cr3t-value");
        assert!(!format!("{token:?}").contains("s3cr3t"));
        assert!(!format!("{:?}", Some(&token)).contains("s3cr3t"));
    }

    #[test]
    fn minted_tokens_differ_and_hash_like_their_text() {
        let (a, b) = (Token::mint(), Token::mint());
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.hash(), crypto::token_hash(a.expose()));
        assert_eq!(Token::presented(a.expose()).hash(), a.hash());
    }
}
