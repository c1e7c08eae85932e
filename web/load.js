// What a link becomes when the page opens: its state, valid as a whole, and a message for everything that had to be
// dropped. web/state.js parses each parameter on its own; this checks them together with the engine's rules.
import * as S from './state.js';
import { validate } from './model.js';
import { PARAM_TO_KEY } from './derive.js';
import { foldPin, pinInside } from './pins.js';

/**
 * A link can be well-formed but invalid as a whole (op=2 with s=2). Drop the offending parameter back to its
 * default, say so, and try again: the valid rest of the link still applies and the page never starts blank.
 */
function repairLoadedState(engine, st, notes) {
  for (let attempt = 0; attempt < 16; attempt++) {
    try {
      return { st, checked: validate(engine, st) };
    } catch (e) {
      const key = PARAM_TO_KEY[e.parameter] || e.parameter;
      const reset = key in st ? [key] : Object.keys(st);
      notes.push(`${e.message} (link parameter ${reset.join(', ')}, ignored)`);
      const def = S.defaults(st.dims);
      for (const k of reset) st[k] = def[k];
      if (attempt === 15) Object.assign(st, S.defaults(st.dims));
    }
  }
  return { st, checked: validate(engine, st) };
}

/**
 * A link's pinned cell and channel pickers must fall inside its shapes: what does not is dropped with a message (once
 * the page runs, web/derive.js's normalize() keeps edits inside them quietly).
 */
function clampTo(st, P, notes) {
  const out = {};
  if (st.cell && (st.cell[0] >= P.Hout || st.cell[1] >= P.Wout)) {
    const where = P.rank === 1 ? `cell ${st.cell[1]} is outside the output of length ${P.Wout}` : `cell ${st.cell.join(',')} is outside the ${P.Hout}×${P.Wout} output${P.rank === 3 ? ' plane' : ''}`;
    notes.push(`${where} (link parameter cell, ignored)`);
    out.cell = null;
  }
  if (st.dz && (P.rank !== 3 || st.dz >= P.Dout)) {
    notes.push(P.rank === 3 ? `dz ${st.dz} is outside the output's ${P.Dout} depth slices (link parameter dz, ignored)` : `dz ${st.dz} is a depth slice, and a ${P.rank}-D layer has none (link parameter dz, ignored)`);
    out.dz = 0;
  }
  if (st.ci >= P.Cin) { notes.push(`ci ${st.ci} is not an input channel (link parameter ci, ignored)`); out.ci = 0; }
  if (st.co >= P.Cout) { notes.push(`co ${st.co} is not an output channel (link parameter co, ignored)`); out.co = 0; }
  return out;
}

/** Whether a pin's channel part names channels of the layer; a message when not. */
function pinChannelsInside(pin, P, notes) {
  const [a, b] = pin.channel;
  const bad = pin.tensor === 'w' ? (a >= P.Cin ? `input channel ${a}` : b >= P.Cog ? `output channel ${b} of a group (there are ${P.Cog})` : null)
    : pin.tensor === 'x' ? (a >= P.Cin ? `input channel ${a}` : null) : a >= P.Cout ? `output channel ${a}` : null;
  if (bad) notes.push(`pin ${pin.tensor}:${pin.channel.join(',')}:… names ${bad}, which the layer does not have (link parameter pin, ignored)`);
  return !bad;
}

/** search ("?in=4&k=4…") -> {state, messages}: the link's state made valid, and what was dropped and why. */
export function loadLink(engine, search) {
  const parsed = S.parse(search);
  const { st, checked } = repairLoadedState(engine, parsed.state, parsed.messages);
  // pin=y:… is the output cell (cell=); a pin's channel moves the channel pickers to it (web/pins.js foldPin)
  if (st.pin) {
    const P = checked.params;
    const where = pinInside(st.pin, P);
    if (st.pin.channel && !pinChannelsInside(st.pin, P, parsed.messages)) st.pin = null;
    else if (!where.inside) {
      parsed.messages.push(`${where.message} (link parameter pin, ignored)`);
      st.pin = null;
    } else foldPin(st, { pin: st.pin }, P.outSize);
  }
  Object.assign(st, clampTo(st, checked.params, parsed.messages));
  return { state: st, messages: parsed.messages };
}
