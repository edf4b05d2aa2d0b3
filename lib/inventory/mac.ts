// What a MAC address is worth showing. Pure and browser-safe (the allocator is mac-allocator.ts).

export const MAC_PATTERN = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;

/** A MAC the VF does not really have: none reported, or all zeros (what `ip link` shows for an unset VF MAC). */
export function isUnsetMac(mac: string | null | undefined): mac is null | undefined | '' {
  return !mac || /^(00:){5}00$/.test(mac);
}

/** The MAC as a page or report shows it: null for none or all zeros, never zeros as if they were a MAC. */
export function shownMac(mac: string | null | undefined): string | null {
  return isUnsetMac(mac) ? null : mac.toLowerCase();
}

/** Locally administered (bit 1 of the first byte) and unicast (bit 0 clear): IEEE 802 gives it to no vendor. */
export function isLocallyAdministered(mac: string): boolean {
  return MAC_PATTERN.test(mac) && (parseInt(mac.slice(0, 2), 16) & 0b11) === 0b10;
}

/** What a VF without a MAC means for its VM, said where the MAC would be. */
export const UNSET_MAC_WORDS = 'none set: the VM’s driver makes one up at each boot';
