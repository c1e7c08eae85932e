// Messages about the link or a host's tconv:set (state.messages): each an alert that can be dismissed.
import { el } from '../dom.js';

export function render(box, ctx) {
  const messages = ctx.state.messages;
  box.replaceChildren(...messages.map((m, i) => el('p', { role: 'alert', class: 'message' }, m,
    el('button', {
      type: 'button', class: 'dismiss', 'aria-label': 'Dismiss message',
      onclick: () => ctx.set({ messages: ctx.peek().messages.filter((_, k) => k !== i) }),
    }, '×'))));
}
