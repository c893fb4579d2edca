//! Recordings carry named placeholders (`$credential:usr_alice`), never secrets; a replay fills
//! them from its own credentials (`--credential usr_alice=TOKEN`, or a JSON file of them).

use std::collections::HashMap;

use serde_json::Value;

use crate::Error;

const PREFIX: &str = "$credential:";

#[derive(Debug, Clone, Default)]
pub struct Credentials {
    secrets: HashMap<String, String>,
}

impl Credentials {
    pub fn new() -> Credentials {
        Credentials::default()
    }

    pub fn insert(&mut self, name: impl Into<String>, secret: impl Into<String>) {
        self.secrets.insert(name.into(), secret.into());
    }

    /// `NAME=SECRET`.
    pub fn parse_pair(&mut self, pair: &str) -> Result<(), Error> {
        let (name, secret) = pair.split_once('=').ok_or_else(|| Error::CredentialPair {
            pair: pair.to_owned(),
        })?;
        self.insert(name, secret);
        Ok(())
    }

    /// A JSON object of name → secret.
    pub fn from_json(text: &str) -> Result<Credentials, Error> {
        let map: HashMap<String, String> =
            serde_json::from_str(text).map_err(Error::CredentialsFile)?;
        Ok(Credentials { secrets: map })
    }

    /// The secret a placeholder names; other strings are returned as they are.
    pub fn resolve(&self, text: &str) -> Result<String, Error> {
        match text.strip_prefix(PREFIX) {
            None => Ok(text.to_owned()),
            Some(name) => self
                .secrets
                .get(name)
                .cloned()
                .ok_or_else(|| Error::MissingCredential {
                    name: name.to_owned(),
                }),
        }
    }

    /// Resolves every placeholder string inside a JSON value.
    pub fn resolve_value(&self, value: &mut Value) -> Result<(), Error> {
        match value {
            Value::String(s) if s.starts_with(PREFIX) => {
                *s = self.resolve(s)?;
                Ok(())
            }
            Value::Array(items) => items.iter_mut().try_for_each(|v| self.resolve_value(v)),
            Value::Object(map) => map.values_mut().try_for_each(|v| self.resolve_value(v)),
            _ => Ok(()),
        }
    }
}
