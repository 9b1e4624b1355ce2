// File a request received by mail or phone: the legal clock starts when it reached us.

import { post } from '../api.js';
import { h, fill, field, input, select, heading, formAlert, showProblem, clearProblems, values, announce } from '../ui.js';
import { TYPES } from './common.js';

const REGIONS = [['EU', 'European Union / EEA'], ['UK', 'United Kingdom'], ['US_CA', 'California'], ['US_OTHER', 'United States, other'],
  ['CN', 'China'], ['OTHER', 'elsewhere']];

export async function render(main, { navigate }) {
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const alert = formAlert();
  const form = h('form', { class: 'narrow', novalidate: true, id: 'file-form' }, alert,
    field('Type of request', select('type', TYPES.map((t) => [t, t.toLowerCase().replaceAll('_', ' ')]), { required: true })),
    field('Subject’s email address', input('email', { type: 'email', autocomplete: 'off' }), 'The email or the account id, or both.'),
    field('Subject’s account id', input('accountId', { autocomplete: 'off' })),
    field('Where the subject lives', select('region', REGIONS, { required: true }), 'Decides the regime and its deadline.'),
    field('Received at (your time zone)', input('receivedAt', { type: 'datetime-local', required: true, value: local, max: local }),
      'When the letter or call reached us; the legal clock starts then.'),
    field('What the subject asked', h('textarea', { name: 'details', id: 'f-details', maxlength: 2000 })),
    field('Consent withdrawn (for consent withdrawal)', input('consentScope', { maxlength: 200 })),
    field('Identity evidence you checked', h('textarea', { name: 'evidence', id: 'f-evidence', maxlength: 2000 }),
      'For example “passport seen at the front desk”. Without it, a confirmation code goes to the email address.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'file-submit' }, 'File the request')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblems(form);
    const v = values(form);
    if (v.receivedAt) v.receivedAt = new Date(v.receivedAt).toISOString();
    try {
      const created = await post('dsar/requests', v);
      announce(`Request ${created.reference} filed.`);
      navigate(`/requests/${created.id}`);
    } catch (problem) {
      showProblem(form, problem);
    }
  });
  fill(main, heading('File a request received by mail or phone'), form);
}
