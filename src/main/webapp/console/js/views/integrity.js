// The trail's integrity for auditors: a verification of the whole trail by the server, the latest
// signed checkpoints with consistency between each pair checked in this browser, the sealing lag,
// and the bundle for the offline verifier (which trusts nothing of this page).

import { get, download } from '../api.js';
import { h, fill, heading, table, facts, announce, failure } from '../ui.js';
import * as proofs from '../proofs.js';
import { KEY_STORE } from './event.js';

export async function render(main) {
  const [checkpoints, sealing] = await Promise.all([get('audit/proofs/checkpoints', { limit: 6 }), sealingHealth()]);
  const result = h('div', { id: 'trail-verification', 'aria-live': 'polite' });
  const consistency = h('div', { id: 'consistency', 'aria-live': 'polite' });
  fill(main,
    heading('Trail integrity'),
    h('section', { 'aria-labelledby': 'verify-h' }, h('h2', { id: 'verify-h' }, 'Verify the whole trail'),
      h('p', {}, 'The server re-derives every event from its columns, recomputes every leaf and the tree at every checkpoint, checks each checkpoint\'s signature and the append-signature chain, and names the first event that does not agree.'),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'verify-trail', onclick: () => verifyTrail(result) }, 'Run the verification')),
      result),
    h('section', { 'aria-labelledby': 'checkpoints-h' }, h('h2', { id: 'checkpoints-h' }, 'Latest signed checkpoints'),
      table('Checkpoints, newest first', ['Tree size', 'Root', 'Issued', 'Key'], checkpoints.map((c) => {
        const f = proofs.statementFields(c.statement);
        return [String(c.treeSize), h('code', { class: 'digest' }, `${f.root.slice(0, 24)}…`), f.issued_at, h('code', {}, f.key_id)];
      }), { empty: 'No checkpoint has been signed yet.' }),
      checkpoints.length > 1 ? h('div', { class: 'actions' }, h('button', { type: 'button', id: 'check-consistency',
        onclick: () => checkConsistency(checkpoints, consistency) }, 'Check each checkpoint extends the one before, in this browser')) : null,
      consistency),
    h('section', { 'aria-labelledby': 'sealing-h' }, h('h2', { id: 'sealing-h' }, 'Sealing'),
      sealing ? facts([['State', sealing.status], ['Events not yet in a checkpoint', String(sealing.data['unsealed-events'] ?? '—')],
        ['Last checkpoint', sealing.data['last-checkpoint-at'] || '—'], ['Signing key configured', String(sealing.data['signing-key-configured'] ?? '—')]])
        : h('p', { class: 'empty' }, 'The readiness check did not answer.')),
    h('section', { 'aria-labelledby': 'bundle-h' }, h('h2', { id: 'bundle-h' }, 'Offline verification'),
      h('p', {}, 'The bundle holds every event, leaf, checkpoint and append signature. Verify it on a machine of your own with only a JDK and the public key you were given:'),
      h('pre', { class: 'record' }, 'java audit/VerifyBundle.java quaestor-audit-bundle.zip quaestor-audit-public-key.txt'),
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'download-bundle', onclick: () => download('audit/bundle', { accept: 'application/zip', filename: 'quaestor-audit-bundle.zip' })
        .then(() => announce('The bundle was downloaded; the export is recorded in the trail.')).catch((p) => announce(p.message)) }, 'Download the bundle'))));
}

async function verifyTrail(result) {
  fill(result, h('p', { role: 'status' }, 'Verifying the whole trail…'));
  try {
    const r = await get('audit/verification');
    const text = r.intact
      ? `Intact: ${r.eventsChecked} events and ${r.checkpointsChecked} checkpoints agree${r.payloadsArchived ? ` (${r.payloadsArchived} past online retention: leaf hash only)` : ''}.`
      : `Broken at event ${r.firstBadSeq}: ${r.finding}.`;
    fill(result, h('p', { class: `verdict ${r.intact ? 'pass' : 'fail'}`, id: 'trail-verdict' }, text),
      facts([['Events checked', String(r.eventsChecked)], ['Checkpoints checked', String(r.checkpointsChecked)],
        ['First bad sequence number', r.firstBadSeq == null ? 'none' : String(r.firstBadSeq)]]));
    announce(text);
  } catch (problem) {
    fill(result, failure(problem));
  }
}

/** Each newer checkpoint must extend the older one (RFC 9162 consistency), and each must carry a valid signature. */
async function checkConsistency(checkpoints, out) {
  const key = localStorage.getItem(KEY_STORE);
  const spki = key ? proofs.fromBase64(key) : null;
  const rows = [];
  const ordered = [...checkpoints].reverse();
  for (let i = 1; i < ordered.length; i += 1) {
    const [older, newer] = [ordered[i - 1], ordered[i]];
    const a = proofs.statementFields(older.statement);
    const b = proofs.statementFields(newer.statement);
    let verdict;
    try {
      const proof = await get('audit/proofs/consistency', { from: older.treeSize, to: newer.treeSize });
      const ok = await proofs.consistent(older.treeSize, proofs.fromHex(a.root), newer.treeSize, proofs.fromHex(b.root), proof.path);
      const signed = spki ? await proofs.ed25519Verifies(spki, proofs.fromBase64(newer.signature), proofs.utf8(newer.statement)) : null;
      verdict = `${ok ? 'consistent' : 'NOT consistent'}; signature ${signed === null ? 'not checked (no key in this browser, or no Ed25519)' : signed ? 'valid' : 'INVALID'}`;
    } catch (problem) {
      verdict = problem.message;
    }
    rows.push([`${older.treeSize} → ${newer.treeSize}`, verdict]);
  }
  fill(out, table('Consistency between consecutive checkpoints, checked in this browser', ['Trees', 'Result'], rows));
  announce('Consistency checked.');
}

async function sealingHealth() {
  try {
    const response = await fetch(new URL('../health/ready', document.baseURI), { headers: { Accept: 'application/json' } });
    const body = await response.json();
    return (body.checks || []).find((c) => c.name === 'audit-sealing') || null;
  } catch (e) {
    return null;
  }
}
