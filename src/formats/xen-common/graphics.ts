/**
 * Graphics from xm/xl keys, mirroring libvirt 9.0's `xenParseVfb` (`src/libxl/xen_common.c`;
 * xen-formats.md §6.3). One device at most:
 * - HVM: `vnc = 1` → VNC (`vncunused` default 1 → autoport; else port 5900 + `vncdisplay`),
 *   `vnclisten` (an address-less `<listen type='address'/>` when absent), `vncpasswd`,
 *   `keymap`; otherwise `sdl = 1` → SDL with `display`, `xauthority`. The `vfb` key is ignored.
 * - PV/PVH: only the first `vfb` string: `type=sdl` anywhere → SDL, else VNC; keys
 *   `vncunused=1`, `vnclisten=`, `vncpasswd=`, `keymap=`, `vncdisplay=N`, `display=`,
 *   `xauthority=`; parsing stops at the first element without `=`. No `vncunused=1` and no
 *   `vncdisplay` → `autoport='no'` without a port (unlike HVM). The top-level `vnc*` keys are
 *   ignored for PV.
 * xl's SPICE (which replaces these) is read by the xl reader.
 */
import type {Graphics} from '../../model/domain.js'
import {type ConfigReadContext, error, getBool, getNumber, getString, configValue} from './config-access.js'

/** libvirt copies the vfb string into a 1024-byte buffer (MAX_VFB). */
const MAX_VFB = 1024

export function readGraphics(ctx: ConfigReadContext, hvm: boolean): Graphics | undefined {
  return hvm ? readHvmGraphics(ctx) : readVfb(ctx)
}

function readHvmGraphics(ctx: ConfigReadContext): Graphics | undefined {
  if (getBool(ctx, 'vnc', false)) {
    const g: Graphics = {type: 'vnc', listens: []}
    g.autoport = getBool(ctx, 'vncunused', true)
    if (!g.autoport) g.port = getNumber(ctx, 'vncdisplay', 0) + 5900
    const listen = getString(ctx, 'vnclisten')
    g.listens.push(listen !== undefined ? {type: 'address', address: listen} : {type: 'address'})
    const passwd = getString(ctx, 'vncpasswd')
    if (passwd !== undefined) g.passwd = passwd
    const keymap = getString(ctx, 'keymap')
    if (keymap !== undefined) g.keymap = keymap
    return g
  }
  if (getBool(ctx, 'sdl', false)) {
    const g: Graphics = {type: 'sdl', listens: []}
    const display = getString(ctx, 'display')
    if (display !== undefined) g.display = display
    const xauth = getString(ctx, 'xauthority')
    if (xauth !== undefined) g.xauth = xauth
    return g
  }
  return undefined
}

function readVfb(ctx: ConfigReadContext): Graphics | undefined {
  const list = configValue(ctx, 'vfb')
  if (!Array.isArray(list)) return undefined
  const first = list[0]
  if (typeof first !== 'string') return undefined
  if (first.length >= MAX_VFB) {
    error(ctx, `VFB ${first.slice(0, 40)}… too big for destination (libvirt's limit is ${MAX_VFB - 1} characters)`, 'vfb')
    return undefined
  }
  const g: Graphics = {type: first.includes('type=sdl') ? 'sdl' : 'vnc', listens: [], autoport: false}
  if (g.type === 'sdl') delete g.autoport
  let key: string | undefined = first
  while (key !== undefined) {
    const comma = key.indexOf(',')
    let next: string | undefined
    let item = key
    if (comma >= 0) {
      item = key.slice(0, comma)
      next = key.slice(comma + 1)
    }
    if (!item.includes('=')) break
    if (g.type === 'vnc') {
      if (item.startsWith('vncunused=')) {
        if (item.slice(10) === '1') g.autoport = true
      } else if (item.startsWith('vnclisten=')) {
        g.listens.push({type: 'address', address: item.slice(10)})
      } else if (item.startsWith('vncpasswd=')) {
        g.passwd = item.slice(10)
      } else if (item.startsWith('keymap=')) {
        g.keymap = item.slice(7)
      } else if (item.startsWith('vncdisplay=')) {
        const v = item.slice(11)
        if (!/^[ \t\n\v\f\r]*[+-]?[0-9]+$/.test(v)) {
          error(ctx, `invalid vncdisplay value '${v}'`, 'vfb', 'vfb[0]')
          return undefined
        }
        g.port = Number(v.trim()) + 5900
      }
    } else if (item.startsWith('display=')) {
      g.display = item.slice(8)
    } else if (item.startsWith('xauthority=')) {
      g.xauth = item.slice(11)
    }
    if (next !== undefined) next = next.replace(/^[, \t]+/, '')
    key = next
  }
  return g
}
