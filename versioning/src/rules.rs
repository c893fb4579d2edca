//! The rule catalogue: every kind of change frameproof reports, with a stable id, a severity,
//! what it breaks, the bump it needs, the reasoning and a before/after example.
//!
//! The examples are edits of a small example contract ([`crate::catalogue::example_contract`]):
//! each sets (or removes) the member at a pointer in the old and in the new document. The
//! table-driven tests diff every example and `docs/versioning.md` prints them.

use crate::model::{Breaks, Level, Severity};

macro_rules! rule_ids {
    ($($variant:ident => $id:literal,)*) => {
        /// A rule's identity. Its [`RuleId::id`] is stable: ignore files and CI filters use it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId { $($variant,)* }

        impl RuleId {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            /// The stable id, e.g. `response-field-removed`.
            pub fn id(self) -> &'static str {
                match self { $(RuleId::$variant => $id,)* }
            }
        }
    };
}

rule_ids! {
    ActionAdded => "action-added",
    ActionRemoved => "action-removed",
    ActionRemovedAfterDeprecation => "action-removed-after-deprecation",
    ActionWebsocketRemoved => "action-websocket-removed",
    ActionWebsocketAdded => "action-websocket-added",
    RestRouteRemoved => "rest-route-removed",
    RestRouteAdded => "rest-route-added",
    RestRouteChanged => "rest-route-changed",
    RestPathParamRenamed => "rest-path-param-renamed",
    ActionErrorAdded => "action-error-added",
    ActionErrorRemoved => "action-error-removed",
    ActionEmitsChanged => "action-emits-changed",
    EventAdded => "event-added",
    EventRemoved => "event-removed",
    EventRemovedAfterDeprecation => "event-removed-after-deprecation",
    EventScopeChanged => "event-scope-changed",
    EventTopicParamRenamed => "event-topic-param-renamed",
    Deprecated => "deprecated",
    Undeprecated => "undeprecated",
    SinceRaised => "since-raised",
    SinceLowered => "since-lowered",
    ErrorAdded => "error-added",
    ErrorAddedAnyAction => "error-added-any-action",
    ErrorRemoved => "error-removed",
    ErrorStatusChanged => "error-status-changed",
    ErrorRpcCodeChanged => "error-rpc-code-changed",
    ErrorAnyActionAdded => "error-any-action-added",
    ErrorAnyActionRemoved => "error-any-action-removed",
    WebsocketPathChanged => "websocket-path-changed",
    RestBasePathChanged => "rest-base-path-changed",
    SubprotocolRemoved => "subprotocol-removed",
    SubprotocolAdded => "subprotocol-added",
    MaxFrameBytesLowered => "max-frame-bytes-lowered",
    MaxFrameBytesRaised => "max-frame-bytes-raised",
    AuthMethodRemoved => "auth-method-removed",
    AuthMethodAdded => "auth-method-added",
    AuthSettingChanged => "auth-setting-changed",
    TimingChanged => "timing-changed",
    EnvelopeChanged => "envelope-changed",
    ControlFrameRemoved => "control-frame-removed",
    ControlFrameAdded => "control-frame-added",
    DefAdded => "def-added",
    DefRemoved => "def-removed",
    DefRenamed => "def-renamed",
    DefChanged => "def-changed",
    RequestFieldRemoved => "request-field-removed",
    RequestFieldNowIgnored => "request-field-now-ignored",
    RequestFieldAddedRequired => "request-field-added-required",
    RequestFieldAdded => "request-field-added",
    RequestFieldBecameRequired => "request-field-became-required",
    RequestFieldBecameOptional => "request-field-became-optional",
    RequestTypeNarrowed => "request-type-narrowed",
    RequestTypeWidened => "request-type-widened",
    RequestTypeChanged => "request-type-changed",
    RequestEnumValueRemoved => "request-enum-value-removed",
    RequestEnumValueAdded => "request-enum-value-added",
    RequestVariantRemoved => "request-variant-removed",
    RequestVariantAdded => "request-variant-added",
    RequestConstraintNarrowed => "request-constraint-narrowed",
    RequestConstraintWidened => "request-constraint-widened",
    RequestUnknownFieldsRejected => "request-unknown-fields-rejected",
    RequestUnknownFieldsAccepted => "request-unknown-fields-accepted",
    ResponseFieldRemoved => "response-field-removed",
    ResponseOptionalFieldRemoved => "response-optional-field-removed",
    ResponseFieldAdded => "response-field-added",
    ResponseOptionalFieldAdded => "response-optional-field-added",
    ResponseClosedObjectExtended => "response-closed-object-extended",
    ResponseFieldBecameOptional => "response-field-became-optional",
    ResponseFieldBecameRequired => "response-field-became-required",
    ResponseTypeWidened => "response-type-widened",
    ResponseTypeNarrowed => "response-type-narrowed",
    ResponseTypeChanged => "response-type-changed",
    ResponseEnumValueAdded => "response-enum-value-added",
    ResponseEnumValueRemoved => "response-enum-value-removed",
    ResponseVariantAdded => "response-variant-added",
    ResponseVariantRemoved => "response-variant-removed",
    ResponseConstraintWidened => "response-constraint-widened",
    ResponseConstraintNarrowed => "response-constraint-narrowed",
    ResponseUnknownFieldsAllowed => "response-unknown-fields-allowed",
    ResponseUnknownFieldsRejected => "response-unknown-fields-rejected",
    FieldRemovedAfterDeprecation => "field-removed-after-deprecation",
    SchemaKeywordChanged => "schema-keyword-changed",
    DescriptionChanged => "description-changed",
    DefaultChanged => "default-changed",
    MetadataChanged => "metadata-changed",
}

impl RuleId {
    /// The rule's catalogue entry.
    pub fn meta(self) -> &'static Rule {
        RULES
            .iter()
            .find(|r| r.rule == self)
            .unwrap_or(&UNCATALOGUED)
    }

    /// Finds a rule by its id.
    pub fn from_id(id: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|r| r.id() == id)
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// Where a rule belongs in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Actions,
    Events,
    Items,
    Errors,
    Transport,
    Envelope,
    Definitions,
    RequestSchemas,
    ResponseSchemas,
    AnySchema,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::Actions => "Actions and their routes",
            Group::Events => "Events",
            Group::Items => "Actions and events alike",
            Group::Errors => "Errors",
            Group::Transport => "Transport",
            Group::Envelope => "Envelope and control frames",
            Group::Definitions => "Named schemas (`$defs`)",
            Group::RequestSchemas => {
                "Request schemas (payloads, client control frames, the request id)"
            }
            Group::ResponseSchemas => {
                "Response schemas (responses, event data, server control frames)"
            }
            Group::AnySchema => "Any schema",
        }
    }
}

/// One edit of an example: the member at `pointer` in the old document (`before`) and in the
/// new one (`after`), as JSON text; `None` means absent.
#[derive(Debug, Clone, Copy)]
pub struct Edit {
    pub pointer: &'static str,
    pub before: Option<&'static str>,
    pub after: Option<&'static str>,
}

const fn e(
    pointer: &'static str,
    before: Option<&'static str>,
    after: Option<&'static str>,
) -> Edit {
    Edit {
        pointer,
        before,
        after,
    }
}

/// A catalogue entry.
#[derive(Debug)]
pub struct Rule {
    pub rule: RuleId,
    pub severity: Severity,
    /// What a change of this rule breaks; some rules add a side where the change happened
    /// (see `refined`).
    pub breaks: Breaks,
    /// When the sides may grow with the circumstances, how (empty otherwise).
    pub refined: &'static str,
    /// The bump it needs when none of its breaks count (the bump policy may leave sides out):
    /// `minor` for additions, `patch` for the rest. A change that breaks a counted side needs
    /// `major` (`minor` before 1.0.0).
    pub level: Level,
    pub group: Group,
    pub summary: &'static str,
    pub reasoning: &'static str,
    pub example: &'static [Edit],
}

const NONE: Breaks = Breaks::NONE;
const C: Breaks = Breaks::of(true, false, false);
const S: Breaks = Breaks::of(false, true, false);
const G: Breaks = Breaks::of(false, false, true);
const CS: Breaks = Breaks::of(true, true, false);
const CG: Breaks = Breaks::of(true, false, true);
const SG: Breaks = Breaks::of(false, true, true);
const CSG: Breaks = Breaks::of(true, true, true);

static UNCATALOGUED: Rule = Rule {
    rule: RuleId::SchemaKeywordChanged,
    severity: Severity::Error,
    breaks: CSG,
    refined: "",
    level: Level::Major,
    group: Group::AnySchema,
    summary: "(uncatalogued)",
    reasoning: "",
    example: &[],
};

const DELETE_ACTION: &str = r##"{"since": "1.0.0", "payload": {"$ref": "#/$defs/GetItem"}, "response": {"type": "null"}, "errors": ["not_found"], "emits": [], "websocket": true}"##;
const DELETE_ACTION_DEPRECATED: &str = r##"{"since": "1.0.0", "deprecated": {"since": "1.0.0", "note": "use items.archive"}, "payload": {"$ref": "#/$defs/GetItem"}, "response": {"type": "null"}, "errors": ["not_found"], "emits": [], "websocket": true}"##;
const GET_ROUTE: &str = r##"{"method": "GET", "path": "/api/items/{id}", "path_params": ["id"], "query_params": [], "body": false}"##;
const DELETED_EVENT: &str = r##"{"since": "1.0.0", "data": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}, "scope": {"kind": "tenant"}}"##;
const DELETED_EVENT_DEPRECATED: &str = r##"{"since": "1.0.0", "deprecated": {"note": "watch ItemUpdated"}, "data": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}, "scope": {"kind": "tenant"}}"##;
const CONFLICT: &str = r##"{"status": 409, "description": "The item changed meanwhile."}"##;
const PING_PONG: &str = r##"[{"kind": "ping", "direction": "client", "when": {"/type": "ping"}, "schema": {"type": "object", "properties": {"type": {"const": "ping"}}, "required": ["type"]}}, {"kind": "pong", "direction": "server", "when": {"/type": "pong"}, "schema": {"type": "object", "properties": {"type": {"const": "pong"}}, "required": ["type"]}}]"##;
const PING: &str = r##"[{"kind": "ping", "direction": "client", "when": {"/type": "ping"}, "schema": {"type": "object", "properties": {"type": {"const": "ping"}}, "required": ["type"]}}]"##;
const TARGET_FIELD: &str = r##"{"$ref": "#/$defs/Target"}"##;
const TARGET_TWO: &str = r##"{"oneOf": [{"type": "object", "properties": {"kind": {"type": "string", "const": "name"}, "name": {"type": "string"}}, "required": ["kind", "name"]}, {"type": "object", "properties": {"kind": {"type": "string", "const": "tag"}, "tag": {"type": "string"}}, "required": ["kind", "tag"]}]}"##;
const TARGET_ONE: &str = r##"{"oneOf": [{"type": "object", "properties": {"kind": {"type": "string", "const": "name"}, "name": {"type": "string"}}, "required": ["kind", "name"]}]}"##;
const PRICE_FIELD: &str = r##"{"$ref": "#/$defs/Price"}"##;
const PRICE_ONE: &str = r##"{"oneOf": [{"type": "object", "properties": {"kind": {"type": "string", "const": "fixed"}, "cents": {"type": "integer"}}, "required": ["kind", "cents"]}]}"##;
const PRICE_TWO: &str = r##"{"oneOf": [{"type": "object", "properties": {"kind": {"type": "string", "const": "fixed"}, "cents": {"type": "integer"}}, "required": ["kind", "cents"]}, {"type": "object", "properties": {"kind": {"type": "string", "const": "on_request"}}, "required": ["kind"]}]}"##;
const STATUS: &str = r##"{"type": "string", "enum": ["active", "archived"]}"##;
const ITEM_REQUIRED: &str = r##"["id", "name", "status"]"##;

/// The catalogue, grouped; [`RuleId::ALL`] has the same rules.
pub static RULES: &[Rule] = &[
    // ---------------------------------------------------------------- actions
    Rule {
        rule: RuleId::ActionAdded,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::Actions,
        summary: "A new action.",
        reasoning: "Old clients never call it; old servers never see it. An addition: minor.",
        example: &[e("/actions/items.delete", None, Some(DELETE_ACTION))],
    },
    Rule {
        rule: RuleId::ActionRemoved,
        severity: Severity::Error,
        breaks: CSG,
        refined: "",
        level: Level::Patch,
        group: Group::Actions,
        summary: "An action was removed without being deprecated first.",
        reasoning: "Old clients still call it and get `unknown_action`; old servers' traffic holds requests the new contract does not know; the generated client method disappears. Deprecate it for at least one release first (see `action-removed-after-deprecation`).",
        example: &[e("/actions/items.delete", Some(DELETE_ACTION), None)],
    },
    Rule {
        rule: RuleId::ActionRemovedAfterDeprecation,
        severity: Severity::Warning,
        breaks: CSG,
        refined: "",
        level: Level::Patch,
        group: Group::Actions,
        summary: "A deprecated action was removed: a planned removal.",
        reasoning: "Still breaking on every side (old clients that ignored the deprecation fail), so it needs a major bump, but it was announced: a warning, not an error.",
        example: &[e("/actions/items.delete", Some(DELETE_ACTION_DEPRECATED), None)],
    },
    Rule {
        rule: RuleId::ActionWebsocketRemoved,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Actions,
        summary: "An action is no longer served over the WebSocket (REST only now).",
        reasoning: "Old clients that call it over the socket get `unknown_action`; recorded socket traffic using it is no longer valid.",
        example: &[e("/actions/items.get/websocket", Some("true"), Some("false"))],
    },
    Rule {
        rule: RuleId::ActionWebsocketAdded,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::Actions,
        summary: "A REST-only action is now served over the WebSocket too.",
        reasoning: "A new way to call it; nothing that worked stops working.",
        example: &[e("/actions/items.get/websocket", Some("false"), Some("true"))],
    },
    Rule {
        rule: RuleId::RestRouteRemoved,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Actions,
        summary: "An action lost its REST route (WebSocket only now).",
        reasoning: "Old clients that use the REST twin get 404; recorded REST traffic no longer maps to an action.",
        example: &[e("/actions/items.get/rest", Some(GET_ROUTE), None)],
    },
    Rule {
        rule: RuleId::RestRouteAdded,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::Actions,
        summary: "A WebSocket-only action gained a REST route.",
        reasoning: "A new way to call it.",
        example: &[e("/actions/items.get/rest", None, Some(GET_ROUTE))],
    },
    Rule {
        rule: RuleId::RestRouteChanged,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Actions,
        summary: "An action's REST method or path moved.",
        reasoning: "Old clients call the old method and path and get 404 or 405; recorded REST traffic no longer maps to the action. Paths are compared without the REST base path (a moved base path is `rest-base-path-changed`) and with parameters as placeholders (a renamed parameter is `rest-path-param-renamed`).",
        example: &[e("/actions/items.update/rest/method", Some(r#""PATCH""#), Some(r#""PUT""#))],
    },
    Rule {
        rule: RuleId::RestPathParamRenamed,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Patch,
        group: Group::Actions,
        summary: "A REST path parameter was renamed; the path's shape is the same.",
        reasoning: "The URLs clients send do not change (`/api/items/42` either way); the parameter now fills another payload field, which the payload rules report if it matters.",
        example: &[e(
            "/actions/items.get/rest",
            Some(GET_ROUTE),
            Some(r##"{"method": "GET", "path": "/api/items/{item_id}", "path_params": ["item_id"], "query_params": [], "body": false}"##),
        )],
    },
    Rule {
        rule: RuleId::ActionErrorAdded,
        severity: Severity::Error,
        breaks: CG,
        refined: "",
        level: Level::Minor,
        group: Group::Actions,
        summary: "An existing action may return an error code it did not declare.",
        reasoning: "The new server can answer old clients with a code they do not handle; a generated error union gains a member, so exhaustive `switch`es stop compiling. Old servers never send it: no break for them. (A new code that no existing action returns is `error-added`, compatible.)",
        example: &[
            e("/errors/conflict", Some(CONFLICT), Some(CONFLICT)),
            e("/actions/items.update/errors", Some(r#"["not_found"]"#), Some(r#"["not_found", "conflict"]"#)),
        ],
    },
    Rule {
        rule: RuleId::ActionErrorRemoved,
        severity: Severity::Warning,
        breaks: SG,
        refined: "",
        level: Level::Patch,
        group: Group::Actions,
        summary: "An action no longer declares an error code.",
        reasoning: "Old clients handle one case fewer: fine. Old servers still answer with it, which the new contract calls undeclared; comparisons against the removed code in generated TypeScript no longer type-check.",
        example: &[
            e("/errors/conflict", Some(CONFLICT), Some(CONFLICT)),
            e("/actions/items.update/errors", Some(r#"["not_found", "conflict"]"#), Some(r#"["not_found"]"#)),
        ],
    },
    Rule {
        rule: RuleId::ActionEmitsChanged,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Patch,
        group: Group::Actions,
        summary: "The events an action emits changed.",
        reasoning: "Documentation of cause and effect; the events themselves are compared on their own (`event-*`).",
        example: &[e("/actions/items.get/emits", Some("[]"), Some(r#"["ItemUpdated"]"#))],
    },
    // ---------------------------------------------------------------- events
    Rule {
        rule: RuleId::EventAdded,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::Events,
        summary: "A new event.",
        reasoning: "Clients ignore events they do not know (the frameproof profile requires it), and old servers never send it.",
        example: &[e("/events/ItemDeleted", None, Some(DELETED_EVENT))],
    },
    Rule {
        rule: RuleId::EventRemoved,
        severity: Severity::Error,
        breaks: CSG,
        refined: "",
        level: Level::Patch,
        group: Group::Events,
        summary: "An event was removed without being deprecated first.",
        reasoning: "Old clients wait for it in vain; old servers still send it, which the new contract does not know; the generated handler type disappears.",
        example: &[e("/events/ItemDeleted", Some(DELETED_EVENT), None)],
    },
    Rule {
        rule: RuleId::EventRemovedAfterDeprecation,
        severity: Severity::Warning,
        breaks: CSG,
        refined: "",
        level: Level::Patch,
        group: Group::Events,
        summary: "A deprecated event was removed: a planned removal.",
        reasoning: "Breaking as `event-removed`, but announced.",
        example: &[e("/events/ItemDeleted", Some(DELETED_EVENT_DEPRECATED), None)],
    },
    Rule {
        rule: RuleId::EventScopeChanged,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Events,
        summary: "Who receives an event changed: tenant, topic or connection, or the topic pattern.",
        reasoning: "Old clients subscribe to topics that no longer carry the event, or receive it where they did not expect it; old servers' frames carry the old routing member (`org_id`, `topic`).",
        example: &[e(
            "/events/ItemUpdated/scope",
            Some(r#"{"kind": "topic", "pattern": "item:{id}"}"#),
            Some(r#"{"kind": "tenant"}"#),
        )],
    },
    Rule {
        rule: RuleId::EventTopicParamRenamed,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Patch,
        group: Group::Events,
        summary: "A topic pattern's parameter was renamed; the pattern's shape is the same.",
        reasoning: "Topic strings on the wire are unchanged (`item:42` either way).",
        example: &[e(
            "/events/ItemUpdated/scope/pattern",
            Some(r#""item:{id}""#),
            Some(r#""item:{item_id}""#),
        )],
    },
    // ---------------------------------------------------------------- both
    Rule {
        rule: RuleId::Deprecated,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::Items,
        summary: "An action, an event or a field (`deprecated: true`) is now deprecated.",
        reasoning: "An announcement: everything still works. Semantic versioning asks for a minor bump. Removing it later is a planned removal (`*-after-deprecation`).",
        example: &[e("/actions/items.get/deprecated", None, Some(r#"{"since": "1.1.0", "note": "use items.find"}"#))],
    },
    Rule {
        rule: RuleId::Undeprecated,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Patch,
        group: Group::Items,
        summary: "A deprecation was withdrawn.",
        reasoning: "Nothing on the wire changes.",
        example: &[e("/actions/items.get/deprecated", Some(r#"{"note": "use items.find"}"#), None)],
    },
    Rule {
        rule: RuleId::SinceRaised,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Items,
        summary: "An action or event now claims to be newer (`since` raised).",
        reasoning: "A connection that negotiated a version between the old and the new `since` may no longer use it: the validator reports such frames (`session.version`).",
        example: &[e("/actions/items.get/since", Some(r#""1.0.0""#), Some(r#""1.1.0""#))],
    },
    Rule {
        rule: RuleId::SinceLowered,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Patch,
        group: Group::Items,
        summary: "An action or event now claims to be older (`since` lowered).",
        reasoning: "More negotiated versions may use it; nothing that worked stops working.",
        example: &[e("/actions/items.get/since", Some(r#""1.1.0""#), Some(r#""1.0.0""#))],
    },
    // ---------------------------------------------------------------- errors
    Rule {
        rule: RuleId::ErrorAdded,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::Errors,
        summary: "A new error code that no existing action returns.",
        reasoning: "Only new or changed actions can return it, and those are reported on their own.",
        example: &[e("/errors/conflict", None, Some(CONFLICT))],
    },
    Rule {
        rule: RuleId::ErrorAddedAnyAction,
        severity: Severity::Error,
        breaks: CG,
        refined: "",
        level: Level::Minor,
        group: Group::Errors,
        summary: "A new error code that any action may return (`any_action: true`).",
        reasoning: "Every existing action may now answer old clients with a code they do not handle; generated error unions gain a member.",
        example: &[e("/errors/rate_limited", None, Some(r#"{"status": 429, "any_action": true}"#))],
    },
    Rule {
        rule: RuleId::ErrorRemoved,
        severity: Severity::Warning,
        breaks: SG,
        refined: "",
        level: Level::Patch,
        group: Group::Errors,
        summary: "An error code was removed from the table.",
        reasoning: "Old clients receive one code fewer: fine. Old servers still send it, which the new contract does not know; generated code that names it no longer compiles.",
        example: &[e("/errors/conflict", Some(CONFLICT), None)],
    },
    Rule {
        rule: RuleId::ErrorStatusChanged,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Errors,
        summary: "An error code's HTTP status changed.",
        reasoning: "REST clients branch on the status; old clients misread the new one and old servers' REST answers carry a status the new contract calls wrong.",
        example: &[e("/errors/not_found/status", Some("404"), Some("410"))],
    },
    Rule {
        rule: RuleId::ErrorRpcCodeChanged,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Errors,
        summary: "An error's numeric code changed where codes travel as numbers (JSON-RPC).",
        reasoning: "The number is what is on the wire: old clients misread it. Where codes travel as names the number is metadata (`metadata-changed`).",
        example: &[
            e("/envelope/response/error_code_type", Some(r#""number""#), Some(r#""number""#)),
            e("/errors/not_found/rpc_code", Some("-32004"), Some("-32044")),
        ],
    },
    Rule {
        rule: RuleId::ErrorAnyActionAdded,
        severity: Severity::Error,
        breaks: CG,
        refined: "",
        level: Level::Minor,
        group: Group::Errors,
        summary: "An existing error code may now answer any action.",
        reasoning: "Actions that did not declare it may now return it to old clients.",
        example: &[e("/errors/not_found/any_action", None, Some("true"))],
    },
    Rule {
        rule: RuleId::ErrorAnyActionRemoved,
        severity: Severity::Warning,
        breaks: SG,
        refined: "",
        level: Level::Patch,
        group: Group::Errors,
        summary: "An error code no longer answers any action, only those that declare it.",
        reasoning: "Old servers still return it from actions that do not declare it.",
        example: &[e("/errors/validation_failed/any_action", Some("true"), None)],
    },
    // ---------------------------------------------------------------- transport
    Rule {
        rule: RuleId::WebsocketPathChanged,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Transport,
        summary: "The WebSocket endpoint moved.",
        reasoning: "Old clients connect to the old path.",
        example: &[e("/transport/websocket/path", Some(r#""/ws""#), Some(r#""/socket""#))],
    },
    Rule {
        rule: RuleId::RestBasePathChanged,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Transport,
        summary: "The REST base path moved (every route with it).",
        reasoning: "Old REST clients call the old paths. Reported once, not once per route.",
        example: &[
            e("/transport/rest/base_path", Some(r#""/api""#), Some(r#""/v2""#)),
            e("/actions/items.get/rest/path", Some(r#""/api/items/{id}""#), Some(r#""/v2/items/{id}""#)),
            e("/actions/items.update/rest/path", Some(r#""/api/items/{id}""#), Some(r#""/v2/items/{id}""#)),
        ],
    },
    Rule {
        rule: RuleId::SubprotocolRemoved,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Transport,
        summary: "A WebSocket subprotocol is no longer accepted.",
        reasoning: "Old clients that ask only for it fail the handshake.",
        example: &[e(
            "/transport/websocket/subprotocols",
            Some(r#"["shop.v1", "shop.v2"]"#),
            Some(r#"["shop.v2"]"#),
        )],
    },
    Rule {
        rule: RuleId::SubprotocolAdded,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::Transport,
        summary: "A new WebSocket subprotocol is accepted.",
        reasoning: "Old clients keep asking for the ones they know.",
        example: &[e(
            "/transport/websocket/subprotocols",
            Some(r#"["shop.v1"]"#),
            Some(r#"["shop.v1", "shop.v2"]"#),
        )],
    },
    Rule {
        rule: RuleId::MaxFrameBytesLowered,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Transport,
        summary: "The largest frame the server accepts got smaller (or a limit appeared).",
        reasoning: "Old clients' large frames are refused.",
        example: &[e("/transport/websocket/max_frame_bytes", Some("65536"), Some("16384"))],
    },
    Rule {
        rule: RuleId::MaxFrameBytesRaised,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::Transport,
        summary: "The largest frame the server accepts got larger (or the limit went).",
        reasoning: "Everything old clients sent still fits.",
        example: &[e("/transport/websocket/max_frame_bytes", Some("16384"), Some("65536"))],
    },
    Rule {
        rule: RuleId::AuthMethodRemoved,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Transport,
        summary: "A way to authenticate a connection was removed.",
        reasoning: "Old clients that authenticate that way are refused.",
        example: &[e(
            "/transport/auth/methods",
            Some(r#"[{"kind": "query", "param": "token"}, {"kind": "first_message", "timeout_ms": 5000}]"#),
            Some(r#"[{"kind": "query", "param": "token"}]"#),
        )],
    },
    Rule {
        rule: RuleId::AuthMethodAdded,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::Transport,
        summary: "A new way to authenticate a connection.",
        reasoning: "The old ways still work.",
        example: &[e(
            "/transport/auth/methods",
            Some(r#"[{"kind": "query", "param": "token"}]"#),
            Some(r#"[{"kind": "query", "param": "token"}, {"kind": "first_message", "timeout_ms": 5000}]"#),
        )],
    },
    Rule {
        rule: RuleId::AuthSettingChanged,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Transport,
        summary: "An authentication setting changed: a method's parameter or header, the REST header, the expiry event, the refresh action, the close code, or a shorter first-message timeout.",
        reasoning: "Old clients send the token where the server no longer looks, or wait for an event, action or close code that changed.",
        example: &[e("/transport/auth/close_code", Some("4401"), Some("4001"))],
    },
    Rule {
        rule: RuleId::TimingChanged,
        severity: Severity::Warning,
        breaks: NONE,
        refined: "",
        level: Level::Patch,
        group: Group::Transport,
        summary: "The heartbeat's interval or timeout changed, or the first-message auth timeout got longer.",
        reasoning: "No frame becomes invalid, but clients that detect dead connections by missing pings, or that answer slowly, may need their timers adjusted. Review.",
        example: &[e("/transport/heartbeat/interval_ms", Some("30000"), Some("60000"))],
    },
    // ---------------------------------------------------------------- envelope
    Rule {
        rule: RuleId::EnvelopeChanged,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Envelope,
        summary: "The envelope's layout changed: where the id, action, payload, result, error or event live, their constants, how error codes travel, an optional event member, or how a control frame is recognised.",
        reasoning: "Every frame of old clients and old servers has the old shape.",
        example: &[e("/envelope/request/payload", Some(r#""/payload""#), Some(r#""/params""#))],
    },
    Rule {
        rule: RuleId::ControlFrameRemoved,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::Envelope,
        summary: "A control frame (ping, subscribe, auth...) was removed.",
        reasoning: "Old clients still send or expect it.",
        example: &[e("/envelope/control", Some(PING_PONG), Some(PING))],
    },
    Rule {
        rule: RuleId::ControlFrameAdded,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::Envelope,
        summary: "A new control frame.",
        reasoning: "Old clients do not send it; a new server-to-client control frame is ignored like an unknown event.",
        example: &[e("/envelope/control", Some(PING), Some(PING_PONG))],
    },
    // ---------------------------------------------------------------- defs
    Rule {
        rule: RuleId::DefAdded,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::Definitions,
        summary: "A new named schema.",
        reasoning: "A new exported type in generated code; its uses are reported where they are.",
        example: &[e("/$defs/Money", None, Some(r#"{"type": "integer"}"#))],
    },
    Rule {
        rule: RuleId::DefRemoved,
        severity: Severity::Warning,
        breaks: G,
        refined: "",
        level: Level::Patch,
        group: Group::Definitions,
        summary: "A named schema was removed.",
        reasoning: "Wire changes show where the schema was used; generated code loses an exported type that old code may import.",
        example: &[e("/$defs/Money", Some(r#"{"type": "integer"}"#), None)],
    },
    Rule {
        rule: RuleId::DefRenamed,
        severity: Severity::Warning,
        breaks: G,
        refined: "",
        level: Level::Patch,
        group: Group::Definitions,
        summary: "A named schema was renamed (the same uses now refer to another name).",
        reasoning: "Wire-compatible: names of schemas never travel. Codegen-breaking: the exported TypeScript type changes its name. The two versions are still compared structurally.",
        example: &[
            e("/$defs/Status", Some(STATUS), None),
            e("/$defs/ItemStatus", None, Some(STATUS)),
            e("/$defs/Item/properties/status", Some(r##"{"$ref": "#/$defs/Status"}"##), Some(r##"{"$ref": "#/$defs/ItemStatus"}"##)),
        ],
    },
    Rule {
        rule: RuleId::DefChanged,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Patch,
        group: Group::Definitions,
        summary: "A named schema that no action, event or frame uses changed.",
        reasoning: "Nothing on the wire uses it; its generated type changes.",
        example: &[e("/$defs/Money", Some(r#"{"type": "integer"}"#), Some(r#"{"type": "string"}"#))],
    },
    // ---------------------------------------------------------------- requests
    Rule {
        rule: RuleId::RequestFieldRemoved,
        severity: Severity::Error,
        breaks: CSG,
        refined: "",
        level: Level::Patch,
        group: Group::RequestSchemas,
        summary: "A payload field was removed and the payload rejects unknown fields (`additionalProperties: false`).",
        reasoning: "Old clients still send it and are refused (`validation_failed`); the traffic old servers accepted is now invalid; old call sites that set it no longer compile against the regenerated type.",
        example: &[e("/$defs/UpdateItem/properties/name", Some(r#"{"type": ["string", "null"], "maxLength": 100}"#), None)],
    },
    Rule {
        rule: RuleId::RequestFieldNowIgnored,
        severity: Severity::Warning,
        breaks: G,
        refined: "",
        level: Level::Patch,
        group: Group::RequestSchemas,
        summary: "A payload field was removed and the payload accepts unknown fields.",
        reasoning: "On the wire old clients keep working, but what they send is silently ignored now: review the behaviour. Old call sites that set it no longer compile against the regenerated type.",
        example: &[
            e("/$defs/UpdateItem/additionalProperties", Some("true"), Some("true")),
            e("/$defs/UpdateItem/properties/name", Some(r#"{"type": ["string", "null"], "maxLength": 100}"#), None),
        ],
    },
    Rule {
        rule: RuleId::RequestFieldAddedRequired,
        severity: Severity::Error,
        breaks: CSG,
        refined: "",
        level: Level::Minor,
        group: Group::RequestSchemas,
        summary: "A new required payload field.",
        reasoning: "Old clients do not send it and are refused; old call sites do not set it.",
        example: &[
            e("/$defs/UpdateItem/properties/price", None, Some(r#"{"type": "integer"}"#)),
            e("/$defs/UpdateItem/required", Some(r#"["id"]"#), Some(r#"["id", "price"]"#)),
        ],
    },
    Rule {
        rule: RuleId::RequestFieldAdded,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::RequestSchemas,
        summary: "A new optional payload field.",
        reasoning: "Old clients do not send it and need not; old traffic stays valid. An addition: minor.",
        example: &[e("/$defs/UpdateItem/properties/price", None, Some(r#"{"type": ["integer", "null"]}"#))],
    },
    Rule {
        rule: RuleId::RequestFieldBecameRequired,
        severity: Severity::Error,
        breaks: CSG,
        refined: "",
        level: Level::Patch,
        group: Group::RequestSchemas,
        summary: "An optional payload field became required.",
        reasoning: "Old clients that leave it out are refused.",
        example: &[e("/$defs/UpdateItem/required", Some(r#"["id"]"#), Some(r#"["id", "name"]"#))],
    },
    Rule {
        rule: RuleId::RequestFieldBecameOptional,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::RequestSchemas,
        summary: "A required payload field became optional.",
        reasoning: "Old clients still send it, which is still fine. A relaxation: minor.",
        example: &[e("/$defs/UpdateItem/required", Some(r#"["id", "name"]"#), Some(r#"["id"]"#))],
    },
    Rule {
        rule: RuleId::RequestTypeNarrowed,
        severity: Severity::Error,
        breaks: CSG,
        refined: "",
        level: Level::Patch,
        group: Group::RequestSchemas,
        summary: "A payload value accepts fewer types: a type, `null`, or any value outside a new `enum`/`const` is refused.",
        reasoning: "Payloads are read by the server: old clients that send what is no longer accepted are refused, and old call sites passing it no longer compile.",
        example: &[e("/$defs/UpdateItem/properties/name/type", Some(r#"["string", "null"]"#), Some(r#""string""#))],
    },
    Rule {
        rule: RuleId::RequestTypeWidened,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::RequestSchemas,
        summary: "A payload value accepts more types (a new type, `null`, no more `enum` restriction).",
        reasoning: "Everything old clients send is still accepted. Old servers do not produce payloads, so there is nothing for them to break.",
        example: &[e("/$defs/UpdateItem/properties/name/type", Some(r#""string""#), Some(r#"["string", "null"]"#))],
    },
    Rule {
        rule: RuleId::RequestTypeChanged,
        severity: Severity::Error,
        breaks: CSG,
        refined: "",
        level: Level::Patch,
        group: Group::RequestSchemas,
        summary: "A payload value's type changed to an unrelated one (or a tuple's length changed).",
        reasoning: "Old clients send the old type and are refused.",
        example: &[e("/$defs/UpdateItem/properties/name", Some(r#"{"type": "string"}"#), Some(r#"{"type": "integer"}"#))],
    },
    Rule {
        rule: RuleId::RequestEnumValueRemoved,
        severity: Severity::Error,
        breaks: CSG,
        refined: "",
        level: Level::Patch,
        group: Group::RequestSchemas,
        summary: "A payload enum lost a value.",
        reasoning: "Old clients that send it are refused; old call sites using the literal no longer compile.",
        example: &[e(
            "/$defs/UpdateItem/properties/status",
            Some(r#"{"type": "string", "enum": ["active", "archived"]}"#),
            Some(r#"{"type": "string", "enum": ["active"]}"#),
        )],
    },
    Rule {
        rule: RuleId::RequestEnumValueAdded,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::RequestSchemas,
        summary: "A payload enum gained a value.",
        reasoning: "Old clients never send it; everything they send is still accepted.",
        example: &[e(
            "/$defs/UpdateItem/properties/status",
            Some(r#"{"type": "string", "enum": ["active"]}"#),
            Some(r#"{"type": "string", "enum": ["active", "archived"]}"#),
        )],
    },
    Rule {
        rule: RuleId::RequestVariantRemoved,
        severity: Severity::Error,
        breaks: CSG,
        refined: "",
        level: Level::Patch,
        group: Group::RequestSchemas,
        summary: "A payload union (`oneOf`/`anyOf`, e.g. a tagged enum) lost a variant.",
        reasoning: "Variants are matched by their tag (`kind: \"tag\"`), their only key, their `$ref` or their type. Old clients that send the removed variant are refused.",
        example: &[
            e("/$defs/UpdateItem/properties/target", Some(TARGET_FIELD), Some(TARGET_FIELD)),
            e("/$defs/Target", Some(TARGET_TWO), Some(TARGET_ONE)),
        ],
    },
    Rule {
        rule: RuleId::RequestVariantAdded,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::RequestSchemas,
        summary: "A payload union gained a variant.",
        reasoning: "Old clients never send it.",
        example: &[
            e("/$defs/UpdateItem/properties/target", Some(TARGET_FIELD), Some(TARGET_FIELD)),
            e("/$defs/Target", Some(TARGET_ONE), Some(TARGET_TWO)),
        ],
    },
    Rule {
        rule: RuleId::RequestConstraintNarrowed,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::RequestSchemas,
        summary: "A payload value is constrained more: a higher minimum, a lower maximum, a shorter `maxLength`, fewer items, a new `pattern` or `format`, a smaller integer format (`uint64` → `uint32`).",
        reasoning: "Old clients that send values in the old range are refused. TypeScript does not model ranges: generated code is unaffected.",
        example: &[e("/$defs/UpdateItem/properties/name/maxLength", Some("100"), Some("50"))],
    },
    Rule {
        rule: RuleId::RequestConstraintWidened,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::RequestSchemas,
        summary: "A payload value is constrained less.",
        reasoning: "Everything old clients send is still accepted.",
        example: &[e("/$defs/UpdateItem/properties/name/maxLength", Some("100"), Some("200"))],
    },
    Rule {
        rule: RuleId::RequestUnknownFieldsRejected,
        severity: Severity::Error,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::RequestSchemas,
        summary: "A payload object now rejects unknown fields (`additionalProperties: false`).",
        reasoning: "Old clients that send extra members (fields removed earlier, or their own) are refused.",
        example: &[e("/$defs/UpdateItem/additionalProperties", None, Some("false"))],
    },
    Rule {
        rule: RuleId::RequestUnknownFieldsAccepted,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::RequestSchemas,
        summary: "A payload object now accepts unknown fields.",
        reasoning: "Everything old clients send is still accepted.",
        example: &[e("/$defs/UpdateItem/additionalProperties", Some("false"), None)],
    },
    // ---------------------------------------------------------------- responses
    Rule {
        rule: RuleId::ResponseFieldRemoved,
        severity: Severity::Error,
        breaks: CG,
        refined: "servers too when the new object rejects unknown fields (old servers still send the field)",
        level: Level::Patch,
        group: Group::ResponseSchemas,
        summary: "A required field of a response or event was removed.",
        reasoning: "Old clients read it and find nothing; old code reading it no longer compiles. Old servers still send it, which only matters when the new object is closed.",
        example: &[
            e("/$defs/Item/properties/name", Some(r#"{"type": "string"}"#), None),
            e("/$defs/Item/required", Some(ITEM_REQUIRED), Some(r#"["id", "status"]"#)),
        ],
    },
    Rule {
        rule: RuleId::ResponseOptionalFieldRemoved,
        severity: Severity::Warning,
        breaks: G,
        refined: "servers too when the new object rejects unknown fields",
        level: Level::Patch,
        group: Group::ResponseSchemas,
        summary: "An optional field of a response or event was removed.",
        reasoning: "Old clients already cope with its absence; old code that reads it no longer compiles against the regenerated type.",
        example: &[
            e("/$defs/Item/properties/note", Some(r#"{"type": "string"}"#), None),
        ],
    },
    Rule {
        rule: RuleId::ResponseFieldAdded,
        severity: Severity::Warning,
        breaks: S,
        refined: "",
        level: Level::Minor,
        group: Group::ResponseSchemas,
        summary: "A new required field in a response or event (schemars lists `Option` fields of responses as required and nullable, so most new response fields are this).",
        reasoning: "Old clients ignore members they do not know: compatible for them. Old servers do not send it, so during a rolling deploy or after a rollback new clients miss it, and recorded traffic fails the new contract. Deploy servers first, or leave `servers` out of the bump policy (`--breaking clients,codegen`).",
        example: &[
            e("/$defs/Item/properties/price", None, Some(r#"{"type": "integer"}"#)),
            e("/$defs/Item/required", Some(ITEM_REQUIRED), Some(r#"["id", "name", "status", "price"]"#)),
        ],
    },
    Rule {
        rule: RuleId::ResponseOptionalFieldAdded,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Minor,
        group: Group::ResponseSchemas,
        summary: "A new optional field in a response or event.",
        reasoning: "Old clients ignore it; old servers leave it out, which is allowed.",
        example: &[e("/$defs/Item/properties/price", None, Some(r#"{"type": "integer"}"#))],
    },
    Rule {
        rule: RuleId::ResponseClosedObjectExtended,
        severity: Severity::Error,
        breaks: C,
        refined: "servers too when the new field is required",
        level: Level::Minor,
        group: Group::ResponseSchemas,
        summary: "A response or event object that rejected unknown fields gained a field.",
        reasoning: "Old clients that validate against the old contract refuse the member they were told cannot exist.",
        example: &[
            e("/$defs/Item/additionalProperties", Some("false"), Some("false")),
            e("/$defs/Item/properties/price", None, Some(r#"{"type": "integer"}"#)),
        ],
    },
    Rule {
        rule: RuleId::ResponseFieldBecameOptional,
        severity: Severity::Error,
        breaks: CG,
        refined: "",
        level: Level::Patch,
        group: Group::ResponseSchemas,
        summary: "A required response or event field became optional.",
        reasoning: "Old clients rely on it being there; `field: T` becomes `field?: T` and old code using it no longer type-checks.",
        example: &[e("/$defs/Item/required", Some(ITEM_REQUIRED), Some(r#"["id", "status"]"#))],
    },
    Rule {
        rule: RuleId::ResponseFieldBecameRequired,
        severity: Severity::Warning,
        breaks: S,
        refined: "",
        level: Level::Patch,
        group: Group::ResponseSchemas,
        summary: "An optional response or event field became required.",
        reasoning: "Wire-compatible for old clients (they coped with its absence) and for generated code; but old servers may still leave it out, which the new contract forbids. Noted so the rollout is servers first.",
        example: &[
            e("/$defs/Item/properties/note", Some(r#"{"type": "string"}"#), Some(r#"{"type": "string"}"#)),
            e("/$defs/Item/required", Some(ITEM_REQUIRED), Some(r#"["id", "name", "status", "note"]"#)),
        ],
    },
    Rule {
        rule: RuleId::ResponseTypeWidened,
        severity: Severity::Error,
        breaks: CG,
        refined: "",
        level: Level::Minor,
        group: Group::ResponseSchemas,
        summary: "A response or event value may now be of more types (a new type, `null`, no more `enum` restriction).",
        reasoning: "Responses are read by clients: old clients meet values they cannot handle (a `null` where they expect a string), and old code using the narrower TypeScript type no longer compiles. Old servers cannot produce the new values, so their traffic stays valid.",
        example: &[e("/$defs/Item/properties/name/type", Some(r#""string""#), Some(r#"["string", "null"]"#))],
    },
    Rule {
        rule: RuleId::ResponseTypeNarrowed,
        severity: Severity::Warning,
        breaks: S,
        refined: "",
        level: Level::Patch,
        group: Group::ResponseSchemas,
        summary: "A response or event value may now be of fewer types.",
        reasoning: "Old clients handle a superset: fine. Old servers may still send the type the new contract forbids.",
        example: &[e("/$defs/Item/properties/name/type", Some(r#"["string", "null"]"#), Some(r#""string""#))],
    },
    Rule {
        rule: RuleId::ResponseTypeChanged,
        severity: Severity::Error,
        breaks: CSG,
        refined: "",
        level: Level::Patch,
        group: Group::ResponseSchemas,
        summary: "A response or event value's type changed to an unrelated one (or a tuple's length changed).",
        reasoning: "Breaks both ways: old clients cannot read the new type, old servers send the old one.",
        example: &[e("/$defs/Item/properties/name", Some(r#"{"type": "string"}"#), Some(r#"{"type": "integer"}"#))],
    },
    Rule {
        rule: RuleId::ResponseEnumValueAdded,
        severity: Severity::Error,
        breaks: CG,
        refined: "",
        level: Level::Minor,
        group: Group::ResponseSchemas,
        summary: "A response or event enum gained a value.",
        reasoning: "Old clients meet a value they do not know; exhaustive `switch`es over the regenerated union stop compiling. If clients are written to tolerate unknown values, accept it in the ignore file.",
        example: &[e("/$defs/Status/enum", Some(r#"["active", "archived"]"#), Some(r#"["active", "archived", "deleted"]"#))],
    },
    Rule {
        rule: RuleId::ResponseEnumValueRemoved,
        severity: Severity::Warning,
        breaks: SG,
        refined: "",
        level: Level::Patch,
        group: Group::ResponseSchemas,
        summary: "A response or event enum lost a value.",
        reasoning: "Old clients handle one case too many: fine. Old servers still send it; comparisons with the removed literal no longer type-check.",
        example: &[e("/$defs/Status/enum", Some(r#"["active", "archived"]"#), Some(r#"["active"]"#))],
    },
    Rule {
        rule: RuleId::ResponseVariantAdded,
        severity: Severity::Error,
        breaks: CG,
        refined: "",
        level: Level::Minor,
        group: Group::ResponseSchemas,
        summary: "A response or event union gained a variant.",
        reasoning: "Old clients meet a variant they cannot decode.",
        example: &[
            e("/$defs/Item/properties/price", Some(PRICE_FIELD), Some(PRICE_FIELD)),
            e("/$defs/Price", Some(PRICE_ONE), Some(PRICE_TWO)),
        ],
    },
    Rule {
        rule: RuleId::ResponseVariantRemoved,
        severity: Severity::Warning,
        breaks: SG,
        refined: "",
        level: Level::Patch,
        group: Group::ResponseSchemas,
        summary: "A response or event union lost a variant.",
        reasoning: "Old servers may still send it.",
        example: &[
            e("/$defs/Item/properties/price", Some(PRICE_FIELD), Some(PRICE_FIELD)),
            e("/$defs/Price", Some(PRICE_TWO), Some(PRICE_ONE)),
        ],
    },
    Rule {
        rule: RuleId::ResponseConstraintWidened,
        severity: Severity::Error,
        breaks: C,
        refined: "",
        level: Level::Minor,
        group: Group::ResponseSchemas,
        summary: "A response or event value is constrained less: a longer `maxLength`, a wider range, a larger integer format (`uint32` → `uint64`), no more `pattern` or `format`.",
        reasoning: "Old clients sized for the old range (a 32-bit integer, a 100-character column) meet values outside it.",
        example: &[e("/$defs/Item/properties/name/maxLength", Some("100"), Some("200"))],
    },
    Rule {
        rule: RuleId::ResponseConstraintNarrowed,
        severity: Severity::Warning,
        breaks: S,
        refined: "",
        level: Level::Patch,
        group: Group::ResponseSchemas,
        summary: "A response or event value is constrained more.",
        reasoning: "Old servers may still send values the new contract forbids.",
        example: &[e("/$defs/Item/properties/name/maxLength", Some("200"), Some("100"))],
    },
    Rule {
        rule: RuleId::ResponseUnknownFieldsAllowed,
        severity: Severity::Error,
        breaks: C,
        refined: "",
        level: Level::Minor,
        group: Group::ResponseSchemas,
        summary: "A response or event object that rejected unknown fields no longer does.",
        reasoning: "The new server may send members old clients were told cannot exist.",
        example: &[e("/$defs/Item/additionalProperties", Some("false"), None)],
    },
    Rule {
        rule: RuleId::ResponseUnknownFieldsRejected,
        severity: Severity::Warning,
        breaks: S,
        refined: "",
        level: Level::Patch,
        group: Group::ResponseSchemas,
        summary: "A response or event object now rejects unknown fields.",
        reasoning: "Old servers' frames may carry members the new contract forbids.",
        example: &[e("/$defs/Item/additionalProperties", None, Some("false"))],
    },
    // ---------------------------------------------------------------- any schema
    Rule {
        rule: RuleId::FieldRemovedAfterDeprecation,
        severity: Severity::Warning,
        breaks: G,
        refined: "plus the sides the removal breaks where it happened (as `request-field-removed` or `response-field-removed`)",
        level: Level::Patch,
        group: Group::AnySchema,
        summary: "A field marked `deprecated: true` was removed: a planned removal.",
        reasoning: "Breaking as the removal would be, but announced: a warning.",
        example: &[
            e("/$defs/Item/properties/name", Some(r#"{"type": "string", "deprecated": true}"#), None),
            e("/$defs/Item/required", Some(ITEM_REQUIRED), Some(r#"["id", "status"]"#)),
        ],
    },
    Rule {
        rule: RuleId::SchemaKeywordChanged,
        severity: Severity::Warning,
        breaks: CS,
        refined: "",
        level: Level::Patch,
        group: Group::AnySchema,
        summary: "A schema keyword frameproof does not compare structurally (`not`, `if`, `patternProperties`, a non-tagged `allOf`, an unresolvable `$ref`...) changed.",
        reasoning: "Which way it goes cannot be told: treated as breaking both sides. Review and accept it in the ignore file if it is harmless.",
        example: &[e("/$defs/UpdateItem/properties/name/not", None, Some(r#"{"const": ""}"#))],
    },
    Rule {
        rule: RuleId::DescriptionChanged,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Patch,
        group: Group::AnySchema,
        summary: "Documentation changed: a description, title, example, comment or deprecation note.",
        reasoning: "Nothing on the wire or in types changes.",
        example: &[e("/$defs/Item/description", Some(r#""An item.""#), Some(r#""An item for sale.""#))],
    },
    Rule {
        rule: RuleId::DefaultChanged,
        severity: Severity::Warning,
        breaks: NONE,
        refined: "",
        level: Level::Patch,
        group: Group::AnySchema,
        summary: "A schema's `default` changed.",
        reasoning: "No frame becomes invalid, but an omitted field now means something else: a behaviour change to review.",
        example: &[e("/$defs/UpdateItem/properties/name/default", None, Some(r#""untitled""#))],
    },
    Rule {
        rule: RuleId::MetadataChanged,
        severity: Severity::Info,
        breaks: NONE,
        refined: "",
        level: Level::Patch,
        group: Group::AnySchema,
        summary: "Metadata changed: the contract's name, the document format, the envelope's profile label, an `rpc_code` that does not travel, the order of preference of auth methods or subprotocols.",
        reasoning: "Nothing a client sends or receives changes.",
        example: &[e("/name", Some(r#""shop""#), Some(r#""store""#))],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_catalogued_once_with_an_example() {
        for rule in RuleId::ALL {
            let entries = RULES.iter().filter(|r| r.rule == *rule).count();
            assert_eq!(entries, 1, "{rule}");
            assert!(!rule.meta().example.is_empty(), "{rule}");
            assert_eq!(RuleId::from_id(rule.id()), Some(*rule));
        }
        assert_eq!(RULES.len(), RuleId::ALL.len());
    }

    #[test]
    fn examples_are_json() {
        for r in RULES {
            for edit in r.example {
                for text in [edit.before, edit.after].into_iter().flatten() {
                    let parsed: Result<serde_json::Value, _> = serde_json::from_str(text);
                    assert!(parsed.is_ok(), "{}: {text}", r.rule);
                }
            }
        }
    }
}
