// The /auth/authorize page: runs the login flow through the public API,
// or, while the server has no user, creates the owner first and then logs
// in with the new account. The server has already checked client_id and
// redirect_uri before it rendered this page; it passes the request in the
// page (#authorize-request).

import {
  createLoginFlow,
  deleteLoginFlow,
  fetchProviders,
  onboardUser,
  readReply,
  redirectWithAuthCode,
  submitLoginFlow,
} from "./api.js";
import { el, readFields, renderFields } from "./form.js";

const req = JSON.parse(document.getElementById("authorize-request").textContent);

// Logging in to this server's own pages (client_id is this origin, as
// Home Assistant's frontend sends it): only then does "keep me logged in"
// mean something to the client.
const ownClient = req.client_id === `${location.protocol}//${location.host}/`;

const mfaSteps = ["select_mfa_module", "mfa"];

// Inputs never filled in again when a step is shown a second time.
const secretFields = ["password", "code", "pin"];

const labels = {
  username: "Username",
  password: "Password",
  code: "Code",
  pin: "PIN",
  user: "User",
  multi_factor_auth_module: "Two-factor authentication method",
};

const errorTexts = {
  invalid_auth: "Invalid username or password.",
  invalid_code: "Invalid code. Check the code and try again.",
  invalid_auth_module: "Choose one of the listed methods.",
};

// What some of the server's refusals mean for the person reading them.
const messageHints = {
  "Invalid redirect URI":
    "The app asked to send you back to an address that it does not list as its own, so the login was not sent anywhere.",
  "Invalid flow specified": "This login expired or was already finished. Start over to log in.",
};

const abortTexts = {
  login_expired: "The login took too long and expired. Start over to log in.",
  too_many_retry: "Too many invalid codes. Start over to try again.",
  unknown_error: "Something went wrong. Start over to try again.",
  not_allowed: "This device is not allowed to log in with this method.",
};

function labelFor(field) {
  if (labels[field.name]) return labels[field.name];
  const words = String(field.name).replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function errorText(key) {
  return errorTexts[key] || `Error: ${key}`;
}

/** Runs login flows in `box`, the page's flow area. */
class LoginFlow {
  constructor(box, title) {
    this.box = box;
    this.title = title;
    this.providers = [];
    this.provider = null;
    this.step = null;
    this.storeToken = false;
    this.seq = 0;
    this.values = {};
    this.lastInput = null;
  }

  /** Fetches the providers and starts the first one's flow. */
  async begin() {
    this.status("Loading…");
    let resp, body;
    try {
      resp = await fetchProviders();
      body = await readReply(resp);
    } catch {
      return this.fail("The server could not be reached. Check your connection and try again.");
    }
    if (resp.status === 400 && body.code === "onboarding_required") {
      // The last user was removed since this page was made: the server
      // now shows the form that creates the owner.
      location.reload();
      return;
    }
    if (!resp.ok) return this.fail(body.message);
    if (!body.providers || body.providers.length === 0) {
      return this.fail("No auth providers returned. Unable to finish login.");
    }
    this.providers = body.providers;
    this.storeToken = ownClient && body.preselect_remember_me === true;
    await this.start(this.providers[0]);
  }

  /** Starts a flow with `provider`, dropping the one that is open. */
  async start(provider) {
    if (this.step && this.step.type === "form") {
      deleteLoginFlow(this.step.flow_id).catch(() => {});
    }
    this.provider = provider;
    this.step = null;
    this.status("Loading…");
    let resp, body;
    try {
      resp = await createLoginFlow(req, provider);
      body = await readReply(resp);
    } catch {
      return this.fail("The server could not be reached. Check your connection and try again.");
    }
    if (!resp.ok) return this.fail(body.message);
    this.show(body);
  }

  /** Sends the step's input; answers are shown, or end in the redirect. */
  async submit(data) {
    let resp, body;
    try {
      this.lastInput = data;
      resp = await submitLoginFlow(this.step.flow_id, { ...data, client_id: req.client_id });
      body = await readReply(resp);
    } catch {
      return this.fail("The server could not be reached. Check your connection and try again.");
    }
    // 403: the redirect URI was refused or the user may not log in; any
    // other error (an expired flow, say) also ends this flow.
    if (!resp.ok) return this.fail(body.message);
    this.show(body);
  }

  show(step) {
    if (step.type === "create_entry") {
      this.finish(step.result);
      return;
    }
    // The same step again (a wrong password or code) keeps what was typed,
    // but never a password or a code, which must be typed anew.
    const again = this.step && step.type === "form" && step.flow_id === this.step.flow_id && step.step_id === this.step.step_id;
    this.values = {};
    if (again && this.lastInput) {
      for (const [key, value] of Object.entries(this.lastInput)) {
        if (!secretFields.includes(key)) this.values[key] = value;
      }
    }
    this.step = step;
    if (step.type === "form") {
      this.renderForm(step);
    } else if (step.type === "abort") {
      this.setTitle("Log in");
      this.renderEnd(abortTexts[step.reason] || `Login aborted: ${step.reason}`);
    } else {
      this.fail(`Unexpected answer from the server (${step.type}).`);
    }
  }

  finish(code) {
    this.status("Logged in. Taking you back…");
    if (!redirectWithAuthCode(req.redirect_uri, code, req.state, ownClient && this.storeToken)) {
      this.fail("Invalid redirect URI");
    }
  }

  setTitle(text) {
    this.title.textContent = text;
    document.title = `${text} · Home Assistant`;
  }

  status(text) {
    this.box.replaceChildren(el("p", { class: "status", role: "status", text }));
  }

  /** Shows an error that ends the flow, with a way to start over. */
  fail(message) {
    this.step = null;
    this.setTitle("Log in");
    this.lastInput = null;
    this.renderEnd(message || "Something went wrong.", true);
  }

  renderEnd(message, isError = false) {
    const hint = isError && messageHints[message] ? el("p", { text: messageHints[message] }) : null;
    const alert = el("div", { class: `alert ${isError ? "error" : "warning"}`, role: "alert", tabindex: "-1" }, el("p", { text: message }), hint);
    const again = el("button", { type: "button", text: "Start over" });
    again.addEventListener("click", () => (this.provider ? this.start(this.provider) : this.begin()));
    this.box.replaceChildren(alert, el("div", { class: "actions" }, again), this.providerChoice());
    alert.focus();
  }

  renderForm(step) {
    const mfa = mfaSteps.includes(step.step_id);
    this.setTitle(mfa ? "Two-factor authentication" : "Log in");
    const prefix = `step${++this.seq}`;
    const form = el("form", { novalidate: true, "aria-labelledby": "flow-title" });
    const description = this.describe(step);
    if (description) form.append(description);
    const errors = { ...(step.errors || {}) };
    const base = errors.base;
    delete errors.base;
    let alert = null;
    if (base) {
      alert = el("div", { class: "alert error", role: "alert", id: `${prefix}-error` }, el("p", { text: errorText(base) }));
      form.append(alert);
    }
    form.append(renderFields(step.data_schema || [], { idPrefix: prefix, label: labelFor, errors, errorText, values: this.values }));
    if (ownClient && !mfa) {
      const box = el("input", { type: "checkbox", id: `${prefix}-store-token`, checked: this.storeToken });
      box.addEventListener("change", () => (this.storeToken = box.checked));
      form.append(el("div", { class: "check" }, box, el("label", { for: `${prefix}-store-token`, text: "Keep me logged in" })));
    }
    const button = el("button", { type: "submit", text: step.step_id === "init" ? "Log in" : "Next" });
    form.append(el("div", { class: "actions" }, button));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!form.reportValidity()) return;
      const data = readFields(form, step.data_schema || []);
      button.disabled = true;
      form.setAttribute("aria-busy", "true");
      await this.submit(data);
      button.disabled = false;
      form.removeAttribute("aria-busy");
    });
    this.box.replaceChildren(form, this.providerChoice());
    // Put the cursor where the person types next: the field with an
    // error, else the first field.
    const target =
      form.querySelector('[aria-invalid="true"]') ||
      (base && (form.querySelector('[name="password"]') || form.querySelector('[name="code"]'))) ||
      form.querySelector("input:not([type=checkbox]), select");
    if (target) target.focus();
    if (alert && target) target.setAttribute("aria-describedby", alert.id);
  }

  describe(step) {
    const ph = step.description_placeholders || {};
    if (step.step_id === "mfa") {
      return el("p", {}, "Enter the code from ", el("strong", { text: ph.mfa_module_name || "your authenticator" }), " to confirm it's you.");
    }
    if (step.step_id === "select_mfa_module") {
      return el("p", { text: "Choose how to confirm it's you." });
    }
    if (step.step_id === "init" && step.handler && step.handler[0] === "trusted_networks") {
      return el("p", { text: "Choose the user you want to log in as." });
    }
    return null;
  }

  /** Buttons for the other providers, when there is more than one. */
  providerChoice() {
    const others = this.providers.filter((p) => p !== this.provider);
    if (others.length === 0 || (this.step && mfaSteps.includes(this.step.step_id))) return "";
    const nav = el("nav", { class: "providers", "aria-labelledby": "providers-title" }, el("h2", { id: "providers-title", text: "Or log in with" }));
    for (const p of others) {
      const b = el("button", { type: "button", class: "secondary", text: p.name });
      b.addEventListener("click", () => this.start(p));
      nav.append(b);
    }
    return nav;
  }
}

/** The first-run form: creates the owner, then logs in as the owner. */
function onboarding(form) {
  const fields = document.getElementById("onboarding-fields");
  const name = document.getElementById("ob-name");
  const username = document.getElementById("ob-username");
  const password = document.getElementById("ob-password");
  const confirm = document.getElementById("ob-password-confirm");
  const storeToken = document.getElementById("ob-store-token");
  const errorBox = document.getElementById("ob-error");
  if (ownClient) document.getElementById("ob-store-token-row").hidden = false;
  fields.disabled = false;
  name.focus();

  // Suggest a username from the name until the person types one.
  let usernameEdited = false;
  username.addEventListener("input", () => (usernameEdited = true));
  name.addEventListener("input", () => {
    if (!usernameEdited) username.value = name.value.toLowerCase().replace(/\s+/g, "");
  });
  confirm.addEventListener("input", () => confirm.setCustomValidity(""));

  const showError = (message) => {
    errorBox.replaceChildren(el("p", { text: message }));
    errorBox.hidden = false;
    errorBox.setAttribute("tabindex", "-1");
    errorBox.focus();
  };

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    errorBox.hidden = true;
    confirm.setCustomValidity(password.value === confirm.value ? "" : "The passwords don't match.");
    if (!form.reportValidity()) return;
    fields.disabled = true;
    form.setAttribute("aria-busy", "true");
    let resp, body;
    try {
      resp = await onboardUser({
        client_id: req.client_id,
        name: name.value,
        username: username.value,
        password: password.value,
        language: navigator.language || "en",
      });
      body = await readReply(resp);
    } catch {
      body = { message: "The server could not be reached. Check your connection and try again." };
    }
    form.removeAttribute("aria-busy");
    if (!resp || !resp.ok) {
      fields.disabled = false;
      if (resp && resp.status === 403) {
        // Someone else created the owner meanwhile.
        showError("This server already has an owner. Reload the page to log in.");
      } else {
        showError(body.message || "Something went wrong.");
      }
      return;
    }
    // The owner exists. Log in with the new account through the login
    // flow, so that the redirect URI, PKCE and the code's client get the
    // same checks as any other login.
    const box = el("div", { id: "flow", "aria-live": "polite" });
    const title = document.querySelector("h1");
    title.id = "flow-title";
    form.replaceWith(box);
    document.getElementById("onboarding-intro")?.remove();
    const flow = new LoginFlow(box, title);
    flow.providers = [{ name: "Home Assistant Local", id: null, type: "homeassistant" }];
    flow.storeToken = ownClient && storeToken.checked;
    await flow.start(flow.providers[0]);
    if (flow.step && flow.step.type === "form" && flow.step.step_id === "init") {
      flow.status("Logging in…");
      await flow.submit({ username: username.value, password: password.value });
    }
  });
}

if (req.mode === "onboarding") {
  onboarding(document.getElementById("onboarding"));
} else {
  new LoginFlow(document.getElementById("flow"), document.getElementById("flow-title")).begin();
}
