// web/format.js: how every number on the page is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { num, factor, sum, idx } from '../../web/format.js';

test('num: integers as integers, others to 4 significant digits, a true minus sign, exponents for the extremes', () => {
  assert.equal(num(12), '12');
  assert.equal(num(-3), '−3');
  assert.equal(num(-0), '0');
  assert.equal(num(0.10000000149011612), '0.1', 'float32 noise reads as the number meant');
  assert.equal(num(2 / 3), '0.6667');
  assert.equal(num(1234567), '1234567');
  assert.equal(num(12345678), '1.23e+7');
  assert.equal(num(0.0001234), '1.23e−4');
  assert.equal(num(NaN), 'NaN');
  assert.equal(num(-Infinity), '-Infinity');
});

test('factor, sum and idx write the explanation\'s parts', () => {
  assert.equal(factor(5), '5');
  assert.equal(factor(-2), '(−2)', 'a negative factor in parentheses: 1·(−2)');
  assert.equal(sum([5, 7]), '5 + 7');
  assert.equal(sum([5, -7, 0.5]), '5 − 7 + 0.5');
  assert.equal(sum([-1]), '−1');
  assert.equal(idx(0, 1), '[0,1]');
  assert.equal(idx(2, 0, 1, 3), '[2,0,1,3]');
});
