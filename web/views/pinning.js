// What every view's grids do when they are picked: pin an output cell (the state's cell), an input cell, a kernel
// tap or an entry of C (the state's pin), or unpin (Escape); and the sentence that says what a pin of an input cell,
// a tap or an entry shows (from web/derive.js's 'highlight', which asks engine.influence). No computing here.
import { el } from '../dom.js';
import { spatial } from '../plane.js';

/**
 * The pin actions of a view (ctx: web/app.js's view context, P: the model's params). x and w take a plane position,
 * its depth (3-D) and, when the grid draws another channel than the shown one, the channels ([ci] or [ci, col]).
 */
export function pinActions(ctx, P) {
  const at = (tensor, i, j, z, channel) => ctx.set({ pin: { tensor, channel: channel || null, index: spatial(P, i, j, z || 0) } });
  return {
    x: (i, j, z, channel) => at('x', i, j, z, channel),
    w: (i, j, z, channel) => at('w', i, j, z, channel),
    y: (r, c) => ctx.set({ cell: [r, c] }),
    entry: (i, o) => ctx.set({ pin: { tensor: 'C', channel: null, index: [i, o] } }),
    clear: () => ctx.set({ cell: null, pin: null }),
  };
}

/** The sentence of a pin that is not an output cell (whose sum the explanation writes out); hidden when there is none. */
export function pinNote(h) {
  // Always there (hidden when nothing is pinned), so a screen reader's live region exists before its first change.
  return el('p', { class: 'pin-note', 'data-testid': 'pin-note', 'aria-live': 'polite', hidden: !h.sentence }, h.sentence || '');
}

/** The pinned plane cell of a highlight's pinX / pinW when it is drawn at this depth, else null. */
export const pinnedAt = (p, depth = 0) => (p && p.depth === depth ? p.at : null);
