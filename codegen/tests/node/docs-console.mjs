// Drives the HTML reference's console in headless Chromium (Debian's, through playwright-core)
// against two reference servers: a faithful one and one started with the response-shape fault.
//   node docs-console.mjs <index.html> <out-dir>
// Env: FP_CHROMIUM, FP_WS_URL, FP_HTTP_URL (faithful server), FP_FAULTY_WS_URL, FP_FAULTY_HTTP_URL,
// FP_ALICE_TOKEN, FP_BOB_TOKEN.
// Checks: no request and no socket before connect; two actions answered and found conforming;
// a broadcast seen by a second page; an action over REST (the REST button) answered and
// conforming; the faulty server's time entry flagged at /data/started_at, and over REST at
// /started_at. The servers allow the file page's origin (`null`) for REST.
// Writes screenshots into <out-dir>; prints a JSON report; exits 1 when a check fails.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [file, outDir] = process.argv.slice(2);
const env = process.env;
const failures = [];
const facts = {};
const check = (ok, what) => {
  if (!ok) failures.push(what);
};
const WAIT = { timeout: 15000 };

const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "fp-chromium-")), {
  executablePath: env.FP_CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 1000 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// A page of the reference with what it asks of the network counted.
async function open(name) {
  const page = await context.newPage();
  const seen = { requests: [], sockets: [], errors: [] };
  page.on("request", (r) => {
    if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) seen.requests.push(r.url());
  });
  page.on("websocket", (ws) => seen.sockets.push(ws.url()));
  page.on("pageerror", (e) => seen.errors.push(`${name}: ${e}`));
  await page.goto(pathToFileURL(file).href);
  return { page, seen, name };
}

async function connect({ page }, wsUrl, httpUrl, token) {
  await page.fill("#fp-ws-url", wsUrl);
  await page.fill("#fp-rest-url", `${httpUrl}/api`);
  await page.fill("#fp-token", token);
  await page.selectOption("#fp-auth", "query");
  await page.click("#fp-connect");
  await page.waitForSelector('#fp-status[data-state="connected"]', WAIT);
}

// Sends `action` over the WebSocket with `fields` typed into the form; returns the log entry
// of its response once it has arrived.
async function send({ page }, action, fields = {}) {
  await page.selectOption("#fp-action", action);
  for (const [name, value] of Object.entries(fields)) {
    await page.fill(`#fp-form [data-field="${name}"]`, value);
  }
  const before = await page.locator(`#fp-log li[data-label="response to ${action}"]`).count();
  await page.click("#fp-send-ws");
  const entries = page.locator(`#fp-log li[data-label="response to ${action}"]`);
  await page.waitForFunction(
    ([selector, n]) => document.querySelectorAll(selector).length > n,
    [`#fp-log li[data-label="response to ${action}"]`, before],
    WAIT,
  );
  // the log shows the newest entry first
  return entries.first();
}

// Sends `action` over REST (the console's REST button); returns the log entry of its answer.
async function sendRest({ page }, action, fields = {}) {
  await page.selectOption("#fp-action", action);
  for (const [name, value] of Object.entries(fields)) {
    await page.fill(`#fp-form [data-field="${name}"]`, value);
  }
  const selector = `#fp-log li[data-label$=" to ${action}"]`;
  const before = await page.locator(selector).count();
  await page.click("#fp-send-rest");
  await page.waitForFunction(([s, n]) => document.querySelectorAll(s).length > n, [selector, before], WAIT);
  return page.locator(selector).first();
}

async function entryFacts(entry) {
  return {
    verdict: await entry.getAttribute("data-verdict"),
    text: await entry.innerText(),
    frame: JSON.parse(await entry.locator("pre").innerText()),
  };
}

try {
  const alice = await open("alice");
  await alice.page.waitForTimeout(500);
  check(alice.seen.requests.length === 0, `no request before connect: ${alice.seen.requests.join(", ")}`);
  check(alice.seen.sockets.length === 0, `no socket before connect: ${alice.seen.sockets.join(", ")}`);
  facts.prefilled = await alice.page.inputValue("#fp-ws-url");
  check(facts.prefilled.endsWith("/ws"), `the WebSocket URL is prefilled from the contract: ${facts.prefilled}`);
  await alice.page.locator("#console").screenshot({ path: join(outDir, "console-idle.png") });

  await connect(alice, env.FP_WS_URL, env.FP_HTTP_URL, env.FP_ALICE_TOKEN);
  check(alice.seen.sockets.length === 1, `one socket after connect: ${alice.seen.sockets.join(", ")}`);
  const bob = await open("bob");
  await connect(bob, env.FP_WS_URL, env.FP_HTTP_URL, env.FP_BOB_TOKEN);

  const listed = await entryFacts(await send(alice, "projects.list"));
  facts.list = { verdict: listed.verdict, projects: listed.frame.data?.length };
  check(listed.verdict === "ok", `projects.list conforms: ${listed.text}`);
  check(Array.isArray(listed.frame.data) && listed.frame.data.length > 0, "projects.list lists projects");

  const created = await entryFacts(
    await send(alice, "projects.create", {
      name: "Console project",
      hourly_rate: '{"amount_cents": 9000, "currency": "EUR"}',
    }),
  );
  facts.create = { verdict: created.verdict, name: created.frame.data?.name };
  check(created.verdict === "ok", `projects.create conforms: ${created.text}`);
  check(created.frame.data?.name === "Console project", "projects.create answers with the new project");

  const broadcast = bob.page.locator('#fp-log li[data-label="event ProjectCreated"]').first();
  await broadcast.waitFor(WAIT);
  const event = await entryFacts(broadcast);
  facts.broadcast = { verdict: event.verdict, name: event.frame.data?.project?.name };
  check(event.verdict === "ok", `the ProjectCreated broadcast conforms: ${event.text}`);
  check(event.frame.data?.project?.name === "Console project", "bob's page shows alice's project arriving");

  const started = await entryFacts(
    await send(alice, "time_entries.start", { project_id: listed.frame.data[0].id, description: "API integration" }),
  );
  facts.start = started.verdict;
  check(started.verdict === "ok", `time_entries.start conforms on the faithful server: ${started.text}`);
  // the REST twin, from the same page (the server allows the file's origin)
  const overRest = await sendRest(alice, "projects.list");
  const restListed = {
    verdict: await overRest.getAttribute("data-verdict"),
    label: await overRest.getAttribute("data-label"),
    text: await overRest.innerText(),
  };
  facts.restList = { verdict: restListed.verdict, label: restListed.label };
  check(restListed.label === "200 to projects.list", `projects.list over REST answers 200: ${restListed.text}`);
  check(restListed.verdict === "ok", `projects.list over REST conforms: ${restListed.text}`);
  await alice.page.locator("#console").screenshot({ path: join(outDir, "console-alice.png") });
  await bob.page.locator("#console").screenshot({ path: join(outDir, "console-bob.png") });

  const faulty = await open("faulty");
  await connect(faulty, env.FP_FAULTY_WS_URL, env.FP_FAULTY_HTTP_URL, env.FP_ALICE_TOKEN);
  const projects = await entryFacts(await send(faulty, "projects.list"));
  const shaped = await send(faulty, "time_entries.start", {
    project_id: projects.frame.data[0].id,
    description: "API integration",
  });
  const flagged = await entryFacts(shaped);
  const violations = await shaped.locator(".violations li").allInnerTexts();
  facts.fault = { verdict: flagged.verdict, violations };
  check(flagged.verdict === "violation", `the faulty response is flagged: ${flagged.text}`);
  check(
    violations.some((v) => v.includes("/data/started_at") && v.includes("required")),
    `the violation names /data/started_at as required: ${violations.join(" | ")}`,
  );
  // the same fault over REST: the answer's body is the time entry, flagged at /started_at
  const restShaped = await sendRest(faulty, "time_entries.stop");
  const restViolations = await restShaped.locator(".violations li").allInnerTexts();
  facts.restFault = { verdict: await restShaped.getAttribute("data-verdict"), violations: restViolations };
  check(
    restViolations.some((v) => v.includes("/started_at") && v.includes("required")),
    `the REST answer names /started_at as required: ${restViolations.join(" | ")}`,
  );
  await shaped.scrollIntoViewIfNeeded();
  await faulty.page.locator("#console").screenshot({ path: join(outDir, "console-fault.png") });

  await alice.page.click("#fp-disconnect");
  await alice.page.waitForSelector('#fp-status[data-state="closed"]', WAIT);
  const errors = [...alice.seen.errors, ...bob.seen.errors, ...faulty.seen.errors];
  check(errors.length === 0, `no page errors: ${errors.join("; ")}`);
} catch (e) {
  failures.push(`the run stopped: ${e.stack ?? e}`);
} finally {
  await context.close();
}
console.log(JSON.stringify({ facts, failures }, null, 2));
if (failures.length > 0) process.exit(1);
