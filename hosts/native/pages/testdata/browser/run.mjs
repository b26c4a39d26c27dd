// Drives hassauth's pages in Debian's Chromium for one scenario: those of
// the login page here, those of the profile page in profile.mjs.
//
// TestBrowser (hosts/native/pages/browser_test.go) starts the server (and,
// for the login page, a test client) for each scenario and runs
//
//	node run.mjs <scenario>
//
// with the addresses in the environment. The script clicks and types as a
// person would, asserts what the page shows, and writes a screenshot of
// each page into OUT_DIR. It never downloads a browser: it starts the
// Chromium at CHROMIUM (default /usr/bin/chromium).
//
// Environment: START_URL (the page to open first), AUTH_URL (the server),
// CLIENT_URL (the test client), OUT_DIR, USERNAME, PASSWORD, NEW_PASSWORD,
// TOTP_SECRET, PIN, OTHER_REDIRECT_URL, plus CHROMIUM.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { assertLabelled, env, launchFlags, shot, totp, viewport } from "./lib.mjs";
import { profileScenarios } from "./profile.mjs";

const scenario = process.argv[2];

// --- Checks of the login page.

/** The client saw the redirect and could exchange the code. */
async function assertClientExchanged(page, state, screenshot = false) {
  await page.waitForURL((u) => u.href.startsWith(`${env.CLIENT_URL}/cb`));
  const result = JSON.parse(await page.locator("#result").textContent());
  assert.equal(result.token_status, 200, `token exchange: ${JSON.stringify(result)}`);
  assert.equal(result.api_status, 200, "the access token works");
  assert.equal(result.state, state, "state comes back unchanged");
  assert.equal(result.store_token, "", "no storeToken for another client");
  if (screenshot) await shot(page, "client-callback");
}

// --- Scenarios.

const scenarios = {
  // First run: the form creates the owner and the login continues.
  async onboarding(page) {
    await page.goto(env.START_URL);
    await page.locator("#ob-name").waitFor();
    await assert.doesNotReject(page.waitForFunction(() => !document.getElementById("onboarding-fields").disabled));
    await assertLabelled(page);
    assert.match(await page.locator("#client-notice").textContent(), /access to your Home Assistant/);
    await page.keyboard.type("Ada Lovelace");
    assert.equal(await page.locator("#ob-username").inputValue(), "adalovelace", "username follows the name");
    await page.locator("#ob-username").fill("Ada");
    await page.locator("#ob-password").fill(env.PASSWORD);
    await page.locator("#ob-password-confirm").fill(env.PASSWORD + "x");
    await shot(page, "onboarding");
    await page.keyboard.press("Enter");
    assert.equal(
      await page.locator("#ob-password-confirm").evaluate((e) => e.validationMessage),
      "The passwords don't match.",
    );
    await page.locator("#ob-password-confirm").fill(env.PASSWORD);
    await page.locator("#ob-password-confirm").press("Enter");
    const error = page.locator("#ob-error");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /Username "Ada" is not normalized/);
    await shot(page, "onboarding-error");
    await page.locator("#ob-username").fill(env.USERNAME);
    await page.locator("#ob-username").press("Enter");
    await assertClientExchanged(page, "onboarding-state");
  },

  // A login through /auth/authorize with PKCE, by keyboard only, with one
  // wrong password first.
  async login(page) {
    await page.goto(env.START_URL);
    const username = page.locator('input[name="username"]');
    await username.waitFor();
    await page.waitForFunction(() => document.activeElement?.name === "username");
    await assertLabelled(page);
    assert.match(await page.locator("#client-notice").textContent(), new RegExp(`${env.CLIENT_URL}/`));
    assert.equal(await page.locator('input[type="checkbox"]').count(), 0, "no 'keep me logged in' for another client");
    await shot(page, "login");
    await page.keyboard.type(env.USERNAME);
    await page.keyboard.press("Tab");
    await page.keyboard.type("wrong password");
    await page.keyboard.press("Enter");
    const alert = page.locator(".alert.error");
    await alert.waitFor();
    assert.equal((await alert.textContent()).trim(), "Invalid username or password.");
    assert.equal(await page.evaluate(() => document.activeElement?.name), "password", "the cursor is back in the password");
    assert.equal(await page.locator('input[name="password"]').inputValue(), "");
    assert.equal(await username.inputValue(), env.USERNAME, "the username stays");
    await shot(page, "login-wrong-password");
    await page.keyboard.type(env.PASSWORD);
    await page.keyboard.press("Enter");
    await assertClientExchanged(page, "login-state", true);
  },

  // Two MFA modules: the choice, a wrong code, then the right one.
  async mfa_totp(page) {
    await page.goto(env.START_URL);
    await page.locator('input[name="username"]').fill(env.USERNAME);
    await page.locator('input[name="password"]').fill(env.PASSWORD);
    await page.locator('input[name="password"]').press("Enter");
    await page.getByRole("heading", { name: "Two-factor authentication" }).waitFor();
    const choice = page.getByRole("radio", { name: "Authenticator app" });
    await choice.waitFor();
    await assertLabelled(page);
    assert.equal(await page.getByRole("group", { name: "Two-factor authentication method" }).count(), 1);
    await shot(page, "mfa-select");
    await choice.check();
    await page.getByRole("button", { name: "Next" }).click();
    const code = page.getByLabel("Code");
    await code.waitFor();
    assert.match(await page.locator("#flow form").textContent(), /Enter the code from Authenticator app/);
    await page.waitForFunction(() => document.activeElement?.name === "code");
    await assertLabelled(page);
    await shot(page, "mfa-code");
    const now = Date.now() / 1000;
    const valid = new Set([-30, 0, 30].map((d) => totp(env.TOTP_SECRET, now + d)));
    let wrong = 0;
    while (valid.has(String(wrong).padStart(6, "0"))) wrong++;
    await page.keyboard.type(String(wrong).padStart(6, "0"));
    await page.keyboard.press("Enter");
    const alert = page.locator(".alert.error");
    await alert.waitFor();
    assert.equal((await alert.textContent()).trim(), "Invalid code. Check the code and try again.");
    await shot(page, "mfa-invalid-code");
    await code.fill(totp(env.TOTP_SECRET, Date.now() / 1000));
    await code.press("Enter");
    await assertClientExchanged(page, "mfa-state");
  },

  // The MFA step after the session expired: the flow aborts with
  // login_expired, and starting over works.
  async mfa_expired(page) {
    await page.goto(env.START_URL);
    await page.locator('input[name="username"]').fill(env.USERNAME);
    await page.locator('input[name="password"]').fill(env.PASSWORD);
    await page.locator('input[name="password"]').press("Enter");
    const pin = page.getByLabel("PIN");
    await pin.waitFor();
    const advanced = await fetch(`${env.CLIENT_URL}/advance?seconds=301`);
    assert.equal(advanced.status, 204);
    await pin.fill(env.PIN);
    await pin.press("Enter");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.equal((await alert.textContent()).trim(), "The login took too long and expired. Start over to log in.");
    await page.waitForFunction(() => document.activeElement?.getAttribute("role") === "alert");
    await shot(page, "mfa-expired");
    await page.getByRole("button", { name: "Start over" }).click();
    await page.locator('input[name="username"]').fill(env.USERNAME);
    await page.locator('input[name="password"]').fill(env.PASSWORD);
    await page.locator('input[name="password"]').press("Enter");
    await pin.waitFor();
    await pin.fill(env.PIN);
    await pin.press("Enter");
    await assertClientExchanged(page, "expired-state");
  },

  // More than one provider: the others are offered below the form.
  async providers(page) {
    await page.goto(env.START_URL);
    await page.locator('input[name="username"]').waitFor();
    const other = page.getByRole("button", { name: "Example accounts" });
    await other.waitFor();
    await shot(page, "providers");
    await other.click();
    await page.getByRole("button", { name: "Home Assistant Local" }).waitFor();
    await page.locator('input[name="username"]').fill("guest");
    await page.locator('input[name="password"]').fill("guest pass");
    await page.locator('input[name="password"]').press("Enter");
    await assertClientExchanged(page, "providers-state");
  },

  // Requests that must never lead to a redirect.
  async refused(page) {
    const navigations = [];
    page.on("request", (r) => {
      if (r.isNavigationRequest()) navigations.push(r.url());
    });
    const auth = (params) => `${env.AUTH_URL}/auth/authorize?${new URLSearchParams(params)}`;

    let resp = await page.goto(auth({ client_id: "http://8.8.8.8/", redirect_uri: "http://8.8.8.8/cb", state: "x" }));
    assert.equal(resp.status(), 400);
    assert.match(await page.getByRole("alert").textContent(), /Invalid client id/);
    assert.equal(await page.locator("form").count(), 0);
    await shot(page, "error-invalid-client");

    resp = await page.goto(auth({ client_id: `${env.CLIENT_URL}/`, redirect_uri: "javascript:alert(1)", state: "x" }));
    assert.equal(resp.status(), 400);
    assert.match(await page.getByRole("alert").textContent(), /Invalid redirect URI/);
    await shot(page, "error-invalid-redirect");

    // A redirect URI on another host than the client's is allowed only if
    // the client's page lists it; this one does not, so the login itself
    // is refused after the password.
    await page.goto(auth({ client_id: `${env.CLIENT_URL}/`, redirect_uri: env.OTHER_REDIRECT_URL, state: "x" }));
    await page.locator('input[name="username"]').fill(env.USERNAME);
    await page.locator('input[name="password"]').fill(env.PASSWORD);
    await page.locator('input[name="password"]').press("Enter");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match(await alert.textContent(), /^Invalid redirect URIThe app asked to send you back/);
    await shot(page, "error-redirect-refused");
    assert.ok(new URL(page.url()).pathname === "/auth/authorize", "still on the login page");
    assert.deepEqual(
      navigations.filter((u) => !u.startsWith(`${env.AUTH_URL}/`)),
      [],
      "the browser went nowhere but this server",
    );
  },
};

async function main() {
  const all = { ...scenarios, ...profileScenarios };
  const run = all[scenario];
  if (!run) {
    console.error(`unknown scenario ${scenario}; known: ${Object.keys(all).join(", ")}`);
    process.exit(2);
  }
  const profile = mkdtempSync(join(tmpdir(), "hassauth-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: launchFlags,
    viewport,
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] || (await context.newPage());
  // Problems on any page of the scenario, a second tab too.
  const problems = [];
  context.on("weberror", (e) => problems.push(`page error: ${e.error().message}`));
  context.on("console", (m) => {
    // Failed fetches (a 400 for a wrong password, say) are expected;
    // script errors and refused content are not.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`console: ${m.text()}`);
  });
  let failed = false;
  try {
    await run(page, context);
    assert.deepEqual(problems, [], "no script errors or blocked content");
    console.log(`ok ${scenario}`);
  } catch (e) {
    failed = true;
    console.error(`FAIL ${scenario}: ${e.stack || e}`);
    if (problems.length) console.error(problems.join("\n"));
    console.error(`at ${page.url()}`);
    await shot(page, `failed-${scenario}`).catch(() => {});
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

await main();
