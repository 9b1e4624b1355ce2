// The audit trail for auditors: search with every filter and the chosen columns in the URL,
// keyset pages, and the download of exactly the filtered set (itself an audit event).

import { get, download } from '../api.js';
import { h, fill, heading, field, input, select, when, label, announce, failure, visible } from '../ui.js';

const FILTERS = ['from', 'to', 'actor', 'action', 'tenant', 'resourceType', 'resourceId', 'justificationCode', 'outcome', 'breakGlass'];
const COLUMNS = [
  ['seq', 'Seq', (e) => h('a', { href: `#/trail/${e.seq}` }, String(e.seq))],
  ['occurredAt', 'Occurred', (e) => when(e.occurredAt)],
  ['actor', 'Actor', (e) => h('code', {}, e.actor)],
  ['actorRole', 'Role', (e) => label(e.actorRole)],
  ['action', 'Action', (e) => e.action],
  ['resource', 'Resource', (e) => (e.resourceType ? [e.resourceType, e.resourceId ? [' ', h('code', {}, visible(e.resourceId))] : ''] : '—')],
  ['tenant', 'Tenant', (e) => e.tenant || '—'],
  ['justification', 'Justification', (e) => (e.justificationCode ? [label(e.justificationCode), e.justificationReference ? ` (${visible(e.justificationReference)})` : ''] : '—')],
  ['outcome', 'Outcome', (e) => h('span', { class: `badge ${e.outcome === 'success' ? 'badge-ok' : 'badge-late'}` }, e.outcome)],
  ['breakGlass', 'Break-glass', (e) => (e.breakGlass ? h('span', { class: 'badge badge-late' }, 'break-glass') : 'no')],
  ['origin', 'Origin', (e) => e.origin || '—'],
  ['grant', 'Grant', (e) => (e.grantId ? h('code', {}, e.grantId.slice(0, 8)) : '—')],
  ['leafHash', 'Leaf hash', (e) => h('code', { class: 'digest' }, `${e.leafHash.slice(0, 16)}…`)],
];
const DEFAULT_COLUMNS = ['seq', 'occurredAt', 'actor', 'action', 'resource', 'tenant', 'justification', 'outcome', 'breakGlass'];

export async function render(main, { query, navigate }) {
  const f = Object.fromEntries(FILTERS.map((n) => [n, query.get(n) || '']));
  const columns = (query.get('cols') || DEFAULT_COLUMNS.join(',')).split(',').filter((c) => COLUMNS.some(([k]) => k === c));
  const apiQuery = { ...f, from: utc(f.from), to: utc(f.to), afterSeq: query.get('after') || '', limit: 50 };
  const form = filterForm(f, columns, navigate);
  let page;
  try {
    page = await get('audit/events', apiQuery);
  } catch (problem) {
    fill(main, heading('Audit trail'), form, failure(problem));
    return;
  }
  const chosen = COLUMNS.filter(([k]) => columns.includes(k));
  const params = new URLSearchParams(query);
  params.delete('after');
  const results = page.events.length
    ? h('div', { class: 'table-wrap' }, h('table', { id: 'trail' },
      h('caption', {}, `Events in sequence order${query.get('after') ? `, after ${query.get('after')}` : ''}`),
      h('thead', {}, h('tr', {}, chosen.map(([, title]) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, page.events.map((e) => h('tr', {}, chosen.map(([, , cell]) => h('td', {}, cell(e))))))))
    : h('p', { class: 'empty' }, 'No event matches these filters.');
  fill(main,
    heading('Audit trail',
      h('button', { type: 'button', id: 'trail-export', onclick: () => download('audit/events/export', { query: { ...f, from: utc(f.from), to: utc(f.to) }, accept: 'application/x-ndjson' })
        .then(() => announce('The filtered events were downloaded; the export is recorded in the trail.')).catch((p) => announce(p.message)) }, 'Download these events (JSON Lines)')),
    h('p', { class: 'notice notice-audit' }, 'Each search, event read and download is itself recorded in the trail (audit.events-read, audit.event-read, audit.events-exported).'),
    form,
    h('div', { id: 'results', 'aria-live': 'polite' }, results),
    h('nav', { class: 'pager', 'aria-label': 'Pages' },
      query.get('after') ? h('a', { class: 'button', href: `#/trail?${params}` }, 'First page') : null,
      page.nextAfterSeq != null ? h('a', { class: 'button', id: 'next-page', href: `#/trail?${withParam(params, 'after', page.nextAfterSeq)}` }, 'Next page') : null));
  announce(`${page.events.length} event${page.events.length === 1 ? '' : 's'} shown.`);
}

function filterForm(f, columns, navigate) {
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter the trail' },
    h('div', { class: 'filter-row' },
      field('From (UTC)', input('from', { type: 'datetime-local', value: f.from })),
      field('To (UTC)', input('to', { type: 'datetime-local', value: f.to })),
      field('Actor (staff id or service)', input('actor', { value: f.actor })),
      field('Action', input('action', { value: f.action, placeholder: 'e.g. access.lookup' })),
      field('Tenant', input('tenant', { value: f.tenant })),
      field('Resource type', input('resourceType', { value: f.resourceType })),
      field('Resource id', input('resourceId', { value: f.resourceId })),
      field('Justification', select('justificationCode', [['', 'any'], ...['CUSTOMER_SUPPORT', 'PRODUCTION_ALERT', 'SECURITY_REVIEW', 'LEGAL_REQUEST', 'DSAR_FULFILMENT', 'BREACH_INVESTIGATION'].map((c) => [c, label(c)])])),
      field('Outcome', select('outcome', [['', 'any'], ['success', 'success'], ['denied', 'denied'], ['error', 'error']])),
      field('Break-glass', select('breakGlass', [['', 'either'], ['true', 'break-glass only'], ['false', 'without break-glass']]))),
    h('details', { class: 'columns-chooser' }, h('summary', {}, `Columns (${columns.length} of ${COLUMNS.length} shown)`),
      h('fieldset', {}, h('legend', { class: 'visually-hidden' }, 'Columns to show'),
        COLUMNS.map(([key, title]) => h('label', { class: 'check' },
          h('input', { type: 'checkbox', name: 'col', value: key, checked: columns.includes(key) }), ` ${title}`)))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Search'),
      h('a', { class: 'button', href: '#/trail' }, 'Clear')));
  for (const name of ['justificationCode', 'outcome', 'breakGlass']) form.elements[name].value = f[name];
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = new URLSearchParams();
    for (const name of FILTERS) if (form.elements[name].value.trim()) q.set(name, form.elements[name].value.trim());
    const cols = [...form.querySelectorAll('input[name=col]:checked')].map((c) => c.value);
    if (cols.join(',') !== DEFAULT_COLUMNS.join(',')) q.set('cols', cols.join(','));
    navigate('/trail', q);
  });
  return form;
}

/** A datetime-local value read as UTC. */
function utc(local) {
  return local ? new Date(`${local}Z`).toISOString() : '';
}

function withParam(params, name, value) {
  const copy = new URLSearchParams(params);
  copy.set(name, value);
  return copy;
}
