// The server's public HTTP API, called the way Home Assistant's frontend
// calls it: JSON bodies without a Content-Type (so fetch sends text/plain,
// which needs no CORS preflight), same-origin credentials.

function postJSON(path, body) {
  return fetch(path, {
    method: "POST",
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
}

/** GET /auth/providers */
export function fetchProviders() {
  return fetch("/auth/providers", { credentials: "same-origin" });
}

/**
 * POST /auth/login_flow for the authorization request `req` (as the page
 * received it) and the provider `provider`.
 */
export function createLoginFlow(req, provider) {
  const body = {
    client_id: req.client_id,
    handler: [provider.type, provider.id],
    redirect_uri: req.redirect_uri,
  };
  if (req.code_challenge || req.code_challenge_method) {
    body.code_challenge = req.code_challenge;
    body.code_challenge_method = req.code_challenge_method;
  }
  return postJSON("/auth/login_flow", body);
}

/** POST /auth/login_flow/{flow_id} with the step's input and client_id. */
export function submitLoginFlow(flowID, data) {
  return postJSON(`/auth/login_flow/${encodeURIComponent(flowID)}`, data);
}

/** DELETE /auth/login_flow/{flow_id} */
export function deleteLoginFlow(flowID) {
  return fetch(`/auth/login_flow/${encodeURIComponent(flowID)}`, {
    method: "DELETE",
    credentials: "same-origin",
  });
}

/** POST /api/onboarding/users: creates the owner. */
export function onboardUser(data) {
  return postJSON("/api/onboarding/users", data);
}

/**
 * Reads a JSON reply. A body that is not JSON (a plain-text error from a
 * proxy, say) becomes {message: <status line>}.
 */
export async function readReply(resp) {
  try {
    return await resp.json();
  } catch {
    return { message: `${resp.status} ${resp.statusText}`.trim() };
  }
}

// Schemes a redirect must never use: they would run code in this page or
// read local data instead of reaching the client. The server refuses them
// too; this is the last line before the browser navigates.
const unsafeSchemes = ["javascript:", "data:", "vbscript:", "file:", "about:", "blob:", "filesystem:"];

/**
 * Sends the browser to the client with the authorization code, keeping the
 * redirect URI's own query (OAuth 2.0, section 3.1.2) and adding code, then
 * state, then storeToken=true when the person asked to stay logged in, in
 * the order Home Assistant's frontend uses.
 */
export function redirectWithAuthCode(redirectURI, code, state, storeToken) {
  let url = redirectURI;
  if (!url.includes("?")) {
    url += "?";
  } else if (!url.endsWith("?") && !url.endsWith("&")) {
    url += "&";
  }
  url += `code=${encodeURIComponent(code)}`;
  if (state) {
    url += `&state=${encodeURIComponent(state)}`;
  }
  if (storeToken) {
    url += "&storeToken=true";
  }
  let protocol;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return false;
  }
  if (unsafeSchemes.includes(protocol)) {
    return false;
  }
  document.location.assign(url);
  return true;
}
