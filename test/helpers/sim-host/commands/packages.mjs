// Package state shared by the apt-get and zypper stand-ins: installed {name: version} in
// .sim/packages.json; what the repositories offer in host.json `available`. Installing libvirt's
// daemon package makes `virsh` answer (as the real package would put it on PATH).
import {hostConfig, readJson, setFlag, writeJson} from './state.mjs'

export function installed() {
  return readJson('packages.json', {})
}

export function available() {
  return hostConfig().available ?? {}
}

export function install(name) {
  const version = available()[name]
  const pkgs = installed()
  pkgs[name] = version
  writeJson('packages.json', pkgs)
  const effect = hostConfig().packageEffects?.[name]
  if (effect?.libvirt) {
    // The daemon package: virsh and libvirtd appear, and its postinst starts libvirtd.
    const c = hostConfig()
    c.libvirt = {version: effect.libvirt.version, libxl: effect.libvirt.libxl ?? c.libvirt?.libxl ?? false}
    writeJson('host.json', c)
    setFlag('libvirtd.running', true)
  }
  if (effect?.libxlDriver) {
    // A driver module: a running libvirtd loads drivers at start only, so it answers on
    // xen:///system after `systemctl restart libvirtd`.
    const c = hostConfig()
    c.libxlPending = true
    writeJson('host.json', c)
  }
  return version
}

/** Injected fault: every install fails the way dpkg/rpm do when a maintainer script fails. */
export function installFails() {
  return hostConfig().failInstall === true
}
