// Query-string values, parsed strictly. Pure (zod only): report filters and fleet parameters are
// read by the browser too.

import { z } from 'zod';

/**
 * A whole number written the way people write one in a URL: decimal digits only. z.coerce
 * accepted "0x10", "1e1" and " 5" as numbers.
 */
export function queryInt(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,9}$/, 'a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}
