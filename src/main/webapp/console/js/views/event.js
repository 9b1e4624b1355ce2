// One audit event, verified in the auditor's browser: its canonical record hashes to its leaf, the
// leaf's inclusion path leads to the root of a signed checkpoint, and that checkpoint's Ed25519
// signature verifies with the public key the auditor was given, not one the server hands out.

import { get } from '../api.js';
import { h, fill, heading, facts, when, label, field, announce, visible } from '../ui.js';
import * as proofs from '../proofs.js';

export const KEY_STORE = 'quaestor.audit-public-key';

export async function render(main, { params }) {
  const seq = Number(params.seq);
  const detail = await get(`audit/events/${seq}`);
  const e = detail.event;
  const record = proofs.fromBase64(detail.canonical);
  const keyField = h('textarea', { name: 'publicKey', id: 'f-publicKey', rows: 2, spellcheck: 'false', class: 'mono' },
    localStorage.getItem(KEY_STORE) || '');
  const outcome = h('div', { id: 'verification', 'aria-live': 'polite' });
  fill(main,
    heading(`Audit event ${seq}`, h('a', { class: 'button', href: '#/trail' }, 'Back to the trail')),
    h('p', { class: 'notice notice-audit' }, 'Reading this event was recorded in the trail (audit.event-read).'),
    facts([
      ['Occurred', when(e.occurredAt)], ['Recorded', when(e.recordedAt)], ['Actor', h('code', {}, e.actor)],
      ['Role', label(e.actorRole)], ['Authentication', label(e.authenticationMethod)], ['Action', e.action],
      ['Resource', e.resourceType ? `${e.resourceType} ${visible(e.resourceId || '')}` : '—'], ['Tenant', e.tenant || '—'],
      ['Justification', e.justificationCode ? `${label(e.justificationCode)} ${visible(e.justificationReference || '')}` : '—'],
      ['Grant', e.grantId || '—'], ['Break-glass', e.breakGlass ? 'yes' : 'no'], ['Outcome', e.outcome], ['Origin', e.origin || '—'],
      ['Leaf hash (stored)', h('code', { class: 'digest' }, e.leafHash)],
    ]),
    h('h2', {}, 'Canonical record'),
    h('p', {}, 'Re-derived by the server from the event\'s columns as they are now. This browser hashes these exact bytes.'),
    h('pre', { class: 'record', id: 'canonical' }, visible(new TextDecoder().decode(record))),
    h('h2', {}, 'Verify in this browser'),
    h('form', { id: 'verify-form', novalidate: true, onsubmit: (event) => {
      event.preventDefault();
      verify(seq, record, keyField.value.trim(), outcome);
    } },
    field('Audit public key (X.509, base64), as you were given it', keyField,
      'Kept in this browser only. Checking against a key Quaestor itself serves would prove nothing.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'verify' }, 'Verify this event'))),
    outcome);
}

/** Runs each check in order, showing each as it passes or fails; the first failure decides. */
async function verify(seq, record, publicKey, outcome) {
  const steps = h('ol', { class: 'steps' });
  const verdict = h('p', { class: 'verdict', id: 'verdict', role: 'status' }, 'Verifying…');
  fill(outcome, verdict, steps);
  const step = (state, title, text) => steps.append(h('li', { class: state },
    h('span', { class: 'step-title' }, `${state === 'pass' ? '✓' : state === 'fail' ? '✗' : '?'} ${title}`), h('br'), text));
  const finish = (state, text) => {
    verdict.className = `verdict ${state}`;
    fill(verdict, text);
    announce(text);
  };
  if (!proofs.webCryptoAvailable()) {
    step('unknown', 'WebCrypto', 'This page is not in a secure context (https or localhost), so the browser offers no WebCrypto.');
    finish('unknown', 'Not verified: this browser cannot compute the hashes here.');
    return;
  }
  if (publicKey) localStorage.setItem(KEY_STORE, publicKey);
  const leaf = await proofs.leafHash(record);
  let proof;
  try {
    proof = await get('audit/proofs/inclusion', { seq });
  } catch (problem) {
    step('unknown', 'Inclusion proof', `${problem.message} An event after the latest checkpoint is vouched for by its append signature only until the next checkpoint seals it.`);
    finish('unknown', 'Not verified: the event is not sealed into a signed checkpoint yet.');
    return;
  }
  const stored = proof.leafHash;
  if (proofs.toHex(leaf) !== stored) {
    step('fail', 'The record hashes to its leaf', `SHA-256(0x00 || record) = ${proofs.toHex(leaf)}, but the trail's leaf is ${stored}. The record was changed after it was written.`);
    finish('fail', `Tampered: event ${seq}'s record no longer matches its leaf hash.`);
    return;
  }
  step('pass', 'The record hashes to its leaf', `SHA-256(0x00 || record) = ${stored}`);
  const signed = proofs.statementFields(proof.checkpoint.statement);
  const root = await proofs.rootFromInclusion(leaf, seq, Number(signed.tree_size), proof.path);
  if (!root || proofs.toHex(root) !== signed.root) {
    step('fail', 'The leaf is in the signed tree', `${proof.path.length} path hashes lead to ${root ? proofs.toHex(root) : 'no root'}, not the checkpoint's root ${signed.root}.`);
    finish('fail', `Not proven: event ${seq} is not in the tree the checkpoint signs.`);
    return;
  }
  step('pass', 'The leaf is in the signed tree', `${proof.path.length} path hashes lead to root ${signed.root} of the tree of ${signed.tree_size} events (checkpoint issued ${signed.issued_at}).`);
  if (!publicKey) {
    step('unknown', 'The checkpoint is signed by the audit key', 'No public key was given, so the signature was not checked.');
    finish('unknown', 'Partly verified: paste the audit public key to check the signature.');
    return;
  }
  let spki;
  try {
    spki = proofs.fromBase64(publicKey);
  } catch (e) {
    step('fail', 'The public key', 'The key is not base64.');
    finish('fail', 'Not verified: the public key could not be read.');
    return;
  }
  const id = await proofs.keyId(spki);
  if (id !== signed.key_id) {
    step('fail', 'The checkpoint names this key', `The checkpoint was signed by key ${signed.key_id}; the key given is ${id}.`);
    finish('fail', 'Not verified: the checkpoint was signed with another key.');
    return;
  }
  let valid;
  try {
    valid = await proofs.ed25519Verifies(spki, proofs.fromBase64(proof.checkpoint.signature), proofs.utf8(proof.checkpoint.statement));
  } catch (e) {
    step('fail', 'The checkpoint is signed by the audit key', e.message);
    finish('fail', 'Not verified: the public key could not be used.');
    return;
  }
  if (valid === null) {
    step('unknown', 'The checkpoint is signed by the audit key', 'This browser has no Ed25519 in WebCrypto; verify the checkpoint with the offline verifier.');
    finish('unknown', 'Partly verified: the signature needs the offline verifier in this browser.');
  } else if (!valid) {
    step('fail', 'The checkpoint is signed by the audit key', `The Ed25519 signature does not verify with key ${id}.`);
    finish('fail', 'Not verified: the checkpoint signature is invalid.');
  } else {
    step('pass', 'The checkpoint is signed by the audit key', `Ed25519 signature verified with key ${id}.`);
    finish('pass', `Verified: event ${seq} is in the trail as signed, unchanged.`);
  }
}
