/*
 * Runs inside /embed/{org}/… pages: tells the parent page how tall the
 * content is, so embed.js can size the iframe without a scroll bar. It
 * speaks only to a parent whose origin the organisation allows
 * (data-parent-origins, the same list as the CSP frame-ancestors).
 */
(function () {
  'use strict';
  if (window.parent === window) return;
  var script = document.currentScript;
  var allowed = ((script && script.dataset.parentOrigins) || '').split(' ').filter(Boolean);
  var parentOrigin =
    (location.ancestorOrigins && location.ancestorOrigins[0]) ||
    (document.referrer ? new URL(document.referrer).origin : '');
  if (allowed.indexOf(parentOrigin) < 0) return;
  var last = 0;
  function report() {
    var height = document.documentElement.scrollHeight;
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'privacy-portal:height', height: height }, parentOrigin);
  }
  if ('ResizeObserver' in window) new ResizeObserver(report).observe(document.body || document.documentElement);
  window.addEventListener('load', report);
  document.addEventListener('DOMContentLoaded', report);
  report();
})();
