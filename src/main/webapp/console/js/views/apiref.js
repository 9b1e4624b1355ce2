// The API reference, rendered from the live OpenAPI document (the same one HostileInputIT and
// RoleMatrixIT read): every operation with who may call it. Native <details>, no third-party UI,
// so it runs under the console's strict CSP like every other screen.

import { h, fill, heading, field, input } from '../ui.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export async function render(main, { query, navigate }) {
  const response = await fetch(new URL('../openapi', document.baseURI), { headers: { Accept: 'application/json' } });
  const doc = await response.json();
  const filter = (query.get('q') || '').toLowerCase();
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const text = `${method} ${path} ${op.summary || ''} ${(op.tags || []).join(' ')}`.toLowerCase();
      if (filter && !text.includes(filter)) continue;
      const tag = (op.tags && op.tags[0]) || 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ method, path, op });
    }
  }
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter operations' },
    field('Find an operation', input('q', { type: 'search', value: query.get('q') || '', placeholder: 'e.g. legal-holds, erasure' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Filter')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate('/api', { q: form.q.value.trim() });
  });
  const tags = [...byTag.keys()].sort();
  fill(main, heading(`API reference`, h('a', { class: 'button', href: '../openapi' }, 'OpenAPI document (YAML)')),
    h('p', {}, `${doc.info.title} ${doc.info.version}. Paths are under /api. A browser session sends the X-CSRF-Token header on unsafe methods; services send a bearer token. Errors are problem documents (RFC 9457).`),
    form,
    tags.length ? tags.map((tag) => h('section', { 'aria-labelledby': `tag-${slug(tag)}` }, h('h2', { id: `tag-${slug(tag)}` }, tag),
      byTag.get(tag).sort((a, b) => a.path.localeCompare(b.path)).map(operation))) : h('p', { class: 'empty' }, 'No operation matches.'));
}

function operation({ method, path, op }) {
  const roles = op['x-roles'];
  return h('details', { class: 'op' },
    h('summary', {}, h('span', { class: 'method' }, method.toUpperCase()), ' ', h('code', {}, path), ' — ', op.summary || ''),
    h('div', { class: 'op-body' },
      h('p', {}, h('strong', {}, 'Who may call: '), op['x-anonymous'] ? 'anyone (no sign-in)' : roles && roles.length ? roles.join(', ') : 'nobody'),
      op.description ? h('p', {}, op.description) : null,
      (op.parameters || []).length ? h('ul', {}, op.parameters.map((p) => h('li', {}, h('code', {}, p.name), ` (${p.in}${p.required ? ', required' : ''})`,
        p.description ? ` — ${p.description}` : ''))) : null,
      h('p', {}, h('strong', {}, 'Answers: '), Object.keys(op.responses || {}).join(', ') || '—')));
}

function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
