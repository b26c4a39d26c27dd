// The conformance vectors (testvectors/*.json) through the Node.js host:
// every step's input goes into the module as it is in the file, and the
// module's output must equal the file's output, with the same keys in the
// same order. node --test hosts/wasi/node/
//
// The module comes from $HASSAUTH_WASM (make test sets it) or is built
// with the Go toolchain from this source tree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, compile } from './hassauth.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const vectorsDir = join(root, 'testvectors');
const decoder = new TextDecoder();

function modulePath() {
  if (process.env.HASSAUTH_WASM && existsSync(process.env.HASSAUTH_WASM)) return process.env.HASSAUTH_WASM;
  const out = join(mkdtempSync(join(tmpdir(), 'hassauth-node-')), 'hassauth.wasm');
  execFileSync('go', ['build', '-buildmode=c-shared', '-trimpath', '-ldflags=-s -w', '-o', out, './hosts/wasm/guest'],
    { cwd: root, env: { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm' }, stdio: 'inherit' });
  return out;
}

const module = await compile(modulePath());

// same compares an output of the module with the file's: parsed, then
// written back by the same JSON.stringify, so that values, key order and
// nesting must all agree.
function same(got, want, where) {
  const g = JSON.stringify(JSON.parse(decoder.decode(got)));
  const w = JSON.stringify(want);
  assert.equal(g, w, where);
}

// loadInput is the group's Load input, as the Go runner builds it.
function loadInput(group) {
  const load = { files: group.files.map((f) => ({ path: f.path, data: f.data })) };
  if (group.bans && group.bans.length > 0) load.bans = group.bans.map((b) => ({ ip: b.ip, banned_at: b.banned_at }));
  return { now: group.start, load };
}

const files = readdirSync(vectorsDir).filter((n) => n.endsWith('.json') && !n.endsWith('.schema.json')).sort();
assert.ok(files.length > 0, 'no vector files found');
let total = 0;

for (const name of files) {
  const doc = JSON.parse(readFileSync(join(vectorsDir, name), 'utf8'));
  if (!doc.testGroups) continue;
  test(`vectors ${name}`, async () => {
    let n = 0;
    for (const group of doc.testGroups) {
      for (const t of group.tests) {
        const where = `${doc.suite} tcId ${t.tcId}`;
        const core = await load(module);
        core.init({ config: group.config, seed: group.seed });
        if (group.files) {
          same(core.step(JSON.stringify(loadInput(group))), group.loadOutput, `${where} load`);
        }
        t.steps.forEach((s, i) => same(core.step(JSON.stringify(s.input)), s.output, `${where} step ${i}`));
        n++;
      }
    }
    assert.equal(n, doc.numberOfTests, `${name}: every test ran`);
    total += n;
  });
}

test('every vector ran', () => {
  assert.ok(total >= 500, `only ${total} vectors ran`);
});
