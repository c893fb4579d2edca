// Launcher for the stock @modelcontextprotocol/server-everything server (unchanged tools,
// resources, prompts) behind the official SDK's StreamableHTTPServerTransport with
// enableJsonResponse: true, so POST answers are plain application/json instead of SSE.
// Only this wiring is ours; it mirrors dist/transports/streamableHttp.js of the package
// (session map, same 400 errors) minus the SSE event store, and binds to HOST (127.0.0.1).
// Usage: HOST=127.0.0.1 PORT=3902 node json-mode.mjs   -> http://HOST:PORT/mcp
import http from "node:http";
import { randomUUID } from "node:crypto";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createServer } from "@modelcontextprotocol/server-everything/dist/server/index.js";

const HOST = process.env.HOST || "127.0.0.1";
const PORT = Number(process.env.PORT || 3902);
const transports = new Map();

function badSession(res) {
  res.writeHead(400, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message: "Bad Request: No valid session ID provided" }, id: null }));
}

const httpServer = http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host || "localhost"}`);
  if (url.pathname !== "/mcp") { res.writeHead(404).end(); return; }
  const sid = req.headers["mcp-session-id"];
  try {
    if (sid && transports.has(sid)) { await transports.get(sid).handleRequest(req, res); return; }
    if (req.method === "POST" && !sid) {
      const { server, cleanup } = createServer();
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: true,
        onsessioninitialized: (id) => transports.set(id, transport),
      });
      server.server.onclose = async () => {
        const id = transport.sessionId;
        if (id && transports.has(id)) { transports.delete(id); cleanup(id); }
      };
      await server.connect(transport);
      await transport.handleRequest(req, res);
      return;
    }
    badSession(res);
  } catch (err) {
    console.error("error handling MCP request:", err);
    if (!res.headersSent) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32603, message: "Internal server error" }, id: null }));
    }
  }
});
httpServer.listen(PORT, HOST, () => console.error(`MCP everything (JSON responses) on http://${HOST}:${PORT}/mcp`));
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
