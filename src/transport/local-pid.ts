/**
 * Whether a process with this pid exists on this machine: how a run tells its own temporary
 * files from those a killed run (SIGKILL, power loss) left behind. EPERM means it exists, owned by
 * someone else. Anything that is not a pid counts as alive, so it is never cleaned up.
 */
export function localProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}
