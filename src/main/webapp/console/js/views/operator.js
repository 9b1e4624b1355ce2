// The operator's own screen: ask for a grant, see one's grants with the time each has left, and
// look a customer up under an active grant. Every look, allowed or refused, is in the trail; a
// refusal shows the rule that refused it.

import { get, post } from '../api.js';
import { h, fill, heading, table, when, label, field, input, select, announce, formAlert, showProblem, clearProblems, values, visible } from '../ui.js';

const CODES = ['CUSTOMER_SUPPORT', 'PRODUCTION_ALERT', 'SECURITY_REVIEW', 'LEGAL_REQUEST', 'DSAR_FULFILMENT', 'BREACH_INVESTIGATION'];

export async function render(main, ctx) {
  const grants = await get('access/grants');
  const active = grants.filter((g) => g.status === 'ACTIVE');
  const rerender = () => render(main, ctx);
  const results = h('div', { id: 'lookup-results', 'aria-live': 'polite' });
  fill(main, heading('My access'),
    h('section', { 'aria-labelledby': 'mine-h' }, h('h2', { id: 'mine-h' }, 'My grants'),
      table('My grants', ['Grant', 'Justification', 'Reference', 'Tenant', 'Account', 'Categories', 'Status', 'Time left'], grants.map((g) => [
        h('code', {}, g.id.slice(0, 8)), label(g.justificationCode), visible(g.reference), g.tenant, g.accountId || 'whole tenant',
        (g.categories || []).join(', '), label(g.status), g.status === 'ACTIVE' ? timeLeft(g.expiresAt) : '—']), { empty: 'You hold no grant yet.' })),
    h('section', { 'aria-labelledby': 'lookup-h' }, h('h2', { id: 'lookup-h' }, 'Look a customer up'),
      active.length ? lookupForm(active, results) : h('p', { class: 'empty' }, 'Looking a customer up needs an active grant: ask for one below.'),
      results),
    h('section', { 'aria-labelledby': 'ask-h' }, h('h2', { id: 'ask-h' }, 'Ask for access'), askForm(rerender)));
}

function timeLeft(expiresAt) {
  const minutes = Math.max(0, Math.round((new Date(expiresAt) - Date.now()) / 60000));
  const text = minutes >= 120 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min left` : `${minutes} min left`;
  return h('span', { class: `badge ${minutes < 15 ? 'badge-late' : 'badge-ok'}`, title: `expires ${new Date(expiresAt).toISOString()}` }, text);
}

function askForm(rerender) {
  const alert = formAlert();
  const breakGlass = h('input', { type: 'checkbox', name: 'breakGlass', id: 'f-breakGlass', value: 'true' });
  const warning = h('p', { class: 'notice notice-error', id: 'break-glass-warning', hidden: true },
    'Break-glass starts at once without approval, is flagged in the daily review, and must be justified to a reviewer afterwards. Use it only when waiting would cause harm.');
  breakGlass.addEventListener('change', () => { warning.hidden = !breakGlass.checked; });
  const form = h('form', { novalidate: true, id: 'ask-grant' }, alert,
    field('Justification', select('justificationCode', CODES.map((c) => [c, label(c)]))),
    field('Ticket or incident reference', input('reference', { required: true, maxlength: 200 })),
    field('Tenant', input('tenant', { required: true, maxlength: 100 })),
    field('Account (optional; the whole tenant when empty)', input('accountId', { maxlength: 100 })),
    field('Data categories (comma-separated)', input('categories', { required: true }), 'Categories of the data map, such as account or technical-metadata.'),
    field('Duration', select('duration', [['', 'the longest allowed'], ['PT15M', '15 minutes'], ['PT1H', '1 hour'], ['PT2H', '2 hours'], ['PT4H', '4 hours']])),
    h('div', { class: 'field' }, h('label', { class: 'check', for: 'f-breakGlass' }, breakGlass, ' Break-glass (emergency)')),
    warning,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Ask for access')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblems(form);
    const v = values(form);
    const body = { ...v, categories: (v.categories || '').split(',').map((c) => c.trim()).filter(Boolean), breakGlass: breakGlass.checked };
    try {
      const grant = await post('access/grants', body);
      announce(grant.status === 'ACTIVE' ? 'Access granted.' : 'Asked; the grant waits for approval.');
      rerender();
    } catch (problem) {
      showProblem(form, problem);
    }
  });
  return form;
}

function lookupForm(active, results) {
  const alert = formAlert();
  const form = h('form', { novalidate: true, id: 'lookup' }, alert,
    field('Under grant', select('grantId', active.map((g) => [g.id, `${g.id.slice(0, 8)}: ${g.tenant}${g.accountId ? ` / ${g.accountId}` : ''} (${(g.categories || []).join(', ')})`]))),
    field('Look up by', select('kind', [['email', 'email'], ['account-id', 'account id'], ['api-key-prefix', 'API key prefix'], ['organization', 'organization']])),
    field('Value', input('value', { required: true, maxlength: 320 })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Look up')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblems(form);
    fill(results);
    try {
      const result = await post('access/lookups', values(form));
      fill(results, h('p', { class: 'notice notice-audit' }, `This look was recorded in the trail (${result.auditEvents.length === 1 ? 'event' : 'events'} ${result.auditEvents.join(', ')}).`),
        result.tables.length ? result.tables.map((t) => table(`${t.table} (${t.category})${t.truncated ? ', first rows only' : ''}`,
          t.columns.map((c) => c.label || c.name), t.rows.map((r) => r.map((c) => visible(c == null ? '' : String(c)))), { empty: 'No rows.' }))
          : h('p', { class: 'empty' }, 'Nothing found for this subject within the grant.'));
      announce('Lookup done.');
    } catch (problem) {
      showProblem(form, problem);
    }
  });
  return form;
}
