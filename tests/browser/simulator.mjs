// The simulator page as a treasurer uses it, in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; no browser is downloaded): fill the form for a tier-2 CPTS, see the
// totals, change an expected value and see the budget change, see a diagnostic at its field,
// upload a fixture contract, download the YAML and check the CLI computes the same from it,
// download the printable report, look at the rules page. Screenshots go to tests/browser/out/.
//
// Usage: node simulator.mjs   (CPTS_FUNDING_BIN: the binary, default $CARGO_TARGET_DIR or ../../target, debug/cpts-funding)
// Without Chromium it says so and skips, except under CI=true, where that is a failure.

import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const out = join(here, "out");
const bin = process.env.CPTS_FUNDING_BIN ||
  join(process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, "target"), "debug/cpts-funding");
const CHROMIUM = "/usr/bin/chromium";

let passed = 0;
let failed = 0;
function check(what, ok, detail = "") {
  if (ok) {
    passed++;
    console.log(`ok - ${what}`);
  } else {
    failed++;
    console.log(`FAILED - ${what} ${detail}`);
  }
}

/** "1 234,50 €" (as the page writes it) -> "1234.50" (as the JSON writes it). */
function plain(text) {
  return text.replace(/[\s\u202f\u00a0€]/g, "").replace("−", "-").replace(",", ".");
}

/** Cents of "1234.50", as a BigInt: differences without floating point. */
function cents(s) {
  const [i, d = ""] = s.split(".");
  return BigInt(i) * 100n + BigInt((d + "00").slice(0, 2)) * (i.startsWith("-") ? -1n : 1n);
}

function cli(args) {
  return JSON.parse(execFileSync(bin, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
}

async function startServer() {
  const child = spawn(bin, ["serve", "--addr", "127.0.0.1:0"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise((ok, ko) => {
    const rl = createInterface({ input: child.stdout });
    rl.once("line", ok);
    child.once("exit", (c) => ko(new Error(`server exited (${c})`)));
  });
  const base = line.replace(/^listening on /, "").trim();
  if (!base.startsWith("http://127.0.0.1:")) throw new Error(`unexpected first line: ${line}`);
  return { child, base };
}

async function main() {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === "true") {
      console.log(`FAILED - Chromium is missing (${CHROMIUM}) and CI=true: the browser test cannot be skipped`);
      process.exit(1);
    }
    console.error(`SKIPPED simulator.mjs: the simulator page was NOT checked in a browser: ${CHROMIUM} is missing (apt-get install chromium)`);
    return;
  }
  if (!existsSync(bin)) throw new Error(`no binary at ${bin} (cargo build first)`);
  mkdirSync(out, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "cpts-chromium-"));
  const { child, base } = await startServer();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1400, height: 1000 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  // Nothing may be fetched from anywhere but the server.
  const outside = [];
  context.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("blob:") && !r.url().startsWith("data:")) outside.push(r.url()); });
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // A 422 is the engine answering an incomplete contract (shown at the field), not a page error.
  page.on("console", (m) => { if (m.type() === "error" && !/status of 422/.test(m.text())) errors.push(m.text()); });
  try {
    await page.goto(base + "/");
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.waitForSelector(".mission");

    const updated = () => page.evaluate(() => document.body.dataset.updated || "");
    const settle = async (prev) => {
      await page.waitForFunction((p) => document.body.dataset.updated !== p && !document.body.dataset.busy, prev, { timeout: 15000 });
    };
    const total = async () => plain(await page.textContent("#total-expected"));

    // 1. A tier-2 CPTS, typed in.
    let prev = await updated();
    await page.fill("#f-name", "CPTS du Test (fictive)");
    await page.fill("#f-population", "62000");
    await page.fill("#f-signature", "2024-03-15");
    await page.dispatchEvent("#f-signature", "change");
    const acces = page.locator('.mission[data-mission="acces_soins"]');
    await acces.locator(".m-on").check();
    await acces.locator(".m-start").fill("2024-09-15");
    await acces.locator(".add-indicator").click();
    const ind = acces.locator(".indicator").first();
    await ind.locator(".i-id").fill("partenariat_cpam");
    await ind.locator(".i-label").fill("Maintien du partenariat avec la CPAM");
    await ind.locator(".i-max").fill("2000");
    await ind.locator(".y-value").nth(1).selectOption("true");
    await settle(prev);
    await page.waitForSelector("#total-expected");
    const first = await total();
    check("the totals of a tier-2 CPTS are shown", /^\d+\.\d\d$/.test(first), first);
    const tiers = await page.locator(".years-table tbody tr td:nth-child(3)").allTextContents();
    check("five contract years, all tier t2", tiers.length === 5 && tiers.every((t) => t === "t2"), tiers.join(","));
    check("provisional amounts are marked", (await page.locator(".badge").count()) > 0);
    check("French explanations are shown", (await page.locator("#explanations dd").count()) > 0 &&
      /Calcul|Article/.test(await page.textContent("#explanations")));
    check("the cash chart has one bar per month paid", (await page.locator(".cash-chart rect").count()) > 5);
    check("what the next step would add is shown", /→ \+/.test(await page.textContent("#levers")));

    // 2. Download the YAML: the CLI reads it and computes the same budget.
    const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#download-yaml")]);
    const typed = join(out, "typed-tier2.yaml");
    await dl.saveAs(typed);
    const b = cli(["budget", typed, "--format", "json"]);
    check("the CLI's budget of the downloaded YAML is the page's", b.totals.expected === first, `${b.totals.expected} vs ${first}`);
    check("the CLI sees tier t2", b.years.every((y) => y.tier === "t2"));

    // 3. An expected value changes: the budget follows, by the indicator's amount.
    prev = await updated();
    await ind.locator(".y-value").nth(2).selectOption("true");
    await settle(prev);
    const second = await total();
    check("changing an expected value changes the budget by 2 000 €", cents(second) - cents(first) === 200000n, `${first} -> ${second}`);

    // 4. A bad value: the engine's diagnostic at the field.
    prev = await updated();
    await ind.locator(".i-max").fill("900000");
    await settle(prev);
    const err = (await acces.locator(".field-error").allTextContents()).join(" ");
    check("an indicator maximum above the envelope is shown at the field", /E0304/.test(err || ""), err);
    check("the mission is marked invalid", (await page.locator('.mission.invalid[data-mission="acces_soins"]').count()) === 1);
    prev = await updated();
    await ind.locator(".i-max").fill("2000");
    await settle(prev);
    await page.screenshot({ path: join(out, "simulator-typed.png"), fullPage: true });

    // 5. Upload a fixture contract; the form takes it; the YAML it gives back computes the same.
    const fixture = join(root, "fixtures/ok/t2-first-year-prorata/contract.yaml");
    prev = await updated();
    await page.setInputFiles("#upload", fixture);
    await settle(prev);
    check("the uploaded contract fills the form", (await page.inputValue("#f-name")) === "CPTS du Val Exemple (fictive)");
    const uploaded = await total();
    const bf = cli(["budget", fixture, "--format", "json"]);
    check("the page's budget of the uploaded fixture is the CLI's", bf.totals.expected === uploaded, `${bf.totals.expected} vs ${uploaded}`);
    const [dl2] = await Promise.all([page.waitForEvent("download"), page.click("#download-yaml")]);
    const back = join(out, "uploaded-back.yaml");
    await dl2.saveAs(back);
    const a1 = cli(["compute", fixture, "--format", "json"]).evaluations.map((e) => [e.contract_year, e.total, e.lines.map((l) => `${l.id}=${l.amount}`).join(",")]);
    const a2 = cli(["compute", back, "--format", "json"]).evaluations.map((e) => [e.contract_year, e.total, e.lines.map((l) => `${l.id}=${l.amount}`).join(",")]);
    check("the downloaded YAML computes what the fixture computes, line by line, every year", JSON.stringify(a1) === JSON.stringify(a2), `\n${JSON.stringify(a1)}\n${JSON.stringify(a2)}`);
    await page.screenshot({ path: join(out, "simulator.png"), fullPage: false });

    // 6. The draft is kept across a reload.
    await page.reload();
    await page.waitForSelector("#total-expected");
    check("the draft survives a reload", (await page.inputValue("#f-name")) === "CPTS du Val Exemple (fictive)");

    // 7. The printable report.
    const [dl3] = await Promise.all([page.waitForEvent("download"), page.click("#download-report")]);
    const report = join(out, "budget-report.html");
    await dl3.saveAs(report);
    const html = readFileSync(report, "utf8");
    check("the printable report is the budget page", html.includes("<html") && html.includes("CPTS du Val Exemple"));

    // 8. A contract with expected attainments (in %) and an expected crisis: the form takes them
    // all (written `50 %` in the year's cell), and the YAML it gives back budgets the same.
    const withAttainment = join(root, "fixtures/budget/t2-expected-in-contract/contract.yaml");
    prev = await updated();
    await page.setInputFiles("#upload", withAttainment);
    await settle(prev);
    const status = await page.textContent("#upload-status");
    check("expected attainments and an expected crisis are taken by the form", !/non reprise/.test(status), status);
    const att = await total();
    const ba = cli(["budget", withAttainment, "--format", "json"]);
    check("the page's budget of a contract with attainments is the CLI's", ba.totals.expected === att, `${ba.totals.expected} vs ${att}`);
    const yamlOf = async (name) => {
      const [d] = await Promise.all([page.waitForEvent("download"), page.click("#download-yaml")]);
      const path = join(out, name);
      await d.saveAs(path);
      return cli(["budget", path, "--format", "json"]).totals.expected;
    };
    const back3 = await yamlOf("attainment-back.yaml");
    check("its downloaded YAML budgets the same", back3 === att, `${back3} vs ${att}`);
    // Typed: 100 % of the SNP regulation in year 4 instead of 50 %.
    const snpAt = await page.evaluate(() => [...document.querySelectorAll(".indicator")]
      .findIndex((n) => n.querySelector(".i-id").value === "snp_regulation"));
    const year4 = page.locator(".indicator").nth(snpAt).locator(".y-value").nth(3);
    check("an expected attainment is shown in %", (await year4.inputValue()) === "50 %", await year4.inputValue());
    prev = await updated();
    await year4.fill("100 %");
    await settle(prev);
    const att100 = await total();
    check("an attainment typed in % raises the budget", cents(att100) > cents(att), `${att} -> ${att100}`);
    const back4 = await yamlOf("attainment-typed.yaml");
    check("the CLI's budget of the YAML with the typed attainment is the page's", back4 === att100, `${back4} vs ${att100}`);

    // 9. The rules page at a date.
    await page.goto(base + "/rules");
    await page.waitForFunction(() => document.body.dataset.date);
    await page.fill("#date", "2019-09-01");
    await page.dispatchEvent("#date", "change");
    await page.waitForFunction(() => document.body.dataset.date === "2019-09-01");
    const rulesText = await page.textContent("#rules");
    check("the rules page shows the 2019 maxima", rulesText.includes("220\u202f000,00\u00a0€") && rulesText.includes("450\u202f000,00\u00a0€"));
    check("each rules cell says its status and source", /confirmé|provisoire/.test(rulesText));
    await page.screenshot({ path: join(out, "rules.png"), fullPage: false });

    check("no script error on the pages", errors.length === 0, errors.join(" | "));
    check("nothing fetched outside the server", outside.length === 0, outside.join(" "));
  } catch (e) {
    check("the browser test ran to its end", false, String(e && e.stack || e));
    await page.screenshot({ path: join(out, "failure.png"), fullPage: true }).catch(() => {});
  } finally {
    await context.close();
    child.kill();
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (failed) process.exit(1);
}

main().catch((e) => {
  console.log(`FAILED - ${e && e.stack || e}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
