// Approvals inbox: requests waiting for a second officer, with the reason Quaestor or a colleague
// asked. Never one's own: the officer who asked cannot approve, so those are listed apart.

import { get } from '../api.js';
import { h, fill, heading, table, label, day, daysLeft } from '../ui.js';
import { officerNames, personName } from './common.js';

export async function render(main, { me }) {
  const [page, names] = await Promise.all([get('dsar/requests', { status: 'AWAITING_APPROVAL', sort: 'due', limit: 200 }), officerNames()]);
  const row = (r) => [h('a', { href: `#/requests/${r.id}` }, r.reference), label(r.type), r.approvalReason || '—',
    personName(names, r.approvalAskedBy, me), day(r.dueDate), daysLeft(r.dueAt, r.receivedAt, r.closedAt)];
  const headers = ['Reference', 'Type', 'Why approval was asked', 'Asked by', 'Legal due date', 'Time left'];
  const mine = page.requests.filter((r) => r.approvalAskedBy === me.id);
  const others = page.requests.filter((r) => r.approvalAskedBy !== me.id);
  fill(main, heading('Approvals'),
    h('p', {}, 'Erasures that touch many rows or rows the data map marks as blocking (open billing) need a second officer. Open one to review it, then approve or reject.'),
    h('section', { 'aria-labelledby': 'to-give' }, h('h2', { id: 'to-give' }, 'Waiting for your approval'),
      table('Waiting for your approval', headers, others.map(row), { empty: 'Nothing waits for your approval.', captionHidden: true })),
    h('section', { 'aria-labelledby': 'asked' }, h('h2', { id: 'asked' }, 'You asked; another officer must approve'),
      table('You asked; another officer must approve', headers, mine.map(row), { empty: 'None.', captionHidden: true })));
}
