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
      officer ? publishAction(kind, language, draft, navigate) : null,
      h('article', { class: 'document' }, documentBody(draft.document))),
    h('section', { 'aria-labelledby': 'versions-h' }, h('h2', { id: 'versions-h' }, 'Published versions'),
      table('Published versions, newest first', ['Version', 'Published', 'In force from', 'Material', 'Changes', 'SHA-256', ''], versions.map((v) => [
        String(v.version), when(v.publishedAt), when(v.effectiveAt), v.material ? h('span', { class: 'badge badge-soon' }, 'material') : 'no',
        h('ul', { class: 'plain' }, v.changes.map((c) => h('li', {}, c))), h('code', { class: 'digest' }, `${v.sha256.slice(0, 16)}…`),
        h('button', { type: 'button', onclick: () => download(`documents/${kind}`, { query: { language, version: v.version }, accept: 'application/pdf', filename: `${kind}-${language}-v${v.version}.pdf` }) }, 'PDF')]),
      { empty: 'Nothing published yet.' })));
}

function conformancePanel(c) {
  return h('section', { 'aria-labelledby': 'conformance-h', class: c.conforms ? 'notice' : 'notice notice-error' },
    h('h2', { id: 'conformance-h' }, c.conforms ? 'The system keeps every published promise' : 'The system contradicts a promise'),
    h('p', {}, ['Checked ', when(c.checkedAt), c.conforms ? '.' : '. Publishing is refused while the system itself breaks a promise.']),
    c.mismatches.length ? h('ul', { id: 'mismatches' }, c.mismatches.map((m) => h('li', {}, h('strong', {}, `${m.document}: `), `${m.line} — ${m.evidence}`))) : null);
}

function changesPanel(draft) {
  if (draft.basedOnVersion == null) return h('p', {}, 'Nothing is published yet: publishing makes version 1.');
  if (!draft.changes.length) return h('p', {}, `Version ${draft.basedOnVersion} already says this.`);
  return h('div', { id: 'changes' }, h('h3', {}, `What changes from version ${draft.basedOnVersion}`),
    h('ul', {}, draft.changes.map((c) => h('li', {}, c.text, c.material ? [' ', h('span', { class: 'badge badge-soon' }, 'material')] : ''))));
}

/** Publishing is offered only when there is something new to say; otherwise the button says why not. */
function publishAction(kind, language, draft, navigate) {
  const unchanged = draft.basedOnVersion != null && !draft.changes.length;
  return h('div', { class: 'action publish-action' },
    h('button', { type: 'button', class: unchanged ? null : 'primary', id: 'publish', disabled: unchanged, 'aria-describedby': unchanged ? 'why-publish' : null,
      onclick: () => publish(kind, language, draft, () => navigate('/documents', { kind, language })) }, 'Publish this version'),
    unchanged ? h('span', { class: 'why', id: 'why-publish' }, `Nothing to publish: version ${draft.basedOnVersion} already says this.`) : null);
}

function publish(kind, language, draft, done) {
  dialog('Publish this version', [
    h('p', {}, draft.material
      ? 'This change is material (data kept longer or a new recipient): it takes effect after the notice period, and the version says from when.'
      : 'The new version takes effect at once. Its SHA-256 is sealed in the audit trail.')],
  'Publish', async () => {
    const v = await post(`documents/${kind}/versions?language=${language}`);
    announce(`Version ${v.version} published.`);
    done();
  });
}

export function documentBody(doc) {
  return [h('p', { class: 'doc-title' }, doc.title), doc.sections.map((s) => h('section', {},
    h('h3', {}, s.heading), s.paragraphs.map((p) => h('p', {}, p)),
    s.items.length ? h('ul', {}, s.items.map((i) => h('li', {}, i))) : null,
    s.table ? table(s.heading, s.table.columns, s.table.rows, { captionHidden: true }) : null))];
}

