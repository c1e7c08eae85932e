// The guided lessons in the browser, on the built site (dist/): every lesson walked from its first step to its last
// with the keyboard alone (a wrong answer, then the right one, for every question), every step opened by its link,
// the mouse's way through a step, the lesson in an embedded page, and at phone width the figure a lesson is about
// brought into view. The right answers below are PyTorch's numbers (torch 1.13, conv_transpose2d and autograd for
// the states of each step), not the page's: the page must reach them from the engine.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from './support/browser.mjs';
import { lessonById } from '../../web/lessons/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');

/**
 * Per lesson, per step: the right answer and a wrong one. A number is typed; a cell [r, c] is picked on the view's
 * output with the arrow keys. From PyTorch: corner: conv_transpose2d(ones 4×4, arange 1…16, s 2, p 1) has y[0,1] = 12,
 * y[7,7] = 11, two products on the border cells, C's column of y[0,1] holds 2 taps, the padded direct padding is
 * 1·(4−1)−1 = 2; gradient: w = rand:7 = [[−3,−3,3],[2,1,−1],[−1,−2,1]], each row of C holds 9, x1.grad[0,0] = −3,
 * (Cᵀ·y1)[0] = 27 for y1 = conv2d(arange 1…16, w) = [[−9,−12],[−21,−24]], rot180(w)[0,0] = w[2,2] = 1, and
 * conv2d(ones 2×2, w, padding 2)[0,0] = 1; sizes: 2 → 3 with k 3, s 2, p 1; output_padding 1 for 4; y[3,3] = 36;
 * 4 the largest output_size; k 4 gives 4; checkerboard (ones): y[2,2] = 4, y[3,3] sums one product, phase (0,0) of
 * k 3 s 2 has 4 taps, k 4 gives 4 in every phase, k 2 s 3 leaves 5 of 9 phases without taps, d 2 s 2 leaves y[1,1] 0;
 * same (arange 2×2 through arange 3×3, s 2, output_padding 1): torch's output is 6×6; Keras' 'same' length
 * (2 − 1)·2 + 3 − 2·1 + 1 = 4, and tf.conv2dTranspose(…, [1, 4, 4, 1], 2, 'same') equals torch's [:4, :4], whose y[3,3]
 * is 20 (36 is torch's [2,2], where a centred crop would put it); the padded direct input keeps 1·(3 − 1) − 2 + 1 = 1
 * zero column at the right; ONNX SAME_UPPER's 4×4 is torch's [1:5, 1:5], so its y[0,0] is torch's [1,1] = 5; Cᵀ of
 * the 4×4 has 16 rows.
 */
const WALK = {
  corner: [{ right: '12', wrong: '10' }, { right: [0, 1], wrong: [1, 1] }, { right: '2', wrong: '4' }, { right: '2', wrong: '1' },
    { right: '11', wrong: '16' }],
  gradient: [{ right: '9', wrong: '4' }, { right: '-3', wrong: '3' }, { right: '27', wrong: '-9' }, { right: '1', wrong: '-3' },
    { right: '1', wrong: '-3' }],
  sizes: [{ right: '3', wrong: '4' }, { right: '1', wrong: '0' }, { right: '36', wrong: '0' }, { right: '4', wrong: '5' },
    { right: '4', wrong: '3' }],
  same: [{ right: '6', wrong: '5' }, { right: '4', wrong: '6' }, { right: '20', wrong: '36' }, { right: '1', wrong: '2' },
    { right: '5', wrong: '1' }, { right: '16', wrong: '36' }],
  checkerboard: [{ right: '4', wrong: '2' }, { right: [3, 3], wrong: [2, 2] }, { right: '4', wrong: '1' }, { right: '4', wrong: '2' },
    { right: '5', wrong: '4' }, { right: [1, 1], wrong: [0, 0] }],
};

let server, baseUrl, browser, page, problems;

before(async () => {
  assert.ok(existsSync(path.join(root, 'index.html')), 'dist/index.html is missing: run ./scripts/build first');
  ({ server, url: baseUrl } = await startServer({ root, port: 0, host: '127.0.0.1' }));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
});

async function newPage(viewport = { width: 1280, height: 900 }) {
  page = await browser.newPage({ viewport });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
}

beforeEach(async () => {
  problems = [];
  await newPage();
});

afterEach(async () => {
  await page.close();
  assert.deepEqual(problems, [], 'the page raised console errors');
});

async function open(query) {
  await page.goto(new URL(`index.html${query}`, baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
  await drawn();
}
/** The frame that shows the last change (and the panels after it). */
const drawn = async () => {
  await page.evaluate(() => window.tconv.settled());
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
};
const lesson = () => page.evaluate(() => window.tconv.lesson());
const text = (selector) => page.locator(selector).innerText();
const plain = (s) => s.replace(/−/g, '-');
/** How many elements on the page are blurred (the lesson's curtain). */
const blurred = () => page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => getComputedStyle(e).filter.includes('blur')).length);
/** The output grids on screen that no curtain blurs (the grid or one of its ancestors). */
const exposedOutputs = () => page.evaluate(() => [...document.querySelectorAll('[data-grid$="-output"]')]
  .filter((g) => g.getClientRects().length > 0)
  .filter((g) => { for (let e = g; e; e = e.parentElement) if (getComputedStyle(e).filter.includes('blur')) return false; return true; })
  .map((g) => g.dataset.grid));
/** The texts in the shown view that state the output's size and that no curtain blurs. */
const exposedSizes = () => page.evaluate(() => [...document.querySelectorAll('#views :is(.lede, .info, .crop-words)')]
  .filter((g) => g.getClientRects().length > 0)
  .filter((g) => { for (let e = g; e; e = e.parentElement) if (getComputedStyle(e).filter.includes('blur')) return false; return true; })
  .map((g) => g.textContent.slice(0, 60)));
const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-focus') || document.activeElement?.className || document.activeElement?.tagName);

async function press(key, times = 1) {
  for (let i = 0; i < times; i++) {
    await page.keyboard.press(key);
    await drawn(); // a person waits a frame between keys; the grid's Enter re-pins the cell it shows
  }
}

/** Moves the pin from `from` (null: none yet) to `to` with the arrow keys, on the focused output grid. */
async function moveTo(from, to) {
  if (!from) {
    await press('ArrowDown'); // the first arrow pins the top-left cell
    from = [0, 0];
  }
  const [dr, dc] = [to[0] - from[0], to[1] - from[1]];
  await press(dr > 0 ? 'ArrowDown' : 'ArrowUp', Math.abs(dr));
  await press(dc > 0 ? 'ArrowRight' : 'ArrowLeft', Math.abs(dc));
}

for (const [id, steps] of Object.entries(WALK)) {
  test(`the ${id} lesson, walked with the keyboard alone: a wrong answer gets a hint, the right one the real sum`, async () => {
    await open(`?lesson=${id}`);
    for (const [i, step] of steps.entries()) {
      const n = i + 1;
      const where = `${id} step ${n}`;
      const l = await lesson();
      assert.deepEqual({ id: l.id, step: l.step, steps: l.steps }, { id, step: n, steps: steps.length }, where);
      assert.equal(l.answered, false, where);
      const hidden = await blurred();
      if ((lessonById(id).steps[i].curtain || []).includes('output')) {
        assert.deepEqual(await exposedOutputs(), [], `${where}: the curtain hides every drawing of the output`);
      }
      if ((lessonById(id).steps[i].curtain || []).includes('shape')) {
        assert.deepEqual(await exposedSizes(), [], `${where}: the curtain hides every sentence that states the output's size`);
      }
      if (typeof step.right === 'string') {
        assert.equal(l.kind, 'number', where);
        await page.keyboard.type(step.wrong); // from the page or the answer field: the digits go into the field
        await press('Enter');
        assert.match(plain(await text('.lesson-feedback')), new RegExp(`Not ${step.wrong.replace('-', '\\-')}\\.`), where);
        assert.ok((await text('.lesson-feedback')).length > 30, `${where}: a hint follows`);
        assert.equal(await page.locator('.lesson-reveal').count(), 0, `${where}: nothing revealed yet`);
        assert.equal(await focused(), 'answer', `${where}: back in the answer field`);
        await page.keyboard.type(step.right); // the wrong answer is selected: typing replaces it
        await press('Enter');
        assert.match(plain(await text('.lesson-feedback')), new RegExp(`Right: ${step.right.replace('-', '\\-')}\\.`), where);
        assert.ok(plain(await text('.lesson-reveal')).includes(step.right), `${where}: the explanation uses the number`);
      } else {
        assert.equal(l.kind, 'cell', where);
        assert.equal(await focused(), 'pick', `${where}: the pick button has the focus`);
        await press('Enter'); // to the output grid
        await moveTo(null, step.wrong);
        await press('Enter');
        assert.match(await text('.lesson-feedback'), new RegExp(`Not y\\[${step.wrong.join(',')}\\]\\.`), where);
        assert.match(await text('.lesson-feedback'), /\b\d+ products?\b/, `${where}: the hint counts the products`);
        await moveTo(step.wrong, step.right);
        await press('Enter');
        assert.match(await text('.lesson-feedback'), new RegExp(`Right: y\\[${step.right.join(',')}\\]\\.`), where);
      }
      const done = await lesson();
      assert.equal(done.right, true, where);
      assert.match(await text('.lesson-reveal'), /=/, `${where}: the explanation shows the arithmetic`);
      if (hidden) assert.equal(await blurred(), 0, `${where}: what was hidden shows once answered`);
      assert.equal(await focused(), 'next', `${where}: Next has the focus`);
      if (n < steps.length) await press('ArrowRight');
    }
    // past the last step nothing moves; the Next button offers the next lesson
    await press('ArrowRight');
    assert.equal((await lesson()).step, steps.length);
  });
}

test('every step opens by its link, and the link holds the step; a bad link says so', async () => {
  for (const [id, steps] of Object.entries(WALK)) {
    for (let n = 1; n <= steps.length; n++) {
      await open(`?lesson=${id}&lstep=${n}`);
      const l = await lesson();
      assert.deepEqual([l.id, l.step, l.steps, l.changed], [id, n, steps.length, false], `${id} step ${n}`);
      assert.equal(await page.locator('#lesson').isVisible(), true);
      assert.match(await text('#lesson'), new RegExp(`step ${n} of ${steps.length}`, 'i'));
      const link = new URL(await page.evaluate(() => window.tconv.link()));
      assert.equal(link.searchParams.get('lesson'), id);
      assert.equal(link.searchParams.get('lstep'), n > 1 ? String(n) : null);
    }
  }
  await open('?lesson=corner&lstep=12');
  assert.equal((await lesson()).step, 5);
  assert.match((await page.getByRole('alert').allTextContents()).join('\n'), /lesson step 12 is beyond the 5 steps/);
  await open('?lesson=nope');
  assert.deepEqual(await lesson(), { id: null, step: 0, steps: 0 });
  assert.match((await page.getByRole('alert').allTextContents()).join('\n'), /lesson is "nope" but must be one of corner, gradient, sizes, same, checkerboard/);
  assert.equal(await page.locator('#lesson').isVisible(), false);
});

test('with the mouse: step links, Check, Show the answer, Back to this step\'s setup, Next lesson, Close', async () => {
  await open('?lesson=corner');
  await page.locator('.lesson-steps a', { hasText: '2' }).click();
  await drawn();
  assert.equal((await lesson()).step, 2);
  // a cell question: click a cell of the canvas (its window starts at row 1, column 1), then Check
  const box = await page.locator('[data-grid="scatter-canvas"]').boundingBox();
  const pitch = (box.width - 1) / 10;
  await page.mouse.click(box.x + 1 + 4.5 * pitch, box.y + 1 + 4.5 * pitch); // canvas (4, 4) = y[3,3], four products
  await drawn();
  assert.match(await text('.lesson-pick'), /y\[3,3\]/);
  await page.getByRole('button', { name: 'Check' }).click();
  await drawn();
  assert.match(await text('.lesson-feedback'), /Not y\[3,3\]/);
  await page.getByRole('button', { name: 'Show the answer' }).click();
  await drawn();
  assert.match(await text('.lesson-feedback'), /The answer: y\[\d,\d\]/);
  assert.ok((await text('.lesson-reveal')).length > 20);
  // an edit of the setup is noticed; one click brings the step's setup back
  await page.evaluate(() => window.tconv.set({ s: '3' }));
  assert.equal((await lesson()).changed, true);
  await page.getByRole('button', { name: 'Back to this step\'s setup' }).click();
  await drawn();
  assert.equal((await lesson()).changed, false);
  assert.deepEqual((await page.evaluate(() => window.tconv.state())).s, [2, 2]);
  // the last step's Next is the next lesson
  await page.locator('.lesson-steps a', { hasText: '5' }).click();
  await drawn();
  await page.getByRole('link', { name: /Next lesson: Cᵀ and the gradient/ }).click();
  await drawn();
  assert.deepEqual(await lesson().then((l) => [l.id, l.step]), ['gradient', 1]);
  assert.equal((await page.evaluate(() => window.tconv.state())).view, 'matrix');
  // a number question with the mouse: type, click Check
  await page.getByLabel('Your answer').fill('9');
  await page.getByRole('button', { name: 'Check' }).click();
  await drawn();
  assert.match(await text('.lesson-feedback'), /Right: 9/);
  await page.getByRole('button', { name: 'Close lesson' }).click();
  await drawn();
  assert.deepEqual(await lesson(), { id: null, step: 0, steps: 0 });
  assert.equal(await page.locator('#lesson').isVisible(), false);
  assert.equal(new URL(await page.evaluate(() => window.tconv.link())).searchParams.get('lesson'), null);
  assert.equal(await blurred(), 0);
});

test('tconv.set moves a lesson like a link; a glossary term opens the glossary', async () => {
  await open('');
  assert.deepEqual(await lesson(), { id: null, step: 0, steps: 0 });
  await page.evaluate(() => window.tconv.set({ lesson: 'sizes', lstep: '3' }));
  const l = await lesson();
  assert.deepEqual([l.id, l.step, l.steps, l.kind], ['sizes', 3, 5, 'number']);
  assert.deepEqual((await page.evaluate(() => window.tconv.state())).op, [1, 1], 'the step\'s own state');
  assert.ok(await blurred() > 0, 'the output is hidden until answered');
  await page.locator('#view-sentence a.term[data-term="stride"]').click();
  assert.equal(await page.locator('#glossary').getAttribute('open'), '');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'term-stride');
  assert.ok(await page.locator('#term-stride').isVisible());
});

test('embedded (embed=1), a lesson works and never scrolls its frame', async () => {
  await open('?embed=1&lesson=checkerboard&lstep=2');
  assert.equal(await page.locator('#lesson').isVisible(), true);
  assert.equal(await page.locator('#gallery').isVisible(), false);
  assert.equal(await page.evaluate(() => window.scrollY), 0, 'opening a step scrolls nothing');
  const l = await lesson();
  assert.deepEqual([l.id, l.step], ['checkerboard', 2]);
  await press('ArrowRight');
  assert.equal((await lesson()).step, 3);
  assert.equal(await page.evaluate(() => window.scrollY), 0, 'a new step scrolls nothing (outside a frame it would)');
  await press('ArrowLeft');
  await page.getByRole('button', { name: 'Pick with the arrow keys' }).click();
  await moveTo(null, [3, 3]);
  await press('Enter');
  assert.match(await text('.lesson-feedback'), /Right: y\[3,3\]/);
  assert.ok(new URL(await page.evaluate(() => window.tconv.link())).searchParams.get('embed'), 'the link stays embedded');
});

test('at 400 px, choosing a lesson from the list brings its figure into view below the lesson', async () => {
  await page.close();
  await newPage({ width: 400, height: 800 });
  for (const [name, figure] of [
    ['Why is the corner 6?', '[data-grid="scatter-canvas"]'],
    ['Cᵀ and the gradient', '#panel-matrix .matrix-wrap'],
    ['Checkerboard artifacts', '[data-grid="scatter-canvas"]'],
  ]) {
    await open('');
    await page.getByRole('navigation', { name: 'Lessons' }).getByRole('link', { name }).click();
    await page.waitForURL(/lesson=/);
    await page.evaluate(() => window.tconv.ready);
    await drawn();
    await drawn();
    const where = await page.evaluate((sel) => {
      const f = document.querySelector(sel).getBoundingClientRect();
      const l = document.getElementById('lesson').getBoundingClientRect();
      return { top: f.top, bottom: f.bottom, lessonTop: l.top, lessonBottom: l.bottom, height: innerHeight, scrollY };
    }, figure);
    assert.ok(where.scrollY > 0, `${name}: the page scrolled (${JSON.stringify(where)})`);
    assert.ok(where.lessonTop >= 0 && where.lessonTop < 10, `${name}: the lesson sits at the top (${JSON.stringify(where)})`);
    assert.ok(where.top >= where.lessonBottom - 1 && where.top < where.height - 40, `${name}: the figure shows below it (${JSON.stringify(where)})`);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(over <= 0, `${name}: no sideways scroll (${over} px)`);
  }
});
