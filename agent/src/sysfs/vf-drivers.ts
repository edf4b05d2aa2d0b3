/**
 * The default driver of each VF the agent knows (SRIOV-FACTS.md section 6), by "vendor:device".
 * Needed to bind a VF back when its PF's sriov_drivers_autoprobe is 0: the kernel then probes a VF
 * only when driver_override names a driver (pci_device_can_probe in drivers/pci/pci-driver.c).
 */
export const DEFAULT_VF_DRIVERS: Readonly<Record<string, string>> = {
  '8086:10ed': 'ixgbevf', // 82599 (HPE 560SFP+)
  '8086:154c': 'iavf', // X710 (HPE 562SFP+)
  '14e4:16dc': 'bnxt_en', // BCM57414 (HPE 631SFP28)
  '15b3:1016': 'mlx5_core', // ConnectX-4 Lx (HPE 640SFP28)
  '15b3:101e': 'mlx5_core', // ConnectX-6 Dx and BlueField-2 VFs
  '8086:1889': 'iavf', // E810
  '8086:1520': 'igbvf', // I350 (HPE 361T/366FLR)
};
