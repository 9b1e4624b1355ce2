// The console's only door: the REST API, with the session cookie it set at sign-in and the CSRF
// token it returned, which lives in this tab's sessionStorage (a reload keeps it, a new tab signs in).

const BASE = new URL('../api/', document.baseURI);
const CSRF_KEY = 'quaestor.csrf';

/** A refusal from the API: its problem document (RFC 9457), with the field it names if any. */
export class Problem extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `The server answered ${status}.`);
    this.status = status;
    this.body = body || {};
    this.slug = (this.body.type || '').replace('urn:quaestor:problem:', '');
  }

  /** Field name → message, from `field` and `errors`. */
  fieldErrors() {
    const errors = new Map();
    for (const e of this.body.errors || []) {
      if (e.field && !errors.has(e.field)) errors.set(e.field, e.message);
    }
    if (this.body.field && !errors.has(this.body.field)) errors.set(this.body.field, this.body.detail);
    return errors;
  }
}

export function csrfToken() {
  return sessionStorage.getItem(CSRF_KEY);
}

export function rememberSession(token) {
  if (token) sessionStorage.setItem(CSRF_KEY, token); else sessionStorage.removeItem(CSRF_KEY);
}

export function apiUrl(path, query) {
  const url = new URL(path, BASE);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  }
  return url;
}

/** Calls the API; resolves to the parsed JSON (or null), rejects with a Problem. */
export async function call(method, path, { body, query, accept = 'application/json', raw = false, contentType } = {}) {
  const headers = { Accept: `${accept}, application/problem+json` };
  if (method !== 'GET' && csrfToken()) headers['X-CSRF-Token'] = csrfToken();
  let payload;
  if (body instanceof Blob) {
    payload = body;
    headers['Content-Type'] = contentType || body.type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(apiUrl(path, query), { method, headers, body: payload, credentials: 'same-origin' });
  } catch (e) {
    throw new Problem(0, { title: 'No connection', detail: 'Quaestor could not be reached. Check the connection and try again.' });
  }
  if (!response.ok) {
    const text = await response.text();
    let problem;
    try { problem = text ? JSON.parse(text) : null; } catch (e) { problem = null; }
    const error = new Problem(response.status, problem);
    if (response.status === 401 && path !== 'session') {
      document.dispatchEvent(new CustomEvent('quaestor:session-expired'));
    }
    throw error;
  }
  if (raw) return response;
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

export const get = (path, query) => call('GET', path, { query });
export const post = (path, body) => call('POST', path, { body });
export const put = (path, body) => call('PUT', path, { body });
export const del = (path) => call('DELETE', path);

/** Fetches a document (PDF, CSV, attachment) and hands it to the browser as a download. */
export async function download(path, { accept, query, filename } = {}) {
  const response = await call('GET', path, { accept, query, raw: true });
  const blob = await response.blob();
  const disposition = response.headers.get('Content-Disposition') || '';
  const named = /filename="([^"]+)"/.exec(disposition);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = filename || (named ? named[1] : 'download');
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  return response;
}
