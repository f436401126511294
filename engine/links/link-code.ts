import { randomBytes } from 'node:crypto';

/** Letters and digits: nothing a URL, an SMS gateway or a chat app would escape or cut a link at. */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 62^8 ≈ 2.2·10^14 codes: short enough for an SMS, and a guesser at the redirect's rate limit finds nothing. */
export const LINK_CODE_LENGTH = 8;
/** What `/l/:code` takes as a code at all: anything else is a 404 without a database look-up. */
export const LINK_CODE = /^[0-9A-Za-z]{8}$/;

/**
 * A fresh random code: every character from the OS's CSPRNG, so codes are neither sequential nor guessable from
 * one another. 256 is not a multiple of 62: bytes of 248 and above are thrown away so each letter is as likely.
 *
 * @example
 * newLinkCode() // → 'q3ZtK0bX'
 */
export function newLinkCode(random: (n: number) => Buffer = randomBytes): string {
  let code = '';
  while (code.length < LINK_CODE_LENGTH) {
    for (const byte of random(LINK_CODE_LENGTH * 2)) {
      if (byte >= 248) continue;
      code += ALPHABET[byte % 62];
      if (code.length === LINK_CODE_LENGTH) break;
    }
  }
  return code;
}
