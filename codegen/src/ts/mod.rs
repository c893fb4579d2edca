//! The TypeScript generator: `types.ts` (every type, the action/event maps, the frame unions),
//! `client.ts` (a typed client without dependencies), `index.ts`, and with `zod` `zod.ts`.

mod client;
pub mod types;
mod zod;

use std::collections::{BTreeMap, BTreeSet};

use frameproof_schema::{Contract, Direction, ErrorCodeType, Scope};
use serde_json::{json, Map, Value};

use crate::names::{js_string, pascal, prop_key, Namer};
use crate::schema_util::{direct_refs, pointer_segments, ref_name};
use crate::{GeneratedFile, Int64Mode};
use types::{indent, intersection, is_wide_integer, jsdoc, union, TsTypes, Ty};

/// What `frameproof codegen typescript` produces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TsOptions {
    /// Also emit `zod.ts`: runtime validators beside the types.
    pub zod: bool,
    /// How 64-bit integers are typed (and decoded by the client).
    pub int64: Int64Mode,
}

/// Names every generated module defines itself; a def of the same name is renamed (`Client2`).
const RESERVED: &[&str] = &[
    "Actions",
    "ActionName",
    "WebSocketActionName",
    "RestActionName",
    "ActionPayload",
    "ActionResponse",
    "ActionErrorCode",
    "ActionEmits",
    "Events",
    "Topic",
    "EventName",
    "EventData",
    "EventFrame",
    "EventFrames",
    "ErrorCode",
    "AnyActionErrorCode",
    "ErrorBody",
    "ERROR_STATUS",
    "CONTRACT",
    "RequestId",
    "RequestFrame",
    "OkResponseFrame",
    "ErrorResponseFrame",
    "ResponseFrame",
    "ClientControlFrame",
    "ServerControlFrame",
    "ClientFrame",
    "ServerFrame",
    "Client",
    "ClientOptions",
    "createClient",
    "ClientCore",
    "PROTOCOL",
    "ActionError",
    "RequestResult",
    "isActionError",
    "AnyRequestErrorCode",
    "EventHandler",
    "FrameproofError",
    "ConnectionState",
    "Transport",
    "TransportErrorCode",
    "WebSocketLike",
    "WebSocketConstructorLike",
    "RestInit",
    "RestResponseLike",
    "FetchLike",
    "ReconnectOptions",
    "HeartbeatOptions",
    "CoreOptions",
    "RequestOptions",
    "Codec",
    "ProtocolRoute",
    "ProtocolAction",
    "ProtocolControl",
    "Protocol",
    "RawInt",
    "ActionSchemas",
    "EventSchemas",
    "z",
];

/// Names of everything generated for one contract.
pub(crate) struct Names {
    /// def → TypeScript type name
    pub defs: BTreeMap<String, String>,
    /// action → (Payload, Response, ErrorCode) alias names
    pub actions: BTreeMap<String, (String, String, String)>,
    /// event → data alias name
    pub events: BTreeMap<String, String>,
    /// control kind + direction → frame type name
    pub controls: Vec<String>,
}

impl Names {
    fn new(contract: &Contract) -> Names {
        let mut namer = Namer::new();
        for r in RESERVED {
            namer.reserve(r);
        }
        let defs = contract
            .defs
            .keys()
            .map(|k| (k.clone(), namer.claim(k)))
            .collect();
        let actions = contract
            .actions
            .keys()
            .map(|a| {
                let p = pascal(a);
                (
                    a.clone(),
                    (
                        namer.claim(&format!("{p}Payload")),
                        namer.claim(&format!("{p}Response")),
                        namer.claim(&format!("{p}ErrorCode")),
                    ),
                )
            })
            .collect();
        let events = contract
            .events
            .keys()
            .map(|e| (e.clone(), namer.claim(&format!("{}Data", pascal(e)))))
            .collect();
        let controls = contract
            .envelope
            .control
            .iter()
            .map(|c| {
                let kind = c.kind.as_str().to_owned();
                namer.claim(&format!("{}Frame", pascal(&kind)))
            })
            .collect();
        Names {
            defs,
            actions,
            events,
            controls,
        }
    }
}

/// Generates the TypeScript files for a contract.
pub fn generate(contract: &Contract, options: &TsOptions) -> Vec<GeneratedFile> {
    let names = Names::new(contract);
    let mut files = vec![
        GeneratedFile {
            path: "types.ts".into(),
            contents: types_file(contract, &names, options),
        },
        GeneratedFile {
            path: "client.ts".into(),
            contents: client::client_file(contract, options),
        },
    ];
    if options.zod {
        files.push(GeneratedFile {
            path: "zod.ts".into(),
            contents: zod_file(contract, &names, options),
        });
    }
    let mut index = header(contract);
    index.push_str("export * from \"./types.js\";\nexport * from \"./client.js\";\n");
    if options.zod {
        index.push_str(
            "// validators (need the `zod` package, 4.3 or newer): import from \"./zod.js\"\n",
        );
    }
    files.push(GeneratedFile {
        path: "index.ts".into(),
        contents: index,
    });
    for f in &mut files {
        f.contents = tidy(&f.contents);
    }
    files
}

pub(crate) fn header(contract: &Contract) -> String {
    let fingerprint = if contract.fingerprint.is_empty() {
        String::new()
    } else {
        format!(" ({})", contract.fingerprint)
    };
    format!(
        "// Generated by frameproof-codegen from the contract `{}` {}{}.\n// Do not edit: regenerate with `frameproof codegen typescript`.\n\n",
        contract.name.replace('\n', " "),
        contract.version.replace('\n', " "),
        fingerprint
    )
}

fn since_lines(since: &str, deprecated: Option<&frameproof_schema::Deprecation>) -> Vec<String> {
    let mut lines = vec![format!("@since {since}")];
    if let Some(d) = deprecated {
        let mut text = String::from("@deprecated");
        if let Some(s) = &d.since {
            text.push_str(&format!(" since {s}"));
        }
        if !d.note.is_empty() {
            text.push_str(&format!(": {}", d.note));
        }
        lines.push(text);
    }
    lines
}

fn literal_union<'a>(items: impl Iterator<Item = &'a String>) -> String {
    union(items.map(|s| Ty::atom(js_string(s))).collect()).text
}

fn types_file(contract: &Contract, names: &Names, options: &TsOptions) -> String {
    let ts = TsTypes {
        defs: &contract.defs,
        names: &names.defs,
        int64: options.int64,
    };
    let mut out = header(contract);
    if !contract.description.is_empty() {
        for line in contract.description.lines() {
            out.push_str(&format!("// {line}\n"));
        }
        out.push('\n');
    }
    write_shared_types(&mut out, contract, names, &ts);
    write_errors(&mut out, contract);
    write_action_types(&mut out, contract, names, &ts);
    write_actions_interface(&mut out, contract, names);
    write_event_types(&mut out, contract, names, &ts);
    write_events_interface(&mut out, contract, names);
    write_topic_type(&mut out, contract);
    write_request_response_frames(&mut out, contract, &ts);
    write_event_frames(&mut out, contract, names, &ts);
    write_control_frames(&mut out, contract, names, &ts);
    out
}

/// The contract's `$defs`, each an interface or a type alias.
fn write_shared_types(out: &mut String, contract: &Contract, names: &Names, ts: &TsTypes<'_>) {
    out.push_str("// ── Shared types (the contract's $defs) ──\n\n");
    for (def, schema) in &contract.defs {
        let name = &names.defs[def];
        out.push_str(&jsdoc(&ts.doc_lines(schema)));
        let t = ts.ty(schema);
        if ts.is_interface(schema) {
            out.push_str(&format!("export interface {name} {}\n\n", t.text));
        } else {
            out.push_str(&format!("export type {name} = {};\n\n", t.text));
        }
    }
}

/// The error codes, their HTTP statuses and the error body.
fn write_errors(out: &mut String, contract: &Contract) {
    out.push_str("// ── Errors ──\n\n");
    out.push_str("/** Every error code of the contract. */\n");
    out.push_str(&format!(
        "export type ErrorCode = {};\n\n",
        literal_union(contract.errors.keys())
    ));
    let any: Vec<&String> = contract
        .errors
        .iter()
        .filter(|(_, e)| e.any_action)
        .map(|(c, _)| c)
        .collect();
    out.push_str("/** Codes any request may receive (protocol-level errors). */\n");
    out.push_str(&format!(
        "export type AnyActionErrorCode = {};\n\n",
        literal_union(any.into_iter())
    ));
    out.push_str(
        "/** The HTTP status of each error code (its meaning over the WebSocket too). */\n",
    );
    out.push_str("export const ERROR_STATUS = {\n");
    for (code, spec) in &contract.errors {
        if !spec.description.is_empty() {
            out.push_str(&indent_doc(&jsdoc(std::slice::from_ref(&spec.description))));
        }
        out.push_str(&format!("  {}: {},\n", prop_key(code), spec.status));
    }
    out.push_str("} as const satisfies Record<ErrorCode, number>;\n\n");
    let env = &contract.envelope;
    // With numeric codes (JSON-RPC) the name is not on the wire, so the parameter goes unused:
    // `_C` keeps `ErrorBody<C>` the same in every envelope without tripping
    // `noUnusedParameters` (tsc exempts names starting with `_`).
    let (param, code_type) = match env.response.error_code_type {
        ErrorCodeType::Name => ("C", "C"),
        ErrorCodeType::Number => ("_C", "number"),
    };
    let mut body = TsFrame::default();
    body.put(&env.response.error_code, code_type, false);
    body.put(&env.response.error_message, "string", false);
    body.put(&env.response.error_details, "unknown", true);
    out.push_str("/** An error as the envelope carries it. */\n");
    out.push_str(&format!(
        "export type ErrorBody<{param} extends ErrorCode = ErrorCode> = {};\n\n",
        body.render()
    ));
}

/// Each action's payload, response and error-code types.
fn write_action_types(out: &mut String, contract: &Contract, names: &Names, ts: &TsTypes<'_>) {
    out.push_str("// ── Actions ──\n\n");
    for (action, spec) in &contract.actions {
        let (p, r, e) = &names.actions[action];
        let mut doc = Vec::new();
        if !spec.description.is_empty() {
            doc.push(spec.description.clone());
        }
        doc.extend(since_lines(&spec.since, spec.deprecated.as_ref()));
        let mut pdoc = vec![format!("The payload of `{action}`.")];
        pdoc.extend(doc.clone());
        out.push_str(&jsdoc(&pdoc));
        out.push_str(&format!(
            "export type {p} = {};\n",
            ts.ty(&spec.payload).text
        ));
        out.push_str(&jsdoc(&[format!("The response of `{action}`.")]));
        out.push_str(&format!(
            "export type {r} = {};\n",
            ts.ty(&spec.response).text
        ));
        out.push_str(&jsdoc(&[format!("The error codes `{action}` may answer.")]));
        let own: Vec<String> = spec.errors.iter().map(|c| js_string(c)).collect();
        let mut parts = own;
        parts.push("AnyActionErrorCode".into());
        out.push_str(&format!("export type {e} = {};\n\n", parts.join(" | ")));
    }
}

/// The `Actions` map, and the helper types that index it.
fn write_actions_interface(out: &mut String, contract: &Contract, names: &Names) {
    out.push_str(
        "/** Every action: its payload, response, error codes, emitted events and transports. */\n",
    );
    out.push_str("export interface Actions {\n");
    for (action, spec) in &contract.actions {
        let (p, r, e) = &names.actions[action];
        let mut doc = Vec::new();
        if !spec.description.is_empty() {
            doc.push(spec.description.clone());
        }
        let mut served = Vec::new();
        if spec.websocket {
            served.push("WebSocket".to_owned());
        }
        if let Some(rest) = &spec.rest {
            served.push(format!("`{} {}`", rest.method.as_str(), rest.path));
        }
        doc.push(format!("Served over: {}.", served.join(", ")));
        if !spec.emits.is_empty() {
            doc.push(format!(
                "Emits: {}.",
                spec.emits
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        doc.extend(since_lines(&spec.since, spec.deprecated.as_ref()));
        out.push_str(&indent_doc(&jsdoc(&doc)));
        let emits = if spec.emits.is_empty() {
            "never".to_owned()
        } else {
            literal_union(spec.emits.iter())
        };
        out.push_str(&format!(
            "  {}: {{\n    payload: {p};\n    response: {r};\n    errors: {e};\n    emits: {emits};\n    websocket: {};\n    rest: {};\n  }};\n",
            js_string(action),
            spec.websocket,
            spec.rest.is_some()
        ));
    }
    out.push_str("}\n\n");
    out.push_str(
        "export type ActionName = keyof Actions;\n\
         /** Actions served over the WebSocket. */\n\
         export type WebSocketActionName = { [K in ActionName]: Actions[K][\"websocket\"] extends true ? K : never }[ActionName];\n\
         /** Actions served over REST. */\n\
         export type RestActionName = { [K in ActionName]: Actions[K][\"rest\"] extends true ? K : never }[ActionName];\n\
         export type ActionPayload<A extends ActionName> = Actions[A][\"payload\"];\n\
         export type ActionResponse<A extends ActionName> = Actions[A][\"response\"];\n\
         export type ActionErrorCode<A extends ActionName> = Actions[A][\"errors\"];\n\
         export type ActionEmits<A extends ActionName> = Actions[A][\"emits\"];\n\n",
    );
}

/// Each event's data type.
fn write_event_types(out: &mut String, contract: &Contract, names: &Names, ts: &TsTypes<'_>) {
    out.push_str("// ── Events ──\n\n");
    for (event, spec) in &contract.events {
        let name = &names.events[event];
        let mut doc = vec![format!("The data of `{event}`.")];
        if !spec.description.is_empty() {
            doc.push(spec.description.clone());
        }
        doc.push(scope_text(&spec.scope));
        doc.extend(since_lines(&spec.since, spec.deprecated.as_ref()));
        out.push_str(&jsdoc(&doc));
        out.push_str(&format!(
            "export type {name} = {};\n\n",
            ts.ty(&spec.data).text
        ));
    }
}

/// The `Events` map.
fn write_events_interface(out: &mut String, contract: &Contract, names: &Names) {
    out.push_str("/** Every event name → its data. */\n");
    out.push_str("export interface Events {\n");
    for (event, spec) in &contract.events {
        let mut doc = Vec::new();
        if !spec.description.is_empty() {
            doc.push(spec.description.clone());
        }
        doc.push(scope_text(&spec.scope));
        doc.extend(since_lines(&spec.since, spec.deprecated.as_ref()));
        out.push_str(&indent_doc(&jsdoc(&doc)));
        out.push_str(&format!(
            "  {}: {};\n",
            prop_key(event),
            names.events[event]
        ));
    }
    out.push_str("}\n\n");
    out.push_str(
        "export type EventName = keyof Events;\nexport type EventData<E extends EventName> = Events[E];\n\n",
    );
}

/// `Topic`: what a client may subscribe to, from the topic events' patterns.
fn write_topic_type(out: &mut String, contract: &Contract) {
    let mut topics: Vec<String> = Vec::new();
    for spec in contract.events.values() {
        if let Scope::Topic { pattern } = &spec.scope {
            let t = topic_type(pattern);
            if !topics.contains(&t) {
                topics.push(t);
            }
        }
    }
    out.push_str("/** A topic a client may subscribe to (the topic events' patterns). */\n");
    out.push_str(&format!(
        "export type Topic = {};\n\n",
        if topics.is_empty() {
            "string".to_owned()
        } else {
            topics.join(" | ")
        }
    ));
}

/// The request and response frames, as the envelope shapes them.
fn write_request_response_frames(out: &mut String, contract: &Contract, ts: &TsTypes<'_>) {
    let env = &contract.envelope;
    out.push_str(&format!(
        "// ── Frames (envelope profile `{}`) ──\n\n",
        env.profile
    ));
    out.push_str("/** A request's correlation id. */\n");
    out.push_str(&format!(
        "export type RequestId = {};\n\n",
        ts.ty(&env.request.id_schema).text
    ));
    let mut req = TsFrame::default();
    req.put(&env.request.id, "RequestId", false);
    req.put(&env.request.action, "K", false);
    req.put(&env.request.payload, "ActionPayload<K>", false);
    for (p, v) in &env.request.constants {
        req.put(p, &types::literal(v), false);
    }
    out.push_str("/** A request frame (client → server). */\n");
    out.push_str(&format!(
        "export type RequestFrame<A extends WebSocketActionName = WebSocketActionName> = {{\n  [K in A]: {};\n}}[A];\n\n",
        indent(&req.render())
    ));
    let mut ok = TsFrame::default();
    ok.put(&env.response.id, "RequestId", false);
    if let Some(s) = &env.response.status {
        ok.put(&s.pointer, &types::literal(&s.ok), false);
    }
    ok.put(&env.response.data, "ActionResponse<K>", false);
    for (p, v) in &env.response.constants {
        ok.put(p, &types::literal(v), false);
    }
    out.push_str("/** An ok response frame (server → client). */\n");
    out.push_str(&format!(
        "export type OkResponseFrame<A extends WebSocketActionName = WebSocketActionName> = {{\n  [K in A]: {};\n}}[A];\n\n",
        indent(&ok.render())
    ));
    let mut err = TsFrame::default();
    err.put(&env.response.id, "RequestId | null", false);
    if let Some(s) = &env.response.status {
        err.put(&s.pointer, &types::literal(&s.error), false);
    }
    err.put(&env.response.error, "ErrorBody<C>", false);
    for (p, v) in &env.response.constants {
        err.put(p, &types::literal(v), false);
    }
    out.push_str(
        "/** An error response frame; `id` is null when the request could not be read. */\n",
    );
    out.push_str(&format!(
        "export type ErrorResponseFrame<C extends ErrorCode = ErrorCode> = {};\n\n",
        err.render()
    ));
    out.push_str("export type ResponseFrame = OkResponseFrame | ErrorResponseFrame;\n\n");
}

/// Every event's whole frame, with the members its scope adds.
fn write_event_frames(out: &mut String, contract: &Contract, names: &Names, ts: &TsTypes<'_>) {
    let env = &contract.envelope;
    out.push_str("/** Every event's whole frame. */\n");
    out.push_str("export interface EventFrames {\n");
    for (event, spec) in &contract.events {
        let mut f = TsFrame::default();
        f.put(&env.event.name, &js_string(event), false);
        f.put(&env.event.data, &names.events[event], false);
        match &spec.scope {
            Scope::Tenant => {
                if let Some(p) = &env.event.tenant {
                    f.put(p, "string", false);
                }
            }
            Scope::Topic { pattern } => {
                if let Some(p) = &env.event.topic {
                    f.put(p, &topic_type(pattern), false);
                }
            }
            Scope::Connection | Scope::Subscription { .. } => {}
        }
        for (p, s) in &env.event.optional {
            f.put(p, &ts.ty(s).text, true);
        }
        for (p, v) in &env.event.constants {
            f.put(p, &types::literal(v), false);
        }
        out.push_str(&format!(
            "  {}: {};\n",
            prop_key(event),
            indent(&f.render())
        ));
    }
    out.push_str("}\n");
    out.push_str("export type EventFrame<E extends EventName = EventName> = EventFrames[E];\n\n");
}

/// The control frames, and the unions of every frame each side sends.
fn write_control_frames(out: &mut String, contract: &Contract, names: &Names, ts: &TsTypes<'_>) {
    let env = &contract.envelope;
    let mut client_controls = Vec::new();
    let mut server_controls = Vec::new();
    for (control, name) in env.control.iter().zip(&names.controls) {
        let dir = match control.direction {
            Direction::Client => {
                client_controls.push(name.clone());
                "client → server"
            }
            Direction::Server => {
                server_controls.push(name.clone());
                "server → client"
            }
        };
        out.push_str(&jsdoc(&[format!("A control frame ({dir}).")]));
        let t = ts.ty(&control.schema);
        if ts.is_interface(&control.schema) {
            out.push_str(&format!("export interface {name} {}\n\n", t.text));
        } else {
            out.push_str(&format!("export type {name} = {};\n\n", t.text));
        }
    }
    let or_never = |v: &[String]| {
        if v.is_empty() {
            "never".to_owned()
        } else {
            v.join(" | ")
        }
    };
    out.push_str(&format!(
        "export type ClientControlFrame = {};\nexport type ServerControlFrame = {};\n",
        or_never(&client_controls),
        or_never(&server_controls)
    ));
    out.push_str("/** Any frame a client sends. */\nexport type ClientFrame = RequestFrame | ClientControlFrame;\n");
    out.push_str(
        "/** Any frame a server sends. */\nexport type ServerFrame = ResponseFrame | EventFrame | ServerControlFrame;\n",
    );
}

/// `task:{task_id}` → `` `task:${string}` ``.
fn topic_type(pattern: &str) -> String {
    let body: String = crate::schema_util::template_parts(pattern)
        .iter()
        .map(|part| match part {
            frameproof_schema::TemplatePart::Literal(text) => escape_template(text),
            frameproof_schema::TemplatePart::Param(_) => "${string}".to_owned(),
        })
        .collect();
    format!("`{body}`")
}

fn escape_template(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('`', "\\`")
        .replace("${", "\\${")
}

/// Removes trailing whitespace from every line.
pub(crate) fn tidy(text: &str) -> String {
    let mut out: String = text
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

fn scope_text(scope: &Scope) -> String {
    match scope {
        Scope::Tenant => "Scope: tenant (every connection of the organisation).".into(),
        Scope::Topic { pattern } => {
            format!("Scope: topic `{pattern}` (subscribers of a matching topic).")
        }
        Scope::Connection => "Scope: connection (only the connection concerned).".into(),
        Scope::Subscription { id } => format!(
            "Scope: subscription (the connection that opened the subscription whose id is at `{id}`)."
        ),
    }
}

fn indent_doc(doc: &str) -> String {
    doc.lines().map(|l| format!("  {l}\n")).collect()
}

/// A TypeScript object type built from members at JSON pointers (the envelope layout).
#[derive(Default)]
struct TsFrame {
    members: Vec<(String, TsNode)>,
    whole: Vec<String>,
}

enum TsNode {
    Leaf { ty: String, optional: bool },
    Object(TsFrame),
}

impl TsFrame {
    fn put(&mut self, pointer: &str, ty: &str, optional: bool) {
        let segs = pointer_segments(pointer);
        self.put_segments(&segs, ty, optional);
    }

    fn put_segments(&mut self, segs: &[String], ty: &str, optional: bool) {
        let Some((first, rest)) = segs.split_first() else {
            self.whole.push(ty.to_owned());
            return;
        };
        if rest.is_empty() {
            self.members.retain(|(k, _)| k != first);
            self.members.push((
                first.clone(),
                TsNode::Leaf {
                    ty: ty.to_owned(),
                    optional,
                },
            ));
            return;
        }
        let pos = self.members.iter().position(|(k, _)| k == first);
        let idx = match pos {
            Some(i) => i,
            None => {
                self.members
                    .push((first.clone(), TsNode::Object(TsFrame::default())));
                self.members.len() - 1
            }
        };
        if let Some((_, node)) = self.members.get_mut(idx) {
            if let TsNode::Leaf { .. } = node {
                *node = TsNode::Object(TsFrame::default());
            }
            if let TsNode::Object(inner) = node {
                inner.put_segments(rest, ty, optional);
            }
        }
    }

    fn render(&self) -> String {
        let mut parts: Vec<Ty> = self.whole.iter().map(|w| Ty::atom(w.clone())).collect();
        if !self.members.is_empty() || parts.is_empty() {
            let mut s = String::from("{\n");
            for (k, node) in &self.members {
                match node {
                    TsNode::Leaf { ty, optional } => s.push_str(&format!(
                        "  {}{}: {};\n",
                        prop_key(k),
                        if *optional { "?" } else { "" },
                        indent(ty)
                    )),
                    TsNode::Object(inner) => s.push_str(&format!(
                        "  {}: {};\n",
                        prop_key(k),
                        indent(&inner.render())
                    )),
                }
            }
            s.push('}');
            parts.push(Ty::atom(s));
        }
        intersection(parts).text
    }
}

fn zod_file(contract: &Contract, names: &Names, options: &TsOptions) -> String {
    let schema_names: BTreeMap<String, String> = names
        .defs
        .iter()
        .map(|(def, ty)| (def.clone(), format!("{ty}Schema")))
        .collect();
    let z = zod::Zod {
        names: &schema_names,
        int64: options.int64,
    };
    let mut out = header(contract);
    out.push_str("import { z } from \"zod\";\nimport type * as T from \"./types.js\";\n\n");
    out.push_str(
        "// Each validator is annotated with its type: the compiler proves that they agree. An optional\n// member is `.exactOptional()` (zod 4.3 or newer): absent or a value, never `undefined`, as\n// types.ts says with or without `exactOptionalPropertyTypes`.\n\n",
    );
    for (def, schema) in &contract.defs {
        out.push_str(&format!(
            "export const {}: z.ZodType<T.{}> = {};\n\n",
            schema_names[def],
            names.defs[def],
            z.expr(schema)
        ));
    }
    out.push_str("/** Validators of every action's payload and response. */\nexport const ActionSchemas = {\n");
    for (action, spec) in &contract.actions {
        let (p, r, _) = &names.actions[action];
        out.push_str(&format!(
            "  {}: {{\n    payload: {} as z.ZodType<T.{p}>,\n    response: {} as z.ZodType<T.{r}>,\n  }},\n",
            js_string(action),
            indent(&indent(&z.expr(&spec.payload))),
            indent(&indent(&z.expr(&spec.response)))
        ));
    }
    out.push_str("} as const;\n\n");
    out.push_str("/** Validators of every event's data. */\nexport const EventSchemas = {\n");
    for (event, spec) in &contract.events {
        out.push_str(&format!(
            "  {}: {} as z.ZodType<T.{}>,\n",
            js_string(event),
            indent(&z.expr(&spec.data)),
            names.events[event]
        ));
    }
    out.push_str("} as const;\n");
    out
}

/// Where int64 values sit in each message, for the client's lossless decoding; `0` where none.
pub(crate) struct Codecs<'a> {
    defs: &'a BTreeMap<String, Value>,
    wide: BTreeSet<String>,
}

impl<'a> Codecs<'a> {
    pub(crate) fn new(contract: &'a Contract) -> Codecs<'a> {
        let defs = &contract.defs;
        let mut wide: BTreeSet<String> = defs
            .iter()
            .filter(|(_, s)| has_wide_directly(s))
            .map(|(k, _)| k.clone())
            .collect();
        loop {
            let before = wide.len();
            for (k, s) in defs {
                if wide.contains(k) {
                    continue;
                }
                let mut refs = Vec::new();
                direct_refs(s, &mut refs);
                if refs.iter().any(|r| wide.contains(r)) {
                    wide.insert(k.clone());
                }
            }
            if wide.len() == before {
                break;
            }
        }
        Codecs { defs, wide }
    }

    pub(crate) fn defs(&self) -> Map<String, Value> {
        self.defs
            .iter()
            .filter(|(k, _)| self.wide.contains(*k))
            .map(|(k, s)| (k.clone(), self.codec(s)))
            .collect()
    }

    pub(crate) fn codec(&self, schema: &Value) -> Value {
        let Some(obj) = schema.as_object() else {
            return json!(0);
        };
        let mut parts: Vec<Value> = Vec::new();
        if let Some(n) = obj.get("$ref").and_then(Value::as_str).and_then(ref_name) {
            if self.wide.contains(&n) {
                parts.push(json!({ "d": n }));
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(Value::Array(bs)) = obj.get(key) {
                for b in bs {
                    let c = self.codec(b);
                    if c != json!(0) {
                        parts.push(c);
                    }
                }
            }
        }
        let types: Vec<&str> = match obj.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if types.contains(&"integer") && is_wide_integer(obj) {
            parts.push(json!("i"));
        }
        let mut p = Map::new();
        if let Some(Value::Object(props)) = obj.get("properties") {
            for (k, s) in props {
                let c = self.codec(s);
                if c != json!(0) {
                    p.insert(k.clone(), c);
                }
            }
        }
        let m = obj
            .get("additionalProperties")
            .map(|a| self.codec(a))
            .filter(|c| c != &json!(0));
        if !p.is_empty() || m.is_some() {
            let mut o = Map::new();
            if !p.is_empty() {
                o.insert("p".into(), Value::Object(p));
            }
            if let Some(m) = m {
                o.insert("m".into(), m);
            }
            parts.push(Value::Object(o));
        }
        if let Some(Value::Array(prefix)) = obj.get("prefixItems") {
            let t: Vec<Value> = prefix.iter().map(|s| self.codec(s)).collect();
            let r = obj
                .get("items")
                .map(|i| self.codec(i))
                .filter(|c| c != &json!(0));
            if t.iter().any(|c| c != &json!(0)) || r.is_some() {
                let mut o = Map::new();
                o.insert("t".into(), Value::Array(t));
                if let Some(r) = r {
                    o.insert("r".into(), r);
                }
                parts.push(Value::Object(o));
            }
        } else if let Some(items) = obj.get("items") {
            let c = self.codec(items);
            if c != json!(0) {
                parts.push(json!({ "a": c }));
            }
        }
        match parts.len() {
            0 => json!(0),
            1 => parts.remove(0),
            _ => json!({ "u": parts }),
        }
    }
}

fn has_wide_directly(schema: &Value) -> bool {
    match schema {
        Value::Object(obj) => {
            let integer = match obj.get("type") {
                Some(Value::String(t)) => t == "integer",
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
                _ => false,
            };
            (integer && is_wide_integer(obj)) || obj.values().any(has_wide_directly)
        }
        Value::Array(items) => items.iter().any(has_wide_directly),
        _ => false,
    }
}

/// The payload field that carries the refresh token, and the response's token fields.
pub(crate) fn refresh_fields(
    contract: &Contract,
) -> (Option<String>, Option<String>, Option<String>) {
    let Some(spec) = contract
        .transport
        .auth
        .refresh_action
        .as_ref()
        .and_then(|a| contract.actions.get(a))
    else {
        return (None, None, None);
    };
    let pick = |schema: &Value, exact: &str, contains: &str| -> Option<String> {
        let fields = crate::schema_util::object_fields(schema, &contract.defs)?;
        if let Some(f) = fields.iter().find(|f| f.name == exact) {
            return Some(f.name.clone());
        }
        if let Some(f) = fields
            .iter()
            .find(|f| f.name.to_ascii_lowercase().contains(contains))
        {
            return Some(f.name.clone());
        }
        None
    };
    let payload = pick(&spec.payload, "refresh_token", "refresh").or_else(|| {
        let fields = crate::schema_util::object_fields(&spec.payload, &contract.defs)?;
        (fields.len() == 1).then(|| fields[0].name.clone())
    });
    let access = pick(&spec.response, "access_token", "access")
        .or_else(|| pick(&spec.response, "token", "token"));
    let refresh = pick(&spec.response, "refresh_token", "refresh");
    (payload, access, refresh)
}
