// Starts the first requests of a cold load while the app's code is still downloading and compiling: who is signed
// in, and, on the landing page (/ or /numbers without filters), its first page of numbers. The app takes these
// answers instead of asking again (web/src/lib/boot-fetch.ts: exact URL, once, within 10 s, 2xx only; anything else
// is asked again normally), so they save the request chain that used to start only after the entry had run
// (docs/performance.md). The URLs must be the ones the app builds; web/src/lib/boot-fetch.test.ts checks that.
// (A file, not an inline script: the Content-Security-Policy allows scripts from 'self' only. Added to index.html by
// the build only when the API is on the same origin.)
(function () {
  if (window.__bootFetch || typeof fetch !== 'function') return;
  var requests = {};
  var init = {
    credentials: 'same-origin',
    headers: { Accept: 'application/vnd.api+json, application/json' },
  };
  function start(path) {
    requests[path] = fetch(path, init).catch(function () {
      return null;
    });
  }
  window.__bootFetch = { started: performance.now(), requests: requests };
  start('/auth/me');
  var path = location.pathname.replace(/\/+$/, '') || '/';
  if ((path === '/' || path === '/numbers') && location.search === '') {
    start('/api/v2/numbers?limit=50&offset=0');
  }
})();
