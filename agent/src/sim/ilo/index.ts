export { startIloSimulator, type IloSimulator, type IloSimulatorOptions, type BusyInjection, type BusyMessage } from './server';
export { startIloFleet, type IloFleet } from './fleet';
export { createIloCertificate, type SimCertificate, type CertificateOptions } from './certificate';
export { IloMachine, type IloGeneration, type SimBootEvent, type SimPowerOffEvent, type MachineOptions } from './machine';
export { gen9Nics, gen10IntelNics, gen11Nics, type SimNic, type SimNicPort } from './nics';
export { PROFILE_LOCKS, WORKLOAD_PROFILES } from './bios-attributes';
export { iloOptionsForHost, iloNicsForHost, type HostShape, type HostNicShape } from './host-link';
