// The share bar and its dialog: Copy link, Embed (a ready-to-paste <iframe> of this state), Code (scrolls to "The same
// layer in …", web/panels/frameworks.js), and SVG / PNG of the current view (web/figure.js draws it from the store's
// derived values, never from the page's layout). Nothing here is drawn per change: the dialog fills when opened.
import * as S from '../state.js';
import { embedSnippet } from '../frame.js';
import { svgToPNG, download } from '../save.js';
import { el } from '../dom.js';

/** Clipboard with a fallback for browsers or contexts without the async Clipboard API. */
export async function copyText(doc, text, status, what) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = `${what} copied`;
  } catch {
    const area = el('textarea', { class: 'offscreen', 'aria-hidden': 'true' });
    area.value = text;
    doc.body.append(area);
    area.select();
    const ok = doc.execCommand && doc.execCommand('copy');
    area.remove();
    status.textContent = ok ? `${what} copied` : 'Copying failed: select the text and copy it by hand';
  }
  clearTimeout(status.clearTimer);
  status.clearTimer = setTimeout(() => { status.textContent = ''; }, 4000);
}

/**
 * Wires the share bar and dialogs once. ctx: {peek() (the state now), link() (the share link, written first),
 * svg() (the current view's figure, or null before the first result)}.
 */
export function wire(doc, ctx) {
  const $ = (id) => doc.getElementById(id);
  $('b-copy-link').addEventListener('click', () => copyText(doc, ctx.link(), $('share-status'), 'Link'));
  for (const b of doc.querySelectorAll('dialog [data-close]')) b.addEventListener('click', () => $(b.dataset.close).close());

  const embedSource = () => {
    const chosen = $('embed-controls').value;
    const views = [...$('embed-views').querySelectorAll('input:checked')].map((i) => i.value);
    const st = {
      ...S.pick(ctx.peek()), embed: true, controls: chosen === 'compact' ? null : chosen,
      views: views.length === S.VIEWS.length || views.length === 0 ? null : views,
    };
    return `${location.origin}${location.pathname}${S.serialize(st)}`;
  };
  const fillEmbed = () => {
    const src = embedSource();
    $('embed-snippet').value = embedSnippet(src);
    $('embed-preview').href = src;
  };
  $('b-embed').addEventListener('click', () => { fillEmbed(); $('embed-dialog').showModal(); });
  $('embed-controls').addEventListener('change', fillEmbed);
  $('embed-views').addEventListener('change', fillEmbed);
  $('embed-copy').addEventListener('click', () => copyText(doc, $('embed-snippet').value, $('embed-status'), 'Snippet'));

  // The code lives in its own panel below the views; the button brings it into sight.
  $('b-code').addEventListener('click', () => {
    const panel = $('frameworks');
    panel.scrollIntoView({ block: 'start' });
    panel.focus({ preventScroll: true });
  });

  const name = () => `conv_transpose${ctx.peek().dims || 2}d_${ctx.peek().view}`;
  $('b-svg').addEventListener('click', () => {
    const svg = ctx.svg();
    if (svg) download(`${name()}.svg`, svg, 'image/svg+xml');
  });
  $('b-png').addEventListener('click', async () => {
    const svg = ctx.svg();
    if (!svg) return;
    try {
      download(`${name()}.png`, await svgToPNG(svg), 'image/png');
    } catch (e) {
      $('share-status').textContent = `PNG export failed: ${e.message}`;
    }
  });
}
