// hassauth's core in Node.js: the reactor module (hassauth.wasm) loaded
// through node:wasi. Plain JavaScript, no dependencies, no build step.
// The exports and messages are described in hosts/wasm/ABI.md.
//
//   import { load } from './hassauth.mjs';
//   const core = await load('bin/hassauth.wasm');
//   core.init({ config: {}, seed: '00'.repeat(32) });
//   const out = core.stepJSON({ now: Date.now() * 1000, load: { files: [] } });

import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

/** ABI_VERSION is the hassauth_abi_version this host speaks. */
export const ABI_VERSION = 1;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** HassAuthError is an error envelope: {"error": {"code", "message"}}. */
export class HassAuthError extends Error {
  constructor(code, message, stack) {
    super(`hassauth: ${code}: ${message}`);
    this.name = 'HassAuthError';
    this.code = code;
    this.detail = message;
    this.guestStack = stack;
  }
}

/** TrapError is a call that trapped: the instance is gone until restore(). */
export class TrapError extends Error {
  constructor(cause) {
    super(`hassauth: the module trapped: ${cause && cause.message}`, { cause });
    this.name = 'TrapError';
  }
}

const errorPrefix = encoder.encode('{"error":');

function isError(bytes) {
  if (bytes.length < errorPrefix.length) return false;
  for (let i = 0; i < errorPrefix.length; i++) {
    if (bytes[i] !== errorPrefix[i]) return false;
  }
  return true;
}

function toBytes(msg) {
  if (typeof msg === 'string') return encoder.encode(msg);
  if (msg instanceof Uint8Array) return msg;
  return encoder.encode(JSON.stringify(msg));
}

/**
 * Instance is one instantiation of the module. Every call copies its
 * message into the module and the answer out of it, and throws
 * HassAuthError for an error envelope.
 */
class Instance {
  constructor(instance) {
    this.exports = instance.exports;
    // The buffer the last hassauth_alloc returned: a message that fits is
    // written there without another call (ABI.md).
    this.inPtr = 0;
    this.inLen = 0;
  }

  static async create(module) {
    const wasi = new WASI({ version: 'preview1', args: [], env: {}, returnOnExit: true });
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
    wasi.initialize(instance);
    const inst = new Instance(instance);
    const v = inst.exports.hassauth_abi_version();
    if (v !== ABI_VERSION) {
      throw new Error(`hassauth: module speaks ABI version ${v}, this host ${ABI_VERSION}`);
    }
    return inst;
  }

  // call runs export name on msg (or with no argument when msg is null)
  // and returns a copy of the answer.
  call(name, msg) {
    const ex = this.exports;
    let packed;
    if (msg === null) {
      packed = ex[name]();
    } else {
      const bytes = toBytes(msg);
      if (bytes.length > this.inLen || this.inPtr === 0) {
        this.inPtr = ex.hassauth_alloc(bytes.length);
        this.inLen = bytes.length;
      }
      // Memory may have grown: take a fresh view after every call.
      new Uint8Array(ex.memory.buffer, this.inPtr, bytes.length).set(bytes);
      packed = ex[name](this.inPtr, bytes.length);
    }
    const ptr = Number(BigInt.asUintN(32, packed >> 32n));
    const len = Number(BigInt.asUintN(32, packed));
    const out = new Uint8Array(ex.memory.buffer, ptr, len).slice();
    if (isError(out)) {
      const { error } = JSON.parse(decoder.decode(out));
      throw new HassAuthError(error.code, error.message, error.stack);
    }
    return out;
  }
}

/**
 * Core is a core in its own instance, called serially. After a trap it
 * throws TrapError until restore() rebuilds the instance from the init
 * message and a snapshot.
 */
export class Core {
  constructor(module, inst) {
    this.module = module;
    this.inst = inst;
    this.initMessage = null;
  }

  #instance() {
    if (this.inst === null) throw new TrapError(new Error('the instance trapped earlier; restore it'));
    return this.inst;
  }

  #call(name, msg) {
    const inst = this.#instance();
    try {
      return inst.call(name, msg);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError || (e && e.code === 'ERR_WASI_EXIT')) {
        this.inst = null;
        throw new TrapError(e);
      }
      throw e;
    }
  }

  /** init builds the core: msg is {config, seed} (seed: 64 hex digits), as an object, string or bytes. */
  init(msg) {
    const bytes = toBytes(msg).slice();
    this.#call('hassauth_init', bytes);
    this.initMessage = bytes;
  }

  /** step runs an input's wire JSON (string or bytes) and returns the output's bytes. */
  step(input) { return this.#call('hassauth_step', input); }

  /** stepJSON runs an input object and returns the output object. */
  stepJSON(input) { return JSON.parse(decoder.decode(this.step(JSON.stringify(input)))); }

  /** work computes a Work effect's wire JSON ({"work": {...}}) and returns the result's bytes. */
  work(work) { return this.#call('hassauth_work', work); }

  /** snapshot returns the core's snapshot bytes. */
  snapshot() { return this.#call('hassauth_snapshot', null); }

  /** restore rebuilds the core from a snapshot, and the instance first if it trapped. */
  async restore(snapshot) {
    if (this.inst === null) {
      this.inst = await Instance.create(this.module);
      this.#call('hassauth_init', this.initMessage);
    }
    this.#call('hassauth_restore', snapshot);
  }
}

/** compile compiles the module from a path or bytes. */
export async function compile(pathOrBytes) {
  const bytes = typeof pathOrBytes === 'string' ? await readFile(pathOrBytes) : pathOrBytes;
  return WebAssembly.compile(bytes);
}

/** load compiles (or takes) a module and returns a Core in a new instance; call init next. */
export async function load(pathOrModule) {
  const module = pathOrModule instanceof WebAssembly.Module ? pathOrModule : await compile(pathOrModule);
  return new Core(module, await Instance.create(module));
}
