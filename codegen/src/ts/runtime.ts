// ───────────────────────── runtime (the same for every contract) ─────────────────────────
// No dependencies: the WebSocket implementation and fetch come from the environment (browsers,
// Node 22+) or from the options (Node 20 with the `ws` package, tests).

/** Where a client is in its connection's life. */
export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/** Which transport carried a request. */
export type Transport = "websocket" | "rest";

/** Codes of failures that happen before the server answers (not in the contract's table). */
export type TransportErrorCode =
  | "timeout"
  | "connection_lost"
  | "websocket_unavailable"
  | "network"
  | "bad_response"
  | "closed";

/** A request that failed: `code` is the contract's error code (or a transport code). */
export class FrameproofError<C extends string = string> extends Error {
  /** The contract's error code (`not_found`), or a {@link TransportErrorCode}. */
  readonly code: C;
  /** The HTTP status: the response's over REST, the contract's for the code over the WebSocket. */
  readonly status: number | undefined;
  /** The error's `details`, as the server sent them. */
  readonly details: unknown;
  /** The action that failed, if a request failed. */
  readonly action: string | undefined;
  /** The transport that carried the failed request; `client` when nothing was sent. */
  readonly transport: Transport | "client";

  constructor(init: {
    code: C;
    message: string;
    status?: number | undefined;
    details?: unknown;
    action?: string | undefined;
    transport: Transport | "client";
  }) {
    super(init.message);
    this.name = "FrameproofError";
    this.code = init.code;
    this.status = init.status;
    this.details = init.details;
    this.action = init.action;
    this.transport = init.transport;
  }
}

/** The part of a WebSocket the client uses (browsers' and the `ws` package's fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}

/** A WebSocket constructor: `globalThis.WebSocket` or `ws`'s `WebSocket`. */
export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => unknown;

export interface RestInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RestResponseLike {
  readonly status: number;
  /** Response headers (fetch's `Headers`): the RPC endpoint's content type and session. */
  readonly headers?: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The part of `fetch` the client uses. */
export type FetchLike = (url: string, init: RestInit) => Promise<RestResponseLike>;

interface RuntimeGlobals {
  WebSocket?: WebSocketConstructorLike;
  fetch?: FetchLike;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  AbortController?: new () => { readonly signal: unknown; abort(): void };
  location?: { origin?: string; protocol?: string; host?: string };
}

const runtime = globalThis as unknown as RuntimeGlobals;

function later(callback: () => void, ms: number): unknown {
  return runtime.setTimeout(callback, ms);
}

function cancel(handle: unknown): void {
  if (handle !== undefined && handle !== null) runtime.clearTimeout(handle);
}

export interface ReconnectOptions {
  /** The first retry's delay (default 250 ms). */
  initialDelayMs?: number;
  /** The longest delay between attempts (default 30 s). */
  maxDelayMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
  /** Share of the delay taken away at random, 0..1 (default 0.5: "equal jitter"). */
  jitter?: number;
  /** Give up after this many attempts in a row (default: never). */
  maxAttempts?: number;
}

export interface HeartbeatOptions {
  /** Send an application ping after this long without traffic (default: the contract's interval). */
  intervalMs?: number;
  /** Close and reconnect when no frame arrives this long after a ping (default: the contract's timeout). */
  timeoutMs?: number;
}

export interface CoreOptions {
  /** The server's HTTP origin (`https://api.example.com`); the contract's REST paths are appended. Default: the page's origin. */
  url?: string;
  /** The WebSocket endpoint (`wss://api.example.com/ws`). Default: `url` with ws(s) and the contract's socket path. */
  wsUrl?: string;
  /** The access token: in the socket's query string (or first `auth` frame) and REST's Authorization header. */
  token?: string;
  /** The refresh token, exchanged through the contract's refresh action when the access token expires. */
  refreshToken?: string;
  /** Obtain a fresh access token yourself instead of through the refresh action. */
  refresh?: () => Promise<string>;
  /** Called with the refresh action's response after every refresh. */
  onTokens?: (tokens: unknown) => void;
  /** The WebSocket implementation; `null` disables the socket (REST only). Default: `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructorLike | null;
  /** The fetch implementation. Default: `globalThis.fetch`. */
  fetch?: FetchLike;
  /** `auto` (default): the socket first, REST when it is unavailable. */
  transport?: "auto" | "websocket" | "rest";
  /** Per request (default 15 s). */
  requestTimeoutMs?: number;
  /** How long a request waits for the socket to open before it falls back to REST (default 5 s). */
  connectTimeoutMs?: number;
  /** Reconnect after a drop (default: on, exponential back-off with jitter). */
  reconnect?: boolean | ReconnectOptions;
  /** Application-level pings (default: on when the contract has ping frames). */
  heartbeat?: boolean | HeartbeatOptions;
  /** Refresh the token and retry once when a request answers `token_expired` (default: on). */
  retryOnTokenExpired?: boolean;
}

export interface RequestOptions {
  /** Overrides the client's request timeout. */
  timeoutMs?: number;
  /** Forces a transport for this request. */
  transport?: "auto" | "websocket" | "rest";
}

/** How int64 values are decoded: where they sit in each message. */
export type Codec =
  | 0
  | "i"
  | { d: string }
  | { u: readonly Codec[] }
  | { p?: { readonly [key: string]: Codec }; m?: Codec }
  | { a: Codec }
  | { t: readonly Codec[]; r?: Codec };

export interface ProtocolRoute {
  readonly method: string;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly string[];
  readonly body: boolean;
}

export interface ProtocolAction {
  readonly websocket: boolean;
  readonly rest: ProtocolRoute | null;
}

export interface ProtocolControl {
  readonly kind: string;
  readonly direction: "client" | "server";
  readonly when: { readonly [pointer: string]: unknown };
  readonly topics: string | null;
  readonly token: string | null;
  readonly id: boolean;
}

/** Everything the runtime needs to know about a contract; generated. */
export interface Protocol {
  readonly name: string;
  readonly version: string;
  /** The handshake's query parameter naming the contract version the client was built against. */
  readonly versionQuery: string | null;
  readonly websocketPath: string;
  readonly subprotocols: readonly string[];
  readonly auth: {
    readonly query: string | null;
    readonly firstMessage: boolean;
    readonly restHeader: string;
    readonly expiredEvent: string | null;
    readonly refreshAction: string | null;
    readonly refreshPayloadField: string | null;
    readonly accessTokenField: string | null;
    readonly refreshTokenField: string | null;
    readonly closeCode: number | null;
  };
  readonly heartbeat: { readonly intervalMs: number; readonly timeoutMs: number };
  readonly envelope: {
    readonly request: {
      readonly id: string;
      readonly idKind: "string" | "integer";
      readonly action: string;
      readonly payload: string;
      readonly constants: { readonly [pointer: string]: unknown };
    };
    readonly response: {
      readonly id: string;
      readonly status: { readonly pointer: string; readonly ok: unknown; readonly error: unknown } | null;
      readonly data: string;
      readonly error: string;
      readonly code: string;
      readonly message: string;
      readonly details: string;
      readonly codeType: "name" | "number";
    };
    readonly event: { readonly name: string; readonly data: string };
  };
  readonly controls: readonly ProtocolControl[];
  readonly actions: { readonly [action: string]: ProtocolAction };
  readonly events: readonly string[];
  readonly errorStatus: { readonly [code: string]: number };
  readonly rpcCodes: { readonly [rpcCode: string]: string };
  /** One RPC endpoint as the HTTP fallback: the request frame POSTed, its response frame back. */
  readonly rpc: { readonly endpoint: string | null; readonly sessionHeader: string | null };
  /** The member of a REST error body that holds the error object. */
  readonly restErrorMember: string;
  readonly int64: "number" | "bigint" | "string";
  readonly codecs: {
    readonly defs: { readonly [name: string]: Codec };
    readonly payload: { readonly [action: string]: Codec };
    readonly response: { readonly [action: string]: Codec };
    readonly events: { readonly [event: string]: Codec };
  };
}

type Json = { [key: string]: unknown };

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function segments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function getPointer(value: unknown, pointer: string): unknown {
  let current: unknown = value;
  for (const s of segments(pointer)) {
    if (Array.isArray(current)) current = current[Number(s)];
    else if (isObject(current)) current = current[s];
    else return undefined;
  }
  return current;
}

function setPointer(target: Json, pointer: string, value: unknown): Json {
  const parts = segments(pointer);
  if (parts.length === 0) {
    return isObject(value) ? Object.assign(target, value) : target;
  }
  let current: Json = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i] as string;
    const next = current[key];
    if (isObject(next)) current = next;
    else {
      const created: Json = {};
      current[key] = created;
      current = created;
    }
  }
  current[parts[parts.length - 1] as string] = value;
  return target;
}

/** The data of each event of a server-sent event stream (events with empty data left out). */
function sseData(stream: string): string[] {
  const out: string[] = [];
  let data: string | null = null;
  for (const line of stream.replace(/\r\n?/g, "\n").split("\n")) {
    if (line === "") {
      if (data) out.push(data);
      data = null;
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon >= 0 ? line.slice(0, colon) : line;
    let value = colon >= 0 ? line.slice(colon + 1) : "";
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data = data === null ? value : `${data}\n${value}`;
  }
  if (data) out.push(data);
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** An integer literal kept as text (beyond 2^53, or an int64 on its way out). */
class RawInt {
  // A plain field, not a parameter property (`constructor(readonly text: string)`): that is
  // TypeScript-only syntax, refused under `erasableSyntaxOnly` (Vite's default tsconfig) and by
  // Node's type stripping.
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** A JSON parser that keeps integers beyond 2^53 exact (as `RawInt`). */
function parseLossless(text: string): unknown {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxError(`invalid JSON at ${i}`);
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const out: Json = {};
      ws();
      if (text[i] === "}") {
        i++;
        return out;
      }
      for (;;) {
        ws();
        const key = value();
        if (typeof key !== "string") fail();
        ws();
        if (text[i] !== ":") fail();
        i++;
        out[key as string] = value();
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return out;
        }
        fail();
      }
    }
    if (c === "[") {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return out;
        }
        fail();
      }
    }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const s: unknown = JSON.parse(text.slice(i, j + 1));
      i = j + 1;
      return s;
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m) {
      i += m[0].length;
      if (m[1] === undefined && m[2] === undefined) {
        const n = Number(m[0]);
        return Number.isSafeInteger(n) ? n : new RawInt(m[0]);
      }
      return Number(m[0]);
    }
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail();
  };
  const out = value();
  ws();
  if (i !== text.length) fail();
  return out;
}

/** JSON text of a value that may hold bigints and `RawInt`s (written as plain numbers). */
function stringify(value: unknown): string {
  if (value instanceof RawInt) return value.text;
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : stringify(v))).join(",")}]`;
  if (isObject(value)) {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) parts.push(`${JSON.stringify(k)}:${stringify(v)}`);
    }
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Turns leftover `RawInt`s (outside int64 positions) into numbers. */
function settle(value: unknown): unknown {
  if (value instanceof RawInt) return Number(value.text);
  if (Array.isArray(value)) return value.map(settle);
  if (isObject(value)) {
    for (const k of Object.keys(value)) value[k] = settle(value[k]);
  }
  return value;
}

function scalarText(v: unknown): string | undefined {
  if (v instanceof RawInt) return v.text;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  return undefined;
}

interface Pending {
  action: string;
  resolve: (data: unknown) => void;
  reject: (error: FrameproofError) => void;
  timer: unknown;
  payload: unknown;
}

interface ControlWaiter {
  expect: string;
  id: string | null;
  resolve: (frame: Json) => void;
  reject: (error: FrameproofError) => void;
  timer: unknown;
}

interface OpenWaiter {
  wait: boolean;
  done: (open: boolean) => void;
}

type Handler = (data: unknown, frame: unknown) => void;

const REPLY: { readonly [kind: string]: string } = {
  ping: "pong",
  subscribe: "subscribed",
  unsubscribe: "unsubscribed",
  auth: "authenticated",
};

/** The transport machinery behind a generated `Client`: one socket, REST beside it. */
export class ClientCore {
  private readonly protocol: Protocol;
  private readonly options: CoreOptions;
  private readonly socketImpl: WebSocketConstructorLike | null;
  private readonly fetchImpl: FetchLike | null;
  private socket: WebSocketLike | null = null;
  private current: ConnectionState = "idle";
  private attempt = 0;
  private failuresSinceRefresh = 0;
  private closedByUser = false;
  private counter = 0;
  private readonly pending = new Map<string, Pending>();
  private controlWaiters: ControlWaiter[] = [];
  private openWaiters: OpenWaiter[] = [];
  private readonly wanted = new Set<string>();
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly anyHandlers = new Set<(event: string, data: unknown, frame: unknown) => void>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly errorListeners = new Set<(error: unknown) => void>();
  private reconnectTimer: unknown = null;
  private pingTimer: unknown = null;
  private livenessTimer: unknown = null;
  private refreshing: Promise<string> | null = null;
  private renewing: Promise<void> | null = null;
  private token: string | undefined;
  private refreshToken: string | undefined;
  private last: Transport | null = null;
  /** The session the RPC endpoint handed out (`rpc.sessionHeader`), sent back on later calls. */
  private rpcSession: string | null = null;

  constructor(protocol: Protocol, options: CoreOptions = {}) {
    this.protocol = protocol;
    this.options = options;
    this.token = options.token;
    this.refreshToken = options.refreshToken;
    const socket = options.WebSocket === undefined ? runtime.WebSocket : options.WebSocket;
    this.socketImpl = options.transport === "rest" ? null : (socket ?? null);
    const fetchImpl = options.fetch ?? runtime.fetch;
    this.fetchImpl = fetchImpl ? (url, init) => fetchImpl(url, init) : null;
  }

  /** The connection's state. */
  get state(): ConnectionState {
    return this.current;
  }

  /** The transport of the last request that got an answer. */
  get lastTransport(): Transport | null {
    return this.last;
  }

  /** The topics the client keeps subscribed (again after every reconnect). */
  get topics(): string[] {
    return [...this.wanted];
  }

  /** The current access token. */
  get accessToken(): string | undefined {
    return this.token;
  }

  setTokens(token: string, refreshToken?: string): void {
    this.token = token;
    if (refreshToken !== undefined) this.refreshToken = refreshToken;
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Failures nobody awaits: background refreshes, re-subscriptions, unreadable frames. */
  onError(listener: (error: unknown) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  on(event: string, handler: Handler): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  onAny(handler: (event: string, data: unknown, frame: unknown) => void): () => void {
    this.anyHandlers.add(handler);
    return () => this.anyHandlers.delete(handler);
  }

  /** Opens the socket; resolves when it is open (and authenticated). */
  async connect(): Promise<void> {
    this.closedByUser = false;
    if (!(await this.awaitOpen(this.connectTimeout(), true))) {
      throw this.unavailable();
    }
  }

  /** Closes the socket for good: no reconnect; pending requests fail with `closed`. */
  close(): void {
    this.closedByUser = true;
    cancel(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopHeartbeat();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      // keep a listener: Node's `ws` throws an error event nobody listens to
      socket.onerror = () => undefined;
      try {
        socket.close(1000, "client closed");
      } catch {
        // already closing
      }
    }
    this.failPending("closed", "the client was closed");
    this.settleOpenWaiters(false, true);
    this.setState("closed");
  }

  async request(action: string, payload: unknown, options: RequestOptions = {}): Promise<unknown> {
    const spec = this.protocol.actions[action];
    if (!spec) {
      throw new FrameproofError({ code: "unknown_action", message: `no action \`${action}\` in the contract`, action, transport: "client" });
    }
    const retry = this.options.retryOnTokenExpired !== false && this.canRefresh() && action !== this.protocol.auth.refreshAction;
    try {
      return await this.send(action, spec, payload, options);
    } catch (e) {
      if (retry && e instanceof FrameproofError && e.code === "token_expired") {
        await this.renewSession();
        return this.send(action, spec, payload, options);
      }
      throw e;
    }
  }

  private async send(action: string, spec: ProtocolAction, payload: unknown, options: RequestOptions): Promise<unknown> {
    const mode = options.transport ?? this.options.transport ?? "auto";
    const timeout = options.timeoutMs ?? this.options.requestTimeoutMs ?? 15000;
    // over HTTP: the action's REST route, else the contract's RPC endpoint
    const overHttp = spec.rest !== null || this.protocol.rpc.endpoint !== null;
    if (spec.websocket && mode !== "rest" && this.socketImpl && !this.closedByUser) {
      const mustWait = !overHttp || mode === "websocket";
      if (await this.awaitOpen(this.connectTimeout(), mustWait)) {
        return this.viaSocket(action, payload, timeout);
      }
      if (mustWait) throw this.unavailable(action);
    }
    if (!overHttp || mode === "websocket") throw this.unavailable(action);
    return spec.rest ? this.viaRest(action, spec.rest, payload, timeout, false) : this.viaRpc(action, payload, timeout);
  }

  /**
   * Sends a notification: a request without an id, which gets no answer (JSON-RPC). Over the
   * socket when it is open, else POSTed to the RPC endpoint.
   */
  async notify(action: string, payload: unknown): Promise<void> {
    const spec = this.protocol.actions[action];
    if (!spec) {
      throw new FrameproofError({ code: "unknown_action", message: `no action \`${action}\` in the contract`, action, transport: "client" });
    }
    const env = this.protocol.envelope.request;
    const frame: Json = {};
    setPointer(frame, env.action, action);
    if (payload !== undefined) setPointer(frame, env.payload, this.encode(this.protocol.codecs.payload[action], payload));
    for (const [pointer, value] of Object.entries(env.constants)) setPointer(frame, pointer, value);
    const socket = this.socket;
    if (spec.websocket && socket && this.current === "open") {
      socket.send(stringify(frame));
      return;
    }
    const endpoint = this.protocol.rpc.endpoint;
    const fetchImpl = this.fetchImpl;
    if (endpoint === null || !fetchImpl) throw this.unavailable(action);
    const headers: Record<string, string> = { Accept: "application/json, text/event-stream", "Content-Type": "application/json" };
    const sessionHeader = this.protocol.rpc.sessionHeader;
    if (sessionHeader !== null && this.rpcSession !== null) headers[sessionHeader] = this.rpcSession;
    const response = await fetchImpl(this.httpBase() + endpoint, { method: "POST", headers, body: stringify(frame) });
    if (response.status < 200 || response.status >= 300) {
      throw new FrameproofError({ code: this.codeForStatus(response.status), message: `HTTP ${response.status}`, status: response.status, action, transport: "rest" });
    }
  }

  async subscribe(topics: string[]): Promise<void> {
    const control = this.control("client", "subscribe");
    if (!control) throw new FrameproofError({ code: "websocket_unavailable", message: "this contract has no subscribe frame", transport: "client" });
    const fresh = topics.filter((t) => !this.wanted.has(t));
    for (const t of topics) this.wanted.add(t);
    if (!this.socketImpl || !(await this.awaitOpen(this.connectTimeout(), true))) {
      // kept: subscribed as soon as the socket opens
      throw this.unavailable();
    }
    if (topics.length === 0) return;
    try {
      await this.sendControl("subscribe", { topics });
    } catch (e) {
      for (const t of fresh) this.wanted.delete(t);
      throw e;
    }
  }

  async unsubscribe(topics: string[]): Promise<void> {
    for (const t of topics) this.wanted.delete(t);
    if (this.current === "open" && this.control("client", "unsubscribe") && topics.length > 0) {
      await this.sendControl("unsubscribe", { topics });
    }
  }

  /** Exchanges the refresh token for a new access token (one exchange at a time). */
  refresh(): Promise<string> {
    if (!this.refreshing) {
      const run = async (): Promise<string> => {
        if (this.options.refresh) {
          const token = await this.options.refresh();
          this.token = token;
          return token;
        }
        const auth = this.protocol.auth;
        const action = auth.refreshAction;
        const spec = action ? this.protocol.actions[action] : undefined;
        if (!action || !spec || !auth.refreshPayloadField || !auth.accessTokenField || this.refreshToken === undefined) {
          throw new FrameproofError({ code: "token_expired", message: "the access token expired and the client has no way to refresh it", transport: "client" });
        }
        const payload = { [auth.refreshPayloadField]: this.refreshToken };
        const timeout = this.options.requestTimeoutMs ?? 15000;
        const result = spec.rest
          ? await this.viaRest(action, spec.rest, payload, timeout, true)
          : await this.viaSocket(action, payload, timeout);
        const access = isObject(result) ? result[auth.accessTokenField] : undefined;
        if (typeof access !== "string") {
          throw new FrameproofError({ code: "bad_response", message: `\`${action}\` answered without \`${auth.accessTokenField}\``, action, transport: "rest" });
        }
        this.token = access;
        const next = isObject(result) && auth.refreshTokenField ? result[auth.refreshTokenField] : undefined;
        if (typeof next === "string") this.refreshToken = next;
        this.options.onTokens?.(result);
        return access;
      };
      this.refreshing = run().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  // ── the socket ──

  private connectTimeout(): number {
    return this.options.connectTimeoutMs ?? 5000;
  }

  private canRefresh(): boolean {
    return this.options.refresh !== undefined || (this.protocol.auth.refreshAction !== null && this.refreshToken !== undefined);
  }

  private unavailable(action?: string): FrameproofError {
    return new FrameproofError({
      code: "websocket_unavailable",
      message: action ? `\`${action}\` needs the WebSocket, which is not available` : "the WebSocket is not available",
      action,
      transport: "client",
    });
  }

  private setState(state: ConnectionState): void {
    if (this.current === state) return;
    this.current = state;
    for (const l of [...this.stateListeners]) {
      try {
        l(state);
      } catch (e) {
        this.report(e);
      }
    }
  }

  private report(error: unknown): void {
    for (const l of [...this.errorListeners]) {
      try {
        l(error);
      } catch {
        // a listener's own failure is not ours to handle
      }
    }
  }

  /** Resolves true once the socket is open; false when it cannot open (now, or within `ms`). */
  private awaitOpen(ms: number, wait: boolean): Promise<boolean> {
    if (!this.socketImpl) return Promise.resolve(false);
    if (this.current === "open" && this.socket) return Promise.resolve(true);
    if (this.closedByUser) return Promise.resolve(false);
    if (this.current === "reconnecting" && this.reconnectTimer !== null && !wait) {
      return Promise.resolve(false);
    }
    if (this.current === "idle" || this.current === "closed") this.openSocket();
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const waiter: OpenWaiter = {
        wait,
        done: (open) => {
          if (settled) return;
          settled = true;
          cancel(timer);
          resolve(open);
        },
      };
      const timer = later(() => {
        this.openWaiters = this.openWaiters.filter((w) => w !== waiter);
        waiter.done(false);
      }, ms);
      this.openWaiters.push(waiter);
    });
  }

  private settleOpenWaiters(open: boolean, all: boolean): void {
    const keep: OpenWaiter[] = [];
    for (const w of this.openWaiters) {
      if (open || all || !w.wait) w.done(open);
      else keep.push(w);
    }
    this.openWaiters = keep;
  }

  private socketUrl(): string {
    let url = this.options.wsUrl;
    if (!url) {
      const base = this.httpBase();
      url = base.replace(/^http/, "ws") + this.protocol.websocketPath;
    }
    const param = this.protocol.auth.query;
    if (param && this.token !== undefined) {
      url += `${url.includes("?") ? "&" : "?"}${encodeURIComponent(param)}=${encodeURIComponent(this.token)}`;
    }
    const version = this.protocol.versionQuery;
    if (version) {
      url += `${url.includes("?") ? "&" : "?"}${encodeURIComponent(version)}=${encodeURIComponent(this.protocol.version)}`;
    }
    return url;
  }

  private httpBase(): string {
    const base = this.options.url ?? runtime.location?.origin ?? "";
    return base.replace(/\/+$/, "");
  }

  private openSocket(): void {
    const Impl = this.socketImpl;
    if (!Impl || this.closedByUser) return;
    cancel(this.reconnectTimer);
    this.reconnectTimer = null;
    this.setState(this.attempt === 0 && this.current !== "reconnecting" ? "connecting" : "reconnecting");
    let socket: WebSocketLike;
    try {
      const protocols = this.protocol.subprotocols.length > 0 ? [...this.protocol.subprotocols] : undefined;
      socket = new Impl(this.socketUrl(), protocols) as WebSocketLike;
    } catch (e) {
      this.report(e);
      this.attemptFailed();
      return;
    }
    this.socket = socket;
    let opened = false;
    const giveUp = later(() => {
      if (!opened && this.socket === socket) {
        this.socket = null;
        try {
          socket.close();
        } catch {
          // never opened
        }
        this.attemptFailed();
      }
    }, this.connectTimeout());
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      cancel(giveUp);
      void this.opened(socket);
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(socket, event.data);
    };
    socket.onerror = () => {
      // a close event follows
    };
    socket.onclose = (event) => {
      cancel(giveUp);
      if (this.socket !== socket) return;
      this.socket = null;
      if (opened) this.dropped(event.code);
      else this.attemptFailed();
    };
  }

  private async opened(socket: WebSocketLike): Promise<void> {
    const auth = this.protocol.auth;
    if (!auth.query && auth.firstMessage && this.token !== undefined) {
      try {
        await this.sendControl("auth", { token: this.token }, socket);
      } catch (e) {
        this.report(e);
        try {
          socket.close(4000, "authentication failed");
        } catch {
          // closing anyway
        }
        return;
      }
    }
    if (this.socket !== socket) return;
    this.attempt = 0;
    this.failuresSinceRefresh = 0;
    this.setState("open");
    this.startHeartbeat();
    this.settleOpenWaiters(true, true);
    if (this.wanted.size > 0 && this.control("client", "subscribe")) {
      this.sendControl("subscribe", { topics: [...this.wanted] }).catch((e: unknown) => this.report(e));
    }
  }

  private attemptFailed(): void {
    this.stopHeartbeat();
    this.attempt += 1;
    this.failuresSinceRefresh += 1;
    this.settleOpenWaiters(false, false);
    this.scheduleReconnect();
  }

  private dropped(code: number | undefined): void {
    this.stopHeartbeat();
    this.failControls("connection_lost", "the connection closed");
    for (const [id, p] of [...this.pending]) {
      this.pending.delete(id);
      cancel(p.timer);
      const route = this.protocol.actions[p.action]?.rest;
      if (route && route.method === "GET") {
        // safe to repeat: answer over REST
        this.viaRest(p.action, route, p.payload, this.options.requestTimeoutMs ?? 15000, false).then(p.resolve, p.reject);
      } else {
        p.reject(new FrameproofError({ code: "connection_lost", message: "the connection closed before the answer came", action: p.action, transport: "websocket" }));
      }
    }
    if (code !== undefined && code === this.protocol.auth.closeCode && this.canRefresh()) {
      this.refresh().catch((e: unknown) => this.report(e));
    }
    this.scheduleReconnect();
  }

  private reconnectOptions(): ReconnectOptions | null {
    const r = this.options.reconnect;
    if (r === false) return null;
    return r === true || r === undefined ? {} : r;
  }

  private scheduleReconnect(): void {
    const r = this.reconnectOptions();
    if (this.closedByUser) {
      this.setState("closed");
      return;
    }
    if (!r || (r.maxAttempts !== undefined && this.attempt >= r.maxAttempts)) {
      this.attempt = 0;
      this.settleOpenWaiters(false, true);
      this.setState("idle");
      return;
    }
    const initial = r.initialDelayMs ?? 250;
    const max = r.maxDelayMs ?? 30000;
    const factor = r.factor ?? 2;
    const jitter = Math.min(1, Math.max(0, r.jitter ?? 0.5));
    const base = Math.min(max, initial * Math.pow(factor, Math.max(0, this.attempt - 1)));
    const delay = base * (1 - jitter * Math.random());
    this.setState("reconnecting");
    cancel(this.reconnectTimer);
    this.reconnectTimer = later(() => {
      this.reconnectTimer = null;
      if (this.failuresSinceRefresh >= 2 && this.canRefresh()) {
        // a refused handshake is often an expired token
        this.failuresSinceRefresh = 0;
        this.refresh().then(
          () => this.openSocket(),
          (e: unknown) => {
            this.report(e);
            this.openSocket();
          },
        );
        return;
      }
      this.openSocket();
    }, delay);
  }

  private heartbeatOptions(): { intervalMs: number; timeoutMs: number } | null {
    const h = this.options.heartbeat;
    if (h === false || !this.control("client", "ping")) return null;
    const o = h === true || h === undefined ? {} : h;
    return {
      intervalMs: o.intervalMs ?? this.protocol.heartbeat.intervalMs,
      timeoutMs: o.timeoutMs ?? this.protocol.heartbeat.timeoutMs,
    };
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    const h = this.heartbeatOptions();
    if (!h) return;
    this.pingTimer = later(() => {
      this.pingTimer = null;
      const socket = this.socket;
      if (!socket || this.current !== "open") return;
      this.sendControl("ping", {}).catch(() => undefined);
      this.livenessTimer = later(() => {
        this.livenessTimer = null;
        if (this.socket === socket) {
          try {
            socket.close(4000, "heartbeat timeout");
          } catch {
            // closing anyway
          }
          this.socket = null;
          this.dropped(undefined);
        }
      }, h.timeoutMs);
    }, h.intervalMs);
  }

  private stopHeartbeat(): void {
    cancel(this.pingTimer);
    cancel(this.livenessTimer);
    this.pingTimer = null;
    this.livenessTimer = null;
  }

  private control(direction: "client" | "server", kind: string): ProtocolControl | undefined {
    return this.protocol.controls.find((c) => c.direction === direction && c.kind === kind);
  }

  private nextId(): string | number {
    this.counter += 1;
    return this.protocol.envelope.request.idKind === "integer" ? this.counter : `c${this.counter}`;
  }

  private sendControl(kind: string, parts: { topics?: string[]; token?: string }, on?: WebSocketLike): Promise<Json> {
    const socket = on ?? this.socket;
    const control = this.control("client", kind);
    if (!socket || !control) {
      return Promise.reject(this.unavailable());
    }
    const frame: Json = {};
    for (const [pointer, value] of Object.entries(control.when)) setPointer(frame, pointer, value);
    if (control.topics && parts.topics) setPointer(frame, control.topics, parts.topics);
    if (control.token && parts.token !== undefined) setPointer(frame, control.token, parts.token);
    let id: string | null = null;
    if (control.id) {
      const n = this.nextId();
      id = String(n);
      frame["id"] = n;
    }
    const reply = REPLY[kind];
    const expect = reply && this.control("server", reply) ? reply : null;
    return new Promise<Json>((resolve, reject) => {
      if (expect) {
        const waiter: ControlWaiter = {
          expect,
          id,
          resolve,
          reject,
          timer: later(() => {
            this.controlWaiters = this.controlWaiters.filter((w) => w !== waiter);
            reject(new FrameproofError({ code: "timeout", message: `no \`${expect}\` within the timeout`, transport: "websocket" }));
          }, this.options.requestTimeoutMs ?? 15000),
        };
        this.controlWaiters.push(waiter);
      }
      try {
        socket.send(stringify(frame));
      } catch (e) {
        reject(new FrameproofError({ code: "connection_lost", message: String(e), transport: "websocket" }));
        return;
      }
      if (!expect) resolve(frame);
    });
  }

  private failControls(code: TransportErrorCode, message: string): void {
    const waiters = this.controlWaiters;
    this.controlWaiters = [];
    for (const w of waiters) {
      cancel(w.timer);
      w.reject(new FrameproofError({ code, message, transport: "websocket" }));
    }
  }

  private failPending(code: TransportErrorCode, message: string): void {
    for (const [id, p] of [...this.pending]) {
      this.pending.delete(id);
      cancel(p.timer);
      p.reject(new FrameproofError({ code, message, action: p.action, transport: "websocket" }));
    }
    this.failControls(code, message);
  }

  private viaSocket(action: string, payload: unknown, timeout: number): Promise<unknown> {
    const socket = this.socket;
    if (!socket) return Promise.reject(this.unavailable(action));
    const env = this.protocol.envelope.request;
    const id = this.nextId();
    const frame: Json = {};
    setPointer(frame, env.id, id);
    setPointer(frame, env.action, action);
    setPointer(frame, env.payload, this.encode(this.protocol.codecs.payload[action], payload));
    for (const [pointer, value] of Object.entries(env.constants)) setPointer(frame, pointer, value);
    return new Promise<unknown>((resolve, reject) => {
      const key = String(id);
      const timer = later(() => {
        if (this.pending.delete(key)) {
          reject(new FrameproofError({ code: "timeout", message: `no answer to \`${action}\` within ${timeout} ms`, action, transport: "websocket" }));
        }
      }, timeout);
      this.pending.set(key, { action, payload, timer, resolve, reject });
      try {
        socket.send(stringify(frame));
      } catch (e) {
        this.pending.delete(key);
        cancel(timer);
        reject(new FrameproofError({ code: "connection_lost", message: String(e), action, transport: "websocket" }));
      }
    });
  }

  private receive(socket: WebSocketLike, data: unknown): void {
    if (this.livenessTimer !== null || this.pingTimer !== null) this.startHeartbeat();
    const text = typeof data === "string" ? data : String(data);
    let frame: unknown;
    try {
      frame = this.decodeText(text);
    } catch (e) {
      this.report(e);
      return;
    }
    if (!isObject(frame)) return;
    for (const c of this.protocol.controls) {
      if (c.direction === "server" && Object.entries(c.when).every(([p, v]) => sameJson(getPointer(frame, p), v))) {
        this.onControl(socket, c, frame);
        return;
      }
    }
    const r = this.protocol.envelope.response;
    const id = getPointer(frame, r.id);
    const status = r.status;
    const isResponse = status
      ? [status.ok, status.error].some((v) => sameJson(getPointer(frame, status.pointer), v))
      : id !== undefined && (getPointer(frame, r.data) !== undefined || getPointer(frame, r.error) !== undefined);
    if (isResponse) {
      this.onResponse(frame, id);
      return;
    }
    const name = getPointer(frame, this.protocol.envelope.event.name);
    if (typeof name === "string" && this.protocol.events.includes(name)) {
      this.onEvent(name, frame);
    }
  }

  private onControl(socket: WebSocketLike, control: ProtocolControl, frame: Json): void {
    if (control.kind === "ping") {
      const pong = this.control("client", "pong");
      if (pong) {
        const reply: Json = {};
        for (const [p, v] of Object.entries(pong.when)) setPointer(reply, p, v);
        if (pong.id && frame["id"] !== undefined) reply["id"] = frame["id"];
        try {
          socket.send(stringify(reply));
        } catch {
          // the close event follows
        }
      }
      return;
    }
    const id = frame["id"] === undefined || frame["id"] === null ? null : String(frame["id"]);
    const waiter =
      (id !== null ? this.controlWaiters.find((w) => w.id === id && w.expect === control.kind) : undefined) ??
      this.controlWaiters.find((w) => w.expect === control.kind);
    if (waiter) {
      this.controlWaiters = this.controlWaiters.filter((w) => w !== waiter);
      cancel(waiter.timer);
      waiter.resolve(frame);
    }
  }

  private errorOf(frame: Json, action: string | undefined): FrameproofError {
    const r = this.protocol.envelope.response;
    const error = getPointer(frame, r.error);
    const raw = getPointer(error, r.code);
    const code = r.codeType === "number" ? (this.protocol.rpcCodes[String(raw)] ?? String(raw)) : String(raw);
    const message = getPointer(error, r.message);
    return new FrameproofError({
      code,
      message: typeof message === "string" ? message : code,
      status: this.protocol.errorStatus[code],
      details: getPointer(error, r.details),
      action,
      transport: "websocket",
    });
  }

  private onResponse(frame: Json, id: unknown): void {
    const r = this.protocol.envelope.response;
    const key = id === undefined || id === null ? null : String(id);
    const pending = key !== null ? this.pending.get(key) : undefined;
    const isError = r.status
      ? sameJson(getPointer(frame, r.status.pointer), r.status.error)
      : getPointer(frame, r.error) !== undefined;
    if (pending && key !== null) {
      this.pending.delete(key);
      cancel(pending.timer);
      if (isError) {
        pending.reject(this.errorOf(frame, pending.action));
      } else {
        this.last = "websocket";
        pending.resolve(this.decode(this.protocol.codecs.response[pending.action], getPointer(frame, r.data)));
      }
      return;
    }
    const waiter = key !== null ? this.controlWaiters.find((w) => w.id === key) : undefined;
    if (waiter && isError) {
      this.controlWaiters = this.controlWaiters.filter((w) => w !== waiter);
      cancel(waiter.timer);
      waiter.reject(this.errorOf(frame, undefined));
      return;
    }
    if (isError) this.report(this.errorOf(frame, undefined));
  }

  private onEvent(name: string, frame: Json): void {
    const pointer = this.protocol.envelope.event.data;
    const data = this.decode(this.protocol.codecs.events[name], pointer === "" ? frame : getPointer(frame, pointer));
    if (name === this.protocol.auth.expiredEvent) this.onTokenExpired();
    for (const h of [...(this.handlers.get(name) ?? [])]) {
      try {
        h(data, frame);
      } catch (e) {
        this.report(e);
      }
    }
    for (const h of [...this.anyHandlers]) {
      try {
        h(name, data, frame);
      } catch (e) {
        this.report(e);
      }
    }
  }

  /** The server said the token expired: refresh over REST, then re-authenticate this socket. */
  private onTokenExpired(): void {
    if (!this.canRefresh()) return;
    this.renewSession().catch((e: unknown) => this.report(e));
  }

  /** A fresh token, sent on the open socket as an `auth` frame (one renewal at a time). */
  private renewSession(): Promise<void> {
    if (!this.renewing) {
      const run = async (): Promise<void> => {
        const token = await this.refresh();
        const socket = this.socket;
        if (socket && this.current === "open" && this.control("client", "auth")) {
          await this.sendControl("auth", { token }, socket);
        }
      };
      this.renewing = run().finally(() => {
        this.renewing = null;
      });
    }
    return this.renewing;
  }

  // ── the RPC endpoint ──

  /**
   * The request frame POSTed to the RPC endpoint; the answer is the response frame, or a
   * server-sent event stream whose events are frames (events among them are dispatched).
   */
  private async viaRpc(action: string, payload: unknown, timeout: number): Promise<unknown> {
    const fetchImpl = this.fetchImpl;
    const endpoint = this.protocol.rpc.endpoint;
    if (!fetchImpl || endpoint === null) {
      throw new FrameproofError({ code: "network", message: "no fetch implementation or no RPC endpoint", action, transport: "client" });
    }
    const env = this.protocol.envelope.request;
    const id = this.nextId();
    const frame: Json = {};
    setPointer(frame, env.id, id);
    setPointer(frame, env.action, action);
    setPointer(frame, env.payload, this.encode(this.protocol.codecs.payload[action], payload));
    for (const [pointer, value] of Object.entries(env.constants)) setPointer(frame, pointer, value);
    const headers: Record<string, string> = { Accept: "application/json, text/event-stream", "Content-Type": "application/json" };
    const sessionHeader = this.protocol.rpc.sessionHeader;
    if (sessionHeader !== null && this.rpcSession !== null) headers[sessionHeader] = this.rpcSession;
    if (this.token !== undefined) {
      const header = this.protocol.auth.restHeader;
      const colon = header.indexOf(":");
      const prefix = colon >= 0 ? header.slice(colon + 1).trim() : "";
      headers[(colon >= 0 ? header.slice(0, colon) : header).trim()] = prefix ? `${prefix} ${this.token}` : this.token;
    }
    const Abort = runtime.AbortController;
    const abort = Abort ? new Abort() : null;
    const init: RestInit & { signal?: unknown } = { method: "POST", headers, body: stringify(frame) };
    if (abort) init.signal = abort.signal;
    let timer: unknown = null;
    const timedOut = new Promise<never>((_, reject) => {
      timer = later(() => {
        abort?.abort();
        reject(new FrameproofError({ code: "timeout", message: `no answer to \`${action}\` within ${timeout} ms`, action, transport: "rest" }));
      }, timeout);
    });
    try {
      const response = await Promise.race([
        fetchImpl(this.httpBase() + endpoint, init).then(
          (r) => r,
          (e: unknown) => {
            throw e instanceof FrameproofError ? e : new FrameproofError({ code: "network", message: String(e), action, transport: "rest" });
          },
        ),
        timedOut,
      ]);
      const handed = sessionHeader !== null ? response.headers?.get?.(sessionHeader) : null;
      if (typeof handed === "string" && handed !== "") this.rpcSession = handed;
      const text = await Promise.race([response.text(), timedOut]);
      const streamed = (response.headers?.get?.("content-type") ?? "").toLowerCase().startsWith("text/event-stream");
      const frames = streamed ? sseData(text) : text.trim() === "" ? [] : [text];
      const r = this.protocol.envelope.response;
      for (const raw of frames) {
        let answer: unknown;
        try {
          answer = this.decodeText(raw);
        } catch {
          throw new FrameproofError({ code: "bad_response", message: "the RPC answer is not JSON", status: response.status, action, transport: "rest" });
        }
        if (!isObject(answer)) continue;
        if (sameJson(getPointer(answer, r.id), id)) {
          const isError = r.status ? sameJson(getPointer(answer, r.status.pointer), r.status.error) : getPointer(answer, r.error) !== undefined;
          if (isError) {
            const error = this.errorOf(answer, action);
            throw new FrameproofError({ code: error.code, message: error.message, status: error.status, details: error.details, action, transport: "rest" });
          }
          this.last = "rest";
          return this.decode(this.protocol.codecs.response[action], getPointer(answer, r.data));
        }
        const name = getPointer(answer, this.protocol.envelope.event.name);
        if (typeof name === "string" && this.protocol.events.includes(name)) this.onEvent(name, answer);
      }
      throw new FrameproofError({ code: "bad_response", message: `the RPC endpoint answered HTTP ${response.status} without the response to \`${action}\``, status: response.status, action, transport: "rest" });
    } finally {
      cancel(timer);
    }
  }

  // ── REST ──

  private async viaRest(action: string, route: ProtocolRoute, payload: unknown, timeout: number, anonymous: boolean): Promise<unknown> {
    const fetchImpl = this.fetchImpl;
    if (!fetchImpl) {
      throw new FrameproofError({ code: "network", message: "no fetch implementation: pass `fetch` in the options", action, transport: "client" });
    }
    const encoded = this.encode(this.protocol.codecs.payload[action], payload);
    const fields: Json = isObject(encoded) ? encoded : {};
    const missing: string[] = [];
    const path = route.path.replace(/\{([^}]+)\}/g, (_whole: string, name: string) => {
      const text = scalarText(fields[name]);
      if (text === undefined) {
        missing.push(name);
        return "";
      }
      return encodeURIComponent(text);
    });
    if (missing.length > 0) {
      throw new FrameproofError({ code: "validation_failed", message: `the payload has no scalar \`${missing.join("`, `")}\` for the path ${route.path}`, action, transport: "client" });
    }
    const rest: Json = {};
    for (const [k, v] of Object.entries(fields)) {
      if (!route.pathParams.includes(k)) rest[k] = v;
    }
    const headers: Record<string, string> = { Accept: "application/json" };
    let body: string | undefined;
    let query = "";
    if (route.body) {
      body = isObject(encoded) || encoded === undefined || encoded === null ? stringify(rest) : stringify(encoded);
      headers["Content-Type"] = "application/json";
    } else {
      const parts: string[] = [];
      for (const [k, v] of Object.entries(rest)) {
        for (const item of Array.isArray(v) ? v : [v]) {
          if (item === null || item === undefined) continue;
          const text = scalarText(item);
          if (text === undefined) {
            throw new FrameproofError({ code: "validation_failed", message: `\`${k}\` cannot travel in a query string`, action, transport: "client" });
          }
          parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(text)}`);
        }
      }
      if (parts.length > 0) query = `?${parts.join("&")}`;
    }
    if (!anonymous && this.token !== undefined) {
      const header = this.protocol.auth.restHeader;
      const colon = header.indexOf(":");
      if (colon >= 0) {
        const prefix = header.slice(colon + 1).trim();
        headers[header.slice(0, colon).trim()] = prefix ? `${prefix} ${this.token}` : this.token;
      } else {
        headers[header.trim()] = this.token;
      }
    }
    const Abort = runtime.AbortController;
    const abort = Abort ? new Abort() : null;
    const init: RestInit & { signal?: unknown } = { method: route.method, headers };
    if (body !== undefined) init.body = body;
    if (abort) init.signal = abort.signal;
    let timer: unknown = null;
    const timedOut = new Promise<never>((_, reject) => {
      timer = later(() => {
        abort?.abort();
        reject(new FrameproofError({ code: "timeout", message: `no answer to \`${action}\` within ${timeout} ms`, action, transport: "rest" }));
      }, timeout);
    });
    try {
      const response = await Promise.race([
        fetchImpl(this.httpBase() + path + query, init).then(
          (r) => r,
          (e: unknown) => {
            throw e instanceof FrameproofError ? e : new FrameproofError({ code: "network", message: String(e), action, transport: "rest" });
          },
        ),
        timedOut,
      ]);
      const text = await Promise.race([response.text(), timedOut]);
      let parsed: unknown = null;
      let readable = true;
      if (text.trim() !== "") {
        try {
          parsed = this.decodeText(text);
        } catch {
          readable = false;
        }
      }
      if (response.status >= 200 && response.status < 300) {
        if (!readable) {
          throw new FrameproofError({ code: "bad_response", message: "the response is not JSON", status: response.status, action, transport: "rest" });
        }
        this.last = "rest";
        return this.decode(this.protocol.codecs.response[action], parsed);
      }
      // the REST error body holds the error object the envelope describes, under its member
      const r = this.protocol.envelope.response;
      const error = isObject(parsed) ? parsed[this.protocol.restErrorMember] : undefined;
      const rawCode = isObject(error) ? getPointer(error, r.code) : undefined;
      const known = r.codeType === "number" ? this.protocol.rpcCodes[String(rawCode)] : typeof rawCode === "string" ? rawCode : undefined;
      const code = known ?? this.codeForStatus(response.status);
      const rawMessage = isObject(error) ? getPointer(error, r.message) : undefined;
      const message = typeof rawMessage === "string" ? rawMessage : `HTTP ${response.status}`;
      throw new FrameproofError({
        code,
        message,
        status: response.status,
        details: isObject(error) ? getPointer(error, r.details) : undefined,
        action,
        transport: "rest",
      });
    } finally {
      cancel(timer);
    }
  }

  private codeForStatus(status: number): string {
    for (const [code, s] of Object.entries(this.protocol.errorStatus)) {
      if (s === status) return code;
    }
    return status >= 500 ? "internal" : "bad_request";
  }

  // ── int64 codecs ──

  private decodeText(text: string): unknown {
    return this.protocol.int64 === "number" ? JSON.parse(text) : parseLossless(text);
  }

  private decode(codec: Codec | undefined, value: unknown): unknown {
    if (this.protocol.int64 === "number") return value;
    return settle(this.walk(codec ?? 0, value, true));
  }

  private encode(codec: Codec | undefined, value: unknown): unknown {
    if (this.protocol.int64 === "number" || codec === undefined || codec === 0) return value;
    return this.walk(codec, structuredCopy(value), false);
  }

  private walk(codec: Codec, value: unknown, inbound: boolean): unknown {
    if (codec === 0 || value === null || value === undefined) return value;
    if (codec === "i") {
      if (inbound) {
        if (value instanceof RawInt) return this.protocol.int64 === "bigint" ? BigInt(value.text) : value.text;
        if (typeof value === "number" && Number.isInteger(value)) {
          return this.protocol.int64 === "bigint" ? BigInt(value) : String(value);
        }
        return value;
      }
      if (typeof value === "bigint") return new RawInt(value.toString());
      if (typeof value === "string" && /^-?\d+$/.test(value)) return new RawInt(value);
      return value;
    }
    if ("d" in codec) {
      const def = this.protocol.codecs.defs[codec.d];
      return def === undefined ? value : this.walk(def, value, inbound);
    }
    if ("u" in codec) {
      let v: unknown = value;
      for (const c of codec.u) v = this.walk(c, v, inbound);
      return v;
    }
    if ("a" in codec) {
      return Array.isArray(value) ? value.map((v) => this.walk(codec.a, v, inbound)) : value;
    }
    if ("t" in codec) {
      if (!Array.isArray(value)) return value;
      return value.map((v, i) => {
        const c = codec.t[i] ?? codec.r;
        return c === undefined ? v : this.walk(c, v, inbound);
      });
    }
    if (!isObject(value)) return value;
    for (const k of Object.keys(value)) {
      const c = codec.p?.[k] ?? codec.m;
      if (c !== undefined) value[k] = this.walk(c, value[k], inbound);
    }
    return value;
  }
}

function structuredCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(structuredCopy);
  if (isObject(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = structuredCopy(v);
    return out;
  }
  return value;
}
