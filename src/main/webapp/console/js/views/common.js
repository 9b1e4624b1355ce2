// Pieces several views share: the officers' names, request rows, the flags a request carries.

import { get } from '../api.js';
import { h, when, day, daysLeft, label } from '../ui.js';

let officers = null;

/** Active privacy officers by id (cached for the page's life; names only, never contact data). */
export async function officerNames() {
  if (!officers) {
    const list = await get('dsar/officers');
    officers = new Map(list.map((o) => [o.id, o]));
  }
  return officers;
}

export function personName(names, id, me) {
  if (!id) return 'unassigned';
  if (me && id === me.id) return `${me.username} (you)`;
  if (id === 'quaestor') return 'Quaestor';
  const o = names.get(id);
  return o ? (o.displayName || o.username) : `staff ${String(id).slice(0, 8)}`;
}

export function flags(row) {
  return h('span', { class: 'flags' },
    row.extended ? h('span', { class: 'badge badge-info' }, 'extended') : null,
    row.status === 'AWAITING_APPROVAL' ? h('span', { class: 'badge badge-soon' }, 'awaiting approval') : null,
    row.onHold ? h('span', { class: 'badge badge-late' }, 'on hold') : null);
}

export function verification(row) {
  if (row.verified) return 'verified';
  if (['RECEIVED', 'IDENTITY_PENDING'].includes(row.status)) return 'pending';
  if (row.status === 'LAPSED') return 'lapsed';
  return 'not verified';
}

/** One queue row: the reference links to the request. */
export function requestCells(row, names, me) {
  return [
    h('a', { href: `#/requests/${row.id}` }, row.reference),
    label(row.type), label(row.status), row.regime, verification(row),
    personName(names, row.assigneeId, me), when(row.receivedAt),
    day(row.dueDate),
    daysLeft(row.dueAt, row.receivedAt, row.closedAt), flags(row),
  ];
}

export const REQUEST_HEADERS = ['Reference', 'Type', 'Status', 'Regime', 'Verification', 'Assignee', 'Received',
  'Legal due date', 'Time left', 'Flags'];

export const TYPES = ['ACCESS', 'RECTIFICATION', 'ERASURE', 'RESTRICTION', 'OBJECTION', 'PORTABILITY', 'CONSENT_WITHDRAWAL'];
export const STATUSES = ['RECEIVED', 'IDENTITY_PENDING', 'VERIFIED', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'COMPLETED',
  'REJECTED', 'CANCELLED', 'LAPSED'];
