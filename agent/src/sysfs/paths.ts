/** A PCI function address as sysfs names it: domain:bus:device.function, lower-case hex. */
export const PCI_ADDRESS = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;

export function isPciAddress(value: string): boolean {
  return PCI_ADDRESS.test(value);
}

export const PCI_DEVICES = '/sys/bus/pci/devices';
export const PCI_DRIVERS = '/sys/bus/pci/drivers';
export const DRIVERS_PROBE = '/sys/bus/pci/drivers_probe';

/** Only ever called with an address that matched PCI_ADDRESS, so the path cannot leave /sys. */
export function devicePath(address: string, ...rest: string[]): string {
  if (!isPciAddress(address)) throw new Error(`not a PCI address: ${JSON.stringify(address)}`);
  return [PCI_DEVICES, address, ...rest].join('/');
}

/** "0x8086\n" -> "8086": ids as the dashboard stores them. */
export function hexId(raw: string | null): string | null {
  if (raw === null) return null;
  const m = /^0x([0-9a-fA-F]+)$/.exec(raw.trim());
  return m?.[1] ? m[1].toLowerCase() : null;
}
