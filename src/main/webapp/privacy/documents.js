// The public documents in force (privacy policy, sub-processors, security commitments), rendered
// from their published JSON. The fragment names the document and, after a slash, the language.

const main = document.getElementById('document');

function el(tag, text) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  return e;
}

async function show() {
  const [kind = 'privacy-policy', language = 'en'] = location.hash.slice(1).split('/');
  document.documentElement.lang = language;
  const response = await fetch(`../api/public/documents/${encodeURIComponent(kind)}?language=${encodeURIComponent(language)}`,
    { headers: { Accept: 'application/json' } });
  main.replaceChildren();
  if (!response.ok) {
    main.append(el('h1', 'Not published yet'), el('p', 'This document has not been published yet. Please come back later.'));
    return;
  }
  const published = await response.json();
  const doc = published.document;
  document.title = doc.title;
  main.append(el('h1', doc.title),
    el('p', `${doc.controller} · version ${published.version}, in force since ${published.effectiveAt.slice(0, 10)}`));
  for (const s of doc.sections) {
    const section = el('section');
    section.append(el('h2', s.heading));
    s.paragraphs.forEach((p) => section.append(el('p', p)));
    if (s.items.length) {
      const list = el('ul');
      s.items.forEach((i) => list.append(el('li', i)));
      section.append(list);
    }
    if (s.table) {
      const table = el('table');
      const head = el('tr');
      s.table.columns.forEach((c) => { const th = el('th', c); th.scope = 'col'; head.append(th); });
      table.append(el('thead'));
      table.tHead.append(head);
      const body = el('tbody');
      s.table.rows.forEach((r) => { const tr = el('tr'); r.forEach((c) => tr.append(el('td', c))); body.append(tr); });
      table.append(body);
      section.append(table);
    }
    main.append(section);
  }
  const back = el('p');
  const link = el('a', 'Your privacy rights and the request form');
  link.href = './';
  const subscribe = el('a', 'Get an email before this document changes materially');
  subscribe.href = `subscribe.html#language=${encodeURIComponent(language)}`;
  back.append(link);
  const notices = el('p');
  notices.append(subscribe);
  main.append(notices, back);
}

window.addEventListener('hashchange', show);
show();
