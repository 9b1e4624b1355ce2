// Documents: each generated from the configuration the jobs enforce, what publishing it now would
// change (material or not), publishing, the published versions, and the promise check.

import { get, post, download } from '../api.js';
import { h, fill, heading, table, when, select, field, announce, dialog } from '../ui.js';

export async function render(main, ctx) {
  const { query, me, navigate } = ctx;
  const language = query.get('language') === 'de' ? 'de' : 'en';
  const [list, conformance] = await Promise.all([get('documents', { language }), get('documents/conformance')]);
  const kind = list.some((d) => d.kind === query.get('kind')) ? query.get('kind') : list[0].kind;
  const [draft, versions] = await Promise.all([get(`documents/${kind}/draft`, { language }), get(`documents/${kind}/versions`, { language })]);
  const officer = me.roles.includes('PRIVACY_OFFICER');
  const languages = select('language', [['en', 'English'], ['de', 'Deutsch']]);
  languages.value = language;
  languages.addEventListener('change', () => navigate('/documents', { kind, language: languages.value }));
  fill(main,
    heading('Documents', field('Language', languages)),
    conformancePanel(conformance),
    h('nav', { 'aria-label': 'Documents' }, h('ul', { class: 'tabs' }, list.map((d) => h('li', {},
      h('a', { href: `#/documents?kind=${d.kind}&language=${language}`, 'aria-current': d.kind === kind ? 'page' : null }, d.title))))),
    h('section', { 'aria-labelledby': 'draft-h' }, h('h2', { id: 'draft-h' }, 'As the configuration generates it now'),
      h('p', { class: 'muted' }, `From data map ${draft.document.generatedFrom.dataMap} and obligation rules ${draft.document.generatedFrom.obligations}.`),
      changesPanel(draft),
      officer ? publishAction(kind, language, draft, versions[0], navigate) : null,
      h('article', { class: 'document' }, documentBody(draft.document))),
    h('section', { 'aria-labelledby': 'versions-h' }, h('h2', { id: 'versions-h' }, 'Versions'),
      table('Versions, newest first', ['Version', 'State', 'Published', 'In force from', 'Changes', 'SHA-256', ''], versions.map((v) => [
        String(v.version), stateOf(v), when(v.publishedAt), v.state === 'PUBLISHED' ? when(v.effectiveAt) : '—',
        h('ul', { class: 'plain' }, v.changes.map((c) => h('li', {}, c))), h('code', { class: 'digest' }, `${v.sha256.slice(0, 16)}…`),
        h('div', { class: 'row-actions' },
          h('button', { type: 'button', onclick: () => download(`documents/${kind}`, { query: { language, version: v.version }, accept: 'application/pdf', filename: `${kind}-${language}-v${v.version}.pdf` }) }, 'PDF'),
          officer && v.state === 'PROPOSED' ? proposalActions(kind, language, v, me, () => navigate('/documents', { kind, language })) : null,
          v.material && v.state === 'PUBLISHED' ? notices(kind, language, v) : null)]),
      { empty: 'Nothing published yet.' })));
}

function stateOf(v) {
  if (v.state === 'PROPOSED') return h('span', { class: 'badge badge-soon' }, 'material change, awaiting approval');
  if (v.state === 'WITHDRAWN') return 'withdrawn';
  return v.material ? ['published ', h('span', { class: 'badge badge-soon' }, 'material')] : 'published';
}

/** A second privacy officer approves a material change; the proposer sees why they cannot. */
function proposalActions(kind, language, v, me, done) {
  const own = v.publishedBy === me.id;
  const why = `why-approve-${v.version}`;
  return [
    h('button', { type: 'button', class: own ? null : 'primary', disabled: own, 'aria-describedby': own ? why : null,
      onclick: () => dialog(`Approve version ${v.version}`, [h('p', {}, 'The change takes effect after the notice period, counted from now. '
        + 'Subscribers and, where configured, the gateway\'s account holders are told at once.')], 'Approve', async () => {
        const approved = await post(`documents/${kind}/versions/${v.version}/approval?language=${language}`);
        announce(`Version ${approved.version} approved; in force from ${approved.effectiveAt.slice(0, 10)}.`);
        done();
      }) }, 'Approve'),
    own ? h('span', { class: 'why', id: why }, 'You proposed it: a second privacy officer approves.') : null,
    h('button', { type: 'button', onclick: () => dialog(`Withdraw version ${v.version}`, [h('p', {}, 'The proposal stays on record as withdrawn and never takes effect.')],
      'Withdraw', async () => {
        await post(`documents/${kind}/versions/${v.version}/withdrawal?language=${language}`);
        announce(`Version ${v.version} withdrawn.`);
        done();
      }) }, 'Withdraw')];
}

/** How the change was announced: counted per channel and outcome when opened. */
function notices(kind, language, v) {
  const list = h('ul', { class: 'plain' });
  const details = h('details', {}, h('summary', {}, 'Notices'), list);
  details.addEventListener('toggle', async () => {
    if (!details.open || list.childElementCount) return;
    const counts = await get(`documents/${kind}/versions/${v.version}/notices`, { language });
    fill(list, counts.length ? counts.map((n) => h('li', {}, `${n.channel === 'EMAIL' ? 'email to subscribers' : 'gateway webhook'}: ${n.count} ${n.outcome.toLowerCase().replaceAll('_', ' ')}`))
      : h('li', {}, 'No notices: nobody had subscribed and no gateway webhook is configured.'));
  });
  return details;
}

function conformancePanel(c) {
  return h('section', { 'aria-labelledby': 'conformance-h', class: c.conforms ? 'notice' : 'notice notice-error' },
    h('h2', { id: 'conformance-h' }, c.conforms ? 'The system keeps every published promise' : 'The system contradicts a promise'),
    h('p', {}, ['Checked ', when(c.checkedAt), c.conforms ? '.' : c.mismatches.some((m) => m.document === 'system')
      ? '. Publishing is refused while the system itself breaks a promise.'
      : '. The configuration changed since these versions were published: publish the documents named below.']),
    c.mismatches.length ? h('ul', { id: 'mismatches' }, c.mismatches.map((m) => h('li', {}, h('strong', {}, `${m.document}: `), `${m.line} — ${m.evidence}`))) : null);
}

function changesPanel(draft) {
  if (draft.basedOnVersion == null) return h('p', {}, 'Nothing is published yet: publishing makes version 1.');
  if (!draft.changes.length) return h('p', {}, `Version ${draft.basedOnVersion} already says this.`);
  // basedOnVersion may be a proposal: the versions table shows its state.
  return h('div', { id: 'changes' }, h('h3', {}, `What changes from version ${draft.basedOnVersion}`),
    h('ul', {}, draft.changes.map((c) => h('li', {}, c.text, c.material ? [' ', h('span', { class: 'badge badge-soon' }, 'material')] : ''))));
}

/** Publishing is offered only when there is something new to say; otherwise the button says why not. */
function publishAction(kind, language, draft, latest, navigate) {
  const pending = latest && latest.state === 'PROPOSED';
  const unchanged = draft.basedOnVersion != null && !draft.changes.length;
  const why = pending ? `Version ${latest.version} awaits a second privacy officer's approval; approve or withdraw it first.`
    : unchanged ? `Nothing to publish: version ${draft.basedOnVersion} already says this.` : null;
  return h('div', { class: 'action publish-action' },
    h('button', { type: 'button', class: why ? null : 'primary', id: 'publish', disabled: !!why, 'aria-describedby': why ? 'why-publish' : null,
      onclick: () => publish(kind, language, draft, () => navigate('/documents', { kind, language })) }, 'Publish this version'),
    why ? h('span', { class: 'why', id: 'why-publish' }, why) : null);
}

function publish(kind, language, draft, done) {
  dialog('Publish this version', [
    h('p', {}, draft.material && draft.basedOnVersion != null
      ? 'This change is material (data kept longer or a new recipient): it is proposed now, a second privacy officer approves it, '
        + 'and it takes effect after the notice period, counted from the approval.'
      : 'The new version takes effect at once. Its SHA-256 is sealed in the audit trail.')],
  draft.material && draft.basedOnVersion != null ? 'Propose' : 'Publish', async () => {
    const v = await post(`documents/${kind}/versions?language=${language}`);
    announce(v.state === 'PROPOSED' ? `Version ${v.version} proposed; a second privacy officer approves it.` : `Version ${v.version} published.`);
    done();
  });
}

export function documentBody(doc) {
  return [h('p', { class: 'doc-title' }, doc.title), doc.sections.map((s) => h('section', {},
    h('h3', {}, s.heading), s.paragraphs.map((p) => h('p', {}, p)),
    s.items.length ? h('ul', {}, s.items.map((i) => h('li', {}, i))) : null,
    s.table ? table(s.heading, s.table.columns, s.table.rows, { captionHidden: true }) : null))];
}

