import { describe, expect, it } from 'vitest';
import { iloMessageLine, iloMessageWords } from './messages';

describe('iLO messages in words', () => {
  it('says what the known ids mean, whatever the registry version', () => {
    expect(iloMessageWords('Base.1.4.Success')).toBe('Applied');
    expect(iloMessageWords('Base.1.18.Success')).toBe('Applied');
    expect(iloMessageWords('iLO.2.14.SystemResetRequired')).toBe('Waits for a server reset');
    expect(iloMessageWords('Base.1.4.PropertyValueNotInList')).toBe('Value not allowed');
  });

  it('spells out an id it does not know instead of showing it raw', () => {
    expect(iloMessageWords('iLO.2.14.ResourceNotReadyRetry')).toBe('Resource not ready retry');
  });

  it('adds the iLO’s sentence only when it says more', () => {
    expect(iloMessageLine({ messageId: 'Base.1.4.Success', message: 'success' })).toBe('Applied');
    expect(iloMessageLine({ messageId: 'Base.1.4.Success', message: 'Success' })).toBe('Applied');
    expect(iloMessageLine({ messageId: 'Base.1.4.PropertyValueNotInList', message: 'The value Sometimes for the property Sriov is not in the list of acceptable values.' })).toBe(
      'Value not allowed: The value Sometimes for the property Sriov is not in the list of acceptable values.',
    );
  });
});
