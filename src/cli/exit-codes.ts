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
