// Kubernetes resource quantities (`100m`, `1`, `128Mi`, `1Gi`, `1e3`) parsed exactly, as fractions of BigInts,
// so `limits >= requests` never suffers floating-point error (0.1 vs 100m).

const QUANTITY = /^\+?(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const MAX_EXPONENT = 30;

export interface Quantity {
  num: bigint;
  den: bigint;
}

/** A non-negative quantity, or `undefined` when the text is not one. */
export function parseQuantity(text: string): Quantity | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const [whole, frac = ''] = m[1].split('.');
  let num = BigInt((whole || '0') + frac);
  let den = 10n ** BigInt(frac.length);
  const suffix = m[2] ?? '';
  if (suffix in BINARY) {
    num *= 1024n ** BigInt(BINARY[suffix]);
  } else {
    const exp = suffix in DECIMAL ? DECIMAL[suffix] : suffix ? Number(suffix.slice(1)) : 0;
    if (Math.abs(exp) > MAX_EXPONENT) return undefined;
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den *= 10n ** BigInt(-exp);
  }
  return { num, den };
}

export function isQuantity(text: string): boolean {
  return parseQuantity(text) !== undefined;
}

/** Negative, zero or positive as a < b, a = b, a > b. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}
