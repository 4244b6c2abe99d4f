// The browser test harness: starts the real `gonghui` binary (its own embedded PostgreSQL, demo data)
// and drives Debian's Chromium through playwright-core. Every page a journey visits is checked with
// axe-core, watched for console errors and failed requests, and photographed at desktop and phone size.

import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
export const ROOT = resolve(import.meta.dirname, "../..");
export const PASSWORD = "browser-demo-password";
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const SCREENSHOTS = join(ROOT, "test-artifacts", "screenshots");
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Why the browser tests cannot run here, or null. In CI a missing browser is a failure. */
export function missingBrowser() {
  if (existsSync(CHROMIUM)) return null;
  const reason = `Chromium not found at ${CHROMIUM}: install it with 'apt-get install chromium fonts-noto-cjk'`;
  if (process.env.CI) throw new Error(reason);
  console.warn(`\n!!! BROWSER TESTS SKIPPED: ${reason} !!!\n`);
  return reason;
}

/** Starts the app on a free port with a fresh data folder; resolves with { url, stop }. */
export async function startApp() {
  const binary = join(process.env.CARGO_TARGET_DIR || join(ROOT, "target"), "debug", "gonghui");
  assert.ok(existsSync(binary), `build the app first (cargo build): ${binary}`);
  const dataDir = mkdtempSync(join(tmpdir(), "gonghui-browser-"));
  chmodSync(dataDir, 0o755); // the postgres user must reach it when tests run as root
  const env = { ...process.env, GONGHUI_DATA_DIR: dataDir, GONGHUI_BIND: "127.0.0.1:0",
    GONGHUI_DEMO_PASSWORD: PASSWORD, GONGHUI_JOIN_MIN_SECONDS: "0",
    // Low, so that the ceremony journey shows a ceremony lifting it.
    GONGHUI_JOIN_MAX_PER_HOUR: "5", RUST_LOG: "warn" };
  delete env.DATABASE_URL;
  const child = spawn(binary, ["serve"], { env, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((ok, fail) => {
    let printed = "";
    const timer = setTimeout(() => fail(new Error(`the app did not start in 90 s:\n${printed}`)), 90_000);
    child.stdout.on("data", (chunk) => {
      printed += chunk;
      const found = printed.match(/running at (http:\/\/\S+)/);
      if (found && printed.includes("Password:")) { clearTimeout(timer); ok(found[1]); }
    });
    child.on("exit", (code) => fail(new Error(`the app exited (${code}):\n${printed}`)));
  });
  const stop = async () => {
    child.kill("SIGTERM");
    await new Promise((ok) => child.once("exit", ok));
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { url, stop };
}

export async function launch() {
  const { chromium } = await import("playwright-core");
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A browser tab that records what went wrong on it. */
export async function openPage(browser, { phone = false, locale = "zh-CN" } = {}) {
  const viewport = phone ? { width: 390, height: 844 } : { width: 1280, height: 900 };
  const context = await browser.newContext({ viewport, locale, acceptDownloads: true });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.problems = [];
  page.on("console", (message) => {
    // Chromium reports every non-2xx page as "Failed to load resource", including a form shown again
    // with 422; failed sub-resources are caught precisely by the response listener below.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      page.problems.push(`console: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => page.problems.push(`script error: ${error.message}`));
  page.on("requestfailed", (request) => {
    // ERR_ABORTED: a navigation (a redirect after a form, a download) cancelled the page's own loads.
    const error = request.failure()?.errorText ?? "";
    if (error !== "net::ERR_ABORTED") page.problems.push(`request failed: ${request.url()} ${error}`);
  });
  page.on("response", (response) => {
    const document = response.request().resourceType() === "document";
    if (response.status() >= 500 || (!document && response.status() >= 400)) {
      page.problems.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  return page;
}

/** Checks the page a person now sees: accessible, no errors, and photographed at both sizes. */
export async function check(page, name) {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`), [],
    `accessibility of ${name} (${page.url()})`);
  assert.deepEqual(page.problems, [], `errors on ${name}`);
  const size = page.viewportSize();
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size.width < 600 ? "phone" : "desktop"}.png`), fullPage: true });
  const other = size.width < 600 ? { width: 1280, height: 900 } : { width: 390, height: 844 };
  await page.setViewportSize(other);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${other.width < 600 ? "phone" : "desktop"}.png`), fullPage: true });
  await page.setViewportSize(size);
}

/** A valid resident ID number (GB 11643 check digit) from its first 17 digits. */
export function idNumber(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * weights[i], 0);
  return first17 + "10X98765432"[sum % 11];
}

export async function signIn(page, url, username, password = PASSWORD) {
  await page.goto(`${url}/login`);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码", { exact: true }).fill(password);
  await page.getByRole("button", { name: "登录" }).click();
}
