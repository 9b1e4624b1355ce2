// The incident room: every pending obligation's clock ticking in view with its absolute time,
// the responder's actions (awareness, severity, status, meet or waive with evidence), and tabs
// for the timeline, tasks, scope, notices, authority reports, escalations and the review.

import { get, post, put, call, download } from '../api.js';
import { h, fill, heading, table, when, facts, label, field, input, select, dialog, announce, failure, formAlert, showProblem, clearProblems, values, visible } from '../ui.js';

const TABS = [['details', 'Obligations and timeline'], ['tasks', 'Tasks'], ['scope', 'Scope'], ['notices', 'Notices to users'],
  ['reports', 'Authority reports'], ['escalations', 'Escalations'], ['review', 'Post-incident review']];

/** The pending obligation due first, if any. */
export function nearest(incident) {
  return incident.obligations.filter((o) => o.status === 'PENDING' && o.dueAt).sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
}

function remaining(dueAt) {
  const ms = new Date(dueAt) - Date.now();
  const abs = Math.abs(ms);
  const d = Math.floor(abs / 86400000);
  const hrs = Math.floor((abs % 86400000) / 3600000);
  const min = Math.floor((abs % 3600000) / 60000);
  const sec = Math.floor((abs % 60000) / 1000);
  const text = d ? `${d} d ${hrs} h ${min} min` : hrs ? `${hrs} h ${min} min` : `${min} min ${sec} s`;
  return { overdue: ms < 0, soon: ms >= 0 && ms < 6 * 3600000, text: ms < 0 ? `overdue by ${text}` : `${text} left` };
}

/** A live countdown to a deadline; startClocks keeps it ticking. */
export function countdown(dueAt, what) {
  const r = remaining(dueAt);
  return h('span', { class: `badge countdown ${r.overdue ? 'badge-late' : r.soon ? 'badge-soon' : 'badge-ok'}`, 'data-due': dueAt,
    'data-what': what, title: `due ${new Date(dueAt).toISOString()} (UTC)` }, r.text);
}

/** Ticks every countdown under root once a second; says so, politely, when one runs out. */
export function startClocks(root) {
  let shown = false;
  const timer = setInterval(() => {
    if (root.isConnected) shown = true;
    if ((shown && !root.isConnected) || !root.querySelector('.countdown')) { clearInterval(timer); return; }
    if (!shown) return;
    for (const el of root.querySelectorAll('.countdown[data-due]')) {
      const r = remaining(el.dataset.due);
      const wasOverdue = el.classList.contains('badge-late');
      el.textContent = r.text;
      el.classList.toggle('badge-late', r.overdue);
      el.classList.toggle('badge-soon', r.soon);
      el.classList.toggle('badge-ok', !r.overdue && !r.soon);
      if (r.overdue && !wasOverdue && el.dataset.what) announce(`${el.dataset.what} is now overdue.`);
    }
  }, 1000);
}

export async function render(main, ctx) {
  const { params, query, me } = ctx;
  const incident = await get(`incidents/${params.id}`);
  const tab = TABS.some(([k]) => k === query.get('tab')) ? query.get('tab') : 'details';
  const responder = me.roles.includes('INCIDENT_RESPONDER') && incident.status !== 'CLOSED';
  const rerender = () => render(main, ctx);
  const pending = incident.obligations.filter((o) => o.status === 'PENDING' || o.status === 'MISSED').sort((a, b) => (a.dueAt || '9999').localeCompare(b.dueAt || '9999'));
  const body = h('div', { id: 'tab-body' });
  fill(main,
    heading(`${incident.reference} · ${incident.title}`, h('span', { class: 'badge badge-info' }, label(incident.status))),
    h('section', { 'aria-labelledby': 'clocks-h', class: 'clocks' }, h('h2', { id: 'clocks-h' }, 'Clocks'),
      pending.length ? h('ul', { class: 'clock-list' }, pending.map((o) => h('li', {},
        h('span', { class: 'clock-what' }, `${label(o.code)} → ${o.recipient}`),
        o.status === 'MISSED' ? h('span', { class: 'badge badge-late' }, 'missed') : o.dueAt ? countdown(o.dueAt, `${label(o.code)} to ${o.recipient}`)
          : h('span', { class: 'badge badge-info' }, 'starts at awareness'),
        o.dueAt ? h('span', { class: 'muted' }, ' due ', when(o.dueAt)) : null)))
        : h('p', {}, incident.awareAt ? 'No obligation is pending.' : 'The notification clocks start when awareness is decided.')),
    responder ? actions(incident, rerender) : null,
    h('h2', {}, 'Details'),
    facts([['Type', label(incident.type)], ['Severity', label(incident.severity)], ['NIS2', incident.nis2 ? 'yes' : 'no'],
      ['Occurred', when(incident.occurredAt)], ['Detected', when(incident.detectedAt)],
      ['Aware since', incident.awareAt ? when(incident.awareAt) : 'not decided'], ['Systems', incident.systems || '—'],
      ['Categories', incident.categories || '—'], ['Rule set', incident.ruleSetVersion || '—']]),
    h('nav', { 'aria-label': 'Incident sections' }, h('ul', { class: 'tabs' }, TABS.map(([key, title]) => h('li', {},
      h('a', { href: `#/incidents/${incident.id}?tab=${key}`, 'aria-current': key === tab ? 'page' : null }, title))))),
    body);
  startClocks(main);
  try {
    await TAB_VIEWS[tab](body, incident, { ...ctx, responder, rerender });
  } catch (problem) {
    fill(body, failure(problem));
  }
}

function actions(incident, rerender) {
  const run = (path, body, done) => async (v) => { await post(`incidents/${incident.id}/${path}`, body(v)); announce(done); rerender(); };
  return h('section', { 'aria-labelledby': 'incident-actions-h' }, h('h2', { id: 'incident-actions-h' }, 'Actions'),
    h('div', { class: 'actions' },
      !incident.awareAt ? h('button', { type: 'button', class: 'primary', id: 'decide-awareness', onclick: () => dialog('Decide awareness', [
        h('p', {}, 'From this moment the 72-hour clock to the authority and the clock to users run.'),
        field('Aware since (UTC; now when empty)', input('awareAt', { type: 'datetime-local' }))],
      'Decide', run('awareness', (v) => ({ awareAt: v.awareAt ? new Date(`${v.awareAt}Z`).toISOString() : new Date().toISOString() }), 'Awareness decided; the clocks run.')) }, 'Decide awareness') : null,
      h('button', { type: 'button', id: 'change-severity', onclick: () => dialog('Change the severity', [
        field('Severity', select('severity', ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'].map((s) => [s, label(s)]))),
        field('Why', h('textarea', { name: 'reason', id: 'f-severity-reason', required: true, maxlength: 2000 }))],
      'Change', run('severity', (v) => v, 'Severity changed.')) }, 'Change severity'),
      h('button', { type: 'button', id: 'move-status', onclick: () => dialog('Move the incident on', [
        h('p', {}, 'Closing needs every obligation met or waived, every response task closed, and for a critical or high incident its review.'),
        field('Status', select('status', ['CONTAINED', 'RESOLVED', 'CLOSED'].filter((s) => s !== incident.status).map((s) => [s, label(s)])))],
      'Move', run('status', (v) => v, 'Status changed.')) }, 'Move status')));
}

const TAB_VIEWS = {
  async details(body, incident, { responder, rerender }) {
    fill(body,
      table('Obligations', ['Obligation', 'Regime', 'Recipient', 'Due', 'Status', 'Met or waived', ''], incident.obligations.map((o) => [
        label(o.code), o.regime, o.recipient, when(o.dueAt), label(o.status),
        o.metAt ? [when(o.metAt), ': ', visible(o.evidence || '')] : o.waivedReason ? ['waived: ', visible(o.waivedReason)] : '—',
        responder && (o.status === 'PENDING' || o.status === 'MISSED') ? h('span', { class: 'actions' },
          h('button', { type: 'button', class: 'meet', 'data-code': o.code, onclick: () => decide(incident, o, 'met', rerender) }, 'Meet'),
          h('button', { type: 'button', onclick: () => decide(incident, o, 'waiver', rerender) }, 'Waive')) : '']), { empty: 'No obligation yet.' }),
      h('h2', {}, 'Timeline'),
      h('ol', { class: 'timeline' }, [...incident.timeline].reverse().map((e) => h('li', {},
        h('strong', {}, label(e.action)), ' · ', when(e.at), ' · ', h('code', {}, String(e.actor).slice(0, 8)), h('br'), visible(e.detail || '')))));
  },

  async tasks(body, incident, { responder, rerender }) {
    const tasks = await get(`incidents/${incident.id}/response/tasks`);
    fill(body, table('Tasks', ['Task', 'Kind', 'Owner', 'Due', 'Status', 'Outcome', ''], tasks.map((t) => [visible(t.title), label(t.kind),
      t.ownerId ? h('code', {}, t.ownerId.slice(0, 8)) : '—', t.status === 'OPEN' ? [when(t.dueAt), ' ', countdown(t.dueAt)] : when(t.dueAt), label(t.status), visible(t.outcome || '—'),
      responder && t.status === 'OPEN' ? h('button', { type: 'button', onclick: () => dialog(`Close “${t.title}”`, [
        field('How it ended', select('status', [['DONE', 'done'], ['CANCELLED', 'cancelled']])),
        field('Outcome', h('textarea', { name: 'outcome', id: 'f-task-outcome', required: true, maxlength: 2000 }))],
      'Close task', async (v) => { await post(`incidents/${incident.id}/response/tasks/${t.id}/closure`, v); announce('Task closed.'); rerender(); }) }, 'Close') : '']),
    { empty: 'No task yet.' }),
    responder ? h('div', { class: 'actions' }, h('button', { type: 'button', id: 'add-task', onclick: () => dialog('Add a task', [
      field('Task', input('title', { required: true, maxlength: 300 })),
      field('Due (UTC)', input('dueAt', { type: 'datetime-local', required: true }))],
    'Add task', async (v) => {
      await post(`incidents/${incident.id}/response/tasks`, { title: v.title, dueAt: v.dueAt ? new Date(`${v.dueAt}Z`).toISOString() : undefined });
      announce('Task added.');
      rerender();
    }) }, 'Add a task')) : null);
    startClocks(body);
  },

  async scope(body, incident, { responder, rerender }) {
    const scopes = await get(`incidents/${incident.id}/notification/scopes`);
    const form = responder ? scopeForm(incident, rerender) : null;
    fill(body, table('Computed scopes, each kept', ['Computed', 'Described as', 'Subjects', 'Records', ''], scopes.map((s) => [when(s.computedAt),
      visible(JSON.stringify(s.description)), String(s.subjects), String(s.records),
      responder ? h('button', { type: 'button', onclick: () => download(`incidents/${incident.id}/notification/scopes/${s.id}/accounts`, { accept: 'text/csv', filename: `scope-${s.id}.csv` }) }, 'Download the accounts') : '']),
    { empty: 'No scope computed yet.' }), form);
  },

  async notices(body, incident, { responder, rerender }) {
    const [campaigns, scopes] = await Promise.all([get(`incidents/${incident.id}/notification/notices`), get(`incidents/${incident.id}/notification/scopes`)]);
    const failures = h('div', { id: 'notice-failures', 'aria-live': 'polite' });
    const showFailures = async (c) => {
      const list = await get(`incidents/${incident.id}/notification/notices/${c.id}/failures`);
      const byKind = new Map();
      for (const f of list) byKind.set(f.outcome || 'retrying', (byKind.get(f.outcome || 'retrying') || 0) + 1);
      fill(failures, h('h3', {}, 'Failures by kind'), table('Failures by kind', ['Kind', 'Recipients'], [...byKind].map(([k, n]) => [label(k), String(n)]), { empty: 'No failure.' }),
        table('Recipients not reached', ['Subject key', 'Attempts', 'State', 'Last error'], list.map((f) => [h('code', {}, f.subjectKey), String(f.attempts), label(f.outcome || 'retrying'), f.lastError || '—']), { empty: 'None.' }));
    };
    fill(body, h('p', {}, 'A campaign that a restart interrupts resumes by itself where it stopped; failing deliveries are retried before they are given up.'),
      table('Notice campaigns', ['Started', 'Language', 'Status', 'Progress', 'Sent', 'No address', 'Failing', 'Gave up', ''], campaigns.map((c) => [
        when(c.createdAt), c.language, label(c.status),
        h('progress', { max: Math.max(c.enqueued, 1), value: c.sent + c.noAddress + c.gaveUp, 'aria-label': `Campaign progress: ${c.sent} of ${c.enqueued} sent` }),
        `${c.sent} of ${c.enqueued}`, String(c.noAddress), String(c.failing), String(c.gaveUp),
        responder && (c.noAddress || c.failing || c.gaveUp) ? h('button', { type: 'button', onclick: () => showFailures(c).catch((p) => fill(failures, failure(p))) }, 'Show failures') : '']),
      { empty: 'No notice sent yet.' }),
      failures,
    responder && scopes.length ? noticeForm(incident, scopes, rerender) : responder ? h('p', { class: 'empty' }, 'Compute a scope first: notices go to its subjects.') : null);
    if (campaigns.some((c) => !c.finishedAt)) setTimeout(() => { if (body.isConnected) TAB_VIEWS.notices(body, incident, { responder, rerender }); }, 2000);
  },

  async reports(body, incident, { responder, rerender }) {
    const reports = await get(`incidents/${incident.id}/notification/authority-reports`);
    const hours = incident.awareAt ? (Date.now() - new Date(incident.awareAt)) / 3600000 : null;
    fill(body,
      hours != null ? h('p', { class: hours > 72 && !reports.length ? 'notice notice-error' : 'notice' },
        `${hours.toFixed(1)} hours since awareness. ${hours > 72 && !reports.length ? 'The first report is late: it must give the reasons for the delay.' : 'The first report is due within 72 hours of awareness.'}`) : null,
      table('Reports sent', ['No.', 'Phase', 'Created', 'SHA-256', ''], reports.map((r) => [String(r.number), label(r.phase), when(r.createdAt),
        h('code', { class: 'digest' }, `${r.sha256.slice(0, 16)}…`),
        h('button', { type: 'button', onclick: () => download(`incidents/${incident.id}/notification/authority-reports/${r.number}`, { accept: 'application/pdf', filename: `${incident.reference}-report-${r.number}.pdf` }) }, 'PDF')]),
      { empty: 'No report yet.' }),
      responder ? reportForm(incident, reports, hours, rerender) : null);
  },

  async escalations(body, incident) {
    const deliveries = await get(`incidents/${incident.id}/response/escalations`);
    fill(body, table('Escalations and every delivery attempt', ['Stage', 'Channel', 'Recipient', 'Subject', 'Created', 'Delivered', 'Attempts'], deliveries.map((d) => [
      d.stage, d.channel, d.recipient, d.subject, when(d.createdAt), d.deliveredAt ? when(d.deliveredAt) : h('span', { class: 'badge badge-late' }, 'not delivered'),
      h('ul', { class: 'plain' }, d.attempts.map((a) => h('li', {}, when(a.at), ` ${a.outcome}${a.error ? `: ${a.error}` : ''}`)))]), { empty: 'No escalation was needed.' }));
  },

  async review(body, incident, { responder, rerender }) {
    let review = null;
    try { review = await get(`incidents/${incident.id}/response/review`); } catch (p) { if (p.status !== 404) throw p; }
    const alert = formAlert();
    const form = responder ? h('form', { novalidate: true, id: 'review-form' }, alert,
      field('Root cause', h('textarea', { name: 'rootCause', id: 'f-rootCause', required: true, maxlength: 10000 }, review?.rootCause || '')),
      field('What worked', h('textarea', { name: 'whatWorked', id: 'f-whatWorked', maxlength: 10000 }, review?.whatWorked || '')),
      field('Prevention', h('textarea', { name: 'prevention', id: 'f-prevention', required: true, maxlength: 10000 }, review?.prevention || '')),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, review ? 'Update the review' : 'Record the review'))) : null;
    form?.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearProblems(form);
      try { await put(`incidents/${incident.id}/response/review`, values(form)); announce('Review recorded.'); rerender(); } catch (p) { showProblem(form, p); }
    });
    fill(body, review ? facts([['Recorded', when(review.recordedAt)], ['Root cause', visible(review.rootCause)], ['What worked', visible(review.whatWorked || '—')],
      ['Prevention', visible(review.prevention)]]) : h('p', { class: 'empty' }, 'No review yet.'), form);
  },
};

function decide(incident, obligation, kind, rerender) {
  const met = kind === 'met';
  dialog(`${met ? 'Meet' : 'Waive'}: ${label(obligation.code)} → ${obligation.recipient}`, [
    field(met ? 'Evidence (what was sent, to whom, its reference)' : 'Why it does not apply', h('textarea', { name: 'text', id: 'f-obligation-text', required: true, maxlength: 2000 }))],
  met ? 'Mark met' : 'Waive', async (v) => {
    await post(`incidents/${incident.id}/obligations/${obligation.code}/${kind}`, v);
    announce(`${label(obligation.code)} ${met ? 'met' : 'waived'}.`);
    rerender();
  });
}

function scopeForm(incident, rerender) {
  const alert = formAlert();
  const list = (text) => (text || '').split(/[\s,]+/).filter(Boolean);
  const form = h('form', { novalidate: true, id: 'scope-form' }, alert, h('h3', {}, 'Compute a scope'),
    field('Tenants (comma-separated)', input('tenants')), field('Accounts (comma-separated)', h('textarea', { name: 'accounts', id: 'f-accounts' })),
    field('From (UTC)', input('from', { type: 'datetime-local' })), field('To (UTC)', input('to', { type: 'datetime-local' })),
    field('Region', input('region')), field('Data categories (comma-separated)', input('categories')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'everyone', value: 'true' }), ' Every subject may be affected (no narrowing)'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Compute')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearProblems(form);
    const v = values(form);
    const body = { tenants: list(v.tenants), accounts: list(v.accounts), categories: list(v.categories), region: v.region, everyone: v.everyone === 'true',
      from: v.from ? new Date(`${v.from}Z`).toISOString() : undefined, to: v.to ? new Date(`${v.to}Z`).toISOString() : undefined };
    try { await post(`incidents/${incident.id}/notification/scopes`, body); announce('Scope computed and kept.'); rerender(); } catch (p) { showProblem(form, p); }
  });
  return form;
}

function noticeForm(incident, scopes, rerender) {
  const alert = formAlert();
  const preview = h('div', { id: 'notice-preview', 'aria-live': 'polite' });
  const form = h('form', { novalidate: true, id: 'notice-form' }, alert, h('h3', {}, 'Compose the notice'),
    field('Scope', select('scopeId', scopes.map((s) => [s.id, `${new Date(s.computedAt).toISOString().slice(0, 16)}: ${s.subjects} subjects`]))),
    field('Language', select('language', [['en', 'English'], ['de', 'German']])),
    field('What happened', h('textarea', { name: 'whatHappened', id: 'f-whatHappened', required: true })),
    field('What we did about it', h('textarea', { name: 'remediation', id: 'f-remediation', required: true })),
    field('How we prevent it happening again', h('textarea', { name: 'prevention', id: 'f-prevention-notice', required: true })),
    field('What you can do (optional; the shipped advice otherwise)', h('textarea', { name: 'whatYouCanDo', id: 'f-whatYouCanDo' })),
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'preview-notice', onclick: () => send(true) }, 'Preview'),
      h('button', { type: 'submit', class: 'primary', id: 'start-notices' }, 'Start the campaign')),
    preview);
  const payload = () => {
    const v = values(form);
    const fields = {};
    for (const k of ['whatHappened', 'remediation', 'prevention', 'whatYouCanDo']) if (v[k]) fields[k] = v[k];
    return { scopeId: v.scopeId, language: v.language, fields };
  };
  const send = async (previewOnly) => {
    clearProblems(form);
    try {
      if (previewOnly) {
        const p = await post(`incidents/${incident.id}/notification/notices/preview`, payload());
        fill(preview, h('h4', {}, 'Preview'), h('p', {}, h('strong', {}, 'Subject: '), p.subject), h('div', { class: 'letter' }, p.body));
        announce('Preview shown.');
      } else {
        await post(`incidents/${incident.id}/notification/notices`, payload());
        announce('Campaign started.');
        rerender();
      }
    } catch (p) {
      showProblem(form, p);
    }
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); send(false); });
  return form;
}

function reportForm(incident, reports, hours, rerender) {
  const alert = formAlert();
  const phase = reports.length ? (reports.some((r) => r.phase === 'FINAL') ? null : 'FOLLOW_UP') : 'INITIAL';
  if (!phase) return h('p', {}, 'The final report was sent.');
  const form = h('form', { novalidate: true, id: 'report-form' }, alert, h('h3', {}, 'Prepare a report to the authority'),
    field('Phase', select('phase', [['INITIAL', 'initial'], ['FOLLOW_UP', 'follow-up'], ['FINAL', 'final']])),
    field('Nature of the breach', h('textarea', { name: 'nature', id: 'f-nature', required: true })),
    field('Likely consequences', h('textarea', { name: 'likelyConsequences', id: 'f-likelyConsequences', required: true })),
    field('Measures taken', h('textarea', { name: 'measuresTaken', id: 'f-measuresTaken', required: true })),
    field('Measures proposed', h('textarea', { name: 'measuresProposed', id: 'f-measuresProposed', required: true })),
    field('Approximate number of subjects', input('subjectsApprox', { type: 'number', min: 0 })),
    field('Approximate number of records', input('recordsApprox', { type: 'number', min: 0 })),
    field('Categories of subjects', input('subjectCategories', { maxlength: 2000 })),
    field('Lead authority', input('leadAuthority', { maxlength: 200 })),
    hours != null && hours > 72 ? field('Reasons for the delay (required after 72 hours)', h('textarea', { name: 'delayReasons', id: 'f-delayReasons', required: true })) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'preview-report', onclick: () => previewReport() }, 'Preview (PDF)'),
      h('button', { type: 'submit', class: 'primary' }, 'Record the report')));
  form.elements.phase.value = phase;
  const payload = () => {
    const v = values(form);
    for (const k of ['subjectsApprox', 'recordsApprox']) if (v[k]) v[k] = Number(v[k]);
    return v;
  };
  const previewReport = async () => {
    clearProblems(form);
    try {
      const response = await call('POST', `incidents/${incident.id}/notification/authority-reports/preview`, { body: payload(), accept: 'application/pdf', raw: true });
      const link = h('a', { href: URL.createObjectURL(await response.blob()), download: `${incident.reference}-report-preview.pdf` });
      document.body.append(link);
      link.click();
      link.remove();
      announce('The preview was downloaded; nothing was recorded or sent.');
    } catch (p) {
      showProblem(form, p);
    }
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearProblems(form);
    try { await post(`incidents/${incident.id}/notification/authority-reports`, payload()); announce('Report recorded.'); rerender(); } catch (p) { showProblem(form, p); }
  });
  return form;
}
