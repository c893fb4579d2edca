//! The error catalogue: codes, their HTTP statuses, numeric codes and reach.

use super::*;

impl<'a> Differ<'a> {
    fn numeric_codes(&self) -> bool {
        self.old.envelope.response.error_code_type == ErrorCodeType::Number
            || self.new.envelope.response.error_code_type == ErrorCodeType::Number
    }

    pub(super) fn errors(&mut self) {
        let (o, n) = (&self.old.errors, &self.new.errors);
        let codes: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
        for code in codes {
            let at = p("/errors", code);
            match (o.get(code), n.get(code)) {
                (Some(_), None) => self.push(
                    RuleId::ErrorRemoved,
                    at,
                    "/errors",
                    format!("the error code `{code}` was removed"),
                ),
                (None, Some(spec)) => {
                    let (rule, message) = if spec.any_action {
                        (
                            RuleId::ErrorAddedAnyAction,
                            format!("the new error code `{code}` may answer any action"),
                        )
                    } else {
                        (
                            RuleId::ErrorAdded,
                            format!("a new error code `{code}` ({})", spec.status),
                        )
                    };
                    self.push(rule, "/errors", at, message);
                }
                (Some(a), Some(b)) => {
                    if a.status != b.status {
                        self.push(
                            RuleId::ErrorStatusChanged,
                            p(&at, "status"),
                            p(&at, "status"),
                            format!("the error `{code}` was HTTP {}, now {}", a.status, b.status),
                        );
                    }
                    if a.rpc_code != b.rpc_code {
                        let rule = if self.numeric_codes() {
                            RuleId::ErrorRpcCodeChanged
                        } else {
                            RuleId::MetadataChanged
                        };
                        let show =
                            |c: Option<i64>| c.map(|c| c.to_string()).unwrap_or("none".into());
                        self.push(
                            rule,
                            p(&at, "rpc_code"),
                            p(&at, "rpc_code"),
                            format!(
                                "the error `{code}`'s numeric code was {}, now {}",
                                show(a.rpc_code),
                                show(b.rpc_code)
                            ),
                        );
                    }
                    if a.any_action != b.any_action {
                        let (rule, message) = if b.any_action {
                            (
                                RuleId::ErrorAnyActionAdded,
                                format!("the error `{code}` may now answer any action"),
                            )
                        } else {
                            (
                                RuleId::ErrorAnyActionRemoved,
                                format!("the error `{code}` now answers only the actions that declare it"),
                            )
                        };
                        self.push(rule, p(&at, "any_action"), p(&at, "any_action"), message);
                    }
                    if a.description != b.description {
                        self.push(
                            RuleId::DescriptionChanged,
                            p(&at, "description"),
                            p(&at, "description"),
                            format!("the error `{code}`'s description changed"),
                        );
                    }
                }
                (None, None) => {}
            }
        }
    }
}
