// One request: its clock, every action with the rule that allows or forbids it, the subject as
// the request states it, the timeline, notes, attachments, and what fulfilled it (package or
// erasure). Opening this view is an audited read: the server records it before answering.

import { get, post, put, call, download } from '../api.js';
import { h, fill, when, day, daysLeft, facts, field, input, select, dialog, table, heading, announce, label, visible, failure, formAlert, showProblem, clearProblems, values } from '../ui.js';
import { officerNames, personName, verification } from './common.js';

const GROUNDS = [['IDENTITY_NOT_VERIFIED', 'identity not verified'], ['MANIFESTLY_UNFOUNDED_OR_EXCESSIVE', 'manifestly unfounded or excessive'],
  ['THIRD_PARTY_RIGHTS', 'rights of third parties'], ['LEGAL_RETENTION_DUTY', 'legal retention duty'], ['OTHER', 'other (explain)']];

export async function render(main, ctx) {
  const { params, me } = ctx;
  const [request, names] = await Promise.all([get(`dsar/requests/${params.id}`), officerNames()]);
  const rerender = () => render(main, ctx).then(() => main.querySelector('h1').focus());
  const allowed = new Map(request.actions.map((a) => [a.action, a]));
  fill(main,
    heading(`${request.reference} · ${label(request.type)}`, daysLeft(request.dueAt, request.receivedAt, request.closedAt)),
    h('p', { class: 'notice notice-audit' }, 'Opening this request was recorded in the audit trail as your read of its personal data (dsar.request-read).'),
    actionSection(request, allowed, names, me, rerender),
    h('div', { class: 'columns' },
      h('section', { 'aria-labelledby': 'clock-h' }, h('h2', { id: 'clock-h' }, 'Status and clock'), facts([
        ['Status', label(request.status)],
        ['Regime', request.regime],
        ['Received', when(request.receivedAt)],
        ['Legal due date', request.extendedDueDate ? [day(request.extendedDueDate), ' (extended from ', day(request.dueDate), ')'] : day(request.dueDate)],
        ['Time left', daysLeft(request.dueAt, request.receivedAt, request.closedAt)],
        request.extensionReason ? ['Extension reason', request.extensionReason] : null,
        ['Assignee', personName(names, request.assigneeId, me)],
        request.closedAt ? ['Closed', when(request.closedAt)] : null,
        request.rejectionGround ? ['Rejected on the ground', [label(request.rejectionGround), request.rejectionText ? ` — ${request.rejectionText}` : '']] : null,
      ])),
      h('section', { 'aria-labelledby': 'subject-h' }, h('h2', { id: 'subject-h' }, 'The subject, as the request states it'), facts([
        ['Email', visible(request.email) || '—'],
        ['Account id', visible(request.accountId) || '—'],
        ['Region', label(request.region)],
        ['Channel', label(request.channel)],
        ['Verification', `${verification({ ...request, verified: !!request.verifiedAt })}${request.verificationMethod ? ` by ${label(request.verificationMethod)}` : ''}`],
        request.verifiedAt ? ['Verified', when(request.verifiedAt)] : null,
        request.verificationEvidence ? ['Evidence checked', visible(request.verificationEvidence)] : null,
        ['Details', request.details ? h('span', { class: 'pre' }, visible(request.details)) : '—'],
      ]))),
    await fulfilment(request, me, rerender),
    timeline(request, names, me),
    notes(request, allowed.get('note'), names, me, rerender),
    await attachments(request, me, rerender));
}

/** A closed request says so once; each refused action's rule stays one click away. */
function actionSection(request, allowed, names, me, rerender) {
  const bar = actionBar(request, allowed, names, me, rerender);
  const anyAllowed = request.actions.some((a) => a.allowed && a.action !== 'note');
  return h('section', { 'aria-labelledby': 'actions-h' }, h('h2', { id: 'actions-h' }, 'Actions'),
    request.closedAt && !anyAllowed
      ? [h('p', {}, `This request is closed (${label(request.status)}); no action can change it any more.`),
        h('details', { class: 'refusals' }, h('summary', {}, 'Why each action is unavailable'), bar)]
      : bar);
}

function actionBar(request, allowed, names, me, rerender) {
  const button = (action, text, onclick, kind) => {
    const option = allowed.get(action) || { allowed: false, reason: 'Not offered for this request.' };
    const whyId = `why-${action}`;
    return h('div', { class: 'action' },
      h('button', { type: 'button', id: `action-${action}`, class: option.allowed ? kind : null, disabled: !option.allowed,
        'aria-describedby': option.allowed ? null : whyId, onclick }, text),
      option.allowed ? null : h('span', { class: 'why', id: whyId }, option.reason));
  };
  const act = (action, title, submit, extra = []) => () => dialog(title, [
    ...extra,
    field('Reason (kept in the history)', h('textarea', { name: 'reason', id: 'f-reason', maxlength: 2000 })),
  ], submit, async (v) => {
    await post(`dsar/requests/${request.id}/actions`, { action, ...v });
    announce(`${title}: done.`);
    rerender();
  });
  return h('div', { class: 'action-bar' },
    button('start', 'Start work', act('start', 'Start work on the request', 'Start'), 'primary'),
    button('request-approval', 'Request approval', act('request-approval', 'Ask a second officer to approve', 'Request approval')),
    button('approve', 'Approve', act('approve', 'Approve as the second officer', 'Approve'), 'primary'),
    button('complete', 'Complete', act('complete', 'Complete the request', 'Complete',
      [h('p', {}, completionNote(request.type))]), 'primary'),
    button('reject', 'Reject', act('reject', 'Reject the request', 'Reject', [
      field('Legal ground', select('ground', GROUNDS, { required: true })),
      field('Explanation (required for “other”)', h('textarea', { name: 'groundText', id: 'f-groundText', maxlength: 2000 })),
    ]), 'danger'),
    button('cancel', 'Cancel', act('cancel', 'Cancel the request', 'Cancel the request')),
    button('extend', 'Extend', () => dialog('Extend the deadline once', [
      h('p', {}, 'The subject is told the reason at once. The law allows one extension, sent before the first deadline.'),
      field('New last day (UTC)', input('until', { type: 'date', required: true })),
      field('Reason the subject will read', h('textarea', { name: 'reason', id: 'f-ext-reason', required: true, maxlength: 2000 })),
    ], 'Extend', async (v) => {
      await post(`dsar/requests/${request.id}/extension`, v);
      announce('Deadline extended.');
      rerender();
    })),
    button('assign', 'Assign', () => dialog('Assign the request', [
      field('Privacy officer', select('assigneeId', [...names.values()].map((o) => [o.id, o.id === me.id ? `${o.username} (me)` : (o.displayName || o.username)]))),
    ], 'Assign', async (v) => {
      await put(`dsar/requests/${request.id}/assignee`, v);
      announce('Request assigned.');
      rerender();
    })),
    button('rectify', 'Rectify a field', () => dialog('Correct a field of the subject’s record', [
      h('p', {}, 'The correction is applied in the gateway’s store; old and new values are kept only as pseudonyms.'),
      field('Field (as the data map names it)', input('column', { required: true, placeholder: 'name' })),
      field('Correct value', input('value', { required: true, maxlength: 1000 })),
    ], 'Apply correction', async (v) => {
      await post(`dsar/requests/${request.id}/rectifications`, v);
      announce('Correction applied.');
      rerender();
    })));
}

function completionNote(type) {
  if (type === 'ACCESS' || type === 'PORTABILITY') return 'Quaestor emails the subject a single-use link to the package: the one prepared for review, or one built now.';
  if (type === 'ERASURE') return 'Quaestor erases the subject in every store, verifies by a scan and issues a deletion certificate.';
  return 'The subject is told the request is complete.';
}

function timeline(request, names, me) {
  const who = (actor) => (actor === 'quaestor' ? 'Quaestor' : /^[0-9a-f-]{36}$/.test(actor) ? personName(names, actor, me) : actor);
  const items = [
    ...request.history.map((s) => ({ at: s.at, what: `${label(s.action)}${s.from && s.from !== s.to ? `: ${label(s.from)} → ${label(s.to)}` : ''}`, by: who(s.actor), text: s.reason })),
    ...request.notes.map((n) => ({ at: n.at, what: 'note', by: personName(names, n.authorId, me), text: n.body })),
    ...request.messages.map((m) => ({ at: m.sentAt || m.queuedAt, what: `message to the subject: ${label(m.kind)}`, by: 'Quaestor',
      text: m.sentAt ? 'sent' : m.failing ? `not sent yet; ${m.attempts} attempt(s) failed, retrying` : 'queued' })),
    ...request.recipientNotifications.map((n) => ({ at: n.recordedAt, what: `Art. 19 notification to ${n.recipient}`, by: 'Quaestor',
      text: `${label(n.action)} of ${n.categories} (${label(n.kind)})` })),
  ].sort((a, b) => new Date(a.at) - new Date(b.at));
  return h('section', { 'aria-labelledby': 'timeline-h' }, h('h2', { id: 'timeline-h' }, 'Timeline'),
    h('ol', { class: 'timeline' }, items.map((i) => h('li', {},
      h('span', { class: 'what' }, i.what), ' · ', i.by, ' · ', when(i.at),
      i.text ? h('div', { class: 'pre' }, visible(i.text)) : null))));
}

function notes(request, option, names, me, rerender) {
  const alert = formAlert();
  const form = h('form', { novalidate: true }, alert,
    field('New note (internal; the subject never sees it)', h('textarea', { name: 'body', id: 'f-note', required: true, maxlength: 10000 })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', disabled: !(option && option.allowed) }, 'Add note')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblems(form);
    try {
      await post(`dsar/requests/${request.id}/notes`, values(form));
      announce('Note added.');
      rerender();
    } catch (problem) {
      showProblem(form, problem);
    }
  });
  return h('section', { 'aria-labelledby': 'notes-h' }, h('h2', { id: 'notes-h' }, 'Notes'),
    request.notes.length ? h('ul', {}, request.notes.map((n) => h('li', {}, personName(names, n.authorId, me), ', ', when(n.at), ': ',
      h('span', { class: 'pre' }, visible(n.body))))) : h('p', { class: 'empty' }, 'No notes yet.'),
    option && option.allowed ? form : h('p', { class: 'muted' }, option ? option.reason : ''));
}

async function attachments(request, me, rerender) {
  const list = await get(`dsar/requests/${request.id}/attachments`).catch(() => []);
  const officer = me.roles.includes('PRIVACY_OFFICER');
  const file = h('input', { type: 'file', id: 'f-attachment', name: 'file', accept: 'application/pdf,image/png,image/jpeg,text/plain' });
  const alert = formAlert();
  const form = h('form', { novalidate: true }, alert, field('Attach a file (PDF, PNG, JPEG or text)', file),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Upload')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblems(form);
    const chosen = file.files[0];
    if (!chosen) {
      showProblem(form, { message: 'Choose a file first.', fieldErrors: () => new Map([['file', 'Choose a file first.']]) });
      return;
    }
    try {
      await call('POST', `dsar/requests/${request.id}/attachments`, { body: chosen, query: { filename: chosen.name }, contentType: chosen.type || 'text/plain' });
      announce('File attached.');
      rerender();
    } catch (problem) {
      showProblem(form, problem);
    }
  });
  return h('section', { 'aria-labelledby': 'attachments-h' }, h('h2', { id: 'attachments-h' }, 'Attachments'),
    table('Attachments', ['File', 'Type', 'Size', 'SHA-256', 'Uploaded', ''], list.map((a) => [visible(a.filename), a.contentType,
      `${a.sizeBytes} bytes`, h('code', {}, a.sha256.slice(0, 16) + '…'), when(a.uploadedAt),
      officer ? h('button', { type: 'button', onclick: () => download(`dsar/requests/${request.id}/attachments/${a.id}`, { accept: a.contentType })
        .then(() => announce('Downloaded; the read is in the audit trail.')) }, 'Download (audited)') : '']),
    { empty: 'No attachments.', captionHidden: true }),
    officer && !['COMPLETED', 'REJECTED', 'CANCELLED', 'LAPSED'].includes(request.status) ? form : null);
}

async function fulfilment(request, me, rerender) {
  if (request.type === 'ACCESS' || request.type === 'PORTABILITY') return packageSection(request, me, rerender);
  if (request.type === 'ERASURE') return erasureSection(request);
  return null;
}

const REFRESH_MS = 2000;

/**
 * Fulfilment runs after the officer's action returns; while it is under way the section re-reads
 * itself every two seconds (only while it is on screen) and announces the state it reaches.
 */
function refreshWhile(pending, section, build) {
  if (!pending) return section;
  section.setAttribute('aria-busy', 'true');
  setTimeout(async () => {
    if (!section.isConnected) return;
    const next = await build();
    if (!section.isConnected) return;
    section.replaceWith(next);
    if (!next.hasAttribute('aria-busy')) announce(`${next.querySelector('h2').textContent}: ${next.dataset.state.toLowerCase()}.`);
  }, REFRESH_MS);
  return section;
}

async function packageSection(request, me, rerender) {
  const section = (...body) => h('section', { 'aria-labelledby': 'package-h' }, h('h2', { id: 'package-h' }, 'Access package'), body);
  const officer = me.roles.includes('PRIVACY_OFFICER');
  let p;
  try {
    p = await get(`dsar/packages/${request.id}`);
  } catch (problem) {
    if (problem.status !== 404) return section(failure(problem));
    const canPrepare = officer && request.status === 'IN_PROGRESS';
    return section(h('p', { class: 'empty' }, 'No package yet: it is built when the request is completed, or earlier for review.'),
      canPrepare ? h('div', { class: 'actions' }, h('button', { type: 'button', id: 'prepare-package', onclick: async (event) => {
        event.target.disabled = true;
        try { await post(`dsar/packages/${request.id}/prepare`); announce('The package is built; review it before completing.'); rerender(); } catch (e) { announce(e.message); event.target.disabled = false; }
      } }, 'Prepare the package for review')) : null);
  }
  const built = section(facts([
    ['State', label(p.state)], ['Kind', label(p.kind)], ['Data map version', p.dataMapVersion],
    ['Files', p.files], ['Rows', p.rows], ['Size', p.sizeBytes == null ? '—' : `${p.sizeBytes} bytes`],
    ['SHA-256', p.sha256 ? h('code', {}, p.sha256) : '—'], ['Ready', when(p.readyAt)], ['Expires', when(p.expiresAt)],
    ['Reviewed', h('span', { id: 'reviewed-fact' }, p.reviewedAt ? [when(p.reviewedAt), ' by ', personName(await officerNames(), p.reviewedBy, me)] : 'not yet')],
    ['Links sent', p.linksSent], ['Downloaded', p.downloadedAt ? when(p.downloadedAt) : 'not yet'],
  ]), officer && p.state === 'READY' ? review(request, p, me, rerender) : null);
  built.dataset.state = p.state;
  return refreshWhile(p.state === 'BUILDING', built, () => packageSection(request, me, rerender));
}

/** The officer's look at exactly what the subject will receive; every file opened is an audited read. */
function review(request, p, me, rerender) {
  const base = `dsar/packages/${request.id}/files`;
  const viewer = h('div', { id: 'package-view', 'aria-live': 'polite' });
  const reviewed = () => {
    const fact = document.getElementById('reviewed-fact');
    if (fact && fact.textContent === 'not yet') fill(fact, 'now, by you');
  };
  const showManifest = async () => {
    const manifest = await get(`${base}/manifest.json`);
    reviewed();
    fill(viewer, h('h4', {}, 'Manifest'), h('p', { class: 'notice notice-audit' }, 'Opening the manifest was recorded in the audit trail (dsar.package-reviewed).'),
      table(`Files of ${manifest.request}`, ['File', 'Category', 'Rows', 'SHA-256', ''], manifest.files.map((f) => [
        h('code', {}, f.path), f.category || '—', f.rows ?? '—', h('code', { class: 'digest' }, f.sha256.slice(0, 16) + '…'),
        f.format === 'csv' ? h('button', { type: 'button', class: 'view-file', onclick: () => showTable(f) }, `View ${f.dataset || f.path}`) : '',
      ])));
  };
  const showTable = async (f) => {
    const response = await call('GET', `${base}/${f.path}`, { accept: 'text/csv', raw: true });
    const rows = parseCsv(await response.text());
    const [header, ...data] = rows;
    fill(viewer, h('h4', {}, `${f.dataset || f.path}: ${data.length} row${data.length === 1 ? '' : 's'}`),
      h('p', { class: 'notice notice-audit' }, `Opening ${f.path} was recorded in the audit trail as your read of the subject's data.`),
      h('button', { type: 'button', onclick: showManifest }, 'Back to the manifest'),
      table(`${f.path} as the subject will receive it${data.length > 200 ? ' (first 200 rows)' : ''}`, header || [],
        data.slice(0, 200).map((r) => r.map((c) => visible(c))), { empty: 'This file has no rows.' }));
  };
  const guarded = (fn) => async () => { try { await fn(); } catch (e) { fill(viewer, failure(e)); } };
  return h('div', { class: 'review' }, h('h3', {}, 'Review before release'),
    h('p', {}, request.status === 'IN_PROGRESS'
      ? 'Completing the request emails the subject a link to exactly this package. Open the letter and the manifest first; each file you open is recorded in the audit trail as your read of the subject\'s data.'
      : 'Each file you open is recorded in the audit trail as your read of the subject\'s data.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'open-letter', onclick: guarded(async () => {
        await download(`${base}/letter.pdf`, { accept: 'application/pdf', filename: `letter-${request.reference}.pdf` });
        reviewed();
        announce('The letter was downloaded; the read is in the audit trail.');
      }) }, 'Open the letter (PDF)'),
      h('button', { type: 'button', id: 'show-manifest', onclick: guarded(showManifest) }, 'Show the manifest and tables'),
      request.status === 'COMPLETED' ? h('button', { type: 'button', onclick: async () => {
        try { await post(`dsar/packages/${request.id}/links`); announce('A new single-use link was emailed to the subject.'); rerender(); } catch (e) { announce(e.message); }
      } }, 'Email a new download link') : null),
    viewer);
}

/** RFC 4180: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else if (c !== '\r') field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

async function erasureSection(request) {
  const section = (...body) => h('section', { 'aria-labelledby': 'erasure-h' }, h('h2', { id: 'erasure-h' }, 'Erasure'), body);
  let run;
  try {
    run = await get(`dsar/erasures/${request.id}`);
  } catch (problem) {
    return section(h('p', { class: 'empty' }, problem.status === 404 ? 'No erasure started yet: it runs when the request is completed.' : problem.message));
  }
  const counts = (o) => Object.entries(o || {}).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
  const certificate = h('div', { id: 'certificate' });
  const kinds = (run.kinds || []).map((k) => k.kind);
  const body = section(
    facts([['State', label(run.state)], ['Kind of subject', run.subjectKind], ['Subject (pseudonym)', h('code', {}, run.subject)],
      ['Data map version', run.dataMapVersion], ['Attempts', run.attempts], ['Started', when(run.startedAt)],
      ['Finished', when(run.finishedAt)], run.lastError ? ['Last failure', `${run.lastError.cause}`] : null,
      kinds.length > 1 ? ['Runs', kinds.join(', ')] : null]),
    table('Plan and what was applied', ['Table', 'Planned', 'Applied'],
      [...new Set([...Object.keys(run.planned || {}), ...Object.keys(run.applied || {})])].map((t) =>
        [t, fmt(run.planned && run.planned[t]), fmt(run.applied && run.applied[t])])),
    run.scan ? h('div', {}, h('h3', {}, 'Verification scan'), table('Verification scan', ['What', 'Result'], counts(run.scan), { captionHidden: true })) : null,
    certificate);
  call('GET', `dsar/erasures/${request.id}/certificate`, { raw: true })
    .then((response) => fill(certificate, h('h3', {}, 'Deletion certificate'), facts([
      ['SHA-256', h('code', {}, response.headers.get('X-Certificate-SHA256'))],
      ['Sealed in audit event', h('code', {}, response.headers.get('X-Audit-Event'))]]),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => download(`dsar/erasures/${request.id}/certificate`, { accept: 'application/pdf' }) }, 'Certificate (PDF)'),
        h('button', { type: 'button', onclick: () => download(`dsar/erasures/${request.id}/certificate`, { accept: 'application/json', filename: `deletion-certificate-${request.reference}.json` }) }, 'Certificate (JSON)'))))
    .catch(() => fill(certificate, h('p', { class: 'empty' }, 'No certificate yet: it is issued when the verification scan is clean.')));
  body.dataset.state = run.state;
  return refreshWhile(['STARTED', 'APPLYING', 'APPLIED'].includes(run.state), body, () => erasureSection(request));
}

function fmt(value) {
  if (value === undefined || value === null) return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
