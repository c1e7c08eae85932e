// The host script for blogs and docs (dist/embed.js; a classic script, not one of the page's modules). A page
// includes it once and marks where a playground goes:
//
//   <div data-tconv="?in=4&k=4&s=2&p=1"><a href="https://HOST/tconv/?in=4&k=4&s=2&p=1">Open the playground</a></div>
//   <a class="tconv" href="https://HOST/tconv/?in=4&k=4&s=2&p=1">Open the playground</a>
//   <script async src="https://HOST/tconv/embed.js"></script>
//
// Each mark becomes a lazy-loaded iframe of the playground in embed mode (embed=1 is added), with a title (data-title,
// else the link's text), that takes its content's height from the frame's tconv:resize messages. Only messages from
// its own frames count, and only a finite height is used. A data-tconv query is read relative to the playground beside
// this script; a full link is used as it is. Until the script runs, or without scripts, the link is what readers get.
// Each frame re-dispatches its tconv:state message as a 'tconv:state' event ({detail: {link, state}}) on the iframe.
// window.tconvEmbed.scan() converts marks added later (a page that loads content itself).
(() => {
  if (window.tconvEmbed) {
    window.tconvEmbed.scan();
    return;
  }
  const TITLE = 'Transposed convolution playground';
  const MIN_HEIGHT = 120;
  const MAX_HEIGHT = 8000;
  const here = (document.currentScript && document.currentScript.src) || location.href;
  const playground = new URL('index.html', here);
  const frames = new Set();

  /** The frame's address: the mark's link (relative to the playground beside this script), in embed mode. */
  const srcOf = (mark) => {
    const url = new URL(mark.getAttribute(mark.tagName === 'A' ? 'href' : 'data-tconv') || '', playground);
    // appended as text: URLSearchParams would re-encode the link's own commas and colons
    if (!/(^|&)embed=/.test(url.search.slice(1))) url.search = url.search.length > 1 ? `${url.search}&embed=1` : '?embed=1';
    return url.href;
  };

  const convert = (mark) => {
    const frame = document.createElement('iframe');
    frame.src = srcOf(mark);
    frame.title = mark.getAttribute('data-title') || mark.textContent.trim() || TITLE;
    frame.loading = 'lazy';
    frame.className = 'tconv-frame';
    // until the frame says its height: about what a compact embed needs at a blog's column width
    Object.assign(frame.style, { display: 'block', width: '100%', maxWidth: '800px', height: '560px', border: '0' });
    frames.add(frame);
    if (mark.tagName === 'A') mark.replaceWith(frame);
    else mark.replaceChildren(frame);
  };

  const scan = (root = document) => {
    for (const mark of root.querySelectorAll('[data-tconv], a.tconv')) {
      if (mark.hasAttribute('data-tconv-done')) continue;
      mark.setAttribute('data-tconv-done', '');
      convert(mark);
    }
  };

  addEventListener('message', (ev) => {
    const msg = ev.data;
    if (!msg || typeof msg !== 'object') return;
    let frame = null;
    for (const f of frames) if (f.contentWindow && ev.source === f.contentWindow) frame = f;
    if (!frame) return;
    if (msg.type === 'tconv:resize' && typeof msg.height === 'number' && Number.isFinite(msg.height)) {
      frame.style.height = `${Math.round(Math.min(Math.max(msg.height, MIN_HEIGHT), MAX_HEIGHT))}px`;
    } else if (msg.type === 'tconv:state' && typeof msg.link === 'string') {
      frame.dispatchEvent(new CustomEvent('tconv:state', { bubbles: true, detail: { link: msg.link, state: msg.state } }));
    }
  });

  window.tconvEmbed = { scan: () => scan() };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => scan());
  else scan();
})();
