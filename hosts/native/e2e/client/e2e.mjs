// Drives a running hassauth server the way Home Assistant's frontend and
// its websocket library do, and exits non-zero on the first difference.
//
//   node e2e.mjs http://127.0.0.1:PORT USERNAME PASSWORD
import WebSocket from "ws";
import {
  createConnection,
  createLongLivedTokenAuth,
  getAuth,
  ERR_INVALID_AUTH,
} from "home-assistant-js-websocket";

// Node 20 has no global WebSocket; the library looks for one.
globalThis.WebSocket = class extends WebSocket {
  constructor(...args) {
    super(...args);
    // The library drops its error listener after auth; ws throws on an
    // error event nobody listens to.
    this.on("error", () => {});
  }
};

const [hassUrl, username, password] = process.argv.slice(2);
const clientId = `${hassUrl}/`;

function check(cond, what) {
  if (!cond) {
    throw new Error(`check failed: ${what}`);
  }
  console.log(`ok - ${what}`);
}

function withTimeout(promise, ms, what) {
  return Promise.race([
    promise,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`timed out: ${what}`)), ms),
    ),
  ]);
}

// The login flow as the frontend sends it: JSON bodies without a
// Content-Type header, so fetch labels them text/plain.
async function loginFlow() {
  let res = await fetch(`${hassUrl}/auth/login_flow`, {
    method: "POST",
    body: JSON.stringify({
      client_id: clientId,
      handler: ["homeassistant", null],
      redirect_uri: `${clientId}?auth_callback=1`,
    }),
  });
  check(res.status === 200, "login flow starts");
  const form = await res.json();
  check(form.type === "form" && form.step_id === "init", "the first step is the init form");
  res = await fetch(`${hassUrl}/auth/login_flow/${form.flow_id}`, {
    method: "POST",
    body: JSON.stringify({ username, password, client_id: clientId }),
  });
  const entry = await res.json();
  check(entry.type === "create_entry" && typeof entry.result === "string", "the password step gives a code");
  return entry.result;
}

async function apiStatus(path, accessToken) {
  const headers = accessToken ? { Authorization: `Bearer ${accessToken}` } : {};
  const res = await fetch(`${hassUrl}${path}`, { headers });
  return res.status;
}

async function main() {
  const code = await loginFlow();

  // The code exchange through the library (multipart FormData).
  const auth = await getAuth({ hassUrl, clientId, authCode: code });
  check(typeof auth.accessToken === "string" && auth.data.refresh_token, "the library exchanged the code");
  check(!auth.expired, "the access token is fresh");

  const conn = await withTimeout(createConnection({ auth }), 10000, "createConnection");
  check(typeof conn.haVersion === "string" && conn.haVersion.split(".").length >= 2, "auth_ok carries ha_version");

  const user = await conn.sendMessagePromise({ type: "auth/current_user" });
  check(user.name === username && user.is_owner === true, "auth/current_user names the owner");
  check(Array.isArray(user.mfa_modules) && user.credentials.length === 1, "current_user lists credentials and MFA modules");

  const signed = await conn.sendMessagePromise({ type: "auth/sign_path", path: "/api/" });
  check(signed.path.startsWith("/api/?authSig="), "auth/sign_path signs the path");
  check((await apiStatus(signed.path)) === 200, "the signed path authenticates GET /api/");
  check((await apiStatus("/api/")) === 401, "GET /api/ without it does not");

  const llat = await conn.sendMessagePromise({
    type: "auth/long_lived_access_token",
    client_name: "e2e",
    lifespan: 10,
  });
  check(typeof llat === "string", "a long-lived token was created");
  const llatConn = await withTimeout(
    createConnection({ auth: createLongLivedTokenAuth(hassUrl, llat) }),
    10000,
    "createConnection with the long-lived token",
  );
  const same = await llatConn.sendMessagePromise({ type: "auth/current_user" });
  check(same.id === user.id, "the long-lived token connects as the same user");
  llatConn.close();

  const tokens = await conn.sendMessagePromise({ type: "auth/refresh_tokens" });
  check(tokens.some((t) => t.is_current && t.type === "normal"), "auth/refresh_tokens marks the current token");
  check(tokens.some((t) => t.type === "long_lived_access_token" && t.client_name === "e2e"), "and lists the long-lived one");
  check(tokens.every((t) => !("token" in t) && !("jwt_key" in t)), "without secrets");

  const expiresBefore = auth.data.expires;
  await auth.refreshAccessToken();
  check(auth.data.expires >= expiresBefore, "the library refreshed the access token");
  check((await apiStatus("/api/", auth.accessToken)) === 200, "the refreshed access token works");

  const closed = new Promise((resolve) => conn.addEventListener("disconnected", resolve));
  const gaveUp = new Promise((resolve) =>
    conn.addEventListener("reconnect-error", (_conn, err) => resolve(err)),
  );
  await auth.revoke();
  await withTimeout(closed, 10000, "the open socket closes after revoke()");
  check(true, "revoke() closed the open socket");
  const err = await withTimeout(gaveUp, 20000, "the reconnect fails");
  check(err === ERR_INVALID_AUTH, "reconnecting with the revoked token fails with ERR_INVALID_AUTH");
  conn.close();
  check((await apiStatus("/api/", auth.accessToken)) === 401, "the revoked token's access token is dead");
  console.log("e2e: all checks passed");
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
