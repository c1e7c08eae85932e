// Property tests of the share-link parser (web/state.js), run in Node without a browser. Links are public input:
// anyone can write one, paste it into a blog post or embed it. Thousands of random and mutated links — huge,
// negative, non-integer, NaN/Infinity, NxMxK, 100 KB value lists, wrong lengths, markup and script in every
// parameter, percent-encoding garbage, duplicate keys — must each parse without throwing, and every parameter must
// either apply or produce a short plain-text message. A deterministic generator (seeded) makes failures reproducible:
// the failing link is printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as S from '../../web/state.js';
import { dice } from '../../web/random.js';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

/** A message must say what is wrong without echoing an unbounded payload back onto the page. */
const MAX_MESSAGE_LENGTH = 400;
const FLOAT32_MAX = 3.4028234663852886e38;
const KEYS = S.SCHEMA.map((r) => r.key);
const PAIR_KEYS = ['in', 'k', 's', 'p', 'op', 'd', 'os'];

const rng = dice;

const MARKUP = [
  '<img src=x onerror=alert(1)>',
  '"><script>alert(1)</script>',
  "'><svg/onload=alert(1)>",
  'javascript:alert(1)',
  '<iframe srcdoc="<script>parent.alert(1)</script>">',
  '{{constructor.constructor("alert(1)")()}}',
  '${alert(1)}',
  '</p><b>bold</b>',
  '&lt;img src=x&gt;',
];
const PERCENT_GARBAGE = ['%', '%%', '%zz', '%E0%A4%A', '%00', '%C0%AF', '%FF%FE', '%uD800', '%2', '%ED%A0%80', '%F0%9F%98', '%0A%0D'];
const NUMBERS = [
  '0', '-0', '-1', '1', '2', '3', '4', '4095', '4096', '4097', '100000', '2.5', '1.0', '1e3', '1e400', '-1e400', 'NaN',
  'Infinity', '-Infinity', '9'.repeat(400), '0x10', '0b11', '1_000', '+3', ' 2 ', '٣', '２', '',
  String(Number.MAX_SAFE_INTEGER + 2), String(2 ** 63), String(-(2 ** 63)),
];

function numberText(r) {
  return r.chance(0.5) ? r.pick(NUMBERS) : String(r.int(-5, 9));
}

function pairText(r, key) {
  if (key === 'p' && r.chance(0.3)) {
    return r.pick([() => r.pick(['same', 'SAME', 'same_lower', 'same_upper', 'valid', 'Valid', 'half']),
      () => Array.from({ length: r.pick([2, 4, 6, 3, 5]) }, () => numberText(r)).join(','),
      () => Array.from({ length: r.pick([2, 4, 6]) }, () => r.int(0, 3)).join(',')])();
  }
  const form = r.int(0, 5);
  if (form === 0) return numberText(r);
  if (form === 1) return `${numberText(r)}x${numberText(r)}`;
  if (form === 2) return `${numberText(r)}x${numberText(r)}x${numberText(r)}`; // NxMxK
  if (form === 3) return `${numberText(r)}${r.pick(['×', 'X', ',', ' x ', 'xx', '*'])}${numberText(r)}`;
  if (form === 4) return `${r.int(1, 9)}`;
  return `${r.int(1, 6)}x${r.int(1, 6)}`;
}

function valueListText(r) {
  const n = r.pick([0, 1, 4, 9, 15, 16, 17, 64, 50000]); // 50000 short numbers is a 100 KB list
  const parts = Array.from({ length: n }, () => (r.chance(0.02) ? r.pick(NUMBERS) : String(r.int(-3, 3))));
  if (r.chance(0.2) && n) parts[r.int(0, n - 1)] = r.pick(['NaN', 'Infinity', '-Infinity', '1e39', '-1e999', '', 'x', '1e-400']);
  return parts.join(r.pick([',', ', ', ';', ' ', ',,']));
}

function valueText(r, key) {
  if (r.chance(0.1)) return r.pick(MARKUP);
  if (r.chance(0.05)) return r.pick(PERCENT_GARBAGE);
  if (PAIR_KEYS.includes(key)) return pairText(r, key);
  if (key === 'dims') return r.pick(['1', '2', '3', '0', '4', '2.0', ' 3 ', '']);
  if (['cin', 'cout', 'g', 'ci', 'co', 'dz'].includes(key)) return numberText(r);
  if (key === 'x' || key === 'w' || key === 'b') {
    if (key === 'b' && r.chance(0.2)) return 'zeros';
    return r.pick([() => 'ones', () => 'arange', () => 'rand', () => `rand:${numberText(r)}`, () => `rand:${r.int(0, 2 ** 32 + 5)}`, () => valueListText(r)])();
  }
  if (key === 'cell') return r.pick([`${r.int(0, 9)},${r.int(0, 9)}`, `${numberText(r)},${numberText(r)}`, '1', `${r.int(0, 9)}`, '1,2,3', '']);
  if (key === 'view') return r.pick(['matrix', 'scatter', 'direct', 'MATRIX', 'tabs', '']);
  if (key === 'pin') {
    const nums = (n) => Array.from({ length: n }, () => (r.chance(0.8) ? String(r.int(0, 9)) : numberText(r))).join(r.pick([',', ', ', ',,', 'x']));
    return `${r.pick(['x', 'w', 'y', 'C', 'X', 'c', 'z', ''])}${r.pick([':', '', '::'])}${r.chance(0.3) ? `${nums(r.int(1, 2))}:` : ''}${nums(r.int(0, 4))}`;
  }
  if (key === 'views') return r.pick(['matrix', 'scatter,direct', 'matrix,matrix', 'all', '', 'direct,,scatter']);
  if (key === 'controls') return r.pick(['none', 'compact', 'full', 'some', '']);
  return r.pick(['1', '0', 'true', '', '2']);
}

/** A random link (without the leading '?', sometimes with it), built from parameter text, URL-encoded or raw. */
function randomLink(r) {
  const parts = [];
  const count = r.int(0, 8);
  for (let i = 0; i < count; i += 1) {
    const key = r.chance(0.9) ? r.pick(KEYS) : r.pick(['foo', 'IN', 'k ', '__proto__', 'constructor', MARKUP[0], '', 'x'.repeat(5000)]);
    const value = valueText(r, key);
    const encode = r.chance(0.7) ? encodeURIComponent : (t) => t; // raw text: '&', '=', '#', '+' and '%' stay special
    parts.push(`${encode(key)}=${encode(value)}`);
    if (r.chance(0.1)) parts.push(`${encode(key)}=${encode(valueText(r, key))}`); // duplicate key
  }
  if (r.chance(0.05)) parts.push('novalue', '=', '&&', '==');
  const link = parts.join('&');
  return r.chance(0.5) ? `?${link}` : link;
}

/** Byte-level mutations of a (usually valid) link: insert, delete, duplicate or replace with special characters. */
function mutate(r, link) {
  let s = link;
  const specials = ['%', '&', '=', '#', '+', 'x', ',', '-', '.', '<', '>', '"', "'", '\u0000', '\uFFFF', '\uD800', '9', 'e', ' '];
  for (let i = r.int(1, 6); i > 0; i -= 1) {
    const at = r.int(0, s.length);
    const op = r.int(0, 3);
    if (op === 0) s = s.slice(0, at) + r.pick(specials) + s.slice(at);
    else if (op === 1) s = s.slice(0, at) + s.slice(at + r.int(1, 4));
    else if (op === 2) s = s.slice(0, at) + s.slice(at, at + r.int(1, 12)).repeat(r.int(2, 5)) + s.slice(at);
    else s = s.slice(0, at) + r.pick(MARKUP) + s.slice(at);
  }
  return s;
}

/** Well-formedness of a parsed state, whatever the link said. */
function assertWellFormed(state, link) {
  const why = (m) => `${m} for link ${JSON.stringify(link.slice(0, 300))}`;
  assert.deepEqual(Object.keys(state).sort(), [...KEYS].sort(), why('state has exactly the schema keys'));
  assert.ok([1, 2, 3].includes(state.dims), why(`dims is ${state.dims}`));
  const axis = (n, min) => Number.isSafeInteger(n) && n >= min && n <= 4096;
  for (const key of PAIR_KEYS) {
    const v = state[key];
    if (key === 'os' && v === null) continue;
    if (key === 'p' && typeof v === 'string') {
      assert.ok(['same', 'same_lower', 'valid'].includes(v), why(`p is ${v}`));
      continue;
    }
    const perSide = key === 'p' && Array.isArray(v) && v.every(Array.isArray);
    const min = ['p', 'op'].includes(key) ? 0 : 1;
    const ok = Array.isArray(v) && v.length === state.dims
      && (perSide ? v.every((e) => e.length === 2 && e.every((n) => axis(n, 0))) : v.every((n) => axis(n, min)));
    assert.ok(ok, why(`${key} is ${JSON.stringify(v)} in ${state.dims}-D`));
  }
  if (state.b !== null) assert.ok(['zeros', 'ones', 'arange', 'rand', 'list'].includes(state.b.kind), why(`b kind ${state.b.kind}`));
  for (const key of ['cin', 'cout', 'g']) assert.ok(Number.isSafeInteger(state[key]) && state[key] >= 1 && state[key] <= 4096, why(`${key} is ${state[key]}`));
  for (const key of ['ci', 'co']) assert.ok(Number.isSafeInteger(state[key]) && state[key] >= 0 && state[key] <= 4096, why(`${key} is ${state[key]}`));
  for (const key of ['x', 'w']) {
    const spec = state[key];
    assert.ok(['ones', 'arange', 'rand', 'list'].includes(spec.kind), why(`${key} kind ${spec.kind}`));
    if (spec.kind === 'rand') assert.ok(Number.isSafeInteger(spec.seed) && spec.seed >= 0 && spec.seed <= 0xffffffff, why(`${key} seed ${spec.seed}`));
    if (spec.kind === 'list') {
      assert.ok(spec.values.length >= 1, why(`${key} is an empty list`));
      // Every value must survive Float32Array as the same finite number class: no NaN, no Infinity, nothing that
      // rounds to Infinity in float32.
      const bad = spec.values.find((v) => typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX);
      assert.equal(bad, undefined, why(`${key} holds ${bad}`));
    }
  }
  assert.ok(S.VIEWS.includes(state.view), why(`view ${state.view}`));
  assert.ok(state.cell === null || (Array.isArray(state.cell) && state.cell.length === 2 && state.cell.every((n) => Number.isSafeInteger(n) && n >= 0)), why(`cell ${state.cell}`));
  if (state.dims === 1 && state.cell) assert.equal(state.cell[0], 0, why('a 1-D cell is in the one row'));
  if (state.pin !== null) {
    const { tensor, channel, index } = state.pin;
    assert.ok(S.PIN_TENSORS.includes(tensor), why(`pin tensor ${tensor}`));
    assert.equal(index.length, tensor === 'C' ? 2 : state.dims, why(`pin ${JSON.stringify(state.pin)} has one number per axis`));
    assert.ok([...index, ...(channel || [])].every((n) => Number.isSafeInteger(n) && n >= 0), why(`pin ${JSON.stringify(state.pin)}`));
    if (channel) assert.equal(channel.length, tensor === 'w' ? 2 : 1, why(`pin channel ${channel}`));
  }
  assert.equal(typeof state.embed, 'boolean', why('embed'));
}

function assertPlainMessages(messages, link) {
  assert.ok(Array.isArray(messages), 'messages is an array');
  for (const m of messages) {
    assert.equal(typeof m, 'string', `message ${m} is a string`);
    assert.ok(m.length > 0 && m.length <= MAX_MESSAGE_LENGTH,
      `a ${m.length}-character message (over ${MAX_MESSAGE_LENGTH}) for link ${JSON.stringify(link.slice(0, 200))}: ${m.slice(0, 200)}…`);
  }
}

/** Parses one link and checks every property; returns the result. */
function check(link) {
  let result;
  assert.doesNotThrow(() => { result = S.parse(link); }, `parse threw for ${JSON.stringify(link.slice(0, 300))}`);
  const { state, messages } = result;
  assertPlainMessages(messages, link);
  assertWellFormed(state, link);

  // Each occurrence applies (the state holds its value, unless a later one of the same key replaced it) or gets
  // exactly one message: no parameter is dropped silently.
  let params;
  try { params = [...new URLSearchParams(link)]; } catch { params = null; }
  if (params) {
    // Per-axis parameters are read in the link's dims (its last valid dims=, wherever it stands).
    let dims = 2;
    for (const [key, text] of params) {
      const r = key === 'dims' ? S.parseParam(key, text) : null;
      if (r && 'value' in r) dims = r.value;
    }
    const expected = S.defaults(dims);
    let failures = 0;
    for (const [key, text] of params) {
      const r = S.SCHEMA.some((row) => row.key === key) ? S.parseParam(key, text, dims) : { message: 'unknown' };
      if ('message' in r) failures += 1;
      else expected[key] = r.value;
    }
    assert.equal(messages.length, failures, `one message per bad parameter for ${JSON.stringify(link.slice(0, 300))}: ${JSON.stringify(messages.map((m) => m.slice(0, 80)))}`);
    assert.deepEqual(state, expected, `the valid parameters apply for ${JSON.stringify(link.slice(0, 300))}`);
  }

  const written = S.serialize(state);
  assert.match(written, /^(\?[A-Za-z]+=[A-Za-z0-9%,:.\-_~!*'()]*(&[A-Za-z]+=[A-Za-z0-9%,:.\-_~!*'()]*)*)?$/, `serialize wrote ${written.slice(0, 200)}`);
  assert.ok(!/[<>"]/.test(written), 'no markup characters in a written link');
  const again = S.parse(written);
  assert.deepEqual(again.messages, [], `the written link ${written.slice(0, 200)} parses cleanly`);
  assert.deepEqual(again.state, state, `the written link ${written.slice(0, 200)} reproduces the state`);
  return result;
}

test('random share links never throw, and every parameter applies or gets a short plain-text message', () => {
  const r = rng(20240601);
  for (let i = 0; i < 3000; i += 1) check(randomLink(r));
});

test('pins round-trip through the link in every form and rank; cell= keeps its meaning', () => {
  const r = rng(15);
  for (let i = 0; i < 500; i += 1) {
    const dims = r.int(1, 3);
    const tensor = r.pick(S.PIN_TENSORS);
    const index = Array.from({ length: tensor === 'C' ? 2 : dims }, () => r.int(0, 40));
    const channel = tensor === 'C' || r.chance(0.5) ? null : Array.from({ length: tensor === 'w' ? 2 : 1 }, () => r.int(0, 7));
    const state = { ...S.defaults(dims), pin: { tensor, channel, index } };
    const link = S.serialize(state);
    assert.match(link, new RegExp(`[?&]pin=${tensor}:${channel ? `${channel.join(',')}:` : ''}${index.join(',')}(&|$)`), link);
    const back = S.parse(link);
    assert.deepEqual(back.messages, [], link);
    assert.deepEqual(back.state, state, link);
  }
  // the forms the README's link table gives
  assert.deepEqual(S.parse('?pin=x:1,2').state.pin, { tensor: 'x', channel: null, index: [1, 2] });
  assert.deepEqual(S.parse('?pin=w:0,1:2,2').state.pin, { tensor: 'w', channel: [0, 1], index: [2, 2] });
  assert.deepEqual(S.parse('?pin=y:3:1,2').state.pin, { tensor: 'y', channel: [3], index: [1, 2] });
  assert.deepEqual(S.parse('?dims=1&pin=x:4').state.pin, { tensor: 'x', channel: null, index: [4] });
  assert.deepEqual(S.parse('?dims=3&pin=w:0,1,2').state.pin, { tensor: 'w', channel: null, index: [0, 1, 2] });
  assert.deepEqual(S.parse('?pin=C:5,12').state.pin, { tensor: 'C', channel: null, index: [5, 12] });
  // an old link's pinned output cell reads and writes as it did
  const old = S.parse('?in=4&k=4&s=2&p=1&cell=0,1');
  assert.deepEqual([old.state.cell, old.state.pin], [[0, 1], null]);
  assert.match(S.serialize(old.state), /&cell=0,1(&|$)/);
  // a wrong form names the parameter, its value and the forms
  for (const bad of ['x:1', 'x:1,2,3', 'q:1,2', 'w:0:1,1', 'C:1', 'C:0:1,2', 'x:a,b', 'x:1,,2', 'y:1:2:3,4']) {
    const { state, messages } = S.parse(`?pin=${encodeURIComponent(bad)}`);
    assert.equal(state.pin, null, bad);
    assert.equal(messages.length, 1, bad);
    assert.match(messages[0], /^pin is ".*" but must be x:r,c, w:kh,kw, y:r,c .* or C:i,o \(link parameter pin, ignored\)$/, bad);
  }
});

test('mutated valid links never throw, and every parameter applies or gets a message', () => {
  const r = rng(7);
  const starts = [
    '?in=4&k=4&s=2&p=1&x=ones&w=arange',
    '?in=4&k=3&s=2&op=1&x=rand:3&w=rand:4&view=matrix&cell=1,2',
    '?in=5x3&k=2x3&s=2x1&p=1x0&d=2&cin=4&cout=2&g=2&ci=3&co=1&view=direct',
    '?in=2&k=2&x=1,2,3,4&w=-1,0.5,2e3,-0&embed=1',
    '?dims=1&in=5&k=3&s=2&p=1,0&os=10&b=rand:3&cell=4',
    '?in=4&k=3&s=2&cin=2&cout=4&g=2&view=subpixel&pin=w:1,0:2,1',
    '?in=2&k=3&s=2&p=0,2,0,2&op=1&b=1,2&cin=2&cout=2',
    '?dims=3&in=2x3x3&k=2&s=2&p=same_lower&dz=1&b=arange',
  ];
  for (let i = 0; i < 3000; i += 1) check(mutate(r, r.pick(starts)));
});

test('each hostile value gets a message naming the parameter, in every parameter', () => {
  const hostile = ['0', '-1', '2.5', 'NaN', 'Infinity', '-Infinity', '1e999', '100000', '4x4x4', '', ...MARKUP, ...PERCENT_GARBAGE];
  for (const row of S.SCHEMA) {
    for (const value of hostile) {
      for (const encoded of [encodeURIComponent(value), value]) {
        const link = `?${row.key}=${encoded}`;
        const { state, messages } = check(link);
        const applied = JSON.stringify(state[row.key]) !== JSON.stringify(S.defaults()[row.key]);
        if (messages.length === 0) {
          // Only values that really are valid for this parameter may pass (e.g. 0 padding, 1e999 is never one).
          assert.ok(!MARKUP.includes(value) && !/Infinity|NaN|1e999/.test(value), `${link} was accepted silently`);
        } else {
          assert.ok(!applied, `${link} both applied and failed`);
          assert.ok(messages[0].includes(row.name) || messages[0].includes(row.key), `the message names ${row.key}: ${messages[0]}`);
        }
      }
    }
  }
});

test('100 KB value lists and wrong-length lists: parsed or refused quickly, message short', () => {
  const long = Array.from({ length: 50000 }, (_, i) => String((i % 7) - 3)).join(',');
  assert.ok(long.length >= 100000);
  const start = performance.now();
  const { state, messages } = check(`?x=${long}`);
  assert.equal(state.x.kind, 'list');
  assert.equal(state.x.values.length, 50000);
  assert.deepEqual(messages, []);
  // The wrong length is the page's to report when it knows the shape: materialize says so, briefly.
  const m = S.materialize(state.x, 16, 'Input values');
  assert.match(m.message, /Input values has 50000 numbers but the tensor holds 16/);
  // A 100 KB single garbage token is refused with a clipped echo, not echoed whole.
  const garbage = check(`?x=${'<b>'.repeat(34000)}`);
  assert.equal(garbage.messages.length, 1);
  const bigNumber = check(`?in=${'9'.repeat(100000)}`);
  assert.equal(bigNumber.messages.length, 1);
  const manyKeys = check(`?${Array.from({ length: 2000 }, (_, i) => `s=${i % 5}`).join('&')}`);
  assert.equal(manyKeys.messages.length, 2000 / 5, 'every s=0 occurrence gets a message');
  assert.ok(performance.now() - start < 2000, 'hostile lists parse in well under the page budget');
});

test('values that would become NaN or Infinity in float32 are refused with a message', () => {
  for (const bad of ['1e999', '-1e999', '1e39', '3.5e38', '-3.5e38']) {
    const { state, messages } = S.parse(`?x=1,${bad},3,4`);
    assert.equal(messages.length, 1, `${bad} is refused`);
    assert.match(messages[0], /Input values/);
    assert.deepEqual(state.x, S.defaults().x);
  }
  // The largest float32 and tiny numbers are fine.
  assert.deepEqual(S.parse('?x=3.4e38,1e-50').messages, []);
});

test('parseParam (window.tconv.set) never throws on any JS value', () => {
  const values = [undefined, null, NaN, Infinity, -Infinity, -1, 0, 2.5, 2 ** 53, 1e308, '', 'x', [], [1], [1, 2, 3], [NaN, 1],
    [Infinity, 2], ['<img src=x onerror=alert(1)>', 1], {}, { kind: 'list', values: [NaN] }, { kind: 'list', values: 'abc' },
    { kind: 'rand', seed: -1 }, { kind: 'evil' }, { toString() { throw new Error('boom'); } }, Symbol('s'), () => 1, true, false,
    Object.create(null), new Proxy({}, { get() { throw new Error('trap'); } })];
  for (const row of S.SCHEMA) {
    values.forEach((v, i) => {
      let r;
      assert.doesNotThrow(() => { r = S.parseParam(row.key, v); }, `parseParam(${row.key}, values[${i}]) threw`);
      assert.ok(('value' in r) !== ('message' in r), 'either a value or a message');
      if ('message' in r) assert.ok(typeof r.message === 'string' && r.message.length <= MAX_MESSAGE_LENGTH, `short message for ${row.key}`);
      if ('value' in r && (row.key === 'x' || row.key === 'w') && r.value.kind === 'list') {
        assert.ok(r.value.values.every(Number.isFinite), `${row.key} list accepted a non-finite value`);
      }
    });
  }
});

test('no code under web/ can interpret data as markup or code (the page builds DOM with textContent)', () => {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(js|mjs|html)$/.test(name)) files.push(p);
    }
  };
  walk(webDir);
  assert.ok(files.length >= 5, 'found the page sources');
  const sinks = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write(ln)?|createContextualFragment|srcdoc)\b|(^|[^\w.-])eval\s*\(|new\s+Function\s*\(|set(Timeout|Interval)\s*\(\s*['"`]/;
  const hits = [];
  for (const f of files) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      // Comments may name the sinks (to say they are not used).
      const code = line.replace(/\/\/.*$/, '').replace(/<!--.*?-->/g, '');
      if (sinks.test(code)) hits.push(`${path.relative(webDir, f)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(hits, [], 'HTML/code sinks found in web/');
  // And the page forbids inline script and eval even if one slipped in.
  const html = readFileSync(path.join(webDir, 'index.html'), 'utf8');
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  assert.ok(csp, 'index.html has a Content-Security-Policy meta tag');
  const scriptSrc = /script-src ([^;]+)/.exec(csp[1])[1];
  assert.ok(!/'unsafe-inline'|'unsafe-eval'|\*|data:/.test(scriptSrc), `script-src allows too much: ${scriptSrc}`);
  assert.match(csp[1], /object-src 'none'/);
});
