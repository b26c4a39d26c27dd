// The login of this server's own pages, as Home Assistant's frontend does
// it: an OAuth 2.0 authorization code login through /auth/authorize with
// the server's base URL as client_id, the code exchanged at /auth/token, the
// access token refreshed with the refresh token when it expires, and the
// refresh token revoked at /auth/revoke on logout.
//
// The tokens are kept under "hassTokens", in the shape Home Assistant's
// frontend stores ({hassUrl, clientId, access_token, refresh_token,
// expires_in, expires}): in localStorage when the person chose "keep me
// logged in" on the login page (which then adds storeToken=true to the
// redirect), otherwise in sessionStorage, which the browser forgets when
// the tab is closed.
//
// On top of what Home Assistant's frontend sends, the login carries a
// random state, checked when the code comes back (so that nobody can make
// this browser log in with a code of theirs), and a PKCE challenge where
// the browser can compute SHA-256 (secure contexts: https and localhost).

const tokensKey = "hassTokens";
// The state and PKCE verifier of the login under way, kept for this tab.
const pendingKey = "hassauth.login";

// How early before its expiry an access token is renewed, so that it does
// not expire on its way to the server.
const expiryMargin = 30_000;

/** This server's own OAuth client id: its base URL, as the browser sees it. */
export function clientID() {
  return `${location.protocol}//${location.host}/`;
}

/** The address the login page sends the code back to. */
function redirectURI(path) {
  return `${location.protocol}//${location.host}${path}?auth_callback=1`;
}

function base64url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(n) {
  return base64url(crypto.getRandomValues(new Uint8Array(n)));
}

/** The session ended: the server no longer accepts the refresh token. */
export class SessionEnded extends Error {
  constructor(message = "Your session ended.") {
    super(message);
    this.name = "SessionEnded";
  }
}

/** The login could not be finished (a stale or foreign code, say). */
export class LoginFailed extends Error {
  constructor(message) {
    super(message);
    this.name = "LoginFailed";
  }
}

function storageFor(persistent) {
  return persistent ? window.localStorage : window.sessionStorage;
}

function form(fields) {
  return { method: "POST", credentials: "same-origin", body: new URLSearchParams(fields) };
}

async function readJSON(resp) {
  try {
    return await resp.json();
  } catch {
    return {};
  }
}

/** A logged-in session: the tokens and where they are kept. */
export class Session {
  constructor(tokens, persistent) {
    this.tokens = tokens;
    this.persistent = persistent;
    this.refreshing = null;
  }

  /** The stored session of this browser (this tab first), or null. */
  static load() {
    for (const persistent of [false, true]) {
      try {
        const raw = storageFor(persistent).getItem(tokensKey);
        if (!raw) continue;
        const tokens = JSON.parse(raw);
        if (tokens && typeof tokens.refresh_token === "string" && tokens.clientId === clientID()) {
          return new Session(tokens, persistent);
        }
      } catch {
        // Storage turned off or a damaged entry: no session.
      }
    }
    return null;
  }

  save() {
    try {
      storageFor(this.persistent).setItem(tokensKey, JSON.stringify(this.tokens));
      storageFor(!this.persistent).removeItem(tokensKey);
    } catch {
      // Without storage the session lasts as long as the page.
    }
  }

  /** Forgets the tokens in this browser. */
  clear() {
    for (const persistent of [false, true]) {
      try {
        storageFor(persistent).removeItem(tokensKey);
      } catch {
        // Nothing stored.
      }
    }
  }

  get expired() {
    return Date.now() > this.tokens.expires - expiryMargin;
  }

  /** A valid access token, refreshed first if it expired. */
  async accessToken() {
    if (this.expired) await this.refresh();
    return this.tokens.access_token;
  }

  /**
   * Gets a new access token with the refresh token. A refusal (400 or 403,
   * as home-assistant-js-websocket reads it) ends the session; any other
   * failure is thrown as it is and may pass.
   */
  refresh() {
    // One refresh at a time; callers in between wait for the same one.
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => (this.refreshing = null));
    }
    return this.refreshing;
  }

  async doRefresh() {
    const resp = await fetch(
      "/auth/token",
      form({ grant_type: "refresh_token", client_id: this.tokens.clientId, refresh_token: this.tokens.refresh_token }),
    );
    if (resp.status === 400 || resp.status === 403) {
      this.clear();
      throw new SessionEnded();
    }
    if (!resp.ok) throw new Error(`The server answered ${resp.status} ${resp.statusText}.`);
    const body = await readJSON(resp);
    if (typeof body.access_token !== "string") throw new Error("The server sent no access token.");
    this.tokens = { ...this.tokens, ...expiring(body) };
    this.save();
  }

  /** Revokes the refresh token (and with it every access token of the
   * session) and forgets the tokens. */
  async logout() {
    this.clear();
    try {
      await fetch("/auth/revoke", form({ token: this.tokens.refresh_token }));
    } catch {
      // The server is unreachable; the tokens are forgotten all the same.
    }
  }
}

/** access_token with its lifetime and the time it expires here. */
function expiring(body) {
  return {
    access_token: body.access_token,
    expires_in: body.expires_in,
    expires: Date.now() + Number(body.expires_in) * 1000,
  };
}

/**
 * Sends the browser to the login page; it comes back to `path` with
 * ?auth_callback=1&code=..&state=..[&storeToken=true].
 */
export async function beginLogin(path) {
  const state = randomString(16);
  let verifier = null;
  const params = {
    response_type: "code",
    client_id: clientID(),
    redirect_uri: redirectURI(path),
    state,
  };
  if (window.crypto && crypto.subtle) {
    verifier = randomString(32);
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
    params.code_challenge = base64url(new Uint8Array(digest));
    params.code_challenge_method = "S256";
  }
  sessionStorage.setItem(pendingKey, JSON.stringify({ state, verifier }));
  location.assign(`/auth/authorize?${new URLSearchParams(params)}`);
}

/**
 * Finishes a login that came back with `query`: checks its state, exchanges
 * the code and stores the tokens where storeToken says.
 */
export async function finishLogin(query) {
  let pending = null;
  try {
    pending = JSON.parse(sessionStorage.getItem(pendingKey));
    sessionStorage.removeItem(pendingKey);
  } catch {
    pending = null;
  }
  const code = query.get("code");
  if (!pending || !code || query.get("state") !== pending.state) {
    throw new LoginFailed("This login did not start here, or it was already used.");
  }
  const fields = { grant_type: "authorization_code", client_id: clientID(), code };
  if (pending.verifier) fields.code_verifier = pending.verifier;
  let resp;
  try {
    resp = await fetch("/auth/token", form(fields));
  } catch {
    throw new LoginFailed("The server could not be reached.");
  }
  const body = await readJSON(resp);
  if (!resp.ok || typeof body.access_token !== "string" || typeof body.refresh_token !== "string") {
    throw new LoginFailed(body.error_description || "The server did not accept the login.");
  }
  const session = new Session(
    {
      hassUrl: `${location.protocol}//${location.host}`,
      clientId: clientID(),
      refresh_token: body.refresh_token,
      ...expiring(body),
    },
    query.get("storeToken") === "true",
  );
  session.save();
  return session;
}
