// The page's status: the configuration error (the last valid result stays, greyed), the line that says a big
// configuration is being computed in the background, and the page's mode (embed=1, controls=…).
import { sizeOf } from '../model.js';

export function render(doc, ctx) {
  const st = ctx.state;
  const shown = ctx.get('shown');
  const { first } = ctx.get('errors');
  const err = doc.getElementById('config-error');
  err.hidden = !first;
  const errText = first ? `${first}. ${shown.model ? 'Showing the last valid result (greyed).' : ''}` : '';
  if (err.textContent !== errText) err.textContent = errText;
  const stale = Boolean(first) && Boolean(shown.model);
  doc.getElementById('views').classList.toggle('stale', stale);
  doc.getElementById('gradient').classList.toggle('stale', stale);

  const busy = doc.getElementById('busy');
  busy.hidden = !shown.pending;
  doc.getElementById('views').classList.toggle('computing', shown.pending);
  const P = shown.params;
  const work = P ? sizeOf(P).work : 0;
  const busyText = shown.pending && P
    ? `Computing the ${[P.Cout, ...P.outSize].join('×')} output (${work.toLocaleString('en-US')} multiply-adds) in the background`
      + `${shown.model ? '; the greyed result below is the previous one' : ''}. The controls stay usable.`
    : '';
  if (busy.textContent !== busyText) busy.textContent = busyText;

  const controls = st.controls || (st.embed ? 'compact' : 'full');
  const body = doc.body.classList;
  body.toggle('embed', st.embed);
  for (const c of ['none', 'compact', 'full']) body.toggle(`controls-${c}`, controls === c);
}
