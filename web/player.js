// Step-through controls shared by the scatter and padded-direct views: step back, play/pause, step, scrub, speed.
// The position lives in the store (state.step, in the link; null means everything is shown) and so does playing;
// web/app.js's clock advances the step while playing. This only draws the controls and says what was asked.
import { el, listen } from './dom.js';

const SPEEDS = [['0.5', 'Slow'], ['1', 'Normal'], ['3', 'Fast']];

/** Milliseconds per step at a speed ('0.5' | '1' | '3'). */
export const stepMs = (speed) => 700 / Number(speed || 1);

/**
 * The controls for t of total steps shown (t = total: all). set(partial) is the store's: it gets {step} (null for
 * all), {playing} and {speed}.
 */
export function player({ t, total, playing, speed, noun }, set) {
  const go = (n) => {
    const step = Math.max(0, Math.min(total, n));
    set({ step: step >= total ? null : step, playing: false });
  };
  const box = el('div', { class: 'player', role: 'group', 'aria-label': `Step through ${noun}` });
  box.append(
    el('button', { type: 'button', 'data-focus': 'back', 'aria-label': 'Step back', onclick: () => go(t - 1) }, '◀ Back'),
    el('button', {
      type: 'button', 'data-focus': 'play', 'aria-label': playing ? 'Pause' : 'Play',
      // Play from the start when everything is shown already.
      onclick: () => (playing ? set({ playing: false }) : set({ playing: true, step: t >= total ? 0 : t })),
    }, playing ? '❚❚ Pause' : '▶ Play'),
    el('button', { type: 'button', 'data-focus': 'fwd', 'aria-label': 'Step forward', onclick: () => go(t + 1) }, 'Step ▶'),
  );
  const scrub = el('input', {
    type: 'range', min: 0, max: total, value: t, 'data-focus': 'scrub', 'aria-label': `Position (${noun})`,
    'aria-valuetext': t >= total ? 'all' : `${t} of ${total}`,
  });
  listen(scrub, 'input', (ev) => go(Number(ev.currentTarget.value)));
  const speedBox = el('select', { 'data-focus': 'speed', 'aria-label': 'Speed' },
    SPEEDS.map(([v, label]) => el('option', { value: v, selected: String(speed || '1') === v }, label)));
  listen(speedBox, 'change', (ev) => set({ speed: ev.currentTarget.value }));
  box.append(scrub, speedBox, el('span', { class: 'pos' }, t >= total ? `all ${total}` : `${t} / ${total}`));
  return box;
}
