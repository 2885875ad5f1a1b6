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
    const c = hostConfig()
    c.libvirt = effect.libvirt
    writeJson('host.json', c)
    setFlag('libvirtd.running', true)
  }
  return version
}
