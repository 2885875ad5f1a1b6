/**
 * xenlift's exit codes: part of the public contract (README "Exit codes").
 * 0 ok; 1 failure (some inputs failed / findings at or above --fail-on); 2 usage error;
 * 3 blockers found (upgrade plan); 4 partial fleet failure (some hosts failed); 130 interrupted.
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  blockers: 3,
  partialFleet: 4,
  interrupted: 130,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/**
 * The exit code of a fleet command from its hosts: some failed → 4 (partial fleet failure), all
 * failed → 1, none → undefined (the command's own outcome decides). `scan`, `import` and
 * `check --host` share it, so "a host could not be reached" means the same everywhere.
 */
export function fleetExitCode(failedHosts: number, hosts: number): ExitCode | undefined {
  if (failedHosts === 0) return undefined
  return failedHosts >= hosts ? EXIT.failed : EXIT.partialFleet
}
