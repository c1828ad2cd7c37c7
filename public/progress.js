// Keeps a tracking page's progress current while the organisation's data
// sources are asked, without a reload and without the WebAssembly: every
// few seconds it fetches the same page and puts its progress list in place
// of this one. Once the page has no progress any more (everything is in),
// it loads the page anew to show the result, unless the reader is writing
// a message. Without JavaScript a meta refresh in <noscript> does the same.
(function () {
  var section = document.getElementById('progress');
  if (!section || !window.fetch || !window.DOMParser) return;
  var every = 4000;
  function writing() {
    return Array.prototype.some.call(document.querySelectorAll('textarea'), function (t) {
      return t.value.trim() !== '';
    });
  }
  function poll() {
    fetch(location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return setTimeout(poll, every * 2);
        var next = new DOMParser().parseFromString(html, 'text/html').getElementById('progress');
        if (!next) {
          if (!writing()) location.reload();
          return;
        }
        var list = section.querySelector('ul');
        var fresh = next.querySelector('ul');
        if (list && fresh && list.innerHTML !== fresh.innerHTML) list.innerHTML = fresh.innerHTML;
        setTimeout(poll, every);
      })
      .catch(function () { setTimeout(poll, every * 2); });
  }
  setTimeout(poll, every);
})();
