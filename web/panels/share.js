// The share bar and its dialog: Copy link, Embed (what to paste for each kind of host, web/snippets.js: a frame, a
// mark for the host script, a Hugo shortcode, a Jekyll include, or a picture + link), Code (scrolls to "The same
// layer in …", web/panels/frameworks.js), and SVG / PNG of the current view (web/figure.js draws it from the store's
// derived values, never from the page's layout). Nothing here is drawn per change: the dialog fills when opened.
import * as S from '../state.js';
import { embedSnippet, hostSnippet, hugoSnippet, jekyllSnippet, pictureMarkdown } from '../snippets.js';
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
 * svg() (the current view's figure, or null before the first result), title() (the figure's one-line title)}.
 */
export function wire(doc, ctx) {
  const $ = (id) => doc.getElementById(id);
  $('b-copy-link').addEventListener('click', () => copyText(doc, ctx.link(), $('share-status'), 'Link'));
  for (const b of doc.querySelectorAll('dialog [data-close]')) b.addEventListener('click', () => $(b.dataset.close).close());

  const name = () => `conv_transpose${ctx.peek().dims || 2}d_${ctx.peek().view}`;
  const folder = () => `${location.origin}${location.pathname.replace(/[^/]*$/, '')}`;
  /** The state the embed shows: the page's, with the dialog's choice of controls and views. */
  const embedState = (embed) => {
    const chosen = $('embed-controls').value;
    const views = [...$('embed-views').querySelectorAll('input:checked')].map((i) => i.value);
    return {
      ...S.pick(ctx.peek()), embed, controls: chosen === 'compact' ? null : chosen,
      views: views.length === S.VIEWS.length || views.length === 0 ? null : views,
    };
  };
  const FORMS = {
    html: { label: 'HTML', hint: 'The frame, and a few lines of script that size it to its content.' },
    script: {
      label: 'HTML',
      hint: 'A mark for the host script embed.js, which makes it a lazy, titled frame sized to its content (the link stays for readers without scripts). Include the script once per page; in WordPress, paste this into a Custom HTML block.',
    },
    hugo: { label: 'Hugo shortcode', hint: () => `Needs embed/hugo/layouts/shortcodes/tconv.html in your site's layouts/shortcodes/, and params.tconv = "${folder()}" in its config.` },
    jekyll: { label: 'Jekyll include', hint: () => `Needs embed/jekyll/_includes/tconv.html in your site's _includes/, and tconv: ${folder()} in its _config.yml.` },
    picture: {
      label: 'Markdown',
      hint: () => `For hosts that strip frames: save the picture (${name()}.png) next to your post; it links to this state. GitHub shows the SVG too; on Medium and Substack, upload the PNG and link it.`,
    },
  };
  const fillEmbed = () => {
    const format = $('embed-format').value;
    const src = `${location.origin}${location.pathname}${S.serialize(embedState(true))}`;
    const params = S.toParams(embedState(false));
    $('embed-snippet').value = {
      html: () => embedSnippet(src),
      script: () => hostSnippet(folder(), S.serialize(embedState(false))),
      hugo: () => hugoSnippet(params),
      jekyll: () => jekyllSnippet(params),
      picture: () => pictureMarkdown(ctx.title() || 'Transposed convolution', `${name()}.png`, ctx.link()),
    }[format]();
    const form = FORMS[format];
    $('embed-snippet-label').textContent = `${form.label} to paste into your post`;
    $('embed-format-hint').textContent = typeof form.hint === 'function' ? form.hint() : form.hint;
    // a picture has neither controls nor tabs
    for (const id of ['embed-png', 'embed-svg']) $(id).hidden = format !== 'picture';
    for (const id of ['embed-controls', 'embed-views']) $(id).closest('.dialog-option').hidden = format === 'picture';
    $('embed-preview').href = src;
  };
  $('b-embed').addEventListener('click', () => { fillEmbed(); $('embed-dialog').showModal(); });
  for (const id of ['embed-format', 'embed-controls', 'embed-views']) $(id).addEventListener('change', fillEmbed);
  $('embed-copy').addEventListener('click', () => copyText(doc, $('embed-snippet').value, $('embed-status'), 'Snippet'));

  // The code lives in its own panel below the views; the button brings it into sight.
  $('b-code').addEventListener('click', () => {
    const panel = $('frameworks');
    panel.scrollIntoView({ block: 'start' });
    panel.focus({ preventScroll: true });
  });

  const saveSVG = () => {
    const svg = ctx.svg();
    if (svg) download(`${name()}.svg`, svg, 'image/svg+xml');
  };
  const savePNG = (status) => async () => {
    const svg = ctx.svg();
    if (!svg) return;
    try {
      download(`${name()}.png`, await svgToPNG(svg), 'image/png');
    } catch (e) {
      $(status).textContent = `PNG export failed: ${e.message}`;
    }
  };
  $('b-svg').addEventListener('click', saveSVG);
  $('b-png').addEventListener('click', savePNG('share-status'));
  $('embed-svg').addEventListener('click', saveSVG);
  $('embed-png').addEventListener('click', savePNG('embed-status'));
}
