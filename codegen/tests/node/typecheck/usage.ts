// Compiled with `tsc --strict` against the client generated for the reference contract (see
// codegen/tests/typescript.rs). Every `@ts-expect-error` line must be an error: the types
// reject wrong actions, payloads, events, topics and error codes.

import {
  createClient,
  isActionError,
  type ActionErrorCode,
  type ClientFrame,
  type MessageBody,
  type ServerFrame,
  type TransportErrorCode,
} from "./gen/index.js";

declare function use(...values: unknown[]): void;

const client = createClient({ url: "http://localhost:8080", token: "at_1", refreshToken: "rt_1", onTokens: (t) => use(t.access_token, t.expires_at) });

export async function demo(): Promise<void> {
  const entry = await client.request("time_entries.start", { project_id: "proj_1", description: "Review" });
  const started: string = entry.started_at;
  const stopped: string | null = entry.stopped_at;
  use(started, stopped);
  // @ts-expect-error -- no such action
  await client.request("time_entries.begin", {});
  // @ts-expect-error -- the payload lacks project_id
  await client.request("time_entries.start", { description: "Review" });
  // @ts-expect-error -- project_id is a string
  await client.request("time_entries.start", { project_id: 1, description: "Review" });
  // @ts-expect-error -- not a member of the payload
  await client.request("projects.get", { id: "proj_1", extra: true });
  await client.request("time_entries.stop", {});
  const todo = await client.request("tasks.list", { status: "todo" });
  use(todo.map((t) => t.title));
  // @ts-expect-error -- not a TaskStatus
  await client.request("tasks.list", { status: "doing" });
  await client.request("tasks.update", { id: "task_1", assignee_id: null });

  client.on("TaskUpdated", (data, frame) => {
    const id: string = data.task_id;
    const topic: `task:${string}` = frame.topic;
    use(id, topic, data.task.status);
  });
  client.on("TimeEntryStarted", (data, frame) => {
    use(frame.org_id, data.entry_id);
    // @ts-expect-error -- not a member of TimeEntryStarted
    use(data.task_id);
  });
  // @ts-expect-error -- no such event
  client.on("TaskRenamed", () => undefined);
  await client.subscribe("task:task_1", "chat:general");
  // @ts-expect-error -- not a topic of the contract
  await client.subscribe("board:1");

  try {
    await client.request("projects.get", { id: "proj_404" });
  } catch (e) {
    if (isActionError(e, "projects.get")) {
      const code: "not_found" | "validation_failed" | "unauthorized" | "token_expired" | "bad_request" | "internal" | "unknown_action" | TransportErrorCode = e.code;
      // @ts-expect-error -- projects.get does not declare conflict
      const other: typeof e.code = "conflict";
      use(code, other, e.status, e.details);
    }
  }
  const result = await client.tryRequest("tasks.update", { id: "task_1", status: null });
  if (!result.ok) {
    const code: ActionErrorCode<"tasks.update"> | TransportErrorCode = result.error.code;
    use(code);
  } else {
    use(result.data.updated_at);
  }

  const msg = await client.request("chat.send", { room: "general", body: { kind: "text", text: "hi" } });
  if (msg.body.kind === "attachment") {
    const size: number = msg.body.size_bytes;
    use(size);
  }
  // @ts-expect-error -- a text body has no url
  await client.request("chat.send", { room: "general", body: { kind: "text", url: "https://x" } });
  const body: MessageBody = { kind: "mention", user_id: "usr_bob", text: "@bob" };
  use(body);

  const request: ClientFrame = { id: "req_1", action: "projects.get", payload: { id: "proj_1" } };
  // @ts-expect-error -- the payload is not projects.get's
  const wrong: ClientFrame = { id: "req_1", action: "projects.get", payload: { name: "x" } };
  // @ts-expect-error -- auth.refresh is served over REST only
  const restOnly: ClientFrame = { id: "req_1", action: "auth.refresh", payload: { refresh_token: "rt" } };
  const event: ServerFrame = { event: "TaskDeleted", topic: "task:task_1", data: { task_id: "task_1" } };
  const error: ServerFrame = { id: null, status: "error", error: { code: "bad_request", message: "not JSON" } };
  const control: ClientFrame = { type: "subscribe", topics: ["task:task_1"] };
  use(request, wrong, restOnly, event, error, control, client.state, client.lastTransport);
}
