import { describe, expect, it } from 'vitest';
import { privateAddressesAllowed, privateAddressSwitch } from './private-addresses.js';

/** One switch for webhooks and channel endpoints, under a new name; the old one keeps working. */
describe('the private-address switch', () => {
  it('reads rows written under either name (the new one wins)', () => {
    expect(privateAddressesAllowed({})).toBe(false);
    expect(privateAddressesAllowed({ allowPrivateWebhooks: true })).toBe(true);
    expect(privateAddressesAllowed({ allowPrivateAddresses: false, allowPrivateWebhooks: true })).toBe(false);
    expect(privateAddressesAllowed({ allowPrivateAddresses: 'yes' })).toBe(false);
  });

  it('takes a PUT under either name; a client that changed one of two it read is taken at its change', () => {
    expect(privateAddressSwitch({ allowPrivateWebhooks: true }, false)).toBe(true);
    expect(privateAddressSwitch({ allowPrivateAddresses: true }, false)).toBe(true);
    expect(privateAddressSwitch({}, true)).toBe(false);
    // read both as false, changed the old name only
    expect(privateAddressSwitch({ allowPrivateAddresses: false, allowPrivateWebhooks: true }, false)).toBe(
      true,
    );
    // read both as true, changed the new name only
    expect(privateAddressSwitch({ allowPrivateAddresses: false, allowPrivateWebhooks: true }, true)).toBe(
      false,
    );
    expect(privateAddressSwitch({ allowPrivateAddresses: true, allowPrivateWebhooks: true }, false)).toBe(
      true,
    );
  });
});
