//! Users, orgs and tokens.
//!
//! Access tokens expire after the configured TTL; refresh tokens do not expire and are not
//! rotated by `auth.refresh` (a reference server keeps them stable so they can be printed once).
//! Tokens are 128 random bits from the operating system, hex encoded, with a prefix
//! (`at_` access, `rt_` refresh). Expired access tokens are remembered so that they answer
//! `token_expired` rather than `unauthorized`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::api::TokenPair;

use super::clock;
use super::error::ApiError;

/// What a user may do beyond the basics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// May create invoices and use `admin-*` chat rooms.
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }
}

/// A user, the org it belongs to and its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct User {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub role: Role,
}

/// The outcome of looking an access token up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenCheck {
    /// The token is valid until `expires_at`.
    Valid { user: User, expires_at: SystemTime },
    /// The token was valid once and expired at `expired_at`.
    Expired {
        user_id: String,
        expired_at: SystemTime,
    },
    /// Never issued.
    Unknown,
}

impl TokenCheck {
    /// The error a request carrying this token gets, if any.
    pub(crate) fn into_result(self) -> Result<(User, SystemTime), ApiError> {
        match self {
            TokenCheck::Valid { user, expires_at } => Ok((user, expires_at)),
            TokenCheck::Expired { expired_at, .. } => Err(ApiError::token_expired(format!(
                "the access token expired at {}; refresh it with auth.refresh",
                clock::rfc3339(expired_at)
            ))),
            TokenCheck::Unknown => Err(ApiError::unauthorized(
                "the access token is not valid; send a token issued by this server",
            )),
        }
    }
}

struct Access {
    user_id: String,
    expires_at: SystemTime,
}

#[derive(Default)]
struct Tokens {
    access: HashMap<String, Access>,
    refresh: HashMap<String, String>,
}

/// Users and their tokens. Safe to share between connections.
pub(crate) struct Directory {
    users: Vec<User>,
    ttl: Duration,
    tokens: Mutex<Tokens>,
}

fn random_token(prefix: &str) -> String {
    let mut buf = [0u8; 16];
    if getrandom::fill(&mut buf).is_err() {
        // no OS randomness: fall back to the hasher's per-process random keys and the clock
        use std::hash::{BuildHasher, Hasher};
        let state = std::collections::hash_map::RandomState::new();
        for (i, chunk) in buf.chunks_mut(8).enumerate() {
            let mut h = state.build_hasher();
            h.write_usize(i);
            h.write_u128(
                SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_nanos(),
            );
            chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
        }
    }
    let hex: String = buf.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{hex}")
}

impl Directory {
    pub(crate) fn new(users: Vec<User>, ttl: Duration) -> Directory {
        Directory {
            users,
            ttl,
            tokens: Mutex::new(Tokens::default()),
        }
    }

    fn tokens(&self) -> std::sync::MutexGuard<'_, Tokens> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn users(&self) -> &[User] {
        &self.users
    }

    /// Every org with a user, once each.
    pub(crate) fn orgs(&self) -> Vec<String> {
        let mut orgs: Vec<String> = self.users.iter().map(|u| u.org_id.clone()).collect();
        orgs.sort();
        orgs.dedup();
        orgs
    }

    pub(crate) fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    /// A user of `org_id`, or `None` (also for users of other orgs).
    pub(crate) fn member(&self, org_id: &str, id: &str) -> Option<&User> {
        self.user(id).filter(|u| u.org_id == org_id)
    }

    /// Issues a new access token for `user_id`.
    pub(crate) fn issue_access(&self, user_id: &str) -> (String, SystemTime) {
        self.register_access(random_token("at_"), user_id)
    }

    /// Registers a chosen access token (the fixed seeded credentials of conformance runs).
    pub(crate) fn register_access(&self, token: String, user_id: &str) -> (String, SystemTime) {
        let expires_at = SystemTime::now() + self.ttl;
        self.tokens().access.insert(
            token.clone(),
            Access {
                user_id: user_id.to_owned(),
                expires_at,
            },
        );
        (token, expires_at)
    }

    /// Issues a new refresh token for `user_id`.
    pub(crate) fn issue_refresh(&self, user_id: &str) -> String {
        self.register_refresh(random_token("rt_"), user_id)
    }

    /// Registers a chosen refresh token.
    pub(crate) fn register_refresh(&self, token: String, user_id: &str) -> String {
        self.tokens()
            .refresh
            .insert(token.clone(), user_id.to_owned());
        token
    }

    pub(crate) fn check(&self, token: &str) -> TokenCheck {
        let (user_id, expires_at) = {
            let tokens = self.tokens();
            match tokens.access.get(token) {
                Some(a) => (a.user_id.clone(), a.expires_at),
                None => return TokenCheck::Unknown,
            }
        };
        if SystemTime::now() >= expires_at {
            return TokenCheck::Expired {
                user_id,
                expired_at: expires_at,
            };
        }
        match self.user(&user_id) {
            Some(user) => TokenCheck::Valid {
                user: user.clone(),
                expires_at,
            },
            None => TokenCheck::Unknown,
        }
    }

    /// `auth.refresh`: a fresh access token for the refresh token's user. The refresh token
    /// stays valid.
    pub(crate) fn refresh(&self, refresh_token: &str) -> Result<TokenPair, ApiError> {
        let user_id = self.tokens().refresh.get(refresh_token).cloned();
        let Some(user_id) = user_id else {
            return Err(ApiError::unauthorized(
                "the refresh token is not valid; log in again",
            ));
        };
        let (access_token, expires_at) = self.issue_access(&user_id);
        Ok(TokenPair {
            access_token,
            refresh_token: refresh_token.to_owned(),
            expires_at: clock::rfc3339(expires_at),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(ttl: Duration) -> Directory {
        Directory::new(
            vec![User {
                id: "usr_a".into(),
                org_id: "org_a".into(),
                name: "A".into(),
                role: Role::Admin,
            }],
            ttl,
        )
    }

    #[test]
    fn tokens_are_valid_then_expire() {
        let d = dir(Duration::from_secs(60));
        let (t, _) = d.issue_access("usr_a");
        assert!(t.starts_with("at_") && t.len() == 35);
        assert!(matches!(d.check(&t), TokenCheck::Valid { .. }));
        assert_eq!(d.check("at_nope"), TokenCheck::Unknown);
        let d = dir(Duration::ZERO);
        let (t, _) = d.issue_access("usr_a");
        assert!(matches!(d.check(&t), TokenCheck::Expired { .. }));
    }

    #[test]
    fn refresh_issues_a_new_access_token() {
        let d = dir(Duration::from_secs(60));
        let r = d.issue_refresh("usr_a");
        let pair = d.refresh(&r).map_err(|e| e.to_string());
        let pair = pair.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pair.refresh_token, r);
        assert!(matches!(
            d.check(&pair.access_token),
            TokenCheck::Valid { .. }
        ));
        assert_eq!(
            d.refresh("rt_x").err().map(|e| e.code),
            Some("unauthorized")
        );
    }
}
