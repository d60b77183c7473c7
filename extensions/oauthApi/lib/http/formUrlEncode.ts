/**
 * RFC 6749 §2.3.1 / Appendix B: the application/x-www-form-urlencoded encoding of one value (a
 * space becomes "+", and !'()~ are escaped, unlike encodeURIComponent). Used for the client id and
 * secret before they are joined for Basic, and by the Redactor to know a secret's wire form.
 */
export const formUrlEncode = (value: string): string =>
  new URLSearchParams({ v: value }).toString().slice(2)
