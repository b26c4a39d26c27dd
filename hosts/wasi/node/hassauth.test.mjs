// Tests of the Node.js host: node --test hosts/wasi/node/
// The module comes from $HASSAUTH_WASM (make test sets it) or is built
// with the Go toolchain from this source tree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, compile, HassAuthError, TrapError } from './hassauth.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

function modulePath() {
  if (process.env.HASSAUTH_WASM && existsSync(process.env.HASSAUTH_WASM)) return process.env.HASSAUTH_WASM;
  const out = join(mkdtempSync(join(tmpdir(), 'hassauth-node-')), 'hassauth.wasm');
  execFileSync('go', ['build', '-buildmode=c-shared', '-trimpath', '-ldflags=-s -w', '-o', out, './hosts/wasm/guest'],
    { cwd: root, env: { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm' }, stdio: 'inherit' });
  return out;
}

const path = modulePath();
const module = await compile(path);
const seed = '01'.repeat(32);
const config = { bcrypt_cost: 4, fault_injection: true };
const t0 = 1788256800n * 1000000n;
const decoder = new TextDecoder();

async function started() {
  const core = await load(module);
  core.init({ config, seed });
  return core;
}

// run steps an input and every piece of work it causes, work computed by
// the module's own work export, and returns all effects in order.
function run(core, input) {
  const effects = [];
  const queue = [input];
  while (queue.length > 0) {
    const out = core.stepJSON(queue.shift());
    for (const ef of out.effects) {
      effects.push(ef);
      if (ef.work) {
        const res = JSON.parse(decoder.decode(core.work(JSON.stringify(ef))));
        queue.push({ now: Number(t0), work_done: res });
      }
    }
  }
  return effects;
}

test('a user is created with bcrypt computed by the work export', async () => {
  const core = await started();
  const load = run(core, { now: Number(t0), load: { files: [] } });
  assert.deepEqual(load, []);
  const effects = run(core, { now: Number(t0), call: { id: 1, op: 'create_user', args: { username: 'alice', password: 'secret pass' } } });
  const result = effects.find((e) => e.result).result;
  assert.equal(result.id, 1);
  assert.equal(result.value.username, 'alice');
  assert.ok(effects.some((e) => e.write && e.write.path === '.storage/auth_provider.homeassistant'));
});

test('errors are data, not traps', async () => {
  const core = await started();
  assert.throws(() => core.step('{"now":1,"tick":{},"load":{}}'), (e) => e instanceof HassAuthError && e.code === 'bad_request');
  assert.throws(() => core.step('not json'), (e) => e instanceof HassAuthError && e.code === 'bad_request');
  // The instance is still fine.
  assert.deepEqual(core.stepJSON({ now: 1, load: { files: [] } }).effects, []);
  const bad = await load(module);
  assert.throws(() => bad.init({ config: { auth_providers: [{ type: 'nope' }] }, seed }), (e) => e.code === 'config');
  assert.throws(() => bad.init({ config: {}, seed: 'short' }), (e) => e.code === 'bad_request');
});

test('a panic breaks the core until a snapshot is restored', async () => {
  const core = await started();
  run(core, { now: Number(t0), load: { files: [] } });
  run(core, { now: Number(t0), call: { id: 1, op: 'create_user', args: { username: 'alice', password: 'pw' } } });
  const snap = core.snapshot();
  assert.throws(() => core.stepJSON({ now: Number(t0), call: { id: 2, op: 'fault' } }), (e) => e.code === 'panic');
  assert.throws(() => core.stepJSON({ now: Number(t0), call: { id: 3, op: 'list_users' } }), (e) => e.code === 'broken');
  await core.restore(snap);
  const effects = run(core, { now: Number(t0), call: { id: 3, op: 'list_users' } });
  assert.equal(effects.find((e) => e.result).result.value[0].username, 'alice');
});

test('a trap kills the instance; restore rebuilds it', async () => {
  const core = await started();
  run(core, { now: Number(t0), load: { files: [] } });
  const snap = core.snapshot();
  assert.throws(() => core.stepJSON({ now: Number(t0), call: { id: 2, op: 'fault', args: { trap: true } } }), TrapError);
  assert.throws(() => core.stepJSON({ now: Number(t0), tick: {} }), TrapError);
  await core.restore(snap);
  assert.deepEqual(core.stepJSON({ now: Number(t0), call: { id: 3, op: 'list_users' } }).effects, [{ result: { id: 3, value: [] } }]);
});

test('the same inputs give the same bytes, snapshots included', async () => {
  const a = await started();
  const b = await started();
  const inputs = [
    { now: Number(t0), load: { files: [] } },
    { now: Number(t0), http: { id: 1, method: 'POST', path: '/auth/login_flow', remote: '192.168.1.2:5000',
      body: '{"client_id":"https://example.com/","handler":["homeassistant",null],"redirect_uri":"https://example.com/cb"}' } },
    { now: Number(t0) + 400000000, tick: {} },
  ];
  for (const input of inputs) {
    assert.deepEqual(a.step(JSON.stringify(input)), b.step(JSON.stringify(input)));
  }
  assert.deepEqual(a.snapshot(), b.snapshot());
});

test('lines.mjs speaks the JSON-lines protocol', async () => {
  const child = spawn(process.execPath, ['--no-warnings', join(here, 'lines.mjs'), path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [
    JSON.stringify({ init: { config, seed } }),
    JSON.stringify({ now: 1, load: { files: [] } }),
    JSON.stringify({ work: { id: 7, kind: 'hash_password', password: 'pw', salt: 'AAAAAAAAAAAAAAAAAAAAAA==', cost: 4 } }),
    '{"snapshot":{}}',
    'garbage',
  ];
  child.stdin.end(lines.join('\n') + '\n');
  let out = '';
  for await (const chunk of child.stdout) out += chunk;
  const answers = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(answers.length, 5);
  assert.deepEqual(answers[0], { ok: true });
  assert.ok(answers[1].deadline > 0);
  assert.equal(answers[2].id, 7);
  assert.match(answers[2].hash, /^\$2[ab]\$04\$/);
  assert.equal(answers[3].hassauth_snapshot, 1);
  assert.equal(answers[4].error.code, 'bad_request');
});
