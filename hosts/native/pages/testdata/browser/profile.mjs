// Scenarios of the /profile page, run by run.mjs like the login pages'.
//
// Environment: AUTH_URL (the server, with its pages), USERNAME, PASSWORD,
// NEW_PASSWORD (profile_mfa_password).

import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { assertLabelled, env, launchFlags, shot, shotOf, totp, viewport } from "./lib.mjs";

const tokensKey = "hassTokens";

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What the browser keeps: [localStorage, sessionStorage] entries. */
function stored(page) {
  return page.evaluate((key) => [localStorage.getItem(key), sessionStorage.getItem(key)].map((v) => (v ? JSON.parse(v) : null)), tokensKey);
}

/** GET /api/ with a bearer token: the status. */
async function apiStatus(token) {
  const resp = await fetch(`${env.AUTH_URL}/api/`, { headers: { Authorization: `Bearer ${token}` } });
  return resp.status;
}

/** The token endpoint's answer to a refresh with `refreshToken`. */
async function refreshStatus(refreshToken) {
  const resp = await fetch(`${env.AUTH_URL}/auth/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "refresh_token", client_id: `${env.AUTH_URL}/`, refresh_token: refreshToken }),
  });
  return resp.status;
}

/**
 * Logs in through the HTTP API, as an app would, and returns the refresh
 * token of the new session.
 */
async function apiLogin(username, password) {
  const clientID = `${env.AUTH_URL}/`;
  const post = async (path, body, asForm) => {
    const resp = await fetch(`${env.AUTH_URL}${path}`, {
      method: "POST",
      body: asForm ? new URLSearchParams(body) : JSON.stringify(body),
    });
    assert.equal(resp.status, 200, `${path}: ${resp.status}`);
    return resp.json();
  };
  const flow = await post("/auth/login_flow", { client_id: clientID, handler: ["homeassistant", null], redirect_uri: clientID });
  const done = await post(`/auth/login_flow/${flow.flow_id}`, { client_id: clientID, username, password });
  assert.equal(done.type, "create_entry");
  const tokens = await post("/auth/token", { grant_type: "authorization_code", client_id: clientID, code: done.result }, true);
  return tokens.refresh_token;
}

/**
 * A code for the TOTP setup, which takes the current 30-second step only:
 * close to the step's end, the next step is awaited so that the code is
 * still current when it arrives.
 */
async function currentTOTP(secret) {
  const left = 30 - ((Date.now() / 1000) % 30);
  if (left < 3) await sleep(left * 1000 + 200);
  return totp(secret, Date.now() / 1000);
}

/**
 * Logs in on the login page the profile sent the browser to, by keyboard,
 * with "keep me logged in" as `keep`; with `totpSecret`, answers the MFA
 * step. Returns the address the login page sent the browser back to.
 */
async function login(page, { username = env.USERNAME, password = env.PASSWORD, keep, totpSecret } = {}) {
  const callbacks = [];
  const onRequest = (r) => {
    if (r.isNavigationRequest() && r.url().includes("auth_callback=1")) callbacks.push(r.url());
  };
  page.on("request", onRequest);
  await page.waitForURL((u) => u.pathname === "/auth/authorize");
  const user = page.locator('input[name="username"]');
  await user.waitFor();
  assert.equal(await page.locator("#client-notice").count(), 0, "no notice when logging in to this server");
  await user.fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.getByLabel("Keep me logged in").setChecked(keep);
  await page.locator('input[name="password"]').press("Enter");
  if (totpSecret) {
    const code = page.getByLabel("Code");
    await code.waitFor();
    await code.fill(totp(totpSecret, Date.now() / 1000));
    await code.press("Enter");
  }
  await waitForProfile(page);
  page.off("request", onRequest);
  assert.equal(callbacks.length, 1, "one redirect back with a code");
  return new URL(callbacks[0]);
}

/** The profile is shown, and the code is gone from the address. */
async function waitForProfile(page) {
  await page.locator("#user-name").waitFor({ state: "visible" });
  assert.equal(new URL(page.url()).pathname, "/profile");
  assert.equal(new URL(page.url()).search, "", "the code is gone from the address bar");
}

function sessionItems(page) {
  return page.locator("#session-list li.item");
}

function tokenItem(page, name) {
  return page.locator("#llat-list li.item", { hasText: name });
}

/** Answers the confirmation dialog with the button named `answer`. */
async function confirmWith(page, answer, screenshot) {
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  // The window as the person sees it, with the dialog over the page.
  if (screenshot) await shot(page, screenshot, { fullPage: false });
  await dialog.getByRole("button", { name: answer, exact: true }).click();
  await dialog.waitFor({ state: "hidden" });
}

export const profileScenarios = {
  // First run from /: the owner is created on the login page, which then
  // comes back to the profile. Without JavaScript the page says what it
  // needs.
  async profile_first_run(page) {
    const browser = await chromium.launch({ executablePath: env.CHROMIUM || "/usr/bin/chromium", args: launchFlags });
    try {
      const plain = await (await browser.newContext({ javaScriptEnabled: false, viewport })).newPage();
      await plain.goto(`${env.AUTH_URL}/`);
      assert.equal(new URL(plain.url()).pathname, "/profile", "/ leads to the profile, script or not");
      // Playwright's text search skips <noscript>; the browser shows it.
      const explained = plain.locator("noscript p").first();
      assert.equal(await explained.isVisible(), true);
      assert.match(await explained.textContent(), /^This page needs JavaScript\./);
      assert.equal(await plain.locator("#sections").isHidden(), true);
      await shot(plain, "profile-noscript");
    } finally {
      await browser.close();
    }

    await page.goto(`${env.AUTH_URL}/`);
    await page.waitForURL((u) => u.pathname === "/auth/authorize");
    await page.locator("#ob-name").waitFor();
    await page.waitForFunction(() => !document.getElementById("onboarding-fields").disabled);
    await page.keyboard.type("Ada");
    assert.equal(await page.locator("#ob-username").inputValue(), env.USERNAME);
    assert.equal(await page.getByLabel("Keep me logged in").isChecked(), true);
    await page.locator("#ob-password").fill(env.PASSWORD);
    await page.locator("#ob-password-confirm").fill(env.PASSWORD);
    await page.locator("#ob-password-confirm").press("Enter");
    await waitForProfile(page);
    assert.equal(await page.locator("#user-name").textContent(), "Ada");
    assert.equal(await page.locator("#user-role").textContent(), "Owner and administrator");
    const [local] = await stored(page);
    assert.ok(local && local.refresh_token, "kept in localStorage");
  },

  // / leads to the login as the server's own client and back to the
  // profile; tokens kept in localStorage ("keep me logged in"); a
  // long-lived token created, copied, used and revoked; an expired access
  // token refreshed; log out.
  async profile_tokens(page, context) {
    const authorize = [];
    page.on("request", (r) => {
      if (r.isNavigationRequest() && new URL(r.url()).pathname === "/auth/authorize") authorize.push(new URL(r.url()));
    });
    await page.goto(`${env.AUTH_URL}/`);
    await page.waitForURL((u) => u.pathname === "/auth/authorize");
    assert.equal(authorize.length, 1);
    const q = authorize[0].searchParams;
    assert.equal(q.get("client_id"), `${env.AUTH_URL}/`, "the server's own client");
    assert.equal(q.get("redirect_uri"), `${env.AUTH_URL}/profile?auth_callback=1`);
    assert.equal(q.get("response_type"), "code");
    assert.match(q.get("state"), /^[A-Za-z0-9_-]{20,}$/, "a random state");
    assert.equal(q.get("code_challenge_method"), "S256", "PKCE on a secure context (loopback)");
    assert.equal(await page.getByLabel("Keep me logged in").isChecked(), true, "preselected for a local address");
    await shot(page, "login-own");

    const back = await login(page, { keep: true });
    assert.deepEqual([...back.searchParams.keys()], ["auth_callback", "code", "state", "storeToken"]);
    assert.equal(back.searchParams.get("state"), q.get("state"));
    assert.equal(back.searchParams.get("storeToken"), "true");

    assert.equal(await page.locator("#user-name").textContent(), "Ada");
    assert.equal(await page.locator("#user-role").textContent(), "Owner and administrator");
    let [local, session] = await stored(page);
    assert.ok(local && local.refresh_token && local.access_token, "kept in localStorage");
    assert.equal(session, null, "and not in sessionStorage");
    assert.equal(local.clientId, `${env.AUTH_URL}/`);
    assert.equal(local.hassUrl, env.AUTH_URL);
    assert.equal(await apiStatus(local.access_token), 200);

    const sessions = sessionItems(page);
    assert.equal(await sessions.count(), 1);
    const current = sessions.first();
    assert.match(await current.textContent(), /This browser/);
    assert.match(await current.textContent(), /Last used .* from 127\.0\.0\.1/);
    assert.equal(await current.getByRole("button").count(), 0, "this browser logs out with Log out, not from the list");
    assert.equal(await page.getByRole("button", { name: "Log out all other sessions" }).isDisabled(), true);
    assert.equal(await page.locator("#llat-list").textContent(), "You have no long-lived access tokens.");
    await assertLabelled(page);
    await shot(page, "profile");

    // A long-lived token: shown once, with a copy button.
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.AUTH_URL });
    await page.getByLabel("Name").fill("Backup script");
    await page.getByLabel("Name").press("Enter");
    const value = page.getByLabel("Token for “Backup script”");
    await value.waitFor();
    const token = await value.inputValue();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, "a JWT");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "llat-value", "the cursor is on the new token");
    await page.getByRole("button", { name: "Copy token" }).click();
    await page.getByText("Copied to the clipboard.").waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token, "the copy button copies the token");
    await tokenItem(page, "Backup script").waitFor();
    // Creating it made its first access token: used, but from nowhere.
    assert.match(await tokenItem(page, "Backup script").textContent(), /Created .*Last used [^]*[AP]M(Revoke|$)/);
    await shotOf(page.locator("#llat"), "profile-token-created");
    assert.equal(await apiStatus(token), 200, "the token works at /api/");

    // One token per name: said before the server is asked.
    await page.getByLabel("Name").fill("Backup script");
    await page.getByLabel("Name").press("Enter");
    await page.getByText("You already have a token with this name.").waitFor();
    assert.equal(await page.getByLabel("Name").getAttribute("aria-invalid"), "true");
    await page.getByRole("button", { name: "Done" }).click();
    assert.equal(await page.locator("#llat-created").isHidden(), true);
    assert.equal(await page.locator("#llat-value").inputValue(), "", "the token is gone from the page");

    // After a reload: still logged in, the token listed and never shown again.
    await page.reload();
    await waitForProfile(page);
    await tokenItem(page, "Backup script").waitFor();
    assert.equal(await page.locator("#llat-created").isHidden(), true);
    assert.ok(!(await page.content()).includes(token), "the token is shown only once");

    // Revoking asks first; Escape keeps the token.
    const revoke = page.getByRole("button", { name: "Revoke Backup script" });
    await revoke.click();
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    assert.equal(await tokenItem(page, "Backup script").count(), 1);
    assert.equal(await apiStatus(token), 200);
    await revoke.click();
    await confirmWith(page, "Revoke", "profile-confirm-revoke");
    await tokenItem(page, "Backup script").waitFor({ state: "detached" });
    assert.equal(await page.locator("#llat-list").textContent(), "You have no long-lived access tokens.");
    assert.equal(await apiStatus(token), 401, "the revoked token no longer works");

    // An access token past its expiry is refreshed before it is used.
    [local] = await stored(page);
    await page.evaluate(([key, tokens]) => localStorage.setItem(key, JSON.stringify({ ...tokens, expires: Date.now() - 1000 })), [tokensKey, local]);
    const refreshes = [];
    page.on("request", (r) => {
      if (r.url() === `${env.AUTH_URL}/auth/token` && new URLSearchParams(r.postData() || "").get("grant_type") === "refresh_token") {
        refreshes.push(new URLSearchParams(r.postData()));
      }
    });
    await page.reload();
    await waitForProfile(page);
    assert.equal(refreshes.length, 1, "one refresh");
    assert.equal(refreshes[0].get("client_id"), `${env.AUTH_URL}/`);
    assert.equal(refreshes[0].get("refresh_token"), local.refresh_token);
    const [renewed] = await stored(page);
    assert.ok(renewed.expires > Date.now() + 60_000, "the new expiry is stored");
    assert.equal(await apiStatus(renewed.access_token), 200);
    assert.equal(renewed.refresh_token, local.refresh_token, "refresh tokens do not rotate");

    // Log out: the refresh token is revoked and forgotten.
    await page.getByRole("button", { name: "Log out", exact: true }).click();
    await page.getByText("You're logged out.").waitFor();
    await page.getByRole("button", { name: "Log in" }).waitFor();
    assert.deepEqual(await stored(page), [null, null], "nothing kept");
    assert.equal(await refreshStatus(local.refresh_token), 400, "the refresh token is revoked");
    assert.equal(await page.locator("#sections").isHidden(), true);
    await shot(page, "profile-logged-out");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL((u) => u.pathname === "/auth/authorize");
  },

  // Without "keep me logged in" the tokens stay in this tab only. Another
  // tab logs in on its own; this one logs it out, once alone and once with
  // "log out all other sessions", which keeps long-lived tokens.
  async profile_sessions(page, context) {
    await page.goto(`${env.AUTH_URL}/profile`);
    const back = await login(page, { keep: false });
    assert.equal(back.searchParams.get("storeToken"), null);
    const [local, session] = await stored(page);
    assert.equal(local, null, "nothing in localStorage");
    assert.ok(session && session.refresh_token, "kept in sessionStorage");

    await page.getByLabel("Name").fill("Kept token");
    await page.getByLabel("Name").press("Enter");
    const kept = await page.getByLabel("Token for “Kept token”").inputValue();

    // A second tab has no tokens: it logs in anew.
    const other = await context.newPage();
    await other.goto(`${env.AUTH_URL}/profile`);
    await login(other, { keep: false });
    const [, otherTokens] = await stored(other);
    assert.notEqual(otherTokens.refresh_token, session.refresh_token, "a session of its own");

    await page.reload();
    await waitForProfile(page);
    assert.equal(await sessionItems(page).count(), 2);
    assert.equal(await page.getByRole("button", { name: "Log out all other sessions" }).isEnabled(), true);
    await shotOf(page.locator("#sessions"), "profile-sessions");

    // Log out the other tab's session, by keyboard.
    const other1 = page.locator("#session-list li.item", { hasNotText: "This browser" });
    await other1.getByRole("button").focus();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Cancel", "Cancel has the focus");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    await other1.waitFor({ state: "detached" });
    assert.equal(await sessionItems(page).count(), 1);
    await other.getByText("Your session ended. Log in again to see your profile.").waitFor();
    assert.deepEqual(await stored(other), [null, null], "the ended session is forgotten");
    assert.equal(await refreshStatus(otherTokens.refresh_token), 400);

    // Again, and then "log out all other sessions".
    await other.getByRole("button", { name: "Log in" }).click();
    await login(other, { keep: false });
    const [, again] = await stored(other);
    await page.reload();
    await waitForProfile(page);
    assert.equal(await sessionItems(page).count(), 2);
    await page.getByRole("button", { name: "Log out all other sessions" }).click();
    await confirmWith(page, "Log out all");
    await other.getByText("Your session ended. Log in again to see your profile.").waitFor();
    await page.waitForFunction(() => document.querySelectorAll("#session-list li.item").length === 1);
    assert.match(await sessionItems(page).first().textContent(), /This browser/);
    assert.equal(await page.getByRole("button", { name: "Log out all other sessions" }).isDisabled(), true);
    assert.equal(await refreshStatus(again.refresh_token), 400, "the other session is gone");
    assert.equal(await refreshStatus(session.refresh_token), 200, "this one stays");
    await tokenItem(page, "Kept token").waitFor();
    assert.equal(await apiStatus(kept), 200, "long-lived tokens are not sessions");
    await shot(other, "profile-session-ended");
  },

  // Two-factor authentication with an authenticator app: set up with a
  // code computed from the key the page shows, asked at the next login,
  // turned off. Then the password: a wrong current one refused, the old
  // one refused after the change, the new one accepted.
  async profile_mfa_password(page) {
    await page.goto(`${env.AUTH_URL}/profile`);
    await login(page, { keep: true });
    const app = page.locator("#mfa-modules li", { hasText: "Authenticator app" });
    assert.match(await app.textContent(), /Off/);
    await page.getByRole("button", { name: "Set up Authenticator app" }).click();
    await page.getByRole("heading", { name: "Set up Authenticator app" }).waitFor();
    const qr = page.getByRole("img", { name: "QR code of the key, for your authenticator app" });
    await qr.waitFor();
    // The SVG from the server is drawn as an image: it has a size.
    await page.waitForFunction(() => document.querySelector(".qr img")?.naturalWidth > 0);
    assert.match(await qr.getAttribute("src"), /^data:image\/svg\+xml;charset=utf-8,%3Csvg%20xmlns%3D/);
    assert.equal(await page.locator("#mfa-setup svg").count(), 0, "no server markup in the page itself");
    const secret = (await page.locator("#mfa-secret").textContent()).replace(/\s+/g, "");
    assert.match(secret, /^[A-Z2-7]{32}$/);
    const link = await page.locator("#mfa-otpauth").getAttribute("href");
    assert.equal(new URL(link).searchParams.get("secret"), secret);
    assert.ok(link.startsWith("otpauth://totp/Home%20Assistant:Ada?"), link);
    const code = page.getByLabel("Code");
    await assertLabelled(page);
    await shotOf(page.locator("#mfa"), "profile-totp-setup");

    // A wrong code first: the same key, with the error.
    const now = Date.now() / 1000;
    const valid = new Set([-30, 0, 30].map((d) => totp(secret, now + d)));
    let wrong = 0;
    while (valid.has(String(wrong).padStart(6, "0"))) wrong++;
    await code.fill(String(wrong).padStart(6, "0"));
    await code.press("Enter");
    await page.locator("#mfa-setup .alert.error").waitFor();
    assert.match(await page.locator("#mfa-setup .alert.error").textContent(), /^Invalid code/);
    assert.equal((await page.locator("#mfa-secret").textContent()).replace(/\s+/g, ""), secret, "the same key again");
    assert.equal(await page.evaluate(() => document.activeElement?.name), "code", "the cursor is back in the code");
    await shotOf(page.locator("#mfa"), "profile-totp-invalid-code");
    await page.keyboard.type(await currentTOTP(secret));
    await page.keyboard.press("Enter");
    await page.getByText("Authenticator app is on.").waitFor();
    assert.match(await app.textContent(), /On/);
    await page.getByRole("button", { name: "Close" }).click();
    await assert.doesNotReject(page.getByRole("button", { name: "Turn off Authenticator app" }).waitFor());

    // The next login asks for the code.
    await page.getByRole("button", { name: "Log out", exact: true }).click();
    await page.getByRole("button", { name: "Log in" }).click();
    await login(page, { keep: true, totpSecret: secret });

    // Turn it off: the login no longer asks.
    await page.getByRole("button", { name: "Turn off Authenticator app" }).click();
    await confirmWith(page, "Turn off");
    await page.getByRole("button", { name: "Set up Authenticator app" }).waitFor();
    assert.match(await app.textContent(), /Off/);

    // The password.
    const current = page.getByLabel("Current password");
    await current.fill("not my password");
    await page.getByLabel("New password", { exact: true }).fill(env.NEW_PASSWORD);
    await page.getByLabel("New password again").fill(env.NEW_PASSWORD + "x");
    await page.getByRole("button", { name: "Change password" }).click();
    assert.equal(await page.getByLabel("New password again").evaluate((e) => e.validationMessage), "The passwords don't match.");
    await page.getByLabel("New password again").fill(env.NEW_PASSWORD);
    await page.getByLabel("New password again").press("Enter");
    await page.getByText("The current password is wrong.").waitFor();
    assert.equal(await current.getAttribute("aria-invalid"), "true");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "pw-current");
    await shotOf(page.locator("#password"), "profile-password-wrong");
    await current.fill(env.PASSWORD);
    await current.press("Enter");
    await page.getByText("Your password was changed.").waitFor();
    assert.equal(await current.inputValue(), "", "the form is cleared");

    // Log out everywhere, as Home Assistant's frontend offers after a
    // password change: another session and a long-lived token go too.
    await page.getByLabel("Name").fill("Old script");
    await page.getByLabel("Name").press("Enter");
    const llat = await page.getByLabel("Token for “Old script”").inputValue();
    await page.getByRole("button", { name: "Done" }).click();
    const otherRefresh = await apiLogin(env.USERNAME, env.NEW_PASSWORD);
    assert.equal(await refreshStatus(otherRefresh), 200);
    assert.equal(await apiStatus(llat), 200);
    const mine = (await stored(page)).find((v) => v !== null).refresh_token;
    await page.getByRole("button", { name: "Log out everywhere" }).click();
    await confirmWith(page, "Log out everywhere", "profile-confirm-logout-everywhere");
    await page.getByText("You're logged out everywhere. Log in again with your new password.").waitFor();
    assert.deepEqual(await stored(page), [null, null], "nothing kept");
    assert.equal(await refreshStatus(otherRefresh), 400, "the other session is gone");
    assert.equal(await refreshStatus(mine), 400, "this browser's session is gone from the server too");
    assert.equal(await apiStatus(llat), 401, "the long-lived token is revoked");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL((u) => u.pathname === "/auth/authorize");
    await page.locator('input[name="username"]').fill(env.USERNAME);
    await page.locator('input[name="password"]').fill(env.PASSWORD);
    await page.locator('input[name="password"]').press("Enter");
    await page.locator(".alert.error").waitFor();
    assert.equal((await page.locator(".alert.error").textContent()).trim(), "Invalid username or password.", "the old password fails");
    await page.locator('input[name="password"]').fill(env.NEW_PASSWORD);
    await page.locator('input[name="password"]').press("Enter");
    await waitForProfile(page);
    assert.equal(await page.locator("#user-name").textContent(), "Ada");
  },
};
