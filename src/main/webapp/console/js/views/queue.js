// The request queue: filters, search, sort and page all live in the URL; pages are keyset
// cursors from the server, so the 100,000th request costs what the first does.

import { get, put, download } from '../api.js';
import { h, fill, field, input, select, heading, announce, label, failure, dialog } from '../ui.js';
import { officerNames, requestCells, REQUEST_HEADERS, personName, TYPES, STATUSES } from './common.js';

const VIEWS_KEY = 'quaestor.saved-views';
const FILTERS = ['status', 'type', 'assignee', 'due', 'open', 'q', 'sort'];

export async function render(main, { query, me, navigate }) {
  const f = Object.fromEntries(FILTERS.map((n) => [n, query.get(n) || '']));
  if (!query.has('open')) f.open = 'true';
  if (!f.sort) f.sort = 'due';
  const names = await officerNames();
  const apiQuery = toApi(f, me);
  apiQuery.cursor = query.get('cursor') || '';
  apiQuery.limit = 50;
  let page;
  try {
    page = await get('dsar/requests', apiQuery);
  } catch (problem) {
    fill(main, heading('Requests'), filterForm(f, names, me, navigate), failure(problem));
    return;
  }
  const officer = me.roles.includes('PRIVACY_OFFICER');
  const selected = new Set();
  const rows = page.requests.map((r) => {
    const cells = requestCells(r, names, me);
    const box = officer ? h('input', { type: 'checkbox', 'aria-label': `Select ${r.reference}`,
      onchange: (e) => (e.target.checked ? selected.add(r.id) : selected.delete(r.id)) }) : null;
    return h('tr', {}, officer ? h('td', {}, box) : null, cells.map((c) => h('td', {}, c)));
  });
  const headers = (officer ? ['Select'] : []).concat(REQUEST_HEADERS);
  const results = rows.length
    ? h('div', { class: 'table-wrap' }, h('table', { id: 'queue' },
      h('caption', {}, describe(f, names, me), query.get('cursor') ? ' (a later page)' : ''),
      h('thead', {}, h('tr', {}, headers.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, rows)))
    : h('p', { class: 'empty', id: 'queue-empty' }, 'No request matches these filters.');

  const params = new URLSearchParams(query);
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' },
    query.get('cursor') ? h('a', { class: 'button', href: `#/requests?${without(params, 'cursor')}` }, 'First page') : null,
    page.nextCursor ? h('a', { class: 'button', id: 'next-page', href: `#/requests?${withParam(params, 'cursor', page.nextCursor)}` }, 'Next page') : null);

  fill(main,
    heading('Requests',
      h('button', { type: 'button', onclick: () => download('dsar/requests/export', { query: toApi(f, me), accept: 'text/csv' })
        .then(() => announce('CSV export downloaded.')).catch((p) => announce(p.message)) }, 'Export CSV'),
      officer ? h('a', { class: 'button', href: '#/requests/new' }, 'File a request') : null),
    filterForm(f, names, me, navigate),
    savedViews(f, navigate),
    officer ? bulkAssign(selected, names, me) : null,
    h('div', { id: 'results', 'aria-live': 'polite' }, results),
    pager);
  announce(`${page.requests.length} request${page.requests.length === 1 ? '' : 's'} shown${page.nextCursor ? ', more on the next page' : ''}.`);
}

function toApi(f, me) {
  const q = { sort: f.sort, status: f.status, type: f.type, open: f.open === 'all' ? '' : f.open };
  if (f.assignee) q.assigneeId = f.assignee === 'me' ? me.id : f.assignee;
  if (f.due) q.dueBefore = new Date(`${f.due}T00:00:00Z`).toISOString();
  if (f.q) {
    if (f.q.includes('@')) q.email = f.q; else q.reference = f.q.toUpperCase();
  }
  return q;
}

function describe(f, names, me) {
  const parts = [f.open === 'true' ? 'Open requests' : f.open === 'false' ? 'Closed requests' : 'All requests'];
  if (f.status) parts.push(`status ${label(f.status)}`);
  if (f.type) parts.push(`type ${label(f.type)}`);
  if (f.assignee) parts.push(`assigned to ${f.assignee === 'me' ? 'me' : personName(names, f.assignee, me)}`);
  if (f.due) parts.push(`due before ${f.due}`);
  if (f.q) parts.push(`matching “${f.q}”`);
  parts.push(f.sort === 'received' ? 'newest first' : 'nearest deadline first');
  return parts.join(', ');
}

function filterForm(f, names, me, navigate) {
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter requests' },
    field('Search', input('q', { type: 'search', value: f.q, placeholder: 'email or DSR-…' }), null),
    field('Status', select('status', [['', 'any'], ...STATUSES.map((s) => [s, label(s)])])),
    field('Type', select('type', [['', 'any'], ...TYPES.map((t) => [t, label(t)])])),
    field('Assignee', select('assignee', [['', 'anyone'], ['me', 'me'], ...[...names.values()].map((o) => [o.id, o.displayName || o.username])])),
    field('Due before', input('due', { type: 'date', value: f.due })),
    field('Open or closed', select('open', [['true', 'open only'], ['false', 'closed only'], ['all', 'all']])),
    field('Sort', select('sort', [['due', 'nearest deadline first'], ['received', 'newest first']])),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Apply filters'),
      h('a', { class: 'button', href: '#/requests' }, 'Clear')));
  for (const name of ['status', 'type', 'assignee', 'open', 'sort']) form.elements[name].value = f[name];
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = {};
    for (const name of FILTERS) q[name] = form.elements[name].value.trim();
    navigate('/requests', q);
  });
  return form;
}

function savedViews(f, navigate) {
  const saved = JSON.parse(localStorage.getItem(VIEWS_KEY) || '[]');
  const current = new URLSearchParams(Object.entries(f).filter(([, v]) => v)).toString();
  const list = h('ul', { class: 'flags', 'aria-label': 'Saved views' }, saved.map((v, i) => h('li', {},
    h('a', { href: `#/requests?${v.query}` }, v.name), ' ',
    h('button', { type: 'button', 'aria-label': `Forget the view ${v.name}`, onclick: () => {
      saved.splice(i, 1);
      localStorage.setItem(VIEWS_KEY, JSON.stringify(saved));
      navigate('/requests', current, { replace: true });
    } }, '×'))));
  return h('section', { 'aria-labelledby': 'saved-views' }, h('h2', { id: 'saved-views', class: 'visually-hidden' }, 'Saved views'),
    h('div', { class: 'toolbar centred' }, h('span', { class: 'muted' }, 'Saved views:'), saved.length ? list : h('span', { class: 'muted' }, 'none yet'),
      h('button', { type: 'button', onclick: () => dialog('Save this view', field('Name of the view', input('name', { required: true, maxlength: 60 })),
        'Save view', async ({ name }) => {
          if (!name) throw Object.assign(new Error('Give the view a name.'), { fieldErrors: () => new Map([['name', 'Give the view a name.']]) });
          saved.push({ name, query: current });
          localStorage.setItem(VIEWS_KEY, JSON.stringify(saved));
          navigate('/requests', current, { replace: true });
          announce(`View “${name}” saved.`);
        }) }, 'Save this view')));
}

function bulkAssign(selected, names, me) {
  const chooser = select('bulk-assignee', [...names.values()].map((o) => [o.id, o.id === me.id ? `${o.username} (me)` : (o.displayName || o.username)]));
  const result = h('p', { role: 'status', id: 'bulk-result' });
  return h('div', { class: 'toolbar' }, field('Assign the selected requests to', chooser),
    h('button', { type: 'button', id: 'bulk-assign', onclick: async () => {
      if (!selected.size) { fill(result, 'Select one or more requests first.'); return; }
      let done = 0;
      const refused = [];
      for (const id of selected) {
        try { await put(`dsar/requests/${id}/assignee`, { assigneeId: chooser.value }); done += 1; } catch (p) { refused.push(p.message); }
      }
      fill(result, `${done} assigned.${refused.length ? ` ${refused.length} refused: ${[...new Set(refused)].join(' ')}` : ''}`);
      if (!refused.length) setTimeout(() => window.dispatchEvent(new HashChangeEvent('hashchange')), 600);
    } }, 'Assign selected'), result);
}

function without(params, name) {
  const p = new URLSearchParams(params);
  p.delete(name);
  return p.toString();
}

function withParam(params, name, value) {
  const p = new URLSearchParams(params);
  p.set(name, value);
  return p.toString();
}
