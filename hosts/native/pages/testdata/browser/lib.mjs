// What the scenarios of run.mjs and profile.mjs share: the environment,
// screenshots, an authenticator app's TOTP and the checks that hold on
// every page.

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const env = process.env;
export const outDir = env.OUT_DIR || "out";
mkdirSync(outDir, { recursive: true });

// A phone-sized window: every page must work there.
export const viewport = { width: 390, height: 780 };

export const launchFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A screenshot of the whole page, or of what the window shows. */
export async function shot(page, name, { fullPage = true } = {}) {
  await page.screenshot({ path: join(outDir, `${name}.png`), fullPage });
}

/** A screenshot of one part of a page (a locator). */
export async function shotOf(locator, name) {
  await locator.screenshot({ path: join(outDir, `${name}.png`) });
}

// --- TOTP (RFC 6238 with SHA-1, 30 s, 6 digits), as an authenticator app.

function base32Decode(s) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of s.replace(/=+$/, "").toUpperCase()) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error(`bad base32 character ${c}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function totp(secret, unixSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, "0");
}

// --- Checks that hold on every page.

/** Every form control has a label (or, for radios, a legend too). */
export async function assertLabelled(page) {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("input, select, textarea")]
      .filter((i) => i.type !== "hidden" && i.labels.length === 0)
      .map((i) => i.outerHTML),
  );
  assert.deepEqual(unlabelled, [], "every field has a label");
}
