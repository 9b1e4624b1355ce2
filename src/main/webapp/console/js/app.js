// The console's shell: who is signed in, the sections their roles open, and the router. Every
// view lives in the URL's fragment (#/requests?status=VERIFIED&sort=due), so a reload or the
// back button shows the same view, and a link can be shared with a colleague.

import { call, get, rememberSession, csrfToken, Problem } from './api.js';
import { h, fill, announce, field, input, formAlert, showProblem, clearProblems, values } from './ui.js';

const SECTIONS = [
  { path: '/', label: 'My work', roles: null },
  { path: '/requests', label: 'Requests', roles: ['PRIVACY_OFFICER', 'AUDITOR'] },
  { path: '/requests/new', label: 'File a request', roles: ['PRIVACY_OFFICER'] },
  { path: '/approvals', label: 'Approvals', roles: ['PRIVACY_OFFICER'] },
  { path: '/holds', label: 'Legal holds', roles: ['PRIVACY_OFFICER', 'ADMIN', 'AUDITOR'] },
  { path: '/metrics', label: 'Metrics', roles: ['PRIVACY_OFFICER', 'AUDITOR'] },
  { path: '/access/mine', label: 'My access', roles: ['OPERATOR'] },
  { path: '/trail', label: 'Audit trail', roles: ['AUDITOR', 'ADMIN'] },
  { path: '/integrity', label: 'Integrity', roles: ['AUDITOR', 'ADMIN'] },
  { path: '/access', label: 'Operator access', roles: ['AUDITOR', 'PRIVACY_OFFICER', 'ADMIN'] },
  { path: '/retention', label: 'Retention runs', roles: ['ADMIN', 'AUDITOR'] },
  { path: '/incidents', label: 'Incidents', roles: ['INCIDENT_RESPONDER', 'PRIVACY_OFFICER', 'AUDITOR'] },
  { path: '/documents', label: 'Documents', roles: ['PRIVACY_OFFICER', 'ADMIN', 'AUDITOR'] },
  { path: '/admin', label: 'Administration', roles: ['ADMIN'] },
  { path: '/api', label: 'API reference', roles: null },
];

const ROUTES = [
  [/^\/$/, () => import('./views/home.js')],
  [/^\/requests$/, () => import('./views/queue.js')],
  [/^\/requests\/new$/, () => import('./views/file.js')],
  [/^\/requests\/(?<id>[0-9a-f-]{36})$/, () => import('./views/request.js')],
  [/^\/approvals$/, () => import('./views/approvals.js')],
  [/^\/holds$/, () => import('./views/holds.js')],
  [/^\/metrics$/, () => import('./views/metrics.js')],
  [/^\/admin(?:\/(?<tab>[a-z-]+))?$/, () => import('./views/admin.js')],
  [/^\/api$/, () => import('./views/apiref.js')],
  [/^\/trail$/, () => import('./views/trail.js')],
  [/^\/trail\/(?<seq>\d+)$/, () => import('./views/event.js')],
  [/^\/integrity$/, () => import('./views/integrity.js')],
  [/^\/access$/, () => import('./views/access.js')],
  [/^\/access\/mine$/, () => import('./views/operator.js')],
  [/^\/retention$/, () => import('./views/retention.js')],
  [/^\/retention\/(?<id>[0-9a-f-]{36})$/, () => import('./views/run.js')],
  [/^\/incidents$/, () => import('./views/incidents.js')],
  [/^\/documents$/, () => import('./views/documents.js')],
  [/^\/incidents\/(?<id>[0-9a-f-]{36})$/, () => import('./views/incident.js')],
];

const RETURN_KEY = 'quaestor.return-to';
const main = document.getElementById('main');
let me = null;
let renders = 0;

/** The current route: path and query from the fragment. */
export function route() {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
  const [path, query = ''] = raw.split('?', 2);
  return { path, query: new URLSearchParams(query) };
}

/** Moves to a view; `replace` keeps the history entry (for filter edits that should not pile up). */
export function navigate(path, query, { replace = false } = {}) {
  const q = query ? new URLSearchParams([...new URLSearchParams(query)].filter(([, v]) => v !== '')).toString() : '';
  const hash = `#${path}${q ? `?${q}` : ''}`;
  if (replace) {
    history.replaceState(null, '', hash);
    render();
  } else if (location.hash === hash) {
    render();
  } else {
    location.hash = hash;
  }
}

export function currentUser() {
  return me;
}

export function hasRole(...roles) {
  return !!me && roles.some((r) => me.roles.includes(r));
}

async function render() {
  if (!me) return;
  if (me.passwordChangeRequired) {
    passwordChange();
    return;
  }
  const { path, query } = route();
  markNavigation(path);
  const match = ROUTES.map(([pattern, load]) => [pattern.exec(path), load]).find(([m]) => m);
  if (!match) {
    fill(main, h('h1', { tabindex: '-1' }, 'Not found'), h('p', {}, 'There is no such view. ', h('a', { href: '#/' }, 'Go to My work')));
    focusHeading();
    return;
  }
  const [m, load] = match;
  main.setAttribute('aria-busy', 'true');
  // Each render draws into its own container, shown only if no later render started meanwhile:
  // a slow answer for a screen already left (or a view's own re-render) cannot overwrite the new one.
  const token = ++renders;
  const container = h('div', { class: 'view' });
  try {
    const view = await load();
    await view.render(container, { params: m.groups || {}, query, me, navigate });
    if (token !== renders) return;
    main.replaceChildren(container);
  } catch (e) {
    if (token !== renders) return;
    if (e instanceof Problem && e.status === 401) return;
    fill(main, h('h1', { tabindex: '-1' }, 'This view could not be shown'),
      h('div', { class: 'notice notice-error', role: 'alert' }, h('p', {}, e.message || String(e))));
  } finally {
    if (token === renders) {
      main.removeAttribute('aria-busy');
      // For measuring: the moment a view is on screen and usable (docs/benchmarks.md, console).
      performance.mark('quaestor:view-rendered', { detail: path });
    }
  }
  if (token === renders) focusHeading();
}

function focusHeading() {
  const heading = main.querySelector('h1');
  if (heading && !main.contains(document.activeElement)) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
  document.title = `${heading ? heading.textContent : 'Console'} · Quaestor`;
}

function markNavigation(path) {
  for (const link of document.querySelectorAll('#nav a')) {
    const target = link.getAttribute('href').slice(1);
    const current = target === path || (target !== '/' && path.startsWith(`${target}/`) && !SECTIONS.some((s) => s.path === path && s.path !== target));
    if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
}

function shell() {
  const nav = document.getElementById('nav');
  fill(nav, h('ul', {}, SECTIONS.filter((s) => !s.roles || hasRole(...s.roles))
    .map((s) => h('li', {}, h('a', { href: `#${s.path}` }, s.label)))));
  fill(document.getElementById('who'),
    h('span', { class: 'who-name' }, me.username),
    h('span', { class: 'who-roles' }, me.roles.map((r) => r.toLowerCase().replaceAll('_', ' ')).join(', ')),
    h('button', { type: 'button', id: 'sign-out', onclick: signOut }, 'Sign out'));
}

function clearShell() {
  document.getElementById('nav').replaceChildren();
  document.getElementById('who').replaceChildren();
}

async function signOut() {
  try {
    await call('DELETE', 'session');
  } catch (e) {
    // Signed out already (expired): the outcome is the same.
  }
  rememberSession(null);
  sessionStorage.removeItem(RETURN_KEY);
  me = null;
  clearShell();
  signIn('You are signed out.');
}

function signIn(message) {
  clearShell();
  document.title = 'Sign in · Quaestor';
  const alert = formAlert();
  const form = h('form', { class: 'narrow', novalidate: true }, alert,
    field('Username', input('username', { autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' })),
    field('Password', input('password', { type: 'password', autocomplete: 'current-password', required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'sign-in' }, 'Sign in')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblems(form);
    try {
      const session = await call('POST', 'session', { body: { username: form.username.value, password: form.password.value } });
      rememberSession(session.csrfToken);
      await start().catch((problem) => { throw cookieRefused(problem); });
      const back = sessionStorage.getItem(RETURN_KEY);
      sessionStorage.removeItem(RETURN_KEY);
      if (back && back !== location.hash) location.hash = back; else render();
    } catch (problem) {
      form.password.value = '';
      showProblem(form, problem);
    }
  });
  fill(main, h('h1', { tabindex: '-1' }, 'Sign in to the Quaestor console'),
    message ? h('p', { class: 'notice', role: 'status' }, message) : null,
    form,
    h('p', { class: 'muted' }, 'Data subjects file requests on the ', h('a', { href: '../privacy/' }, 'public request page'), '.'));
  form.username.focus();
}

/**
 * Signed in, yet the next call is unauthenticated: the browser dropped the Secure session cookie,
 * which it does on plain http anywhere but localhost. Say so instead of repeating "sign in".
 */
function cookieRefused(problem) {
  if (problem.status !== 401 || location.protocol === 'https:') return problem;
  return new Problem(401, {
    title: 'The browser refused the session cookie',
    detail: 'The password was accepted, but this browser does not keep a secure cookie on plain http other than localhost. '
      + 'Open the console over https (or on localhost), or ask the administrator to serve it behind TLS.',
  });
}

function passwordChange() {
  clearShell();
  fill(document.getElementById('who'), h('button', { type: 'button', id: 'sign-out', onclick: signOut }, 'Sign out'));
  const alert = formAlert();
  const form = h('form', { class: 'narrow', novalidate: true }, alert,
    field('Current (temporary) password', input('currentPassword', { type: 'password', autocomplete: 'current-password', required: true })),
    field('New password', input('newPassword', { type: 'password', autocomplete: 'new-password', required: true }),
      'At least 12 characters; a passphrase of several words is easiest to remember.'),
    field('New password again', input('repeat', { type: 'password', autocomplete: 'new-password', required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'change-password' }, 'Change password')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblems(form);
    const v = values(form);
    if (v.newPassword !== v.repeat) {
      showProblem(form, new Problem(422, { detail: 'The two new passwords differ.', field: 'repeat' }));
      return;
    }
    try {
      await call('PUT', 'me/password', { body: { currentPassword: v.currentPassword, newPassword: v.newPassword } });
      me.passwordChangeRequired = false;
      announce('Password changed.');
      shell();
      render();
    } catch (problem) {
      showProblem(form, problem);
    }
  });
  fill(main, h('h1', { tabindex: '-1' }, 'Choose your password'),
    h('p', {}, 'You signed in with a temporary password. Replace it before anything else; nobody, administrators included, will know the new one.'),
    form);
  main.querySelector('h1').focus();
}

async function start() {
  me = await get('me');
  if (!me.passwordChangeRequired) shell();
}

document.addEventListener('quaestor:session-expired', () => {
  if (!me) return;
  me = null;
  rememberSession(null);
  sessionStorage.setItem(RETURN_KEY, location.hash || '#/');
  document.querySelectorAll('dialog[open]').forEach((d) => d.close());
  signIn('Your session has ended. Sign in again to return to where you were.');
});

document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', () => {
  if (me) render();
});

(async function boot() {
  if (location.hash.startsWith('#/') && location.hash !== '#/') sessionStorage.setItem(RETURN_KEY, location.hash);
  if (!csrfToken()) {
    signIn();
    return;
  }
  try {
    await start();
    sessionStorage.removeItem(RETURN_KEY);
    render();
  } catch (e) {
    rememberSession(null);
    signIn();
  }
}());
