// Opens the generated HTML reference in headless Chromium (Debian's, driven by playwright-core),
// checks its content and its search, and takes screenshots.
//   node docs-check.mjs <index.html> <out-dir>
// Env: FP_CHROMIUM (the browser binary), FP_EXPECT (JSON: {"actions": [...], "events": [...]}).
// Prints a JSON report; exits 1 when a check fails.

import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [file, outDir] = process.argv.slice(2);
const expect = JSON.parse(process.env.FP_EXPECT ?? "{}");
const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
};

const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "fp-chromium-")), {
  executablePath: process.env.FP_CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const requests = [];
try {
  const page = await context.newPage();
  page.on("request", (r) => {
    if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url());
  });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(file).href);
  const text = await page.innerText("body");
  for (const name of [...(expect.actions ?? []), ...(expect.events ?? [])]) {
    check(text.includes(name), `the page names ${name}`);
  }
  const cards = await page.locator("[data-search]").count();
  const visible = async () => page.locator("[data-search]:not(.hidden)").count();
  const shot = join(outDir, "docs.png");
  await page.screenshot({ path: shot });
  const full = join(outDir, "docs-full.png");
  await page.screenshot({ path: full, fullPage: true });
  await page.fill("#search", "invoice");
  const filtered = await visible();
  const filteredText = await page.innerText("main");
  check(filtered > 0 && filtered < cards, `the search filters (${filtered} of ${cards})`);
  check(filteredText.includes("invoices.create"), "invoices.create stays visible for 'invoice'");
  check(!(await page.isVisible("#action-tasks\\.update")), "tasks.update is hidden for 'invoice'");
  const countText = await page.innerText("#count");
  const searchShot = join(outDir, "docs-search.png");
  await page.screenshot({ path: searchShot });
  await page.fill("#search", "zzz-no-such-thing");
  check((await visible()) === 0, "nothing matches nonsense");
  await page.fill("#search", "");
  check((await visible()) === cards, "clearing the search shows everything");
  check(errors.length === 0, `no page errors: ${errors.join("; ")}`);
  check(requests.length === 0, `no network requests: ${requests.join(", ")}`);
  const sizes = { viewport: statSync(shot).size, full: statSync(full).size, search: statSync(searchShot).size };
  check(sizes.viewport > 30000, `the screenshot is not trivial (${sizes.viewport} bytes)`);
  console.log(JSON.stringify({ cards, filtered, count: countText, sizes, failures }, null, 2));
} finally {
  await context.close();
}
if (failures.length > 0) process.exit(1);
