// What to paste for each kind of host, written from the current state (the Embed dialog, web/panels/share.js). The
// files in embed/ are the same forms with an example state; README's "Embedding" says where each goes.
//
//   html      any HTML page: the frame, and a few lines of script that size it from tconv:resize
//   script    any HTML page, WordPress "Custom HTML": a mark for the host script embed.js (sized, lazy, titled frames)
//   hugo      the Hugo shortcode of embed/hugo/layouts/shortcodes/tconv.html
//   jekyll    the Jekyll include of embed/jekyll/_includes/tconv.html
//   picture   GitHub, Medium, Substack (no frames): the figure as a picture that links to the playground, in Markdown

export const FORMATS = Object.freeze(['html', 'script', 'hugo', 'jekyll', 'picture']);
const TITLE = 'Transposed convolution playground';

const attr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The frame and the script that sizes it. The script checks that the message comes from this frame and that the
 * height is a number.
 */
export function embedSnippet(src, id = 'tconv-embed') {
  return `<iframe id="${id}" src="${attr(src)}" title="${TITLE}"
  style="width:100%;max-width:800px;height:560px;border:0" loading="lazy"></iframe>
<script>
addEventListener('message', function (e) {
  var f = document.getElementById('${id}');
  if (f && e.source === f.contentWindow && e.data && e.data.type === 'tconv:resize' && typeof e.data.height === 'number') {
    f.style.height = Math.min(Math.max(e.data.height, 120), 4000) + 'px';
  }
});
</script>`;
}

/** A mark for the host script, and the script: base is the playground's folder ("https://…/tconv/"). */
export function hostSnippet(base, query) {
  return `<div data-tconv="${attr(query)}" data-title="${TITLE}">
  <a href="${attr(`${base}${query}`)}">Open the transposed convolution playground</a>
</div>
<script async src="${attr(`${base}embed.js`)}"></script>`;
}

/** A shortcode's or include's named parameters: the link's parameters as text, quotes left out. */
const named = (params) => Object.entries(params).map(([k, v]) => `${k}="${String(v).replace(/["\\{}%]/g, '')}"`).join(' ');

/** params: the share link's parameters as {key: text} (web/state.js toParams). */
export const hugoSnippet = (params) => `{{< tconv ${named(params)} >}}`;
export const jekyllSnippet = (params) => `{% include tconv.html ${named(params)} %}`;

/** A picture (the figure, saved next to the post) that links to the playground: [![alt](file)](link). */
export function pictureMarkdown(alt, file, link) {
  const text = String(alt).replace(/([\\[\]])/g, '\\$1');
  return `[![${text}](${file})](${String(link).replace(/[()\s]/g, encodeURIComponent)})`;
}
