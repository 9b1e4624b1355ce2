// Small DOM helpers. Text always goes in as text nodes, never as HTML: nothing a subject or an
// officer typed can become markup or script.

/** Creates an element: h('button', {type: 'button', onclick: f}, 'Save'). */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Text a subject supplied, with bidirectional controls shown as [U+202E] instead of obeyed, so a
 * reversed file name or address cannot disguise itself (the server's TextRules.visible, in the browser).
 */
export function visible(text) {
  if (text === undefined || text === null) return '';
  return String(text).replace(BIDI, (c) => `[U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

const LOCAL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const DAY = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** An instant in the officer's zone, the UTC instant on hover and for assistive technology. */
export function when(instant) {
  if (!instant) return h('span', { class: 'muted' }, '—');
  const at = new Date(instant);
  return h('time', { datetime: at.toISOString(), title: `${at.toISOString().replace('.000Z', 'Z')} (UTC)` }, LOCAL.format(at));
}

/** A legal last day (YYYY-MM-DD, a UTC date). */
export function day(date) {
  if (!date) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: date, title: `end of ${date} (UTC)` }, DAY.format(new Date(`${date}T00:00:00Z`)));
}

const MS_PER_DAY = 86400000;

/**
 * "3 days left" / "2 days overdue", coloured by the share of the legal time left, with the words
 * carrying the meaning (never colour alone).
 */
export function daysLeft(dueAt, receivedAt, closedAt) {
  if (closedAt) return h('span', { class: 'badge badge-closed' }, 'closed');
  const now = Date.now();
  const due = new Date(dueAt).getTime();
  const days = Math.ceil((due - now) / MS_PER_DAY);
  const share = receivedAt ? (due - now) / Math.max(1, due - new Date(receivedAt).getTime()) : 1;
  let tone = 'ok';
  if (due <= now) tone = 'late';
  else if (share < 0.25 || days <= 7) tone = 'soon';
  const text = due <= now ? `${Math.max(1, -days + 1)} day${-days + 1 > 1 ? 's' : ''} overdue`
    : days <= 1 ? 'due today' : `${days} days left`;
  return h('span', { class: `badge badge-${tone}` }, text);
}

export function announce(message) {
  const region = document.getElementById('announcer');
  region.textContent = '';
  setTimeout(() => { region.textContent = message; }, 50);
}

/** A labelled form field whose error message is tied to it by aria-describedby. */
export function field(label, control, hint) {
  const id = control.id || `f-${control.name}`;
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    control,
    h('p', { class: 'field-error', id: errorId }));
}

export function input(name, attributes = {}) {
  return h('input', { name, id: attributes.id || `f-${name}`, type: 'text', ...attributes });
}

export function select(name, options, attributes = {}) {
  return h('select', { name, id: attributes.id || `f-${name}`, ...attributes },
    options.map((o) => (Array.isArray(o) ? h('option', { value: o[0] }, o[1]) : h('option', { value: o }, o))));
}

/** Shows a Problem on a form: next to the field it names, else in the form's alert. */
export function showProblem(form, problem) {
  clearProblems(form);
  const errors = problem.fieldErrors ? problem.fieldErrors() : new Map();
  let placed = false;
  for (const [name, message] of errors) {
    const control = form.querySelector(`[name="${CSS.escape(name.split('.').pop())}"]`);
    const error = control && form.querySelector(`#${CSS.escape(control.id)}-error`);
    if (error) {
      control.setAttribute('aria-invalid', 'true');
      error.textContent = message;
      if (!placed) control.focus();
      placed = true;
    }
  }
  const alert = form.querySelector('.form-alert');
  if (alert) {
    fill(alert, placed ? 'Please correct the field marked below.' : problem.message);
    alert.hidden = false;
    if (!placed) alert.focus();
  }
}

export function clearProblems(form) {
  form.querySelectorAll('[aria-invalid]').forEach((c) => c.removeAttribute('aria-invalid'));
  form.querySelectorAll('.field-error').forEach((e) => { e.textContent = ''; });
  const alert = form.querySelector('.form-alert');
  if (alert) { alert.hidden = true; alert.textContent = ''; }
}

export function formAlert() {
  return h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
}

/** Values of a form's named controls, blanks left out. */
export function values(form) {
  const out = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value === 'string' && value.trim() !== '') out[name] = value.trim();
  }
  return out;
}

/** A <dialog> with a form; resolves when submitted successfully through `onsubmit`, or on cancel. */
export function dialog(title, body, submitLabel, onsubmit) {
  const alert = formAlert();
  const form = h('form', { method: 'dialog', novalidate: true }, alert, body,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, submitLabel),
      h('button', { type: 'button', value: 'cancel', onclick: () => modal.close() }, 'Cancel')));
  const headingId = `dlg-${Math.random().toString(36).slice(2)}`;
  const modal = h('dialog', { 'aria-labelledby': headingId }, h('h2', { id: headingId }, title), form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblems(form);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await onsubmit(values(form), form);
      modal.close();
    } catch (problem) {
      showProblem(form, problem);
    } finally {
      button.disabled = false;
    }
  });
  modal.addEventListener('close', () => modal.remove());
  document.body.append(modal);
  modal.showModal();
  return modal;
}

/** A table with a caption and column headers; rows are arrays of cells. */
export function table(caption, headers, rows, { empty = 'Nothing to show.', captionHidden = false } = {}) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { class: captionHidden ? 'visually-hidden' : null }, caption),
    h('thead', {}, h('tr', {}, headers.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => (r instanceof Node ? r : h('tr', {}, r.map((c) => h('td', {}, c))))))));
}

/** Definition list from [term, value] pairs. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([term, value]) => [h('dt', {}, term), h('dd', {}, value ?? '—')]));
}

export function heading(text, ...extra) {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, text), extra);
}

/** A problem shown in place of a screen's content. */
export function failure(problem) {
  return h('div', { class: 'notice notice-error', role: 'alert' }, h('p', {}, problem.message || String(problem)));
}

export const label = (code) => (code ? String(code).toLowerCase().replaceAll('_', ' ') : '—');
