/**
 * What every writer (libvirt XML, xl, xm) is told besides the domain. One option set for all
 * three, so `convert --security-info`, `import` and the upgrade runbook say it the same way.
 */
export interface WriteOptions {
  /**
   * Write VNC/SPICE passwords (`passwd=`, `vncpasswd`, `spicepasswd`), as `virsh dumpxml
   * --security-info` does. Off by default, like `virsh domxml-from-native`: converted files are
   * often shared and reviewed, while a domain defined in libvirt needs its password (`import`).
   */
  readonly securityInfo?: boolean
}
