// Legal holds: what is kept from erasure and purge, why, for which matter, until when.

import { get, post } from '../api.js';
import { h, fill, heading, table, when, field, input, select, dialog, announce, label, visible } from '../ui.js';
import { officerNames, personName } from './common.js';

export async function render(main, ctx) {
  const { me, query, navigate } = ctx;
  const inForce = query.get('show') !== 'all';
  const [holds, names] = await Promise.all([get('legal-holds', { inForce: inForce ? 'true' : '' }), officerNames().catch(() => new Map())]);
  const canChange = me.roles.includes('PRIVACY_OFFICER') || me.roles.includes('ADMIN');
  const rerender = () => render(main, ctx);
  fill(main,
    heading('Legal holds', canChange ? h('button', { type: 'button', class: 'primary', id: 'place-hold', onclick: () => place(rerender) }, 'Place a hold') : null),
    h('p', {}, 'While a hold is in force, the data it covers is neither erased nor purged: erasures that touch it wait, and retention runs skip it.'),
    h('nav', { 'aria-label': 'Which holds' }, h('ul', { class: 'tabs' },
      h('li', {}, h('a', { href: '#/holds', 'aria-current': inForce ? 'page' : null }, 'In force')),
      h('li', {}, h('a', { href: '#/holds?show=all', 'aria-current': inForce ? null : 'page' }, 'All, released included')))),
    table(inForce ? 'Holds in force' : 'All holds', ['Scope', 'Value', 'Reason', 'Matter', 'Owner', 'From', 'Until', 'State', ''],
      holds.map((hold) => [label(hold.scope), h('code', {}, visible(hold.scopeValue)), visible(hold.reason), hold.matter || '—',
        personName(names, hold.ownerId, me), when(hold.startsAt), hold.endsAt ? when(hold.endsAt) : 'until released',
        hold.releasedAt ? ['released ', when(hold.releasedAt), hold.releaseReason ? ` — ${hold.releaseReason}` : ''] : hold.inForce ? 'in force' : 'not yet / ended',
        canChange && !hold.releasedAt ? h('button', { type: 'button', onclick: () => release(hold, rerender) }, 'Release') : '']),
      { empty: inForce ? 'No hold is in force.' : 'No hold was ever placed.', captionHidden: true }));
}

function place(rerender) {
  dialog('Place a legal hold', [
    field('Scope', select('scope', [['TENANT', 'a tenant'], ['ACCOUNT', 'an account'], ['CATEGORY', 'a data category']], { required: true })),
    field('Value', input('scopeValue', { required: true, maxlength: 256 }), 'A tenant id, an account id as the gateway’s store has it, or a category of the data map; checked against the data map.'),
    field('Reason', h('textarea', { name: 'reason', id: 'f-hold-reason', required: true, maxlength: 2000 })),
    field('Matter or case reference', input('matter', { maxlength: 200 })),
    field('Starts (UTC, optional)', input('startsAt', { type: 'datetime-local' }), 'Now when empty.'),
    field('Ends (UTC, optional)', input('endsAt', { type: 'datetime-local' }), 'Until released when empty.'),
  ], 'Place hold', async (v) => {
    for (const k of ['startsAt', 'endsAt']) if (v[k]) v[k] = new Date(`${v[k]}Z`).toISOString();
    await post('legal-holds', v);
    announce('Hold placed.');
    rerender();
  });
}

function release(hold, rerender) {
  dialog('Release the hold', [
    h('p', {}, `${label(hold.scope)} ${hold.scopeValue}: erasures and purges of this data resume once released.`),
    field('Why the hold ends', h('textarea', { name: 'reason', id: 'f-release-reason', required: true, maxlength: 2000 })),
  ], 'Release hold', async (v) => {
    await post(`legal-holds/${hold.id}/release`, v);
    announce('Hold released.');
    rerender();
  });
}
