// Step-through controls shared by the scatter and padded-direct views: step back, play/pause, step, scrub, speed.
// The view owns the position (st.t in 0..total, total = everything shown) and re-renders on each change; the timer
// lives in the view's state so it survives those re-renders, and stops itself once its view is gone.
import { el, listen } from './grid.js';

const SPEEDS = [['0.5', 'Slow'], ['1', 'Normal'], ['3', 'Fast']];

export function player(st, total, rerender, isAlive, noun) {
  const set = (t) => {
    st.t = Math.max(0, Math.min(total, t));
    if (st.t >= total) stop();
    rerender();
  };
  function stop() {
    clearInterval(st.timer);
    st.timer = null;
  }
  function start() {
    stop();
    if (st.t >= total) st.t = 0;
    const ms = 700 / Number(st.speed || 1);
    st.timer = setInterval(() => {
      if (!isAlive()) return stop();
      set(st.t + 1);
    }, ms);
    rerender();
  }
  const playing = Boolean(st.timer);
  const box = el('div', { class: 'player', role: 'group', 'aria-label': `Step through ${noun}` });
  box.append(
    el('button', { type: 'button', 'data-focus': 'back', 'aria-label': 'Step back', onclick: () => { stop(); set(st.t - 1); } }, '◀ Back'),
    el('button', {
      type: 'button', 'data-focus': 'play', 'aria-label': playing ? 'Pause' : 'Play',
      onclick: () => (playing ? (stop(), rerender()) : start()),
    }, playing ? '❚❚ Pause' : '▶ Play'),
    el('button', { type: 'button', 'data-focus': 'fwd', 'aria-label': 'Step forward', onclick: () => { stop(); set(st.t + 1); } }, 'Step ▶'),
  );
  const scrub = el('input', {
    type: 'range', min: 0, max: total, value: st.t, 'data-focus': 'scrub', 'aria-label': `Position (${noun})`,
    'aria-valuetext': st.t >= total ? 'all' : `${st.t} of ${total}`,
  });
  listen(scrub, 'input', (ev) => { stop(); set(Number(ev.currentTarget.value)); });
  const speed = el('select', { 'data-focus': 'speed', 'aria-label': 'Speed' },
    SPEEDS.map(([v, t]) => el('option', { value: v, selected: String(st.speed || '1') === v }, t)));
  listen(speed, 'change', (ev) => { st.speed = ev.currentTarget.value; if (st.timer) start(); });
  box.append(scrub, speed, el('span', { class: 'pos' }, st.t >= total ? `all ${total}` : `${st.t} / ${total}`));
  return box;
}
