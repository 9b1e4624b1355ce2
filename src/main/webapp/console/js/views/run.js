// One retention run: per store × rule × tenant, the cutoff, the days applied and why, the hold
// that kept rows, rows so far and whether it is done; a live progress bar while it works; stop
// and restart; the deletion record as PDF and JSON with its SHA-256 and audit event.

import { get, post, call, download } from '../api.js';
import { h, fill, heading, table, when, facts, announce, label } from '../ui.js';

const REFRESH_MS = 1500;

export function runState(run) {
  const kind = { RUNNING: 'badge-soon', COMPLETED: 'badge-ok', FAILED: 'badge-late', STOPPED: 'badge-info' }[run.state] || 'badge-info';
  return h('span', { class: `badge ${kind}` }, label(run.state));
}

export async function render(main, ctx) {
  const { params, me } = ctx;
  const detail = await get(`retention/runs/${params.id}`);
  const run = detail.run;
  const parts = detail.partitions;
  const done = parts.filter((p) => p.done).length;
  const rows = parts.reduce((n, p) => n + p.rowsDeleted, 0);
  const admin = me.roles.includes('ADMIN');
  const rerender = () => render(main, ctx);
  const record = h('div', { id: 'run-record' });
  fill(main,
    heading(`${run.dryRun ? 'Dry run' : 'Purge'} ${run.id.slice(0, 8)}`, runState(run), h('a', { class: 'button', href: '#/retention' }, 'All runs')),
    h('div', { class: 'progress-block' },
      h('label', { for: 'run-progress' }, `${done} of ${parts.length} partitions done, ${rows.toLocaleString()} rows ${run.dryRun ? 'found' : 'deleted'} so far`),
      h('progress', { id: 'run-progress', max: Math.max(parts.length, 1), value: done })),
    facts([['Started', when(run.startedAt)], ['By', run.startedBy], ['Last heartbeat', when(run.heartbeatAt)], ['Finished', when(run.finishedAt)],
      ['Data map version', run.dataMapVersion], ['Executions', String(run.executions)], run.error ? ['Error', run.error] : null]),
    admin && run.state === 'RUNNING' ? h('div', { class: 'actions' }, h('button', { type: 'button', id: 'stop-run', onclick: async () => {
      await post(`retention/runs/${run.id}/stop`); announce('Stopping after the current chunk.'); rerender();
    } }, 'Stop after the current chunk')) : null,
    admin && ['STOPPED', 'FAILED'].includes(run.state) ? h('div', { class: 'actions' }, h('button', { type: 'button', id: 'restart-run', onclick: async () => {
      await post(`retention/runs/${run.id}/restart`); announce('Restarted from where it stopped.'); rerender();
    } }, 'Restart from where it stopped')) : null,
    record,
    table('Per store, rule and tenant', ['Store', 'Table', 'Category', 'Tenant', 'Cutoff', 'Days', 'Why', 'Kept by hold', 'Rows', 'Done'], parts.map((p) => [
      p.store, p.table, p.category, p.tenant || 'all', when(p.cutoff), String(p.daysApplied), p.reason, p.heldBy || '—',
      p.rowsDeleted.toLocaleString(), p.done ? 'yes' : 'no']), { empty: 'No partition planned yet.' }));
  if (run.state === 'COMPLETED') showRecord(run, record);
  if (run.state === 'RUNNING') {
    setTimeout(() => { if (main.contains(record) && location.hash.includes(run.id)) rerender(); }, REFRESH_MS);
  }
}

function showRecord(run, out) {
  call('GET', `retention/runs/${run.id}/record`, { raw: true }).then((response) => fill(out, h('h2', {}, 'Deletion record'),
    facts([['SHA-256', h('code', {}, response.headers.get('X-Record-SHA256'))], ['Sealed in audit event', h('code', {}, response.headers.get('X-Audit-Event'))]]),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => download(`retention/runs/${run.id}/record`, { accept: 'application/pdf', filename: `retention-record-${run.id}.pdf` }) }, 'Record (PDF)'),
      h('button', { type: 'button', onclick: () => download(`retention/runs/${run.id}/record`, { accept: 'application/json', filename: `retention-record-${run.id}.json` }) }, 'Record (JSON)'))))
    .catch((problem) => fill(out, h('p', { class: 'empty' }, problem.message)));
}
