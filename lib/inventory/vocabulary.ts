// The words the inventory stores as plain strings (the schema stays portable across SQLite and
// PostgreSQL, so no database enums). Every value written goes through these lists.

export const SERVER_GENERATIONS = ['Gen9', 'Gen10', 'Gen10 Plus', 'Gen11'] as const;
export type ServerGeneration = (typeof SERVER_GENERATIONS)[number];

export const ILO_GENERATIONS = ['iLO 4', 'iLO 5', 'iLO 6'] as const;
export type IloGeneration = (typeof ILO_GENERATIONS)[number];

export const CPU_VENDORS = ['Intel', 'AMD'] as const;
export type CpuVendor = (typeof CPU_VENDORS)[number];

export const AGENT_STATUSES = ['online', 'offline', 'never-seen'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** The BIOS attributes SR-IOV depends on (SRIOV-FACTS.md section 5). */
export const BIOS_ATTRIBUTES = [
  'Sriov',
  'IntelProcVtd',
  'ProcVirtualization',
  'ProcAmdIoVt',
  'AmdDmaRemapping',
  'WorkloadProfile',
] as const;
export type BiosAttribute = (typeof BIOS_ATTRIBUTES)[number];

/** The iLO generation each ProLiant generation ships with. */
export const ILO_FOR_GENERATION: Record<ServerGeneration, IloGeneration> = {
  Gen9: 'iLO 4',
  Gen10: 'iLO 5',
  'Gen10 Plus': 'iLO 5',
  Gen11: 'iLO 6',
};
