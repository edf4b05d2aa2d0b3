import { describe, expect, it } from 'vitest';
import { csvField, csvLine } from './csv';

describe('csv', () => {
  it('quotes only what needs quoting and doubles quotes', () => {
    expect(csvLine(['kvm-a01', 'a,b', 'say "hi"', 'two\nlines'])).toBe('kvm-a01,"a,b","say ""hi""","two\nlines"\r\n');
  });

  it('writes empty for null, words for booleans, plain numbers', () => {
    expect(csvLine([null, true, false, 42, -1, Number.NaN])).toBe(',yes,no,42,-1,\r\n');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-1+2')).toBe("'-1+2");
    expect(csvField('vm-01')).toBe('vm-01');
  });
});
