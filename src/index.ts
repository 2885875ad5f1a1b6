/**
 * xenlift as a library: the pure core (readers, model, writers, checks, reports) and the
 * transports. Plugins and scripts import from here (`import {convertText} from 'xenlift'`),
 * never from `src/…` paths.
 */
export type * from './model/domain.js'
export {diag, formatDiagnostic, hasErrors, type Diagnostic, type Severity} from './model/diagnostic.js'
export {redactSecrets} from './model/redact.js'
export type {ConfigEntry, ConfigValue, NativeConfig, PythonConstruct} from './model/native-config.js'
export type {ReadDomain, ReadOptions, ReadResult, SourceFormat} from './model/read-result.js'

export {convertText, readConfig, type ConvertOptions, type ConvertResult, type ConvertedDomain, type TargetFormat} from './convert/convert.js'
export {detectFormat, isNonConfigName, type Detection} from './formats/detect.js'
export {readSxp} from './formats/sxp/read.js'
export {readXm} from './formats/xm/read.js'
export {readXl} from './formats/xl/read.js'
export {readLibvirtXml} from './formats/libvirt/read.js'
export {writeLibvirtXml} from './formats/libvirt/write.js'
export {applyLibvirtDefaults} from './formats/libvirt/defaults.js'
export {targetFor, parseVersion, type LibvirtTarget} from './formats/libvirt/target.js'
export {targetProfile, hvmLoaderOf, drbdDevicePath, ASSUMED_TARGET_PROFILE, type TargetProfile, type TargetFact, type CpuVendor} from './formats/target-profile.js'
export {collectPlatformFacts, targetProfileFromFacts, type PlatformFacts} from './host/platform-facts.js'
export {writeXl, type NativeWriteResult} from './formats/xl/write.js'
export {writeXm} from './formats/xm/write.js'
export type {WriteOptions} from './formats/write-options.js'

export {runChecks, type CheckOptions} from './checks/run-checks.js'
export {allRules, registerRule} from './checks/registry.js'
export type * from './checks/rule.js'
export type * from './checks/finding.js'
export type * from './checks/host-inventory.js'
export {renderReport, REPORT_FORMATS, type ReportFormat} from './report/render.js'

export type {DirEntry, ExecOptions, ExecResult, FileStat, Transport} from './transport/transport.js'

export type {HostFacts, OsFacts, XenFacts, ToolstackFacts, LibvirtFacts, RunningDomain} from './host/facts.js'
export {STRATEGY_HOOK, type UpgradeStrategy, type ProvidedStrategy} from './runbook/strategy.js'
export {PLAN_FORMAT, PLAN_VERSION, SECRET_MASK, STEP_IDS} from './runbook/plan-document.js'
export type * from './runbook/plan-document.js'
