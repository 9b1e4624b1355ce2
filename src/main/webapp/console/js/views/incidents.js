// The incident list and the Art. 33(5) register: every incident, its nearest pending obligation
// with a countdown, filters in the URL, and the register's export.

import { get, post } from '../api.js';
import { h, fill, heading, table, when, label, field, input, select, dialog, announce } from '../ui.js';
import { countdown, nearest, startClocks } from './incident.js';

const STATUSES = ['OPEN', 'CONTAINED', 'RESOLVED', 'CLOSED'];
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

export async function render(main, { query, navigate, me }) {
  const all = await get('incidents');
  const f = { status: query.get('status') || '', severity: query.get('severity') || '', open: query.get('open') || 'true' };
  const shown = all.filter((i) => (!f.status || i.status === f.status) && (!f.severity || i.severity === f.severity)
    && (f.open !== 'true' || i.status !== 'CLOSED'));
  shown.sort((a, b) => (nearest(a)?.dueAt || '9999').localeCompare(nearest(b)?.dueAt || '9999'));
  const responder = me.roles.includes('INCIDENT_RESPONDER');
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter incidents' },
    field('Status', select('status', [['', 'any'], ...STATUSES.map((s) => [s, label(s)])])),
    field('Severity', select('severity', [['', 'any'], ...SEVERITIES.map((s) => [s, label(s)])])),
    field('Open or closed', select('open', [['true', 'open only'], ['all', 'all']])),
    h('button', { type: 'submit', class: 'primary' }, 'Apply'));
  for (const k of Object.keys(f)) form.elements[k].value = f[k];
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate('/incidents', { status: form.elements.status.value, severity: form.elements.severity.value, open: form.elements.open.value });
  });
  fill(main,
    heading('Incidents',
      h('button', { type: 'button', id: 'export-register', onclick: () => exportRegister(all) }, 'Export the register (CSV)'),
      responder ? h('button', { type: 'button', class: 'primary', id: 'report-incident', onclick: () => report(navigate) }, 'Report an incident') : null),
    h('p', {}, 'The register (Art. 33(5)) holds every incident, notified or not, with each obligation\'s decision.'),
    form,
    table('Incidents, nearest deadline first', ['Reference', 'Title', 'Type', 'Severity', 'Status', 'Owner', 'Reported', 'Next obligation', 'Due', 'Time left'],
      shown.map((i) => {
        const next = nearest(i);
        return [h('a', { href: `#/incidents/${i.id}` }, i.reference), i.title, label(i.type), severityBadge(i.severity), label(i.status),
          i.ownerId ? (i.ownerId === me.id ? 'you' : h('code', {}, i.ownerId.slice(0, 8))) : 'unassigned', when(i.createdAt),
          next ? `${label(next.code)} (${next.recipient})` : 'none pending', next ? when(next.dueAt) : '—', next ? countdown(next.dueAt) : '—'];
      }), { empty: 'No incident matches these filters.' }));
  startClocks(main);
}

export function severityBadge(severity) {
  const kind = { CRITICAL: 'badge-late', HIGH: 'badge-late', MEDIUM: 'badge-soon', LOW: 'badge-info' }[severity] || 'badge-info';
  return h('span', { class: `badge ${kind}` }, label(severity));
}

function report(navigate) {
  const now = new Date().toISOString().slice(0, 16);
  dialog('Report an incident', [
    field('Title', input('title', { required: true, maxlength: 200 })),
    field('What is known', h('textarea', { name: 'description', id: 'f-description', required: true, maxlength: 10000 })),
    field('Type', select('type', [['CONFIDENTIALITY', 'confidentiality'], ['INTEGRITY', 'integrity'], ['AVAILABILITY', 'availability']])),
    field('Severity', select('severity', SEVERITIES.map((s) => [s, label(s)]))),
    field('Occurred (UTC)', input('occurredAt', { type: 'datetime-local', value: now, required: true })),
    field('Detected (UTC)', input('detectedAt', { type: 'datetime-local', value: now, required: true })),
    field('Aware since (UTC, optional)', input('awareAt', { type: 'datetime-local' }), 'The 72-hour clock starts when the controller becomes aware; decide it now or later.'),
    field('Systems', input('systems', { maxlength: 2000 })),
    field('Data categories', input('categories', { maxlength: 2000 })),
  ], 'Report', async (v) => {
    for (const k of ['occurredAt', 'detectedAt', 'awareAt']) if (v[k]) v[k] = new Date(`${v[k]}Z`).toISOString();
    const incident = await post('incidents', v);
    announce(`Incident ${incident.reference} reported.`);
    navigate(`/incidents/${incident.id}`);
  });
}

function exportRegister(all) {
  const rows = [['reference', 'title', 'type', 'severity', 'status', 'occurredAt', 'detectedAt', 'awareAt', 'closedAt', 'obligation', 'recipient', 'dueAt', 'obligationStatus', 'metAt', 'evidence', 'waivedReason']];
  for (const i of all) {
    const base = [i.reference, i.title, i.type, i.severity, i.status, i.occurredAt, i.detectedAt, i.awareAt || '', i.closedAt || ''];
    if (!i.obligations.length) rows.push([...base, '', '', '', '', '', '', '']);
    for (const o of i.obligations) rows.push([...base, o.code, o.recipient, o.dueAt, o.status, o.metAt || '', o.evidence || '', o.waivedReason || '']);
  }
  const csv = rows.map((r) => r.map(csvCell).join(',')).join('\r\n');
  const link = h('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: 'breach-register.csv' });
  document.body.append(link);
  link.click();
  link.remove();
  announce('The register was downloaded.');
}

/** RFC 4180, and a leading formula character neutralised as the server's CSV exports do. */
function csvCell(value) {
  let text = String(value ?? '');
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
