#!/usr/bin/env node
// The JSON-lines protocol of hosts/wasm/ABI.md over stdin and stdout,
// with the reactor module running in Node.js:
//
//   node hosts/wasi/node/lines.mjs bin/hassauth.wasm < transcript.jsonl
//
// hosts/wasi's Go package starts it as a child process to run the
// conformance vectors on Node.

import { createInterface } from 'node:readline';
import { load, HassAuthError, TrapError } from './hassauth.mjs';

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: node lines.mjs hassauth.wasm\n');
  process.exit(2);
}
const core = await load(path);

const command = /^\s*\{\s*"(init|work|snapshot|restore)"\s*:/;

// member returns the raw JSON of the only member of a command line.
function member(line) {
  const start = line.indexOf(':') + 1;
  const end = line.lastIndexOf('}');
  return line.slice(start, end);
}

function errorLine(code, message) {
  return JSON.stringify({ error: { code, message } });
}

async function answer(line) {
  try {
    const m = command.exec(line);
    switch (m && m[1]) {
      case 'init': core.init(member(line)); return '{"ok":true}';
      case 'work': return Buffer.from(core.work(line)).toString('utf8');
      case 'snapshot': return Buffer.from(core.snapshot()).toString('utf8');
      case 'restore': await core.restore(member(line)); return '{"ok":true}';
      default: return Buffer.from(core.step(line)).toString('utf8');
    }
  } catch (e) {
    if (e instanceof HassAuthError) return errorLine(e.code, e.detail);
    if (e instanceof TrapError) return errorLine('trap', e.message);
    throw e;
  }
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (line.trim() === '') continue;
  process.stdout.write((await answer(line)) + '\n');
}
