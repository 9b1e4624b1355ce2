// Subscribing to notices of material changes (double opt-in): the form asks for a confirmation
// link; the links in the mails come back here with the token in the fragment, which never reaches
// a server log, and the page posts it to the API.

const outcome = document.getElementById('outcome');
const form = document.getElementById('subscribe');
const emailError = document.getElementById('email-error');

function say(text) {
  outcome.textContent = text;
}

async function post(path, body) {
  const response = await fetch(`../api/public/documents/subscriptions${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  return { ok: response.ok, answer };
}

async function followLink() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.has('language')) form.language.value = params.get('language') === 'de' ? 'de' : 'en';
  for (const [key, path] of [['confirm', '/confirmation'], ['unsubscribe', '/cancellation']]) {
    if (params.has(key)) {
      form.hidden = true;
      const { ok, answer } = await post(path, { token: params.get(key) });
      say(ok ? answer.message : (answer.detail || 'This link did not work. Please subscribe again.'));
      history.replaceState(null, '', location.pathname);
      return;
    }
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  emailError.textContent = '';
  form.email.removeAttribute('aria-invalid');
  const { ok, answer } = await post('', { email: form.email.value.trim(), language: form.language.value });
  if (ok) {
    form.hidden = true;
    say(answer.message);
    return;
  }
  const field = (answer.errors || []).find((e) => e.field === 'email');
  if (field || answer.status === 422) {
    emailError.textContent = field ? field.message : (answer.detail || 'Please check the address.');
    form.email.setAttribute('aria-invalid', 'true');
    form.email.focus();
  } else {
    say(answer.detail || 'Something went wrong; please try again later.');
  }
});

window.addEventListener('hashchange', followLink);
followLink();
