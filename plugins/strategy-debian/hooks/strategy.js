// @ts-check
/**
 * xenlift upgrade strategy for Debian-family dom0s, answered through the custom oclif hook
 * `xenlift:upgrade-strategy`. Plain data and pure functions of the host's facts, so
 * `xenlift upgrade plan` lists every command before anything runs. Types come from xenlift's
 * public API (`import('xenlift')`), never from its src/ paths.
 *
 * @typedef {import('xenlift').UpgradeStrategy} UpgradeStrategy
 * @typedef {import('xenlift').HostFacts} HostFacts
 */

/** libvirt shipped by each Debian release (the version the XML is written for). */
const LIBVIRT_BY_DEBIAN = {10: '5.0.0', 11: '7.0.0', 12: '9.0.0', 13: '11.3.0'}

/** @type {UpgradeStrategy} */
export const debianApt = {
  id: 'debian-apt',
  description: "apt-get installs libvirt's daemon and libxl driver; xend and xendomains stopped and disabled; TOOLSTACK=xl in /etc/default/xen",
  claims(facts) {
    return facts.os?.id === 'debian' || facts.os?.id === 'ubuntu'
  },
  targetLibvirtVersion(facts) {
    if (facts.libvirt?.libxl) return facts.libvirt.version
    const major = Number.parseInt(facts.os?.versionId ?? '', 10)
    return LIBVIRT_BY_DEBIAN[/** @type {keyof typeof LIBVIRT_BY_DEBIAN} */ (major)] ?? '9.0.0'
  },
  packages: ['libvirt-daemon-system', 'libvirt-daemon-driver-xen'],
  installCommands() {
    return [
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', '--no-install-recommends', ...this.packages],
    ]
  },
  packageQuery: ['dpkg-query', '-W', '-f', '${Package}\\t${Version}\\n'],
  fingerprintPackages: ['xen-utils-common', 'xen-hypervisor', 'libvirt-daemon-system', 'libvirt-daemon-driver-xen', 'libvirt-clients'],
  xendServices: ['xendomains', 'xend'],
  libvirtService: 'libvirtd',
  toolstackFiles: ['/etc/default/xen'],
  toolstackSetting: {path: '/etc/default/xen', key: 'TOOLSTACK', value: 'xl'},
}

/** The hook: one strategy. @returns {UpgradeStrategy} */
export default function strategyHook() {
  return debianApt
}
