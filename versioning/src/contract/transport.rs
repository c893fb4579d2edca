//! The transport: the WebSocket endpoint, its subprotocols and frame size limit, the REST base
//! path, the heartbeat; then the auth settings (the `auth` module).

use super::*;

impl<'a> Differ<'a> {
    pub(super) fn transport(&mut self) {
        let (o, n) = (&self.old.transport, &self.new.transport);
        if o.websocket.path != n.websocket.path {
            self.push(
                RuleId::WebsocketPathChanged,
                "/transport/websocket/path",
                "/transport/websocket/path",
                format!(
                    "the WebSocket endpoint moved from `{}` to `{}`",
                    o.websocket.path, n.websocket.path
                ),
            );
        }
        let sp = "/transport/websocket/subprotocols";
        for (i, s) in o.websocket.subprotocols.iter().enumerate() {
            if !n.websocket.subprotocols.contains(s) {
                self.push(
                    RuleId::SubprotocolRemoved,
                    format!("{sp}/{i}"),
                    sp,
                    format!("the subprotocol `{s}` is no longer accepted"),
                );
            }
        }
        for (i, s) in n.websocket.subprotocols.iter().enumerate() {
            if !o.websocket.subprotocols.contains(s) {
                self.push(
                    RuleId::SubprotocolAdded,
                    sp,
                    format!("{sp}/{i}"),
                    format!("the subprotocol `{s}` is accepted"),
                );
            }
        }
        let common = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|s| b.contains(s)).cloned().collect()
        };
        if common(&o.websocket.subprotocols, &n.websocket.subprotocols)
            != common(&n.websocket.subprotocols, &o.websocket.subprotocols)
        {
            self.push(
                RuleId::MetadataChanged,
                sp,
                sp,
                "the subprotocols' order of preference changed".into(),
            );
        }
        let mp = "/transport/websocket/max_frame_bytes";
        let limit = |v: Option<u64>| v.map(|b| format!("{b} bytes")).unwrap_or("no limit".into());
        let (ob, nb) = (o.websocket.max_frame_bytes, n.websocket.max_frame_bytes);
        let lowered = match (ob, nb) {
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (Some(a), Some(b)) if a != b => Some(b < a),
            _ => None,
        };
        if let Some(lowered) = lowered {
            let rule = if lowered {
                RuleId::MaxFrameBytesLowered
            } else {
                RuleId::MaxFrameBytesRaised
            };
            self.push(
                rule,
                mp,
                mp,
                format!(
                    "the largest accepted frame was {}, now {}",
                    limit(ob),
                    limit(nb)
                ),
            );
        }
        if o.rest.base_path != n.rest.base_path {
            self.push(
                RuleId::RestBasePathChanged,
                "/transport/rest/base_path",
                "/transport/rest/base_path",
                format!(
                    "the REST base path moved from `{}` to `{}`",
                    o.rest.base_path, n.rest.base_path
                ),
            );
        }
        self.auth();
        for (field, a, b) in [
            (
                "interval_ms",
                o.heartbeat.interval_ms,
                n.heartbeat.interval_ms,
            ),
            ("timeout_ms", o.heartbeat.timeout_ms, n.heartbeat.timeout_ms),
        ] {
            if a != b {
                let at = format!("/transport/heartbeat/{field}");
                self.push(
                    RuleId::TimingChanged,
                    at.clone(),
                    at,
                    format!("the heartbeat's {field} was {a}, now {b}"),
                );
            }
        }
    }
}
