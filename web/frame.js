// The frame protocol: the postMessage protocol between the playground in an <iframe> and the page that hosts it.
//
//   frame -> parent  {type: 'tconv:resize', height}       the content height in CSS px, whenever it changes
//   frame -> parent  {type: 'tconv:state', link, state}   after every change: the share link and its parameters
//                                                          as {key: text}, e.g. {in: '4', s: '2', view: 'scatter'}
//   parent -> frame  {type: 'tconv:set', state: {...}}    share-link parameters (text, or values as
//                                                          window.tconv.set takes them), applied like tconv.set
//
// WordPress embeds a page in <iframe sandbox="allow-scripts" src="…#?secret=abc">, and its wp-embed script sizes the
// frame from {message: 'height', value, secret} (and asks again with {message: 'ready', secret}). With such a
// fragment the frame sends that message too, and a clicked link as {message: 'link', value, secret}, which wp-embed
// opens (the frame itself may not open windows). The fragment is not state: the page's link leaves it out.
//
// Messages from any origin are accepted, as data only: each parameter goes through web/state.js's parser exactly like
// a link parameter, nothing is evaluated or inserted as markup, and nothing private is ever sent (targetOrigin '*').
import { toParams } from './state.js';

const MAX_KEYS = 64; // more keys than the schema has rows is not a state

const inFrame = () => window.parent !== window;

/** WordPress' secret in a fragment like "#?secret=abc", or null (any other fragment is not WordPress'). */
export function secretOf(hash) {
  const m = /^#\?(.*)$/s.exec(hash || '');
  const secret = m && new URLSearchParams(m[1]).get('secret');
  return secret && /^[\w-]{1,64}$/.test(secret) ? secret : null;
}

// Read once, as the page opens: app.js then writes the address without it.
const wpSecret = typeof location === 'object' ? secretOf(location.hash) : null;

/** The fragment the page's link keeps: any but WordPress' secret, which belongs to one frame and is no state. */
export const linkHash = (hash) => (secretOf(hash) ? '' : hash);

/** Start posting resize messages and listening for tconv:set; apply(partial) is window.tconv.set. */
export function startFrameMessaging(apply) {
  if (inFrame()) {
    let lastHeight = -1;
    const post = () => {
      // The <html> element's own box: scrollHeight would never shrink below the frame's current height.
      const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (height === lastHeight) return;
      lastHeight = height;
      window.parent.postMessage({ type: 'tconv:resize', height }, '*');
      if (wpSecret) window.parent.postMessage({ message: 'height', value: height, secret: wpSecret }, '*');
    };
    new ResizeObserver(post).observe(document.documentElement);
    // A frame outside the host's window is not rendered, so its ResizeObserver waits until it is scrolled to; a
    // change of its content (a panel filled in later) is measured anyway, once the changes of that moment are done.
    let pending = false;
    new MutationObserver(() => {
      if (pending) return;
      pending = true;
      setTimeout(() => { pending = false; post(); }, 50);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    post();
    if (wpSecret) {
      // WordPress' frame may not open a window (no allow-popups): wp-embed opens a link it is sent, on the same site.
      document.addEventListener('click', (ev) => {
        const a = ev.target instanceof Element && ev.target.closest('a[href]');
        if (!a || ev.defaultPrevented || a.hasAttribute('download')) return;
        ev.preventDefault();
        window.parent.postMessage({ message: 'link', value: a.href, secret: wpSecret }, '*');
      });
      window.addEventListener('message', (ev) => {
        const msg = ev.data;
        if (ev.source !== window.parent || !msg || msg.message !== 'ready' || msg.secret !== wpSecret) return;
        lastHeight = -1;
        post();
      });
    }
  }
  window.addEventListener('message', (ev) => {
    const msg = ev.data;
    if (!msg || typeof msg !== 'object' || msg.type !== 'tconv:set') return;
    const st = msg.state;
    if (!st || typeof st !== 'object' || Array.isArray(st)) {
      apply({}, ['tconv:set: state must be an object of share-link parameters, e.g. {s: "2"}']);
      return;
    }
    const keys = Object.keys(st);
    if (keys.length > MAX_KEYS) {
      apply({}, [`tconv:set: state has ${keys.length} parameters, more than the link has`]);
      return;
    }
    apply(Object.fromEntries(keys.map((k) => [k, st[k]])));
  });
}

let lastLink = null;
/** Tell the parent about a changed state (no message when nothing changed). */
export function postState(state, link) {
  if (!inFrame() || link === lastLink) return;
  lastLink = link;
  window.parent.postMessage({ type: 'tconv:state', link, state: toParams(state) }, '*');
}

