// My work: what needs the signed-in person today, by role.

import { get, call } from '../api.js';
import { h, fill, when, table, heading, label, failure } from '../ui.js';
import { officerNames, requestCells, REQUEST_HEADERS, personName } from './common.js';

export async function render(main, { me }) {
  const sections = [];
  const isOfficer = me.roles.includes('PRIVACY_OFFICER') || me.roles.includes('AUDITOR');
  if (isOfficer) sections.push(clocks(), mine(me));
  if (me.roles.includes('PRIVACY_OFFICER')) sections.push(approvals(me));
  if (me.roles.includes('INCIDENT_RESPONDER') || me.roles.includes('AUDITOR')) sections.push(incidentClocks());
  if (me.roles.includes('AUDITOR')) sections.push(todaysFlags());
  sections.push(notifications());
  if (me.roles.includes('ADMIN')) sections.push(health());
  const parts = await Promise.all(sections);
  fill(main, heading(`My work`), h('p', { class: 'muted' }, `Signed in as ${me.username}.`), parts);
}

function incidentClocks() {
  return section('Open incidents, nearest clock first', 'incident-clocks', async () => {
    const { nearest, countdown, startClocks } = await import('./incident.js');
    const open = (await get('incidents')).filter((i) => i.status !== 'CLOSED')
      .sort((a, b) => (nearest(a)?.dueAt || '9999').localeCompare(nearest(b)?.dueAt || '9999'));
    const body = table('Open incidents', ['Incident', 'Severity', 'Next obligation', 'Time left'], open.map((i) => {
      const next = nearest(i);
      return [h('a', { href: `#/incidents/${i.id}` }, `${i.reference} · ${i.title}`), label(i.severity),
        next ? `${label(next.code)} → ${next.recipient}` : 'none pending', next ? countdown(next.dueAt) : '—'];
    }), { empty: 'No incident is open.', captionHidden: true });
    setTimeout(() => startClocks(body), 0);
    return body;
  });
}

function todaysFlags() {
  return section("Today's access review", 'todays-flags', async () => {
    const review = await get('access/daily-review');
    return h('p', {}, review.flags.length ? `${review.flags.length} flag${review.flags.length === 1 ? '' : 's'} to look at today. ` : 'Nothing flagged today. ',
      h('a', { href: '#/access?tab=review' }, 'Open the daily review'));
  });
}

async function section(title, id, build) {
  const body = await build().catch((problem) => failure(problem));
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), body);
}

function clocks() {
  return section('Legal clocks of open requests', 'clocks', async () => {
    const m = await get('dsar/metrics');
    const open = m.open.reduce((sum, c) => sum + c.requests, 0);
    const onTime = Math.max(0, open - m.dueWithin7Days - m.overdue);
    const tile = (tone, count, text, query) => h('li', { class: `tile tile-${tone}` },
      h('a', { href: `#/requests?${new URLSearchParams(query)}` }, h('span', { class: 'count' }, String(count)), text));
    const soon = new Date(Date.now() + 7 * 86400000).toISOString();
    return h('ul', { class: 'tiles' },
      tile('ok', onTime, 'on time', { open: 'true', sort: 'due' }),
      tile('soon', m.dueWithin7Days, 'due within 7 days', { open: 'true', sort: 'due', dueBefore: soon }),
      tile('late', m.overdue, 'past due', { open: 'true', sort: 'due', dueBefore: new Date().toISOString() }));
  });
}

function mine(me) {
  return section('Assigned to me, nearest deadline first', 'mine', async () => {
    const [page, names] = await Promise.all([
      get('dsar/requests', { assigneeId: me.id, open: 'true', sort: 'due', limit: 20 }), officerNames()]);
    return table('Requests assigned to me', REQUEST_HEADERS, page.requests.map((r) => requestCells(r, names, me)),
      { empty: 'No open request is assigned to you.', captionHidden: true });
  });
}

function approvals(me) {
  return section('Approvals waiting for me', 'approvals-waiting', async () => {
    const [page, names] = await Promise.all([get('dsar/requests', { status: 'AWAITING_APPROVAL', sort: 'due', limit: 50 }), officerNames()]);
    const mineToGive = page.requests.filter((r) => r.approvalAskedBy !== me.id);
    return table('Approvals waiting for me', ['Reference', 'Type', 'Why Quaestor asked', 'Asked by', 'Due'],
      mineToGive.map((r) => [h('a', { href: `#/requests/${r.id}` }, r.reference), label(r.type), r.approvalReason || '—',
        personName(names, r.approvalAskedBy, me), r.dueDate]),
      { empty: 'Nothing waits for your approval.', captionHidden: true });
  });
}

function notifications() {
  return section('My notifications', 'notifications', async () => {
    const list = await get('me/notifications', { limit: 10 });
    return table('My notifications', ['When', 'What'], list.map((n) => [when(n.createdAt), n.message]),
      { empty: 'No notifications.', captionHidden: true });
  });
}

function health() {
  return section('System health', 'health', async () => {
    const response = await fetch(new URL('../health/ready', document.baseURI), { headers: { Accept: 'application/json' } });
    const ready = await response.json();
    const runs = await call('GET', 'retention/runs').catch(() => []);
    const last = runs[0];
    const rows = (ready.checks || []).map((c) => [c.name, h('span', { class: `badge badge-${c.status === 'UP' ? 'ok' : 'late'}` }, c.status),
      Object.entries(c.data || {}).map(([k, v]) => `${k}: ${v}`).join('; ') || '—']);
    return h('div', {},
      h('p', {}, 'Readiness: ', h('span', { class: `badge badge-${ready.status === 'UP' ? 'ok' : 'late'}` }, ready.status)),
      table('Readiness checks', ['Check', 'Status', 'Details'], rows, { captionHidden: true }),
      h('h3', {}, 'Last retention run'),
      last ? h('p', {}, `${label(last.state)}${last.dryRun ? ' (dry run)' : ''}, started `, when(last.startedAt),
        last.finishedAt ? [', finished ', when(last.finishedAt)] : '', last.error ? ` — ${last.error}` : '')
        : h('p', { class: 'empty' }, 'No retention run yet.'));
  });
}
