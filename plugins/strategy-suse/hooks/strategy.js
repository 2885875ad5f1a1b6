// @ts-check
/**
 * xenlift upgrade strategy for SUSE dom0s (SLES, openSUSE), answered through the custom oclif
 * hook `xenlift:upgrade-strategy`. SUSE has no toolstack setting file: the toolstack is whichever
 * daemon runs, so the switch disables xend and enables libvirtd. Types come from xenlift's
 * public API (`import('xenlift')`).
 *
 * @typedef {import('xenlift').UpgradeStrategy} UpgradeStrategy
 */

/** @type {UpgradeStrategy} */
export const suseZypper = {
  id: 'suse-zypper',
  description: "zypper installs libvirt's daemon and libxl driver; xend and xendomains stopped and disabled (SUSE selects the toolstack by the daemon that runs)",
  claims(facts) {
    const id = facts.os?.id ?? ''
    return id === 'sles' || id === 'sled' || id.startsWith('opensuse')
  },
  targetLibvirtVersion(facts) {
    if (facts.libvirt?.libxl) return facts.libvirt.version
    // SLES 12 SP5 ships libvirt 5.1; SLES 15 SP4+ 8.0 and later. Older hosts are moved by a
    // distribution upgrade first; plan for the libvirt of the release they land on.
    return facts.os?.versionId?.startsWith('15') ? '9.0.0' : '5.1.0'
  },
  packages: ['libvirt-daemon-driver-libxl', 'libvirt-daemon', 'libvirt-client'],
  installCommands() {
    return [
      ['zypper', '--non-interactive', 'refresh'],
      ['zypper', '--non-interactive', 'install', ...this.packages],
    ]
  },
  packageQuery: ['rpm', '-qa', '--qf', '%{NAME}\\t%{VERSION}-%{RELEASE}\\n'],
  fingerprintPackages: ['xen', 'xen-tools', 'libvirt-daemon', 'libvirt-daemon-driver-libxl', 'libvirt-client'],
  xendServices: ['xendomains', 'xend'],
  libvirtService: 'libvirtd',
  toolstackFiles: ['/etc/sysconfig/xend', '/etc/sysconfig/xendomains'],
}

/** The hook: one strategy. @returns {UpgradeStrategy} */
export default function strategyHook() {
  return suseZypper
}
