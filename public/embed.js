/*
 * Puts an organisation's privacy portal into a page of its own site.
 *
 *   <script src="https://privacy.example.com/embed.js" data-org="demo"
 *           data-lang="nb" data-path="/new" defer></script>
 *
 * The iframe goes where the script is (or into the element whose id is
 * given in data-target) and takes the height its content reports. Messages
 * are believed only from the portal's own origin and from this iframe.
 * The site's origin must be listed in the organisation's embed_origins,
 * or the browser refuses to show the portal in the frame.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.dataset.org) return;
  var portal = new URL(script.src).origin;
  var src = new URL('/embed/' + encodeURIComponent(script.dataset.org) + (script.dataset.path || ''), portal);
  if (script.dataset.lang) src.searchParams.set('lang', script.dataset.lang);

  var frame = document.createElement('iframe');
  frame.src = src.href;
  frame.title = script.dataset.title || 'Privacy portal';
  frame.setAttribute('allow', 'clipboard-write');
  frame.style.cssText = 'display:block;width:100%;min-height:32rem;border:0;';

  var target = script.dataset.target && document.getElementById(script.dataset.target);
  if (target) target.appendChild(frame);
  else script.parentNode.insertBefore(frame, script.nextSibling);

  window.addEventListener('message', function (event) {
    if (event.origin !== portal || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== 'privacy-portal:height') return;
    var height = Number(data.height);
    if (isFinite(height) && height > 0 && height < 100000) {
      frame.style.height = Math.ceil(height) + 'px';
      frame.dataset.resized = 'true';
    }
  });
})();
