// The auditor's own checks, in the browser: SHA-256 through WebCrypto, RFC 9162 Merkle proofs,
// and the checkpoint's Ed25519 signature against the public key the auditor was given. Nothing
// here trusts the server's word: it recomputes from the bytes the server served.

const encoder = new TextEncoder();

export function fromHex(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
  return bytes;
}

export function toHex(bytes) {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromBase64(text) {
  const raw = atob(text.replace(/\s+/g, ''));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

export function utf8(text) {
  return encoder.encode(text);
}

export function webCryptoAvailable() {
  return !!(globalThis.crypto && crypto.subtle);
}

async function sha256(...parts) {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(length);
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
}

const ZERO = Uint8Array.of(0);
const ONE = Uint8Array.of(1);

/** RFC 9162 leaf hash: SHA-256(0x00 || record). */
export const leafHash = (record) => sha256(ZERO, record);
const node = (left, right) => sha256(ONE, left, right);

/** RFC 9162 §2.1.3.2: the root an inclusion path leads to from this leaf, or null if the path cannot fit the tree. */
export async function rootFromInclusion(leaf, index, treeSize, path) {
  if (index >= treeSize) return null;
  let fn = BigInt(index);
  let sn = BigInt(treeSize - 1);
  let r = leaf;
  for (const hex of path) {
    const p = fromHex(hex);
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await node(p, r);
      if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await node(r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

/** RFC 9162 §2.1.4.2: whether the consistency path proves the second tree extends the first. */
export async function consistent(firstSize, firstRoot, secondSize, secondRoot, path) {
  if (firstSize === secondSize) return path.length === 0 && toHex(firstRoot) === toHex(secondRoot);
  if (firstSize === 0) return true;
  if (!path.length) return false;
  const hashes = path.map(fromHex);
  if ((firstSize & (firstSize - 1)) === 0) hashes.unshift(firstRoot);
  let fn = BigInt(firstSize - 1);
  let sn = BigInt(secondSize - 1);
  while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
  let fr = hashes[0];
  let sr = hashes[0];
  for (const c of hashes.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = await node(c, fr);
      sr = await node(c, sr);
      if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      sr = await node(sr, c);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return toHex(fr) === toHex(firstRoot) && toHex(sr) === toHex(secondRoot) && sn === 0n;
}

/** The members of a checkpoint statement (name=value lines after the format line). */
export function statementFields(statement) {
  const fields = {};
  for (const line of statement.split('\n').slice(1)) {
    const at = line.indexOf('=');
    if (at > 0) fields[line.slice(0, at)] = line.slice(at + 1);
  }
  return fields;
}

/** The key id a checkpoint names: the first 8 bytes of SHA-256 of the X.509 key, hex. */
export async function keyId(spki) {
  return toHex((await sha256(spki)).slice(0, 8));
}

/**
 * Verifies an Ed25519 signature with WebCrypto. Answers true or false, or null when this browser
 * cannot check Ed25519 (then the screen says so instead of claiming anything).
 */
export async function ed25519Verifies(spki, signature, message) {
  let key;
  try {
    key = await crypto.subtle.importKey('spki', spki, { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    if (e.name === 'NotSupportedError') return null;
    throw new Error('The public key is not an Ed25519 key in X.509 form (base64).');
  }
  return crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
}
