// Retention runs for administrators and auditors: the overdue gauge per table, the latest runs,
// and starting a dry run or a real purge (the real one behind a confirmation that states what the
// last dry run found would go).

import { get, post } from '../api.js';
import { h, fill, heading, table, when, label, announce, dialog } from '../ui.js';
import { runState } from './run.js';

export async function render(main, ctx) {
  const { me } = ctx;
  const [runs, overdue] = await Promise.all([get('retention/runs'), overdueGauge()]);
  const admin = me.roles.includes('ADMIN');
  const running = runs.find((r) => r.state === 'RUNNING');
  fill(main,
    heading('Retention runs', admin ? h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'start-dry-run', disabled: !!running, onclick: () => start(true, runs, ctx) }, 'Start a dry run'),
      h('button', { type: 'button', class: 'danger', id: 'start-real-run', disabled: !!running, onclick: () => start(false, runs, ctx) }, 'Start a purge')) : null),
    running ? h('p', { class: 'notice' }, 'A run is working; another can start when it ends. ', h('a', { href: `#/retention/${running.id}` }, 'Follow it')) : null,
    h('section', { 'aria-labelledby': 'overdue-h' }, h('h2', { id: 'overdue-h' }, 'Overdue data per table'),
      h('p', {}, 'How long the oldest row past its retention period has waited for a purge; zero when the schedule keeps up.'),
      overdue.length ? h('ul', { class: 'gauges' }, overdue.map(([name, seconds]) => h('li', {},
        h('span', { class: 'gauge-label' }, name),
        h('meter', { min: 0, max: 86400 * 7, low: 86400, high: 86400 * 3, optimum: 0, value: Math.min(seconds, 86400 * 7), 'aria-label': `${name} overdue` }),
        h('span', {}, seconds === 0 ? 'none overdue' : `${(seconds / 3600).toFixed(1)} h overdue`))))
        : h('p', { class: 'empty' }, 'The readiness check reports no retention figures.')),
    h('section', { 'aria-labelledby': 'runs-h' }, h('h2', { id: 'runs-h' }, 'Latest runs'),
      table('Retention runs, newest first', ['Run', 'Kind', 'State', 'Started', 'By', 'Finished', 'Data map', 'Record'], runs.map((r) => [
        h('a', { href: `#/retention/${r.id}` }, r.id.slice(0, 8)), r.dryRun ? 'dry run' : 'purge', runState(r), when(r.startedAt),
        r.startedBy === 'schedule' ? 'schedule' : h('code', {}, String(r.startedBy).slice(0, 8)), when(r.finishedAt), r.dataMapVersion,
        r.sha256 ? h('code', { class: 'digest' }, `${r.sha256.slice(0, 12)}…`) : '—']), { empty: 'No run yet.' })));
}

async function start(dryRun, runs, ctx) {
  if (dryRun) {
    const run = await post('retention/runs', { dryRun: true });
    announce('Dry run started.');
    location.hash = `#/retention/${run.id}`;
    return;
  }
  const lastDry = runs.find((r) => r.dryRun && r.state === 'COMPLETED');
  let what = [h('p', {}, 'No dry run has completed yet, so Quaestor cannot say what this purge will remove. Start a dry run first to see it.')];
  if (lastDry) {
    const detail = await get(`retention/runs/${lastDry.id}`);
    const byTable = new Map();
    for (const p of detail.partitions) byTable.set(`${p.store}.${p.table}`, (byTable.get(`${p.store}.${p.table}`) || 0) + p.rowsDeleted);
    what = [h('p', {}, ['The dry run of ', when(lastDry.finishedAt), ' found these rows past their retention period; a purge now removes them and any that aged since, except what a legal hold keeps:']),
      table('What the last dry run would remove', ['Table', 'Rows'], [...byTable].map(([t, n]) => [t, n.toLocaleString()]), { empty: 'Nothing.' })];
  }
  dialog('Purge data past its retention period', [...what,
    h('p', { class: 'notice notice-error' }, 'Rows deleted by a purge cannot be restored. The run writes a signed deletion record.'),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'confirm', value: 'yes', required: true }), ' I understand; purge now.')],
  'Start the purge', async (v) => {
    if (v.confirm !== 'yes') throw Object.assign(new Error('Tick the box to confirm.'), { fieldErrors: () => new Map([['confirm', 'Tick the box to confirm.']]) });
    const run = await post('retention/runs', { dryRun: false });
    announce('Purge started.');
    location.hash = `#/retention/${run.id}`;
  });
}

/** Per-table overdue seconds from the readiness check's retention data. */
async function overdueGauge() {
  try {
    const response = await fetch(new URL('../health/ready', document.baseURI), { headers: { Accept: 'application/json' } });
    const body = await response.json();
    const check = (body.checks || []).find((c) => c.name === 'retention');
    return Object.entries((check && check.data) || {}).filter(([k]) => k.endsWith('.overdue-seconds'))
      .map(([k, v]) => [k.replace('.overdue-seconds', ''), Number(v)]);
  } catch (e) {
    return [];
  }
}
