// The download page: the token is in the URL's fragment (never sent to a server in a request line
// or a Referer), a fresh code is mailed, and the ZIP is fetched once and handed to the browser.
(function () {
  'use strict';
  var token = window.location.hash.replace(/^#/, '');

  function $(id) { return document.getElementById(id); }

  function show(problem, fallback) {
    var target = problem && problem.field && $(problem.field + '-error');
    (target || $(fallback)).textContent = (problem && problem.detail) || 'Something went wrong; please try again.';
  }

  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/zip, application/problem+json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (text) { throw (text ? JSON.parse(text) : {}); });
      }
      return response;
    });
  }

  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) {
    $('send-code').disabled = true;
    $('token-error').textContent = 'This page needs the full link from your email.';
    return;
  }

  $('send-code').addEventListener('click', function () {
    $('token-error').textContent = '';
    $('send-code').disabled = true;
    post('../api/public/packages/code', { token: token }).then(function () {
      $('send').hidden = true;
      $('download-form').hidden = false;
      $('code').focus();
    }).catch(function (problem) {
      $('send-code').disabled = false;
      show(problem, 'token-error');
    });
  });

  $('download-form').addEventListener('submit', function (event) {
    event.preventDefault();
    $('code-error').textContent = '';
    $('download').disabled = true;
    post('../api/public/packages/download', { token: token, code: $('code').value.trim() }).then(function (response) {
      var disposition = response.headers.get('Content-Disposition') || '';
      var match = /filename="([^"]+)"/.exec(disposition);
      var name = match ? match[1] : 'my-data.zip';
      return response.blob().then(function (blob) {
        var a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = name;
        document.body.appendChild(a);
        a.click();
        $('filename').textContent = name;
        $('download-form').hidden = true;
        $('done').hidden = false;
        history.replaceState(null, '', window.location.pathname);
      });
    }).catch(function (problem) {
      $('download').disabled = false;
      show(problem, 'code-error');
    });
  });
}());
