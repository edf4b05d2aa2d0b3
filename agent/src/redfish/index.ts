// The Redfish client for HPE iLO 4, 5 and 6: what the agent's CLI and HTTP API, and the
// dashboard's server, import.
export { RedfishClient, withIlo, parseIloUrl, sameUri, type IloConnectionOptions, type RetryPolicy, type RedfishRequestEvent, type RedfishResponse } from './client';
export { normalizeFingerprint, type IloTrust } from './tls';
export * from './errors';
export {
  readBios,
  setBios,
  parseBiosAssignments,
  registryFromDigest,
  VIRTUALIZATION_ATTRIBUTES,
  type RegistryDigest,
  type BiosScalar,
  type BiosReport,
  type BiosChangeResult,
  type AttributeState,
  type RejectedSetting,
  type VirtualizationAttribute,
  type ReadBiosOptions,
} from './bios';
export { resetServer, powerOn, powerOff, readPower, type RestartKind, type PowerStatus } from './power';
export { readNicFacts, type NicFacts, type NicAdapterFacts, type NicFunctionFacts, type PciFunctionFacts } from './nic';
export { describeMessage, messageText, type IloGeneration } from './oem/hpe';
export { checkAgainstRegistry, coerceBiosValue, findLocks, type AttributeLock, type AttributeDefinition, type BiosValue } from './registry';
export {
  ILO_TARGET_HEADER,
  checkIloTarget,
  checkBiosPatchBody,
  checkPowerResetBody,
  IloRequestError,
  encodeIloTarget,
  decodeIloTarget,
  parseIloRequest,
  connectionOptions,
  biosGet,
  biosSet,
  powerReset,
  redfishErrorResponse,
  iloTargetFromCli,
  formatBiosReport,
  type IloTarget,
  type RequestCheck,
  type RequestIssue,
  type IloCliSettings,
  type IloErrorEnvelope,
  type ApiErrorCode,
  type OperationOptions,
} from './api';
