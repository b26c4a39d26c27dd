// The /profile page: logs the person in as this server's own client
// (session.js), then shows and changes their account through the
// websocket API only (socket.js), with the commands Home Assistant's
// frontend uses on its profile page:
//
//	auth/current_user                           the user and their MFA modules
//	auth/refresh_tokens                         sessions and long-lived tokens
//	auth/delete_refresh_token                   log out one session, revoke a token
//	auth/delete_all_refresh_tokens              log out all other sessions, or everywhere
//	auth/long_lived_access_token                create a token, shown once
//	auth/setup_mfa, auth/depose_mfa             two-factor authentication
//	config/auth_provider/homeassistant/change_password
//
// Everything the server sends is put on the page as text; the one piece of
// markup it sends, the TOTP setup's QR code, is shown as an image (a data:
// URL), where an SVG can run nothing.

import { el, readFields, renderFields } from "./form.js";
import { LoginFailed, Session, SessionEnded, beginLogin, finishLogin } from "./session.js";
import { AuthInvalid, CommandError, ConnectionLost, connect } from "./socket.js";

const $ = (id) => document.getElementById(id);

const page = {
  status: $("profile-status"),
  signedOut: $("signed-out"),
  user: $("user"),
  sections: $("sections"),
};

let session = null;
let conn = null;
let user = null;
let tokens = [];
// Set while logging out: the socket's close is expected then.
let leaving = false;
let reconnects = 0;
// Delays before each attempt to reconnect, the last one repeating.
const reconnectDelays = [0, 1000, 2000, 5000, 10000];

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function time(iso) {
  const d = new Date(iso);
  return el("time", { datetime: iso, text: Number.isNaN(d.getTime()) ? String(iso) : dateFormat.format(d) });
}

function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// --- The page's state: loading, signed out, or showing the profile.

function setStatus(text, kind = "") {
  if (!text) {
    page.status.replaceChildren();
    return;
  }
  const p = el("p", { text });
  page.status.replaceChildren(kind ? el("div", { class: `alert ${kind}` }, p) : el("p", { class: "status", text }));
}

function setTitle(text) {
  $("profile-title").textContent = text;
  document.title = `${text} · Home Assistant`;
}

function signedOut(message, kind = "") {
  conn = null;
  session = null;
  user = null;
  setTitle("Profile");
  page.user.hidden = true;
  page.sections.hidden = true;
  page.signedOut.hidden = false;
  setStatus(message, kind);
  $("login").focus();
}

function showProfile() {
  setStatus("");
  page.signedOut.hidden = true;
  page.user.hidden = false;
  page.sections.hidden = false;
  page.sections.inert = false;
}

/** Runs fn with the button disabled. */
async function busy(button, fn) {
  button.disabled = true;
  try {
    return await fn();
  } finally {
    button.disabled = false;
  }
}

function showError(box, message) {
  box.replaceChildren(el("p", { text: message }));
  box.hidden = false;
}

/**
 * Wraps an event handler: a lost connection is handled by lost(), any other
 * failure is shown at the top of the page.
 */
function guard(fn) {
  return (...args) =>
    fn(...args).catch((e) => {
      if (e instanceof ConnectionLost || leaving) return;
      setStatus(`Something went wrong: ${e.message}`, "error");
    });
}

/** Handles a form's submit event with fn, guarded, instead of sending it. */
function onSubmit(form, fn) {
  const handler = guard(fn);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    handler();
  });
}

/** Focuses a heading or other element that is not a control. */
function focusOn(node) {
  if (!node.hasAttribute("tabindex")) node.setAttribute("tabindex", "-1");
  node.focus();
}

// --- Login, connection, reconnection.

async function start() {
  const query = new URLSearchParams(location.search);
  if (query.has("auth_callback")) {
    // The code is for one use: take it out of the address and the history.
    history.replaceState(null, "", location.pathname);
    setStatus("Logging you in…");
    try {
      session = await finishLogin(query);
    } catch (e) {
      signedOut(e instanceof LoginFailed ? `The login could not be finished: ${e.message}` : "The login could not be finished.", "error");
      return;
    }
  } else {
    session = Session.load();
    if (!session) {
      setStatus("Taking you to the login page…");
      await beginLogin(location.pathname);
      return;
    }
  }
  await open();
}

/**
 * Connects with the session's access token. A token the server refuses
 * although it looked valid here (the clocks differ) is renewed once;
 * refreshFirst renews it before trying, after a lost connection, when the
 * session may have ended.
 */
async function authenticate(refreshFirst) {
  if (refreshFirst) await session.refresh();
  try {
    return await connect(await session.accessToken());
  } catch (e) {
    if (!(e instanceof AuthInvalid) || refreshFirst) throw e;
    await session.refresh();
    return connect(session.tokens.access_token);
  }
}

/**
 * Connects and shows the profile, trying again while the server can't be
 * reached; a session the server no longer accepts ends here.
 */
async function open(refreshFirst = false) {
  for (;;) {
    let c = null;
    try {
      c = await authenticate(refreshFirst);
      conn = c;
      await loadAll();
      if (c.closed) throw new ConnectionLost();
      c.onclose = lost;
      reconnects = 0;
      showProfile();
      return;
    } catch (e) {
      if (leaving) return;
      if (e instanceof SessionEnded || e instanceof AuthInvalid) {
        if (c) c.close();
        session.clear();
        signedOut("Your session ended. Log in again to see your profile.", "warning");
        return;
      }
      if (e instanceof CommandError) {
        setStatus(`Your profile could not be loaded: ${e.message}`, "error");
        return;
      }
      if (c) c.close();
      conn = null;
      // The server can't be reached: try again, less and less often.
      setStatus("The server can't be reached. Trying again…", "warning");
      page.sections.inert = true;
      await wait(reconnectDelays[Math.min(reconnects++, reconnectDelays.length - 1)]);
      refreshFirst = true;
    }
  }
}

function lost() {
  if (leaving || !session) return;
  conn = null;
  setStatus("The connection to the server was lost. Reconnecting…", "warning");
  page.sections.inert = true;
  open(true);
}

async function logout(message = "You're logged out.") {
  leaving = true;
  if (conn) conn.close();
  setStatus("Logging you out…");
  await session.logout();
  leaving = false;
  signedOut(message);
}

// After a password change, as Home Assistant's frontend offers it: every
// refresh token of the user goes, long-lived ones and this browser's
// included (the server removes the current one two seconds after it
// answers; logging out revokes it at once).
async function logoutEverywhere(button) {
  const ok = await confirmAction(
    "Log out everywhere?",
    "Every browser and app you logged in with, this one included, will have to log in again with the new password, and programs that use a long-lived access token will no longer be able to use your account.",
    "Log out everywhere",
  );
  if (!ok) return;
  $("pw-error").hidden = true;
  try {
    await busy(button, () => conn.call("auth/delete_all_refresh_tokens", {}));
  } catch (e) {
    if (e instanceof ConnectionLost) throw e;
    showError($("pw-error"), `You could not be logged out everywhere: ${e.message}`);
    return;
  }
  await logout("You're logged out everywhere. Log in again with your new password.");
}

// --- Loading and showing the account.

async function loadAll() {
  const [u, t] = await Promise.all([conn.call("auth/current_user"), conn.call("auth/refresh_tokens")]);
  user = u;
  tokens = t;
  renderUser();
  renderMFA();
  renderTokens();
}

async function reloadTokens() {
  tokens = await conn.call("auth/refresh_tokens");
  renderTokens();
}

function renderUser() {
  $("user-name").textContent = user.name || "Unnamed user";
  $("user-role").textContent = user.is_owner ? "Owner and administrator" : user.is_admin ? "Administrator" : "User";
  $("password").hidden = !(user.credentials || []).some((c) => c.auth_provider_type === "homeassistant");
}

// --- Two-factor authentication.

const setupLabels = {
  code: "Code",
  pin: "PIN",
  notify_service: "Notification service",
  target: "Target",
};

const setupErrors = {
  invalid_code:
    "Invalid code. Check the code and try again. If it keeps failing, check that the clocks of the server and of your device are right.",
};

const setupAborts = {
  no_available_service: "No notification service is available to send you codes.",
  notify_service_not_exist: "The notification service is gone. Start the setup again.",
};

function setupLabel(field) {
  if (setupLabels[field.name]) return setupLabels[field.name];
  const words = String(field.name).replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function setupErrorText(key) {
  return setupErrors[key] || `Error: ${key}`;
}

function renderMFA() {
  const list = $("mfa-modules");
  const modules = user.mfa_modules || [];
  if (modules.length === 0) {
    list.replaceChildren(el("li", { class: "empty", text: "This server offers no two-factor authentication methods." }));
    return;
  }
  list.replaceChildren(
    ...modules.map((m) => {
      const button = el("button", { type: "button", class: m.enabled ? "secondary small" : "small" }, m.enabled ? "Turn off" : "Set up", el("span", { class: "visually-hidden", text: ` ${m.name}` }));
      button.addEventListener("click", guard(() => (m.enabled ? depose(m, button) : startSetup(m))));
      return el(
        "li",
        { class: "item" },
        el("div", { class: "item-main" }, el("p", { class: "item-title", text: m.name }), el("p", { class: `state ${m.enabled ? "on" : "off"}`, text: m.enabled ? "On" : "Off" })),
        button,
      );
    }),
  );
}

async function reloadUser() {
  user = await conn.call("auth/current_user");
  renderUser();
  renderMFA();
}

async function depose(module, button) {
  const ok = await confirmAction(`Turn off ${module.name}?`, `Logging in will no longer ask for a code from ${module.name}.`, "Turn off");
  if (!ok) return;
  const errorBox = $("mfa-error");
  errorBox.hidden = true;
  try {
    await busy(button, () => conn.call("auth/depose_mfa", { mfa_module_id: module.id }));
  } catch (e) {
    if (e instanceof ConnectionLost) throw e;
    showError(errorBox, `${module.name} could not be turned off: ${e.message}`);
  }
  await reloadUser();
  focusOn($("mfa-title"));
}

let setupSeq = 0;

function setupArea(module) {
  const area = $("mfa-setup");
  area.hidden = false;
  $("mfa-setup-title").textContent = `Set up ${module.name}`;
  return $("mfa-setup-body");
}

function closeSetup() {
  $("mfa-setup").hidden = true;
  $("mfa-setup-body").replaceChildren();
  focusOn($("mfa-title"));
}

function setupMessage(module, message, kind) {
  const body = setupArea(module);
  const done = el("button", { type: "button", class: "secondary", text: "Close" });
  done.addEventListener("click", closeSetup);
  body.replaceChildren(el("div", { class: `alert ${kind}`, role: kind === "error" ? "alert" : null }, el("p", { text: message })), el("div", { class: "actions" }, done));
  focusOn($("mfa-setup-title"));
}

async function startSetup(module) {
  const body = setupArea(module);
  body.replaceChildren(el("p", { class: "status", text: "Starting…" }));
  focusOn($("mfa-setup-title"));
  let step;
  try {
    step = await conn.call("auth/setup_mfa", { mfa_module_id: module.id });
  } catch (e) {
    if (e instanceof ConnectionLost) throw e;
    setupMessage(module, `The setup could not start: ${e.message}`, "error");
    return;
  }
  await showSetupStep(module, step, null);
}

async function showSetupStep(module, step, lastInput) {
  if (step.type === "create_entry") {
    await reloadUser();
    setupMessage(module, `${module.name} is on. From now on, logging in also asks for a code from it.`, "success");
    return;
  }
  if (step.type === "abort") {
    setupMessage(module, setupAborts[step.reason] || `The setup stopped: ${step.reason}`, "warning");
    return;
  }
  if (step.type !== "form") {
    setupMessage(module, `Unexpected answer from the server (${step.type}).`, "error");
    return;
  }
  const body = setupArea(module);
  const prefix = `setup${++setupSeq}`;
  const ph = step.description_placeholders || {};
  const form = el("form", { novalidate: true, "aria-labelledby": "mfa-setup-title" });
  form.append(...setupDescription(step, ph));
  const errors = { ...(step.errors || {}) };
  const base = errors.base;
  delete errors.base;
  let alert = null;
  if (base) {
    alert = el("div", { class: "alert error", role: "alert", id: `${prefix}-error` }, el("p", { text: setupErrorText(base) }));
    form.append(alert);
  }
  // The same step again keeps what was typed, but not a code.
  const values = {};
  if (lastInput) {
    for (const [k, v] of Object.entries(lastInput)) if (k !== "code" && k !== "pin") values[k] = v;
  }
  const schema = step.data_schema || [];
  form.append(renderFields(schema, { idPrefix: prefix, label: setupLabel, errors, errorText: setupErrorText, values }));
  const submit = el("button", { type: "submit", text: "Confirm" });
  const cancel = el("button", { type: "button", class: "secondary", text: "Cancel" });
  cancel.addEventListener("click", closeSetup);
  form.append(el("div", { class: "actions row" }, submit, cancel));
  onSubmit(form, async () => {
    if (!form.reportValidity()) return;
    const input = readFields(form, schema);
    form.setAttribute("aria-busy", "true");
    let next;
    try {
      next = await busy(submit, () => conn.call("auth/setup_mfa", { flow_id: step.flow_id, user_input: input }));
    } catch (e) {
      if (e instanceof ConnectionLost) throw e;
      const message = e instanceof CommandError && e.code === "not_found" ? "This setup expired. Start it again." : `The setup failed: ${e.message}`;
      setupMessage(module, message, "error");
      return;
    }
    await showSetupStep(module, next, input);
  });
  body.replaceChildren(form);
  const target = form.querySelector('[aria-invalid="true"]') || form.querySelector("input, select");
  if (target) {
    if (alert) target.setAttribute("aria-describedby", alert.id);
    if (base || lastInput) target.focus();
  }
}

/** What the setup step shows above its fields. */
function setupDescription(step, ph) {
  const out = [];
  if (ph.qr_code !== undefined || ph.code !== undefined) {
    out.push(
      el(
        "p",
        {},
        "Scan the QR code with an authenticator app on your phone, or type the key into it. Then enter the six-digit code that the app shows.",
      ),
    );
    const img = qrImage(ph.qr_code);
    if (img) out.push(el("div", { class: "qr" }, img));
    if (typeof ph.code === "string") {
      out.push(el("p", { class: "secret" }, "Key: ", el("code", { id: "mfa-secret", text: groupKey(ph.code) })));
    }
    if (typeof ph.url === "string" && ph.url.startsWith("otpauth://")) {
      out.push(el("p", {}, el("a", { href: ph.url, id: "mfa-otpauth", text: "Open in an authenticator app on this device" })));
    }
  } else if (step.step_id === "setup") {
    out.push(el("p", { text: "Enter the code that was sent to you." }));
  } else if ((step.data_schema || []).some((f) => f.name === "notify_service")) {
    out.push(el("p", { text: "Choose where the codes are sent." }));
  }
  return out;
}

/** The key in groups of four, as authenticator apps accept it. */
function groupKey(key) {
  return key.replace(/(.{4})(?=.)/g, "$1 ");
}

/**
 * The QR code as an <img> of a data: URL: an image's SVG runs no script
 * and loads nothing, whatever it contains. Home Assistant's SVG comes
 * without its namespace (it is meant to be put into HTML), which a
 * stand-alone SVG needs.
 */
function qrImage(svg) {
  if (typeof svg !== "string" || !/^\s*<svg[\s>]/.test(svg)) return null;
  const tag = svg.slice(0, svg.indexOf(">") + 1);
  const markup = /\sxmlns\s*=/.test(tag) ? svg : svg.replace(/^\s*<svg/, '<svg xmlns="http://www.w3.org/2000/svg"');
  return el("img", {
    src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`,
    alt: "QR code of the key, for your authenticator app",
    width: "200",
    height: "200",
  });
}

// --- Password.

function passwordForm() {
  const form = $("password-form");
  const current = $("pw-current");
  const next = $("pw-new");
  const confirm = $("pw-confirm");
  const currentError = $("pw-current-error");
  const errorBox = $("pw-error");
  const done = $("pw-done");
  const button = form.querySelector('button[type="submit"]');
  confirm.addEventListener("input", () => confirm.setCustomValidity(""));
  current.addEventListener("input", () => {
    currentError.hidden = true;
    current.removeAttribute("aria-invalid");
    current.removeAttribute("aria-describedby");
  });
  onSubmit(form, async () => {
    errorBox.hidden = true;
    done.hidden = true;
    confirm.setCustomValidity(next.value === confirm.value ? "" : "The passwords don't match.");
    if (!form.reportValidity()) return;
    try {
      await busy(button, () =>
        conn.call("config/auth_provider/homeassistant/change_password", { current_password: current.value, new_password: next.value }),
      );
    } catch (e) {
      if (e instanceof ConnectionLost) throw e;
      if (e instanceof CommandError && e.code === "invalid_current_password") {
        currentError.textContent = "The current password is wrong.";
        currentError.hidden = false;
        current.setAttribute("aria-invalid", "true");
        current.setAttribute("aria-describedby", currentError.id);
        current.value = "";
        current.focus();
      } else {
        showError(errorBox, `The password could not be changed: ${e.message}`);
      }
      return;
    }
    form.reset();
    done.hidden = false;
  });
}

// --- Sessions and long-lived access tokens.

// Most recently used first; never used last.
function byLastUse(a, b) {
  const ta = a.last_used_at ? Date.parse(a.last_used_at) : 0;
  const tb = b.last_used_at ? Date.parse(b.last_used_at) : 0;
  return tb - ta;
}

function tokenItem(t, kind) {
  const name = t.client_name || t.client_id || "Unknown client";
  const title = el("p", { class: "item-title" }, el("span", { class: "name", text: name }));
  if (t.is_current) title.append(" ", el("span", { class: "badge", text: "This browser" }));
  const lines = [title];
  lines.push(el("p", { class: "hint" }, kind === "session" ? "Logged in " : "Created ", time(t.created_at)));
  if (t.last_used_at) {
    lines.push(el("p", { class: "hint" }, "Last used ", time(t.last_used_at), t.last_used_ip ? ` from ${t.last_used_ip}` : ""));
  } else {
    lines.push(el("p", { class: "hint", text: "Never used" }));
  }
  const li = el("li", { class: "item", "data-token-id": t.id }, el("div", { class: "item-main" }, ...lines));
  if (!t.is_current) {
    const label = kind === "session" ? "Log out" : "Revoke";
    const button = el("button", { type: "button", class: "secondary small" }, label, el("span", { class: "visually-hidden", text: ` ${name}` }));
    button.addEventListener("click", guard(() => revoke(t, name, kind, button)));
    li.append(button);
  }
  return li;
}

function renderTokens() {
  const sessions = tokens.filter((t) => t.type === "normal").sort((a, b) => (b.is_current ? 1 : 0) - (a.is_current ? 1 : 0) || byLastUse(a, b));
  const llats = tokens.filter((t) => t.type === "long_lived_access_token").sort(byLastUse);
  const sessionList = $("session-list");
  sessionList.replaceChildren(...sessions.map((t) => tokenItem(t, "session")));
  $("logout-others").disabled = !sessions.some((t) => !t.is_current);
  const llatList = $("llat-list");
  if (llats.length === 0) {
    llatList.replaceChildren(el("li", { class: "empty", text: "You have no long-lived access tokens." }));
  } else {
    llatList.replaceChildren(...llats.map((t) => tokenItem(t, "llat")));
  }
}

async function revoke(token, name, kind, button) {
  const ok =
    kind === "session"
      ? await confirmAction("Log out that session?", `${name} will have to log in again.`, "Log out")
      : await confirmAction(`Revoke ${name}?`, "Programs that use this token will no longer be able to use your account.", "Revoke");
  if (!ok) return;
  const errorBox = kind === "session" ? $("sessions-error") : $("llat-error");
  errorBox.hidden = true;
  try {
    await busy(button, () => conn.call("auth/delete_refresh_token", { refresh_token_id: token.id }));
  } catch (e) {
    if (e instanceof ConnectionLost) throw e;
    showError(errorBox, `It could not be revoked: ${e.message}`);
  }
  await reloadTokens();
  focusOn($(kind === "session" ? "sessions-title" : "llat-title"));
}

async function logoutOthers(button) {
  const ok = await confirmAction(
    "Log out all other sessions?",
    "Every other browser and app you logged in with will have to log in again. Long-lived access tokens keep working.",
    "Log out all",
  );
  if (!ok) return;
  $("sessions-error").hidden = true;
  try {
    // Only sessions: long-lived tokens have their own list, and this
    // browser stays logged in.
    await busy(button, () => conn.call("auth/delete_all_refresh_tokens", { token_type: "normal", delete_current_token: false }));
  } catch (e) {
    if (e instanceof ConnectionLost) throw e;
    showError($("sessions-error"), `The sessions could not be logged out: ${e.message}`);
  }
  await reloadTokens();
  focusOn($("sessions-title"));
}

function tokenForm() {
  const form = $("llat-form");
  const name = $("llat-name");
  const lifespan = $("llat-lifespan");
  const nameError = $("llat-name-error");
  const errorBox = $("llat-error");
  const button = form.querySelector('button[type="submit"]');
  name.addEventListener("input", () => {
    nameError.hidden = true;
    name.removeAttribute("aria-invalid");
    name.setAttribute("aria-describedby", "llat-name-hint");
  });
  onSubmit(form, async () => {
    errorBox.hidden = true;
    if (!form.reportValidity()) return;
    const clientName = name.value.trim();
    const nameTaken = (msg) => {
      nameError.textContent = msg;
      nameError.hidden = false;
      name.setAttribute("aria-invalid", "true");
      name.setAttribute("aria-describedby", "llat-name-hint llat-name-error");
      name.focus();
    };
    if (!clientName) return nameTaken("Give the token a name.");
    // Home Assistant allows one token per name and answers a second one
    // with an unknown error; say what it is before asking.
    if (tokens.some((t) => t.type === "long_lived_access_token" && t.client_name === clientName)) {
      return nameTaken("You already have a token with this name.");
    }
    let token;
    try {
      token = await busy(button, () =>
        conn.call("auth/long_lived_access_token", { client_name: clientName, lifespan: parseInt(lifespan.value, 10) }),
      );
    } catch (e) {
      if (e instanceof ConnectionLost) throw e;
      showError(errorBox, `The token could not be created: ${e.message}`);
      return;
    }
    form.reset();
    showCreated(clientName, token);
    await reloadTokens();
  });

  $("llat-copy").addEventListener("click", guard(copyToken));
  $("llat-done").addEventListener("click", () => {
    $("llat-value").value = "";
    $("llat-copied").textContent = "";
    $("llat-created").hidden = true;
    $("llat-name").focus();
  });
}

function showCreated(name, token) {
  $("llat-created-name").textContent = `for “${name}”`;
  const value = $("llat-value");
  value.value = token;
  $("llat-copied").textContent = "";
  $("llat-created").hidden = false;
  value.focus();
  value.select();
}

async function copyToken() {
  const value = $("llat-value");
  const said = $("llat-copied");
  try {
    if (!navigator.clipboard) throw new Error("no clipboard");
    await navigator.clipboard.writeText(value.value);
  } catch {
    // No clipboard API (a page on plain http outside localhost): copy the
    // selection the old way.
    value.focus();
    value.select();
    if (!document.execCommand("copy")) {
      said.textContent = "Copying is not possible here: select the token and copy it yourself.";
      return;
    }
  }
  said.textContent = "Copied to the clipboard.";
}

// --- Confirmation dialog.

function confirmAction(title, text, okText) {
  const dialog = $("confirm");
  $("confirm-title").textContent = title;
  $("confirm-text").textContent = text;
  $("confirm-ok").textContent = okText;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
  });
}

// --- Wiring.

$("login").addEventListener("click", guard(() => beginLogin(location.pathname)));
$("logout").addEventListener("click", guard(() => logout()));
$("logout-everywhere").addEventListener("click", guard((ev) => logoutEverywhere(ev.currentTarget)));
$("logout-others").addEventListener("click", guard((ev) => logoutOthers(ev.currentTarget)));
passwordForm();
tokenForm();
start().catch((e) => {
  if (e instanceof SessionEnded) {
    signedOut("Your session ended. Log in again to see your profile.", "warning");
  } else {
    setStatus(`Something went wrong: ${e.message}`, "error");
  }
});
