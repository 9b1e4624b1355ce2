// The privacy office's figures over a chosen period, as bars with the numbers beside them.

import { get } from '../api.js';
import { h, fill, heading, table, field, input, label, failure } from '../ui.js';

export async function render(main, { query, navigate }) {
  const to = query.get('to') || new Date().toISOString().slice(0, 10);
  const from = query.get('from') || new Date(Date.now() - 90 * 86400000).toISOString().slice(0, 10);
  const form = h('form', { class: 'filters', 'aria-label': 'Period' },
    field('From (UTC date)', input('from', { type: 'date', value: from })),
    field('To (UTC date)', input('to', { type: 'date', value: to })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show period')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate('/metrics', { from: form.from.value, to: form.to.value });
  });
  let m;
  try {
    const end = new Date(`${to}T23:59:59Z`);
    m = await get('dsar/metrics', { from: `${from}T00:00:00Z`, to: end.getTime() > Date.now() ? '' : end.toISOString() });
  } catch (problem) {
    fill(main, heading('Privacy office metrics'), form, failure(problem));
    return;
  }
  const byState = sum(m.open, (c) => c.status);
  const byType = sum(m.open, (c) => c.type);
  fill(main, heading('Privacy office metrics'), form,
    h('ul', { class: 'tiles' },
      h('li', { class: 'tile' }, h('span', { class: 'count' }, String(m.open.reduce((s, c) => s + c.requests, 0))), 'open now'),
      h('li', { class: 'tile tile-soon' }, h('span', { class: 'count' }, String(m.dueWithin7Days)), 'due within 7 days'),
      h('li', { class: 'tile tile-late' }, h('span', { class: 'count' }, String(m.overdue)), 'overdue'),
      h('li', { class: 'tile' }, h('span', { class: 'count' }, `${(m.extensionRate * 100).toFixed(1)} %`),
        `extended (${m.extendedInPeriod} of ${m.closedInPeriod} closed in the period)`)),
    bars('Open requests by state', 'by-state', byState),
    bars('Open requests by type', 'by-type', byType),
    h('section', { 'aria-labelledby': 'close-h' }, h('h2', { id: 'close-h' }, 'Days to close, in the period'),
      table('Days to close per type', ['Type', 'Closed', 'Median days', '90th percentile days'],
        m.timeToClose.map((c) => [label(c.type), c.closed, c.medianDays.toFixed(1), c.p90Days.toFixed(1)]),
        { empty: 'No request closed in this period.', captionHidden: true })));
}

function sum(counts, key) {
  const out = new Map();
  for (const c of counts) out.set(key(c), (out.get(key(c)) || 0) + c.requests);
  return [...out.entries()].sort((a, b) => b[1] - a[1]);
}

/** A bar chart that is also a list: each bar has its label and number in text. */
function bars(title, id, entries) {
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title),
    entries.length ? h('ul', { class: 'bars' }, entries.map(([name, n]) => {
      const bar = h('div', { class: 'bar' });
      bar.style.width = `${(100 * n) / max}%`;
      return h('li', {}, h('span', {}, label(name)), h('div', { class: 'bar-track', 'aria-hidden': 'true' }, bar), h('span', { class: 'num' }, String(n)));
    })) : h('p', { class: 'empty' }, 'No open requests.'));
}
