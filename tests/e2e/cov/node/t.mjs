// Runs part of discount.mjs, as a test suite would, with plain asserts.
import assert from 'node:assert/strict';
import { discount, shipping } from './discount.mjs';

assert.equal(discount(100, 'TEN'), 90);
assert.equal(discount(100, 'NONE'), 100);
assert.equal(shipping(3), 5);
console.log('ok');
