//! `client.ts`: the dependency-free runtime, the contract's protocol description (routes,
//! envelope layout, control frames, auth) and a typed facade over it.

use frameproof_schema::{AuthMethod, Contract, ControlKind, Direction};
use serde_json::{json, Map, Value};

use super::{header, refresh_fields, Codecs, TsOptions};
use crate::names::js_string;
use crate::Int64Mode;

const RUNTIME: &str = include_str!("runtime.ts");

fn kind_name(kind: &ControlKind) -> String {
    kind.as_str().to_owned()
}

/// The runtime's description of the contract (the `Protocol` interface).
pub(crate) fn protocol(contract: &Contract, options: &TsOptions) -> Value {
    let t = &contract.transport;
    let env = &contract.envelope;
    let (query, first_message) = ws_auth(contract);
    let (refresh_payload, access_field, refresh_field) = refresh_fields(contract);
    let id_kind = match &env.request.id_schema.get("type") {
        Some(Value::String(s)) if s == "integer" => "integer",
        Some(Value::Array(ts)) if !ts.iter().any(|t| t == "string") => "integer",
        _ => "string",
    };
    let controls = controls_json(contract);
    let actions = actions_json(contract);
    let rpc: Map<String, Value> = contract
        .errors
        .iter()
        .filter_map(|(code, e)| e.rpc_code.map(|n| (n.to_string(), json!(code))))
        .collect();
    let status: Map<String, Value> = contract
        .errors
        .iter()
        .map(|(code, e)| (code.clone(), json!(e.status)))
        .collect();
    let codecs = codecs_json(contract, options);
    // the contract version the client was built against, where the handshake names it
    let version_query = t.versioning.as_ref().and_then(|v| {
        v.methods.iter().find_map(|m| match m {
            frameproof_schema::VersionMethod::Query { param } => Some(param.clone()),
            _ => None,
        })
    });
    json!({
        "name": contract.name,
        "version": contract.version,
        "versionQuery": version_query,
        "websocketPath": t.websocket.path,
        "subprotocols": t.websocket.subprotocols,
        "auth": {
            "query": query,
            "firstMessage": first_message,
            "restHeader": t.auth.rest_header,
            "expiredEvent": t.auth.expired_event,
            "refreshAction": t.auth.refresh_action,
            "refreshPayloadField": refresh_payload,
            "accessTokenField": access_field,
            "refreshTokenField": refresh_field,
            "closeCode": t.auth.close_code,
        },
        "heartbeat": { "intervalMs": t.heartbeat.interval_ms, "timeoutMs": t.heartbeat.timeout_ms },
        "envelope": {
            "request": {
                "id": env.request.id,
                "idKind": id_kind,
                "action": env.request.action,
                "payload": env.request.payload,
                "constants": env.request.constants,
            },
            "response": {
                "id": env.response.id,
                "status": env.response.status.as_ref().map(|s| json!({ "pointer": s.pointer, "ok": s.ok, "error": s.error })),
                "data": env.response.data,
                "error": env.response.error,
                "code": env.response.error_code,
                "message": env.response.error_message,
                "details": env.response.error_details,
                "codeType": match env.response.error_code_type {
                    frameproof_schema::ErrorCodeType::Name => "name",
                    frameproof_schema::ErrorCodeType::Number => "number",
                },
            },
            "event": { "name": env.event.name, "data": env.event.data },
        },
        "controls": controls,
        "actions": actions,
        "events": contract.events.keys().collect::<Vec<_>>(),
        "errorStatus": status,
        "rpcCodes": rpc,
        "restErrorMember": frameproof_schema::wire::REST_ERROR_MEMBER,
        "rpc": {
            "endpoint": t.rest.rpc_endpoint,
            "sessionHeader": t.rest.rpc_session_header,
        },
        "int64": match options.int64 { Int64Mode::Number => "number", Int64Mode::BigInt => "bigint", Int64Mode::String => "string" },
        "codecs": codecs,
    })
}

/// How the socket authenticates: the query parameter that carries the token (unless a first
/// message comes before it in the contract's preference), and whether a first `auth` message
/// does.
fn ws_auth(contract: &Contract) -> (Option<String>, bool) {
    let mut query = None;
    let mut first_message = false;
    for m in &contract.transport.auth.methods {
        match m {
            AuthMethod::Query { param } => {
                if query.is_none() && !first_message {
                    query = Some(param.clone());
                }
            }
            AuthMethod::FirstMessage { .. } => first_message = true,
            AuthMethod::Ticket { .. } | AuthMethod::Header { .. } => {}
        }
    }
    (query, first_message)
}

/// The control frames as the runtime matches them.
fn controls_json(contract: &Contract) -> Vec<Value> {
    contract
        .envelope
        .control
        .iter()
        .map(|c| {
            let has_id = c
                .schema
                .get("properties")
                .and_then(|p| p.get("id"))
                .is_some();
            json!({
                "kind": kind_name(&c.kind),
                "direction": match c.direction { Direction::Client => "client", Direction::Server => "server" },
                "when": c.when,
                "topics": c.topics,
                "token": c.token,
                "id": has_id,
            })
        })
        .collect()
}

/// Each action's transports: the WebSocket, and its REST route if it has one.
fn actions_json(contract: &Contract) -> Map<String, Value> {
    contract
        .actions
        .iter()
        .map(|(name, spec)| {
            let rest = spec.rest.as_ref().map(|r| {
                json!({
                    "method": r.method.as_str(),
                    "path": r.path,
                    "pathParams": r.path_params,
                    "queryParams": r.query_params,
                    "body": r.body,
                })
            });
            (
                name.clone(),
                json!({ "websocket": spec.websocket, "rest": rest }),
            )
        })
        .collect()
}

/// The int64 codecs: where 64-bit integers sit in each payload, response and event (empty
/// when they are plain numbers).
fn codecs_json(contract: &Contract, options: &TsOptions) -> Value {
    if options.int64 == Int64Mode::Number {
        json!({ "defs": {}, "payload": {}, "response": {}, "events": {} })
    } else {
        let c = Codecs::new(contract);
        let nonzero = |v: Value| (v != json!(0)).then_some(v);
        let payload: Map<String, Value> = contract
            .actions
            .iter()
            .filter_map(|(n, s)| nonzero(c.codec(&s.payload)).map(|v| (n.clone(), v)))
            .collect();
        let response: Map<String, Value> = contract
            .actions
            .iter()
            .filter_map(|(n, s)| nonzero(c.codec(&s.response)).map(|v| (n.clone(), v)))
            .collect();
        let events: Map<String, Value> = contract
            .events
            .iter()
            .filter_map(|(n, s)| nonzero(c.codec(&s.data)).map(|v| (n.clone(), v)))
            .collect();
        json!({ "defs": c.defs(), "payload": payload, "response": response, "events": events })
    }
}

pub(crate) fn client_file(contract: &Contract, options: &TsOptions) -> String {
    let mut out = header(contract);
    out.push_str(
        "import type {\n  ActionErrorCode,\n  ActionName,\n  ActionPayload,\n  ActionResponse,\n  ErrorCode,\n  EventData,\n  EventFrame,\n  EventName,\n  Topic,\n} from \"./types.js\";\n\n",
    );
    out.push_str(RUNTIME);
    out.push('\n');
    out.push_str("// ───────────────────────── this contract ─────────────────────────\n\n");
    let protocol = serde_json::to_string_pretty(&protocol(contract, options)).unwrap_or_default();
    out.push_str(&format!(
        "/** What the runtime needs to know about `{}` {}. */\nexport const PROTOCOL: Protocol = {protocol};\n\n",
        contract.name, contract.version
    ));
    let refresh = contract
        .transport
        .auth
        .refresh_action
        .as_ref()
        .filter(|a| contract.actions.contains_key(*a));
    let tokens_type = match refresh {
        Some(a) => format!("ActionResponse<{}>", js_string(a)),
        None => "unknown".into(),
    };
    out.push_str(&FACADE.replace("{TOKENS}", &tokens_type));
    out
}

const FACADE: &str = r#"/** A failed request of action `A`: one of its error codes, or a transport failure. */
export type ActionError<A extends ActionName> = FrameproofError<ActionErrorCode<A> | TransportErrorCode>;

/** What `tryRequest` resolves to. */
export type RequestResult<A extends ActionName> =
  | { ok: true; data: ActionResponse<A> }
  | { ok: false; error: ActionError<A> };

/** Narrows an error to the failure of `action` (its codes are then typed). */
export function isActionError<A extends ActionName>(error: unknown, action: A): error is ActionError<A> {
  return error instanceof FrameproofError && error.action === action;
}

export type EventHandler<E extends EventName> = (data: EventData<E>, frame: EventFrame<E>) => void;

export interface ClientOptions extends Omit<CoreOptions, "onTokens"> {
  /** Called with the new tokens after every refresh (persist them here). */
  onTokens?: (tokens: {TOKENS}) => void;
}

/**
 * The contract's typed client. WebSocket first, REST when the socket cannot connect; requests
 * correlated by id with timeouts; reconnects with exponential back-off and jitter; keeps its
 * subscriptions; refreshes an expired token and re-authenticates the same socket.
 *
 * ```ts
 * const client = createClient({ url: "https://api.example.com", token, refreshToken });
 * const entry = await client.request("time_entries.start", { project_id: "proj_1", description: "Review" });
 * client.on("TaskUpdated", (data) => render(data.task));
 * await client.subscribe("task:task_1");
 * ```
 */
export class Client {
  readonly core: ClientCore;

  constructor(options: ClientOptions = {}) {
    const { onTokens, ...rest } = options;
    const core: CoreOptions = { ...rest };
    if (onTokens) core.onTokens = (tokens) => onTokens(tokens as {TOKENS});
    this.core = new ClientCore(PROTOCOL, core);
  }

  /**
   * Performs an action: over the WebSocket when it is open (or opens), else over REST.
   * Resolves with the action's response; rejects with a {@link FrameproofError} whose `code`
   * is one of the action's error codes ({@link ActionError}) or a transport code.
   */
  request<A extends ActionName>(action: A, payload: ActionPayload<A>, options?: RequestOptions): Promise<ActionResponse<A>> {
    return this.core.request(action, payload, options) as Promise<ActionResponse<A>>;
  }

  /** Like `request`, but resolves to `{ ok: false, error }` instead of rejecting on a failure. */
  async tryRequest<A extends ActionName>(action: A, payload: ActionPayload<A>, options?: RequestOptions): Promise<RequestResult<A>> {
    try {
      return { ok: true, data: await this.request(action, payload, options) };
    } catch (e) {
      if (e instanceof FrameproofError) return { ok: false, error: e as ActionError<A> };
      throw e;
    }
  }

  /** Sends a notification (a request without an id, which gets no answer). */
  notify<A extends ActionName>(action: A, payload: ActionPayload<A>): Promise<void> {
    return this.core.notify(action, payload);
  }

  /** Calls `handler` with every `event`'s data; returns a function that stops it. */
  on<E extends EventName>(event: E, handler: EventHandler<E>): () => void {
    return this.core.on(event, handler as (data: unknown, frame: unknown) => void);
  }

  /** Calls `handler` with every event. */
  onAny(handler: <E extends EventName>(event: E, data: EventData<E>, frame: EventFrame<E>) => void): () => void {
    return this.core.onAny(handler as (event: string, data: unknown, frame: unknown) => void);
  }

  /** Subscribes to topics (kept and re-subscribed after every reconnect). */
  subscribe(...topics: Topic[]): Promise<void> {
    return this.core.subscribe(topics);
  }

  unsubscribe(...topics: Topic[]): Promise<void> {
    return this.core.unsubscribe(topics);
  }

  connect(): Promise<void> {
    return this.core.connect();
  }

  close(): void {
    this.core.close();
  }

  get state(): ConnectionState {
    return this.core.state;
  }

  /** The transport that answered the last request. */
  get lastTransport(): Transport | null {
    return this.core.lastTransport;
  }

  get topics(): string[] {
    return this.core.topics;
  }

  get accessToken(): string | undefined {
    return this.core.accessToken;
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    return this.core.onStateChange(listener);
  }

  /** Background failures: refreshes, re-subscriptions, error frames without a request. */
  onError(listener: (error: unknown) => void): () => void {
    return this.core.onError(listener);
  }

  /** Exchanges the refresh token for a new access token now. */
  refresh(): Promise<string> {
    return this.core.refresh();
  }

  setTokens(token: string, refreshToken?: string): void {
    this.core.setTokens(token, refreshToken);
  }
}

export function createClient(options: ClientOptions = {}): Client {
  return new Client(options);
}

/** Every error code (contract and transport) a request may reject with. */
export type AnyRequestErrorCode = ErrorCode | TransportErrorCode;
"#;
