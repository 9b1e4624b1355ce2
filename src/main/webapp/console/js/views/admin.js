// Administration: staff and their roles, API tokens, escalation contacts, retention settings and
// the active data map. Secrets (a temporary password, a token) are shown once, then never again.

import { get, post, put, del } from '../api.js';
import { h, fill, heading, table, when, field, input, select, dialog, announce, label, facts, failure } from '../ui.js';

const ROLES = ['PRIVACY_OFFICER', 'AUDITOR', 'INCIDENT_RESPONDER', 'OPERATOR', 'ADMIN', 'GATEWAY'];
const TABS = [['users', 'Staff and roles'], ['tokens', 'API tokens'], ['contacts', 'Escalation contacts'],
  ['retention', 'Retention'], ['datamap', 'Data map']];

export async function render(main, ctx) {
  const tab = ctx.params.tab || 'users';
  const rerender = () => render(main, ctx);
  const body = await ({ users, tokens, contacts, retention, datamap }[tab] || (() => h('p', {}, 'No such tab.')))(ctx, rerender)
    .catch((problem) => failure(problem));
  fill(main, heading('Administration'),
    h('nav', { 'aria-label': 'Administration sections' }, h('ul', { class: 'tabs' }, TABS.map(([id, text]) =>
      h('li', {}, h('a', { href: `#/admin/${id}`, 'aria-current': id === tab ? 'page' : null }, text))))),
    body);
}

function roleBoxes(selected = []) {
  return h('fieldset', { class: 'field' }, h('legend', {}, 'Roles'),
    h('p', { class: 'hint' }, 'Separation of duties: nobody changes their own roles, and some roles exclude each other; the server names the rule it applies.'),
    ROLES.map((r) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'roles', value: r, checked: selected.includes(r) }), ` ${label(r)}`)),
    h('p', { class: 'field-error', id: 'f-roles-error' }));
}

function checkedRoles(form) {
  return [...form.querySelectorAll('input[name=roles]:checked')].map((c) => c.value);
}

function secretShown(title, text, secret) {
  dialog(title, [h('p', {}, text), h('p', { class: 'secret', id: 'one-time-secret' }, secret),
    h('p', { class: 'muted' }, 'Copy it now: Quaestor keeps only its hash and cannot show it again.')], 'Done', async () => {});
}

async function users({ me }, rerender) {
  const list = await get('users');
  const create = () => dialog('Create a staff user', [
    field('Username', input('username', { required: true, autocomplete: 'off' }), '3–64 lower-case letters, digits, “.”, “_” or “-”.'),
    field('Display name', input('displayName', { required: true })),
    field('Kind', select('kind', [['PERSON', 'a person (signs in with a password)'], ['SERVICE', 'a service (API tokens only)']])),
    roleBoxes(),
  ], 'Create user', async (v, form) => {
    const created = await post('users', { username: v.username, displayName: v.displayName, kind: v.kind, roles: checkedRoles(form) });
    rerender();
    if (created.temporaryPassword) {
      secretShown('One-time password', `Give this temporary password to ${created.user.username} in person; they must replace it at first sign-in.`, created.temporaryPassword);
    }
    announce(`User ${created.user.username} created.`);
  });
  const row = (u) => [u.username, u.displayName, label(u.kind), u.roles.map(label).join(', '), u.active ? 'active' : 'deactivated',
    when(u.lastLoginAt), h('div', { class: 'flags' },
      u.active && u.id !== me.id ? h('button', { type: 'button', onclick: () => changeRoles(u, rerender) }, 'Roles') : null,
      u.active && u.kind === 'PERSON' && u.id !== me.id ? h('button', { type: 'button', onclick: () => resetPassword(u) }, 'Reset password') : null,
      u.active && u.id !== me.id ? h('button', { type: 'button', class: 'danger', onclick: () => deactivate(u, rerender) }, 'Deactivate') : null)];
  return h('section', {}, h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'create-user', onclick: create }, 'Create a user')),
    table('Staff users', ['Username', 'Name', 'Kind', 'Roles', 'State', 'Last sign-in', 'Actions'], list.map(row)));
}

function changeRoles(user, rerender) {
  dialog(`Roles of ${user.username}`, [roleBoxes(user.roles)], 'Save roles', async (v, form) => {
    await put(`users/${user.id}/roles`, { roles: checkedRoles(form) });
    announce('Roles changed.');
    rerender();
  });
}

function resetPassword(user) {
  dialog(`Reset the password of ${user.username}`, [h('p', {}, 'Their sessions end; they sign in with a new temporary password and must replace it.')],
    'Reset password', async () => {
      const reset = await post(`users/${user.id}/password-reset`);
      secretShown('New one-time password', `Give it to ${user.username} in person.`, reset.temporaryPassword);
    });
}

function deactivate(user, rerender) {
  dialog(`Deactivate ${user.username}`, [h('p', {}, 'Their sessions end and their API tokens are revoked at once. The account stays for the audit trail.')],
    'Deactivate', async () => {
      await post(`users/${user.id}/deactivation`);
      announce(`${user.username} deactivated.`);
      rerender();
    });
}

async function tokens(ctx, rerender) {
  const [list, people] = await Promise.all([get('tokens'), get('users')]);
  const owners = new Map(people.map((u) => [u.id, u.username]));
  const issue = () => dialog('Issue an API token', [
    field('Owner', select('ownerId', people.filter((u) => u.active).map((u) => [u.id, u.username]))),
    field('Name', input('name', { required: true }), 'What the token is for, e.g. “gateway production”.'),
    roleBoxes(),
    field('Expires in (days)', input('expiresInDays', { type: 'number', min: 1, max: 3650, value: 90 })),
  ], 'Issue token', async (v, form) => {
    const issued = await post('tokens', { ownerId: v.ownerId, name: v.name, roles: checkedRoles(form), expiresInDays: v.expiresInDays ? Number(v.expiresInDays) : undefined });
    rerender();
    secretShown('API token', `The token “${issued.details.name}”; send it as “Authorization: Bearer …”.`, issued.token);
  });
  return h('section', {}, h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'issue-token', onclick: issue }, 'Issue a token')),
    table('API tokens', ['Name', 'Owner', 'Prefix', 'Roles', 'State', 'Expires', 'Last used', ''], list.map((t) => [t.name, owners.get(t.ownerId) || t.ownerId,
      h('code', {}, t.displayPrefix), t.roles.map(label).join(', '), label(t.state), when(t.expiresAt), when(t.lastUsedAt),
      t.state === 'ACTIVE' ? h('button', { type: 'button', class: 'danger', onclick: () => dialog(`Revoke “${t.name}”`, [h('p', {}, 'Calls with it fail from now on.')], 'Revoke', async () => {
        await del(`tokens/${t.id}`);
        announce('Token revoked.');
        rerender();
      }) }, 'Revoke') : '']), { empty: 'No tokens.' }));
}

async function contacts(ctx, rerender) {
  const list = await get('escalation-contacts');
  const add = () => dialog('Add an escalation contact', [
    field('Name', input('name', { required: true })),
    field('Channel', select('channel', [['EMAIL', 'email'], ['WEBHOOK', 'webhook (HTTPS)']])),
    field('Address', input('address', { required: true }), 'An email address, or an https URL for a webhook.'),
  ], 'Add contact', async (v) => {
    const created = await post('escalation-contacts', v);
    rerender();
    if (created.secret) secretShown('Webhook signing secret', 'Deliveries are signed with HMAC-SHA256 in the header Quaestor-Signature.', created.secret);
  });
  return h('section', {}, h('p', {}, 'Breach clocks remind and escalate to these contacts when a deadline nears or passes.'),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: add }, 'Add a contact')),
    table('Escalation contacts', ['Name', 'Channel', 'Address', 'State', ''], list.map((c) => [c.name, label(c.channel), c.address, c.active ? 'active' : 'inactive',
      c.active ? h('button', { type: 'button', onclick: async () => { await post(`escalation-contacts/${c.id}/deactivation`); announce('Contact deactivated.'); rerender(); } }, 'Deactivate') : '']),
    { empty: 'No escalation contacts: breach reminders reach nobody outside Quaestor.' }));
}

async function retention(ctx, rerender) {
  const [schedule, active, runs] = await Promise.all([get('retention/schedule'), get('datamap'), get('retention/runs')]);
  const rules = active.map.tables.filter((t) => t.retention);
  const scheduleForm = () => dialog('Nightly start', [field('Start at (HH:MM, UTC)', input('dailyAt', { required: true, value: schedule.dailyAt, pattern: '[0-2][0-9]:[0-5][0-9]' }))],
    'Save', async (v) => { await put('retention/schedule', v); announce('Schedule saved.'); rerender(); });
  const tenantForm = () => dialog('A tenant’s retention period', [
    field('Tenant id', input('tenant', { required: true })),
    field('Keep request metadata for (days, 1–730)', input('metadataRetentionDays', { type: 'number', min: 1, max: 730, required: true })),
  ], 'Save period', async (v) => {
    await put(`retention/tenants/${encodeURIComponent(v.tenant || '')}`, { metadataRetentionDays: v.metadataRetentionDays ? Number(v.metadataRetentionDays) : null });
    announce('Tenant period saved.');
  });
  return h('section', {},
    facts([['Nightly run starts', `${schedule.dailyAt} UTC`], ['Data map version', active.map.version]]),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: scheduleForm }, 'Change the start time'),
      h('button', { type: 'button', onclick: tenantForm }, 'Set a tenant’s period')),
    h('h2', {}, 'Schedule (from the data map the jobs enforce)'),
    table('Retention rules', ['Table', 'Store', 'Category', 'Kept for', 'Counted from', 'Legal floor', 'Ground'],
      rules.map((t) => [t.name, t.store, t.category || '—', `${t.retention.periodDays} days`, t.retention.clockColumn || t.retention.trigger || '—',
        t.retention.legalFloorYears ? `${t.retention.legalFloorYears} years` : '—', t.retention.ground || '—'])),
    h('h2', {}, 'Latest runs'),
    table('Latest retention runs', ['Started', 'Kind', 'State', 'Finished', 'Record SHA-256'], runs.slice(0, 10).map((r) => [when(r.startedAt),
      r.dryRun ? 'dry run' : 'purge', label(r.state), when(r.finishedAt), r.sha256 ? h('code', {}, `${r.sha256.slice(0, 16)}…`) : '—']), { empty: 'No run yet.' }));
}

async function datamap(ctx, rerender) {
  const active = await get('datamap');
  const result = h('div', { id: 'reload-result', 'aria-live': 'polite' });
  const reload = async () => {
    try {
      const reloaded = await post('datamap/reload');
      fill(result, h('p', { class: 'notice', role: 'status' }, `Map version ${reloaded.map.version} is active.`,
        reloaded.warnings.length ? ` ${reloaded.warnings.length} warning(s).` : ''));
      setTimeout(rerender, 1500);
    } catch (problem) {
      fill(result, h('div', { class: 'notice notice-error', role: 'alert' }, h('p', {}, problem.message),
        h('ul', {}, (problem.body.errors || []).map((e) => h('li', {}, e.field ? `${e.field}: ` : '', e.message)))));
    }
  };
  const m = active.map;
  return h('section', {},
    facts([['Version', m.version], ['Source', h('code', {}, active.source)], ['Active since', when(active.activatedAt)],
      ['Kinds of subject', m.subjects.map((s) => `${s.name} (${s.table})`).join(', ')]]),
    active.warnings.length ? h('ul', { class: 'notice' }, active.warnings.map((w) => h('li', {}, w))) : null,
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'reload-map', onclick: reload }, 'Reload the map file')), result,
    h('h2', {}, 'Stores'),
    table('Stores', ['Name', 'Region', 'Schema'], m.stores.map((s) => [s.name, s.region || '—', s.schema || 'default'])),
    h('h2', {}, 'Tables and categories'),
    table('Mapped tables', ['Store', 'Table', 'Category', 'Purpose', 'Legal basis', 'Personal columns'],
      m.tables.map((t) => [t.store, t.name, t.category || '—', t.purpose || '—', t.legalBasis || '—',
        t.columns.map((c) => `${c.name}${c.category ? ` (${c.category})` : ''}`).join(', ') || '—'])));
}
