// The websocket API at /api/websocket, as Home Assistant's frontend uses
// it: the server sends auth_required, the client answers with its access
// token and gets auth_ok or auth_invalid; then each command is a JSON
// object with an id that grows by one, answered by a result with the same
// id.

/** The access token was refused in the auth phase. */
export class AuthInvalid extends Error {
  constructor(message) {
    super(message || "Invalid access token");
    this.name = "AuthInvalid";
  }
}

/** A command's error answer, with Home Assistant's error code. */
export class CommandError extends Error {
  constructor(code, message) {
    super(message || code);
    this.name = "CommandError";
    this.code = code;
  }
}

/** The connection closed before it was ready or before an answer came. */
export class ConnectionLost extends Error {
  constructor() {
    super("The connection to the server was lost.");
    this.name = "ConnectionLost";
  }
}

function socketURL() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/api/websocket`;
}

/** An authenticated websocket connection. */
export class Connection {
  constructor(ws) {
    this.ws = ws;
    this.nextID = 1;
    this.pending = new Map();
    this.closed = false;
    /** Called once when the server closes the connection. */
    this.onclose = null;
    ws.addEventListener("message", (ev) => this.receive(ev.data));
    ws.addEventListener("close", () => this.gone());
  }

  receive(data) {
    let msgs;
    try {
      msgs = JSON.parse(data);
    } catch {
      return;
    }
    // A frame may carry several messages.
    for (const msg of Array.isArray(msgs) ? msgs : [msgs]) {
      if (!msg || msg.type !== "result") continue;
      const waiter = this.pending.get(msg.id);
      if (!waiter) continue;
      this.pending.delete(msg.id);
      if (msg.success) {
        waiter.resolve(msg.result);
      } else {
        const err = msg.error || {};
        waiter.reject(new CommandError(err.code || "unknown_error", err.message));
      }
    }
  }

  gone() {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.pending.values()) waiter.reject(new ConnectionLost());
    this.pending.clear();
    if (this.onclose) this.onclose();
  }

  /** Sends the command `type` with `fields`; resolves with its result. */
  call(type, fields = {}) {
    if (this.closed) return Promise.reject(new ConnectionLost());
    const id = this.nextID++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ ...fields, id, type }));
    });
  }

  /** Closes the connection without calling onclose. */
  close() {
    this.closed = true;
    this.ws.close();
  }
}

/**
 * Opens the websocket and authenticates with `accessToken`. Rejects with
 * AuthInvalid when the token is refused, ConnectionLost when the socket
 * closes first.
 */
export function connect(accessToken) {
  return new Promise((resolve, reject) => {
    let ws;
    try {
      ws = new WebSocket(socketURL());
    } catch {
      reject(new ConnectionLost());
      return;
    }
    let done = false;
    const onMessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        msg = null;
      }
      if (!msg || done) return;
      if (msg.type === "auth_required") {
        ws.send(JSON.stringify({ type: "auth", access_token: accessToken }));
      } else if (msg.type === "auth_ok") {
        done = true;
        ws.removeEventListener("message", onMessage);
        ws.removeEventListener("close", onClose);
        resolve(new Connection(ws));
      } else if (msg.type === "auth_invalid") {
        done = true;
        ws.close();
        reject(new AuthInvalid(msg.message));
      }
    };
    const onClose = () => {
      if (done) return;
      done = true;
      reject(new ConnectionLost());
    };
    ws.addEventListener("message", onMessage);
    ws.addEventListener("close", onClose);
  });
}
