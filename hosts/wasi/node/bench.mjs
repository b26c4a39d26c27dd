#!/usr/bin/env node
// Times the reactor module in Node.js on a message mix, inside this
// process, so that the pipe to it is not part of what is measured:
//
//   node hosts/wasi/node/bench.mjs bin/hassauth.wasm mix.jsonl [cpu|wall]
//
// mix.jsonl is in the JSON-lines protocol of hosts/wasm/ABI.md: an
// {"init": ...} line starts a transcript, the input lines after it are its
// messages. After warming up (see below), each line "run" on standard
// input runs the whole mix once and answers one line,
//
//   {"messages": M, "ns": [<ns of each message>], "sha256": "<hex>", "warmups": W}
//
// where a message's time is core.step on its bytes (copy in, hassauth_step,
// copy out), inits are not timed, sha256 covers every output, each
// followed by a newline, and W counts the warm-up rounds. The clock is the process's CPU time (cpu, the
// default: time in which other processes ran does not count) or
// process.hrtime (wall); what reading it costs is measured once and taken
// off every message. hosts/wasi's per-message budget drives it.

import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { load } from './hassauth.mjs';

const [path, mixPath, clockName = 'cpu'] = process.argv.slice(2);
if (!path || !mixPath || (clockName !== 'cpu' && clockName !== 'wall')) {
  process.stderr.write('usage: node bench.mjs hassauth.wasm mix.jsonl [cpu|wall]\n');
  process.exit(2);
}

// now reads the clock in nanoseconds.
const now = clockName === 'cpu'
  ? () => { const u = process.cpuUsage(); return (u.user + u.system) * 1000; }
  : () => Number(process.hrtime.bigint());

// clockCost is the mean of many empty intervals without the fastest and
// slowest tenth: process.cpuUsage counts microseconds, so an empty
// interval reads 0 or 1000 and only their mean is the cost.
function clockCost() {
  const d = [];
  for (let i = 0; i < 2000; i++) {
    const start = now();
    d.push(now() - start);
  }
  d.sort((a, b) => a - b);
  const mid = d.slice(200, 1800);
  return mid.reduce((a, b) => a + b, 0) / mid.length;
}
const core = await load(path);

const encoder = new TextEncoder();
const initPrefix = '{"init":';
const steps = [];
let messages = 0;
for (const line of readFileSync(mixPath, 'utf8').split('\n')) {
  if (line === '') continue;
  if (line.startsWith(initPrefix)) {
    steps.push({ init: line.slice(initPrefix.length, -1) });
  } else {
    steps.push({ input: encoder.encode(line) });
    messages++;
  }
}

function run() {
  const cost = clockCost();
  const ns = new Array(messages);
  const outs = new Array(messages);
  let i = 0;
  for (const s of steps) {
    if (s.init !== undefined) {
      core.init(s.init);
      continue;
    }
    const start = now();
    outs[i] = core.step(s.input);
    ns[i] = Math.round(now() - start - cost);
    i++;
  }
  const h = createHash('sha256');
  for (const out of outs) {
    h.update(out);
    h.update('\n');
  }
  return { messages, ns, sha256: h.digest('hex'), warmups };
}

// V8 first runs WebAssembly from its baseline compiler and moves a
// function to its optimizing one only after the function has run for a
// while, so that the mix gets faster over a dozen rounds. Warm up for ten
// rounds and then until it stops getting faster: a long-running host
// spends its time in optimized code.
let warmups = 0;
for (let best = Infinity, calm = 0; (warmups < 10 || calm < 3) && warmups < 30; warmups++) {
  const total = run().ns.reduce((a, b) => a + b, 0);
  calm = total < best * 0.98 ? 0 : calm + 1;
  best = Math.min(best, total);
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (line.trim() !== 'run') {
    process.stdout.write(JSON.stringify({ error: `unknown command ${JSON.stringify(line)}` }) + '\n');
    continue;
  }
  process.stdout.write(JSON.stringify(run()) + '\n');
}
