// Click-and-type editors for the shown slices of x and w, built only while their <details> is open: a closed one
// showed nothing for the ~80 inputs it rebuilt on every new value (their styles alone cost milliseconds).
import { el, figure } from '../dom.js';
import { renderInto, keepFocus } from '../morph.js';
import { num } from '../format.js';
import { spatial } from '../plane.js';

/** Beyond this many cells a slice is not edited one value at a time (a pasted list replaces it). */
const MAX_EDITED = 400;

export function render(box, ctx) {
  const boxX = box.querySelector('#edit-x'), boxW = box.querySelector('#edit-w');
  const open = ctx.state.editorsOpen;
  const m = open ? ctx.get('shown').model : null;
  if (!m) {
    boxX.replaceChildren();
    boxW.replaceChildren();
    return;
  }
  const P = m.params;
  const ci = ctx.state.ci, co = ctx.state.co;
  const cl = co % P.Cog;
  const chan = P.Cin > 1 || P.Cout > 1;
  const editor = (key, rows, cols, offset, name, title) => {
    if (rows * cols > MAX_EDITED) return el('p', { class: 'hint' }, `${title}: too many cells to edit one by one; paste a list above.`);
    const t = key === 'x' ? m.input : m.weight;
    const g = el('div', { class: 'editor', style: { gridTemplateColumns: `repeat(${cols}, 3.2em)` } });
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
      const q = offset + i * cols + j;
      g.append(el('input', {
        value: num(t.data[q]).replace('−', '-'), 'aria-label': name(i, j), inputmode: 'decimal', 'data-focus': `${key}-${q}`,
        onchange: (ev) => {
          const text = ev.currentTarget.value.trim().replace('−', '-');
          const v = Number(text);
          const fieldErrors = { ...ctx.peek().fieldErrors };
          if (text === '' || !Number.isFinite(v)) {
            ctx.set({ fieldErrors: { ...fieldErrors, [key]: `${name(i, j)} is "${ev.currentTarget.value}" but must be a number` } });
            return;
          }
          delete fieldErrors[key];
          const values = Array.from(t.data);
          values[q] = v;
          ctx.set({ [key]: { kind: 'list', values }, fieldErrors });
        },
      }));
    }
    return figure(title, g);
  };
  // The drawn plane: a 1-D layer's one row, a 3-D layer's first depth slice (web/plane.js names the cells).
  const ix = (a, b) => spatial(P, a, b, 0).join(',');
  const depth = P.rank === 3 ? ', depth 0' : '';
  keepFocus(box, () => {
    renderInto(boxX, (root) => root.append(editor('x', P.H, P.W, ci * P.D * P.H * P.W, (i, j) => (chan ? `x[${ci},${ix(i, j)}]` : `x[${ix(i, j)}]`),
      `Input x${chan ? ` (channel ${ci}${depth})` : depth ? ` (${depth.slice(2)})` : ''}`)));
    renderInto(boxW, (root) => root.append(editor('w', P.kH, P.kW, (ci * P.Cog + cl) * P.kD * P.kH * P.kW,
      (i, j) => (chan ? `w[${ci},${cl},${ix(i, j)}]` : `w[${ix(i, j)}]`), `Kernel w${chan ? `[${ci},${cl}]` : ''}${depth ? ` (${depth.slice(2)})` : ''}`)));
  });
}

export function wire(box, ctx) {
  box.addEventListener('toggle', () => ctx.set({ editorsOpen: box.open }));
}
