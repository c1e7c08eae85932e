// The guided lesson panel: one step at a time, it points at a figure, asks one question (a number to type or an
// output cell to pick), checks the answer against the engine's numbers (web/lesson-page.js's 'lesson page'), says what
// was right or wrong, and then shows the explanation with the real sum. ← and → move between steps, Enter checks;
// every step is a link (?lesson=<id>&lstep=<n>).
//
// render() draws the panel; stage() marks what the step is about (an outline around its figure) and hides what
// would give the answer away (blurred until answered), through one stylesheet of its own; follow() scrolls the
// figure into view when a step starts; wire() adds the keys. The answers live in the store (lessonTries, by step).
import { renderInto, keepFocus } from '../morph.js';
import { el, listen } from '../dom.js';
import { num, idx } from '../format.js';
import { LESSONS, judge } from '../lessons/index.js';
import { paragraphs } from './glossary.js';

/** What a step can point at (spotlight) or hide (curtain): a name -> the page's elements, as a selector. */
export const SPOTS = {
  'scatter-canvas': '.fig:has([data-grid="scatter-canvas"])',
  matrix: '#panel-matrix .matrix-wrap',
  'padded-direct-input': '.fig:has([data-grid="padded-direct-input"])',
  'padded-direct-rotated': '.fig:has(> [data-grid="padded-direct-rotated"])',
  'padded-direct-output': '.fig:has([data-grid="padded-direct-output"])',
  'subpixel-phases': '#panel-subpixel .phases',
  'subpixel-output': '.fig:has([data-grid="subpixel-output"])',
  // the shape panel, and what states the output's size in words: a view's lede, the matrix's sizes, the crop in
  // words, the captions of the figures that hold the output
  shape: '#shape, #views :is(.lede, .info, .crop-words), '
    + '#views figure:has([data-grid="scatter-canvas"], [data-grid$="-output"], [data-grid="padded-direct-input"]) > figcaption',
  sizes: '#sizes',
  gradient: '#gradient',
  explain: '#explain',
};
export const CURTAINS = {
  output: '[data-grid="scatter-canvas"], [data-grid="scatter-output"], [data-grid="matrix-output"], [data-grid="padded-direct-output"], '
    + '[data-grid="subpixel-output"], [data-grid^="subpixel-phase-"], [data-part="phase"] .equation, #panel-subpixel .interleave',
  explain: '#explain-body',
  // the shape panel, and what states the output's size in words: a view's lede, the matrix's sizes, the crop in
  // words, the captions of the figures that hold the output
  shape: '#shape, #views :is(.lede, .info, .crop-words), '
    + '#views figure:has([data-grid="scatter-canvas"], [data-grid$="-output"], [data-grid="padded-direct-input"]) > figcaption',
  sizes: '#sizes-body',
  gradient: '#gradient-body',
  rotated: '[data-grid="padded-direct-rotated"]',
  subkernels: '[data-grid="subpixel-kernel"], [data-grid^="subpixel-sub-"], [data-part="phase-taps"], [data-part="phase"] h3, '
    + '[data-part="phase"] .equation',
  diagnosis: '[data-part="diagnosis"], [data-grid="subpixel-overlap"]',
};
/** How the panel names what it hides. */
const CURTAIN_WORDS = {
  output: 'the output', explain: 'the explanation', shape: 'the output shape', sizes: 'the output-size panel',
  gradient: 'the gradient panel', rotated: 'the rotated kernel', subkernels: 'the sub-kernels', diagnosis: 'the diagnosis',
};

const FOCUS = Symbol('focus next'); // on the panel's box: which control to focus after the next render
const SEEN = Symbol('step seen'); // on the panel's box: the step whose figure was last scrolled to

/** An output cell as the page names it: y[r,c], or y[co,r,c] with channels. */
const yText = (page, [r, c]) => (page.channels ? `y${idx(page.co, r, c)}` : `y${idx(r, c)}`);

/** The panel's own link for a step (a share link: the rest of the state follows from the step). */
export const stepLink = (id, n) => `?lesson=${encodeURIComponent(id)}${n > 1 ? `&lstep=${n}` : ''}`;

/** Draws the lesson panel into box (#lesson), or hides it when no lesson is shown. */
export function render(box, ctx) {
  const page = ctx.get('lesson page');
  box.hidden = !page;
  if (!page) {
    if (box.firstChild) box.replaceChildren();
    return;
  }
  const pick = ctx.state.cell;
  const typedBefore = box.querySelector('[data-focus="answer"]');
  const typed = typedBefore && typedBefore.dataset.step === page.key ? typedBefore.value : '';
  keepFocus(box, () => renderInto(box, (root) => build(root, box, page, ctx, pick, typed)));
  const want = box[FOCUS];
  if (want) {
    box[FOCUS] = null;
    const target = box.querySelector(`[data-focus="${want}"]:not([disabled])`) || box.querySelector('[data-focus="next"]:not([disabled])');
    if (target) {
      target.focus({ preventScroll: true });
      if (want === 'answer' && target.select) target.select();
    }
  }
}

/** The lesson's answer for a step, as the panel says it. */
function givenText(page, given) {
  return page.kind === 'cell' ? (given ? yText(page, given) : 'no cell') : `${String(given).trim()}`;
}

function feedback(page) {
  const last = page.attempts[page.attempts.length - 1];
  const right = page.attempts.find((a) => a.right);
  if (right) return el('p', { class: 'verdict right' }, el('strong', {}, '✓ Right: '), `${givenText(page, right.given)}.`);
  if (page.answered) {
    const many = page.kind === 'cell' && page.expected.length > 1 ? ` (one of the ${page.expected.length} right cells)` : '';
    const answer = page.kind === 'cell' ? `${yText(page, page.expected[0])}${many}` : num(page.expected);
    return el('p', { class: 'verdict shown' }, el('strong', {}, 'The answer: '), `${answer}.`);
  }
  if (!last) return null;
  if (last.unreadable) {
    return el('p', { class: 'verdict wrong' }, page.kind === 'cell'
      ? 'Pick an output cell first: click one in the figure, or press "Pick with the arrow keys".'
      : `"${String(last.given).slice(0, 40)}" is not a number: type digits, e.g. 12 or −3.5.`);
  }
  return el('div', { class: 'verdict wrong' },
    el('p', {}, el('strong', {}, '✗ Not '), `${givenText(page, last.given)}. `,
      page.wrong > 1 ? `(${page.wrong} tries so far.)` : ''),
    ...paragraphs(page.hint));
}

function build(root, box, page, ctx, pick, typed) {
  const go = (n) => ctx.set({ lesson: page.id, lstep: Math.max(1, Math.min(page.steps, n)) });
  const lessonIndex = LESSONS.findIndex((l) => l.id === page.id);
  const nextLesson = LESSONS[lessonIndex + 1] || null;

  const steps = el('ol', { class: 'lesson-steps', 'aria-label': 'Steps' });
  for (let n = 1; n <= page.steps; n++) {
    const a = el('a', {
      href: stepLink(page.id, n), 'data-focus': `step-${n}`, 'aria-current': n === page.step ? 'step' : null,
      'aria-label': `Step ${n} of ${page.steps}`,
    }, String(n));
    listen(a, 'click', (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button) return; // a new tab: the link itself
      ev.preventDefault();
      go(n);
    });
    steps.append(el('li', {}, a));
  }
  root.append(el('div', { class: 'lesson-head' },
    el('p', { class: 'lesson-kicker' }, `Guided lesson · step ${page.step} of ${page.steps}`),
    el('h2', { id: 'lesson-title' }, page.title),
    el('button', {
      type: 'button', class: 'lesson-close', 'data-focus': 'close', 'aria-label': 'Close lesson', title: 'Close the lesson (the setup stays)',
      onclick: () => ctx.set({ lesson: null }),
    }, '✕ Close')))
  root.append(steps);

  if (page.pending) {
    root.append(el('p', { class: 'note', role: 'status' }, 'Computing this step\'s numbers…'));
    return;
  }
  if (page.error) {
    root.append(el('p', { class: 'note' }, `This step does not apply to the setup on the page (${page.error}).`));
    root.append(restoreButton(page, ctx));
    root.append(nav(page, go, nextLesson, ctx));
    return;
  }
  root.append(el('div', { class: 'lesson-say' }, ...paragraphs(page.say)));

  const submit = (given) => {
    const tries = { ...(ctx.peek().lessonTries || {}) };
    const entry = tries[page.key] || { attempts: [], shown: false };
    tries[page.key] = { ...entry, attempts: [...entry.attempts, given] };
    const verdict = judge(page.kind, page.expected, given);
    box[FOCUS] = verdict.right ? 'next' : page.kind === 'cell' ? 'check' : 'answer';
    ctx.set({ lessonTries: tries, ...(verdict.right ? page.then : {}) });
  };
  const ask = el('div', { class: 'lesson-ask', role: 'group', 'aria-labelledby': 'lesson-prompt' });
  ask.append(el('p', { id: 'lesson-prompt', class: 'lesson-prompt' }, el('strong', {}, 'Question: '), ...paragraphs(page.prompt).flatMap((p) => [...p.childNodes])));
  const done = page.answered;
  if (page.kind === 'number') {
    const right = page.attempts.find((a) => a.right);
    const input = el('input', {
      id: 'lesson-answer', 'data-focus': 'answer', 'data-step': page.key, inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false',
      'aria-label': 'Your answer', value: right ? String(right.given) : typed, disabled: done, placeholder: done ? '' : 'a number',
    });
    listen(input, 'keydown', (ev) => {
      if (ev.key !== 'Enter') return;
      ev.preventDefault();
      submit(ev.currentTarget.value);
    });
    ask.append(el('div', { class: 'lesson-answer' },
      input,
      el('button', {
        type: 'button', 'data-focus': 'check', disabled: done,
        onclick: (ev) => submit(ev.currentTarget.parentNode.querySelector('input').value),
      }, 'Check')));
  } else {
    ask.append(el('div', { class: 'lesson-answer' },
      el('span', { class: 'lesson-pick' }, 'Your pick: ', el('strong', {}, pick ? yText(page, pick) : 'none yet')),
      el('button', {
        type: 'button', 'data-focus': 'pick', disabled: done,
        title: 'Moves the focus to the output grid: arrow keys move the pin, Enter checks',
        onclick: () => pickByKeyboard(ctx),
      }, 'Pick with the arrow keys'),
      el('button', { type: 'button', 'data-focus': 'check', disabled: done, onclick: () => submit(ctx.peek().cell || null) }, 'Check')));
  }
  if (!done && page.wrong > 0) {
    ask.append(el('button', {
      type: 'button', class: 'linkish', 'data-focus': 'show',
      onclick: () => {
        const tries = { ...(ctx.peek().lessonTries || {}) };
        tries[page.key] = { ...(tries[page.key] || { attempts: [] }), shown: true };
        box[FOCUS] = 'next';
        ctx.set({ lessonTries: tries, ...page.then });
      },
    }, 'Show the answer'));
  }
  root.append(ask);
  root.append(el('div', { class: 'lesson-feedback', role: 'status', 'aria-live': 'polite' }, feedback(page)));
  if (page.reveal) root.append(el('div', { class: 'lesson-reveal' }, ...paragraphs(page.reveal)));
  if (page.curtain.length) {
    root.append(el('p', { class: 'hint' }, `Hidden until you answer: ${page.curtain.map((c) => CURTAIN_WORDS[c] || c).join(', ')}.`));
  }
  if (page.changed) root.append(restoreButton(page, ctx));
  root.append(nav(page, go, nextLesson, ctx));
}

function restoreButton(page, ctx) {
  return el('p', { class: 'note lesson-changed' },
    'The setup on the page is not this step\'s any more; the answers follow the numbers shown. ',
    el('button', { type: 'button', 'data-focus': 'restore', onclick: () => ctx.set({ ...page.stepState }) }, 'Back to this step\'s setup'));
}

function nav(page, go, nextLesson, ctx) {
  const last = page.step >= page.steps;
  const next = last
    ? (nextLesson
      ? el('a', {
        href: stepLink(nextLesson.id, 1), class: 'button', 'data-focus': 'next',
        onclick: (ev) => { ev.preventDefault(); ctx.set({ lesson: nextLesson.id, lstep: 1 }); },
      }, `Next lesson: ${nextLesson.short} ▶`)
      : el('button', { type: 'button', 'data-focus': 'next', onclick: () => ctx.set({ lesson: null }) }, 'Finish: back to the playground'))
    : el('button', { type: 'button', 'data-focus': 'next', onclick: () => go(page.step + 1) }, 'Next ▶');
  return el('div', { class: 'lesson-nav' },
    el('button', { type: 'button', 'data-focus': 'prev', disabled: page.step <= 1, onclick: () => go(page.step - 1) }, '◀ Previous'),
    next,
    el('span', { class: 'hint' }, '← → move between steps · Enter checks'));
}

/** The grid of each view whose cells are the output's (the input and kernel grids pin their own cells). */
const OUTPUT_GRIDS = {
  scatter: 'scatter-canvas', matrix: 'matrix-output', padded_direct: 'padded-direct-output', subpixel: 'subpixel-output',
};

/** Focuses the shown view's output grid that pins cells (a lesson's cell question is answered there). */
function pickByKeyboard(ctx) {
  const view = ctx.peek().view;
  const grid = document.querySelector(`#panel-${view} [data-grid="${OUTPUT_GRIDS[view]}"][tabindex]`)
    || document.querySelector(`#panel-${view} .grid.pickable, #panel-${view} .grid-canvas[tabindex]`);
  if (!grid) return;
  grid.focus({ preventScroll: true });
  grid.scrollIntoView({ block: 'nearest' });
}

// ------------------------------------------------------------------ what the step is about: outline, curtain
const SHEET = Symbol('lesson stylesheet'); // on the document: {sheet, text}

/** Outlines the step's figure and blurs what would give its answer away (document-wide rules, one stylesheet). */
export function stage(doc, ctx) {
  const page = ctx.get('lesson page');
  doc.body.classList.toggle('lesson-on', Boolean(page));
  const rules = [];
  if (page && page.spotlight && SPOTS[page.spotlight]) {
    rules.push(`${SPOTS[page.spotlight]} { outline: 3px solid var(--hl); outline-offset: 4px; border-radius: 4px; width: fit-content; max-width: 100%; }`);
  }
  for (const name of page ? page.curtain : []) {
    if (CURTAINS[name]) rules.push(`:is(${CURTAINS[name]}) { filter: blur(7px); pointer-events: none; user-select: none; }`);
  }
  const text = rules.join('\n');
  if (!doc[SHEET]) {
    if (!text) return;
    doc[SHEET] = { sheet: new CSSStyleSheet(), text: '' };
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, doc[SHEET].sheet];
  }
  if (text === doc[SHEET].text) return;
  doc[SHEET].text = text;
  doc[SHEET].sheet.replaceSync(text);
}

/**
 * When a step starts, brings its figure into view (below the lesson panel, which stays at the top of the window);
 * nothing moves in an embedded frame, which its host sizes to its content.
 */
export function follow(box, ctx) {
  const page = ctx.get('lesson page');
  const embed = ctx.state.embed;
  if (!page) {
    box[SEEN] = null;
    return;
  }
  if (box[SEEN] === page.key) return;
  box[SEEN] = page.key;
  if (embed) return;
  const target = page.spotlight && document.querySelector(SPOTS[page.spotlight]);
  if (!target) return;
  const panel = box.getBoundingClientRect();
  // The panel sticks to the top of the window over what follows it; what comes before it scrolls to the top.
  const after = box.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING;
  const top = (after ? Math.min(panel.height, innerHeight * 0.5) : 0) + 8;
  const r = target.getBoundingClientRect();
  if (r.top >= top && r.bottom <= innerHeight) return;
  // Its top just below the panel (a figure taller than the room shows from its top).
  window.scrollBy({ top: r.top - top, behavior: 'instant' });
}

// ------------------------------------------------------------------ keys
const TYPING = 'input:not([type=checkbox]):not([type=radio]):not([type=range]):not([type=button]), textarea, select, [contenteditable]';

/**
 * The lesson's keys, page-wide while a lesson is shown: ← → move between steps (unless the focus is somewhere that
 * uses the arrows itself: a grid, the tabs, a slider, a field with text), Enter checks (in the answer field, on an
 * output grid for a cell question, or anywhere outside a control), and a digit typed outside any field goes into the
 * answer field. now: {get, set, peek} of the store.
 */
export function wire(doc, now, box) {
  doc.addEventListener('keydown', (ev) => {
    const page = now.get('lesson page');
    if (!page || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const t = ev.target instanceof Element ? ev.target : doc.body;
    const answer = box.querySelector('[data-focus="answer"]');
    const inGrid = t.closest('.grid.pickable, .grid-canvas');
    const typing = t.matches(TYPING);
    const emptyAnswer = t === answer && answer.value === '';
    if (ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') {
      if (ev.defaultPrevented || inGrid || t.closest('[role=tablist], .player, dialog') || (typing && !emptyAnswer)) return;
      const n = page.step + (ev.key === 'ArrowRight' ? 1 : -1);
      if (n < 1 || n > page.steps) return;
      ev.preventDefault();
      box[FOCUS] = nextFocus(page, n);
      now.set({ lesson: page.id, lstep: n });
      return;
    }
    if (ev.key === 'Enter') {
      if (page.answered || page.pending || page.error) return;
      if (inGrid && page.kind === 'cell') {
        const cell = now.peek().cell;
        const tries = { ...(now.peek().lessonTries || {}) };
        const entry = tries[page.key] || { attempts: [], shown: false };
        tries[page.key] = { ...entry, attempts: [...entry.attempts, cell || null] };
        const verdict = judge(page.kind, page.expected, cell || null);
        if (verdict.right) box[FOCUS] = 'next';
        now.set({ lessonTries: tries, ...(verdict.right ? page.then : {}) });
        return;
      }
      if (t === doc.body || t === box) {
        ev.preventDefault();
        if (page.kind === 'number' && answer) answer.focus();
        else box.querySelector('[data-focus="check"]')?.click();
      }
      return;
    }
    if (page.kind === 'number' && answer && !answer.disabled && /^[-−.\d]$/.test(ev.key) && !typing && !inGrid
      && !t.closest('button, a, [role=tab], summary, dialog')) {
      answer.focus(); // the key's character goes into the field it now has
    }
  });
}

/** The control to focus on arriving at step n: its answer field, or its pick button. */
function nextFocus(page, n) {
  const def = LESSONS.find((l) => l.id === page.id).steps[n - 1];
  return def.ask.kind === 'number' ? 'answer' : 'pick';
}

/** What window.tconv.lesson() returns: {id, step, steps} and what the step asks, or {id: null, step: 0, steps: 0}. */
export function summary(page) {
  if (!page) return { id: null, step: 0, steps: 0 };
  const text = (p) => (Array.isArray(p) ? p : p ? [p] : []).map((x) => (typeof x === 'string' ? x : x.equation)).join(' ')
    .replace(/\[\[(?:[^\]|]+\|)?([^\]]+)\]\]/g, '$1').replace(/`/g, '');
  return {
    id: page.id, step: page.step, steps: page.steps, title: page.title, kind: page.kind,
    prompt: page.prompt ? text(page.prompt) : null, answered: Boolean(page.answered), right: Boolean(page.right),
    tries: page.attempts ? page.attempts.length : 0, changed: page.changed,
  };
}
