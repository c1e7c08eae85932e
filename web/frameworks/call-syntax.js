// Python call syntax as people paste it, read strictly and never evaluated: a tokenizer, a recursive-descent parser
// (names, numbers, strings, tuples, lists, dicts, True/False/None, keyword arguments), value readers that name the
// argument and the rule in every message, and binding of arguments to a signature. web/frameworks/import.js reads
// the transposed-convolution calls of each framework with it.

import { axisNames } from './layer.js';

export const MAX_IMPORT_LENGTH = 2000;
const MAX_DEPTH = 8;
const MAX_TOKENS = 600;

export class ImportError extends Error {}
export const fail = (message) => {
  throw new ImportError(message);
};

/** A value echoed in a message, clipped so that pasted junk cannot flood the page. */
export function clip(text) {
  const t = String(text).replace(/\s+/g, ' ').trim();
  return t.length > 40 ? `${t.slice(0, 30)}… (${t.length} characters)` : t;
}

// ------------------------------------------------------------------ tokenizer

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', '=', ':', '.', '-', '+']);

export function tokenize(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\\') { i++; continue; }
    if (c === '#') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (tokens.length >= MAX_TOKENS) fail(`the text has more than ${MAX_TOKENS} tokens; paste one layer call`);
    const start = i;
    if (/[bBrR]/.test(c) && (text[i + 1] === '"' || text[i + 1] === "'")) { i++; continue; } // b'SAME_UPPER', r'...'
    if (/[A-Za-z_]/.test(c)) {
      while (i < text.length && /\w/.test(text[i])) i++;
      tokens.push({ type: 'name', value: text.slice(start, i), start, end: i });
      continue;
    }
    const num = /^(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/.exec(text.slice(i, i + 40));
    if (/[\d.]/.test(c) && num && num[0] !== '.') {
      i += num[0].length;
      if (i < text.length && /[A-Za-z_]/.test(text[i])) fail(`${JSON.stringify(clip(text.slice(start, i + 1)))} at character ${start + 1} is not a number`);
      const raw = num[0].replace(/_/g, '');
      tokens.push({ type: 'number', value: Number(raw), integer: /^\d+$/.test(raw), start, end: i });
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length || text[i] === '\n') fail(`the string starting at character ${start + 1} is not closed`);
        if (text[i] === c) { i++; break; }
        if (text[i] === '\\' && i + 1 < text.length) { value += text[i + 1]; i += 2; continue; }
        value += text[i++];
      }
      tokens.push({ type: 'string', value, start, end: i });
      continue;
    }
    if (PUNCT.has(c)) {
      tokens.push({ type: c, start, end: i + 1 });
      i++;
      continue;
    }
    if (c === ';' && text.slice(i + 1).trim() === '') { i++; continue; } // a trailing semicolon
    fail(`the character ${JSON.stringify(c)} at character ${start + 1} is not part of a layer call`);
  }
  return tokens;
}

// ------------------------------------------------------------------ parser

const CLOSE = { '(': ')', '[': ']', '{': '}' };

export function parser(text, tokens) {
  let pos = 0;
  const peek = (k = 0) => tokens[pos + k];
  const src = (a, b) => text.slice(a, b);
  const where = (t) => (t ? `${JSON.stringify(src(t.start, t.end))} at character ${t.start + 1}` : 'the end of the text');
  const expect = (type, opener) => {
    const t = peek();
    if (!t) fail(opener ? `the text ends before '${type}' closes the '${opener.type}' at character ${opener.start + 1}` : `the text ends where '${type}' was expected`);
    if (t.type !== type) fail(`expected '${type}' but found ${where(t)}${opener ? ` (to close the '${opener.type}' at character ${opener.start + 1})` : ''}`);
    pos++;
    return t;
  };
  const dotted = () => {
    const first = expect('name');
    let name = first.value;
    while (peek()?.type === '.' && peek(1)?.type === 'name') {
      pos++;
      name += `.${tokens[pos++].value}`;
    }
    if (peek()?.type === '.') fail(`expected a name after the '.' at character ${peek().start + 1}`);
    return { name, start: first.start, end: tokens[pos - 1].end };
  };

  function value(depth) {
    if (depth > MAX_DEPTH) fail(`the brackets are nested more than ${MAX_DEPTH} deep`);
    const t = peek();
    if (!t) fail('the text ends where a value was expected');
    if (t.type === 'number') { pos++; return { type: t.integer ? 'int' : 'float', value: t.value, start: t.start, end: t.end }; }
    if ((t.type === '-' || t.type === '+') && peek(1)?.type === 'number') {
      pos += 2;
      const n = tokens[pos - 1];
      return { type: n.integer ? 'int' : 'float', value: t.type === '-' ? -n.value : n.value, start: t.start, end: n.end };
    }
    if (t.type === 'string') {
      pos++;
      // Python joins adjacent string literals
      let v = t.value, end = t.end;
      while (peek()?.type === 'string') { v += peek().value; end = tokens[pos++].end; }
      return { type: 'str', value: v, start: t.start, end };
    }
    if (t.type === 'name') {
      const d = dotted();
      if (d.name === 'True' || d.name === 'False') return { type: 'bool', value: d.name === 'True', start: d.start, end: d.end };
      if (d.name === 'None') return { type: 'none', value: null, start: d.start, end: d.end };
      if (peek()?.type === '(') {
        const args = callArgs(depth + 1);
        return { type: 'call', name: d.name, args, start: d.start, end: tokens[pos - 1].end };
      }
      return { type: 'name', value: d.name, start: d.start, end: d.end };
    }
    if (t.type === '(' || t.type === '[') {
      pos++;
      const items = [];
      let comma = false;
      while (peek() && peek().type !== CLOSE[t.type]) {
        items.push(value(depth + 1));
        if (peek()?.type === ',') { pos++; comma = true; } else break;
      }
      expect(CLOSE[t.type], t);
      const end = tokens[pos - 1].end;
      // (3) is a parenthesized number, (3,) a tuple
      if (t.type === '(' && items.length === 1 && !comma) return { ...items[0], start: t.start, end };
      return { type: t.type === '(' ? 'tuple' : 'list', items, start: t.start, end };
    }
    if (t.type === '{') {
      pos++;
      const entries = [];
      while (peek() && peek().type !== '}') {
        const key = value(depth + 1);
        expect(':');
        entries.push([key, value(depth + 1)]);
        if (peek()?.type === ',') pos++; else break;
      }
      expect('}', t);
      return { type: 'dict', entries, start: t.start, end: tokens[pos - 1].end };
    }
    fail(`expected a value but found ${where(t)}`);
  }

  function callArgs(depth) {
    const open = expect('(');
    const positional = [], keywords = [];
    while (peek() && peek().type !== ')') {
      if (peek().type === 'name' && peek(1)?.type === '=') {
        const key = tokens[pos];
        pos += 2;
        if (keywords.some(([k]) => k.value === key.value)) fail(`the argument ${key.value} is given twice`);
        keywords.push([key, value(depth)]);
      } else {
        if (keywords.length) fail(`a positional argument (${where(peek())}) follows keyword arguments`);
        positional.push(value(depth));
      }
      if (peek()?.type === ',') pos++; else break;
    }
    expect(')', open);
    return { positional, keywords: keywords.map(([k, v]) => ({ name: k.value, value: v, start: k.start })) };
  }

  /** The whole text: a call (optionally assigned: `up = nn.ConvTranspose2d(...)`), keyword pairs, or a dict. */
  function top() {
    if (!tokens.length) fail('the text is empty: paste a layer call such as nn.ConvTranspose2d(16, 8, 4, stride=2)');
    let result;
    const t = peek();
    if (t.type === '{') {
      result = { kind: 'dict', value: value(0) };
    } else if (t.type === 'name') {
      // `target = call(...)`: skip the target
      let k = 1;
      while (peek(k)?.type === '.' && peek(k + 1)?.type === 'name') k += 2;
      const afterTarget = peek(k);
      if (afterTarget?.type === '=' && peek(k + 1)?.type === 'name') {
        let j = k + 2;
        while (peek(j)?.type === '.' && peek(j + 1)?.type === 'name') j += 2;
        if (peek(j)?.type === '(') pos += k + 1;
      }
      if (peek().type === 'name' && peek(1)?.type === '=') {
        result = { kind: 'keywords', value: callArgsBare() };
      } else {
        const d = dotted();
        if (peek()?.type !== '(') fail(`${JSON.stringify(d.name)} is not a call: paste the whole call, e.g. ${d.name}(...)`);
        result = { kind: 'call', name: d.name, args: callArgs(0), start: d.start };
      }
    } else {
      fail(`the text starts with ${where(t)}; paste a layer call such as nn.ConvTranspose2d(16, 8, 4, stride=2)`);
    }
    if (pos < tokens.length) result.trailing = `unexpected ${where(peek())} after the ${result.kind === 'call' ? 'call' : 'attributes'}: paste one call`;
    return result;
  }

  /** name=value pairs without parentheses (an ONNX attribute list), separated by commas or new lines. */
  function callArgsBare() {
    const keywords = [];
    while (peek()) {
      const key = expect('name');
      expect('=');
      if (keywords.some((k) => k.name === key.value)) fail(`the attribute ${key.value} is given twice`);
      keywords.push({ name: key.value, value: value(0), start: key.start });
      if (peek()?.type === ',') pos++;
    }
    return { positional: [], keywords };
  }

  return { top, src };
}

// ------------------------------------------------------------------ reading values

export function reader(src) {
  const text = (v) => clip(src(v.start, v.end));
  const int = (v, name, min) => {
    if (v.type !== 'int') fail(`${name} is ${text(v)} but must be a whole number`);
    if (v.value < min) fail(`${name} is ${text(v)} but must be at least ${min}`);
    if (v.value > 4096) fail(`${name} is ${text(v)} but must be at most 4096`);
    return v.value;
  };
  /** An int (every axis) or a tuple/list of r ints. */
  const perAxis = (v, name, rank, min) => {
    if (v.type === 'int') return new Array(rank).fill(int(v, name, min));
    if (v.type === 'tuple' || v.type === 'list') {
      if (v.items.length !== rank) fail(`${name} is ${text(v)} but must be one number or ${rank} (${axisNames(rank).join(', ')})`);
      return v.items.map((item, a) => int(item, `${name} (${axisNames(rank)[a]})`, min));
    }
    fail(`${name} is ${text(v)} but must be a whole number or ${rank} of them`);
  };
  const ints = (v, name, min) => {
    if (v.type !== 'tuple' && v.type !== 'list') fail(`${name} is ${text(v)} but must be a list of whole numbers`);
    return v.items.map((item, i) => int(item, `${name}[${i}]`, min));
  };
  const bool = (v, name) => {
    if (v.type !== 'bool') fail(`${name} is ${text(v)} but must be True or False`);
    return v.value;
  };
  const str = (v, name) => {
    if (v.type !== 'str') fail(`${name} is ${text(v)} but must be a string`);
    return v.value;
  };
  return { text, int, perAxis, ints, bool, str };
}

/** Binds positional and keyword arguments to a signature; unknown or repeated arguments are errors. */
export function bind(call, args, signature, { maxPositional = signature.length, extra = [] } = {}) {
  const bound = {};
  if (args.positional.length > maxPositional) {
    fail(`${call} takes at most ${maxPositional} positional arguments (${signature.slice(0, maxPositional).join(', ')}) but was given ${args.positional.length}`);
  }
  args.positional.forEach((v, i) => { bound[signature[i]] = v; });
  for (const { name, value } of args.keywords) {
    if (!signature.includes(name) && !extra.includes(name)) {
      fail(`${call} has no argument ${name} (its arguments: ${[...signature, ...extra].join(', ')})`);
    }
    if (bound[name] !== undefined) fail(`${call}: ${name} is given twice (by position and by name)`);
    bound[name] = value;
  }
  return bound;
}
