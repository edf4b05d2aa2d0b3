// Many simulated iLOs in one process: one HTTPS listener per iLO, as every real iLO has an
// address of its own. The demo fleet and multi-host tests use this.

import { startIloSimulator, type IloSimulator, type IloSimulatorOptions } from './server';

export interface IloFleet {
  readonly ilos: readonly IloSimulator[];
  byName(name: string): IloSimulator | undefined;
  close(): Promise<void>;
}

export async function startIloFleet(specs: readonly IloSimulatorOptions[]): Promise<IloFleet> {
  const ilos: IloSimulator[] = [];
  try {
    for (const [index, spec] of specs.entries()) {
      ilos.push(await startIloSimulator({ seed: index + 1, ...spec }));
    }
  } catch (error) {
    await Promise.all(ilos.map((ilo) => ilo.close()));
    throw error;
  }
  return {
    ilos,
    byName: (name) => ilos.find((ilo) => ilo.name === name),
    close: async () => {
      await Promise.all(ilos.map((ilo) => ilo.close()));
    },
  };
}
