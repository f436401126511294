import { describe, expect, it } from 'vitest';
import { attributeValue, editableValue } from './member-form';

describe('attribute editing', () => {
  it('keeps the type a value had when its text still reads as it', () => {
    expect(attributeValue('42', 7)).toBe(42);
    expect(attributeValue('false', true)).toBe(false);
    expect(attributeValue('{"a":1}', { a: 0 })).toEqual({ a: 1 });
    expect(attributeValue('上海', '北京')).toBe('上海');
  });
  it('falls back to text when it does not', () => {
    expect(attributeValue('forty', 7)).toBe('forty');
    expect(attributeValue('{bad', { a: 0 })).toBe('{bad');
    expect(attributeValue('12', undefined)).toBe('12');
  });
  it('shows values as text', () => {
    expect([editableValue(3), editableValue(null), editableValue({ a: 1 })]).toEqual(['3', '', '{"a":1}']);
  });
});
