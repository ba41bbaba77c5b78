import { describe, expect, it } from 'vitest';
import { withoutToken } from './addressToken';

describe('withoutToken', () => {
  it('removes only the token and keeps the route and other parameters', () => {
    expect(withoutToken('http://127.0.0.1:8080/?token=abc#/dataset')).toBe('/#/dataset');
    expect(withoutToken('http://127.0.0.1:8080/?lang=zh&token=abc')).toBe('/?lang=zh');
  });
  it('leaves an address without a token alone', () => {
    expect(withoutToken('http://127.0.0.1:8080/#/dataset')).toBeNull();
  });
});
