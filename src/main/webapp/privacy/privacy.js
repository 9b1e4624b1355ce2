// The public request page: files a request, then confirms it with the emailed code.
// No personal data is kept in the browser beyond the page's life.
(function () {
  'use strict';
  var requestId = null;

  function $(id) { return document.getElementById(id); }

  function clearErrors() {
    document.querySelectorAll('.error').forEach(function (e) { e.textContent = ''; });
  }

  function showProblem(problem, fallback) {
    var target = problem && problem.field && $(problem.field + '-error');
    (target || $(fallback)).textContent = (problem && problem.detail) || 'Something went wrong; please try again.';
  }

  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json, application/problem+json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.text().then(function (text) {
        var json = text ? JSON.parse(text) : {};
        if (!response.ok) { throw json; }
        return json;
      });
    });
  }

  $('type').addEventListener('change', function () {
    $('scope-field').hidden = $('type').value !== 'CONSENT_WITHDRAWAL';
  });

  $('request-form').addEventListener('submit', function (event) {
    event.preventDefault();
    clearErrors();
    var body = { type: $('type').value, email: $('email').value.trim(), region: $('region').value };
    if ($('details').value.trim()) { body.details = $('details').value.trim(); }
    if (body.type === 'CONSENT_WITHDRAWAL') { body.consentScope = $('consentScope').value.trim() || null; }
    $('submit').disabled = true;
    post('../api/public/requests', body).then(function (filed) {
      requestId = filed.requestId;
      $('reference').textContent = filed.reference;
      $('filed-message').textContent = filed.message;
      if (filed.promptContent) {
        $('content-statement').textContent = filed.promptContent.statement;
        filed.promptContent.providers.forEach(function (p) {
          var item = document.createElement('li');
          item.textContent = p.name + ': ' + p.note;
          $('providers').appendChild(item);
        });
        $('content-note').hidden = false;
      }
      $('request-form').hidden = true;
      $('confirm').hidden = false;
      $('code').focus();
    }).catch(function (problem) {
      showProblem(problem, 'form-error');
    }).finally(function () {
      $('submit').disabled = false;
    });
  });

  $('code-form').addEventListener('submit', function (event) {
    event.preventDefault();
    clearErrors();
    post('../api/public/requests/' + encodeURIComponent(requestId) + '/verification', { code: $('code').value.trim() })
      .then(function (confirmed) {
        $('done-reference').textContent = confirmed.reference;
        $('confirm').hidden = true;
        $('done').hidden = false;
      }).catch(function (problem) {
        showProblem(problem, 'code-error');
      });
  });
}());
