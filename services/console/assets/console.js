// Liên Thông console: live fragments over server-sent events. The server sends snapshots of escaped HTML
// (built by its `html` tag); elements with data-sse-swap="<event>" take them. EventSource reconnects by
// itself; the next snapshot brings the page up to date, so a dropped connection loses nothing.
(function () {
  'use strict';
  function swap(name, fragment) {
    document.querySelectorAll('[data-sse-swap="' + name + '"]').forEach(function (el) {
      el.innerHTML = fragment;
      document.dispatchEvent(new CustomEvent('console:swapped', { detail: { name: name, el: el } }));
    });
  }
  function connect() {
    var src = document.querySelector('[data-sse]');
    if (!src || typeof EventSource === 'undefined') return;
    var es = new EventSource(src.getAttribute('data-sse'));
    ['overview', 'activity'].forEach(function (name) {
      es.addEventListener(name, function (e) {
        swap(name, e.data);
      });
    });
    window.addEventListener('pagehide', function () {
      es.close();
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', connect);
  else connect();
})();
