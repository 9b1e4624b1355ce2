// Operator access for auditors and privacy officers: grants by status, the break-glass review
// queue, pending approvals (never one's own), recertifications, a tenant's transparency feed, and
// the day's review flags. Tabs and filters live in the URL.

import { get, post } from '../api.js';
import { h, fill, heading, table, when, label, field, input, select, dialog, announce, visible, failure } from '../ui.js';

const TABS = [['grants', 'Grants'], ['break-glass', 'Break-glass reviews'], ['approvals', 'Pending approvals'],
  ['recertifications', 'Recertifications'], ['transparency', 'Tenant transparency'], ['review', 'Daily review']];
const STATUSES = ['PENDING', 'ACTIVE', 'REJECTED', 'REVOKED', 'LAPSED', 'EXPIRED'];

export async function render(main, ctx) {
  const { query } = ctx;
  const tab = TABS.some(([k]) => k === query.get('tab')) ? query.get('tab') : 'grants';
  const body = h('div', { id: 'tab-body' });
  fill(main, heading('Operator access'),
    h('nav', { 'aria-label': 'Operator access views' }, h('ul', { class: 'tabs' }, TABS.map(([key, title]) => h('li', {},
      h('a', { href: `#/access?tab=${key}`, 'aria-current': key === tab ? 'page' : null }, title))))),
    body);
  const rerender = () => render(main, ctx);
  try {
    await VIEWS[tab](body, ctx, rerender);
  } catch (problem) {
    fill(body, failure(problem));
  }
}

const canDecide = (me) => me.roles.includes('PRIVACY_OFFICER') || me.roles.includes('ADMIN');

const grantCells = (g) => [h('code', {}, g.id.slice(0, 8)), h('code', {}, g.requesterId.slice(0, 8)), label(g.justificationCode),
  visible(g.reference), g.tenant, g.accountId || 'whole tenant', (g.categories || []).join(', '), g.duration,
  g.breakGlass ? h('span', { class: 'badge badge-late' }, 'break-glass') : 'no', label(g.status), when(g.requestedAt), when(g.expiresAt)];
const GRANT_HEADERS = ['Grant', 'Operator', 'Justification', 'Reference', 'Tenant', 'Account', 'Categories', 'Duration', 'Break-glass',
  'Status', 'Requested', 'Expires'];
/** What a decision needs to see, narrow enough that the decision's button stays in view. */
const askedCells = (g) => [h('code', {}, g.requesterId.slice(0, 8)), [label(g.justificationCode), h('br'), visible(g.reference)],
  [g.tenant, h('br'), g.accountId || 'whole tenant'], (g.categories || []).join(', '), g.duration, when(g.requestedAt)];
const ASKED_HEADERS = ['Operator', 'Justification and reference', 'Tenant and account', 'Categories', 'Duration', 'Requested'];

const VIEWS = {
  async grants(body, { query, navigate }) {
    const status = query.get('status') || '';
    const grants = await get('access/grants', { status });
    const chooser = select('status', [['', 'any status'], ...STATUSES.map((s) => [s, label(s)])]);
    chooser.value = status;
    const form = h('form', { class: 'toolbar', onsubmit: (e) => { e.preventDefault(); navigate('/access', { tab: 'grants', status: chooser.value }); } },
      field('Status', chooser), h('button', { type: 'submit' }, 'Show'));
    fill(body, form, table(`Grants${status ? `, ${label(status)}` : ''}`, GRANT_HEADERS, grants.map(grantCells), { empty: 'No grant matches.' }));
  },

  async 'break-glass'(body, { me }, rerender) {
    const grants = (await get('access/grants')).filter((g) => g.breakGlass && !g.reviewedAt);
    fill(body, h('p', {}, 'Break-glass access starts without approval; each must be reviewed after the fact by someone other than the operator.'),
      table('Break-glass grants waiting for review', [...ASKED_HEADERS, 'Status', 'Review due', ''], grants.map((g) => [...askedCells(g), label(g.status), when(g.reviewDueAt),
        canDecide(me) ? decisionButton(g, me, 'Review', () => reviewGrant(g, rerender)) : '']), { empty: 'No break-glass grant waits for review.' }));
  },

  async approvals(body, { me }, rerender) {
    const grants = await get('access/grants', { status: 'PENDING' });
    fill(body, table('Grants waiting for approval', [...ASKED_HEADERS, 'Approve by', ''], grants.map((g) => [...askedCells(g), when(g.approvalDeadline),
      canDecide(me) ? decisionButton(g, me, 'Decide', () => decideGrant(g, rerender)) : '']), { empty: 'No grant waits for approval.' }));
  },

  async recertifications(body, { me }, rerender) {
    const standings = await get('access/recertifications');
    fill(body, h('p', {}, 'Operators keep access only while recertified; a lapsed operator\'s grants stop working.'),
      table('Operators and their recertification', ['Operator', 'Certified since', 'Due', 'State', ''], standings.map((s) => [
        s.username, when(s.certifiedSince), when(s.dueAt),
        s.lapsed ? h('span', { class: 'badge badge-late' }, 'lapsed') : new Date(s.dueAt) - Date.now() < 14 * 86400000 ? h('span', { class: 'badge badge-soon' }, 'due soon') : h('span', { class: 'badge badge-ok' }, 'current'),
        canDecide(me) ? (s.userId === me.id ? h('span', { class: 'muted' }, 'not your own') : h('button', { type: 'button', onclick: () => dialog(`Recertify ${s.username}`, [
          field('Why this operator still needs access', h('textarea', { name: 'note', id: 'f-recert-note', required: true, maxlength: 1000 }))],
        'Recertify', async (v) => { await post(`access/recertifications/${s.userId}`, v); announce(`${s.username} recertified.`); rerender(); }) }, 'Recertify')) : '',
      ]), { empty: 'No operator.' }));
  },

  async transparency(body, { query, navigate }) {
    const tenant = query.get('tenant') || '';
    const form = h('form', { class: 'toolbar', onsubmit: (e) => { e.preventDefault(); navigate('/access', { tab: 'transparency', tenant: e.target.tenant.value.trim() }); } },
      field('Tenant', input('tenant', { value: tenant, required: true })), h('button', { type: 'submit' }, 'Show the feed'));
    if (!tenant) { fill(body, h('p', {}, 'The feed a tenant sees of operator access to its data, each entry with its inclusion proof.'), form); return; }
    const feed = await get(`transparency/tenants/${encodeURIComponent(tenant)}/events`, { limit: 100 });
    fill(body, form, h('p', {}, feed.checkpoint ? `Proofs against the checkpoint of ${feed.checkpoint.treeSize} events.` : 'No signed checkpoint yet: entries have no proof.'),
      table(`Operator access to ${tenant}`, ['Seq', 'When', 'Operator', 'Action', 'Justification', 'Outcome', 'Proof'], feed.entries.map((e) => [
        String(e.seq), when(e.occurredAt), h('code', {}, e.operator.slice(0, 8)), e.action, label(e.justificationCode), e.outcome,
        e.inclusionProof ? `${e.inclusionProof.length} hashes` : 'not sealed yet']), { empty: 'No operator access to this tenant.' }));
  },

  async review(body, { query, navigate }) {
    const wanted = query.get('day') || new Date().toISOString().slice(0, 10);
    const review = await get('access/daily-review', { day: wanted });
    const form = h('form', { class: 'toolbar', onsubmit: (e) => { e.preventDefault(); navigate('/access', { tab: 'review', day: e.target.day.value }); } },
      field('Day (UTC)', input('day', { type: 'date', value: wanted })), h('button', { type: 'submit' }, 'Show'));
    fill(body, form, h('p', { class: 'notice notice-audit' }, 'Producing the review read the trail; that read is recorded.'),
      table(`Flags for ${review.day}`, ['Flag', 'Operator', 'Grant', 'Event', 'Count', 'Detail'], review.flags.map((f) => [
        h('span', { class: 'badge badge-soon' }, label(f.kind)), f.actor ? h('a', { href: `#/trail?actor=${encodeURIComponent(f.actor)}` }, f.actor.slice(0, 8)) : '—',
        f.grantId ? h('code', {}, f.grantId.slice(0, 8)) : '—', f.seq != null ? h('a', { href: `#/trail/${f.seq}` }, `event ${f.seq}`) : '—',
        String(f.count), visible(f.detail || '')]), { empty: 'Nothing was flagged that day.' }));
  },
};

function decisionButton(grant, me, text, onclick) {
  if (grant.requesterId === me.id) return h('span', { class: 'muted' }, 'your own: someone else decides');
  return h('button', { type: 'button', onclick }, text);
}

function decideGrant(grant, rerender) {
  dialog(`Decide on grant ${grant.id.slice(0, 8)}`, [
    h('p', {}, `${label(grant.justificationCode)} (${grant.reference}) on ${grant.tenant}${grant.accountId ? `, account ${grant.accountId}` : ''}: ${(grant.categories || []).join(', ')} for ${grant.duration}.`),
    field('Decision', select('decision', [['approve', 'approve'], ['reject', 'reject']])),
    field('Note (kept with the grant)', h('textarea', { name: 'note', id: 'f-decision-note', required: true, maxlength: 1000 })),
  ], 'Record the decision', async (v) => { await post(`access/grants/${grant.id}/decision`, v); announce('Decision recorded.'); rerender(); });
}

function reviewGrant(grant, rerender) {
  dialog(`Review break-glass grant ${grant.id.slice(0, 8)}`, [
    h('p', {}, `${label(grant.justificationCode)} (${grant.reference}) on ${grant.tenant}, requested ${new Date(grant.requestedAt).toISOString()}.`),
    field('Outcome', select('outcome', [['justified', 'justified'], ['unjustified', 'unjustified']])),
    field('Note', h('textarea', { name: 'note', id: 'f-review-note', required: true, maxlength: 1000 })),
  ], 'Record the review', async (v) => { await post(`access/grants/${grant.id}/review`, v); announce('Review recorded.'); rerender(); });
}
